"""Indonesian is the default language and every English source string has a translation.

The catalogue checks read the .po file directly (no polib), and compare it with the compiled .mo
through the standard library's gettext reader, so a .po edited without `compilemessages` fails.
"""

import gettext as gnu_gettext
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client, RequestFactory, override_settings
from django.utils import translation
from django.views import defaults

from entas.accounts.models import User
from entas.regions.codes import Kind

LOCALE_DIR = Path(settings.BASE_DIR) / "entas" / "locale"
ID_PO = LOCALE_DIR / "id" / "LC_MESSAGES" / "django.po"
ID_MO = LOCALE_DIR / "id" / "LC_MESSAGES" / "django.mo"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


@dataclass
class Entry:
    msgid: str
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # plural index (0 when singular) -> text
    flags: set[str] = field(default_factory=set)
    context: str | None = None
    line: int = 0

    def key(self) -> str:
        return f"{self.context}\x04{self.msgid}" if self.context else self.msgid


def _unquote(text: str) -> str:
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r'\\(.)', lambda m: escapes.get(m.group(1), m.group(1)), text)


def parse_po(path: Path) -> tuple[list[Entry], list[int]]:
    """Entries of a .po file (header excluded) and the line numbers of obsolete (#~) entries."""
    entries: list[Entry] = []
    obsolete: list[int] = []
    current: Entry | None = None
    field_name: str | None = None
    flags: set[str] = set()
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if line.startswith("#~"):
            obsolete.append(number)
            continue
        if line.startswith("#,"):
            flags = {flag.strip() for flag in line[2:].split(",")}
            continue
        if not line or line.startswith("#"):
            continue
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"(.*)"$', line)
        if match:
            name, index, text = match.group(1), match.group(2), _unquote(match.group(3))
            if name in ("msgctxt", "msgid") and (current is None or current.msgstr):
                # A new entry starts with msgctxt or msgid once the previous one has its msgstr.
                current = Entry(msgid="", flags=flags, line=number)
                flags = set()
                entries.append(current)
            assert current is not None, f"{path}:{number}: msgstr before msgid"
            if name == "msgctxt":
                current.context = text
            elif name == "msgid":
                current.msgid = text
            elif name == "msgid_plural":
                current.msgid_plural = text
            else:
                current.msgstr[int(index or 0)] = text
            field_name = name if not index else f"msgstr[{index}]"
        elif line.startswith('"') and current is not None and field_name is not None:
            text = _unquote(line[1:-1])
            if field_name == "msgctxt":
                current.context = (current.context or "") + text
            elif field_name == "msgid":
                current.msgid += text
            elif field_name == "msgid_plural":
                current.msgid_plural = (current.msgid_plural or "") + text
            else:
                index = int(field_name[7:-1]) if "[" in field_name else 0
                current.msgstr[index] += text
    header = [entry for entry in entries if entry.msgid == "" and entry.context is None]
    assert len(header) == 1, f"{path}: expected exactly one header entry"
    assert "fuzzy" not in header[0].flags, f"{path}: the header is marked fuzzy; msgfmt would skip it"
    return [entry for entry in entries if entry is not header[0]], obsolete


@pytest.fixture(scope="module")
def id_entries() -> list[Entry]:
    entries, _ = parse_po(ID_PO)
    return entries


def test_the_defaults_are_indonesian_then_english() -> None:
    assert settings.LANGUAGE_CODE == "id"
    assert [code for code, _ in settings.LANGUAGES] == ["id", "en"]
    assert LOCALE_DIR in [Path(p) for p in settings.LOCALE_PATHS]


def test_every_indonesian_message_is_translated_and_not_fuzzy(id_entries: list[Entry]) -> None:
    assert len(id_entries) > 50, "the catalogue looks truncated"
    problems = []
    for entry in id_entries:
        if "fuzzy" in entry.flags:
            problems.append(f"line {entry.line}: fuzzy: {entry.msgid!r}")
        if not entry.msgstr or any(not text.strip() for text in entry.msgstr.values()):
            problems.append(f"line {entry.line}: untranslated: {entry.msgid!r}")
    assert not problems, "django.po (id) needs work:\n" + "\n".join(problems)


def test_translations_keep_the_placeholders(id_entries: list[Entry]) -> None:
    problems = []
    for entry in id_entries:
        wanted = sorted(PLACEHOLDER.findall(entry.msgid))
        for text in entry.msgstr.values():
            if sorted(PLACEHOLDER.findall(text)) != wanted:
                problems.append(f"line {entry.line}: {entry.msgid!r} -> {text!r}")
    assert not problems, "placeholders differ:\n" + "\n".join(problems)


def test_the_catalogues_hold_no_obsolete_entries() -> None:
    for po in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po")):
        _, obsolete = parse_po(po)
        assert not obsolete, f"{po}: obsolete (#~) entries at lines {obsolete}; run makemessages --no-obsolete"


