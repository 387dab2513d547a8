"""Import a CodeCarbon ``emissions.csv`` as a disclosure, read the way CodeCarbon writes it.

CodeCarbon's ``FileOutput`` (``on_csv_write="append"``, its default) appends one row each time a
tracker flushes or stops, and every row holds the run's running totals: ``duration``,
``emissions`` and ``energy_consumed`` since the tracker started. So a run is its *last* row, not
the sum of its rows. Runs are keyed by (``project_name``, ``run_id``); files from versions
without a ``run_id`` column have one run per row. The file's totals are the sums of the runs'
final rows.

Each run reproduces CodeCarbon's own figures: its energy as measured ``energy_kwh`` and its
intensity as ``emissions / energy_consumed``, both marked as given. CodeCarbon multiplies
measured energy by its ``pue`` setting before writing ``energy_consumed``, so the run's PUE is
1.0: applying the file's PUE again would count it twice.

The file is read line by line, because real files are damaged in real ways: two processes
appending to one file interleave their lines, a killed process leaves a truncated last line,
a crashed disk leaves NUL bytes. Such a line is skipped with a warning naming it; only a file
with no readable header or no readable row is refused.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from .catalog import Catalog
from .catalog_files import load_catalog
from .errors import EstimatorInputError
from .inputs import ImportedDisclosure, canonicalise_run
from .model import DisclosureInput, Location, RunInput

ENERGY_COLUMNS = ("cpu_energy", "gpu_energy", "ram_energy")
_GPU_PREFIX = re.compile(r"^\s*\d+\s*[x×]\s*", re.IGNORECASE)


class _SkipRow(Exception):
    """A row that cannot be read; the message says why."""


def _number(row: Mapping[str, str | None], column: str) -> float | None:
    raw = (row.get(column) or "").strip()
    if not raw or raw.lower() in ("nan", "none", "null"):
        return None
    try:
        value = float(raw)
    except ValueError:
        raise _SkipRow(f"{column} {raw!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")) or value < 0:
        raise _SkipRow(f"{column} {raw!r} is not a non-negative number")
    return value


def _text(row: Mapping[str, str | None], column: str) -> str | None:
    value = (row.get(column) or "").strip()
    return value or None


def match_gpu_model(model: str, catalog: Catalog) -> str | None:
    """``"4 x NVIDIA A100-SXM4-80GB"`` -> ``"A100-80GB"``; None when the catalog has no match."""
    name = _GPU_PREFIX.sub("", model).strip()
    for candidate in (name, re.sub(r"^(nvidia|amd)\s+", "", name, flags=re.IGNORECASE)):
        found = catalog.find_accelerator(candidate)
        if found is not None:
            return found.name
    return None


def _location(row: Mapping[str, str | None]) -> Location | None:
    on_cloud = (_text(row, "on_cloud") or "").upper() == "Y"
    provider, region = _text(row, "cloud_provider"), _text(row, "cloud_region")
    country = _text(row, "country_iso_code")
    if on_cloud and provider and region:
        return Location(country=country, cloud_provider=provider, cloud_region=region)
    return Location(country=country) if country else None


class _Warnings:
    """Collects warnings by message so a 10,000-row file says each thing once, with lines."""

    def __init__(self) -> None:
        self.lines: dict[str, list[int]] = {}

    def add(self, line: int, message: str) -> None:
        self.lines.setdefault(message, []).append(line)

    def render(self) -> list[str]:
        out = []
        for message, lines in self.lines.items():
            if len(lines) == 1:
                where = f"line {lines[0]}"
            elif len(lines) <= 8:
                where = f"lines {', '.join(map(str, lines))}"
            else:
                where = f"lines {lines[0]}-{lines[-1]} ({len(lines)} rows)"
            out.append(f"{where}: {message}")
        return out


def _energy_and_emissions(
    row: Mapping[str, str | None], line: int, warnings: _Warnings
) -> tuple[float, float | None]:
    energy = _number(row, "energy_consumed")
    if energy is None:
        parts = [_number(row, c) for c in ENERGY_COLUMNS]
        if all(p is None for p in parts):
            raise _SkipRow("no energy_consumed and no component energies")
        energy = sum(p or 0.0 for p in parts)
        warnings.add(line, "energy_consumed empty; used cpu+gpu+ram energy")
    return energy, _number(row, "emissions")


def _run(
    row: Mapping[str, str | None],
    line: int,
    energy: float,
    emissions_kg: float | None,
    catalog: Catalog,
    warnings: _Warnings,
) -> RunInput:
    pue = _number(row, "pue")
    if pue is not None and pue != 1.0:
        warnings.add(
            line,
            f"CodeCarbon already applied its PUE ({pue:g}) to "
            "energy_consumed; the run uses PUE 1.0 so it is not applied twice",
        )
    kwargs: dict[str, Any] = {"energy_kwh": energy, "pue": 1.0, "location": _location(row)}
    if emissions_kg is not None:
        kwargs["intensity_g_per_kwh"] = emissions_kg / energy * 1000
        kwargs["claimed_tco2e"] = emissions_kg / 1000
    else:
        warnings.add(line, "no emissions; intensity comes from the catalog")
    kwargs["claimed_energy_kwh"] = energy
    duration_s = _number(row, "duration")
    if duration_s:
        kwargs["hours"] = duration_s / 3600
        stamp = _text(row, "timestamp")
        if stamp:
            try:
                end = datetime.fromisoformat(stamp)
            except ValueError:
                raise _SkipRow(f"timestamp {stamp!r} is not an ISO 8601 time") from None
            kwargs["start"], kwargs["end"] = end - timedelta(seconds=duration_s), end
    gpu_count = _number(row, "gpu_count")
    gpu_model = _text(row, "gpu_model")
    if gpu_count and gpu_model:
        kwargs["count"] = int(gpu_count)
        matched = match_gpu_model(gpu_model, catalog)
        kwargs["accelerator"] = matched or _GPU_PREFIX.sub("", gpu_model)
        if matched is None:
            warnings.add(
                line,
                f"GPU {gpu_model!r} is not in the catalog; kept as a "
                "label (the measured energy does not need it)",
            )
    project, run_id = _text(row, "project_name"), _text(row, "run_id")
    kwargs["name"] = " ".join(p for p in (project, run_id) if p) or f"line {line}"
    try:
        return canonicalise_run(RunInput(**kwargs), catalog)
    except EstimatorInputError as error:
        raise _SkipRow(str(error)) from None


def _lines(text: str) -> list[tuple[int, str]]:
    """Physical lines with their numbers. CodeCarbon never writes a newline inside a field,
    so a line is a row; splitting on ``\\n`` only keeps stray ``\\r``/``\\x1c`` inside a line,
    where the CSV reader reports them."""
    body = text.lstrip("\ufeff")
    return [(n, line.rstrip("\r")) for n, line in enumerate(body.split("\n"), 1)]


def _fields(line: str) -> list[str]:
    if "\x00" in line:
        raise _SkipRow("contains NUL bytes (a damaged or partly written file)")
    try:
        return next(csv.reader([line]))
    except (csv.Error, StopIteration) as error:
        raise _SkipRow(f"malformed CSV: {error}") from None


def from_codecarbon_csv(text: str, *, catalog: Catalog | None = None) -> ImportedDisclosure:
    """Read a CodeCarbon ``emissions.csv`` (any version's column subset).

    One run per (``project_name``, ``run_id``), from its last row (CodeCarbon's rows are running
    totals). ``totals``: ``energy_kwh`` and ``emissions_kg``/``tco2e`` summed over the runs'
    final rows (None if a run has no ``emissions``), ``runs`` (how many), ``rows`` (rows read)
    and ``skipped_lines``. ``warnings`` name the lines of every row skipped or superseded.
    ``metadata`` has ``codecarbon_version`` when the file states one version, and the first
    run's ``project_name``.
    Raises ``EstimatorInputError`` only when the header is unreadable or no row is readable.
    """
    catalog = catalog or load_catalog()
    lines = [(n, line) for n, line in _lines(text) if line.strip()]
    if not lines:
        raise EstimatorInputError("the file is empty", "line 1")
    header_line, header_text = lines[0]
    try:
        header = [h.strip() for h in _fields(header_text)]
    except _SkipRow as error:
        raise EstimatorInputError(f"unreadable header: {error}", f"line {header_line}") from None
    if "energy_consumed" not in header and not set(ENERGY_COLUMNS) & set(header):
        raise EstimatorInputError(
            "not a CodeCarbon emissions.csv: no energy_consumed column", f"line {header_line}"
        )
    warnings = _Warnings()
    skipped: list[tuple[int, str]] = []
    # key -> (line, row, energy, emissions); the last row of a run wins.
    final: dict[tuple[str, str] | int, tuple[int, dict[str, str], float, float | None]] = {}
    superseded: list[int] = []
    versions: set[str] = set()
    keyed = "run_id" in header
    for line, raw in lines[1:]:
        try:
            values = _fields(raw)
            if [v.strip() for v in values] == header:
                raise _SkipRow("a repeated header (two files joined?)")
            if len(values) != len(header):
                raise _SkipRow(
                    f"{len(values)} fields where the header has {len(header)} "
                    "(interleaved writes or a truncated line)"
                )
            row = dict(zip(header, values, strict=True))
            energy, emissions_kg = _energy_and_emissions(row, line, warnings)
            run_id = _text(row, "run_id")
            key: tuple[str, str] | int = (
                (_text(row, "project_name") or "", run_id) if keyed and run_id else line
            )
            if key in final:
                earlier = final[key]
                superseded.append(earlier[0])
                if energy < earlier[2]:
                    warnings.add(
                        line,
                        f"run {run_id}: energy_consumed is below its earlier row's; the last "
                        "row is kept all the same, as CodeCarbon's rows are running totals",
                    )
            final[key] = (line, row, energy, emissions_kg)
            if version := _text(row, "codecarbon_version"):
                versions.add(version)
        except _SkipRow as error:
            skipped.append((line, str(error)))
    for line, reason in skipped:
        warnings.add(line, f"skipped: {reason}")
    for line in sorted(superseded):
        warnings.add(
            line,
            "a running total superseded by a later row of the same run_id "
            "(CodeCarbon appends one cumulative row per flush; each run's last row is used)",
        )

    runs: list[RunInput] = []
    energy_total, emissions_total, emissions_missing = 0.0, 0.0, False
    for line, row, energy, emissions_kg in sorted(final.values(), key=lambda item: item[0]):
        if energy == 0:
            warnings.add(line, "zero energy, counted in the totals but not as a run")
        else:
            try:
                runs.append(_run(row, line, energy, emissions_kg, catalog, warnings))
            except _SkipRow as error:
                warnings.add(line, f"skipped: {error}")
                skipped.append((line, str(error)))
                continue
        energy_total += energy
        if emissions_kg is None:
            emissions_missing = True
        else:
            emissions_total += emissions_kg
    if not runs:
        reasons = "; ".join(f"line {n}: {why}" for n, why in skipped[:3])
        first = skipped[0][0] if skipped else header_line + 1
        raise EstimatorInputError(
            "no readable row with a positive energy" + (f" ({reasons})" if reasons else ""),
            f"line {first}",
        )
    emissions_kg_total = None if emissions_missing else emissions_total
    totals = {
        "energy_kwh": energy_total,
        "emissions_kg": emissions_kg_total,
        "tco2e": None if emissions_kg_total is None else emissions_kg_total / 1000,
        "runs": len(final),
        "rows": len(final) + len(superseded),
        "skipped_lines": sorted(n for n, _ in skipped),
    }
    metadata = {"codecarbon_version": versions.pop()} if len(versions) == 1 else {}
    # The project name is what CodeCarbon users call the model: it prefills the disclosure's.
    in_order = sorted(final.values(), key=lambda item: item[0])
    projects = [_text(row, "project_name") for _, row, _, _ in in_order]
    if first_project := next((p for p in projects if p), ""):
        metadata["project_name"] = first_project
    disclosure = DisclosureInput(runs=tuple(runs))
    return ImportedDisclosure("codecarbon", disclosure, totals, warnings.render(), metadata)
