"""Spreadsheet-formula defusing: the one rule every CSV the registry writes follows.

A cell that a spreadsheet would run as a formula (`=HYPERLINK(...)`, `+cmd|...`, `@SUM(...)`)
is written with a leading apostrophe, which spreadsheets show as text and hide. A cell starts
like a formula when its first character is one of `FORMULA_STARTS`: the OWASP CSV-injection
list (= + - @, tab and carriage return, which spreadsheets skip before a formula) plus | and %
as defusedcsv also escapes (a `|` inside such a cell is escaped too, against DDE payloads).
A plain number such as `-12.5` or `1,000` is left alone so that it stays a number.

The rule has two forms that must agree, character for character (a test runs one corpus
through both on PostgreSQL): `defuse_cell` for Python writers and `defused_sql` for CSV that
PostgreSQL writes itself with COPY. `csv_writer` is the writer every CSV export uses.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from numbers import Number
from typing import IO, Any

FORMULA_STARTS = ("=", "+", "-", "@", "|", "%", "\t", "\r")
# The whole cell is digits with an optional leading minus, commas and dots.
PLAIN_NUMBER = re.compile(r"-?[0-9,.]+")
PLAIN_NUMBER_SQL = "^-?[0-9,.]+$"  # PostgreSQL's `$` is the end of the text, as fullmatch


def defuse_cell(value: Any, *, reversible: bool = False) -> Any:
    """`value` safe to open in a spreadsheet; None and numbers pass unchanged, anything
    else is written as its text. `reversible` adds the apostrophe only (no `|` escaping),
    so that an importer can take it off again and a round trip stays exact."""
    if value is None or isinstance(value, Number):
        return value
    text = str(value)
    if text[:1] in FORMULA_STARTS and not PLAIN_NUMBER.fullmatch(text):
        return "'" + (text if reversible else text.replace("|", "\\|"))
    return text


def undefuse_text(text: str) -> str:
    """The text before `defuse_cell(..., reversible=True)`: the importer's inverse."""
    return text[1:] if text[:1] == "'" and text[1:2] in FORMULA_STARTS else text


def _sql_literal(character: str) -> str:
    # E'' literals spell tab and CR; the other starts are plain characters.
    return {"\t": "E'\\t'", "\r": "E'\\r'"}.get(character, f"'{character}'")


def defused_sql(expression: str, *, reversible: bool = False) -> str:
    """SQL form of `defuse_cell` for a text `expression` (a constant column expression; NULL
    stays NULL)."""
    starts = ", ".join(_sql_literal(c) for c in FORMULA_STARTS)
    text = expression if reversible else f"replace({expression}, '|', '\\|')"
    return (
        f"CASE WHEN left({expression}, 1) IN ({starts}) "
        f"AND {expression} !~ '{PLAIN_NUMBER_SQL}' "
        f"THEN '''' || {text} ELSE {expression} END"
    )


class DefusedWriter:
    """A `csv.writer` whose cells go through `defuse_cell` first."""

    def __init__(
        self,
        stream: IO[str] | Any,
        *,
        reversible: bool = False,
        raw: bool = False,
        **fmtparams: Any,
    ):
        if fmtparams.get("lineterminator") == "\n":
            # The csv module quotes only the characters of its line terminator, so with "\n"
            # a cell holding a bare CR would be written unquoted and split the row for readers.
            # Write "\r\n" (CR and LF both quoted) and end each row with "\n" instead.
            fmtparams["lineterminator"] = "\r\n"
            stream = _UnixLineEnds(stream)
        self._writer = csv.writer(stream, **fmtparams)
        self._reversible = reversible
        self._raw = raw

    def writerow(self, row: Iterable[Any]) -> Any:
        if self._raw:  # asked for by name (`?raw=true`): values exactly as stored
            return self._writer.writerow(row)
        return self._writer.writerow(
            [defuse_cell(cell, reversible=self._reversible) for cell in row]
        )

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class _UnixLineEnds:
    """Passes rows on with their final "\r\n" written as "\n" (the csv module writes
    each row, terminator included, in one call)."""

    def __init__(self, stream: IO[str] | Any) -> None:
        self._stream = stream

    def write(self, text: str) -> Any:
        if text.endswith("\r\n"):
            text = text[:-2] + "\n"
        return self._stream.write(text)


def csv_writer(
    stream: IO[str] | Any, *, reversible: bool = False, raw: bool = False, **fmtparams: Any
) -> DefusedWriter:
    """The writer for every CSV we serve: formula-like cells defused (unless `raw`, the API's
    documented opt-out for programs that join on exact values). Numbers must be passed as
    int/float (not pre-formatted strings) so a negative number stays a number."""
    return DefusedWriter(stream, reversible=reversible, raw=raw, **fmtparams)
