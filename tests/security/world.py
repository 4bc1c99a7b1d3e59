"""The data world of the scope-isolation suite, built once per module through the services.

Two regencies: Kabupaten Klaten (33.10, district Prambanan 33.10.01) and Kabupaten Kupang (53.01).
Four probing accounts: a regional officer of Klaten, a facilitator of Prambanan with a caseload of
one family, a cooperative manager with access to one cooperative of Prambanan, and an API client
scoped to province 33. Everything is a `Thing` that says which of the four may see it and which
strings (names, NIK, No. KK, notes, links to its page) betray it: a response to a role must not
carry a string of a thing that role may not see. Names of people and households hidden from some
role carry a marker (RAHASIA-KUPANG-…, RAHASIA-TETANGGA-…) so that a leak reads plainly.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from entas.accounts import services as accounts
from entas.accounts import tokens
from entas.accounts.models import Agency, User
from entas.accounts.roles import Role
from entas.core.models import AuditEntry
from entas.enterprises import access, cooperatives, services
from entas.graduation import interventions, training
from entas.graduation import services as graduation
from entas.ingest.models import ImportBatch
from entas.monitoring import rollups
from entas.monitoring import services as monitoring
from entas.monitoring.models import Rollup
from entas.partnerships.models import Partner
from entas.programmes import services as programmes
from entas.programmes.models import Facilitator
from entas.registry.models import Household, MoveRequest, Person
from tests.enterprises.factories import cooperative, enterprise
from tests.monitoring.factories import indicator
from tests.partnerships.factories import agreement, partner, pdf
from tests.programmes.factories import programme
from tests.registry.factories import household

OFFICER, FACILITATOR, MANAGER, API = "officer", "facilitator", "manager", "api"
ROLES = (OFFICER, FACILITATOR, MANAGER, API)
EVERYONE = frozenset(ROLES)
NOBODY: frozenset[str] = frozenset()
REGION_WIDE = frozenset({OFFICER, API})  # the regency officer and the province's API client

SENGON, CUCUKAN = "33.10.01.2001", "33.10.01.2002"  # villages of Prambanan, Klaten
BOKONUSAN = "53.01.04.2003"  # a village of Semau, Kupang
DAY = datetime.date(2026, 3, 2)
PASSWORD = "a-long-test-password-1"


@dataclass
class Thing:
    """One record (or a key such as a region code) as the suite probes it."""

    obj: Any
    seen_by: frozenset[str]
    secrets: tuple[str, ...] = ()
    label: str = ""

    @property
    def key(self) -> Any:
        return getattr(self.obj, "pk", self.obj)

    def __str__(self) -> str:
        return self.label or str(self.obj)


@dataclass
class World:
    users: dict[str, User]
    things: dict[str, list[Thing]] = field(default_factory=dict)
    named: dict[str, Any] = field(default_factory=dict)

    def add(self, kind: str, obj: Any, seen_by: Iterable[str], *secrets: str, label: str = "") -> Any:
        self.things.setdefault(kind, []).append(Thing(obj, frozenset(seen_by), secrets, label))
        return obj

    def inside(self, kind: str, role: str) -> list[Thing]:
        return [t for t in self.things[kind] if role in t.seen_by]

    def outside(self, kind: str, role: str) -> list[Thing]:
        return [t for t in self.things[kind] if role not in t.seen_by]

    def any(self, kind: str) -> Thing:
        return self.things[kind][0]

    @cached_property
    def _hidden(self) -> dict[str, dict[str, str]]:
        """{role: {lower-case secret: the thing it betrays}}"""
        found: dict[str, dict[str, str]] = {role: {} for role in ROLES}
        for kind, things in self.things.items():
            for thing in things:
                for role in ROLES:
                    if role not in thing.seen_by:
                        found[role].update({s.lower(): f"{kind} {thing}" for s in thing.secrets})
        return found

    def hidden_from(self, role: str) -> dict[str, str]:
        return self._hidden[role]

    def searches(self, role: str) -> list[str]:
        """What a curious user types into a search box: the NIK, No. KK and name of people hidden from her."""
        people = [t.obj for t in self.outside("person", role)]
        names = [p.full_name for p in people[:1] + people[-1:]]  # a name search is a "contains": two will do
        return [p.nik for p in people] + names + sorted({p.household.kk_number for p in people})


def _user(username: str, role: str, region: str | None, agency: Agency) -> User:
    return accounts.create_user(None, username=username, password=PASSWORD, role=role, agency=agency,
                                region_code=region)


def _facilitator(agency: Agency, username: str, region: str) -> Facilitator:
    user = _user(username, Role.FACILITATOR, region, agency)
    return programmes.register_facilitator(None, user=user, agency=agency, region_code=region, capacity=5)


def _home(w: World, kk: str, village: str, seen_by: frozenset[str], address: str) -> Household:
    home = household(kk, village, head=f"{address}-KEPALA")
    home.address = address
    home.save(update_fields=["address"])
    w.add("household", home, seen_by, kk, address, f"/registry/households/{home.pk}/", label=address)
    return home


def _person(w: World, home: Household, name: str, seen_by: frozenset[str], nik: str = "") -> Person:
    """The head of `home` renamed `name`, or (with a NIK) a child of the family."""
    if nik:
        found = Person.objects.create(nik=nik, household=home, full_name=name, sex="L", relationship="child",
                                      birth_date=datetime.date(2015, 3, 12), member_since=DAY)
    else:
        found = home.members.get()
        found.full_name = name
        found.save(update_fields=["full_name"])
    w.add("person", found, seen_by, name, found.nik, label=name)
    return found


def build(rejects_dir: Path) -> World:
    agency = Agency.objects.create(code="kemenkop-keamanan", name="Kementerian Koperasi", kind="ministry")
    officer = _user("klaten", Role.REGIONAL_OFFICER, "33.10", agency)
    mine, colleague = _facilitator(agency, "pendamping", "33.10.01"), _facilitator(agency, "rahasia-rekan", "33.10.01")
    manager = _user("koperasi-sengon", Role.COOPERATIVE_MANAGER, "33.10.01", agency)
    client = _user("klien-api", Role.API_CLIENT, "33", agency)
    kupang_officer = _user("rahasia-kupang-petugas", Role.REGIONAL_OFFICER, "53.01", agency)
    kupang_facilitator = _facilitator(agency, "rahasia-kupang-pendamping", "53.01.04")
    kupang_manager = _user("rahasia-kupang-koperasi", Role.COOPERATIVE_MANAGER, "53.01.04", agency)
    w = World(users={OFFICER: officer, FACILITATOR: mine.user, MANAGER: manager, API: client})
    w.named.update(agency=agency, officer=officer, kupang_officer=kupang_officer, kupang_manager=kupang_manager)
    _people(w)
    _kumkm(w, officer, manager)
    _moves(w, officer, kupang_officer)
    _programme(w, agency, mine, colleague, kupang_facilitator)
    _accounts(w, officer, colleague, kupang_officer, kupang_facilitator)
    _imports(w, officer, kupang_officer, rejects_dir)
    _tokens(w, agency, client)
    _monitoring(w)
    _national(w, agency)
    _regions(w)
    from tests.security import routes_impact, routes_linkage  # their things beside their routes

    routes_linkage.build(w)
    routes_impact.build(w)
    return w


def _people(w: World) -> None:
    case = _home(w, "3310011201250001", SENGON, EVERYONE - {MANAGER}, "DAMPINGAN-ALAMAT")
    neighbour = _home(w, "3310011201250002", SENGON, REGION_WIDE, "RAHASIA-TETANGGA-ALAMAT")
    member = _home(w, "3310011201250003", CUCUKAN, REGION_WIDE, "RAHASIA-ANGGOTA-ALAMAT")
    board = _home(w, "3310011201250004", CUCUKAN, REGION_WIDE, "RAHASIA-PENGURUS-ALAMAT")
    kupang = _home(w, "5301041201250001", BOKONUSAN, NOBODY, "RAHASIA-KUPANG-ALAMAT")
    moved = _home(w, "5301041201250002", BOKONUSAN, NOBODY, "RAHASIA-KUPANG-ALAMAT-DUA")
    w.named.update(case_home=case, neighbour_home=neighbour, kupang_home=kupang)
    w.named.update(
        case_head=_person(w, case, "DAMPINGAN-IBU", EVERYONE - {MANAGER}),
        # A child of the caseload family who is a member of the manager's cooperative: both see her.
        case_child=_person(w, case, "DAMPINGAN-ANAK", EVERYONE, nik="3310011203150001"),
        neighbour=_person(w, neighbour, "RAHASIA-TETANGGA-IBU", REGION_WIDE),
        member=_person(w, member, "ANGGOTA-BAPAK", REGION_WIDE | {MANAGER}),
        # The cooperative's hired manager, not a member: on its board, so its manager sees him.
        board=_person(w, board, "PENGURUS-KOPERASI", REGION_WIDE | {MANAGER}),
        kupang_head=_person(w, kupang, "RAHASIA-KUPANG-IBU", NOBODY),
        kupang_child=_person(w, kupang, "RAHASIA-KUPANG-ANAK", NOBODY, nik="5301041203150001"),
        # Lives in Kupang now, yet owns a Klaten enterprise, or is a member of and works in Klaten
        # (links an import or a move could leave): nobody probing may read them.
        owner=_person(w, moved, "RAHASIA-KUPANG-PEMILIK", NOBODY),
        moved=_person(w, moved, "RAHASIA-KUPANG-PINDAH", NOBODY, nik="5301041203150002"),
    )


def _moves(w: World, officer: User, kupang_officer: User) -> None:
    """Move requests an import left: into Klaten of a person living in Kupang (the officer sees
    what her file said, never the person's registry record), and into Kupang of a Klaten person."""
    n = w.named
    into_klaten = MoveRequest.objects.create(
        person=n["moved"], given_name="NAMA-DARI-BERKAS", to_kk_number=n["case_home"].kk_number, to_village=SENGON,
        relationship="other", from_village=BOKONUSAN, requested_by=officer)
    into_kupang = MoveRequest.objects.create(
        person=n["neighbour"], given_name="RAHASIA-KUPANG-PERMINTAAN", to_kk_number=n["kupang_home"].kk_number,
        to_village=BOKONUSAN, relationship="other", from_village=SENGON, requested_by=kupang_officer)
    w.add("move", into_klaten, REGION_WIDE)
    w.add("move", into_kupang, NOBODY, "RAHASIA-KUPANG-PERMINTAAN")


def _kumkm(w: World, officer: User, manager: User) -> None:
    n = w.named
    mine = cooperative("Koperasi Merah Putih Sengon", SENGON)
    other = cooperative("RAHASIA-KOPERASI-LAIN", SENGON, type="savings_loan", registration_number="3310010002")
    kupang = cooperative("RAHASIA-KUPANG-KOPERASI", BOKONUSAN, registration_number="5301040001")
    for coop, seen_by in ((mine, EVERYONE), (other, EVERYONE - {MANAGER}), (kupang, NOBODY)):
        secrets = (coop.name, coop.registration_number or "") if seen_by != EVERYONE else ()
        w.add("cooperative", coop, seen_by, *secrets, f"/enterprises/cooperatives/{coop.pk}/", label=coop.name)
    access.grant_access(officer, mine, manager)
    w.named["kupang_access"] = access.grant_access(w.named["kupang_officer"], kupang, w.named["kupang_manager"])
    n.update(coop=mine, other_coop=other, kupang_coop=kupang)
    klaten = enterprise("Usaha Bersama Sengon", SENGON, nib="3310000000001", owner_nik=n["owner"].nik)
    w.add("enterprise", klaten, EVERYONE, f"/enterprises/{klaten.pk}/", label="Usaha Bersama Sengon")
    lain = enterprise("RAHASIA-USAHA-LAIN", SENGON, nib="3310000000002", owner_nik=n["neighbour"].nik)
    w.add("enterprise", lain, EVERYONE - {MANAGER}, "RAHASIA-USAHA-LAIN", f"/enterprises/{lain.pk}/",
          label="RAHASIA-USAHA-LAIN")
    far = enterprise("RAHASIA-KUPANG-USAHA", BOKONUSAN, nib="5301000000001", owner_nik=n["kupang_head"].nik)
    w.add("enterprise", far, NOBODY, "RAHASIA-KUPANG-USAHA", "5301000000001", f"/enterprises/{far.pk}/",
          label="RAHASIA-KUPANG-USAHA")
    n.update(enterprise=klaten, other_enterprise=lain, kupang_enterprise=far)
    _cooperative_people(w)
    _jobs(w)
    _groups(w)


def _cooperative_people(w: World) -> None:
    n = w.named
    joined = datetime.date(2026, 1, 5)
    for coop, person, seen_by in (
        (n["coop"], n["case_child"], EVERYONE), (n["coop"], n["member"], REGION_WIDE | {MANAGER}),
        # The row is the cooperative's, the person lives in Kupang: a row that names a person is
        # seen only with its person (core.scoping, `scope_also`), so by nobody probing.
        (n["coop"], n["moved"], NOBODY),
        (n["other_coop"], n["neighbour"], REGION_WIDE), (n["kupang_coop"], n["kupang_head"], NOBODY),
    ):
        w.add("membership", services.join_cooperative(None, coop, person, joined=joined), seen_by,
              label=f"{person} in {coop}")
    for coop, kind, seen_by in ((n["coop"], "sembako_outlet", EVERYONE), (n["other_coop"], "savings_loan",
                                EVERYONE - {MANAGER}), (n["kupang_coop"], "clinic", NOBODY)):
        w.add("unit", cooperatives.add_business_unit(None, coop, kind=kind, status="operating"), seen_by)
    for coop, person, seen_by in ((n["coop"], n["member"], EVERYONE), (n["other_coop"], n["neighbour"],
                                  EVERYONE - {MANAGER}), (n["kupang_coop"], n["kupang_head"], NOBODY)):
        w.add("coop_manager", cooperatives.appoint_manager(None, coop, person, role="chair", start=joined), seen_by)
    hired = cooperatives.appoint_manager(None, n["coop"], n["board"], role="manager", start=joined)
    w.add("coop_manager", hired, EVERYONE)


def _jobs(w: World) -> None:
    n = w.named
    for where, person, seen_by in (
        (n["enterprise"], n["case_head"], EVERYONE - {MANAGER}), (n["enterprise"], n["neighbour"], REGION_WIDE),
        (n["enterprise"], n["moved"], NOBODY), (n["kupang_enterprise"], n["kupang_child"], NOBODY),
    ):
        w.add("job", services.record_job(None, where, person, start=datetime.date(2026, 1, 6)), seen_by,
              label=f"{person} at {where}")


def _groups(w: World) -> None:
    n = w.named
    formed = datetime.date(2026, 1, 7)
    mine = services.form_group(None, name="Kelompok Tempe Sengon", kind="kelompok", sector="C",
                               region_code="33.10.01", formed=formed, cooperative=n["coop"])
    other = services.form_group(None, name="RAHASIA-KELOMPOK-LAIN", kind="kelompok", sector="C",
                                region_code="33.10.01", formed=formed, cooperative=n["other_coop"])
    far = services.form_group(None, name="RAHASIA-KUPANG-KELOMPOK", kind="kelompok", sector="C",
                              region_code="53.01.04", formed=formed, cooperative=n["kupang_coop"])
    w.add("group", mine, EVERYONE, f"/enterprises/groups/{mine.pk}/", label="Kelompok Tempe Sengon")
    w.add("group", other, EVERYONE - {MANAGER}, "RAHASIA-KELOMPOK-LAIN", f"/enterprises/groups/{other.pk}/")
    w.add("group", far, NOBODY, "RAHASIA-KUPANG-KELOMPOK", f"/enterprises/groups/{far.pk}/")
    # The Klaten enterprise is in both Prambanan groups: its page must not name the one of the
    # cooperative the manager does not act for.
    for group, kwargs in ((mine, {"enterprise": n["enterprise"]}), (mine, {"person": n["neighbour"]}),
                          (mine, {"person": n["case_head"]}), (other, {"enterprise": n["enterprise"]}),
                          (other, {"enterprise": n["other_enterprise"]}),
                          (far, {"enterprise": n["kupang_enterprise"]}), (far, {"person": n["kupang_child"]})):
        services.add_group_member(None, group, joined=formed, **kwargs)
    n.update(group=mine, other_group=other, kupang_group=far)


def _programme(w: World, agency: Agency, mine: Facilitator, colleague: Facilitator, far: Facilitator) -> None:
    n = w.named
    prog = programme(agency, "Graduasi KPM Keamanan")
    graduation.create_rule_set(None, prog, [{"code": "no_food_shortage", "essential": True}])
    w.add("programme", prog, EVERYONE)
    n["programme"] = prog
    families = {}
    for key, home, fac, seen_by, tag in (
        ("case", n["case_home"], mine, EVERYONE - {MANAGER}, "DAMPINGAN"),
        ("neighbour", n["neighbour_home"], colleague, REGION_WIDE, "RAHASIA-TETANGGA"),
        ("kupang", n["kupang_home"], far, NOBODY, "RAHASIA-KUPANG"),
    ):
        family = graduation.enrol_household(None, prog, home, facilitator=fac, on=DAY)
        graduation.activate(None, family, on=DAY)
        w.add("enrolment", family, seen_by, f"/programmes/enrolments/{family.pk}/", label=f"{tag} enrolment")
        w.add("visit", interventions.record_visit(None, family, on=DAY, notes=f"{tag}-CATATAN"), seen_by,
              f"{tag}-CATATAN")
        w.add("loan", interventions.record_loan(None, family, scheme="kur_super_mikro", lender=f"{tag}-BANK",
                                                amount=5_000_000, on=DAY), seen_by, f"{tag}-BANK")
        w.add("market", interventions.record_market_access(None, family, channel="marketplace",
                                                           sales_value=750_000, on=DAY), seen_by)
        families[key] = family
    for fac, seen_by in ((mine, EVERYONE - {MANAGER}), (colleague, REGION_WIDE), (far, NOBODY)):
        w.add("facilitator", fac, seen_by, *((fac.user.username,) if fac is not mine else ()))
    n.update(case_enrolment=families["case"], neighbour_enrolment=families["neighbour"],
             kupang_enrolment=families["kupang"], facilitator=mine, colleague=colleague, kupang_facilitator=far)
    klaten = training.record_training(None, prog, kind="training", topic="Pelatihan Prambanan", on=DAY,
                                      region_code="33.10.01", attendees=[families["case"], families["neighbour"]])
    kupang = training.record_training(None, prog, kind="training", topic="RAHASIA-KUPANG-PELATIHAN", on=DAY,
                                      region_code="53.01.04", attendees=[families["kupang"]])
    w.add("session", klaten, EVERYONE - {MANAGER}, f"/programmes/sessions/{klaten.pk}/", label="Pelatihan Prambanan")
    w.add("session", kupang, NOBODY, "RAHASIA-KUPANG-PELATIHAN", f"/programmes/sessions/{kupang.pk}/")
    n.update(session=klaten, kupang_session=kupang)
    saved = programmes.save_priority_list(None, prog, name="Prioritas 2026", weights={"extreme_poor": 1},
                                          quotas={"33": 1, "53": 1})
    w.add("priority_list", saved, EVERYONE)


def _accounts(w: World, officer: User, colleague: Facilitator, kupang_officer: User, far: Facilitator) -> None:
    w.add("user", officer, {OFFICER})
    w.add("user", colleague.user, REGION_WIDE, colleague.user.username)
    w.add("user", kupang_officer, NOBODY, kupang_officer.username)
    w.add("user", far.user, NOBODY, far.user.username)
    w.add("user", w.named["kupang_manager"], NOBODY, w.named["kupang_manager"].username)
    w.add("audit", AuditEntry.objects.filter(region_code__startswith="33.10.").first(), {OFFICER})
    w.add("audit", AuditEntry.objects.filter(region_code__startswith="53.").first(), NOBODY)
    w.add("agency", w.named["agency"].code, EVERYONE)


def _imports(w: World, officer: User, kupang_officer: User, folder: Path) -> None:
    for owner, seen_by, name in ((officer, {OFFICER}, "klaten-keluarga"), (kupang_officer, NOBODY,
                                                                          "RAHASIA-KUPANG-BERKAS")):
        rejects = folder / f"{name}-rejects.csv"
        rejects.write_text(f"kk_number,address,_row,_reasons\n0000000000000000,{name}-IMPOR,2,bad\n")
        batch = ImportBatch.objects.create(
            target="registry", kind="people", file_name=f"{name}.csv", status=ImportBatch.Status.DONE,
            rows_total=1, rows_processed=1, rejected=1, rejects_path=str(rejects), created_by=owner)
        w.add("batch", batch, seen_by, *((name, f"{name}-IMPOR") if not seen_by else ()))
    for target in ("registry", "kumkm", "kumkm-people"):
        w.add("import_target", target, {OFFICER})


def _tokens(w: World, agency: Agency, client: User) -> None:
    """API tokens: the client's own (its secret kept for the probes' Authorization header), another
    Klaten client's and a Kupang client's."""
    own, w.named["token"] = tokens.issue_token(None, client, name="Token klien API")
    w.add("token", own, {API})
    for username, region, name in (("klien-lain", "33.10", "RAHASIA-TOKEN-LAIN"),
                                   ("rahasia-kupang-klien", "53.01", "RAHASIA-KUPANG-TOKEN")):
        other = _user(username, Role.API_CLIENT, region, agency)
        # The officer of Klaten reads in his audit log that his region's client got a token.
        seen_by = frozenset({OFFICER}) if region.startswith("33.") else NOBODY
        w.add("token", tokens.issue_token(None, other, name=name)[0], seen_by, name)


def _monitoring(w: World) -> None:
    monitoring.open_year(None, 2026)
    found = indicator()
    for code, seen_by, note in (("33.10.01", EVERYONE, "Target Prambanan"), ("33.10", REGION_WIDE, "Target Klaten"),
                                ("53.01", NOBODY, "RAHASIA-KUPANG-TARGET")):
        target = monitoring.set_target(None, indicator=found, region_code=code, year=2026, quarter=None, value=10,
                                       note=note)
        w.add("target", target, seen_by, *((note,) if not seen_by else ()))
    rollups.refresh()
    for village, seen_by in ((SENGON, EVERYONE), (BOKONUSAN, NOBODY)):
        w.add("rollup", Rollup.objects.filter(village_id=village).first(), seen_by)
    w.add("indicator", found, EVERYONE)


def _national(w: World, agency: Agency) -> None:
    """Partners and agreements are national records: everybody reads them."""
    bank: Partner = partner()
    w.add("partner", bank, EVERYONE)
    w.add("agreement", agreement([bank], document=pdf(), programmes=[w.named["programme"]]), EVERYONE)


def _regions(w: World) -> None:
    for code, seen_by in (("53.01", NOBODY), (BOKONUSAN, NOBODY), ("33", {API}), ("33.10", REGION_WIDE),
                          ("33.10.01", EVERYONE), (SENGON, EVERYONE)):
        w.add("region", code, frozenset(seen_by))

