"""What every benchmark shares: recording figures for `make bench`'s summary table.

A benchmark prints its own detail, and calls `record(...)` once per headline figure. When run
by `bench/run_all.py` (BENCH_RESULTS set) the figures are also appended, one JSON object per line,
to that file.
"""

from __future__ import annotations

import json
import os
import sys
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
    load: str


def load_average() -> str:
    """The 1/5/15-minute load averages, stated next to every figure: on a shared machine a
    figure taken under load says little about the code."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}/{five:.2f}/{fifteen:.2f}"


def quick_requested() -> bool:
    """`--quick` (or BENCH_QUICK=1, which run_all passes on): small inputs, a few seconds each,
    to prove a benchmark runs; its figures are not the published ones."""
    return "--quick" in sys.argv[1:] or os.environ.get("BENCH_QUICK") == "1"


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
        load_average(),
    )
    verdict = "" if ok is None else ("  [meets target]" if ok else "  [MISSES target]")
    ratio_text = "" if ratio is None else f"  ratio {ratio:.3g} to {baseline}"
    print(
        f"{bench}: {figure} = {value:,.4g} {unit}  (target {target or '-'}){ratio_text}{verdict}"
        f"  [load {row.load}]"
    )
    path = os.environ.get("BENCH_RESULTS")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(asdict(row)) + "\n")
    return row


# wrk's Lua hooks: cycle through the paths given after `--`, and print one JSON summary line.
WRK_SCRIPT = r"""
local paths = {}
local i = 0
init = function(args) for _, p in ipairs(args) do table.insert(paths, p) end end
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d, "status": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.timeout, e.status))
end
"""


def wrk_run(
    base_url: str, paths: list[str], *, connections: int, seconds: int, timeout_s: int = 10
) -> dict[str, int]:
    """GET `paths` in turn against `base_url` with wrk; wrk's summary (latencies in us, error
    counts by kind: socket connect/read/write/timeout, and non-2xx/3xx `status`)."""
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(WRK_SCRIPT)
    try:
        output = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                f"{timeout_s}s",
                "-s",
                handle.name,
                base_url + paths[0],
                "--",
                *paths,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(handle.name)
    return json.loads(output.strip().splitlines()[-1])
