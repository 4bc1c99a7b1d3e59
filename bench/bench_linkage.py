"""Record linkage of an agency's file to the registry: `entas link files` (probabilistic, Splink) side
by side with two deterministic baselines, on synthetic files with known truth (bench/linkage_synth.py),
then again after a reviewer has answered the first N pairs of its review band (active learning).

  .venv/bin/python bench/bench_linkage.py --a 200000 --b 60000 --seeds 11,23,37 [--labels-budget 300]
  .venv/bin/python bench/bench_linkage.py --score-only LINKS.csv TRUTH.csv

Per seed: the files are generated into --data (default bench/out/linkage/a{A}-b{B}-s{SEED}; kept
and reused when already there for that size and seed); `entas link files` runs in a fresh process
(wall time, and its peak RSS from wait4); the baselines are "exact NIK" (B's NIK, stripped, equal to
A's) and "exact name + birth date" (upper-cased, whitespace-collapsed name and the birth date read
back to ISO both equal). "+ N labels": the first N rows of the review file (its ask order) answered
from the truth and passed back with --labels, the linker run again and scored again.
A link is a (record_id_a, record_id_b) row of links.csv; precision, recall and F1 are against the
truth's pairs. Exits non-zero only when a linker run fails.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import linkage_synth  # noqa: E402  (needs ROOT on the path)

OUT = ROOT / "bench" / "out"
Pairs = set[tuple[str, str]]

MAP_A = ("record_id=person_id,nik=nik,kk_number=kk_number,name=full_name,sex=sex,birth_date=birth_date,"
         "address=address,village_code=village_code")
MAP_B = ("record_id=rec_id,name=nama,nik=nik,birth_date=tgl_lahir,sex=jenis_kelamin,address=alamat,"
         "village_code=kode_wilayah")
# The issue's targets, at 200,000 x 60,000.
TARGET_F1 = 0.95
TARGET_F1_LABELLED = 0.98
TARGET_LABELS = 300
TARGET_SECONDS = 120
TARGET_MB = 2048
B_DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d")


@dataclass
class Row:
    method: str
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None
    seconds: float | None = None
    peak_mb: float | None = None
    links: int | None = None
    review: int | None = None
    labels: int | None = None
    failed: str | None = None


# --- scoring ------------------------------------------------------------------------------------------


def truth_pairs(truth_path: Path) -> Pairs:
    truth = pl.read_csv(truth_path, infer_schema=False).drop_nulls("person_id")
    return set(zip(truth["person_id"].to_list(), truth["rec_id"].to_list(), strict=True))


def link_pairs(links_path: Path) -> Pairs:
    links = pl.read_csv(links_path, infer_schema=False, columns=["record_id_a", "record_id_b"])
    return set(zip(links["record_id_a"].to_list(), links["record_id_b"].to_list(), strict=True))


def measures(predicted: Pairs, true: Pairs) -> tuple[float, float, float]:
    """Precision, recall and F1 of `predicted` against `true` (0 where undefined)."""
    hits = len(predicted & true)
    precision = hits / len(predicted) if predicted else 0.0
    recall = hits / len(true) if true else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def score(links_path: Path, truth_path: Path) -> tuple[float, float, float]:
    """Precision, recall and F1 of a links file (record_id_a,record_id_b,...) against truth.csv."""
    return measures(link_pairs(links_path), truth_pairs(truth_path))


def scored(method: str, predicted: Pairs, true: Pairs, seconds: float | None = None, peak_mb: float | None = None,
           review: int | None = None) -> Row:
    precision, recall, f1 = measures(predicted, true)
    return Row(method, precision, recall, f1, seconds, peak_mb, len(predicted), review)


# --- baselines ------------------------------------------------------------------------------------------


def exact_nik(a: pl.DataFrame, b: pl.DataFrame) -> Pairs:
    """Every (A, B) pair whose NIKs are equal once B's is stripped of surrounding spaces."""
    keyed = b.select("rec_id", pl.col("nik").str.strip_chars().alias("key")).filter(pl.col("key") != "")
    pairs = a.select("person_id", pl.col("nik").alias("key")).join(keyed, on="key")
    return set(zip(pairs["person_id"].to_list(), pairs["rec_id"].to_list(), strict=True))


def normal_name(column: str) -> pl.Expr:
    return pl.col(column).str.to_uppercase().str.replace_all(r"\s+", " ").str.strip_chars()


def iso_birth(column: str) -> pl.Expr:
    """B's birth date (DD-MM-YYYY, DD/MM/YYYY or ISO) as ISO; null when blank, a year alone or invalid."""
    text = pl.col(column).str.strip_chars()
    return pl.coalesce(*(text.str.to_date(f, strict=False) for f in B_DATE_FORMATS)).cast(pl.String)


