"""The importer on snapshots written in the AIID format: what lands in the catalog."""

from __future__ import annotations

import datetime

from incidents.models import (
    Entity,
    Incident,
    IncidentEntity,
    Report,
    ReportKind,
    Submission,
)
from incidents.models.catalog import AIID_ATTRIBUTION, AIID_LICENSE
from tests.factories.aiid import AiidSnapshot


def test_it_imports_incidents_with_their_fields(snapshot, run_import, tmp_path):
    snapshot.incident(
        4,
        title="Self-driving test car kills a pedestrian",
        date="2018-03-18",
        description='A test vehicle "in autonomous mode", at night.',
    )
    run_import(snapshot.write(tmp_path))
    incident = Incident.objects.get(id=4)
    assert (incident.title, incident.date, incident.date_precision, incident.description) == (
        "Self-driving test car kills a pedestrian",
        datetime.date(2018, 3, 18),
        "day",
        'A test vehicle "in autonomous mode", at night.',
    )


def test_it_records_the_aiid_provenance_on_imported_rows(snapshot, run_import, tmp_path):
    snapshot.incident(1, reports=[1], deployers=["acme"]).report(1)
    run_import(snapshot.write(tmp_path))
    for row in (Incident.objects.get(), Report.objects.get(), Entity.objects.get()):
        assert (row.source, row.source_license, row.source_attribution) == (
            "aiid",
            AIID_LICENSE,
            AIID_ATTRIBUTION,
        )


def test_it_keeps_the_licence_text_of_the_snapshot(snapshot, run_import, tmp_path):
    snapshot.incident(1)
    summary = run_import(snapshot.write(tmp_path))
    assert summary.license_text.startswith("Report contents are subject to their own")


def test_it_links_reports_to_incidents_from_incidents_csv(snapshot, run_import, tmp_path):
    snapshot.incident(1, reports=[10, 11]).incident(2, reports=[11])
    snapshot.report(10).report(11)
    run_import(snapshot.write(tmp_path))
    assert sorted(Report.incidents.through.objects.values_list("report_id", "incident_id")) == [
        (10, 1),
        (11, 1),
        (11, 2),
    ]


def test_it_reads_backslash_escaped_report_cells(snapshot, run_import, tmp_path):
    text = 'He said "stop" twice.\nA path: C:\\temp\\log, and *markdown* \\* escapes.'
    snapshot.incident(1, reports=[7]).report(
        7,
        title='The "robot" crashed, again',
        text=text,
        authors=["Jane Doe", "John Roe"],
        submitters=["Sam (CSET)"],
        tags=["autonomy"],
    )
    run_import(snapshot.write(tmp_path))
    report = Report.objects.get(number=7)
    assert (report.title, report.text, report.authors, report.submitters, report.tags) == (
        'The "robot" crashed, again',
        text,
        ["Jane Doe", "John Roe"],
        ["Sam (CSET)"],
        ["autonomy"],
    )


def test_it_reads_report_dates_given_as_iso_timestamps(snapshot, run_import, tmp_path):
    snapshot.incident(1, reports=[7]).report(7, date_published="2018-03-19T00:00:00.000Z")
    run_import(snapshot.write(tmp_path))
    report = Report.objects.get(number=7)
    assert (report.date_published, report.date_submitted, report.date_downloaded) == (
        datetime.date(2018, 3, 19),
        datetime.date(2020, 2, 1),
        datetime.date(2020, 2, 1),
    )


def test_it_falls_back_to_the_epoch_column_when_a_date_is_empty(snapshot, run_import, tmp_path):
    snapshot.incident(1, reports=[7]).report(7, date_published="")
    snapshot.reports[-1][9] = "1521417600"  # epoch_date_published
    run_import(snapshot.write(tmp_path))
    assert Report.objects.get(number=7).date_published == datetime.date(2018, 3, 19)


def test_it_normalises_report_urls(snapshot, run_import, tmp_path):
    snapshot.incident(1, reports=[7]).report(
        7, url="https://www.Example.com/story/?utm_source=x&id=3#top", source_domain=""
    )
    run_import(snapshot.write(tmp_path))
    report = Report.objects.get(number=7)
    assert (report.url_normalised, report.source_domain) == (
        "example.com/story?id=3",
        "example.com",
    )


def test_it_sets_report_kinds_from_links_and_tags(snapshot, run_import, tmp_path):
    snapshot.incident(1, reports=[1, 2, 3])
    snapshot.report(1).report(2, tags=["variant:approved"], title="", url="")
    snapshot.report(3, tags=["response"]).report(4)
    run_import(snapshot.write(tmp_path))
    assert dict(Report.objects.values_list("number", "kind")) == {
        1: ReportKind.INCIDENT_REPORT,
        2: ReportKind.VARIANT,
        3: ReportKind.RESPONSE,
        4: ReportKind.ISSUE,
    }


