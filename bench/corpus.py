"""A synthetic corpus the size of a grown registry, in a database of its own, for benchmarks.

10,000 incidents and 100,000 reports by default: titles of ~10 words and bodies of 100-700
words drawn from a Zipf-like vocabulary of 20,000 words (the shape measured in
shared/reference/performance-notes.md), entities with roles, and an MIT-style classification per
incident. The database is built once and reused while its row counts match.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DOMAINS = [f"news{i}.example.com" for i in range(300)]
LANGUAGES = ["en"] * 8 + ["fr", "de", "es", "ja"]
TOPICS = [
    "facial recognition",
    "chatbot",
    "deepfake",
    "autonomous vehicle",
    "recommendation",
    "hiring algorithm",
    "credit scoring",
    "content moderation",
    "predictive policing",
    "medical diagnosis",
    "voice assistant",
    "translation",
    "election",
    "surveillance",
]
RISK_DOMAINS = [
    "1. Discrimination and Toxicity",
    "2. Privacy & Security",
    "3. Misinformation",
    "4. Malicious Actors & Misuse",
    "5. Human-Computer Interaction",
    "6. Socioeconomic and Environmental",
    "7. AI system safety, failures, and limitations",
]


def vocabulary(size: int = 20_000, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    consonants, vowels = "bcdfghjklmnprstvwz", "aeiou"
    words: set[str] = set()
    while len(words) < size:
        syllables = rng.choice((1, 2, 2, 3, 3, 4))
        words.add("".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(syllables)))
    return sorted(words, key=lambda w: (len(w), w))


def _database_url(name: str) -> str:
    base = os.environ.get("DATABASE_URL")
    if not base:
        from registry.embedded_db import embedded_database_url

        base = embedded_database_url()
    parts = urlsplit(base)
    return parts._replace(path=f"/{name}").geturl()


def _admin_connect(url: str):  # type: ignore[no-untyped-def]
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True)


def ensure_corpus(
    name: str = "bench_corpus", *, incidents: int = 10_000, reports: int = 100_000
) -> str:
    """Build (or reuse) the corpus database; return its DATABASE_URL."""
    import psycopg

    url = _database_url(name)
    with _admin_connect(url) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname=%s", [name]).fetchone()
        if exists:
            try:
                with psycopg.connect(url) as conn:
                    counts = conn.execute(
                        "SELECT (SELECT count(*) FROM incidents_incident),"
                        " (SELECT count(*) FROM incidents_report),"
                        " (SELECT count(*) FROM incidents_incident"
                        "  WHERE search_vector IS NOT NULL)"
                    ).fetchone()
                if counts == (incidents, reports, incidents):
                    print(
                        f"corpus: reusing database {name} ({incidents:,} incidents, "
                        f"{reports:,} reports)",
                        flush=True,
                    )
                    _migrate(url)
                    return url
            except psycopg.Error:
                pass
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": url}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    with psycopg.connect(url) as conn:
        _fill(conn, incidents=incidents, reports=reports)
    print(f"corpus: data loaded in {time.perf_counter() - started:.1f} s", flush=True)
    rebuild = subprocess.run(
        [sys.executable, "manage.py", "search_index", "--rebuild"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if rebuild.returncode != 0:
        print("corpus: search_index --rebuild failed:\n" + rebuild.stderr[-2000:], flush=True)
        raise SystemExit(1)
    print(f"corpus: ready in {time.perf_counter() - started:.1f} s", flush=True)
    return url


def _migrate(url: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        check=True,
    )


def _copy(conn, table: str, columns: list[str], rows) -> None:  # type: ignore[no-untyped-def]
    with conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _fill(conn, *, incidents: int, reports: int) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(42)
    words = vocabulary()
    weights = [1 / (rank + 1) for rank in range(len(words))]
    cumulative: list[float] = []
    total = 0.0
    for w in weights:
        total += w
        cumulative.append(total)

    def text(n: int) -> str:
        return " ".join(rng.choices(words, cum_weights=cumulative, k=n))

    import datetime as dt

    base = dt.date(2012, 1, 1)
    _copy(
        conn,
        "incidents_incident",
        [
            "id",
            "title",
            "description",
            "date",
            "date_precision",
            "editors",
            "editor_notes",
            "created_at",
            "modified_at",
            "source",
            "source_license",
            "source_attribution",
        ],
        (
            (
                i,
                f"{rng.choice(TOPICS).title()} {text(8)}",
                text(rng.randint(30, 80)),
                base + dt.timedelta(days=rng.randint(0, 5000)),
                "day",
                "{}",
                "",
                "2024-01-01T00:00:00Z",
                "2024-01-01T00:00:00Z",
                "bench",
                "",
                "",
            )
            for i in range(1, incidents + 1)
        ),
    )
    print("corpus: incidents written", flush=True)

    def report_rows():  # type: ignore[no-untyped-def]
        for n in range(1, reports + 1):
            domain = rng.choice(DOMAINS)
            published = base + dt.timedelta(days=rng.randint(0, 5000))
            topic = rng.choice(TOPICS)
            yield (
                n,
                f"{topic.title()} {text(9)}",
                f"{topic} {text(rng.randint(100, 700))}",
                "",
                f"https://{domain}/story/{n}",
                f"{domain}/story/{n}",
                domain,
                "",
                "{Reporter " + str(n % 977) + "}",
                "{}",
                "{}",
                rng.choice(LANGUAGES),
                published,
                published,
                published,
                None,
                "incident_report",
                False,
                "",
                "2024-01-01T00:00:00Z",
                "2024-01-01T00:00:00Z",
                "bench",
                "",
                "",
            )

    _copy(
        conn,
        "incidents_report",
        [
            "number",
            "title",
            "text",
            "description",
            "url",
            "url_normalised",
            "source_domain",
            "image_url",
            "authors",
            "submitters",
            "tags",
            "language",
            "date_published",
            "date_downloaded",
            "date_submitted",
            "date_modified",
            "kind",
            "flagged",
            "editor_notes",
            "created_at",
            "modified_at",
            "source",
            "source_license",
            "source_attribution",
        ],
        report_rows(),
    )
    print("corpus: reports written", flush=True)
    _copy(
        conn,
        "incidents_report_incidents",
        ["report_id", "incident_id"],
        ((n, 1 + (n - 1) % incidents) for n in range(1, reports + 1)),
    )
    entity_count = 2_000
    _copy(
        conn,
        "incidents_entity",
        [
            "id",
            "slug",
            "name",
            "aliases",
            "description",
            "created_at",
            "modified_at",
            "source",
            "source_license",
            "source_attribution",
        ],
        (
            (
                e,
                f"entity-{e}",
                f"Entity {e}",
                "{}",
                "",
                "2024-01-01T00:00:00Z",
                "2024-01-01T00:00:00Z",
                "bench",
                "",
                "",
            )
            for e in range(1, entity_count + 1)
        ),
    )
    _copy(
        conn,
        "incidents_incidententity",
        ["incident_id", "entity_id", "role"],
        (
            (i, 1 + (i * 7 + k) % entity_count, role)
            for i in range(1, incidents + 1)
            for k, role in enumerate(("deployer", "developer", "harmed"))
        ),
    )
    # One entity as big as AIID's largest ("openai": about a tenth of all incidents), so the
    # entity page's worst case is measured too.
    _copy(
        conn,
        "incidents_incidententity",
        ["incident_id", "entity_id", "role"],
        ((i, 1, "implicated_system") for i in range(10, incidents + 1, 10)),
    )
    cursor = conn.cursor()
    cursor.execute(
        "INSERT INTO incidents_taxonomy (namespace, name, description, public, weight, source,"
        " source_license, source_attribution) VALUES ('MIT', 'MIT', '', true, 0, 'bench', '', '')"
        " RETURNING id"
    )
    taxonomy_id = cursor.fetchone()[0]
    cursor.execute(
        "INSERT INTO incidents_taxonomyfield (taxonomy_id, field_number, short_name, long_name,"
        " description, display_type, permitted_values, weight, instant_facet, required, public,"
        " internal) VALUES (%s, '1', 'Risk Domain', 'Risk Domain', '', 'enum', %s, 0, true, false,"
        " true, false)"
        " RETURNING id",
        [taxonomy_id, __import__("json").dumps(RISK_DOMAINS)],
    )
    field_id = cursor.fetchone()[0]
    _copy(
        conn,
        "incidents_classification",
        [
            "id",
            "taxonomy_id",
            "incident_id",
            "publish",
            "notes",
            "facets",
            "created_at",
            "modified_at",
            "source",
            "source_license",
            "source_attribution",
        ],
        (
            (
                i,
                taxonomy_id,
                i,
                True,
                "",
                '{"MIT:Risk Domain:' + RISK_DOMAINS[i % 7] + '"}',
                "2024-01-01T00:00:00Z",
                "2024-01-01T00:00:00Z",
                "bench",
                "",
                "",
            )
            for i in range(1, incidents + 1)
        ),
    )
    _copy(
        conn,
        "incidents_classificationvalue",
        ["classification_id", "field_id", "value"],
        ((i, field_id, '"' + RISK_DOMAINS[i % 7] + '"') for i in range(1, incidents + 1)),
    )
    for table, column in (
        ("incidents_incident", "id"),
        ("incidents_report", "number"),
        ("incidents_entity", "id"),
        ("incidents_classification", "id"),
    ):
        sql = f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), (SELECT max({column}) FROM {table}))"  # noqa: E501, S608 - fixed names
        cursor.execute(sql)
    conn.commit()
    conn.execute("ANALYZE")


if __name__ == "__main__":
    print(ensure_corpus())
