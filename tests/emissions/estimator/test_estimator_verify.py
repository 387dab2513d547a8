"""Verification: verdicts and flags for the problems real disclosures show."""

from __future__ import annotations

import json
import math

import pytest

from emissions.estimator import (
    VERDICTS,
    Claim,
    DisclosureInput,
    EstimatorInputError,
    Location,
    RunInput,
    estimate_training_footprint,
    verify_claim,
)

# GPT-3 as in Patterson et al. 2021 Table 4: 1,289 MWh and 553.1 t recomputed.
GPT3 = RunInput(
    name="GPT-3",
    accelerator="V100",
    count=10_000,
    hours=14.8 * 24,
    power_w=330,
    power_basis="measured_system",
    pue=1.10,
    intensity_g_per_kwh=429,
)
ENERGY, TCO2E = 1_289_376.0, 553.1423


def check(*runs: RunInput, **claim) -> tuple[str, set[str]]:
    result = verify_claim(DisclosureInput(runs=runs), Claim(**claim))
    return result.verdict, {f.code for f in result.flags}


def test_it_accepts_rounded_published_figures():
    assert check(GPT3, energy_kwh=1_287_000, tco2e=552.1)[0] == "consistent"


# Defaulted power (A100-80GB TDP), PUE (industry average) and intensity (France).
DEFAULTED = RunInput(accelerator="A100-80GB", count=64, hours=100, location=Location(country="FRA"))


def defaulted_band() -> tuple[float, float, float]:
    """(central tCO2e, log sigma below, log sigma above) of DEFAULTED, from its factors."""
    fp = estimate_training_footprint(DisclosureInput(runs=(DEFAULTED,)))
    down = up = 0.0
    for f in fp.factors:
        if f.name in ("power_w", "pue", "intensity_g_per_kwh"):
            down += (math.log(f.value / f.low) / 2) ** 2
            up += (math.log(f.high / f.value) / 2) ** 2
    return fp.gross_tco2e, math.sqrt(down), math.sqrt(up)


@pytest.mark.parametrize(
    ("sigmas", "expected"),
    [
        (0.9, "consistent"),
        (-0.9, "consistent"),
        (1.5, "minor_discrepancy"),
        (-1.5, "minor_discrepancy"),
        (2.2, "major_discrepancy"),
        (-2.2, "major_discrepancy"),
    ],
)
def test_it_judges_a_deviation_by_the_spread_of_the_defaulted_factors(sigmas, expected):
    central, down, up = defaulted_band()
    claimed = central * math.exp(sigmas * (up if sigmas > 0 else down))
    assert check(DEFAULTED, tco2e=claimed)[0] == expected


def test_it_states_the_rule_and_the_defaulted_factors_in_the_flag():
    central, down, up = defaulted_band()
    result = verify_claim(DisclosureInput(runs=(DEFAULTED,)), Claim(tco2e=central * 1.9))
    (flag,) = [f for f in result.flags if f.code == "tco2e_deviation"]
    assert "rule: consistent within 1 sigma" in flag.message
    assert "power_w (catalog:accelerators/A100-80GB (tdp))" in flag.message
    assert flag.data["sigma_high"] == pytest.approx(up)
    assert flag.data["sigmas"] == pytest.approx(math.log(1.9) / up)


def test_it_does_not_say_pue_was_left_out_when_a_plausible_pue_explains_the_claim():
    # Published with PUE 1.12 while the default is 1.58 (range 1.10-2.00).
    run = RunInput(
        accelerator="V100",
        count=64,
        hours=100,
        power_w=330,
        power_basis="measured_system",
        intensity_g_per_kwh=429,
    )
    claimed = 64 * 100 * 330 / 1000 * 1.12
    verdict, codes = check(run, energy_kwh=claimed)
    assert "pue_not_applied" not in codes
    assert verdict == "minor_discrepancy"


def test_it_calls_a_market_based_claim_without_net_data_insufficient():
    result = verify_claim(DisclosureInput(runs=(GPT3,)), Claim(tco2e=0.0, basis="market"))
    assert result.verdict == "insufficient_data"
    (flag,) = [f for f in result.flags if f.code == "market_basis_without_net_data"]
    assert flag.data["missing"] == ["net_intensity_g_per_kwh", "cfe_fraction"]
    assert flag.data["runs"] == [0]
    assert result.deviation["tco2e"] is None
    assert not [f for f in result.flags if f.code == "tco2e_deviation"]


