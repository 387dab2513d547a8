from pathlib import Path

import pytest

from incidents.importers.csvfile import (
    BACKSLASH_DIALECT,
    STANDARD_DIALECT,
    CsvFile,
    CsvHeaderError,
    ImportProblem,
)


def read(tmp_path: Path, text: str, dialect=STANDARD_DIALECT):  # noqa: ANN001, ANN201
    path = tmp_path / "incidents.csv"
    path.write_text(text, encoding="utf-8", newline="")
    problems: list[ImportProblem] = []
    csv_file = CsvFile(path, dialect=dialect, problems=problems)
    return [(row.line, row.cells) for row in csv_file.rows()], problems


def test_it_numbers_rows_by_the_line_they_start_on(tmp_path):
    rows, _ = read(tmp_path, 'a,b\n1,"two\nlines"\n3,x\n')
    assert rows == [(2, ["1", "two\nlines"]), (4, ["3", "x"])]


def test_it_skips_a_row_with_broken_quoting_and_reads_on(tmp_path):
    rows, problems = read(tmp_path, 'a,b\n1,"open "quote here\n2,fine\n')
    assert rows == [(3, ["2", "fine"])]
    assert [(p.line, p.message.split(" (")[0]) for p in problems] == [(2, "broken quoting")]


def test_it_recovers_when_an_unclosed_quote_runs_to_the_end(tmp_path):
    rows, problems = read(tmp_path, 'a,b\n1,fine\n2,"never closed\n3,also fine\n')
    assert rows == [(2, ["1", "fine"]), (4, ["3", "also fine"])]
    assert [p.line for p in problems] == [3]


def test_it_reports_a_row_with_the_wrong_number_of_cells(tmp_path):
    rows, problems = read(tmp_path, "a,b\n1,2,3\n4,5\n")
    assert rows == [(3, ["4", "5"])]
    assert problems == [ImportProblem("incidents.csv", 2, "expected 2 cells, found 3; row skipped")]


def test_it_unescapes_backslashes_in_reports_csv(tmp_path):
    rows, _ = read(tmp_path, '"a","b"\n"say \\"hi\\"","back\\\\slash"\n', BACKSLASH_DIALECT)
    assert rows == [(2, ['say "hi"', "back\\slash"])]


def test_it_refuses_a_file_without_the_required_columns(tmp_path):
    path = tmp_path / "incidents.csv"
    path.write_text("id,name\n1,x\n", encoding="utf-8")
    csv_file = CsvFile(path, dialect=STANDARD_DIALECT, problems=[])
    with pytest.raises(CsvHeaderError, match="missing 'incident_id'"):
        csv_file.require_columns(("incident_id",))


def test_it_refuses_an_empty_file(tmp_path):
    path = tmp_path / "incidents.csv"
    path.write_text("", encoding="utf-8")
    with pytest.raises(CsvHeaderError, match="is empty"):
        CsvFile(path, dialect=STANDARD_DIALECT, problems=[])
