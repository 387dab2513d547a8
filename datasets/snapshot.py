"""`export_snapshot(out_dir)`: the whole public registry as dated, checksummed files.

Layout of a snapshot folder:

    incidents.csv / .jsonl, reports.csv / .jsonl, entities.csv / .jsonl,
    disclosures.csv / .jsonl (verified only), system_footprints.csv / .jsonl (AI systems
    linked to models, with the verified footprint where there is one),
    classifications/<Namespace>.csv / .jsonl,
    mongodump_full_snapshot/ (AIID-compatible CSVs, see datasets.aiid),
    LICENSE, CITATION.cff, manifest.json (row counts, sizes and SHA-256 of every file),
    <name>.zip (every file above in one archive, under a <name>/ folder; its size and SHA-256
    are the manifest's "archive" entry, added once the archive is written).

Invariants:
- every file is read in ONE transaction (REPEATABLE READ, READ ONLY): all files describe the
  same instant, even while editors keep writing;
- memory stays flat whatever the size: tables stream through COPY, classifications through a
  server-side cursor, and nothing is collected in lists;
- nothing partial is ever published: files are written into a hidden sibling folder that is
  renamed into place only when complete (and removed if the export fails).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from datasets import aiid, classifications, disclosures, sql, system_footprints
from datasets.files import FileRecord, HashingFile
from registry.files import atomic_directory

MANIFEST = "manifest.json"
PARTIAL_PREFIX = "."  # of registry.files' temporary names
FORMAT_VERSION = 1
ARCHIVE_SUFFIX = ".zip"
CSV = "text/csv"
JSONL = "application/jsonl"

TABLES: list[tuple[str, list[tuple[str, str]], str, frozenset[str], str]] = [
    ("incidents", sql.INCIDENT_COLUMNS, sql.INCIDENT_FROM, sql.INCIDENT_TEXT, "Incidents"),
    ("reports", sql.REPORT_COLUMNS, sql.REPORT_FROM, sql.REPORT_TEXT, "Reports"),
    ("entities", sql.ENTITY_COLUMNS, sql.ENTITY_FROM, sql.ENTITY_TEXT, "Entities"),
]


class SnapshotError(Exception):
    """The snapshot cannot be written (the target exists, or a transaction is open)."""


@dataclass(frozen=True)
class SnapshotManifest:
    path: Path
    created_at: datetime.datetime
    files: list[FileRecord]
    archive: FileRecord | None = None

    def rows(self, relative_path: str) -> int | None:
        return next(f.rows for f in self.files if f.path == relative_path)


class _SnapshotWriter:
    """Writes files under `root` from one database cursor, remembering what it wrote."""

    def __init__(self, root: Path, cursor: Any) -> None:
        self.root = root
        self.cursor = cursor
        self.records: list[FileRecord] = []

    def copy(
        self,
        relative: str,
        statement: str,
        *,
        media_type: str,
        description: str,
        params: list[Any] | None = None,
    ) -> None:
        with HashingFile(self.root / relative) as target:
            with self.cursor.copy(statement, params) as copy:
                for chunk in copy:
                    target.write(chunk)
            rows = self.cursor.rowcount
        self.add(relative, target, rows=rows, media_type=media_type, description=description)

    def add(
        self,
        relative: str,
        target: HashingFile,
        *,
        rows: int | None,
        media_type: str,
        description: str,
    ) -> None:
        self.records.append(
            FileRecord(relative, rows, target.size, target.sha256, media_type, description)
        )

    def text(self, relative: str, content: str, *, media_type: str, description: str) -> None:
        with HashingFile(self.root / relative) as target:
            target.write(content.encode("utf-8"))
        self.add(relative, target, rows=None, media_type=media_type, description=description)


def export_snapshot(out_dir: Path | str) -> SnapshotManifest:
    """Write a complete snapshot to `out_dir` (which must not exist, or be empty).

    Side effects: creates `out_dir`; nothing else. Raises SnapshotError when `out_dir` holds
    files or when called inside a transaction (the export needs its own snapshot).
    """
    target = Path(out_dir).resolve()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise SnapshotError(f"{target} already exists and is not an empty folder")
    if connection.in_atomic_block:
        raise SnapshotError(
            "export_snapshot takes its own consistent transaction snapshot: "
            "call it outside transaction.atomic()"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_directory(target) as partial:
        created_at, records = _write_files(partial)
        # The archive holds the manifest too; the manifest then names the archive.
        _write_manifest(partial, target.name, created_at, records)
        archive = _write_archive(partial, target.name)
        _write_manifest(partial, target.name, created_at, records, archive=archive)
    return SnapshotManifest(path=target, created_at=created_at, files=records, archive=archive)


def _write_files(root: Path) -> tuple[datetime.datetime, list[FileRecord]]:
    with transaction.atomic(), connection.cursor() as django_cursor:
        django_cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        django_cursor.execute("SELECT now()")
        created_at = django_cursor.fetchone()[0]
        cursor = django_cursor.cursor  # psycopg's own cursor: COPY streaming
        writer = _SnapshotWriter(root, cursor)
        for name, columns, from_clause, text, label in TABLES:
            writer.copy(
                f"{name}.csv",
                sql.csv_copy(columns, from_clause, defuse=text),
                media_type=CSV,
                description=label,
            )
            writer.copy(
                f"{name}.jsonl",
                sql.jsonl_copy(columns, from_clause),
                media_type=JSONL,
                description=label,
            )
        _write_disclosures(writer)
        _write_system_footprints(writer)
        _write_classifications(writer, root)
        _write_aiid(writer, root)
        writer.text(
            "LICENSE", license_text(), media_type="text/plain", description="Licence of the data"
        )
        writer.text(
            "CITATION.cff",
            citation_cff(name=root.name, created_at=created_at),
            media_type="application/x-yaml",
            description="How to cite this snapshot",
        )
    return created_at, writer.records


def _write_disclosures(writer: _SnapshotWriter) -> None:
    from_clause, params = disclosures.public_disclosures_from()
    label = "Verified emission disclosures with their recomputation"
    writer.copy(
        "disclosures.csv",
        f"COPY (SELECT {disclosures.disclosure_columns(defuse=True)}\n{from_clause}) "
        "TO STDOUT WITH (FORMAT csv, HEADER true)",
        params=params,
        media_type=CSV,
        description=label,
    )
    writer.copy(
        "disclosures.jsonl",
        f"COPY (SELECT row_to_json(t)::text FROM (SELECT "  # noqa: S608
        f"{disclosures.disclosure_columns(defuse=False)}\n{from_clause}) t) "
        "TO STDOUT WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')",
        params=params,
        media_type=JSONL,
        description=label,
    )


def _write_system_footprints(writer: _SnapshotWriter) -> None:
    from_clause, params = system_footprints.system_footprints_from()
    label = "AI systems linked to models, with the verified training footprint of each model"
    writer.copy(
        "system_footprints.csv",
        f"COPY (SELECT {system_footprints.system_footprint_columns(defuse=True)}\n"
        f"{from_clause}) TO STDOUT WITH (FORMAT csv, HEADER true)",
        params=params,
        media_type=CSV,
        description=label,
    )
    writer.copy(
        "system_footprints.jsonl",
        f"COPY (SELECT row_to_json(t)::text FROM (SELECT "  # noqa: S608
        f"{system_footprints.system_footprint_columns(defuse=False)}\n{from_clause}) t) "
        "TO STDOUT WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')",
        params=params,
        media_type=JSONL,
        description=label,
    )


def _write_classifications(writer: _SnapshotWriter, root: Path) -> None:
    raw = connection.connection
    for taxonomy in classifications.public_taxonomies(writer.cursor):
        stem = f"classifications/{taxonomy.file_stem}"
        with (
            HashingFile(root / f"{stem}.csv") as csv_file,
            HashingFile(root / f"{stem}.jsonl") as jsonl_file,
        ):
            rows = classifications.write_ours(raw, taxonomy, csv_file, jsonl_file)
        label = f"{taxonomy.namespace} classifications (published, public fields)"
        writer.add(f"{stem}.csv", csv_file, rows=rows, media_type=CSV, description=label)
        writer.add(f"{stem}.jsonl", jsonl_file, rows=rows, media_type=JSONL, description=label)


def _write_aiid(writer: _SnapshotWriter, root: Path) -> None:
    folder = aiid.AIID_FOLDER
    copies = aiid.aiid_copies(publish_pending=settings.DATASETS_PUBLISH_PENDING_SUBMISSIONS)
    for name, statement, description in copies:
        writer.copy(f"{folder}/{name}", statement, media_type=CSV, description=description)
    raw = connection.connection
    for taxonomy in classifications.public_taxonomies(writer.cursor):
        relative = f"{folder}/classifications_{taxonomy.file_stem}.csv"
        with HashingFile(root / relative) as target:
            rows = classifications.write_aiid(raw, taxonomy, target)
        writer.add(
            relative,
            target,
            rows=rows,
            media_type=CSV,
            description=f"AIID-format {taxonomy.namespace} classifications",
        )
    writer.text(
        f"{folder}/license.txt",
        aiid.LICENSE_TEXT,
        media_type="text/plain",
        description="AIID-format licence notice",
    )


def license_text() -> str:
    return (
        f"{settings.SITE_NAME}: dataset snapshot\n\n"
        "The data in this snapshot is licensed under the Creative Commons Attribution-"
        "ShareAlike 4.0 International licence (CC BY-SA 4.0):\n"
        "https://creativecommons.org/licenses/by-sa/4.0/\n\n"
        'Incident records marked with source "aiid" come from the AI Incident Database,\n'
        "Responsible AI Collaborative (incidentdatabase.ai), shared under CC BY-SA 4.0.\n"
        "Report contents are subject to their own intellectual property rights: this snapshot\n"
        "reproduces them for research, and their authors and publishers keep their rights.\n"
    )


def citation_cff(*, name: str, created_at: datetime.datetime) -> str:
    def quoted(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML scalar

    return "\n".join(
        [
            "cff-version: 1.2.0",
            "message: If you use this dataset, please cite it as below.",
            "type: dataset",
            f"title: {quoted(settings.SITE_NAME + ' dataset snapshot ' + name)}",
            f"version: {quoted(name)}",
            f"date-released: {created_at.date().isoformat()}",
            "license: CC-BY-SA-4.0",
            f"url: {quoted(settings.SITE_URL + '/datasets/')}",
            "authors:",
            f"  - name: {quoted(settings.SITE_NAME + ' contributors')}",
            "references:",
            "  - type: database",
            '    title: "AI Incident Database"',
            "    authors:",
            '      - name: "Responsible AI Collaborative"',
            '    url: "https://incidentdatabase.ai"',
            "",
        ]
    )


def archive_file_name(name: str) -> str:
    return f"{name}{ARCHIVE_SUFFIX}"


def _write_archive(root: Path, name: str) -> FileRecord:
    """One ZIP of every file of the snapshot (manifest.json included), streamed from disk
    file by file (flat memory), then hashed."""
    path = root / archive_file_name(name)
    files = sorted(p for p in root.rglob("*") if p.is_file() and p != path)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for file in files:
            archive.write(file, f"{name}/{file.relative_to(root).as_posix()}")
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return FileRecord(
        path.name,
        None,
        path.stat().st_size,
        digest.hexdigest(),
        "application/zip",
        "Every file of this snapshot in one ZIP archive",
    )


def _write_manifest(
    root: Path,
    name: str,
    created_at: datetime.datetime,
    records: list[FileRecord],
    *,
    archive: FileRecord | None = None,
) -> None:
    manifest = {
        "name": name,
        "title": f"{settings.SITE_NAME} dataset snapshot",
        "format_version": FORMAT_VERSION,
        "created_at": created_at.isoformat(),
        "consistency": "all files read in one REPEATABLE READ transaction at created_at",
        "license": "CC-BY-SA-4.0",
        "files": [record.as_dict() for record in sorted(records, key=lambda r: r.path)],
    }
    if archive is not None:
        manifest["archive"] = archive.as_dict()
    (root / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
