"""Writing disclosures: create, edit while editable, amend a verified one, import from tools.

Every function checks the input once, here, and raises `ValidationError` keyed by field
(model field names, and run paths such as ``runs[0].accelerator`` for the estimator's input),
so the form and the API report the same messages against the same inputs.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from emissions.estimator import (
    EstimatorInputError,
    disclosure_to_dict,
    from_codecarbon_csv,
    from_hf_card,
    parse_claim,
    parse_disclosure,
)
from emissions.estimator.text import first_unstorable_text
from emissions.models import (
    EDITABLE_STATES,
    Architecture,
    Disclosure,
    DisclosureState,
    EmissionsBasis,
    Method,
)
from emissions.services.errors import AmendmentRefused, DisclosureNotEditable
from incidents.models import Entity
from registry.models import User
from registry.workflow import audit

DOI_PATTERN = re.compile(r"^10\.\d{4,9}/\S+$")
ARXIV_PATTERN = re.compile(r"^(\d{4}\.\d{4,5}|[a-z\-]+(\.[A-Z]{2})?/\d{7})(v\d+)?$")
MAX_AUTHORS = 500
# Names end up in email subjects and file names: one line each.
SINGLE_LINE_FIELDS = (
    "model_name",
    "model_version",
    "organisation",
    "paper_title",
    "doi",
    "arxiv_id",
    "venue_submission_id",
    "tool_name",
    "tool_version",
)
MAX_LINKED_SYSTEMS = 50
IMPORT_MAX_BYTES = 2 * 1024 * 1024


class DisclosureFields(TypedDict, total=False):
    """What a researcher may write. Everything else (state, version, owner) is the workflow's."""

    model_name: str
    model_version: str
    parameters: int | None
    architecture: str
    activated_share: float | None
    organisation: str
    paper_title: str
    paper_authors: list[str]
    doi: str
    arxiv_id: str
    venue: models.Model | None  # a venues.Venue
    venue_submission_id: str
    runs: list[dict[str, Any]]
    claim_energy_kwh: float | None
    claim_tco2e: float | None
    claim_basis: str
    method: str
    tool_name: str
    tool_version: str
    includes_preliminary_experiments: bool | None
    justification: str
    linked_systems: list[Entity]


EDITABLE_FIELDS: frozenset[str] = frozenset(DisclosureFields.__annotations__)
ONE_LINE_FIELDS: frozenset[str] = frozenset(
    f.name
    for f in Disclosure._meta.get_fields()
    if isinstance(f, models.CharField) and f.name in EDITABLE_FIELDS
)
COPIED_ON_AMEND: tuple[str, ...] = tuple(sorted(EDITABLE_FIELDS - {"linked_systems"}))


@dataclass(frozen=True)
class DisclosureImport:
    disclosure: Disclosure
    warnings: list[str] = field(default_factory=list)


