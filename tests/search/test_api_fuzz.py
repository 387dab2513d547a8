"""The search endpoint fuzzed by schemathesis over the relevance corpus: never a 5xx, and every
answer matches the documented schema."""

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
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from tests.factories.search import build_corpus


def load_schema() -> schemathesis.schemas.BaseSchema:
    from drf_spectacular.generators import SchemaGenerator

    from registry.wsgi import application

    document = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(json.dumps(document, cls=DjangoJSONEncoder)))
    loaded.app = application
    return loaded.include(path_regex=r"^/api/v1/search/$")


schema = load_schema()


@pytest.fixture
def searchable(db, monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setattr(SimpleRateThrottle, "allow_request", lambda self, request, view: True)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield build_corpus()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_it_never_answers_a_search_with_a_server_error(case, searchable):  # noqa: ANN001
    case.call_and_validate(
        checks=[not_a_server_error, status_code_conformance, response_schema_conformance]
    )
