"""The page cache: anonymous GETs are served from the cache until a write bumps the data version;
each kind of write makes its change visible on the very next request."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache

from emissions.services.workflow import disclosure_verify
from incidents.importers.aiid import AiidSnapshotImporter
from incidents.models import Incident
from incidents.services.editing import incidents_merge
from incidents.services.submissions import submission_accept
from registry.cache import bump_data_version, current_data_version
from tests.emissions.conftest import make_disclosure
from tests.factories.aiid import AiidSnapshot
from tests.factories.incidents import IncidentFactory
from tests.factories.submissions import SubmissionFactory
from tests.incidents.pages.test_admin_history import incident_form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):  # noqa: ANN001, ANN202
    settings.PAGE_CACHE_ENABLED = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()


def cached_get(client, path: str):  # noqa: ANN001, ANN201
    """GET twice; the second answer must come from the cache (else the test proves nothing)."""
    first = client.get(path)
    second = client.get(path)
    assert (first.status_code, second.status_code, second.get("X-Page-Cache")) == (
        200,
        200,
        "hit",
    )
    return second


def test_it_serves_an_anonymous_page_from_the_cache_until_a_write(client):
    incident = IncidentFactory(title="Original title")
    cached_get(client, f"/incidents/{incident.pk}/")
    # A change that bypasses the services bumps nothing: the cached page is still served.
    Incident.objects.filter(pk=incident.pk).update(title="Changed behind the services' back")

    assert b"Original title" in client.get(f"/incidents/{incident.pk}/").content
    bump_data_version()
    assert b"Changed behind" in client.get(f"/incidents/{incident.pk}/").content


def test_an_admin_edit_shows_on_the_next_anonymous_request(
    client, world, django_capture_on_commit_callbacks
):
    incident = IncidentFactory(title="Old title", date=datetime.date(2020, 1, 15))
    cached_get(client, f"/incidents/{incident.pk}/")
    cached_get(client, "/incidents/")
    world.editor.is_staff = True
    world.editor.save(update_fields=["is_staff"])
    editor = client.__class__()
    editor.force_login(world.editor)

    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            f"/admin/incidents/incident/{incident.id}/change/",
            incident_form(incident, title="New title"),
        )

    assert response.status_code == 302
    page = client.get(f"/incidents/{incident.pk}/")
    assert (page.get("X-Page-Cache"), b"New title" in page.content) == (None, True)
    assert b"New title" in client.get("/incidents/").content


def test_accepting_a_submission_shows_its_incident(
    client, world, django_capture_on_commit_callbacks
):
    submission = SubmissionFactory(incident_title="A chatbot defamed a mayor")
    assert b"A chatbot defamed a mayor" not in cached_get(client, "/incidents/").content

    with django_capture_on_commit_callbacks(execute=True):
        submission_accept(
            submission_id=submission.pk, actor=world.editor, action="accept_new_incident"
        )

    assert b"A chatbot defamed a mayor" in client.get("/incidents/").content


def test_merging_incidents_redirects_the_cached_duplicate(
    client, world, django_capture_on_commit_callbacks
):
    duplicate, target = IncidentFactory(), IncidentFactory()
    cached_get(client, f"/incidents/{duplicate.pk}/")
    cached_get(client, f"/api/v1/incidents/{duplicate.pk}/")

    with django_capture_on_commit_callbacks(execute=True):
        incidents_merge(
            duplicate_id=duplicate.pk, target_id=target.pk, actor=world.editor, reason="same"
        )

    page = client.get(f"/incidents/{duplicate.pk}/")
    api = client.get(f"/api/v1/incidents/{duplicate.pk}/")
    assert (page.status_code, page["Location"]) == (
        301,
        f"/incidents/{target.pk}/?merged_from={duplicate.pk}",
    )
    assert api.status_code in (301, 404)


def test_verifying_a_disclosure_puts_it_on_the_leaderboard(
    client, world, django_capture_on_commit_callbacks
):
    in_review = make_disclosure(world, "in_review", model_name="Zyzzyva-7")
    assert b"Zyzzyva-7" not in cached_get(client, "/disclosures/").content

    with django_capture_on_commit_callbacks(execute=True):
        disclosure_verify(disclosure_id=in_review.pk, actor=world.chair, reason="fine")

    assert b"Zyzzyva-7" in client.get("/disclosures/").content


def test_an_aiid_import_shows_its_incidents(client, tmp_path, django_capture_on_commit_callbacks):
    cached_get(client, "/incidents/")
    cached_get(client, "/api/v1/incidents/")
    snapshot = AiidSnapshot().incident(1, title="Imported quokka incident", reports=[1]).report(1)

    with django_capture_on_commit_callbacks(execute=True):
        AiidSnapshotImporter().run(snapshot.write(tmp_path))

    assert b"Imported quokka incident" in client.get("/incidents/").content
    assert b"Imported quokka incident" in client.get("/api/v1/incidents/").content


def test_a_rolled_back_write_bumps_nothing(world, django_capture_on_commit_callbacks):
    before = current_data_version()
    duplicate, target = IncidentFactory(), IncidentFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        incidents_merge(
            duplicate_id=duplicate.pk, target_id=target.pk, actor=world.editor, reason="same"
        )
    # The bump waits for the commit (the test's transaction never commits).
    assert (current_data_version(), len(callbacks) >= 1) == (before, True)


def test_signed_in_visitors_bypass_the_cache(client, world):
    incident = IncidentFactory(title="Original title")
    cached_get(client, f"/incidents/{incident.pk}/")
    Incident.objects.filter(pk=incident.pk).update(title="Fresh title")
    client.force_login(world.researcher)

    page = client.get(f"/incidents/{incident.pk}/")

    assert (page.get("X-Page-Cache"), b"Fresh title" in page.content) == (None, True)


def test_a_token_bearer_bypasses_the_cache(client):
    incident = IncidentFactory(title="Original title")
    cached_get(client, f"/api/v1/incidents/{incident.pk}/")

    response = client.get(f"/api/v1/incidents/{incident.pk}/", HTTP_AUTHORIZATION="Token nope")

    assert response.get("X-Page-Cache") is None


def test_it_answers_304_to_a_matching_etag_and_200_after_a_write(client):
    incident = IncidentFactory()
    etag = client.get(f"/incidents/{incident.pk}/")["ETag"]

    unchanged = client.get(f"/incidents/{incident.pk}/", HTTP_IF_NONE_MATCH=etag)
    Incident.objects.filter(pk=incident.pk).update(title="Retitled")
    bump_data_version()
    changed = client.get(f"/incidents/{incident.pk}/", HTTP_IF_NONE_MATCH=etag)

    assert (unchanged.status_code, unchanged.content, unchanged["ETag"]) == (304, b"", etag)
    assert (changed.status_code, changed["ETag"] != etag) == (200, True)


def test_it_does_not_cache_pages_outside_the_public_prefixes(client, world):
    first = client.get("/accounts/login/")
    second = client.get("/accounts/login/")
    assert (first.status_code, second.get("X-Page-Cache"), "ETag" in second) == (200, None, False)


def test_any_change_made_in_the_admin_bumps_the_version(world, django_capture_on_commit_callbacks):
    from django.contrib.admin.models import CHANGE, LogEntry

    before = int(current_data_version())
    with django_capture_on_commit_callbacks(execute=True):
        LogEntry.objects.create(user=world.staff, action_flag=CHANGE, object_repr="a taxonomy")

    assert int(current_data_version()) == before + 1