def test_it_still_judges_the_energy_of_a_market_based_claim_without_net_data():
    claim = Claim(energy_kwh=ENERGY * 1.5, tco2e=0.0, basis="market")
    assert verify_claim(DisclosureInput(runs=(GPT3,)), claim).verdict == "major_discrepancy"


@pytest.mark.parametrize(("field", "value"), [("energy_kwh", 2e10), ("tco2e", 5e8)])
def test_it_calls_an_absurd_claim_implausible_instead_of_refusing_it(field, value):
    result = verify_claim(DisclosureInput(runs=(GPT3,)), Claim(**{field: value}))
    assert result.verdict == "implausible"
    (flag,) = [f for f in result.flags if f.code == "claim_magnitude_implausible"]
    assert flag.severity == "critical"
    assert "rule: claims above" in flag.message


@pytest.mark.parametrize(
    ("factor", "likely"),
    [
        (1000, "kilograms given as tonnes"),
        (1e6, "grams given as tonnes"),
        (1 / (0.45359237e-3), "pounds given as tonnes"),
    ],
)
def test_it_recognises_a_unit_slip_against_the_range_not_only_the_central_figure(factor, likely):
    # The claim is a slip of a figure 25% below the defaulted central one, which the
    # central-only rule (within 5% of central x factor) would miss.
    central, down, _ = defaulted_band()
    claimed = central * 0.75 * factor
    assert math.log(1 / 0.75) < down  # 0.75x is inside the consistent band
    result = verify_claim(DisclosureInput(runs=(DEFAULTED,)), Claim(tco2e=claimed))
    (slip,) = [f for f in result.flags if f.code == "unit_confusion"]
    assert slip.data["factor"] == pytest.approx(factor)
    assert likely in slip.message


def test_it_recognises_wh_given_as_kwh_against_the_range():
    fp = estimate_training_footprint(DisclosureInput(runs=(DEFAULTED,)))
    result = verify_claim(
        DisclosureInput(runs=(DEFAULTED,)), Claim(energy_kwh=fp.energy_kwh * 0.8 * 1000)
    )
    (slip,) = [f for f in result.flags if f.code == "unit_confusion"]
    assert "Wh given as kWh" in slip.message


def test_it_does_not_take_twice_the_figure_for_pounds():
    central, _, _ = defaulted_band()
    result = verify_claim(DisclosureInput(runs=(DEFAULTED,)), Claim(tco2e=central * 2))
    assert not [f for f in result.flags if f.code == "unit_confusion"]


def test_it_calls_a_deviation_just_beyond_tolerance_minor():
    assert check(GPT3, tco2e=TCO2E * 1.12)[0] == "minor_discrepancy"


def test_it_calls_a_large_deviation_major():
    verdict, codes = check(GPT3, tco2e=TCO2E * 1.6)
    assert verdict == "major_discrepancy"
    assert "tco2e_deviation" in codes


@pytest.mark.parametrize(
    ("factor", "likely"),
    [
        (1000, "kilograms given as tonnes"),
        (1e-3, "tonnes given as kilotonnes"),
        (1 / 0.45359237, "pounds given as kilograms"),
    ],
)
def test_it_names_mass_unit_slips(factor, likely):
    result = verify_claim(DisclosureInput(runs=(GPT3,)), Claim(tco2e=TCO2E * factor))
    slips = [f for f in result.flags if f.code == "unit_confusion"]
    assert len(slips) == 1
    assert likely in slips[0].message


def test_it_names_energy_unit_slips():
    result = verify_claim(DisclosureInput(runs=(GPT3,)), Claim(energy_kwh=ENERGY * 1000))
    (slip,) = [f for f in result.flags if f.code == "unit_confusion"]
    assert "W taken for kW" in slip.message


def test_it_names_device_hours_taken_for_wall_clock_hours():
    run = RunInput(
        accelerator="V100",
        count=8,
        hours=100,
        power_w=300,
        power_basis="tdp",
        pue=1.1,
        intensity_g_per_kwh=400,
    )
    wrong = 100 * 300 * 1.1 / 1000  # one device's energy
    result = verify_claim(DisclosureInput(runs=(run,)), Claim(energy_kwh=wrong))
    (slip,) = [f for f in result.flags if f.code == "unit_confusion"]
    assert slip.data["factor"] == pytest.approx(1 / 8)
    assert result.verdict == "major_discrepancy"


