"""`entas link files A.csv B.csv`: the link job on two files, without a database.

For analysts and for evaluation. Each file keeps its own record ids; the accepted links go to one
CSV (`record_id_a,record_id_b,probability` and a weight per field), the review band to a second,
in the order a reviewer should be asked. Earlier decisions (`--labels`, a CSV
`record_id_a,record_id_b,is_match`) are never asked again and teach the model.
"""

import io
from pathlib import Path

import polars as pl

from entas.linkage.model import DEFAULT, FIELDS, Thresholds
from entas.linkage.normalise import read_mapping, renamed, unique_ids
from entas.linkage.run import Progress, Report, Result, link

OUTPUT = ("record_id_a", "record_id_b", "probability", "match_weight", *(f"weight_{name}" for name in FIELDS))
ENCODINGS = ("utf8", "cp1252")  # files saved by Excel on Windows are often cp1252, not UTF-8


class FileProblem(ValueError):
    """A file that cannot be linked, with what is wrong with it in the words of its user."""


def read_table(path: Path, label: str) -> pl.DataFrame:
    """Every column of a CSV or XLSX file as text, so that NIKs keep their digits and dates their
    writing; a file that is not UTF-8 is read as Windows-1252."""
    if not path.is_file():
        raise FileProblem(f"{label}: {path} does not exist")
    if path.suffix.lower() in {".xlsx", ".xls"}:
        try:
            return pl.read_excel(path, infer_schema_length=0)
        except Exception as error:  # fastexcel raises its own types for damaged workbooks
            raise FileProblem(f"{label}: {path.name} is not a readable workbook ({error})") from error
    data = path.read_bytes()
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding).removeprefix("\ufeff")
        except UnicodeDecodeError:
            continue
        try:
            return pl.read_csv(io.StringIO(text), infer_schema=False)
        except pl.exceptions.PolarsError as error:
            raise FileProblem(f"{label}: {path.name} is not a readable CSV file ({error})") from error
    raise FileProblem(f"{label}: {path.name} is neither UTF-8 nor Windows-1252 text")


def load(path: Path, mapping_text: str, option: str) -> pl.DataFrame:
    label = f"{option} {path.name}"
    try:
        mapping = read_mapping(mapping_text, option)
        frame = renamed(read_table(path, label), mapping, label)
        unique_ids(frame.with_columns(pl.col("record_id").cast(pl.String).str.strip_chars()), label)
    except ValueError as error:
        raise FileProblem(str(error)) from error
    return frame


def read_labels(path: Path) -> pl.DataFrame:
    frame = read_table(path, "--labels")
    missing = {"record_id_a", "record_id_b", "is_match"} - set(frame.columns)
    if missing:
        raise FileProblem(f"--labels {path.name}: no column {', '.join(sorted(missing))}")
    bad = frame.filter(~pl.col("is_match").str.strip_chars().is_in(["0", "1"]))
    if bad.height:
        raise FileProblem(f"--labels {path.name}: is_match must be 0 or 1 (row {bad.row(0)} is not)")
    return frame.with_columns(pl.col("is_match").str.strip_chars().cast(pl.Int8))


def link_files(a_path: Path, b_path: Path, map_a: str, map_b: str, out: Path, *, review: Path | None = None,
               labels: Path | None = None, thresholds: Thresholds = DEFAULT,
               progress: Progress | None = None) -> tuple[Result, Path]:
    """Link B's records to A's and write the accepted links to `out` and the review band beside it.
    Both output files are written whole, after the job succeeded, or not at all."""
    a = load(a_path, map_a, "--map-a")
    b = load(b_path, map_b, "--map-b")
    decided = read_labels(labels) if labels else None
    result = link(a, b, labels=decided, thresholds=thresholds, **({"progress": progress} if progress else {}))
    review = review or out.with_name(f"{out.stem}.review{out.suffix or '.csv'}")
    candidates = result.candidates
    _write(candidates.filter(pl.col("band") == "accepted").sort("record_id_b").select(OUTPUT), out)
    _write(candidates.filter(pl.col("band") == "review").sort("ask_order").select(*OUTPUT, "ask_order"), review)
    return result, review


def _write(frame: pl.DataFrame, path: Path) -> None:
    partial = path.with_name(path.name + ".partial")
    frame.write_csv(partial)
    partial.replace(path)


def describe(report: Report) -> list[str]:
    bands = report.bands
    lines = [
        f"{report.b_records} source record(s) against {report.a_records} registry record(s); "
        f"{report.pairs_scored} pair(s) scored.",
        f"accepted {bands.get('accepted', 0)}, to review {bands.get('review', 0)}, "
        f"rejected {bands.get('rejected', 0)}; no candidate {report.b_records - sum(bands.values())}.",
    ]
    if report.precision_model is not None:
        lines.append(f"estimated by the model: precision {report.precision_model:.3f}, "
                     f"recall {report.recall_model or 0:.3f}; suggested upper threshold {report.suggested_upper}")
    if report.labels_used:
        lines.append(f"{report.labels_used} review decision(s) used ({report.labels_precision:.0%} were matches, "
                     f"the model had {report.labels_agreement:.0%} of them right before); "
                     f"they moved {report.moved_by_labels} other pair(s)")
    seconds = ", ".join(f"{stage} {value:.1f} s" for stage, value in report.seconds.items())
    lines.append(f"time: {seconds}")
    return lines
