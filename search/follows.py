"""Following incidents, entities, taxonomy values and saved searches: the write paths, the
signed links of the emails, and how each follow reads as search queries.

Side effects: `follow_add` emails a confirmation link (on commit) when the person's address is
not confirmed yet; nothing else here sends mail. Digests are built in search/digest.py.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident, Report
from incidents.services.editing import entity_current, incident_current_id
from search.facets import ENTITY_FACETS, value_label
from search.models import DigestAddress, Follow, FollowKind
from search.params import SearchParamError, search_query_from_params

MAX_FOLLOWS_PER_USER = 200
MAX_SEARCH_TARGET_CHARS = 1000  # Follow.target's length
CONFIRMATION_MAX_AGE_S = 7 * 24 * 3600
CONFIRM_SALT = "search.follows.confirm"
UNSUBSCRIBE_SALT = "search.follows.unsubscribe"
# What a saved search keeps of its URL: not the page it was on, nor how it was sorted.
SEARCH_KEPT_PARAMETERS = (
    "q",
    "type",
    "facet",
    "author",
    "flagged",
    "incident",
    "date_from",
    "date_to",
)


def follow_params(kind: str, target: str) -> list[list[tuple[str, str]]]:
    """The search URL parameters that find what a follow is about (an entity in any role is
    one search per role: facets of different names are ANDed)."""
    if kind == FollowKind.INCIDENT:
        current = incident_current_id(int(target)) if target.isdigit() else None
        return [[("incident", str(current or target))]]
    if kind == FollowKind.ENTITY:
        entity = entity_current(target)  # a merged entity's incidents are its survivor's
        slug = entity.slug if entity is not None else target
        return [[("facet", f"{role}:{slug}")] for role in sorted(ENTITY_FACETS)]
    if kind == FollowKind.TAXONOMY:
        return [[("facet", f"taxonomy:{target}")]]
    return [[(k, v) for k, v in parse_qsl(target) if k != "type"]]


def follow_target_key(kind: str, target: str) -> str:
    """How a follow's target is stored: a search's parameters in one canonical order."""
    if kind != FollowKind.SEARCH:
        return target.strip()
    return urlencode(_search_pairs(target))


def _search_pairs(raw: str) -> list[tuple[str, str]]:
    return sorted((k, v) for k, v in parse_qsl(raw) if k in SEARCH_KEPT_PARAMETERS)


def _search_target(raw: str) -> tuple[str, str]:
    """A search's query string as kept (canonical order) and its label."""
    pairs = _search_pairs(raw)
    if len(urlencode(pairs)) > MAX_SEARCH_TARGET_CHARS:
        raise ValidationError({"target": ["This search is too long to follow."]})
    try:
        query = search_query_from_params(as_query_dict(pairs))
    except SearchParamError as exc:
        raise ValidationError({"target": [str(exc)]}) from None
    if query.type == "disclosure":
        raise ValidationError({"target": ["Only incident and report searches can be followed."]})
    words = query.parsed.text
    filters = [f"{n}:{v}" for n, values in query.facets.items() for v in values]
    label = " ".join(filter(None, [f"“{words}”" if words else "", ", ".join(filters)]))
    return urlencode(pairs), f"Search {label or 'for everything'}"[:300]


def as_query_dict(pairs: list[tuple[str, str]]) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, value in pairs:
        query.appendlist(key, value)
    return query


def follow_target_resolve(*, kind: str, target: str) -> tuple[str, str]:
    """The stored target and its label, or ValidationError when it names nothing."""
    target = target.strip()
    if kind == FollowKind.INCIDENT:
        current = (
            incident_current_id(int(target)) if target.isdigit() and len(target) < 10 else None
        )
        if current is None:
            raise ValidationError({"target": [f"No incident with id {target[:20]}."]})
        title = Incident.objects.filter(pk=current).values_list("title", flat=True).first()
        return str(current), f"Incident {current}: {title}"[:300]
    if kind == FollowKind.ENTITY:
        entity = entity_current(target[:200])
        if entity is None:
            raise ValidationError({"target": ["No such entity."]})
        return entity.slug, entity.name[:300]
    if kind == FollowKind.TAXONOMY:
        namespace, _, rest = target.partition(":")
        field, _, value = rest.partition(":")
        if not (namespace and field and value) or len(target) > 600:
            raise ValidationError({"target": ["A taxonomy value reads Namespace:field:value."]})
        return target, value_label("taxonomy", target, {})[:300]
    if kind == FollowKind.SEARCH:
        return _search_target(target)
    raise ValidationError({"kind": ["Unknown kind of follow."]})


