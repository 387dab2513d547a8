"""The one write path of system <-> model links: who may link, what is audited, what is refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from emissions.models import SystemModelLink
from emissions.services.system_links import system_link_create, system_link_remove
from emissions.systems import system_suggestions
from registry.models import AuditEvent
from tests.emissions.conftest import make_disclosure
from tests.factories.incidents import EntityFactory

SOURCE = "https://example.org/announcement"


def link(actor, system, disclosure=None, **fields):
    return system_link_create(
        actor=actor,
        system_id=system.pk,
        relation=fields.pop("relation", "built_on"),
        disclosure_id=disclosure.pk if disclosure else None,
        **{"source": SOURCE, **fields},
    )


def test_it_lets_an_editor_link_a_verified_disclosure_and_audits_it(world):
    system = EntityFactory(slug="chatgpt", name="ChatGPT")
    verified = make_disclosure(world, "verified", model_name="GPT-3")

    made = link(world.editor, system, verified, relation="same_family")

    event = AuditEvent.objects.get(action="system_link.create")
    assert (made.model_name, made.relation, made.linked_by) == (
        "GPT-3",
        "same_family",
        world.editor,
    )
    assert (event.actor, event.subject_id, event.data["system"], event.data["source"]) == (
        world.editor,
        made.pk,
        "chatgpt",
        SOURCE,
    )


def test_it_lets_an_editor_link_a_model_nobody_disclosed(world):
    system = EntityFactory(slug="chatgpt")

    made = link(world.editor, system, model_name="GPT-3.5", relation="fine_tuned_from")

    assert (made.disclosure, made.model_name) == (None, "GPT-3.5")


@pytest.mark.parametrize("who", ["researcher", "other_researcher", "reviewer", "chair"])
def test_it_refuses_links_by_non_editors_without_a_disclosure_of_their_own(world, who):
    system = EntityFactory()
    with pytest.raises(PermissionDenied):
        link(getattr(world, who), system, model_name="GPT-3.5")
    assert not SystemModelLink.objects.exists()


def test_it_lets_the_author_confirm_a_link_for_their_open_disclosure(world):
    system = EntityFactory(name="Model Alpha")
    submitted = make_disclosure(world, "submitted", model_name="Model Alpha")

    made = system_link_create(
        actor=world.researcher, system_id=system.pk, relation="is", disclosure_id=submitted.pk
    )

    assert (made.model_name, made.source, made.linked_by) == (
        "Model Alpha",
        "Confirmed by the disclosure's author when submitting",
        world.researcher,
    )


def test_it_refuses_the_author_once_the_disclosure_is_verified(world):
    system = EntityFactory()
    verified = make_disclosure(world, "verified")
    with pytest.raises(PermissionDenied):
        system_link_create(
            actor=world.researcher, system_id=system.pk, relation="is", disclosure_id=verified.pk
        )


def test_it_refuses_another_researchers_disclosure(world):
    system = EntityFactory()
    submitted = make_disclosure(world, "submitted")
    with pytest.raises(PermissionDenied):
        system_link_create(
            actor=world.other_researcher,
            system_id=system.pk,
            relation="is",
            disclosure_id=submitted.pk,
        )


def test_it_refuses_an_unknown_relation_and_a_missing_source(world):
    system = EntityFactory()
    with pytest.raises(ValidationError, match="Choose one of"):
        link(world.editor, system, model_name="X", relation="inspired_by")
    with pytest.raises(ValidationError, match="Cite where"):
        link(world.editor, system, model_name="X", source="  ")


def test_it_refuses_the_same_link_twice(world):
    system = EntityFactory()
    link(world.editor, system, model_name="GPT-4")
    with pytest.raises(ValidationError, match="already linked"):
        link(world.editor, system, model_name="GPT-4")
    assert SystemModelLink.objects.count() == 1


def test_it_lets_an_editor_unlink_a_verified_disclosure_and_audits_what_it_said(world):
    system = EntityFactory(slug="bard")
    verified = make_disclosure(world, "verified", model_name="Meena")
    made = link(world.editor, system, verified, relation="same_family")

    system_link_remove(actor=world.editor, link_id=made.pk, reason="Wrong family")

    event = AuditEvent.objects.get(action="system_link.remove")
    assert not SystemModelLink.objects.exists()
    assert (event.reason, event.data["model_name"], event.data["disclosure"]) == (
        "Wrong family",
        "Meena",
        verified.pk,
    )


@pytest.mark.parametrize("who", ["researcher", "reviewer", "chair"])
def test_it_refuses_unlinking_by_non_editors(world, who):
    made = link(world.editor, EntityFactory(), model_name="GPT-4")
    with pytest.raises(PermissionDenied):
        system_link_remove(actor=getattr(world, who), link_id=made.pk)
    assert SystemModelLink.objects.filter(pk=made.pk).exists()


def test_it_suggests_systems_by_name_without_linking_them(world):
    bloom = EntityFactory(slug="bloom", name="BLOOM")
    EntityFactory(slug="blood-bank", name="National Blood Bank")
    draft = make_disclosure(world, "draft", model_name="BLOOM")

    assert system_suggestions(draft) == [bloom]
    assert not SystemModelLink.objects.exists()


def test_it_stops_suggesting_a_system_once_linked(world):
    bloom = EntityFactory(slug="bloom", name="BLOOM")
    draft = make_disclosure(world, "draft", model_name="BLOOM")
    system_link_create(
        actor=world.researcher, system_id=bloom.pk, relation="is", disclosure_id=draft.pk
    )

    assert system_suggestions(draft) == []


def test_the_admin_links_through_the_audited_service(client, world):
    system = EntityFactory(slug="bard", name="Bard")
    client.force_login(world.staff)

    response = client.post(
        "/admin/emissions/systemmodellink/add/",
        {"system": system.pk, "relation": "built_on", "model_name": "LaMDA", "source": SOURCE},
    )

    made = SystemModelLink.objects.get()
    assert response.status_code == 302
    assert (made.model_name, made.linked_by) == ("LaMDA", world.staff)
    assert AuditEvent.objects.filter(action="system_link.create", subject_id=made.pk).exists()
