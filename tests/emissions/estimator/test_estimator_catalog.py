"""The factor catalog: generated from data packages, provenance of every value, lookups.

Expected values here are written independently of the catalog: either read in the test from
the installed package's own file (with the csv module or a regular expression, not with the
generator's code path), or typed with the document they come from. Tests that need the
packages skip, saying which is missing, only when it is absent; `make venv` installs them.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from emissions.estimator import (
    CATALOG_VERSION,
    DisclosureInput,
    EstimatorInputError,
    InsufficientDataError,
    Location,
    RunInput,
    estimate_training_footprint,
    load_catalog,
)
from emissions.estimator.catalog import closest
from emissions.estimator.catalog_files import DATA_DIR
from emissions.estimator.catalog_sources import PackageMissing, codecarbon_dir
from emissions.estimator.refresh import GENERATED, generate, refresh_catalog

CATALOG = load_catalog()
REPO = Path(__file__).resolve().parents[3]
NPM_DIR = Path(os.environ.get("ESTIMATOR_NPM_DIR", REPO / ".local" / "npm"))
NPM_PACKAGES = ("@tgwf/co2", "@cloud-carbon-footprint/aws", "@cloud-carbon-footprint/azure")


def _missing() -> str | None:
    if importlib.util.find_spec("codecarbon") is None:
        return "codecarbon (PyPI) is not installed: pip install -e '.[dev]'"
    if importlib.util.find_spec("pycountry") is None:
        return "pycountry (PyPI) is not installed: pip install -e '.[dev]'"
    if shutil.which("node") is None:
        return "node is not installed, so the npm data packages cannot be read"
    absent = [p for p in NPM_PACKAGES if not (NPM_DIR / "node_modules" / p).is_dir()]
    if absent:
        return f"npm packages {absent} are not in {NPM_DIR}: run `make catalog-packages`"
    return None


needs_packages = pytest.mark.skipif(_missing() is not None, reason=_missing() or "")
_NO_CODECARBON = "codecarbon (PyPI) is not installed: pip install -e '.[dev]'"
needs_codecarbon = pytest.mark.skipif(
    importlib.util.find_spec("codecarbon") is None, reason=_NO_CODECARBON
)


def codecarbon_file(relative: str) -> Path:
    return codecarbon_dir()[0] / relative


def npm_text(package: str, relative: str) -> str:
    return (NPM_DIR / "node_modules" / package / relative).read_text(encoding="utf-8")


# -- the committed catalog is what the generator makes from the packages --------------------


@needs_packages
def test_it_commits_exactly_what_the_generator_makes_from_the_packages():
    generated = generate(NPM_DIR)
    for name in GENERATED:
        committed = (DATA_DIR / name).read_text(encoding="utf-8")
        assert generated[name] == committed, (
            f"{name} differs from what `make catalog` generates: edit data/cited.json or "
            "the packages, never the generated file"
        )


@needs_packages
def test_it_fails_the_comparison_when_a_generated_file_is_edited(tmp_path: Path):
    copy = tmp_path / "intensity.json"
    doc = json.loads((DATA_DIR / "intensity.json").read_text(encoding="utf-8"))
    doc["countries"]["FRA"]["figures"][-1]["g_per_kwh"] += 1
    copy.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert generate(NPM_DIR)["intensity.json"] != copy.read_text(encoding="utf-8")


# -- values against the packages' own files, read independently --------------------------


@needs_codecarbon
def test_it_takes_gcp_regions_from_googles_figures_in_codecarbon():
    rows = csv.DictReader(
        codecarbon_file("data/cloud/impact.csv").read_text(encoding="utf-8-sig").splitlines()
    )
    impact = {r["region"]: float(r["impact"]) for r in rows if r["provider"] == "gcp"}
    montreal = CATALOG.cloud_regions[("gcp", "northamerica-northeast1")]
    assert montreal.intensity_g_per_kwh == impact["northamerica-northeast1"]
    assert montreal.intensity_g_per_kwh != 170  # the old borrowed Canadian average
    assert montreal.kind == "cloud_region" and not montreal.borrowed
    for region in ("us-central1", "europe-west4", "asia-south1"):
        assert CATALOG.cloud_regions[("gcp", region)].intensity_g_per_kwh == impact[region]


@needs_packages
def test_it_takes_aws_and_azure_regions_from_cloud_carbon_footprint():
    aws = npm_text("@cloud-carbon-footprint/aws", "dist/domain/AwsFootprintEstimationConstants.js")
    eu_west_3 = re.search(r"AWS_REGIONS\.EU_WEST_3\]:\s*([0-9.e-]+)", aws)
    assert eu_west_3 is not None
    expected = float(eu_west_3.group(1)) * 1e6
    assert CATALOG.cloud_regions[("aws", "eu-west-3")].intensity_g_per_kwh == pytest.approx(
        expected, rel=1e-6
    )
    azure = npm_text(
        "@cloud-carbon-footprint/azure", "dist/domain/AzureFootprintEstimationConstants.js"
    )
    pue = re.search(r"PUE_AVG:\s*([0-9.]+)", azure)
    assert pue is not None
    assert CATALOG.pue_default("azure").pue == float(pue.group(1))


@needs_packages
def test_it_keeps_electricity_maps_years_for_a_country():
    for year in (2021, 2023, 2025):
        text = npm_text("@tgwf/co2", f"dist/cjs/data/electricity-maps/yearly_{year}.js")
        found = re.search(r'"FR":\s*\{.*?"carbonIntensity":\s*\{\s*"value":\s*([0-9.]+)', text)
        assert found is not None
        france = CATALOG.intensity_for_year(CATALOG.countries["FRA"], year)
        assert france.intensity_g_per_kwh == float(found.group(1))
        assert france.year == year and france.requested_year is None
        assert f"yearly_{year}.js" in france.source


@needs_codecarbon
def test_it_converts_egrid_state_rates_from_pounds_per_mwh():
    states = json.loads(codecarbon_file("data/private_infra/2023/usa_emissions.json").read_text())
    oregon = states["oregon"]["emissions"]  # lbs/MWh
    assert CATALOG.grid_regions["US-OR"].intensity_g_per_kwh == pytest.approx(
        oregon * 0.45359237, rel=1e-5
    )


@needs_codecarbon
def test_it_takes_the_world_fallback_from_codecarbon():
    per_source = json.loads(
        codecarbon_file("data/private_infra/carbon_intensity_per_source.json").read_text()
    )
    assert CATALOG.world.intensity_g_per_kwh == per_source["world_average"]


# -- hand-written expectations, each with its document ------------------------------------


def test_it_keeps_the_values_quoted_from_named_documents():
    # Patterson et al. 2021, arXiv:2104.10350, Table 1: Google Iowa, gross 0.478 kg/kWh.
    assert CATALOG.grid_regions["US-IA"].intensity_g_per_kwh == 478
    # Patterson et al. 2021, Table 3: V100 average system power 325 W; Table 4: TPU v3 TDP 450.
    assert CATALOG.accelerators["V100"].typical_w == 325
    assert CATALOG.accelerators["TPU v3"].tdp_w == 450
    # Uptime Institute, "Large data centers are mostly more efficient" (23 Nov 2023): 1.58.
    assert CATALOG.pue_default(None, "on_premises").pue == 1.58
    # CNBC, 13 April 2022: Google's most recent published PUE 1.1 (Q2 2021).
    assert CATALOG.pue_default("gcp").pue == 1.10


def test_it_names_a_package_file_or_a_document_for_every_value():
    package_or_document = re.compile(r"\((pypi|npm)\), \S+|https?://")
    entries = [*CATALOG.regions.values(), CATALOG.world, *CATALOG.pue_defaults.values()]
    for entry in entries:
        if entry.source.startswith("derived:"):
            continue  # the hyperscale default, computed from the provider entries
        assert package_or_document.search(entry.source), entry
        assert entry.license, entry
    for entry in CATALOG.regions.values():
        for _, _, source in entry.figures:
            assert package_or_document.search(source), entry.key
    assert "factual figure, cited" not in (DATA_DIR / "intensity.json").read_text()
    assert "factual figure, cited" not in (DATA_DIR / "pue.json").read_text()


def test_it_states_the_basis_of_every_intensity():
    for entry in [*CATALOG.regions.values(), CATALOG.world]:
        assert "location-based" in entry.basis or "gross" in entry.basis, entry.key


# -- lookups ---------------------------------------------------------------------------


def test_it_uses_the_nearest_year_flagged_and_widened_when_a_year_is_missing():
    france = CATALOG.countries["FRA"]
    years = sorted(y for y, _, _ in france.figures if y is not None)
    older = CATALOG.intensity_for_year(france, years[0] - 3)
    assert older.year == years[0] and older.requested_year == years[0] - 3
    assert "nearest year" in older.provenance
    exact = CATALOG.intensity_for_year(france, years[0])
    assert older.intensity_g_per_kwh == exact.intensity_g_per_kwh
    assert (older.high_g_per_kwh / older.low_g_per_kwh) > (
        exact.high_g_per_kwh / exact.low_g_per_kwh
    )


def test_a_dated_run_uses_its_years_intensity():
    from datetime import datetime

    france = CATALOG.countries["FRA"]
    year = min(y for y, _, _ in france.figures if y is not None)
    run = RunInput(
        energy_kwh=1000,
        pue=1.0,
        location=Location(country="FRA"),
        start=datetime(year, 3, 1),
        end=datetime(year, 3, 2),
    )
    footprint = estimate_training_footprint(DisclosureInput(runs=(run,)))
    expected = CATALOG.intensity_for_year(france, year).intensity_g_per_kwh
    assert footprint.runs[0].intensity_g_per_kwh == expected
    assert footprint.factors[-1].source.endswith(f"@{year}")


def _committed_figures(entry: dict) -> list[float]:
    return [f["g_per_kwh"] for f in entry["figures"] + entry.get("alternatives", [])]


COMMITTED = json.loads((DATA_DIR / "intensity.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("year", [None, 2021, 2022, 2025])
def test_a_countrys_range_reaches_every_figure_for_its_grid_in_any_year(year):
    # France's series runs from 31 to 91 g/kWh (Electricity Maps 2021-2025, OWID 56): a
    # national average standing in for one site carries that disagreement, whichever year.
    france = CATALOG.intensity_for_year(CATALOG.countries["FRA"], year)
    figures = _committed_figures(COMMITTED["countries"]["FRA"])
    assert france.low_g_per_kwh <= min(figures)
    assert france.high_g_per_kwh >= max(figures)
    low, high = CATALOG.rules.intensity_catalog["country"]
    assert france.low_g_per_kwh <= france.intensity_g_per_kwh * low
    assert france.high_g_per_kwh >= france.intensity_g_per_kwh * high


def test_a_region_in_an_unzoned_country_reaches_its_countrys_figures():
    # No package splits Taiwan into zones: its national figures describe asia-east1's grid.
    assert not any(g.get("country") == "TWN" for g in COMMITTED["grid_regions"].values())
    region = CATALOG.cloud_regions[("gcp", "asia-east1")]
    national = _committed_figures(COMMITTED["countries"]["TWN"])
    assert region.high_g_per_kwh == max(national) > region.intensity_g_per_kwh * 1.1


def test_a_region_in_a_zoned_country_keeps_to_its_own_figure():
    # The United States is split into zones: the national average is another grid than
    # Oregon's (us-west1), so it does not widen the region's range.
    region = CATALOG.cloud_regions[("gcp", "us-west1")]
    low, high = CATALOG.rules.intensity_catalog["cloud_region"]
    assert region.low_g_per_kwh == pytest.approx(region.intensity_g_per_kwh * low)
    assert region.high_g_per_kwh == pytest.approx(region.intensity_g_per_kwh * high)


def test_it_flags_and_widens_a_region_that_borrows_its_countrys_figure(tmp_path: Path):
    copy = tmp_path / "catalog"
    shutil.copytree(DATA_DIR, copy)
    doc = json.loads((copy / "intensity.json").read_text())
    doc["cloud_regions"]["aws"]["xx-test-1"] = {"country": "DEU"}
    (copy / "intensity.json").write_text(json.dumps(doc))
    catalog = load_catalog(copy)
    borrowed = catalog.cloud_regions[("aws", "xx-test-1")]
    own = catalog.cloud_regions[("aws", "eu-central-1")]
    assert borrowed.kind == "cloud_region_via_country" and borrowed.borrowed
    assert borrowed.intensity_g_per_kwh == catalog.countries["DEU"].intensity_g_per_kwh
    assert "no figure of its own" in borrowed.provenance
    assert (borrowed.high_g_per_kwh / borrowed.low_g_per_kwh) > (
        own.high_g_per_kwh / own.low_g_per_kwh
    )


def test_it_picks_the_pue_by_provider_then_facility_kind():
    assert CATALOG.pue_default("aws").provider == "aws"
    assert CATALOG.pue_default(None, "hpc_centre").provider == "hpc_centre"
    assert CATALOG.pue_default(None).provider == "unknown"
    hyperscale = CATALOG.pue_default(None, "hyperscale_cloud")
    providers = [CATALOG.pue_default(p) for p in ("aws", "azure", "gcp")]
    assert hyperscale.pue == max(p.pue for p in providers)
    assert hyperscale.low == min(p.low for p in providers)


def test_it_does_not_apply_a_pue_to_facility_power():
    run = RunInput(
        device_hours=1000, power_w=500, power_basis="measured_facility", intensity_g_per_kwh=100
    )
    footprint = estimate_training_footprint(DisclosureInput(runs=(run,)))
    assert footprint.energy_kwh == 500.0
    assert footprint.runs[0].pue == 1.0
    with pytest.raises(EstimatorInputError, match="already includes"):
        RunInput(device_hours=1, power_w=500, power_basis="measured_facility", pue=1.1)


def test_it_brackets_every_default_with_its_range():
    for acc in CATALOG.accelerators.values():
        assert acc.typical_low_w < acc.typical_w < acc.typical_high_w
    for entry in CATALOG.regions.values():
        assert entry.low_g_per_kwh < entry.intensity_g_per_kwh < entry.high_g_per_kwh
    for pue in CATALOG.pue_defaults.values():
        assert 1.0 <= pue.low <= pue.pue <= pue.high


def test_it_finds_the_extreme_regions_for_what_if():
    values = [e.intensity_g_per_kwh for e in CATALOG.regions.values()]
    assert CATALOG.lowest_region.intensity_g_per_kwh == min(values)
    assert CATALOG.highest_region.intensity_g_per_kwh == max(values)


def test_it_versions_the_catalog_by_its_declared_version_and_content():
    declared = json.loads((DATA_DIR / "manifest.json").read_text())["version"]
    assert CATALOG.version == CATALOG_VERSION
    assert CATALOG_VERSION.startswith(declared + "+")


def test_it_changes_version_when_data_changes(tmp_path: Path):
    copy = tmp_path / "catalog"
    shutil.copytree(DATA_DIR, copy)
    pue = json.loads((copy / "pue.json").read_text())
    pue["defaults"]["unknown"]["pue"] = 1.56
    (copy / "pue.json").write_text(json.dumps(pue))
    changed = load_catalog(copy)
    assert changed.version != CATALOG_VERSION
    assert changed.pue_default(None).pue == 1.56


def test_it_shares_one_loaded_catalog():
    assert load_catalog() is load_catalog()


def test_it_ranks_prefix_matches_first():
    assert closest("tpu", ["TPU v2", "TPU v3", "P100"])[:2] == ["TPU v2", "TPU v3"]


def test_it_lists_itself_as_json():
    listing = CATALOG.to_dict()
    json.dumps(listing)
    assert listing["catalog_version"] == CATALOG_VERSION
    assert {a["name"] for a in listing["accelerators"]} == set(CATALOG.accelerators)


# -- the refresh command -----------------------------------------------------------------


@needs_packages
def test_it_refreshes_into_a_loadable_copy_and_reports_its_sources(tmp_path: Path):
    report = refresh_catalog(npm_dir=NPM_DIR, output_dir=tmp_path / "out")
    refreshed = load_catalog(tmp_path / "out")
    assert refreshed.version == report.new_version == CATALOG_VERSION
    assert report.sources["codecarbon:impact"].startswith("codecarbon ")
    assert report.values_per_source["ccf-aws:emission-factors"] == sum(
        1 for p, _ in refreshed.cloud_regions if p == "aws"
    )


@needs_packages
def test_it_leaves_files_alone_on_a_dry_run(tmp_path: Path):
    report = refresh_catalog(npm_dir=NPM_DIR, output_dir=tmp_path / "out", dry_run=True)
    assert not (tmp_path / "out").exists()
    assert report.new_version == report.old_version


def test_it_says_codecarbon_is_missing(monkeypatch):
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    with pytest.raises(PackageMissing, match="codecarbon is not installed"):
        codecarbon_dir()


def test_it_says_an_npm_package_is_missing(tmp_path: Path):
    if importlib.util.find_spec("codecarbon") is None:
        pytest.skip("codecarbon (PyPI) is not installed: pip install -e '.[dev]'")
    with pytest.raises(PackageMissing, match="no npm package"):
        generate(tmp_path)


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("H100-80GB", "H100-SXM"),  # Meta's Llama model cards
        ("H100 SXM", "H100-SXM"),
        ("NVIDIA H100 80GB HBM3", "H100-SXM"),  # nvidia-smi, as CodeCarbon records it
        ("A100-SXM4-80GB", "A100-80GB"),
        ("A100 80GB", "A100-80GB"),
        ("A100 40GB", "A100-40GB"),
        ("NVIDIA A100-PCIE-40GB", "A100-40GB-PCIe"),
        ("TPU v2", "TPU v2"),
        ("TPUv3", "TPU v3"),
        ("Cloud TPU v4", "TPU v4"),
        ("NVIDIA Tesla V100-SXM2-16GB", "V100"),  # the vendor's name in front is optional
        ("NVIDIA H100-80GB", "H100-SXM"),
        ("AMD MI300X", "MI300X"),
        ("TPU v5p", "TPU v5p"),
        ("TPUv5p", "TPU v5p"),
        ("v5p", "TPU v5p"),
        ("Google TPU v5p", "TPU v5p"),
    ],
)
def test_it_knows_devices_as_vendors_and_model_cards_write_them(written, canonical):
    assert CATALOG.accelerator(written).name == canonical


@pytest.mark.parametrize(
    "written", ["TPU v5e", "TPUv5e", "v5e", "Cloud TPU v5e", "Google TPU v5e", "TPU v5 lite"]
)
def test_it_recognises_tpu_v5e_and_asks_for_its_power(written):
    # No source gives a TPU v5e power figure: the name is known, the figure must come from
    # the run. Insufficient data, not an unknown device.
    with pytest.raises(InsufficientDataError) as caught:
        CATALOG.accelerator(written)
    assert caught.value.message.startswith("TPU v5e is a recognised device")
    assert "give power_w with power_basis" in caught.value.message
    assert CATALOG.find_accelerator(written) is None


# Where a figure was seen: a URL, an arXiv id, a dataset commit or a vendor document number.
SEEN_AT = re.compile(r"https?://|arXiv:\d|commit [0-9a-f]{12}|PB-\d{5}")


def test_it_names_where_every_device_figure_was_seen():
    for acc in CATALOG.accelerators.values():
        for figure in ("tdp_w", "typical_w", "peak_tflops"):
            text = acc.sources.get(figure) or ""
            assert "not seen" not in text and "vendor datasheet" not in text, (acc.name, figure)
            if getattr(acc, figure) is not None and figure != "typical_w":
                assert SEEN_AT.search(text), (acc.name, figure, text)
        if acc.typical_basis == "tdp":  # the default is the TDP: its source is the TDP's
            assert acc.typical_w == acc.tdp_w, acc.name
        else:
            assert SEEN_AT.search(acc.sources["typical_w"]), acc.name
        assert "factual figure" not in acc.license
    for device in CATALOG.without_power.values():
        assert SEEN_AT.search(device.sources["power"]), device.name
    # NVIDIA H100 PCIe Product Brief PB-11133-001_v02 (November 2022): TDP 350 W.
    assert CATALOG.accelerators["H100-PCIe"].tdp_w == 350
    assert "PB-11133-001_v02" in CATALOG.accelerators["H100-PCIe"].sources["tdp_w"]


def test_it_quotes_each_dataset_figure_as_the_dataset_gives_it():
    # The figure in the text must be the catalog's own: a typo in either shows here.
    for acc in CATALOG.accelerators.values():
        for figure in ("tdp_w", "peak_tflops"):
            value, text = getattr(acc, figure), acc.sources.get(figure) or ""
            quoted = re.search(
                r"row '[^']+': (?:TDP \(W\)|[^:;]*performance|Tensor-FP16/BF16) "
                r"([\d.]+)",
                text,
            )
            if value is not None and quoted:
                assert float(quoted.group(1)) == pytest.approx(value, abs=0.03), acc.name


@needs_packages
def test_it_places_aws_regions_in_the_country_of_their_electricity_maps_zone():
    regions = npm_text("@cloud-carbon-footprint/aws", "dist/lib/AWSRegions.js")
    zone = re.search(r"\[AWS_REGIONS\.EU_WEST_3\]:\s*'([A-Z]{2})", regions)
    assert zone is not None and zone.group(1) == "FR"
    assert CATALOG.cloud_regions[("aws", "eu-west-3")].country == "FRA"
    with pytest.raises(EstimatorInputError, match="contradicts"):
        estimate_training_footprint(
            DisclosureInput(
                runs=(
                    RunInput(
                        energy_kwh=1,
                        location=Location(
                            country="DEU", cloud_provider="aws", cloud_region="eu-west-3"
                        ),
                    ),
                )
            )
        )


def test_a_vendors_name_does_not_stand_for_another_vendors_device():
    assert CATALOG.find_accelerator("NVIDIA TPU v3") is None
    with pytest.raises(EstimatorInputError, match="did you mean 'TPU v3'"):
        CATALOG.accelerator("NVIDIA TPU v3")


@pytest.mark.parametrize(
    ("provider", "written", "key"),
    [
        ("azure", "West Europe", "azure:westeurope"),  # Azure's display name
        ("gcp", "US-Central1", "gcp:us-central1"),
        ("Amazon Web Services", "us-east-1", "aws:us-east-1"),
    ],
)
def test_it_finds_cloud_regions_as_consoles_write_them(provider, written, key):
    assert CATALOG.cloud_region(provider, written).key == key


def test_it_knows_the_united_kingdom_as_uk():
    # ISO 3166-1 reserves UK for the United Kingdom alongside its code GB.
    assert CATALOG.country("UK") is CATALOG.country("GB") is CATALOG.countries["GBR"]
