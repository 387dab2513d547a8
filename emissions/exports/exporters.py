"""The export formats: per disclosure (review packet PDF, LaTeX and plain-text emissions
statement, Hugging Face metadata) and per venue (CSV and JSON summary, ZIP of packets).

The statement and the Hugging Face metadata come from the estimator core; this module only
feeds it the disclosure's runs and writes what it returns.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, BinaryIO

from django.template.loader import render_to_string
from django.utils import timezone

from emissions.exports.collect import SUMMARY_FIELDS, packet_data_for, summary_rows
from emissions.exports.formatting import number
from emissions.exports.packet import PacketData, render_packet
from emissions.exports.pdf import render_pdf
from emissions.exports.registry import Exporter, ExportOptions, register
from emissions.exports.safety import csv_writer
from emissions.models import Disclosure, Venue
from emissions.venue_selectors import venue_papers


class ExportUnavailable(ValueError):
    """The subject lacks what this format needs (for example runs the estimator can read)."""


# --- Per disclosure -----------------------------------------------------------------------------


@register
class PacketPdfExporter(Exporter):
    identifier = "pdf"
    extension = "pdf"
    content_type = "application/pdf"
    scope = "disclosure"
    label = "Review packet (PDF)"

    def write(self, subject: Disclosure, out: BinaryIO, *, options: ExportOptions) -> None:
        out.write(render_packet(packet_data_for(subject), page_size=options.page_size))


def _estimate(disclosure: Disclosure) -> tuple[Any, Any]:
    from emissions.estimator import (
        EstimatorInputError,
        estimate_training_footprint,
        parse_disclosure,
    )

    try:
        parsed = parse_disclosure({"runs": disclosure.runs or []})
        return parsed, estimate_training_footprint(parsed)
    except EstimatorInputError as error:
        raise ExportUnavailable(
            f"the estimator cannot read this disclosure's runs: {error}"
        ) from error


class _StatementExporter(Exporter):
    scope = "disclosure"
    fmt: str

    def write(self, subject: Disclosure, out: BinaryIO, *, options: ExportOptions) -> None:
        from emissions.estimator import emissions_statement

        parsed, footprint = _estimate(subject)
        text = emissions_statement(parsed, footprint, fmt=self.fmt, model_name=subject.model_name)
        out.write(text.encode("utf-8"))


@register
class LatexStatementExporter(_StatementExporter):
    identifier = "tex"
    extension = "tex"
    content_type = "application/x-tex; charset=utf-8"
    label = "Emissions statement (LaTeX)"
    fmt = "latex"

    def basename(self, subject: Any) -> str:
        return super().basename(subject) + "-emissions-statement"


@register
class TextStatementExporter(_StatementExporter):
    identifier = "txt"
    extension = "txt"
    content_type = "text/plain; charset=utf-8"
    label = "Emissions statement (plain text)"
    fmt = "text"

    def basename(self, subject: Any) -> str:
        return super().basename(subject) + "-emissions-statement"


@register
class HuggingFaceMetadataExporter(Exporter):
    """The `co2_eq_emissions` block of a model card's YAML front matter (grams CO2e)."""

    identifier = "hf"
    extension = "yaml"
    content_type = "application/yaml; charset=utf-8"
    scope = "disclosure"
    label = "Hugging Face co2_eq_emissions metadata"

    def basename(self, subject: Any) -> str:
        return super().basename(subject) + "-co2_eq_emissions"

    def write(self, subject: Disclosure, out: BinaryIO, *, options: ExportOptions) -> None:
        from emissions.estimator import hf_metadata_yaml, to_hf_metadata

        parsed, footprint = _estimate(subject)
        out.write(hf_metadata_yaml(to_hf_metadata(parsed, footprint)).encode("utf-8"))


# --- Per venue ----------------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if value is None:
        return ""
    return value


@register
class SummaryCsvExporter(Exporter):
    identifier = "csv"
    extension = "csv"
    content_type = "text/csv; charset=utf-8"
    scope = "venue"
    label = "Summary (CSV, one row per paper)"

    def write(self, subject: Venue, out: BinaryIO, *, options: ExportOptions) -> None:
        text = io.StringIO()
        writer = csv_writer(text)
        writer.writerow(SUMMARY_FIELDS)
        for row in summary_rows(venue_papers(venue=subject)):
            values = row.as_dict()
            writer.writerow([_cell(values[name]) for name in SUMMARY_FIELDS])
        out.write(text.getvalue().encode("utf-8"))


@register
class SummaryJsonExporter(Exporter):
    identifier = "json"
    extension = "json"
    content_type = "application/json"
    scope = "venue"
    label = "Summary (JSON, one object per paper)"

    def write(self, subject: Venue, out: BinaryIO, *, options: ExportOptions) -> None:
        document = {
            "venue": {"slug": subject.slug, "name": subject.name},
            "generated_at": timezone.now().isoformat(),
            "fields": list(SUMMARY_FIELDS),
            "papers": [row.as_dict() for row in summary_rows(venue_papers(venue=subject))],
        }
        out.write(json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8"))


def cover_pdf(venue: Venue, rows: list[dict[str, Any]], *, page_size: str, at: datetime) -> bytes:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["state"]] = counts.get(row["state"], 0) + 1
    for row in rows:
        row["gross"] = number(row["gross_tco2e"])
        row["range"] = (
            f"{number(row['low_tco2e'])}–{number(row['high_tco2e'])}"
            if row["low_tco2e"] is not None
            else "–"
        )
    body = render_to_string(
        "exports/cover.html",
        {"venue": venue, "rows": rows, "counts": sorted(counts.items()), "generated_at": at},
    )
    return render_pdf(title=f"{venue.name}: review packets", body_html=body, page_size=page_size)


def _render_one(args: tuple[PacketData, str]) -> tuple[str, bytes]:
    data, page_size = args
    return data.reference, render_packet(data, page_size=page_size)


def _map_packets(items: list[tuple[PacketData, str]], workers: int) -> Iterable[tuple[str, bytes]]:
    from emissions.exports.parallel import packet_pool, usable_workers

    workers = usable_workers(workers)
    if workers <= 1 or len(items) <= 1:
        yield from map(_render_one, items)
        return
    with packet_pool(workers) as pool:
        yield from pool.imap(_render_one, items, chunksize=2)


@register
class VenueZipExporter(Exporter):
    """A ZIP of every paper's review packet plus a cover summary PDF.

    Packet data is read from the database here; rendering (the slow part) runs in `workers`
    processes, which never touch the database. Progress is reported per packet.
    """

    identifier = "zip"
    extension = "zip"
    content_type = "application/zip"
    scope = "venue"
    label = "All review packets (ZIP) with a cover summary"

    def basename(self, subject: Any) -> str:
        return f"{subject.slug}-packets"

    def write(self, subject: Venue, out: BinaryIO, *, options: ExportOptions) -> None:
        papers = list(venue_papers(venue=subject))
        total = len(papers) + 1
        report: Callable[[int, int], None] = options.progress or (lambda done, total: None)
        report(0, total)
        at = timezone.now()
        summary = [row.as_dict() for row in summary_rows(papers)]
        items = [(packet_data_for(paper), options.page_size) for paper in papers]
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(
                "00-cover-summary.pdf",
                cover_pdf(subject, summary, page_size=options.page_size, at=at),
            )
            report(1, total)
            names: set[str] = set()
            for done, (reference, pdf) in enumerate(_map_packets(items, options.workers), start=2):
                name = f"{reference}.pdf"
                if name in names:
                    name = f"{reference}-{done}.pdf"
                names.add(name)
                archive.writestr(name, pdf)
                report(done, total)
