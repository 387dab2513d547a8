"""Factories for a venue's review: checklist items, phases, assignments, reviews, answers, and
recomputations with a full what-if block so packets have every section to show."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from emissions.models import Recomputation
from tests.factories.accounts import UserFactory
from tests.factories.emissions import DisclosureFactory, VenueFactory
from venues.models import ChecklistAnswer, ChecklistItem, Review, ReviewAssignment, ReviewPhase
from venues.services.venues import ACL_C1_ITEM, NEURIPS_COMPUTE_ITEM


class ChecklistItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChecklistItem

    venue = factory.SubFactory(VenueFactory)
    code = NEURIPS_COMPUTE_ITEM.code
    label = NEURIPS_COMPUTE_ITEM.label
    question = NEURIPS_COMPUTE_ITEM.question
    position = 0


class ReviewPhaseFactory(factory.django.DjangoModelFactory):
    """An open phase: reviewers review, chairs decide; it started an hour ago."""

    class Meta:
        model = ReviewPhase

    venue = factory.SubFactory(VenueFactory)
    name = "Review"
    starts_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    reviewers_may_review = True
    chairs_may_decide = True


def conference_venue(slug: str = "neurips-2026", name: str = "NeurIPS 2026", **kwargs):  # noqa: ANN201
    """A venue with the two default checklist items and one open phase."""
    venue = VenueFactory(slug=slug, name=name, **kwargs)
    ChecklistItemFactory(venue=venue, position=0)
    ChecklistItemFactory(
        venue=venue,
        code=ACL_C1_ITEM.code,
        label=ACL_C1_ITEM.label,
        question=ACL_C1_ITEM.question,
        position=1,
    )
    ReviewPhaseFactory(venue=venue)
    return venue


class ReviewAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewAssignment

    disclosure = factory.SubFactory(DisclosureFactory, state="submitted")
    venue = factory.LazyAttribute(lambda a: a.disclosure.venue)
    reviewer = factory.SubFactory(UserFactory, role="reviewer")
    source = "manual"


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    assignment = factory.SubFactory(ReviewAssignmentFactory)
    completeness = 4
    recommendation = "verify"
    comments = "The runs and the PUE are documented."


class ChecklistAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChecklistAnswer

    review = factory.SubFactory(ReviewFactory)
    item = factory.SubFactory(ChecklistItemFactory)
    answer = "yes"
    justification = "Section 5 lists the hardware and hours."


def what_if_block(actual: float) -> dict:
    return {
        "basis": "gross_tco2e",
        "actual_tco2e": actual,
        "regions": {
            "lowest": {"region": "SWE", "label": "Sweden", "tco2e": actual * 0.05},
            "highest": {"region": "ZAF", "label": "South Africa", "tco2e": actual * 1.7},
        },
        "hardware": [
            {"accelerator": "H100-SXM", "tco2e": actual * 0.6},
            {"accelerator": "V100", "tco2e": actual * 2.1},
        ],
    }


class RecomputationFactory(factory.django.DjangoModelFactory):
    """A recomputation of the disclosure's current input that found a major discrepancy."""

    class Meta:
        model = Recomputation

    disclosure = factory.SubFactory(DisclosureFactory)
    input_hash = factory.LazyAttribute(lambda r: r.disclosure.input_hash)
    catalog_version = "test-1"
    verdict = "major_discrepancy"
    energy_kwh = 96_123.0
    gross_tco2e = 52.4
    net_tco2e = 12.5
    low_tco2e = 41.9
    high_tco2e = 63.0
    flags = factory.LazyFunction(
        lambda: [
            {
                "code": "tco2e_low",
                "severity": "major",
                "message": "The claimed 46.7 tCO2e is 11% below the recomputed 52.4 tCO2e.",
                "data": {},
            },
            {
                "code": "pue_default",
                "severity": "info",
                "message": "No PUE source given; the stated 1.12 was used as is.",
                "data": {},
            },
        ]
    )
    result = factory.LazyAttribute(
        lambda r: {"recomputed": {"what_if": what_if_block(r.gross_tco2e)}}
    )
