"""Facilitators in bulk from an XLSX (or CSV) file, their accounts created with them: 33,000
pendamping are not typed one by one.

Not `ingest.services.import_file`: that pipeline merges rows into tables by a natural key (update
the known, insert the new), while this makes accounts, which are never updated from a file and
need a password state and the account checks of accounts.services. The file is read by the
pipeline's reader (`ingest.reading.open_table`: encodings, XLSX, broken files), every row is
checked first (a message per row and field, all of them collected), then all rows are written or
none: users and facilitators with two bulk INSERTs, one audit entry each. The accounts get an
unusable password; the administrator downloads their first sign-in links (programmes.welcome).
bench/bench_facilitators.py measures it against bare bulk_create.
"""

import io
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from entas.accounts.models import Agency, User
from entas.accounts.roles import Role
from entas.core import audit, sheets
from entas.core.messages import translate_message
from entas.ingest.errors import ImportFileError
from entas.ingest.reading import open_table
from entas.programmes.models import Facilitator
from entas.programmes.services import account_region, may_manage_facilitators
from entas.regions.codes import within
from entas.regions.models import Region

COLUMNS = ("username", "first_name", "last_name", "email", "agency", "region", "capacity", "yearly_target")
REQUIRED = ("username", "agency", "region")
DEFAULTS = {"capacity": 30, "yearly_target": 10}
USERNAME = re.compile(r"^[\w.@+-]{1,150}\Z")
WHOLE = re.compile(r"^\d+(\.0*)?\Z")  # a spreadsheet number cell reads as "30" or "30.0"
SHOWN_PROBLEMS = 200
IN_CHUNKS = 5000  # lookups by IN (…) stay below SQLite's limit of bound parameters


@dataclass
class Row:
    number: int  # the row number the spreadsheet shows (the header is row 1)
    values: dict[str, str]


@dataclass
class BulkFacilitators:
    created: int
    usernames: list[str]


def _rows(path: Path) -> list[Row]:
    try:
        table = open_table(path)
        header = [name.strip().lower() for name in table.header]
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise ValidationError({"file": _("The header (row 1) lacks the column(s) %(columns)s; use the template")
                                  % {"columns": ", ".join(missing)}})
        where = {name: f"c{header.index(name)}" for name in COLUMNS if name in header}
        rows: list[Row] = []
        for chunk in table.chunks():
            for record in chunk.frame.iter_rows(named=True):
                if record.get("_shape"):
                    raise ValidationError({"file": _("row %(row)s: %(problem)s") % {
                        "row": record["_row"], "problem": translate_message(record["_shape"])}})
                rows.append(Row(int(record["_row"]), {
                    name: str(record[column] or "").strip() for name, column in where.items()}))
    except ImportFileError as problem:
        shown = translate_message(str(problem))
        raise ValidationError({"file": _("The file cannot be read: %(problem)s") % {"problem": shown}}) from None
    if not rows:
        raise ValidationError({"file": _("The file has no facilitator rows below its header.")})
    return rows


def _found(model: Any, field: str, values: set[str]) -> set[str]:
    found: set[str] = set()
    ordered = sorted(values)
    for start in range(0, len(ordered), IN_CHUNKS):
        found.update(model.objects.filter(**{f"{field}__in": ordered[start:start + IN_CHUNKS]})
                     .values_list(field, flat=True))
    return found


def _number(value: str, field: str, smallest: int, problems: list[str], row: int) -> int:
    if not value:
        return DEFAULTS[field]
    if not WHOLE.match(value) or int(float(value)) < smallest:
        problems.append(_("row %(row)s, %(field)s: '%(value)s' is not a whole number of %(least)s or more") % {
            "row": row, "field": field, "value": value, "least": smallest})
        return 0
    return int(float(value))


def _check(actor: User | None, rows: list[Row]) -> tuple[list[str], dict[str, Agency]]:
    """Every problem of every row (row number and field), and the agencies by code."""
    agencies = {a.code: a for a in Agency.objects.all()}
    regions = _found(Region, "code", {r.values["region"] for r in rows if r.values["region"]})
    taken = _found(User, "username", {r.values["username"] for r in rows if r.values["username"]})
    first_row: dict[str, int] = {}
    scope = actor.region_id if actor is not None and actor.role == Role.REGIONAL_OFFICER else None
    problems: list[str] = []
    for r in rows:
        v, n = r.values, r.number
        for field in REQUIRED:
            if not v[field]:
                problems.append(_("row %(row)s, %(field)s: missing") % {"row": n, "field": field})
        name = v["username"]
        if name and not USERNAME.match(name):
            problems.append(_("row %(row)s, username: '%(value)s' may hold only letters, digits and . @ + - _ "
                              "(at most 150)") % {"row": n, "value": name})
        elif name in first_row:
            problems.append(_("row %(row)s, username: '%(value)s' is already on row %(first)s") % {
                "row": n, "value": name, "first": first_row[name]})
        elif name in taken:
            problems.append(_("row %(row)s, username: '%(value)s' is taken") % {"row": n, "value": name})
        first_row.setdefault(name, n)
        if v["agency"] and v["agency"] not in agencies:
            problems.append(_("row %(row)s, agency: '%(value)s' is not an agency code") % {
                "row": n, "value": v["agency"]})
        code = v["region"]
        if code and code not in regions:
            problems.append(_("row %(row)s, region: '%(value)s' is not a region code") % {"row": n, "value": code})
        elif code and scope is not None and not within(code, scope):
            problems.append(_("row %(row)s, region: %(value)s is outside your region %(scope)s") % {
                "row": n, "value": code, "scope": scope})
        v["capacity_n"] = str(_number(v.get("capacity", ""), "capacity", 1, problems, n))
        v["yearly_target_n"] = str(_number(v.get("yearly_target", ""), "yearly_target", 0, problems, n))
        for field in ("first_name", "last_name"):
            if len(v.get(field, "")) > 150:
                problems.append(_("row %(row)s, %(field)s: longer than 150 characters") % {"row": n, "field": field})
        if v.get("email"):
            try:
                validate_email(v["email"])
            except ValidationError:
                problems.append(_("row %(row)s, email: '%(value)s' is not an e-mail address") % {
                    "row": n, "value": v["email"]})
    return problems, agencies


