"""Read paths for disclosures: each visibility rule is written once, here.

Views, the API, the incident pages and exports all ask these functions which disclosures a
person may see or review, so a conflict-of-interest rule cannot drift between them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import (
    Case,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Abs, Cast, Coalesce
from django.db.models.lookups import Exact

from emissions.models import (
    AWAITING_REVIEW_STATES,
    Disclosure,
    DisclosureComment,
    DisclosureState,
    OverrideOutcome,
    Recomputation,
    ReviewConflict,
    VerificationOverride,
)
from registry.models import AuditEvent, Role, User
from registry.text import NormalisedName, name_key, names_near

# Shared mail providers say nothing about where someone works: never a conflict by domain.
FREE_MAIL_DOMAINS = frozenset(
    {
        "163.com",
        "126.com",
        "aol.com",
        "gmail.com",
        "googlemail.com",
        "gmx.de",
        "gmx.net",
        "hotmail.com",
        "icloud.com",
        "live.com",
        "mail.ru",
        "me.com",
        "outlook.com",
        "proton.me",
        "protonmail.com",
        "qq.com",
        "yahoo.com",
        "yandex.ru",
    }
)

# Drafts are private to their author; withdrawn ones left review at the author's request.
NOT_FOR_REVIEW = (DisclosureState.DRAFT, DisclosureState.WITHDRAWN)

# The leaderboard ranks by the registry's recomputed figure; the claim is shown beside it.
LEADERBOARD_SORTS: dict[str, tuple[Any, ...]] = {
    "tco2e": (F("recomputed_tco2e").desc(nulls_last=True), "-id"),
    "-tco2e": (F("recomputed_tco2e").asc(nulls_last=True), "-id"),
    "claimed": (F("claim_tco2e").desc(nulls_last=True), "-id"),
    "-claimed": (F("claim_tco2e").asc(nulls_last=True), "-id"),
    "energy": (F("claim_energy_kwh").desc(nulls_last=True), "-id"),
    "-energy": (F("claim_energy_kwh").asc(nulls_last=True), "-id"),
    "date": ("-decided_at", "-id"),
    "-date": ("decided_at", "id"),
    "organisation": ("organisation", "model_name", "id"),
    "-organisation": ("-organisation", "model_name", "id"),
}
DEFAULT_LEADERBOARD_SORT = "tco2e"


@dataclass(frozen=True)
class LeaderboardFilters:
    hardware: str = ""
    region: str = ""
    year: int | None = None
    verdict: str = ""


Viewer = User | AnonymousUser | None


def _is_reviewer(user: Viewer) -> bool:
    return bool(user is not None and user.is_authenticated and user.has_role(Role.REVIEWER))


def _without_conflicts(reviewer: User) -> Q:
    """Disclosures `reviewer` has no declared or detected conflict with (own ones included)."""
    declared = ReviewConflict.objects.filter(disclosure=OuterRef("pk"), reviewer=reviewer)
    condition = ~Q(owner=reviewer) & ~Exists(declared)
    domain = name_key(reviewer.email_domain)
    if domain and domain not in FREE_MAIL_DOMAINS:
        condition &= ~Q(owner__email__iendswith="@" + domain)
    organisation = name_key(reviewer.organisation)
    if organisation:
        # "University  A", "university a" and "Ｕｎｉｖｅｒｓｉｔｙ A" are one organisation.
        # A lookup inside the Q, so any queryset of disclosures can use the condition.
        condition &= ~Q(Exact(NormalisedName(F("organisation")), organisation)) & ~Q(
            Exact(NormalisedName(F("owner__organisation")), organisation)
        )
    return condition


def possible_conflicts(*, reviewer: User, disclosure: Disclosure) -> list[str]:
    """Near-matches the exact rule lets through ("Univ. of Example" / "University of
    Example"): flags for a person to judge. Automatic assignment never picks such a pair."""
    theirs = {disclosure.organisation, disclosure.owner.organisation} - {""}
    return [
        f"{reviewer.organisation!r} resembles {organisation!r}"
        for organisation in sorted(theirs)
        if names_near(reviewer.organisation, organisation)
    ]


def disclosures_public() -> QuerySet[Disclosure]:
    """What anyone may see: verified disclosures, superseded versions included."""
    return Disclosure.objects.filter(state=DisclosureState.VERIFIED)


def disclosures_for_reviewer(reviewer: Viewer) -> QuerySet[Disclosure]:
    """Everything `reviewer` may review: submitted at some point, not theirs, no conflict.

    A conflict is declared (ReviewConflict) or detected: the same organisation, or the same
    email domain unless it is a free-mail provider. Chairs and staff review under the same rule.
    """
    if not _is_reviewer(reviewer):
        return Disclosure.objects.none()
    assert isinstance(reviewer, User)
    return Disclosure.objects.exclude(state__in=NOT_FOR_REVIEW).filter(
        _without_conflicts(reviewer)
    )


def disclosures_free_of_conflict_for(user: User) -> QuerySet[Disclosure]:
    """Disclosures `user` has no conflict with, whatever their role (editors confirm too)."""
    return Disclosure.objects.filter(_without_conflicts(user))


def disclosures_visible_to(user: Viewer) -> QuerySet[Disclosure]:
    """Public verified ones, the user's own, and for reviewers whatever they may review."""
    condition = Q(state=DisclosureState.VERIFIED)
    if user is not None and user.is_authenticated:
        condition |= Q(owner=user)
    if _is_reviewer(user):
        assert isinstance(user, User)
        condition |= ~Q(state__in=NOT_FOR_REVIEW) & _without_conflicts(user)
    elif user is not None and user.is_authenticated and user.has_role(Role.EDITOR):
        # Editors are the second pair of eyes on overrides.
        assert isinstance(user, User)
        condition |= Q(state=DisclosureState.OVERRIDE_PENDING) & _without_conflicts(user)
    return Disclosure.objects.all().filter(condition)


def overrides_awaiting_confirmation(user: Viewer) -> QuerySet[Disclosure]:
    """Disclosures accepted despite their verdict, waiting for `user` (an editor, or a chair;
    the workflow table decides which of them `user` may confirm)."""
    if user is None or not user.is_authenticated or not user.has_role(Role.EDITOR, Role.CHAIR):
        return Disclosure.objects.none()
    assert isinstance(user, User)
    return (
        Disclosure.objects.filter(state=DisclosureState.OVERRIDE_PENDING)
        .filter(_without_conflicts(user))
        .select_related("owner", "assigned_reviewer", "venue")
        .order_by("modified_at", "id")
    )


def disclosures_owned_by(owner: User) -> QuerySet[Disclosure]:
    return Disclosure.objects.filter(owner=owner).select_related("venue", "supersedes")


def review_queue(reviewer: Viewer, *, assigned_only: bool = False) -> QuerySet[Disclosure]:
    """Disclosures awaiting a reviewer: unclaimed ones first, oldest submission first."""
    queue = disclosures_for_reviewer(reviewer).filter(state__in=AWAITING_REVIEW_STATES)
    if assigned_only:
        queue = queue.filter(assigned_reviewer=reviewer)
    return queue.select_related("owner", "assigned_reviewer", "venue").order_by(
        "state", "submitted_at", "id"
    )


# Worst first: what most needs a reviewer's eyes. No recomputation yet sorts last.
VERDICT_SEVERITY = {
    "implausible": 0,
    "major_discrepancy": 1,
    "insufficient_data": 2,
    "minor_discrepancy": 3,
    "consistent": 4,
}
QUEUE_SORTS = ("severity", "age", "deviation")


def review_queue_for_triage(reviewer: Viewer, *, sort: str = "severity") -> QuerySet[Disclosure]:
    """`review_queue` with the newest recomputation's verdict, gross tCO2e, deviation and flags
    (`triage_*`), sorted by severity (worst verdict, then oldest), age or |deviation|."""
    queue = review_queue(reviewer).annotate(
        triage_verdict=_latest_current("verdict"),
        triage_gross_tco2e=_latest_current("gross_tco2e"),
        triage_deviation=Cast(_latest_current("result__deviation__tco2e"), FloatField()),
        triage_flags=_latest_current("flags"),
        triage_severity=Case(
            *(When(triage_verdict=v, then=Value(rank)) for v, rank in VERDICT_SEVERITY.items()),
            default=Value(len(VERDICT_SEVERITY)),
            output_field=IntegerField(),
        ),
    )
    if sort == "age":
        return queue.order_by("submitted_at", "id")
    if sort == "deviation":
        return queue.order_by(Abs("triage_deviation").desc(nulls_last=True), "submitted_at", "id")
    return queue.order_by("triage_severity", "submitted_at", "id")


def _latest_current(field: str) -> Subquery:
    return Subquery(
        Recomputation.objects.filter(disclosure=OuterRef("pk"), input_hash=OuterRef("input_hash"))
        .order_by("-created_at", "-id")
        .values(field)[:1]
    )


def with_verification(queryset: QuerySet[Disclosure]) -> QuerySet[Disclosure]:
    """Annotate what each verified mark rests on: `verified_verdict`, `recomputed_tco2e`
    (gross, location-based) and `override_reason` (of a confirmed override, else None).

    The recomputation the mark was given against; the newest one of the verified input for
    disclosures verified before that was recorded.
    """
    confirmed = VerificationOverride.objects.filter(
        disclosure=OuterRef("pk"), outcome=OverrideOutcome.CONFIRMED
    )
    return queryset.select_related("decision_recomputation").annotate(
        verified_verdict=Coalesce(F("decision_recomputation__verdict"), _latest_current("verdict")),
        recomputed_tco2e=Coalesce(
            F("decision_recomputation__gross_tco2e"), _latest_current("gross_tco2e")
        ),
        override_reason=Subquery(confirmed.values("reason")[:1]),
    )


def disclosures_leaderboard(
    *, sort: str = DEFAULT_LEADERBOARD_SORT, filters: LeaderboardFilters | None = None
) -> QuerySet[Disclosure]:
    """Verified disclosures, filtered and in the order the leaderboard asked for (unknown
    sorts: the default, largest recomputed footprint first)."""
    order = LEADERBOARD_SORTS.get(sort, LEADERBOARD_SORTS[DEFAULT_LEADERBOARD_SORT])
    queryset = with_verification(disclosures_public().select_related("venue"))
    filters = filters or LeaderboardFilters()
    if filters.hardware:
        queryset = queryset.filter(runs__contains=[{"accelerator": filters.hardware}])
    if filters.region:
        queryset = queryset.filter(
            Q(runs__contains=[{"location": {"country": filters.region}}])
            | Q(runs__contains=[{"location": {"cloud_region": filters.region}}])
        )
    if filters.year is not None:
        queryset = queryset.filter(decided_at__year=filters.year)
    if filters.verdict:
        queryset = queryset.filter(verified_verdict=filters.verdict)
    return queryset.order_by(*order)


def leaderboard_filter_choices() -> dict[str, list[Any]]:
    """The hardware, regions and years that occur among verified disclosures."""
    hardware: set[str] = set()
    regions: set[str] = set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT run->>'accelerator', run->'location'->>'country', "
            "run->'location'->>'cloud_region' FROM emissions_disclosure d, "
            "jsonb_array_elements(CASE WHEN jsonb_typeof(d.runs) = 'array' THEN d.runs "
            "ELSE '[]'::jsonb END) AS run WHERE d.state = %s",
            [DisclosureState.VERIFIED],
        )
        for accelerator, country, cloud_region in cursor.fetchall():
            hardware.update(x for x in (accelerator,) if x)
            regions.update(x for x in (country, cloud_region) if x)
    years = disclosures_public().exclude(decided_at=None).dates("decided_at", "year", order="DESC")
    return {
        "hardware": sorted(hardware, key=str.casefold),
        "regions": sorted(regions, key=str.casefold),
        "years": [d.year for d in years],
    }


