"""Reading the catalog's versioned data files and building its indexes.

The version reported with every result is the manifest's version plus the first 8 hex digits
of the SHA-256 of the data files, so an edited file changes it even if nobody bumps the number.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .catalog import Accelerator, Catalog, GridIntensity, PueDefault, Range, Rules, normalise_name

DATA_DIR = Path(__file__).with_name("data")


def _range(pair: Any, where: str) -> Range:
    low, high = float(pair[0]), float(pair[1])
    if not 0 < low <= 1 <= high:
        raise ValueError(f"catalog rule {where} must satisfy 0 < low <= 1 <= high, got {pair}")
    return (low, high)


def _accelerator(raw: Mapping[str, Any], rules: Mapping[str, Any]) -> Accelerator:
    typical = float(raw["typical_w"])
    basis = raw["typical_basis"]
    if basis == "tdp":
        low, high = _range(rules["power_catalog"]["tdp"], "power_catalog.tdp")
    else:
        sd = raw.get("typical_sd_fraction") or 0.0
        half = max(
            sd * rules["power_catalog"]["measured_sd_multiplier"],
            rules["power_catalog"]["measured_min_half_width"],
        )
        low, high = 1 - half, 1 + half
    return Accelerator(
        name=raw["name"],
        vendor=raw["vendor"],
        tdp_w=None if raw.get("tdp_w") is None else float(raw["tdp_w"]),
        typical_w=typical,
        typical_basis=basis,
        typical_low_w=typical * low,
        typical_high_w=typical * high,
        peak_tflops=None if raw.get("peak_tflops") is None else float(raw["peak_tflops"]),
        aliases=tuple(raw.get("aliases", ())),
        sources=MappingProxyType(dict(raw["sources"])),
        license=raw["license"],
    )


def _intensity(
    key: str, kind: str, label: str, raw: Mapping[str, Any], ranges: Mapping[str, Range]
) -> GridIntensity:
    value = float(raw["intensity_g_per_kwh"])
    approximate = bool(raw.get("approximate", False))
    low, high = ranges[f"{kind}_approximate" if approximate and kind == "country" else kind]
    return GridIntensity(
        key=key,
        kind=kind,
        label=label,
        intensity_g_per_kwh=value,
        low_g_per_kwh=value * low,
        high_g_per_kwh=value * high,
        country=raw.get("country"),
        year=int(raw["year"]),
        source=raw["source"],
        license=raw["license"],
        approximate=approximate,
    )


def _read(directory: Path, name: str) -> tuple[bytes, Any]:
    blob = (directory / name).read_bytes()
    return blob, json.loads(blob)


def load_catalog(directory: str | Path | None = None) -> Catalog:
    """Load the catalog from ``directory`` (default: the packaged ``data/``).

    The packaged catalog is loaded once per process and shared; pass a directory to load
    another version, for example a refreshed copy under review.
    """
    if directory is None:
        return _packaged_catalog()
    return _build(Path(directory))


@lru_cache(maxsize=1)
def _packaged_catalog() -> Catalog:
    return _build(DATA_DIR)


def _build(directory: Path) -> Catalog:
    _, manifest = _read(directory, "manifest.json")
    digest = hashlib.sha256()
    docs: dict[str, Any] = {}
    for name in manifest["files"]:
        blob, docs[name] = _read(directory, name)
        digest.update(name.encode() + b"\0" + blob)
    raw_rules = docs["rules.json"]
    ranges = {k: _range(v, k) for k, v in raw_rules["intensity_catalog"].items()}
    rules = Rules(
        power_given=MappingProxyType(
            {k: _range(v, k) for k, v in raw_rules["power_given"].items()}
        ),
        intensity_catalog=MappingProxyType(ranges),
        equivalences=MappingProxyType(dict(raw_rules["equivalences"])),
        sources=MappingProxyType(dict(raw_rules["sources"])),
    )

    accelerators = {}
    for raw in docs["accelerators.json"]["accelerators"]:
        acc = _accelerator(raw, raw_rules)
        accelerators[acc.name] = acc
    accelerator_index: dict[str, Accelerator] = {}
    for acc in accelerators.values():
        for alias in (acc.name, *acc.aliases):
            accelerator_index.setdefault(normalise_name(alias), acc)

    intensity = docs["intensity.json"]
    countries: dict[str, GridIntensity] = {}
    country_index: dict[str, GridIntensity] = {}
    for code, raw in intensity["countries"].items():
        entry = _intensity(
            f"country:{code}", "country", raw["name"], {**raw, "country": code}, ranges
        )
        countries[code] = entry
        for name in (code, raw.get("iso2", ""), raw["name"]):
            if name:
                country_index.setdefault(normalise_name(name), entry)

    cloud_regions: dict[tuple[str, str], GridIntensity] = {}
    for provider, regions in intensity["cloud_regions"].items():
        for region, raw in regions.items():
            key, label = f"{provider}:{region}", f"{provider} {region}"
            if "intensity_g_per_kwh" in raw:
                entry = _intensity(key, "cloud_region", label, raw, ranges)
            else:
                home = countries[raw["country"]]
                via = {
                    "intensity_g_per_kwh": home.intensity_g_per_kwh,
                    "country": home.country,
                    "year": home.year,
                    "source": f"{home.source} (figure of the country it is in, {home.country})",
                    "license": home.license,
                }
                entry = _intensity(key, "cloud_region_via_country", label, via, ranges)
            cloud_regions[(provider, region)] = entry

    grid_regions = {
        code: _intensity(f"grid:{code}", "grid_region", raw["name"], raw, ranges)
        for code, raw in intensity["grid_regions"].items()
    }
    own = [*countries.values(), *grid_regions.values()]
    own += [e for e in cloud_regions.values() if e.kind == "cloud_region"]
    lowest = min(own, key=lambda e: e.intensity_g_per_kwh)
    highest = max(own, key=lambda e: e.intensity_g_per_kwh)
    raw_world = intensity["world"]
    world = GridIntensity(
        key="world",
        kind="world",
        label="world average",
        intensity_g_per_kwh=float(raw_world["intensity_g_per_kwh"]),
        low_g_per_kwh=lowest.intensity_g_per_kwh,
        high_g_per_kwh=highest.intensity_g_per_kwh,
        country=None,
        year=int(raw_world["year"]),
        source=raw_world["source"],
        license=raw_world["license"],
    )
    pue_defaults = {
        provider: PueDefault(
            provider=provider,
            pue=float(raw["pue"]),
            low=float(raw["low"]),
            high=float(raw["high"]),
            year=int(raw["year"]),
            source=raw["source"],
            license=raw["license"],
        )
        for provider, raw in docs["pue.json"]["defaults"].items()
    }
    return Catalog(
        version=f"{manifest['version']}+{digest.hexdigest()[:8]}",
        accelerators=MappingProxyType(accelerators),
        countries=MappingProxyType(countries),
        cloud_regions=MappingProxyType(cloud_regions),
        grid_regions=MappingProxyType(grid_regions),
        world=world,
        pue_defaults=MappingProxyType(pue_defaults),
        rules=rules,
        lowest_region=lowest,
        highest_region=highest,
        _accelerator_index=MappingProxyType(accelerator_index),
        _country_index=MappingProxyType(country_index),
    )


CATALOG_VERSION: str = load_catalog().version
