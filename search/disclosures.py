"""Searching emissions disclosures ("A100 France", "GPT"), on either engine.

Which disclosures a person may find is the emissions area's rule, read through its selector
`disclosures_visible_to` (the public finds verified ones only). Disclosures number in the
hundreds, so their documents are built per query rather than stored: the model's names and
organisation (weight A), paper title (B), hardware and countries of its runs, with the
countries' English names so "France" finds "FRA" (C), and the justification (D). If they grow
to tens of thousands, they should get stored vectors like incidents.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import connection

from search.engine import Facet, FacetValue, Hit, SearchQuery, SearchResult
from search.facets import DISCLOSURE_FACETS, FACET_VALUES_SHOWN, value_label
from search.pg_sql import HEADLINE_OPTIONS, HIGHLIGHT_START, HIGHLIGHT_STOP

MATCH_SQL = """
SELECT d.id,
       ts_rank_cd('{0.1, 0.2, 0.4, 1.0}',
           setweight(to_tsvector('registry_english', d.a), 'A')
           || setweight(to_tsvector('registry_english', d.b), 'B')
           || setweight(to_tsvector('registry_english', d.c), 'C')
           || setweight(to_tsvector('registry_english', d.d), 'D'), q.q, 1) AS rank,
       ts_headline('registry_english', translate(d.b || ' ' || d.d, %(sentinels)s, ''), q.q,
                   %(options)s) AS snippet
FROM unnest(%(ids)s::int[], %(a)s::text[], %(b)s::text[], %(c)s::text[], %(d)s::text[])
     AS d(id, a, b, c, d),
     (SELECT websearch_to_tsquery('registry_english', %(q)s) AS q) q
WHERE (setweight(to_tsvector('registry_english', d.a), 'A')
       || setweight(to_tsvector('registry_english', d.b), 'B')
       || setweight(to_tsvector('registry_english', d.c), 'C')
       || setweight(to_tsvector('registry_english', d.d), 'D')) @@ q.q
