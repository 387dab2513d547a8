"""Shared fixtures: the world of roles, and a headless Chromium for browser tests."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass

import pytest


def _flush_past_the_audit_guard() -> None:
    """Tests that use real transactions are cleaned by TRUNCATE, which the audit table refuses
    (registry migration 0003). The test database's owner lifts that one trigger for the flush
    alone; nothing outside the tests does."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    flush = DatabaseOperations.sql_flush
    guard = "ALTER TABLE registry_auditevent {} TRIGGER registry_auditevent_no_truncate"

    def sql_flush(self, style, tables, **kwargs):  # noqa: ANN001, ANN003, ANN202
        statements = flush(self, style, tables, **kwargs)
        if statements and "registry_auditevent" in tables:
            return [guard.format("DISABLE"), *statements, guard.format("ENABLE")]
        return statements

    DatabaseOperations.sql_flush = sql_flush


_flush_past_the_audit_guard()

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from that
# thread are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class World:
    researcher: object
    other_researcher: object
    reviewer: object
    conflicted_reviewer: object
    chair: object
    editor: object
    staff: object


@pytest.fixture
def world(db) -> World:  # noqa: ANN001
    from tests.factories.accounts import UserFactory

    return World(
        researcher=UserFactory(
            username="rita",
            email="rita@uni-a.example",
            role="researcher",
            organisation="University A",
        ),
        other_researcher=UserFactory(
            username="oscar", email="oscar@lab-b.example", role="researcher", organisation="Lab B"
        ),
        reviewer=UserFactory(
            username="vera",
            email="vera@inst-c.example",
            role="reviewer",
            organisation="Institute C",
        ),
        conflicted_reviewer=UserFactory(
            username="carl",
            email="carl@uni-a.example",
            role="reviewer",
            organisation="University A",
        ),
        chair=UserFactory(
            username="chris", email="chris@conf.example", role="chair", organisation="Conference"
        ),
        editor=UserFactory(
            username="edna", email="edna@registry.example", role="editor", organisation="Registry"
        ),
        staff=UserFactory(
            username="sam",
            email="sam@registry.example",
            role="staff",
            organisation="Registry",
            is_staff=True,
        ),
    )


def chromium_path() -> str | None:
    for candidate in CHROMIUM_CANDIDATES:
        if os.path.exists(candidate):
            return candidate
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def chromium():  # noqa: ANN201
    """A headless Chromium driven by Playwright; skipped, saying why, when none is installed."""
    path = chromium_path()
    if path is None:
        pytest.skip("browser test skipped: no Chromium installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("browser test skipped: the playwright package is not installed")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):  # noqa: ANN001, ANN201
    context = chromium.new_context(base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _page_cache_off(settings):  # noqa: ANN001, ANN202
    """Tests build rows with factories, which bump no data version, and the process-local cache
    outlives a test: pages are cached only in the tests about the cache (tests/registry/cache)."""
    settings.PAGE_CACHE_ENABLED = False
    settings.MEMO_CACHE_ENABLED = False
