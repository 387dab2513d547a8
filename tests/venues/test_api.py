from __future__ import annotations

import io
import json
import zipfile

import pytest

from emissions.services.recomputation import catalog_version_current
from tests.factories.emissions import DisclosureFactory
from tests.factories.venues import RecomputationFactory
from venues.models import ReviewAssignment


@pytest.fixture
def exports_root(settings, tmp_path):  # noqa: ANN001, ANN201
    settings.EXPORTS_ROOT = tmp_path / "exports"
    return settings.EXPORTS_ROOT


@pytest.fixture
def papers(venue, world):  # noqa: ANN001, ANN201
    first = DisclosureFactory(
        owner=world.researcher, venue=venue, venue_submission_id="1", state="submitted"
    )
    second = DisclosureFactory(
        owner=world.other_researcher,
        venue=venue,
        venue_submission_id="2",
        state="in_review",
        organisation="Lab B",
    )
    RecomputationFactory(disclosure=first)
    return first, second


@pytest.fixture
def chair_client(client, world, venue):  # noqa: ANN001, ANN201
    client.force_login(world.chair)
    return client


def test_it_lists_only_the_callers_venues(client, venue, world) -> None:  # noqa: ANN001
    client.force_login(world.other_researcher)
    assert client.get("/api/v1/venues/").json() == []
    client.force_login(world.reviewer)
    assert [v["slug"] for v in client.get("/api/v1/venues/").json()] == ["neurips-2026"]


def test_it_shows_the_venues_checklist(chair_client) -> None:  # noqa: ANN001
    body = chair_client.get("/api/v1/venues/neurips-2026/").json()
    assert [item["code"] for item in body["checklist"]] == ["neurips-8", "acl-c1"]
    assert body["current_phase"] == "Review"


