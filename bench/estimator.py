"""Estimator benchmark: recomputations per second, and scheduling a year of 15-minute steps.

    .venv/bin/python bench/estimator.py [--batch 100000] [--repeat 3] [--seed 1] [--quick]

Targets (issue 3): at least 50,000 recomputations per second in batch on one core (the batch
is what a catalog update triggers), and a year of 15-minute intervals scheduled in under 100 ms.
Timings are CPU seconds of this single-threaded process (one core), best of --repeat runs,
garbage collector on; wall-clock times are printed too.

A "recomputation" is ``estimate_training_footprint`` on a parsed disclosure: energy, gross and
net tCO2e, their range and the provenance of every factor (the bare arithmetic). Also reported,
without targets: parsing the stored JSON first, a full verification, the complete JSON document
(what-if and equivalences are computed when first read, so they are in that figure only), and
what one submission really costs end to end: ``emissions.services.recomputation._verification``
itself (the function ``disclosure_recompute`` calls, without the database) on the raw submitted
JSON text: ``json.loads``, ``parse_disclosure``, ``parse_claim``, ``verify_claim``, ``to_dict``,
then ``json.dumps`` of the stored document (what the JSON column writes).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import quick_requested, record  # noqa: E402
from emissions.estimator import (  # noqa: E402
    Claim,
    IntensitySeries,
    best_start_window,
    estimate_training_footprint,
    load_catalog,
    parse_disclosure,
    ramp_plan,
    verify_claim,
)

BENCH = "estimator"
TARGET_PER_S = 50_000
TARGET_SCHEDULE_MS = 100.0


def disclosure_json(rng: random.Random, catalog: Any) -> dict[str, Any]:
    """A disclosure in one of the shapes the registry receives, with random sizes."""
    accelerators = sorted(catalog.accelerators)
    countries = sorted(catalog.countries)
    clouds = sorted(catalog.cloud_regions)

    def run() -> dict[str, Any]:
        shape = rng.random()
        base = {
            "accelerator": rng.choice(accelerators),
            "count": rng.choice([8, 64, 512, 1024]),
            "hours": round(rng.uniform(1, 1000), 2),
        }
        if shape < 0.4:  # Patterson-style: everything measured and stated
            return {
                **base,
                "power_w": round(rng.uniform(150, 700)),
                "power_basis": "measured_system",
                "pue": round(rng.uniform(1.05, 1.6), 2),
                "intensity_g_per_kwh": round(rng.uniform(20, 800)),
                "net_intensity_g_per_kwh": round(rng.uniform(0, 20)),
            }
        if shape < 0.7:  # catalog defaults from hardware and location
            if rng.random() < 0.5:
                provider, region = rng.choice(clouds)
                return {**base, "location": {"cloud_provider": provider, "cloud_region": region}}
            return {**base, "location": {"country": rng.choice(countries)}}
        return {
            **base,
            "energy_kwh": round(rng.uniform(10, 1e6), 1),  # measured energy
            "location": {"country": rng.choice(countries)},
            "cfe_fraction": round(rng.random(), 2),
        }

    return {"runs": [run() for _ in range(2 if rng.random() < 0.1 else 1)]}


def best_of(repeat: int, action: Callable[[], Any]) -> float:
    """CPU seconds of the fastest of ``repeat`` runs of ``action``.

    CPU time of this (single-threaded) process, not wall-clock time: the benchmark often runs
    on a shared machine, and a figure "per core" must not count time spent waiting for one.
    The wall-clock time of the last run is printed alongside.
    """
    best = math.inf
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        best = min(best, time.process_time() - cpu)
    print(f"    [wall clock {time.perf_counter() - wall:.3f} s, cpu {best:.3f} s]", flush=True)
    return best


def rate(
    figure: str, count: int, seconds: float, target: float | None, floor_per_s: float = 0
) -> float:
    """Record a rate against its target, or (no target) as a share of the bare arithmetic's."""
    per_s = count / seconds
    if target:
        baseline, ratio = "target", per_s / target
    elif floor_per_s:
        baseline, ratio = f"bare arithmetic {floor_per_s:,.0f}/s", per_s / floor_per_s
    else:
        baseline, ratio = "", None
    record(
        bench=BENCH,
        figure=figure,
        value=per_s,
        unit="per s",
        target=f">= {target:,.0f}/s" if target else "",
        baseline=baseline,
        ratio=ratio,
        ok=per_s >= target if target else None,
    )
    print(f"    ({seconds / count * 1e6:.2f} us each, {count:,} in {seconds:.3f} s)")
    return per_s


def year_series(rng: random.Random) -> IntensitySeries:
    """365 days of 15-minute intensities: a diurnal solar dip, a seasonal swing, noise."""
    values = []
    for i in range(365 * 96):
        day, hour = divmod(i / 4, 24)
        solar = -120 * max(0.0, math.sin(math.pi * (hour - 6) / 12))
        season = 60 * math.cos(2 * math.pi * day / 365)
        values.append(max(5.0, 350 + solar + season + rng.gauss(0, 25)))
    return IntensitySeries(datetime(2025, 1, 1), 15, tuple(values))


