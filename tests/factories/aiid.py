"""Writing AIID snapshots for tests, in the format of the weekly backup (see
../shared/reference/aiid-format.md): incidents.csv with ObjectId ids and JSON-array cells,
reports.csv fully quoted with backslash escapes and ", "-joined lists, classifications_<NS>.csv
with repeatable header names, duplicates.csv, submissions.csv, license.txt.

    snapshot = AiidSnapshot()
    snapshot.incident(1, reports=[1, 2], deployers=["acme-corp"])
    snapshot.report(1)
    folder = snapshot.write(tmp_path)            # or snapshot.tarball(tmp_path)
"""

from __future__ import annotations

import csv
import io
import json
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LICENSE_TEXT = (
    "Report contents are subject to their own intellectual property rights. Unless otherwise "
    "noted, the database is shared under (CC BY-SA 4.0). "
    "See: https://creativecommons.org/licenses/by-sa/4.0/"
)
INCIDENT_HEADER = [
    "_id",
    "incident_id",
    "date",
    "reports",
    "Alleged deployer of AI system",
    "Alleged developer of AI system",
    "Alleged harmed or nearly harmed parties",
    "description",
    "title",
]
REPORT_HEADER = [
    "_id",
    "authors",
    "date_downloaded",
    "date_modified",
    "date_published",
    "date_submitted",
    "description",
    "epoch_date_downloaded",
    "epoch_date_modified",
    "epoch_date_published",
    "epoch_date_submitted",
    "image_url",
    "language",
    "ref_number",
    "report_number",
    "source_domain",
    "submitters",
    "text",
    "title",
    "url",
    "tags",
]
SUBMISSION_HEADER = [
    "authors",
    "date_downloaded",
    "date_modified",
    "date_published",
    "date_submitted",
    "image_url",
    "incident_date",
    "incident_id",
    "language",
    "mongodb_id",
    "source_domain",
    "submitters",
    "text",
    "title",
    "url",
]
MIT_HEADER = ["Risk Domain", "Risk Subdomain", "Entity", "Timing", "Intent"]
MIT_ROBUSTNESS = [
    "7. AI system safety, failures, and limitations",
    "7.3. Lack of capability or robustness",
    "AI",
    "Post-deployment",
    "Unintentional",
]


def object_id(number: int) -> str:
    return f"ObjectId({number:024x})"


def json_list(values: list[Any]) -> str:
    return json.dumps(values, separators=(",", ":"), ensure_ascii=False)


def epoch(date: str) -> str:
    import datetime

    day = datetime.date.fromisoformat(date[:10])
    return str(
        int(datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC).timestamp())
    )


