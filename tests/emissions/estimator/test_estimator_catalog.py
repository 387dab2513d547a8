"""The factor catalog: provenance of every value, versioning, lookups and the refresh."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from emissions.estimator import CATALOG_VERSION, EstimatorInputError, load_catalog
from emissions.estimator.catalog import closest
from emissions.estimator.catalog_files import DATA_DIR
from emissions.estimator.refresh import codecarbon_data_dir, refresh_catalog

CATALOG = load_catalog()


def test_it_gives_every_accelerator_value_a_source_and_license():
    for acc in CATALOG.accelerators.values():
        assert acc.license
        assert acc.sources["typical_w"]
        assert acc.sources["tdp_w"]
        if acc.peak_tflops is not None:
            assert acc.sources["peak_tflops"]


def test_it_gives_every_region_and_pue_default_a_source_license_and_year():
    for entry in [*CATALOG.regions.values(), CATALOG.world, *CATALOG.pue_defaults.values()]:
        assert entry.source and entry.license and entry.year > 2000


def test_it_keeps_the_published_anchor_values():
    assert CATALOG.accelerators["V100"].typical_w == 325
    assert CATALOG.accelerators["TPU v3"].tdp_w == 450
    assert CATALOG.accelerators["H100-SXM"].tdp_w == 700
    assert CATALOG.countries["FRA"].intensity_g_per_kwh == 56
    assert CATALOG.cloud_regions[("gcp", "us-central1")].intensity_g_per_kwh == 430
    assert CATALOG.world.intensity_g_per_kwh == 475
    assert CATALOG.pue_defaults["default"].pue == 1.58


def test_it_brackets_every_default_with_its_range():
    for acc in CATALOG.accelerators.values():
        assert acc.typical_low_w < acc.typical_w < acc.typical_high_w
    for entry in CATALOG.regions.values():
        assert entry.low_g_per_kwh < entry.intensity_g_per_kwh < entry.high_g_per_kwh
    for pue in CATALOG.pue_defaults.values():
        assert 1.0 <= pue.low <= pue.pue <= pue.high


def test_it_widens_regions_that_borrow_their_countrys_figure():
    own = CATALOG.cloud_regions[("gcp", "us-central1")]
    borrowed = CATALOG.cloud_regions[("aws", "us-east-1")]
    assert borrowed.kind == "cloud_region_via_country"
    assert borrowed.intensity_g_per_kwh == CATALOG.countries["USA"].intensity_g_per_kwh
    assert (borrowed.high_g_per_kwh / borrowed.low_g_per_kwh) > (
        own.high_g_per_kwh / own.low_g_per_kwh
    )


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
    pue["defaults"]["default"]["pue"] = 1.56
    (copy / "pue.json").write_text(json.dumps(pue))
    changed = load_catalog(copy)
    assert changed.version != CATALOG_VERSION
    assert changed.pue_defaults["default"].pue == 1.56


def test_it_shares_one_loaded_catalog():
    assert load_catalog() is load_catalog()


def test_it_ranks_prefix_matches_first():
    assert closest("tpu", ["TPU v2", "TPU v3", "P100"])[:2] == ["TPU v2", "TPU v3"]


def test_it_lists_itself_as_json():
    listing = CATALOG.to_dict()
    json.dumps(listing)
    assert listing["catalog_version"] == CATALOG_VERSION
    assert {a["name"] for a in listing["accelerators"]} == set(CATALOG.accelerators)


def write_fake_codecarbon(root: Path) -> Path:
    """A data directory laid out like CodeCarbon's, with values made up for the test."""
    (root / "private_infra").mkdir(parents=True)
    (root / "cloud").mkdir()
    mix = {
        "FRA": {"country_name": "France", "carbon_intensity": 52.5, "year": 2024},
        "KEN": {"country_name": "Kenya", "carbon_intensity": 88.0, "year": 2024},
        "ZZZ": {"country_name": "Nowhere", "carbon_intensity": 0},
    }
    (root / "private_infra" / "global_energy_mix.json").write_text(json.dumps(mix))
    (root.parent / "_version.py").write_text('__version__ = "9.9.9"\n')
    (root / "cloud" / "impact.csv").write_text(
        "\ufeffprovider,providerName,offsetRatio,region,regionName,country_name,countryIsoCode,state,"
        "city,impact,source,comment\n"
        "gcp,Google Cloud Platform,100,europe-west9,,France,FRA,,Paris,31.0,example,\n"
        "aws,Amazon Web Services,0,eu-west-3,EU (Paris),France,USA,,Paris,60.0,example,\n"
    )
    return root


def test_it_refreshes_intensities_from_codecarbon_data(tmp_path: Path):
    data = write_fake_codecarbon(tmp_path / "codecarbon" / "data")
    report = refresh_catalog(codecarbon_data=data, output_dir=tmp_path / "out")
    refreshed = load_catalog(tmp_path / "out")
    assert refreshed.countries["FRA"].intensity_g_per_kwh == 52.5
    assert not refreshed.countries["FRA"].approximate
    assert refreshed.countries["KEN"].intensity_g_per_kwh == 88.0
    assert "ZZZ" not in refreshed.countries
    assert refreshed.countries["USA"] == CATALOG.countries["USA"]  # kept: CodeCarbon lacks it
    assert refreshed.cloud_regions[("gcp", "europe-west9")].intensity_g_per_kwh == 31.0
    # CodeCarbon's countryIsoCode is wrong on some rows; the country name wins.
    assert refreshed.cloud_regions[("aws", "eu-west-3")].country == "FRA"
    assert refreshed.grid_regions == CATALOG.grid_regions
    assert report.new_version == refreshed.version != CATALOG_VERSION
    assert report.codecarbon_version == "9.9.9"
    assert refreshed.cloud_regions[("gcp", "europe-west9")].year == 2024
    assert (report.changed, report.added) == (1, 1)


def test_it_leaves_files_alone_on_a_dry_run(tmp_path: Path):
    data = write_fake_codecarbon(tmp_path / "codecarbon" / "data")
    report = refresh_catalog(codecarbon_data=data, output_dir=tmp_path / "out", dry_run=True)
    assert not (tmp_path / "out").exists()
    assert report.new_version == report.old_version


def test_it_says_codecarbon_is_missing(monkeypatch):
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    with pytest.raises(EstimatorInputError, match="codecarbon is not installed"):
        codecarbon_data_dir()
