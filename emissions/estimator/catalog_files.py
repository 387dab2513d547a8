"""Reading the catalog's versioned data files and building its indexes.

The version reported with every result is the manifest's version plus the first 8 hex digits
of the SHA-256 of the data files, so an edited file changes it even if nobody bumps the number.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .catalog import (
    Accelerator,
    Catalog,
    DeviceWithoutPower,
    GridIntensity,
    PueDefault,
    Range,
    Rules,
    intensity_range,
    normalise_name,
)

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


def _describe(source: Mapping[str, Any]) -> tuple[str, str, str]:
    """(source sentence, licence, basis) of one entry of a generated file's ``sources``."""
    if "document" in source:
        return source["document"], "figure quoted from the cited document", source.get("basis", "")
    text = f"{source['package']} {source['version']} ({source['registry']}), {source['file']}"
    if source.get("constant"):
        text += f" {source['constant']}"
    if source.get("with_core"):
        text += f" (resolved with {source['with_core']})"
    if source.get("publisher"):
        text += f": {source['publisher']}"
    licence = source.get("licence") or "licence not stated"
    if source.get("data_licence"):
        licence += f"; data {source['data_licence']}"
    return text, licence, source.get("basis", "")


def _intensity(
    key: str,
    kind: str,
    label: str,
    raw: Mapping[str, Any],
    ranges: Mapping[str, Range],
    sources: Mapping[str, Any],
    country: str | None = None,
) -> GridIntensity:
    figures = []
    for figure in raw["figures"]:
        text, _, _ = _describe(sources[figure["source"]])
        figures.append((figure["year"], float(figure["g_per_kwh"]), text))
    latest = max(raw["figures"], key=lambda f: f["year"] or 0)
    source, licence, basis = _describe(sources[latest["source"]])
    value = float(latest["g_per_kwh"])
    spread = raw.get("spread_g_per_kwh")
    spread = (float(spread[0]), float(spread[1])) if spread else None
    low, high = intensity_range(value, ranges[kind], spread)
    return GridIntensity(
        key=key,
        kind=kind,
        label=label,
        intensity_g_per_kwh=value,
        low_g_per_kwh=low,
        high_g_per_kwh=high,
        spread=spread,
        country=country if country is not None else raw.get("country"),
        year=latest["year"],
        source=source,
        license=licence,
        basis=basis,
        figures=tuple(figures),
    )


def _pue_defaults(doc: Mapping[str, Any]) -> dict[str, PueDefault]:
    out = {}
    for key, raw in doc["defaults"].items():
        source, licence, _ = _describe(doc["sources"][raw["source"]])
        out[key] = PueDefault(
            provider=key,
            facility=raw["facility"],
            pue=float(raw["pue"]),
            low=float(raw["low"]),
            high=float(raw["high"]),
            year=raw["year"],
            source=source,
            license=licence,
        )
    providers = [p for p in out.values() if p.facility == "hyperscale_cloud"]
    if providers and "hyperscale_cloud" not in out:
        out["hyperscale_cloud"] = PueDefault(
            provider="hyperscale_cloud",
            facility="hyperscale_cloud",
            pue=max(p.pue for p in providers),
            low=min(p.low for p in providers),
            high=max(p.high for p in providers),
            year=None,
            source="derived: the highest of the providers' defaults ("
            + ", ".join(sorted(p.provider for p in providers))
            + ") with the widest of their ranges",
            license="derived from the values above",
        )
    return out


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
        lifecycle=MappingProxyType(dict(raw_rules.get("lifecycle", {}))),
    )

    accelerators = {}
    for raw in docs["accelerators.json"]["accelerators"]:
        acc = _accelerator(raw, raw_rules)
        accelerators[acc.name] = acc
    accelerator_index: dict[str, Accelerator] = {}
    for acc in accelerators.values():
        for alias in (acc.name, *acc.aliases):
            accelerator_index.setdefault(normalise_name(alias), acc)
    without_power = {
        raw["name"]: DeviceWithoutPower(
            name=raw["name"],
            vendor=raw["vendor"],
            reason=raw["reason"],
            aliases=tuple(raw.get("aliases", ())),
            sources=MappingProxyType(dict(raw["sources"])),
            license=raw["license"],
        )
        for raw in docs["accelerators.json"].get("without_power", ())
    }
    without_power_index: dict[str, DeviceWithoutPower] = {}
    for device in without_power.values():
        for alias in (device.name, *device.aliases):
            key = normalise_name(alias)
            if key in accelerator_index:  # one name, one device: a default never goes missing
                raise ValueError(f"{alias!r} names both {device.name} and an accelerator")
            without_power_index.setdefault(key, device)

    intensity = docs["intensity.json"]
    sources = intensity["sources"]
    countries: dict[str, GridIntensity] = {}
    country_index: dict[str, GridIntensity] = {}
    for code, raw in intensity["countries"].items():
        entry = _intensity(f"country:{code}", "country", raw["name"], raw, ranges, sources, code)
        countries[code] = entry
        # "UK" is the code ISO 3166-1 exceptionally reserves for the United Kingdom (GB).
        uk = "UK" if raw.get("iso2") == "GB" else ""
        for name in (code, raw.get("iso2") or "", raw["name"], uk):
            if name:
                country_index.setdefault(normalise_name(name), entry)

    cloud_regions: dict[tuple[str, str], GridIntensity] = {}
    for provider, regions in intensity["cloud_regions"].items():
        for region, raw in regions.items():
            key, label = f"{provider}:{region}", f"{provider} {region}"
            if raw.get("figures"):
                entry = _intensity(key, "cloud_region", label, raw, ranges, sources)
            else:  # no figure of its own: the country's, flagged and widened
                home = countries[raw["country"]]
                kind = "cloud_region_via_country"
                low, high = intensity_range(home.intensity_g_per_kwh, ranges[kind], home.spread)
                entry = replace(
                    home,
                    key=key,
                    kind=kind,
                    label=label,
                    low_g_per_kwh=low,
                    high_g_per_kwh=high,
                    borrowed=True,
                )
            cloud_regions[(provider, region)] = entry

    grid_regions = {
        code: _intensity(f"grid:{code}", "grid_region", raw["name"], raw, ranges, sources)
        for code, raw in intensity["grid_regions"].items()
    }
    own = [*countries.values(), *grid_regions.values()]
    own += [e for e in cloud_regions.values() if e.kind == "cloud_region"]
    lowest = min(own, key=lambda e: e.intensity_g_per_kwh)
    highest = max(own, key=lambda e: e.intensity_g_per_kwh)
    raw_world = intensity["world"]
    world_source, world_licence, world_basis = _describe(sources[raw_world["source"]])
    world = GridIntensity(
        key="world",
        kind="world",
        label="world average",
        intensity_g_per_kwh=float(raw_world["g_per_kwh"]),
        low_g_per_kwh=lowest.intensity_g_per_kwh,
        high_g_per_kwh=highest.intensity_g_per_kwh,
        country=None,
        year=raw_world["year"],
        source=world_source,
        license=world_licence,
        basis=world_basis,
    )
    pue_defaults = _pue_defaults(docs["pue.json"])
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
        without_power=MappingProxyType(without_power),
        _without_power_index=MappingProxyType(without_power_index),
    )


CATALOG_VERSION: str = load_catalog().version
