"""Building the relevance corpus (tests/search/corpus.py) as rows, with fresh search documents."""

from __future__ import annotations

from dataclasses import dataclass

from incidents.indexing import refresh_search_vectors
from incidents.models import Entity, Incident, IncidentEntity, Report
from tests.search.corpus import INCIDENTS, ISSUE_REPORTS, CorpusReport


@dataclass
class Corpus:
    incidents: dict[str, Incident]
    issues: list[Report]

    def key_of(self, incident_id: int) -> str:
        return next(key for key, incident in self.incidents.items() if incident.id == incident_id)


def _report(spec: CorpusReport, n: int) -> Report:
    return Report.objects.create(
        title=spec.title,
        text=spec.text,
        url=f"https://{spec.domain}/story-{n}",
        url_normalised=f"{spec.domain}/story-{n}",
        source_domain=spec.domain,
        language=spec.language,
        kind=spec.kind,
        authors=list(spec.authors),
        date_published=spec.published,
        date_submitted=spec.published,
        flagged=spec.flagged,
    )


def build_corpus() -> Corpus:
    incidents: dict[str, Incident] = {}
    n = 0
    for spec in INCIDENTS:
        incident = Incident.objects.create(
            title=spec.title, description=spec.description, date=spec.date
        )
        for report_spec in spec.reports:
            n += 1
            _report(report_spec, n).incidents.add(incident)
        for slug in spec.deployers:
            entity, _ = Entity.objects.get_or_create(
                slug=slug, defaults={"name": slug.replace("-", " ").title()}
            )
            IncidentEntity.objects.create(incident=incident, entity=entity, role="deployer")
        incidents[spec.key] = incident
    issues = []
    for spec in ISSUE_REPORTS:
        n += 1
        issues.append(_report(spec, n))
    refresh_search_vectors(
        incident_ids=[i.id for i in incidents.values()],
        report_numbers=list(Report.objects.values_list("number", flat=True)),
    )
    return Corpus(incidents=incidents, issues=issues)
