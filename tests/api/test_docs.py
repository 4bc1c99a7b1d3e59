import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_openapi_schema_describes_the_region_endpoints() -> None:
    response = Client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/regions/{code}/children/" in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/regions/"]["get"]["parameters"]}
    assert {"level", "parent", "q"} <= params


def test_the_docs_page_loads_its_assets_from_this_server() -> None:
    body = Client().get("/api/docs/").content.decode()
    assert "swagger-ui" in body
    assert "cdn" not in body.lower()
    assert "/static/drf_spectacular_sidecar/" in body
