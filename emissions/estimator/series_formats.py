"""Real grid-intensity series in the formats their publishers use.

``read_intensity_series(text)`` recognises three formats and returns an ``IntensitySeries``
(regular steps of 5-60 minutes, g CO2e/kWh, each value holding from its timestamp to the next):

- **Electricity Maps data-portal CSV** (electricitymaps.com/data-portal, ODbL): columns
  ``Datetime (UTC), Country, Zone Name, Zone Id, Carbon Intensity gCO₂eq/kWh (direct),
  Carbon Intensity gCO₂eq/kWh (life cycle assessment), Low Carbon Percentage, Renewable
  Percentage, Data Source, Data Estimated, Data Estimation Method`` (some exports write
  ``(LCA)``). Times are UTC by the header. ``basis="lca"`` (default, the life-cycle figure) or
  ``"direct"`` (Scope 2, combustion only) picks the column.
- **UK Carbon Intensity API JSON** (api.carbonintensity.org.uk, National Grid ESO, CC BY 4.0):
  ``{"data": [{"from": "2018-01-20T12:00Z", "to": "2018-01-20T12:30Z", "intensity":
  {"forecast": 266, "actual": 263, "index": "moderate"}}, ...]}``, half-hourly, gCO2/kWh.
  ``actual`` is null for half-hours not yet closed: ``value="actual"`` (default) refuses such a
  row, naming it; ``value="forecast"`` reads the forecast (what a planner has for the future).
  Each ``to`` must be the next ``from``.
- **Generic CSV**: ``timestamp,<value column>`` where the value column names its unit:
  ``intensity_g_per_kwh``, ``g/kWh``, ``gCO2/kWh``, ``gCO2eq/kWh``, or ``kg/MWh`` (the same
  number); any other unit (kg/kWh, lbs/MWh, ...) is refused with a message, never converted
  silently.

Time zones: timestamps without a UTC offset are refused unless the format declares them (the
Electricity Maps header says UTC) or the caller does (``timezone="UTC"``, ``"+01:00"`` or an IANA
name such as ``"Europe/London"``, whose DST change then shows up as a gap or a repeated hour).
Gaps, repeated or unsorted rows and irregular steps are refused with the line (CSV) or the
``data[i]`` index (JSON) of the first offending row.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from datetime import UTC, datetime, timedelta, tzinfo
from datetime import timezone as dt_timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import EstimatorInputError
from .model import MAX_INTENSITY_G_PER_KWH
from .schedule import IntensitySeries

# Value-column spellings per unit, normalised (lower case, no spaces, ₂ -> 2).
_G_PER_KWH = {
    "intensity_g_per_kwh",
    "g/kwh",
    "gco2/kwh",
    "gco2e/kwh",
    "gco2eq/kwh",
    "carbon_intensity",
    "intensity",
}
_KG_PER_MWH = {"kg/mwh", "kgco2/mwh", "kgco2e/mwh", "kgco2eq/mwh", "intensity_kg_per_mwh"}
_EM_TIME = "datetime (utc)"
_EM_COLUMNS = {
    "lca": (
        "carbon intensity gco2eq/kwh (life cycle assessment)",
        "carbon intensity gco2eq/kwh (lca)",
    ),
    "direct": ("carbon intensity gco2eq/kwh (direct)",),
}


def _norm(name: str) -> str:
    return re.sub(r"\s+", " ", name.strip().lower().replace("₂", "2"))


def _zone(name: str | None) -> tzinfo | None:
    if name is None:
        return None
    if name.upper() in ("UTC", "Z"):
        return UTC
    match = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", name.strip())
    if match:
        sign = 1 if match.group(1) == "+" else -1
        offset = timedelta(hours=int(match.group(2)), minutes=int(match.group(3)))
        return dt_timezone(sign * offset)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise EstimatorInputError(
            f"unknown time zone {name!r}: give UTC, an offset such as +01:00, or an IANA name "
            "such as Europe/London",
            "timezone",
        ) from None


def _when(raw: str, where: str, zone: tzinfo | None) -> datetime:
    text = raw.strip()
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError:
        raise EstimatorInputError(f"{text!r} is not an ISO 8601 time", where) from None
    if stamp.tzinfo is None:
        if zone is None:
            raise EstimatorInputError(
                f"{text!r} has no UTC offset: write 2024-05-01T08:00:00Z or declare the "
                "series' time zone (timezone=UTC, +01:00 or Europe/London)",
                where,
            )
        stamp = stamp.replace(tzinfo=zone)
    return stamp.astimezone(UTC)


def _value(raw: Any, where: str, scale: float = 1.0) -> float:
    if isinstance(raw, bool) or raw is None or raw == "":
        raise EstimatorInputError(f"no intensity value ({raw!r})", where)
    try:
        value = float(raw) * scale
    except (TypeError, ValueError):
        raise EstimatorInputError(f"{raw!r} is not a number", where) from None
    if math.isnan(value) or not 0 <= value <= MAX_INTENSITY_G_PER_KWH:
        raise EstimatorInputError(
            f"intensity {value:g} g/kWh is outside 0-{MAX_INTENSITY_G_PER_KWH:g} (a unit slip?)",
            where,
        )
    return value


def _regular(points: list[tuple[str, datetime, float]], source: str) -> IntensitySeries:
    """A regular series from (where, UTC time, g/kWh) points, refusing gaps and odd steps."""
    if len(points) < 2:
        raise EstimatorInputError("a series needs at least two values", "series")
    step = points[1][1] - points[0][1]
    minutes = step.total_seconds() / 60
    if not minutes.is_integer() or not 5 <= minutes <= 60:
        raise EstimatorInputError(
            f"a step of {minutes:g} minutes; a series needs 5-60 whole minutes", points[1][0]
        )
    for (_, before, _), (where, now, _) in zip(points, points[1:], strict=False):
        if now - before != step:
            gap = (now - before).total_seconds() / 60
            what = "a gap" if gap > minutes else "a repeated or unsorted row"
            raise EstimatorInputError(
                f"{gap:g} minutes after the previous row where the series steps {minutes:g}: "
                f"{what} (fill or cut the series; a DST change in local time shows up here)",
                where,
            )
    return IntensitySeries(
        points[0][1], int(minutes), tuple(v for _, _, v in points), source=source
    )


def _csv_rows(text: str) -> list[tuple[int, list[str]]]:
    body = text.lstrip("\ufeff")
    rows = []
    reader = csv.reader(io.StringIO(body))
    try:
        for values in reader:
            if values and any(v.strip() for v in values) and not values[0].startswith("#"):
                rows.append((reader.line_num, values))
    except csv.Error as error:
        raise EstimatorInputError(f"malformed CSV: {error}", f"line {reader.line_num}") from None
    if not rows:
        raise EstimatorInputError("the series is empty", "line 1")
    return rows


def _electricity_maps(rows: list[tuple[int, list[str]]], basis: str) -> IntensitySeries:
    header = [_norm(h) for h in rows[0][1]]
    if basis not in _EM_COLUMNS:
        raise EstimatorInputError("basis must be 'lca' or 'direct'", "basis")
    column = next((header.index(c) for c in _EM_COLUMNS[basis] if c in header), None)
    if column is None:
        raise EstimatorInputError(
            f"no '{_EM_COLUMNS[basis][0]}' column in this Electricity Maps export", "line 1"
        )
    time_col = header.index(_EM_TIME)
    points = []
    for line, values in rows[1:]:
        where = f"line {line}"
        if len(values) != len(header):
            raise EstimatorInputError(
                f"{len(values)} fields where the header has {len(header)}", where
            )
        # The header declares UTC; the portal writes "2023-01-01 00:00:00" without an offset.
        stamp = _when(values[time_col], where, UTC)
        points.append((where, stamp, _value(values[column], where)))
    zone = (
        {values[header.index("zone id")] for _, values in rows[1:]}
        if "zone id" in header
        else set()
    )
    label = f"Electricity Maps {'/'.join(sorted(zone)) or 'export'} ({basis}), ODbL"
    return _regular(points, label)


def _generic(
    rows: list[tuple[int, list[str]]], zone: tzinfo | None, naive_ok: bool
) -> IntensitySeries:
    scale = 1.0
    first = rows[0][1]
    if not first[0].strip()[:1].isdigit():  # a header
        if len(first) != 2 or _norm(first[0]) not in ("timestamp", "time", "datetime"):
            raise EstimatorInputError(
                "the header of a generic series has two columns: timestamp and the intensity "
                "with its unit (intensity_g_per_kwh, g/kWh or kg/MWh)",
                f"line {rows[0][0]}",
            )
        unit = _norm(first[1]).replace(" ", "")
        if unit in _KG_PER_MWH:
            scale = 1.0  # kg/MWh and g/kWh are the same number
        elif unit not in _G_PER_KWH:
            raise EstimatorInputError(
                f"the intensity column {first[1].strip()!r} is not in g/kWh or kg/MWh: convert "
                "it first (a kg/kWh or lbs/MWh figure read as g/kWh would be wrong by 1000x "
                "or 2.2x)",
                f"line {rows[0][0]}",
            )
        rows = rows[1:]
    points = []
    for line, values in rows:
        where = f"line {line}"
        if len(values) != 2:
            raise EstimatorInputError(f"expected 2 fields, got {len(values)}", where)
        if zone is None and naive_ok:
            stamp = _naive_or_aware(values[0], where, points)
        else:
            stamp = _when(values[0], where, zone)
        points.append((where, stamp, _value(values[1], where, scale)))
    return _regular(points, "uploaded CSV")


def _naive_or_aware(raw: str, where: str, points: list[tuple[str, datetime, float]]) -> datetime:
    """The legacy reading: times kept as written, all with an offset or all without (a naive
    series then only lines up with naive run times)."""
    try:
        stamp = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise EstimatorInputError(f"{raw.strip()!r} is not an ISO 8601 time", where) from None
    if points and (stamp.tzinfo is None) != (points[0][1].tzinfo is None):
        raise EstimatorInputError("mixes times with and without a UTC offset", where)
    return stamp


def _uk_carbon_intensity(data: Any, value: str) -> IntensitySeries:
    if value not in ("actual", "forecast"):
        raise EstimatorInputError("value must be 'actual' or 'forecast'", "value")
    rows = data.get("data") if isinstance(data, dict) else None
    if isinstance(rows, list) and rows and isinstance(rows[0], dict) and "data" in rows[0]:
        rows = rows[0]["data"]  # the regional endpoints nest one level deeper
    if not isinstance(rows, list) or not rows:
        raise EstimatorInputError('expected {"data": [{"from", "to", "intensity"}, ...]}', "data")
    points = []
    previous_to: datetime | None = None
    for i, row in enumerate(rows):
        where = f"data[{i}]"
        if not isinstance(row, dict) or not isinstance(row.get("intensity"), dict):
            raise EstimatorInputError("expected from, to and intensity", where)
        start = _when(str(row.get("from", "")), f"{where}.from", None)
        end = _when(str(row.get("to", "")), f"{where}.to", None)
        if previous_to is not None and start != previous_to:
            raise EstimatorInputError(
                f"starts at {start.isoformat()}, but the previous period ended at "
                f"{previous_to.isoformat()}: a gap or an overlap",
                f"{where}.from",
            )
        previous_to = end
        raw = row["intensity"].get(value)
        if raw is None and value == "actual":
            raise EstimatorInputError(
                "no actual intensity (a period not yet closed); read the forecast instead "
                "(value='forecast', --series-value forecast)",
                f"{where}.intensity.actual",
            )
        points.append((where, start, _value(raw, f"{where}.intensity.{value}")))
    return _regular(points, f"UK Carbon Intensity API ({value}), National Grid ESO, CC BY 4.0")


def read_intensity_series(
    text: str,
    *,
    timezone: str | None = None,
    basis: str = "lca",
    value: str = "actual",
    naive_ok: bool = False,
) -> IntensitySeries:
    """Read a series in any of the formats of the module docstring (recognised by content).

    ``naive_ok``: keep a generic CSV's offset-less times as written instead of refusing them
    (the command line's and the planner's legacy contract: such a series lines up only with
    run times that have no offset either, and a window is reported in the same local times).

    Raises ``EstimatorInputError`` naming the line or element of the first problem.
    """
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("{", "[")):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as error:
            raise EstimatorInputError(
                f"invalid JSON at line {error.lineno} column {error.colno}: {error.msg}", "series"
            ) from None
        return _uk_carbon_intensity(data, value)
    rows = _csv_rows(text)
    if _EM_TIME in [_norm(h) for h in rows[0][1]]:
        return _electricity_maps(rows, basis)
    return _generic(rows, _zone(timezone), naive_ok)
