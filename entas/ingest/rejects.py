"""The rejects file: every rejected row as it was in the file, plus `_row` and `_reasons`.

Reasons live in the database (staging), the original text in the file; a second pass over the
file merges them chunk by chunk on the row number, so memory stays that of one chunk. UTF-8 with
a BOM, so Excel shows accented names right when the user opens it.
"""

from pathlib import Path

import polars as pl
from django.conf import settings

from entas.ingest.reading import Table
from entas.ingest.staging import Staging

BOM = b"\xef\xbb\xbf"


def rejects_path(batch_id: int) -> Path:
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"batch-{batch_id}-rejects.csv"


def unique_names(header: list[str]) -> list[str]:
    names: list[str] = []
    for index, name in enumerate(header):
        name = name or f"column_{index + 1}"
        names.append(name if name not in names else f"{name}_{index + 1}")
    return names


def write_rejects(table: Table, staging: Staging, path: Path) -> None:
    names = unique_names(table.header)
    columns = [f"c{i}" for i in range(len(names))]
    with path.open("wb") as out:
        out.write(BOM)
        header = True
        for chunk in table.chunks():
            rows = chunk.frame.get_column("_row")
            if rows.is_empty():
                continue
            found = staging.rejected(int(rows.min()), int(rows.max()))  # type: ignore[arg-type]
            if not found:
                continue
            reasons = pl.DataFrame(found, schema={"_row": pl.Int64, "_reasons": pl.String}, orient="row")
            picked = chunk.frame.select(*columns, "_row").join(reasons, on="_row", how="inner")
            picked.rename(dict(zip(columns, names, strict=True))).write_csv(out, include_header=header)
            header = False
        if header:  # nothing written: still give the columns, so the file opens as a table
            pl.DataFrame(schema=[*names, "_row", "_reasons"]).write_csv(out)
