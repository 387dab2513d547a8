"""The Elasticsearch engine (when ELASTICSEARCH_URL is set), through `elasticsearch.dsl`.

One index (an alias, `<prefix>-catalog`, so a rebuild can swap in a fresh index) holds a
document per incident and one per report, the same texts as PostgreSQL's documents:

- incident documents: the incident's title and description and its reports' titles and texts;
- report documents: the report's title, description and text.

"One hit per incident" searches every document and collapses on `incident_id`, so an incident
appears once, represented by its best-scoring document; "every report" searches report
documents. Words match across the boosted fields (incident title 4 > description 2 > report
titles 1.5 > report text 1, as PostgreSQL's A > B > C > D), with fuzziness for typos; quoted
phrases are `match_phrase`; excluded words go to `must_not`. Facets are terms aggregations on
the same facet terms PostgreSQL stores; highlights use sentinels that the page escapes around.
PostgreSQL stays the source of truth (titles of the page's hits are read from it).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from django.conf import settings
from elastic_transport import TransportError
from elasticsearch import Elasticsearch
from elasticsearch import exceptions as es_exceptions
from elasticsearch.dsl import (
    A,
    Boolean,
    Date,
    Document,
    Index,
    Integer,
    Keyword,
    Q,
    Search,
    Text,
    analyzer,
    token_filter,
)

from search.engine import (
    Facet,
    FacetValue,
    Hit,
    SearchQuery,
    SearchResult,
    SearchUnavailable,
)
from search.facets import (
    ENTITY_FACETS,
    FACET_VALUES_SHOWN,
    entity_labels,
    facet_definitions,
    facet_terms,
    value_label,
)
from search.pg import render_snippet
from search.pg_sql import (
    FILTER_ONLY_FACETS,
    FRAGMENT_DELIMITER,
    HIGHLIGHT_START,
    HIGHLIGHT_STOP,
)
from search.query import ParsedQuery, Term

REQUEST_TIMEOUT_S = 5
# Exact distinct-incident counts below this; estimated (HyperLogLog) above.
CARDINALITY_PRECISION = 3_000
TEXT_FIELDS = ["incident_title^4", "incident_description^2", "report_title^1.5", "report_text"]
HIGHLIGHT_FIELDS = ("incident_title", "incident_description", "report_title", "report_text")

english_stop = token_filter("registry_english_stop", "stop", stopwords="_english_")
english_stemmer = token_filter("registry_english_stemmer", "stemmer", language="english")
english_possessive = token_filter(
    "registry_english_possessive", "stemmer", language="possessive_english"
)
# The same normalisation as PostgreSQL's registry_english: accents folded, stop words out,
# Porter-style stems.
registry_english = analyzer(
    "registry_english",
    tokenizer="standard",
    filter=[english_possessive, "lowercase", "asciifolding", english_stop, english_stemmer],
)


class CatalogDocument(Document):
    doc_type = Keyword()
    record_id = Integer()
    # The collapse key: the incident's id; a report's first incident; an issue's -number.
    incident_id = Integer()
    incident_ids = Integer(multi=True)
    incident_title = Text(analyzer=registry_english)
    incident_description = Text(analyzer=registry_english)
    report_title = Text(analyzer=registry_english, multi=True)
    report_text = Text(analyzer=registry_english, multi=True)
    facets = Keyword(multi=True)
    filters = Keyword(multi=True)
    incident_date = Date()
    published = Date()
    submitted = Date()
    flagged = Boolean()


def index_alias() -> str:
    return f"{settings.ELASTICSEARCH_INDEX_PREFIX}-catalog"


def catalog_index(name: str) -> Index:
    """The index definition (settings, analysers, mappings) under a concrete name."""
    index = Index(name)
    index.settings(number_of_shards=1, number_of_replicas=0, max_result_window=10_000)
    index.analyzer(registry_english)
    index.document(CatalogDocument)
    return index


@cache
def es_client() -> Elasticsearch:
    return Elasticsearch(
        settings.ELASTICSEARCH_URL,
        request_timeout=REQUEST_TIMEOUT_S,
        max_retries=1,
        retry_on_timeout=False,
    )


def _term_query(term: Term, *, fuzzy: bool = True) -> Q:
    if term.phrase:
        return Q("multi_match", query=term.text, type="phrase", fields=TEXT_FIELDS)
    if not fuzzy:
        return Q("multi_match", query=term.text, fields=TEXT_FIELDS, operator="and")
    return Q(
        "multi_match",
        query=term.text,
        fields=TEXT_FIELDS,
        operator="and",
        fuzziness="AUTO",
        prefix_length=1,
    )


def text_query(parsed: ParsedQuery) -> Q | None:
    """Groups ANDed (each an OR of its terms), minus the excluded terms (matched exactly: a
    fuzzy exclusion would drop documents for words merely close to the excluded one)."""
    if parsed.is_empty:
        return None
    must = []
    for group in parsed.groups:
        queries = [_term_query(term) for term in group]
        if len(queries) == 1:
            must.append(queries[0])
        else:
            must.append(Q("bool", should=queries, minimum_should_match=1))
    must_not = [_term_query(term, fuzzy=False) for term in parsed.excluded]
    return Q("bool", must=must or [Q("match_all")], must_not=must_not)


def filter_queries(query: SearchQuery) -> list[Q]:
    filters: list[Q] = []
    if query.type == "report":
        filters.append(Q("term", doc_type="report"))
    else:
        filters.append(Q("range", incident_id={"gt": 0}))
    for name, terms in sorted(facet_terms(query.facets).items()):
        field = "filters" if name in FILTER_ONLY_FACETS else "facets"
        if query.type == "incident" and name == "incident":
            ids = [int(t.split(":", 1)[1]) for t in terms if t.split(":", 1)[1].isdigit()]
            filters.append(Q("terms", incident_id=ids))
        else:
            filters.append(Q("terms", **{field: terms}))
    if query.incident_ids:
        filters.append(Q("terms", incident_ids=list(query.incident_ids)))
    if query.date_from or query.date_to:
        bounds = {}
        if query.date_from:
            bounds["gte"] = query.date_from.isoformat()
        if query.date_to:
            bounds["lte"] = query.date_to.isoformat()
        filters.append(Q("range", incident_date=bounds))
    return filters


SORTS: dict[str, list[Any]] = {
    "newest": [{"incident_date": {"order": "desc", "missing": "_last"}}, {"record_id": "desc"}],
    "oldest": [{"incident_date": {"order": "asc", "missing": "_last"}}, {"record_id": "asc"}],
    "published": [{"published": {"order": "desc", "missing": "_last"}}, {"record_id": "desc"}],
    "submitted": [{"submitted": {"order": "desc", "missing": "_last"}}, {"record_id": "desc"}],
}


def build_search(query: SearchQuery, *, client: Any = None, index: str | None = None) -> Search:
    """The request for one page of `query`: query, filters, sort, collapse, highlight, aggs."""
    search = Search(using=client if client is not None else "default", index=index or index_alias())
    matched = text_query(query.parsed)
    search = search.query(
        Q("bool", must=[matched] if matched else [Q("match_all")], filter=filter_queries(query))
    )
    if query.effective_sort != "relevance":
        search = search.sort(*SORTS[query.effective_sort])
    if query.type == "incident":
        search = search.extra(collapse={"field": "incident_id"})
        search.aggs.metric(
            "incidents",
            "cardinality",
            field="incident_id",
            precision_threshold=CARDINALITY_PRECISION,
        )
    search = search.extra(track_total_hits=True)
    search = search.highlight(
        *HIGHLIGHT_FIELDS,
        fragment_size=160,
        number_of_fragments=2,
    ).highlight_options(pre_tags=[HIGHLIGHT_START], post_tags=[HIGHLIGHT_STOP], encoder="default")
    if query.with_facets:
        # Facets count incident documents in "one hit per incident" (one per incident), report
        # documents otherwise.
        scope = A("filter", Q("term", doc_type=query.type))
        for name, definition in facet_definitions(query.type).items():
            if not definition.listed:
                continue
            scope.bucket(
                name, "terms", field="facets", include=f"{name}:.*", size=FACET_VALUES_SHOWN
            )
            selected = facet_terms(query.facets).get(name)
            if selected:
                scope.bucket(
                    f"{name}__selected",
                    "terms",
                    field="facets",
                    include=selected,
                    size=len(selected),
                )
        search.aggs.bucket("facets", scope)
    if query.correct and query.parsed.words:
        search = search.suggest(
            "did_you_mean",
            " ".join(query.parsed.words),
            term={"field": "incident_title", "suggest_mode": "missing", "min_word_length": 3},
        )
    return search[query.offset : query.offset + query.page_size]


class ElasticsearchEngine:
    name = "elasticsearch"

    def __init__(self, client: Any = None) -> None:
        self.client = client

    def _client(self) -> Any:
        return self.client if self.client is not None else es_client()

    def search(self, query: SearchQuery) -> SearchResult:
        if query.type == "disclosure":
            # A few hundred verified disclosures: PostgreSQL answers them on every engine.
            from search.disclosures import disclosure_search

            return disclosure_search(query)
        search = build_search(query, client=self._client())
        try:
            response = search.execute()
        except (es_exceptions.ConnectionError, es_exceptions.ApiError, TransportError) as exc:
            raise SearchUnavailable(f"Elasticsearch did not answer: {exc}") from exc
        return self._result(query, response.to_dict())

    def _result(self, query: SearchQuery, body: Mapping[str, Any]) -> SearchResult:
        hits_body = body.get("hits", {})
        total_info = hits_body.get("total", {"value": 0, "relation": "eq"})
        if query.type == "incident":
            distinct = body.get("aggregations", {}).get("incidents", {}).get("value", 0)
            total, estimated = int(distinct), distinct > CARDINALITY_PRECISION
        else:
            total, estimated = int(total_info["value"]), total_info.get("relation") != "eq"
        hits = self._hits(query, hits_body.get("hits", []))
        facets = _facets(query, body.get("aggregations", {}).get("facets", {}))
        suggestion = _suggestion(query.parsed, body.get("suggest", {}))
        return SearchResult(
            query=query,
            hits=hits,
            total=total,
            estimated=estimated,
            facets=facets,
            facets_estimated=False,
            suggestion=suggestion,
            engine=self.name,
        )

    def _hits(self, query: SearchQuery, raw: list[Mapping[str, Any]]) -> tuple[Hit, ...]:
        from incidents.models import Incident, Report

        def snippet(item: Mapping[str, Any]) -> Any:
            fragments = [
                f for field in HIGHLIGHT_FIELDS for f in item.get("highlight", {}).get(field, [])
            ]
            return render_snippet(FRAGMENT_DELIMITER.join(fragments[:2]))

        if query.type == "incident":
            ids = [int(item["_source"]["incident_id"]) for item in raw]
            rows = Incident.objects.only("id", "title", "description", "date").in_bulk(ids)
            hits = []
            for item in raw:
                incident = rows.get(int(item["_source"]["incident_id"]))
                if incident is None:
                    continue  # deleted since it was indexed; the sync task will catch up
                text = snippet(item) or render_snippet(incident.description[:300])
                hits.append(
                    Hit(
                        type="incident",
                        id=incident.id,
                        title=incident.title,
                        url=incident.get_absolute_url(),
                        score=item.get("_score"),
                        snippet=text,
                        incident_ids=(incident.id,),
                        date=incident.date,
                    )
                )
            return tuple(hits)
        numbers = [int(item["_source"]["record_id"]) for item in raw]
        reports = Report.objects.only(
            "number", "title", "text", "url", "source_domain", "date_published"
        ).in_bulk(numbers)
        hits = []
        for item in raw:
            report = reports.get(int(item["_source"]["record_id"]))
            if report is None:
                continue
            hits.append(
                Hit(
                    type="report",
                    id=report.number,
                    title=report.title,
                    url=report.get_absolute_url(),
                    score=item.get("_score"),
                    snippet=snippet(item) or render_snippet(report.text[:300]),
                    incident_ids=tuple(item["_source"].get("incident_ids") or ()),
                    report_number=report.number,
                    date=report.date_published,
                    extra={"source_url": report.url, "domain": report.source_domain},
                )
            )
        return tuple(hits)

    def iter_rows(self, query: SearchQuery) -> Iterator[Mapping[str, Any]]:
        from search.pg import PostgresEngine

        yield from PostgresEngine().iter_rows(query)


def _facets(query: SearchQuery, aggregation: Mapping[str, Any]) -> tuple[Facet, ...]:
    definitions = facet_definitions(query.type)
    selected_terms = facet_terms(query.facets)
    grouped: dict[str, dict[str, int]] = {}
    for name in definitions:
        for key in (name, f"{name}__selected"):
            for bucket in aggregation.get(key, {}).get("buckets", []):
                value = str(bucket["key"]).split(":", 1)[1]
                grouped.setdefault(name, {})[value] = int(bucket["doc_count"])
    slugs = [v for name in ENTITY_FACETS for v in grouped.get(name, {})]
    names = entity_labels(slugs)
    facets = []
    for name, definition in definitions.items():
        values = grouped.get(name)
        if not values:
            continue
        ordered = sorted(values.items(), key=lambda item: (-item[1], item[0]))
        chosen = {t.split(":", 1)[1] for t in selected_terms.get(name, [])}
        facets.append(
            Facet(
                name=name,
                label=definition.label,
                values=tuple(
                    FacetValue(
                        value=value,
                        label=value_label(name, value, names),
                        count=count,
                        selected=value in chosen,
                    )
                    for value, count in ordered
                ),
            )
        )
    return tuple(facets)


def _suggestion(parsed: ParsedQuery, suggest: Mapping[str, Any]) -> str | None:
    replacements = {}
    for entry in suggest.get("did_you_mean", []):
        options = entry.get("options") or []
        if options:
            replacements[entry["text"]] = options[0]["text"]
    if not replacements:
        return None
    words = [replacements.get(word.lower(), word) for word in parsed.text.split()]
    suggestion = " ".join(words)
    return suggestion if suggestion != parsed.text else None
