"""The demo's indicators and a few targets, so the dashboard has something to compare."""

from django.utils import translation

from entas.demo import calendar
from entas.monitoring import services
from entas.monitoring.computations import REGISTRY
from entas.monitoring.models import Indicator

UNITS = {
    "extreme_poor_households": "keluarga", "households_enrolled": "keluarga", "graduated": "keluarga",
    "sustained": "keluarga", "cooperative_members_desil_1_2": "orang", "jobs_for_poor_people": "orang",
    "loans_disbursed_count": "pinjaman", "loans_disbursed_rupiah": "Rp", "enterprises_formal": "usaha",
}
# Output targets of the programme (DOMAIN-FACTS, 2024), typed in with the source as evidence.
OUTPUT_TARGETS = [
    ("priority_regencies", "Kabupaten/kota prioritas", "Priority regencies and cities", 97),
    ("rumah_produksi_bersama", "Rumah Produksi Bersama", "Shared production houses", 7),
    ("rumah_kemasan", "Rumah kemasan", "Packaging houses", 10),
    ("plut_redesigned", "PLUT yang didesain ulang", "PLUT redesigned", 63),
    ("kumkm_records", "Data KUMKM terkumpul", "KUMKM records collected", 21_400_000),
]


def ensure_demo_indicators() -> int:
    created = 0
    today = calendar.today()
    for year in range(min(2024, today.year - 2), today.year + 1):
        services.open_year(None, year)
    for key, computation in REGISTRY.items():
        if Indicator.objects.filter(code=key).exists():
            continue
        with translation.override("id"):
            name_id = str(computation.label)
        with translation.override("en"):
            name_en = str(computation.label)
        services.create_indicator(None, code=key, name_id=name_id, name_en=name_en, unit=UNITS.get(key, ""),
                                  computation=key)
        created += 1
    for code, name_id, name_en, value in OUTPUT_TARGETS:
        if Indicator.objects.filter(code=code).exists():
            continue
        indicator = services.create_indicator(None, code=code, name_id=name_id, name_en=name_en, unit="")
        services.set_target(None, indicator=indicator, region_code="", year=2024, quarter=None, value=value,
                            note="Target 2024 (pernyataan publik program; lihat DOMAIN-FACTS)")
        created += 1
    return created
