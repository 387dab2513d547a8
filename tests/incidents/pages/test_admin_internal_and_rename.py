"""Editors mark taxonomy fields internal and rename entities in the admin; both are audited."""

from __future__ import annotations

import pytest

from incidents.models import Classification, Entity, EntityRedirect, TaxonomyField
from registry.models import AuditEvent
from tests.factories.catalog import TaxonomyFactory, classify
from tests.factories.incidents import EntityFactory, IncidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(world):  # noqa: ANN001, ANN201
    world.editor.is_staff = True
    world.editor.save(update_fields=["is_staff"])
    return world.editor


def field_form(tax_field: TaxonomyField, **changes: object) -> dict:
    data = {
        "taxonomy": tax_field.taxonomy_id,
        "field_number": tax_field.field_number,
        "short_name": tax_field.short_name,
        "long_name": tax_field.long_name,
        "description": tax_field.description,
        "display_type": tax_field.display_type,
        "permitted_values": "[]",
        "weight": tax_field.weight,
        "public": "on",
    }
    data.update(changes)
    return data


def test_marking_a_field_internal_is_audited_and_removes_its_facets(client, editor):
    classification = classify(
        IncidentFactory(), TaxonomyFactory(namespace="GMF"), {"Reviewer": "ann", "Goal": "x"}
    )
    reviewer = TaxonomyField.objects.get(short_name="Reviewer")
    client.force_login(editor)

    response = client.post(
        f"/admin/incidents/taxonomyfield/{reviewer.pk}/change/",
        field_form(reviewer, internal="on"),
    )

    assert response.status_code == 302
    reviewer.refresh_from_db()
    assert reviewer.internal is True
    event = AuditEvent.objects.get(subject_type="incidents.taxonomyfield", subject_id=reviewer.pk)
    assert (event.action, event.actor_id) == ("changed", editor.pk)
    assert event.data["changes"] == {"internal": {"from": False, "to": True}}
    assert Classification.objects.get(pk=classification.pk).facets == ["GMF:Goal:x"]


def test_renaming_an_entity_is_audited_and_keeps_the_old_slug_working(client, editor):
    entity = EntityFactory(slug="xai-corp", name="Xai Corp")
    client.force_login(editor)

    response = client.post(
        f"/admin/incidents/entity/{entity.pk}/change/",
        {"slug": "xai", "name": "xAI", "description": "", "aliases": ""},
    )

    assert response.status_code == 302
    assert Entity.objects.get(pk=entity.pk).name == "xAI"
    assert EntityRedirect.objects.get(old_slug="xai-corp").target_id == entity.pk
    event = AuditEvent.objects.get(subject_type="incidents.entity", subject_id=entity.pk)
    assert event.action == "renamed"
    assert event.data["changes"] == {
        "name": {"from": "Xai Corp", "to": "xAI"},
        "slug": {"from": "xai-corp", "to": "xai"},
    }
    followed = client.get("/entities/xai-corp/", follow=True)
    assert followed.redirect_chain == [("/entities/xai/?merged_from=xai-corp", 301)]
    assert "This entity was renamed" in followed.content.decode()
