"""Numbers the documentation states about the tests are the numbers the tests use."""

from __future__ import annotations

import re

from tests.api.test_schema import FUZZ_EXAMPLES_PER_OPERATION
from tests.incidents.pages.test_incident_detail import INCIDENT_PAGE_QUERIES
from tests.paths import REPO_ROOT


def stated(path: str, pattern: str) -> list[int]:
    text = (REPO_ROOT / path).read_text(encoding="utf-8")
    return [int(n) for n in re.findall(pattern, re.sub(r"\s+", " ", text))]


def test_it_states_the_incident_page_query_count_its_test_asserts():
    assert stated("docs/architecture.md", r"(\d+) queries for the page in all") == [
        INCIDENT_PAGE_QUERIES
    ]


def test_it_states_the_schemathesis_cases_per_operation_the_suite_runs():
    assert stated(
        "README.md", r"schemathesis over every operation of the OpenAPI schema \((\d+)"
    ) == [FUZZ_EXAMPLES_PER_OPERATION]
