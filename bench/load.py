"""Load: mixed traffic against gunicorn with production settings, at 1x, 2x and 4x the
concurrency that saturates the server.

    .venv/bin/python bench/load.py [--quick]

Baseline: the corpus of bench/corpus.py (10,000 incidents, 100,000 reports; --quick: 300 and
1,200). wrk (Debian's package) drives home, lists, incident pages, search, API lists and a
dataset file, anonymous (so the page cache serves repeats; 4 sync workers, process-local cache,
data version from PostgreSQL). Short probes at 2, 4, 8, 16 connections find the saturating
concurrency (the least reaching 95% of the best throughput); then LOAD_DURATION_S (60) seconds
at 1x, 2x and 4x it, each reporting throughput, p50/p95/p99 and errors. Target: zero errors and
p99 under 500 ms at 1x; beyond it, queueing shows in the percentiles. Throttling is raised for
the run: it would otherwise answer 429s by design.
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import load_average, quick_requested, record, wrk_run  # noqa: E402
from bench.corpus import ensure_corpus  # noqa: E402

DURATION_S = int(os.environ.get("LOAD_DURATION_S", "60"))
PROBE_S = 8
WORKERS = 4


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _paths(incidents: int = 10_000, reports: int = 100_000) -> list[str]:
    rng = random.Random(1)
    terms = [
        "chatbot",
        "facial recognition",
        "deepfake election",
        "autonomous vehicle crash",
        "hiring",
        "ba",
        "ko",
        '"content moderation"',
    ]
    paths: list[str] = []
    for _ in range(50):
        paths += [
            "/",
            "/incidents/",
            f"/incidents/?page={rng.randint(1, 200)}",
            f"/incidents/{rng.randint(1, incidents)}/",
            f"/incidents/{rng.randint(1, incidents)}/",
            f"/reports/{rng.randint(1, reports)}/",
            f"/search/?q={urllib.request.quote(rng.choice(terms))}",
            f"/api/v1/search/?q={urllib.request.quote(rng.choice(terms))}",
            "/api/v1/incidents/",
            f"/api/v1/incidents/{rng.randint(1, incidents)}/",
            "/api/v1/reports/",
            "/datasets/",
        ]
    rng.shuffle(paths)
    return paths


def _wrk(port: int, connections: int, seconds: int, paths: list[str]) -> dict:
    return wrk_run(
        f"http://127.0.0.1:{port}", paths, connections=connections, seconds=seconds, timeout_s=5
    )


def _report(result: dict, *, factor: int, connections: int, seconds: int) -> None:
    errors = sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
    throughput = result["requests"] / (result["duration_us"] / 1e6)
    at = f"{factor}x saturation, c={connections}, {seconds} s"
    print(f"load: {at}: {result}", flush=True)
    record(bench="load", figure=f"mixed traffic throughput ({at})", value=throughput, unit="req/s")
    record(bench="load", figure=f"p50 latency ({at})", value=result["p50_us"] / 1000, unit="ms")
    record(bench="load", figure=f"p95 latency ({at})", value=result["p95_us"] / 1000, unit="ms")
    gated = factor == 1
    record(
        bench="load",
        figure=f"p99 latency ({at})",
        value=result["p99_us"] / 1000,
        unit="ms",
        target="< 500 ms" if gated else "",
        baseline="500 ms target",
        ratio=result["p99_us"] / 500_000,
        ok=result["p99_us"] < 500_000 if gated else None,
    )
    record(
        bench="load",
        figure=f"errors: non-2xx/3xx, timeouts, socket ({at})",
        value=errors,
        unit="responses",
        target="0",
        baseline=f"of {result['requests']:,} requests",
        ok=errors == 0,
    )


def main() -> int:
    if shutil.which("wrk") is None:
        print("load: wrk is not installed (apt-get install wrk); skipped")
        return 0
    quick = quick_requested()
    if quick:
        url = ensure_corpus("bench_load_quick", incidents=300, reports=1_200)
    else:
        url = ensure_corpus()
    duration_s, probe_s = (3, 2) if quick else (DURATION_S, PROBE_S)
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECRET_KEY": "load-test-secret-key-that-is-long-enough-for-django-checks-0123456",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        "API_THROTTLE_ANON": "1000000/min",
        "API_THROTTLE_USER": "1000000/min",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "registry.wsgi",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        paths = _paths(300, 1_200) if quick else _paths()
        _wrk(port, 4, 3, paths)  # warm caches and connections
        probes = {}
        for connections in (2, 4, 8, 16):
            result = _wrk(port, connections, probe_s, paths)
            probes[connections] = result["requests"] / (result["duration_us"] / 1e6)
            print(
                f"load: probe c={connections}: {probes[connections]:.0f} req/s, "
                f"p99 {result['p99_us'] / 1000:.0f} ms  [load {load_average()}]",
                flush=True,
            )
        best = max(probes.values())
        saturating = min(c for c, rps in probes.items() if rps >= 0.95 * best)
        for factor in (1, 2, 4):
            connections = saturating * factor
            result = _wrk(port, connections, duration_s, paths)
            _report(result, factor=factor, connections=connections, seconds=duration_s)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
