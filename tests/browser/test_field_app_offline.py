"""The facilitators' offline app at /field/ in a real browser, its service worker included.

Offline here means the server cannot be reached at all: the context is set offline AND every request
is aborted by a route (set_offline alone does not cut a service worker's own requests), and each test
checks first that a call to the API from the page does fail. Anything that still works then comes
from the service worker's cache and the phone's encrypted IndexedDB."""

import datetime
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, Request, Response, expect

from entas.accounts import services as accounts
from entas.accounts.models import Agency
from entas.accounts.roles import Role
from entas.field import app_views
from entas.field import services as field
from entas.field.models import Conflict, Device, Resolution
from entas.graduation import services
from entas.graduation.models import Assessment, Enrolment, FollowUp, Status, TrainingSession, Visit
from entas.programmes.models import Facilitator
from tests.browser.test_csp_in_browser import WATCH, violations
from tests.browser.test_facilitator_in_browser import programme_with_rules
from tests.browser.test_no_english_in_indonesian_pages import english_lines, serious_violations
from tests.browser.test_overview_in_browser import log_in
from tests.conftest import PASSWORD
from tests.programmes.factories import KLATEN_VILLAGE, TODAY, facilitator, home

pytestmark = pytest.mark.browser

PIN = "246810"
SHOTS = Path("/tmp/field-shots")
PHONE = {"width": 390, "height": 844}
SHELL_LIMIT = 300 * 1024
NAMES = ("Siti Aminah", "Dewi Lestari", "Sri Wahyuni")


# --- the world on the server ------------------------------------------------------------------------

def caseload(agency: Agency) -> tuple[Facilitator, list[Enrolment], TrainingSession]:
    prog = programme_with_rules(agency)
    rina = facilitator(agency, "pendamping_rina")
    families = [services.enrol_household(None, prog, home(KLATEN_VILLAGE, name=name), facilitator=rina, on=TODAY)
                for name in NAMES]
    session = services.record_training(None, prog, kind="training", topic="Pembukuan warung", region_code="33.10.01",
                                       on=timezone.localdate() - datetime.timedelta(days=3))
    return rina, families, session


# --- the phone ---------------------------------------------------------------------------------------------

@pytest.fixture
def phone(browser: Any, site: str, request: pytest.FixtureRequest) -> Iterator[BrowserContext]:
    """A phone-sized context in Indonesia whose service workers run (Playwright blocks them by default)."""
    context = browser.new_context(base_url=site, locale="id-ID", timezone_id="Asia/Jakarta", viewport=PHONE,
                                  service_workers="allow")
    context.set_default_timeout(15_000)
    yield context
    if request.node.stash.get(_failed_key(), False) and context.pages:
        SHOTS.mkdir(parents=True, exist_ok=True)
        context.pages[0].screenshot(path=str(SHOTS / f"failed-{request.node.name}.png"), full_page=True)
    context.close()


def _failed_key() -> Any:
    from tests.browser.conftest import FAILED
    return FAILED


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def watched(page: Page) -> list[str]:
    """Console messages about the Content-Security-Policy (and the page's own reports, see WATCH)."""
    seen: list[str] = []
    page.add_init_script(WATCH)
    page.on("console", lambda message: seen.append(message.text) if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text else None)
    return seen


def readable(page: Page, screen: str) -> None:
    """The screen in Indonesian, without a serious accessibility finding."""
    text = page.get_by_test_id(f"screen-{screen}").inner_text()
    assert english_lines(text) == [], screen
    assert serious_violations(page) == [], screen


