"""Display names of entities, which the snapshot's incidents.csv names only by slug.

The snapshot's `entities.csv` (columns `entity_id` = the slug, and `name`) gives them when it is
present. Otherwise a name is read from the incidents' own words: an incident naming `xai` as
its deployer usually writes "xAI" in its title or description, so the casing the data itself
uses is kept ("xAI", "NEC", "YouTube", "ChatGPT") instead of title-casing the slug.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from incidents.importers.aiid_rows import IncidentRecord
from incidents.importers.csvfile import CsvFile

ENTITY_COLUMNS = ("entity_id", "name")
MAX_NAME_CHARS = 300


def read_entity_names(csv_file: CsvFile) -> dict[str, str]:
    """slug -> display name, from entities.csv; rows without both cells are reported."""
    slug_at = csv_file.header.index("entity_id")
    name_at = csv_file.header.index("name")
    names: dict[str, str] = {}
    for row in csv_file.rows():
        slug, name = row.cells[slug_at].strip(), " ".join(row.cells[name_at].split())
        if not slug or not name:
            csv_file.problem(row.line, "an entity needs an entity_id and a name; row skipped")
            continue
        names[slug] = name[:MAX_NAME_CHARS]
    return names


def _slug_pattern(slug: str) -> re.Pattern[str] | None:
    words = [re.escape(word) for word in re.split(r"[-_]+", slug) if word]
    if not words:
        return None
    # The slug's words in order, separated by spaces, hyphens or nothing ("chatgpt" finds
    # "ChatGPT", "keolis-north-america" finds "Keolis North America"), as whole words.
    return re.compile(r"(?<!\w)" + r"[\s\-]*".join(words) + r"(?!\w)", re.IGNORECASE)


def names_seen_in_text(records: Iterable[IncidentRecord]) -> dict[str, str]:
    """slug -> the way the incidents' titles and descriptions write it, for the slugs each
    incident names. Only spellings with a capital letter count ("general public" says
    nothing about casing); the most frequent wins, the first seen on a tie."""
    seen: dict[str, Counter[str]] = {}
    patterns: dict[str, re.Pattern[str] | None] = {}
    for record in records:
        text = f"{record.title}\n{record.description}"
        for slugs in record.entities.values():
            for slug in slugs:
                if slug not in patterns:
                    patterns[slug] = _slug_pattern(slug)
                pattern = patterns[slug]
                if pattern is None:
                    continue
                for match in pattern.finditer(text):
                    written = " ".join(match.group(0).split())
                    if written != written.lower():
                        seen.setdefault(slug, Counter())[written] += 1
    # Counter.most_common keeps insertion order among equal counts: first seen wins a tie.
    return {slug: counts.most_common(1)[0][0] for slug, counts in seen.items()}
