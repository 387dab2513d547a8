"""The footprint of a disclosure: energy, gross and net tCO2e, their range, and provenance.

Method (Patterson et al. 2021, section 2.5)::

    IT energy (kWh)       = measured energy_kwh, or device-hours x average W per device / 1000
    facility energy (kWh) = (IT energy + idle IT energy) x PUE
    gross tCO2e           = facility energy x location-based g/kWh / 1e6 + embodied tCO2e
    net tCO2e             = facility energy x net g/kWh / 1e6 + embodied tCO2e

Uncertainty: every factor has a multiplicative range, [1, 1] when the discloser gave it as
measured and the catalog's range when it was defaulted or is a weaker figure (a TDP). The low
and high footprints multiply all the lows and all the highs (interval arithmetic), so they
bound the footprint if each factor lies in its range, and collapse to the central value when
everything was given. Runs share defaulted factors, so their bounds are summed, not combined
in quadrature.

This is the hot path of the batch recomputation after a catalog update; it does catalog
lookups through precomputed dicts, builds small immutable records and defers everything that
is presentation (what-if, equivalences, notes) to first access.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from .catalog import Catalog
from .catalog_files import load_catalog
from .errors import EstimatorInputError, InsufficientDataError
from .inputs import resolve_location
from .lifecycle import lifecycle_embodied, lifecycle_idle
from .model import DisclosureInput, RunInput

if TYPE_CHECKING:
    from .schedule import IntensitySeries

METHOD = (
    "Patterson et al. 2021 (arXiv:2104.10350) section 2.5: kWh = device-hours x average W per "
    "device x PUE / 1000; tCO2e = kWh x g CO2e/kWh / 1e6; plus embodied tCO2e when given"
)


class Factor(NamedTuple):
    """One factor of one run: its value, where it came from and its range."""

    run: int
    name: str
    value: float
    unit: str
    source: str
    low: float
    high: float

    @property
    def exact(self) -> bool:
        return self.low == self.value == self.high

    def to_dict(self) -> dict[str, Any]:
        return {
            "run": self.run,
            "factor": self.name,
            "value": self.value,
            "unit": self.unit,
            "source": self.source,
            "uncertainty": {"low": self.low, "high": self.high, "exact": self.exact},
        }


class RunFootprint(NamedTuple):
    """The footprint of one run, with what the what-if comparisons need to redo it."""

    index: int
    name: str
    accelerator: str | None
    device_hours: float | None
    it_energy_kwh: float
    idle_it_energy_kwh: float
    pue: float
    energy_kwh: float
    energy_low_kwh: float
    energy_high_kwh: float
    intensity_g_per_kwh: float
    net_intensity_g_per_kwh: float
    embodied_tco2e: float
    gross_tco2e: float
    net_tco2e: float
    low_tco2e: float
    high_tco2e: float
    net_low_tco2e: float
    net_high_tco2e: float
    factors: tuple[Factor, ...]

    def to_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in self._asdict().items() if k != "factors"}
        out["idle_energy_kwh"] = self.idle_it_energy_kwh * self.pue
        return out


@dataclass(slots=True)
class Footprint:
    """The footprint of a disclosure. Sums of the runs; ``low_tco2e``/``high_tco2e`` bound the
    gross figure, ``net_low_tco2e``/``net_high_tco2e`` the net one. Treat as immutable."""

    catalog_version: str
    runs: tuple[RunFootprint, ...]
    energy_kwh: float
    it_energy_kwh: float
    energy_low_kwh: float
    energy_high_kwh: float
    gross_tco2e: float
    net_tco2e: float
    low_tco2e: float
    high_tco2e: float
    net_low_tco2e: float
    net_high_tco2e: float
    idle_energy_kwh: float
    embodied_tco2e: float
    _catalog: Catalog = field(repr=False)
    _what_if: dict[str, Any] | None = field(default=None, init=False, repr=False)

    @property
    def factors(self) -> list[Factor]:
        """Provenance of every factor of every run, in run order."""
        return [f for run in self.runs for f in run.factors]

    @property
    def exact(self) -> bool:
        """True when no factor was defaulted: the range collapses to the central value."""
        return all(f.exact for run in self.runs for f in run.factors)

    @property
    def device_hours(self) -> float | None:
        hours = [run.device_hours for run in self.runs]
        return None if any(h is None for h in hours) else sum(hours)  # type: ignore[misc]

    @property
    def equivalences(self) -> dict[str, Any]:
        """Gross tCO2e as Patterson's San Francisco-New York round trips (Table 2)."""
        eq = self._catalog.rules.equivalences
        return {
            "basis": "gross_tco2e",
            "passenger_round_trips_sf_ny": self.gross_tco2e
            / eq["passenger_round_trip_sf_ny_tco2e"],
            "jet_round_trips_sf_ny": self.gross_tco2e / eq["jet_round_trip_sf_ny_tco2e"],
            "source": eq["source"],
        }

    @property
    def what_if(self) -> dict[str, Any]:
        """The same job in the catalog's lowest- and highest-intensity regions and on other
        hardware. Computed on first access."""
        if self._what_if is None:
            from .whatif import what_if

            self._what_if = what_if(self, self._catalog)
        return self._what_if

    @property
    def notes(self) -> list[str]:
        """Human sentences for every defaulted factor, so no default is silent."""
        out = []
        for f in self.factors:
            if f.source != "given":
                out.append(
                    f"run {f.run}: {f.name} defaulted to {f.value:.4g} {f.unit} from "
                    f"{f.source} (range {f.low:.4g}-{f.high:.4g})"
                )
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-able result; top-level names are the command line's stable contract."""
        return {
            "catalog_version": self.catalog_version,
            "method": METHOD,
            "energy_kwh": self.energy_kwh,
            "it_energy_kwh": self.it_energy_kwh,
            "energy_low_kwh": self.energy_low_kwh,
            "energy_high_kwh": self.energy_high_kwh,
            "gross_tco2e": self.gross_tco2e,
            "net_tco2e": self.net_tco2e,
            "low_tco2e": self.low_tco2e,
            "high_tco2e": self.high_tco2e,
            "net_low_tco2e": self.net_low_tco2e,
            "net_high_tco2e": self.net_high_tco2e,
            "idle_energy_kwh": self.idle_energy_kwh,
            "embodied_tco2e": self.embodied_tco2e,
            "device_hours": self.device_hours,
            "exact": self.exact,
            "factors": [f.to_dict() for f in self.factors],
            "runs": [run.to_dict() for run in self.runs],
            "equivalences": self.equivalences,
            "what_if": self.what_if,
            "notes": self.notes,
        }