def sign_in(page: Page, username: str = "pendamping_rina", *, shots: bool = False) -> str:
    """Registers the phone and sets the PIN; the app then syncs by itself. Returns the device token."""
    page.goto("/field/")
    form = page.get_by_test_id("signin-form")
    form.get_by_label("Nama pengguna").fill(username)
    form.get_by_label("Kata sandi").fill(PASSWORD)
    form.get_by_label("Nama ponsel ini").fill("HP Rina")
    with page.expect_response("**/field/api/devices/") as registered:
        form.get_by_role("button", name="Masuk").click()
    token: str = registered.value.json()["token"]
    page.get_by_test_id("pin-new").fill(PIN)
    page.get_by_test_id("pin-again").fill("246801")
    page.get_by_role("button", name="Simpan PIN").click()
    mismatch = page.get_by_test_id("pin-setup-form").get_by_role("alert")
    expect(mismatch).to_have_text("Kedua PIN tidak sama. Ketik ulang.")
    if shots:
        shot(page, "2-pin-setup")
    page.get_by_test_id("pin-again").fill(PIN)
    page.get_by_role("button", name="Simpan PIN").click()
    expect(page.get_by_test_id("screen-home")).to_be_visible()
    expect(page.get_by_test_id("last-sync")).not_to_have_text("Belum pernah")
    # The shell is in the worker's cache once the worker is active (install = precache done).
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    return token


def unlock(page: Page, pin: str = PIN) -> None:
    page.get_by_test_id("pin").fill(pin)
    page.get_by_test_id("unlock").click()


def cut_off(context: BrowserContext, page: Page) -> None:
    context.set_offline(True)
    context.route("**/*", lambda route: route.abort())
    reached = page.evaluate("fetch('/field/api/caseload', {cache: 'no-store'}).then(() => 'reached', () => 'failed')")
    assert reached == "failed", "the server can still be reached: this would not test offline use"


def reconnect(context: BrowserContext) -> None:
    context.unroute("**/*")
    context.set_offline(False)


def open_family(page: Page, family: Enrolment) -> None:
    page.get_by_test_id(f"family-{family.pk}").get_by_role("link").click()
    expect(page.get_by_test_id("visit-form")).to_be_visible()


def record_visit(page: Page, notes: str, income: str = "", food_shortage: str = "") -> None:
    form = page.get_by_test_id("visit-form")
    form.get_by_label("Catatan kunjungan").fill(notes)
    if income:
        form.get_by_label("Pendapatan per orang per bulan (Rp)").fill(income)
    if food_shortage:
        form.get_by_label("Pernah kekurangan pangan setahun terakhir").select_option(food_shortage)
    form.get_by_role("button", name="Simpan kunjungan").click()
    expect(page.get_by_test_id("message")).to_contain_text("Kunjungan disimpan di ponsel")


def go_home(page: Page) -> None:
    page.get_by_role("link", name="← Semua keluarga").click()
    expect(page.get_by_test_id("screen-home")).to_be_visible()


def sync(page: Page) -> None:
    with page.expect_response("**/field/api/caseload"):
        page.get_by_test_id("sync").click()
    expect(page.get_by_test_id("sync")).to_be_enabled()


def visits(family: Enrolment) -> int:
    return Visit.objects.filter(enrolment=family).count()


def outbox_sent(page: Page) -> dict[str, dict[str, Any]]:
    """Every command the app sends to /field/api/sync from now on, by id (what its outbox held).
    The page's request and the worker's own carry the same body; a request cut off counts too."""
    commands: dict[str, dict[str, Any]] = {}

    def keep(request: Request) -> None:
        if request.url.endswith("/field/api/sync") and request.method == "POST" and request.post_data:
            commands.update((c["id"], c) for c in json.loads(request.post_data).get("commands", []))
    page.context.on("request", keep)
    return commands


# --- the day offline -----------------------------------------------------------------------------------

