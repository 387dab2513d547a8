"""The demo data: enough real incidents to explore, loaded idempotently by `load_demo`."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from incidents.importers import demo
from incidents.models import Classification, Entity, Incident, IncidentEntity, Report
from registry.management.commands import load_demo

pytestmark = pytest.mark.django_db


def test_it_loads_at_least_30_incidents_and_60_reports():
    demo.load()
    assert Incident.objects.filter(source="demo").count() >= 30
    assert Report.objects.filter(source="demo").count() >= 60


def test_it_changes_nothing_the_second_time():
    first = demo.load()
    second = demo.load()
    assert {kind: counts["created"] for kind, counts in first.items() if kind != "notes"} == {
        "entities": Entity.objects.count(),
        "incidents": Incident.objects.count(),
        "reports": Report.objects.count(),
        "classifications": Classification.objects.count(),
    }
    assert all(
        counts["created"] == counts["updated"] == 0
        for kind, counts in second.items()
        if kind != "notes"
    )


def test_it_links_every_demo_report_to_an_incident():
    demo.load()
    assert not Report.objects.filter(incidents__isnull=True).exists()


def test_it_classifies_every_demo_incident_in_the_mit_taxonomy():
    demo.load()
    mit = Classification.objects.filter(taxonomy__namespace="MIT")
    assert mit.count() == Incident.objects.count()
    assert all(any(f.startswith("MIT:Risk Domain:") for f in c.facets) for c in mit)


def test_it_names_entities_and_their_roles():
    demo.load()
    links = IncidentEntity.objects.filter(incident__title__startswith="Self-driving test car")
    assert sorted(links.values_list("entity__name", "role")) == [
        ("Elaine Herzberg", "harmed"),
        ("Pedestrians", "harmed"),
        ("Uber", "deployer"),
        ("Uber", "developer"),
    ]


def test_it_leaves_an_incident_of_another_source_alone():
    Incident.objects.create(id=1, title="Imported from the AIID", source="aiid")
    result = demo.load()
    assert Incident.objects.get(id=1).title == "Imported from the AIID"
    assert "incident 1 exists (source: aiid); left alone" in result["notes"]


def test_it_continues_ids_after_the_demo_data():
    demo.load()
    highest = max(Incident.objects.values_list("id", flat=True))
    assert Incident.objects.create(title="A new incident").id == highest + 1


def test_the_command_says_when_nothing_changed(monkeypatch):
    monkeypatch.setattr(load_demo, "DEMO_LOADERS", ("incidents.importers.demo.load",))
    call_command("load_demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "nothing changed, the demo data is already loaded" in out.getvalue()


def test_the_command_skips_a_loader_that_does_not_exist_yet(monkeypatch):
    monkeypatch.setattr(load_demo, "DEMO_LOADERS", ("someapp.demo.load",))
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert out.getvalue() == "someapp.demo.load: not available, skipped\n"
