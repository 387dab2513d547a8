"""Public pages: server time uncached (each as a multiple of /healthz), and cached throughput
against a static file from the same server.

    .venv/bin/python bench/pages.py [--incidents 1400] [--reports 5500] [--quick]

Baseline: a corpus of bench/corpus.py at AIID's size (1,400 incidents, 5,500 reports; one
entity linked to a tenth of the incidents, like AIID's largest) in a database of its own.

1. Uncached server time (in this process, one thread): Django's test client with production
   settings (DEBUG off) and the page cache off; every public page requested --rounds times after
   a warm-up, median of `time.perf_counter()` around `client.get` (URL routing, middleware,
   queries, template rendering; no socket). /healthz is measured the same way in the same run
   (the floor: the framework and one trivial query) and every page is reported as a multiple of
   it. Queries per page are counted in a separate pass. Target: under 10 ms per page.
2. Cached throughput (gunicorn, 4 sync workers, production settings, page cache on, the data
   version read from PostgreSQL per request as in a deployment without Redis): wrk at 8
   connections for each of a static file (WhiteNoise, same server), /healthz, an incident page,
   the incident list, the home page and the API's incident list, one after another, anonymous.
   Target: incident pages and lists at >= 25% of the static file's requests/s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import load_average, quick_requested, record, wrk_run  # noqa: E402
from bench.corpus import ensure_corpus  # noqa: E402

BENCH = "pages"
TARGET_MS = 10.0
TARGET_STATIC_SHARE = 0.25
WORKERS = 4
CONNECTIONS = 8
PRODUCTION_ENV = {
    "DEBUG": "false",
    "ALLOWED_HOSTS": "127.0.0.1,testserver,localhost",
    "SECRET_KEY": "pages-bench-secret-key-that-is-long-enough-for-django-checks-0123456789",
    "SECURE_SSL_REDIRECT": "false",
    "LOG_LEVEL": "WARNING",
    "API_THROTTLE_ANON": "1000000/min",
    "API_THROTTLE_USER": "1000000/min",
}


def public_pages(incidents: int, reports: int) -> list[str]:
    middle = max(1, incidents // 2)
    return [
        "/",
        "/incidents/",
        "/incidents/?page=3",
        f"/incidents/{middle}/",
        f"/reports/{max(1, reports // 2)}/",
        "/entities/",
        "/entities/entity-1/",  # the big one (a tenth of all incidents)
        "/entities/entity-2/",
        "/taxonomies/",
        "/taxonomies/MIT/",
        "/search/?q=chatbot",
        "/disclosures/",
        "/datasets/",
        "/feeds/incidents.atom",
        "/api/v1/incidents/",
        "/api/v1/reports/",
        f"/api/v1/incidents/{middle}/",
    ]


def _median_ms(client, path: str, rounds: int) -> tuple[float, int]:  # noqa: ANN001
    status = client.get(path).status_code  # warm-up (template loading, plans)
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), status


def uncached(url: str, pages: list[str], rounds: int) -> None:
    os.environ.update({**PRODUCTION_ENV, "DATABASE_URL": url, "PAGE_CACHE_ENABLED": "false"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    client = Client()
    floor_ms, _ = _median_ms(client, "/healthz", rounds * 3)
    print(f"pages: /healthz {floor_ms:.2f} ms (the floor)  [load {load_average()}]", flush=True)
    record(bench=BENCH, figure="uncached /healthz (floor)", value=floor_ms, unit="ms")
    for path in pages:
        queries: list[str] = []

        def count(execute, sql, params, many, context, queries=queries):  # noqa: ANN001, ANN202
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(path)
        median_ms, status = _median_ms(client, path, rounds)
        record(
            bench=BENCH,
            figure=f"uncached {path} (HTTP {status}, {len(queries)} queries)",
            value=median_ms,
            unit="ms",
            target=f"< {TARGET_MS:.0f} ms",
            baseline="/healthz",
            ratio=median_ms / floor_ms,
            ok=median_ms < TARGET_MS and status == 200,
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_serving(base: str) -> None:
    for _ in range(300):
        try:
            if urllib.request.urlopen(base + "/healthz", timeout=5).status == 200:  # noqa: S310
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("pages: gunicorn did not start")


def cached_throughput(url: str, incident_id: int, seconds: int) -> None:
    if shutil.which("wrk") is None:
        print("pages: wrk is not installed (apt-get install wrk); cached throughput skipped")
        return
    env = {**os.environ, **PRODUCTION_ENV, "DATABASE_URL": url, "PAGE_CACHE_ENABLED": "true"}
    env.pop("CACHE_URL", None)
    port = _free_port()
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "registry.wsgi", "--workers", str(WORKERS)),
            *("--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null"),
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(base)
        targets = {
            "static file": "/static/favicon.svg",
            "/healthz": "/healthz",
            "incident page": f"/incidents/{incident_id}/",
            "incident list": "/incidents/",
            "home": "/",
            "API incident list": "/api/v1/incidents/",
        }
        # Every worker renders (and caches) each page once before anything is timed.
        for path in targets.values():
            for _ in range(WORKERS * 3):
                urllib.request.urlopen(base + path, timeout=60).read()  # noqa: S310
        wrk_run(base, list(targets.values()), connections=CONNECTIONS, seconds=2)
        rates: dict[str, float] = {}
        for name, path in targets.items():
            result = wrk_run(base, [path], connections=CONNECTIONS, seconds=seconds)
            rates[name] = result["requests"] / (result["duration_us"] / 1e6)
            errors = sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
            print(
                f"pages: {name} {path}: {rates[name]:,.0f} req/s, p99 "
                f"{result['p99_us'] / 1000:.1f} ms, {errors} errors  [load {load_average()}]",
                flush=True,
            )
        static = rates["static file"]
        if not static:
            print("pages: the static file was not served; no ratios")
            return
        for name in ("/healthz", "incident page", "incident list", "home", "API incident list"):
            gated = name in ("incident page", "incident list")
            record(
                bench=BENCH,
                figure=f"cached {name}, anonymous (gunicorn {WORKERS} workers, c={CONNECTIONS})",
                value=rates[name],
                unit="req/s",
                target=f">= {TARGET_STATIC_SHARE:.0%} of static" if gated else "",
                baseline=f"static file {static:,.0f} req/s",
                ratio=rates[name] / static,
                ok=(rates[name] / static >= TARGET_STATIC_SHARE) if gated else None,
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=1_400)
    parser.add_argument("--reports", type=int, default=5_500)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per target")
    parser.add_argument("--quick", action="store_true", help="a small corpus, short runs")
    args = parser.parse_args()
    name = f"bench_pages_{args.incidents}_{args.reports}"
    if args.quick or quick_requested():
        args.incidents, args.reports, args.rounds, args.seconds = 300, 1_200, 5, 2
        name = "bench_pages_quick"
    url = ensure_corpus(name, incidents=args.incidents, reports=args.reports)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, **PRODUCTION_ENV, "DATABASE_URL": url},
        check=True,
    )
    # The server part first: the in-process part leaves Django set up in this process.
    cached_throughput(url, max(1, args.incidents // 2), args.seconds)
    uncached(url, public_pages(args.incidents, args.reports), args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
