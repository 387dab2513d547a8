"""Query parsing: any string a user types becomes a small, safe structure both engines read.

Web-search syntax, as on a search engine: words are ANDed, `"a quoted phrase"` matches the
words next to each other, `-word` or `-"a phrase"` excludes, and `or` between two items makes
either one do. Everything else is plain text: operators of the underlying engines (`:*`, `&`,
`|`, `!`, `(`, backslashes, `field:value`) carry no meaning and cannot produce a syntax error,
because neither engine ever sees the user's string: PostgreSQL gets a websearch string rebuilt
from the structure, Elasticsearch gets match queries built from it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

MAX_QUERY_CHARS = 500
MAX_TERMS = 32
MAX_TERM_CHARS = 100

# Characters kept inside a term: letters, digits, marks, and the joiners that keep "covid-19",
# "o'neil", "gpt-4.5" and "at&t" whole for the engines' own tokenisers.
_TERM_JUNK = re.compile(r"[^\w\-'.&+@#/]+", re.UNICODE)
_EDGE_JUNK = re.compile(r"^[\-'.&+@#/_]+|[\-'.&+@#/_]+$")
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


class QueryError(ValueError):
    """The query cannot be run as typed; the message says why, for the person who typed it."""


@dataclass(frozen=True)
class Term:
    text: str
    phrase: bool = False

    def websearch(self) -> str:
        # A lone word "or" would read as the operator: quoting keeps it a word.
        quote = self.phrase or self.text.lower() == "or"
        return f'"{self.text}"' if quote else self.text


@dataclass(frozen=True)
class ParsedQuery:
    """Conjunction of groups; each group is a disjunction of terms; minus the excluded terms."""

    groups: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()
    text: str = ""
    truncated_terms: bool = False
    words: tuple[str, ...] = field(default=(), compare=False)

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.excluded

    @property
    def only_excludes(self) -> bool:
        return not self.groups and bool(self.excluded)

    def websearch(self) -> str:
        """The canonical web-search string (what PostgreSQL's websearch_to_tsquery reads)."""
        parts = [" or ".join(term.websearch() for term in group) for group in self.groups]
        parts += [f"-{term.websearch()}" for term in self.excluded]
        return " ".join(parts)

    def loose_websearch(self) -> str:
        """A web-search string matching everything the query matches and perhaps more: the
        excluded phrases are left out (their phrases relax to words in the engine)."""
        parts = [" or ".join(term.websearch() for term in group) for group in self.groups]
        parts += [f"-{term.websearch()}" for term in self.excluded if not term.phrase]
        return " ".join(parts)

    @property
    def has_phrase(self) -> bool:
        return any(term.phrase for group in self.groups for term in group) or any(
            term.phrase for term in self.excluded
        )


def clean_text(raw: str) -> str:
    """NFKC-normalised text without control characters (NUL included) or repeated spaces."""
    text = unicodedata.normalize("NFKC", raw)
    text = "".join(
        " " if unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Zl", "Zp"} else ch
        for ch in text
    )
    return " ".join(text.split())


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _clean_term(text: str) -> str:
    text = _TERM_JUNK.sub(" ", text)
    words = [_EDGE_JUNK.sub("", word) for word in text.split()]
    return " ".join(word for word in words if word)[:MAX_TERM_CHARS]


def parse_query(raw: str | None) -> ParsedQuery:
    """Parse what a user typed. Raises QueryError only for a query longer than
    MAX_QUERY_CHARS; everything else parses (possibly to an empty query)."""
    text = clean_text(raw or "")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"The query is too long ({len(text)} characters); the limit is {MAX_QUERY_CHARS}."
        )
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    pending_or = False
    count = 0
    truncated = False
    for match in _TOKEN.finditer(text):
        negated, quoted, bare = match.group(1), match.group(2), match.group(3)
        if bare is not None and bare.lower() == "or":
            pending_or = bool(groups)
            continue
        if bare is not None and bare.startswith("-") and len(bare) > 1:
            negated, bare = "-", bare[1:]
        # Words glued by punctuation ("foo:*bar") stay together as a phrase.
        cleaned = _clean_term(quoted if quoted is not None else bare or "")
        term = Term(cleaned, phrase=len(cleaned.split()) > 1)
        if not term.text:
            continue
        if count >= MAX_TERMS:
            truncated = True
            break
        count += 1
        if negated:
            excluded.append(term)
            pending_or = False
        elif pending_or:
            groups[-1].append(term)
            pending_or = False
        else:
            groups.append([term])
    words = tuple(
        word for group in groups for term in group if not term.phrase for word in term.text.split()
    )
    parsed = ParsedQuery(
        groups=tuple(tuple(group) for group in groups),
        excluded=tuple(excluded),
        truncated_terms=truncated,
        words=words,
    )
    return ParsedQuery(
        groups=parsed.groups,
        excluded=parsed.excluded,
        text=parsed.websearch(),
        truncated_terms=truncated,
        words=words,
    )
