"""The household list as CSV (streamed) or XLSX: scoped, masked by role, audit-logged."""

import csv
import tempfile
from collections.abc import Iterator
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _

from entas.accounts.models import User
from entas.core import audit, numbers, sheets
from entas.core.actors import AuthenticatedHttpRequest
from entas.core.cells import safe_row
from entas.registry import queries
from entas.registry.identifiers import shown
from entas.registry.models import Household, Person, Relationship

FORMATS = ("csv", "xlsx")
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit, less the header
COLUMNS = [
    "kk_number", "village_code", "village", "address", "head_name", "decile", "decile_source", "decile_date",
    "per_capita_income", "extreme_poor",
]
# XLSX number formats (core.sheets); the CSV writes the same values plain.
KINDS = [{"decile": "count", "decile_date": "date", "per_capita_income": "rupiah"}.get(c) for c in COLUMNS]


def _rows(user: User | None, queryset: QuerySet[Household]) -> Iterator[list[Any]]:
    head = Person.objects.filter(household=OuterRef("pk"), relationship=Relationship.HEAD).values("full_name")[:1]
    annotated = queryset.annotate(head_name=Subquery(head)).values_list(
        "kk_number", "village_id", "village__name", "address", "head_name", "decile", "decile_source",
        "decile_date", "per_capita_income", "extreme_poor",
    )
    for row in annotated.iterator(chunk_size=5000):
        kk, *rest = row
        yield [shown(user, kk), *rest]


class _Echo:
    def write(self, value: str) -> str:
        return value


def households(request: AuthenticatedHttpRequest, flt: queries.HouseholdFilter, fmt: str) -> HttpResponseBase:
    queryset = queries.households(request.user, flt)
    count = queryset.count()
    if fmt == "xlsx" and count > XLSX_MAX_ROWS:
        return HttpResponse(
            _("%(count)s households do not fit in one Excel sheet (at most %(max)s): narrow the filter or "
              "export CSV.") % {"count": numbers.count(count), "max": numbers.count(XLSX_MAX_ROWS)},
            status=400, content_type="text/plain; charset=utf-8",
        )
    audit.record(request.user, audit.Action.REGISTRY_EXPORTED, region_code=flt.region,
                 details={"format": fmt, "rows": count, "filter": flt.as_dict()})
    name = f"entas-households-{timezone.localdate():%Y%m%d}.{fmt}"
    rows = _rows(request.user, queryset)
    if fmt == "csv":
        writer = csv.writer(_Echo())
        # A name or address typed as "=HYPERLINK(…)" must reach the spreadsheet as text.
        lines = (writer.writerow(safe_row(r)) for r in _prepend(COLUMNS, rows))
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return FileResponse(_xlsx(rows), as_attachment=True, filename=name)


def _prepend(header: list[str], rows: Iterator[list[Any]]) -> Iterator[list[Any]]:
    yield header
    yield from rows


def _xlsx(rows: Iterator[list[Any]]) -> Any:
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it once sent)
    # constant_memory writes row by row, so a large export does not sit in memory.
    book = sheets.workbook(handle, constant_memory=True)
    sheet = book.add_worksheet("households")
    sheets.write_row(book, sheet, 0, COLUMNS)
    for index, row in enumerate(rows, start=1):
        sheets.write_row(book, sheet, index, row, KINDS)
    book.close()
    handle.seek(0)
    return handle
