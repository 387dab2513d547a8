"""How figures read in exports: the same rounding in the PDF, its chart and the statements."""

from __future__ import annotations

from typing import Any


def number(value: Any, unit: str = "") -> str:
    """A figure for print: three significant digits below 1000, thousands separators above."""
    if value is None or value == "":
        return "–"
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if x == 0:
        text = "0"
    elif abs(x) >= 1000:
        text = f"{x:,.0f}"
    elif abs(x) >= 1:
        text = f"{x:,.2f}".rstrip("0").rstrip(".")
    else:
        text = f"{x:.3g}"
    return f"{text} {unit}".strip()
