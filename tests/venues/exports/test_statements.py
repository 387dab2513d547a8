from __future__ import annotations

import pytest

from emissions.estimator import (
    emissions_statement,
    estimate_training_footprint,
    hf_metadata_yaml,
    parse_disclosure,
    to_hf_metadata,
)
from venues.exports import exporter_for
from venues.exports.exporters import ExportUnavailable


def _estimator_view(disclosure):  # noqa: ANN001, ANN202
    parsed = parse_disclosure({"runs": disclosure.runs})
    return parsed, estimate_training_footprint(parsed)


def test_it_writes_the_estimators_latex_statement(paper) -> None:  # noqa: ANN001
    parsed, footprint = _estimator_view(paper.disclosure)
    expected = emissions_statement(parsed, footprint, fmt="latex", model_name="T5")
    assert exporter_for("disclosure", "tex").render(paper.disclosure).decode() == expected
    assert "CO$_2$e" in expected


def test_it_writes_the_estimators_plain_text_statement(paper) -> None:  # noqa: ANN001
    parsed, footprint = _estimator_view(paper.disclosure)
    expected = emissions_statement(parsed, footprint, fmt="text", model_name="T5")
    assert exporter_for("disclosure", "txt").render(paper.disclosure).decode() == expected
    assert expected.startswith("Training T5 used")


def test_it_writes_hugging_face_co2_eq_emissions_in_grams(paper) -> None:  # noqa: ANN001
    parsed, footprint = _estimator_view(paper.disclosure)
    text = exporter_for("disclosure", "hf").render(paper.disclosure).decode()
    assert text == hf_metadata_yaml(to_hf_metadata(parsed, footprint))
    assert text.startswith("co2_eq_emissions:\n  emissions: ")
    assert '  hardware_used: "512 TPU v3"' in text


def test_it_refuses_a_statement_for_runs_the_estimator_cannot_read(paper) -> None:  # noqa: ANN001
    paper.disclosure.runs = [{"accelerator": "abacus"}]
    with pytest.raises(ExportUnavailable):
        exporter_for("disclosure", "txt").render(paper.disclosure)


def test_it_names_files_after_the_venue_submission(paper) -> None:  # noqa: ANN001
    assert exporter_for("disclosure", "tex").filename(paper.disclosure) == (
        "neurips-2026-1234-emissions-statement.tex"
    )
    assert exporter_for("disclosure", "pdf").filename(paper.disclosure) == "neurips-2026-1234.pdf"
