from __future__ import annotations

import csv
import io
import json

import pytest

from tests.factories.emissions import DisclosureFactory
from venues.exports import exporter_for
from venues.exports.collect import SUMMARY_FIELDS


@pytest.fixture
def rows(paper) -> list[dict[str, str]]:  # noqa: ANN001
    data = exporter_for("venue", "csv").render(paper.venue).decode("utf-8")
    return list(csv.DictReader(io.StringIO(data)))


def test_it_writes_the_csv_header_in_the_documented_order(paper) -> None:  # noqa: ANN001
    first_line = exporter_for("venue", "csv").render(paper.venue).decode().split("\r\n")[0]
    assert first_line.split(",") == list(SUMMARY_FIELDS)


def test_it_writes_one_csv_row_per_paper_field_by_field(paper, rows) -> None:  # noqa: ANN001
    assert rows == [
        {
            "submission_id": "1234",
            "disclosure_id": str(paper.disclosure.pk),
            "version": "1",
            "paper_title": "Exploring the limits of transfer learning",
            "model_name": "T5",
            "organisation": "University A",
            "state": "in_review",
            "verdict": "major_discrepancy",
            "verification": "",
            "deviation_pct": "-10.9",
            "energy_kwh": "96123.0",
            "gross_tco2e": "52.4",
            "net_tco2e": "12.5",
            "low_tco2e": "41.9",
            "high_tco2e": "63.0",
            "claimed_energy_kwh": "85700.0",
            "claimed_tco2e": "46.7",
            "claim_basis": "location",
            "flags": "tco2e_low;pue_default",
            "warnings": "1",
            "reviewers": "1",
            "recommendations": "verify",
            "mean_completeness": "4.0",
        }
    ]


def test_it_leaves_drafts_out_of_the_summary(paper, world) -> None:  # noqa: ANN001
    DisclosureFactory(
        owner=world.researcher, venue=paper.venue, venue_submission_id="9", state="draft"
    )
    data = json.loads(exporter_for("venue", "json").render(paper.venue))
    assert [p["submission_id"] for p in data["papers"]] == ["1234"]


def test_it_writes_the_json_summary_field_by_field(paper) -> None:  # noqa: ANN001
    data = json.loads(exporter_for("venue", "json").render(paper.venue))
    assert data["venue"] == {"slug": "neurips-2026", "name": "NeurIPS 2026"}
    assert data["fields"] == list(SUMMARY_FIELDS)
    assert data["papers"] == [
        {
            "submission_id": "1234",
            "disclosure_id": paper.disclosure.pk,
            "version": 1,
            "paper_title": "Exploring the limits of transfer learning",
            "model_name": "T5",
            "organisation": "University A",
            "state": "in_review",
            "verdict": "major_discrepancy",
            "verification": "",
            "deviation_pct": -10.9,
            "energy_kwh": 96123.0,
            "gross_tco2e": 52.4,
            "net_tco2e": 12.5,
            "low_tco2e": 41.9,
            "high_tco2e": 63.0,
            "claimed_energy_kwh": 85700.0,
            "claimed_tco2e": 46.7,
            "claim_basis": "location",
            "flags": ["tco2e_low", "pue_default"],
            "warnings": 1,
            "reviewers": 1,
            "recommendations": ["verify"],
            "mean_completeness": 4.0,
        }
    ]


def test_it_defuses_a_formula_planted_in_a_paper_title(paper) -> None:  # noqa: ANN001
    paper.disclosure.paper_title = '=HYPERLINK("http://evil.example","x")'
    paper.disclosure.organisation = "@SUM(1+1)"
    paper.disclosure.save()
    data = exporter_for("venue", "csv").render(paper.venue).decode()
    row = next(csv.DictReader(io.StringIO(data)))
    assert row["paper_title"] == '\'=HYPERLINK("http://evil.example","x")'
    assert row["organisation"] == "'@SUM(1+1)"
