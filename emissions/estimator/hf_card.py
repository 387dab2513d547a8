"""Hugging Face model cards: read and write the ``co2_eq_emissions`` metadata.

The estimator stays standard-library only, so this is not a YAML parser: it finds the
top-level ``co2_eq_emissions`` key in the card's front matter (or in bare YAML) and reads the
two shapes the Hub documents, a bare number or a flat mapping (block or ``{flow}`` style) of
plain or quoted scalars. Anything else (lists, nested mappings, block scalars, tabs) is refused
with the line number rather than guessed at. Emissions are grams CO2e by the Hub's convention;
``24_700_000`` style numbers are accepted, a number with a unit (``"3.2 t"``) is converted with
a warning.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .catalog import Catalog
from .catalog_files import load_catalog
from .errors import EstimatorInputError
from .footprint import Footprint
from .inputs import ImportedDisclosure
from .model import DisclosureInput, Location, RunInput
from .units import convert, normalise_unit

KEY = "co2_eq_emissions"
KNOWN_KEYS = ("emissions", "source", "training_type", "geographical_location", "hardware_used")
_KEY_LINE = re.compile(r"""^(?P<q>["']?)co2_eq_emissions(?P=q)\s*:(?P<rest>.*)$""")
_PAIR = re.compile(r"""^(?P<key>[A-Za-z_][\w-]*|"[^"]*"|'[^']*')\s*:(?:\s+(?P<value>.*))?$""")
_NUMBER = re.compile(r"^[+-]?(\d[\d_]*)?(\.\d[\d_]*)?([eE][+-]?\d+)?$")
# No two neighbouring parts of a pattern may match the same characters (spaces above all):
# overlapping quantifiers backtrack quadratically on a long value that fails at its end.
# A unit starts with a letter, so the spaces before it belong to `\s*` alone.
_WITH_UNIT = re.compile(
    r"^(?P<number>[+]?[\d_.]+(?:[eE][+-]?\d+)?)\s*(?P<unit>[A-Za-z₂][A-Za-z₂0-9 ]*)$"
)
_HARDWARE_COUNT = re.compile(r"(?P<count>\d+)\s*")
_HARDWARE_SUFFIXES = ("gpus", "gpu", "tpus", "tpu", "chips", "chip", "devices", "device")
# Card values are short (a number, a place, a device); a longer one is refused, not parsed.
MAX_VALUE_CHARS = 1_000


def _front_matter(text: str) -> tuple[list[str], int]:
    """The YAML lines and the line number of the first one (1-based) in the card."""
    lines = text.lstrip("\ufeff").splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise EstimatorInputError("the card is empty", "line 1")
    if lines[first].strip() != "---":
        return lines, 1
    for end in range(first + 1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            return lines[first + 1 : end], first + 2
    raise EstimatorInputError("front matter opened with --- is never closed", f"line {first + 1}")


def _strip_comment(value: str) -> str:
    quote = None
    for i, ch in enumerate(value):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "#" and (i == 0 or value[i - 1] in " \t"):
            return value[:i].rstrip()
    return value.strip()


def _scalar(raw: str, where: str) -> tuple[Any, bool]:
    """A YAML plain or quoted scalar -> (value, was_quoted)."""
    if len(raw) > MAX_VALUE_CHARS:
        raise EstimatorInputError(f"value longer than {MAX_VALUE_CHARS} characters", where)
    value = _strip_comment(raw)
    if not value or value in ("~", "null", "Null", "NULL"):
        return None, False
    if value[0] in "|>":
        raise EstimatorInputError("block scalars are not supported here", where)
    if value[0] in "[{&*!":
        raise EstimatorInputError(f"unsupported YAML value {value!r}", where)
    if value[0] == '"':
        try:
            return json.loads(value), True
        except ValueError:
            raise EstimatorInputError(f"malformed double-quoted string {value}", where) from None
    if value[0] == "'":
        if len(value) < 2 or value[-1] != "'":
            raise EstimatorInputError(f"malformed single-quoted string {value}", where)
        return value[1:-1].replace("''", "'"), True
    if value.lower() in ("true", "false", "yes", "no", "on", "off"):
        return value.lower() in ("true", "yes", "on"), False
    if _NUMBER.match(value) and any(c.isdigit() for c in value):
        number = float(value.replace("_", ""))
        return (int(number) if number.is_integer() and "." not in value else number), False
    return value, False


def _flow_mapping(text: str, where: str) -> dict[str, tuple[Any, bool]]:
    inner = text.strip()
    if not inner.endswith("}"):
        raise EstimatorInputError("a { mapping must close on the same line", where)
    out = {}
    for part in _split_commas(inner[1:-1], where):
        if not part.strip():
            continue
        key, sep, value = part.partition(":")
        if not sep:
            raise EstimatorInputError(f"expected key: value, got {part.strip()!r}", where)
        out[key.strip().strip("\"'")] = _scalar(value, where)
    return out


def _split_commas(text: str, where: str) -> list[str]:
    parts, quote, start = [], None, 0
    for i, ch in enumerate(text):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            raise EstimatorInputError("nested values are not supported in co2_eq_emissions", where)
        elif ch == ",":
            parts.append(text[start:i])
            start = i + 1
    return [*parts, text[start:]]


def _block(lines: list[str], start: int, offset: int) -> dict[str, tuple[Any, bool]]:
    out: dict[str, tuple[Any, bool]] = {}
    indent = None
    for i in range(start, len(lines)):
        line, where = lines[i], f"line {i + offset}"
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            break
        if "\t" in line[: len(line) - len(line.lstrip())]:
            raise EstimatorInputError("tabs are not allowed in YAML indentation", where)
        depth = len(line) - len(line.lstrip())
        indent = depth if indent is None else indent
        if depth != indent:
            raise EstimatorInputError("nested values are not supported in co2_eq_emissions", where)
        match = _PAIR.match(line.strip())
        if match is None:
            raise EstimatorInputError(f"expected key: value, got {line.strip()!r}", where)
        key = match["key"].strip("\"'")
        if key in out:
            raise EstimatorInputError(f"duplicate key {key!r}", where)
        out[key] = _scalar(match["value"] or "", where)
    return out


def read_co2_metadata(text: str) -> dict[str, tuple[Any, bool]]:
    """The ``co2_eq_emissions`` block as {key: (value, was_quoted)}; a bare number becomes
    ``{"emissions": ...}``. Raises ``EstimatorInputError`` with the card's line number."""
    lines, offset = _front_matter(text)
    found = [i for i, line in enumerate(lines) if _KEY_LINE.match(line)]
    if not found:
        raise EstimatorInputError(f"the card's metadata has no top-level {KEY}", KEY)
    if len(found) > 1:
        raise EstimatorInputError(f"{KEY} appears twice", f"line {found[1] + offset}")
    index = found[0]
    where = f"line {index + offset}"
    rest = _strip_comment(_KEY_LINE.match(lines[index])["rest"])  # type: ignore[index]
    if rest.startswith("{"):
        return _flow_mapping(rest, where)
    if rest:
        return {"emissions": _scalar(rest, where)}
    block = _block(lines, index + 1, offset)
    if not block:
        raise EstimatorInputError(f"{KEY} is empty", where)
    return block


def _grams(value: Any, quoted: bool, warnings: list[str]) -> float:
    if isinstance(value, bool) or value is None:
        raise EstimatorInputError(f"must be a number of grams, got {value!r}", f"{KEY}.emissions")
    if isinstance(value, int | float):
        grams = float(value)
        if quoted:
            warnings.append(f"{KEY}.emissions was quoted; read as the number {grams:g} g")
    else:
        text = str(value).strip()
        if _NUMBER.match(text.replace(" ", "")) and any(c.isdigit() for c in text):
            grams = float(text.replace("_", "").replace(" ", ""))
            warnings.append(f"{KEY}.emissions was quoted; read as the number {grams:g} g")
        else:
            match = _WITH_UNIT.match(text)
            if match is None or "," in text:
                raise EstimatorInputError(
                    f"{text!r} is not a number of grams (the Hub's unit)", f"{KEY}.emissions"
                )
            unit = normalise_unit(match["unit"])
            number = float(match["number"].replace("_", ""))
            grams = convert(number, unit, "g")
            warnings.append(f"{KEY}.emissions {text!r} has a unit; converted to {grams:g} g")
    if grams < 0 or grams != grams or grams == float("inf"):
        raise EstimatorInputError(
            f"must be a non-negative number, got {value!r}", f"{KEY}.emissions"
        )
    if 0 < grams < 1:
        warnings.append(f"{KEY}.emissions is {grams:g} g, under one gram: check it is not kg")
    return grams


def split_hardware(text: str) -> tuple[int | None, str]:
    """``"8 x NVIDIA A100 GPUs"`` -> ``(8, "NVIDIA A100")``; without a leading count, None.

    Written as string operations around one anchored pattern: a single regex with a lazy name
    between optional space runs backtracks cubically on a long run of spaces.
    """
    text = text.strip()
    match = _HARDWARE_COUNT.match(text)
    if match is None or match.end() == len(text):
        return None, text
    name = text[match.end() :]
    if name[0] in "xX×" and len(name) > 1:
        name = name[1:].lstrip()
    lowered = name.lower()
    for suffix in _HARDWARE_SUFFIXES:
        if lowered.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)].rstrip()
            break
    return int(match["count"]), name


