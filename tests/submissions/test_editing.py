import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.test import APIClient

from incidents.models import (
    Classification,
    ClassificationValue,
    Entity,
    EntityRedirect,
    EntityRole,
    Incident,
    IncidentEntity,
    IncidentLink,
    IncidentRedirect,
    ReportKind,
    Taxonomy,
    TaxonomyField,
)
from incidents.services import editing
from incidents.services.editing import (
    entities_merge,
    incidents_link,
    incidents_merge,
    incidents_unlink,
    report_link_incident,
    report_set_flag,
    report_unlink_incident,
)
from incidents.services.submissions import submission_accept
from registry.models import AuditEvent
from tests.factories.incidents import EntityFactory, IncidentFactory, ReportFactory
from tests.factories.submissions import SubmissionFactory

pytestmark = pytest.mark.django_db


def classify(incident, namespace, **values):
    taxonomy, _ = Taxonomy.objects.get_or_create(namespace=namespace)
    classification = Classification.objects.create(taxonomy=taxonomy, incident=incident)
    for name, value in values.items():
        field, _ = TaxonomyField.objects.get_or_create(taxonomy=taxonomy, short_name=name)
        ClassificationValue.objects.create(classification=classification, field=field, value=value)
    return classification


@pytest.fixture
def pair():
    return IncidentFactory(title="Chatbot insults users"), IncidentFactory(title="Chatbot abuse")


# --- Merging incidents -----------------------------------------------------------------------


def test_it_moves_the_reports_of_a_merged_incident(world, pair):
    duplicate, target = pair
    moved, shared = ReportFactory(), ReportFactory()
    moved.incidents.add(duplicate)
    shared.incidents.add(duplicate, target)
    incidents_merge(
        duplicate_id=duplicate.pk, target_id=target.pk, actor=world.editor, reason="dup"
    )
    assert sorted(target.reports.values_list("pk", flat=True)) == sorted([moved.pk, shared.pk])


def test_it_leaves_a_redirect_and_removes_the_duplicate(world, pair):
    duplicate, target = pair
    incidents_merge(
        duplicate_id=duplicate.pk, target_id=target.pk, actor=world.editor, reason="dup"
    )
    assert (
        IncidentRedirect.objects.get(old_id=duplicate.pk).target_id,
        Incident.objects.filter(pk=duplicate.pk).exists(),
    ) == (target.pk, False)


def test_it_keeps_redirect_chains_pointing_at_the_survivor(world):
    first, second, third = IncidentFactory(), IncidentFactory(), IncidentFactory()
    incidents_merge(duplicate_id=first.pk, target_id=second.pk, actor=world.editor, reason="a")
    incidents_merge(duplicate_id=second.pk, target_id=third.pk, actor=world.editor, reason="b")
    assert dict(IncidentRedirect.objects.values_list("old_id", "target_id")) == {
        first.pk: third.pk,
        second.pk: third.pk,
    }


def test_it_merges_into_the_survivor_when_given_an_old_id(world):
    first, second, third = IncidentFactory(), IncidentFactory(), IncidentFactory()
    incidents_merge(duplicate_id=first.pk, target_id=second.pk, actor=world.editor, reason="a")
    survivor = incidents_merge(
        duplicate_id=third.pk, target_id=first.pk, actor=world.editor, reason="b"
    )
    assert survivor.pk == second.pk


def test_it_says_when_an_incident_was_already_merged(world, pair):
    duplicate, target = pair
    incidents_merge(duplicate_id=duplicate.pk, target_id=target.pk, actor=world.editor, reason="")
    with pytest.raises(ValidationError, match=f"already merged into {target.pk}"):
        incidents_merge(
            duplicate_id=duplicate.pk, target_id=target.pk, actor=world.editor, reason=""
        )


def test_it_refuses_to_merge_an_incident_into_itself(world, pair):
    with pytest.raises(ValidationError, match="cannot be merged into itself"):
        incidents_merge(
            duplicate_id=pair[0].pk, target_id=pair[0].pk, actor=world.editor, reason=""
        )


