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

_ENERGY_FACTORS = frozenset({"power_w", "pue"})
# Net figures: a given net intensity is exact, a CFE share scales the gross intensity's range.
_TCO2E_FACTORS = frozenset({"power_w", "pue", "intensity_g_per_kwh", "net_intensity_g_per_kwh"})


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


def spread(result: Footprint | RunFootprint, quantity: str, market: bool) -> Spread:
    """The log-space spread of ``quantity`` (``energy_kwh`` or ``tco2e``; net for a
    market-based claim) from the factors of ``result`` that were not given.

    On the verification hot path: one pass over the factors, no per-run dictionaries."""
    runs = getattr(result, "runs", None) or (result,)
    energy = quantity == "energy_kwh"
    total = result.energy_kwh if energy else (result.net_tco2e if market else result.gross_tco2e)
    if total <= 0:
        return Spread(0.0, 0.0, ())
    relevant = _ENERGY_FACTORS if energy else _TCO2E_FACTORS
    down: dict[str, float] = {}
    up: dict[str, float] = {}
    labels: dict[str, None] = {}
    for run in runs:
        factors = run.factors  # type: ignore[union-attr]
        skip = ""
        if energy:
            weight = run.energy_kwh / total
        else:  # embodied emissions (given) carry no spread
            g = run.net_intensity_g_per_kwh if market else run.intensity_g_per_kwh
            weight = run.energy_kwh * g / 1e6 / total
            if market and any(f.name == "net_intensity_g_per_kwh" for f in factors):
                skip = "intensity_g_per_kwh"  # a given net intensity replaces the gross one
        for factor in factors:
            name = factor.name
            if name not in relevant or name == skip or factor.exact:
                continue
            d, u = _half_widths(factor)
            if name == "power_w" and run.idle_it_energy_kwh:
                # Power scales only the dynamic IT energy, not a given idle energy.
                share = (run.it_energy_kwh - run.idle_it_energy_kwh) / run.it_energy_kwh
                d, u = d * share, u * share
            down[name] = down.get(name, 0.0) + weight * d
            up[name] = up.get(name, 0.0) + weight * u
            labels[f"{name} ({factor.source})"] = None
    if not labels:
        return Spread(0.0, 0.0, ())
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
