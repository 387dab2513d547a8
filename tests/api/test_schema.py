"""The OpenAPI schema, and every endpoint in it fuzzed in-process by schemathesis."""

from __future__ import annotations

import json
import re

import pytest
import schemathesis
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories.api import build_catalog

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def load_schema() -> schemathesis.schemas.BaseSchema:
    """The schema as drf-spectacular generates it, bound to the WSGI app: requests run
    in-process, inside each test's database transaction."""
    from drf_spectacular.generators import SchemaGenerator

    from registry.wsgi import application

    document = SchemaGenerator().get_schema(request=None, public=True)
    config = SchemathesisConfig.from_dict(
        {"phases": {"coverage": {"unexpected-methods": ["delete", "put", "patch"]}}}
    )
    loaded = schemathesis.openapi.from_dict(
        json.loads(json.dumps(document, cls=DjangoJSONEncoder)), config=config
    )
    loaded.app = application
    return loaded


schema = load_schema()
# The README states this number: generated cases per operation, on top of the coverage phase.
FUZZ_EXAMPLES_PER_OPERATION = 10


@pytest.fixture
def fuzzing_world(db, monkeypatch):  # noqa: ANN001, ANN201
    # Fuzzing sends hundreds of requests from one address; throttling is tested elsewhere.
    monkeypatch.setattr(SimpleRateThrottle, "allow_request", lambda self, request, view: True)
    # As Django's own test client does: a request ending must not close the connection that
    # holds the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield build_catalog()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=FUZZ_EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_it_survives_fuzzing_of_every_endpoint(case, fuzzing_world):  # noqa: ANN001
    case.call_and_validate(checks=CHECKS)


def test_it_publishes_an_openapi_3_schema_with_every_catalog_endpoint(client, db):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert {
        "/api/v1/incidents/",
        "/api/v1/incidents/{id}/",
        "/api/v1/reports/",
        "/api/v1/reports/{number}/",
        "/api/v1/entities/",
        "/api/v1/entities/{slug}/",
        "/api/v1/taxonomies/",
        "/api/v1/taxonomies/{namespace}/",
        "/api/v1/classifications/",
        "/api/v1/classifications/{id}/",
        "/api/v1/lookup/",
        "/api/v1/merged/incidents/",
        "/api/v1/merged/entities/",
        "/api/v1/datasets/",
        "/api/v1/datasets/{name}/",
        "/api/v1/incidents.csv",
    } <= set(document["paths"])


def test_it_documents_the_error_format(client, db):
    document = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    responses = document["paths"]["/api/v1/incidents/"]["get"]["responses"]
    assert responses["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }


def test_it_serves_the_docs_page_from_local_static_files(client, db):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "/static/js/api-docs.js" in html
    assert "<script>" not in html
    assert "script-src 'self'" in response["Content-Security-Policy"]


def schema_document(client) -> dict:  # noqa: ANN001
    return client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()


def test_it_declares_public_operations_without_authentication(client, db):
    document = schema_document(client)
    public = [
        ("/api/v1/incidents/", "get"),
        ("/api/v1/entities/{slug}/", "get"),
        ("/api/v1/search/", "get"),
        ("/api/v1/datasets/", "get"),
        ("/api/v1/estimate/", "post"),
    ]
    assert {document["paths"][p][m]["security"] == [] for p, m in public} == {True}
    venues = document["paths"]["/api/v1/venues/"]["get"]
    assert {} not in venues["security"]
    assert venues["responses"]["401"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }


def test_it_documents_csv_as_its_own_text_operation(client, db):
    paths = schema_document(client)["paths"]
    csv = paths["/api/v1/incidents.csv"]["get"]
    json_list = paths["/api/v1/incidents/"]["get"]
    assert list(csv["responses"]["200"]["content"]) == ["text/csv"]
    assert list(json_list["responses"]["200"]["content"]) == ["application/json"]
    assert "raw" in [p["name"] for p in csv["parameters"]]


def test_it_accepts_real_aiid_slugs_in_the_entity_path(client, db):
    document = schema_document(client)
    [slug] = document["paths"]["/api/v1/entities/{slug}/"]["get"]["parameters"]
    entity_slug = document["components"]["schemas"]["Entity"]["properties"]["slug"]
    for schema in (slug["schema"], entity_slug):
        pattern = schema.get("pattern", "")
        assert all(re.search(pattern, s) for s in ("15.ai", "@ghostwriter", "x-(twitter)"))


def test_it_bounds_ids_and_page_sizes_and_types_every_enum(client, db):
    document = schema_document(client)
    params = {p["name"]: p for p in document["paths"]["/api/v1/reports/"]["get"]["parameters"]}
    assert params["incident"]["schema"]["maximum"] == 2**31 - 1
    assert params["page_size"]["schema"]["maximum"] == 200
    assert params["ordering"]["schema"]["type"] == "string"
    assert params["date_published_after"]["deprecated"] is True
    assert "MIT:Risk Domain" in params["classification"]["description"]
    search = {p["name"]: p for p in document["paths"]["/api/v1/search/"]["get"]["parameters"]}
    assert search["page"]["schema"]["maximum"] == 10_000
    assert search["page_size"]["schema"]["maximum"] == 100
    assert untyped_enums(document) == []


def untyped_enums(node: object) -> list[object]:
    if isinstance(node, dict):
        own = [node["enum"]] if "enum" in node and "type" not in node else []
        return own + [e for value in node.values() for e in untyped_enums(value)]
    if isinstance(node, list):
        return [e for value in node for e in untyped_enums(value)]
    return []


def test_it_describes_models_and_results_explicitly(client, db):
    document = schema_document(client)
    schemas = document["components"]["schemas"]
    descriptions = " ".join(s.get("description", "") for s in schemas.values())
    assert "serializer" not in descriptions.lower()
    footprint = schemas["EstimateFootprint"]["properties"]
    assert footprint["energy_kwh"]["type"] == "number"
    assert "api.example.org" not in json.dumps(document)
    assert "/api/v1/changelog/" in document["info"]["description"]
    responses = document["paths"]["/api/v1/search/"]["get"]["responses"]
    assert {"200", "400", "429"} <= set(responses)
