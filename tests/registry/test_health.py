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
