"""Possible duplicates of a report being submitted: the same article, a similar title, or
another report within two weeks about the same entities.

Read-only selectors. The submitter sees matches in the catalog; editors also see other
submissions still in the queue (submitters never see each other's submissions).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import Count, Func, Prefetch, Q, QuerySet, TextField, Value
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify

from incidents.models import Entity, EntityRedirect, Incident, Report
from incidents.models.submissions import Submission, SubmissionState
from incidents.normalise import normalise_url
from registry.text_similarity import similar_incidents_for_text

# pg_trgm similarity of two titles at or above which they are shown as possibly the same
# story. Re-titled copies of one article score 0.5-0.8; unrelated headlines about the same
# company rarely pass 0.35.
TITLE_SIMILARITY_THRESHOLD = 0.45
SAME_ENTITIES_WINDOW = datetime.timedelta(days=14)
MATCHES_PER_KIND = 5


@dataclass(frozen=True)
class DuplicateCandidate:
    """One record that may describe the same thing, with a link and why it was matched."""

    kind: str  # "report" | "incident" | "submission"
    pk: int
    title: str
    link: str
    detail: str


@dataclass
class DuplicateMatches:
    same_url: list[DuplicateCandidate] = field(default_factory=list)
    similar_title: list[DuplicateCandidate] = field(default_factory=list)
    same_entities: list[DuplicateCandidate] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.same_url or self.similar_title or self.same_entities)

    def all(self) -> list[DuplicateCandidate]:
        return [*self.same_url, *self.similar_title, *self.same_entities]


def entity_find(*, name: str) -> Entity | None:
    """The catalog entity a free-text name refers to: by slug (following merges), by name,
    then by alias; None when the name is new."""
    name = name.strip()
    if not name:
        return None
    slug = slugify(name, allow_unicode=True)[:200]
    if slug:
        redirect = EntityRedirect.objects.filter(old_slug=slug).select_related("target").first()
        if redirect is not None:
            return redirect.target
        found = Entity.objects.filter(slug=slug).first()
        if found is not None:
            return found
    by_name = (
        Entity.objects.annotate(lower_name=Lower("name"))
        .filter(lower_name=name.lower())
        .order_by("pk")
        .first()
    )
    if by_name is not None:
        return by_name
    return Entity.objects.filter(aliases__contains=[name]).order_by("pk").first()


def duplicates_find(
    *,
    url: str = "",
    title: str = "",
    incident_title: str = "",
    entity_names: Iterable[str] = (),
    around: datetime.date | None = None,
    include_submissions: bool = False,
    exclude_submission_id: int | None = None,
    description: str = "",
    exclude_incident_ids: Iterable[int] = (),
    exclude_report_numbers: Iterable[int] = (),
) -> DuplicateMatches:
    """Records that may duplicate a report with this URL, title and entities.

    `around` anchors the two-week window for entity matches (the publication date, else the
    incident date, else today). `include_submissions` adds open queue entries (editors only).
    Incidents are also found by the search engine's text similarity of the proposed incident
    (its title and description; registry.text_similarity), which catches paraphrased titles
    that share few trigrams. The excluded incidents and reports (what an accepted submission
    created) are never its duplicates.
    """
    matches = DuplicateMatches()
    if url.strip():
        matches.same_url = _same_url(
            url, include_submissions=include_submissions, exclude=exclude_submission_id
        )
    seen = {(c.kind, c.pk) for c in matches.same_url}
    if title.strip():
        matches.similar_title = [
            c
            for c in _similar_titles(
                title,
                incident_title=incident_title,
                include_submissions=include_submissions,
                exclude=exclude_submission_id,
            )
            if (c.kind, c.pk) not in seen
        ]
    elif incident_title.strip():
        matches.similar_title = _similar_incident_titles(incident_title)
    if title.strip() or incident_title.strip():
        matches.similar_title += [
            c
            for c in _similar_incident_texts(incident_title or title, description)
            if (c.kind, c.pk) not in seen | {(m.kind, m.pk) for m in matches.similar_title}
        ]
    seen |= {(c.kind, c.pk) for c in matches.similar_title}
    names = [n for n in entity_names if n.strip()]
    if names:
        anchor = around or timezone.localdate()
        matches.same_entities = [
            c for c in _same_entities(names, anchor) if (c.kind, c.pk) not in seen
        ]
    return _without(matches, set(exclude_incident_ids), set(exclude_report_numbers))


def _without(matches: DuplicateMatches, incidents: set[int], reports: set[int]) -> DuplicateMatches:
    """The matches less the records the submission itself created."""

    def keep(c: DuplicateCandidate) -> bool:
        return not (
            (c.kind == "incident" and c.pk in incidents) or (c.kind == "report" and c.pk in reports)
        )

    return DuplicateMatches(
        same_url=[c for c in matches.same_url if keep(c)],
        similar_title=[c for c in matches.similar_title if keep(c)],
        same_entities=[c for c in matches.same_entities if keep(c)],
    )


def duplicates_for_submission(
    *, submission: Submission, include_submissions: bool
) -> DuplicateMatches:
    return duplicates_find(
        url=submission.url,
        title=submission.title,
        incident_title=submission.incident_title,
        entity_names=[*submission.deployers, *submission.developers, *submission.harmed_parties],
        around=submission.date_published or submission.incident_date,
        include_submissions=include_submissions,
        exclude_submission_id=submission.pk,
        description=submission.description,
        exclude_incident_ids=submission.resulting_incidents.values_list("pk", flat=True),
        exclude_report_numbers=[submission.resulting_report_id]
        if submission.resulting_report_id
        else [],
    )


def _report_candidate(report: Report, detail: str) -> DuplicateCandidate:
    incident_ids = sorted(i.pk for i in report.incidents.all())
    where = " (in incident " + ", ".join(str(i) for i in incident_ids) + ")" if incident_ids else ""
    return DuplicateCandidate(
        kind="report",
        pk=report.number,
        title=report.title or report.url,
        link=report.get_absolute_url(),
        detail=detail + where,
    )


def _submission_candidate(submission: Submission, detail: str) -> DuplicateCandidate:
    return DuplicateCandidate(
        kind="submission",
        pk=submission.pk,
        title=submission.title or submission.url,
        link=f"/submit/queue/{submission.pk}/",
        detail=f"{detail} (submission {submission.pk}, {submission.get_state_display().lower()})",
    )


def _open_submissions(exclude: int | None) -> QuerySet[Submission]:
    queryset = Submission.objects.filter(state__in=[SubmissionState.NEW, SubmissionState.IN_REVIEW])
    return queryset.exclude(pk=exclude) if exclude is not None else queryset


def _same_url(
    url: str, *, include_submissions: bool, exclude: int | None
) -> list[DuplicateCandidate]:
    normalised = normalise_url(url)
    reports = (
        Report.objects.only("number", "title", "url")
        .filter(Q(url_normalised=normalised) | Q(url=url.strip()))
        .prefetch_related(Prefetch("incidents", queryset=Incident.objects.only("id")))
        .order_by("number")[:MATCHES_PER_KIND]
    )
    found = [_report_candidate(r, "Same article URL") for r in reports]
    if include_submissions:
        found += [
            _submission_candidate(s, "Same article URL")
            for s in _open_submissions(exclude)
            .filter(url_normalised=normalised)
            .order_by("pk")[:MATCHES_PER_KIND]
        ]
    return found


class Unaccented(Func):
    """`registry_unaccent(text)`: the immutable unaccent that the trigram indexes on report
    and incident titles are built on (incidents migration 0004), so `%` can use them."""

    function = "registry_unaccent"
    output_field = TextField()


def _title_matches(queryset: QuerySet, title: str) -> QuerySet:
    """Rows whose title is trigram-similar to `title`, best first, with `similarity`.

    The `%` operator (pg_trgm's default threshold, 0.3) lets PostgreSQL use the title's GIN
    trigram index to find candidates; the stricter threshold then applies to those only.
    """
    wanted = Unaccented(Value(title))
    return (
        queryset.annotate(plain_title=Unaccented("title"))
        .filter(plain_title__trigram_similar=wanted)
        .annotate(similarity=TrigramSimilarity("plain_title", wanted))
        .filter(similarity__gte=TITLE_SIMILARITY_THRESHOLD)
    )


def _similar_titles(
    title: str, *, incident_title: str, include_submissions: bool, exclude: int | None
) -> list[DuplicateCandidate]:
    reports = (
        _title_matches(Report.objects.only("number", "title", "url"), title)
        .prefetch_related(Prefetch("incidents", queryset=Incident.objects.only("id")))
        .order_by("-similarity", "number")[:MATCHES_PER_KIND]
    )
    found = [_report_candidate(r, _percent_similar(r.similarity)) for r in reports]
    found += _similar_incident_titles(incident_title or title)
    if include_submissions:
        submissions = _title_matches(
            _open_submissions(exclude).only("pk", "title", "url", "state"), title
        ).order_by("-similarity", "pk")[:MATCHES_PER_KIND]
        found += [_submission_candidate(s, _percent_similar(s.similarity)) for s in submissions]
    return found


def _similar_incident_titles(title: str) -> list[DuplicateCandidate]:
    incidents = _title_matches(Incident.objects.only("id", "title"), title).order_by(
        "-similarity", "id"
    )[:MATCHES_PER_KIND]
    return [
        DuplicateCandidate(
            kind="incident",
            pk=i.pk,
            title=i.title,
            link=i.get_absolute_url(),
            detail=f"Incident {i.pk}: {_percent_similar(i.similarity).lower()}",
        )
        for i in incidents
    ]


def _similar_incident_texts(title: str, description: str) -> list[DuplicateCandidate]:
    """Incidents the search engine finds alike in words (stemmed, weighted title and
    description), through the core's hook: the domain does not import search."""
    return [
        DuplicateCandidate(
            kind="incident",
            pk=found.incident_id,
            title=found.title,
            link=f"/incidents/{found.incident_id}/",
            detail=f"Incident {found.incident_id}: text {round(found.score * 100)}% alike",
        )
        for found in similar_incidents_for_text(
            title=title, text=description, limit=MATCHES_PER_KIND
        )
    ]


def _percent_similar(similarity: float) -> str:
    return f"Title {round(similarity * 100)}% similar"


def _same_entities(names: list[str], anchor: datetime.date) -> list[DuplicateCandidate]:
    entities = {e.pk: e for e in (entity_find(name=n) for n in names) if e is not None}
    if not entities:
        return []
    # Naming one entity is enough when only one was given; with several, two must match, so
    # that a common harmed party ("general public") alone does not flag every report.
    needed = min(2, len({n.strip().lower() for n in names}))
    reports = (
        Report.objects.filter(
            date_published__range=(anchor - SAME_ENTITIES_WINDOW, anchor + SAME_ENTITIES_WINDOW),
            incidents__entity_links__entity__in=list(entities),
        )
        .annotate(shared=Count("incidents__entity_links__entity", distinct=True))
        .filter(shared__gte=needed)
        .only("number", "title", "url", "date_published")
        .prefetch_related("incidents")
        .order_by("-shared", "date_published", "number")[:MATCHES_PER_KIND]
    )
    found = []
    for report in reports:
        named = sorted(
            {
                link.entity.name
                for incident in report.incidents.all()
                for link in incident.entity_links.select_related("entity")
                if link.entity_id in entities
            }
        )
        days = abs((report.date_published - anchor).days)
        apart = "the same day" if days == 0 else f"{days} day{'s' if days > 1 else ''} apart"
        found.append(_report_candidate(report, f"Names {', '.join(named)}; published {apart}"))
    return found
