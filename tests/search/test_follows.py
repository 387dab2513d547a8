"""Following incidents, entities, taxonomy values and searches; the confirmed-address digest."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from incidents.indexing import refresh_search_vectors
from incidents.models import Entity, Incident, IncidentEntity, Report
from search.digest import digests_send_all
from search.follows import follow_add, unsubscribe_token
from search.models import DigestAddress, Follow
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def add_report(title: str, *, incidents: list[Incident] = ()) -> Report:  # type: ignore[assignment]
    number = Report.objects.count() + 1
    report = Report.objects.create(
        title=title,
        text="A long enough text about an automated system that went wrong.",
        url=f"https://news.example/{number}-{title[:10]}",
        url_normalised=f"news.example/{number}-{title[:10]}",
        source_domain="news.example",
    )
    report.incidents.add(*incidents)
    refresh_search_vectors(incident_ids=[i.pk for i in incidents], report_numbers=[report.number])
    return report


def confirm_link(message: mail.EmailMessage) -> str:
    return re.search(r"https?://\S+/accounts/following/confirm/\S+/", message.body).group(0)


@pytest.fixture
def reader():  # noqa: ANN201
    return UserFactory(username="rhea", email="rhea@example.org")


@pytest.fixture
def incident():  # noqa: ANN201
    incident = Incident.objects.create(title="Delivery robot blocks an ambulance")
    refresh_search_vectors(incident_ids=[incident.pk], report_numbers=[])
    return incident


def test_it_asks_to_sign_in_before_following(client, incident) -> None:  # noqa: ANN001
    response = client.post(
        "/accounts/following/add/", {"kind": "incident", "target": str(incident.pk)}
    )

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert Follow.objects.count() == 0


def test_it_follows_an_incident_and_emails_a_confirmation_link_first(
    client,
    reader,
    incident,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    client.force_login(reader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/following/add/",
            {"kind": "incident", "target": str(incident.pk), "next": f"/incidents/{incident.pk}/"},
        )

    assert response["Location"] == f"/incidents/{incident.pk}/"
    follow = Follow.objects.get(user=reader)
    assert (follow.kind, follow.target) == ("incident", str(incident.pk))
    assert [m.to for m in mail.outbox] == [["rhea@example.org"]]
    assert "/accounts/following/confirm/" in mail.outbox[0].body


def test_it_sends_no_digest_to_an_unconfirmed_address(reader, incident) -> None:  # noqa: ANN001
    follow_add(user=reader, kind="incident", target=str(incident.pk))
    add_report("Robot stuck again", incidents=[incident])
    mail.outbox.clear()

    assert digests_send_all() == 0
    assert mail.outbox == []


def test_it_sends_the_new_reports_once_after_confirmation(
    client,
    reader,
    incident,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    old = add_report("Old story about the robot", incidents=[incident])
    with django_capture_on_commit_callbacks(execute=True):
        follow_add(user=reader, kind="incident", target=str(incident.pk))
    assert client.get(confirm_link(mail.outbox[0])).status_code == 200
    new = add_report("Robot blocks a second ambulance", incidents=[incident])
    add_report("Unrelated chatbot story")
    mail.outbox.clear()

    assert digests_send_all() == 1
    assert digests_send_all() == 0  # nothing new since
    [digest] = mail.outbox
    assert f"Report {new.number}: Robot blocks a second ambulance" in digest.body
    assert f"Report {old.number}:" not in digest.body and "chatbot" not in digest.body
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_it_announces_a_new_incident_naming_a_followed_entity(
    client,
    reader,  # noqa: ANN001
) -> None:
    entity = Entity.objects.create(slug="robo-deliveries", name="Robo Deliveries")
    follow_add(user=reader, kind="entity", target="robo-deliveries")
    DigestAddress.objects.create(user=reader, email=reader.email, confirmed_at="2026-01-01T00:00Z")
    incident = Incident.objects.create(title="Robo Deliveries van hits a cyclist")
    IncidentEntity.objects.create(incident=incident, entity=entity, role="developer")
    refresh_search_vectors(incident_ids=[incident.pk], report_numbers=[])

    assert digests_send_all() == 1
    assert f"Incident {incident.pk}: Robo Deliveries van hits a cyclist" in mail.outbox[0].body


def test_it_refuses_a_confirmation_link_for_an_address_no_longer_the_accounts(
    client,
    reader,
    incident,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        follow_add(user=reader, kind="incident", target=str(incident.pk))
    reader.email = "someone-else@example.org"
    reader.save()

    response = client.get(confirm_link(mail.outbox[0]))

    assert response.status_code == 400
    assert DigestAddress.objects.get(user=reader).confirmed_at is None


def test_it_unsubscribes_with_one_post_and_only_shows_a_button_on_get(
    client,
    reader,
    incident,  # noqa: ANN001
) -> None:
    follow = follow_add(user=reader, kind="incident", target=str(incident.pk))
    token = unsubscribe_token(user_id=reader.pk, follow_id=follow.pk)
    url = f"/accounts/following/unsubscribe/{token}/"

    assert client.get(url).status_code == 200
    assert Follow.objects.filter(pk=follow.pk).exists()
    response = client.post(url)  # no session, no CSRF token: the signed token is the key

    assert response.status_code == 200
    assert not Follow.objects.filter(pk=follow.pk).exists()


def test_it_refuses_a_tampered_unsubscribe_token(client, reader, incident) -> None:  # noqa: ANN001
    follow = follow_add(user=reader, kind="incident", target=str(incident.pk))
    token = unsubscribe_token(user_id=reader.pk, follow_id=follow.pk)

    response = client.post(f"/accounts/following/unsubscribe/{token[:-2]}xx/")

    assert response.status_code == 400
    assert Follow.objects.filter(pk=follow.pk).exists()


def test_it_follows_a_taxonomy_value_from_its_search(client, reader) -> None:  # noqa: ANN001
    client.force_login(reader)

    response = client.get("/search/", {"facet": "taxonomy:MIT:Domain:Privacy"})

    body = response.content.decode()
    assert '<input type="hidden" name="kind" value="taxonomy">' in body
    assert '<input type="hidden" name="target" value="MIT:Domain:Privacy">' in body


def test_it_lists_follows_on_the_following_page_with_a_feed_per_search(
    client,
    reader,  # noqa: ANN001
) -> None:
    follow_add(user=reader, kind="search", target="q=robot&page=3&sort=newest")
    client.force_login(reader)

    body = client.get("/accounts/following/").content.decode()

    assert 'href="/search/feed.atom?q=robot"' in body
    assert "No digest is sent until you confirm your address" in body


def test_it_serves_a_search_as_an_atom_feed(client, incident) -> None:  # noqa: ANN001
    add_report("Robot <script>blocks</script> an ambulance", incidents=[incident])

    response = client.get("/search/feed.atom", {"q": "ambulance", "type": "report"})

    body = response.content.decode()
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "<title>Robot &lt;script&gt;blocks&lt;/script&gt; an ambulance</title>" in body


def test_it_shows_following_on_the_button_of_a_followed_incident(
    client,
    reader,
    incident,  # noqa: ANN001
) -> None:
    follow_add(user=reader, kind="incident", target=str(incident.pk))
    client.force_login(reader)

    body = client.get(f"/incidents/{incident.pk}/").content.decode()

    assert "Following · unfollow this incident" in body


def test_it_schedules_the_digest_task_daily_by_default(settings) -> None:  # noqa: ANN001
    from registry.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["search-send-follow-digests"]
    app.loader.import_default_modules()  # what a worker does at start: autodiscovery

    assert (entry["task"], entry["schedule"]) == ("search.send_follow_digests", 86400.0)
    assert entry["task"] in app.tasks


def test_it_follows_a_merged_entity_through_its_survivor(reader) -> None:  # noqa: ANN001
    from incidents.models import EntityRedirect

    survivor = Entity.objects.create(slug="openai", name="OpenAI")
    follow_add(user=reader, kind="entity", target="openai")
    Follow.objects.filter(user=reader).update(target="open-ai")  # followed before the merge
    EntityRedirect.objects.create(old_slug="open-ai", target=survivor)
    DigestAddress.objects.create(user=reader, email=reader.email, confirmed_at="2026-01-01T00:00Z")
    incident = Incident.objects.create(title="OpenAI model leaks a prompt")
    IncidentEntity.objects.create(incident=incident, entity=survivor, role="developer")
    refresh_search_vectors(incident_ids=[incident.pk], report_numbers=[])

    assert digests_send_all() == 1
    assert f"Incident {incident.pk}: OpenAI model leaks a prompt" in mail.outbox[0].body
