"""The individual checks behind ``verify_claim``, one method each.

Thresholds are module constants so the review workflow can quote them. A deviation is judged
against the uncertainty of the factors that were defaulted (``calibration.py``): consistent
within 1 sigma or the tolerance, a minor discrepancy within 2 sigma or 4x the tolerance, major
beyond. Flags that explain a deviation (unit slips, PUE applied twice or left out) take the
deviation's severity; physically impossible figures are ``critical``. Every flag's message ends
with the rule that produced it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from .calibration import MINOR_FACTOR, Spread, classify, rule, sigmas, spread
from .catalog import Catalog
from .footprint import Footprint, RunFootprint
from .model import Claim, DisclosureInput
from .plausibility import (
    INTENSITY_MARGIN,
    MAX_GRID_G_PER_KWH,
    POWER_ABOVE_TDP,
    POWER_BELOW_IDLE,
    PlausibilityChecks,
    fmt,
)
from .units import KG_PER_LB

VERDICTS = (
    "consistent",
    "minor_discrepancy",
    "major_discrepancy",
    "implausible",
    "insufficient_data",
)
SEVERITIES = ("info", "minor", "major", "critical")
__all__ = [
    "INTENSITY_MARGIN",
    "MAX_GRID_G_PER_KWH",
    "MINOR_FACTOR",
    "POWER_ABOVE_TDP",
    "POWER_BELOW_IDLE",
    "SEVERITIES",
    "VERDICTS",
    "Checker",
    "Flag",
]
# A slip factor this far from 1 cannot be mistaken for the uncertainty of defaulted factors,
# so it is recognised when the corrected claim is consistent with the recomputation's range;
# nearer factors (lbs/kg, a few devices) must match within the tolerance.
SLIP_FACTOR_FAR = 10.0
_MASS_SLIPS = (
    (1e3, "kilograms given as tonnes"),
    (1e6, "grams given as tonnes"),
    (1e-3, "tonnes given as kilotonnes, or kilograms divided by 1e6"),
    (1 / (KG_PER_LB * 1e-3), "pounds given as tonnes"),
    (1 / KG_PER_LB, "pounds given as kilograms"),
    (KG_PER_LB, "kilograms given as pounds"),
    (24.0, "days counted as hours"),
    (1 / 24, "hours counted as days"),
)
_ENERGY_SLIPS = (
    (1e3, "Wh given as kWh, or W taken for kW"),
    (1e-3, "MWh given as kWh, or kW taken for W"),
    (1e6, "Wh given as MWh"),
    (24.0, "days counted as hours"),
    (1 / 24, "hours counted as days"),
)


@dataclass(frozen=True, slots=True)
class Flag:
    """One finding: ``code`` for machines, ``message`` for people, ``data`` for both."""

    code: str
    severity: str
    message: str
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "data": self.data,
        }


UNITS = {"energy_kwh": "kWh", "tco2e": "tCO2e"}


def figures(
    result: Footprint | RunFootprint, quantity: str, market: bool
) -> tuple[float, float, float]:
    """(central, low, high) of a quantity; tCO2e is net for a market-based claim."""
    if quantity == "energy_kwh":
        return result.energy_kwh, result.energy_low_kwh, result.energy_high_kwh
    if market:
        return result.net_tco2e, result.net_low_tco2e, result.net_high_tco2e
    return result.gross_tco2e, result.low_tco2e, result.high_tco2e


def _off(claimed: float, reference: float) -> float:
    """|claimed / reference - 1|, infinite against a zero reference (no division errors)."""
    if reference == 0:
        return 0.0 if claimed == 0 else float("inf")
    return abs(claimed / reference - 1)


_fmt = fmt


class Checker(PlausibilityChecks):
    """Collects flags for one verification; one method per check (the physical plausibility
    checks are in ``plausibility.py``)."""

    def __init__(self, disclosure: DisclosureInput, claim: Claim, tol: float, cat: Catalog):
        self.disclosure, self.claim, self.tol, self.catalog = disclosure, claim, tol, cat
        self.flags: list[Flag] = []
        # Runs without market-based data, when the claim is market-based.
        self.net_missing = [
            i
            for i, r in enumerate(disclosure.runs)
            if claim.basis == "market"
            and r.net_intensity_g_per_kwh is None
            and r.cfe_fraction is None
        ]

    def add(self, code: str, severity: str, message: str, **data: Any) -> None:
        self.flags.append(Flag(code, severity, message, data))

    def compare(
        self,
        quantity: str,
        claimed: float,
        result: Footprint | RunFootprint,
        run: int | None = None,
    ) -> str | None:
        """Flag a claimed figure against a recomputed total or run; returns the severity of
        the deviation (None when consistent)."""
        market = self.claim.basis == "market"
        central, low, high = figures(result, quantity, market)
        band = spread(result, quantity, market)
        unit = UNITS[quantity]
        where = f"run {run}: " if run is not None else ""
        severity = classify(claimed, central, band, self.tol)
        deviation = claimed / central - 1 if central else None
        how_far = sigmas(claimed, central, band)
        data: dict[str, Any] = {
            "quantity": quantity,
            "claimed": claimed,
            "recomputed": central,
            "low": low,
            "high": high,
            "deviation": deviation,
            "sigma_low": band.down,
            "sigma_high": band.up,
            "sigmas": how_far,
            "defaulted_factors": list(band.factors),
        }
        if run is not None:
            data["run"] = run
        prefix = "run_" if run is not None else ""
        why = rule(band, self.tol)
        if severity is None:
            off = f"{deviation:+.1%}" if deviation is not None else "0"
            self.add(
                f"{prefix}{quantity}_consistent",
                "info",
                f"{where}claimed {_fmt(claimed)} {unit} is consistent with the recomputed "
                f"{_fmt(central)} {unit} ({off}) ({why})",
                **data,
            )
            return None
        off = f"{deviation:+.1%}" if deviation is not None else "from zero"
        beyond = f", {how_far:.1f} sigma" if how_far is not None and band.factors else ""
        self.add(
            f"{prefix}{quantity}_deviation",
            severity,
            f"{where}claimed {_fmt(claimed)} {unit} deviates {off}{beyond} from the "
            f"recomputed {_fmt(central)} {unit} (range {_fmt(low)}-{_fmt(high)}) ({why})",
            **data,
        )
        self.explain(quantity, claimed, central, band, severity, run)
        return severity

    def explain(
        self,
        quantity: str,
        claimed: float,
        central: float,
        band: Spread,
        severity: str,
        run: int | None,
    ) -> None:
        """Name the likely cause of a deviation: a unit slip. The slip is recognised against
        the recomputation's range, not only its central figure: undoing it must bring the
        claim within the consistent band (for factors of 10 or more; nearer factors such as
        lbs/kg must land within the tolerance, or they would explain any deviation)."""
        if central <= 0 or claimed <= 0:
            return
        ratio = claimed / central
        slips = list(_ENERGY_SLIPS if quantity == "energy_kwh" else _MASS_SLIPS)
        runs = self.disclosure.runs if run is None else (self.disclosure.runs[run],)
        counts = {r.count for r in runs}
        if len(counts) == 1 and (count := counts.pop()) and count > 1:
            slips += [
                (float(count), f"device-hours multiplied by the device count ({count})"),
                (1 / count, f"wall-clock hours taken for device-hours ({count} devices)"),
            ]
        exact = Spread(0.0, 0.0, ())
        matches = []
        for factor, likely in slips:
            far = max(factor, 1 / factor) >= SLIP_FACTOR_FAR
            if classify(claimed / factor, central, band if far else exact, self.tol) is None:
                matches.append((abs(math.log(ratio / factor)), factor, likely, far))
        if not matches:
            return
        _, factor, likely, far = min(matches)
        within = "the recomputation's consistent band" if far else f"{self.tol:.0%}"
        self.add(
            "unit_confusion",
            severity,
            f"the claimed {quantity} is {ratio:.4g}x the recomputation: likely {likely} "
            f"(rule: the claim divided by {factor:.4g} falls within {within})",
            quantity=quantity,
            factor=factor,
            ratio=ratio,
            likely=likely,
            run=run,
        )

    def check_pue(self, fp: Footprint, severities: dict[str, str | None]) -> None:
        """A deviating figure that matches the recomputation without PUE, or with PUE twice.

        The PUE the claim implies (claim / figure without PUE) is compared with the plausible
        PUE range of the runs (the given PUE, or the default's range): a claim consistent with
        some plausible PUE is never said to leave it out. The flag explains a deviation and
        takes its severity.
        """
        runs = fp.runs
        if all(r.pue == 1.0 for r in runs):
            return
        pue_low = min(f.low for f in fp.factors if f.name == "pue")
        pue_high = max(f.high for f in fp.factors if f.name == "pue")
        net = self.claim.basis == "market"

        def with_energy(r: RunFootprint, energy: float) -> float:
            g = r.net_intensity_g_per_kwh if net else r.intensity_g_per_kwh
            return energy * g / 1e6

        quantities = []
        if self.claim.energy_kwh is not None:
            no_pue = sum(r.it_energy_kwh for r in runs)
            twice = sum(r.energy_kwh * r.pue for r in runs)
            quantities.append(("energy_kwh", self.claim.energy_kwh, fp.energy_kwh, no_pue, twice))
        if self.claim.tco2e is not None:
            embodied = fp.embodied_tco2e
            no_pue = sum(with_energy(r, r.it_energy_kwh) for r in runs)
            twice = sum(with_energy(r, r.energy_kwh * r.pue) for r in runs)
            actual = (fp.net_tco2e if net else fp.gross_tco2e) - embodied
            claimed = self.claim.tco2e - embodied
            quantities.append(("tco2e", claimed, actual, no_pue, twice))
        for quantity, claimed, actual, no_pue, twice in quantities:
            severity = severities.get(quantity)
            if severity is None or no_pue <= 0:
                continue
            implied = claimed / no_pue
            if pue_low * (1 - self.tol) <= implied <= pue_high * (1 + self.tol):
                continue  # some plausible PUE explains the claim
            plausible = f"plausible PUE {pue_low:.3g}-{pue_high:.3g}"
            off = _off(claimed, actual)
            if _off(claimed, no_pue) <= min(self.tol, off):
                self.add(
                    "pue_not_applied",
                    severity,
                    f"the claimed {quantity} matches the recomputation without PUE "
                    f"({_fmt(no_pue)}): PUE looks left out (rule: the claim implies PUE "
                    f"{implied:.3g}, outside the {plausible}, and is within {self.tol:.0%} of "
                    "the figure without PUE)",
                    quantity=quantity,
                    implied_pue=implied,
                )
            elif _off(claimed, twice) <= min(self.tol, off):
                self.add(
                    "pue_applied_twice",
                    severity,
                    f"the claimed {quantity} matches the recomputation with PUE applied "
                    f"twice ({_fmt(twice)}) (rule: the claim implies PUE {implied:.3g}, "
                    f"outside the {plausible}, and is within {self.tol:.0%} of the figure "
                    "with PUE squared)",
                    quantity=quantity,
                    implied_pue=implied,
                )

    def check_sums(self) -> None:
        """A total that is not the sum of the per-run claims."""
        runs = self.disclosure.runs
        for quantity, total, parts in (
            ("energy_kwh", self.claim.energy_kwh, [r.claimed_energy_kwh for r in runs]),
            ("tco2e", self.claim.tco2e, [r.claimed_tco2e for r in runs]),
        ):
            if total is None or not parts or any(p is None for p in parts):
                continue
            summed = sum(parts)  # type: ignore[arg-type]
            gap = abs(total - summed) / max(abs(total), abs(summed), 1e-12)
            if gap > self.tol / 10:
                self.add(
                    "total_not_sum_of_runs",
                    "major" if gap > self.tol else "minor",
                    f"the claimed total {quantity} {_fmt(total)} is not the sum of the "
                    f"runs' claims ({_fmt(summed)}) (rule: a gap over {self.tol / 10:.1%} is "
                    f"minor, over {self.tol:.0%} major)",
                    quantity=quantity,
                    total=total,
                    sum=summed,
                )

    def check_totals(self, fp: Footprint) -> dict[str, float | None]:
        """Compare the claimed totals with the recomputation; returns the deviations."""
        claim, market = self.claim, self.claim.basis == "market"
        deviation: dict[str, float | None] = {"energy_kwh": None, "tco2e": None}
        severities: dict[str, str | None] = {}
        if claim.energy_kwh is not None:
            deviation["energy_kwh"] = claim.energy_kwh / fp.energy_kwh - 1
            severities["energy_kwh"] = self.compare("energy_kwh", claim.energy_kwh, fp)
            pairs = list(zip(self.disclosure.runs, fp.runs, strict=True))
            self.check_power(claim.energy_kwh, pairs, "the claimed energy")
        if claim.tco2e is not None and not self.net_missing:
            central = figures(fp, "tco2e", market)[0]
            deviation["tco2e"] = claim.tco2e / central - 1 if central else None
            severities["tco2e"] = self.compare("tco2e", claim.tco2e, fp)
            self.check_basis(fp, claim.tco2e)
        self.check_pue(fp, severities)
        return deviation

    def check_market_data(self) -> None:
        """A market-based tCO2e claim needs the runs' market-based data (a net intensity or an
        hourly CFE share): without it there is nothing to compare with, and the gross figure
        must not stand in for it. The claim is left unjudged (``insufficient_data``)."""
        claims_tco2e = self.claim.tco2e is not None or any(
            r.claimed_tco2e is not None for r in self.disclosure.runs
        )
        if not self.net_missing or not claims_tco2e:
            return
        runs = ", ".join(str(i) for i in self.net_missing)
        self.add(
            "market_basis_without_net_data",
            "info",
            f"the claim is market-based but run(s) {runs} give no net_intensity_g_per_kwh "
            "or cfe_fraction: the market-based tCO2e cannot be checked (rule: a market-based "
            "claim is compared only with a market-based recomputation; give the net intensity "
            "or the hourly CFE share of every run)",
            runs=self.net_missing,
            missing=["net_intensity_g_per_kwh", "cfe_fraction"],
        )

    def check_basis(self, fp: Footprint, claimed: float) -> None:
        """A net figure presented as the location-based one (offsets must never silently
        replace the gross figure)."""
        if (
            self.claim.basis == "location"
            and fp.net_tco2e < fp.gross_tco2e * (1 - self.tol)
            and _off(claimed, fp.net_tco2e) <= self.tol
        ):
            self.add(
                "market_figure_as_location",
                "major",
                "the location-based claim matches the net (market-based) recomputation: "
                "a net figure must not replace the gross one (rule: a location-based claim "
                f"within {self.tol:.0%} of a net figure at least {self.tol:.0%} below gross)",
            )

    def check_runs(self, fp: Footprint) -> None:
        """Per-run claims against per-run recomputations, and each run's own energy or power
        against its hardware."""
        for run, rfp in zip(self.disclosure.runs, fp.runs, strict=True):
            if run.claimed_energy_kwh is not None:
                self.compare("energy_kwh", run.claimed_energy_kwh, rfp, rfp.index)
            if run.claimed_tco2e is not None and rfp.index not in self.net_missing:
                self.compare("tco2e", run.claimed_tco2e, rfp, rfp.index)
            if run.energy_kwh is not None or run.power_w is not None:
                given = "energy_kwh" if run.energy_kwh is not None else "power_w"
                self.check_power(rfp.energy_kwh, [(run, rfp)], f"run {rfp.index}'s {given}")