def disclosures_awaiting_recomputation(catalog_version: str = "") -> QuerySet[Disclosure]:
    """Submitted disclosures whose current input has no recomputation yet (a lost task), or
    none under `catalog_version` when one is given (stale after a catalog change)."""
    done = Recomputation.objects.filter(
        disclosure=OuterRef("pk"), input_hash=OuterRef("input_hash")
    )
    if catalog_version:
        done = done.filter(catalog_version=catalog_version)
    return Disclosure.objects.filter(state__in=AWAITING_REVIEW_STATES).exclude(Exists(done))


def recomputation_current(disclosure: Disclosure) -> Recomputation | None:
    """The newest recomputation of the disclosure's current input (any catalog version)."""
    return (
        disclosure.recomputations.filter(input_hash=disclosure.input_hash)
        .order_by("-created_at", "-id")
        .first()
    )


def recomputation_for_catalog(disclosure: Disclosure, catalog_version: str) -> Recomputation | None:
    """The recomputation of the disclosure's current input under this catalog version."""
    return disclosure.recomputations.filter(
        input_hash=disclosure.input_hash, catalog_version=catalog_version
    ).first()


def disclosure_pending_override(disclosure: Disclosure) -> VerificationOverride | None:
    return disclosure.overrides.filter(outcome=OverrideOutcome.PENDING).first()


