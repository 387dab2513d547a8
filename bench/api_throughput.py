"""API throughput benchmark (issue 7).

The corpus of bench/corpus.py (10,000 incidents, 100,000 reports) served by gunicorn (2 sync
workers, production settings, throttling raised), loaded by wrk for each endpoint: requests/s
and p95 of the incident list, incident detail, report list and /api/v1/search/, each next to
a bare Django view that runs the same query and builds the same JSON from plain dicts (the
framework floor, bench/api_urls.py). Target: list endpoints within 2x of the floor.

Run: `.venv/bin/python bench/api_throughput.py` (BENCH_HTTP_S shortens it).
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import wrk_run  # noqa: E402

HTTP_SECONDS = int(os.environ.get("BENCH_HTTP_S", "10"))
CONNECTIONS = 8
ROUNDS = 3


# --- HTTP load ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_gunicorn(database_url: str, settings_dir: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "bench_api_settings",
        "PYTHONPATH": f"{settings_dir}{os.pathsep}{ROOT}",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-not-for-production",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "API_THROTTLE_ANON": "100000000/min",
        "API_THROTTLE_USER": "100000000/min",
        "LOG_LEVEL": "ERROR",
    }
    env["STATIC_ROOT"] = str(settings_dir / "static")
    # Production settings serve static files from a manifest (error pages use them).
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "registry.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/api/v1/taxonomies/", timeout=5):  # noqa: S310
                return server, base
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def _wrk(base: str, paths: list[str], seconds: int) -> dict[str, float]:
    summary = wrk_run(base, paths, connections=CONNECTIONS, seconds=seconds)
    socket_errors = summary["connect"] + summary["read"] + summary["write"] + summary["timeout"]
    return {
        "rps": summary["requests"] / (summary["duration_us"] / 1e6),
        "p50_ms": summary["p50_us"] / 1000,
        "p95_ms": summary["p95_us"] / 1000,
        "errors": socket_errors + summary["status"],
    }


def _alternating(
    base: str, api_paths: list[str], floor_paths: list[str]
) -> tuple[dict[str, float], dict[str, float]]:
    """API and floor measured in alternating rounds, keeping each side's best round: on a
    shared machine the load changes from one second to the next, and back-to-back runs
    would compare the two sides under different loads."""
    seconds = max(1, HTTP_SECONDS // ROUNDS)
    rounds = [
        (_wrk(base, api_paths, seconds), _wrk(base, floor_paths, seconds)) for _ in range(ROUNDS)
    ]
    best_api = max((api for api, _ in rounds), key=lambda r: r["rps"])
    best_floor = max((floor for _, floor in rounds), key=lambda r: r["rps"])
    for side in (best_api, best_floor):
        side["errors"] = sum(r["errors"] for pair in rounds for r in pair)
    return best_api, best_floor


def http_benchmark(record: Any) -> None:
    from bench.corpus import ensure_corpus

    database_url = ensure_corpus()
    # A reused corpus may predate migrations added since it was built (search columns).
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        check=True,
    )
    rng = random.Random(7)
    ids = [rng.randint(1, 10_000) for _ in range(300)]
    cases = [
        ("incident list", ["/api/v1/incidents/"], ["/bench/floor/incidents/"]),
        (
            "incident detail",
            [f"/api/v1/incidents/{i}/" for i in ids],
            [f"/bench/floor/incidents/{i}/" for i in ids],
        ),
        ("report list", ["/api/v1/reports/"], ["/bench/floor/reports/"]),
    ]
    with tempfile.TemporaryDirectory(prefix="bench-api-") as temporary:
        settings_dir = Path(temporary)
        (settings_dir / "bench_api_settings.py").write_text(
            "from registry.settings import *  # noqa: F403\nROOT_URLCONF = 'bench.api_urls'\n"
        )
        server, base = _start_gunicorn(database_url, settings_dir)
        try:
            search = ["/api/v1/search/?q=facial+recognition", "/api/v1/search/?q=chatbot"]
            for path in [*cases[0][1], *cases[0][2], search[0]]:
                _status(base + path)  # warm both workers' connections and caches
            print(f"api: {CONNECTIONS} connections, {HTTP_SECONDS} s per endpoint", flush=True)
            for name, api_paths, floor_paths in cases:
                api, floor = _alternating(base, api_paths, floor_paths)
                print(f"  {name}: API {api}  floor {floor}", flush=True)
                ratio = floor["rps"] / api["rps"] if api["rps"] else float("inf")
                record(
                    bench="api",
                    figure=f"{name} throughput",
                    value=api["rps"],
                    unit="req/s",
                    target="floor/API <= 2",
                    baseline=f"bare Django view {floor['rps']:.0f} req/s",
                    ratio=ratio,
                    ok=ratio <= 2 and api["errors"] == 0,
                )
                record(
                    bench="api",
                    figure=f"{name} p95",
                    value=api["p95_ms"],
                    unit="ms",
                    baseline=f"bare Django view p95 {floor['p95_ms']:.1f} ms",
                    ratio=api["p95_ms"] / floor["p95_ms"] if floor["p95_ms"] else None,
                )
            if _status(base + search[0]) == 200:
                result = _wrk(base, search, HTTP_SECONDS)
                print(f"  search: {result}", flush=True)
                record(bench="api", figure="search throughput", value=result["rps"], unit="req/s")
                record(bench="api", figure="search p95", value=result["p95_ms"], unit="ms")
            else:
                print("  search: /api/v1/search/ is not available; not measured", flush=True)
        finally:
            server.terminate()
            server.wait(timeout=30)


def main() -> int:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    from bench.common import record

    if HTTP_SECONDS > 0:
        http_benchmark(record)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
