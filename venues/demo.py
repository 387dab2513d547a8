"""Demo data for the conference review: the venue `demo` with fourteen papers in every workflow
state, a reviewer team, balanced assignments, reviews with checklist answers and decisions.

Everything goes through the services (disclosure creation, the workflow's transitions, the
recomputation, assignment, reviews, the chair's decisions), so the demo's audit trail reads
like a real review. `load()` does nothing when the venue already exists.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from emissions.demo import DEMO_PASSWORD
from emissions.estimator import estimate_training_footprint, parse_disclosure
from emissions.models import Disclosure
from emissions.services.disclosures import disclosure_create
from emissions.services.recomputation import disclosure_recompute
from emissions.services.workflow import disclosure_transition
from registry.models import User
from venues.models import Venue
from venues.services.assignment import assignments_auto
from venues.services.reviews import AnswerInput, review_decide, review_submit
from venues.services.venues import (
    PhaseSpec,
    venue_add_reviewers,
    venue_create,
    venue_paper_accept,
)

VENUE_SLUG = "demo"
DEMO_PASSWORD_ENV = "DEMO_PASSWORD"  # noqa: S105 - the variable's name, not a password
DEFAULT_DEMO_PASSWORD = DEMO_PASSWORD  # one published password for every demo account


@dataclass(frozen=True)
class DemoPaper:
    submission_id: str
    title: str
    model_name: str
    author: str  # username of the researcher
    accelerator: str
    count: int
    hours: float
    location: dict[str, str]
    claim_factor: float  # claimed tCO2e = recomputed gross x this: 1.0 is an honest claim
    state: str


PEOPLE: tuple[tuple[str, str, str, str], ...] = (
    # username, email, role, organisation
    ("demo-chair", "chair@conference.example", "chair", "Demo Conference"),
    ("demo-rev-ana", "ana@inst-north.example", "reviewer", "Institute North"),
    ("demo-rev-ben", "ben@inst-south.example", "reviewer", "Institute South"),
    ("demo-rev-cho", "cho@lab-east.example", "reviewer", "Lab East"),
    ("demo-rev-dev", "dev@uni-west.example", "reviewer", "University West"),
    ("demo-ada", "ada@uni-west.example", "researcher", "University West"),
    ("demo-ike", "ike@lab-east.example", "researcher", "Lab East"),
    ("demo-mei", "mei@ai-startup.example", "researcher", "AI Startup"),
)

PAPERS: tuple[DemoPaper, ...] = (
    DemoPaper(
        "D-100",
        "Metered beyond the runs",
        "MeterLM-2B",
        "demo-mei",
        "A100-80GB",
        64,
        200,
        {"country": "USA"},
        1.6,
        "override_pending",
    ),
    DemoPaper(
        "D-101",
        "Sparse experts at scale",
        "SparseMix-8x7B",
        "demo-ada",
        "H100-SXM",
        256,
        720,
        {"country": "USA"},
        1.0,
        "verified",
    ),  # noqa: E501
    DemoPaper(
        "D-102",
        "Carbon-aware pretraining",
        "GreenLM-7B",
        "demo-ike",
        "A100-80GB",
        128,
        400,
        {"country": "FRA"},
        1.02,
        "verified",
    ),  # noqa: E501
    DemoPaper(
        "D-103",
        "Efficient vision transformers",
        "EffViT-L",
        "demo-mei",
        "V100",
        64,
        300,
        {"cloud_provider": "gcp", "cloud_region": "europe-north1"},
        1.0,
        "verified",
    ),  # noqa: E501
    DemoPaper(
        "D-104",
        "Speech at the edge",
        "EdgeSpeech",
        "demo-ada",
        "A100-80GB",
        32,
        200,
        {"country": "DEU"},
        0.55,
        "rejected",
    ),  # noqa: E501
    DemoPaper(
        "D-105",
        "Retrieval without regret",
        "RetroLM-1B",
        "demo-ike",
        "H100-SXM",
        64,
        150,
        {"country": "POL"},
        0.8,
        "changes_requested",
    ),  # noqa: E501
    DemoPaper(
        "D-106",
        "Long-context distillation",
        "DistLong-3B",
        "demo-mei",
        "TPU v3",
        128,
        240,
        {"cloud_provider": "gcp", "cloud_region": "us-central1"},
        0.9,
        "changes_requested",
    ),  # noqa: E501
    DemoPaper(
        "D-107",
        "Protein folding on a budget",
        "FoldLite",
        "demo-ada",
        "A100-80GB",
        16,
        500,
        {"country": "SWE"},
        1.0,
        "in_review",
    ),  # noqa: E501
    DemoPaper(
        "D-108",
        "Multilingual tokenizers",
        "PolyTok-2B",
        "demo-ike",
        "V100",
        128,
        220,
        {"country": "IND"},
        0.7,
        "in_review",
    ),  # noqa: E501
    DemoPaper(
        "D-109",
        "Weather foundation model",
        "AtmoNet",
        "demo-mei",
        "H100-SXM",
        512,
        300,
        {"country": "CAN"},
        1.01,
        "in_review",
    ),  # noqa: E501
    DemoPaper(
        "D-110",
        "Code models and tests",
        "CodeSmith-15B",
        "demo-ada",
        "A100-80GB",
        256,
        600,
        {"cloud_provider": "gcp", "cloud_region": "us-east1"},
        1.0,
        "submitted",
    ),  # noqa: E501
    DemoPaper(
        "D-111",
        "Robot policy pretraining",
        "RoboPre",
        "demo-ike",
        "A100-40GB",
        64,
        180,
        {"country": "JPN"},
        1.3,
        "submitted",
    ),  # noqa: E501
    DemoPaper(
        "D-112",
        "Music generation",
        "MelodyGen",
        "demo-mei",
        "V100",
        8,
        120,
        {"country": "GBR"},
        1.0,
        "withdrawn",
    ),  # noqa: E501
    DemoPaper(
        "D-113",
        "Diffusion for chemistry",
        "ChemDiff",
        "demo-ada",
        "H100-SXM",
        32,
        90,
        {"country": "NLD"},
        1.0,
        "draft",
    ),  # noqa: E501
    DemoPaper(
        "D-114",
        "Tiny language models",
        "TinyLM-125M",
        "demo-ike",
        "T4",
        8,
        48,
        {"country": "AUS"},
        1.0,
        "draft",
    ),  # noqa: E501
)

# What the chair decides, and why; papers left in review keep their reviews open.
DECISIONS = {
    "verified": ("verify", "Recomputation agrees with the claim; reviewers recommend verifying."),
    "rejected": ("reject", "The claim is about half the recomputed figure and unexplained."),
    "changes_requested": (
        "request_changes",
        "Give the PUE source and include the preliminary experiments.",
    ),
}
RECOMMENDATION_FOR = {
    "verified": "verify",
    "rejected": "reject",
    "changes_requested": "request_changes",
    "in_review": "request_changes",
}


def _person(username: str, email: str, role: str, organisation: str) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"email": email, "role": role, "organisation": organisation}
    )
    if created:
        user.set_password(os.environ.get(DEMO_PASSWORD_ENV, DEFAULT_DEMO_PASSWORD))
        user.save(update_fields=["password"])
    return user


def _run(paper: DemoPaper) -> dict[str, Any]:
    return {
        "name": f"{paper.model_name} training",
        "accelerator": paper.accelerator,
        "count": paper.count,
        "hours": paper.hours,
        "location": paper.location,
    }


def _fields(paper: DemoPaper, author: User) -> dict[str, Any]:
    run = _run(paper)
    footprint = estimate_training_footprint(parse_disclosure({"runs": [run]}))
    return {
        "model_name": paper.model_name,
        "organisation": author.organisation,
        "paper_title": paper.title,
        "paper_authors": [author.get_full_name() or author.username],
        "venue_submission_id": paper.submission_id,
        "runs": [run],
        "claim_energy_kwh": round(footprint.energy_kwh * paper.claim_factor, 1),
        "claim_tco2e": round(footprint.gross_tco2e * paper.claim_factor, 3),
        "claim_basis": "location",
        "method": "estimated",
        "includes_preliminary_experiments": paper.claim_factor >= 1.0,
        "justification": f"Device-hours from our cluster logs; {paper.accelerator} at TDP.",
    }


def _review(reviewer: User, disclosure: Disclosure, state: str) -> None:
    recommendation = RECOMMENDATION_FOR[state]
    answers = {
        "neurips-8": AnswerInput("yes", "Hardware, count and hours are in the paper."),
        "acl-c1": (
            AnswerInput("yes", "")
            if recommendation == "verify"
            else AnswerInput("no", "No total GPU-hours or PUE source are given.")
        ),
    }
    review_submit(
        reviewer=reviewer,
        disclosure=disclosure,
        completeness=5 if recommendation == "verify" else 3,
        recommendation=recommendation,
        comments="Checked the runs against the recomputation.",
        answers=answers,
    )


def _report(venue: Venue, *, created: bool) -> dict[str, Any]:
    from venues.models import Review

    papers = venue.disclosures.count()
    reviews = Review.objects.filter(assignment__venue=venue).count()

    def counts(n: int) -> dict[str, int]:
        return {"created": n if created else 0, "updated": 0, "unchanged": 0 if created else n}

    return {
        "venues": counts(1),
        "papers": counts(papers),
        "reviews": counts(reviews),
        "notes": [
            f"venue /venues/{venue.slug}/: chair demo-chair, reviewers demo-rev-*, "
            f"password from {DEMO_PASSWORD_ENV} (default {DEFAULT_DEMO_PASSWORD!r})"
        ],
    }


def load() -> dict[str, Any]:
    """Load the demo venue (once); return the counts `load_demo` prints."""
    existing = Venue.objects.filter(slug=VENUE_SLUG).first()
    if existing is not None:
        return _report(existing, created=False)
    return _report(load_venue(), created=True)


@transaction.atomic
def load_venue() -> Venue:
    """Create the demo venue with its team, papers, assignments, reviews and decisions."""
    people = {username: _person(username, *rest) for username, *rest in PEOPLE}
    chair = people["demo-chair"]
    now = timezone.now()
    venue = venue_create(
        actor=chair,
        slug=VENUE_SLUG,
        name="Demo Conference on Efficient ML 2026",
        starts_on=(now + dt.timedelta(days=60)).date(),
        ends_on=(now + dt.timedelta(days=64)).date(),
        submission_deadline=now - dt.timedelta(days=14),
        review_deadline=now + dt.timedelta(days=14),
        decision_deadline=now + dt.timedelta(days=30),
        reviewers_per_paper=2,
        phases=(
            PhaseSpec("Submission", now - dt.timedelta(days=45)),
            PhaseSpec(
                "Review",
                now - dt.timedelta(days=13),
                reviewers_may_review=True,
                reviewers_see_other_reviews=True,
                chairs_may_decide=True,
            ),
        ),
    )
    venue_add_reviewers(
        actor=chair,
        venue=venue,
        reviewers=[u for name, u in people.items() if name.startswith("demo-rev-")],
    )
    created: list[tuple[DemoPaper, Disclosure]] = []
    for paper in PAPERS:
        author = people[paper.author]
        disclosure = disclosure_create(
            owner=author, fields={**_fields(paper, author), "venue": venue}
        )
        if paper.state != "draft":
            disclosure_transition(action="submit", disclosure_id=disclosure.pk, actor=author)
            disclosure_recompute(disclosure_id=disclosure.pk)
            venue_paper_accept(actor=chair, venue=venue, disclosure_id=disclosure.pk)
        disclosure.refresh_from_db()
        created.append((paper, disclosure))
    assignments_auto(actor=chair, venue=venue, per_paper=2)
    for paper, disclosure in created:
        if paper.state in RECOMMENDATION_FOR:
            for assignment in disclosure.review_assignments.select_related("reviewer"):
                _review(assignment.reviewer, disclosure, paper.state)
    for paper, disclosure in created:
        author = people[paper.author]
        disclosure.refresh_from_db()
        if paper.state == "withdrawn":
            disclosure_transition(
                action="withdraw", disclosure_id=disclosure.pk, actor=author, reason="Wrong runs."
            )
        elif paper.state == "in_review":
            first = disclosure.review_assignments.select_related("reviewer").first()
            if first is not None:
                disclosure_transition(
                    action="claim", disclosure_id=disclosure.pk, actor=first.reviewer
                )
        elif paper.state == "override_pending":
            # Accepted by its reviewer despite the verdict: waits for the chair to confirm.
            first = disclosure.review_assignments.select_related("reviewer").first()
            if first is not None:
                disclosure_transition(
                    action="claim", disclosure_id=disclosure.pk, actor=first.reviewer
                )
                disclosure_transition(
                    action="override",
                    disclosure_id=disclosure.pk,
                    actor=first.reviewer,
                    reason="The meter logs cover a second cluster the runs leave out.",
                )
        elif paper.state in DECISIONS:
            action, reason = DECISIONS[paper.state]
            review_decide(actor=chair, disclosure=disclosure, decision=action, reason=reason)
    return venue