def disclosure_confirmed_override(disclosure: Disclosure) -> VerificationOverride | None:
    return disclosure.overrides.filter(outcome=OverrideOutcome.CONFIRMED).first()


def disclosure_audit_trail(disclosure: Disclosure) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        subject_type=Disclosure._meta.label_lower, subject_id=disclosure.pk
    ).order_by("created_at", "id")


def disclosure_comments(disclosure: Disclosure) -> QuerySet[DisclosureComment]:
    return disclosure.comments.select_related("author")


def disclosure_versions(disclosure: Disclosure, *, viewer: Viewer) -> list[Disclosure]:
    """The versions in the disclosure's line that `viewer` may see, oldest first."""
    root = disclosure
    while root.supersedes_id is not None:
        root = Disclosure.objects.get(pk=root.supersedes_id)
    line = [root.pk]
    frontier = [root.pk]
    while frontier:
        frontier = list(
            Disclosure.objects.filter(supersedes_id__in=frontier).values_list("pk", flat=True)
        )
        line.extend(frontier)
    return list(disclosures_visible_to(viewer).filter(pk__in=line).order_by("version", "id"))


def disclosure_superseded_by(disclosure: Disclosure) -> Disclosure | None:
    """The verified amendment that replaced this version, if there is one."""
    return disclosure.amendments.filter(state=DisclosureState.VERIFIED).first()
