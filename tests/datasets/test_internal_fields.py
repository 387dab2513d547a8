"""Annotation bookkeeping (internal taxonomy fields) never reaches the public datasets."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from datasets.snapshot import export_snapshot
from tests.factories.catalog import TaxonomyFactory, classify
from tests.factories.incidents import IncidentFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_internal_fields_are_left_out_of_the_classification_files(tmp_path: Path) -> None:
    incident = IncidentFactory()
    classify(
        incident,
        TaxonomyFactory(namespace="CSETv1"),
        {"Annotator": "007", "Quality Control": False, "Harm Domain": "yes"},
        internal_fields=("Annotator", "Quality Control"),
    )

    snapshot = export_snapshot(tmp_path / "s")

    with (snapshot.path / "classifications/CSETv1.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows == [{"incident_id": str(incident.id), "report_number": "", "Harm Domain": "yes"}]
