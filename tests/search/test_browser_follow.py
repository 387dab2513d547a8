"""Following an incident in Chromium: the button, the confirmation link, the digest in the mail
outbox, and the one-click unsubscribe page."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from incidents.indexing import refresh_search_vectors
from incidents.models import Incident
from search.digest import digests_send_all
from search.models import Follow
from tests.accessibility.conftest import blocking_violations, log_in
from tests.factories.accounts import UserFactory
from tests.search.test_follows import add_report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_follows_an_incident_and_receives_the_digest(
    page, live_server, client, settings
) -> None:  # noqa: ANN001
    settings.SITE_URL = live_server.url  # the emailed links lead to this server
    reader = UserFactory(username="rhea", email="rhea@example.org")
    incident = Incident.objects.create(title="Delivery robot blocks an ambulance")
    refresh_search_vectors(incident_ids=[incident.pk], report_numbers=[])
    log_in(page, live_server, client, reader)

    page.goto(f"/incidents/{incident.pk}/")
    page.get_by_role("button", name="Follow this incident").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Following · unfollow this incident").count() == 1
    [confirmation] = mail.outbox
    link = re.search(r"https?://\S+/accounts/following/confirm/\S+/", confirmation.body).group(0)
    page.goto(link)
    assert page.locator("h1").inner_text() == "Address confirmed"

    report = add_report("Robot blocks a second ambulance", incidents=[incident])
    assert digests_send_all() == 1
    digest = mail.outbox[-1]
    assert digest.to == ["rhea@example.org"]
    assert f"Report {report.number}: Robot blocks a second ambulance" in digest.body

    unsubscribe = re.search(r"Stop following this: (\S+)", digest.body).group(1)
    page.context.clear_cookies()  # the link works signed out
    page.goto(unsubscribe)
    page.get_by_role("button", name="Unsubscribe").click()
    page.wait_for_load_state()
    assert "you will get no more email about it" in page.locator("main").inner_text()
    assert Follow.objects.filter(user=reader).count() == 0


def test_the_following_pages_pass_axe(page, live_server, client) -> None:  # noqa: ANN001
    reader = UserFactory(username="rhea", email="rhea@example.org")
    incident = Incident.objects.create(title="Delivery robot blocks an ambulance")
    Follow.objects.create(user=reader, kind="search", target="q=robot", label="Search “robot”")
    log_in(page, live_server, client, reader)
    found = {}
    for path in ["/accounts/following/", f"/incidents/{incident.pk}/", "/search/?q=robot"]:
        page.goto(path)
        found[path] = blocking_violations(page)

    assert {path: lines for path, lines in found.items() if lines} == {}