def exact_name_birth(a: pl.DataFrame, b: pl.DataFrame) -> Pairs:
    """Every (A, B) pair with the same normalised name and the same birth date."""
    left = a.select("person_id", normal_name("full_name").alias("name"), pl.col("birth_date").alias("birth"))
    right = b.select("rec_id", normal_name("nama").alias("name"), iso_birth("tgl_lahir").alias("birth"))
    pairs = left.join(right.drop_nulls(["name", "birth"]), on=["name", "birth"])
    return set(zip(pairs["person_id"].to_list(), pairs["rec_id"].to_list(), strict=True))


# --- the linker -------------------------------------------------------------------------------------------


@dataclass
class LinkerRun:
    ok: bool
    seconds: float
    peak_mb: float
    log: Path


def run_linker(entas: str, data: Path, out: Path, review: Path, labels: Path | None, log: Path) -> LinkerRun:
    """`entas link files` in a fresh process: its wall time and peak RSS (wait4 reports the child's
    own, children included), its output in `log`."""
    command = [entas, "link", "files", str(data / "a.csv"), str(data / "b.csv"), "--map-a", MAP_A, "--map-b", MAP_B,
               "--out", str(out), "--review", str(review)]
    if labels is not None:
        command += ["--labels", str(labels)]
    for stale in (out, review):
        stale.unlink(missing_ok=True)
    with log.open("w") as sink:
        sink.write(" ".join(command) + "\n\n")
        sink.flush()
        started = time.perf_counter()
        try:
            child = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, cwd=ROOT)
        except OSError as error:
            sink.write(f"{error}\n")
            return LinkerRun(False, 0.0, 0.0, log)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    return LinkerRun(child.returncode == 0 and out.exists(), seconds, usage.ru_maxrss / 1024, log)


def linker_row(method: str, run: LinkerRun, out: Path, review: Path, true: Pairs) -> Row:
    if not run.ok:
        tail = run.log.read_text().strip().splitlines()[2:][-3:]  # after the command line
        return Row(method, seconds=run.seconds, failed=f"failed (see {run.log}): " + " | ".join(tail))
    return scored(method, link_pairs(out), true, seconds=run.seconds, peak_mb=run.peak_mb,
                  review=review_rows(review).height)


def review_rows(review: Path) -> pl.DataFrame:
    if not review.exists():
        return pl.DataFrame(schema={"record_id_a": pl.String, "record_id_b": pl.String})
    return pl.read_csv(review, infer_schema=False, columns=["record_id_a", "record_id_b"])


def write_labels(review: Path, true: Pairs, budget: int, labels: Path) -> int:
    """The first `budget` pairs of the review file (its ask order) answered from the truth."""
    asked = review_rows(review).head(budget)
    answers = [1 if pair in true else 0 for pair in asked.iter_rows()]
    asked.with_columns(pl.Series("is_match", answers, dtype=pl.Int64)).write_csv(labels)
    return asked.height


# --- the bench --------------------------------------------------------------------------------------------


def prepare(data: Path, people: int, records: int, seed: int) -> dict[str, object]:
    meta = linkage_synth.existing(data, people, records, seed)
    if meta is not None:
        print(f"  files in {data} (generated earlier in {meta.get('seconds')} s)", flush=True)
        return meta
    meta = linkage_synth.write(data, people, records, seed)
    print(f"  generated into {data} in {meta['seconds']} s", flush=True)
    return meta


def bench_seed(args: argparse.Namespace, seed: int) -> tuple[list[Row], dict[str, object]]:
    data = (args.data or OUT / "linkage") / f"a{args.a}-b{args.b}-s{seed}"
    print(f"\nseed {seed}: {args.a:,} x {args.b:,}", flush=True)
    meta = prepare(data, args.a, args.b, seed)
    true = truth_pairs(data / "truth.csv")
    a = pl.read_csv(data / "a.csv", infer_schema=False)
    b = pl.read_csv(data / "b.csv", infer_schema=False)
    rows: list[Row] = []
    if not args.baselines_only:
        runs = data / "runs"
        runs.mkdir(exist_ok=True)
        out, review = runs / "links.csv", runs / "review.csv"
        run = run_linker(args.entas, data, out, review, None, runs / "link.log")
        rows.append(linker_row("entas link", run, out, review, true))
        method = f"entas link + {args.labels_budget} labels"
        if run.ok:
            labels = runs / "labels.csv"
            used = write_labels(review, true, args.labels_budget, labels)
            out2, review2 = runs / "links-labelled.csv", runs / "review-labelled.csv"
            run2 = run_linker(args.entas, data, out2, review2, labels, runs / "link-labelled.log")
            rows.append(linker_row(method, run2, out2, review2, true))
            rows[-1].labels = used
        else:
            rows.append(Row(method, failed="not run (the unlabelled run failed)"))
    for method, baseline in (("exact NIK", exact_nik), ("exact name + birth date", exact_name_birth)):
        started = time.perf_counter()
        predicted = baseline(a, b)
        rows.append(scored(method, predicted, true, seconds=time.perf_counter() - started))
    print(f"  {len(true):,} true links; B kinds {meta.get('b_kinds')}")
    print_table(rows, args)
    return rows, meta


