"""Interchange: CodeCarbon CSV and Hugging Face model cards in, HF metadata and statements out."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from emissions.estimator import (
    DisclosureInput,
    EstimatorInputError,
    Location,
    RunInput,
    estimate_training_footprint,
    from_codecarbon_csv,
    from_hf_card,
    hf_metadata_yaml,
    to_hf_metadata,
    verify_claim,
)
from emissions.estimator.model import Claim

DATA = Path(__file__).with_name("data")
VERSIONS = ["codecarbon_v1.csv", "codecarbon_v2.csv", "codecarbon_v3.csv"]


def column_sum(text: str, column: str) -> float:
    return sum(float(row[column] or 0) for row in csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("name", VERSIONS)
def test_it_reproduces_a_codecarbon_files_own_sums(name):
    text = (DATA / name).read_text()
    imported = from_codecarbon_csv(text)
    assert imported.totals["energy_kwh"] == pytest.approx(column_sum(text, "energy_consumed"))
    assert imported.totals["emissions_kg"] == pytest.approx(column_sum(text, "emissions"))
    assert imported.totals["tco2e"] == pytest.approx(column_sum(text, "emissions") / 1000)


@pytest.mark.parametrize("name", VERSIONS)
def test_it_recomputes_a_codecarbon_file_to_its_own_figures(name):
    text = (DATA / name).read_text()
    imported = from_codecarbon_csv(text)
    footprint = estimate_training_footprint(imported.disclosure)
    assert footprint.energy_kwh == pytest.approx(imported.totals["energy_kwh"], rel=1e-9)
    assert footprint.gross_tco2e == pytest.approx(imported.totals["tco2e"], rel=1e-9)
    assert footprint.exact


def test_it_verifies_a_codecarbon_file_against_its_own_totals():
    imported = from_codecarbon_csv((DATA / "codecarbon_v3.csv").read_text())
    claim = Claim(energy_kwh=imported.totals["energy_kwh"], tco2e=imported.totals["tco2e"])
    assert verify_claim(imported.disclosure, claim).verdict == "consistent"


def test_it_does_not_apply_codecarbons_pue_twice():
    imported = from_codecarbon_csv((DATA / "codecarbon_v3.csv").read_text())
    assert {run.pue for run in imported.disclosure.runs} == {1.0}
    assert any("PUE (1.4)" in w and "line 3" in w for w in imported.warnings)


def test_it_reads_hardware_and_location_from_codecarbon_rows():
    runs = from_codecarbon_csv((DATA / "codecarbon_v3.csv").read_text()).disclosure.runs
    assert (runs[0].accelerator, runs[0].count) == ("A100-80GB", 4)
    assert runs[1].location == Location(
        country="USA", cloud_provider="gcp", cloud_region="us-central1"
    )
    assert runs[2].accelerator is None
    assert runs[0].hours == 1.0


def test_it_matches_older_gpu_names():
    runs = from_codecarbon_csv((DATA / "codecarbon_v2.csv").read_text()).disclosure.runs
    assert [r.accelerator for r in runs] == ["V100-PCIe", "V100"]


def test_it_counts_zero_energy_rows_in_totals_only():
    imported = from_codecarbon_csv((DATA / "codecarbon_v1.csv").read_text())
    assert imported.totals["rows"] == 3
    assert len(imported.disclosure.runs) == 2
    assert any("zero energy" in w for w in imported.warnings)


def test_it_sums_component_energies_when_energy_consumed_is_empty():
    text = (
        "duration,emissions,cpu_energy,gpu_energy,ram_energy,energy_consumed\n"
        "60,0.004,0.002,0.007,0.001,\n"
    )
    imported = from_codecarbon_csv(text)
    assert imported.totals["energy_kwh"] == pytest.approx(0.010)
    assert imported.disclosure.runs[0].intensity_g_per_kwh == pytest.approx(400)


def test_it_tolerates_a_byte_order_mark_and_blank_lines():
    text = "\ufeffenergy_consumed,emissions\n0.5,0.2\n\n0.5,0.2\n"
    assert from_codecarbon_csv(text).totals["rows"] == 2


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ("", "line 1", "empty"),
        ("duration,emissions\n60,0.1\n", "line 1", "no energy_consumed"),
        ("energy_consumed,emissions\nabc,0.1\n", "line 2", "'abc' is not a number"),
        ("energy_consumed,emissions\n-1,0.1\n", "line 2", "non-negative"),
        ("energy_consumed,emissions\n1,0.1,7\n", "line 2", "3 fields"),
        ("energy_consumed,emissions\n0,0\n", "line 2", "no readable row with a positive energy"),
        ("energy_consumed,timestamp,duration\n1,noon,60\n", "line 2", "ISO 8601"),
    ],
)
def test_it_refuses_malformed_codecarbon_files(text, field, words):
    with pytest.raises(EstimatorInputError) as caught:
        from_codecarbon_csv(text)
    assert caught.value.field == field
    assert words in caught.value.message


CARD = """---
language: en
license: apache-2.0
tags:
  - text-classification