def _energy(
    run: RunInput, i: int, catalog: Catalog
) -> tuple[float, float, float, float | None, list[Factor]]:
    """IT energy of the run's training (kWh) with its low and high, the device-hours when
    known, and the factors used."""
    device_hours = run.device_hours
    if device_hours is None:
        device_hours = run.total_device_hours
    if run.energy_kwh is not None:
        e = run.energy_kwh
        return e, e, e, device_hours, [Factor(i, "energy_kwh", e, "kWh", "given", e, e)]
    if device_hours is None:
        raise InsufficientDataError(
            "give energy_kwh, or device_hours, or count with hours (or start and end)",
            f"runs[{i}]",
        )
    if run.power_w is not None:
        p = run.power_w
        lo, hi = catalog.rules.power_given[run.power_basis]  # type: ignore[index]
        p_lo, p_hi, source = p * lo, p * hi, "given"
    else:
        acc = catalog.find_accelerator(run.accelerator) if run.accelerator else None
        if acc is None and run.accelerator:
            device = catalog.find_device_without_power(run.accelerator)
            if device is not None:
                raise catalog.power_needed(device, f"runs[{i}]")
        if acc is None:
            what = (
                f"accelerator {run.accelerator!r} is not in the catalog"
                if run.accelerator
                else "no accelerator"
            )
            raise InsufficientDataError(
                f"{what}: give power_w with power_basis, a catalog accelerator, or energy_kwh",
                f"runs[{i}]",
            )
        p, p_lo, p_hi = acc.typical_w, acc.typical_low_w, acc.typical_high_w
        source = acc.provenance
    k = device_hours / 1000.0
    factors = [
        Factor(i, "device_hours", device_hours, "h", "given", device_hours, device_hours),
        Factor(i, "power_w", p, "W", source, p_lo, p_hi),
    ]
    # The same expression for central, low and high keeps low <= central <= high exact.
    return k * p, k * p_lo, k * p_hi, device_hours, factors


