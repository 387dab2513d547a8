"""Attack: dodging the conflict-of-interest rule by writing one's organisation differently.

The rule compared raw strings (case-insensitively): "University  A" (two spaces) or the
full-width "Ｕｎｉｖｅｒｓｉｔｙ Ａ" slipped past a reviewer from "University A", who could then
claim and verify a colleague's disclosure. Names are now compared after NFKC, whitespace and
case normalisation.
"""

from __future__ import annotations

import pytest

from emissions.selectors import disclosures_for_reviewer
from registry.text import name_key as normalised_name
from tests.factories.emissions import DisclosureFactory

SPELLINGS = ["University  A", " university a ", "Ｕｎｉｖｅｒｓｉｔｙ Ａ", "UNIVERSITY\tA"]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_a_respelled_organisation_is_still_a_conflict(client, world, spelling):  # noqa: ANN001
    # carl works at "University A"; the disclosure's owner is outside it.
    disclosure = DisclosureFactory(
        owner=world.other_researcher, organisation=spelling, state="submitted"
    )
    assert not disclosures_for_reviewer(world.conflicted_reviewer).filter(pk=disclosure.pk).exists()
    client.force_login(world.conflicted_reviewer)
    response = client.post(
        f"/api/v1/disclosures/{disclosure.pk}/claim/", {}, content_type="application/json"
    )
    assert response.status_code == 404


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_a_respelled_owner_organisation_is_still_a_conflict(world, spelling):  # noqa: ANN001
    world.other_researcher.organisation = spelling
    world.other_researcher.save()
    disclosure = DisclosureFactory(owner=world.other_researcher, organisation="", state="submitted")
    assert not disclosures_for_reviewer(world.conflicted_reviewer).filter(pk=disclosure.pk).exists()


def test_an_unrelated_organisation_is_no_conflict(world):  # noqa: ANN001
    disclosure = DisclosureFactory(
        owner=world.other_researcher, organisation="University AB", state="submitted"
    )
    assert disclosures_for_reviewer(world.conflicted_reviewer).filter(pk=disclosure.pk).exists()


def test_every_spelling_normalises_to_one_name():
    assert {normalised_name(s) for s in SPELLINGS} == {"university a"}
