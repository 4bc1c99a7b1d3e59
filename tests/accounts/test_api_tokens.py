"""API tokens: stored as a SHA-256 digest only, with an expiry (90 days by default, configurable),
revocable; refused with a clear message when expired or revoked; anonymous API calls answer 401.
Created and revoked on /account/tokens/ (API clients their own, national administrators any) and
with `entas create-token`; every issue and revocation is audited."""

import hashlib
from collections.abc import Callable
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from entas.accounts.models import ApiToken, User
from entas.accounts.roles import Role
from entas.accounts.tokens import issue_token, revoke_token
from entas.core.models import AuditEntry
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def mitra(make_user: Callable[..., User]) -> User:
    return make_user("mitra", Role.API_CLIENT, "33")


def call(token: str, keyword: str = "Bearer", path: str = "/api/users/me/") -> Any:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.get(path, HTTP_AUTHORIZATION=f"{keyword} {token}")


def english(user: User) -> Client:
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_a_token_is_stored_only_as_its_sha256_digest(mitra: User) -> None:
    _issued, token = issue_token(None, mitra, name="dasbor")
    assert len(token) >= 43
    stored = ApiToken.objects.get()
    assert stored.digest == hashlib.sha256(token.encode()).hexdigest()
    assert stored.prefix == token[:8]
    assert token not in str(list(ApiToken.objects.values()))
    assert token not in str(list(AuditEntry.objects.values()))


def test_two_tokens_differ(mitra: User) -> None:
    assert issue_token(None, mitra, name="a")[1] != issue_token(None, mitra, name="b")[1]


def test_a_token_lives_90_days_by_default(mitra: User) -> None:
    issued, _token = issue_token(None, mitra, name="dasbor")
    assert abs(issued.expires_at - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)


def test_the_default_lifetime_is_a_setting_and_each_token_may_say_its_own(mitra: User, settings: Any) -> None:
    settings.API_TOKEN_LIFETIME_DAYS = 7
    short, _token = issue_token(None, mitra, name="a")
    assert abs(short.expires_at - (timezone.now() + timedelta(days=7))) < timedelta(minutes=1)
    own, _token = issue_token(None, mitra, name="b", lifetime_days=30)
    assert abs(own.expires_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)


@pytest.mark.parametrize(("changes", "field"), [({"lifetime_days": 0}, "days"), ({"lifetime_days": 99999}, "days"),
                                                ({"name": "  "}, "name"), ({"name": "x" * 101}, "name")])
def test_a_bad_lifetime_or_name_is_refused_naming_it(mitra: User, changes: dict[str, Any], field: str) -> None:
    values: dict[str, Any] = {"name": "dasbor", **changes}
    with pytest.raises(ValidationError) as refused:
        issue_token(None, mitra, **values)
    assert list(refused.value.message_dict) == [field]
    assert not ApiToken.objects.exists()


def test_issuing_and_revoking_are_audited(mitra: User, national_admin: User) -> None:
    issued, _token = issue_token(mitra, mitra, name="dasbor")
    revoke_token(national_admin, issued)
    revoke_token(national_admin, issued)  # twice: nothing more happens
    entries = list(AuditEntry.objects.filter(action__startswith="api_token.").order_by("id"))
    assert [(e.action, e.actor_username, e.object_id) for e in entries] == [
        ("api_token.issued", "mitra", str(issued.pk)), ("api_token.revoked", "nasional", str(issued.pk))]
    assert entries[0].details["prefix"] == issued.prefix and entries[0].region_code == "33"


def test_only_the_client_itself_or_a_national_administrator_manages_tokens(
        mitra: User, klaten_officer: User, make_user: Callable[..., User]) -> None:
    other = make_user("mitra2", Role.API_CLIENT, "33")
    with pytest.raises(PermissionDenied):
        issue_token(other, mitra, name="x")
    with pytest.raises(PermissionDenied):
        issue_token(klaten_officer, klaten_officer, name="x")
    issued, _token = issue_token(mitra, mitra, name="x")
    with pytest.raises(PermissionDenied):
        revoke_token(other, issued)
    assert ApiToken.objects.get().revoked_at is None


@pytest.mark.parametrize("keyword", ["Bearer", "Token", "bearer"])
def test_a_token_authenticates_with_bearer_or_token(mitra: User, keyword: str) -> None:
    _issued, token = issue_token(None, mitra, name="dasbor")
    response = call(token, keyword)
    assert response.status_code == 200 and response.json()["username"] == "mitra"


