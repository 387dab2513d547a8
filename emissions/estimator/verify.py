"""Verification: recompute a disclosure and check what it claims.

The checks (``checks.py``) are the problems real disclosures show: a figure that deviates from
the recomputation, a total that is not the sum of its rows, an implied grid intensity or power
per device that no grid or device can have, PUE applied twice or not at all, a net figure
passed off as the location-based one, and unit slips (g/kg/t, lbs, W/kW, days/hours,
device-hours/wall-clock hours).

Every finding is a ``Flag`` with a machine-readable code and data and a human sentence. The
verdict is the worst severity found: ``critical`` -> ``implausible``, ``major`` ->
``major_discrepancy``, then ``insufficient_data`` when nothing could be recomputed, nothing
was claimed or a market-based claim has no market-based data to compare with, ``minor`` ->
``minor_discrepancy``, otherwise ``consistent``. Deviations are judged against the uncertainty
of the defaulted factors (``calibration.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .catalog import Catalog
from .catalog_files import load_catalog
from .checks import SEVERITIES, VERDICTS, Checker, Flag
from .errors import EstimatorInputError, InsufficientDataError
from .footprint import Footprint, estimate_training_footprint
from .inputs import claim_to_dict
from .model import Claim, DisclosureInput

__all__ = ["VERDICTS", "Flag", "Verification", "verify_claim"]

# Flags that leave a claim unjudged: nothing to recompute, nothing claimed, or a market-based
# claim without market-based data.
INSUFFICIENT = {"insufficient_data", "nothing_claimed", "market_basis_without_net_data"}


@dataclass(frozen=True, slots=True)
class Verification:
    """The verdict, its flags, the recomputation (None when impossible) and the deviations
    (claimed / recomputed - 1, per quantity; None when not claimed or not computable)."""

    verdict: str
    flags: list[Flag]
    footprint: Footprint | None
    claim: Claim
    deviation: dict[str, float | None]
    tolerance: float
    catalog_version: str

    @property
    def summary(self) -> str:
        """The verdict and the sentences of the most severe flags, for one-line displays."""
        if not self.flags:
            return self.verdict
        worst = max(SEVERITIES.index(f.severity) for f in self.flags)
        messages = [f.message for f in self.flags if SEVERITIES.index(f.severity) == worst]
        return f"{self.verdict}: {'; '.join(messages)}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "summary": self.summary,
            "flags": [f.to_dict() for f in self.flags],
            "deviation": self.deviation,
            "tolerance": self.tolerance,
            "claim": claim_to_dict(self.claim),
            "catalog_version": self.catalog_version,
            "recomputed": self.footprint.to_dict() if self.footprint else None,
        }


def verify_claim(
    disclosure: DisclosureInput,
    claim: Claim,
    *,
    tolerance: float = 0.05,
    catalog: Catalog | None = None,
) -> Verification:
    """Recompute ``disclosure`` and check ``claim`` and any per-run ``claimed_*`` figures.

    Per-run claims live on each ``RunInput`` (``claimed_energy_kwh``, ``claimed_tco2e``); when
    every run has one and the claim has a total, the total is checked against their sum.
    Never raises for missing data: a disclosure that cannot be recomputed gives the
    ``insufficient_data`` verdict, and the checks that need no recomputation still run. Raises
    ``EstimatorInputError`` for a bad tolerance or a location the catalog does not know.
    """
    if not 0 < tolerance < 1:
        raise EstimatorInputError(f"must be between 0 and 1, got {tolerance!r}", "tolerance")
    catalog = catalog or load_catalog()
    check = Checker(disclosure, claim, tolerance, catalog)
    try:
        fp: Footprint | None = estimate_training_footprint(disclosure, catalog=catalog)
    except InsufficientDataError as error:
        fp = None
        check.add("insufficient_data", "info", f"cannot recompute: {error}", field=error.field)
    has_run_claims = any(
        r.claimed_energy_kwh is not None or r.claimed_tco2e is not None for r in disclosure.runs
    )
    if claim.energy_kwh is None and claim.tco2e is None and not has_run_claims:
        check.add("nothing_claimed", "info", "the claim gives neither energy_kwh nor tco2e")
    check.check_magnitudes()
    check.check_sums()
    check.check_market_data()
    check.check_intensity(fp)
    deviation: dict[str, float | None] = {"energy_kwh": None, "tco2e": None}
    if fp is not None:
        deviation = check.check_totals(fp)
        check.check_runs(fp)
    return Verification(
        verdict=_verdict(check.flags),
        flags=check.flags,
        footprint=fp,
        claim=claim,
        deviation=deviation,
        tolerance=tolerance,
        catalog_version=catalog.version,
    )


def _verdict(flags: list[Flag]) -> str:
    severities = {f.severity for f in flags}
    if "critical" in severities:
        return "implausible"
    if "major" in severities:
        return "major_discrepancy"
    if {f.code for f in flags} & INSUFFICIENT:
        return "insufficient_data"
    if "minor" in severities:
        return "minor_discrepancy"
    return "consistent"
