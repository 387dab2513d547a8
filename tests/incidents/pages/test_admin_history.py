import datetime

import pytest

from incidents.models import Incident, Report
from registry.models import AuditEvent
from tests.factories.incidents import EntityFactory, IncidentFactory, ReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(world):
    world.editor.is_staff = True
    world.editor.save(update_fields=["is_staff"])
    return world.editor


def incident_form(incident: Incident, **changes) -> dict:
    data = {
        "title": incident.title,
        "description": incident.description,
        "date": incident.date.isoformat() if incident.date else "",
        "date_precision": incident.date_precision,
        "editors": ",".join(incident.editors),
        "editor_notes": incident.editor_notes,
        "entity_links-TOTAL_FORMS": "0",
        "entity_links-INITIAL_FORMS": "0",
        "links_from-TOTAL_FORMS": "0",
        "links_from-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def events_of(instance) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(subject_type=instance._meta.label_lower, subject_id=instance.pk)
    )


def test_it_records_an_editors_change_field_by_field(client, editor):
    incident = IncidentFactory(title="Old title", date=datetime.date(2020, 1, 15))
    client.force_login(editor)

    response = client.post(
        f"/admin/incidents/incident/{incident.id}/change/",
        incident_form(incident, title="New title", date_precision="month"),
    )

    assert response.status_code == 302
    [event] = events_of(incident)
    assert (event.actor_id, event.action) == (editor.id, "changed")
    assert event.data == {
        "changes": {
            "title": {"from": "Old title", "to": "New title"},
            "date_precision": {"from": "day", "to": "month"},
        }
    }


def test_it_records_entity_roles_edited_inline(client, editor):
    incident = IncidentFactory()
    entity = EntityFactory(slug="acme")
    client.force_login(editor)

    client.post(
        f"/admin/incidents/incident/{incident.id}/change/",
        incident_form(
            incident,
            **{
                "entity_links-TOTAL_FORMS": "1",
                "entity_links-0-entity": str(entity.pk),
                "entity_links-0-role": "deployer",
            },
        ),
    )

    [event] = events_of(incident)
    assert event.data["changes"] == {"entities": {"from": [], "to": ["deployer:acme"]}}


def test_it_records_nothing_when_nothing_changed(client, editor):
    incident = IncidentFactory()
    client.force_login(editor)

    client.post(f"/admin/incidents/incident/{incident.id}/change/", incident_form(incident))

    assert events_of(incident) == []


def test_it_records_a_reports_incidents(client, editor):
    incident = IncidentFactory()
    report = ReportFactory(title="Face match error")
    client.force_login(editor)

    response = client.post(
        f"/admin/incidents/report/{report.number}/change/",
        {
            "title": report.title,
            "text": report.text,
            "url": report.url,
            "source_domain": report.source_domain,
            "language": "en",
            "kind": "incident_report",
            "date_published": "2020-01-20",
            "incidents": [str(incident.id)],
            "authors": "",
            "submitters": "",
            "tags": "",
        },
    )

    assert response.status_code == 302
    [event] = events_of(report)
    assert event.data["changes"] == {"incidents": {"from": [], "to": [incident.id]}}


def test_it_records_a_deletion_with_the_last_state(client, editor):
    report = ReportFactory(title="Spam")
    number = report.number
    client.force_login(editor)

    client.post(f"/admin/incidents/report/{number}/delete/", {"post": "yes"})

    assert not Report.objects.filter(pk=number).exists()
    event = AuditEvent.objects.get(subject_type="incidents.report", subject_id=number)
    assert (event.action, event.data["before"]["title"]) == ("deleted", "Spam")


def test_it_shows_the_history_of_an_incident(client, editor):
    incident = IncidentFactory(title="Old title")
    client.force_login(editor)
    client.post(
        f"/admin/incidents/incident/{incident.id}/change/",
        incident_form(incident, title="New title"),
    )

    response = client.get(f"/admin/incidents/incident/{incident.id}/history/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<td>title</td><td>Old title</td><td>New title</td>" in html
    assert "<td>edna</td>" in html


def test_it_keeps_researchers_out_of_the_catalog_admin(client, world):
    world.researcher.is_staff = True
    world.researcher.save(update_fields=["is_staff"])
    incident = IncidentFactory()
    client.force_login(world.researcher)

    response = client.get(f"/admin/incidents/incident/{incident.id}/change/")

    assert response.status_code == 403


def classification_form(taxonomy, incident, field, value: str) -> dict:
    return {
        "taxonomy": str(taxonomy.pk),
        "incident": str(incident.id),
        "report": "",
        "publish": "on",
        "notes": "",
        "values-TOTAL_FORMS": "1",
        "values-INITIAL_FORMS": "0",
        "values-0-field": str(field.pk),
        "values-0-value": value,
    }


def test_it_keeps_facets_in_step_with_values_edited_in_the_admin(client, editor):
    from incidents.models import Classification
    from tests.factories.catalog import TaxonomyFieldFactory

    field = TaxonomyFieldFactory(
        taxonomy__namespace="MIT", short_name="Risk Domain", permitted_values=["3. Misinformation"]
    )
    incident = IncidentFactory()
    client.force_login(editor)

    response = client.post(
        "/admin/incidents/classification/add/",
        classification_form(field.taxonomy, incident, field, '"3. Misinformation"'),
    )

    assert response.status_code == 302
    assert Classification.objects.get(incident=incident).facets == [
        "MIT:Risk Domain:3. Misinformation"
    ]


def test_it_refuses_a_value_outside_the_permitted_ones_in_the_admin(client, editor):
    from incidents.models import Classification
    from tests.factories.catalog import TaxonomyFieldFactory

    field = TaxonomyFieldFactory(
        taxonomy__namespace="MIT", short_name="Risk Domain", permitted_values=["3. Misinformation"]
    )
    incident = IncidentFactory()
    client.force_login(editor)

    response = client.post(
        "/admin/incidents/classification/add/",
        classification_form(field.taxonomy, incident, field, '"9. Made up"'),
    )

    assert response.status_code == 200
    assert "is not one of its permitted values" in response.content.decode()
    assert not Classification.objects.filter(incident=incident).exists()
