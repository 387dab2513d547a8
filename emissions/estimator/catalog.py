"""The factor catalog: accelerators, grid intensities and PUE defaults, and their lookups.

Every default the estimator applies comes from the JSON files in ``data/`` (read by
``catalog_files.py``), each value with its source and license, so a reviewer can see where a
number came from and a recomputation can be reproduced later: the catalog version is part of
every result. Lookups are precomputed once per catalog because the batch recomputation after a
catalog update runs them hundreds of thousands of times.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from .errors import EstimatorInputError, InsufficientDataError

PROVIDER_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        "gcp": "gcp",
        "google": "gcp",
        "googlecloud": "gcp",
        "googlecloudplatform": "gcp",
        "aws": "aws",
        "amazon": "aws",
        "amazonwebservices": "aws",
        "azure": "azure",
        "microsoft": "azure",
        "microsoftazure": "azure",
    }
)

Range = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Accelerator:
    """One accelerator model: its TDP, the default average power and that default's range."""

    name: str
    vendor: str
    tdp_w: float | None
    typical_w: float
    typical_basis: str
    typical_low_w: float
    typical_high_w: float
    peak_tflops: float | None
    aliases: tuple[str, ...]
    sources: Mapping[str, str]
    license: str
    provenance: str = ""  # the factor source the estimator reports, precomputed

    def __post_init__(self) -> None:
        source = f"catalog:accelerators/{self.name} ({self.typical_basis})"
        object.__setattr__(self, "provenance", source)


@dataclass(frozen=True, slots=True)
class DeviceWithoutPower:
    """A device the catalog recognises but holds no power figure for, because no source gives
    one (``without_power`` in ``accelerators.json``): a run on it must bring its own measured
    or declared power, or its energy. Kept apart from ``Accelerator`` so no default can ever be
    drawn from it."""

    name: str
    vendor: str
    reason: str
    aliases: tuple[str, ...]
    sources: Mapping[str, str]
    license: str


YearFigure = tuple[int | None, float, str]  # (year, g/kWh, source described)


@dataclass(frozen=True, slots=True)
class GridIntensity:
    """A location-based grid intensity with the range the estimator assumes when defaulting it.

    ``figures`` is the location's series by year (one figure without a year for sources that
    give none); the entry itself carries the latest. ``for_year`` picks a run's year.
    ``borrowed`` marks a cloud region that has no figure of its own and uses its country's.
    ``spread`` spans every figure the packages hold for the same grid (all years, all
    sources; ``refresh.py``): the range never stops short of it, see ``intensity_range``.
    """

    key: str
    kind: str
    label: str
    intensity_g_per_kwh: float
    low_g_per_kwh: float
    high_g_per_kwh: float
    country: str | None
    year: int | None
    source: str
    license: str
    basis: str = ""
    figures: tuple[YearFigure, ...] = ()
    borrowed: bool = False
    requested_year: int | None = None  # set when a run's year was missing: nearest year used
    spread: tuple[float, float] | None = None
    provenance: str = ""

    def __post_init__(self) -> None:
        tail = "" if self.year is None else f"@{self.year}"
        if self.requested_year is not None:
            tail += f" (nearest year to {self.requested_year})"
        if self.borrowed:
            tail += f" (no figure of its own: {self.country}'s national figure)"
        object.__setattr__(self, "provenance", f"catalog:regions/{self.key}{tail}")


@dataclass(frozen=True, slots=True)
class PueDefault:
    """The PUE assumed when a run gives none: by cloud provider, else by facility kind."""

    provider: str
    facility: str
    pue: float
    low: float
    high: float
    year: int | None
    source: str
    license: str
    provenance: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "provenance", f"catalog:pue/{self.provider}")


@dataclass(frozen=True, slots=True)
class Rules:
    """Uncertainty ranges by kind of factor and the equivalence factors, from ``rules.json``."""

    power_given: Mapping[str, Range]
    intensity_catalog: Mapping[str, Range]
    equivalences: Mapping[str, Any]
    sources: Mapping[str, str]
    lifecycle: Mapping[str, Any] = field(default_factory=dict)


