"""Headless Chromium (Debian's, through Playwright) against pytest-django's live server.

Two things make browser tests differ from the rest of the suite:

* `live_server` makes every test transactional, so pytest-django empties every table when the test
  ends. The 91,599 regions are reference data that the session fixture loaded once; reloading them
  from the CSV files costs seconds per test, so the first browser test copies them into a table
  Django does not know about (a flush never touches it) and each flush is followed by a copy back,
  which takes a fraction of a second.
* The audit log is append-only in the database itself (triggers from core migration 0002), so the
  flush would be refused as soon as a test has written an audit entry. The triggers are dropped
  just before the flush and put back just after it, by the migration's own code.
"""

import importlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from django.db.models.signals import post_migrate

from entas.regions.models import Region, RegionDataset

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse the ORM
# calls that fixtures make while that loop exists.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SNAPSHOTS = {
    Region._meta.db_table: "browser_tests_region_copy",
    RegionDataset._meta.db_table: "browser_tests_dataset_copy",
}
_audit_migration: Any = importlib.import_module("entas.core.migrations.0002_audit_append_only")


def chromium_path() -> str | None:
    path = os.environ.get("ENTAS_CHROMIUM") or "/usr/bin/chromium"
    return path if Path(path).is_file() and os.access(path, os.X_OK) else None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if chromium_path() is not None:
        return
    reason = (
        f"no Chromium at {os.environ.get('ENTAS_CHROMIUM') or '/usr/bin/chromium'}: "
        "install Debian's chromium or set ENTAS_CHROMIUM (scripts/test.sh makes this mandatory in CI)"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    # Imported here so that collecting the suite never needs Playwright's driver.
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    assert executable is not None  # the collection hook skipped every test otherwise
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _copy_table(using: str, source: str, target: str) -> None:
    with connections[using].cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {target}")
        cursor.execute(f"CREATE TABLE {target} AS SELECT * FROM {source}")


def _restore_reference_data(using: str) -> None:
    if Region.objects.using(using).exists():
        return
    with connections[using].cursor() as cursor:
        for table, copy in SNAPSHOTS.items():
            # Ordered by code so parents go in before their children (codes are prefix-ordered).
            order = " ORDER BY code" if table == Region._meta.db_table else ""
            cursor.execute(f"INSERT INTO {table} SELECT * FROM {copy}{order}")


def _protect_audit_log(using: str, protect: bool) -> None:
    with connections[using].schema_editor() as editor:
        _audit_migration.backwards(None, editor)  # idempotent: DROP ... IF EXISTS
        if protect:
            _audit_migration.forwards(None, editor)


@pytest.fixture(scope="session")
def _region_snapshot(django_db_setup: None, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        if not Region.objects.exists():
            # Some earlier transactional test emptied the tables without putting the regions back.
            from entas.regions.loader import load_regions

            load_regions(force=True, progress=lambda _: None)
        for table, copy in SNAPSHOTS.items():
            _copy_table("default", table, copy)


def _after_flush(sender: Any, using: str = "default", **kwargs: Any) -> None:
    # post_migrate is sent once per app after the flush; the first call does the work.
    post_migrate.disconnect(_after_flush, dispatch_uid="browser-tests-after-flush")
    _restore_reference_data(using)
    _protect_audit_log(using, protect=True)


@pytest.fixture
def site(live_server: Any, transactional_db: None, _region_snapshot: None) -> Iterator[str]:
    """The live server's URL, with the real regions in the database."""
    # Normally done after the previous flush already; again here in case a flush sent no signal.
    _restore_reference_data("default")
    _protect_audit_log("default", protect=True)
    yield live_server.url
    # This teardown runs just before pytest-django flushes the tables (transactional_db was set up
    # first, so it is torn down last).
    _protect_audit_log("default", protect=False)
    post_migrate.connect(_after_flush, dispatch_uid="browser-tests-after-flush", weak=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.stash[FAILED] = report.failed
    return report


FAILED = pytest.StashKey[bool]()
FAILURES = Path(os.environ.get("ENTAS_SCREENSHOT_DIR", "/tmp")) / "entas-failures"


@pytest.fixture
def page(browser: Any, site: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    # An Indonesian browser: Django honours Accept-Language before falling back to LANGUAGE_CODE.
    context = browser.new_context(base_url=site, locale="id-ID", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    if request.node.stash.get(FAILED, False):
        # What the page showed when the test failed, named after the test (CI keeps the folder).
        FAILURES.mkdir(parents=True, exist_ok=True)
        shot = FAILURES / f"{request.node.name}.png"
        tab.screenshot(path=str(shot), full_page=True)
        print(f"screenshot of the failure: {shot}")
    context.close()
