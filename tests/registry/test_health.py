from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import override_settings

from registry import health
from registry.celery import app as celery_app
from tests.faults import silent_server, unwritable_folder


@contextmanager
def hung_broker(url: str) -> Iterator[None]:
    conf = celery_app.conf
    saved = conf.broker_url
    conf.broker_url = url
    celery_app._pool = None
    try:
        with override_settings(CELERY_BROKER_URL=url):
            yield
    finally:
        conf.broker_url = saved
        celery_app._pool = None


def test_it_reports_ok_with_database_and_in_process_tasks(client, db):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["broker"] == {"ok": True, "mode": "in-process"}


def test_it_sends_a_request_id_and_a_strict_csp(client, db):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="abc123")
    assert response["X-Request-ID"] == "abc123"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_it_answers_an_unknown_api_address_in_the_api_error_format(client, db):
    response = client.get("/api/v1/venues/not a slug!/")
    assert response.status_code == 404
    assert response.json() == {"errors": [{"field": None, "message": "Not found."}]}


def test_it_answers_an_unknown_page_with_the_html_not_found_page(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "<h1>Not found</h1>" in response.content.decode()


def test_it_shows_reviewers_their_queue_and_venues_in_the_menu(client, world):
    client.force_login(world.reviewer)
    html = client.get("/").content.decode()
    assert 'href="/disclosures/review/"' in html
    assert 'href="/venues/"' in html
    assert 'href="/submit/queue/"' not in html


def test_it_shows_editors_the_submissions_queue_in_the_menu(client, world):
    client.force_login(world.editor)
    html = client.get("/").content.decode()
    assert 'href="/submit/queue/"' in html
    assert 'href="/venues/"' not in html


def test_it_stamps_log_lines_with_the_request_id(client, db):
    import logging

    from registry.middleware import RequestIdLogFilter

    class Capture(logging.Handler):
        def __init__(self) -> None:
            super().__init__()
            self.records: list[logging.LogRecord] = []

        def emit(self, record: logging.LogRecord) -> None:
            self.records.append(record)

    handler = Capture()
    handler.addFilter(RequestIdLogFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        client.get("/no-such-page/", HTTP_X_REQUEST_ID="req42")
    finally:
        logger.removeHandler(handler)
    assert [r.request_id for r in handler.records] == ["req42"]


def test_it_answers_json_503_when_the_exports_folder_cannot_be_created(client, db, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with override_settings(EXPORTS_ROOT=blocker / "exports"):
        response = client.get("/healthz")
    assert (response.status_code, response["Content-Type"]) == (503, "application/json")
    assert response.json()["checks"]["disk"]["ok"] is False
    assert "cannot be created" in response.json()["checks"]["disk"]["error"]


def test_it_answers_json_503_when_the_exports_folder_is_not_writable(client, db, tmp_path):
    with override_settings(EXPORTS_ROOT=unwritable_folder(tmp_path)):
        response = client.get("/healthz")
    assert response.status_code == 503
    disk = response.json()["checks"]["disk"]
    assert (disk["ok"], "is not writable" in disk["error"]) == (False, True)


def test_it_creates_a_missing_exports_folder(client, db, tmp_path):
    with override_settings(EXPORTS_ROOT=tmp_path / "new" / "exports"):
        response = client.get("/healthz")
    assert response.json()["checks"]["disk"]["ok"] == (
        response.json()["checks"]["disk"]["free_bytes"] >= 500 * 1024 * 1024
    )
    assert (tmp_path / "new" / "exports").is_dir()


def test_it_answers_while_a_check_hangs_and_reports_it_failed(client, db, monkeypatch):
    never = threading.Event()
    monkeypatch.setitem(health._REGISTERED, "search", lambda: never.wait() and {})
    try:
        started = time.monotonic()
        response = client.get("/healthz")
        print(f"hung check -> /healthz answered in {time.monotonic() - started:.2f} s")
    finally:
        never.set()
        health._in_flight["search"].join(timeout=5)
    assert response.status_code == 503
    assert response.json()["checks"]["search"] == {
        "ok": False,
        "error": "no answer within 2 s",
    }
    assert response.json()["checks"]["database"] == {"ok": True}


def test_it_reports_a_hung_broker_as_down(client, db):
    with silent_server() as port, hung_broker(f"redis://127.0.0.1:{port}/0"):
        started = time.monotonic()
        response = client.get("/healthz")
        print(f"hung broker -> /healthz answered in {time.monotonic() - started:.2f} s")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False


def test_it_logs_a_failed_health_check_at_warning_not_error(client, db, tmp_path, caplog):
    with caplog.at_level("WARNING"), override_settings(EXPORTS_ROOT=unwritable_folder(tmp_path)):
        client.get("/healthz")
    levels = {r.levelname for r in caplog.records if "/healthz" in r.getMessage()}
    assert levels == {"WARNING"}


def test_it_answers_a_database_outage_under_the_api_in_the_api_error_format(client, db, caplog):
    def refuse(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise OperationalError("connection to server failed: Connection refused")

    with caplog.at_level("WARNING"), mock.patch.object(CursorWrapper, "execute", refuse):
        response = client.get("/api/v1/incidents/")
    assert (response.status_code, response["Retry-After"]) == (503, "5")
    assert response.json() == {
        "errors": [
            {"field": None, "message": "The database is unavailable; retry in a few seconds."}
        ]
    }
    levels = {r.levelname for r in caplog.records if "/api/v1/incidents/" in r.getMessage()}
    assert levels == {"WARNING"}


def test_it_answers_a_database_outage_on_a_page_with_the_html_page(client, db):
    def refuse(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise OperationalError("connection to server failed: Connection refused")

    with mock.patch.object(CursorWrapper, "execute", refuse):
        response = client.get("/incidents/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")


def test_it_does_not_start_a_check_again_while_an_earlier_one_hangs(client, db, monkeypatch):
    never = threading.Event()
    calls = []
    monkeypatch.setitem(
        health._REGISTERED, "search", lambda: calls.append(1) or never.wait() and {}
    )
    try:
        client.get("/healthz")
        second = client.get("/healthz")
    finally:
        never.set()
        health._in_flight["search"].join(timeout=5)
    assert second.json()["checks"]["search"] == {
        "ok": False,
        "error": "an earlier check has not answered yet",
    }
    assert len(calls) == 1
