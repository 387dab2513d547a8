"""Turning an accepted submission into catalog records: the report, and for a proposed
incident the incident and its entities. Called only from `submission_accept`, inside the
locked transition, so a refused acceptance creates nothing."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import slugify

from incidents.models import Entity, EntityRole, Incident, IncidentEntity, Report, ReportKind
from incidents.models.submissions import Submission
from incidents.normalise import normalise_url, source_domain
from incidents.services.duplicates import entity_find
from incidents.services.submission_input import TITLE_MAX, incident_ids_resolve
from registry.ids import MAX_ID
from registry.models import User


def submission_publish(
    submission: Submission, *, actor: User, action: str, incident_ids: list[int] | None
) -> tuple[Report, list[Incident]]:
    """Create the report (and incident) an acceptance `action` calls for; ValidationError if
    the incidents to add it to are missing or unknown."""
    if action == "accept_existing":
        wanted = submission.incident_ids if incident_ids is None else incident_ids
        if not wanted:
            raise ValidationError({"incident_ids": ["Name at least one incident to add it to."]})
        if any(not 1 <= i <= MAX_ID for i in wanted):
            raise ValidationError({"incident_ids": ["Incident ids are positive whole numbers."]})
        resolved = incident_ids_resolve(wanted)
        missing = sorted(set(wanted) - set(resolved))
        if missing:
            raise ValidationError(
                {"incident_ids": ["No incident with id " + ", ".join(map(str, missing)) + "."]}
            )
        incidents = list(Incident.objects.filter(pk__in=set(resolved.values())).order_by("pk"))
        kind = ReportKind.INCIDENT_REPORT
    elif action == "accept_new_incident":
        incidents = [_incident_from_proposal(submission, actor=actor)]
        kind = ReportKind.INCIDENT_REPORT
    else:
        incidents = []
        kind = ReportKind.ISSUE
    report = Report.objects.create(
        title=submission.title,
        text=submission.text,
        url=submission.url,
        url_normalised=normalise_url(submission.url),
        source_domain=source_domain(submission.url),
        image_url=submission.image_url,
        authors=submission.authors,
        submitters=[submission.submitter_name or "Anonymous"],
        language=submission.language or "en",
        date_published=submission.date_published,
        date_downloaded=submission.date_downloaded,
        date_submitted=submission.created_at.date(),
        date_modified=timezone.localdate(),
        kind=kind,
    )
    report.incidents.set(incidents)
    return report, incidents


def _incident_from_proposal(submission: Submission, *, actor: User) -> Incident:
    incident = Incident.objects.create(
        title=(submission.incident_title or submission.title or submission.url)[:TITLE_MAX],
        description=submission.description,
        date=submission.incident_date or submission.date_published,
        editors=[actor.get_full_name() or actor.get_username()],
    )
    for role, names in (
        (EntityRole.DEPLOYER, submission.deployers),
        (EntityRole.DEVELOPER, submission.developers),
        (EntityRole.HARMED, submission.harmed_parties),
    ):
        for name in names:
            entity = _entity_for_name(name)
            IncidentEntity.objects.get_or_create(incident=incident, entity=entity, role=role)
    return incident


def _entity_for_name(name: str) -> Entity:
    found = entity_find(name=name)
    if found is not None:
        return found
    slug = slugify(name, allow_unicode=True)[:200] or f"entity-{uuid.uuid4().hex[:12]}"
    entity, _ = Entity.objects.get_or_create(slug=slug, defaults={"name": name[:300]})
    return entity
