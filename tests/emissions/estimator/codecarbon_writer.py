"""Make CodeCarbon itself write ``emissions.csv`` files, as a researcher's runs do.

Used by the tests (when ``codecarbon`` is installed: it is in the ``dev`` extra) and to make the
committed fixtures in ``fixtures/``::

    cd tests/emissions/estimator && ../../../.venv/bin/python -m codecarbon_writer fixtures

Each run is one ``OfflineEmissionsTracker`` (no network) that flushes ``flushes`` times and then
stops; CodeCarbon appends one row of running totals per flush and one at the stop.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path


def write_codecarbon_runs(
    output_dir: Path,
    *,
    runs: int = 2,
    flushes: int = 3,
    country_iso_code: str = "FRA",
    project_name: str = "estimator-fixture",
    on_csv_write: str = "append",
) -> Path:
    """Run ``runs`` trackers one after the other into ``output_dir/emissions.csv``."""
    from codecarbon import OfflineEmissionsTracker
    from codecarbon.output_methods.base_output import OutputMethod

    logging.getLogger("codecarbon").setLevel(logging.ERROR)
    for _ in range(runs):
        tracker = OfflineEmissionsTracker(
            country_iso_code=country_iso_code,
            project_name=project_name,
            output_dir=str(output_dir),
            output_methods=[OutputMethod.CSV],
            on_csv_write=on_csv_write,
            measure_power_secs=1,
            api_call_interval=1,
            log_level="error",
        )
        tracker.start()
        for _ in range(flushes):
            sum(i * i for i in range(200_000))  # some work, so energy grows between flushes
            tracker.flush()
        tracker.stop()
    return output_dir / "emissions.csv"


def _fixtures(target: Path) -> None:
    for name, kwargs in (
        ("codecarbon_multiflush_fra.csv", {"runs": 2, "flushes": 3, "country_iso_code": "FRA"}),
        ("codecarbon_multiflush_deu.csv", {"runs": 3, "flushes": 2, "country_iso_code": "DEU"}),
    ):
        scratch = target / f".{name}.d"
        scratch.mkdir(exist_ok=True)
        written = write_codecarbon_runs(scratch, **kwargs)  # type: ignore[arg-type]
        written.replace(target / name)
        scratch.rmdir()
        print(target / name)


if __name__ == "__main__":
    # ``codecarbon_writer.py DIR`` makes the fixtures; ``codecarbon_writer.py --into DIR RUNS
    # FLUSHES PROJECT`` appends runs to DIR/emissions.csv (several such processes at once make
    # the interleaved files two processes write).
    if sys.argv[1] == "--into":
        directory, runs, flushes, project = sys.argv[2:6]
        write_codecarbon_runs(
            Path(directory), runs=int(runs), flushes=int(flushes), project_name=project
        )
    else:
        _fixtures(Path(sys.argv[1]))
