import pytest

from tests.factories.incidents import IncidentFactory, ReportFactory

pytestmark = pytest.mark.django_db

HOSTILE_TEXTS = [
    "<script>alert('xss')</script>",
    '<img src="x" onerror="alert(1)">',
    "[click me](javascript:alert(1))",
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="&#106;avascript:alert(1)">click</a>',
    '<iframe src="https://evil.example/"></iframe>',
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    "<style>body { display: none }</style>",
    '<p style="position:fixed" onclick="alert(1)">text</p>',
    '<object data="https://evil.example/x.swf"></object>',
    '<form action="https://evil.example/"><input name="password"></form>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<base href="https://evil.example/">',
]
FORBIDDEN = [
    "<script",
    "onerror",
    "onload",
    "onclick",
    "javascript:",
    "<iframe",
    "<svg",
    "<style",
    "style=",
    "<object",
    "<form",
    "<math",
    "<meta http-equiv",
    "evil.example",
]


def main_html(client, text: str) -> str:
    report = ReportFactory(text=text)
    html = client.get(f"/reports/{report.number}/").content.decode()
    return html.split('<main id="main">', 1)[1].split("</main>", 1)[0]


def report_text_html(client, text: str) -> str:
    return main_html(client, text).split('<div class="prose report-text">', 1)[1].split("</div>")[0]


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_it_renders_hostile_report_text_inert(client, text):
    rendered = main_html(client, text).lower()

    assert [f for f in FORBIDDEN if f in rendered] == []


def test_it_renders_markdown(client):
    rendered = report_text_html(client, "The **arrest** was [reported](https://news.example/a).")

    assert rendered == (
        '<p>The <strong>arrest</strong> was <a href="https://news.example/a" '
        'rel="nofollow noopener">reported</a>.</p>'
    )


def test_it_shows_the_report_and_its_incidents(client):
    incident = IncidentFactory(title="Wrongful arrest")
    report = ReportFactory(title="Face match error", authors=["Kashmir Hill"])
    report.incidents.add(incident)

    html = client.get(f"/reports/{report.number}/").content.decode()

    assert '<h1 id="report-title">Face match error</h1>' in html
    assert "<dd>Kashmir Hill</dd>" in html
    assert f'<a href="/incidents/{incident.id}/">#{incident.id} Wrongful arrest</a>' in html


def test_it_shows_a_notice_on_a_flagged_report(client):
    report = ReportFactory(flagged=True)

    html = client.get(f"/reports/{report.number}/").content.decode()

    assert "This report has been flagged for review by the editors" in html


def test_it_answers_404_for_an_unknown_report(client):
    assert client.get("/reports/987654/").status_code == 404
