"""Small registry fixtures written straight to the tables (the import has its own tests)."""

import datetime

from entas.registry.models import AssistanceReceipt, DecileRecord, Household, Person


def household(kk: str, village: str, *, decile: int = 1, extreme_poor: bool = True, head: str = "Siti Aminah",
              head_nik: str | None = None) -> Household:
    home = Household.objects.create(
        kk_number=kk, village_id=village, decile=decile, decile_source="DTSEN",
        decile_date=datetime.date(2025, 7, 31), per_capita_income=350_000, extreme_poor=extreme_poor,
    )
    DecileRecord.objects.create(household=home, decile=decile, source="DTSEN", date=datetime.date(2025, 7, 31))
    Person.objects.create(
        nik=head_nik or kk[:6] + "410585" + kk[-4:], household=home, full_name=head, sex="P",
        birth_date=datetime.date(1985, 5, 1), relationship="head", member_since=datetime.date(2025, 7, 31),
    )
    AssistanceReceipt.objects.create(household=home, programme="SEMBAKO", period="2025-06", amount=200_000)
    return home
