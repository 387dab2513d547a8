"""What every benchmark shares: recording figures for `make bench`'s summary table.

A benchmark prints its own detail, and calls `record(...)` once per headline figure. When run
by `bench/run_all.py` (BENCH_RESULTS set) the figures are also appended, one JSON object per line,
to that file.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Figure:
    bench: str
    figure: str
    value: float
    unit: str
    target: str
    baseline: str
    ratio: float | None
    ok: bool | None


def record(
    *,
    bench: str,
    figure: str,
    value: float,
    unit: str,
    target: str = "",
    baseline: str = "",
    ratio: float | None = None,
    ok: bool | None = None,
) -> Figure:
    """Print one headline figure and, under run_all, append it to the results file."""
    row = Figure(
        bench,
        figure,
        round(value, 4),
        unit,
        target,
        baseline,
        None if ratio is None else round(ratio, 3),
        ok,
    )
    verdict = "" if ok is None else ("  [meets target]" if ok else "  [MISSES target]")
    ratio_text = "" if ratio is None else f"  ratio {ratio:.3g} to {baseline}"
    print(f"{bench}: {figure} = {value:,.4g} {unit}  (target {target or '-'}){ratio_text}{verdict}")
    path = os.environ.get("BENCH_RESULTS")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(asdict(row)) + "\n")
    return row
