"""submissions.csv: the AIID's public queue, imported as new Submission rows (source "aiid").

The snapshot gives submissions no stable id, so one is recognised by its normalised URL. A
submission that editors have started to handle here (claimed, accepted, rejected) is left as
it is.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from incidents.importers.cells import (
    CellError,
    clean_text,
    parse_date,
    parse_int,
    parse_int_list,
    parse_joined_list,
)
from incidents.importers.csvfile import CsvFile
from incidents.importers.writes import BATCH_SIZE, Counts, clamp
from incidents.models import Submission, SubmissionState
from incidents.normalise import normalise_url, source_domain

SUBMISSION_COLUMNS = ("url", "title", "text")
COMPARED_FIELDS = (
    "url",
    "source_domain",
    "title",
    "text",
    "authors",
    "submitter_name",
    "date_published",
    "date_downloaded",
    "language",
    "image_url",
    "incident_ids",
    "incident_date",
)


def _incident_ids(cell: str) -> list[int]:
    text = cell.strip()
    if not text:
        return []
    if text.startswith("["):
        return parse_int_list(text, column="incident_id")
    return [parse_int(text, column="incident_id")]


def read_submissions(csv_file: CsvFile) -> dict[str, tuple[int, dict[str, Any]]]:
    """normalised URL -> (line, field values)."""
    position = {name: csv_file.header.index(name) for name in csv_file.header}
    submissions: dict[str, tuple[int, dict[str, Any]]] = {}
    for row in csv_file.rows():
        cell = {name: row.cells[index] for name, index in position.items()}
        url = clean_text(cell["url"]).strip()
        if not url:
            csv_file.problem(row.line, "submission has no url; row skipped")
            continue
        try:
            values = {
                "url": url,
                "source_domain": clean_text(cell.get("source_domain", "")).strip().lower()
                or source_domain(url),
                "title": clean_text(cell["title"]).strip(),
                "text": clean_text(cell["text"]),
                "authors": parse_joined_list(cell.get("authors", "")),
                "submitter_name": ", ".join(parse_joined_list(cell.get("submitters", ""))),
                "date_published": parse_date(
                    cell.get("date_published", ""), column="date_published"
                ),
                "date_downloaded": parse_date(
                    cell.get("date_downloaded", ""), column="date_downloaded"
                ),
                "language": clean_text(cell.get("language", "")).strip().lower() or "en",
                "image_url": clean_text(cell.get("image_url", "")).strip(),
                "incident_ids": _incident_ids(cell.get("incident_id", "")),
                "incident_date": parse_date(cell.get("incident_date", ""), column="incident_date"),
            }
        except CellError as exc:
            csv_file.problem(row.line, f"{exc}; row skipped")
            continue
        key = normalise_url(url)
        if key in submissions:
            csv_file.problem(
                row.line,
                f"submission of the same URL as line {submissions[key][0]}; row skipped",
            )
            continue
        submissions[key] = (row.line, clamp(Submission, values))
    return submissions


def sync_submissions(submissions: dict[str, tuple[int, dict[str, Any]]]) -> Counts:
    """Create the new submissions; refresh the ones still untouched in the queue."""
    counts = Counts()
    stored = {
        submission.url_normalised: submission
        for submission in Submission.objects.filter(
            source="aiid", url_normalised__in=list(submissions)
        )
    }
    to_create, to_update = [], []
    for key, (_, values) in submissions.items():
        submission = stored.get(key)
        if submission is None:
            to_create.append(
                Submission(**values, url_normalised=key, source="aiid", state=SubmissionState.NEW)
            )
            counts.created += 1
            continue
        same = all(getattr(submission, name) == values[name] for name in COMPARED_FIELDS)
        if same or submission.state != SubmissionState.NEW:
            counts.unchanged += 1
            continue
        for name in COMPARED_FIELDS:
            setattr(submission, name, values[name])
        submission.modified_at = timezone.now()
        to_update.append(submission)
        counts.updated += 1
    Submission.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    Submission.objects.bulk_update(to_update, [*COMPARED_FIELDS, "modified_at"])
    return counts
