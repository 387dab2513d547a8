"""Importing a CodeCarbon file with several flushes per run: the claim is each run's last row."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from emissions.services.disclosures import disclosure_import_from_codecarbon

FIXTURE = Path(__file__).parent / "estimator" / "fixtures" / "codecarbon_multiflush_fra.csv"

pytestmark = pytest.mark.django_db


def test_it_claims_the_final_running_totals_and_the_codecarbon_version(world):
    text = FIXTURE.read_text()
    finals: dict[str, dict[str, str]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        finals[row["run_id"]] = row
    result = disclosure_import_from_codecarbon(
        owner=world.researcher, csv_data=FIXTURE.read_bytes(), fields={"model_name": "Fixture"}
    )
    disclosure = result.disclosure
    assert len(disclosure.runs) == 2
    assert disclosure.claim_energy_kwh == pytest.approx(
        sum(float(r["energy_consumed"]) for r in finals.values()), rel=1e-12
    )
    assert disclosure.claim_tco2e == pytest.approx(
        sum(float(r["emissions"]) for r in finals.values()) / 1000, rel=1e-12
    )
    assert disclosure.tool_version == "3.3.2"
    assert any("superseded" in w for w in result.warnings)
