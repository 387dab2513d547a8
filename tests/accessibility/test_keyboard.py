"""Keyboard navigation: Tab reaches every field of the login and submission forms in order,
and Enter submits them."""

from __future__ import annotations

import pytest

from incidents.models.submissions import Submission

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Fields in the order a keyboard user meets them; the honeypot is out of the tab order.
FOCUSABLE = "input:not([type=hidden]):not([tabindex='-1']), textarea, select, button"


def form_fields(page, form: str) -> list[str]:  # noqa: ANN001
    """The name (or text, for buttons) of every focusable control of the form, in DOM order."""
    return page.eval_on_selector_all(
        f"{form} :is({FOCUSABLE})",
        "els => els.filter(e => !e.closest('[hidden]')).map(e => e.name || e.textContent.trim())",
    )


def focused(page) -> str:  # noqa: ANN001
    return page.evaluate(
        "() => { const e = document.activeElement; return e.name || e.textContent.trim(); }"
    )


def tab_through(page, first: str, last: str) -> list[str]:  # noqa: ANN001
    """Focus `first`, then Tab until `last` holds the focus, recording each control once
    (Tab also steps through the day, month and year of a date input)."""
    page.focus(first)
    order = [focused(page)]
    for _ in range(200):
        if order[-1] == last:
            break
        page.keyboard.press("Tab")
        if focused(page) != order[-1]:
            order.append(focused(page))
    return order


def test_it_tabs_through_the_login_form_in_order_and_submits_with_enter(page, world):
    page.goto("/accounts/login/")
    fields = form_fields(page, "main form")
    assert fields == ["username", "password", "Log in"]
    # From the skip link, Tab walks the header, then reaches the form's fields in order.
    page.keyboard.press("Tab")
    for _ in range(30):
        if focused(page) == "username":
            break
        page.keyboard.press("Tab")
    page.keyboard.type("rita")
    page.keyboard.press("Tab")
    assert focused(page) == "password"
    page.keyboard.type("correct horse battery staple")
    page.keyboard.press("Tab")
    assert focused(page) == "Log in"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/")
    assert "rita" in page.locator("header nav").inner_text()


def test_it_tabs_through_every_field_of_the_submission_form_and_submits_with_enter(page):
    page.goto("/submit/")
    fields = form_fields(page, "form.submission-form")
    assert fields[0] == "url"
    assert fields[-1] == "Submit the report"
    assert "homepage" not in fields
    assert tab_through(page, "form.submission-form [name=url]", fields[-1]) == fields
    values = {
        "url": "https://news.example.org/2024/03/keyboard",
        "title": "Delivery robot blocks a crosswalk for an hour",
        "text": "A delivery robot stopped on a crosswalk and blocked a wheelchair user "
        "for most of an hour while its operator could not be reached by phone.",
        "incident_title": "Delivery robot blocks a wheelchair user",
    }
    for name, value in values.items():
        page.focus(f"form.submission-form [name={name}]")
        page.keyboard.type(value)
    page.focus("form.submission-form [name=title]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/submit/received/")
    assert Submission.objects.get().title == values["title"]
