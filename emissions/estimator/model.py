"""Typed inputs: a disclosure made of training runs, and a claim to verify against it.

The dataclasses validate themselves on construction, so a web form or a Celery task that builds
them directly gets the same checks (ranges, units, contradictions) as JSON read by
``parse_disclosure``. Validation never guesses: a value that is probably in the wrong unit is
refused with a message that says which unit was expected, instead of being converted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from .catalog import canonical_provider
from .errors import EstimatorInputError

POWER_BASES = ("tdp", "measured_chip", "measured_system", "measured_facility")
# Where the run ran, for the PUE default when the run gives none (see data/pue.json).
FACILITIES = ("hyperscale_cloud", "hpc_centre", "on_premises", "unknown")
CLAIM_BASES = ("location", "market")

# Magnitude guards: far beyond any real training run, so exceeding one means a unit slip.
MAX_COUNT = 10_000_000
MAX_HOURS = 100_000.0  # about 11 years of wall-clock time
MAX_DEVICE_HOURS = 1e10
MAX_POWER_W = 20_000.0  # per device: a whole node or a kW figure gets caught here
MAX_ENERGY_KWH = 1e10  # 10 TWh
MAX_INTENSITY_G_PER_KWH = 2_000.0
MAX_TCO2E = 1e8


def check_number(
    value: object,
    field: str,
    *,
    maximum: float,
    minimum: float = 0.0,
    inclusive: bool = False,
    unit_hint: str = "",
) -> float:
    """Refuse non-numbers, NaN/inf, values below ``minimum`` (or equal to it unless
    ``inclusive``) and values above ``maximum``, which in this domain means a unit slip."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise EstimatorInputError(f"must be a number, got {value!r}", field)
    number = float(value)
    if not math.isfinite(number):
        raise EstimatorInputError(f"must be a finite number, got {value!r}", field)
    if number < minimum or (number == minimum and not inclusive):
        bound = "at least" if inclusive else "greater than"
        raise EstimatorInputError(f"must be {bound} {minimum:g}, got {value!r}", field)
    if number > maximum:
        hint = f" ({unit_hint})" if unit_hint else ""
        raise EstimatorInputError(
            f"{value!r} is implausibly large (more than {maximum:g}){hint}", field
        )
    return number


