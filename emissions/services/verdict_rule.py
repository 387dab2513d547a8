"""The verdict rule: a verified mark means the registry's recomputation agrees with the claim.

The disclosure workflow composes these functions into its transition table (as each
transition's `refusal`), so the API, the pages, the chairs' bulk actions and the admin all meet
the same rule and say the same words when they refuse:

- verify: only against a recomputation of the current version under the current factor
  catalog (none yet: pending; an older catalog: stale), whose verdict is consistent or a minor
  discrepancy;
- override (accept despite a major discrepancy, an implausible claim or too little data): the
  same fresh recomputation, with a verdict that needs one; the reason is the transition's;
- confirm an override: the recomputation it overrode must still be the current one.
"""

from __future__ import annotations

from dataclasses import dataclass

from emissions.models import Disclosure, Recomputation, Verdict
from emissions.selectors import disclosure_pending_override, recomputation_for_catalog
from emissions.services.recomputation import catalog_version_current
from registry.models import User

VERIFIABLE_VERDICTS = frozenset({Verdict.CONSISTENT, Verdict.MINOR_DISCREPANCY})
OVERRIDABLE_VERDICTS = frozenset(
    {Verdict.MAJOR_DISCREPANCY, Verdict.IMPLAUSIBLE, Verdict.INSUFFICIENT_DATA}
)


@dataclass(frozen=True)
class DecisionEvidence:
    """The recomputation a decision may rest on, or why there is none yet."""

    recomputation: Recomputation | None
    # "" when the recomputation is usable; otherwise why not, in words.
    missing: str


def decision_evidence(disclosure: Disclosure) -> DecisionEvidence:
    catalog_version = catalog_version_current()
    current = recomputation_for_catalog(disclosure, catalog_version)
    if current is not None:
        return DecisionEvidence(current, "")
    older = disclosure.recomputations.filter(input_hash=disclosure.input_hash).first()
    if older is None:
        return DecisionEvidence(
            None,
            "the estimator has not recomputed this version yet (recomputation pending); "
            "wait for the recomputation",
        )
    return DecisionEvidence(
        None,
        f"the recomputation is stale: it used factor catalog {older.catalog_version}, the "
        f"catalog is now {catalog_version}; wait for the new recomputation",
    )


def verdict_sentence(recomputation: Recomputation) -> str:
    """'a major discrepancy (claimed 12 t, recomputed 3.7 t, +224%)' and the like."""
    label = recomputation.get_verdict_display().lower()
    article = "an" if label[0] in "aeiou" else "a"
    deviation = ((recomputation.result or {}).get("deviation") or {}).get("tco2e")
    if recomputation.verdict == Verdict.INSUFFICIENT_DATA:
        return "insufficient data to recompute the claim"
    detail = []
    claimed = recomputation.disclosure.claim_tco2e
    if claimed is not None:
        detail.append(f"claimed {claimed:.3g} t")
    if recomputation.gross_tco2e is not None:
        detail.append(f"recomputed {recomputation.gross_tco2e:.3g} t")
    if isinstance(deviation, int | float):
        detail.append(f"{deviation * 100:+.0f}%")
    return f"{article} {label}" + (f" ({', '.join(detail)})" if detail else "")


def verify_refusal(actor: User | None, disclosure: Disclosure) -> str:
    """Why `disclosure` may not be verified now ("" when it may)."""
    evidence = decision_evidence(disclosure)
    if evidence.recomputation is None:
        return f"cannot verify: {evidence.missing}"
    if evidence.recomputation.verdict not in VERIFIABLE_VERDICTS:
        return (
            f"cannot verify: the registry's recomputation finds "
            f"{verdict_sentence(evidence.recomputation)}. Request changes, reject, or record "
            "an override with its reason for a chair of the venue or an editor to confirm"
        )
    return ""


def override_refusal(actor: User | None, disclosure: Disclosure) -> str:
    """Why an override may not be recorded now ("" when it may)."""
    evidence = decision_evidence(disclosure)
    if evidence.recomputation is None:
        return f"cannot override: {evidence.missing}"
    if evidence.recomputation.verdict not in OVERRIDABLE_VERDICTS:
        return (
            f"no override needed: the recomputation's verdict is "
            f"{evidence.recomputation.get_verdict_display().lower()}; verify instead"
        )
    return ""


def confirm_override_refusal(actor: User | None, disclosure: Disclosure) -> str:
    """Why the pending override may not be confirmed now ("" when it may)."""
    override = disclosure_pending_override(disclosure)
    if override is None:
        return "there is no override awaiting confirmation"
    if actor is not None and actor.pk == override.requested_by_id:
        return (
            "an override needs a second person: you recorded it, so another chair of the "
            "venue or an editor confirms it"
        )
    evidence = decision_evidence(disclosure)
    if evidence.recomputation is None:
        return f"cannot confirm: {evidence.missing}"
    if evidence.recomputation.pk != override.recomputation_id:
        return (
            "cannot confirm: the recomputation changed since the override was recorded "
            f"(now {evidence.recomputation.get_verdict_display().lower()}); decline it so the "
            "reviewer decides again"
        )
    return ""
