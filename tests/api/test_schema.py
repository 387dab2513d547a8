"""The OpenAPI schema, and every endpoint in it fuzzed in-process by schemathesis."""

from __future__ import annotations

import json

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
