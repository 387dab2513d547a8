"""Reading the snapshot's CSV files row by row, with the line each row starts on.

A malformed row is reported (file, line, message) and skipped; reading carries on. When the
quoting of a row is broken, the reader starts again on the line after the row's first line, so
one stray quote costs one row, not the rest of the file.
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

# Report texts can be long; the csv module's default cap (128 KiB per cell) is too small.
csv.field_size_limit(max(csv.field_size_limit(), 64 * 1024 * 1024))

# incidents.csv, classifications_*.csv, duplicates.csv, submissions.csv: RFC 4180 style,
# quotes doubled inside quoted cells, backslashes are ordinary characters.
STANDARD_DIALECT: dict[str, Any] = {"doublequote": True, "strict": True}
# reports.csv: every cell quoted, `\` escapes the next character (`\"`, `\\`).
BACKSLASH_DIALECT: dict[str, Any] = {"doublequote": True, "escapechar": "\\", "strict": True}


@dataclass(frozen=True)
class ImportProblem:
    """A row (or file) that could not be imported, and why."""

    file: str
    line: int
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "message": self.message}


class CsvHeaderError(Exception):
    """The file's header row is unreadable or lacks columns the importer needs."""


@dataclass(frozen=True)
class CsvRow:
    line: int
    cells: list[str]


class _PushbackLines:
    """The file's lines, numbered, with the lines of the current record remembered so that
    a broken record's later lines can be read again."""

    def __init__(self, handle: TextIO, on_read: Callable[[int], None] | None) -> None:
        self._handle = handle
        self._pending: deque[tuple[int, str]] = deque()
        self._number = 0
        self._on_read = on_read
        self.record: list[tuple[int, str]] = []

    def __iter__(self) -> _PushbackLines:
        return self

    def __next__(self) -> str:
        if self._pending:
            item = self._pending.popleft()
        else:
            text = next(self._handle)
            self._number += 1
            item = (self._number, text)
            if self._on_read is not None:
                self._on_read(len(text))
        self.record.append(item)
        return item[1]

    @property
    def last_line(self) -> int:
        return self.record[-1][0] if self.record else self._number

    def read_again_after_first(self) -> None:
        self._pending.extendleft(reversed(self.record[1:]))


class CsvFile:
    """One CSV file of the snapshot: its header, then its rows (each read once)."""

    def __init__(
        self,
        path: Path,
        *,
        dialect: dict[str, Any],
        problems: list[ImportProblem],
        on_read: Callable[[int], None] | None = None,
        max_cell_bytes: int | None = None,
    ) -> None:
        self.path = path
        self._max_cell_bytes = max_cell_bytes
        self.name = path.name
        self._dialect = dialect
        self._problems = problems
        self._handle = path.open(encoding="utf-8-sig", errors="replace", newline="")
        self._lines = _PushbackLines(self._handle, on_read)
        self._reader = csv.reader(self._lines, **dialect)
        try:
            self.header = [name.strip() for name in next(self._reader)]
        except StopIteration:
            self.close()
            raise CsvHeaderError(f"{self.name} is empty (no header row)") from None
        except csv.Error as exc:
            self.close()
            raise CsvHeaderError(f"{self.name}: unreadable header row ({exc})") from None

    def require_columns(self, required: tuple[str, ...]) -> None:
        missing = [name for name in required if name not in self.header]
        if missing:
            self.close()
            raise CsvHeaderError(
                f"{self.name} does not have the expected header: missing "
                + ", ".join(repr(name) for name in missing)
                + f" (found {', '.join(repr(h) for h in self.header[:12])})"
            )

    def problem(self, line: int, message: str) -> None:
        self._problems.append(ImportProblem(self.name, line, message))

    def rows(self) -> Iterator[CsvRow]:
        width = len(self.header)
        try:
            while True:
                self._lines.record = []
                try:
                    cells = next(self._reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    start = (
                        self._lines.record[0][0] if self._lines.record else self._lines.last_line
                    )
                    self.problem(start, f"broken quoting ({exc}); row skipped")
                    self._lines.read_again_after_first()
                    self._reader = csv.reader(self._lines, **self._dialect)
                    continue
                if not cells:  # a blank line
                    continue
                start = self._lines.record[0][0]
                if len(cells) != width:
                    self.problem(start, f"expected {width} cells, found {len(cells)}; row skipped")
                    continue
                oversized = self._oversized_column(cells)
                if oversized is not None:
                    self.problem(
                        start,
                        f"the {oversized} cell is larger than {self._max_cell_bytes} bytes "
                        "(the limit AIID_IMPORT_MAX_CELL_BYTES); row skipped",
                    )
                    continue
                yield CsvRow(start, cells)
        finally:
            self.close()

    def _oversized_column(self, cells: list[str]) -> str | None:
        """The header name of the first cell over the byte limit, if any."""
        cap = self._max_cell_bytes
        if cap is None:
            return None
        for name, cell in zip(self.header, cells, strict=True):
            # A character is at most 4 bytes in UTF-8: encode only cells that might be over.
            if len(cell) * 4 > cap and len(cell.encode("utf-8", "replace")) > cap:
                return name
        return None

    def close(self) -> None:
        self._handle.close()
