"""Venue export benchmark: the ZIP of 300 review packets, built with the cores available.

    .venv/bin/python bench/exports.py [--papers 300] [--workers N] [--keep-db] [--quick]

Baseline: a venue of --papers submitted disclosures (one or two runs each, recomputed by the
real estimator, two reviewers each with checklist answers, so every packet has every section)
in a scratch database `bench_exports` created and migrated for the run.
Measured: wall-clock time to write the whole ZIP (cover summary + one PDF per paper) with a
process pool of --workers (default: the shipped setting EXPORT_PACKET_WORKERS, 1 unless
configured; every figure names the process count); the per-packet time (wall / papers, and
single-process render time of a sample); peak memory of the parent plus its rendering
processes (summed RSS, and summed USS which counts shared library pages once), sampled every
250 ms.
Targets (issue 8): under 2 minutes and under 500 MB on this 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")

from bench.common import quick_requested, record  # noqa: E402

BENCH = "exports"
TARGET_S = 120.0
TARGET_MB = 500.0
ACCELERATORS = ("A100-80GB", "H100-SXM", "V100", "TPU v3")
LOCATIONS = (
    {"country": "USA"},
    {"country": "FRA"},
    {"country": "POL"},
    {"cloud_provider": "gcp", "cloud_region": "europe-north1"},
)


class PeakMemory:
    """Samples the summed RSS of this process and its children until stopped."""

    def __init__(self, interval_s: float = 0.25) -> None:
        import psutil

        self._process = psutil.Process()
        self._interval = interval_s
        self._stop = threading.Event()
        self.peak_bytes = 0
        self.peak_unique_bytes = 0
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> tuple[int, int]:
        """(summed RSS, summed USS): RSS counts shared library pages once per process."""
        rss = uss = 0
        for process in [self._process, *self._process.children(recursive=True)]:
            try:
                info = process.memory_full_info()
            except Exception:  # noqa: BLE001, S112 - a child may exit between listing and reading
                continue
            rss += info.rss
            uss += info.uss
        return rss, uss

    def _run(self) -> None:
        while not self._stop.is_set():
            rss, uss = self._sample()
            self.peak_bytes = max(self.peak_bytes, rss)
            self.peak_unique_bytes = max(self.peak_unique_bytes, uss)
            self._stop.wait(self._interval)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def build_venue(papers: int):  # noqa: ANN201
    """A venue of `papers` submitted disclosures with recomputations and two reviews each."""
    from django.contrib.auth.hashers import make_password

    from emissions.models import Disclosure
    from emissions.services.disclosures import disclosure_input_hash
    from emissions.services.recomputation import disclosure_recompute
    from registry.models import User
    from venues.services.assignment import assignments_auto
    from venues.services.reviews import AnswerInput, review_submit
    from venues.services.venues import venue_add_reviewers, venue_create

    password = make_password(None)
    chair = User.objects.create(username="bench-chair", role="chair", password=password)
    reviewers = [
        User.objects.create(
            username=f"bench-rev-{i}",
            email=f"rev{i}@inst-{i}.example",
            role="reviewer",
            organisation=f"Institute {i}",
            password=password,
        )
        for i in range(12)
    ]
    authors = [
        User.objects.create(
            username=f"bench-author-{i}",
            email=f"author{i}@lab-{i}.example",
            organisation=f"Lab {i}",
            password=password,
        )
        for i in range(30)
    ]
    venue = venue_create(actor=chair, slug="bench", name="Benchmark Conference 2026")
    venue_add_reviewers(actor=chair, venue=venue, reviewers=reviewers)
    for n in range(papers):
        author = authors[n % len(authors)]
        runs = [
            {
                "name": f"run {k + 1}",
                "accelerator": ACCELERATORS[(n + k) % len(ACCELERATORS)],
                "count": 8 * (1 + (n * 7 + k) % 64),
                "hours": float(24 + (n * 13 + k * 5) % 700),
                "location": LOCATIONS[(n + k) % len(LOCATIONS)],
            }
            for k in range(1 + n % 2)
        ]
        claim = {"energy_kwh": 10_000.0 + n * 137, "tco2e": 4.0 + (n % 50), "basis": "location"}
        disclosure = Disclosure.objects.create(
            owner=author,
            state="submitted",
            model_name=f"Bench model {n}",
            organisation=author.organisation,
            paper_title=f"A study of efficient training, part {n}",
            paper_authors=[author.username],
            venue=venue,
            # Accepted into the venue by its chair, as venue_papers() lists only those.
            venue_accepted=True,
            venue_submission_id=f"B-{n:04d}",
            runs=runs,
            claim_energy_kwh=claim["energy_kwh"],
            claim_tco2e=claim["tco2e"],
            method="estimated",
            includes_preliminary_experiments=n % 3 == 0,
            justification="Device-hours from the scheduler's accounting.",
            input_hash=disclosure_input_hash(runs=runs, claim=claim),
        )
        disclosure_recompute(disclosure_id=disclosure.pk)
    assignments_auto(actor=chair, venue=venue, per_paper=2)
    answers = {
        "neurips-8": AnswerInput("yes", "Section 4."),
        "acl-c1": AnswerInput("no", "No GPU-hour total."),
    }
    for reviewer in reviewers:
        for assignment in reviewer.review_assignments.select_related("disclosure__venue"):
            review_submit(
                reviewer=reviewer,
                disclosure=assignment.disclosure,
                completeness=3,
                recommendation="request_changes",
                comments="Please add the PUE source.",
                answers=answers,
            )
    return venue


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--papers", type=int, default=300)
    parser.add_argument(
        "--workers", type=int, default=None, help="default: settings.EXPORT_PACKET_WORKERS"
    )
    parser.add_argument("--quick", action="store_true", help="20 papers, to check it runs")
    parser.add_argument("--keep-db", action="store_true", help="keep bench_exports afterwards")
    args = parser.parse_args()
    if args.quick or quick_requested():
        args.papers = min(args.papers, 20)
    os.environ["TEST_DATABASE_NAME"] = "bench_exports"

    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import setup_databases, teardown_databases

    from venues.exports import ExportOptions, exporter_for
    from venues.exports.collect import packet_data_for
    from venues.exports.packet import render_packet
    from venues.selectors import venue_papers

    # Assignment emails would otherwise print 600 messages to the console.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    workers = args.workers or settings.EXPORT_PACKET_WORKERS
    processes = f"{workers} rendering process{'es' if workers > 1 else ''}"
    shipped = "" if workers == settings.EXPORT_PACKET_WORKERS else " (NOT the shipped setting)"
    started = time.monotonic()
    config = setup_databases(verbosity=0, interactive=False, keepdb=False)
    try:
        venue = build_venue(args.papers)
        print(f"built a venue of {args.papers} papers in {time.monotonic() - started:.1f}s")

        sample = list(venue_papers(venue=venue)[:5])
        render_packet(packet_data_for(sample[0]))  # warm caches (fonts, templates)
        t0 = time.perf_counter()
        sizes = [len(render_packet(packet_data_for(paper))) for paper in sample]
        single_s = (time.perf_counter() - t0) / len(sample)

        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / "packets.zip"
            with PeakMemory() as memory, target.open("wb") as out:
                t0 = time.perf_counter()
                exporter_for("venue", "zip").write(
                    venue, out, options=ExportOptions(workers=workers)
                )
                wall_s = time.perf_counter() - t0
            names = zipfile.ZipFile(target).namelist()
            zip_mb = target.stat().st_size / 1e6
        if len(names) != args.papers + 1:
            print(f"expected {args.papers + 1} files in the ZIP, found {len(names)}")
            return 1
        peak_mb = memory.peak_bytes / 1e6
        unique_mb = memory.peak_unique_bytes / 1e6
        load = os.getloadavg()
        print(
            f"load average during the run (1, 5, 15 min): {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"
        )
        print(
            f"ZIP: {len(names)} files, {zip_mb:.1f} MB; single packet "
            f"{sum(sizes) / len(sizes) / 1e3:.0f} KB rendered in {single_s * 1000:.0f} ms"
        )
        record(
            bench=BENCH,
            figure=f"venue ZIP of {args.papers} packets, {processes}{shipped}",
            value=wall_s,
            unit="s",
            target=f"< {TARGET_S:.0f} s",
            ok=wall_s < TARGET_S,
        )
        record(
            bench=BENCH,
            figure=f"per packet (ZIP wall time / papers), {processes}",
            value=wall_s / args.papers * 1000,
            unit="ms",
            baseline=f"one packet rendered alone {single_s * 1000:,.0f} ms",
            ratio=wall_s / args.papers / single_s,
        )
        record(
            bench=BENCH,
            figure="per packet, one process (data + render)",
            value=single_s * 1000,
            unit="ms",
        )
        record(
            bench=BENCH,
            figure=f"peak RSS, parent + {processes}",
            value=peak_mb,
            unit="MB",
            target=f"< {TARGET_MB:.0f} MB",
            ok=peak_mb < TARGET_MB,
        )
        record(
            bench=BENCH,
            figure=f"peak unique memory (USS), parent + {processes}",
            value=unique_mb,
            unit="MB",
            target=f"< {TARGET_MB:.0f} MB",
            ok=unique_mb < TARGET_MB,
        )
    finally:
        if not args.keep_db:
            teardown_databases(config, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
