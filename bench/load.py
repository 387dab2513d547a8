"""Load: 60 seconds of mixed traffic against gunicorn with production settings.

Baseline: the corpus of bench/corpus.py (10,000 incidents, 100,000 reports). wrk (Debian's
package) drives home, lists, incident pages, search, API lists and a dataset file at the
concurrency that saturates the two cores (found by short probes). Target: zero errors and p99
under 500 ms. Throttling is raised for the run: it would otherwise answer 429s by design.
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

from bench.common import record, wrk_run  # noqa: E402
from bench.corpus import ensure_corpus  # noqa: E402

DURATION_S = int(os.environ.get("LOAD_DURATION_S", "60"))
PROBE_S = 8
WORKERS = 4


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _paths() -> list[str]:
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
            f"/incidents/{rng.randint(1, 10_000)}/",
            f"/incidents/{rng.randint(1, 10_000)}/",
            f"/reports/{rng.randint(1, 100_000)}/",
            f"/search/?q={urllib.request.quote(rng.choice(terms))}",
            f"/api/v1/search/?q={urllib.request.quote(rng.choice(terms))}",
            "/api/v1/incidents/",
            f"/api/v1/incidents/{rng.randint(1, 10_000)}/",
            "/api/v1/reports/",
            "/datasets/",
        ]
    rng.shuffle(paths)
    return paths


def _wrk(port: int, connections: int, seconds: int, paths: list[str]) -> dict:
    return wrk_run(
        f"http://127.0.0.1:{port}", paths, connections=connections, seconds=seconds, timeout_s=5
    )


def main() -> int:
    if shutil.which("wrk") is None:
        print("load: wrk is not installed (apt-get install wrk); skipped")
        return 0
    url = ensure_corpus()
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
        paths = _paths()
        _wrk(port, 4, 3, paths)  # warm caches and connections
        probes = {}
        for connections in (2, 4, 8, 16):
            result = _wrk(port, connections, PROBE_S, paths)
            probes[connections] = result["requests"] / (result["duration_us"] / 1e6)
            print(
                f"load: probe c={connections}: {probes[connections]:.0f} req/s, "
                f"p99 {result['p99_us'] / 1000:.0f} ms",
                flush=True,
            )
        best = max(probes.values())
        saturating = min(c for c, rps in probes.items() if rps >= 0.95 * best)
        result = _wrk(port, saturating, DURATION_S, paths)
        errors = sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
        throughput = result["requests"] / (result["duration_us"] / 1e6)
        print(f"load: {DURATION_S} s at c={saturating}: {result}", flush=True)
        record(
            bench="load",
            figure=f"mixed traffic throughput (c={saturating})",
            value=throughput,
            unit="req/s",
            target="-",
            baseline="",
        )
        record(bench="load", figure="p50 latency", value=result["p50_us"] / 1000, unit="ms")
        record(bench="load", figure="p95 latency", value=result["p95_us"] / 1000, unit="ms")
        record(
            bench="load",
            figure="p99 latency",
            value=result["p99_us"] / 1000,
            unit="ms",
            target="< 500 ms",
            baseline="500 ms target",
            ratio=result["p99_us"] / 500_000,
            ok=result["p99_us"] < 500_000,
        )
        record(
            bench="load",
            figure="errors (non-2xx/3xx, timeouts, socket)",
            value=errors,
            unit="responses",
            target="0",
            ok=errors == 0,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
