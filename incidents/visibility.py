"""Which taxonomies, taxonomy fields and classifications a reader may see: the one rule.

Pages, the API, the search documents and facets, and the dataset snapshots all ask this
module; none writes the condition itself. The rule is stated three ways that must agree (a
test runs every combination of flags through all three):

- ORM: `visible_taxonomies`, `visible_fields`, `visible_classifications` (querysets) for
  selectors and filters;
- Python: `field_is_public` for code holding a `TaxonomyField` row (the classification
  service decides which values become facets with it);
- SQL: `public_taxonomy_sql`, `public_field_sql`, `public_classification_sql` for the
  statements that build search documents, API JSON and snapshot files inside PostgreSQL.

Anonymous readers (and every public output: API, search facets, datasets) see published
classifications of public taxonomies and only their public fields; signed-in users also see
non-public taxonomies and fields on the pages (as on the AIID); editors also see unpublished
classifications. A per-field "internal" flag (annotation bookkeeping nobody but editors
should see) belongs in `_public_field`, `field_is_public` and `public_field_sql` below (and in
`visible_fields` for signed-in readers): every path then hides it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet

from incidents.models import Classification, Taxonomy, TaxonomyField
from registry.models import Role, User

Viewer = User | AnonymousUser | None


@dataclass(frozen=True)
class ClassificationAccess:
    private_fields: bool  # taxonomies and fields marked not public
    unpublished: bool  # classifications editors have not published yet


# What the public (and every public output: API, search, datasets) may see.
PUBLIC = ClassificationAccess(private_fields=False, unpublished=False)


def classification_access(viewer: Viewer) -> ClassificationAccess:
    """Anonymous visitors see public fields of published classifications; signed-in users
    also see non-public fields (as on the AIID); editors also see unpublished ones."""
    if viewer is None or not viewer.is_authenticated:
        return PUBLIC
    return ClassificationAccess(private_fields=True, unpublished=viewer.has_role(Role.EDITOR))


# --- The rule, once per form -----------------------------------------------------------------
# Two flags: a taxonomy's and a field's. A field is shown to the public when both are set; the
# field's own flag also decides which values become facets (`field_is_public`), while the
# taxonomy's is checked when a classification is read, so hiding a taxonomy needs no rewrite.
# ORM conditions take `prefix`, the path to the model from the queryset's (e.g. "taxonomy__").


def _public_taxonomy(prefix: str = "") -> Q:
    return Q(**{f"{prefix}public": True})


def _public_field(prefix: str = "") -> Q:
    return Q(**{f"{prefix}public": True})


def _published_classification(prefix: str = "") -> Q:
    return Q(**{f"{prefix}publish": True})


def field_is_public(field: TaxonomyField) -> bool:
    """Python form of `_public_field`: the field's own flag (its taxonomy's is separate)."""
    return field.public


def public_taxonomy_sql(alias: str) -> str:
    """SQL form of `_public_taxonomy` for `incidents_taxonomy AS alias`."""
    return f"{alias}.public"


def public_field_sql(alias: str) -> str:
    """SQL form of `_public_field` for `incidents_taxonomyfield AS alias`."""
    return f"{alias}.public"


def public_classification_sql(alias: str, *, taxonomy_alias: str) -> str:
    """SQL: the classification `alias`, of the taxonomy `taxonomy_alias`, is public."""
    return f"({alias}.publish AND {public_taxonomy_sql(taxonomy_alias)})"


# --- Querysets -------------------------------------------------------------------------------


def visible_taxonomies(access: ClassificationAccess = PUBLIC) -> QuerySet[Taxonomy]:
    qs = Taxonomy.objects.all()
    return qs if access.private_fields else qs.filter(_public_taxonomy())


def visible_fields(access: ClassificationAccess = PUBLIC) -> QuerySet[TaxonomyField]:
    qs = TaxonomyField.objects.all()
    if access.private_fields:
        return qs
    return qs.filter(_public_field() & _public_taxonomy("taxonomy__"))


def visible_classifications(access: ClassificationAccess = PUBLIC) -> QuerySet[Classification]:
    qs = Classification.objects.all()
    if not access.unpublished:
        qs = qs.filter(_published_classification())
    if not access.private_fields:
        qs = qs.filter(_public_taxonomy("taxonomy__"))
    return qs


def visible_field_names(*, namespace: str, access: ClassificationAccess = PUBLIC) -> list[str]:
    """Short names of the visible fields of the taxonomy `namespace` (empty if none)."""
    return list(
        visible_fields(access)
        .filter(taxonomy__namespace=namespace)
        .values_list("short_name", flat=True)
    )


def facet_is_visible(facet: str, access: ClassificationAccess = PUBLIC) -> bool:
    """Whether a `Namespace:field:value` filter names a field this reader may see (field
    names may contain colons, so a known field must be a prefix of the rest)."""
    namespace, _, rest = facet.partition(":")
    if not rest:
        return False
    return any(
        rest.startswith(name + ":") and len(rest) > len(name) + 1
        for name in visible_field_names(namespace=namespace, access=access)
    )


def has_visible_facet(*, subject: str, facet: str, access: ClassificationAccess = PUBLIC) -> Exists:
    """An `Exists` test for an incident or report queryset (`subject` is "incident" or
    "report"): the row has a visible classification carrying this `Namespace:field:value`."""
    return Exists(
        visible_classifications(access).filter(
            **{subject: OuterRef("pk")}, facets__contains=[facet]
        )
    )
