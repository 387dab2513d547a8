"""Editors' merges: both records side by side, nothing changed until confirmed, a link to the
merged result."""

from __future__ import annotations

import pytest

from incidents.models import Entity, Incident, IncidentEntity, IncidentRedirect
from tests.factories.incidents import IncidentFactory, ReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():  # noqa: ANN201
    duplicate = IncidentFactory(title="Robotaxi hits a cyclist in Austin")
    target = IncidentFactory(title="Autonomous taxi strikes cyclist, Austin police say")
    for incident, count in ((duplicate, 2), (target, 3)):
        for _ in range(count):
            ReportFactory().incidents.add(incident)
    shared = ReportFactory()
    shared.incidents.add(duplicate, target)
    return duplicate, target


def test_it_previews_both_incidents_side_by_side_without_merging(client, world, pair) -> None:  # noqa: ANN001
    duplicate, target = pair
    client.force_login(world.editor)

    response = client.post(
        "/submit/editor/merge-incidents/",
        {"duplicate_id": duplicate.pk, "target_id": target.pk, "reason": "same crash"},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "Confirm the merge" in body
    assert "<td>Robotaxi hits a cyclist in Austin</td><td>Autonomous taxi strikes cyclist" in body
    # 3 + 1 shared on the kept one; 2 move (the shared report is on both already).
    assert f"Incident {target.pk} has 6 reports (2 moved from incident {duplicate.pk})." in body
    assert '<input type="hidden" name="confirmed" value="yes">' in body
    assert Incident.objects.filter(pk=duplicate.pk).exists()


def test_it_merges_on_confirmation_and_links_the_result(client, world, pair) -> None:  # noqa: ANN001
    duplicate, target = pair
    client.force_login(world.editor)

    response = client.post(
        "/submit/editor/merge-incidents/",
        {
            "duplicate_id": duplicate.pk,
            "target_id": target.pk,
            "reason": "same crash",
            "confirmed": "yes",
        },
        follow=True,
    )

    assert (
        f'<a href="/incidents/{target.pk}/">incident {target.pk}</a>' in response.content.decode()
    )
    assert IncidentRedirect.objects.get(old_id=duplicate.pk).target_id == target.pk


def test_it_shows_a_refusal_at_the_field_before_any_preview(client, world, pair) -> None:  # noqa: ANN001
    client.force_login(world.editor)

    response = client.post(
        "/submit/editor/merge-incidents/",
        {"duplicate_id": pair[0].pk, "target_id": pair[0].pk, "reason": "x"},
    )

    body = response.content.decode()
    assert "An incident cannot be merged into itself." in body
    assert "Confirm the merge" not in body


def test_it_previews_an_entity_merge(client, world) -> None:  # noqa: ANN001
    duplicate = Entity.objects.create(slug="open-ai", name="Open AI")
    Entity.objects.create(slug="openai", name="OpenAI", aliases=["OpenAI Inc."])
    IncidentEntity.objects.create(incident=IncidentFactory(), entity=duplicate, role="developer")
    client.force_login(world.editor)

    response = client.post(
        "/submit/editor/merge-entities/",
        {"duplicate_slug": "open-ai", "target_slug": "openai", "reason": "same company"},
    )

    body = response.content.decode()
    assert "<td>Open AI</td><td>OpenAI</td>" in body
    assert "<td>1</td><td>0</td>" in body
    assert Entity.objects.filter(slug="open-ai").exists()


def test_it_prefills_the_form_when_changing_the_choice(client, world, pair) -> None:  # noqa: ANN001
    client.force_login(world.editor)

    response = client.get(
        "/submit/editor/merge-incidents/", {"duplicate_id": pair[0].pk, "target_id": pair[1].pk}
    )

    assert f'value="{pair[0].pk}"' in response.content.decode()
