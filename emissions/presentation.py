"""How a disclosure's history reads to each audience (shared by the pages and the API).

Reviewers' names are theirs to keep: the public sees roles in the audit trail, while the
researcher and the disclosure's reviewers see who did what.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from emissions.models import Disclosure
from emissions.selectors import (
    Viewer,
    disclosure_audit_trail,
    disclosure_confirmed_override,
    disclosures_for_reviewer,
    recomputation_current,
)

ACTION_LABELS = {
    "create": "Created",
    "edit": "Edited",
    "amend": "Amendment started",
    "submit": "Submitted for review",
    "withdraw": "Withdrawn",
    "claim": "Taken by a reviewer",
    "assign": "Assigned to a reviewer",
    "release": "Returned to the queue",
    "request_changes": "Changes requested",
    "verify": "Verified",
    "override": "Override recorded (accept despite the verdict)",
    "confirm_override": "Override confirmed: verified",
    "decline_override": "Override declined",
    "reject": "Rejected",
    "recompute": "Recomputed by the estimator",
    "reverify": "Re-verified after a catalog change",
    "comment": "Comment",
    "declare_conflict": "Conflict of interest declared",
}


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    action: str
    label: str
    actor: str
    from_state: str
    to_state: str
    reason: str
    data: dict[str, Any]


def may_follow_review(viewer: Viewer, disclosure: Disclosure) -> bool:
    """The researcher and the reviewers free of conflict see comments and names."""
    if viewer is None or not viewer.is_authenticated:
        return False
    if viewer.pk == disclosure.owner_id:
        return True
    return disclosures_for_reviewer(viewer).filter(pk=disclosure.pk).exists()


def _public_actor(actor_id: int | None, disclosure: Disclosure) -> str:
    if actor_id is None:
        return "system"
    return "researcher" if actor_id == disclosure.owner_id else "reviewer"


def audit_rows(disclosure: Disclosure, *, viewer: Viewer) -> list[AuditRow]:
    """The disclosure's audit trail as the viewer may read it."""
    reveal = may_follow_review(viewer, disclosure)
    rows = []
    for event in disclosure_audit_trail(disclosure):
        if event.action == "comment" and not reveal:
            continue
        data = dict(event.data) if reveal else {}
        if event.action in ("recompute", "reverify"):
            data = dict(event.data)
        rows.append(
            AuditRow(
                at=event.created_at,
                action=event.action,
                label=ACTION_LABELS.get(event.action, event.action.replace("_", " ")),
                actor=event.actor_label if reveal else _public_actor(event.actor_id, disclosure),
                from_state=event.from_state,
                to_state=event.to_state,
                reason=event.reason,
                data=data,
            )
        )
    return rows


# What each estimator flag means for a reviewer, and what to ask the researcher.
FLAG_EXPLANATIONS = {
    "energy_kwh_consistent": "The claimed energy agrees with the recomputation within tolerance.",
    "tco2e_consistent": "The claimed emissions agree with the recomputation within tolerance.",
    "run_energy_kwh_consistent": "This run's claimed energy agrees with its recomputation.",
    "run_tco2e_consistent": "This run's claimed emissions agree with its recomputation.",
    "energy_kwh_deviation": "The claimed energy differs from device-hours x power x PUE. Ask "
    "which power figure (TDP or measured) and which PUE were used.",
    "tco2e_deviation": "The claimed emissions differ from energy x grid intensity. Ask for "
    "the intensity and its basis (location or market) and year.",
    "run_energy_kwh_deviation": "One run's energy differs from its recomputation: check that "
    "run's hours, device count and power.",
    "run_tco2e_deviation": "One run's emissions differ from its recomputation: check that "
    "run's location and intensity.",
    "unit_confusion": "Undoing a unit slip (g/kg/t, lbs, Wh/kWh, hours/days) brings the claim "
    "within the recomputation's range. Ask the researcher to restate the figure with its unit.",
    "pue_not_applied": "The claim matches the IT energy without the datacenter overhead. Ask "
    "for the PUE, or whether the figure is facility energy.",
    "pue_applied_twice": "The claim matches the energy with the PUE multiplied in twice.",
    "total_not_sum_of_runs": "The claimed total is not the sum of the per-run figures.",
    "implied_power_above_tdp": "Energy per device-hour is far above what the accelerator can "
    "draw: device-hours are probably understated, or energy overstated.",
    "implied_power_below_idle": "Energy per device-hour is below the accelerator's idle power: "
    "device-hours are probably overstated (wall-clock vs device-hours?).",
    "implied_intensity_implausible": "Emissions / energy gives a grid intensity impossible for "
    "the stated place and basis (a net figure reported as location-based, or a unit slip).",
    "market_basis_without_net_data": "The claim is market-based but the runs give no net "
    "intensity or carbon-free share, so it cannot be checked. Ask for the market-based data.",
    "claim_magnitude_implausible": "The claimed figure is beyond any training run (over 10 TWh "
    "or 100 Mt): almost certainly a unit or typing slip.",
    "market_figure_as_location": "A location-based claim matches the net (market-based) "
    "recomputation: the gross figure must be reported, with the net one beside it.",
    "insufficient_data": "The runs do not give enough to recompute (energy, or device-hours "
    "with a known accelerator or power). Ask for the missing inputs.",
    "nothing_claimed": "The disclosure claims neither energy nor emissions.",
    "input_refused": "The estimator can no longer read this disclosure's input (for example "
    "after a catalog change). Ask the researcher to revise the runs.",
}


