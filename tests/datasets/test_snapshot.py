from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from datasets import classifications as classification_files
from datasets.snapshot import SnapshotError, export_snapshot
from tests.factories.api import RISK_DOMAIN, build_catalog, make_incident
from tests.factories.emissions import DisclosureFactory

pytestmark = pytest.mark.django_db(transaction=True)

EXPECTED_FILES = [
    "CITATION.cff",
    "LICENSE",
    "classifications/MIT.csv",
    "classifications/MIT.jsonl",
    "disclosures.csv",
    "disclosures.jsonl",
    "entities.csv",
    "entities.jsonl",
    "incidents.csv",
    "incidents.jsonl",
    "mongodump_full_snapshot/classifications_MIT.csv",
    "mongodump_full_snapshot/duplicates.csv",
    "mongodump_full_snapshot/incidents.csv",
    "mongodump_full_snapshot/license.txt",
    "mongodump_full_snapshot/quickadd.csv",
    "mongodump_full_snapshot/reports.csv",
    "mongodump_full_snapshot/submissions.csv",
    "reports.csv",
    "reports.jsonl",
    "system_footprints.csv",
    "system_footprints.jsonl",
]


def read_csv(path: Path, **dialect) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, **dialect))


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def snapshot(tmp_path):  # noqa: ANN001, ANN201
    build_catalog()
    return export_snapshot(tmp_path / "2026-01-01")


def test_it_writes_every_file_and_lists_it_in_the_manifest(snapshot):
    manifest = json.loads((snapshot.path / "manifest.json").read_text())
    assert [entry["path"] for entry in manifest["files"]] == EXPECTED_FILES
    on_disk = sorted(
        str(p.relative_to(snapshot.path)) for p in snapshot.path.rglob("*") if p.is_file()
    )
    archive = f"{snapshot.path.name}.zip"  # listed apart, as the manifest's "archive"
    assert on_disk == sorted([*EXPECTED_FILES, "manifest.json", archive])
    assert manifest["archive"]["path"] == archive


def test_it_records_true_sizes_and_checksums(snapshot):
    manifest = json.loads((snapshot.path / "manifest.json").read_text())
    for entry in manifest["files"]:
        content = (snapshot.path / entry["path"]).read_bytes()
        assert (entry["bytes"], entry["sha256"]) == (
            len(content),
            hashlib.sha256(content).hexdigest(),
        ), entry["path"]


def test_it_counts_rows(snapshot):
    assert snapshot.rows("incidents.csv") == 2
    assert snapshot.rows("reports.jsonl") == 3
    assert snapshot.rows("entities.csv") == 5
    assert snapshot.rows("classifications/MIT.csv") == 1
    assert snapshot.rows("mongodump_full_snapshot/reports.csv") == 3


def test_it_writes_incidents_as_csv_with_json_lists(snapshot):
    rows = read_csv(snapshot.path / "incidents.csv")
    shuttle = rows[0]
    assert shuttle["title"] == "Self-driving shuttle collides with a truck"
    assert json.loads(shuttle["deployers"]) == ["keolis"]
    assert json.loads(shuttle["harmed_parties"]) == ["bus-passengers"]
    assert len(json.loads(shuttle["reports"])) == 2
    assert shuttle["date"] == "2017-11-08"


def test_it_spells_booleans_as_words_in_csv(snapshot):
    assert [row["flagged"] for row in read_csv(snapshot.path / "reports.csv")] == ["false"] * 3


def test_it_writes_reports_as_json_lines(snapshot):
    reports = read_jsonl(snapshot.path / "reports.jsonl")
    assert [r["kind"] for r in reports] == ["incident_report", "incident_report", "issue"]
    assert reports[2]["incidents"] == []
    assert reports[0]["authors"] == ["Ann Writer"]
    assert reports[0]["flagged"] is False


def test_it_defuses_formula_cells_in_csv_but_not_in_json_lines(tmp_path, db):
    make_incident("=cmd|' /C calc'!A0")
    snapshot = export_snapshot(tmp_path / "s")
    assert read_csv(snapshot.path / "incidents.csv")[0]["title"] == "'=cmd\\|' /C calc'!A0"
    assert read_jsonl(snapshot.path / "incidents.jsonl")[0]["title"] == "=cmd|' /C calc'!A0"


def test_it_exports_published_classifications_with_public_fields_only(snapshot):
    rows = read_csv(snapshot.path / "classifications/MIT.csv")
    assert rows == [
        {
            "incident_id": rows[0]["incident_id"],
            "report_number": "",
            "Risk Domain": RISK_DOMAIN,
            "Intent": "Unintentional",
        }
    ]


def test_it_exports_verified_disclosures_only(tmp_path, db):
    DisclosureFactory(model_name="Verified model", state="verified")
    DisclosureFactory(model_name="Draft model", state="draft")
    DisclosureFactory(model_name="Submitted model", state="submitted")
    snapshot = export_snapshot(tmp_path / "s")
    rows = read_csv(snapshot.path / "disclosures.csv")
    assert [row["model_name"] for row in rows] == ["Verified model"]
    assert read_jsonl(snapshot.path / "disclosures.jsonl")[0]["runs"][0]["accelerator"] == "TPU v3"


def test_it_refuses_a_target_that_holds_files(tmp_path, db):
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "keep.txt").write_text("mine")
    with pytest.raises(SnapshotError, match="already exists"):
        export_snapshot(tmp_path / "s")


def test_it_refuses_to_run_inside_a_transaction(tmp_path, db):
    with transaction.atomic(), pytest.raises(SnapshotError, match="outside transaction"):
        export_snapshot(tmp_path / "s")


def test_it_publishes_nothing_when_interrupted_half_way(tmp_path, db, monkeypatch):
    build_catalog()

    def interrupted(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise KeyboardInterrupt

    monkeypatch.setattr(classification_files, "write_aiid", interrupted)
    with pytest.raises(KeyboardInterrupt):
        export_snapshot(tmp_path / "s")
    assert list(tmp_path.iterdir()) == []


def test_it_runs_as_a_management_command(tmp_path, db, capsys):
    build_catalog()
    call_command("export_snapshot", str(tmp_path / "cmd"))
    assert (tmp_path / "cmd" / "manifest.json").is_file()
    assert "Snapshot written to" in capsys.readouterr().out