"""


@dataclass(frozen=True)
class DisclosureDocument:
    id: int
    title: str
    organisation: str
    state: str
    hardware: tuple[str, ...]
    countries: tuple[str, ...]
    year: int | None
    decided: datetime.datetime | None
    submitted: datetime.datetime | None
    texts: tuple[str, str, str, str]
    claim_energy_kwh: float | None
    claim_tco2e: float | None
    summary: str

    def facet_values(self, name: str) -> tuple[str, ...]:
        if name == "hardware":
            return self.hardware
        if name == "country":
            return self.countries
        if name == "organisation":
            return (self.organisation,) if self.organisation else ()
        if name == "state":
            return (self.state,)
        return (str(self.year),) if self.year else ()


@cache
def _country_names() -> Mapping[str, str]:
    try:
        from emissions.estimator.catalog_files import load_catalog

        return {code: entry.label for code, entry in load_catalog().countries.items()}
    except Exception:  # noqa: BLE001 - names only enrich the text; codes still match
        return {}


def _runs_facts(runs: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    hardware: list[str] = []
    countries: list[str] = []
    for run in runs if isinstance(runs, list) else []:
        if not isinstance(run, dict):
            continue
        accelerator = run.get("accelerator")
        if isinstance(accelerator, str) and accelerator.strip():
            hardware.append(accelerator.strip())
        location = run.get("location")
        country = location.get("country") if isinstance(location, dict) else None
        if isinstance(country, str) and country.strip():
            countries.append(country.strip().upper())
    return tuple(dict.fromkeys(hardware)), tuple(dict.fromkeys(countries))


def _documents(query: SearchQuery) -> list[DisclosureDocument]:
    from emissions.selectors import disclosures_visible_to

    names = _country_names()
    documents = []
    for disclosure in disclosures_visible_to(query.user).order_by("id"):
        hardware, countries = _runs_facts(disclosure.runs)
        title = " ".join(p for p in (disclosure.model_name, disclosure.model_version) if p)
        when = disclosure.decided_at or disclosure.submitted_at or disclosure.created_at
        documents.append(
            DisclosureDocument(
                id=disclosure.id,
                title=title,
                organisation=disclosure.organisation,
                state=disclosure.state,
                hardware=hardware,
                countries=countries,
                year=when.year if when else None,
                decided=disclosure.decided_at,
                submitted=disclosure.submitted_at,
                texts=(
                    f"{title} {disclosure.organisation}",
                    disclosure.paper_title,
                    " ".join([*hardware, *countries, *(names.get(c, "") for c in countries)]),
                    disclosure.justification[:5000],
                ),
                claim_energy_kwh=disclosure.claim_energy_kwh,
                claim_tco2e=disclosure.claim_tco2e,
                summary=disclosure.paper_title or disclosure.justification[:300],
            )
        )
    return documents


def _filtered(query: SearchQuery, documents: list[DisclosureDocument]) -> list[DisclosureDocument]:
    kept = []
    for document in documents:
        if all(
            set(document.facet_values(name)) & set(values) for name, values in query.facets.items()
        ):
            kept.append(document)
    return kept


def _matches(
    query: SearchQuery, documents: list[DisclosureDocument]
) -> dict[int, tuple[float, str]]:
    """Rank and snippet of each document the words match (all of them for no words)."""
    if query.parsed.is_empty or not documents:
        return {d.id: (0.0, d.summary) for d in documents}
    with connection.cursor() as cursor:
        cursor.execute(
            MATCH_SQL,
            {
                "ids": [d.id for d in documents],
                "a": [d.texts[0] for d in documents],
                "b": [d.texts[1] for d in documents],
                "c": [d.texts[2] for d in documents],
                "d": [d.texts[3] for d in documents],
                "q": query.parsed.websearch(),
                "sentinels": HIGHLIGHT_START + HIGHLIGHT_STOP,
                "options": HEADLINE_OPTIONS,
            },
        )
        return {row[0]: (float(row[1]), row[2]) for row in cursor.fetchall()}


def _ordered(
    query: SearchQuery, documents: list[DisclosureDocument], matches: Mapping[int, Any]
) -> list[DisclosureDocument]:
    found = [d for d in documents if d.id in matches]
    sort = query.effective_sort
    if sort == "relevance":
        return sorted(found, key=lambda d: (-matches[d.id][0], -d.id))
    key = "submitted" if sort in ("published", "submitted") else "decided"
    dated = [d for d in found if getattr(d, key)]
    undated = [d for d in found if not getattr(d, key)]
    dated.sort(key=lambda d: (getattr(d, key), d.id), reverse=sort != "oldest")
    return dated + undated


def disclosure_search(query: SearchQuery) -> SearchResult:
    from search.pg import render_snippet

    documents = _documents(query)
    filtered = _filtered(query, documents)
    matches = _matches(query, filtered)
    ordered = _ordered(query, filtered, matches)
    page = ordered[query.offset : query.offset + query.page_size]
    hits = tuple(
        Hit(
            type="disclosure",
            id=d.id,
            title=d.title,
            url=f"/disclosures/{d.id}/",
            score=round(matches[d.id][0], 6) if not query.parsed.is_empty else None,
            snippet=render_snippet(matches[d.id][1]),
            date=d.decided.date() if d.decided else None,
            extra={"organisation": d.organisation, "state": d.state},
        )
        for d in page
    )
    return SearchResult(
        query=query,
        hits=hits,
        total=len(ordered),
        facets=_facets(query, ordered),
        engine="postgres",
    )


def _facets(query: SearchQuery, documents: list[DisclosureDocument]) -> tuple[Facet, ...]:
    if not query.with_facets:
        return ()
    names = _country_names()
    facets = []
    for name, definition in DISCLOSURE_FACETS.items():
        counts: dict[str, int] = {}
        for document in documents:
            for value in document.facet_values(name):
                counts[value] = counts.get(value, 0) + 1
        if not counts:
            continue
        chosen = set(query.facets.get(name, ()))
        ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        shown = ordered[:FACET_VALUES_SHOWN] + [
            v for v in ordered[FACET_VALUES_SHOWN:] if v[0] in chosen
        ]
        facets.append(
            Facet(
                name=name,
                label=definition.label,
                values=tuple(
                    FacetValue(
                        value=value,
                        label=names.get(value, value)
                        if name == "country"
                        else value_label(name, value, {}),
                        count=count,
                        selected=value in chosen,
                    )
                    for value, count in shown
                ),
            )
        )
    return tuple(facets)


def disclosure_rows(query: SearchQuery) -> Iterator[Mapping[str, Any]]:
    """Every matching disclosure, for the export."""
    documents = _filtered(query, _documents(query))
    matches = _matches(query, documents)
    for d in _ordered(query, documents, matches):
        yield {
            "disclosure_id": d.id,
            "model_name": d.title,
            "organisation": d.organisation,
            "state": d.state,
            "hardware": "; ".join(d.hardware),
            "country": "; ".join(d.countries),
            "claim_energy_kwh": d.claim_energy_kwh,
            "claim_tco2e": d.claim_tco2e,
            "url": f"/disclosures/{d.id}/",
        }
