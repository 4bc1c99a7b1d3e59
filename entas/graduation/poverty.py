"""BPS poverty lines: setting one (the service), and which one an assessment reads.

A village reads the line of its province and its area (urban for a kelurahan or a desa flagged
urban, rural otherwise: entas.regions.urban) valid on the assessment date; when the province's
total line ("perkotaan + perdesaan") is more recent than the area's, the total is read. The same
rule is written twice, once in SQL for the set-based evaluation (`line_subquery`) and once in
Python (`line_for`); tests check they agree.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from entas.accounts.models import User
from entas.core import audit
from entas.graduation.models import Area, PovertyLine
from entas.regions.codes import Level
from entas.regions.models import Region
from entas.regions.urban import area_of

MAX_AMOUNT = 100_000_000  # Rp per person per month: anything above is a typing error


def _preferred(lines: QuerySet[PovertyLine]) -> QuerySet[PovertyLine]:
    # Latest first; on the same date the area's own line before the total.
    total_last = Case(When(area=Area.TOTAL, then=Value(1)), default=Value(0), output_field=IntegerField())
    return lines.order_by("-valid_from", total_last)


def line_subquery(village_ref: str, area_ref: str, date_ref: str) -> Subquery:
    """SQL: the amount of the line for the outer row's village (code), area and date."""
    lines = PovertyLine.objects.filter(Q(area=OuterRef(area_ref)) | Q(area=Area.TOTAL),
                                       province_id=Substr(OuterRef(village_ref), 1, 2),
                                       valid_from__lte=OuterRef(date_ref))
    return Subquery(_preferred(lines).values("amount")[:1])


@dataclass(frozen=True)
class Found:
    line: PovertyLine | None
    province_code: str
    area: str

    @property
    def province(self) -> str:
        # Read only when a line is missing and the words are needed, not on every evaluation.
        name = Region.objects.filter(code=self.province_code).values_list("name", flat=True).first()
        return str(name or self.province_code)

    def missing(self, on: datetime.date) -> str:
        """In words, why there is no line (for an evaluation that cannot be judged)."""
        return _("no poverty line for %(province)s, %(area)s, %(year)s") % {
            "province": self.province, "area": str(Area(self.area).label).lower(), "year": on.year}


def line_for(village: Region, on: datetime.date) -> Found:
    province_code = village.code[:2]
    area = area_of(village)
    lines = PovertyLine.objects.filter(Q(area=area) | Q(area=Area.TOTAL), province_id=province_code,
                                       valid_from__lte=on)
    return Found(_preferred(lines).first(), province_code, area)


def _province(value: str) -> Region:
    """A province by code ("33") or name ("Jawa Tengah", any case)."""
    text = (value or "").strip()
    found = Region.objects.filter(level=Level.PROVINCE).filter(Q(code=text) | Q(name__iexact=text)).first()
    if found is None:
        raise ValidationError({"province": _("'%(value)s' is not a province code or name.") % {"value": value}})
    return found


@transaction.atomic
def set_poverty_line(actor: User | None, *, province_code: str, valid_from: datetime.date, amount: int,
                     area: str = Area.TOTAL, source: str = "") -> PovertyLine:
    """Enter (or correct) the line of one province, area and period."""
    province = _province(province_code)
    if area not in Area.values:
        raise ValidationError({"area": _("'%(value)s' is not an area; use one of %(choices)s.") % {
            "value": area, "choices": ", ".join(Area.values)}})
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0 or amount > MAX_AMOUNT:
        raise ValidationError({"amount": _("%(value)s: a poverty line is a whole number of rupiah above 0.") % {
            "value": amount}})
    if not isinstance(valid_from, datetime.date):
        raise ValidationError({"valid_from": _("Give the date the line is valid from.")})
    line, created = PovertyLine.objects.update_or_create(province=province, area=area, valid_from=valid_from,
                                                          defaults={"amount": amount, "source": source[:200]})
    audit.record_change(actor, audit.Action.POVERTY_LINE_SET, line, region_code=province.code,
                        details={"area": area, "valid_from": valid_from.isoformat(), "amount": amount,
                                 "created": created})
    return line
