"""Recomputing disclosures with the estimator core, and re-verifying after a catalog change.

The arithmetic is the estimator's (`emissions.estimator`); this module only stores its answer
against the input it answered and the catalog version it used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from emissions.estimator import (
    Catalog,
    EstimatorInputError,
    load_catalog,
    parse_claim,
    parse_disclosure,
    verify_claim,
)
from emissions.models import Disclosure, Recomputation, Verdict
from emissions.selectors import recomputation_current
from registry.workflow import audit


@dataclass(frozen=True)
class ReverifyOutcome:
    disclosure_id: int
    recomputation: Recomputation
    previous: Recomputation | None
    changed: bool


def catalog_version_current() -> str:
    """The version of the factor catalog recomputations use now."""
    return load_catalog().version


def _finite(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else None


def _verification(disclosure: Disclosure, catalog: Catalog) -> dict[str, Any]:
    """The estimator's verification of the stored runs and claim, as stored fields."""
    try:
        parsed = parse_disclosure({"runs": disclosure.runs}, catalog=catalog)
        claim = parse_claim(
            {
                "energy_kwh": disclosure.claim_energy_kwh,
                "tco2e": disclosure.claim_tco2e,
                "basis": disclosure.claim_basis,
            }
        )
        result = verify_claim(parsed, claim, catalog=catalog).to_dict()
    except EstimatorInputError as error:
        # Input the estimator accepted at submission but refuses now (a renamed catalog
        # entry, say): keep the reason as a flag the reviewer can read.
        flag = {
            "code": "input_refused",
            "severity": "major",
            "message": f"the estimator cannot read this disclosure: {error}",
            "data": {"field": error.field},
        }
        return {"verdict": Verdict.INSUFFICIENT_DATA, "flags": [flag], "result": {}}
    recomputed = result.get("recomputed") or {}
    return {
        "verdict": result["verdict"],
        "flags": result["flags"],
        "result": result,
        "energy_kwh": _finite(recomputed.get("energy_kwh")),
        "gross_tco2e": _finite(recomputed.get("gross_tco2e")),
        "net_tco2e": _finite(recomputed.get("net_tco2e")),
        "low_tco2e": _finite(recomputed.get("low_tco2e")),
        "high_tco2e": _finite(recomputed.get("high_tco2e")),
    }


def disclosure_recompute(*, disclosure_id: int) -> Recomputation:
    """Recompute the disclosure's current input under the current catalog; idempotent.

    Returns the existing row when this input and catalog version were already recomputed
    (a unique constraint settles concurrent runs). Side effects: one "recompute" audit event
    when a new result is stored.
    """
    disclosure = Disclosure.objects.get(pk=disclosure_id)
    catalog = load_catalog()
    catalog_version = catalog.version
    key = {
        "disclosure": disclosure,
        "input_hash": disclosure.input_hash,
        "catalog_version": catalog_version,
    }
    existing = Recomputation.objects.filter(**key).first()
    if existing is not None:
        return existing
    values = _verification(disclosure, catalog)
    try:
        with transaction.atomic():
            recomputation = Recomputation.objects.create(**key, **values)
            audit(
                actor=None,
                subject=disclosure,
                action="recompute",
                from_state=disclosure.state,
                to_state=disclosure.state,
                data={
                    "recomputation": recomputation.pk,
                    "verdict": recomputation.verdict,
                    "catalog_version": catalog_version,
                },
            )
    except IntegrityError:
        return Recomputation.objects.get(**key)
    return recomputation


def _summary(recomputation: Recomputation | None) -> dict[str, Any]:
    if recomputation is None:
        return {"verdict": None, "gross_tco2e": None, "flags": [], "catalog_version": None}
    return {
        "verdict": recomputation.verdict,
        "gross_tco2e": recomputation.gross_tco2e,
        "flags": sorted({flag.get("code", "") for flag in recomputation.flags}),
        "catalog_version": recomputation.catalog_version,
    }


def disclosure_reverify(*, disclosure_id: int) -> ReverifyOutcome:
    """Recompute under the current catalog and record what changed since the last result.

    Side effects: the "recompute" event of `disclosure_recompute` when the catalog is new to
    this input, and one "reverify" audit event when the verdict, the flags or the recomputed
    tCO2e changed.
    """
    disclosure = Disclosure.objects.get(pk=disclosure_id)
    previous = recomputation_current(disclosure)
    current = disclosure_recompute(disclosure_id=disclosure_id)
    if previous is not None and previous.pk == current.pk:
        return ReverifyOutcome(disclosure_id, current, previous, changed=False)
    before, after = _summary(previous), _summary(current)
    changed = any(before[k] != after[k] for k in ("verdict", "gross_tco2e", "flags"))
    if changed:
        audit(
            actor=None,
            subject=disclosure,
            action="reverify",
            from_state=disclosure.state,
            to_state=disclosure.state,
            reason="factor catalog changed",
            data={
                "before": before,
                "after": after,
                "flags_added": sorted(set(after["flags"]) - set(before["flags"])),
                "flags_removed": sorted(set(before["flags"]) - set(after["flags"])),
            },
        )
    return ReverifyOutcome(disclosure_id, current, previous, changed=changed)
