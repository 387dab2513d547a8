"""Reading and writing the JSON contract, and checking inputs against the catalog.

``parse_disclosure`` is strict: unknown fields, strings where numbers belong and names the
catalog does not know are refused with the path of the field and the closest valid names,
because a silently ignored ``"power_kw"`` or a misspelt region would produce a wrong footprint
that looks right. ``disclosure_to_dict`` is its inverse.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from .catalog import Catalog, GridIntensity, suggestion
from .catalog_files import load_catalog
from .errors import EstimatorInputError
from .model import Claim, DisclosureInput, Location, RunInput
from .text import first_unstorable_text

RUN_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(RunInput))
LOCATION_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Location))
CLAIM_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Claim))
MAX_RUNS = 10_000


def _prefixed(error: EstimatorInputError, prefix: str) -> EstimatorInputError:
    field = f"{prefix}.{error.field}" if error.field else prefix
    return type(error)(error.message, field)


def _reject_unknown(raw: Mapping[str, Any], allowed: tuple[str, ...], prefix: str) -> None:
    for key in raw:
        if key not in allowed:
            where = f"{prefix}.{key}" if prefix else str(key)
            raise EstimatorInputError(f"unknown field; {suggestion(str(key), allowed)}", where)


def _mapping(value: Any, field: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise EstimatorInputError(f"must be an object, got {type(value).__name__}", field)
    return value


def _datetime(value: Any, field: str) -> datetime:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise EstimatorInputError(f"must be an ISO 8601 date-time string, got {value!r}", field)
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        raise EstimatorInputError(
            f"{value!r} is not an ISO 8601 date-time (e.g. 2024-05-01T08:00:00Z)", field
        ) from None


def _location(value: Any, field: str) -> Location:
    raw = _mapping(value, field)
    _reject_unknown(raw, LOCATION_FIELDS, field)
    try:
        return Location(**{k: v for k, v in raw.items() if v is not None})
    except EstimatorInputError as error:
        raise EstimatorInputError(error.message, f"{field}.{error.field.split('.')[-1]}") from None


def _run(value: Any, index: int, catalog: Catalog) -> RunInput:
    prefix = f"runs[{index}]"
    raw = _mapping(value, prefix)
    _reject_unknown(raw, RUN_FIELDS, prefix)
    kwargs: dict[str, Any] = {}
    for key, item in raw.items():
        if item is None:
            continue
        if key == "location":
            kwargs[key] = _location(item, f"{prefix}.location")
        elif key in ("start", "end"):
            kwargs[key] = _datetime(item, f"{prefix}.{key}")
        else:
            kwargs[key] = item
    if "name" in kwargs and not isinstance(kwargs["name"], str):
        raise EstimatorInputError(f"must be a string, got {kwargs['name']!r}", f"{prefix}.name")
    try:
        run = RunInput(**kwargs)
    except EstimatorInputError as error:
        raise _prefixed(error, prefix) from None
    return canonicalise_run(run, catalog, prefix)


def canonicalise_run(run: RunInput, catalog: Catalog, prefix: str = "") -> RunInput:
    """Replace catalog names by their canonical spelling; refuse unknown names.

    An accelerator the catalog does not know is accepted only when the run gives its own
    power or energy (the name is then descriptive); so is a recognised device without a power
    figure (``TPU v5e``), which is otherwise insufficient data rather than unknown. A location
    the catalog does not know is accepted only when the run gives its own intensity.
    """
    changes: dict[str, Any] = {}
    if run.accelerator is not None:
        found = catalog.find_accelerator(run.accelerator)
        named = found or catalog.find_device_without_power(run.accelerator)
        if named is not None and named.name != run.accelerator:
            changes["accelerator"] = named.name
        if found is None and run.power_w is None and run.energy_kwh is None:
            field = f"{prefix}.accelerator" if prefix else "accelerator"
            catalog.accelerator(run.accelerator, field)  # raises: suggestions or power needed
    if run.location is not None:
        strict = run.intensity_g_per_kwh is None
        where = f"{prefix}.location" if prefix else "location"
        canonical = canonical_location(catalog, run.location, strict=strict, field=where)
        if canonical != run.location:
            changes["location"] = canonical
    return dataclasses.replace(run, **changes) if changes else run


def canonical_location(
    catalog: Catalog, location: Location, *, strict: bool, field: str = "location"
) -> Location:
    """The location with its country as ISO alpha-3; raises for unknown names when strict."""
    try:
        resolve_location(catalog, location)
    except EstimatorInputError as error:
        if strict:
            raise _prefixed(error, field) from None
    if location.country is None:
        return location
    country = catalog.find_country(location.country)
    if country is None or country.country == location.country:
        return location
    return dataclasses.replace(location, country=country.country)


def resolve_location(catalog: Catalog, location: Location | None) -> GridIntensity | None:
    """The catalog intensity for a location (most specific field first), or None when the
    location gives nothing to look up. Raises ``EstimatorInputError`` for unknown names and
    for a country that contradicts the cloud region's."""
    if location is None:
        return None
    return _resolve(catalog, location)