def test_the_compiled_catalogue_matches_the_po_file(id_entries: list[Entry]) -> None:
    # Content, not file times: git does not keep modification times.
    assert ID_MO.exists(), "run `manage.py compilemessages --ignore=.venv`"
    with ID_MO.open("rb") as handle:
        compiled = gnu_gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    expected: dict[object, str] = {}
    for entry in id_entries:
        if entry.msgid_plural is None:
            expected[entry.key()] = entry.msgstr[0]
        else:
            for index, text in entry.msgstr.items():
                expected[(entry.key(), index)] = text
    compiled = {key: value for key, value in compiled.items() if key != ""}
    stale = sorted(str(key) for key in expected.keys() ^ compiled.keys())
    changed = sorted(str(key) for key in expected.keys() & compiled.keys() if expected[key] != compiled[key])
    assert not stale and not changed, (
        "django.mo (id) is out of date with django.po; run `manage.py compilemessages --ignore=.venv`\n"
        f"missing or extra: {stale[:10]}\nchanged: {changed[:10]}"
    )


def test_gettext_answers_in_indonesian() -> None:
    # Held in variables rather than literals so makemessages never extracts them from the tests.
    samples = {"Overview": "Ringkasan", "Find a region": "Cari wilayah", "Log out": "Keluar", "Total": "Jumlah"}
    with translation.override("id"):
        for source, indonesian in samples.items():
            assert translation.gettext(source) == indonesian
        assert str(Kind.KECAMATAN.label) == "Kecamatan"
        assert str(Kind.KOTA.label) == "Kota"
    with translation.override("en"):
        for source in samples:
            assert translation.gettext(source) == source
        assert str(Kind.KOTA.label) == "City (kota)"


@pytest.fixture
def source_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the translatable sources and of the current catalogues, for a dry makemessages run."""
    root = tmp_path / "src"
    source = Path(settings.BASE_DIR) / "entas"
    for path in source.rglob("*"):
        relative = path.relative_to(source)
        if path.suffix in {".py", ".html", ".txt"} and "vendor" not in relative.parts and path.is_file():
            target = root / "entas" / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)
    shutil.copytree(LOCALE_DIR, root / "entas" / "locale")
    monkeypatch.chdir(root)
    with override_settings(LOCALE_PATHS=[str(root / "entas" / "locale")]):
        yield root / "entas" / "locale"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed (apt-get install gettext)")
def test_the_po_file_is_up_to_date_with_the_source(source_copy: Path, id_entries: list[Entry]) -> None:
    call_command("makemessages", locale=["id"], no_obsolete=True, verbosity=0)
    fresh, _ = parse_po(source_copy / "id" / "LC_MESSAGES" / "django.po")
    added = sorted({e.key() for e in fresh} - {e.key() for e in id_entries})
    dropped = sorted({e.key() for e in id_entries} - {e.key() for e in fresh})
    assert not added and not dropped, (
        "entas/locale is out of date with the source; run `manage.py makemessages -l id -l en "
        "--ignore=.venv --ignore=var`, translate, then compilemessages.\n"
        f"new strings: {added}\nstrings no longer used: {dropped}"
    )


def _client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_page_is_in_indonesian_by_default(national_admin: User) -> None:
    page = _client_for(national_admin).get("/").content.decode()
    assert '<html lang="id">' in page
    assert "Indonesia: ringkasan nasional" in page
    assert "Jumlah" in page and "Kecamatan" in page
    assert "7.285" in page  # Indonesian digit grouping
    assert "national overview" not in page


def test_the_login_page_is_in_indonesian_by_default(db: None) -> None:
    page = Client().get("/login/").content.decode()
    assert "Masuk ke Entas" in page and "Kata sandi" in page


def test_the_language_cookie_switches_to_english(national_admin: User) -> None:
    client = _client_for(national_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert "Indonesia: national overview" in page
    assert "7,285" in page


def test_a_page_ignores_an_english_browser_but_the_api_follows_accept_language(national_admin: User) -> None:
    client = _client_for(national_admin)
    assert '<html lang="id">' in client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    english = client.get("/api/regions/", {"limit": "x"}, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").json()
    indonesian = client.get("/api/regions/", {"limit": "x"}).json()
    assert "is not a page size" in english["limit"][0]
    assert "bukan ukuran halaman" in indonesian["limit"][0]


def test_setlang_switches_to_english_and_back(national_admin: User) -> None:
    client = _client_for(national_admin)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "Indonesia: national overview" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "id", "next": "/"})
    assert "Indonesia: ringkasan nasional" in client.get("/").content.decode()


def test_the_not_found_page_is_translated_and_the_same_for_missing_and_hidden_regions(
    klaten_officer: User,
) -> None:
    client = _client_for(klaten_officer)
    hidden = client.get("/regions/53.01/")  # Kupang: exists, outside Klaten
    missing = client.get("/regions/99.99/")  # no such regency
    assert hidden.status_code == missing.status_code == 404
    assert "Halaman tidak ditemukan" in hidden.content.decode()
    # Apart from the address itself (and the per-response CSRF token), nothing tells the two apart.
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')

    def normalised(content: bytes, path: str) -> str:
        return token.sub("", content.decode()).replace(path, "PATH")

    assert normalised(hidden.content, "/regions/53.01/") == normalised(missing.content, "/regions/99.99/")


def test_the_error_pages_render_without_a_request_and_in_indonesian(db: None) -> None:
    # Django renders 500.html with no request and no context processors: it must still work.
    request = RequestFactory().get("/")
    with translation.override("id"):
        server_error = defaults.server_error(request)
        denied = defaults.permission_denied(request, PermissionDenied())
    assert server_error.status_code == 500 and "Terjadi kesalahan" in server_error.content.decode()
    assert denied.status_code == 403 and "Akses ditolak" in denied.content.decode()