def test_a_facilitator_works_offline_and_every_change_lands_once(phone: BrowserContext, agency: Agency) -> None:
    _rina, families, session = caseload(agency)
    siti, dewi, sri = families
    page = phone.new_page()
    policy = watched(page)
    shot_signin(page)
    token = sign_in(page, shots=True)
    expect(page.get_by_test_id(f"family-{siti.pk}")).to_contain_text("Siti Aminah")
    shot(page, "3-home")
    readable(page, "home")
    sent = outbox_sent(page)

    cut_off(phone, page)
    open_family(page, siti)
    expect(page.get_by_test_id("fact-nik")).to_have_text(f"•••• •••• •••• {siti.household.members.get().nik[-4:]}")
    checklist = page.get_by_test_id("checklist")
    expect(checklist.locator('[data-criterion="income_above_line"]')).to_have_attribute("data-state", "missing")
    page.get_by_test_id("visit-form").get_by_label("Pendapatan per orang per bulan (Rp)").fill("700.000")
    # The checklist follows what is typed, before anything is saved.
    expect(checklist.locator('[data-criterion="income_above_line"]')).to_have_attribute("data-state", "met")
    page.get_by_test_id("visit-form").get_by_label("Tanggal kunjungan").fill(
        (timezone.localdate() + datetime.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Simpan kunjungan").click()
    expect(page.get_by_test_id("visit-error")).to_contain_text("tidak boleh di masa depan")
    page.get_by_test_id("visit-form").get_by_label("Tanggal kunjungan").fill("2025-07-30")
    page.get_by_role("button", name="Simpan kunjungan").click()
    expect(page.get_by_test_id("visit-error")).to_have_text(
        "Tanggal tidak boleh sebelum keluarga terdaftar di program (31 Juli 2025).")
    page.get_by_test_id("visit-form").get_by_label("Tanggal kunjungan").fill(timezone.localdate().isoformat())
    record_visit(page, "Warung sembako buka setiap hari", income="700.000", food_shortage="no")
    expect(page.get_by_test_id("verdict")).to_have_text("Semua kriteria wajib terpenuhi")
    attendance = page.get_by_test_id("attendance-form")
    attendance.get_by_label("Sesi pelatihan atau pendampingan").select_option(str(session.pk))
    attendance.get_by_role("button", name="Catat hadir").click()
    expect(page.get_by_test_id("message")).to_contain_text("Kehadiran disimpan")
    shot(page, "4-family")
    readable(page, "family")
    go_home(page)
    for family in (dewi, sri):
        open_family(page, family)
        record_visit(page, "Anak-anak sudah kembali sekolah")
        go_home(page)
    expect(page.get_by_test_id("pending-count")).to_have_text("4")

    # Reloaded with no server: the worker serves the shell, the PIN opens the phone's data.
    page.reload()
    expect(page.get_by_test_id("screen-lock")).to_be_visible()
    shot(page, "5-lock")
    unlock(page)
    expect(page.get_by_test_id("pending-count")).to_have_text("4")
    expect(page.get_by_test_id("network")).to_have_text("Tidak ada sinyal")
    elapsed = page.evaluate(f"""async () => {{
        const start = performance.now();
        await EntasField.app.openFamily({dewi.pk});
        return performance.now() - start;
    }}""")
    print(f"\nopening a family offline: {elapsed:.1f} ms")
    expect(page.get_by_test_id("family-name")).to_have_text("Dewi Lestari")
    go_home(page)
    page.get_by_test_id("sync").click()
    expect(page.get_by_test_id("message")).to_have_text("Tidak ada sinyal — perubahan tetap tersimpan di ponsel")
    expect(page.get_by_test_id("pending-count")).to_have_text("4")
    assert sum(visits(f) for f in families) == 0

    reconnect(phone)
    sync(page)
    expect(page.get_by_test_id("pending-count")).to_have_text("0")
    assert [visits(f) for f in families] == [1, 1, 1]
    assert Assessment.objects.filter(enrolment=siti).count() == 1
    assert list(session.attendees.all()) == [Enrolment.objects.get(pk=siti.pk)]

    # The same outbox again (a phone whose answer was lost resends it): nothing changes.
    assert len(sent) == 4
    answer = page.request.post("/field/api/sync", data={"commands": list(sent.values())},
                               headers={"Authorization": f"Device {token}"})
    assert [result["status"] for result in answer.json()["results"]] == ["duplicate"] * 4
    assert [visits(f) for f in families] == [1, 1, 1]
    assert Assessment.objects.count() == 1 and session.attendees.count() == 1

    # Meanwhile the office hands Sri to another facilitator: the phone's next visit is a conflict.
    budi = facilitator(agency, "pendamping_budi")
    services.reassign(None, Enrolment.objects.get(pk=sri.pk), budi, reason="Pembagian ulang wilayah")
    open_family(page, sri)
    record_visit(page, "Kunjungan sebelum tahu keluarga dipindah")
    go_home(page)
    sync(page)
    conflicts = page.get_by_test_id("conflicts")
    expect(conflicts).to_be_visible()
    expect(conflicts).to_contain_text("Menunggu keputusan supervisor")
    expect(conflicts).to_contain_text("Sri Wahyuni")
    expect(page.get_by_test_id(f"family-{sri.pk}")).to_have_count(0)  # no longer hers
    shot(page, "6-conflict")
    assert visits(sri) == 1
    assert violations(page, policy) == []
    conflict = Conflict.objects.get(enrolment=sri)
    resolve_on_the_conflicts_page(phone, conflict)
    # Her next sync tells her what the supervisor decided, beside the change it concerns.
    sync(page)
    decided = page.get_by_test_id(f"hide-conflict-{conflict.command_id}").locator("p[data-decided=yes]")
    expect(decided).to_contain_text("Keputusan supervisor")


def shot_signin(page: Page) -> None:
    page.goto("/field/")
    expect(page.get_by_test_id("screen-signin")).to_be_visible()
    shot(page, "1-signin")


def resolve_on_the_conflicts_page(context: BrowserContext, conflict: Conflict) -> None:
    """A regional officer of Klaten applies the phone's visit after all."""
    officer = accounts.create_user(None, username="klaten_officer", password=PASSWORD, role=Role.REGIONAL_OFFICER,
                                   agency=conflict.command.device.facilitator.agency, region_code="33.10")
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, officer.username)
    page.goto("/field/conflicts/")
    page.get_by_test_id(f"conflict-{conflict.pk}").get_by_role("link").click()
    decide = page.get_by_test_id("decide")
    decide.locator("input[name=decision][value=apply]").check()
    decide.locator("button[type=submit]").click()
    expect(page.get_by_test_id(f"conflict-{conflict.pk}")).to_have_attribute("data-status", Resolution.APPLIED)
    conflict.refresh_from_db()
    assert conflict.resolution == Resolution.APPLIED
    assert visits(conflict.enrolment) == 2
    page.close()


# --- the lock -----------------------------------------------------------------------------------------------

def test_a_wrong_pin_is_refused_and_five_in_a_row_wipe_the_phone(phone: BrowserContext, agency: Agency) -> None:
    caseload(agency)
    page = phone.new_page()
    sign_in(page)
    page.reload()
    unlock(page, "000000")
    expect(page.get_by_test_id("pin-error")).to_have_text(
        "PIN salah. Sisa percobaan: 4. Jika habis, semua data di ponsel ini dihapus.")
    expect(page.get_by_test_id("screen-home")).to_be_hidden()
    for left in (3, 2):
        unlock(page, "111111")
        expect(page.get_by_test_id("pin-error")).to_contain_text(f"Sisa percobaan: {left}")
    shot(page, "5-lock-wrong-pin")
    unlock(page)  # the right PIN resets the count
    expect(page.get_by_test_id("screen-home")).to_be_visible()
    page.reload()
    for left in (4, 3, 2, 1):
        unlock(page, "999999")
        expect(page.get_by_test_id("pin-error")).to_contain_text(f"Sisa percobaan: {left}")
    unlock(page, "999999")
    expect(page.get_by_test_id("screen-signin")).to_be_visible()
    expect(page.get_by_test_id("message")).to_contain_text("Semua data di ponsel ini telah dihapus")
    assert not page.evaluate("indexedDB.databases().then(all => all.some(db => db.name === 'entas-field'))")


def test_a_revoked_phone_wipes_its_data_at_the_next_sync(phone: BrowserContext, agency: Agency) -> None:
    rina, families, _session = caseload(agency)
    page = phone.new_page()
    sign_in(page)
    open_family(page, families[0])
    record_visit(page, "Dicatat sebelum perangkat dicabut")
    go_home(page)
    field.revoke_device(None, Device.objects.get(facilitator=rina), reason="Ponsel hilang")
    page.get_by_test_id("sync").click()
    expect(page.get_by_test_id("screen-signin")).to_be_visible()
    expect(page.get_by_test_id("message")).to_contain_text("Perangkat ini sudah dicabut")
    assert page.evaluate("EntasField.vault.exists()") is False
    page.reload()
    expect(page.get_by_test_id("screen-signin")).to_be_visible()


def test_logging_out_warns_of_pending_changes_and_ends_the_device(phone: BrowserContext, agency: Agency) -> None:
    rina, families, _session = caseload(agency)
    page = phone.new_page()
    sign_in(page)
    open_family(page, families[0])
    record_visit(page, "Belum terkirim")
    go_home(page)
    page.get_by_test_id("logout").click()
    expect(page.get_by_test_id("logout-warning")).to_have_text(
        "Masih ada 1 perubahan tertunda yang belum terkirim. Jika keluar sekarang, perubahan itu hilang.")
    page.get_by_role("button", name="Sinkronkan dulu").click()
    expect(page.get_by_test_id("pending-count")).to_have_text("0")
    assert visits(families[0]) == 1
    page.get_by_test_id("logout").click()
    expect(page.get_by_test_id("screen-signin")).to_be_visible()
    assert Device.objects.get(facilitator=rina).revoked_at is not None
    assert page.evaluate("EntasField.vault.exists()") is False
    # English as the second language: the choice outlives a reload.
    page.get_by_test_id("language").click()
    expect(page.get_by_test_id("screen-signin").get_by_role("heading")).to_have_text("Sign in to the facilitator app")
    page.reload()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    page.get_by_test_id("language").click()
    expect(page.get_by_role("button", name="Masuk")).to_be_visible()


def test_a_follow_up_after_graduation_is_recorded_offline(phone: BrowserContext, agency: Agency) -> None:
    rina, _families, _session = caseload(agency)
    prog = Enrolment.objects.filter(facilitator=rina).first().programme  # type: ignore[union-attr]
    wati = services.enrol_household(None, prog, home(KLATEN_VILLAGE, name="Wati"), facilitator=rina, on=TODAY)
    services.record_visit_with_assessment(None, wati, date=datetime.date(2025, 9, 1),
                                          measures={"per_capita_income": 800_000, "food_shortage": False})
    services.mark_ready(None, Enrolment.objects.get(pk=wati.pk), on=datetime.date(2025, 10, 1))
    services.graduate(None, Enrolment.objects.get(pk=wati.pk), on=datetime.date(2026, 1, 15))
    page = phone.new_page()
    sign_in(page)
    cut_off(phone, page)
    open_family(page, wati)
    form = page.get_by_test_id("follow-up-form")
    expect(form.get_by_label("Tindak lanjut", exact=True)).to_have_value("6")
    form.get_by_label("Tanggal tindak lanjut").fill(timezone.localdate().isoformat())
    form.get_by_role("button", name="Simpan tindak lanjut").click()
    expect(page.get_by_test_id("message")).to_contain_text("Tindak lanjut disimpan")
    expect(page.get_by_test_id("follow-up")).to_be_hidden()
    go_home(page)
    expect(page.get_by_test_id("pending-count")).to_have_text("1")
    reconnect(phone)
    sync(page)
    expect(page.get_by_test_id("pending-count")).to_have_text("0")
    follow_up = FollowUp.objects.get(enrolment=wati)
    assert follow_up.month == 6 and follow_up.sustained
    assert Enrolment.objects.get(pk=wati.pk).status == Status.GRADUATED


# --- the shell ----------------------------------------------------------------------------------------------

def test_the_shell_is_small_and_a_new_version_keeps_the_outbox(phone: BrowserContext, agency: Agency,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    _rina, families, _session = caseload(agency)
    page = phone.new_page()
    loaded: list[Response] = []
    phone.on("response", lambda response: loaded.append(response))
    page.goto("/field/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    sizes = {r.url: len(r.body()) for r in loaded if "/field/api/" not in r.url and r.status == 200}
    total = sum(sizes.values())
    print(f"\nthe app shell: {total} bytes in {len(sizes)} files")
    for url, size in sorted(sizes.items(), key=lambda item: -item[1]):
        print(f"  {size:>7}  {url}")
    assert total < SHELL_LIMIT
    cached = page.evaluate("""async () => {
        let total = 0;
        for (const name of await caches.keys()) {
            const cache = await caches.open(name);
            for (const request of await cache.keys()) {
                total += (await (await cache.match(request)).arrayBuffer()).byteLength;
            }
        }
        return total;
    }""")
    print(f"the worker's precache: {cached} bytes")
    assert 0 < cached < SHELL_LIMIT

    sign_in(page)
    cut_off(phone, page)
    open_family(page, families[0])
    record_visit(page, "Tersimpan saat versi baru datang")
    go_home(page)
    # Back online, but the sync calls still fail (the app sends its outbox when the signal returns):
    # the change must wait through the new version.
    phone.unroute("**/*")
    phone.route("**/field/api/sync", lambda route: route.abort())
    phone.set_offline(False)
    # A new version of the shell (another theme colour): the worker's bytes change, it waits, the app says so.
    monkeypatch.setattr(app_views, "THEME", "#155c37")
    page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
    expect(page.get_by_test_id("update")).to_be_visible()
    expect(page.get_by_test_id("update")).to_contain_text("Versi baru tersedia — muat ulang")
    shot(page, "7-update")
    page.get_by_role("button", name="Muat ulang").click()
    expect(page.get_by_test_id("screen-lock")).to_be_visible()
    unlock(page)
    expect(page.get_by_test_id("pending-count")).to_have_text("1")
    phone.unroute("**/field/api/sync")
    sync(page)
    expect(page.get_by_test_id("pending-count")).to_have_text("0")
    assert visits(families[0]) == 1


def test_an_outbox_of_5000_changes_is_sent_in_chunks(phone: BrowserContext, agency: Agency) -> None:
    caseload(agency)
    page = phone.new_page()
    sign_in(page)
    page.evaluate("""() => {
        const commands = [];
        for (let i = 0; i < 5000; i++) commands.push({id: crypto.randomUUID(), kind: "visit", enrolment: 2000000000 + i,
            version: 1, recorded_at: EntasField.store.localIso(new Date()),
            data: {date: "2026-01-02", notes: "", assessment: null}});
        return EntasField.store.enqueueMany(commands);
    }""")
    page.reload()
    unlock(page)
    expect(page.get_by_test_id("pending-count")).to_have_text("5000")
    page.evaluate("""() => {
        window.seen = [];
        const text = document.querySelector('[data-testid="sync-progress-text"]');
        new MutationObserver(() => window.seen.push(text.textContent))
            .observe(text, {childList: true, characterData: true, subtree: true});
    }""")
    sent = outbox_sent(page)
    chunks: dict[str, int] = {}  # the first command of each call, and how many the call held

    def count(request: Request) -> None:
        commands = json.loads(request.post_data or "{}").get("commands") if request.post_data else None
        if request.url.endswith("/field/api/sync") and commands:
            chunks[commands[0]["id"]] = len(commands)
    page.context.on("request", count)
    started = time.monotonic()
    page.get_by_test_id("sync").click()
    expect(page.get_by_test_id("pending-count")).to_have_text("0", timeout=180_000)
    print(f"\n5000 commands synced in {time.monotonic() - started:.1f} s")
    assert len(sent) == 5000 and list(chunks.values()) == [200] * 25
    seen = page.evaluate("window.seen")
    assert "Mengirim 200/5.000" in seen and "Mengirim 5.000/5.000" in seen
    expect(page.get_by_test_id("errors-count")).to_have_text("5000")
    expect(page.get_by_test_id("errors-details")).not_to_have_attribute("open", "")
    shot(page, "8-errors")
    page.get_by_test_id("errors-details").locator("summary").click()
    page.get_by_role("button", name="Tutup semua kesalahan").click()
    expect(page.get_by_test_id("errors-count")).to_have_text("0")
    expect(page.get_by_test_id("errors")).to_be_hidden()