@lru_cache(maxsize=4096)
def _resolve(catalog: Catalog, location: Location) -> GridIntensity | None:
    # Cached per (catalog, location): a batch recomputation sees the same few locations
    # hundreds of thousands of times.
    country = None
    if location.country is not None:
        country = catalog.country(location.country, "country")
    if location.cloud_region is not None and location.cloud_provider is not None:
        entry = catalog.cloud_region(location.cloud_provider, location.cloud_region, "")
        if country is not None and entry.country not in (None, country.country):
            raise EstimatorInputError(
                f"{location.country!r} contradicts {entry.label}, which is in {entry.country}",
                "country",
            )
        return entry
    if location.grid_region is not None:
        entry = catalog.grid_region(location.grid_region, "grid_region")
        if country is not None and entry.country not in (None, country.country):
            raise EstimatorInputError(
                f"{location.country!r} contradicts grid region {location.grid_region}, "
                f"which is in {entry.country}",
                "country",
            )
        return entry
    return country


def parse_disclosure(data: Mapping[str, Any], *, catalog: Catalog | None = None) -> DisclosureInput:
    """Read the JSON contract ``{"runs": [RUN, ...]}`` into a ``DisclosureInput``.

    Raises ``EstimatorInputError`` with ``field`` set to the offending path.
    """
    catalog = catalog or load_catalog()
    raw = _mapping(data, "")
    unstorable = first_unstorable_text(raw)
    if unstorable:
        raise EstimatorInputError(unstorable[1], unstorable[0])
    _reject_unknown(raw, ("runs",), "")
    runs = raw.get("runs")
    if not isinstance(runs, list) or not runs:
        raise EstimatorInputError("give a non-empty list of runs", "runs")
    if len(runs) > MAX_RUNS:
        raise EstimatorInputError(f"at most {MAX_RUNS} runs per disclosure", "runs")
    return DisclosureInput(runs=tuple(_run(run, i, catalog) for i, run in enumerate(runs)))


def parse_claim(data: Mapping[str, Any]) -> Claim:
    """Read ``{"energy_kwh": x, "tco2e": y, "basis": "location" | "market"}``."""
    raw = _mapping(data, "claim")
    _reject_unknown(raw, CLAIM_FIELDS, "claim")
    try:
        return Claim(**{k: v for k, v in raw.items() if v is not None})
    except EstimatorInputError as error:
        raise _prefixed(error, "claim") from None


def parse_verify_request(
    data: Mapping[str, Any], *, catalog: Catalog | None = None
) -> tuple[DisclosureInput, Claim]:
    """Read the ``verify`` document ``{"disclosure": {...}, "claim": {...}}``."""
    raw = _mapping(data, "")
    _reject_unknown(raw, ("disclosure", "claim"), "")
    if "disclosure" not in raw:
        raise EstimatorInputError("missing", "disclosure")
    try:
        disclosure = parse_disclosure(_mapping(raw["disclosure"], "disclosure"), catalog=catalog)
    except EstimatorInputError as error:
        raise _prefixed(error, "disclosure") from None
    return disclosure, parse_claim(raw.get("claim") or {})


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Location):
        return {k: v for k in LOCATION_FIELDS if (v := getattr(value, k)) is not None}
    return value


def run_to_dict(run: RunInput) -> dict[str, Any]:
    """One run as JSON-able data, without the fields that are not set."""
    out: dict[str, Any] = {}
    for key in RUN_FIELDS:
        value = getattr(run, key)
        if value is None or (key == "name" and value == ""):
            continue
        out[key] = _plain(value)
    return out


def disclosure_to_dict(disclosure: DisclosureInput) -> dict[str, Any]:
    """The inverse of ``parse_disclosure``: JSON-able, and parses back to an equal input."""
    return {"runs": [run_to_dict(run) for run in disclosure.runs]}


def claim_to_dict(claim: Claim) -> dict[str, Any]:
    out: dict[str, Any] = {"basis": claim.basis}
    if claim.energy_kwh is not None:
        out["energy_kwh"] = claim.energy_kwh
    if claim.tco2e is not None:
        out["tco2e"] = claim.tco2e
    return out


@dataclass(frozen=True, slots=True)
class ImportedDisclosure:
    """A disclosure read from another tool's file, with that file's own totals.

    ``totals`` always has ``energy_kwh`` and ``tco2e`` (None when the file does not say) plus
    the file's figure in its own unit (``emissions_kg`` for CodeCarbon, ``emissions_g`` for a
    model card). ``warnings`` list every assumption the import made.
    """

    source: str
    disclosure: DisclosureInput
    totals: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "disclosure": disclosure_to_dict(self.disclosure),
            "totals": self.totals,
            "warnings": self.warnings,
            "metadata": self.metadata,
        }