def _hardware(text: str, catalog: Catalog, warnings: list[str]) -> dict[str, Any]:
    count, name = split_hardware(text)
    for candidate in (name, re.sub(r"^(nvidia|amd|google)\s+", "", name, flags=re.IGNORECASE)):
        found = catalog.find_accelerator(candidate) or catalog.find_device_without_power(candidate)
        if found is not None:
            if found.name in catalog.without_power:
                warnings.append(
                    f"hardware_used {text!r} is {found.name}: the catalog holds no power "
                    "figure for it; recomputing needs power_w with power_basis, or energy_kwh"
                )
            out: dict[str, Any] = {"accelerator": found.name}
            if count is not None:
                out["count"] = count
            return out
    warnings.append(f"hardware_used {text!r} is not matched to a catalog accelerator")
    return {}


def _location(text: str, catalog: Catalog, warnings: list[str]) -> Location | None:
    for part in reversed([p.strip() for p in text.split(",")]):
        country = catalog.find_country(part)
        if country is not None:
            warnings.append(
                f"geographical_location {text!r} read as country {country.country} "
                f"({country.label}); a sub-national grid may differ"
            )
            return Location(country=country.country)
    warnings.append(f"geographical_location {text!r} is not matched to a catalog country")
    return None


def from_hf_card(text: str, *, catalog: Catalog | None = None) -> ImportedDisclosure:
    """Read a model card (README with YAML front matter) or bare YAML.

    The disclosure has one run carrying the card's figure as ``claimed_tco2e`` and whatever
    hardware and location the card names; cards give no hours or energy, so recomputing it
    needs more data (``verify_claim`` says ``insufficient_data``).
    """
    catalog = catalog or load_catalog()
    meta = read_co2_metadata(text)
    warnings: list[str] = []
    if "emissions" not in meta:
        raise EstimatorInputError("missing (grams CO2e)", f"{KEY}.emissions")
    grams = _grams(*meta["emissions"], warnings)
    strings = {k: str(v) for k, (v, _) in meta.items() if k != "emissions" and v is not None}
    unknown = sorted(set(strings) - set(KNOWN_KEYS))
    if unknown:
        warnings.append(f"{KEY} keys not read: {', '.join(unknown)}")
    run: dict[str, Any] = {"claimed_tco2e": grams / 1e6}
    if "hardware_used" in strings:
        run.update(_hardware(strings["hardware_used"], catalog, warnings))
    if "geographical_location" in strings:
        run["location"] = _location(strings["geographical_location"], catalog, warnings)
    run["name"] = strings.get("training_type", "")
    disclosure = DisclosureInput(runs=(RunInput(**run),))
    totals = {"energy_kwh": None, "tco2e": grams / 1e6, "emissions_g": grams}
    metadata = {k: strings[k] for k in KNOWN_KEYS if k in strings}
    return ImportedDisclosure("hf_card", disclosure, totals, warnings, metadata)


