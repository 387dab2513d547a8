"""From the database to the plain data the exporters render: one packet, one summary row.

Reads go through the disclosures engineer's selectors (`recomputation_current`,
`disclosure_audit_trail`) and the venue selectors, so an export shows exactly what the pages do.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from emissions.charts import what_if_bars
from emissions.models import Disclosure, Recomputation
from emissions.presentation import claim_deviation, disclosure_badge, warning_count
from emissions.selectors import disclosure_audit_trail, recomputation_current
from venues.exports.packet import AuditRow, ChecklistRow, FlagRow, PacketData, ReviewRow
from venues.models import Review
from venues.selectors import reviews_of


def footprint_of(recomputation: Recomputation | None) -> dict[str, Any]:
    """The recomputed footprint dict, wherever the recomputation stored it."""
    if recomputation is None:
        return {}
    result = recomputation.result or {}
    footprint = result.get("recomputed") or result.get("footprint") or {}
    merged = dict(footprint) if isinstance(footprint, dict) else {}
    # The row's own columns are authoritative for the headline figures.
    for key in ("energy_kwh", "gross_tco2e", "net_tco2e", "low_tco2e", "high_tco2e"):
        if getattr(recomputation, key) is not None:
            merged[key] = getattr(recomputation, key)
    merged.setdefault("catalog_version", recomputation.catalog_version)
    return merged


def flags_of(recomputation: Recomputation | None) -> list[FlagRow]:
    if recomputation is None:
        return []
    rows = []
    for flag in recomputation.flags or []:
        if isinstance(flag, dict):
            rows.append(
                FlagRow(
                    code=str(flag.get("code", "")),
                    severity=str(flag.get("severity", "info")),
                    message=str(flag.get("message", "")),
                )
            )
    return rows


def _method_label(disclosure: Disclosure) -> str:
    label = disclosure.get_method_display().split(" (")[0].lower()
    if disclosure.tool_name:
        tool = f"{disclosure.tool_name} {disclosure.tool_version}".strip()
        return f"{label}: {tool}"
    return label


def _architecture(disclosure: Disclosure) -> str:
    if disclosure.architecture == "sparse" and disclosure.activated_share:
        return f"sparse, {disclosure.activated_share:.0%} of parameters active per token"
    return disclosure.get_architecture_display().split(" (")[0].lower()


def _parameters(value: int | None) -> str:
    if not value:
        return ""
    for factor, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if value >= factor:
            return f"{value / factor:.3g} {suffix}"
    return f"{value:,}"


def _review_rows(reviews: Iterable[Review]) -> tuple[list[ReviewRow], list[ChecklistRow]]:
    review_rows, checklist_rows = [], []
    for review in reviews:
        reviewer = review.assignment.reviewer.get_username()
        review_rows.append(
            ReviewRow(
                reviewer=reviewer,
                completeness=review.completeness,
                recommendation=review.get_recommendation_display(),
                comments=review.comments,
                submitted_at=review.submitted_at,
            )
        )
        for answer in review.answers.all():
            checklist_rows.append(
                ChecklistRow(
                    item_label=answer.item.label,
                    question=answer.item.question,
                    reviewer=reviewer,
                    answer=answer.get_answer_display(),
                    justification=answer.justification,
                )
            )
    return review_rows, checklist_rows


def _evidence(disclosure: Disclosure) -> Recomputation | None:
    """The recomputation a verified mark rests on; the newest one for the rest."""
    return disclosure.decision_recomputation or recomputation_current(disclosure)


def packet_data_for(disclosure: Disclosure) -> PacketData:
    """Everything one review packet shows about `disclosure`, read in a handful of queries."""
    recomputation = _evidence(disclosure)
    badge = disclosure_badge(disclosure)
    footprint = footprint_of(recomputation)
    reviews, checklist = _review_rows(reviews_of(disclosure=disclosure))
    audit = [
        AuditRow(
            at=event.created_at,
            actor=event.actor_label,
            action=event.action,
            from_state=event.from_state,
            to_state=event.to_state,
            reason=event.reason,
        )
        for event in disclosure_audit_trail(disclosure)
    ]
    paper_id = ", ".join(
        x
        for x in (disclosure.doi, f"arXiv:{disclosure.arxiv_id}" if disclosure.arxiv_id else "")
        if x
    )
    venue = disclosure.venue
    return PacketData(
        disclosure_id=disclosure.pk,
        state=disclosure.get_state_display(),
        paper_title=disclosure.paper_title,
        model_name=disclosure.model_name,
        organisation=disclosure.organisation,
        venue_name=venue.name if venue else "",
        venue_slug=venue.slug if venue else "",
        submission_id=disclosure.venue_submission_id,
        paper_authors=", ".join(disclosure.paper_authors),
        paper_identifier=paper_id,
        model_version=disclosure.model_version,
        parameters=_parameters(disclosure.parameters),
        architecture=_architecture(disclosure),
        researcher=disclosure.owner.get_username(),
        runs=[r for r in disclosure.runs or [] if isinstance(r, dict)],
        claim=disclosure.claim,
        claim_method=_method_label(disclosure),
        includes_preliminary=disclosure.includes_preliminary_experiments,
        justification=disclosure.justification,
        footprint=footprint,
        verdict=recomputation.verdict if recomputation else "",
        verification=badge.label if badge else "",
        flags=flags_of(recomputation),
        what_if=what_if_bars(footprint.get("what_if")),
        checklist=checklist,
        reviews=reviews,
        audit=audit,
        generated_at=timezone.now(),
    )


# --- Venue summary ------------------------------------------------------------------------------

SUMMARY_FIELDS: tuple[str, ...] = (
    "submission_id",
    "disclosure_id",
    "version",
    "paper_title",
    "model_name",
    "organisation",
    "state",
    "verdict",
    "verification",
    "deviation_pct",
    "energy_kwh",
    "gross_tco2e",
    "net_tco2e",
    "low_tco2e",
    "high_tco2e",
    "claimed_energy_kwh",
    "claimed_tco2e",
    "claim_basis",
    "flags",
    "warnings",
    "reviewers",
    "recommendations",
    "mean_completeness",
)


@dataclass(frozen=True)
class SummaryRow:
    """One paper of a venue, shaped for a paper-management system's import."""

    submission_id: str
    disclosure_id: int
    version: int
    paper_title: str
    model_name: str
    organisation: str
    state: str
    verdict: str
    verification: str
    deviation_pct: float | None
    energy_kwh: float | None
    gross_tco2e: float | None
    net_tco2e: float | None
    low_tco2e: float | None
    high_tco2e: float | None
    claimed_energy_kwh: float | None
    claimed_tco2e: float | None
    claim_basis: str
    flags: list[str]
    warnings: int
    reviewers: int
    recommendations: list[str]
    mean_completeness: float | None

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in SUMMARY_FIELDS}