def disclosure_input_hash(*, runs: list[dict[str, Any]], claim: Mapping[str, Any]) -> str:
    """A stable fingerprint of what the estimator recomputes: the runs and the claim."""
    canonical = json.dumps({"runs": runs, "claim": dict(claim)}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _number_error(value: Any, *, minimum: float, inclusive: bool = True) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return "Enter a number."
    if value < minimum or (not inclusive and value == minimum):
        return f"Must be {'at least' if inclusive else 'greater than'} {minimum:g}."
    return None


def _apply(disclosure: Disclosure, fields: Mapping[str, Any]) -> list[Entity] | None:
    """Copy `fields` onto the instance; return the linked systems to set, if given."""
    unknown = sorted(set(fields) - EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be written." for name in unknown})
    for name, value in fields.items():
        if name == "linked_systems":
            continue
        if isinstance(value, str):
            value = value.strip()
        setattr(disclosure, name, value)
    if disclosure.architecture == Architecture.DENSE:
        disclosure.activated_share = None
    systems = fields.get("linked_systems")
    return list(systems) if systems is not None else None


def _check(disclosure: Disclosure, systems: list[Entity] | None) -> None:
    """Validate the instance as a whole; canonicalise its runs. Raises ValidationError."""
    errors: dict[str, str] = {}
    for name in sorted(EDITABLE_FIELDS - {"linked_systems"}):
        value = getattr(disclosure, name)
        unstorable = first_unstorable_text(value, name)
        if unstorable:
            errors[name] = f"The value {unstorable[1]} (at {unstorable[0]})."
        elif name in ONE_LINE_FIELDS and isinstance(value, str) and not value.isprintable():
            # Names reach e-mail subjects and file names: no line breaks or control codes.
            errors[name] = "Keep this to one line, without tabs or control characters."
    if errors:
        raise ValidationError(errors)
    if not disclosure.model_name:
        errors["model_name"] = "Name the model."
    for name in SINGLE_LINE_FIELDS:
        value = getattr(disclosure, name)
        if isinstance(value, str) and any(ord(c) < 32 or c in "\x7f\u2028\u2029" for c in value):
            errors[name] = "Write it on one line, without control characters."
    for name, choices in (
        ("architecture", Architecture),
        ("method", Method),
        ("claim_basis", EmissionsBasis),
    ):
        if getattr(disclosure, name) not in choices.values:
            errors[name] = f"Choose one of: {', '.join(choices.values)}."
    if disclosure.parameters is not None and (
        isinstance(disclosure.parameters, bool)
        or not isinstance(disclosure.parameters, int)
        or disclosure.parameters <= 0
    ):
        errors["parameters"] = "Give the number of parameters as a positive whole number."
    if disclosure.architecture == Architecture.SPARSE:
        share = disclosure.activated_share
        if share is None or _number_error(share, minimum=0, inclusive=False) or share > 1:
            errors["activated_share"] = (
                "A sparse model needs the share of parameters activated per token, "
                "between 0 and 1 (e.g. 0.0025 for 0.25%)."
            )
    for name in ("claim_energy_kwh", "claim_tco2e"):
        message = _number_error(getattr(disclosure, name), minimum=0)
        if message:
            errors[name] = message
    if disclosure.doi and not DOI_PATTERN.match(disclosure.doi):
        errors["doi"] = "A DOI starts with 10. and has a slash, e.g. 10.48550/arXiv.2104.10350."
    if disclosure.arxiv_id and not ARXIV_PATTERN.match(disclosure.arxiv_id):
        errors["arxiv_id"] = "An arXiv id looks like 2104.10350 (optionally with v2)."
    if not isinstance(disclosure.paper_authors, list) or not all(
        isinstance(a, str) and a.strip() for a in disclosure.paper_authors
    ):
        errors["paper_authors"] = "Give the authors as a list of names."
    elif len(disclosure.paper_authors) > MAX_AUTHORS:
        errors["paper_authors"] = f"At most {MAX_AUTHORS} authors."
    else:
        disclosure.paper_authors = [a.strip() for a in disclosure.paper_authors]
    if systems is not None and len(systems) > MAX_LINKED_SYSTEMS:
        errors["linked_systems"] = f"Link at most {MAX_LINKED_SYSTEMS} AI systems."
    errors.update(_runs_errors(disclosure))
    if errors:
        raise ValidationError(errors)
    disclosure.input_hash = disclosure_input_hash(runs=disclosure.runs, claim=disclosure.claim)


def _runs_errors(disclosure: Disclosure) -> dict[str, str]:
    """Check the runs and claim with the estimator's own parser; store its canonical form."""
    runs = disclosure.runs
    if not isinstance(runs, list):
        return {"runs": "Give the runs as a list of run objects."}
    errors: dict[str, str] = {}
    try:
        parse_claim(
            {
                "energy_kwh": disclosure.claim_energy_kwh,
                "tco2e": disclosure.claim_tco2e,
                "basis": disclosure.claim_basis,
            }
        )
    except EstimatorInputError as error:
        errors["claim_" + error.field.rsplit(".", 1)[-1]] = error.message
    if runs:
        try:
            disclosure.runs = disclosure_to_dict(parse_disclosure({"runs": runs}))["runs"]
        except EstimatorInputError as error:
            errors[error.field or "runs"] = error.message
    return errors


def disclosure_submission_errors(disclosure: Disclosure) -> dict[str, str]:
    """What a disclosure still lacks before it can be submitted for review."""
    errors: dict[str, str] = {}
    if not disclosure.runs:
        errors["runs"] = "Describe at least one training run."
    if disclosure.claim_tco2e is None:
        errors["claim_tco2e"] = "State the emissions you claim, in tonnes CO2e."
    if disclosure.includes_preliminary_experiments is None:
        errors["includes_preliminary_experiments"] = (
            "Say whether the figures include preliminary and failed experiments."
        )
    if disclosure.method == Method.TOOL and not disclosure.tool_name:
        errors["tool_name"] = "Name the tool that tracked the energy."
    return errors


def disclosure_create(
    *,
    owner: User,
    fields: DisclosureFields,
    idempotency_key: uuid.UUID | None = None,
) -> Disclosure:
    """Create a draft owned by `owner`.

    Posting the same `idempotency_key` twice returns the first disclosure (a unique constraint
    on (owner, key) settles concurrent posts). Side effects: one "create" audit event.
    """
    if idempotency_key is not None:
        existing = Disclosure.objects.filter(owner=owner, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    disclosure = Disclosure(owner=owner, idempotency_key=idempotency_key)
    systems = _apply(disclosure, fields)
    _check(disclosure, systems)
    try:
        with transaction.atomic():
            disclosure.save()
            if systems:
                disclosure.linked_systems.set(systems)
            audit(
                actor=owner,
                subject=disclosure,
                action="create",
                to_state=disclosure.state,
                data={"version": disclosure.version},
            )
    except IntegrityError:
        # A concurrent post with the same key won the race: answer with its disclosure.
        winner = (
            Disclosure.objects.filter(owner=owner, idempotency_key=idempotency_key).first()
            if idempotency_key is not None
            else None
        )
        if winner is None:
            raise
        return winner
    return disclosure


def disclosure_update(*, disclosure_id: int, actor: User, fields: DisclosureFields) -> Disclosure:
    """Change a draft (or one returned with changes requested); only its owner may.

    Side effects: one "edit" audit event naming the changed fields (none when nothing changed).
    """
    with transaction.atomic():
        disclosure = Disclosure.objects.select_for_update().get(pk=disclosure_id)
        if disclosure.owner_id != actor.pk:
            raise DisclosureNotEditable("Only the researcher who wrote it may edit a disclosure.")
        if disclosure.state not in EDITABLE_STATES:
            raise DisclosureNotEditable(
                f"A disclosure that is {disclosure.get_state_display().lower()} cannot be "
                "edited" + (": amend it instead." if disclosure.state == "verified" else ".")
            )
        before = {name: getattr(disclosure, name) for name in COPIED_ON_AMEND}
        before_systems = set(disclosure.linked_systems.values_list("pk", flat=True))
        systems = _apply(disclosure, fields)
        _check(disclosure, systems)
        changed = [name for name in COPIED_ON_AMEND if getattr(disclosure, name) != before[name]]
        _check_venue_change(disclosure, changed)
        if systems is not None and {s.pk for s in systems} != before_systems:
            disclosure.linked_systems.set(systems)
            changed.append("linked_systems")
        if changed:
            disclosure.save()
            audit(
                actor=actor,
                subject=disclosure,
                action="edit",
                from_state=disclosure.state,
                to_state=disclosure.state,
                data={"fields": sorted(changed)},
            )
    return disclosure


VENUE_FIELDS = ("venue", "venue_submission_id")


def _check_venue_change(disclosure: Disclosure, changed: list[str]) -> None:
    """A new venue or submission id is a new request to the venue, never a carried acceptance.

    An amendment keeps its line's venue and id: the first version holds the id for the line.
    """
    if not set(changed) & set(VENUE_FIELDS):
        return
    if disclosure.supersedes_id is not None:
        raise ValidationError(
            {
                name: "An amendment keeps the venue and submission id of the version it amends."
                for name in VENUE_FIELDS
                if name in changed
            }
        )
    if disclosure.venue_accepted:
        disclosure.venue_accepted = False
        changed.append("venue_accepted")


def disclosure_amend(*, disclosure_id: int, actor: User) -> Disclosure:
    """Start a new draft version of a verified disclosure; the verified one stays as it is.

    Refused unless `actor` owns it, it is verified and it has no live amendment yet (a
    partial unique constraint guards the last condition against concurrent requests).
    Side effects: one "amend" audit event on the new version.
    """
    original = Disclosure.objects.get(pk=disclosure_id)
    if original.owner_id != actor.pk:
        raise AmendmentRefused("Only the researcher who wrote it may amend a disclosure.")
    if original.state != DisclosureState.VERIFIED:
        raise AmendmentRefused("Only a verified disclosure is amended; edit this one instead.")
    amendment = Disclosure(
        owner=actor,
        supersedes=original,
        version=original.version + 1,
        **{name: getattr(original, name) for name in COPIED_ON_AMEND},
    )
    amendment.input_hash = original.input_hash
    amendment.venue_accepted = original.venue_accepted
    try:
        with transaction.atomic():
            amendment.save()
            amendment.linked_systems.set(original.linked_systems.all())
            audit(
                actor=actor,
                subject=amendment,
                action="amend",
                to_state=amendment.state,
                data={"supersedes": original.pk, "version": amendment.version},
            )
    except IntegrityError:
        raise AmendmentRefused(
            "This version already has an amendment in progress or verified; continue that one."
        ) from None
    return amendment


def _import_text(raw: bytes | str) -> str:
    if len(raw) > IMPORT_MAX_BYTES:
        raise ValidationError({"file": f"The file is larger than {IMPORT_MAX_BYTES} bytes."})
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError({"file": "The file is not UTF-8 text."}) from None
    if "\x00" in raw:
        # PostgreSQL stores no NUL; a text export never has one.
        raise ValidationError({"file": "The file contains a NUL character: not a text file."})
    return raw


def _imported(*, owner: User, fields: DisclosureFields, kind: str, text: str) -> DisclosureImport:
    reader = from_codecarbon_csv if kind == "codecarbon" else from_hf_card
    try:
        imported = reader(text)
    except EstimatorInputError as error:
        raise ValidationError({"file": str(error)}) from None
    runs = disclosure_to_dict(imported.disclosure)["runs"]
    totals = imported.totals
    values: DisclosureFields = {
        "runs": runs,
        "method": Method.TOOL if kind == "codecarbon" else Method.ESTIMATED,
        **fields,
    }
    if not str(values.get("model_name") or "").strip():
        values["model_name"] = str(imported.metadata.get("project_name") or "Imported model")
    if kind == "codecarbon":
        values.setdefault("tool_name", "CodeCarbon")
        version = imported.metadata.get("codecarbon_version")
        if version:
            values.setdefault("tool_version", str(version))
    if totals.get("energy_kwh") is not None:
        values.setdefault("claim_energy_kwh", float(totals["energy_kwh"]))
    if totals.get("tco2e") is not None:
        values.setdefault("claim_tco2e", float(totals["tco2e"]))
    disclosure = disclosure_create(owner=owner, fields=values)
    return DisclosureImport(disclosure=disclosure, warnings=list(imported.warnings))


def disclosure_import_from_codecarbon(
    *, owner: User, csv_data: bytes | str, fields: DisclosureFields
) -> DisclosureImport:
    """Create a draft from a CodeCarbon ``emissions.csv``; its totals become the claim."""
    return _imported(owner=owner, fields=fields, kind="codecarbon", text=_import_text(csv_data))


def disclosure_import_from_hf_card(
    *, owner: User, card_data: bytes | str, fields: DisclosureFields
) -> DisclosureImport:
    """Create a draft from a Hugging Face model card's ``co2_eq_emissions`` metadata."""
    return _imported(owner=owner, fields=fields, kind="hf_card", text=_import_text(card_data))


def linked_systems_from_slugs(slugs: Iterable[str]) -> list[Entity]:
    """Entities by slug, refusing unknown ones by name (for the API and imports)."""
    wanted = list(dict.fromkeys(slugs))
    found = {e.slug: e for e in Entity.objects.filter(slug__in=wanted)}
    missing = [slug for slug in wanted if slug not in found]
    if missing:
        raise ValidationError({"linked_systems": f"Unknown AI system: {', '.join(missing)}."})
    return [found[slug] for slug in wanted]