def test_anonymous_calls_answer_401_with_www_authenticate(db: None) -> None:
    response = Client().get("/api/people/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_an_unknown_token_is_refused(mitra: User) -> None:
    issue_token(None, mitra, name="dasbor")
    response = call("not-a-token")
    assert response.status_code == 401
    assert response.json() == {"detail": "This is not an Entas API token."}
    assert call("a b").status_code == 401


def test_an_expired_token_is_refused_saying_so(mitra: User) -> None:
    issued, token = issue_token(None, mitra, name="dasbor")
    ApiToken.objects.filter(pk=issued.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = call(token)
    assert response.status_code == 401
    assert response.json()["detail"].startswith("This API token expired on ")
    assert response.json()["detail"].endswith(": create a new one.")


def test_a_revoked_token_is_refused_saying_so(mitra: User) -> None:
    issued, token = issue_token(None, mitra, name="dasbor")
    revoke_token(mitra, issued)
    response = call(token)
    assert response.status_code == 401
    assert response.json()["detail"].startswith("This API token was revoked on ")


def test_the_token_of_a_disabled_account_is_refused(mitra: User) -> None:
    _issued, token = issue_token(None, mitra, name="dasbor")
    User.objects.filter(pk=mitra.pk).update(is_active=False)
    response = call(token)
    assert response.status_code == 401
    assert response.json() == {"detail": "The account of this API token is disabled."}


def test_the_last_use_is_written_at_most_once_a_minute(mitra: User) -> None:
    issued, token = issue_token(None, mitra, name="dasbor")
    call(token)
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    call(token)
    assert ApiToken.objects.get().last_used_at == first
    ApiToken.objects.filter(pk=issued.pk).update(last_used_at=first - timedelta(seconds=61))
    call(token)
    assert (ApiToken.objects.get().last_used_at or first) > first


def test_drf_authtoken_is_gone() -> None:
    assert "rest_framework.authtoken" not in settings.INSTALLED_APPS
    classes: Any = settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]
    assert classes[0] == "entas.accounts.tokens.BearerTokenAuthentication"


def test_the_schema_documents_the_bearer_scheme(db: None) -> None:
    schema = Client().get("/api/schema/", {"format": "json"}).json()
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


# --- the page -----------------------------------------------------------------------------------

def test_an_api_client_creates_a_token_shown_once(mitra: User) -> None:
    client = english(mitra)
    page = client.post("/account/tokens/", {"name": "dasbor", "days": "30"})
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    issued = ApiToken.objects.get()
    body = page.content.decode()
    token = body.split('data-testid="token"')[0].rsplit('value="', 1)[1].split('"')[0]
    assert hashlib.sha256(token.encode()).hexdigest() == issued.digest
    assert "shown only this once" in body
    assert call(token).status_code == 200
    again = client.get("/account/tokens/").content.decode()
    assert token not in again and issued.prefix in again
    assert abs(issued.expires_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)


def test_the_form_names_a_bad_field(mitra: User) -> None:
    page = english(mitra).post("/account/tokens/", {"name": "", "days": "0"}).content.decode()
    assert "This field is required." in page and "Ensure this value is greater than or equal to 1." in page
    assert not ApiToken.objects.exists()


def test_an_api_client_sees_and_revokes_only_its_own_tokens(mitra: User, make_user: Callable[..., User]) -> None:
    other = make_user("mitra2", Role.API_CLIENT, "33")
    theirs, _token = issue_token(None, other, name="milik-lain")
    mine, _token = issue_token(None, mitra, name="milikku")
    client = english(mitra)
    page = client.get("/account/tokens/").content.decode()
    assert "milikku" in page and "milik-lain" not in page
    assert client.post(f"/account/tokens/{theirs.pk}/revoke/").status_code == 404
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None
    assert AuditEntry.objects.filter(action="scope.denied", actor_username="mitra").exists()
    assert client.post(f"/account/tokens/{mine.pk}/revoke/").status_code == 302
    assert ApiToken.objects.get(pk=mine.pk).revoked_at is not None


def test_a_national_administrator_creates_and_revokes_tokens_for_any_user(
        mitra: User, national_admin: User) -> None:
    client = english(national_admin)
    page = client.post("/account/tokens/", {"name": "untuk-mitra", "username": "mitra"})
    assert page.status_code == 200
    issued = ApiToken.objects.get()
    assert issued.user == mitra
    assert "mitra" in client.get("/account/tokens/").content.decode()
    assert "There is no user nobody." in client.post("/account/tokens/", {"name": "x", "username": "nobody"}
                                                     ).content.decode()
    client.post(f"/account/tokens/{issued.pk}/revoke/")
    assert ApiToken.objects.get().revoked_at is not None


@pytest.mark.parametrize("role", [Role.ANALYST, Role.REGIONAL_OFFICER, Role.FACILITATOR])
def test_other_roles_may_not_use_the_page(make_user: Callable[..., User], role: str) -> None:
    client = client_for(make_user("someone", role, "33.10"))
    assert client.get("/account/tokens/").status_code == 403
    assert client.post("/account/tokens/", {"name": "x"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_the_navigation_links_the_page_for_api_clients_only(mitra: User, klaten_officer: User) -> None:
    assert 'href="/account/tokens/"' in client_for(mitra).get("/regions/33/").content.decode()
    assert 'href="/account/tokens/"' not in client_for(klaten_officer).get("/regions/33.10/").content.decode()


# --- the command --------------------------------------------------------------------------------

def test_the_command_prints_a_working_token(mitra: User) -> None:
    out, err = StringIO(), StringIO()
    call_command("create_token", "mitra", "--name", "etl", "--days", "5", stdout=out, stderr=err)
    token = out.getvalue().strip()
    assert call(token).status_code == 200
    issued = ApiToken.objects.get()
    assert issued.name == "etl" and "not shown again" in err.getvalue()
    assert abs(issued.expires_at - (timezone.now() + timedelta(days=5))) < timedelta(minutes=1)
    assert AuditEntry.objects.get(action="api_token.issued").actor_username == ""


def test_the_command_names_what_is_wrong(mitra: User) -> None:
    with pytest.raises(CommandError, match="no user 'nobody'"):
        call_command("create_token", "nobody")
    with pytest.raises(CommandError, match="--days"):
        call_command("create_token", "mitra", "--days", "0")


def test_entas_create_token_is_wired(mitra: User, monkeypatch: pytest.MonkeyPatch) -> None:
    import django.core.management

    from entas.cli import main, usage

    called: list[list[str]] = []
    # The real run closes the database connections at its end (the test's transaction with them).
    monkeypatch.setattr(django.core.management, "execute_from_command_line", called.append)
    assert "  create-token " in usage()
    assert main(["create-token", "mitra", "--name", "etl"]) == 0
    assert called == [["entas", "create_token", "mitra", "--name", "etl"]]
