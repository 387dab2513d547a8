"""The venue and export endpoints fuzzed by schemathesis as the venue's chair: never a 5xx."""

from __future__ import annotations

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

from tests.factories.emissions import DisclosureFactory
from tests.factories.venues import RecomputationFactory, conference_venue


def load_schema() -> schemathesis.schemas.BaseSchema:
    from drf_spectacular.generators import SchemaGenerator

    from registry.wsgi import application

    document = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(json.dumps(document, cls=DjangoJSONEncoder)))
    loaded.app = application
    return loaded.include(path_regex=r"^/api/v1/(venues/|disclosures/\{disclosure_id\}/export/)")


schema = load_schema()


@pytest.fixture
def chair_token(world, monkeypatch, settings, tmp_path):  # noqa: ANN001, ANN201
    monkeypatch.setattr(SimpleRateThrottle, "allow_request", lambda self, request, view: True)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EXPORTS_ROOT = tmp_path
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    venue = conference_venue(slug="fuzz")
    venue.chairs.add(world.chair)
    venue.reviewers.add(world.reviewer)
    disclosure = DisclosureFactory(
        owner=world.researcher, venue=venue, venue_submission_id="1", state="submitted"
    )
    RecomputationFactory(disclosure=disclosure)
    yield Token.objects.create(user=world.chair).key
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_it_never_answers_a_chair_with_a_server_error(case, chair_token):  # noqa: ANN001
    if "slug" in (case.path_parameters or {}):
        case.path_parameters["slug"] = "fuzz"
    case.call_and_validate(
        headers={"Authorization": f"Token {chair_token}"}, checks=[not_a_server_error]
    )
