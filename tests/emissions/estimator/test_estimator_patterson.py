"""Regression suite: the published figures of Patterson et al. 2021 (arXiv:2104.10350).

The inputs are the papers' own (chips, days, measured system power per accelerator, PUE, gross
and net kg CO2e/kWh); the printed MWh, days and tonnes are rounded, so each figure is compared
within 2%. Measured system power already includes the host share: nothing is added on top.
"""

from __future__ import annotations

import pytest

from emissions.estimator import (
    Claim,
    DisclosureInput,
    RunInput,
    convert,
    estimate_training_footprint,
    verify_claim,
)

WITHIN = 0.02

# Table 4: name, processor, chips, days, measured W, PUE, gross g/kWh, net g/kWh,
# printed MWh, printed gross tCO2e, printed net tCO2e.
TABLE_4 = [
    ("Evolved Transformer NAS", "TPU v2", 200, 6.8, 208, 1.10, 431, 431, 7.5, 3.2, 3.2),
    ("T5", "TPU v3", 512, 20, 310, 1.12, 545, 545, 85.7, 46.7, 46.7),
    ("Meena", "TPU v3", 1024, 30, 289, 1.09, 415, 415, 232, 96.4, 96.4),
    ("GShard-600B", "TPU v3", 1024, 3.1, 288, 1.09, 201, 177, 24.1, 4.8, 4.3),
    ("Switch Transformer", "TPU v3", 1024, 27, 245, 1.10, 403, 330, 179, 72.2, 59.1),
    ("GPT-3", "V100", 10_000, 14.8, 330, 1.10, 429, 429, 1287, 552.1, 552.1),
]

# Table 1: column, processor, days, measured W, PUE, gross g/kWh, net g/kWh (8 chips each),
# printed kWh, printed gross tCO2e, printed net tCO2e.
TABLE_1 = [
    ("a", "P100", 3.5, 296, 1.59, 429, 429, 316, 0.1357, 0.1357),
    ("b", "P100", 3.5, 296, 1.11, 478, 80, 221, 0.1055, 0.0177),
    ("c", "P100", 3.2, 271, 1.11, 478, 80, 185, 0.0883, 0.0148),
    ("d", "TPU v2", 0.81, 229, 1.11, 478, 80, 40, 0.0189, 0.0032),
    ("e", "TPU v2", 0.62, 227, 1.11, 478, 80, 30, 0.0143, 0.0024),
]


def measured_run(accelerator, chips, days, power_w, pue, gross, net) -> DisclosureInput:
    run = RunInput(
        accelerator=accelerator,
        count=chips,
        hours=days * 24,
        power_w=power_w,
        power_basis="measured_system",
        pue=pue,
        intensity_g_per_kwh=gross,
        net_intensity_g_per_kwh=net,
    )
    return DisclosureInput(runs=(run,))


@pytest.mark.parametrize("row", TABLE_4, ids=[row[0] for row in TABLE_4])
def test_it_reproduces_table_4(row):
    _, accelerator, chips, days, power, pue, gross, net, mwh, gross_t, net_t = row
    footprint = estimate_training_footprint(
        measured_run(accelerator, chips, days, power, pue, gross, net)
    )
    assert footprint.energy_kwh / 1000 == pytest.approx(mwh, rel=WITHIN)
    assert footprint.gross_tco2e == pytest.approx(gross_t, rel=WITHIN)
    assert footprint.net_tco2e == pytest.approx(net_t, rel=WITHIN)


@pytest.mark.parametrize("row", TABLE_1, ids=[row[0] for row in TABLE_1])
def test_it_reproduces_table_1(row):
    _, accelerator, days, power, pue, gross, net, kwh, gross_t, net_t = row
    footprint = estimate_training_footprint(
        measured_run(accelerator, 8, days, power, pue, gross, net)
    )
    assert footprint.energy_kwh == pytest.approx(kwh, rel=WITHIN)
    assert footprint.gross_tco2e == pytest.approx(gross_t, rel=WITHIN)
    assert footprint.net_tco2e == pytest.approx(net_t, rel=WITHIN)


def test_it_reproduces_the_57x_improvement_from_table_1_a_to_e():
    a = estimate_training_footprint(measured_run("P100", 8, 3.5, 296, 1.59, 429, 429))
    e = estimate_training_footprint(measured_run("TPU v2", 8, 0.62, 227, 1.11, 478, 80))
    assert a.gross_tco2e / e.net_tco2e == pytest.approx(57, rel=WITHIN)


def test_it_gives_no_range_when_every_factor_was_measured():
    footprint = estimate_training_footprint(measured_run("V100", 10_000, 14.8, 330, 1.1, 429, 429))
    assert footprint.exact
    assert footprint.low_tco2e == footprint.gross_tco2e == footprint.high_tco2e


def test_it_reproduces_appendix_d_nas_figure():
    footprint = estimate_training_footprint(measured_run("TPU v2", 200, 6.8, 208, 1.10, 431, 431))
    assert footprint.gross_tco2e == pytest.approx(3.2, rel=WITHIN)


def test_it_reproduces_the_88x_gap_to_strubells_estimate():
    strubell_t = convert(626_155, "lbs", "t")
    footprint = estimate_training_footprint(measured_run("TPU v2", 200, 6.8, 208, 1.10, 431, 431))
    assert strubell_t == pytest.approx(284, rel=0.001)
    assert strubell_t / footprint.gross_tco2e == pytest.approx(88, rel=WITHIN)


def test_it_reproduces_the_476x_gap_in_iowa_with_24_7_cfe():
    footprint = estimate_training_footprint(measured_run("TPU v2", 200, 6.8, 208, 1.11, 478, 80))
    assert footprint.net_tco2e == pytest.approx(0.6, rel=WITHIN)
    assert convert(626_155, "lbs", "t") / footprint.net_tco2e == pytest.approx(476, rel=WITHIN)


def test_it_states_gpt3_as_about_three_whole_jet_round_trips():
    footprint = estimate_training_footprint(measured_run("V100", 10_000, 14.8, 330, 1.1, 429, 429))
    assert footprint.equivalences["jet_round_trips_sf_ny"] == pytest.approx(3.07, rel=WITHIN)
    assert footprint.equivalences["passenger_round_trips_sf_ny"] == pytest.approx(461, rel=WITHIN)


@pytest.mark.parametrize("row", TABLE_4, ids=[row[0] for row in TABLE_4])
def test_it_verifies_table_4_as_consistent(row):
    _, accelerator, chips, days, power, pue, gross, net, mwh, gross_t, net_t = row
    disclosure = measured_run(accelerator, chips, days, power, pue, gross, net)
    location = verify_claim(disclosure, Claim(energy_kwh=mwh * 1000, tco2e=gross_t))
    market = verify_claim(disclosure, Claim(tco2e=net_t, basis="market"))
    assert location.verdict == "consistent"
    assert market.verdict == "consistent"
