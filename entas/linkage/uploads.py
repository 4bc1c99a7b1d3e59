"""Agency files: read a CSV or XLSX (every column as text), guess which column is which from common
Indonesian headers, check the file, and keep its records as given, all or nothing.

Refused, with the rows named: no name column, no rows, a row without a name, a record id given
twice. Kept but said: every NIK blank (the model links by name, birth date and place), region codes
that name no Kemendagri region (such records are linked by a national job only), records outside
the uploader's region.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from entas.accounts.models import User
from entas.core import audit
from entas.core.scoping import user_scope
from entas.linkage.files import FileProblem, read_table
from entas.linkage.models import AgencyRecord, AgencyUpload
from entas.linkage.normalise import village_expr
from entas.regions.models import Region

# The keys a column can be mapped to, and the headers agencies commonly give each (compared after
# lower-casing and turning everything but letters and digits into "_").
ALIASES: dict[str, tuple[str, ...]] = {
    "record_id": ("id", "record_id", "id_record", "no_urut", "nomor_urut", "no_id", "id_anggota", "id_penerima",
                  "kode", "no"),
    "name": ("nama", "name", "nama_lengkap", "nama_anggota", "nama_pemilik", "nama_penerima", "full_name"),
    "nik": ("nik", "no_nik", "nomor_nik", "nik_ktp", "no_ktp", "nomor_ktp", "ktp"),
    "kk_number": ("no_kk", "kk_number", "nomor_kk", "nkk", "kk", "no_kartu_keluarga"),
    "birth_date": ("tgl_lahir", "tanggal_lahir", "birth_date", "tgl_lhr", "tanggal_lhr", "dob", "lahir"),
    "sex": ("jenis_kelamin", "jk", "sex", "kelamin", "l_p", "gender"),
    "address": ("alamat", "address", "alamat_lengkap", "alamat_rumah", "jalan"),
    "village_code": ("kode_desa", "kode_wilayah", "village_code", "kode_kelurahan", "kd_desa", "kode_desa_kel",
                     "kode_kemendagri", "kode_wil"),
}
KEYS = tuple(ALIASES)
MAX_KEY = 100  # AgencyRecord.record_key
SHOWN_ROWS = 10  # rows named in a message


class UploadRefused(ValueError):
    """An agency file that cannot be kept, with what is wrong in the words of its uploader."""


def header_key(header: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", header.strip().lower()).strip("_")


def guess_mapping(columns: list[str]) -> dict[str, str]:
    """key → column, from the headers: the first alias in each key's list that a header matches."""
    by_key = {header_key(c): c for c in reversed(columns)}
    found: dict[str, str] = {}
    for key, aliases in ALIASES.items():
        for alias in aliases:
            if alias in by_key and by_key[alias] not in found.values():
                found[key] = by_key[alias]
                break
    return found


# --- the uploaded file, between the two steps of the page ---------------------------------------

def upload_dir() -> Path:
    folder = Path(settings.DATA_DIR) / "linkage-uploads"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def store(chunks: Iterable[bytes], suffix: str) -> tuple[str, str]:
    """Write an uploaded file readable by its owner only; its token (the file's name) and SHA-256.
    Files left by uploads that were never mapped are removed after a day."""
    _remove_stale()
    token = f"{uuid.uuid4().hex}{suffix.lower()[:8] if suffix.lower() in ('.csv', '.xlsx', '.xls') else '.csv'}"
    digest = hashlib.sha256()
    path = upload_dir() / token
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
        for chunk in chunks:
            digest.update(chunk)
            handle.write(chunk)
    return token, digest.hexdigest()


def stored(token: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{32}\.(csv|xlsx|xls)", token):
        raise UploadRefused(_("This upload is no longer available: upload the file again."))
    path = upload_dir() / token
    if not path.is_file():
        raise UploadRefused(_("This upload is no longer available: upload the file again."))
    return path


def discard(token: str) -> None:
    with contextlib.suppress(UploadRefused):
        stored(token).unlink(missing_ok=True)


def _remove_stale() -> None:
    limit = timezone.now().timestamp() - 24 * 3600
    for path in upload_dir().iterdir():
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def read(path: Path, file_name: str) -> pl.DataFrame:
    try:
        frame = read_table(path, file_name)
    except FileProblem as problem:
        raise UploadRefused(_("The file could not be read: %(problem)s") % {"problem": problem}) from problem
    if not frame.columns:
        raise UploadRefused(_("The file has no columns."))
    return frame


# --- checking and keeping ----------------------------------------------------------------------

@dataclass
class Checked:
    frame: pl.DataFrame  # the keys as columns, text, stripped; `_row` the line in the file
    warnings: dict[str, object] = field(default_factory=dict)


def _rows(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:SHOWN_ROWS])
    return shown + (" …" if len(numbers) > SHOWN_ROWS else "")


