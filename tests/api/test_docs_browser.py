from __future__ import annotations

import pytest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_runs_the_interactive_docs_under_the_strict_csp(page):  # noqa: ANN001
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto("/api/v1/docs/")
    page.wait_for_selector("#swagger-ui .opblock-tag", timeout=20_000)
    assert page.locator("#swagger-ui").inner_text().count("incidents") >= 1
    assert [p for p in problems if "Content Security Policy" in p or "Refused" in p] == []
