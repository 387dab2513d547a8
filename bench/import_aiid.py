"""Benchmark of `manage.py import_aiid` on a synthetic snapshot the size of the real one.

    .venv/bin/python bench/import_aiid.py [--incidents 1400] [--reports 7000] [--keep]

Builds the snapshot (1,400 incidents, 7,000 reports of a few hundred to a few thousand words,
2,000 classifications in three taxonomies, duplicates and submissions) in a temporary folder,
creates a throwaway database beside the configured one (the embedded server by default, or
the server of DATABASE_URL), migrates it, then times the first import and a re-run, each in
its own process, and reports their peak memory and CPU time (importer process plus its
PostgreSQL backend: on a shared machine CPU time, unlike wall time, does not grow with other
people's load). The development database is never touched; the throwaway database is dropped
at the end. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import quick_requested, record  # noqa: E402

# The snapshot format is written once, by the tests' snapshot factory.
from tests.factories.aiid import INCIDENT_HEADER, REPORT_HEADER, SUBMISSION_HEADER  # noqa: E402

TARGET_FIRST_S = 30.0  # issue #2
TARGET_RERUN_S = 15.0  # issue #2
TARGET_PEAK_MB = 600.0  # our own budget: "reasonable" for a 55 MB snapshot

MIT_VALUES = [
    (
        "1. Discrimination and Toxicity",
        "1.1. Unfair discrimination and misrepresentation",
    ),
    ("2. Privacy & Security", "2.2. AI system security vulnerabilities and attacks"),
    ("3. Misinformation", "3.1. False or misleading information"),
    ("4. Malicious Actors & Misuse", "4.3. Fraud, scams, and targeted manipulation"),
    ("5. Human-Computer Interaction", "5.1. Overreliance and unsafe use"),
    (
        "7. AI system safety, failures, and limitations",
        "7.3. Lack of capability or robustness",
    ),
]


class Words:
    """A Zipf-like vocabulary of 20,000 made-up words."""

    def __init__(self, rng: random.Random) -> None:
        letters = "etaoinshrdlcumwfgypbvkjxqz"
        self.rng = rng
        self.words = [
            "".join(rng.choice(letters[: 8 + i % 18]) for _ in range(2 + (i % 9)))
            for i in range(20_000)
        ]
        self.cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(20_000)))

    def take(self, count: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cumulative, k=count)

    def sentence(self, count: int) -> str:
        return " ".join(self.take(count)).capitalize() + "."

    def text(self, words: int) -> str:
        paragraphs, left = [], words
        while left > 0:
            size = min(left, self.rng.randint(40, 160))
            sentences = []
            while size > 0:
                n = min(size, self.rng.randint(6, 24))
                sentences.append(self.sentence(n))
                size -= n
            left -= sum(len(s.split()) for s in sentences)
            paragraph = " ".join(sentences)
            if self.rng.random() < 0.2:
                paragraph += ' He said "this should not happen", and \\*escaped\\* markdown.'
            paragraphs.append(paragraph)
        return "\n\n".join(paragraphs)


def write_snapshot(
    folder: Path, *, incidents: int, reports: int, seed: int = 7, largest_entity_share: float = 0.0
) -> dict:
    """Write the snapshot's CSV files into `folder`. With `largest_entity_share`, the first
    entity is also a deployer of that share of the incidents (AIID's largest, "openai", is in
    about a tenth of them): the entity page's worst case."""
    rng = random.Random(seed)
    words = Words(rng)
    entities = [f"{'-'.join(words.take(rng.randint(1, 3)))}-{i}" for i in range(2_500)]
    folder.mkdir(parents=True, exist_ok=True)
    # Reports are spread over incidents; a few belong to two, a few to none (issues).
    numbers = list(range(1, reports + 1))
    membership: dict[int, list[int]] = {i: [] for i in range(1, incidents + 1)}
    for number in numbers:
        if number % 40 == 0:
            continue  # an issue
        incident = 1 + (number * 7919) % incidents
        membership[incident].append(number)
        if number % 25 == 0:
            membership[1 + (number * 104729) % incidents].append(number)

    with (folder / "incidents.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(INCIDENT_HEADER)
        every = round(1 / largest_entity_share) if largest_entity_share else 0
        for incident in range(1, incidents + 1):
            deployers = rng.sample(entities, rng.randint(1, 3))
            if every and incident % every == 0 and entities[0] not in deployers:
                deployers.append(entities[0])
            writer.writerow(
                [
                    f"ObjectId({incident:024x})",
                    incident,
                    f"{2012 + incident % 14}-{1 + incident % 12:02d}-{1 + incident % 28:02d}",
                    json.dumps(sorted(set(membership[incident])), separators=(",", ":")),
                    json.dumps(deployers),
                    json.dumps(rng.sample(entities, rng.randint(1, 2))),
                    json.dumps(rng.sample(entities, rng.randint(1, 3))),
                    words.sentence(rng.randint(20, 60)),
                    words.sentence(rng.randint(5, 12)),
                ]
            )

    with (folder / "reports.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(
            handle,
            quoting=csv.QUOTE_ALL,
            escapechar="\\",
            doublequote=False,
            lineterminator="\n",
        )
        writer.writerow(REPORT_HEADER)
        for number in numbers:
            # a few hundred to a few thousand words, most near a thousand
            length = int(min(4_000, max(200, math.exp(rng.gauss(6.8, 0.6)))))
            tags = ["variant:approved"] if number % 97 == 0 else []
            tags += ["response"] if number % 89 == 0 else []
            day = f"{2014 + number % 12}-{1 + number % 12:02d}-{1 + number % 28:02d}"
            writer.writerow(
                [
                    f"ObjectId({number + 10**9:024x})",
                    ", ".join(" ".join(words.take(2)).title() for _ in range(rng.randint(1, 3))),
                    day,
                    day,
                    f"{day}T00:00:00.000Z",
                    day,
                    words.sentence(rng.randint(10, 30)),
                    "",
                    "",
                    "",
                    "",
                    f"https://img.example.com/{number}.jpg",
                    "en",
                    "",
                    number,
                    f"outlet{number % 300}.example.com",
                    "Sam Submitter (CSET)",
                    words.text(length),
                    words.sentence(rng.randint(6, 14))[:-1],
                    f"https://www.outlet{number % 300}.example.com/{number}/story?utm_source=x",
                    ", ".join(tags),
                ]
            )

    def classification_file(namespace: str, header: list[str], rows: list[list[str]]) -> None:
        with (folder / f"classifications_{namespace}.csv").open(
            "w", newline="", encoding="utf-8"
        ) as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["Namespace", "Incident ID", "Published", *header])
            writer.writerows(rows)

    mit_count = min(incidents, 1_400)
    classification_file(
        "MIT",
        ["Risk Domain", "Risk Subdomain", "Entity", "Timing", "Intent"],
        [
            ["MIT", i, "True", *MIT_VALUES[i % len(MIT_VALUES)], "AI", "Post-deployment", "Other"]
            for i in range(1, mit_count + 1)
        ],
    )
    gmf_header = [
        f"{kind}{suffix}"
        for kind in ("Known AI Goal", "Known AI Technology", "Known AI Technical Failure")
        for suffix in ("", " Snippets", " Classification Discussion")
    ]
    classification_file(
        "GMF",
        gmf_header,
        [
            ["GMF", i, "True"]
            + [
                ", ".join(" ".join(words.take(2)).title() for _ in range(rng.randint(1, 3))),
                "Snippet Text: " + words.text(rng.randint(50, 300)),
                "",
            ]
            * 3
            for i in range(1, 301)
        ],
    )
    cset_header = [f"Field {n}" for n in range(58)] + [
        "AI System",
        "AI System",
        "Notes",
        "Entities",
    ]
    classification_file(
        "CSETv1",
        cset_header,
        [
            ["CSETv1", i, "True"]
            + [rng.choice(["yes", "no", "maybe", ""]) for _ in range(58)]
            + ["yes", "no", words.sentence(30), ", ".join(words.take(4))]
            for i in range(301, 601)
        ],
    )
    with (folder / "duplicates.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["duplicate_incident_number", "true_incident_number"])
        for k in range(50):
            writer.writerow([incidents + 100 + k, 1 + k * 13])
    with (folder / "submissions.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(SUBMISSION_HEADER)
        for k in range(100):
            writer.writerow(
                [
                    json.dumps(["Allie Author"]),
                    "2026-01-08",
                    "2026-01-08",
                    "2026-01-06",
                    "2026-01-08",
                    "",
                    "",
                    "",
                    "en",
                    "",
                    "submitted.example.org",
                    json.dumps(["Sam Submitter"]),
                    words.text(300),
                    words.sentence(8),
                    f"https://submitted.example.org/{k}",
                ]
            )
    (folder / "license.txt").write_text("Synthetic benchmark data.\n", encoding="utf-8")
    return {
        "incidents": incidents,
        "reports": reports,
        "classifications": mit_count + 600,
        "size_mb": sum(p.stat().st_size for p in folder.iterdir()) / 1e6,
    }


def base_database_url() -> str:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    from registry.embedded_db import embedded_database_url

    return embedded_database_url()


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def admin_run(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as connection:
        connection.execute(statement)


@dataclass
class Measured:
    wall_s: float
    peak_mb: float
    importer_cpu_s: float
    database_cpu_s: float
    stdout: str
    timings: dict[str, float] = field(default_factory=dict)


class BackendCpu(threading.Thread):
    """CPU seconds used by the PostgreSQL backends serving one database, polled from /proc
    (their process titles name the database). The machine is shared: CPU time, unlike wall
    time, does not grow when other processes compete for the cores."""

    def __init__(self, database: str) -> None:
        super().__init__(daemon=True)
        self.database = database.encode()
        self.seen: dict[int, float] = {}
        self.done = threading.Event()
        self.tick = os.sysconf("SC_CLK_TCK")

    def run(self) -> None:
        while not self.done.wait(0.2):
            self.poll()

    def poll(self) -> None:
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                if self.database not in (entry / "cmdline").read_bytes():
                    continue
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            self.seen[int(entry.name)] = (int(fields[11]) + int(fields[12])) / self.tick

    def total(self) -> float:
        self.done.set()
        self.join()
        return sum(self.seen.values())


def run_measured(args: list[str], env: dict[str, str], database: str) -> Measured:
    """Wall time, peak memory and CPU time of one command (and of its database backend)."""
    backend = BackendCpu(database)
    backend.start()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        process = subprocess.Popen(args, env=env, stdout=out, stderr=err, cwd=ROOT)
        # wait4 rather than Popen.wait: it returns this child's own resource usage.
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        errors = err.read()
        if process.returncode:
            sys.stderr.write(errors[-3000:])
            raise SystemExit(f"{' '.join(args)} failed with exit code {process.returncode}")
        timings = {
            line.split(" s  ", 1)[1]: float(line.split()[1])
            for line in errors.splitlines()
            if line.startswith("timing ")
        }
        return Measured(
            wall_s=elapsed,
            peak_mb=usage.ru_maxrss / 1024,
            importer_cpu_s=usage.ru_utime + usage.ru_stime,
            database_cpu_s=backend.total(),
            stdout=out.read(),
            timings=timings,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=1_400)
    parser.add_argument("--reports", type=int, default=7_000)
    parser.add_argument("--keep", action="store_true", help="keep the throwaway database")
    parser.add_argument("--quick", action="store_true", help="140 incidents, to check it runs")
    options = parser.parse_args()
    if options.quick or quick_requested():
        options.incidents, options.reports = 140, 700

    url = base_database_url()
    name = f"bench_import_aiid_{os.getpid()}"
    bench_url = with_database(url, name)
    python = sys.executable
    env = {**os.environ, "DATABASE_URL": bench_url, "DEBUG": "true"}
    with tempfile.TemporaryDirectory(prefix="bench-aiid-") as temporary:
        folder = Path(temporary) / "mongodump_full_snapshot"
        started = time.perf_counter()
        shape = write_snapshot(folder, incidents=options.incidents, reports=options.reports)
        build_s = time.perf_counter() - started
        admin_run(url, f'CREATE DATABASE "{name}"')
        try:
            subprocess.run(
                [python, "manage.py", "migrate", "--noinput", "-v", "0"],
                env=env,
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
            command = [python, "manage.py", "import_aiid", str(folder.parent), "--json", "-v", "2"]
            startup = run_measured([python, "manage.py", "check"], env, name)
            load_before = os.getloadavg()[0]
            first = run_measured(command, env, name)
            rerun = run_measured(command, env, name)
            load_after = os.getloadavg()[0]
        finally:
            if not options.keep:
                admin_run(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    print(
        f"snapshot: {shape['incidents']} incidents, {shape['reports']} reports, "
        f"{shape['classifications']} classifications, {shape['size_mb']:.0f} MB of CSV "
        f"(built in {build_s:.1f} s)"
    )
    for label, run in (("first run", first), ("re-run", rerun)):
        summary = json.loads(run.stdout)
        counts = ", ".join(
            f"{kind} {summary[kind]['created']}/{summary[kind]['updated']}/"
            f"{summary[kind]['unchanged']}"
            for kind in ("incidents", "reports", "entities", "classifications", "duplicates")
        )
        print(f"{label} (created/updated/unchanged): {counts}; errors {len(summary['errors'])}")
        steps = ", ".join(f"{step} {seconds:.1f}" for step, seconds in run.timings.items())
        print(f"  steps (s): {steps}")
    print(
        f"each run includes {startup.wall_s:.1f} s of process and Django start-up; "
        f"load average {load_before:.1f} before, {load_after:.1f} after (2 cores)"
    )
    print()
    rows = [
        ("first import, wall time (s)", first.wall_s, TARGET_FIRST_S),
        ("re-run, wall time (s)", rerun.wall_s, TARGET_RERUN_S),
        (
            "first import, CPU: importer+db (s)",
            first.importer_cpu_s + first.database_cpu_s,
            TARGET_FIRST_S,
        ),
        (
            "re-run, CPU: importer+db (s)",
            rerun.importer_cpu_s + rerun.database_cpu_s,
            TARGET_RERUN_S,
        ),
        ("first import, peak memory (MB)", first.peak_mb, TARGET_PEAK_MB),
        ("re-run, peak memory (MB)", rerun.peak_mb, TARGET_PEAK_MB),
    ]
    for label, value, target in rows:
        figure, unit = label.rsplit(" (", 1)
        unit = unit.rstrip(")")
        record(
            bench="import_aiid",
            figure=figure,
            value=value,
            unit=unit,
            target=f"< {target:g} {unit}",
            baseline=f"{target:g} {unit} target",
            ratio=value / target,
            ok=value < target,
        )
    print(
        f"CPU split: first import {first.importer_cpu_s:.1f} s importer + "
        f"{first.database_cpu_s:.1f} s database; re-run {rerun.importer_cpu_s:.1f} s + "
        f"{rerun.database_cpu_s:.1f} s"
    )


if __name__ == "__main__":
    main()