def _optional_text(value: object, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise EstimatorInputError(f"must be a non-empty string, got {value!r}", field)
    return value.strip()


@dataclass(frozen=True, slots=True)
class Location:
    """Where a run's electricity came from. The most specific field the catalog knows wins:
    cloud provider + region, then grid region, then country (ISO 3166 alpha-3)."""

    country: str | None = None
    grid_region: str | None = None
    cloud_provider: str | None = None
    cloud_region: str | None = None

    def __post_init__(self) -> None:
        country = _optional_text(self.country, "location.country")
        grid = _optional_text(self.grid_region, "location.grid_region")
        provider = _optional_text(self.cloud_provider, "location.cloud_provider")
        region = _optional_text(self.cloud_region, "location.cloud_region")
        if region is not None and provider is None:
            raise EstimatorInputError(
                "cloud_region needs cloud_provider (gcp, aws or azure)", "location.cloud_region"
            )
        if provider is not None:
            provider = canonical_provider(provider) or provider.lower()
        object.__setattr__(self, "country", country.upper() if country else None)
        object.__setattr__(self, "grid_region", grid.upper() if grid else None)
        object.__setattr__(self, "cloud_provider", provider)
        object.__setattr__(self, "cloud_region", region.lower() if region else None)

    @property
    def is_empty(self) -> bool:
        return not (self.country or self.grid_region or self.cloud_provider or self.cloud_region)

    def describe(self) -> str:
        """A short human label: ``gcp us-central1``, ``US-IA``, ``FRA``."""
        if self.cloud_provider and self.cloud_region:
            return f"{self.cloud_provider} {self.cloud_region}"
        parts = [p for p in (self.grid_region, self.country, self.cloud_provider) if p]
        return ", ".join(parts) if parts else "unknown location"


@dataclass(frozen=True, slots=True)
class RunInput:
    """One training run. Energy comes from ``energy_kwh`` (measured, IT side, before PUE) when
    given, else from device-hours (``device_hours`` or ``count`` x ``hours``) x average power
    per device (``power_w`` with its ``power_basis``, or the catalog's default for the
    ``accelerator``). Facility energy is IT energy x ``pue``. The gross (location-based)
    intensity is ``intensity_g_per_kwh`` or the location's catalog figure; the net figure uses
    ``net_intensity_g_per_kwh`` (market-based) or removes ``cfe_fraction`` of the gross.
    ``claimed_*`` are the discloser's own per-run figures, checked by ``verify_claim``.
    ``power_basis="measured_facility"`` means the power already includes the facility (no PUE
    applied); ``facility`` picks the PUE default when neither a PUE nor a cloud provider is
    given."""

    name: str = ""
    accelerator: str | None = None
    count: int | None = None
    hours: float | None = None
    device_hours: float | None = None
    power_w: float | None = None
    power_basis: str | None = None
    energy_kwh: float | None = None
    pue: float | None = None
    location: Location | None = None
    intensity_g_per_kwh: float | None = None
    net_intensity_g_per_kwh: float | None = None
    cfe_fraction: float | None = None
    idle_energy_kwh: float | None = None
    embodied_tco2e: float | None = None
    start: datetime | None = None
    end: datetime | None = None
    claimed_energy_kwh: float | None = None
    claimed_tco2e: float | None = None
    facility: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str):
            raise EstimatorInputError(f"must be a string, got {self.name!r}", "name")
        _optional_text(self.accelerator, "accelerator")
        if self.count is not None:
            is_integral = isinstance(self.count, int) or (
                isinstance(self.count, float) and self.count.is_integer()
            )
            if isinstance(self.count, bool) or not is_integral:
                raise EstimatorInputError(f"must be a whole number, got {self.count!r}", "count")
            check_number(self.count, "count", minimum=1, inclusive=True, maximum=MAX_COUNT)
            object.__setattr__(self, "count", int(self.count))
        if self.hours is not None:
            check_number(self.hours, "hours", maximum=MAX_HOURS, unit_hint="wall-clock hours")
        if self.device_hours is not None:
            check_number(self.device_hours, "device_hours", maximum=MAX_DEVICE_HOURS)
        if self.count and self.hours and self.device_hours:
            expected = self.count * self.hours
            if abs(self.device_hours - expected) > 0.01 * expected:
                raise EstimatorInputError(
                    f"device_hours {self.device_hours:g} is not count x hours ({expected:g}); "
                    "is one of them device-hours and the other wall-clock hours?",
                    "device_hours",
                )
        self._check_power()
        if self.energy_kwh is not None:
            check_number(self.energy_kwh, "energy_kwh", maximum=MAX_ENERGY_KWH, unit_hint="kWh")
        if self.pue is not None:
            check_number(self.pue, "pue", minimum=1.0, maximum=3.0, inclusive=True)
            if self.power_basis == "measured_facility":
                raise EstimatorInputError(
                    "power_basis measured_facility already includes the facility overhead; "
                    "drop pue (or give the IT power with measured_system and the pue)",
                    "pue",
                )
        if self.facility is not None and self.facility not in FACILITIES:
            raise EstimatorInputError(
                f"must be one of {', '.join(FACILITIES)}, got {self.facility!r}", "facility"
            )
        if self.location is not None and not isinstance(self.location, Location):
            raise EstimatorInputError("must be a Location", "location")
        self._check_intensities()
        for name, maximum in (
            ("idle_energy_kwh", MAX_ENERGY_KWH),
            ("embodied_tco2e", MAX_TCO2E),
            # Claims are judged, not refused: verify_claim calls an absurd one implausible.
            ("claimed_energy_kwh", math.inf),
            ("claimed_tco2e", math.inf),
        ):
            value = getattr(self, name)
            if value is not None:
                check_number(value, name, maximum=maximum, inclusive=True)
        self._check_times()

    def _check_power(self) -> None:
        if self.power_w is not None:
            check_number(
                self.power_w,
                "power_w",
                maximum=MAX_POWER_W,
                unit_hint="power_w is per device, in watts",
            )
            if self.power_basis is None:
                raise EstimatorInputError(
                    f"give power_basis with power_w: one of {', '.join(POWER_BASES)}",
                    "power_basis",
                )
        if self.power_basis is not None:
            if self.power_basis not in POWER_BASES:
                raise EstimatorInputError(
                    f"must be one of {', '.join(POWER_BASES)}, got {self.power_basis!r}",
                    "power_basis",
                )
            if self.power_w is None:
                raise EstimatorInputError("power_basis given without power_w", "power_basis")

    def _check_intensities(self) -> None:
        if self.intensity_g_per_kwh is not None:
            value = check_number(
                self.intensity_g_per_kwh,
                "intensity_g_per_kwh",
                maximum=MAX_INTENSITY_G_PER_KWH,
                unit_hint="g per kWh",
            )
            if value < 2.0:
                raise EstimatorInputError(
                    f"{value:g} g/kWh is below any grid's location-based intensity; if this is "
                    f"kg/kWh, give {value * 1000:g} (grams per kWh)",
                    "intensity_g_per_kwh",
                )
        if self.net_intensity_g_per_kwh is not None:
            check_number(
                self.net_intensity_g_per_kwh,
                "net_intensity_g_per_kwh",
                maximum=MAX_INTENSITY_G_PER_KWH,
                inclusive=True,
            )
        if self.cfe_fraction is not None:
            if isinstance(self.cfe_fraction, int | float) and 1 < self.cfe_fraction <= 100:
                raise EstimatorInputError(
                    f"is a fraction between 0 and 1; {self.cfe_fraction:g} looks like a "
                    f"percentage ({self.cfe_fraction / 100:g})",
                    "cfe_fraction",
                )
            check_number(self.cfe_fraction, "cfe_fraction", maximum=1.0, inclusive=True)
            if self.net_intensity_g_per_kwh is not None:
                raise EstimatorInputError(
                    "give either net_intensity_g_per_kwh or cfe_fraction, not both",
                    "cfe_fraction",
                )

    def _check_times(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, datetime):
                raise EstimatorInputError(f"must be a datetime, got {value!r}", name)
        if self.start is not None and self.end is not None:
            if (self.start.tzinfo is None) != (self.end.tzinfo is None):
                raise EstimatorInputError(
                    "start and end must both have a UTC offset or neither", "end"
                )
            if self.end <= self.start:
                raise EstimatorInputError("end must be after start", "end")

    @property
    def wall_clock_hours(self) -> float | None:
        """``hours``, or the time between ``start`` and ``end`` when only those are given."""
        if self.hours is not None:
            return self.hours
        if self.start is not None and self.end is not None:
            return (self.end - self.start).total_seconds() / 3600
        return None

    @property
    def total_device_hours(self) -> float | None:
        """``device_hours``, or ``count`` x wall-clock hours, or None when unknown."""
        if self.device_hours is not None:
            return self.device_hours
        hours = self.wall_clock_hours
        if self.count is not None and hours is not None:
            return self.count * hours
        return None


