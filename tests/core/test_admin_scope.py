"""Admin and import-batch pages outside the user's scope answer 404 and write `scope.denied`, like
every other route (issue 12, item 17)."""

import pytest

from entas.accounts.models import User
from entas.core.models import AuditEntry
from entas.ingest.models import ImportBatch
from tests.conftest import client_for
from tests.enterprises.factories import KUPANG_VILLAGE, cooperative

pytestmark = pytest.mark.django_db


def denied(user: User) -> list[dict[str, object]]:
    return [e.details for e in AuditEntry.objects.filter(action="scope.denied", actor=user).order_by("id")]


def test_an_admin_object_outside_the_scope_is_404_and_logged(klaten_officer: User, kupang_officer: User) -> None:
    coop = cooperative(village=KUPANG_VILLAGE, registration_number="5301040001")
    client = client_for(klaten_officer)
    urls = [f"/admin/accounts/user/{kupang_officer.pk}/change/", f"/admin/accounts/user/{kupang_officer.pk}/history/",
            f"/admin/accounts/user/{kupang_officer.pk}/delete/", f"/admin/enterprises/cooperative/{coop.pk}/change/"]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert denied(klaten_officer) == [
        {"model": "accounts.user", "lookup": {"id": str(kupang_officer.pk)}}] * 3 + [
        {"model": "enterprises.cooperative", "lookup": {"id": str(coop.pk)}}]


def test_an_admin_object_that_does_not_exist_is_404_too_and_not_logged(klaten_officer: User) -> None:
    client = client_for(klaten_officer)
    assert client.get("/admin/accounts/user/999999/change/").status_code == 404
    assert client.get("/admin/accounts/user/abc/change/").status_code == 404
    assert denied(klaten_officer) == []


def test_an_admin_object_inside_the_scope_opens(klaten_officer: User, make_user: object) -> None:
    colleague = make_user("rekan-klaten", "regional_officer", "33.10.01")  # type: ignore[operator]
    assert client_for(klaten_officer).get(f"/admin/accounts/user/{colleague.pk}/change/").status_code == 200
    assert denied(klaten_officer) == []


@pytest.fixture
def kupang_batch(kupang_officer: User) -> ImportBatch:
    return ImportBatch.objects.create(target="registry", kind="people", file_name="orang.csv",
                                      created_by=kupang_officer, status=ImportBatch.Status.DONE)


def test_someone_elses_import_batch_is_404_and_logged(klaten_officer: User, kupang_batch: ImportBatch) -> None:
    client = client_for(klaten_officer)
    assert client.get(f"/imports/{kupang_batch.pk}/").status_code == 404
    assert client.get(f"/imports/{kupang_batch.pk}/rejects.csv").status_code == 404
    assert client.get("/imports/999999/").status_code == 404
    assert denied(klaten_officer) == [{"model": "ingest.importbatch", "lookup": {"pk": str(kupang_batch.pk)}}] * 2


def test_the_uploader_opens_her_own_batch(kupang_officer: User, kupang_batch: ImportBatch) -> None:
    assert client_for(kupang_officer).get(f"/imports/{kupang_batch.pk}/").status_code == 200
    assert denied(kupang_officer) == []