def _unusable() -> str:
    # What make_password(None) stores, without its 40 calls of secrets.choice per account.
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


@transaction.atomic
def register_facilitators(actor: User | None, path: Path) -> BulkFacilitators:
    """Create an account and a facilitator per row of the file, or nothing: a ValidationError on
    `file` lists every bad row with its field."""
    if not may_manage_facilitators(actor):
        raise ValidationError({"file": _("Only national administrators and regional officers manage facilitators.")})
    rows = _rows(path)
    problems, agencies = _check(actor, rows)
    if problems:
        more = len(problems) - SHOWN_PROBLEMS
        shown = problems[:SHOWN_PROBLEMS] + ([_("… and %(n)s more problems") % {"n": more}] if more > 0 else [])
        raise ValidationError({"file": [_("Nothing was saved: %(n)s problems in the file.") % {"n": len(problems)},
                                        *shown]})
    users = User.objects.bulk_create([
        User(username=r.values["username"], first_name=r.values.get("first_name", ""),
             last_name=r.values.get("last_name", ""), email=r.values.get("email", ""), password=_unusable(),
             role=Role.FACILITATOR, agency=agencies[r.values["agency"]],
             region_id=account_region(r.values["region"]), is_staff=False, is_superuser=False)
        for r in rows], batch_size=2000)
    if any(u.pk is None for u in users):  # a database that does not return ids from a bulk INSERT
        ids = dict(User.objects.filter(username__in=[u.username for u in users]).values_list("username", "id"))
        for user in users:
            user.pk = ids[user.username]
    made = Facilitator.objects.bulk_create([
        Facilitator(user=user, agency=agencies[r.values["agency"]], region_id=r.values["region"],
                    capacity=int(r.values["capacity_n"]), yearly_target=int(r.values["yearly_target_n"]))
        for user, r in zip(users, rows, strict=True)], batch_size=2000)
    places = sorted({r.values["region"] for r in rows})
    region = actor.region_id if actor is not None and actor.region_id else ""
    details = {"rows": len(rows), "file": path.name, "first": users[0].username, "last": users[-1].username}
    audit.record_change(actor, audit.Action.USER_CREATED, users[0], region_code=region, changed=User, ids=[],
                        places=places, details={**details, "role": Role.FACILITATOR})
    audit.record_change(actor, audit.Action.FACILITATOR_REGISTERED, made[0], region_code=region,
                        changed=Facilitator, ids=[], places=places, details=details)
    return BulkFacilitators(created=len(made), usernames=[u.username for u in users])


def template_workbook() -> bytes:
    """The XLSX to fill in: the columns, one example row, and a sheet naming the agency codes."""
    out = io.BytesIO()
    book = sheets.workbook(out, in_memory=True)
    sheet = book.add_worksheet(_("Facilitators"))
    sheets.write_row(book, sheet, 0, COLUMNS)
    sheets.write_row(book, sheet, 1, ["siti.aminah", "Siti", "Aminah", "", "kemensos", "33.10.01", 30, 10])
    guide = book.add_worksheet(_("Guide"))
    lines = [
        _("One row per facilitator; delete the example row. Required: username, agency, region."),
        _("region: the area she works in, a Kemendagri code (province 33, regency 33.10, district 33.10.01 or "
          "village 33.10.01.2001)."),
        _("capacity: families she can look after (default 30); yearly_target: graduations a year (default 10)."),
        _("After the upload, download the first sign-in links and give each facilitator hers."),
        "", _("Agency codes:"),
    ]
    for number, line in enumerate(lines):
        sheets.write_row(book, guide, number, [line])
    for number, agency in enumerate(Agency.objects.order_by("code"), start=len(lines)):
        sheets.write_row(book, guide, number, [agency.code, agency.name])
    book.close()
    return out.getvalue()