def test_it_spots_pue_left_out():
    result = verify_claim(
        DisclosureInput(runs=(GPT3,)), Claim(energy_kwh=ENERGY / 1.1, tco2e=TCO2E / 1.1)
    )
    flags = [f for f in result.flags if f.code == "pue_not_applied"]
    assert {f.data["quantity"] for f in flags} == {"energy_kwh", "tco2e"}


def test_it_spots_pue_applied_twice_as_major_with_a_large_pue():
    run = RunInput(
        accelerator="V100",
        count=8,
        hours=100,
        power_w=300,
        power_basis="tdp",
        pue=1.58,
        intensity_g_per_kwh=400,
    )
    energy = estimate_training_footprint(DisclosureInput(runs=(run,))).energy_kwh
    verdict, codes = check(run, energy_kwh=energy * 1.58)
    assert verdict == "major_discrepancy"
    assert "pue_applied_twice" in codes


def test_it_spots_a_total_that_is_not_the_sum_of_its_runs():
    runs = [
        RunInput(
            name=f"run {i}",
            accelerator="V100",
            count=8,
            hours=100,
            power_w=300,
            power_basis="tdp",
            pue=1.1,
            intensity_g_per_kwh=400,
            claimed_tco2e=0.1056,
        )
        for i in range(3)
    ]
    verdict, codes = check(*runs, tco2e=0.4)
    assert "total_not_sum_of_runs" in codes
    assert verdict == "major_discrepancy"


def test_it_accepts_a_total_that_is_the_sum_of_its_runs():
    runs = [
        RunInput(
            accelerator="V100",
            count=8,
            hours=100,
            power_w=300,
            power_basis="tdp",
            pue=1.1,
            intensity_g_per_kwh=400,
            claimed_tco2e=0.1056,
        )
        for _ in range(3)
    ]
    assert check(*runs, tco2e=0.3168) == (
        "consistent",
        {"tco2e_consistent", "run_tco2e_consistent"},
    )


def test_it_flags_a_run_claim_that_deviates():
    runs = (
        RunInput(
            accelerator="V100",
            count=8,
            hours=100,
            power_w=300,
            power_basis="tdp",
            pue=1.1,
            intensity_g_per_kwh=400,
            claimed_tco2e=0.1056,
        ),
        RunInput(
            accelerator="V100",
            count=8,
            hours=100,
            power_w=300,
            power_basis="tdp",
            pue=1.1,
            intensity_g_per_kwh=400,
            claimed_tco2e=0.5,
        ),
    )
    result = verify_claim(DisclosureInput(runs=runs), Claim())
    (flag,) = [f for f in result.flags if f.code == "run_tco2e_deviation"]
    assert flag.data["run"] == 1
    assert flag.message.startswith("run 1: ")


def test_it_calls_an_impossibly_clean_location_based_figure_implausible():
    run = RunInput(accelerator="A100-80GB", count=64, hours=100, location=Location(country="POL"))
    verdict, codes = check(run, energy_kwh=28_000, tco2e=0.05)  # ~2 g/kWh on a coal grid
    assert verdict == "implausible"
    assert "implied_intensity_implausible" in codes


def test_a_country_claim_may_imply_any_of_its_zones_intensities():
    # The United States is split into grid zones, some far cleaner than the national average
    # (a third of its low end): 100 g/kWh somewhere in the country is possible, not absurd.
    from emissions.estimator import load_catalog

    catalog = load_catalog()
    usa = catalog.countries["USA"]
    zones_low = min(z.low_g_per_kwh for z in catalog.zones("USA"))
    assert zones_low < 100 < usa.low_g_per_kwh / 3
    run = RunInput(energy_kwh=10_000, pue=1.0, location=Location(country="USA"))
    result = verify_claim(DisclosureInput(runs=(run,)), Claim(tco2e=1.0))  # 100 g/kWh
    assert result.verdict != "implausible"
    assert "implied_intensity_implausible" not in {f.code for f in result.flags}
    # Taiwan is not split: a tenth of its grid's intensity stays impossible.
    run = RunInput(energy_kwh=10_000, pue=1.0, location=Location(country="TWN"))
    assert catalog.zones("TWN") == ()
    assert check(run, tco2e=0.5)[0] == "implausible"  # 50 g/kWh