def _run_footprint(
    run: RunInput,
    i: int,
    catalog: Catalog,
    series: IntensitySeries | None,
    lifecycle: bool = False,
) -> RunFootprint:
    it, it_lo, it_hi, device_hours, factors = _energy(run, i, catalog)
    idle = idle_lo = idle_hi = run.idle_energy_kwh or 0.0
    if run.idle_energy_kwh is not None:
        factors.append(Factor(i, "idle_energy_kwh", idle, "kWh", "given", idle, idle))
    elif lifecycle:
        idle, idle_lo, idle_hi, source = lifecycle_idle(it, it_lo, it_hi, catalog)
        factors.append(Factor(i, "idle_energy_kwh", idle, "kWh", source, idle_lo, idle_hi))

    if run.pue is not None:
        pue = pue_lo = pue_hi = run.pue
        source = "given"
    elif run.power_basis == "measured_facility":
        pue = pue_lo = pue_hi = 1.0
        source = "included in power_w (measured_facility)"
    else:
        provider = run.location.cloud_provider if run.location else None
        default = catalog.pue_default(provider, run.facility)
        pue, pue_lo, pue_hi, source = default.pue, default.low, default.high, default.provenance
    factors.append(Factor(i, "pue", pue, "", source, pue_lo, pue_hi))

    if run.intensity_g_per_kwh is not None:
        g = g_lo = g_hi = run.intensity_g_per_kwh
        source = "given"
    elif series is not None and run.start is not None and run.end is not None:
        g = g_lo = g_hi = series.mean_intensity(run.start, run.end, field=f"runs[{i}]")
        source = "series"
    else:
        try:
            entry = resolve_location(catalog, run.location) or catalog.world
        except EstimatorInputError as error:
            raise EstimatorInputError(error.message, f"runs[{i}].location.{error.field}") from None
        when = run.start or run.end
        entry = catalog.intensity_for_year(entry, when.year if when else None)
        g, g_lo, g_hi = entry.intensity_g_per_kwh, entry.low_g_per_kwh, entry.high_g_per_kwh
        source = entry.provenance
    factors.append(Factor(i, "intensity_g_per_kwh", g, "g/kWh", source, g_lo, g_hi))

    if run.net_intensity_g_per_kwh is not None:
        n = n_lo = n_hi = run.net_intensity_g_per_kwh
        factors.append(Factor(i, "net_intensity_g_per_kwh", n, "g/kWh", "given", n, n))
    elif run.cfe_fraction is not None:
        keep = 1.0 - run.cfe_fraction
        n, n_lo, n_hi = g * keep, g_lo * keep, g_hi * keep
        cfe = run.cfe_fraction
        factors.append(Factor(i, "cfe_fraction", cfe, "", "given", cfe, cfe))
    else:
        n, n_lo, n_hi = g, g_lo, g_hi

    emb = emb_lo = emb_hi = run.embodied_tco2e or 0.0
    if run.embodied_tco2e is not None:
        factors.append(Factor(i, "embodied_tco2e", emb, "t", "given", emb, emb))
    elif lifecycle and device_hours is not None:
        emb, emb_lo, emb_hi, source = lifecycle_embodied(device_hours, catalog)
        factors.append(Factor(i, "embodied_tco2e", emb, "t", source, emb_lo, emb_hi))
    energy = (it + idle) * pue
    e_lo = (it_lo + idle_lo) * pue_lo
    e_hi = (it_hi + idle_hi) * pue_hi
    return RunFootprint(
        i,
        run.name,
        run.accelerator,
        device_hours,
        it + idle,
        idle,
        pue,
        energy,
        e_lo,
        e_hi,
        g,
        n,
        emb,
        energy * g / 1e6 + emb,
        energy * n / 1e6 + emb,
        e_lo * g_lo / 1e6 + emb_lo,
        e_hi * g_hi / 1e6 + emb_hi,
        e_lo * n_lo / 1e6 + emb_lo,
        e_hi * n_hi / 1e6 + emb_hi,
        tuple(factors),
    )


def footprint_from_runs(runs: Iterable[RunFootprint], catalog: Catalog) -> Footprint:
    """Sum per-run footprints. One pass with local accumulators: this runs once per
    recomputation, so twelve generator sums would cost more than the arithmetic itself."""
    runs = tuple(runs)
    if len(runs) == 1:
        r = runs[0]
        return Footprint(
            catalog.version,
            runs,
            r.energy_kwh,
            r.it_energy_kwh,
            r.energy_low_kwh,
            r.energy_high_kwh,
            r.gross_tco2e,
            r.net_tco2e,
            r.low_tco2e,
            r.high_tco2e,
            r.net_low_tco2e,
            r.net_high_tco2e,
            r.idle_it_energy_kwh * r.pue,
            r.embodied_tco2e,
            catalog,
        )
    totals = [0.0] * 12
    for r in runs:
        for k, value in enumerate(
            (
                r.energy_kwh,
                r.it_energy_kwh,
                r.energy_low_kwh,
                r.energy_high_kwh,
                r.gross_tco2e,
                r.net_tco2e,
                r.low_tco2e,
                r.high_tco2e,
                r.net_low_tco2e,
                r.net_high_tco2e,
                r.idle_it_energy_kwh * r.pue,
                r.embodied_tco2e,
            )
        ):
            totals[k] += value
    return Footprint(catalog.version, runs, *totals, catalog)


def estimate_training_footprint(
    disclosure: DisclosureInput,
    *,
    catalog: Catalog | None = None,
    intensity_series: IntensitySeries | None = None,
    lifecycle: bool = False,
) -> Footprint:
    """Compute the footprint of a disclosure.

    ``intensity_series``: when given, runs with ``start`` and ``end`` and no explicit
    intensity use the series' time-weighted mean over their interval (source ``series``).
    ``lifecycle``: runs that give no idle energy or embodied emissions get Luccioni et al.'s
    BLOOM-derived defaults (``rules.json`` ``lifecycle``), each a flagged factor. Off by
    default: the default footprint is the operational, location-based one.

    Raises ``InsufficientDataError`` when a run gives neither energy nor enough to compute it,
    and ``EstimatorInputError`` for a location the catalog does not know. No side effects.
    """
    catalog = catalog or load_catalog()
    runs = disclosure.runs
    return footprint_from_runs(
        [
            _run_footprint(run, i, catalog, intensity_series, lifecycle)
            for i, run in enumerate(runs)
        ],
        catalog,
    )
