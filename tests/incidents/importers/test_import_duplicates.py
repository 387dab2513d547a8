"""duplicates.csv: a merged incident keeps its id as a redirect to the one that absorbed it."""

from __future__ import annotations

from incidents.models import Classification, Incident, IncidentEntity, IncidentRedirect
from registry.models import AuditEvent
from tests.factories.aiid import MIT_ROBUSTNESS, AiidSnapshot


def redirects() -> dict[int, int]:
    return dict(IncidentRedirect.objects.values_list("old_id", "target_id"))


def test_it_turns_duplicates_into_redirects(run_import, tmp_path):
    snapshot = AiidSnapshot().incident(120).duplicate(237, 120)
    summary = run_import(snapshot.write(tmp_path))
    assert (redirects(), summary.duplicates.created) == ({237: 120}, 1)


def test_it_merges_a_duplicate_that_has_its_own_row(run_import, tmp_path):
    snapshot = AiidSnapshot()
    snapshot.incident(120, reports=[1], deployers=["acme"])
    snapshot.incident(237, reports=[2], harmed=["riders"]).duplicate(237, 120)
    snapshot.report(1).report(2)
    run_import(snapshot.write(tmp_path))
    assert list(Incident.objects.values_list("id", flat=True)) == [120]
    assert sorted(Incident.objects.get(id=120).reports.values_list("number", flat=True)) == [1, 2]
    assert sorted(IncidentEntity.objects.values_list("entity__slug", "role")) == [
        ("acme", "deployer"),
        ("riders", "harmed"),
    ]


def test_it_resolves_chains_of_duplicates(run_import, tmp_path):
    snapshot = AiidSnapshot().incident(1057).duplicate(342, 88).duplicate(88, 1057)
    run_import(snapshot.write(tmp_path))
    assert redirects() == {342: 1057, 88: 1057}


def test_it_reports_a_duplicate_of_an_unknown_incident(run_import, tmp_path):
    snapshot = AiidSnapshot().incident(1).duplicate(237, 120)
    summary = run_import(snapshot.write(tmp_path))
    assert [e.as_dict() for e in summary.errors] == [
        {
            "file": "duplicates.csv",
            "line": 2,
            "message": "incident 237 is a duplicate of 120, which is neither in the snapshot "
            "nor in the database; not merged",
        }
    ]
    assert redirects() == {}


def test_it_reports_a_cycle_of_duplicates(run_import, tmp_path):
    snapshot = AiidSnapshot().incident(1).duplicate(5, 6).duplicate(6, 5)
    summary = run_import(snapshot.write(tmp_path))
    assert [e.message for e in summary.errors] == [
        "duplicates form a cycle: 5 -> 6 -> 5",
        "duplicates form a cycle: 6 -> 5 -> 6",
    ]


def test_it_merges_an_incident_imported_before_it_became_a_duplicate(run_import, tmp_path):
    before = AiidSnapshot().incident(120).incident(237, reports=[2]).report(2)
    before.classification("MIT", 237, MIT_ROBUSTNESS)
    run_import(before.write(tmp_path / "one"))
    after = AiidSnapshot().incident(120).incident(237, reports=[2]).report(2)
    after.duplicate(237, 120)
    summary = run_import(after.write(tmp_path / "two"))
    assert list(Incident.objects.values_list("id", flat=True)) == [120]
    assert list(Incident.objects.get(id=120).reports.values_list("number", flat=True)) == [2]
    assert list(Classification.objects.values_list("incident_id", flat=True)) == [120]
    assert (redirects(), summary.duplicates.created) == ({237: 120}, 1)
    assert AuditEvent.objects.filter(action="incident.merge", subject_id=120).count() == 1


def test_it_counts_classification_rows_of_a_duplicate_for_its_target(run_import, tmp_path):
    snapshot = AiidSnapshot().incident(120).duplicate(237, 120)
    snapshot.classification("MIT", 237, MIT_ROBUSTNESS)
    run_import(snapshot.write(tmp_path))
    assert list(Classification.objects.values_list("incident_id", flat=True)) == [120]


def test_it_links_a_duplicates_reports_to_a_target_from_an_earlier_import(run_import, tmp_path):
    run_import(AiidSnapshot().incident(120).write(tmp_path / "one"))
    later = AiidSnapshot().incident(237, reports=[5]).report(5).duplicate(237, 120)
    run_import(later.write(tmp_path / "two"))
    assert list(Incident.objects.get(id=120).reports.values_list("number", flat=True)) == [5]
