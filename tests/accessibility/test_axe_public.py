"""Issue 17's new and changed pages pass axe-core (no serious or critical violation), at
desktop width and on a 390 px phone."""

from __future__ import annotations

import pytest

from incidents.models import EntityRedirect, IncidentRedirect
from tests.accessibility.conftest import blocking_violations, log_in
from tests.factories.catalog import IncidentEntityFactory, TaxonomyFactory, classify
from tests.factories.incidents import EntityFactory, IncidentFactory, ReportFactory
from tests.factories.submissions import SubmissionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browsing(sample):  # noqa: ANN001, ANN201
    mit = TaxonomyFactory(namespace="MIT", name="MIT AI Risk Repository")
    classify(
        sample.incident,
        mit,
        {"Intent": "Intentional", "Risk Domain": "1. Discrimination and Toxicity"},
    )
    for number in range(25):
        ReportFactory(title=f"Follow-up {number}").incidents.add(sample.incident)
    IncidentRedirect.objects.create(old_id=342, target=sample.incident)
    EntityRedirect.objects.create(old_slug="robo", target=sample.entity)
    other = IncidentFactory()
    IncidentEntityFactory(incident=other, entity=EntityFactory(slug="tesla", name="Tesla"))
    return sample


def paths_of(sample) -> list[str]:  # noqa: ANN001
    return [
        f"/incidents/{sample.incident.id}/?merged_from=342",
        f"/incidents/{sample.incident.id}/?reports_page=2",
        "/incidents/?taxonomy=MIT:Intent:Intentional&q=robot",
        "/incidents/?entity=tes",
        "/taxonomies/MIT/",
        f"/entities/{sample.entity.slug}/?merged_from=robo",
        "/search/?q=robot",
        "/disclosures/",
    ]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_public_browsing_pages_have_no_serious_violation(page, browsing, width):
    page.set_viewport_size({"width": width, "height": 900})
    found = {}
    for path in paths_of(browsing):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        if lines := blocking_violations(page):
            found[path] = lines
    assert found == {}


def test_the_editors_queue_on_a_phone_has_no_serious_violation(page, live_server, client, world):
    for number in range(3):
        SubmissionFactory(title=f"Deepfake-cyberbullying-incident-report-{number} " * 3)
    log_in(page, live_server, client, world.editor)
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto("/submit/queue/")

    assert page.get_by_role("link", name="Deepfake-cyberbullying-incident-report-0").count() == 1
    assert blocking_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
