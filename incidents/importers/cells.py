"""Parsing the cells of an AIID snapshot: ids, JSON arrays, ", "-joined lists, dates, flags.

Every parser raises `CellError` (a ValueError) with a message fit for the import report.
"""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

from incidents.models import DatePrecision
from registry.spreadsheet import undefuse_text

OBJECT_ID = re.compile(r"^ObjectId\(([0-9a-fA-F]{24})\)$")
LIST_SEPARATOR = ", "
TRUE_WORDS = frozenset({"true", "yes", "1"})
FALSE_WORDS = frozenset({"false", "no", "0"})


class CellError(ValueError):
    pass


def clean_text(value: str) -> str:
    """PostgreSQL text cannot hold NUL characters; everything else is kept as written, except
    the quote our own snapshots put before a formula-like cell (`undefuse_text`)."""
    return undefuse_text(value).replace("\x00", "")


def parse_object_id(cell: str) -> str:
    """`ObjectId(625763db343edc875fe639ff)` or the bare hex -> the hex; "" stays ""."""
    cell = cell.strip()
    match = OBJECT_ID.match(cell)
    if match:
        return match.group(1).lower()
    if cell and not re.fullmatch(r"[0-9a-fA-F]{24}", cell):
        raise CellError(f"_id {cell[:40]!r} is not an ObjectId")
    return cell.lower()


def parse_int(cell: str, *, column: str) -> int:
    text = cell.strip()
    if re.fullmatch(r"[+-]?\d+(\.0+)?", text):  # mongoexport may write 12 as 12.0
        return int(text.split(".")[0])
    raise CellError(f"{column} {cell[:40]!r} is not a whole number")


def parse_json_list(cell: str, *, column: str) -> list[Any]:
    """A JSON array cell (`[2,3,4]`, `["youtube"]`); an empty cell is an empty list."""
    text = cell.strip()
    if not text:
        return []
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        # RecursionError: brackets nested deeper than the decoder goes; one bad cell.
        raise CellError(f"{column} {text[:40]!r} is not a JSON array") from None
    if not isinstance(value, list):
        raise CellError(f"{column} {text[:40]!r} is not a JSON array")
    return value


def parse_int_list(cell: str, *, column: str) -> list[int]:
    numbers = []
    for item in parse_json_list(cell, column=column):
        if isinstance(item, bool) or not isinstance(item, int | float | str):
            raise CellError(f"{column} holds {item!r}, not a number")
        numbers.append(parse_int(str(item), column=column))
    return numbers


def parse_slug_list(cell: str, *, column: str) -> list[str]:
    slugs = []
    for item in parse_json_list(cell, column=column):
        if not isinstance(item, str):
            raise CellError(f"{column} holds {item!r}, not an entity slug")
        slug = clean_text(item).strip()
        if slug and slug not in slugs:
            slugs.append(slug)
    return slugs


def parse_joined_list(cell: str) -> list[str]:
    """reports.csv joins list cells with ", " (`Jane Doe, John Roe`); a JSON array is also
    accepted, since other files of the snapshot write lists that way."""
    text = clean_text(cell).strip()
    if not text:
        return []
    if text.startswith("[") and text.endswith("]"):
        try:
            value = json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            value = None
        if isinstance(value, list):
            return [str(item).strip() for item in value if str(item).strip()]
    return [part.strip() for part in text.split(LIST_SEPARATOR) if part.strip()]


def parse_date(cell: str, *, column: str) -> datetime.date | None:
    """An ISO date (`2018-03-18`) or timestamp (`2018-03-18T00:00:00.000Z`); "" is None."""
    text = cell.strip()
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        raise CellError(f"{column} {text[:40]!r} is not a date (YYYY-MM-DD)") from None


def parse_incident_date(cell: str) -> tuple[datetime.date | None, str]:
    """The incident date and how precisely it is known: `2018-03-18`, `2018-03` or `2018`."""
    text = cell.strip()
    if re.fullmatch(r"\d{4}", text):
        return _checked_date(text, int(text), 1, 1), DatePrecision.YEAR
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return _checked_date(text, int(text[:4]), int(text[5:7]), 1), DatePrecision.MONTH
    return parse_date(text, column="date"), DatePrecision.DAY


def _checked_date(text: str, year: int, month: int, day: int) -> datetime.date:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise CellError(f"date {text!r} is not a date") from None


def parse_epoch_date(cell: str, *, column: str) -> datetime.date | None:
    """An epoch_date_* cell: seconds (or milliseconds) since 1970, UTC; "" is None."""
    text = cell.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        raise CellError(f"{column} {text[:40]!r} is not a number of seconds") from None
    if abs(seconds) > 1e11:  # milliseconds
        seconds /= 1000
    try:
        return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC).date()
    except (OverflowError, OSError, ValueError):
        raise CellError(f"{column} {text[:40]!r} is out of range") from None


def parse_flag(cell: str, *, column: str, default: bool) -> bool:
    text = cell.strip().lower()
    if not text:
        return default
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError(f"{column} {cell[:40]!r} is neither True nor False")


ACRONYMS = frozenset({"ai", "uk", "us", "usa", "eu", "nhs", "nypd", "lapd", "ibm", "bbc", "un"})


def name_from_slug(slug: str) -> str:
    """A display name for an entity known only by its slug: `keolis-north-america` ->
    `Keolis North America`."""
    words = [word for word in re.split(r"[-_\s]+", slug) if word]
    return " ".join(
        word.upper() if word in ACRONYMS else word[:1].upper() + word[1:] for word in words
    )
