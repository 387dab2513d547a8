from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from weasyprint import HTML

from registry.spreadsheet import csv_writer
from tests.venues.exports.helpers import pdf_text
from venues.exports import exporter_for
from venues.exports.pdf import render_pdf
from venues.exports.safety import (
    RefusedURL,
    StaticOnlyURLFetcher,
    resolve_static_file,
    sanitise_html,
)

PASSWD_MARKER = "root:x:0:0"


class _Recorder(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        type(self).requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def internal_host() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on 127.0.0.1 that records every request it gets."""
    _Recorder.requests = []
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", _Recorder.requests
    server.shutdown()


def test_it_refuses_file_urls_outside_the_static_files() -> None:
    with pytest.raises(RefusedURL):
        StaticOnlyURLFetcher().fetch("file:///etc/passwd")


def test_it_refuses_path_traversal_out_of_the_static_url() -> None:
    with pytest.raises(RefusedURL):
        resolve_static_file("file:///static/../../../etc/passwd")


def test_it_refuses_http_urls_without_making_a_request(internal_host) -> None:  # noqa: ANN001
    base, requests = internal_host
    with pytest.raises(RefusedURL):
        StaticOnlyURLFetcher().fetch(base + "/secret")
    assert requests == []


def test_it_refuses_data_urls_that_are_not_small_images() -> None:
    fetcher = StaticOnlyURLFetcher()
    with pytest.raises(RefusedURL):
        fetcher.fetch("data:text/html,<h1>hi</h1>")
    with pytest.raises(RefusedURL):
        fetcher.fetch("data:image/png;base64," + "A" * 600_000)


def test_it_serves_the_packet_stylesheet_from_the_static_files() -> None:
    response = StaticOnlyURLFetcher().fetch("file:///static/css/packet.css")
    assert b"@page" in response.read()


def test_it_strips_tags_that_fetch_or_run_things() -> None:
    cleaned = sanitise_html(
        '<p>ok</p><link rel="stylesheet" href="file:///etc/passwd"><script>x()</script>'
        '<style>@import url(http://127.0.0.1/)</style><img src="http://127.0.0.1/a.png">'
        '<iframe src="file:///etc/passwd"></iframe>'
    )
    assert cleaned == "<p>ok</p><img>"


def test_it_refuses_planted_references_when_weasyprint_renders(internal_host) -> None:  # noqa: ANN001
    """Unsanitised HTML straight into WeasyPrint: the fetcher alone still holds the line."""
    base, requests = internal_host
    fetcher = StaticOnlyURLFetcher()
    html = (
        f'<link rel="stylesheet" href="{base}/style.css">'
        f'<style>@import url("{base}/import.css");</style>'
        '<img src="file:///etc/passwd"><object data="file:///etc/passwd"></object>'
        f'<img src="{base}/pixel.png"><p>planted</p>'
    )
    pdf = HTML(string=html, base_url="file:///", url_fetcher=fetcher).write_pdf()
    assert requests == []
    assert PASSWD_MARKER not in pdf_text(pdf)
    assert "file:///etc/passwd" in fetcher.refused
    assert any(url.startswith(base) for url in fetcher.refused)


def test_it_keeps_planted_references_in_a_disclosure_out_of_the_packet(  # noqa: ANN001
    paper, internal_host
) -> None:
    base, requests = internal_host
    disclosure = paper.disclosure
    disclosure.justification = (
        f'<img src="file:///etc/passwd"><link rel="stylesheet" href="{base}/x.css">'
        f"<style>@import url({base}/y.css)</style> see file:///etc/passwd"
    )
    disclosure.paper_title = f'<img src="{base}/title.png">Scaling laws'
    disclosure.save()
    pdf = exporter_for("disclosure", "pdf").render(disclosure)
    text = pdf_text(pdf)
    assert requests == []
    assert PASSWD_MARKER not in text
    assert "Scaling laws" in text  # the planted markup is shown as text, not followed


def test_it_renders_through_the_fence_with_the_refusals_recorded(internal_host) -> None:  # noqa: ANN001
    base, requests = internal_host
    fetcher = StaticOnlyURLFetcher()
    pdf = render_pdf(title="t", body_html=f'<p>x</p><img src="{base}/a.png">', fetcher=fetcher)
    assert pdf.startswith(b"%PDF")
    assert requests == []


def test_it_defuses_formula_cells_in_csv() -> None:
    out = io.StringIO()
    csv_writer(out, lineterminator="\r\n").writerow(
        ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "plain", -4.5, 3]
    )
    assert out.getvalue() == (
        '"\'=HYPERLINK(""http://x"")",\'+1+1,\'-2+3,\'@SUM(A1),\'\t=1,"\'\r=1",plain,-4.5,3\r\n'
    )