def normalise_name(name: str) -> str:
    """Fold case and drop spaces, dashes and underscores: ``"TPU v3"`` and ``tpu-v3`` match."""
    return "".join(ch for ch in name.lower() if ch.isalnum())


def closest(name: str, candidates: Iterable[str], limit: int = 5) -> list[str]:
    """Names a user probably meant: prefix matches (``A100`` -> both A100s), then containment,
    then difflib's close matches, ignoring case, spaces and dashes."""
    folded: dict[str, str] = {}
    for candidate in sorted(set(candidates)):
        folded.setdefault(normalise_name(candidate), candidate)
    key = normalise_name(name)
    ranked = [c for k, c in folded.items() if key and k.startswith(key)]
    ranked += [c for k, c in folded.items() if key and key in k and not k.startswith(key)]
    ranked += [c for k, c in folded.items() if key and k in key and key not in k]
    ranked += [folded[m] for m in difflib.get_close_matches(key, list(folded), n=limit, cutoff=0.6)]
    return list(dict.fromkeys(ranked))[:limit]


def suggestion(name: str, candidates: Iterable[str]) -> str:
    """A ``did you mean`` tail for an error message, or a hint where to look."""
    near = closest(name, candidates)
    if near:
        return "did you mean " + ", ".join(repr(n) for n in near) + "?"
    return "run `python -m emissions.estimator catalog` for the list"


