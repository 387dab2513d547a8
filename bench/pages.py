"""Public pages: server time uncached (each as a multiple of /healthz), and cached throughput
against a static file from the same server.

    .venv/bin/python bench/pages.py [--corpus aiid|synthetic] [--incidents N] [--reports N]
                                    [--no-server] [--database NAME] [--quick]

Corpus, in a database of its own beside the configured one (reused while its counts match):
- `aiid` (the default): an AIID-shaped snapshot (bench/import_aiid.py's writer: 1,400
  incidents, 5,500 reports, MIT/GMF/CSETv1 classifications; one entity a deployer in a tenth of
  the incidents, like AIID's largest, "openai") loaded by the project's importer
  (`manage.py import_aiid`), so pages read what a real import writes.
- `synthetic`: bench/corpus.py's generator (COPY), for the grown registry:
  `--corpus synthetic --incidents 10000 --reports 100000`.

1. Uncached server time (in this process, one thread): Django's test client with production
   settings (DEBUG off) and the page cache off; every public page requested --rounds times after
   a warm-up, median of `time.perf_counter()` around `client.get` (URL routing, middleware,
   queries, template rendering; no socket). /healthz is measured the same way in the same run
   and every page is reported as a multiple of it: the ratio is what survives a loaded machine.
   Queries are counted on one more request, in the state the timed ones found.
   /healthz is not a bare request: it runs the health checks (the database on a connection of
   its own, the broker, the disk) in threads.
   Whole-catalog figures remembered until the next write (`registry.cache.memoize`: counts,
   facet counts, the entity ranking) are on, as shipped, so the timed requests find them; the
   first request after a write computes them, printed as "memo cold" next to each page.
   Target: under 10 ms per page.
2. Cached throughput (gunicorn, 4 sync workers, production settings, page cache on, the data
   version read from PostgreSQL per request as in a deployment without Redis): wrk at 8
   connections for each of a static file (WhiteNoise, same server), /healthz, an incident page,
   the incident list, the home page and the API's incident list, one after another, anonymous.
   Target: incident pages and lists at >= 25% of the static file's requests/s.
   `--no-server` skips this part.
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
from bench.corpus import _admin_connect, _database_url, ensure_corpus  # noqa: E402
from bench.import_aiid import write_snapshot  # noqa: E402

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


AIID_LARGEST_ENTITY_SHARE = 0.1


def ensure_aiid_corpus(name: str, *, incidents: int, reports: int) -> str:
    """Build (or reuse) a database holding an AIID-shaped snapshot as `import_aiid` loads it;
    return its DATABASE_URL."""
    import tempfile

    import psycopg

    url = _database_url(name)
    with _admin_connect(url) as admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname=%s", [name]).fetchone():
            try:
                with psycopg.connect(url) as conn:
                    counts = conn.execute(
                        "SELECT (SELECT count(*) FROM incidents_incident),"
                        " (SELECT count(*) FROM incidents_report)"
                    ).fetchone()
                if counts == (incidents, reports):
                    print(f"corpus: reusing database {name}", flush=True)
                    _run_manage(url, "migrate", "--noinput", "-v", "0")
                    return url
            except psycopg.Error:
                pass
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    started = time.perf_counter()
    _run_manage(url, "migrate", "--noinput", "-v", "0")
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as temporary:
        folder = Path(temporary) / "mongodump_full_snapshot"
        write_snapshot(
            folder,
            incidents=incidents,
            reports=reports,
            largest_entity_share=AIID_LARGEST_ENTITY_SHARE,
        )
        _run_manage(url, "import_aiid", str(folder.parent), "-v", "0")
    _run_manage(url, "search_index", "--rebuild")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")
    print(f"corpus: AIID snapshot imported in {time.perf_counter() - started:.1f} s", flush=True)
    return url


def _run_manage(url: str, *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        check=True,
        stdout=subprocess.DEVNULL,
    )


def public_pages(url: str) -> list[str]:
    """The pages to time, with ids and slugs read from the corpus: the middle incident and
    report, the entity in the most incidents and a small one."""
    import psycopg

    with psycopg.connect(url) as conn:
        incident, report = conn.execute(
            "SELECT (SELECT id FROM incidents_incident"
            "        ORDER BY id OFFSET (SELECT count(*) / 2 FROM incidents_incident) LIMIT 1),"
            " (SELECT number FROM incidents_report ORDER BY number"
            "  OFFSET (SELECT count(*) / 2 FROM incidents_report) LIMIT 1)"
        ).fetchone()
        by_size = conn.execute(
            "SELECT e.slug FROM incidents_entity e JOIN incidents_incidententity ie"
            " ON ie.entity_id = e.id GROUP BY e.slug ORDER BY count(DISTINCT ie.incident_id) DESC,"
            " e.slug LIMIT 2"
        ).fetchall()
    largest, small = by_size[0][0], by_size[-1][0]
    return [
        "/",
        "/incidents/",
        "/incidents/?page=3",
        f"/incidents/{incident}/",
        f"/reports/{report}/",
        "/entities/",
        f"/entities/{largest}/",  # the biggest (a tenth of all incidents)
        f"/entities/{small}/",
        "/taxonomies/",
        "/taxonomies/MIT/",
        "/search/?q=chatbot",
        "/disclosures/",
        "/datasets/",
        "/feeds/incidents.atom",
        "/api/v1/incidents/",
        "/api/v1/reports/",
        f"/api/v1/incidents/{incident}/",
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
    from django.test import Client, override_settings

    client = Client()
    floor_ms, _ = _median_ms(client, "/healthz", rounds * 3)
    print(f"pages: /healthz {floor_ms:.2f} ms (the floor)  [load {load_average()}]", flush=True)
    record(bench=BENCH, figure="uncached /healthz (floor)", value=floor_ms, unit="ms")
    for path in pages:
        queries: list[str] = []

        def count(execute, sql, params, many, context, queries=queries):  # noqa: ANN001, ANN202
            queries.append(sql)
            return execute(sql, params, many, context)

        median_ms, status = _median_ms(client, path, rounds)
        # Counted as timed: after the warm-up, the remembered figures found.
        with connection.execute_wrapper(count):
            client.get(path)
        with override_settings(MEMO_CACHE_ENABLED=False):
            cold_ms, _ = _median_ms(client, path, max(3, rounds // 3))
        print(f"pages: {path} memo cold {cold_ms:.1f} ms, warm {median_ms:.1f} ms", flush=True)
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


def cached_throughput(url: str, incident_page: str, seconds: int) -> None:
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
            "incident page": incident_page,
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
    parser.add_argument("--corpus", choices=("aiid", "synthetic"), default="aiid")
    parser.add_argument("--database", help="the corpus database's name (default: by size)")
    parser.add_argument("--no-server", action="store_true", help="skip the cached throughput")
    parser.add_argument("--incidents", type=int, default=1_400)
    parser.add_argument("--reports", type=int, default=5_500)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per target")
    parser.add_argument("--quick", action="store_true", help="a small corpus, short runs")
    args = parser.parse_args()
    if args.quick or quick_requested():
        args.incidents, args.reports, args.rounds, args.seconds = 300, 1_200, 5, 2
    name = args.database or f"bench_pages_{args.corpus}_{args.incidents}_{args.reports}"
    build = ensure_aiid_corpus if args.corpus == "aiid" else ensure_corpus
    url = build(name, incidents=args.incidents, reports=args.reports)
    pages = public_pages(url)
    print(
        f"pages: corpus {args.corpus}, {args.incidents:,} incidents, {args.reports:,} reports"
        f" (database {name})",
        flush=True,
    )
    # Production settings serve static files from the manifest, in both parts.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, **PRODUCTION_ENV, "DATABASE_URL": url},
        check=True,
    )
    if not args.no_server:
        # The server part first: the in-process part leaves Django set up in this process.
        cached_throughput(url, pages[3], args.seconds)
    uncached(url, pages, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