def test_it_creates_entities_named_after_their_slugs(snapshot, run_import, tmp_path):
    snapshot.incident(23, deployers=["keolis-north-america"], harmed=["bus-passengers"])
    run_import(snapshot.write(tmp_path))
    assert dict(Entity.objects.values_list("slug", "name")) == {
        "keolis-north-america": "Keolis North America",
        "bus-passengers": "Bus Passengers",
    }


def test_it_keeps_an_entity_name_an_editor_has_set(snapshot, run_import, tmp_path):
    Entity.objects.create(slug="openai", name="OpenAI", source="aiid")
    snapshot.incident(1, developers=["openai"])
    run_import(snapshot.write(tmp_path))
    assert Entity.objects.get(slug="openai").name == "OpenAI"


def test_it_links_entities_by_their_role(snapshot, run_import, tmp_path):
    snapshot.incident(
        1, deployers=["navya", "keolis"], developers=["navya"], harmed=["bus-passengers"]
    )
    run_import(snapshot.write(tmp_path))
    assert sorted(IncidentEntity.objects.values_list("entity__slug", "role")) == [
        ("bus-passengers", "harmed"),
        ("keolis", "deployer"),
        ("navya", "deployer"),
        ("navya", "developer"),
    ]


def test_it_imports_a_snapshot_without_reports_csv(snapshot, run_import, tmp_path):
    snapshot.with_reports_file = False
    snapshot.incident(1, reports=[1, 2])
    summary = run_import(snapshot.write(tmp_path))
    assert (Incident.objects.count(), Report.objects.count(), summary.errors) == (1, 0, [])


def test_it_reads_csvs_at_the_top_of_the_folder(snapshot, run_import, tmp_path):
    snapshot.incident(1)
    run_import(snapshot.write(tmp_path, nested=False))
    assert Incident.objects.count() == 1


def test_it_imports_submissions_into_the_queue(snapshot, run_import, tmp_path):
    snapshot.incident(1).submission(
        url="https://www.kcci.example/article/scam", authors=["Allie Jasinski"]
    )
    run_import(snapshot.write(tmp_path))
    submission = Submission.objects.get()
    assert (
        submission.state,
        submission.source,
        submission.authors,
        submission.submitter_name,
        submission.url_normalised,
    ) == ("new", "aiid", ["Allie Jasinski"], "Sam Submitter", "kcci.example/article/scam")


def test_it_refreshes_search_documents_of_imported_rows(snapshot, run_import, tmp_path):
    snapshot.incident(1, reports=[1], title="Chatbot invents a refund policy").report(1)
    run_import(snapshot.write(tmp_path))
    assert Incident.objects.filter(search_vector__isnull=False).count() == 1
    assert Report.objects.filter(search_vector__isnull=False).count() == 1


def test_it_continues_incident_ids_after_the_highest(snapshot, run_import, tmp_path):
    snapshot.incident(5).incident(40)
    run_import(snapshot.write(tmp_path))
    assert Incident.objects.create(title="A new incident").id == 41


def test_it_continues_report_numbers_after_the_highest(snapshot, run_import, tmp_path):
    snapshot.incident(1, reports=[900]).report(900)
    run_import(snapshot.write(tmp_path))
    assert Report.objects.create(title="A new report").number == 901


def test_it_never_reuses_the_id_of_a_merged_duplicate(snapshot, run_import, tmp_path):
    snapshot.incident(5).duplicate(60, 5)
    run_import(snapshot.write(tmp_path))
    assert Incident.objects.create(title="A new incident").id == 61


def test_it_leaves_incidents_created_in_the_registry_alone(snapshot, run_import, tmp_path):
    Incident.objects.create(id=3, title="Registered here", source="registry")
    snapshot.incident(3, title="From the AIID")
    summary = run_import(snapshot.write(tmp_path))
    assert Incident.objects.get(id=3).title == "Registered here"
    assert [e.as_dict() for e in summary.errors] == [
        {
            "file": "incidents.csv",
            "line": 2,
            "message": "incident 3 exists and was not imported from the AIID "
            "(source: registry); left unchanged",
        }
    ]


def test_it_imports_from_a_tarball(snapshot, run_import, tmp_path):
    snapshot.incident(1, reports=[1]).report(1)
    summary = run_import(snapshot.tarball(tmp_path))
    assert (summary.incidents.created, summary.reports.created) == (1, 1)


def test_it_never_writes_tarball_members_outside_its_temporary_folder(run_import, tmp_path):
    snapshot = AiidSnapshot().incident(1)
    (tmp_path / "archive").mkdir()
    archive = snapshot.tarball(
        tmp_path / "archive",
        extra={"../escaped.csv": b"a,b\n", f"{tmp_path}/absolute.csv": b"a,b\n"},
    )
    run_import(archive)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archive"]


def test_it_creates_no_entities_for_an_incident_it_left_alone(snapshot, run_import, tmp_path):
    Incident.objects.create(id=3, title="Registered here", source="registry")
    snapshot.incident(3, deployers=["acme"])
    run_import(snapshot.write(tmp_path))
    assert (Entity.objects.count(), IncidentEntity.objects.count()) == (0, 0)