def test_it_moves_entity_roles_without_doubling_them(world, pair):
    duplicate, target = pair
    openai, users = EntityFactory(slug="openai"), EntityFactory(slug="users")
    IncidentEntity.objects.create(incident=duplicate, entity=openai, role=EntityRole.DEVELOPER)
    IncidentEntity.objects.create(incident=duplicate, entity=users, role=EntityRole.HARMED)
    IncidentEntity.objects.create(incident=target, entity=openai, role=EntityRole.DEVELOPER)
    incidents_merge(duplicate_id=duplicate.pk, target_id=target.pk, actor=world.editor, reason="")
    assert sorted(target.entity_links.values_list("entity__slug", "role")) == [
        ("openai", EntityRole.DEVELOPER),
        ("users", EntityRole.HARMED),
    ]


def test_it_moves_classifications_and_keeps_the_targets_on_conflict(world, pair):
    duplicate, target = pair
    moved = classify(duplicate, "MIT", Timing="Post-deployment")
    classify(duplicate, "GMF", Goal="Chatbot")
    kept = classify(target, "GMF", Goal="Conversation")
    incidents_merge(duplicate_id=duplicate.pk, target_id=target.pk, actor=world.editor, reason="")
    assert sorted(Classification.objects.values_list("pk", "incident_id")) == sorted(
        [(moved.pk, target.pk), (kept.pk, target.pk)]
    )


def test_it_records_dropped_classification_values_in_the_audit(world, pair):
    duplicate, target = pair
    classify(duplicate, "GMF", Goal="Chatbot")
    classify(target, "GMF", Goal="Conversation")
    incidents_merge(duplicate_id=duplicate.pk, target_id=target.pk, actor=world.editor, reason="")
    event = AuditEvent.objects.get(action="merge_incident")
    assert event.data["classifications_dropped"] == [
        {"namespace": "GMF", "publish": True, "notes": "", "values": {"Goal": "Chatbot"}}
    ]


def test_it_repoints_curated_links(world, pair):
    duplicate, target = pair
    other = IncidentFactory()
    IncidentLink.objects.create(incident=other, other=duplicate, kind="similar")
    IncidentLink.objects.create(incident=duplicate, other=target, kind="similar")
    incidents_merge(duplicate_id=duplicate.pk, target_id=target.pk, actor=world.editor, reason="")
    assert list(IncidentLink.objects.values_list("incident_id", "other_id", "kind")) == [
        (other.pk, target.pk, "similar")
    ]


def test_it_keeps_a_submitters_link_working_after_a_merge(world, pair):
    duplicate, target = pair
    submission = SubmissionFactory(incident_ids=[duplicate.pk])
    submission_accept(submission_id=submission.pk, actor=world.editor, action="accept_existing")
    pending = SubmissionFactory(incident_ids=[duplicate.pk])
    incidents_merge(duplicate_id=duplicate.pk, target_id=target.pk, actor=world.editor, reason="")
    pending.refresh_from_db()
    assert (
        list(submission.resulting_incidents.values_list("pk", flat=True)),
        pending.incident_ids,
    ) == ([target.pk], [target.pk])


def test_it_audits_a_merge_on_both_incidents(world, pair):
    duplicate, target = pair
    incidents_merge(duplicate_id=duplicate.pk, target_id=target.pk, actor=world.editor, reason="x")
    assert sorted(
        AuditEvent.objects.filter(subject_type="incidents.incident").values_list(
            "subject_id", "action", "reason"
        )
    ) == sorted([(duplicate.pk, "merged_into", "x"), (target.pk, "merge_incident", "x")])


def test_it_reindexes_what_a_merge_touched(world, pair, monkeypatch):
    duplicate, target = pair
    report = ReportFactory()
    report.incidents.add(duplicate)
    calls = []
    monkeypatch.setattr(editing, "schedule_reindex", lambda **kw: calls.append(kw))
    incidents_merge(duplicate_id=duplicate.pk, target_id=target.pk, actor=world.editor, reason="")
    assert calls == [{"incident_ids": [target.pk, duplicate.pk], "report_numbers": [report.pk]}]


@pytest.mark.parametrize("who", ["researcher", "reviewer", "chair"])
def test_it_refuses_catalog_edits_by_non_editors(world, pair, who):
    with pytest.raises(PermissionDenied):
        incidents_merge(
            duplicate_id=pair[0].pk, target_id=pair[1].pk, actor=getattr(world, who), reason=""
        )


