"""Attack: inputs that used to end in a 500 (and a logged traceback) instead of a 400.

JSON nested 100,000 deep (RecursionError), a NUL or an unpaired surrogate inside a run
(PostgreSQL refuses the first, UTF-8 cannot encode the second), a NUL in an uploaded CodeCarbon
CSV. Each now gets a 400 that names the problem.
"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from emissions.models import Disclosure
from tests.factories.emissions import T5_RUN
from tests.factories.venues import conference_venue

DEEP = "[" * 100_000 + "]" * 100_000


def _message(response) -> str:  # noqa: ANN001
    return " ".join(error["message"] for error in response.json()["errors"])


def test_deep_json_to_the_estimator_is_a_400(client, db):  # noqa: ANN001
    response = client.post(
        "/api/v1/estimate/", '{"runs": ' + DEEP + "}", content_type="application/json"
    )
    assert response.status_code == 400
    assert "nested too deeply" in _message(response)


def test_deep_json_to_the_assignment_import_is_a_400(client, world):  # noqa: ANN001
    venue = conference_venue()
    venue.chairs.add(world.chair)
    client.force_login(world.chair)
    url = f"/api/v1/venues/{venue.slug}/assignments/import/"
    as_body = client.post(
        url, '{"format": "json", "content": ' + DEEP + "}", content_type="application/json"
    )
    as_content = client.post(
        url, {"format": "json", "content": DEEP}, content_type="application/json"
    )
    assert (as_body.status_code, as_content.status_code) == (400, 400)
    assert "nested too deeply" in _message(as_body)
    assert "nested too deeply" in _message(as_content)


@pytest.mark.parametrize(
    ("name", "problem"),
    [("T5\u0000run", "NUL character"), ("T5\ud800run", "unpaired surrogate")],
    ids=["nul", "lone-surrogate"],
)
@pytest.mark.parametrize("path", ["/api/v1/estimate/", "/api/v1/disclosures/"])
def test_a_hostile_character_in_a_run_is_a_400(client, world, name, problem, path):  # noqa: ANN001
    client.force_login(world.researcher)
    body = json.dumps({"model_name": "T5", "runs": [dict(T5_RUN, name=name)]})
    response = client.post(path, body, content_type="application/json")
    assert response.status_code == 400
    assert f"runs[0].name contains {'a' if problem == 'NUL character' else 'an'} {problem}" in (
        _message(response)
    )
    assert not Disclosure.objects.exists()


def test_a_nul_in_a_codecarbon_csv_is_a_form_error(client, world):  # noqa: ANN001
    client.force_login(world.researcher)
    csv = (
        b"timestamp,project_name,run_id,duration,emissions,energy_consumed,country_iso_code\n"
        b"2024-01-01T00:00:00,p\x00x,1,3600,0.1,0.5,USA\n"
    )
    response = client.post(
        "/disclosures/import/",
        {"kind": "codecarbon", "model_name": "X", "file": SimpleUploadedFile("e.csv", csv)},
    )
    assert response.status_code == 200
    assert "The file contains a NUL character" in response.content.decode()
    assert not Disclosure.objects.exists()
