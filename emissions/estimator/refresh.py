"""Generate the catalog's intensity and PUE files from installed data packages.

``python -m emissions.estimator refresh-catalog --npm .local/npm`` reads CodeCarbon (PyPI) and
``@tgwf/co2`` and ``@cloud-carbon-footprint/aws|azure`` (npm, installed under the given
folder) through ``catalog_sources.py``, adds the few values that no package has and that
``data/cited.json`` quotes from a named document, and writes ``intensity.json`` and
``pue.json``. The output is deterministic (sorted, no timestamps), so a test can regenerate it
and compare it with the committed files: a hand edit of a generated file fails that test.

Which figure a location uses (the most specific source first): a cloud region's own figure
(Google's data via CodeCarbon for GCP, Cloud Carbon Footprint for AWS and Azure); for a country
or grid zone, the Electricity Maps yearly series (several years, so a dated run uses its own
year), else the single-year Our World in Data figure packaged by CodeCarbon. Figures of the
other sources stay in the entry as ``alternatives`` for review.
"""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .catalog_files import DATA_DIR, load_catalog
from .catalog_sources import (
    Record,
    Source,
    codecarbon_dir,
    read_cloud_carbon_footprint,
    read_codecarbon,
    read_tgwf_co2,
)

GENERATED = ("intensity.json", "pue.json")
CITED = "cited.json"
# Preferred series first; a location takes its figures from the first series that has it.
SERIES_ORDER = ("cited", "tgwf-co2:electricity-maps", "codecarbon", "ccf-aws", "ccf-azure")


@dataclass(frozen=True, slots=True)
class RefreshReport:
    output_dir: Path
    sources: dict[str, str]
    values_per_source: dict[str, int]
    countries: int
    cloud_regions: int
    grid_regions: int
    old_version: str
    new_version: str

    def to_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__slots__}  # type: ignore[attr-defined]
        out["output_dir"] = str(self.output_dir)
        return out


def _series(source_id: str) -> str:
    """``tgwf-co2:electricity-maps-2023`` -> ``tgwf-co2:electricity-maps``."""
    head, _, tail = source_id.rpartition("-")
    return head if tail.isdigit() else source_id.split(":")[0]


def _rank(source_id: str) -> int:
    series = _series(source_id)
    for i, prefix in enumerate(SERIES_ORDER):
        if series.startswith(prefix):
            return i
    return len(SERIES_ORDER)


def _figure(record: Record) -> dict[str, Any]:
    return {"g_per_kwh": record["g_per_kwh"], "year": record["year"], "source": record["source"]}


def _entry(records: list[Record], extra: dict[str, Any]) -> dict[str, Any]:
    """One location: the preferred series' figures by year, the others as alternatives."""
    ordered = sorted(records, key=lambda r: (_rank(r["source"]), r["year"] or 0))
    best = _series(ordered[0]["source"])
    chosen = [_figure(r) for r in ordered if _series(r["source"]) == best]
    others = [_figure(r) for r in ordered if _series(r["source"]) != best]
    out = {**extra, "figures": chosen}
    if others:
        out["alternatives"] = others
    return out


def _iso2(iso3: str) -> str | None:
    import pycountry

    country = pycountry.countries.get(alpha_3=iso3)
    return country.alpha_2 if country is not None else None