@dataclass(frozen=True, slots=True, eq=False)
class Catalog:
    """The loaded catalog with precomputed indexes. Immutable, hashed by identity (lookups are
    cached per catalog), and safe to share between threads."""

    version: str
    accelerators: Mapping[str, Accelerator]
    countries: Mapping[str, GridIntensity]
    cloud_regions: Mapping[tuple[str, str], GridIntensity]
    grid_regions: Mapping[str, GridIntensity]
    world: GridIntensity
    pue_defaults: Mapping[str, PueDefault]
    rules: Rules
    lowest_region: GridIntensity
    highest_region: GridIntensity
    _accelerator_index: Mapping[str, Accelerator] = field(repr=False)
    _country_index: Mapping[str, GridIntensity] = field(repr=False)
    without_power: Mapping[str, DeviceWithoutPower]
    _without_power_index: Mapping[str, DeviceWithoutPower] = field(repr=False)

    @property
    def regions(self) -> dict[str, GridIntensity]:
        """Every location-based intensity by key (``country:FRA``, ``gcp:us-central1``, ...)."""
        entries = [*self.countries.values(), *self.cloud_regions.values()]
        entries += self.grid_regions.values()
        return {entry.key: entry for entry in entries}

    def find_accelerator(self, name: str) -> Accelerator | None:
        """The accelerator a name or alias refers to, or None. A vendor's name in front is
        optional (``NVIDIA Tesla V100-SXM2-16GB`` is ``Tesla V100-SXM2-16GB``), as
        ``nvidia-smi`` and model cards write it with or without."""
        found = self.accelerators.get(name)  # canonical names skip the normalisation
        if found is not None:
            return found
        return _by_name(self._accelerator_index, normalise_name(name))

    def find_device_without_power(self, name: str) -> DeviceWithoutPower | None:
        """The recognised device without a power figure a name refers to (``v5e``, ``TPU v5
        lite``), or None; the same spelling rules as ``find_accelerator``."""
        return _by_name(self._without_power_index, normalise_name(name))

    def power_needed(self, device: DeviceWithoutPower, field: str) -> InsufficientDataError:
        """The error for a run on a recognised device that gives neither power nor energy:
        the input lacks a figure, it names nothing unknown."""
        return InsufficientDataError(
            f"{device.name} is a recognised device, but the catalog holds no power figure for "
            f"it ({device.reason}): give power_w with power_basis (a measured or declared "
            "figure), or energy_kwh",
            field,
        )

    def accelerator(self, name: str, field: str = "accelerator") -> Accelerator:
        """The accelerator for ``name``. Raises ``InsufficientDataError`` for a recognised
        device without a power figure, and ``EstimatorInputError`` with the closest names
        for an unknown one."""
        found = self.find_accelerator(name)
        if found is None:
            device = self.find_device_without_power(name)
            if device is not None:
                raise self.power_needed(device, field)
            names = [*self.accelerators]
            names += [alias for acc in self.accelerators.values() for alias in acc.aliases]
            canonical = [self.accelerator_index_name(n) for n in closest(name, names, limit=20)]
            near = list(dict.fromkeys(canonical))[:5]
            hint = (
                "did you mean " + ", ".join(repr(n) for n in near) + "?"
                if near
                else suggestion(name, ())
            )
            raise EstimatorInputError(f"unknown accelerator {name!r}; {hint}", field)
        return found

    def accelerator_index_name(self, alias: str) -> str:
        return self._accelerator_index[normalise_name(alias)].name

    def find_country(self, code_or_name: str) -> GridIntensity | None:
        """A country by ISO 3166 alpha-3 or alpha-2 code or English name, or None."""
        return self._country_index.get(normalise_name(code_or_name))

    def country(self, code: str, field: str = "location.country") -> GridIntensity:
        found = self.find_country(code)
        if found is None:
            names = [*self.countries] + [entry.label for entry in self.countries.values()]
            hint = suggestion(code, names)
            raise EstimatorInputError(f"unknown country {code!r}; {hint}", field)
        return found

    def cloud_region(self, provider: str, region: str, field: str = "location") -> GridIntensity:
        prefix = f"{field}." if field else ""
        canonical = canonical_provider(provider) or provider.strip().lower()
        if not any(p == canonical for p, _ in self.cloud_regions):
            hint = suggestion(provider, {p for p, _ in self.cloud_regions})
            raise EstimatorInputError(
                f"unknown cloud provider {provider!r}; {hint}", f"{prefix}cloud_provider"
            )
        found = self.cloud_regions.get((canonical, region.strip().lower()))
        if found is None:  # "West Europe" (Azure's display name) is westeurope
            key = normalise_name(region)
            found = next(
                (
                    e
                    for (p, r), e in self.cloud_regions.items()
                    if p == canonical and normalise_name(r) == key
                ),
                None,
            )
        if found is None:
            regions = [r for p, r in self.cloud_regions if p == canonical]
            hint = suggestion(region, regions)
            raise EstimatorInputError(
                f"unknown {canonical} region {region!r}; {hint}", f"{prefix}cloud_region"
            )
        return found

    def grid_region(self, code: str, field: str = "location.grid_region") -> GridIntensity:
        found = self.grid_regions.get(code.strip().upper())
        if found is None:
            hint = suggestion(code, self.grid_regions)
            raise EstimatorInputError(f"unknown grid region {code!r}; {hint}", field)
        return found

    def pue_default(self, provider: str | None, facility: str | None = None) -> PueDefault:
        """The cloud provider's PUE, else the facility kind's, else the ``unknown`` one.

        A hyperscale cloud run without a known provider gets ``hyperscale_cloud``: the
        providers' defaults joined (highest central value, widest range)."""
        known = provider is not None and provider in self.pue_defaults
        if known and facility in (None, "hyperscale_cloud"):
            return self.pue_defaults[provider]  # type: ignore[index]
        if facility is None and provider is not None:
            facility = "hyperscale_cloud"
        return self.pue_defaults.get(facility or "unknown", self.pue_defaults["unknown"])

    def zones(self, country: str) -> tuple[GridIntensity, ...]:
        """The grid zones inside a country (``US-CA``, ``CA-QC``, ...), empty when the
        packages do not split it."""
        return _zones(self, country)

    def country_extent(self, entry: GridIntensity) -> tuple[float, float]:
        """(low, high) g/kWh over a country's entry and its zones: a country names no site."""
        return _country_extent(self, entry)

    def intensity_for_year(self, entry: GridIntensity, year: int | None) -> GridIntensity:
        """The entry's figure for a run's year: that year's, else the nearest year's (flagged
        with ``requested_year`` and a range widened by the ``other_year`` rule). Entries
        whose figures carry no year are returned as they are."""
        if year is None or entry.year is None or year == entry.year:
            return entry
        return _for_year(self, entry, year)

    def to_dict(self) -> dict[str, Any]:
        """The catalog as JSON-able data, for ``python -m emissions.estimator catalog``."""

        def plain(entry: Any) -> dict[str, Any]:
            out = {name: getattr(entry, name) for name in entry.__slots__}
            return {k: dict(v) if isinstance(v, Mapping) else v for k, v in out.items()}

        return {
            "catalog_version": self.version,
            "accelerators": [
                {**plain(a), "aliases": list(a.aliases)} for a in self.accelerators.values()
            ],
            "regions": [plain(r) for r in self.regions.values()],
            "world": plain(self.world),
            "pue_defaults": [plain(p) for p in self.pue_defaults.values()],
            "devices_without_power": [
                {**plain(d), "aliases": list(d.aliases)} for d in self.without_power.values()
            ],
        }