def cell(value: float | int | None, spec: str, width: int) -> str:
    return f"{'-':>{width}}" if value is None else f"{value:>{width}{spec}}"


def target(row: Row, args: argparse.Namespace) -> str:
    at_size = (args.a, args.b) == (200_000, 60_000)
    if row.method == "entas link":
        text = f"F1 ≥ {TARGET_F1}" + (f", < {TARGET_SECONDS} s, < {TARGET_MB} MB" if at_size else "")
        met = row.f1 is not None and row.f1 >= TARGET_F1 and (not at_size or (
            row.seconds is not None and row.seconds < TARGET_SECONDS and row.peak_mb is not None
            and row.peak_mb < TARGET_MB))
    elif row.method.startswith("entas link +"):
        text = f"F1 ≥ {TARGET_F1_LABELLED} after ≤ {TARGET_LABELS} labels"
        met = (row.f1 is not None and row.f1 >= TARGET_F1_LABELLED and row.labels is not None
               and row.labels <= TARGET_LABELS)
    else:
        return ""
    return f"{text}: {'met' if met else 'MISSED'}"


def print_table(rows: list[Row], args: argparse.Namespace) -> None:
    width = max(26, *(len(r.method) for r in rows))
    print(f"  {'method':<{width}} {'precision':>9} {'recall':>7} {'F1':>6} {'seconds':>8} {'peak MB':>8} "
          f"{'links':>8} {'review':>7} {'labels':>6}  target (issue)")
    for r in rows:
        if r.failed:
            print(f"  {r.method:<{width}} {r.failed}")
            continue
        print(f"  {r.method:<{width}} {cell(r.precision, '.3f', 9)} {cell(r.recall, '.3f', 7)} {cell(r.f1, '.3f', 6)} "
              f"{cell(r.seconds, '.1f', 8)} {cell(r.peak_mb, ',.0f', 8)} {cell(r.links, ',', 8)} "
              f"{cell(r.review, ',', 7)} {cell(r.labels, ',', 6)}  {target(r, args)}")


def mean_rows(per_seed: list[list[Row]]) -> list[Row]:
    """One row per method: the mean of each number over the seeds where the method ran."""
    means = []
    for method in dict.fromkeys(r.method for rows in per_seed for r in rows):
        ran = [r for rows in per_seed for r in rows if r.method == method and not r.failed]
        if not ran:
            means.append(Row(method, failed="failed on every seed"))
            continue

        def mean(field: str, runs: list[Row] = ran) -> float | None:
            values = [getattr(r, field) for r in runs if getattr(r, field) is not None]
            return statistics.fmean(values) if values else None

        row = Row(method, mean("precision"), mean("recall"), mean("f1"), mean("seconds"), mean("peak_mb"),
                  None, None, None)
        links, review, labels = mean("links"), mean("review"), mean("labels")
        row.links = None if links is None else round(links)
        row.review = None if review is None else round(review)
        row.labels = None if labels is None else round(labels)
        if len(ran) < len(per_seed):
            row.method += f" ({len(ran)} of {len(per_seed)} seeds)"
        means.append(row)
    return means


def default_entas() -> str:
    beside = Path(sys.executable).parent / "entas"
    return str(beside) if beside.exists() else shutil.which("entas") or str(ROOT / ".venv" / "bin" / "entas")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--a", type=int, default=200_000, help="registry people (file A)")
    parser.add_argument("--b", type=int, default=60_000, help="agency records (file B)")
    parser.add_argument("--seeds", default="11,23,37")
    parser.add_argument("--labels-budget", type=int, default=TARGET_LABELS)
    parser.add_argument("--data", type=Path, help="folder for the generated files (one subfolder per size and seed)")
    parser.add_argument("--entas", default=default_entas(), help="the entas executable (default: beside Python)")
    parser.add_argument("--baselines-only", action="store_true", help="skip the linker runs")
    parser.add_argument("--score-only", nargs=2, type=Path, metavar=("LINKS", "TRUTH"),
                        help="print precision, recall and F1 of a links file and stop")
    args = parser.parse_args()
    if args.score_only:
        precision, recall, f1 = score(*args.score_only)
        print(f"precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}")
        return 0
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    per_seed, report = [], {}
    for seed in seeds:
        rows, meta = bench_seed(args, seed)
        per_seed.append(rows)
        report[str(seed)] = {"meta": meta, "rows": [asdict(r) for r in rows]}
    means = mean_rows(per_seed)
    print(f"\nmean over seeds {', '.join(map(str, seeds))}: {args.a:,} x {args.b:,}")
    print_table(means, args)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "linkage.json").write_text(json.dumps({
        "a": args.a, "b": args.b, "labels_budget": args.labels_budget, "seeds": report,
        "mean": [asdict(r) for r in means]}, indent=2) + "\n")
    failed = any(r.failed and r.method.startswith("entas") for rows in per_seed for r in rows)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