def build_intensity(
    sources: dict[str, Source], records: list[Record], cited: dict[str, Any]
) -> dict[str, Any]:
    """The content of ``intensity.json`` from the packages' records and the cited values."""
    by_kind: dict[str, dict[Any, list[Record]]] = defaultdict(lambda: defaultdict(list))
    for record in records:
        if record["kind"] == "cloud_region":
            by_kind["cloud_region"][(record["provider"], record["key"])].append(record)
        else:
            by_kind[record["kind"]][record["key"]].append(record)
    all_sources = dict(sources)
    for key, raw in cited.get("grid_regions", {}).items():
        source_id = f"cited:grid_regions/{key}"
        all_sources[source_id] = {"document": raw["document"], "basis": raw["basis"]}
        by_kind["grid_region"][key].append(
            {**raw, "kind": "grid_region", "key": key, "source": source_id}
        )

    countries = {}
    for iso3, group in sorted(by_kind["country"].items()):
        name = next((r["name"] for r in group if _series(r["source"]) == "codecarbon"), None)
        extra = {"name": name or group[0]["name"], "iso2": _iso2(iso3)}
        countries[iso3] = _entry(group, extra)
    grid = {}
    for key, group in sorted(by_kind["grid_region"].items()):
        first = min(group, key=lambda r: _rank(r["source"]))
        grid[key] = _entry(group, {"name": first["name"], "country": first.get("country")})
    cloud: dict[str, dict[str, Any]] = defaultdict(dict)
    for (provider, region), group in sorted(by_kind["cloud_region"].items()):
        country = next((r["country"] for r in group if r.get("country")), None)
        cloud[provider][region] = _entry(group, {"country": country})
    for record in records:
        if record["kind"] == "cloud_region_location":  # known region, no figure of its own
            where = record["source"]
            entry = {"country": record["country"], "location_source": where}
            cloud[record["provider"]].setdefault(record["key"], entry)
            all_sources[where] = sources[where]
    for provider, regions in cited.get("cloud_regions_without_figure", {}).items():
        for region, raw in regions.items():
            cloud[provider].setdefault(region, {"country": raw["country"], "where": raw["where"]})
    _add_spreads(countries, grid, cloud)
    world = by_kind["world"]["world"]
    return {
        "kind": "grid_intensity",
        "unit": "g CO2e per kWh, location-based annual average",
        "generated_by": "python -m emissions.estimator refresh-catalog (do not edit by hand)",
        "notes": (
            "figures: the series this location uses, by year (a dated run uses its year, the "
            "nearest one flagged when missing; an undated run the latest). alternatives: other "
            "packages' figures, for review only. A cloud region with no figure borrows its "
            "country's, flagged and with a wider range."
        ),
        "sources": dict(sorted(all_sources.items())),
        "world": _figure(world[0]),
        "countries": countries,
        "cloud_regions": {p: dict(sorted(r.items())) for p, r in sorted(cloud.items())},
        "grid_regions": grid,
    }


def _figures(entry: dict[str, Any]) -> list[float]:
    return [f["g_per_kwh"] for f in [*entry.get("figures", []), *entry.get("alternatives", [])]]


def _add_spreads(
    countries: dict[str, Any], grid: dict[str, Any], cloud: dict[str, dict[str, Any]]
) -> None:
    """Give every location with figures the span of all figures the packages hold for its grid.

    A location's yearly average stands in for one site and one stretch of months; how far it
    can be off is measured by how far the figures for the same grid disagree: its own series
    across years and the other packages' figures (``alternatives``). A cloud region's own
    figure (one source, year not stated) is joined by its country's figures when no package
    splits that country into zones, since the country's grid is then the region's grid; where
    the country is split (the United States, Canada, ...), the national figures describe other
    grids and are left out. The loader reads ``spread_g_per_kwh`` as the range of the
    defaulted intensity (never narrower than the judgement range of its kind in rules.json).
    """
    zoned = {raw.get("country") for raw in grid.values()}
    for entry in [*countries.values(), *grid.values()]:
        values = _figures(entry)
        entry["spread_g_per_kwh"] = [min(values), max(values)]
    for regions in cloud.values():
        for entry in regions.values():
            values = _figures(entry)
            if not values:
                continue  # no figure of its own: borrows its country's entry at load time
            home = entry.get("country")
            if home in countries and home not in zoned:
                values += _figures(countries[home])
            entry["spread_g_per_kwh"] = [min(values), max(values)]