def schedule(figure: str, seconds: float) -> None:
    ms = seconds * 1000
    record(
        bench=BENCH,
        figure=figure,
        value=ms,
        unit="ms",
        target=f"< {TARGET_SCHEDULE_MS:g} ms",
        baseline="target",
        ratio=ms / TARGET_SCHEDULE_MS,
        ok=ms < TARGET_SCHEDULE_MS,
    )


def end_to_end(
    documents: list[dict[str, Any]], claims: list[Claim], catalog: Any, floor_per_s: float
) -> None:
    """What a submission pays: the recomputation service's own function on raw JSON text."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
    import django

    django.setup()
    from types import SimpleNamespace

    from emissions.services.recomputation import _verification

    submitted = [
        json.dumps({"runs": doc["runs"], "claim_tco2e": claim.tco2e, "claim_basis": "location"})
        for doc, claim in zip(documents, claims, strict=False)
    ]

    def submission(text: str) -> str:
        raw = json.loads(text)
        row = SimpleNamespace(
            runs=raw["runs"],
            claim_energy_kwh=None,
            claim_tco2e=raw["claim_tco2e"],
            claim_basis=raw["claim_basis"],
        )
        return json.dumps(_verification(row, catalog))  # type: ignore[arg-type]

    seconds = best_of(1, lambda: [submission(text) for text in submitted])
    rate(
        "end to end per submission: raw JSON -> parse, estimate, verify, serialise",
        len(submitted),
        seconds,
        None,
        floor_per_s,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="a batch of 2,000, one run each")
    args = parser.parse_args()
    if args.quick or quick_requested():
        args.batch, args.repeat = min(args.batch, 2_000), 1
    rng = random.Random(args.seed)
    catalog = load_catalog()
    print(f"catalog {catalog.version}; building {args.batch:,} disclosures ...", flush=True)
    documents = [disclosure_json(rng, catalog) for _ in range(args.batch)]
    disclosures = [parse_disclosure(doc, catalog=catalog) for doc in documents]

    single = disclosures[0]
    loops = max(args.batch, 100_000)
    seconds = best_of(
        args.repeat,
        lambda: [estimate_training_footprint(single, catalog=catalog) for _ in range(loops)],
    )
    rate("one disclosure, recomputed repeatedly", loops, seconds, TARGET_PER_S)
    seconds = best_of(
        args.repeat, lambda: [estimate_training_footprint(d, catalog=catalog) for d in disclosures]
    )
    arithmetic_per_s = rate(
        f"batch of {args.batch:,} distinct disclosures (bare arithmetic)",
        args.batch,
        seconds,
        TARGET_PER_S,
    )

    seconds = best_of(
        1,
        lambda: [
            estimate_training_footprint(parse_disclosure(doc, catalog=catalog), catalog=catalog)
            for doc in documents
        ],
    )
    rate("batch, parsing the stored JSON first", args.batch, seconds, None, arithmetic_per_s)
    claims = [
        Claim(tco2e=estimate_training_footprint(d, catalog=catalog).gross_tco2e * 1.03)
        for d in disclosures
    ]
    seconds = best_of(
        1,
        lambda: [
            verify_claim(d, c, catalog=catalog) for d, c in zip(disclosures, claims, strict=True)
        ],
    )
    rate(
        "batch verification (recompute + all checks)",
        args.batch,
        seconds,
        None,
        arithmetic_per_s,
    )
    sample = disclosures[: max(1, args.batch // 10)]
    seconds = best_of(
        1, lambda: [estimate_training_footprint(d, catalog=catalog).to_dict() for d in sample]
    )
    rate("full JSON result incl. what-if", len(sample), seconds, None, arithmetic_per_s)
    end_to_end(documents[: len(sample)], claims, catalog, arithmetic_per_s)

    series = year_series(rng)
    end = series.end
    print(f"year series: {len(series.values):,} steps of {series.step_minutes} min")
    text = "timestamp,intensity_g_per_kwh\n" + "".join(
        f"{(series.start + timedelta(minutes=15 * i)).isoformat()},{v:.1f}\n"
        for i, v in enumerate(series.values)
    )
    seconds = best_of(args.repeat, lambda: IntensitySeries.from_csv(text))
    print(f"    parsing its CSV: {seconds * 1000:.1f} ms (not part of the target)")
    window = best_start_window(series, 8, deadline=end, power_kw=500)
    seconds = best_of(args.repeat, lambda: best_start_window(series, 8, deadline=end, power_kw=500))
    schedule("best 8 h start window over a year of 15-min steps", seconds)
    print(f"    starts {window.start:%Y-%m-%d %H:%M}, saves {window.saving_fraction:.0%} vs now")
    plan = ramp_plan(series, 20_000, max_concurrency=64, power_kw_per_device=0.7)
    seconds = best_of(
        args.repeat, lambda: ramp_plan(series, 20_000, max_concurrency=64, power_kw_per_device=0.7)
    )
    schedule("ramp plan of 20,000 device-hours over a year", seconds)
    print(f"    {len(plan.segments):,} segments, saves {plan.saving_fraction:.0%} vs ASAP")
    return 0


if __name__ == "__main__":
    sys.exit(main())
