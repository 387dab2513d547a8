import datetime

import pytest

from incidents.models import EntityRedirect, EntityRole, IncidentEntity
from incidents.normalise import normalise_url
from incidents.services.duplicates import duplicates_find, entity_find
from incidents.services.submissions import submission_create
from tests.factories.incidents import EntityFactory, IncidentFactory, ReportFactory
from tests.factories.submissions import SubmissionFactory, submission_data

pytestmark = pytest.mark.django_db

ARTICLE = "https://www.theverge.com/2023/5/12/tesla-autopilot-crash-investigation/"


def catalog_report(url=ARTICLE, **fields):
    report = ReportFactory(url=url, url_normalised=normalise_url(url), **fields)
    return report


@pytest.mark.parametrize(
    "resubmitted",
    [
        "https://www.theverge.com/2023/5/12/tesla-autopilot-crash-investigation/"
        "?utm_source=twitter&utm_medium=social",
        "http://theverge.com/2023/5/12/tesla-autopilot-crash-investigation",
        "https://theverge.com/2023/5/12/tesla-autopilot-crash-investigation/#comments",
        "https://WWW.TheVerge.com/2023/5/12/tesla-autopilot-crash-investigation?fbclid=IwAR0x",
    ],
)
def test_it_finds_the_same_article_behind_tracking_parameters_www_and_slashes(resubmitted):
    report = catalog_report()
    matches = duplicates_find(url=resubmitted)
    assert [(c.kind, c.pk) for c in matches.same_url] == [("report", report.pk)]


def test_it_does_not_match_a_different_article_on_the_same_site():
    catalog_report()
    other = "https://www.theverge.com/2023/5/13/tesla-recall"
    assert duplicates_find(url=other).same_url == []


def test_it_links_the_matching_report_and_names_its_incident():
    incident = IncidentFactory()
    report = catalog_report()
    report.incidents.add(incident)
    (candidate,) = duplicates_find(url=ARTICLE).same_url
    assert (candidate.link, candidate.detail) == (
        f"/reports/{report.pk}/",
        f"Same article URL (in incident {incident.pk})",
    )


@pytest.mark.parametrize(
    ("existing", "retitled"),
    [
        (
            "Tesla Autopilot crash kills driver in California, investigators say",
            "Tesla autopilot crash killed a driver in California",
        ),
        (
            "Amazon scraps secret AI recruiting tool that showed bias against women",
            "Amazon's AI recruiting tool was biased against women",
        ),
        (
            "Facial recognition leads to wrongful arrest in Detroit",
            "Wrongful arrest in Detroit blamed on facial recognition",
        ),
    ],
)
def test_it_finds_a_retitled_near_copy(existing, retitled):
    report = catalog_report(url="https://a.example/original", title=existing)
    matches = duplicates_find(url="https://b.example/copy", title=retitled)
    assert [(c.kind, c.pk) for c in matches.similar_title] == [("report", report.pk)]


@pytest.mark.parametrize(
    ("existing", "unrelated"),
    [
        (
            "Tesla Autopilot crash kills driver in California, investigators say",
            "Tesla recalls two million cars over Autopilot safety",
        ),
        (
            "Facial recognition leads to wrongful arrest in Detroit",
            "Facial recognition misidentifies shoplifter in New Jersey",
        ),
    ],
)
def test_it_leaves_unrelated_headlines_about_the_same_topic_alone(existing, unrelated):
    catalog_report(url="https://a.example/original", title=existing)
    assert duplicates_find(url="https://b.example/other", title=unrelated).similar_title == []


def test_it_states_how_similar_a_title_is():
    catalog_report(url="https://a.example/x", title="Delivery robot drives into crowded crosswalk")
    (candidate,) = duplicates_find(
        title="Delivery robot drove into a crowded crosswalk, injuring two"
    ).similar_title
    assert candidate.detail == "Title 63% similar"


@pytest.fixture
def uber_incident():
    uber = EntityFactory(slug="uber", name="Uber")
    pedestrians = EntityFactory(slug="pedestrians", name="Pedestrians")
    incident = IncidentFactory(title="Self-driving car kills pedestrian in Tempe")
    IncidentEntity.objects.create(incident=incident, entity=uber, role=EntityRole.DEPLOYER)
    IncidentEntity.objects.create(incident=incident, entity=pedestrians, role=EntityRole.HARMED)
    report = catalog_report(
        url="https://news.example/uber-tempe",
        title="Arizona police release video of fatal collision",
        date_published=datetime.date(2018, 3, 21),
    )
    report.incidents.add(incident)
    return report


def test_it_finds_a_report_within_two_weeks_naming_the_same_entities(uber_incident):
    matches = duplicates_find(
        title="Robot taxi in deadly accident",
        entity_names=["uber", "Pedestrians"],
        around=datetime.date(2018, 3, 30),
    )
    assert [(c.pk, c.detail) for c in matches.same_entities] == [
        (
            uber_incident.pk,
            f"Names Pedestrians, Uber; published 9 days apart (in incident "
            f"{uber_incident.incidents.get().pk})",
        )
    ]


def test_it_ignores_the_same_entities_more_than_two_weeks_apart(uber_incident):
    matches = duplicates_find(entity_names=["Uber"], around=datetime.date(2018, 4, 5))
    assert matches.same_entities == []


def test_it_needs_two_shared_entities_when_several_are_named(uber_incident):
    matches = duplicates_find(
        entity_names=["Pedestrians", "Waymo"], around=datetime.date(2018, 3, 22)
    )
    assert matches.same_entities == []


def test_it_finds_an_entity_by_alias_and_through_a_merge():
    meta = EntityFactory(slug="meta", name="Meta Platforms", aliases=["Facebook"])
    EntityRedirect.objects.create(old_slug="facebook-inc", target=meta)
    assert (entity_find(name="Facebook"), entity_find(name="Facebook Inc")) == (meta, meta)


def test_it_shows_editors_other_open_submissions_of_the_same_article():
    earlier = SubmissionFactory(url=ARTICLE)
    for_editor = duplicates_find(url=ARTICLE + "?utm_campaign=x", include_submissions=True)
    for_submitter = duplicates_find(url=ARTICLE + "?utm_campaign=x")
    assert ([(c.kind, c.pk) for c in for_editor.same_url], for_submitter.same_url) == (
        [("submission", earlier.pk)],
        [],
    )


def test_it_marks_a_new_submission_as_a_possible_duplicate():
    catalog_report()
    filed = submission_create(data=submission_data(url=ARTICLE + "?utm_source=x"), submitter=None)
    assert filed.submission.possible_duplicate is True


def test_it_does_not_mark_an_original_submission():
    filed = submission_create(data=submission_data(), submitter=None)
    assert filed.submission.possible_duplicate is False
