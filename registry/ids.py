"""Ids read from URLs, query strings and forms: the one bound every path checks first.

`MAX_ID` is PostgreSQL's `integer` maximum, the range of the narrowest id column (incident ids
and report numbers; other tables use `bigint`, whose sequences start at 1 and will not pass it).
An id beyond a column's range would be a database error instead of a 404 or a 400, so every
path refuses it before asking the database.
"""

from __future__ import annotations

MAX_ID = 2**31 - 1
_MAX_DIGITS = len(str(MAX_ID))


def parse_id(raw: object) -> int | None:
    """`raw` as an id (ASCII digits, 1..MAX_ID), or None. Long inputs are refused before
    `int()` reads them (Python refuses to parse more than 4,300 digits with an error)."""
    text = str(raw)
    if not (0 < len(text) <= _MAX_DIGITS and text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None