def _figure(recomputation: Recomputation | None, name: str, digits: int) -> float | None:
    value = getattr(recomputation, name) if recomputation is not None else None
    return None if value is None else round(value, digits)


# kWh to 0.1 kWh and tCO2e to 0.1 kg: the estimator's floats carry binary noise beyond that.
KWH_DIGITS, TCO2E_DIGITS = 1, 4


def summary_rows(disclosures: Iterable[Disclosure]) -> Iterator[SummaryRow]:
    for disclosure in disclosures:
        recomputation = _evidence(disclosure)
        badge = disclosure_badge(disclosure)
        deviation = claim_deviation(
            disclosure, recomputation.gross_tco2e if recomputation else None
        )
        reviews = list(
            Review.objects.filter(assignment__disclosure=disclosure).order_by("submitted_at", "id")
        )
        assigned = disclosure.review_assignments.count()
        scores = [r.completeness for r in reviews]
        yield SummaryRow(
            submission_id=disclosure.venue_submission_id,
            disclosure_id=disclosure.pk,
            version=disclosure.version,
            paper_title=disclosure.paper_title,
            model_name=disclosure.model_name,
            organisation=disclosure.organisation,
            state=disclosure.state,
            verdict=recomputation.verdict if recomputation else "",
            verification=badge.label if badge else "",
            deviation_pct=None if deviation is None else round(deviation * 100, 1),
            energy_kwh=_figure(recomputation, "energy_kwh", KWH_DIGITS),
            gross_tco2e=_figure(recomputation, "gross_tco2e", TCO2E_DIGITS),
            net_tco2e=_figure(recomputation, "net_tco2e", TCO2E_DIGITS),
            low_tco2e=_figure(recomputation, "low_tco2e", TCO2E_DIGITS),
            high_tco2e=_figure(recomputation, "high_tco2e", TCO2E_DIGITS),
            claimed_energy_kwh=disclosure.claim_energy_kwh,
            claimed_tco2e=disclosure.claim_tco2e,
            claim_basis=disclosure.claim_basis,
            flags=[f.code for f in flags_of(recomputation)],
            warnings=warning_count(recomputation.flags if recomputation else []),
            reviewers=assigned,
            recommendations=[r.recommendation for r in reviews],
            mean_completeness=round(sum(scores) / len(scores), 2) if scores else None,
        )
