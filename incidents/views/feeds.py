"""Atom feeds of new incidents and new reports.

Atom summaries are declared as HTML, so every text is HTML-escaped here: a feed reader must
show a report's `<script>` as text, never run it.
"""

from __future__ import annotations

import datetime
import html

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, strip_tags
from django.utils.text import Truncator

from incidents.models import Incident, Report
from incidents.rendering import render_markdown
from incidents.selectors import latest_incidents, latest_reports

FEED_LENGTH = 50
SUMMARY_WORDS = 80
# Enough text for the summary's words; rendering whole articles would make the feed slow.
SUMMARY_SOURCE_CHARS = 2_000


def _summary(text: str) -> str:
    # Through the sanitiser first, so a <script>'s content is dropped, not shown as words.
    plain = html.unescape(strip_tags(render_markdown(text[:SUMMARY_SOURCE_CHARS])))
    return escape(Truncator(plain).words(SUMMARY_WORDS))


class IncidentsFeed(Feed):
    feed_type = Atom1Feed
    title = "New AI incidents"
    link = "/incidents/"
    subtitle = "Incidents most recently added to the registry."

    def items(self) -> list[Incident]:
        return latest_incidents(limit=FEED_LENGTH)

    def item_title(self, item: Incident) -> str:
        return f"Incident {item.id}: {item.title}"

    def item_description(self, item: Incident) -> str:
        return _summary(item.description)

    def item_pubdate(self, item: Incident) -> datetime.datetime:
        return item.created_at

    def item_updateddate(self, item: Incident) -> datetime.datetime:
        return item.modified_at


class ReportsFeed(Feed):
    feed_type = Atom1Feed
    title = "New reports on AI incidents"
    link = "/incidents/"
    subtitle = "Reports most recently added to the registry."

    def items(self) -> list[Report]:
        return latest_reports(limit=FEED_LENGTH)

    def item_title(self, item: Report) -> str:
        return item.title or f"Report {item.number}"

    def item_description(self, item: Report) -> str:
        return _summary(item.description or item.text)

    def item_author_name(self, item: Report) -> str | None:
        return ", ".join(item.authors) or None

    def item_pubdate(self, item: Report) -> datetime.datetime:
        return item.created_at

    def item_updateddate(self, item: Report) -> datetime.datetime:
        return item.modified_at
