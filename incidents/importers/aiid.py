"""Importing an AIID weekly snapshot (folder or backup-*.tar.bz2) into the catalog.

`AiidSnapshotImporter().run(path)` reads incidents.csv, reports.csv, every
classifications_*.csv, duplicates.csv and submissions.csv, and writes the difference with
what is stored, in one transaction: a fatal error (no incidents.csv, an unreadable tarball, a
required file with the wrong header) rolls everything back; a malformed row is reported with
its file and line and skipped. Running it twice writes nothing the second time.

Every imported row records its provenance (source "aiid", CC BY-SA 4.0, the AIID's
attribution). Afterwards the id sequences continue from the highest id (new incident =
max + 1, as in the AIID) and the search documents of everything that changed are refreshed
in one pass.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from tqdm import tqdm

from incidents.importers.aiid_rows import (
    DUPLICATE_COLUMNS,
    INCIDENT_COLUMNS,
    REPORT_COLUMNS,
    IncidentRecord,
    ReportRecord,
    read_duplicates,
    read_incidents,
    read_reports,
    report_kind,
)
from incidents.importers.classifications import import_classification_file
from incidents.importers.csvfile import (
    BACKSLASH_DIALECT,
    STANDARD_DIALECT,
    CsvFile,
    CsvHeaderError,
    ImportProblem,
)
from incidents.importers.duplicates import (
    merge_stored_duplicates,
    resolve_duplicates,
    sync_redirects,
)
from incidents.importers.snapshot import ImportLimits, Snapshot, SnapshotError, open_snapshot
from incidents.importers.submissions import (
    SUBMISSION_COLUMNS,
    read_submissions,
    sync_submissions,
)
from incidents.importers.writes import (
    Counts,
    Provenance,
    add_entity_roles,
    add_report_links,
    analyze_catalog_tables,
    reset_id_sequences,
    sync_entities,
    sync_rows,
)
from incidents.indexing import refresh_search_vectors
from incidents.models import Incident, Report
from incidents.models.catalog import AIID_ATTRIBUTION, AIID_LICENSE

AIID_PROVENANCE = Provenance(source="aiid", license=AIID_LICENSE, attribution=AIID_ATTRIBUTION)
REPORT_BATCH = 1000
SUMMARY_KINDS = ("incidents", "reports", "entities", "classifications", "duplicates")


class ImportFailed(Exception):
    """A fatal import error: nothing was written."""


@dataclass
class ImportSummary:
    incidents: Counts = field(default_factory=Counts)
    reports: Counts = field(default_factory=Counts)
    entities: Counts = field(default_factory=Counts)
    classifications: Counts = field(default_factory=Counts)
    duplicates: Counts = field(default_factory=Counts)
    submissions: Counts = field(default_factory=Counts)
    errors: list[ImportProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    license_text: str = ""
    timings: dict[str, float] = field(default_factory=dict)  # step -> seconds

    @property
    def changed(self) -> bool:
        return any(getattr(self, kind).changed for kind in (*SUMMARY_KINDS, "submissions"))

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            kind: getattr(self, kind).as_dict() for kind in (*SUMMARY_KINDS, "submissions")
        }
        data["errors"] = [problem.as_dict() for problem in self.errors]
        return data


class AiidSnapshotImporter:
    """One import of one snapshot. `progress` shows a bar per file on `stream`."""

    def __init__(
        self,
        *,
        progress: bool = False,
        stream: IO[str] | None = None,
        limits: ImportLimits | None = None,
    ) -> None:
        self.progress = progress
        self.limits = limits or ImportLimits.from_settings()
        self.stream = stream or sys.stderr
        self.provenance = AIID_PROVENANCE
        self.summary = ImportSummary()
        self.changed_incidents: set[int] = set()
        self.changed_reports: set[int] = set()
        self._unchanged_incidents: set[int] = set()

    def run(self, path: Path) -> ImportSummary:
        try:
            with open_snapshot(Path(path), limits=self.limits) as snapshot, transaction.atomic():
                self._import(snapshot)
        except (SnapshotError, CsvHeaderError) as exc:
            raise ImportFailed(f"{exc}. Nothing was imported.") from None
        return self.summary

    # -- the steps, in order ------------------------------------------------------------

    def _import(self, snapshot: Snapshot) -> None:
        self.summary.license_text = snapshot.license_text()
        incidents_file = self._open(snapshot.folder / "incidents.csv", INCIDENT_COLUMNS)
        reports_path = snapshot.file("reports.csv")
        reports_file = None
        if reports_path is not None:
            reports_file = self._open(reports_path, REPORT_COLUMNS, dialect=BACKSLASH_DIALECT)
        else:
            self.summary.notes.append("reports.csv is not in the snapshot: no reports imported")

        with self._timed("incidents and entities"):
            duplicates = self._read_optional(snapshot, "duplicates.csv", DUPLICATE_COLUMNS)
            duplicate_rows = read_duplicates(duplicates) if duplicates else {}
            records = read_incidents(incidents_file)
            known_ids = set(records) | set(
                Incident.objects.filter(
                    id__in={true for true, _ in duplicate_rows.values()}
                ).values_list("id", flat=True)
            )
            targets = resolve_duplicates(
                duplicates=duplicate_rows,
                known_ids=known_ids - set(duplicate_rows),
                problem=self._problem_in("duplicates.csv"),
            )
            # A duplicate's own row is not imported: its reports and entities go to its target.
            merged = {
                duplicate: records.pop(duplicate) for duplicate in targets if duplicate in records
            }
            imported = self._sync_incidents(records)
            # Targets stored by an earlier import take their duplicates' links too.
            imported |= set(
                Incident.objects.filter(
                    id__in=set(targets.values()) - imported, source=self.provenance.source
                ).values_list("id", flat=True)
            )
            linkable = [
                record
                for record in [*records.values(), *merged.values()]
                if targets.get(record.id, record.id) in imported
            ]
            entity_ids = self._sync_entities(linkable)
        links = {
            (report, targets.get(record.id, record.id))
            for record in linkable
            for report in record.report_numbers
        }
        with self._timed("reports"):
            if reports_file is not None:
                self._sync_reports(read_reports(reports_file), links)
        with self._timed("links"):
            self._link(linkable, targets, links, entity_ids)
        with self._timed("duplicates"):
            redirectable, changed = merge_stored_duplicates(
                targets=targets,
                lines={duplicate: line for duplicate, (_, line) in duplicate_rows.items()},
                provenance=self.provenance,
                problem=self._problem_in("duplicates.csv"),
            )
            self.changed_incidents |= changed
            self.summary.duplicates = sync_redirects(targets=targets, redirectable=redirectable)
        with self._timed("classifications"):
            for path in snapshot.classification_files():
                self._import_classifications(path, targets)
        with self._timed("submissions"):
            submissions = self._read_optional(snapshot, "submissions.csv", SUBMISSION_COLUMNS)
            if submissions is not None:
                self.summary.submissions = sync_submissions(read_submissions(submissions))
        with self._timed("sequences and search documents"):
            reset_id_sequences()
            if self.changed_incidents or self.changed_reports:
                analyze_catalog_tables()
                refresh_search_vectors(
                    incident_ids=self.changed_incidents, report_numbers=self.changed_reports
                )

    @contextmanager
    def _timed(self, step: str) -> Iterator[None]:
        if self.progress:
            self.stream.write(f"{step}...\n")
        started = time.perf_counter()
        try:
            yield
        finally:
            self.summary.timings[step] = time.perf_counter() - started

    def _sync_entities(self, records: Iterable[IncidentRecord]) -> dict[str, int]:
        slugs = {
            slug: None for record in records for role in record.entities.values() for slug in role
        }
        self.summary.entities, entity_ids = sync_entities(names=slugs, provenance=self.provenance)
        return entity_ids

    def _sync_incidents(self, records: dict[int, IncidentRecord]) -> set[int]:
        """Writes the incidents; returns the ids this import may link to (not refused)."""
        result = sync_rows(
            model=Incident,
            rows={record.id: record.row() for record in records.values()},
            provenance=self.provenance,
        )
        for incident_id, source in sorted(result.refused.items()):
            self._problem_in("incidents.csv")(
                records[incident_id].line,
                f"incident {incident_id} exists and was not imported from the AIID "
                f"(source: {source}); left unchanged",
            )
        self.summary.incidents = Counts(
            len(result.created), len(result.updated), len(result.unchanged)
        )
        self.changed_incidents |= result.created | result.updated
        self._unchanged_incidents = result.unchanged
        return result.created | result.updated | result.unchanged

    def _sync_reports(self, reports: Iterable[ReportRecord], links: set[tuple[int, int]]) -> None:
        linked_in_snapshot = {report for report, _ in links}
        through = Report.incidents.through
        batch: list[ReportRecord] = []

        def flush() -> None:
            numbers = [record.number for record in batch]
            linked_before = set(
                through.objects.filter(report_id__in=numbers).values_list("report_id", flat=True)
            )
            rows = {}
            for record in batch:
                linked = record.number in linked_in_snapshot or record.number in linked_before
                kind = report_kind(tags=record.tags, linked=linked)
                rows[record.number] = {**record.values, "kind": kind}
            result = sync_rows(
                model=Report, rows=rows, provenance=self.provenance, hashed_fields=("text",)
            )
            lines = {record.number: record.line for record in batch}
            for number, source in sorted(result.refused.items()):
                self._problem_in("reports.csv")(
                    lines[number],
                    f"report {number} exists and was not imported from the AIID "
                    f"(source: {source}); left unchanged",
                )
            self.summary.reports.created += len(result.created)
            self.summary.reports.updated += len(result.updated)
            self.summary.reports.unchanged += len(result.unchanged)
            self.changed_reports |= result.created | result.updated
            batch.clear()

        for record in reports:
            batch.append(record)
            if len(batch) >= REPORT_BATCH:
                flush()
        if batch:
            flush()

    def _link(
        self,
        records: list[IncidentRecord],
        targets: dict[int, int],
        links: set[tuple[int, int]],
        entity_ids: dict[str, int],
    ) -> None:
        """Adds the report links and entity roles; an unchanged incident that gained one
        counts as updated."""
        added = add_report_links(links)
        wanted_reports = {report for report, _ in links}
        present = set(
            Report.objects.filter(number__in=wanted_reports).values_list("number", flat=True)
        )
        orphans = sum(1 for report, _ in links if report not in present)
        if orphans:
            self.summary.notes.append(
                f"{orphans} links from incidents to reports that are neither in the snapshot "
                "nor in the database were skipped"
            )
        roles = {
            (targets.get(record.id, record.id), entity_ids[slug], role)
            for record in records
            for role, slugs in record.entities.items()
            for slug in slugs
        }
        gained = {incident for _, incident in added} | add_entity_roles(roles)
        newly_updated = gained & self._unchanged_incidents
        self.summary.incidents.updated += len(newly_updated)
        self.summary.incidents.unchanged -= len(newly_updated)
        self.changed_incidents |= gained

    def _import_classifications(self, path: Path, targets: dict[int, int]) -> None:
        csv_file = self._open_lenient(path, ("Incident ID",))
        if csv_file is None:
            return
        result = import_classification_file(csv_file, redirects=targets, provenance=self.provenance)
        self.summary.classifications.created += len(result.created)
        self.summary.classifications.updated += len(result.updated)
        self.summary.classifications.unchanged += len(result.unchanged)
        self.changed_incidents |= {pk for _, pk in [*result.created, *result.updated]}
        if result.new_fields:
            self.summary.notes.append(
                f"{csv_file.name}: taxonomy {result.namespace} gained "
                f"{len(result.new_fields)} fields"
            )

    # -- files and problems -------------------------------------------------------------

    def _open(
        self,
        path: Path,
        required: tuple[str, ...],
        *,
        dialect: dict[str, Any] = STANDARD_DIALECT,
    ) -> CsvFile:
        """A required file: a missing column is fatal."""
        csv_file = CsvFile(
            path,
            dialect=dialect,
            problems=self.summary.errors,
            on_read=self._bar(path),
            max_cell_bytes=self.limits.cell_bytes,
        )
        csv_file.require_columns(required)
        return csv_file

    def _open_lenient(self, path: Path, required: tuple[str, ...]) -> CsvFile | None:
        """An optional file: a bad header is reported and the file skipped."""
        try:
            return self._open(path, required)
        except CsvHeaderError as exc:
            self.summary.errors.append(ImportProblem(path.name, 1, f"{exc}; file skipped"))
            return None

    def _read_optional(
        self, snapshot: Snapshot, name: str, required: tuple[str, ...]
    ) -> CsvFile | None:
        path = snapshot.file(name)
        if path is None:
            return None
        return self._open_lenient(path, required)

    def _problem_in(self, name: str) -> Callable[[int, str], None]:
        def problem(line: int, message: str) -> None:
            self.summary.errors.append(ImportProblem(name, line, message))

        return problem

    def _bar(self, path: Path) -> Callable[[int], None] | None:
        if not self.progress:
            return None
        bar = tqdm(
            total=path.stat().st_size,
            desc=path.name,
            unit="B",
            unit_scale=True,
            file=self.stream,
            leave=False,
        )

        def advance(chars: int) -> None:
            bar.update(chars)
            if bar.n >= bar.total:
                bar.close()

        return advance
