"""The export formats: per disclosure (review packet PDF, LaTeX and plain-text emissions
statement, Hugging Face metadata) and per venue (CSV and JSON summary, ZIP of packets).

The statement and the Hugging Face metadata come from the estimator core; this module only
feeds it the disclosure's runs and writes what it returns.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

from django.template.loader import render_to_string
from django.utils import timezone

from emissions.models import Disclosure, DisclosureState
from registry.spreadsheet import csv_writer
from venues.exports.collect import SUMMARY_FIELDS, packet_data_for, summary_rows
from venues.exports.formatting import number
from venues.exports.packet import PacketData, render_packet, verdict_label
from venues.exports.pdf import render_pdf
from venues.exports.registry import Exporter, ExportOptions, file_stem, register
from venues.models import Venue
from venues.selectors import venue_papers


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
        out.write(render_packet(packet_data_for(subject), paper_size=options.paper_size))


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
        writer = csv_writer(text, lineterminator="\r\n")
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


@dataclass(frozen=True)
class CoverData:
    venue_name: str
    rows: list[dict[str, Any]]
    generated_at: datetime


def cover_pdf(cover: CoverData, *, paper_size: str) -> bytes:
    counts: dict[str, int] = {}
    rows = [dict(row) for row in cover.rows]
    for row in rows:
        state = DisclosureState(row["state"]).label
        counts[state] = counts.get(state, 0) + 1
        row["gross"] = number(row["gross_tco2e"])
        row["verdict_label"] = verdict_label(row["verdict"]) if row["verdict"] else "–"
        row["state_label"] = DisclosureState(row["state"]).label
        row["range"] = (
            f"{number(row['low_tco2e'])}–{number(row['high_tco2e'])}"
            if row["low_tco2e"] is not None
            else "–"
        )
    body = render_to_string(
        "venues/exports/cover.html",
        {
            "venue_name": cover.venue_name,
            "rows": rows,
            "counts": sorted(counts.items()),
            "generated_at": cover.generated_at,
        },
    )
    return render_pdf(
        title=f"{cover.venue_name}: review packets", body_html=body, paper_size=paper_size
    )


COVER_NAME = "00-cover-summary"
RenderJob = tuple[str, "PacketData | CoverData", str]  # (file stem, what to render, page size)


def _render_one(job: RenderJob) -> tuple[str, bytes]:
    stem, data, paper_size = job
    if isinstance(data, CoverData):
        return stem, cover_pdf(data, paper_size=paper_size)
    return stem, render_packet(data, paper_size=paper_size)


def _render_in_order(jobs: Iterator[RenderJob], workers: int) -> Iterator[tuple[str, bytes]]:
    """Render jobs, yielding results in job order.

    `jobs` is advanced in this (the calling) thread only, so the database reads that build each
    job happen here while the pool renders the previous ones; at most a small window of jobs is
    in flight, which bounds memory whatever the venue's size.
    """
    from venues.exports.parallel import packet_pool, usable_workers

    workers = usable_workers(workers)
    if workers <= 1:
        yield from map(_render_one, jobs)
        return
    window = workers * 3
    with packet_pool(workers) as pool:
        pending: deque[Any] = deque()
        for job in jobs:
            pending.append(pool.apply_async(_render_one, (job,)))
            if len(pending) >= window:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


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
        cover = CoverData(
            venue_name=subject.name,
            rows=[row.as_dict() for row in summary_rows(papers)],
            generated_at=timezone.now(),
        )

        def jobs() -> Iterator[RenderJob]:
            yield COVER_NAME, cover, options.paper_size
            for paper in papers:
                data = packet_data_for(paper)
                yield data.reference, data, options.paper_size

        names: set[str] = set()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for done, (stem, pdf) in enumerate(_render_in_order(jobs(), options.workers), 1):
                stem = file_stem(stem)  # the submission id in it is user text
                name = f"{stem}.pdf" if f"{stem}.pdf" not in names else f"{stem}-{done}.pdf"
                names.add(name)
                archive.writestr(name, pdf)
                report(done, total)
