"""The incident catalog's demo data (fixtures/demo_incidents.json), loaded by `load_demo`.

It goes through the importer's write paths (the same set-based upserts, the MIT taxonomy
built by the importer, the classifications service), so a second load changes nothing.
Records that exist with another provenance (for example an imported AIID incident with the
same id) are left alone and reported.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from incidents.importers.aiid_rows import report_kind
from incidents.importers.cells import parse_incident_date
from incidents.importers.taxonomies import MIT_ENUMS, taxonomy_ensure
from incidents.importers.writes import (
    Counts,
    Provenance,
    add_entity_roles,
    add_report_links,
    reset_id_sequences,
    sync_entities,
    sync_rows,
)
from incidents.indexing import refresh_search_vectors
from incidents.models import EntityRole, Incident, Report
from incidents.normalise import normalise_url, source_domain
from incidents.services.classifications import ClassificationInput, classifications_upsert_many

DEMO_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo_incidents.json"
DEMO_PROVENANCE = Provenance(
    source="demo", license="", attribution="Demo data written by the registry team"
)
ROLE_KEYS = {
    "deployers": EntityRole.DEPLOYER,
    "developers": EntityRole.DEVELOPER,
    "harmed": EntityRole.HARMED,
    "implicated_systems": EntityRole.IMPLICATED_SYSTEM,
}


@dataclass
class DemoResult:
    counts: dict[str, Counts] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The shape `load_demo` expects of every demo loader."""
        return {
            **{kind: counts.as_dict() for kind, counts in self.counts.items()},
            "notes": self.notes,
        }


def _report_row(report: dict[str, Any], linked: bool) -> dict[str, Any]:
    url = report.get("url", "")
    tags = report.get("tags", [])
    return {
        "title": report["title"],
        "text": report.get("text", ""),
        "description": "",
        "url": url,
        "url_normalised": normalise_url(url) if url else "",
        "source_domain": report.get("source_domain") or (source_domain(url) if url else ""),
        "image_url": "",
        "authors": report.get("authors", []),
        "submitters": ["Registry team"],
        "tags": tags,
        "language": report.get("language", "en"),
        "date_published": _date(report.get("date_published")),
        "date_downloaded": None,
        "date_submitted": None,
        "date_modified": None,
        "kind": report_kind(tags=tags, linked=linked),
    }


def _date(text: str | None) -> Any:
    return parse_incident_date(text)[0] if text else None


def load(path: Path = DEMO_FILE) -> dict[str, Any]:
    """Load the demo incidents, reports, entities and MIT classifications; idempotent.

    Side effects: one transaction; id sequences continue after the highest id; search
    documents of the changed rows are refreshed.
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    result = DemoResult()
    with transaction.atomic():
        result.counts["entities"], entity_ids = sync_entities(
            names=data["entities"], provenance=DEMO_PROVENANCE
        )
        incidents: dict[int, dict[str, Any]] = {}
        for incident in data["incidents"]:
            date, precision = parse_incident_date(incident["date"])
            incidents[incident["id"]] = {
                "title": incident["title"],
                "description": incident["description"],
                "date": date,
                "date_precision": precision,
            }
        written = sync_rows(model=Incident, rows=incidents, provenance=DEMO_PROVENANCE)
        ours = written.created | written.updated | written.unchanged
        for incident_id, source in sorted(written.refused.items()):
            result.notes.append(f"incident {incident_id} exists (source: {source}); left alone")

        reports = {
            report["number"]: _report_row(report, linked=True)
            for incident in data["incidents"]
            if incident["id"] in ours
            for report in incident["reports"]
        }
        report_result = sync_rows(
            model=Report, rows=reports, provenance=DEMO_PROVENANCE, hashed_fields=("text",)
        )
        for number, source in sorted(report_result.refused.items()):
            result.notes.append(f"report {number} exists (source: {source}); left alone")
        added = add_report_links(
            (report["number"], incident["id"])
            for incident in data["incidents"]
            if incident["id"] in ours
            for report in incident["reports"]
            if report["number"] not in report_result.refused
        )
        gained = {incident for _, incident in added} | add_entity_roles(
            (incident["id"], entity_ids[slug], role)
            for incident in data["incidents"]
            if incident["id"] in ours
            for key, role in ROLE_KEYS.items()
            for slug in incident.get(key, [])
        )
        result.counts["incidents"] = Counts(
            len(written.created),
            len(written.updated | (gained & written.unchanged)),
            len(written.unchanged - gained),
        )
        result.counts["reports"] = Counts(
            len(report_result.created), len(report_result.updated), len(report_result.unchanged)
        )

        taxonomy, _, _ = taxonomy_ensure(
            namespace="MIT",
            header=list(MIT_ENUMS),
            columns=[[] for _ in MIT_ENUMS],
            provenance=DEMO_PROVENANCE,
        )
        classified = classifications_upsert_many(
            taxonomy=taxonomy,
            items=[
                ClassificationInput(
                    values=dict(zip(MIT_ENUMS, incident["mit"], strict=True)),
                    incident_id=incident["id"],
                )
                for incident in data["incidents"]
                if incident["id"] in ours
            ],
            provenance=DEMO_PROVENANCE.fields(),
        )
        result.counts["classifications"] = Counts(
            len(classified.created), len(classified.updated), len(classified.unchanged)
        )

        reset_id_sequences()
        changed_incidents = (
            written.created
            | written.updated
            | gained
            | {pk for _, pk in [*classified.created, *classified.updated]}
        )
        changed_reports = report_result.created | report_result.updated
        if changed_incidents or changed_reports:
            refresh_search_vectors(incident_ids=changed_incidents, report_numbers=changed_reports)
    return result.as_dict()