def test_it_accepts_a_clean_market_based_figure():
    run = RunInput(
        accelerator="A100-80GB",
        count=64,
        hours=100,
        location=Location(country="POL"),
        net_intensity_g_per_kwh=5,
    )
    fp = estimate_training_footprint(DisclosureInput(runs=(run,)))
    assert check(run, tco2e=fp.net_tco2e, basis="market")[0] == "consistent"


def test_it_refuses_a_net_figure_passed_off_as_location_based():
    run = RunInput(
        accelerator="V100",
        count=8,
        hours=100,
        power_w=300,
        power_basis="tdp",
        pue=1.1,
        intensity_g_per_kwh=400,
        cfe_fraction=0.6,
    )
    fp = estimate_training_footprint(DisclosureInput(runs=(run,)))
    verdict, codes = check(run, tco2e=fp.net_tco2e)
    assert verdict == "major_discrepancy"
    assert "market_figure_as_location" in codes


def test_it_calls_energy_far_above_tdp_implausible():
    run = RunInput(accelerator="H100-SXM", count=8, hours=10, location=Location(country="USA"))
    verdict, codes = check(run, energy_kwh=8 * 10 * 700 * 1.58 / 1000 * 3)
    assert verdict == "implausible"
    assert "implied_power_above_tdp" in codes


def test_it_calls_energy_below_idle_implausible():
    run = RunInput(accelerator="H100-SXM", count=8, hours=10, location=Location(country="USA"))
    verdict, codes = check(run, energy_kwh=2.0)
    assert verdict == "implausible"
    assert "implied_power_below_idle" in codes


def test_it_calls_a_measured_energy_impossible_for_its_hardware_implausible():
    run = RunInput(
        accelerator="T4", count=1, hours=1, energy_kwh=5, pue=1.0, intensity_g_per_kwh=400
    )
    verdict, codes = check(run, tco2e=0.002)
    assert verdict == "implausible"
    assert "implied_power_above_tdp" in codes


def test_it_gives_insufficient_data_when_it_cannot_recompute():
    run = RunInput(accelerator="V100", count=8, claimed_tco2e=1.0)
    result = verify_claim(DisclosureInput(runs=(run,)), Claim(tco2e=1.0))
    assert result.verdict == "insufficient_data"
    assert result.footprint is None
    assert result.to_dict()["recomputed"] is None
    assert result.flags[0].data["field"] == "runs[0]"


def test_it_gives_insufficient_data_for_a_device_without_a_catalog_power_figure():
    run = RunInput(accelerator="TPU v5e", count=8, hours=10, claimed_tco2e=1.0)
    result = verify_claim(DisclosureInput(runs=(run,)), Claim(tco2e=1.0))
    assert result.verdict == "insufficient_data"
    assert "TPU v5e is a recognised device" in result.flags[0].message


def test_it_still_checks_sums_when_it_cannot_recompute():
    runs = (RunInput(claimed_tco2e=1.0), RunInput(claimed_tco2e=2.0))
    assert check(*runs, tco2e=30.0)[0] == "major_discrepancy"


def test_it_gives_insufficient_data_when_nothing_is_claimed():
    assert check(GPT3) == ("insufficient_data", {"nothing_claimed"})


def test_it_refuses_a_tolerance_outside_zero_to_one():
    with pytest.raises(EstimatorInputError):
        verify_claim(DisclosureInput(runs=(GPT3,)), Claim(tco2e=1), tolerance=5)


def test_it_reports_as_json_with_deviation_and_recomputation():
    result = verify_claim(DisclosureInput(runs=(GPT3,)), Claim(tco2e=552.1, energy_kwh=1.287e6))
    data = json.loads(json.dumps(result.to_dict()))
    assert data["verdict"] in VERDICTS
    assert data["deviation"]["tco2e"] == pytest.approx(552.1 / TCO2E - 1, rel=1e-4)
    assert data["recomputed"]["gross_tco2e"] == pytest.approx(TCO2E, rel=1e-6)
    assert data["claim"] == {"basis": "location", "energy_kwh": 1.287e6, "tco2e": 552.1}
    assert result.summary.startswith("consistent: ")