def test_it_refuses_a_conflicted_assignment_with_409(chair_client, papers) -> None:  # noqa: ANN001
    response = chair_client.post(
        "/api/v1/venues/neurips-2026/assignments/",
        {"submission_id": "1", "reviewer_email": "carl@uni-a.example"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json() == {
        "errors": [{"field": None, "message": "carl@uni-a.example has a conflict with this paper"}]
    }


def test_it_assigns_automatically(chair_client, papers) -> None:  # noqa: ANN001
    response = chair_client.post(
        "/api/v1/venues/neurips-2026/assignments/auto/",
        {"per_paper": 1},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json() == {"created": 2, "short": {}}
    assert ReviewAssignment.objects.filter(reviewer__username="carl").count() == 1


def test_it_names_bad_rows_of_an_import(chair_client, papers) -> None:  # noqa: ANN001
    response = chair_client.post(
        "/api/v1/venues/neurips-2026/assignments/import/",
        {"format": "csv", "content": "submission_id,reviewer_email\n9,vera@inst-c.example\n"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"field": "rows[1]", "message": "no paper with submission id '9' at this venue"}]
    }


def test_a_reviewer_posts_a_review_and_the_chair_decides(client, world, papers) -> None:  # noqa: ANN001
    first, _ = papers
    ReviewAssignment.objects.create(
        venue=first.venue, disclosure=first, reviewer=world.reviewer, source="manual"
    )
    client.force_login(world.reviewer)
    url = f"/api/v1/venues/neurips-2026/papers/{first.pk}/reviews/"
    review = {
        "completeness": 5,
        "recommendation": "verify",
        "answers": {"neurips-8": {"answer": "yes"}, "acl-c1": {"answer": "yes"}},
    }
    assert client.post(url, review, content_type="application/json").status_code == 200
    client.force_login(world.chair)
    assert [r["recommendation"] for r in client.get(url).json()] == ["verify"]
    decided = client.post(
        f"/api/v1/venues/neurips-2026/papers/{first.pk}/decide/",
        {"decision": "verify", "reason": "Both reviews agree."},
        content_type="application/json",
    )
    # The factory's recomputation is a major discrepancy under an old catalog: refused.
    assert decided.status_code == 409
    assert "cannot verify: the recomputation is stale" in decided.json()["errors"][0]["message"]
    first.recomputations.update(verdict="consistent", catalog_version=catalog_version_current())
    decided = client.post(
        f"/api/v1/venues/neurips-2026/papers/{first.pk}/decide/",
        {"decision": "verify", "reason": "Both reviews agree."},
        content_type="application/json",
    )
    assert decided.json() == {"id": first.pk, "state": "verified"}


def test_a_reviewer_may_not_decide(client, world, papers) -> None:  # noqa: ANN001
    client.force_login(world.reviewer)
    response = client.post(
        f"/api/v1/venues/neurips-2026/papers/{papers[0].pk}/decide/",
        {"decision": "verify", "reason": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403


# `paper_size`; `page_size`, its earlier name, is still accepted.
@pytest.mark.parametrize("parameter", ["paper_size", "page_size"])
def test_it_builds_the_zip_as_an_api_action(  # noqa: ANN001
    chair_client, papers, exports_root, django_capture_on_commit_callbacks, parameter, settings
) -> None:
    settings.EXPORT_BUILD_IN_THREAD = False  # built in the request, so the test sees it done
    with django_capture_on_commit_callbacks(execute=True):
        started = chair_client.post(
            "/api/v1/venues/neurips-2026/exports/",
            {parameter: "Letter"},
            content_type="application/json",
        )
    assert started.status_code == 202
    job = chair_client.get(f"/api/v1/venues/neurips-2026/exports/{started.json()['id']}/").json()
    assert (job["state"], job["paper_size"], job["percent"]) == ("done", "Letter", 100)
    assert job["page_size"] == "Letter"
    download = chair_client.get(job["download_url"])
    names = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()
    assert names == ["00-cover-summary.pdf", "neurips-2026-1.pdf", "neurips-2026-2.pdf"]


def test_it_exports_a_disclosure_in_every_format(chair_client, papers) -> None:  # noqa: ANN001
    first, _ = papers
    types = {}
    for fmt in ("pdf", "tex", "txt", "hf"):
        response = chair_client.get(f"/api/v1/disclosures/{first.pk}/export/{fmt}/")
        types[fmt] = (response.status_code, response["Content-Type"])
    assert types == {
        "pdf": (200, "application/pdf"),
        "tex": (200, "application/x-tex; charset=utf-8"),
        "txt": (200, "text/plain; charset=utf-8"),
        "hf": (200, "application/yaml; charset=utf-8"),
    }


def test_it_answers_404_for_an_unknown_export_format(chair_client, papers) -> None:  # noqa: ANN001
    response = chair_client.get(f"/api/v1/disclosures/{papers[0].pk}/export/docx/")
    assert response.status_code == 404


def test_the_summary_is_an_api_action(chair_client, papers) -> None:  # noqa: ANN001
    response = chair_client.get("/api/v1/venues/neurips-2026/summary/json/")
    assert [p["submission_id"] for p in json.loads(response.content)["papers"]] == ["1", "2"]


def test_the_author_reads_reviews_only_once_the_phase_opens_them(
    client, world, venue, papers
) -> None:  # noqa: ANN001
    import datetime as dt

    from django.utils import timezone

    from tests.factories.venues import ReviewFactory

    first, _ = papers
    ReviewFactory(assignment__disclosure=first, assignment__reviewer=world.reviewer)
    client.force_login(world.researcher)
    url = f"/api/v1/venues/neurips-2026/papers/{first.pk}/reviews/"
    assert client.get(url).json() == []
    venue.phases.create(
        name="Author response",
        starts_at=timezone.now() - dt.timedelta(seconds=1),
        authors_see_reviews=True,
    )
    assert [r["reviewer"] for r in client.get(url).json()] == ["vera"]
