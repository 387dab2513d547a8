"""Reading the JSON contract: canonical names, and clear refusals of bad input."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from emissions.estimator import (
    DisclosureInput,
    EstimatorInputError,
    InsufficientDataError,
    Location,
    RunInput,
    disclosure_to_dict,
    estimate_training_footprint,
    parse_claim,
    parse_disclosure,
    parse_verify_request,
)

RUN = {"accelerator": "A100-80GB", "count": 8, "hours": 10.0}


def parse_run(**fields):
    return parse_disclosure({"runs": [{**RUN, **fields}]}).runs[0]


def refusal(data) -> EstimatorInputError:
    with pytest.raises(EstimatorInputError) as caught:
        parse_disclosure(data)
    return caught.value


def run_refusal(**fields) -> EstimatorInputError:
    return refusal({"runs": [{**RUN, **fields}]})


def test_it_canonicalises_accelerator_aliases():
    assert parse_run(accelerator="nvidia a100-sxm4-80gb").accelerator == "A100-80GB"
    assert parse_run(accelerator="tpu-v3").accelerator == "TPU v3"


def test_it_canonicalises_countries_to_alpha_3():
    assert parse_run(location={"country": "fr"}).location == Location(country="FRA")
    assert parse_run(location={"country": "Germany"}).location == Location(country="DEU")


def test_it_canonicalises_cloud_provider_names():
    run = parse_run(location={"cloud_provider": "Google Cloud", "cloud_region": "US-Central1"})
    assert run.location == Location(cloud_provider="gcp", cloud_region="us-central1")


def test_it_reads_datetimes_with_a_utc_suffix():
    run = parse_run(start="2024-05-01T08:00:00Z", end="2024-05-01T20:00:00Z")
    assert run.start == datetime(2024, 5, 1, 8, tzinfo=UTC)
    assert run.wall_clock_hours == 10.0  # hours wins over start/end when both are given


def test_it_derives_hours_from_start_and_end():
    run = parse_run(hours=None, start="2024-05-01T08:00:00", end="2024-05-02T08:00:00")
    assert run.total_device_hours == 8 * 24


def test_it_writes_back_what_it_reads():
    data = {"runs": [{**RUN, "name": "pre-training", "location": {"country": "FRA"}}]}
    assert disclosure_to_dict(parse_disclosure(data)) == data


def test_it_accepts_an_unknown_accelerator_when_power_is_given():
    run = parse_run(accelerator="Gaudi2", power_w=600, power_basis="tdp")
    assert run.accelerator == "Gaudi2"


def test_it_accepts_a_device_without_a_catalog_power_figure_when_power_is_given():
    run = parse_run(accelerator="v5e", power_w=250, power_basis="measured_chip")
    assert run.accelerator == "TPU v5e"


def test_it_calls_a_device_without_a_catalog_power_figure_insufficient_data():
    error = run_refusal(accelerator="TPU v5 lite")
    assert isinstance(error, InsufficientDataError)
    assert error.field == "runs[0].accelerator"
    assert "TPU v5e is a recognised device" in error.message
    assert "unknown" not in error.message


def test_it_accepts_an_unknown_location_when_intensity_is_given():
    run = parse_run(location={"country": "KEN"}, intensity_g_per_kwh=90)
    assert run.location == Location(country="KEN")


def test_it_parses_the_verify_document():
    disclosure, claim = parse_verify_request(
        {"disclosure": {"runs": [RUN]}, "claim": {"tco2e": 1.5, "basis": "market"}}
    )
    assert disclosure.runs[0].count == 8
    assert (claim.tco2e, claim.energy_kwh, claim.basis) == (1.5, None, "market")


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"hours": 0}, "runs[0].hours", "greater than 0"),
        ({"hours": -3}, "runs[0].hours", "greater than 0"),
        ({"count": 0}, "runs[0].count", "at least 1"),
        ({"count": 2.5}, "runs[0].count", "whole number"),
        ({"count": True}, "runs[0].count", "whole number"),
        ({"hours": "10"}, "runs[0].hours", "must be a number"),
        ({"hours": float("nan")}, "runs[0].hours", "finite"),
        ({"power_w": 300}, "runs[0].power_basis", "give power_basis"),
        ({"power_basis": "tdp"}, "runs[0].power_basis", "without power_w"),
        ({"power_w": 300, "power_basis": "peak"}, "runs[0].power_basis", "measured_system"),
        ({"power_w": 50_000, "power_basis": "tdp"}, "runs[0].power_w", "per device, in watts"),
        ({"pue": 0.9}, "runs[0].pue", "at least 1"),
        ({"pue": 11}, "runs[0].pue", "implausibly large"),
        ({"intensity_g_per_kwh": 0.43}, "runs[0].intensity_g_per_kwh", "give 430"),
        ({"intensity_g_per_kwh": 5000}, "runs[0].intensity_g_per_kwh", "implausibly large"),
        ({"cfe_fraction": 45}, "runs[0].cfe_fraction", "percentage (0.45)"),
        (
            {"cfe_fraction": 0.4, "net_intensity_g_per_kwh": 80},
            "runs[0].cfe_fraction",
            "not both",
        ),
        ({"device_hours": 500}, "runs[0].device_hours", "wall-clock hours"),
        ({"energy_kwh": 1e12}, "runs[0].energy_kwh", "implausibly large"),
        ({"start": "yesterday"}, "runs[0].start", "ISO 8601"),
        (
            {"start": "2024-05-02T00:00:00", "end": "2024-05-01T00:00:00"},
            "runs[0].end",
            "after start",
        ),
        (
            {"start": "2024-05-01T00:00:00Z", "end": "2024-05-02T00:00:00"},
            "runs[0].end",
            "UTC offset",
        ),
        ({"name": 5}, "runs[0].name", "string"),
    ],
)
def test_it_refuses_bad_run_values(fields, field, words):
    error = run_refusal(**fields)
    assert error.field == field
    assert words in error.message


def test_it_suggests_accelerators_for_an_unknown_name():
    error = run_refusal(accelerator="A100")
    assert error.field == "runs[0].accelerator"
    assert "'A100-80GB'" in error.message and "'A100-40GB'" in error.message


def test_it_suggests_countries_for_a_misspelt_one():
    error = run_refusal(location={"country": "Frnace"})
    assert error.field == "runs[0].location.country"
    assert "'France'" in error.message


def test_it_suggests_cloud_regions_for_an_unknown_one():
    error = run_refusal(location={"cloud_provider": "gcp", "cloud_region": "us-centrl1"})
    assert error.field == "runs[0].location.cloud_region"
    assert "'us-central1'" in error.message


def test_it_refuses_an_unknown_cloud_provider():
    error = run_refusal(location={"cloud_provider": "ibm", "cloud_region": "us-south"})
    assert error.field == "runs[0].location.cloud_provider"


def test_it_refuses_a_cloud_region_without_provider():
    error = run_refusal(location={"cloud_region": "us-central1"})
    assert error.field == "runs[0].location.cloud_region"


def test_it_refuses_a_country_that_contradicts_the_cloud_region():
    error = run_refusal(
        location={"country": "USA", "cloud_provider": "gcp", "cloud_region": "europe-west4"}
    )
    assert error.field == "runs[0].location.country"
    assert "NLD" in error.message


def test_it_suggests_the_field_meant_for_an_unknown_one():
    error = run_refusal(power_kw=0.4)
    assert error.field == "runs[0].power_kw"
    assert "'power_w'" in error.message


def test_it_refuses_unknown_location_fields():
    assert run_refusal(location={"state": "Iowa"}).field == "runs[0].location.state"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "runs"),
        ({"runs": []}, "runs"),
        ({"runs": {"accelerator": "V100"}}, "runs"),
        ({"runs": ["V100"]}, "runs[0]"),
        ({"runs": [RUN], "model": "x"}, "model"),
        ([RUN], ""),
    ],
)
def test_it_refuses_malformed_documents(data, field):
    assert refusal(data).field == field


def test_it_refuses_a_bad_claim_basis():
    with pytest.raises(EstimatorInputError) as caught:
        parse_claim({"tco2e": 1, "basis": "offset"})
    assert caught.value.field == "claim.basis"


def test_it_refuses_a_negative_claim():
    with pytest.raises(EstimatorInputError) as caught:
        parse_claim({"energy_kwh": -1})
    assert caught.value.field == "claim.energy_kwh"


def test_it_says_which_run_lacks_data_to_compute():
    disclosure = parse_disclosure({"runs": [RUN, {"accelerator": "V100", "count": 8}]})
    with pytest.raises(InsufficientDataError) as caught:
        estimate_training_footprint(disclosure)
    assert caught.value.field == "runs[1]"
    assert "device_hours" in caught.value.message


def test_it_needs_power_for_an_accelerator_outside_the_catalog():
    run = RunInput(accelerator="Gaudi3", count=8, hours=10)
    with pytest.raises(InsufficientDataError, match="not in the catalog"):
        estimate_training_footprint(DisclosureInput(runs=(run,)))


def test_it_asks_for_the_power_of_a_recognised_device_without_a_figure():
    run = RunInput(accelerator="TPU v5e", count=8, hours=10)
    with pytest.raises(InsufficientDataError, match="TPU v5e is a recognised device"):
        estimate_training_footprint(DisclosureInput(runs=(run,)))


def test_it_estimates_a_recognised_device_from_the_power_the_run_gives():
    run = RunInput(
        accelerator="TPU v5e",
        count=8,
        hours=10,
        power_w=250,
        power_basis="measured_system",
        pue=1.0,
        intensity_g_per_kwh=100,
    )
    footprint = estimate_training_footprint(DisclosureInput(runs=(run,)))
    assert footprint.it_energy_kwh == pytest.approx(8 * 10 * 250 / 1000)


def test_it_prefixes_direct_construction_errors_with_the_field_only():
    with pytest.raises(EstimatorInputError) as caught:
        RunInput(hours=-1)
    assert caught.value.field == "hours"
    assert str(caught.value) == "hours: must be greater than 0, got -1"