@dataclass
class AiidSnapshot:
    """An AIID snapshot under construction; `write` and `tarball` put it on disk."""

    incidents: list[list[str]] = field(default_factory=list)
    reports: list[list[str]] = field(default_factory=list)
    classifications: dict[str, tuple[list[str], list[list[str]]]] = field(default_factory=dict)
    duplicates: list[tuple[int, int]] = field(default_factory=list)
    submissions: list[list[str]] = field(default_factory=list)
    entity_names: dict[str, str] = field(default_factory=dict)  # entities.csv, when given
    license: str | None = LICENSE_TEXT
    with_reports_file: bool = True

    def incident(
        self,
        incident_id: int | str,
        *,
        title: str | None = None,
        date: str = "2020-01-15",
        reports: list[int] | None = None,
        deployers: list[str] | None = None,
        developers: list[str] | None = None,
        harmed: list[str] | None = None,
        description: str = "An automated system harmed the people it was meant to serve.",
    ) -> AiidSnapshot:
        number = int(incident_id) if str(incident_id).isdigit() else 0
        self.incidents.append(
            [
                object_id(10_000 + number),
                str(incident_id),
                date,
                json_list(reports or []),
                json_list(deployers or []),
                json_list(developers or []),
                json_list(harmed or []),
                description,
                title if title is not None else f"Automated system fails in incident {incident_id}",
            ]
        )
        return self

    def report(
        self,
        report_number: int | str,
        *,
        title: str | None = None,
        text: str = "A reporter explains what happened.\n\nA second paragraph follows.",
        url: str | None = None,
        authors: list[str] | None = None,
        submitters: list[str] | None = None,
        tags: list[str] | None = None,
        date_published: str = "2020-01-20T00:00:00.000Z",
        date_submitted: str = "2020-02-01",
        language: str = "en",
        source_domain: str | None = None,
        description: str = "",
    ) -> AiidSnapshot:
        url = url if url is not None else f"https://www.news.example.com/story-{report_number}"
        domain = source_domain if source_domain is not None else "news.example.com"
        self.reports.append(
            [
                object_id(20_000 + (int(report_number) if str(report_number).isdigit() else 0)),
                ", ".join(authors if authors is not None else ["Jane Doe"]),
                "2020-02-01",
                "2020-02-02",
                date_published,
                date_submitted,
                description,
                "",  # epoch_date_downloaded: always empty in the snapshot
                "",  # epoch_date_modified: always empty in the snapshot
                epoch(date_published) if date_published[:4].isdigit() else "",
                epoch(date_submitted) if date_submitted[:4].isdigit() else "",
                "https://img.news.example.com/picture.jpg",
                language,
                "",  # ref_number: always empty
                str(report_number),
                domain,
                ", ".join(submitters if submitters is not None else ["Sam Submitter (CSET)"]),
                text,
                title if title is not None else f"Report {report_number} on an automated system",
                url,
                ", ".join(tags or []),
            ]
        )
        return self

    def classification(
        self,
        namespace: str,
        incident_id: int | str,
        values: list[str],
        *,
        header: list[str] | None = None,
        published: str = "True",
    ) -> AiidSnapshot:
        """One row of classifications_<namespace>.csv; `header` (field names, which may repeat)
        is taken from the first call, MIT's by default."""
        names, rows = self.classifications.setdefault(
            namespace, (header or (MIT_HEADER if namespace == "MIT" else []), [])
        )
        rows.append([namespace, str(incident_id), published, *values])
        return self

    def duplicate(self, duplicate_id: int, true_id: int) -> AiidSnapshot:
        self.duplicates.append((duplicate_id, true_id))
        return self

    def submission(
        self,
        *,
        url: str,
        title: str = "A submitted story about an automated system",
        text: str = "The text of the submitted story, long enough to be useful to an editor.",
        authors: list[str] | None = None,
        submitters: list[str] | None = None,
        incident_id: str = "",
        date_published: str = "2026-01-06",
    ) -> AiidSnapshot:
        self.submissions.append(
            [
                json_list(authors or ["Allie Author"]),
                "2026-01-08",
                "2026-01-08",
                date_published,
                "2026-01-08",
                "https://img.example.org/a.jpg",
                "",
                incident_id,
                "en",
                "",
                "",
                json_list(submitters or ["Sam Submitter"]),
                text,
                title,
                url,
            ]
        )
        return self

    def raw(self, file_name: str, text: str) -> AiidSnapshot:
        """A malformed row: `text` written verbatim at this point of the file."""
        if file_name.startswith("classifications_"):
            namespace = file_name.removeprefix("classifications_").removesuffix(".csv")
            self.classifications[namespace][1].append(text)  # type: ignore[arg-type]
        else:
            rows = {
                "incidents.csv": self.incidents,
                "reports.csv": self.reports,
                "submissions.csv": self.submissions,
            }[file_name]
            rows.append(text)  # type: ignore[arg-type]
        return self

    # -- on disk --------------------------------------------------------------------------

    def files(self) -> dict[str, str]:
        files = {"incidents.csv": _standard_csv(INCIDENT_HEADER, self.incidents)}
        if self.with_reports_file:
            files["reports.csv"] = _backslash_csv(REPORT_HEADER, self.reports)
        for namespace, (header, rows) in self.classifications.items():
            files[f"classifications_{namespace}.csv"] = _standard_csv(
                ["Namespace", "Incident ID", "Published", *header], rows
            )
        if self.duplicates:
            files["duplicates.csv"] = _standard_csv(
                ["duplicate_incident_number", "true_incident_number"],
                [[str(a), str(b)] for a, b in self.duplicates],
            )
        if self.submissions:
            files["submissions.csv"] = _standard_csv(SUBMISSION_HEADER, self.submissions)
        if self.entity_names:
            files["entities.csv"] = _standard_csv(
                ["entity_id", "name"], [[slug, name] for slug, name in self.entity_names.items()]
            )
        if self.license is not None:
            files["license.txt"] = self.license + "\n"
        return files

    def write(self, folder: Path, *, nested: bool = True) -> Path:
        """Write the snapshot; with `nested`, inside mongodump_full_snapshot/ as in the
        backup. Returns the folder to import."""
        target = folder / "mongodump_full_snapshot" if nested else folder
        target.mkdir(parents=True, exist_ok=True)
        for name, text in self.files().items():
            (target / name).write_text(text, encoding="utf-8", newline="")
        return folder

    def tarball(self, folder: Path, *, extra: dict[str, bytes] | None = None) -> Path:
        """A backup-YYYYMMDDhhmmss.tar.bz2 holding the snapshot (plus `extra` members, by
        name, to test that they are ignored)."""
        path = folder / "backup-20260105093000.tar.bz2"
        members = {
            f"mongodump_full_snapshot/{name}": text.encode("utf-8")
            for name, text in self.files().items()
        }
        members["mongodump_full_snapshot/aiidprod/incidents.bson"] = b"\x00binary dump\x00"
        members.update(extra or {})
        with tarfile.open(path, "w:bz2") as tar:
            for name, data in members.items():
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        return path


def _write_rows(buffer: io.StringIO, writer: Any, header: list[str], rows: list[Any]) -> str:
    writer.writerow(header)
    for row in rows:
        if isinstance(row, str):  # a raw, malformed row
            buffer.write(row)
        else:
            writer.writerow(row)
    return buffer.getvalue()


def _standard_csv(header: list[str], rows: list[Any]) -> str:
    buffer = io.StringIO()
    return _write_rows(buffer, csv.writer(buffer, lineterminator="\n"), header, rows)


def _backslash_csv(header: list[str], rows: list[Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, quoting=csv.QUOTE_ALL, escapechar="\\", doublequote=False, lineterminator="\n"
    )
    return _write_rows(buffer, writer, header, rows)
