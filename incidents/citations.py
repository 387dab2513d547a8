"""Suggested citations of an incident: the AIID's text format and a BibTeX entry.

The AIID cites an incident as
`Last, First. (date) Incident Number N: Title. in Last, F. (ed.) Artificial Intelligence
Incident Database. Responsible AI Collaborative. Retrieved on Month D, YYYY from
incidentdatabase.ai/cite/N.` where the author is the first submitter of the report submitted
earliest and the editor the incident's first editor. Incidents imported from the AIID keep
that publication; incidents created here cite this registry in the same shape.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from incidents.models import DatePrecision, Incident, Report

AIID_SOURCE = "aiid"


@dataclass(frozen=True)
class Publication:
    name: str
    journal: str
    publisher: str
    key_prefix: str
    # `{id}` is replaced by the incident id.
    url_template: str


AIID_PUBLICATION = Publication(
    name="Artificial Intelligence Incident Database",
    journal="AI Incident Database",
    publisher="Responsible AI Collaborative",
    key_prefix="aiid",
    url_template="https://incidentdatabase.ai/cite/{id}",
)


def registry_publication() -> Publication:
    return Publication(
        name=settings.SITE_NAME,
        journal=settings.SITE_NAME,
        publisher=settings.SITE_NAME,
        key_prefix="registry",
        url_template=settings.SITE_URL + "/incidents/{id}/",
    )


@dataclass(frozen=True)
class Citation:
    incident_id: int
    title: str
    incident_date: datetime.date | None
    date_precision: str
    author: str  # as recorded, e.g. "Catherine Olsson (CSET)"
    editor: str
    publication: Publication

    @property
    def url(self) -> str:
        return self.publication.url_template.format(id=self.incident_id)

    @property
    def address(self) -> str:
        """The URL without its scheme, as the text citation shows it."""
        return re.sub(r"^https?://", "", self.url)


def citation_for(*, incident: Incident, reports: Iterable[Report]) -> Citation:
    """The citation of an incident given its reports (already loaded: no query here)."""
    submitted = [r for r in reports if r.submitters]
    submitted.sort(key=lambda r: (r.date_submitted is None, r.date_submitted, r.number))
    return Citation(
        incident_id=incident.id,
        title=incident.title,
        incident_date=incident.date,
        date_precision=incident.date_precision,
        author=submitted[0].submitters[0] if submitted else "",
        editor=incident.editors[0] if incident.editors else "",
        publication=AIID_PUBLICATION if incident.source == AIID_SOURCE else registry_publication(),
    )


_AFFILIATION = re.compile(r"\s*\([^)]*\)\s*$")


def _name_parts(name: str) -> tuple[str, list[str]]:
    """(last name, given names) of "First Middle Last"; "Last, First" is taken as written."""
    name = _AFFILIATION.sub("", name).strip()
    if "," in name:
        last, _, given = name.partition(",")
        return last.strip(), given.split()
    words = name.split()
    if len(words) < 2:
        return name, []
    return words[-1], words[:-1]


def name_last_first(name: str) -> str:
    """ "Catherine Olsson" -> "Olsson, Catherine"; a single word (an organisation) unchanged."""
    last, given = _name_parts(name)
    return f"{last}, {' '.join(given)}" if given else last


def name_last_initials(name: str) -> str:
    """ "Sean McGregor" -> "McGregor, S."; "Daniel J. Atherton" -> "Atherton, D. J."."""
    last, given = _name_parts(name)
    if not given:
        return last
    return f"{last}, " + " ".join(f"{g[0]}." for g in given)


def date_for_citation(date: datetime.date | None, precision: str) -> str:
    if date is None:
        return "n.d."
    if precision == DatePrecision.YEAR:
        return f"{date:%Y}"
    if precision == DatePrecision.MONTH:
        return f"{date:%Y-%m}"
    return date.isoformat()


def long_date(date: datetime.date) -> str:
    """ "March 5, 2024", the AIID's retrieval date format."""
    return f"{date:%B} {date.day}, {date.year}"


def citation_text(citation: Citation, *, retrieved_on: datetime.date) -> str:
    author = name_last_first(citation.author) if citation.author else "Anonymous"
    title = citation.title.strip().rstrip(".")
    editor = f"in {name_last_initials(citation.editor)} (ed.) " if citation.editor else ""
    return (
        f"{author}. ({date_for_citation(citation.incident_date, citation.date_precision)}) "
        f"Incident Number {citation.incident_id}: {title}. "
        f"{editor}{citation.publication.name}. {citation.publication.publisher}. "
        f"Retrieved on {long_date(retrieved_on)} from {citation.address}."
    )


_BIBTEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_BIBTEX_SPECIAL = re.compile("|".join(re.escape(c) for c in _BIBTEX_SPECIALS))


def bibtex_escape(value: str) -> str:
    """Text safe inside a BibTeX `{...}` value: braces balanced, LaTeX specials escaped."""
    flat = " ".join(value.split())
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_SPECIALS[m.group(0)], flat)


def citation_bibtex(citation: Citation, *, retrieved_on: datetime.date) -> str:
    fields: list[tuple[str, str]] = []
    if citation.author:
        fields.append(("author", name_last_first(citation.author)))
    if citation.editor:
        fields.append(("editor", name_last_first(citation.editor)))
    fields += [
        ("journal", citation.publication.journal),
        ("publisher", citation.publication.publisher),
        ("title", f"Incident Number {citation.incident_id}: {citation.title.strip()}"),
    ]
    body = [f"  {name}={{{bibtex_escape(value)}}}" for name, value in fields]
    # The URL is ours (digits and fixed text), so it needs no escaping beyond braces.
    body.append(f"  url={{{citation.url.replace('{', '').replace('}', '')}}}")
    if citation.incident_date is not None:
        body.append(f"  year={{{citation.incident_date.year}}}")
    body.append(f"  urldate={{{retrieved_on.isoformat()}}}")
    key = f"{citation.publication.key_prefix}:{citation.incident_id}"
    return f"@article{{{key},\n" + ",\n".join(body) + "\n}\n"
