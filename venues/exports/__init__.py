"""Exports of disclosures and venues.

The package imports nothing from the models at import time, so a rendering process can load
its pieces before Django is set up; the registry loads the exporters on first lookup.
"""

from venues.exports.registry import (
    Exporter,
    ExportOptions,
    UnknownExportFormat,
    exporter_for,
    exporters_for_scope,
    identifiers,
)

__all__ = [
    "ExportOptions",
    "Exporter",
    "UnknownExportFormat",
    "exporter_for",
    "exporters_for_scope",
    "identifiers",
]
