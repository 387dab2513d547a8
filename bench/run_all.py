"""`make bench`: run every benchmark under bench/ and print one table of headline figures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
# api_urls.py is the throughput benchmark's URLconf, not a benchmark.
SKIP = {"common.py", "run_all.py", "__init__.py", "corpus.py", "api_urls.py"}


def main() -> int:
    only = set(sys.argv[1:])
    scripts = sorted(p for p in BENCH_DIR.glob("*.py") if p.name not in SKIP)
    if only:
        scripts = [p for p in scripts if p.stem in only]
    with tempfile.NamedTemporaryFile("w+", suffix=".jsonl", delete=False) as results:
        results_path = results.name
    failures = []
    for script in scripts:
        print(f"\n===== {script.name} =====", flush=True)
        env = {**os.environ, "BENCH_RESULTS": results_path, "PYTHONPATH": str(ROOT)}
        code = subprocess.call([sys.executable, str(script)], cwd=ROOT, env=env)
        if code != 0:
            failures.append(script.name)
    rows = [json.loads(line) for line in Path(results_path).read_text().splitlines() if line]
    os.unlink(results_path)
    print("\n" + _table(rows))
    if failures:
        print(f"\nbenchmarks that failed to run: {', '.join(failures)}")
    return 1 if failures else 0


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def _table(rows: list[dict]) -> str:
    headers = ["benchmark", "figure", "value", "unit", "target", "baseline", "ratio", "ok"]
    lines = [
        [
            r["bench"],
            r["figure"],
            f"{r['value']:,.4g}",
            r["unit"],
            r["target"],
            r["baseline"],
            "" if r["ratio"] is None else f"{r['ratio']:.3g}",
            "" if r["ok"] is None else ("yes" if r["ok"] else "NO"),
        ]
        for r in rows
    ]
    widths = [
        max(len(h), *(len(line[i]) for line in lines)) if lines else len(h)
        for i, h in enumerate(headers)
    ]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    out = [fmt.format(*headers), fmt.format(*("-" * w for w in widths))]
    out += [fmt.format(*line) for line in lines]
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
