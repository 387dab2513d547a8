"""The exporter registry: every export format declared once, found by (scope, identifier).

An exporter names itself (identifier, file extension, content type, what it exports) and has
one method, `write`, that writes its bytes to a binary stream. Downloads, API actions, the
Celery task and the management commands all look exporters up here.
"""

from __future__ import annotations

import io
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO, ClassVar, Literal

Scope = Literal["disclosure", "venue"]
ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class ExportOptions:
    paper_size: Literal["A4", "Letter"] = "A4"
    # Processes rendering PDF packets in parallel (venue ZIP only); 1 renders in-process.
    workers: int = 1
    progress: ProgressCallback | None = None


class Exporter(ABC):
    identifier: ClassVar[str]
    extension: ClassVar[str]
    content_type: ClassVar[str]
    scope: ClassVar[Scope]
    label: ClassVar[str]

    @abstractmethod
    def write(self, subject: Any, out: BinaryIO, *, options: ExportOptions) -> None:
        """Write the export of `subject` (a Disclosure or a Venue) to `out`."""

    def filename(self, subject: Any) -> str:
        return f"{self.basename(subject)}.{self.extension}"

    def basename(self, subject: Any) -> str:
        slug = getattr(subject, "slug", None)
        if slug:
            return f"{slug}-summary"
        venue = getattr(subject, "venue", None)
        submission_id = getattr(subject, "venue_submission_id", "")
        if venue is not None and submission_id:
            return f"{venue.slug}-{file_stem(submission_id)}"
        return f"disclosure-{subject.pk}"

    def render(self, subject: Any, *, options: ExportOptions | None = None) -> bytes:
        buffer = io.BytesIO()
        self.write(subject, buffer, options=options or ExportOptions())
        return buffer.getvalue()


def file_stem(text: str) -> str:
    """A file name part from user text (a submission id): ASCII letters, digits, - and _ only,
    so no path separator, "..", drive letter or control character reaches a file or ZIP name."""
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_" for c in text)[:100]


_REGISTRY: dict[tuple[Scope, str], Exporter] = {}


def register(cls: type[Exporter]) -> type[Exporter]:
    key = (cls.scope, cls.identifier)
    if key in _REGISTRY:
        raise ValueError(f"exporter {key} registered twice")
    _REGISTRY[key] = cls()
    return cls


class UnknownExportFormat(LookupError):
    def __init__(self, scope: Scope, identifier: str) -> None:
        known = ", ".join(identifiers(scope))
        super().__init__(f"unknown {scope} export format {identifier!r}; formats: {known}")
        self.known = identifiers(scope)


def _load_exporters() -> None:
    # Registration happens when the exporters module is imported; import it on first use.
    import venues.exports.exporters  # noqa: F401


def exporter_for(scope: Scope, identifier: str) -> Exporter:
    _load_exporters()
    try:
        return _REGISTRY[(scope, identifier)]
    except KeyError:
        raise UnknownExportFormat(scope, identifier) from None


def identifiers(scope: Scope) -> list[str]:
    _load_exporters()
    return sorted(identifier for s, identifier in _REGISTRY if s == scope)


def exporters_for_scope(scope: Scope) -> list[Exporter]:
    return [_REGISTRY[(scope, identifier)] for identifier in identifiers(scope)]


def paper_size_from(params: Mapping[str, Any]) -> Literal["A4", "Letter"]:
    """The `paper_size` query parameter (A4 unless Letter); `page_size`, its name in links
    published before, is still read."""
    value = params.get("paper_size") or params.get("page_size")
    return "Letter" if value == "Letter" else "A4"
