"""Readers for the data packages the catalog is generated from.

Each reader opens one file of one installed package and returns its figures as plain records
``{"key": ..., "g_per_kwh": ..., "year": ..., "source": SOURCE_ID}`` plus a description of the
source (package, registry, version, file inside the package, licence, basis). Nothing here is
typed in: a value that is not in a package file does not reach the catalog from this module.

- PyPI ``codecarbon``: country intensities (``global_energy_mix.json``), Google Cloud region
  intensities (``cloud/impact.csv``), US state rates (``2023/usa_emissions.json``, EPA eGRID),
  the world-average fallback (``carbon_intensity_per_source.json``).
- npm ``@tgwf/co2``: Electricity Maps yearly zone averages, one file per year.
- npm ``@cloud-carbon-footprint/aws`` and ``/azure``: region emission factors and provider PUE.
  Their constants are JavaScript expressions (US regions point at NERC factors in
  ``@cloud-carbon-footprint/core``), so they are evaluated by ``node`` rather than parsed.
"""

from __future__ import annotations

import csv
import importlib.metadata
import importlib.util
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from .errors import EstimatorInputError

LB_TO_G = 453.59237  # the international pound, by definition
Record = dict[str, Any]
Source = dict[str, Any]

# What each package's documentation says about the basis of its figures; "not stated" where
# the package does not say, so nobody reads a lifecycle figure as a direct one by accident.
EM_BASIS = (
    "lifecycle, location-based (Electricity Maps: carbon-intensity factors computed through "
    "life-cycle analysis, wiki 'Emission factors')"
)
NOT_STATED = "location-based; lifecycle or direct not stated by the package"


class PackageMissing(EstimatorInputError):
    """A data package the catalog is generated from is not installed."""