def build_pue(sources: dict[str, Source], records: list[Record], cited: dict[str, Any]) -> Any:
    """The content of ``pue.json``: package PUEs per provider plus the cited facility kinds."""
    defaults: dict[str, Any] = {}
    used_sources: dict[str, Any] = {}
    for record in records:
        if record["kind"] == "pue":
            raw = cited["pue_ranges"][record["key"]]
            defaults[record["key"]] = {
                "facility": "hyperscale_cloud",
                "pue": record["pue"],
                "low": raw["low"],
                "high": raw["high"],
                "year": record["year"],
                "source": record["source"],
                "range_reason": cited["pue_ranges"]["reason"],
            }
            used_sources[record["source"]] = sources[record["source"]]
    for key, raw in cited["pue"].items():
        source_id = f"cited:pue/{key}"
        used_sources[source_id] = {"document": raw["document"]}
        defaults[key] = {
            **{k: raw[k] for k in ("facility", "pue", "low", "high", "year")},
            "source": source_id,
            "range_reason": raw["range_reason"],
        }
    return {
        "kind": "pue_defaults",
        "generated_by": "python -m emissions.estimator refresh-catalog (do not edit by hand)",
        "notes": cited["pue_notes"],
        "sources": dict(sorted(used_sources.items())),
        "defaults": dict(sorted(defaults.items())),
    }


def read_packages(npm_dir: Path) -> tuple[dict[str, Source], list[Record]]:
    """Every package's sources and records; raises ``PackageMissing`` when one is absent."""
    root, version = codecarbon_dir()
    sources, records = read_codecarbon(root, version)
    for reader in (read_tgwf_co2, read_cloud_carbon_footprint):
        more_sources, more_records = reader(npm_dir)
        sources.update(more_sources)
        records += more_records
    return sources, records


def generate(npm_dir: Path, cited_file: Path | None = None) -> dict[str, str]:
    """The generated files' text by name, from the installed packages."""
    cited = json.loads((cited_file or DATA_DIR / CITED).read_text(encoding="utf-8"))
    sources, records = read_packages(Path(npm_dir))
    docs = {
        "intensity.json": build_intensity(sources, records, cited),
        "pue.json": build_pue(sources, records, cited),
    }
    return {
        name: json.dumps(doc, indent=1, ensure_ascii=False) + "\n" for name, doc in docs.items()
    }


def refresh_catalog(
    *, npm_dir: Path, output_dir: Path | None = None, dry_run: bool = False
) -> RefreshReport:
    """Regenerate ``intensity.json`` and ``pue.json``.

    ``output_dir`` (default: the packaged ``data/``) receives a full catalog copy, loadable
    with ``load_catalog(output_dir)`` for review. Side effects: writes files unless ``dry_run``.
    """
    files = generate(npm_dir)
    intensity = json.loads(files["intensity.json"])
    counts: dict[str, int] = defaultdict(int)
    for entries in (
        intensity["countries"].values(),
        intensity["grid_regions"].values(),
        *(r.values() for r in intensity["cloud_regions"].values()),
    ):
        for entry in entries:
            for figure in [*entry.get("figures", []), *entry.get("alternatives", [])]:
                counts[figure["source"].split("/")[0]] += 1
    for default in json.loads(files["pue.json"])["defaults"].values():
        counts[default["source"].split("/")[0]] += 1
    target = Path(output_dir) if output_dir is not None else DATA_DIR
    old_version = load_catalog().version
    new_version = old_version
    if not dry_run:
        if target.resolve() != DATA_DIR.resolve():
            target.mkdir(parents=True, exist_ok=True)
            for source in DATA_DIR.glob("*.json"):
                shutil.copyfile(source, target / source.name)
        for name, text in files.items():
            (target / name).write_text(text, encoding="utf-8")
        new_version = load_catalog(target).version
    described = {
        key: f"{s.get('package', 'document')} {s.get('version', '')}".strip()
        + (f" ({s['licence']})" if s.get("licence") else "")
        for key, s in intensity["sources"].items()
        if not key.startswith("cited:")
    }
    return RefreshReport(
        target,
        described,
        dict(sorted(counts.items())),
        len(intensity["countries"]),
        sum(len(r) for r in intensity["cloud_regions"].values()),
        len(intensity["grid_regions"]),
        old_version,
        new_version,
    )
