"""The submission and editors' endpoints fuzzed by schemathesis, as an editor and as the
public: never a 5xx, always a documented status and body."""

import json

import pytest
import schemathesis
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories.incidents import EntityFactory, IncidentFactory, ReportFactory
from tests.factories.submissions import SubmissionFactory

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
MY_PATHS = (
    r"^/api/v1/(submissions/"
    r"|incidents/\{incident_id\}/(merge|link|unlink)/"
    r"|reports/\{number\}/(link|unlink|flag|unflag)/"
    r"|entities/\{slug\}/merge/)"
)


def load_schema() -> schemathesis.schemas.BaseSchema:
    from drf_spectacular.generators import SchemaGenerator

    from registry.wsgi import application

    document = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(json.dumps(document, cls=DjangoJSONEncoder)))
    loaded.app = application
    return loaded.include(path_regex=MY_PATHS)


schema = load_schema()


@pytest.fixture
def editor_token(world, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "allow_request", lambda self, request, view: True)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    incidents = [IncidentFactory() for _ in range(3)]
    for n in range(3):
        ReportFactory().incidents.add(incidents[n])
        SubmissionFactory(incident_ids=[incidents[n].pk])
    EntityFactory(slug="acme"), EntityFactory(slug="acme-corp")
    yield Token.objects.create(user=world.editor).key
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


FUZZ_SETTINGS = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)


@schema.parametrize()
@FUZZ_SETTINGS
def test_it_never_answers_an_editor_with_a_server_error(case, editor_token):
    case.call_and_validate(headers={"Authorization": f"Token {editor_token}"}, checks=CHECKS)


@schema.parametrize()
@FUZZ_SETTINGS
def test_it_never_answers_the_public_with_a_server_error(case, editor_token):
    case.call_and_validate(checks=CHECKS)
