"""axe-core on the pages of following, merge previews and the datasets archive."""

from __future__ import annotations

import pytest

from search.follows import unsubscribe_token
from search.models import Follow
from tests.accessibility.conftest import blocking_violations, log_in
from tests.factories.incidents import IncidentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_finds_no_serious_violation_on_the_merge_preview(page, live_server, client, world):  # noqa: ANN001
    duplicate = IncidentFactory(title="Robotaxi hits a cyclist")
    target = IncidentFactory(title="Autonomous taxi strikes cyclist")
    log_in(page, live_server, client, world.editor)

    page.goto(f"/submit/editor/merge-incidents/?duplicate_id={duplicate.pk}&target_id={target.pk}")
    page.fill("#id_reason", "same crash")
    page.get_by_role("button", name="Merge duplicate incidents").click()
    page.wait_for_load_state()

    assert page.locator("h1").inner_text() == "Confirm the merge"
    assert blocking_violations(page) == []


def test_it_finds_no_serious_violation_on_the_emailed_link_pages(page, world):  # noqa: ANN001
    follow = Follow.objects.create(user=world.researcher, kind="incident", target="1", label="x")
    token = unsubscribe_token(user_id=world.researcher.pk, follow_id=follow.pk)
    found = {}
    for path in [
        f"/accounts/following/unsubscribe/{token}/",
        "/accounts/following/confirm/not-a-token/",
        "/submit/",
    ]:
        page.goto(path)
        found[path] = blocking_violations(page)

    assert {path: lines for path, lines in found.items() if lines} == {}
