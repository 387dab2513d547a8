"""Upload limits on every import: a file too large, a file of the wrong type (PNG bytes) and a
file with too many rows each get a clear message, and nothing is saved. Request bodies over
the global limit get a 400, never a 500. (Login and password-reset throttling are tested in
tests/registry/accounts/test_throttling.py.)"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from emissions.forms import PLAN_CSV_MAX_BYTES
from emissions.models import Disclosure
from emissions.services.disclosures import IMPORT_MAX_BYTES
from tests.factories.venues import conference_venue
from tests.paths import CODECARBON_SAMPLE
from tests.security.corpus import XSS_PAYLOADS, assert_inert
from venues.forms import MAX_IMPORT_BYTES
from venues.models import ReviewAssignment
from venues.services.assignment import MAX_IMPORT_ROWS

pytestmark = pytest.mark.django_db

PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def upload(name: str, content: bytes, content_type: str = "text/csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def oversized(limit: int) -> bytes:
    header = b"timestamp,duration,emissions,energy_consumed\n"
    return header + b"x" * (limit + 1 - len(header))


@pytest.fixture
def researcher_client(client, world):  # noqa: ANN001, ANN201
    client.force_login(world.researcher)
    return client


def import_disclosure(client: Client, kind: str, file: SimpleUploadedFile):  # noqa: ANN201
    return client.post(
        "/disclosures/import/", {"kind": kind, "file": file, "model_name": "Uploaded model"}
    )


def file_errors(response) -> list[str]:  # noqa: ANN001
    return list(response.context["form"].errors.get("file", []))


@pytest.mark.parametrize("kind", ["codecarbon", "hf_card"])
def test_it_refuses_an_oversized_disclosure_import(researcher_client, kind):
    response = import_disclosure(
        researcher_client, kind, upload("e.csv", oversized(IMPORT_MAX_BYTES))
    )
    assert response.status_code == 200
    assert file_errors(response) == [f"The file is larger than {IMPORT_MAX_BYTES // 1024} KB."]
    assert Disclosure.objects.count() == 0


@pytest.mark.parametrize("kind", ["codecarbon", "hf_card"])
def test_it_refuses_png_bytes_as_a_disclosure_import(researcher_client, kind):
    response = import_disclosure(researcher_client, kind, upload("e.csv", PNG_BYTES, "image/png"))
    assert response.status_code == 200
    errors = file_errors(response)
    assert len(errors) == 1
    assert len(errors[0]) > 10
    assert Disclosure.objects.count() == 0


def test_it_refuses_an_empty_disclosure_import(researcher_client):
    response = import_disclosure(researcher_client, "codecarbon", upload("e.csv", b""))
    assert response.status_code == 200
    assert file_errors(response) == ["The submitted file is empty."]
    assert Disclosure.objects.count() == 0


def plan(client: Client, file: SimpleUploadedFile):  # noqa: ANN201
    return client.post(
        "/disclosures/plan/",
        {"accelerator": "A100 SXM4 40GB", "count": 8, "hours": 24, "region": "country:FRA",
         "series": file},
    )  # fmt: skip


def series_errors(response) -> list[str]:  # noqa: ANN001
    return list(response.context["form"].errors.get("series", []))


def test_it_refuses_an_oversized_grid_intensity_series(researcher_client):
    response = plan(researcher_client, upload("s.csv", oversized(PLAN_CSV_MAX_BYTES)))
    assert response.status_code == 200
    assert series_errors(response) == [f"The file is larger than {PLAN_CSV_MAX_BYTES // 1024} KB."]


def test_it_refuses_png_bytes_as_a_grid_intensity_series(researcher_client):
    response = plan(researcher_client, upload("s.csv", PNG_BYTES, "image/png"))
    assert response.status_code == 200
    assert series_errors(response) == ["The file is not UTF-8 text."]


@pytest.fixture
def venue(world):  # noqa: ANN001, ANN201
    venue = conference_venue()
    venue.chairs.add(world.chair)
    return venue


def import_assignments(client: Client, venue, file: SimpleUploadedFile) -> str:  # noqa: ANN001
    response = client.post(f"/venues/{venue.slug}/assignments/import/", {"file": file}, follow=True)
    assert response.status_code == 200
    return " ".join(str(m) for m in response.context["messages"])


def test_it_refuses_an_oversized_assignment_import(client, world, venue):
    client.force_login(world.chair)
    text = import_assignments(client, venue, upload("a.csv", oversized(MAX_IMPORT_BYTES)))
    assert text == "The file is larger than 2 MB."
    assert ReviewAssignment.objects.count() == 0


@pytest.mark.parametrize("name", ["a.csv", "a.json"])
def test_it_refuses_png_bytes_as_an_assignment_import(client, world, venue, name):
    client.force_login(world.chair)
    text = import_assignments(client, venue, upload(name, PNG_BYTES, "image/png"))
    assert text == "The file is not UTF-8 text."
    assert ReviewAssignment.objects.count() == 0


def too_many_rows_csv() -> bytes:
    rows = [f"{n},reviewer{n}@example.org" for n in range(MAX_IMPORT_ROWS + 1)]
    return ("submission_id,reviewer_email\n" + "\n".join(rows)).encode()


def test_it_refuses_an_assignment_import_with_too_many_rows(client, world, venue):
    client.force_login(world.chair)
    text = import_assignments(client, venue, upload("a.csv", too_many_rows_csv()))
    assert f"at most {MAX_IMPORT_ROWS} rows per import" in text
    assert ReviewAssignment.objects.count() == 0


def test_it_refuses_too_many_rows_through_the_api(client, world, venue):
    client.force_login(world.chair)
    rows = [
        {"submission_id": str(n), "reviewer_email": "r@example.org"}
        for n in range(MAX_IMPORT_ROWS + 1)
    ]
    for fmt, content in (("csv", too_many_rows_csv().decode()), ("json", json.dumps(rows))):
        response = client.post(
            f"/api/v1/venues/{venue.slug}/assignments/import/",
            json.dumps({"format": fmt, "content": content}),
            content_type="application/json",
        )
        assert response.status_code == 400, fmt
        assert f"at most {MAX_IMPORT_ROWS} rows" in response.content.decode()
    assert ReviewAssignment.objects.count() == 0


def test_it_answers_a_form_body_over_the_global_limit_with_400(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    client = Client(raise_request_exception=False)
    response = client.post("/submit/", {"text": "x" * 10_000, "title": "t"})
    assert response.status_code == 400


def test_it_answers_an_api_body_over_the_global_limit_with_400(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    client = Client(raise_request_exception=False)
    response = client.post(
        "/api/v1/submissions/", json.dumps({"text": "x" * 10_000}), content_type="application/json"
    )
    assert response.status_code in (400, 413)


def test_it_keeps_hostile_text_from_an_imported_codecarbon_file_inert(researcher_client):
    rows = list(csv.DictReader(io.StringIO(CODECARBON_SAMPLE.read_text(encoding="utf-8-sig"))))
    for row in rows:
        row.update(
            project_name=XSS_PAYLOADS[0].text,
            run_id=XSS_PAYLOADS[1].text,
            gpu_model=XSS_PAYLOADS[5].text,
            gpu_count="1",
        )
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    response = researcher_client.post(
        "/disclosures/import/",
        {"kind": "codecarbon", "file": upload("e.csv", out.getvalue().encode()),
         "model_name": "Imported"},
        follow=True,
    )  # fmt: skip
    assert response.status_code == 200
    html = response.content.decode()
    assert_inert(html)
    disclosure = Disclosure.objects.get()
    assert "xssscripttag" in disclosure.runs[0]["name"]
    detail = researcher_client.get(f"/disclosures/{disclosure.pk}/").content.decode()
    assert_inert(detail)


HOSTILE_CARDS = {
    "python-tag": b"---\nco2_eq_emissions: !!python/object/apply:os.system "
    b'["touch /tmp/pwned"]\n---\n',
    "anchors": b"---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
    b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nco2_eq_emissions: [*c, *c, *c, *c, *c]\n---\n",
    "deep-nesting": b"---\nco2_eq_emissions: " + b"[" * 5000 + b"]" * 5000 + b"\n---\n",
}


@pytest.mark.parametrize("card", HOSTILE_CARDS, ids=list(HOSTILE_CARDS))
def test_it_refuses_a_hostile_model_card_with_a_message(researcher_client, card):
    response = import_disclosure(
        researcher_client, "hf_card", upload("README.md", HOSTILE_CARDS[card], "text/markdown")
    )
    assert response.status_code == 200
    assert len(file_errors(response)) >= 1
    assert Disclosure.objects.count() == 0
    assert not Path("/tmp/pwned").exists()


@pytest.mark.parametrize(
    "path",
    [
        "/datasets/latest/..%2F..%2F..%2Fetc%2Fpasswd",
        "/datasets/..%2F..%2F/registry/settings.py",
        "/datasets/latest/%2Fetc%2Fpasswd",
        "/datasets/latest/manifest.json%00.csv",
    ],
)
def test_it_refuses_paths_outside_the_published_datasets(path):
    response = Client(raise_request_exception=False).get(path)
    assert response.status_code == 404
