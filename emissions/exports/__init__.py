"""Exports of disclosures and venues. Importing the package registers every exporter."""

from emissions.exports import exporters  # noqa: F401
from emissions.exports.registry import (
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
