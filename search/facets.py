"""The facets: their names, labels and how their values read.

Both engines count the same facet terms, "<facet>:<value>", stored per document
(`search_facets` in PostgreSQL, the `facets` keyword field in Elasticsearch; see
incidents/indexing.py for how they are derived). A filter `facet=domain:bbc.co.uk` is a
containment test on those terms. Facet names outside this module are refused with a 400;
unknown values simply match nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from incidents.models import EntityRole, ReportKind


@dataclass(frozen=True)
class FacetDefinition:
    name: str
    label: str
    # Shown in the sidebar (author and incident are filters only: too many values to list).
    listed: bool = True


CATALOG_FACETS: dict[str, FacetDefinition] = {
    f.name: f
    for f in (
        FacetDefinition("year", "Year"),
        FacetDefinition("domain", "Source"),
        FacetDefinition("language", "Language"),
        FacetDefinition("kind", "Report kind"),
        FacetDefinition(EntityRole.DEPLOYER.value, "Alleged deployer"),
        FacetDefinition(EntityRole.DEVELOPER.value, "Alleged developer"),
        FacetDefinition(EntityRole.HARMED.value, "Alleged harmed parties"),
        FacetDefinition(EntityRole.IMPLICATED_SYSTEM.value, "Implicated AI system"),
        FacetDefinition("taxonomy", "Classifications"),
        FacetDefinition("flagged", "Flagged"),
        FacetDefinition("author", "Author", listed=False),
        FacetDefinition("incident", "Incident", listed=False),
    )
}

DISCLOSURE_FACETS: dict[str, FacetDefinition] = {
    f.name: f
    for f in (
        FacetDefinition("hardware", "Hardware"),
        FacetDefinition("country", "Country"),
        FacetDefinition("organisation", "Organisation"),
        FacetDefinition("state", "Verification state"),
        FacetDefinition("year", "Year"),
    )
}

ENTITY_FACETS = frozenset(str(role) for role in EntityRole.values)
FACET_VALUES_SHOWN = 10
FACET_VALUE_MAX_CHARS = 600


class FacetError(ValueError):
    """A facet filter that names no facet, or is not `name:value`."""


def facet_definitions(hit_type: str) -> dict[str, FacetDefinition]:
    return DISCLOSURE_FACETS if hit_type == "disclosure" else CATALOG_FACETS


def parse_facet_filters(raw: Iterable[str], *, hit_type: str) -> dict[str, tuple[str, ...]]:
    """`["year:2020", "domain:bbc.co.uk", "year:2021"]` -> `{"year": ("2020", "2021"), ...}`.

    Values are compared the way they are stored: authors and languages in lower case.
    """
    known = facet_definitions(hit_type)
    chosen: dict[str, list[str]] = {}
    for item in raw:
        name, sep, value = item.partition(":")
        name, value = name.strip().lower(), value.strip()
        if not sep or not name:
            raise FacetError(
                f"A facet filter reads name:value, for example year:2020 (got {item!r})."
            )
        if name not in known:
            names = ", ".join(sorted(known))
            raise FacetError(f"Unknown facet {name!r}. Known facets: {names}.")
        if not value:
            raise FacetError(f"The facet filter {item!r} has no value.")
        if name in {"author", "language"}:
            value = value.lower()
        values = chosen.setdefault(name, [])
        if value[:FACET_VALUE_MAX_CHARS] not in values:
            values.append(value[:FACET_VALUE_MAX_CHARS])
    return {name: tuple(values) for name, values in chosen.items()}


def facet_terms(filters: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """The stored terms each filter accepts: `{"year": ["year:2020"]}`."""
    return {name: [f"{name}:{value}" for value in values] for name, values in filters.items()}


def value_label(name: str, value: str, entity_names: Mapping[str, str]) -> str:
    """How a facet value reads in the sidebar."""
    if name in ENTITY_FACETS:
        return entity_names.get(value, value)
    if name == "kind":
        return str(dict(ReportKind.choices).get(value, value))
    if name == "flagged":
        return {"yes": "Flagged", "no": "Not flagged"}.get(value, value)
    if name == "taxonomy":
        namespace, _, rest = value.partition(":")
        field, _, atom = rest.partition(":")
        return f"{namespace} {field}: {atom}" if atom else value
    if name == "state":
        return value.replace("_", " ").capitalize()
    return value


def entity_labels(slugs: Iterable[str]) -> dict[str, str]:
    from incidents.models import Entity

    wanted = sorted(set(slugs))
    if not wanted:
        return {}
    return dict(Entity.objects.filter(slug__in=wanted).values_list("slug", "name"))