def _by_name(index: Mapping[str, Any], key: str) -> Any:
    """The entry of a name index (keys folded by ``normalise_name``) for ``key``, with the
    entry's vendor name in front of the key allowed."""
    found = index.get(key)
    if found is not None:
        return found
    for vendor in {normalise_name(entry.vendor) for entry in index.values()}:
        if key.startswith(vendor) and len(key) > len(vendor):
            found = index.get(key[len(vendor) :])
            if found is not None and normalise_name(found.vendor) == vendor:
                return found
    return None


def intensity_range(
    value: float, judgement: Range, spread: tuple[float, float] | None
) -> tuple[float, float]:
    """(low, high) g/kWh of a defaulted intensity: the judgement range of its kind around the
    value, stretched to every figure the packages hold for the same grid, so that where the
    sources or the years disagree the range says so (read as +/- 2 sigma by calibration.py)."""
    low, high = value * judgement[0], value * judgement[1]
    if spread is not None:
        low, high = min(low, spread[0]), max(high, spread[1])
    return low, high


@lru_cache(maxsize=1024)
def _zones(catalog: Catalog, country: str) -> tuple[GridIntensity, ...]:
    return tuple(e for e in catalog.grid_regions.values() if e.country == country)


@lru_cache(maxsize=1024)
def _country_extent(catalog: Catalog, entry: GridIntensity) -> tuple[float, float]:
    zones = _zones(catalog, entry.country) if entry.country else ()
    low = min([entry.low_g_per_kwh, *(z.low_g_per_kwh for z in zones)])
    return low, max([entry.high_g_per_kwh, *(z.high_g_per_kwh for z in zones)])


@lru_cache(maxsize=4096)
def _for_year(catalog: Catalog, entry: GridIntensity, year: int) -> GridIntensity:
    dated = [f for f in entry.figures if f[0] is not None]
    found, value, source = min(dated, key=lambda f: (abs(f[0] - year), -f[0]))  # type: ignore[operator]
    low, high = intensity_range(value, catalog.rules.intensity_catalog[entry.kind], entry.spread)
    requested = None
    if found != year:
        widen_low, widen_high = catalog.rules.intensity_catalog["other_year"]
        low, high, requested = low * widen_low, high * widen_high, year
    return replace(
        entry,
        intensity_g_per_kwh=value,
        low_g_per_kwh=low,
        high_g_per_kwh=high,
        year=found,
        source=source,
        requested_year=requested,
    )


def canonical_provider(provider: str) -> str | None:
    """``"Google Cloud"`` -> ``"gcp"``; None for providers the catalog does not know."""
    return PROVIDER_ALIASES.get(normalise_name(provider))
