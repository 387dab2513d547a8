"""The footprint's presentation: provenance, ranges, what-if, equivalences and statements."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from emissions.estimator import (
    DisclosureInput,
    EstimatorInputError,
    IntensitySeries,
    Location,
    RunInput,
    emissions_statement,
    estimate_training_footprint,
    latex_escape,
    load_catalog,
)

CATALOG = load_catalog()


def estimate(*runs: RunInput, **kwargs):
    return estimate_training_footprint(DisclosureInput(runs=runs), **kwargs)


def test_it_records_the_provenance_of_defaulted_factors():
    run = RunInput(
        accelerator="H100-SXM",
        count=16,
        hours=24,
        location=Location(cloud_provider="aws", cloud_region="eu-west-3"),
    )
    factors = {f.name: f for f in estimate(run).factors}
    assert factors["power_w"].source == "catalog:accelerators/H100-SXM (tdp)"
    assert factors["pue"].source == "catalog:pue/aws"
    assert factors["intensity_g_per_kwh"].source == "catalog:regions/aws:eu-west-3"
    assert factors["device_hours"].source == "given"
    assert (factors["power_w"].low, factors["power_w"].high) == pytest.approx((420, 770))


def test_it_says_every_default_in_a_note():
    run = RunInput(accelerator="T4", count=1, hours=1)
    notes = estimate(run).notes
    assert len(notes) == 3
    assert any("world" in note for note in notes)


def test_it_uses_the_world_average_with_the_catalog_range_when_location_is_unknown():
    run = RunInput(accelerator="T4", count=1, hours=1, pue=1.2)
    (intensity,) = [f for f in estimate(run).factors if f.name == "intensity_g_per_kwh"]
    assert intensity.value == 475
    assert intensity.low == CATALOG.lowest_region.intensity_g_per_kwh
    assert intensity.high == CATALOG.highest_region.intensity_g_per_kwh


def test_it_widens_the_range_for_a_tdp_but_not_for_a_system_measurement():
    tdp = RunInput(
        count=8, hours=10, power_w=400, power_basis="tdp", pue=1.1, intensity_g_per_kwh=300
    )
    chip = RunInput(
        count=8,
        hours=10,
        power_w=400,
        power_basis="measured_chip",
        pue=1.1,
        intensity_g_per_kwh=300,
    )
    system = RunInput(
        count=8,
        hours=10,
        power_w=400,
        power_basis="measured_system",
        pue=1.1,
        intensity_g_per_kwh=300,
    )
    assert estimate(tdp).low_tco2e == pytest.approx(0.6 * estimate(tdp).gross_tco2e)
    assert estimate(chip).low_tco2e == pytest.approx(estimate(chip).gross_tco2e)
    assert estimate(chip).high_tco2e == pytest.approx(1.3 * estimate(chip).gross_tco2e)
    assert estimate(system).exact


def test_it_adds_idle_energy_through_pue_and_embodied_emissions_to_both_figures():
    run = RunInput(
        energy_kwh=1000,
        idle_energy_kwh=200,
        pue=1.5,
        intensity_g_per_kwh=500,
        cfe_fraction=0.5,
        embodied_tco2e=2.0,
    )
    fp = estimate(run)
    assert fp.energy_kwh == pytest.approx(1800)
    assert fp.idle_energy_kwh == pytest.approx(300)
    assert fp.gross_tco2e == pytest.approx(0.9 + 2.0)
    assert fp.net_tco2e == pytest.approx(0.45 + 2.0)


def test_it_takes_intensity_from_a_series_for_runs_with_start_and_end():
    series = IntensitySeries(datetime(2025, 1, 1), 60, (100.0, 300.0, 500.0, 700.0))
    run = RunInput(
        energy_kwh=100, pue=1.0, start=datetime(2025, 1, 1, 1), end=datetime(2025, 1, 1, 3)
    )
    fp = estimate(run, intensity_series=series)
    assert fp.gross_tco2e == pytest.approx(100 * 400 / 1e6)
    assert {f.source for f in fp.factors if f.name == "intensity_g_per_kwh"} == {"series"}


def test_it_compares_the_same_job_in_the_extreme_regions():
    run = RunInput(accelerator="V100", count=8, hours=100, location=Location(country="DEU"))
    fp = estimate(run)
    regions = fp.what_if["regions"]
    assert regions["lowest"]["region"] == CATALOG.lowest_region.key
    assert regions["highest"]["tco2e"] == pytest.approx(
        fp.energy_kwh * CATALOG.highest_region.intensity_g_per_kwh / 1e6
    )


def test_it_compares_the_same_work_on_other_hardware():
    run = RunInput(accelerator="V100", count=8, hours=100, pue=1.1, intensity_g_per_kwh=400)
    hardware = {h["accelerator"]: h for h in estimate(run).what_if["hardware"]}
    v100, h100 = CATALOG.accelerators["V100"], CATALOG.accelerators["H100-SXM"]
    same = hardware["V100"]
    assert same["tco2e"] == pytest.approx(estimate(run).gross_tco2e)
    expected_hours = 800 * v100.peak_tflops / h100.peak_tflops
    assert hardware["H100-SXM"]["device_hours"] == pytest.approx(expected_hours)
    assert "RTX-3090" not in hardware  # no published peak throughput


def test_it_offers_no_hardware_comparison_without_a_known_accelerator():
    run = RunInput(energy_kwh=100, pue=1.1, intensity_g_per_kwh=400)
    assert estimate(run).what_if["hardware"] == []


def test_it_serialises_to_json_with_the_contract_names():
    run = RunInput(accelerator="TPU v3", count=512, hours=480, location=Location(country="TWN"))
    data = json.loads(json.dumps(estimate(run).to_dict()))
    for key in (
        "energy_kwh",
        "it_energy_kwh",
        "gross_tco2e",
        "net_tco2e",
        "low_tco2e",
        "high_tco2e",
        "factors",
        "catalog_version",
        "runs",
        "equivalences",
        "what_if",
    ):
        assert key in data
    assert data["catalog_version"] == CATALOG.version


def statement_disclosure(name: str = "pre-training") -> DisclosureInput:
    run = RunInput(
        name=name,
        accelerator="TPU v3",
        count=512,
        hours=480,
        power_w=310,
        power_basis="measured_system",
        pue=1.12,
        intensity_g_per_kwh=545,
        net_intensity_g_per_kwh=300,
        location=Location(country="TWN"),
    )
    return DisclosureInput(runs=(run,))


def test_it_writes_a_plain_text_statement():
    disclosure = statement_disclosure()
    text = emissions_statement(disclosure, estimate_training_footprint(disclosure), model_name="T5")
    assert text.startswith("Training T5 used 245,760 device-hours on 512 TPU v3 in TWN.")
    assert "85.3 MWh" in text
    assert "46.5 tCO2e" in text
    assert "all factors measured" in text
    assert "(45% lower)" in text


def test_it_escapes_user_text_in_latex():
    disclosure = statement_disclosure()
    fp = estimate_training_footprint(disclosure)
    name = r"50% \input{/etc/passwd} $x$ #1 & {a}_b ~^"
    text = emissions_statement(disclosure, fp, fmt="latex", model_name=name)
    assert r"50\% \textbackslash{}input\{/etc/passwd\} \$x\$ \#1 \& \{a\}\_b" in text
    assert r"\input{" not in text
    assert text.startswith(r"\paragraph{Carbon emissions.} ")
    assert "tCO$_2$e" in text


def test_it_drops_control_characters_and_newlines_from_latex():
    assert latex_escape("a\nb\x00c") == "a bc"


def test_it_refuses_an_unknown_statement_format():
    disclosure = statement_disclosure()
    with pytest.raises(EstimatorInputError):
        emissions_statement(disclosure, estimate_training_footprint(disclosure), fmt="html")


def test_it_states_the_range_when_factors_were_defaulted():
    run = RunInput(accelerator="A100-80GB", count=64, hours=100, location=Location(country="FRA"))
    disclosure = DisclosureInput(runs=(run,))
    text = emissions_statement(disclosure, estimate_training_footprint(disclosure))
    assert "from the uncertainty of defaulted factors" in text
    assert "With an assumed PUE of 1.58," in text
    assert "Net of carbon-free energy" not in text


def test_it_never_lets_the_series_cover_only_part_of_a_run():
    series = IntensitySeries(datetime(2025, 1, 1), 60, (100.0, 300.0))
    run = RunInput(
        energy_kwh=100,
        pue=1.0,
        start=datetime(2025, 1, 1, 1),
        end=datetime(2025, 1, 1, 1) + timedelta(hours=5),
    )
    with pytest.raises(EstimatorInputError) as caught:
        estimate(run, intensity_series=series)
    assert caught.value.field == "runs[0].end"
