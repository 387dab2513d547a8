"""Input built to crash the server gets a 400 naming the problem: JSON nested 100,000 deep,
NUL characters and lone surrogates inside runs, a NUL byte in an uploaded CodeCarbon file."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.emissions.conftest import valid_fields
from tests.factories.venues import conference_venue

pytestmark = pytest.mark.django_db

DEEP = "[" * 100_000 + "]" * 100_000
RUN = valid_fields()["runs"][0]


@pytest.fixture
def client() -> Client:
    return Client(raise_request_exception=False)


def messages(response) -> list[str]:  # noqa: ANN001
    return [error["message"] for error in response.json()["errors"]]


def test_it_refuses_deeply_nested_json_to_the_estimator(client):
    response = client.post("/api/v1/estimate/", DEEP, content_type="application/json")
    assert response.status_code == 400
    assert any("nested too deeply" in m for m in messages(response))


def test_it_refuses_deeply_nested_json_to_an_assignment_import(client, world):
    venue = conference_venue()
    venue.chairs.add(world.chair)
    client.force_login(world.chair)
    url = f"/api/v1/venues/{venue.slug}/assignments/import/"
    whole = client.post(url, DEEP, content_type="application/json")
    inside = client.post(
        url, json.dumps({"format": "json", "content": DEEP}), content_type="application/json"
    )
    assert (whole.status_code, inside.status_code) == (400, 400)
    assert any("nested too deeply" in m for m in messages(whole) + messages(inside))


@pytest.mark.parametrize(
    ("value", "problem"),
    [("A100\u0000", "NUL"), ("A100\ud800", "surrogate")],
)
@pytest.mark.parametrize("url", ["/api/v1/estimate/", "/api/v1/disclosures/"])
def test_it_refuses_unstorable_text_inside_runs(client, world, url, value, problem):
    client.force_login(world.researcher)
    body = {**valid_fields(), "runs": [{**RUN, "name": value}]}
    if url == "/api/v1/estimate/":
        body = {"runs": body["runs"]}
    raw = json.dumps(body, default=str)  # escapes the surrogate as a hostile client would
    response = client.post(url, raw, content_type="application/json")
    assert response.status_code == 400
    assert [e for e in response.json()["errors"] if problem in e["message"]]


def test_it_refuses_a_codecarbon_file_with_a_nul_byte(client, world):
    client.force_login(world.researcher)
    header = "timestamp,project_name,run_id,duration,emissions,energy_consumed,country_iso_code"
    row = "2024-01-01T00:00:00,proj\x00ect,abc,3600,0.5,1.2,USA"
    upload = SimpleUploadedFile("emissions.csv", f"{header}\n{row}\n".encode())
    response = client.post(
        "/disclosures/import/", {"kind": "codecarbon", "file": upload, "model_name": "X"}
    )
    assert response.status_code in (200, 400)
    assert "NUL" in response.content.decode()
