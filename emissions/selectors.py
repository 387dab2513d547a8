"""Read paths for disclosures: each visibility rule is written once, here.

Views, the API, the incident pages and exports all ask these functions which disclosures a
person may see or review, so a conflict-of-interest rule cannot drift between them.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, F, OuterRef, Q, QuerySet

from emissions.models import (
    AWAITING_REVIEW_STATES,
    Disclosure,
    DisclosureComment,
    DisclosureState,
    Recomputation,
    ReviewConflict,
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

LEADERBOARD_SORTS: dict[str, tuple[str, ...]] = {
    "tco2e": ("-claim_tco2e", "-id"),
    "-tco2e": ("claim_tco2e", "-id"),
    "energy": ("-claim_energy_kwh", "-id"),
    "-energy": ("claim_energy_kwh", "-id"),
    "date": ("-decided_at", "-id"),
    "-date": ("decided_at", "id"),
    "organisation": ("organisation", "model_name", "id"),
    "-organisation": ("-organisation", "model_name", "id"),
}
DEFAULT_LEADERBOARD_SORT = "tco2e"

Viewer = User | AnonymousUser | None


def _is_reviewer(user: Viewer) -> bool:
    return bool(user is not None and user.is_authenticated and user.has_role(Role.REVIEWER))


def _without_conflicts(reviewer: User) -> Q:
    """Disclosures `reviewer` has no declared or detected conflict with (own ones included)."""
    declared = ReviewConflict.objects.filter(disclosure=OuterRef("pk"), reviewer=reviewer)
    condition = ~Q(owner=reviewer) & ~Exists(declared)
    domain = reviewer.email_domain
    if domain and domain not in FREE_MAIL_DOMAINS:
        condition &= ~Q(owner__email__iendswith="@" + domain)
    organisation = name_key(reviewer.organisation)
    if organisation:
        # "University  A", "university a" and "Ｕｎｉｖｅｒｓｉｔｙ A" are one organisation.
        condition &= ~Q(_organisation_key=organisation) & ~Q(_owner_organisation_key=organisation)
    return condition


def _with_organisation_keys(disclosures: QuerySet[Disclosure]) -> QuerySet[Disclosure]:
    return disclosures.alias(
        _organisation_key=NormalisedName(F("organisation")),
        _owner_organisation_key=NormalisedName(F("owner__organisation")),
    )


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
    return _with_organisation_keys(Disclosure.objects.exclude(state__in=NOT_FOR_REVIEW)).filter(
        _without_conflicts(reviewer)
    )


def disclosures_visible_to(user: Viewer) -> QuerySet[Disclosure]:
    """Public verified ones, the user's own, and for reviewers whatever they may review."""
    condition = Q(state=DisclosureState.VERIFIED)
    if user is not None and user.is_authenticated:
        condition |= Q(owner=user)
    if _is_reviewer(user):
        assert isinstance(user, User)
        condition |= ~Q(state__in=NOT_FOR_REVIEW) & _without_conflicts(user)
    return _with_organisation_keys(Disclosure.objects.all()).filter(condition)


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


def disclosures_leaderboard(*, sort: str = DEFAULT_LEADERBOARD_SORT) -> QuerySet[Disclosure]:
    """Verified disclosures in the order the leaderboard asked for (unknown sorts: default)."""
    order = LEADERBOARD_SORTS.get(sort, LEADERBOARD_SORTS[DEFAULT_LEADERBOARD_SORT])
    return disclosures_public().select_related("venue").order_by(*order)


def verified_disclosures_for_entities(entity_ids: Iterable[int]) -> QuerySet[Disclosure]:
    """Verified training footprints of the given AI systems (incident pages show them)."""
    return (
        disclosures_public()
        .filter(linked_systems__in=list(entity_ids))
        .distinct()
        .order_by("-claim_tco2e", "-id")
    )


def disclosures_awaiting_recomputation() -> QuerySet[Disclosure]:
    """Submitted disclosures whose current input has no recomputation yet (a lost task)."""
    done = Recomputation.objects.filter(
        disclosure=OuterRef("pk"), input_hash=OuterRef("input_hash")
    )
    return Disclosure.objects.filter(state__in=AWAITING_REVIEW_STATES).exclude(Exists(done))


def recomputation_current(disclosure: Disclosure) -> Recomputation | None:
    """The newest recomputation of the disclosure's current input (any catalog version)."""
    return (
        disclosure.recomputations.filter(input_hash=disclosure.input_hash)
        .order_by("-created_at", "-id")
        .first()
    )


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