def check(frame: pl.DataFrame, mapping: dict[str, str], scope: str | None) -> Checked:
    """The records of the file as the mapping reads them, or UploadRefused naming what is wrong."""
    mapping = {key: column for key, column in mapping.items() if column}
    if "name" not in mapping:
        raise UploadRefused(_("The file has no name column: choose the column that holds the names."))
    unknown = sorted(set(mapping.values()) - set(frame.columns))
    if unknown:
        raise UploadRefused(_("The file has no column %(columns)s.") % {"columns": ", ".join(unknown)})
    if frame.height == 0:
        raise UploadRefused(_("The file has no rows: there is nothing to link."))
    # Row numbers as a spreadsheet shows them: the header is row 1.
    records = frame.select(
        pl.int_range(2, frame.height + 2).alias("_row"),
        *(pl.col(mapping[key]).cast(pl.String).str.strip_chars().alias(key) if key in mapping
          else pl.lit(None, pl.String).alias(key) for key in KEYS),
    ).with_columns(pl.col(key).replace("", None) for key in KEYS)
    if "record_id" not in mapping:
        records = records.with_columns(pl.col("_row").cast(pl.String).alias("record_id"))
    nameless = records.filter(pl.col("name").is_null())["_row"].to_list()
    if nameless:
        raise UploadRefused(ngettext("Row %(rows)s has no name.", "Rows %(rows)s have no name.", len(nameless))
                            % {"rows": _rows(nameless)})
    keyless = records.filter(pl.col("record_id").is_null())["_row"].to_list()
    if keyless:
        raise UploadRefused(ngettext("Row %(rows)s has no record id.", "Rows %(rows)s have no record id.",
                                     len(keyless)) % {"rows": _rows(keyless)})
    too_long = records.filter(pl.col("record_id").str.len_chars() > MAX_KEY)["_row"].to_list()
    if too_long:
        raise UploadRefused(_("The record id of rows %(rows)s is longer than %(max)s characters.")
                            % {"rows": _rows(too_long), "max": MAX_KEY})
    repeated = (records.filter(pl.col("record_id").is_duplicated()).group_by("record_id", maintain_order=True)
                .agg(pl.col("_row")))
    if repeated.height:
        said = "; ".join(_("%(id)s in rows %(rows)s") % {"id": key, "rows": _rows(rows)}
                         for key, rows in repeated.head(SHOWN_ROWS).iter_rows())
        raise UploadRefused(ngettext("A record id is given twice, so its links would be ambiguous: %(ids)s.",
                                     "Record ids are given more than once, so their links would be ambiguous: "
                                     "%(ids)s.", repeated.height) % {"ids": said})
    return Checked(*_regions(records, scope))


def _regions(records: pl.DataFrame, scope: str | None) -> tuple[pl.DataFrame, dict[str, object]]:
    """The region each record names (its village, or its district when that is all it gives), when
    that is a real Kemendagri region; and what the uploader should know."""
    records = records.with_columns(village_expr(pl.col("village_code")).alias("_code"))
    codes = [c for c in records["_code"].unique().to_list() if c]
    real: set[str] = set()
    for start in range(0, len(codes), 2_000):
        real |= set(Region.objects.filter(code__in=codes[start:start + 2_000]).values_list("code", flat=True))
    records = records.with_columns(
        pl.when(pl.col("_code").is_in(list(real)) & (pl.col("_code").str.len_chars() >= 8))
        .then(pl.col("_code")).alias("region"))
    warnings: dict[str, object] = {}
    # "-", "0" or "N/A" is no NIK either: a NIK is given when the cell holds a digit other than 0.
    blank = records.filter(~pl.col("nik").fill_null("").str.contains(r"[1-9]")).height
    if blank == records.height:
        warnings["all_nik_blank"] = True
    elif blank:
        warnings["nik_blank"] = blank
    unknown = records.filter(pl.col("village_code").is_not_null() & pl.col("region").is_null())["_row"].to_list()
    if unknown:
        warnings["unknown_region"] = len(unknown)
        warnings["unknown_region_rows"] = unknown[:SHOWN_ROWS]
    no_code = records["village_code"].null_count()
    if no_code:
        warnings["no_region"] = no_code
    if scope is not None:
        inside = (pl.col("region") == scope) | pl.col("region").str.starts_with(scope + ".")
        outside = records.filter(pl.col("region").is_not_null() & ~inside)
        if outside.height:
            warnings["outside_scope"] = outside.height
    return records.drop("_code"), warnings


@transaction.atomic
def keep(actor: User | None, *, frame: pl.DataFrame, mapping: dict[str, str], name: str, file_name: str,
         sha256: str = "") -> AgencyUpload:
    """Check the file and keep every record, or nothing (one transaction)."""
    checked = check(frame, mapping, user_scope(actor))
    upload = AgencyUpload.objects.create(
        name=name[:200] or file_name[:200], file_name=file_name[:255], file_sha256=sha256,
        mapping={k: v for k, v in mapping.items() if v}, rows=checked.frame.height, warnings=checked.warnings,
        region=user_scope(actor), uploaded_by=actor)
    AgencyRecord.objects.bulk_create(
        (AgencyRecord(upload=upload, row=row["_row"], record_key=row["record_id"], name=row["name"],
                      nik=row["nik"] or "", kk_number=row["kk_number"] or "", birth_date=row["birth_date"] or "",
                      sex=row["sex"] or "", address=row["address"] or "", village_code=row["village_code"] or "",
                      region=row["region"])
         for row in checked.frame.iter_rows(named=True)), batch_size=2_000)
    audit.record_change(actor, audit.Action.AGENCY_FILE_UPLOADED, upload, changed=AgencyUpload, details={
        "file": file_name, "rows": upload.rows, "sha256": sha256, "mapping": upload.mapping,
        "warnings": {k: v for k, v in checked.warnings.items() if not k.endswith("_rows")}})
    return upload


def keep_file(actor: User | None, path: Path, *, mapping: dict[str, str], name: str, file_name: str) -> AgencyUpload:
    """Read and keep a file in one go (the CLI and the tests)."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return keep(actor, frame=read(path, file_name), mapping=mapping, name=name, file_name=file_name, sha256=digest)
