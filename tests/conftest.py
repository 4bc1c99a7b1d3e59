from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import translation

from entas.accounts import services
from entas.accounts.models import Agency, User
from entas.accounts.roles import Role
from entas.regions.loader import load_regions

PASSWORD = "a-long-test-password-1"


@pytest.fixture(autouse=True, scope="session")
def tasks_run_inline() -> Iterator[None]:
    # Background tasks run inside the test, so a test sees their effect without a worker process.
    # MD5 instead of PBKDF2: one real hash costs about a second here, and tests create many users.
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
                           PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture
def english() -> Iterator[None]:
    """English outside requests (the default is Bahasa Indonesia): imports made in the test write
    their messages and rejects files in English, which the assertions read."""
    with translation.override("en"):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    # The real Kemendagri data, loaded once per test database: tests see all 91,599 regions.
    with django_db_blocker.unblock():
        load_regions(progress=lambda _: None)
    yield


@pytest.fixture
def agency(db: Any) -> Agency:
    return services.create_agency(None, code="kemenkop", name="Kementerian Koperasi", kind="ministry")


@pytest.fixture
def make_user(agency: Agency) -> Callable[..., User]:
    def make(username: str, role: str = Role.ANALYST, region: str | None = None) -> User:
        return services.create_user(
            None, username=username, password=PASSWORD, role=role, agency=agency, region_code=region
        )

    return make


@pytest.fixture
def national_admin(make_user: Callable[..., User]) -> User:
    return make_user("nasional", Role.NATIONAL_ADMIN)


@pytest.fixture
def klaten_officer(make_user: Callable[..., User]) -> User:
    return make_user("klaten", Role.REGIONAL_OFFICER, "33.10")


@pytest.fixture
def kupang_officer(make_user: Callable[..., User]) -> User:
    return make_user("kupang", Role.REGIONAL_OFFICER, "53.01")


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def english_client(user: User) -> Client:
    """A signed-in client reading the pages in English (the messages checked are the msgids)."""
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
