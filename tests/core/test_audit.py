import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from entas.accounts.models import User
from entas.core import audit
from entas.core.context import origin
from entas.core.models import AuditEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_it_records_who_what_which_object_and_from_where(klaten_officer: User) -> None:
    with origin("web", "10.1.2.3"):
        entry = audit.record(klaten_officer, audit.Action.USER_CHANGED, klaten_officer, details={"why": "test"})
    assert (entry.actor_username, entry.action, entry.object_type) == ("klaten", "user.changed", "accounts.user")
    assert entry.object_id == str(klaten_officer.pk)
    assert (entry.region_code, entry.channel, entry.address) == ("33.10", "web", "10.1.2.3")
    assert entry.created_at is not None


def test_the_model_refuses_to_change_or_delete_an_entry(klaten_officer: User) -> None:
    entry = audit.record(klaten_officer, audit.Action.USER_CHANGED)
    entry.action = "something.else"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()


def test_the_database_refuses_updates_and_deletes_that_bypass_the_model(klaten_officer: User) -> None:
    audit.record(klaten_officer, audit.Action.USER_CHANGED)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.update(action="tampered")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.all().delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry")
    assert AuditEntry.objects.filter(action="user.changed").count() == 1


def test_a_wrong_password_is_answered_clearly_and_logged(klaten_officer: User) -> None:
    response = Client().post("/login/", {"username": "klaten", "password": "wrong"}, REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 200
    assert "error" in response.content.decode()
    failed = AuditEntry.objects.get(action="auth.failed")
    assert failed.details == {"username": "klaten"}
    assert (failed.channel, failed.address) == ("web", "10.9.9.9")
    assert "wrong" not in str(failed.details)


def test_a_successful_login_is_logged(klaten_officer: User) -> None:
    response = Client().post("/login/", {"username": "klaten", "password": PASSWORD})
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="auth.login", actor_username="klaten").exists()
