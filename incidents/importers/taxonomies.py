"""Taxonomies and their fields, built from the headers of classifications_<Namespace>.csv.

The snapshot carries no field definitions, only column names, so each field's display type is
known (the MIT taxonomy's enums; the list fields of GMF and CSETv1) or inferred from the
column's cells (yes/no flags, long text, otherwise a string). Fields already stored keep
their definitions: an editor may have refined them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from incidents.importers.cells import parse_flag, parse_int
from incidents.importers.writes import Provenance
from incidents.models import DisplayType, Taxonomy, TaxonomyField
from registry.spreadsheet import undefuse_text

MIT_RISK_DOMAINS = (
    "1. Discrimination and Toxicity",
    "2. Privacy & Security",
    "3. Misinformation",
    "4. Malicious Actors & Misuse",
    "5. Human-Computer Interaction",
    "6. Socioeconomic & Environmental Harms",
    "7. AI system safety, failures, and limitations",
)
MIT_RISK_SUBDOMAINS = (
    "1.1. Unfair discrimination and misrepresentation",
    "1.2. Exposure to toxic content",
    "1.3. Unequal performance across groups",
    "2.1. Compromise of privacy by obtaining, leaking or correctly inferring sensitive information",
    "2.2. AI system security vulnerabilities and attacks",
    "3.1. False or misleading information",
    "3.2. Pollution of information ecosystem and loss of consensus reality",
    "4.1. Disinformation, surveillance, and influence at scale",
    "4.2. Cyberattacks, weapon development or use, and mass harm",
    "4.3. Fraud, scams, and targeted manipulation",
    "5.1. Overreliance and unsafe use",
    "5.2. Loss of human agency and autonomy",
    "6.1. Power centralization and unfair distribution of benefits",
    "6.2. Increased inequality and decline in employment quality",
    "6.3. Economic and cultural devaluation of human effort",
    "6.4. Competitive dynamics",
    "6.5. Governance failure",
    "6.6. Environmental harm",
    "7.1. AI pursuing its own goals in conflict with human goals or values",
    "7.2. AI possessing dangerous capabilities",
    "7.3. Lack of capability or robustness",
    "7.4. Lack of transparency or interpretability",
    "7.5. AI welfare and rights",
)
MIT_ENUMS: dict[str, tuple[str, ...]] = {
    "Risk Domain": MIT_RISK_DOMAINS,
    "Risk Subdomain": MIT_RISK_SUBDOMAINS,
    "Entity": ("Human", "AI", "Other"),
    "Timing": ("Pre-deployment", "Post-deployment", "Other"),
    "Intent": ("Intentional", "Unintentional", "Other"),
}
TAXONOMY_NAMES = {
    "MIT": "MIT AI Risk Repository",
    "GMF": "Goals, Methods and Failures",
    "CSETv0": "CSET AI Harm Taxonomy (v0)",
    "CSETv1": "CSET AI Harm Taxonomy for AIID",
}
# Columns that hold ", "-joined lists in the snapshot.
LIST_FIELDS: dict[str, frozenset[str]] = {
    "GMF": frozenset(
        {
            "Known AI Goal",
            "Potential AI Goal",
            "Known AI Technology",
            "Potential AI Technology",
            "Known AI Technical Failure",
            "Potential AI Technical Failure",
        }
    ),
    "CSETv1": frozenset(
        {
            "Harm Distribution Basis",
            "Infrastructure Sectors",
            "Operating Conditions",
            "Entities",
            "Data Inputs",
            "Sector of Deployment",
            "AI Task",
            "AI tools and methods",
        }
    ),
}
# List items that themselves contain ", " and must not be split (matched case-insensitively).
COMMA_VALUES: dict[str, tuple[str, ...]] = {
    "Harm Distribution Basis": ("nation of origin, citizenship, immigrant status",),
    "Sector of Deployment": (
        "Arts, entertainment and recreation",
        "professional, scientific and technical activities",
        "Agriculture, forestry and fishing",
        "Electricity, gas, steam and air conditioning supply",
        "Water supply, sewerage, waste management and remediation activities",
        "Wholesale and retail trade, repair of motor vehicles and motorcycles",
    ),
}
LONG_TEXT_CHARS = 200
LIST_SEPARATOR = ", "


@dataclass(frozen=True)
class FieldSpec:
    short_name: str
    long_name: str
    display_type: str
    permitted_values: tuple[str, ...] = ()


def unique_column_names(header: Sequence[str]) -> list[str]:
    """Header names made unique: CSETv1 repeats `AI System`; the second becomes
    `AI System (2)`."""
    seen: dict[str, int] = {}
    names = []
    for position, raw in enumerate(header, start=1):
        name = raw.strip() or f"Column {position}"
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return names


def infer_field(namespace: str, name: str, long_name: str, cells: Sequence[str]) -> FieldSpec:
    if namespace == "MIT" and name in MIT_ENUMS:
        return FieldSpec(name, long_name, DisplayType.ENUM, MIT_ENUMS[name])
    if name in LIST_FIELDS.get(namespace, ()):
        return FieldSpec(name, long_name, DisplayType.LIST)
    present = [cell.strip() for cell in cells if cell.strip()]
    if present and all(cell.lower() in ("true", "false") for cell in present):
        return FieldSpec(name, long_name, DisplayType.BOOL)
    if any("\n" in cell or len(cell) > LONG_TEXT_CHARS for cell in present):
        return FieldSpec(name, long_name, DisplayType.LONG_STRING)
    return FieldSpec(name, long_name, DisplayType.STRING)


def taxonomy_ensure(
    *,
    namespace: str,
    header: Sequence[str],
    columns: Sequence[Sequence[str]],
    provenance: Provenance,
) -> tuple[Taxonomy, dict[str, TaxonomyField], list[str]]:
    """The taxonomy `namespace` with a field for every column; returns it, its fields by
    short name, and the short names of the fields created now."""
    taxonomy, _ = Taxonomy.objects.get_or_create(
        namespace=namespace,
        defaults={"name": TAXONOMY_NAMES.get(namespace, namespace), **provenance.fields()},
    )
    stored = {f.short_name: f for f in TaxonomyField.objects.filter(taxonomy=taxonomy)}
    names = unique_column_names(header)
    created = []
    for position, (name, raw, cells) in enumerate(zip(names, header, columns, strict=True)):
        if name in stored:
            continue
        spec = infer_field(namespace, name, raw.strip() or name, cells)
        stored[name] = TaxonomyField.objects.create(
            taxonomy=taxonomy,
            field_number=str(position + 1),
            short_name=spec.short_name[:200],
            long_name=spec.long_name[:300],
            display_type=spec.display_type,
            permitted_values=list(spec.permitted_values),
            weight=position,
            instant_facet=spec.display_type
            in (DisplayType.ENUM, DisplayType.MULTI, DisplayType.LIST, DisplayType.BOOL),
        )
        created.append(name)
    return taxonomy, stored, created


def split_list_cell(cell: str, *, field_name: str) -> list[str]:
    """A ", "-joined list cell, in order, keeping known items that contain ", " whole."""
    parts = [part.strip() for part in cell.strip().split(LIST_SEPARATOR)]
    known = {value.lower() for value in COMMA_VALUES.get(field_name, ())}
    longest = max((value.count(LIST_SEPARATOR) + 1 for value in known), default=1)
    items: list[str] = []
    position = 0
    while position < len(parts):
        for width in range(min(longest, len(parts) - position), 0, -1):
            candidate = LIST_SEPARATOR.join(parts[position : position + width])
            if width == 1 or candidate.lower() in known:
                if candidate:
                    items.append(candidate)
                position += width
                break
    return items


def parse_classification_cell(taxonomy_field: TaxonomyField, cell: str) -> object:
    """The value of one cell for this field (before the service checks it), or None; the
    apostrophe our snapshots put before a formula-like cell is taken off."""
    text = undefuse_text(cell).strip()
    if not text:
        return None
    display = taxonomy_field.display_type
    if display in (DisplayType.LIST, DisplayType.MULTI):
        return split_list_cell(text, field_name=taxonomy_field.short_name)
    if display == DisplayType.BOOL:
        return parse_flag(text, column=taxonomy_field.short_name, default=False)
    if display == DisplayType.INT:
        return parse_int(text, column=taxonomy_field.short_name)
    return text
