"""The review packet: plain data about one disclosure, and its rendering to PDF.

`PacketData` is filled by `venues.exports.collect.packet_data_for` from the database; the
rendering only sees this plain structure, so it can be tested and benchmarked on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.template.loader import render_to_string

from emissions.charts import Bar
from emissions.models import Verdict
from venues.exports.charts import svg_data_url, what_if_svg
from venues.exports.formatting import number
from venues.exports.pdf import PaperSize, render_pdf


@dataclass(frozen=True)
class FlagRow:
    code: str
    severity: str
    message: str


@dataclass(frozen=True)
class ChecklistRow:
    item_label: str
    question: str
    reviewer: str
    answer: str
    justification: str


@dataclass(frozen=True)
class ReviewRow:
    reviewer: str
    completeness: int | None
    recommendation: str
    comments: str
    submitted_at: datetime | None


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    actor: str
    action: str
    from_state: str
    to_state: str
    reason: str


@dataclass(frozen=True)
class PacketData:
    disclosure_id: int
    state: str
    paper_title: str
    model_name: str
    organisation: str
    venue_name: str = ""
    venue_slug: str = ""
    submission_id: str = ""
    paper_authors: str = ""
    paper_identifier: str = ""
    model_version: str = ""
    parameters: str = ""
    architecture: str = ""
    researcher: str = ""
    runs: list[dict[str, Any]] = field(default_factory=list)
    claim: dict[str, Any] = field(default_factory=dict)
    claim_method: str = ""
    includes_preliminary: bool | None = None
    justification: str = ""
    footprint: dict[str, Any] = field(default_factory=dict)
    verdict: str = ""
    # The public badge's words ("Verified: consistent", "Accepted despite ..."); "" unverified.
    verification: str = ""
    flags: list[FlagRow] = field(default_factory=list)
    what_if: list[Bar] = field(default_factory=list)
    checklist: list[ChecklistRow] = field(default_factory=list)
    reviews: list[ReviewRow] = field(default_factory=list)
    audit: list[AuditRow] = field(default_factory=list)
    generated_at: datetime | None = None

    @property
    def reference(self) -> str:
        if self.venue_slug and self.submission_id:
            return f"{self.venue_slug}-{self.submission_id}"
        return f"disclosure-{self.disclosure_id}"


WHAT_IF_TITLE = "tCO2e of the same training on other grids and hardware"

RUN_COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "Run"),
    ("accelerator", "Hardware"),
    ("count", "Devices"),
    ("hours", "Hours"),
    ("device_hours", "Device-h"),
    ("power_w", "Power W"),
    ("pue", "PUE"),
    ("location", "Location"),
    ("intensity_g_per_kwh", "g/kWh"),
    ("energy_kwh", "kWh"),
)


def _location_label(value: Any) -> str:
    if isinstance(value, dict):
        if value.get("cloud_provider"):
            return f"{value['cloud_provider']} {value.get('cloud_region', '')}".strip()
        return " ".join(str(v) for k, v in value.items() if v and k in ("country", "grid_region"))
    return str(value or "")


def _cell(key: str, value: Any) -> str:
    if value is None or value == "":
        return "–"
    if key == "location":
        return _location_label(value) or "–"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def run_table(runs: list[dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    """Columns that at least one run fills, and each run's cells, formatted for print."""
    columns = [
        (k, label) for k, label in RUN_COLUMNS if any(r.get(k) not in (None, "") for r in runs)
    ]
    rows = [[_cell(k, run.get(k)) for k, _ in columns] for run in runs]
    return [label for _, label in columns], rows


@dataclass(frozen=True)
class FigureRow:
    label: str
    claimed: str
    recomputed: str
    ratio: str


def figure_rows(claim: dict[str, Any], footprint: dict[str, Any]) -> list[FigureRow]:
    """Claimed against recomputed: energy, and tCO2e on the basis the claim states."""
    basis = claim.get("basis") or "location"
    recomputed_t = footprint.get("net_tco2e" if basis == "market" else "gross_tco2e")
    rows = []
    for label, claimed, recomputed in (
        ("Energy", claim.get("energy_kwh"), footprint.get("energy_kwh")),
        (f"Emissions ({basis}-based)", claim.get("tco2e"), recomputed_t),
    ):
        unit = "kWh" if label == "Energy" else "tCO2e"
        ratio = "–"
        if claimed not in (None, "") and recomputed not in (None, "", 0):
            ratio = f"{float(claimed) / float(recomputed):.2f}×"
        rows.append(FigureRow(label, number(claimed, unit), number(recomputed, unit), ratio))
    return rows


@dataclass(frozen=True)
class ChecklistItemAnswers:
    label: str
    question: str
    answers: list[ChecklistRow]


def checklist_by_item(rows: list[ChecklistRow]) -> list[ChecklistItemAnswers]:
    """Each checklist question once, followed by every reviewer's answer to it."""
    grouped: dict[tuple[str, str], list[ChecklistRow]] = {}
    for row in rows:
        grouped.setdefault((row.item_label, row.question), []).append(row)
    return [
        ChecklistItemAnswers(label, question, answers)
        for (label, question), answers in grouped.items()
    ]


def verdict_label(verdict: str) -> str:
    """The human label of a verdict ("Minor discrepancy"), as the pages show it."""
    if not verdict:
        return "Not recomputed"
    return Verdict(verdict).label if verdict in Verdict.values else verdict.replace("_", " ")


def packet_html(data: PacketData) -> str:
    headers, rows = run_table(data.runs)
    fp = data.footprint
    chart = svg_data_url(what_if_svg(data.what_if, title=WHAT_IF_TITLE)) if data.what_if else ""
    return render_to_string(
        "venues/exports/packet.html",
        {
            "p": data,
            "run_headers": headers,
            "run_rows": rows,
            "chart_src": chart,
            "verdict_label": verdict_label(data.verdict),
            "figures": figure_rows(data.claim, fp),
            "checklist_items": checklist_by_item(data.checklist),
            "gross": number(fp.get("gross_tco2e"), "tCO2e"),
            "net": number(fp.get("net_tco2e"), "tCO2e"),
            "low": number(fp.get("low_tco2e"), "tCO2e"),
            "high": number(fp.get("high_tco2e"), "tCO2e"),
            "energy": number(fp.get("energy_kwh"), "kWh"),
            "catalog_version": fp.get("catalog_version", ""),
        },
    )


def render_packet(data: PacketData, *, paper_size: PaperSize = "A4") -> bytes:
    return render_pdf(
        title=f"Review packet {data.reference}", body_html=packet_html(data), paper_size=paper_size
    )
