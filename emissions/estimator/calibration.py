"""How far a claim may sit from the recomputation: the spread of the factors that were not given.

A recomputation with defaulted factors (a catalog power, a default PUE, a country's average
intensity) is uncertain, and a fixed tolerance cannot judge it: 5% calls every honest claim a
discrepancy, "anywhere inside the range" calls the true figure, half of it and twice it the same.
So the verdict is calibrated on the uncertainty of the factors that were actually defaulted:

- each factor's range ``[low, high]`` around its value is read as +/- ``RANGE_SIGMAS`` standard
  deviations in log space (the ranges are the catalog's plausible bounds, about 95%), separately
  below and above the value, since the ranges are asymmetric;
- a run's factors of different kinds (power, PUE, intensity) are independent, so their log
  sigmas add in quadrature; the runs of a disclosure share their defaults, so a factor's sigma
  over several runs is the runs' sigmas weighted by their share of the figure (fully correlated);
- a given (exact) factor contributes nothing: with everything given the spread is zero and only
  the tolerance (rounding of published figures) remains.

Deviation ``d = ln(claimed / recomputed)``; ``s`` the spread on d's side. Consistent when
``|claimed / recomputed - 1| <= tolerance`` or ``|d| <= CONSISTENT_SIGMAS x s``; a minor
discrepancy within ``MINOR_FACTOR x tolerance`` or ``MINOR_SIGMAS x s``; major beyond.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .footprint import Factor, Footprint, RunFootprint

RANGE_SIGMAS = 2.0  # a factor's catalog range spans +/- 2 sigma in log space
CONSISTENT_SIGMAS = 1.0
MINOR_SIGMAS = 2.0
MINOR_FACTOR = 4.0  # with nothing defaulted: beyond 4x the tolerance a deviation is major
UNBOUNDED_SIGMA = 3.0  # a factor whose range reaches 0 (a CFE share of 100%): e^-6 below

_ENERGY_FACTORS = ("power_w", "pue")
_GROSS_FACTORS = ("power_w", "pue", "intensity_g_per_kwh")


@dataclass(frozen=True, slots=True)
class Spread:
    """Log-space sigma below (``down``) and above (``up``) the recomputed figure, and the
    factors that contribute (``name (source)``)."""

    down: float
    up: float
    factors: tuple[str, ...]

    def on_side(self, deviation_log: float) -> float:
        return self.up if deviation_log > 0 else self.down

    def describe(self) -> str:
        if not self.factors:
            return "no factor was defaulted"
        below, above = -math.expm1(-self.down), math.expm1(self.up)
        return f"1 sigma -{below:.0%}/+{above:.0%} from {', '.join(self.factors)}"


def _half_widths(factor: Factor) -> tuple[float, float]:
    """(down, up) log sigma of one factor."""
    if factor.exact or factor.value <= 0:
        return 0.0, 0.0
    up = math.log(factor.high / factor.value) / RANGE_SIGMAS if factor.high > 0 else 0.0
    down = math.log(factor.value / factor.low) / RANGE_SIGMAS if factor.low > 0 else UNBOUNDED_SIGMA
    return max(down, 0.0), max(up, 0.0)


def _run_terms(
    run: RunFootprint, quantity: str, market: bool
) -> dict[str, tuple[float, float, str]]:
    """Per factor name: (down, up, label) of one run's figure."""
    names = _ENERGY_FACTORS if quantity == "energy_kwh" else _GROSS_FACTORS
    by_name = {f.name: f for f in run.factors}
    if quantity == "tco2e" and market and "net_intensity_g_per_kwh" in by_name:
        names = (*_ENERGY_FACTORS, "net_intensity_g_per_kwh")
    # Power scales only the dynamic IT energy, not a given idle energy.
    dynamic_share = 1.0
    if run.it_energy_kwh > 0:
        dynamic_share = (run.it_energy_kwh - run.idle_it_energy_kwh) / run.it_energy_kwh
    out = {}
    for name in names:
        factor = by_name.get(name)
        if factor is None or factor.exact:
            continue
        down, up = _half_widths(factor)
        if name == "power_w":
            down, up = down * dynamic_share, up * dynamic_share
        out[name] = (down, up, f"{name} ({factor.source})")
    return out


def _operational(run: RunFootprint, quantity: str, market: bool) -> float:
    if quantity == "energy_kwh":
        return run.energy_kwh
    g = run.net_intensity_g_per_kwh if market else run.intensity_g_per_kwh
    return run.energy_kwh * g / 1e6


def spread(result: Footprint | RunFootprint, quantity: str, market: bool) -> Spread:
    """The log-space spread of ``quantity`` (``energy_kwh`` or ``tco2e``; net for a
    market-based claim) from the factors of ``result`` that were not given."""
    runs = getattr(result, "runs", None) or (result,)
    parts = [_operational(r, quantity, market) for r in runs]  # type: ignore[arg-type]
    total = (
        result.energy_kwh
        if quantity == "energy_kwh"
        else (result.net_tco2e if market else result.gross_tco2e)
    )
    if total <= 0:
        return Spread(0.0, 0.0, ())
    down: dict[str, float] = {}
    up: dict[str, float] = {}
    labels: dict[str, None] = {}
    for run, part in zip(runs, parts, strict=True):
        weight = part / total  # embodied emissions (given) carry no spread
        for name, (d, u, label) in _run_terms(run, quantity, market).items():  # type: ignore[arg-type]
            down[name] = down.get(name, 0.0) + weight * d
            up[name] = up.get(name, 0.0) + weight * u
            labels[label] = None
    return Spread(
        math.sqrt(sum(v * v for v in down.values())),
        math.sqrt(sum(v * v for v in up.values())),
        tuple(labels),
    )


def classify(claimed: float, central: float, band: Spread, tolerance: float) -> str | None:
    """None when consistent, else ``"minor"`` or ``"major"`` (rule in the module docstring)."""
    if central <= 0:
        return None if claimed == 0 else "major"
    if claimed <= 0:
        return "major"
    relative = abs(claimed / central - 1)
    log_dev = abs(math.log(claimed / central))
    sigma = band.on_side(math.log(claimed / central))
    if relative <= tolerance or log_dev <= CONSISTENT_SIGMAS * sigma:
        return None
    if relative <= MINOR_FACTOR * tolerance or log_dev <= MINOR_SIGMAS * sigma:
        return "minor"
    return "major"


def sigmas(claimed: float, central: float, band: Spread) -> float | None:
    """How many sigmas (on the claim's side) the claim sits from the recomputation; None when
    there is no spread on that side (every factor given) or a figure is zero."""
    if central <= 0 or claimed <= 0:
        return None
    log_dev = math.log(claimed / central)
    sigma = band.on_side(log_dev)
    return abs(log_dev) / sigma if sigma > 0 else None


def rule(band: Spread, tolerance: float) -> str:
    """The verdict rule in one sentence, quoted in every deviation flag."""
    minor = MINOR_FACTOR * tolerance
    if not band.factors:
        return (
            f"rule: every factor was given, so consistent within the {tolerance:.0%} "
            f"tolerance, a minor discrepancy within {minor:.0%}, major beyond"
        )
    return (
        f"rule: consistent within {CONSISTENT_SIGMAS:g} sigma of the defaulted factors' "
        f"uncertainty ({band.describe()}) or the {tolerance:.0%} tolerance, minor within "
        f"{MINOR_SIGMAS:g} sigma or {minor:.0%}, major beyond"
    )
