"""The follows' email digest: what was added since the last one, per follow, in one email.

Each follow reads as search queries (search.follows.follow_params) restricted to records newer
than its watermarks (`SearchQuery.after_id`), run on PostgreSQL (the source of truth, as the
export). Sent by the Celery beat task `search.send_follow_digests` (daily by default,
FOLLOW_DIGEST_EVERY_S), only to confirmed addresses, with a one-click unsubscribe link per
follow and for all of them (RFC 8058 headers).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident, Report
from registry.models import User
from search.follows import as_query_dict, follow_params, unsubscribe_token
from search.models import DigestAddress, Follow
from search.params import SearchParamError, search_query_from_params
from search.pg import PostgresEngine

ITEMS_PER_FOLLOW = 10


@dataclass(frozen=True)
class DigestItem:
    key: int
    title: str
    url: str


@dataclass
class DigestSection:
    follow: Follow
    incidents: list[DigestItem] = field(default_factory=list)
    reports: list[DigestItem] = field(default_factory=list)
    more: int = 0
    unsubscribe_url: str = ""

    @property
    def any(self) -> bool:
        return bool(self.incidents or self.reports)


def _new_items(follow: Follow, hit_type: str, after_id: int) -> tuple[list[DigestItem], int]:
    """Records of `hit_type` newer than `after_id` that the follow's searches find (up to
    ITEMS_PER_FOLLOW, and how many more)."""
    found: dict[int, DigestItem] = {}
    for params in follow_params(follow.kind, follow.target):
        try:
            base = search_query_from_params(as_query_dict(params))
        except SearchParamError:
            continue  # a saved search that no longer parses finds nothing
        query = replace(base, type=hit_type, sort="submitted", after_id=after_id, page=1)
        rows = PostgresEngine().iter_rows(query)
        for row in itertools.islice(rows, ITEMS_PER_FOLLOW + 1):
            key = int(row["id"] if hit_type == "incident" else row["number"])
            prefix = "incidents" if hit_type == "incident" else "reports"
            found.setdefault(
                key, DigestItem(key, row.get("title") or "(untitled)", f"/{prefix}/{key}/")
            )
        rows.close()
    ordered = sorted(found.values(), key=lambda item: -item.key)
    return ordered[:ITEMS_PER_FOLLOW], max(0, len(ordered) - ITEMS_PER_FOLLOW)


def digest_sections(follows: list[Follow]) -> list[DigestSection]:
    sections = []
    for follow in follows:
        incidents, more_incidents = _new_items(follow, "incident", follow.last_incident_id)
        reports, more_reports = _new_items(follow, "report", follow.last_report_number)
        sections.append(
            DigestSection(
                follow=follow,
                incidents=incidents,
                reports=reports,
                more=more_incidents + more_reports,
            )
        )
    return sections


def digest_send(*, user: User) -> bool:
    """Email `user` what their follows found since the last digest, if anything and if their
    address is confirmed; then move the watermarks so nothing is announced twice."""
    address = DigestAddress.objects.filter(
        user=user, email__iexact=user.email, confirmed_at__isnull=False
    ).first()
    follows = list(Follow.objects.filter(user=user))
    if address is None or not follows or not user.is_active:
        return False
    newest_report = Report.objects.aggregate(m=Max("number"))["m"] or 0
    newest_incident = Incident.objects.aggregate(m=Max("id"))["m"] or 0
    sections = digest_sections(follows)
    for section in sections:
        token = unsubscribe_token(user_id=user.pk, follow_id=section.follow.pk)
        section.unsubscribe_url = _absolute("follow_unsubscribe", token)
    found = [s for s in sections if s.any]
    if found:
        _send(user, address.email, found)
    with transaction.atomic():
        for section in sections:
            follow = section.follow
            follow.last_report_number = max(
                [follow.last_report_number, newest_report, *(i.key for i in section.reports)]
            )
            follow.last_incident_id = max(
                [follow.last_incident_id, newest_incident, *(i.key for i in section.incidents)]
            )
            follow.save(update_fields=["last_report_number", "last_incident_id"])
        if found:
            address.last_sent_at = timezone.now()
            address.save(update_fields=["last_sent_at"])
    return bool(found)


def _absolute(name: str, token: str) -> str:
    return settings.SITE_URL + reverse(name, kwargs={"token": token})


def _send(user: User, email: str, sections: list[DigestSection]) -> None:
    all_url = _absolute("follow_unsubscribe", unsubscribe_token(user_id=user.pk, follow_id=None))
    incidents = sum(len(s.incidents) for s in sections)
    reports = sum(len(s.reports) for s in sections)
    body = render_to_string(
        "search/email_digest.txt",
        {
            "sections": sections,
            "site_url": settings.SITE_URL,
            "site": settings.SITE_NAME,
            "unsubscribe_all_url": all_url,
            "following_url": settings.SITE_URL + reverse("following"),
        },
    )
    subject = (
        f"{settings.SITE_NAME} digest: {incidents} new incident{'s' * (incidents != 1)}, "
        f"{reports} new report{'s' * (reports != 1)}"
    )
    message = EmailMessage(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [email],
        headers={
            "List-Unsubscribe": f"<{all_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.send()


def digests_send_all() -> int:
    """One digest per person with follows and a confirmed address; the number sent."""
    users = User.objects.filter(
        follows__isnull=False, digest_address__confirmed_at__isnull=False, is_active=True
    ).distinct()
    return sum(1 for user in users.iterator() if digest_send(user=user))
