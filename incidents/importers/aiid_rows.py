"""The rows of incidents.csv, reports.csv and duplicates.csv as plain records.

A row that cannot be read (a bad date, a non-integer id, an id seen before, a cell that is not
the JSON array it should be) is reported with its file and line and left out.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field

from incidents.importers.cells import (
    CellError,
    clean_text,
    parse_date,
    parse_epoch_date,
    parse_incident_date,
    parse_int,
    parse_int_list,
    parse_joined_list,
    parse_object_id,
    parse_slug_list,
)
from incidents.importers.csvfile import CsvFile
from incidents.models import EntityRole, ReportKind
from incidents.normalise import normalise_url, source_domain

ROLE_COLUMNS = {
    "Alleged deployer of AI system": EntityRole.DEPLOYER,
    "Alleged developer of AI system": EntityRole.DEVELOPER,
    "Alleged harmed or nearly harmed parties": EntityRole.HARMED,
    # Not in today's incidents.csv, but part of the AIID incident; read when present.
    "implicated_systems": EntityRole.IMPLICATED_SYSTEM,
}
INCIDENT_COLUMNS = (
    "incident_id",
    "date",
    "reports",
    "Alleged deployer of AI system",
    "Alleged developer of AI system",
    "Alleged harmed or nearly harmed parties",
    "description",
    "title",
)
REPORT_COLUMNS = (
    "report_number",
    "title",
    "text",
    "url",
    "authors",
    "submitters",
    "tags",
    "date_published",
)
DUPLICATE_COLUMNS = ("duplicate_incident_number", "true_incident_number")
REPORT_DATE_COLUMNS = ("date_published", "date_downloaded", "date_submitted", "date_modified")


@dataclass
class IncidentRecord:
    id: int
    line: int
    title: str
    description: str
    date: datetime.date | None
    date_precision: str
    report_numbers: list[int]
    entities: dict[str, list[str]] = field(default_factory=dict)  # role -> slugs

    def row(self) -> dict[str, object]:
        return {
            "title": self.title,
            "description": self.description,
            "date": self.date,
            "date_precision": self.date_precision,
        }


@dataclass
class ReportRecord:
    number: int
    line: int
    values: dict[str, object]

    @property
    def tags(self) -> list[str]:
        return self.values["tags"]  # type: ignore[return-value]


def report_kind(*, tags: list[str], linked: bool) -> str:
    """A variant is tagged `variant:*`, a response `response`; a report in no incident is an
    issue; anything else is an incident report."""
    if any(tag.startswith("variant:") for tag in tags):
        return ReportKind.VARIANT
    if "response" in tags:
        return ReportKind.RESPONSE
    if not linked:
        return ReportKind.ISSUE
    return ReportKind.INCIDENT_REPORT


def read_incidents(csv_file: CsvFile) -> dict[int, IncidentRecord]:
    header = csv_file.header
    position = {name: header.index(name) for name in header}
    records: dict[int, IncidentRecord] = {}
    for row in csv_file.rows():
        cell = {name: row.cells[index] for name, index in position.items()}
        try:
            if "_id" in cell:
                parse_object_id(cell["_id"])
            incident_id = parse_int(cell["incident_id"], column="incident_id")
            date, precision = parse_incident_date(cell["date"])
            reports = parse_int_list(cell["reports"], column="reports")
            entities = {
                role: parse_slug_list(cell[column], column=column)
                for column, role in ROLE_COLUMNS.items()
                if column in cell
            }
        except CellError as exc:
            csv_file.problem(row.line, f"{exc}; row skipped")
            continue
        if incident_id <= 0:
            csv_file.problem(row.line, f"incident_id {incident_id} is not positive; row skipped")
            continue
        if incident_id in records:
            csv_file.problem(
                row.line,
                f"duplicate incident_id {incident_id} (first on line "
                f"{records[incident_id].line}); row skipped",
            )
            continue
        title = clean_text(cell["title"]).strip()
        if not title:
            csv_file.problem(row.line, f"incident {incident_id} has no title; row skipped")
            continue
        records[incident_id] = IncidentRecord(
            id=incident_id,
            line=row.line,
            title=title,
            description=clean_text(cell["description"]).strip(),
            date=date,
            date_precision=precision,
            report_numbers=list(dict.fromkeys(reports)),
            entities=entities,
        )
    return records


def read_reports(csv_file: CsvFile) -> Iterator[ReportRecord]:
    """The reports of reports.csv, in file order (a generator: the file is never held whole)."""
    header = csv_file.header
    position = {name: header.index(name) for name in header}
    seen: dict[int, int] = {}
    for row in csv_file.rows():
        cell = {name: row.cells[index] for name, index in position.items()}
        try:
            number = parse_int(cell["report_number"], column="report_number")
            dates = {}
            for column in REPORT_DATE_COLUMNS:
                dates[column] = parse_date(cell.get(column, ""), column=column)
                epoch = f"epoch_{column}"
                if dates[column] is None and cell.get(epoch, "").strip():
                    dates[column] = parse_epoch_date(cell[epoch], column=epoch)
        except CellError as exc:
            csv_file.problem(row.line, f"{exc}; row skipped")
            continue
        if number <= 0:
            csv_file.problem(row.line, f"report_number {number} is not positive; row skipped")
            continue
        if number in seen:
            csv_file.problem(
                row.line,
                f"duplicate report_number {number} (first on line {seen[number]}); row skipped",
            )
            continue
        seen[number] = row.line
        url = clean_text(cell["url"]).strip()
        yield ReportRecord(
            number=number,
            line=row.line,
            values={
                "title": clean_text(cell["title"]).strip(),
                "text": clean_text(cell["text"]),
                "description": clean_text(cell.get("description", "")).strip(),
                "url": url,
                "url_normalised": normalise_url(url) if url else "",
                "source_domain": (
                    clean_text(cell.get("source_domain", "")).strip().lower()
                    or (source_domain(url) if url else "")
                ),
                "image_url": clean_text(cell.get("image_url", "")).strip(),
                "authors": parse_joined_list(cell["authors"]),
                "submitters": parse_joined_list(cell["submitters"]),
                "tags": parse_joined_list(cell["tags"]),
                "language": clean_text(cell.get("language", "")).strip().lower() or "en",
                **dates,
            },
        )


def read_duplicates(csv_file: CsvFile) -> dict[int, tuple[int, int]]:
    """duplicate id -> (true id, line)."""
    duplicates: dict[int, tuple[int, int]] = {}
    for row in csv_file.rows():
        duplicate_cell, true_cell = (
            row.cells[csv_file.header.index(name)] for name in DUPLICATE_COLUMNS
        )
        try:
            duplicate = parse_int(duplicate_cell, column="duplicate_incident_number")
            true = parse_int(true_cell, column="true_incident_number")
        except CellError as exc:
            csv_file.problem(row.line, f"{exc}; row skipped")
            continue
        if duplicate == true:
            csv_file.problem(row.line, f"incident {duplicate} is marked a duplicate of itself")
            continue
        if duplicate in duplicates and duplicates[duplicate][0] != true:
            csv_file.problem(
                row.line,
                f"incident {duplicate} is already a duplicate of {duplicates[duplicate][0]} "
                f"(line {duplicates[duplicate][1]}); row skipped",
            )
            continue
        duplicates.setdefault(duplicate, (true, row.line))
    return duplicates
