"""Expected top results on the small corpus (tests/search/corpus.py), PostgreSQL engine."""

from __future__ import annotations

import pytest

from incidents.indexing import refresh_search_vectors
from search.engine import SearchQuery
from search.pg import PostgresEngine
from search.query import parse_query
from tests.search.corpus import EXPECTED_FIRST, TYPO_EXPECTED_FIRST

pytestmark = pytest.mark.django_db


def search(text: str, **options: object):  # noqa: ANN201
    return PostgresEngine().search(SearchQuery(parsed=parse_query(text), **options))


@pytest.mark.parametrize(("text", "expected"), EXPECTED_FIRST)
def test_it_ranks_the_expected_incident_first(corpus, text, expected) -> None:  # noqa: ANN001
    result = search(text)

    assert corpus.key_of(result.hits[0].id) == expected


@pytest.mark.parametrize(("text", "expected"), TYPO_EXPECTED_FIRST)
def test_it_suggests_a_correction_that_ranks_the_expected_incident_first(
    corpus, text, expected
) -> None:  # noqa: ANN001
    suggestion = search(text).suggestion

    assert corpus.key_of(search(suggestion).hits[0].id) == expected


def test_it_does_not_let_a_long_report_outrank_a_focused_incident(corpus) -> None:  # noqa: ANN001
    result = search("facial recognition arrest")

    keys = [corpus.key_of(hit.id) for hit in result.hits]
    assert keys.index("detroit_arrest") < keys.index("council_budget")


def test_it_excludes_words_after_a_minus(corpus) -> None:  # noqa: ANN001
    result = search('"facial recognition" -arrest')

    assert [corpus.key_of(hit.id) for hit in result.hits] == ["rite_aid_shoppers"]


def test_it_matches_a_quoted_phrase_only_as_a_phrase(corpus) -> None:  # noqa: ANN001
    result = search('"fire truck"')

    assert [corpus.key_of(hit.id) for hit in result.hits] == ["tesla_crash"]


def test_it_accepts_either_word_joined_by_or(corpus) -> None:  # noqa: ANN001
    result = search("tay or autopilot")

    assert {corpus.key_of(hit.id) for hit in result.hits} == {"tay_tweets", "tesla_crash"}


def test_it_suggests_the_correction_of_a_typo_without_running_it(corpus) -> None:  # noqa: ANN001
    result = search("chatbto suicde")

    assert (result.total, result.corrected_from, result.suggestion) == (0, None, "chatbot suicide")


def test_it_suggests_nothing_that_would_find_nothing_either(corpus) -> None:  # noqa: ANN001
    assert search("zzyzx qqqq").suggestion is None


def test_it_ignores_accents(corpus) -> None:  # noqa: ANN001
    assert [h.id for h in search("Quebec").hits] == [h.id for h in search("Québec").hits]


def test_it_highlights_the_matched_words_in_the_snippet(corpus) -> None:  # noqa: ANN001
    result = search("robocall voters")

    assert "<mark>voters</mark>" in result.hits[0].snippet


def test_it_escapes_the_text_of_a_snippet(corpus) -> None:  # noqa: ANN001
    incident = corpus.incidents["tay_tweets"]
    incident.description = 'Chatbot <script>alert("x")</script> & friends'
    incident.save()
    refresh_search_vectors(incident_ids=[incident.id])

    result = search("tay chatbot")

    snippet = str(result.hits[0].snippet)
    assert "<script" not in snippet
    assert "&amp; friends" in snippet
    assert snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_it_lists_every_matching_report_including_issues(corpus) -> None:  # noqa: ANN001
    result = search("deepfake election", type="report")

    titles = [hit.title for hit in result.hits]
    assert titles[0] == "Generative AI deepfakes threaten elections worldwide"
    assert "Fake Biden robocall tells voters to skip the election" in titles


def test_it_sorts_by_newest_incident_date(corpus) -> None:  # noqa: ANN001
    result = search("chatbot", sort="newest")

    assert [corpus.key_of(hit.id) for hit in result.hits] == [
        "fake_cases",
        "chatbot_suicide",
        "tay_tweets",
    ]


def test_it_sorts_by_oldest_incident_date(corpus) -> None:  # noqa: ANN001
    result = search("chatbot", sort="oldest")

    assert [corpus.key_of(hit.id) for hit in result.hits] == [
        "tay_tweets",
        "chatbot_suicide",
        "fake_cases",
    ]


def test_it_browses_everything_newest_first_without_words(corpus) -> None:  # noqa: ANN001
    result = search("")

    assert result.total == len(corpus.incidents)
    assert corpus.key_of(result.hits[0].id) == "robocall_election"


def test_it_pages_through_the_results(corpus) -> None:  # noqa: ANN001
    first = search("", page_size=5)
    second = search("", page_size=5, page=2)

    assert len({h.id for h in first.hits} | {h.id for h in second.hits}) == 10


def test_it_reaches_reports_through_the_best_incidents_when_too_many_match(
    corpus,
    monkeypatch,  # noqa: ANN001
) -> None:
    from search import pg

    monkeypatch.setattr(pg, "REPORT_DIRECT_LIMIT", 1)

    result = search("deepfake election", type="report")

    titles = [hit.title for hit in result.hits]
    assert titles[0] == "Generative AI deepfakes threaten elections worldwide"
    assert "Fake Biden robocall tells voters to skip the election" in titles
    assert result.estimated


def test_it_checks_phrases_in_reports_reached_through_incidents(corpus, monkeypatch) -> None:  # noqa: ANN001
    from search import pg

    monkeypatch.setattr(pg, "REPORT_DIRECT_LIMIT", 1)

    result = search('"fire truck"', type="report")

    assert [hit.title for hit in result.hits] == ["Tesla in Autopilot mode hits fire truck"]
