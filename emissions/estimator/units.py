"""Unit conversions for the quantities disclosures mix up.

Disclosures write emissions in g, kg, t or lbs, energy in Wh, kWh, MWh or GWh, power in W or kW
and time in hours or days. The estimator stores one unit per quantity (``_kwh``, ``_tco2e``,
``_w``, ``_hours``); everything else is converted here, through one table per dimension, so a
round trip is exact up to floating point and the verifier can name the factor of a unit slip.
"""

from __future__ import annotations

from .errors import EstimatorInputError

#: Pounds to kilograms, exact by definition (international avoirdupois pound).
KG_PER_LB = 0.45359237

MASS_IN_T: dict[str, float] = {
    "g": 1e-6,
    "kg": 1e-3,
    "t": 1.0,
    "kt": 1e3,
    "lbs": KG_PER_LB * 1e-3,
}
ENERGY_IN_KWH: dict[str, float] = {"wh": 1e-3, "kwh": 1.0, "mwh": 1e3, "gwh": 1e6}
POWER_IN_W: dict[str, float] = {"w": 1.0, "kw": 1e3, "mw": 1e6}
TIME_IN_HOURS: dict[str, float] = {"s": 1 / 3600, "min": 1 / 60, "h": 1.0, "days": 24.0}
INTENSITY_IN_G_PER_KWH: dict[str, float] = {"g/kwh": 1.0, "kg/kwh": 1e3, "t/mwh": 1e3}

_ALIASES: dict[str, str] = {
    "gram": "g",
    "grams": "g",
    "gco2e": "g",
    "gco2eq": "g",
    "kilogram": "kg",
    "kilograms": "kg",
    "kgco2e": "kg",
    "kgco2eq": "kg",
    "tonne": "t",
    "tonnes": "t",
    "ton": "t",
    "tons": "t",
    "tco2e": "t",
    "tco2eq": "t",
    "lb": "lbs",
    "pound": "lbs",
    "pounds": "lbs",
    "hour": "h",
    "hours": "h",
    "hr": "h",
    "hrs": "h",
    "day": "days",
    "d": "days",
    "second": "s",
    "seconds": "s",
    "minutes": "min",
}

_TABLES: tuple[dict[str, float], ...] = (
    MASS_IN_T,
    ENERGY_IN_KWH,
    POWER_IN_W,
    TIME_IN_HOURS,
    INTENSITY_IN_G_PER_KWH,
)


def normalise_unit(unit: str) -> str:
    """Lower-case a unit name and map common spellings (``tonnes``, ``kgCO2eq``) to one key."""
    key = unit.strip().lower().replace(" ", "").replace("₂", "2")
    return _ALIASES.get(key, key)


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """Convert ``value`` between two units of the same dimension.

    Raises ``EstimatorInputError`` for unknown units or units of different dimensions (a mass
    cannot become an energy: that is exactly the confusion the registry exists to catch).
    """
    source, target = normalise_unit(from_unit), normalise_unit(to_unit)
    for table in _TABLES:
        if source in table and target in table:
            return value * table[source] / table[target]
    known = sorted({unit for table in _TABLES for unit in table})
    raise EstimatorInputError(
        f"cannot convert {from_unit!r} to {to_unit!r}; known units: {', '.join(known)}"
    )
