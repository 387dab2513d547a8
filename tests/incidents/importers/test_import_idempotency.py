"""A second run of the same snapshot changes nothing; a changed snapshot updates what changed."""

from __future__ import annotations

from incidents.models import Incident, Report
from tests.factories.aiid import MIT_ROBUSTNESS, AiidSnapshot


def full_snapshot() -> AiidSnapshot:
    snapshot = AiidSnapshot()
    snapshot.incident(1, reports=[1, 2], deployers=["acme"], harmed=["riders"])
    snapshot.incident(2, reports=[3])
    snapshot.incident(3).duplicate(3, 1)
    snapshot.report(1).report(2, tags=["response"]).report(3).report(4)
    snapshot.classification("MIT", 1, MIT_ROBUSTNESS).classification("MIT", 2, MIT_ROBUSTNESS)
    snapshot.submission(url="https://example.org/a")
    return snapshot


def unchanged(n: int) -> dict[str, int]:
    return {"created": 0, "updated": 0, "unchanged": n}


def test_it_changes_nothing_on_a_second_run(run_import, tmp_path):
    folder = full_snapshot().write(tmp_path)
    run_import(folder)
    second = run_import(folder).as_json()
    assert second == {
        "incidents": unchanged(2),
        "reports": unchanged(4),
        "entities": unchanged(2),
        "classifications": unchanged(2),
        "duplicates": unchanged(1),
        "submissions": unchanged(1),
        "errors": [],
    }


def test_it_does_not_touch_rows_on_a_second_run(run_import, tmp_path):
    folder = full_snapshot().write(tmp_path)
    run_import(folder)
    before = dict(Report.objects.values_list("number", "modified_at"))
    run_import(folder)
    assert dict(Report.objects.values_list("number", "modified_at")) == before


def test_it_says_that_nothing_changed(run_import, tmp_path):
    folder = full_snapshot().write(tmp_path)
    run_import(folder)
    assert run_import(folder).changed is False


def test_it_updates_only_the_rows_that_changed(run_import, tmp_path):
    run_import(full_snapshot().write(tmp_path / "one"))
    changed = full_snapshot()
    changed.incidents[1][8] = "A corrected title"
    changed.reports[0][17] = "A corrected text."
    summary = run_import(changed.write(tmp_path / "two"))
    assert (summary.incidents.as_dict(), summary.reports.as_dict()) == (
        {"created": 0, "updated": 1, "unchanged": 1},
        {"created": 0, "updated": 1, "unchanged": 3},
    )
    assert (Incident.objects.get(id=2).title, Report.objects.get(number=1).text) == (
        "A corrected title",
        "A corrected text.",
    )


def test_it_counts_an_incident_that_gained_a_report_as_updated(run_import, tmp_path):
    run_import(full_snapshot().write(tmp_path / "one"))
    grown = full_snapshot()
    grown.incidents[1][3] = "[3,4]"
    summary = run_import(grown.write(tmp_path / "two"))
    assert summary.incidents.as_dict() == {"created": 0, "updated": 1, "unchanged": 1}
    assert sorted(Incident.objects.get(id=2).reports.values_list("number", flat=True)) == [3, 4]