def to_hf_metadata(
    disclosure: DisclosureInput,
    footprint: Footprint,
    *,
    training_type: str | None = None,
    source: str | None = None,
) -> dict[str, Any]:
    """The ``co2_eq_emissions`` block for a model card: gross (location-based) grams CO2e,
    because the Hub's figure is read as the training's emissions, not a market-based one."""
    hardware: dict[str, int] = {}
    for run in disclosure.runs:
        if run.accelerator:
            hardware[run.accelerator] = hardware.get(run.accelerator, 0) + (run.count or 0)
    places = sorted({run.location.describe() for run in disclosure.runs if run.location})
    block: dict[str, Any] = {
        "emissions": round(footprint.gross_tco2e * 1e6, 3),
        "source": source
        or f"AI Incident & Emissions Registry estimator, catalog {footprint.catalog_version}",
    }
    if training_type:
        block["training_type"] = training_type
    if places:
        block["geographical_location"] = "; ".join(places)
    if hardware:
        block["hardware_used"] = ", ".join(
            f"{n} {name}" if n else name for name, n in hardware.items()
        )
    return {KEY: block}


def hf_metadata_yaml(metadata: dict[str, Any]) -> str:
    """Render ``to_hf_metadata``'s result as YAML to paste into a card's front matter.
    Strings are double-quoted JSON, which is valid YAML and needs no escaping rules of ours."""
    lines = []
    for key, block in metadata.items():
        lines.append(f"{key}:")
        for name, value in block.items():
            lines.append(f"  {name}: {json.dumps(value)}")
    return "\n".join(lines) + "\n"
