"""classifications_<Namespace>.csv: one taxonomy's values for incidents.

Columns: `Namespace,Incident ID,Published,<each field short_name in order>`. Header names can
repeat (CSETv1 has two `AI System` columns); list values are joined with ", ". Values are
checked by the classifications service: a value outside a field's permitted values is
reported with its line and the row is skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from incidents.importers.cells import CellError, parse_flag, parse_int
from incidents.importers.csvfile import CsvFile, CsvRow
from incidents.importers.taxonomies import (
    parse_classification_cell,
    taxonomy_ensure,
    unique_column_names,
)
from incidents.importers.writes import Provenance
from incidents.models import Incident
from incidents.services.classifications import (
    ClassificationInput,
    InvalidClassificationValue,
    SubjectKey,
    classification_values_clean,
    classifications_upsert_many,
)

META_COLUMNS = ("Namespace", "Incident ID", "Published")


@dataclass
class ClassificationFileResult:
    namespace: str
    created: list[SubjectKey] = field(default_factory=list)
    updated: list[SubjectKey] = field(default_factory=list)
    unchanged: list[SubjectKey] = field(default_factory=list)
    new_fields: list[str] = field(default_factory=list)


def namespace_of(file_name: str) -> str:
    """`classifications_CSETv1.csv` -> `CSETv1`."""
    return file_name.removeprefix("classifications_").removesuffix(".csv")


def import_classification_file(
    csv_file: CsvFile, *, redirects: Mapping[int, int], provenance: Provenance
) -> ClassificationFileResult:
    """Create the taxonomy's missing fields, then write every readable row's classification.

    Rows of a merged duplicate count for the incident that absorbed it, unless that incident
    has its own row. Only incidents imported from the same source are classified.
    """
    namespace = namespace_of(csv_file.name)
    header = csv_file.header
    meta = {name: header.index(name) for name in META_COLUMNS if name in header}
    value_positions = [index for index in range(len(header)) if index not in meta.values()]
    rows = list(csv_file.rows())
    taxonomy, fields, new_fields = taxonomy_ensure(
        namespace=namespace,
        header=[header[index] for index in value_positions],
        columns=[[row.cells[index] for row in rows] for index in value_positions],
        provenance=provenance,
    )
    names = unique_column_names([header[index] for index in value_positions])
    importable = set(Incident.objects.filter(source=provenance.source).values_list("id", flat=True))

    chosen: dict[int, tuple[CsvRow, ClassificationInput, bool]] = {}
    for row in rows:
        row_namespace = row.cells[meta["Namespace"]].strip() if "Namespace" in meta else ""
        if row_namespace and row_namespace != namespace:
            csv_file.problem(
                row.line, f"namespace {row_namespace!r} in the file of {namespace}; row skipped"
            )
            continue
        try:
            incident_id = parse_int(row.cells[meta["Incident ID"]], column="Incident ID")
            publish = (
                parse_flag(row.cells[meta["Published"]], column="Published", default=True)
                if "Published" in meta
                else True
            )
            values: dict[str, Any] = {
                name: parse_classification_cell(fields[name], row.cells[index])
                for name, index in zip(names, value_positions, strict=True)
            }
            classification_values_clean(fields=fields, values=values)
        except CellError as exc:
            csv_file.problem(row.line, f"{exc}; row skipped")
            continue
        except InvalidClassificationValue as exc:
            csv_file.problem(row.line, f"unknown taxonomy value: {exc}; row skipped")
            continue
        target = redirects.get(incident_id, incident_id)
        if target not in importable:
            csv_file.problem(
                row.line,
                f"incident {incident_id} was not imported from {provenance.source}; row skipped",
            )
            continue
        own_row = target == incident_id
        item = ClassificationInput(values=values, incident_id=target, publish=publish)
        previous = chosen.get(target)
        if previous is not None and previous[2] and own_row:
            csv_file.problem(
                row.line,
                f"second {namespace} classification of incident {incident_id} (first on line "
                f"{previous[0].line}); row skipped",
            )
            continue
        if previous is None or own_row:
            chosen[target] = (row, item, own_row)

    written = classifications_upsert_many(
        taxonomy=taxonomy,
        items=[item for _, item, _ in chosen.values()],
        provenance=provenance.fields(),
    )
    return ClassificationFileResult(
        namespace=namespace,
        created=written.created,
        updated=written.updated,
        unchanged=written.unchanged,
        new_fields=new_fields,
    )
