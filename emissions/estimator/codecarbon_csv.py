"""Import a CodeCarbon ``emissions.csv`` as a disclosure.

CodeCarbon writes one row per tracked run; versions differ in their columns, so only
``energy_consumed`` (or the per-component energies) is required and every other column is
optional. Each row becomes one run that reproduces the file's own figures: its energy as
measured ``energy_kwh`` and its intensity as ``emissions / energy_consumed``, both marked as
given. CodeCarbon multiplies measured energy by its ``pue`` setting before writing
``energy_consumed``, so the run's PUE is 1.0: applying the file's PUE again would count it twice.
"""

from __future__ import annotations

import csv
import io
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


def _number(row: Mapping[str, str | None], column: str, line: int) -> float | None:
    raw = (row.get(column) or "").strip()
    if not raw or raw.lower() in ("nan", "none", "null"):
        return None
    try:
        value = float(raw)
    except ValueError:
        raise EstimatorInputError(f"{raw!r} is not a number", f"line {line}, {column}") from None
    if value != value or value in (float("inf"), float("-inf")) or value < 0:
        raise EstimatorInputError(f"{raw!r} is not a non-negative number", f"line {line}, {column}")
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
            where = f"line {lines[0]}" if len(lines) == 1 else f"lines {lines[0]}-{lines[-1]}"
            count = "" if len(lines) == 1 else f" ({len(lines)} rows)"
            out.append(f"{where}{count}: {message}")
        return out


def _run(
    row: Mapping[str, str | None], line: int, catalog: Catalog, warnings: _Warnings
) -> tuple[RunInput | None, float, float | None]:
    energy = _number(row, "energy_consumed", line)
    if energy is None:
        parts = [_number(row, c, line) for c in ENERGY_COLUMNS]
        if all(p is None for p in parts):
            raise EstimatorInputError(
                "no energy_consumed and no component energies", f"line {line}"
            )
        energy = sum(p or 0.0 for p in parts)
        warnings.add(line, "energy_consumed empty; used cpu+gpu+ram energy")
    emissions_kg = _number(row, "emissions", line)
    if energy == 0:
        warnings.add(line, "zero energy, counted in the totals but not as a run")
        return None, energy, emissions_kg

    pue = _number(row, "pue", line)
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
    duration_s = _number(row, "duration", line)
    if duration_s:
        kwargs["hours"] = duration_s / 3600
        stamp = _text(row, "timestamp")
        if stamp:
            try:
                end = datetime.fromisoformat(stamp)
            except ValueError:
                raise EstimatorInputError(
                    f"{stamp!r} is not an ISO 8601 time", f"line {line}, timestamp"
                ) from None
            kwargs["start"], kwargs["end"] = end - timedelta(seconds=duration_s), end
    gpu_count = _number(row, "gpu_count", line)
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
        run = RunInput(**kwargs)
        return canonicalise_run(run, catalog), energy, emissions_kg
    except EstimatorInputError as error:
        raise EstimatorInputError(error.message, f"line {line}, {error.field}") from None


def from_codecarbon_csv(text: str, *, catalog: Catalog | None = None) -> ImportedDisclosure:
    """Read a CodeCarbon ``emissions.csv`` (any version's column subset).

    ``totals`` are the file's own sums: ``energy_kwh`` (sum of ``energy_consumed``),
    ``emissions_kg`` and ``tco2e`` (sum of ``emissions``, None if the column is absent) and
    ``rows``. Raises ``EstimatorInputError`` naming the line and column of a malformed value.
    """
    catalog = catalog or load_catalog()
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise EstimatorInputError("the file is empty", "line 1") from None
    except csv.Error as error:
        raise EstimatorInputError(f"malformed CSV: {error}", "line 1") from None
    if "energy_consumed" not in header and not set(ENERGY_COLUMNS) & set(header):
        raise EstimatorInputError(
            "not a CodeCarbon emissions.csv: no energy_consumed column", "line 1"
        )
    runs: list[RunInput] = []
    warnings = _Warnings()
    energy_total, emissions_total, emissions_missing, rows = 0.0, 0.0, False, 0
    seen: set[str] = set()
    projects: list[str] = []
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                raise EstimatorInputError(
                    f"{len(values)} fields, the header has {len(header)}", f"line {line}"
                )
            row = dict(zip(header, values, strict=True))
            run, energy, emissions_kg = _run(row, line, catalog, warnings)
            project = _text(row, "project_name")
            if project and project not in projects:
                projects.append(project)
            rows += 1
            energy_total += energy
            if emissions_kg is None:
                emissions_missing = True
            else:
                emissions_total += emissions_kg
            run_id = _text(row, "run_id")
            if run_id and run_id in seen:
                warnings.add(
                    line,
                    f"run_id {run_id} repeats an earlier row; "
                    "both rows are counted, as the file's totals do",
                )
            seen.add(run_id or "")
            if run is not None:
                runs.append(run)
    except csv.Error as error:
        raise EstimatorInputError(f"malformed CSV: {error}", f"line {reader.line_num}") from None
    if not runs:
        raise EstimatorInputError("no row with a positive energy", "line 2")
    emissions_kg_total = None if emissions_missing else emissions_total
    totals = {
        "energy_kwh": energy_total,
        "emissions_kg": emissions_kg_total,
        "tco2e": None if emissions_kg_total is None else emissions_kg_total / 1000,
        "rows": rows,
    }
    disclosure = DisclosureInput(runs=tuple(runs))
    # The project name is what CodeCarbon users call the model: it prefills the disclosure's.
    metadata = {"project_name": projects[0]} if projects else {}
    return ImportedDisclosure("codecarbon", disclosure, totals, warnings.render(), metadata)
