"""Demo agencies and users: one of each role, scoped so that region isolation can be tried."""

from dataclasses import dataclass

from entas.accounts import services
from entas.accounts.models import Agency, User
from entas.accounts.roles import Role

DEMO_PASSWORD = "entas-demo-2026"

AGENCIES = [
    ("kemenkop", "Kementerian Koperasi", Agency.Kind.MINISTRY, ""),
    ("kemensos", "Kementerian Sosial", Agency.Kind.MINISTRY, ""),
    ("bptaskin", "Badan Percepatan Pengentasan Kemiskinan", Agency.Kind.AGENCY, ""),
    ("pemkab-klaten", "Pemerintah Kabupaten Klaten", Agency.Kind.REGIONAL_GOVERNMENT, "33.10"),
    ("pemkab-kupang", "Pemerintah Kabupaten Kupang", Agency.Kind.REGIONAL_GOVERNMENT, "53.01"),
    ("mitra-bri", "PT Bank Rakyat Indonesia (Persero) Tbk", Agency.Kind.PARTNER, ""),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: Role
    agency: str
    region: str | None


USERS = [
    DemoUser("admin", "Sri", "Wahyuni", Role.NATIONAL_ADMIN, "kemenkop", None),
    DemoUser("analis", "Budi", "Santoso", Role.ANALYST, "bptaskin", None),
    DemoUser("petugas-klaten", "Dewi", "Lestari", Role.REGIONAL_OFFICER, "pemkab-klaten", "33.10"),
    DemoUser("petugas-kupang", "Yohanes", "Bria", Role.REGIONAL_OFFICER, "pemkab-kupang", "53.01"),
    DemoUser("pendamping", "Siti", "Aminah", Role.FACILITATOR, "kemensos", "33.10.01"),
    DemoUser("pengurus-koperasi", "Agus", "Pratama", Role.COOPERATIVE_MANAGER, "kemenkop", "33.10.01"),
    DemoUser("api-mitra", "API", "BRI", Role.API_CLIENT, "mitra-bri", "33"),
]


def ensure_demo_accounts() -> list[DemoUser]:
    """Create what is missing; existing accounts are left as they are."""
    for code, name, kind, region in AGENCIES:
        if not Agency.objects.filter(code=code).exists():
            services.create_agency(None, code=code, name=name, kind=kind, region_code=region)
    for demo in USERS:
        if not User.objects.filter(username=demo.username).exists():
            services.create_user(
                None, username=demo.username, password=DEMO_PASSWORD, role=demo.role,
                agency=Agency.objects.get(code=demo.agency), region_code=demo.region,
                first_name=demo.first_name, last_name=demo.last_name,
            )
    return USERS
