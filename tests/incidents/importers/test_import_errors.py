"""Bad input: fatal errors import nothing; malformed rows are reported and skipped."""

from __future__ import annotations

import pytest

from incidents.importers import aiid
from incidents.importers.aiid import ImportFailed
from incidents.importers.csvfile import CsvHeaderError
from incidents.models import Entity, Incident, Report
from tests.factories.aiid import AiidSnapshot


def catalog_counts() -> tuple[int, int, int]:
    return Incident.objects.count(), Report.objects.count(), Entity.objects.count()


def test_it_fails_without_incidents_csv(run_import, tmp_path):
    (tmp_path / "mongodump_full_snapshot").mkdir()
    with pytest.raises(ImportFailed, match="incidents.csv not found"):
        run_import(tmp_path)


def test_it_fails_on_an_unreadable_tarball(run_import, tmp_path):
    broken = tmp_path / "backup-20260105093000.tar.bz2"
    broken.write_bytes(b"BZh91AY&SY this is not a tarball")
    with pytest.raises(ImportFailed, match="cannot read the tarball"):
        run_import(broken)
    assert catalog_counts() == (0, 0, 0)


def test_it_fails_on_a_wrong_incidents_header(run_import, tmp_path):
    folder = tmp_path / "snap"
    folder.mkdir()
    (folder / "incidents.csv").write_text("id,name\n1,x\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="missing 'incident_id'"):
        run_import(folder)


def test_it_fails_on_a_wrong_reports_header_and_writes_nothing(run_import, tmp_path):
    snapshot = AiidSnapshot().incident(1, deployers=["acme"])
    folder = snapshot.write(tmp_path)
    (folder / "mongodump_full_snapshot" / "reports.csv").write_text("number,title\n1,x\n")
    with pytest.raises(ImportFailed, match="reports.csv does not have the expected header"):
        run_import(folder)
    assert catalog_counts() == (0, 0, 0)


def test_it_rolls_back_everything_on_a_late_fatal_error(run_import, tmp_path, monkeypatch):
    snapshot = AiidSnapshot().incident(1, reports=[1], deployers=["acme"]).report(1)

    def fail() -> None:
        raise CsvHeaderError("simulated failure after the rows were written")

    monkeypatch.setattr(aiid, "reset_id_sequences", fail)
    with pytest.raises(ImportFailed, match="simulated failure"):
        run_import(snapshot.write(tmp_path))
    assert catalog_counts() == (0, 0, 0)


def problems(summary) -> list[tuple[str, int, str]]:  # noqa: ANN001
    return [(e.file, e.line, e.message) for e in summary.errors]


def test_it_skips_an_incident_with_a_bad_date_and_imports_the_rest(run_import, tmp_path):
    snapshot = AiidSnapshot().incident(1).incident(2, date="2019-02-30").incident(3)
    summary = run_import(snapshot.write(tmp_path))
    assert problems(summary) == [
        ("incidents.csv", 3, "date '2019-02-30' is not a date (YYYY-MM-DD); row skipped")
    ]
    assert sorted(Incident.objects.values_list("id", flat=True)) == [1, 3]


def test_it_skips_a_non_integer_incident_id(run_import, tmp_path):
    snapshot = AiidSnapshot().incident("12b").incident(2)
    summary = run_import(snapshot.write(tmp_path))
    assert problems(summary) == [
        ("incidents.csv", 2, "incident_id '12b' is not a whole number; row skipped")
    ]
    assert list(Incident.objects.values_list("id", flat=True)) == [2]


def test_it_keeps_the_first_of_two_rows_with_the_same_id(run_import, tmp_path):
    snapshot = AiidSnapshot().incident(7, title="First").incident(7, title="Second")
    summary = run_import(snapshot.write(tmp_path))
    assert problems(summary) == [
        ("incidents.csv", 3, "duplicate incident_id 7 (first on line 2); row skipped")
    ]
    assert Incident.objects.get(id=7).title == "First"


def test_it_skips_a_duplicate_report_number(run_import, tmp_path):
    snapshot = AiidSnapshot().incident(1, reports=[5]).report(5, title="One").report(5)
    summary = run_import(snapshot.write(tmp_path))
    assert problems(summary) == [
        ("reports.csv", 5, "duplicate report_number 5 (first on line 2); row skipped")
    ]
    assert Report.objects.get(number=5).title == "One"


def test_it_reports_a_bad_report_date_with_its_line(run_import, tmp_path):
    snapshot = AiidSnapshot().incident(1, reports=[1, 2])
    snapshot.report(1, text="First line\nsecond line\nthird line").report(2, date_published="soon")
    summary = run_import(snapshot.write(tmp_path))
    assert problems(summary) == [
        ("reports.csv", 5, "date_published 'soon' is not a date (YYYY-MM-DD); row skipped")
    ]
    assert list(Report.objects.values_list("number", flat=True)) == [1]


def test_it_skips_a_row_with_broken_quoting_and_imports_the_rest(run_import, tmp_path):
    snapshot = AiidSnapshot().incident(1)
    snapshot.raw("incidents.csv", 'ObjectId(0),2,2020-01-01,[],[],[],[],"broken "quote,Title\n')
    snapshot.incident(3)
    summary = run_import(snapshot.write(tmp_path))
    assert [(file, line) for file, line, _ in problems(summary)] == [("incidents.csv", 3)]
    assert summary.errors[0].message.startswith("broken quoting")
    assert sorted(Incident.objects.values_list("id", flat=True)) == [1, 3]


def test_it_skips_a_report_with_broken_quoting_and_imports_the_rest(run_import, tmp_path):
    snapshot = AiidSnapshot().incident(1, reports=[1, 3]).report(1)
    snapshot.raw("reports.csv", '"x","unterminated\n')
    snapshot.report(3)
    summary = run_import(snapshot.write(tmp_path))
    assert [(file, line) for file, line, _ in problems(summary)] == [("reports.csv", 5)]
    assert sorted(Report.objects.values_list("number", flat=True)) == [1, 3]


def test_it_reports_a_row_with_too_many_cells(run_import, tmp_path):
    snapshot = (
        AiidSnapshot().incident(1).raw("incidents.csv", "x,2,2020-01-01,[],[],[],[],d,t,extra\n")
    )
    summary = run_import(snapshot.write(tmp_path))
    assert problems(summary) == [("incidents.csv", 3, "expected 9 cells, found 10; row skipped")]


def test_it_reports_an_entity_cell_that_is_not_a_json_array(run_import, tmp_path):
    snapshot = AiidSnapshot().incident(1)
    snapshot.incidents[0][4] = "youtube"
    summary = run_import(snapshot.write(tmp_path))
    assert problems(summary) == [
        (
            "incidents.csv",
            2,
            "Alleged deployer of AI system 'youtube' is not a JSON array; row skipped",
        )
    ]


def test_it_skips_an_optional_file_with_a_wrong_header(run_import, tmp_path):
    snapshot = AiidSnapshot().incident(1)
    folder = snapshot.write(tmp_path)
    (folder / "mongodump_full_snapshot" / "duplicates.csv").write_text("a,b\n1,2\n")
    summary = run_import(folder)
    assert [(e.file, e.line) for e in summary.errors] == [("duplicates.csv", 1)]
    assert Incident.objects.count() == 1
