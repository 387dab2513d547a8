"""Published footprints, recomputed from their documents' inputs and from defaults only.

The cases and their sources (Patterson et al. 2021 Tables 1 and 4, Luccioni et al. 2023 on
BLOOM, Meta's Llama 2 model card) are in ``published.py``, cited per figure.

- Full inputs: every factor as published; the recomputation lands within 3% of the printed
  energy and tCO2e (the printed days, MWh and kWh are rounded) and the verdict is consistent.
- Defaults only: hardware, work, place and date as published, power, PUE and intensity from
  the catalog (what that keeps from each document: ``published.py``). The published figure
  must be consistent or a minor discrepancy, and twice or half of it judged worse: the verdict
  discriminates once factors are defaulted. No published case is exempt; the located cases
  would need an exception only if the defaults' uncertainty were wider than a factor of two.
"""

from __future__ import annotations

import pytest

from emissions.estimator import Claim, estimate_training_footprint, parse_disclosure, verify_claim

from .published import CASES, UNLOCATED

RANK = {"consistent": 0, "minor_discrepancy": 1, "major_discrepancy": 2, "implausible": 3}
IDS = [case["name"] for case in CASES]


def disclosure(run: dict):
    return parse_disclosure({"runs": [run]})


def verdict(run: dict, tco2e: float) -> str:
    return verify_claim(disclosure(run), Claim(tco2e=tco2e)).verdict


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_it_reproduces_published_footprints_from_full_inputs(case):
    footprint = estimate_training_footprint(disclosure(case["full"]))
    assert footprint.energy_kwh == pytest.approx(case["energy_kwh"], rel=0.03)
    assert footprint.gross_tco2e == pytest.approx(case["tco2e"], rel=0.03)
    # A TDP is a weaker figure than a measurement: it keeps its range even when given.
    assert footprint.exact == (case["full"]["power_basis"] != "tdp")
    claim = Claim(energy_kwh=case["energy_kwh"], tco2e=case["tco2e"])
    assert verify_claim(disclosure(case["full"]), claim).verdict == "consistent"


@pytest.mark.parametrize("case", CASES + UNLOCATED, ids=IDS + [c["name"] for c in UNLOCATED])
def test_it_accepts_published_figures_from_defaults_only(case):
    assert verdict(case["defaults"], case["tco2e"]) in ("consistent", "minor_discrepancy")


@pytest.mark.parametrize("factor", [2.0, 0.5])
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_it_judges_twice_or_half_the_published_figure_worse(case, factor):
    published = RANK[verdict(case["defaults"], case["tco2e"])]
    wrong = RANK[verdict(case["defaults"], case["tco2e"] * factor)]
    assert wrong > published


def test_it_judges_a_dated_run_on_its_years_intensity():
    # BLOOM started training in 2022 (published.py): France's 2022 figure is the highest of its
    # series, so without the date the latest (lowest) year would be used and the published
    # figure would sit above the central one instead of below it.
    bloom = next(c for c in CASES if c["name"].startswith("BLOOM"))
    dated = estimate_training_footprint(disclosure(bloom["defaults"]))
    undated = estimate_training_footprint(
        disclosure({k: v for k, v in bloom["defaults"].items() if k != "start"})
    )
    assert dated.gross_tco2e > bloom["tco2e"] > undated.gross_tco2e


def test_it_cannot_tell_a_figure_from_half_of_it_without_a_location():
    # The Llama 2 card publishes no location: the world average's range (the catalog's
    # cleanest to dirtiest grid) is too wide below the central figure to judge half of it,
    # and twice it is only a minor discrepancy.
    case = UNLOCATED[-1]
    assert verdict(case["defaults"], case["tco2e"] * 0.5) == "consistent"
    assert verdict(case["defaults"], case["tco2e"] * 2) == "minor_discrepancy"