@dataclass(frozen=True, slots=True)
class DisclosureInput:
    """A disclosure: one or more training runs, summed into one footprint."""

    runs: tuple[RunInput, ...]

    def __post_init__(self) -> None:
        runs = tuple(self.runs)
        if not runs:
            raise EstimatorInputError("a disclosure needs at least one run", "runs")
        if not all(isinstance(run, RunInput) for run in runs):
            raise EstimatorInputError("every run must be a RunInput", "runs")
        object.__setattr__(self, "runs", runs)


@dataclass(frozen=True, slots=True)
class Claim:
    """What a discloser claims for the whole disclosure. ``basis`` says whether ``tco2e`` is
    location-based (compared with the gross figure) or market-based (compared with net).
    Per-run figures go on each ``RunInput`` as ``claimed_energy_kwh`` / ``claimed_tco2e``."""

    energy_kwh: float | None = None
    tco2e: float | None = None
    basis: str = "location"

    def __post_init__(self) -> None:
        if self.energy_kwh is not None:
            # No maximum: an absurd claim is judged implausible by verify_claim, not refused.
            check_number(self.energy_kwh, "energy_kwh", maximum=math.inf, inclusive=True)
        if self.tco2e is not None:
            check_number(self.tco2e, "tco2e", maximum=math.inf, inclusive=True)
        if self.basis not in CLAIM_BASES:
            raise EstimatorInputError(
                f"must be one of {', '.join(CLAIM_BASES)}, got {self.basis!r}", "basis"
            )