def follow_add(*, user: object, kind: str, target: str) -> Follow:
    """Follow something from now on: the watermarks start at today's newest report and
    incident, so the first digest holds only what is added afterwards. Idempotent. Emails a
    confirmation link on commit when the account's address is not confirmed for digests."""
    stored, label = follow_target_resolve(kind=kind, target=target)
    with transaction.atomic():
        existing = Follow.objects.filter(user=user, kind=kind, target=stored).first()
        if existing is not None:
            return existing
        if Follow.objects.filter(user=user).count() >= MAX_FOLLOWS_PER_USER:
            raise ValidationError({"target": [f"At most {MAX_FOLLOWS_PER_USER} follows."]})
        try:
            with transaction.atomic():
                follow = Follow.objects.create(
                    user=user,
                    kind=kind,
                    target=stored,
                    label=label,
                    last_report_number=Report.objects.aggregate(m=Max("number"))["m"] or 0,
                    last_incident_id=Incident.objects.aggregate(m=Max("id"))["m"] or 0,
                )
        except IntegrityError:  # a concurrent identical follow won
            return Follow.objects.get(user=user, kind=kind, target=stored)
        if not digest_address_confirmed(user):
            transaction.on_commit(lambda: digest_confirmation_send(user=user))
    return follow


def follow_remove(*, user: object, follow_id: int) -> bool:
    deleted, _ = Follow.objects.filter(user=user, pk=follow_id).delete()
    return bool(deleted)


def follows_for_user(user: object) -> list[Follow]:
    return list(Follow.objects.filter(user=user))


def follow_find(*, user: object, kind: str, target: str) -> Follow | None:
    if not getattr(user, "is_authenticated", False):
        return None
    key = follow_target_key(kind, target)
    return Follow.objects.filter(user=user, kind=kind, target=key).first()


def digest_address_confirmed(user: object) -> bool:
    """True when the account's current email was confirmed for digests."""
    email = getattr(user, "email", "")
    return (
        bool(email)
        and DigestAddress.objects.filter(
            user=user, email__iexact=email, confirmed_at__isnull=False
        ).exists()
    )


def digest_confirmation_send(*, user: object) -> bool:
    """Email a link that confirms the account's address for digests (at most one an hour)."""
    email = getattr(user, "email", "")
    if not email:
        return False
    now = timezone.now()
    with transaction.atomic():
        address, _ = DigestAddress.objects.select_for_update().get_or_create(
            user=user, defaults={"email": email}
        )
        if address.email.lower() != email.lower():
            address.email, address.confirmed_at = email, None
        recent = (
            address.confirmation_sent_at
            and (now - address.confirmation_sent_at).total_seconds() < 3600
        )
        if address.confirmed_at or recent:
            address.save()
            return False
        address.confirmation_sent_at = now
        address.save()
    token = signing.dumps({"u": user.pk, "e": email.lower()}, salt=CONFIRM_SALT)
    link = settings.SITE_URL + reverse("follow_confirm", kwargs={"token": token})
    body = render_to_string(
        "search/email_follow_confirm.txt", {"link": link, "site": settings.SITE_NAME}
    )
    send_mail(
        f"Confirm your {settings.SITE_NAME} digest", body, settings.DEFAULT_FROM_EMAIL, [email]
    )
    return True


def digest_address_confirm(*, token: str) -> DigestAddress | None:
    """The emailed link: confirms the address it was sent to (if it is still the account's)."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRMATION_MAX_AGE_S)
    except signing.BadSignature:
        return None
    address = DigestAddress.objects.filter(user_id=data.get("u")).select_related("user").first()
    if (
        address is None
        or address.user.email.lower() != data.get("e")
        or address.email.lower() != data.get("e")
    ):
        return None
    if address.confirmed_at is None:
        address.confirmed_at = timezone.now()
        address.save(update_fields=["confirmed_at"])
    return address


def unsubscribe_token(*, user_id: int, follow_id: int | None) -> str:
    """A link that stops one follow (or every one: follow_id None), without signing in."""
    return signing.dumps({"u": user_id, "f": follow_id}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_token_read(token: str) -> tuple[int, int | None] | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return int(data["u"]), data.get("f")


def unsubscribe(*, token: str) -> int | None:
    """Stop what the token names; the number of follows stopped, or None for a bad token."""
    read = unsubscribe_token_read(token)
    if read is None:
        return None
    user_id, follow_id = read
    follows = Follow.objects.filter(user_id=user_id)
    if follow_id is not None:
        follows = follows.filter(pk=follow_id)
    deleted, _ = follows.delete()
    return deleted
