"""The API's conventions are set once: the error format by `REST_FRAMEWORK["EXCEPTION_HANDLER"]`
(no view installs its own), ids bounded by `registry.ids.MAX_ID`, and the description in
`SPECTACULAR_SETTINGS` naming the pagination each list really uses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from drf_spectacular.generators import SchemaGenerator

from registry.ids import MAX_ID, parse_id

REPO = Path(__file__).resolve().parents[2]
PACKAGES = [p.parent for p in REPO.glob("*/__init__.py") if p.parent.name != "tests"]


def _lines_matching(pattern: re.Pattern[str]) -> list[str]:
    return [
        f"{path.relative_to(REPO)}:{n}"
        for package in PACKAGES
        for path in package.rglob("*.py")
        if "migrations" not in path.parts
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]


def test_the_error_format_is_installed_once_in_settings() -> None:
    assert (
        settings.REST_FRAMEWORK["EXCEPTION_HANDLER"]
        == "registry.api_conventions.registry_exception_handler"
    )
    assert _lines_matching(re.compile(r"def get_exception_handler\b")) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v1/incidents/", 400),  # catalog
        ("/api/v1/search/", 400),  # search
        ("/api/v1/disclosures/", 400),  # disclosures
        ("/api/v1/venues/", 401),  # venues
        ("/api/v1/submissions/", 401),  # the editors' queue
    ],
)
def test_every_part_of_the_api_answers_errors_in_the_one_format(client, url, status) -> None:  # noqa: ANN001
    response = client.get(url, {"no_such_parameter": "1"} if status == 400 else {})

    assert response.status_code == status
    assert list(response.json()) == ["errors"]
    assert set(response.json()["errors"][0]) == {"field", "message"}


def test_ids_have_one_bound() -> None:
    assert _lines_matching(re.compile(r"\b2\s*\*\*\s*(31|63)\b|MAX_\w*ID\s*=")) == [
        "registry/ids.py:11"
    ]
    huge = "9" * 5000  # int() would refuse to read it
    assert [parse_id(v) for v in ("1", str(MAX_ID), str(MAX_ID + 1), "0", "-1", "١", huge)] == [
        1,
        MAX_ID,
        None,
        None,
        None,
        None,
        None,
    ]


def _paging_of_lists() -> dict[str, set[str]]:
    """Resource name (the path's first segment) of every GET list, by its paging parameter."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    paging: dict[str, set[str]] = {"cursor": set(), "page": set()}
    for path, operations in document["paths"].items():
        names = {p["name"] for p in operations.get("get", {}).get("parameters", [])}
        for style in paging:
            if style in names:
                paging[style].add(path.removeprefix("/api/v1/").split("/")[0])
    return paging


def test_the_description_names_the_pagination_each_list_uses() -> None:
    description = settings.SPECTACULAR_SETTINGS["DESCRIPTION"]
    cursor_text = description.split("Cursor-paginated:")[1].split("Page-numbered:")[0]
    page_text = description.split("Page-numbered:")[1].split(". Venue lists")[0]
    paging = _paging_of_lists()

    # "taxonomies" is named as "taxonomie(s)", "submissions" as "submission (queue)".
    def named(resource: str, text: str) -> bool:
        return resource.rstrip("s") in text

    assert paging["cursor"] and paging["page"]
    assert {r for r in paging["cursor"] if not named(r, cursor_text)} == set()
    assert {r for r in paging["page"] if not named(r, page_text)} == set()
    assert {r for r in paging["page"] if named(r, cursor_text)} == set()
    assert {r for r in paging["cursor"] if named(r, page_text)} == set()


def test_each_result_type_has_one_name() -> None:
    """Two classes with one name meant two things; each name is defined once now."""
    for name in ("BulkOutcome", "ImportResult", "AssignmentImport", "DisclosureImport"):
        assert len(_lines_matching(re.compile(rf"^class {name}\b"))) <= 1, name
    assert len(_lines_matching(re.compile(r"^def what_if_bars\b"))) == 1
