"""Conflict-of-interest checks compare organisations as people mean them, not as typed:
case, runs of spaces and compatibility characters do not hide a conflict, and near-matches
are flagged for a person to judge."""

from __future__ import annotations

import pytest
from django.db.models import CharField, Value

from emissions.selectors import disclosures_for_reviewer, possible_conflicts
from registry.models import User
from registry.text import NormalisedName, name_key, names_near
from tests.emissions.conftest import make_disclosure
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

SAME_AS_UNIVERSITY_A = [
    "university a",
    "UNIVERSITY A",
    "  University   A ",
    "University\u00a0A",  # no-break space
    "Ｕｎｉｖｅｒｓｉｔｙ A",  # full-width letters
    "University\tA\n",
]


@pytest.mark.parametrize("typed", SAME_AS_UNIVERSITY_A)
def test_it_keeps_a_reviewer_from_their_own_organisation_however_it_is_typed(world, typed):
    disclosure = make_disclosure(world, "submitted")  # organisation "University A"
    reviewer = UserFactory(
        username="rev-typed", role="reviewer", organisation=typed, email="rev@independent.example"
    )
    assert not disclosures_for_reviewer(reviewer).filter(pk=disclosure.pk).exists()


def test_it_still_lets_an_unrelated_reviewer_review(world):
    disclosure = make_disclosure(world, "submitted")
    reviewer = UserFactory(
        username="rev-other",
        role="reviewer",
        organisation="University B",
        email="rev@independent.example",
    )
    assert disclosures_for_reviewer(reviewer).filter(pk=disclosure.pk).exists()


@pytest.mark.parametrize(
    "typed", [*SAME_AS_UNIVERSITY_A, "Univ. A", "", "ÉCOLE  Polytechnique", "ﬁ-lab", "a\u2003b"]
)
def test_it_computes_the_same_key_in_python_and_in_sql(typed):
    UserFactory(username="anyone")
    in_sql = User.objects.annotate(key=NormalisedName(Value(typed, CharField()))).values_list(
        "key", flat=True
    )
    assert in_sql[0] == name_key(typed)


def test_it_flags_a_near_match_without_deciding_it(world):
    disclosure = make_disclosure(world, "submitted", organisation="University of Example")
    reviewer = UserFactory(
        username="rev-near",
        role="reviewer",
        organisation="Univ. of Example",
        email="rev@independent.example",
    )
    assert possible_conflicts(reviewer=reviewer, disclosure=disclosure) == [
        "'Univ. of Example' resembles 'University of Example'"
    ]
    assert disclosures_for_reviewer(reviewer).filter(pk=disclosure.pk).exists()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Univ. of Example", "University of Example"),
        ("Example Lab.", "example lab"),
        ("Univeristy of Example", "University of Example"),
    ],
)
def test_it_calls_abbreviations_punctuation_and_typos_near(a, b):
    assert names_near(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("University of Example", "Institute of Other Things"),
        ("", "University A"),
        ("Org 0", "Org 1"),
        ("University A", "University B"),
        ("University A", "university a"),
    ],
)
def test_it_does_not_call_different_or_equal_organisations_near(a, b):
    assert not names_near(a, b)
