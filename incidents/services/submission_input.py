"""What a submission holds and the AIID's rules for it, shared by the form, the API and the
editors' edit page (which only parse input and call `submission_validate`)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils import timezone

from incidents.models import Incident, IncidentRedirect
from registry.ids import MAX_ID

TITLE_MIN, TITLE_MAX = 6, 500
TEXT_MIN, TEXT_MAX = 80, 50_000
AUTHOR_MIN, AUTHOR_MAX = 3, 200
MAX_AUTHORS = 50
ENTITY_NAME_MAX = 300
MAX_ENTITIES_PER_ROLE = 50
DESCRIPTION_MAX = 10_000
REASON_MAX = 2_000
MAX_INCIDENT_IDS = 20
URL_MAX = 2000
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
_url_validator = URLValidator(schemes=["http", "https"])


@dataclass
class SubmissionData:
    """A submission as typed by a person or an API client (AIID field names)."""

    url: str = ""
    title: str = ""
    text: str = ""
    authors: list[str] = field(default_factory=list)
    date_published: datetime.date | None = None
    date_downloaded: datetime.date | None = None
    language: str = "en"
    image_url: str = ""
    incident_ids: list[int] = field(default_factory=list)
    incident_title: str = ""
    incident_date: datetime.date | None = None
    description: str = ""
    deployers: list[str] = field(default_factory=list)
    developers: list[str] = field(default_factory=list)
    harmed_parties: list[str] = field(default_factory=list)
    submitter_name: str = ""
    submitter_email: str = ""

    def cleaned(self) -> SubmissionData:
        """Surrounding whitespace stripped, empty list items dropped, duplicates kept once."""
        values = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, str):
                value = value.strip()
            elif isinstance(value, list) and f.name != "incident_ids":
                value = list(dict.fromkeys(str(v).strip() for v in value if str(v).strip()))
            elif f.name == "incident_ids":
                value = list(dict.fromkeys(value))
            values[f.name] = value
        values["language"] = values["language"].lower() or "en"
        return SubmissionData(**values)


NEW_INCIDENT_FIELDS = (
    "incident_title",
    "incident_date",
    "description",
    "deployers",
    "developers",
    "harmed_parties",
)
EDITABLE_FIELDS = tuple(f.name for f in fields(SubmissionData))


def submission_validate(data: SubmissionData, *, quick_add: bool = False) -> dict[str, list[str]]:
    """The AIID's rules: title 6-500 characters, text 80-50,000, each author 3-200, no date in
    the future, a URL always. A quick add needs only the URL. Returns errors by field."""
    errors: dict[str, list[str]] = {}

    def error(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    for f in fields(data):
        for value in _strings(getattr(data, f.name)):
            if not text_storable(value):
                error(f.name, "Contains characters that cannot be stored (NUL or broken Unicode).")
                break
    if errors:
        return errors

    _check_url(data.url, "url", error, required=True)
    if data.image_url:
        _check_url(data.image_url, "image_url", error, required=False)
    if not quick_add or data.title:
        _check_length(data.title, "title", "Title", TITLE_MIN, TITLE_MAX, error)
    if not quick_add or data.text:
        _check_length(data.text, "text", "Text", TEXT_MIN, TEXT_MAX, error)
    if len(data.authors) > MAX_AUTHORS:
        error("authors", f"At most {MAX_AUTHORS} authors.")
    for author in data.authors:
        if not AUTHOR_MIN <= len(author) <= AUTHOR_MAX:
            error(
                "authors",
                f"Each author needs {AUTHOR_MIN} to {AUTHOR_MAX} characters "
                f"('{author[:40]}' has {len(author)}).",
            )
    today = timezone.localdate()
    for name in ("date_published", "date_downloaded", "incident_date"):
        value = getattr(data, name)
        if value is not None and value > today:
            error(name, f"The date {value.isoformat()} is in the future.")
    if data.language and not LANGUAGE_CODE.match(data.language):
        error("language", "Use an ISO language code such as 'en' or 'pt-BR'.")
    if data.incident_title:
        _check_length(
            data.incident_title, "incident_title", "Incident title", TITLE_MIN, TITLE_MAX, error
        )
    if len(data.description) > DESCRIPTION_MAX:
        error(
            "description",
            f"Description is at most {DESCRIPTION_MAX:,} characters "
            f"(this one has {len(data.description):,}).",
        )
    for role in ("deployers", "developers", "harmed_parties"):
        names = getattr(data, role)
        if len(names) > MAX_ENTITIES_PER_ROLE:
            error(role, f"At most {MAX_ENTITIES_PER_ROLE} names.")
        if any(len(n) > ENTITY_NAME_MAX for n in names):
            error(role, f"Each name is at most {ENTITY_NAME_MAX} characters.")
    _check_incident_ids(data, error)
    if len(data.submitter_name) > 200:
        error("submitter_name", "Your name is at most 200 characters.")
    if data.submitter_email:
        try:
            validate_email(data.submitter_email)
        except ValidationError:
            error("submitter_email", "Enter a valid email address.")
    return errors


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def text_storable(value: str) -> bool:
    # PostgreSQL text refuses NUL; lone surrogates cannot be encoded as UTF-8.
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_url(value: str, name: str, error: Callable[[str, str], None], *, required: bool) -> None:
    if not value:
        if required:
            error(name, "A URL is required.")
        return
    if len(value) > URL_MAX:
        error(name, f"A URL is at most {URL_MAX} characters.")
        return
    try:
        _url_validator(value)
    except ValidationError:
        error(name, "Enter a full http:// or https:// address.")


def _check_length(
    value: str,
    name: str,
    label: str,
    minimum: int,
    maximum: int,
    error: Callable[[str, str], None],
) -> None:
    if len(value) < minimum:
        error(name, f"{label} needs at least {minimum:,} characters (this one has {len(value):,}).")
    elif len(value) > maximum:
        error(name, f"{label} is at most {maximum:,} characters (this one has {len(value):,}).")


def _check_incident_ids(data: SubmissionData, error: Callable[[str, str], None]) -> None:
    if not data.incident_ids:
        return
    if any(getattr(data, name) for name in NEW_INCIDENT_FIELDS):
        error(
            "incident_ids",
            "Give either existing incident ids or a proposed new incident, not both.",
        )
    if len(data.incident_ids) > MAX_INCIDENT_IDS:
        error("incident_ids", f"At most {MAX_INCIDENT_IDS} incidents.")
        return
    bad = [i for i in data.incident_ids if not 1 <= i <= MAX_ID]
    if bad:
        error("incident_ids", f"Not an incident id: {', '.join(map(str, bad))}.")
        return
    missing = set(data.incident_ids) - set(incident_ids_resolve(data.incident_ids).keys())
    if missing:
        error(
            "incident_ids",
            "No incident with id " + ", ".join(str(i) for i in sorted(missing)) + ".",
        )


def incident_ids_resolve(ids: Iterable[int]) -> dict[int, int]:
    """Map each given id to the current incident id (a merged duplicate to the incident that
    absorbed it); ids that name nothing are left out."""
    wanted = set(ids)
    existing = set(Incident.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    resolved = {i: i for i in existing}
    for old_id, target in IncidentRedirect.objects.filter(old_id__in=wanted - existing).values_list(
        "old_id", "target_id"
    ):
        resolved[old_id] = target
    return resolved
