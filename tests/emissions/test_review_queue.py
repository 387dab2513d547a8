"""The reviewer's queue is for triage: verdict, deviation, warnings and age, worst first."""

import re

from emissions.selectors import review_queue_for_triage
from tests.emissions.conftest import make_disclosure


def test_it_sorts_the_queue_by_severity_then_age(world):
    consistent = make_disclosure(world, "submitted", model_name="Fine")
    major = make_disclosure(world, "submitted", model_name="Over", claim_tco2e=70.0)
    minor = make_disclosure(world, "submitted", model_name="Close", claim_tco2e=52.0)
    implausible = make_disclosure(world, "submitted", model_name="Wild", claim_tco2e=150.0)
    assert list(review_queue_for_triage(world.reviewer)) == [implausible, major, minor, consistent]
    assert list(review_queue_for_triage(world.reviewer, sort="age")) == [
        consistent,
        major,
        minor,
        implausible,
    ]
    assert list(review_queue_for_triage(world.reviewer, sort="deviation"))[0] == implausible


def test_the_queue_page_shows_verdict_deviation_warnings_and_age(client, world):
    make_disclosure(world, "submitted", model_name="Over", claim_tco2e=70.0)
    client.force_login(world.reviewer)
    page = client.get("/disclosures/review/").content.decode()
    row = re.search(r"<tr>\s*<td>\d+</td>.*?</tr>", page, re.S).group(0)
    assert ">Major discrepancy<" in row
    assert ">+51%<" in row
    assert '<td class="num">1</td>' in row  # one warning; the "energy agrees" note is not one
    assert "minute" in row  # age since submission
    for header in ("Verdict", "Deviation", "Warnings", "Age", "Taken by", "Claimed tCO2e"):
        assert f">{header}</th>" in page


def test_claimed_is_said_only_of_the_emissions_claim(client, world):
    make_disclosure(world, "submitted")
    client.force_login(world.reviewer)
    page = client.get("/disclosures/review/").content.decode()
    words = re.findall(r"[Cc]laim(?:ed)?\b[^<]{0,20}", re.sub(r"<[^>]+>", "<", page))
    assert words == ["Claimed tCO2e"]
    assert "Take it" in page and "nobody has taken them" in page


def test_an_editor_sees_the_overrides_awaiting_confirmation(client, world):
    disclosure = make_disclosure(world, "in_review", claim_tco2e=70.0)
    from emissions.services.workflow import disclosure_transition

    disclosure_transition(
        action="override", disclosure_id=disclosure.pk, actor=world.reviewer, reason="Metered."
    )
    client.force_login(world.editor)
    page = client.get("/disclosures/review/").content.decode()
    assert "Overrides awaiting your confirmation (1)" in page
    assert f'href="/disclosures/{disclosure.pk}/"' in page
    detail = client.get(f"/disclosures/{disclosure.pk}/").content.decode()
    assert "Confirm the override" in detail and "Metered." in detail
