"""Flows in a real browser: a researcher submits, a reviewer verifies (or overrides and a chair
confirms), the public sees what was verified."""

import re

import pytest
from django.conf import settings
from django.test import Client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, user):
    page.context.clear_cookies()
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )


def test_it_takes_a_disclosure_from_researcher_to_public(page, live_server, world):
    from playwright.sync_api import expect

    log_in(page, live_server, world.researcher)
    page.goto("/disclosures/new/")
    page.fill("#id_model_name", "T5")
    page.fill("#id_organisation", "University A")
    page.fill("#id_runs-0-accelerator", "TPU v3")
    page.fill("#id_runs-0-count", "512")
    page.fill("#id_runs-0-hours", "480")
    page.fill("#id_runs-0-power_w", "310")
    page.select_option("#id_runs-0-power_basis", "measured_system")
    page.fill("#id_runs-0-pue", "1.12")
    page.fill("#id_runs-0-intensity_g_per_kwh", "545")
    page.fill("#id_claim_tco2e", "46.7")
    page.fill("#id_claim_energy_kwh", "85700")
    page.select_option("#id_method", "measured")
    page.check("input[name=includes_preliminary_experiments][value=no]")
    # The live preview (static/js/emissions.js) asks the estimator while the form is filled.
    expect(page.locator("#footprint-preview")).to_contain_text("46.5 t")
    page.click("button[name=submit]")
    expect(page).to_have_url(re.compile(r"/disclosures/\d+/$"))
    expect(page.locator(".page-meta .state")).to_have_text("Submitted")
    disclosure_url = page.url

    log_in(page, live_server, world.reviewer)
    page.goto("/disclosures/review/")
    page.click("button:has-text('Take it')")
    expect(page.locator("h1")).to_have_text("Review: T5")
    expect(page.locator(".compare")).to_contain_text("46.7 t")
    page.fill("#decision-reason", "Recomputation agrees within 1%.")
    page.click("button.action-verify")
    expect(page.locator(".page-meta .state")).to_contain_text("Verified")

    page.context.clear_cookies()
    page.goto("/disclosures/")
    page.get_by_role("link", name="T5", exact=True).click()
    expect(page).to_have_url(disclosure_url)
    expect(page.locator(".verified-mark")).to_have_text("✓ Verified: consistent")
    expect(page.locator("table.audit")).to_contain_text("Recomputation agrees within 1%.")


def fill_t5(page, *, claim_tco2e: str) -> None:
    page.fill("#id_model_name", "T5")
    page.fill("#id_organisation", "University A")
    page.fill("#id_runs-0-accelerator", "TPU v3")
    page.fill("#id_runs-0-count", "512")
    page.fill("#id_runs-0-hours", "480")
    page.fill("#id_runs-0-power_w", "310")
    page.select_option("#id_runs-0-power_basis", "measured_system")
    page.fill("#id_runs-0-pue", "1.12")
    page.fill("#id_runs-0-intensity_g_per_kwh", "545")
    page.fill("#id_claim_tco2e", claim_tco2e)
    page.select_option("#id_method", "measured")
    page.check("input[name=includes_preliminary_experiments][value=no]")


def test_an_over_claim_is_published_only_after_an_override_and_its_confirmation(
    page, live_server, world
):
    from playwright.sync_api import expect

    log_in(page, live_server, world.researcher)
    page.goto("/disclosures/new/")
    fill_t5(page, claim_tco2e="70")  # the registry recomputes 46.5 t: +51%
    page.click("button[name=submit]")
    expect(page.locator(".page-meta .state")).to_have_text("Submitted")
    disclosure_url = page.url

    log_in(page, live_server, world.reviewer)
    page.goto("/disclosures/review/")
    expect(page.locator("table.queue")).to_contain_text("Major discrepancy")
    page.click("button:has-text('Take it')")
    refusal = page.locator("#why-verify")
    expect(refusal).to_contain_text("finds a major discrepancy (claimed 70 t, recomputed 46.5 t")
    page.fill("#decision-reason", "Looks fine to me")
    page.click("button.action-verify")
    expect(page.locator(".messages")).to_contain_text(
        "Cannot verify: the registry's recomputation finds a major discrepancy"
    )
    expect(page.locator(".page-meta .state")).to_have_text("In review")
    page.fill("#decision-reason", "The meter logs cover a second cluster the runs omit.")
    page.click("button.action-override")
    expect(page.locator(".page-meta .state")).to_have_text("Override awaiting confirmation")

    page.context.clear_cookies()
    assert page.goto(disclosure_url).status == 404  # a lone override publishes nothing

    log_in(page, live_server, world.chair)
    page.goto("/disclosures/review/")
    page.locator("#overrides-heading + p + ul a").first.click()
    expect(page.locator(".override-pending")).to_contain_text("a second cluster")
    page.click("button.action-confirm_override")

    page.context.clear_cookies()
    page.goto(disclosure_url)
    expect(page.locator(".verified-mark")).to_have_text(
        "Accepted despite a major discrepancy "
        "(override: The meter logs cover a second cluster the runs omit.)"
    )
    page.goto("/disclosures/")
    expect(page.locator("table.leaderboard")).to_contain_text("Accepted despite a major")
