"""Security headers (issue 12, item 16): a strict Content-Security-Policy that the templates keep
(no inline script, handler or style), `Cache-Control: private, no-store` on everything that is not a
static file, and a documented production configuration for which `check --deploy` is clean."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from entas.accounts.models import Agency, User
from entas.graduation import services as graduation
from entas.monitoring import rollups
from entas.monitoring import services as monitoring
from tests.conftest import client_for
from tests.graduation.factories import enrol
from tests.monitoring.factories import indicator
from tests.programmes.factories import KLATEN_VILLAGE, TODAY, programme

POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
          "base-uri 'self'; frame-ancestors 'none'; form-action 'self'")
# The production environment of docs/operations.md, "Running in production" (and README.md).
PRODUCTION = {
    "DEBUG": "false", "ALLOWED_HOSTS": "entas.example.go.id", "CSRF_TRUSTED_ORIGINS": "https://entas.example.go.id",
    "SECURE_COOKIES": "true", "SECURE_SSL_REDIRECT": "true", "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true", "SECURE_HSTS_PRELOAD": "true",
    "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https", "TRUSTED_PROXIES": "127.0.0.1",
}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]+\s on[a-z]+\s*=", re.I | re.X)
STYLE = re.compile(r"<style\b|<[^>]+\sstyle\s*=", re.I)


@pytest.fixture
def pages(agency: Agency) -> list[str]:
    monitoring.open_year(None, 2025)
    indicator()
    prog = programme(agency)
    enrolment = enrol(prog)
    graduation.activate(None, enrolment, on=TODAY)
    rollups.refresh()
    return ["/", "/regions/33.10/", "/registry/", f"/registry/households/{enrolment.household_id}/",
            "/dashboard/", "/dashboard/33.10/?period=2025", f"/dashboard/{KLATEN_VILLAGE}/?period=2025",
            f"/programmes/enrolments/{enrolment.pk}/", f"/programmes/{prog.pk}/enrol/", "/programmes/sessions/new/",
            "/enterprises/", "/enterprises/cooperatives/new/", "/imports/registry/", "/account/locked/"]


def assert_strict(url: str, body: str) -> None:
    assert not INLINE_SCRIPT.search(body), (url, INLINE_SCRIPT.search(body))
    assert not HANDLER.search(body), (url, HANDLER.search(body))
    assert not STYLE.search(body), (url, STYLE.search(body))


@pytest.mark.django_db
def test_every_main_page_has_the_policy_no_store_and_nothing_inline(national_admin: User, pages: list[str]) -> None:
    client = client_for(national_admin)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Security-Policy"] == POLICY, url
        assert response["Cache-Control"] == "private, no-store", url
        assert_strict(url, response.content.decode())


@pytest.mark.django_db
def test_the_login_page_and_the_api_docs_keep_the_policy() -> None:
    client = Client()
    for url in ("/login/", "/api/docs/"):
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Security-Policy"] == POLICY, url
        assert_strict(url, response.content.decode())
    script = client.get("/api/docs/?script")  # Swagger's set-up script, served as a file of its own
    assert script.status_code == 200 and "javascript" in script["Content-Type"]
    assert "SwaggerUIBundle" in script.content.decode()


@pytest.mark.django_db
def test_api_answers_and_exports_are_not_stored(national_admin: User) -> None:
    client = client_for(national_admin)
    for url in ("/api/households/", "/registry/?format=csv", "/registry/?format=xlsx"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store", url


@pytest.mark.django_db
def test_static_files_keep_their_own_caching(national_admin: User) -> None:
    response = client_for(national_admin).get("/static/css/entas.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path: Path) -> None:
    env = {**os.environ, **PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(50), "ENTAS_DATA_DIR": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'entas.sqlite3'}"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests for their own process only
    entas = Path(sys.executable).with_name("entas")
    result = subprocess.run([str(entas), "manage", "check", "--deploy", "--fail-level", "WARNING"], env=env,
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_warns_without_them(tmp_path: Path) -> None:
    env = {**os.environ, "ENTAS_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'e.sqlite3'}"}
    for name in PRODUCTION:
        env.pop(name, None)
    entas = Path(sys.executable).with_name("entas")
    result = subprocess.run([str(entas), "manage", "check", "--deploy"], env=env, capture_output=True, text=True,
                            timeout=180)
    assert "security.W004" in result.stdout + result.stderr  # HSTS: the test above is not vacuous
