"""The API's deprecation policy, applied in one place.

A deprecated query parameter keeps working until its sunset date. Every response to a request
that uses one carries
- `Deprecation: @<unix time>` (RFC 9745): when it was deprecated;
- `Sunset: <HTTP date>` (RFC 8594): after this date it may be refused with a 400;
- `Link: <.../api/v1/changelog/>; rel="deprecation"`: the changelog naming the replacement.
The changelog (docs/api-changelog.md) lists every deprecation with its replacement; the
schema marks the parameter `deprecated: true`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.http import http_date

CHANGELOG_PATH = Path(settings.BASE_DIR) / "docs" / "api-changelog.md"
CHANGELOG_URL_PATH = "/api/v1/changelog/"


@dataclass(frozen=True)
class Deprecation:
    replacement: str
    deprecated_on: datetime.date
    sunset_on: datetime.date


_DATES_ALIKE = datetime.date(2026, 12, 2)
_DATES_ALIKE_SUNSET = datetime.date(2027, 12, 31)

# Parameter name -> its deprecation. One vocabulary for dates: `date_after` / `date_before`.
DEPRECATED_PARAMETERS: Mapping[str, Deprecation] = {
    "date_published_after": Deprecation("date_after", _DATES_ALIKE, _DATES_ALIKE_SUNSET),
    "date_published_before": Deprecation("date_before", _DATES_ALIKE, _DATES_ALIKE_SUNSET),
    "date_from": Deprecation("date_after", _DATES_ALIKE, _DATES_ALIKE_SUNSET),
    "date_to": Deprecation("date_before", _DATES_ALIKE, _DATES_ALIKE_SUNSET),
}


def _timestamp(day: datetime.date) -> int:
    return int(datetime.datetime.combine(day, datetime.time(), datetime.UTC).timestamp())


def deprecations_used(parameter_names: Iterable[str]) -> list[Deprecation]:
    return [
        DEPRECATED_PARAMETERS[n] for n in sorted(set(parameter_names)) if n in DEPRECATED_PARAMETERS
    ]


def add_deprecation_headers(response: Any, parameter_names: Iterable[str]) -> Any:
    """Mark a response to a request that used deprecated parameters (no-op otherwise)."""
    used = deprecations_used(parameter_names)
    if not used:
        return response
    response["Deprecation"] = f"@{min(_timestamp(d.deprecated_on) for d in used)}"
    response["Sunset"] = http_date(_timestamp(min(d.sunset_on for d in used)))
    link = f'<{CHANGELOG_URL_PATH}>; rel="deprecation"; type="text/markdown"'
    existing = response.get("Link")
    response["Link"] = f"{existing}, {link}" if existing else link
    return response