# --- Merging entities ------------------------------------------------------------------------


def test_it_merges_an_entity_into_another_with_alias_and_redirect(world):
    fb = EntityFactory(slug="facebook", name="Facebook", aliases=["FB"])
    meta = EntityFactory(slug="meta", name="Meta", aliases=["Meta Platforms"])
    incident = IncidentFactory()
    IncidentEntity.objects.create(incident=incident, entity=fb, role=EntityRole.DEPLOYER)
    entities_merge(duplicate_slug="facebook", target_slug="meta", actor=world.editor, reason="")
    meta.refresh_from_db()
    assert (
        meta.aliases,
        EntityRedirect.objects.get(old_slug="facebook").target_id,
        list(incident.entity_links.values_list("entity__slug", flat=True)),
        Entity.objects.filter(slug="facebook").exists(),
    ) == (["Meta Platforms", "Facebook", "FB"], meta.pk, ["meta"], False)


def test_it_keeps_entity_redirect_chains_valid(world):
    EntityFactory(slug="fb"), EntityFactory(slug="facebook"), EntityFactory(slug="meta")
    entities_merge(duplicate_slug="fb", target_slug="facebook", actor=world.editor, reason="")
    entities_merge(duplicate_slug="facebook", target_slug="meta", actor=world.editor, reason="")
    assert dict(EntityRedirect.objects.values_list("old_slug", "target__slug")) == {
        "fb": "meta",
        "facebook": "meta",
    }


# --- Reports and links -----------------------------------------------------------------------


def test_it_links_a_report_to_a_second_incident(world, pair):
    report = ReportFactory()
    report.incidents.add(pair[0])
    report_link_incident(report_number=report.pk, incident_id=pair[1].pk, actor=world.editor)
    assert sorted(report.incidents.values_list("pk", flat=True)) == sorted(p.pk for p in pair)


def test_it_turns_an_issue_linked_to_an_incident_into_an_incident_report(world, pair):
    issue = ReportFactory(kind=ReportKind.ISSUE)
    report_link_incident(report_number=issue.pk, incident_id=pair[0].pk, actor=world.editor)
    issue.refresh_from_db()
    assert issue.kind == ReportKind.INCIDENT_REPORT


def test_it_unlinks_a_report_and_audits_it(world, pair):
    report = ReportFactory()
    report.incidents.add(pair[0])
    report_unlink_incident(report_number=report.pk, incident_id=pair[0].pk, actor=world.editor)
    event = AuditEvent.objects.get(subject_type="incidents.report", subject_id=report.pk)
    assert (report.incidents.count(), event.action, event.data) == (
        0,
        "unlink_report",
        {"incident": pair[0].pk},
    )


def test_it_refuses_to_unlink_what_is_not_linked(world, pair):
    report = ReportFactory()
    with pytest.raises(ValidationError, match="is not in incident"):
        report_unlink_incident(report_number=report.pk, incident_id=pair[0].pk, actor=world.editor)


def test_it_records_a_dissimilar_incident(world, pair):
    incidents_link(
        incident_id=pair[0].pk, other_id=pair[1].pk, kind="dissimilar", actor=world.editor
    )
    assert list(IncidentLink.objects.values_list("incident_id", "other_id", "kind")) == [
        (pair[0].pk, pair[1].pk, "dissimilar")
    ]


def test_it_changes_a_link_from_similar_to_dissimilar(world, pair):
    incidents_link(incident_id=pair[0].pk, other_id=pair[1].pk, kind="similar", actor=world.editor)
    incidents_link(
        incident_id=pair[0].pk, other_id=pair[1].pk, kind="dissimilar", actor=world.editor
    )
    assert list(IncidentLink.objects.values_list("kind", flat=True)) == ["dissimilar"]


def test_it_removes_a_link(world, pair):
    incidents_link(incident_id=pair[0].pk, other_id=pair[1].pk, kind="similar", actor=world.editor)
    incidents_unlink(incident_id=pair[0].pk, other_id=pair[1].pk, actor=world.editor)
    assert IncidentLink.objects.count() == 0