def explained_flags(flags: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The estimator's flags, worst first, each with a reviewer-facing explanation."""
    order = {"critical": 0, "major": 1, "minor": 2, "info": 3}
    return [
        {**flag, "explanation": FLAG_EXPLANATIONS.get(flag.get("code", ""), "")}
        for flag in sorted(flags, key=lambda f: order.get(f.get("severity", ""), 4))
    ]


# What the public reads beside a verified disclosure: what exactly was verified.
ACCEPTED_DESPITE = {
    "major_discrepancy": "a major discrepancy",
    "implausible": "an implausible claim",
    "insufficient_data": "insufficient data",
}


@dataclass(frozen=True)
class VerificationBadge:
    label: str
    # "consistent", "minor", "override" or "unchecked": the CSS class and the exports' code.
    tone: str
    verdict: str
    override_reason: str = ""


def verification_badge(
    *, state: str, verdict: str | None, override_reason: str = ""
) -> VerificationBadge | None:
    """The one wording of a verification, for the page, leaderboard, packets and summaries.

    `verdict` is the recomputation's verdict the mark was given against; `override_reason`
    the confirmed override's reason, if it was accepted despite that verdict.
    """
    if state != "verified":
        return None
    verdict = verdict or ""
    if override_reason:
        despite = ACCEPTED_DESPITE.get(verdict, verdict.replace("_", " ") or "its verdict")
        return VerificationBadge(
            f"Accepted despite {despite} (override: {override_reason})",
            "override",
            verdict,
            override_reason,
        )
    if verdict == "consistent":
        return VerificationBadge("Verified: consistent", "consistent", verdict)
    if verdict == "minor_discrepancy":
        return VerificationBadge("Verified: minor discrepancy", "minor", verdict)
    # Verified before the verdict rule existed, against a verdict it would now refuse.
    shown = verdict.replace("_", " ") if verdict else "not recomputed"
    return VerificationBadge(
        f"Verified before the verdict rule (recomputation: {shown})", "unchecked", verdict
    )


def disclosure_badge(disclosure: Disclosure) -> VerificationBadge | None:
    """`verification_badge` of one disclosure, from the recomputation its mark rests on."""
    if disclosure.state != "verified":
        return None
    recomputation = disclosure.decision_recomputation or recomputation_current(disclosure)
    override = disclosure_confirmed_override(disclosure)
    return verification_badge(
        state=disclosure.state,
        verdict=override.verdict if override else (recomputation.verdict if recomputation else ""),
        override_reason=override.reason if override else "",
    )


def claim_deviation(disclosure: Disclosure, recomputed_tco2e: float | None) -> float | None:
    """How far the claim lies from the recomputation, as a fraction (+0.5: 50% over).

    The estimator's own figure when the mark's recomputation carries one (it compares a
    market-based claim with the net figure); otherwise claimed over recomputed gross.
    """
    recomputation = disclosure.decision_recomputation
    stored = ((recomputation.result or {}).get("deviation") or {}) if recomputation else {}
    if isinstance(stored.get("tco2e"), int | float):
        return float(stored["tco2e"])
    claimed = disclosure.claim_tco2e
    if claimed is None or not recomputed_tco2e:
        return None
    return claimed / recomputed_tco2e - 1


def run_places(runs: Any) -> tuple[list[str], list[str]]:
    """The accelerators and the places (country or cloud region) of a disclosure's runs."""
    hardware: list[str] = []
    places: list[str] = []
    for run in runs if isinstance(runs, list) else []:
        if not isinstance(run, dict):
            continue
        if run.get("accelerator") and run["accelerator"] not in hardware:
            hardware.append(str(run["accelerator"]))
        location = run.get("location") if isinstance(run.get("location"), dict) else {}
        place = location.get("cloud_region") or location.get("country")
        if place and place not in places:
            places.append(str(place))
    return hardware, places


@dataclass(frozen=True)
class LeaderboardRow:
    disclosure: Disclosure
    badge: VerificationBadge | None
    recomputed_tco2e: float | None
    claimed_tco2e: float | None
    deviation: float | None
    hardware: list[str]
    places: list[str]


def leaderboard_row(disclosure: Any) -> LeaderboardRow:
    """One row of a `with_verification`-annotated queryset, as the leaderboard shows it."""
    hardware, places = run_places(disclosure.runs)
    return LeaderboardRow(
        disclosure=disclosure,
        badge=verification_badge(
            state=disclosure.state,
            verdict=disclosure.verified_verdict,
            override_reason=disclosure.override_reason or "",
        ),
        recomputed_tco2e=disclosure.recomputed_tco2e,
        claimed_tco2e=disclosure.claim_tco2e,
        deviation=claim_deviation(disclosure, disclosure.recomputed_tco2e),
        hardware=hardware,
        places=places,
    )


WARNING_SEVERITIES = frozenset({"minor", "major", "critical"})


def warning_count(flags: Any) -> int:
    """How many of the estimator's flags are warnings (its "agrees" notes are severity info)."""
    if not isinstance(flags, list):
        return 0
    return sum(
        1 for flag in flags if isinstance(flag, dict) and flag.get("severity") in WARNING_SEVERITIES
    )
