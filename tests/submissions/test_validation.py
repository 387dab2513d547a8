import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from incidents.services.submission_input import submission_validate
from incidents.services.submissions import submission_create
from tests.factories.incidents import IncidentFactory
from tests.factories.submissions import ARTICLE_TEXT, submission_data

pytestmark = pytest.mark.django_db


def errors_of(**overrides):
    return submission_validate(submission_data(**overrides).cleaned())


def test_it_accepts_a_complete_submission():
    assert errors_of() == {}


@pytest.mark.parametrize(
    ("title", "valid"), [("Short", False), ("Sixsix", True), ("x" * 500, True), ("x" * 501, False)]
)
def test_it_bounds_the_title_to_6_to_500_characters(title, valid):
    assert ("title" not in errors_of(title=title)) is valid


@pytest.mark.parametrize(
    ("length", "valid"), [(79, False), (80, True), (50_000, True), (50_001, False)]
)
def test_it_bounds_the_text_to_80_to_50000_characters(length, valid):
    assert ("text" not in errors_of(text="a" * length)) is valid


def test_it_names_the_limit_when_a_text_is_huge():
    assert errors_of(text="a" * 2_000_000)["text"] == [
        "Text is at most 50,000 characters (this one has 2,000,000)."
    ]


@pytest.mark.parametrize(("author", "valid"), [("Al", False), ("Ali", True), ("a" * 201, False)])
def test_it_bounds_each_author_to_3_to_200_characters(author, valid):
    assert ("authors" not in errors_of(authors=["Jane Reporter", author])) is valid


@pytest.mark.parametrize("field", ["date_published", "date_downloaded", "incident_date"])
def test_it_refuses_dates_in_the_future(field):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    overrides = {field: tomorrow}
    assert errors_of(**overrides)[field] == [f"The date {tomorrow.isoformat()} is in the future."]


def test_it_accepts_today():
    assert errors_of(date_published=timezone.localdate()) == {}


def test_it_requires_a_url():
    assert errors_of(url="")["url"] == ["A URL is required."]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/a", "not a url"])
def test_it_refuses_urls_that_are_not_http(url):
    assert errors_of(url=url)["url"] == ["Enter a full http:// or https:// address."]


def test_it_needs_only_a_url_for_a_quick_add():
    data = submission_data(title="", text="", authors=[]).cleaned()
    assert submission_validate(data, quick_add=True) == {}


def test_it_refuses_unknown_incident_ids():
    assert errors_of(incident_ids=[424242])["incident_ids"] == ["No incident with id 424242."]


def test_it_refuses_existing_incidents_together_with_a_proposed_one():
    incident = IncidentFactory()
    errors = errors_of(incident_ids=[incident.pk], incident_title="A brand new incident")
    assert errors["incident_ids"] == [
        "Give either existing incident ids or a proposed new incident, not both."
    ]


@pytest.mark.parametrize("bad", ["nul\x00byte", "lone \ud800 surrogate"])
def test_it_refuses_text_that_the_database_cannot_store(bad):
    assert errors_of(title=bad)["title"] == [
        "Contains characters that cannot be stored (NUL or broken Unicode)."
    ]


def test_it_refuses_a_bad_language_code():
    assert errors_of(language="english!")["language"] == [
        "Use an ISO language code such as 'en' or 'pt-BR'."
    ]


def test_it_raises_errors_by_field_on_create():
    with pytest.raises(ValidationError) as raised:
        submission_create(data=submission_data(title="abc", text="short"), submitter=None)
    assert sorted(raised.value.message_dict) == ["text", "title"]


def test_it_strips_whitespace_and_empty_authors():
    data = submission_data(title="  " + "Robot in crosswalk" + "  ", authors=[" A. Writer ", " "])
    cleaned = data.cleaned()
    assert (cleaned.title, cleaned.authors) == ("Robot in crosswalk", ["A. Writer"])


def test_it_keeps_the_article_text_as_typed():
    filed = submission_create(data=submission_data(), submitter=None)
    assert filed.submission.text == ARTICLE_TEXT