def _package_json(folder: Path) -> dict[str, Any]:
    try:
        return json.loads((folder / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise PackageMissing(f"no npm package in {folder}", "npm") from None


def codecarbon_dir() -> tuple[Path, str]:
    """The installed CodeCarbon package directory and version."""
    spec = importlib.util.find_spec("codecarbon")
    if spec is None or spec.origin is None:
        raise PackageMissing(
            "codecarbon is not installed in this environment; `pip install -e '.[dev]'` "
            "installs it (it is not a dependency of the registry)",
            "codecarbon",
        )
    return Path(spec.origin).parent, importlib.metadata.version("codecarbon")


def _codecarbon_source(version: str, file: str, **extra: Any) -> Source:
    return {
        "package": "codecarbon",
        "registry": "pypi",
        "version": version,
        "file": f"codecarbon/{file}",
        "licence": "MIT (CodeCarbon)",
        **extra,
    }


def read_codecarbon(root: Path, version: str) -> tuple[dict[str, Source], list[Record]]:
    """Country, GCP region, US state and world figures from CodeCarbon's data files."""
    sources: dict[str, Source] = {}
    records: list[Record] = []

    mix_file = "data/private_infra/global_energy_mix.json"
    sources["codecarbon:global_energy_mix"] = _codecarbon_source(
        version,
        mix_file,
        publisher="Our World in Data (Ember, Energy Institute), as packaged by CodeCarbon",
        data_licence="CC-BY-4.0 (Our World in Data)",
        basis=NOT_STATED,
    )
    mix = json.loads((root / mix_file).read_text(encoding="utf-8-sig"))
    for iso3, raw in sorted(mix.items()):
        value = raw.get("carbon_intensity")
        if len(iso3) != 3 or not isinstance(value, int | float) or value <= 0:
            continue
        records.append(
            {
                "kind": "country",
                "key": iso3,
                "name": raw.get("country_name") or iso3,
                "g_per_kwh": float(value),
                "year": raw.get("year"),
                "source": "codecarbon:global_energy_mix",
            }
        )

    impact_file = "data/cloud/impact.csv"
    sources["codecarbon:impact"] = _codecarbon_source(
        version,
        impact_file,
        publisher="Google Cloud region carbon data, as packaged by CodeCarbon (source column)",
        basis=NOT_STATED,
    )
    # utf-8-sig: CodeCarbon's impact.csv starts with a byte order mark.
    rows = csv.DictReader((root / impact_file).read_text(encoding="utf-8-sig").splitlines())
    for row in rows:
        provider, region = (row.get("provider") or "").strip(), (row.get("region") or "").strip()
        try:
            value = float(row.get("impact") or "")
        except ValueError:
            continue
        if provider and region and value > 0:
            records.append(
                {
                    "kind": "cloud_region",
                    "provider": provider,
                    "key": region.lower(),
                    "country": (row.get("countryIsoCode") or "").strip() or None,
                    "g_per_kwh": value,
                    "year": None,
                    "source": "codecarbon:impact",
                    "cited": (row.get("source") or "").strip(),
                }
            )

    states_file = "data/private_infra/2023/usa_emissions.json"
    states = json.loads((root / states_file).read_text(encoding="utf-8"))
    meta = states.get("_source", {})
    sources["codecarbon:usa_emissions"] = _codecarbon_source(
        version,
        states_file,
        publisher=f"{meta.get('name', 'EPA eGRID')} (field {meta.get('field', '?')})",
        url=meta.get("url"),
        basis="direct (power-plant output emission rate, EPA eGRID); location-based",
        conversion="lbs/MWh x 453.59237 g/lb / 1000 kWh/MWh",
    )
    for name, raw in sorted(states.items()):
        code = raw.get("regionCode") if isinstance(raw, dict) else None
        if name.startswith("_") or not re.fullmatch("[A-Z]{2}", str(code)):
            continue  # the file's national total ("usa") is not a state
        records.append(
            {
                "kind": "grid_region",
                "key": f"US-{code}",
                "name": f"{name.title()} (US state)",
                "country": "USA",
                "g_per_kwh": round(float(raw["emissions"]) * LB_TO_G / 1000.0, 3),
                "year": meta.get("year"),
                "source": "codecarbon:usa_emissions",
            }
        )

    per_source_file = "data/private_infra/carbon_intensity_per_source.json"
    per_source = json.loads((root / per_source_file).read_text(encoding="utf-8"))
    sources["codecarbon:world_average"] = _codecarbon_source(
        version,
        per_source_file,
        publisher=f"world_average, citing {per_source.get('world_average_source')}",
        basis=NOT_STATED,
    )
    records.append(
        {
            "kind": "world",
            "key": "world",
            "g_per_kwh": float(per_source["world_average"]),
            "year": None,
            "source": "codecarbon:world_average",
        }
    )
    return sources, records


def _node_json(npm_dir: Path, script: str) -> Any:
    node = shutil.which("node")
    if node is None:
        raise PackageMissing("node is needed to read the npm packages' constants", "node")
    done = subprocess.run(  # noqa: S603 - fixed script, our own folder
        [node, "-e", script],
        cwd=npm_dir,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"NODE_PATH": str(npm_dir / "node_modules"), "NODE_NO_WARNINGS": "1"},
    )
    if done.returncode != 0:
        raise EstimatorInputError(f"node failed: {done.stderr.strip()[-400:]}", "npm")
    return json.loads(done.stdout)


def _npm_source(npm_dir: Path, name: str, file: str, **extra: Any) -> Source:
    meta = _package_json(npm_dir / "node_modules" / name)
    return {
        "package": name,
        "registry": "npm",
        "version": meta.get("version"),
        "file": file,
        "licence": meta.get("license"),
        **extra,
    }


ELECTRICITY_MAPS_SCRIPT = """
const m = require('@tgwf/co2/data/electricity-maps');
const out = {};
for (const [k, v] of Object.entries(m)) {
  const y = /^yearly(\\d{4})$/.exec(k);
  if (y) out[y[1]] = v.data || v;
}
process.stdout.write(JSON.stringify(out));
"""


def read_tgwf_co2(npm_dir: Path) -> tuple[dict[str, Source], list[Record]]:
    """Electricity Maps yearly zone averages as republished in ``@tgwf/co2``."""
    import pycountry  # a dev/catalog dependency: the ISO 3166 tables

    _package_json(npm_dir / "node_modules" / "@tgwf" / "co2")
    years = _node_json(npm_dir, ELECTRICITY_MAPS_SCRIPT)
    sources: dict[str, Source] = {}
    records: list[Record] = []
    for year, zones in sorted(years.items()):
        source_id = f"tgwf-co2:electricity-maps-{year}"
        sources[source_id] = _npm_source(
            npm_dir,
            "@tgwf/co2",
            f"dist/cjs/data/electricity-maps/yearly_{year}.js",
            publisher="Electricity Maps yearly averages, republished by the Green Web Foundation",
            data_licence="ODbL-1.0 (Electricity Maps data)",
            basis=EM_BASIS,
        )
        for zone, raw in sorted(zones.items()):
            intensity = raw.get("carbonIntensity") or {}
            value = intensity.get("value")
            if not isinstance(value, int | float) or value <= 0:
                continue
            if intensity.get("unit") != "gCO2eq/kWh":
                raise EstimatorInputError(f"unexpected unit in {zone} {year}: {intensity}", "npm")
            names = raw.get("zone") or {}
            record: Record = {"g_per_kwh": float(value), "year": int(year), "source": source_id}
            country = (
                pycountry.countries.get(alpha_2=zone) if re.fullmatch("[A-Z]{2}", zone) else None
            )
            if country is not None:
                record.update(kind="country", key=country.alpha_3, name=country.name)
                record["iso2"] = zone
            else:
                home = pycountry.countries.get(alpha_2=zone.split("-")[0])
                record.update(
                    kind="grid_region",
                    key=zone.upper(),
                    name=names.get("displayName") or names.get("zoneName") or zone,
                    country=home.alpha_3 if home is not None else None,
                )
            records.append(record)
    return sources, records


CCF_SCRIPT = """
const dir = '@cloud-carbon-footprint/';
const aws = require(dir + 'aws/dist/domain/AwsFootprintEstimationConstants.js');
const az = require(dir + 'azure/dist/domain/AzureFootprintEstimationConstants.js');
const awsZones = require(dir + 'aws/dist/lib/AWSRegions.js');
const azZones = require(dir + 'azure/dist/lib/AzureRegions.js');
process.stdout.write(JSON.stringify({
  aws: {factors: aws.AWS_EMISSIONS_FACTORS_METRIC_TON_PER_KWH,
        pue: aws.AWS_CLOUD_CONSTANTS.getPUE(),
        zones: awsZones.AWS_MAPPED_REGIONS_TO_ELECTRICITY_MAPS_ZONES},
  azure: {factors: az.AZURE_EMISSIONS_FACTORS_METRIC_TON_PER_KWH,
          pue: az.AZURE_CLOUD_CONSTANTS.getPUE(),
          zones: azZones.AZURE_MAPPED_REGIONS_TO_ELECTRICITY_MAPS_ZONES},
}));
"""

CCF_FILES = {
    "aws": ("@cloud-carbon-footprint/aws", "dist/domain/AwsFootprintEstimationConstants.js"),
    "azure": ("@cloud-carbon-footprint/azure", "dist/domain/AzureFootprintEstimationConstants.js"),
}


def _core_version(npm_dir: Path, package: str) -> str:
    """The ``@cloud-carbon-footprint/core`` a package resolves (its US factors live there)."""
    for folder in (
        npm_dir / "node_modules" / package / "node_modules" / "@cloud-carbon-footprint" / "core",
        npm_dir / "node_modules" / "@cloud-carbon-footprint" / "core",
    ):
        if (folder / "package.json").is_file():
            return f"@cloud-carbon-footprint/core {_package_json(folder).get('version')}"
    return "@cloud-carbon-footprint/core (not found)"


def read_cloud_carbon_footprint(npm_dir: Path) -> tuple[dict[str, Source], list[Record]]:
    """AWS and Azure region factors (t/kWh, converted to g/kWh) and provider PUEs.

    CCF's region -> Electricity Maps zone maps (``dist/lib/*Regions.js``) give each region's
    country (the zone's ISO prefix); a mapped region without a factor becomes a location-only
    record, so the catalog knows it and borrows its country's figure, flagged."""
    import pycountry

    for package, _ in CCF_FILES.values():
        _package_json(npm_dir / "node_modules" / package)
    raw = _node_json(npm_dir, CCF_SCRIPT)
    sources: dict[str, Source] = {}
    records: list[Record] = []
    for provider, (package, file) in CCF_FILES.items():
        factors_id, pue_id = f"ccf-{provider}:emission-factors", f"ccf-{provider}:pue"
        sources[factors_id] = _npm_source(
            npm_dir,
            package,
            file,
            with_core=_core_version(npm_dir, package),
            constant=f"{provider.upper()}_EMISSIONS_FACTORS_METRIC_TON_PER_KWH",
            publisher="Cloud Carbon Footprint region emission factors",
            conversion="metric t/kWh x 1e6",
            basis=NOT_STATED,
        )
        sources[pue_id] = _npm_source(
            npm_dir,
            package,
            file,
            constant=f"{provider.upper()}_CLOUD_CONSTANTS.getPUE()",
            publisher="Cloud Carbon Footprint provider PUE",
            basis="PUE (facility energy / IT energy)",
        )
        countries: dict[str, str] = {}
        for region, zone in (raw[provider].get("zones") or {}).items():
            home = pycountry.countries.get(alpha_2=zone.split("-")[0]) if zone else None
            if home is not None:
                countries[region.lower()] = home.alpha_3
        seen: set[str] = set()
        for region, tonnes in sorted(raw[provider]["factors"].items()):
            key = region.lower()
            if key == "unknown" or key in seen:
                continue  # CCF's "Unknown" is its fallback average, not a region
            seen.add(key)
            records.append(
                {
                    "kind": "cloud_region",
                    "provider": provider,
                    "key": key,
                    "country": countries.get(key),
                    # Rounded to 6 significant digits: the t->g conversion adds float noise.
                    "g_per_kwh": float(f"{float(tonnes) * 1e6:.6g}"),
                    "year": None,
                    "source": factors_id,
                }
            )
        for key, country in sorted(countries.items()):
            if key not in seen:
                records.append(
                    {
                        "kind": "cloud_region_location",
                        "provider": provider,
                        "key": key,
                        "country": country,
                        "source": f"ccf-{provider}:regions",
                    }
                )
                sources[f"ccf-{provider}:regions"] = _npm_source(
                    npm_dir,
                    package,
                    f"dist/lib/{'AWS' if provider == 'aws' else 'Azure'}Regions.js",
                    constant=f"{provider.upper()}_MAPPED_REGIONS_TO_ELECTRICITY_MAPS_ZONES",
                    publisher="region -> Electricity Maps zone (location only, no figure)",
                )
        records.append(
            {
                "kind": "pue",
                "key": provider,
                "pue": float(raw[provider]["pue"]),
                "year": None,
                "source": pue_id,
            }
        )
    return sources, records
