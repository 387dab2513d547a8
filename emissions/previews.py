"""The footprint preview behind the form, the live preview and `POST /api/v1/estimate/`.

Stateless: it parses the runs with the estimator, asks it for the footprint and, when a claim
is given, for its verification. All arithmetic is the estimator's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from emissions.estimator import (
    estimate_training_footprint,
    parse_claim,
    parse_disclosure,
    verify_claim,
)


def footprint_preview(
    *, runs: list[dict[str, Any]], claim: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """``{"footprint": ..., "verification": ... or None}``.

    Raises the estimator's `EstimatorInputError` (with `.field`, e.g. ``runs[0].hours``) for
    input it cannot use, including too little to compute a footprint.
    """
    disclosure = parse_disclosure({"runs": runs})
    footprint = estimate_training_footprint(disclosure)
    verification = None
    if claim and any(claim.get(key) is not None for key in ("energy_kwh", "tco2e")):
        checked = verify_claim(disclosure, parse_claim(claim)).to_dict()
        checked.pop("recomputed", None)  # the same footprint as above
        verification = checked
    return {"footprint": footprint.to_dict(), "verification": verification}