def test_it_refuses_to_link_an_incident_to_itself(world, pair):
    with pytest.raises(ValidationError, match="cannot be linked to itself"):
        incidents_link(
            incident_id=pair[0].pk, other_id=pair[0].pk, kind="similar", actor=world.editor
        )


def test_it_flags_and_unflags_a_report_with_audit(world):
    report = ReportFactory()
    report_set_flag(report_number=report.pk, flagged=True, actor=world.editor, reason="wrong date")
    report_set_flag(report_number=report.pk, flagged=True, actor=world.editor, reason="again")
    report_set_flag(report_number=report.pk, flagged=False, actor=world.editor)
    report.refresh_from_db()
    actions = list(
        AuditEvent.objects.filter(subject_id=report.pk, subject_type="incidents.report")
        .order_by("id")
        .values_list("action", "reason")
    )
    assert (report.flagged, actions) == (
        False,
        [("flag_report", "wrong date"), ("unflag_report", "")],
    )


# --- Pages and API ---------------------------------------------------------------------------


def test_it_merges_from_the_tool_page_after_confirmation(client, world, pair):
    client.force_login(world.editor)
    response = client.post(
        "/submit/editor/merge-incidents/",
        {
            "duplicate_id": pair[0].pk,
            "target_id": pair[1].pk,
            "reason": "same event",
            "confirmed": "yes",
        },
        follow=True,
    )
    assert (
        f'Incident {pair[0].pk} merged into <a href="/incidents/{pair[1].pk}/">incident '
        f"{pair[1].pk}</a>; its id redirects." in response.content.decode()
    )


def test_it_shows_a_refused_merge_on_the_tool_page(client, world, pair):
    client.force_login(world.editor)
    response = client.post(
        "/submit/editor/merge-incidents/",
        {"duplicate_id": pair[0].pk, "target_id": 999_999, "reason": "x"},
    )
    assert "No incident with id 999999." in response.content.decode()


def test_it_answers_404_for_an_unknown_tool(client, world):
    client.force_login(world.editor)
    assert client.get("/submit/editor/no-such-tool/").status_code == 404


@pytest.fixture
def editor_api(world):
    api = APIClient()
    api.force_authenticate(world.editor)
    return api


def test_it_merges_incidents_through_the_api(editor_api, pair):
    response = editor_api.post(
        f"/api/v1/incidents/{pair[0].pk}/merge/",
        {"into": pair[1].pk, "reason": "same"},
        format="json",
    )
    assert response.json() == {"id": pair[1].pk, "redirected": pair[0].pk}


def test_it_answers_400_for_an_unknown_merge_target(editor_api, pair):
    response = editor_api.post(
        f"/api/v1/incidents/{pair[0].pk}/merge/", {"into": 999_999, "reason": "x"}, format="json"
    )
    assert response.json() == {
        "errors": [{"field": "target_id", "message": "No incident with id 999999."}]
    }


@pytest.mark.parametrize("path", ["999999", "abc", "99999999999999999999"])
def test_it_answers_404_for_an_unknown_incident_in_the_path(editor_api, pair, path):
    response = editor_api.post(
        f"/api/v1/incidents/{path}/merge/", {"into": pair[1].pk, "reason": "x"}, format="json"
    )
    assert response.status_code == 404


def test_it_merges_entities_through_the_api(editor_api):
    EntityFactory(slug="fb", name="FB"), EntityFactory(slug="meta", name="Meta")
    response = editor_api.post(
        "/api/v1/entities/fb/merge/", {"into": "meta", "reason": "same"}, format="json"
    )
    assert response.json() == {"slug": "meta", "aliases": ["FB"], "redirected": "fb"}


def test_it_flags_a_report_through_the_api(editor_api):
    report = ReportFactory()
    response = editor_api.post(f"/api/v1/reports/{report.pk}/flag/", {}, format="json")
    assert response.json() == {
        "number": report.pk,
        "kind": "incident_report",
        "flagged": True,
        "incidents": [],
    }


def test_it_links_a_report_through_the_api(editor_api, pair):
    report = ReportFactory()
    response = editor_api.post(
        f"/api/v1/reports/{report.pk}/link/", {"incident_id": pair[0].pk}, format="json"
    )
    assert response.json()["incidents"] == [pair[0].pk]
