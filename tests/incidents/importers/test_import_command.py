"""The management command: its JSON summary, its human summary and its exit on fatal errors."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from tests.factories.aiid import MIT_ROBUSTNESS, AiidSnapshot


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_aiid", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_it_prints_the_summary_as_json(tmp_path):
    snapshot = AiidSnapshot().incident(1, reports=[1], deployers=["acme"]).report(1)
    snapshot.incident(2, date="someday").classification("MIT", 1, MIT_ROBUSTNESS)
    snapshot.duplicate(9, 1)
    output = json.loads(run(str(snapshot.write(tmp_path)), "--json"))
    assert output == {
        "incidents": {"created": 1, "updated": 0, "unchanged": 0},
        "reports": {"created": 1, "updated": 0, "unchanged": 0},
        "entities": {"created": 1, "updated": 0, "unchanged": 0},
        "classifications": {"created": 1, "updated": 0, "unchanged": 0},
        "duplicates": {"created": 1, "updated": 0, "unchanged": 0},
        "submissions": {"created": 0, "updated": 0, "unchanged": 0},
        "errors": [
            {
                "file": "incidents.csv",
                "line": 3,
                "message": "date 'someday' is not a date (YYYY-MM-DD); row skipped",
            }
        ],
    }


@pytest.mark.django_db
def test_it_says_so_when_nothing_changed(tmp_path):
    folder = str(AiidSnapshot().incident(1).write(tmp_path))
    run(folder)
    assert "Nothing changed: the database already matches the snapshot." in run(folder)


@pytest.mark.django_db
def test_it_prints_the_licence_of_the_data(tmp_path):
    output = run(str(AiidSnapshot().incident(1).write(tmp_path)))
    assert "shared under (CC BY-SA 4.0)" in output


@pytest.mark.django_db
def test_it_exits_with_an_error_on_a_fatal_problem(tmp_path):
    with pytest.raises(CommandError, match="incidents.csv not found .* Nothing was imported."):
        run(str(tmp_path))
