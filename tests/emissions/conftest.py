"""Disclosures in every workflow state, reached through the services themselves."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from emissions.models import Disclosure
from emissions.services.disclosures import DisclosureFields, disclosure_create
from emissions.services.recomputation import disclosure_recompute
from emissions.services.workflow import disclosure_transition
from tests.factories.emissions import T5_RUN


def valid_fields(**overrides: Any) -> DisclosureFields:
    fields: dict[str, Any] = {
        "model_name": "T5",
        "model_version": "11B",
        "parameters": 11_000_000_000,
        "organisation": "University A",
        "paper_title": "Exploring the limits of transfer learning",
        "paper_authors": ["Rita Researcher"],
        "runs": [dict(T5_RUN)],
        "claim_energy_kwh": 85_700.0,
        "claim_tco2e": 46.7,
        "claim_basis": "location",
        "method": "measured",
        "includes_preliminary_experiments": False,
        "justification": "Patterson et al. 2021, Table 4.",
    }
    fields.update(overrides)
    return fields  # type: ignore[return-value]


# The path from a draft to each state, as (action, actor attribute of the world, reason).
PATHS: dict[str, list[tuple[str, str, str]]] = {
    "draft": [],
    "submitted": [("submit", "researcher", "")],
    "in_review": [("submit", "researcher", ""), ("claim", "reviewer", "")],
    "changes_requested": [
        ("submit", "researcher", ""),
        ("claim", "reviewer", ""),
        ("request_changes", "reviewer", "Give the PUE source."),
    ],
    "verified": [
        ("submit", "researcher", ""),
        ("claim", "reviewer", ""),
        ("verify", "reviewer", "Recomputation agrees within 1%."),
    ],
    "rejected": [
        ("submit", "researcher", ""),
        ("claim", "reviewer", ""),
        ("reject", "reviewer", "The runs are not the model's."),
    ],
    "withdrawn": [("submit", "researcher", ""), ("withdraw", "researcher", "")],
    # Needs a claim the recomputation does not bear out (e.g. claim_tco2e=70.0).
    "override_pending": [
        ("submit", "researcher", ""),
        ("claim", "reviewer", ""),
        ("override", "reviewer", "The meter logs cover a second cluster."),
    ],
}


def make_disclosure(world: Any, state: str = "draft", **overrides: Any) -> Disclosure:
    """Rita's disclosure, taken to `state` by the workflow services (recomputed when sent)."""
    disclosure = disclosure_create(owner=world.researcher, fields=valid_fields(**overrides))
    for action, who, reason in PATHS[state]:
        disclosure_transition(
            action=action, disclosure_id=disclosure.pk, actor=getattr(world, who), reason=reason
        )
        if action == "submit":
            disclosure_recompute(disclosure_id=disclosure.pk)
    disclosure.refresh_from_db()
    return disclosure


@pytest.fixture
def draft(world: Any) -> Disclosure:
    return make_disclosure(world, "draft")


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    # The world's seven accounts would otherwise cost seconds of PBKDF2 per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_throttles() -> None:
    # Login and API throttles count in the cache; every test starts with none spent.
    cache.clear()