co2_eq_emissions:
  emissions: 24_700_000   # grams
  source: "CodeCarbon"
  training_type: pre-training
  geographical_location: Quebec, Canada
  hardware_used: 8 V100 GPUs
widget:
  - text: "co2_eq_emissions: 5"
---

# My model

co2_eq_emissions: 99 (not metadata)
"""


def test_it_reads_a_model_cards_co2_block():
    imported = from_hf_card(CARD)
    run = imported.disclosure.runs[0]
    assert imported.totals == {"energy_kwh": None, "tco2e": 24.7, "emissions_g": 24_700_000}
    assert (run.accelerator, run.count, run.location) == ("V100", 8, Location(country="CAN"))
    assert run.claimed_tco2e == pytest.approx(24.7)
    assert imported.metadata["source"] == "CodeCarbon"
    assert any("sub-national" in w for w in imported.warnings)


def test_it_keeps_a_recognised_device_without_a_power_figure_and_says_what_it_needs():
    imported = from_hf_card("co2_eq_emissions:\n  emissions: 5000\n  hardware_used: 64 TPUv5e\n")
    run = imported.disclosure.runs[0]
    assert (run.accelerator, run.count) == ("TPU v5e", 64)
    assert any("no power figure" in w for w in imported.warnings)


def test_it_reads_a_bare_number_in_bare_yaml():
    imported = from_hf_card("license: mit\nco2_eq_emissions: 0.0121\n")
    assert imported.totals["emissions_g"] == 0.0121
    assert any("under one gram" in w for w in imported.warnings)


def test_it_reads_a_flow_mapping():
    imported = from_hf_card("co2_eq_emissions: {emissions: 150, source: 'AutoTrain'}\n")
    assert imported.totals["emissions_g"] == 150
    assert imported.metadata == {"source": "AutoTrain"}


def test_it_converts_a_number_with_a_unit_and_says_so():
    imported = from_hf_card("co2_eq_emissions:\n  emissions: 3.2 t\n")
    assert imported.totals["emissions_g"] == pytest.approx(3.2e6)
    assert any("has a unit" in w for w in imported.warnings)


def test_it_leaves_a_card_without_hours_to_insufficient_data():
    imported = from_hf_card(CARD)
    claim = Claim(tco2e=imported.totals["tco2e"])
    assert verify_claim(imported.disclosure, claim).verdict == "insufficient_data"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("", "line 1"),
        ("---\nlicense: mit\n", "line 1"),
        ("license: mit\n", "co2_eq_emissions"),
        ("co2_eq_emissions:\n  emissions: lots\n", "co2_eq_emissions.emissions"),
        ("co2_eq_emissions:\n  emissions: -5\n", "co2_eq_emissions.emissions"),
        ("co2_eq_emissions:\n  emissions: true\n", "co2_eq_emissions.emissions"),
        ("co2_eq_emissions:\n  source: x\n", "co2_eq_emissions.emissions"),
        ("co2_eq_emissions:\n  emissions:\n    value: 5\n", "line 3"),
        ("co2_eq_emissions:\n  - emissions: 5\n", "line 2"),
        ("co2_eq_emissions:\n\temissions: 5\n", "line 2"),
        ("co2_eq_emissions: 5\nco2_eq_emissions: 6\n", "line 2"),
        ("co2_eq_emissions: {emissions: 5\n", "line 1"),
        ("co2_eq_emissions: |\n  5\n", "line 1"),
        ("co2_eq_emissions:\n", "line 1"),
    ],
)
def test_it_refuses_malformed_cards_with_a_line_number(text, field):
    with pytest.raises(EstimatorInputError) as caught:
        from_hf_card(text)
    assert caught.value.field == field


def tpu_disclosure() -> DisclosureInput:
    run = RunInput(
        accelerator="TPU v3",
        count=512,
        hours=480,
        power_w=310,
        power_basis="measured_system",
        pue=1.12,
        intensity_g_per_kwh=545,
        location=Location(cloud_provider="gcp", cloud_region="asia-east1"),
    )
    return DisclosureInput(runs=(run,))


def test_it_exports_hf_metadata_in_grams_of_the_gross_figure():
    disclosure = tpu_disclosure()
    footprint = estimate_training_footprint(disclosure)
    block = to_hf_metadata(disclosure, footprint, training_type="pre-training")["co2_eq_emissions"]
    assert block["emissions"] == pytest.approx(footprint.gross_tco2e * 1e6)
    assert block["hardware_used"] == "512 TPU v3"
    assert block["geographical_location"] == "gcp asia-east1"
    assert block["training_type"] == "pre-training"


def test_it_round_trips_hf_metadata_through_a_card():
    disclosure = tpu_disclosure()
    footprint = estimate_training_footprint(disclosure)
    card = "---\n" + hf_metadata_yaml(to_hf_metadata(disclosure, footprint)) + "---\n"
    imported = from_hf_card(card)
    assert imported.totals["tco2e"] == pytest.approx(footprint.gross_tco2e, rel=1e-9)
    assert imported.disclosure.runs[0].accelerator == "TPU v3"
