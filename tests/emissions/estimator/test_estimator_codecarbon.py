"""CodeCarbon files read as CodeCarbon writes them: running totals per run, damaged lines skipped.

CodeCarbon 3.x (``codecarbon/output_methods/file.py``, ``FileOutput.out``) appends one row per
``flush()`` and one at ``stop()``, each with the run's cumulative ``energy_consumed`` and
``emissions``. The fixtures in ``fixtures/`` were written by CodeCarbon 3.3.2 itself on this
machine (``codecarbon_writer.py``); the live tests make it write new ones.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

from emissions.estimator import (
    EstimatorInputError,
    estimate_training_footprint,
    from_codecarbon_csv,
)

from .codecarbon_writer import write_codecarbon_runs

FIXTURES = Path(__file__).with_name("fixtures")
FRA = FIXTURES / "codecarbon_multiflush_fra.csv"  # 2 runs x (3 flushes + stop)
DEU = FIXTURES / "codecarbon_multiflush_deu.csv"  # 3 runs x (2 flushes + stop)
# The repository's sibling folder of shared reference material (never an absolute path).
SHARED_SAMPLE = (
    Path(__file__).resolve().parents[3].parent
    / "shared"
    / "reference"
    / "codecarbon-sample"
    / "emissions.csv"
)


def last_rows(text: str) -> dict[str, dict[str, str]]:
    """The last row of every run_id, read with the csv module (independent of the importer)."""
    out: dict[str, dict[str, str]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        out[row["run_id"]] = row
    return out


def final_sums(text: str) -> tuple[float, float]:
    rows = last_rows(text).values()
    return (
        sum(float(r["energy_consumed"]) for r in rows),
        sum(float(r["emissions"]) for r in rows),
    )


def naive_sums(text: str) -> float:
    return sum(float(r["energy_consumed"]) for r in csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize(("path", "runs", "rows"), [(FRA, 2, 8), (DEU, 3, 9)])
def test_it_takes_each_runs_last_row_from_a_file_codecarbon_wrote(path, runs, rows):
    text = path.read_text()
    imported = from_codecarbon_csv(text)
    energy, emissions_kg = final_sums(text)
    assert imported.totals["runs"] == runs
    assert imported.totals["rows"] == rows
    assert imported.totals["energy_kwh"] == pytest.approx(energy, rel=1e-12)
    assert imported.totals["emissions_kg"] == pytest.approx(emissions_kg, rel=1e-12)
    assert imported.totals["energy_kwh"] < naive_sums(text)  # the old reading summed every row
    assert imported.metadata == {
        "codecarbon_version": "3.3.2",
        "project_name": "estimator-fixture",
    }
    footprint = estimate_training_footprint(imported.disclosure)
    assert footprint.energy_kwh == pytest.approx(energy, rel=1e-12)
    assert footprint.gross_tco2e == pytest.approx(emissions_kg / 1000, rel=1e-9)


def test_it_names_the_superseded_rows():
    imported = from_codecarbon_csv(FRA.read_text())
    (note,) = [w for w in imported.warnings if "superseded" in w]
    assert note.startswith("lines 2, 3, 4, 6, 7, 8: ")


@pytest.mark.parametrize("mode", ["append", "update"])
def test_it_reads_a_file_codecarbon_writes_now(tmp_path, mode):
    pytest.importorskip("codecarbon")
    path = write_codecarbon_runs(tmp_path, runs=2, flushes=3, on_csv_write=mode)
    text = path.read_text()
    physical_rows = len(text.strip().splitlines()) - 1
    assert physical_rows == (8 if mode == "append" else 2)
    imported = from_codecarbon_csv(text)
    energy, emissions_kg = final_sums(text)
    assert imported.totals["runs"] == 2
    assert imported.totals["energy_kwh"] == pytest.approx(energy, rel=1e-12)
    assert imported.totals["emissions_kg"] == pytest.approx(emissions_kg, rel=1e-12)
    assert [r.name.split()[-1] for r in imported.disclosure.runs] == list(last_rows(text))


@pytest.mark.slow  # two interpreters importing CodeCarbon and pandas: ~10 s
def test_it_reads_a_file_two_codecarbon_processes_append_to_at_once(tmp_path):
    pytest.importorskip("codecarbon")
    writer = Path(__file__).with_name("codecarbon_writer.py")
    processes = [
        subprocess.Popen(  # two researchers' jobs sharing one output directory
            [sys.executable, str(writer), "--into", str(tmp_path), "2", "4", project],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for project in ("job-a", "job-b")
    ]
    assert [p.wait(timeout=120) for p in processes] == [0, 0]
    text = (tmp_path / "emissions.csv").read_text()
    imported = from_codecarbon_csv(text)
    rows = list(csv.DictReader(io.StringIO(text)))
    finals = last_rows(text)
    assert imported.totals["runs"] == len(finals) == 4
    # Whatever order the rows landed in, each run counts once, by its last running total;
    # a line two writes garbled would be skipped and named.
    readable = len(rows) - len(imported.totals["skipped_lines"])
    assert imported.totals["rows"] == readable
    if not imported.totals["skipped_lines"]:
        energy, emissions_kg = final_sums(text)
        assert imported.totals["energy_kwh"] == pytest.approx(energy, rel=1e-12)
        assert imported.totals["emissions_kg"] == pytest.approx(emissions_kg, rel=1e-12)
    assert sorted({r.name.split()[0] for r in imported.disclosure.runs}) == ["job-a", "job-b"]


@pytest.mark.skipif(not SHARED_SAMPLE.is_file(), reason="no ../shared reference folder")
def test_it_reads_the_shared_codecarbon_332_sample_as_its_final_rows():
    text = SHARED_SAMPLE.read_text()
    imported = from_codecarbon_csv(text)
    energy, emissions_kg = final_sums(text)
    assert imported.totals["runs"] == len(last_rows(text))
    assert imported.totals["energy_kwh"] == pytest.approx(energy, rel=1e-12)
    assert imported.totals["emissions_kg"] == pytest.approx(emissions_kg, rel=1e-12)


# Hostile variants, made from a file CodeCarbon wrote.
LINES = FRA.read_text().splitlines()  # header, run A rows 2-5, run B rows 6-9


def imported_from(lines: list[str]):
    return from_codecarbon_csv("\n".join(lines) + "\n")


def test_it_skips_lines_two_processes_interleaved():
    a, b = LINES[4], LINES[8]  # each run's last row
    spliced = [*LINES[:4], a[:70] + b, a[70:], *LINES[5:8]]  # B's row written into A's
    imported = imported_from(spliced)
    assert imported.totals["skipped_lines"] == [5, 6]
    assert any(w.startswith("line 5: skipped: ") and "interleaved" in w for w in imported.warnings)
    # Each run falls back on its last readable running total.
    energy = float(LINES[3].split(",")[13]) + float(LINES[7].split(",")[13])
    assert imported.totals["energy_kwh"] == pytest.approx(energy, rel=1e-12)


def test_it_skips_a_truncated_last_line():
    imported = imported_from([*LINES[:-1], LINES[-1][:120]])
    assert imported.totals["skipped_lines"] == [9]
    energy = float(LINES[4].split(",")[13]) + float(LINES[7].split(",")[13])
    assert imported.totals["energy_kwh"] == pytest.approx(energy, rel=1e-12)


def test_it_skips_a_line_with_nul_bytes():
    imported = imported_from([*LINES[:4], "\x00" * 40 + LINES[4][40:], *LINES[5:]])
    assert imported.totals["skipped_lines"] == [5]
    assert any(w.startswith("line 5: skipped: contains NUL bytes") for w in imported.warnings)
    assert imported.totals["runs"] == 2


def test_it_skips_a_repeated_header_and_a_row_with_wrong_columns():
    imported = imported_from([*LINES[:5], LINES[0], LINES[5] + ",extra", *LINES[6:]])
    assert imported.totals["skipped_lines"] == [6, 7]
    assert any("repeated header" in w for w in imported.warnings)
    assert imported.totals["runs"] == 2


def test_it_refuses_a_file_whose_columns_are_not_codecarbons():
    header = LINES[0].replace("energy_consumed", "energy").replace("_energy", "_e")
    with pytest.raises(EstimatorInputError) as caught:
        imported_from([header, *LINES[1:]])
    assert caught.value.field == "line 1"
    assert "no energy_consumed column" in caught.value.message


def test_it_refuses_a_file_with_no_readable_row():
    with pytest.raises(EstimatorInputError) as caught:
        imported_from([LINES[0], "\x00\x00\x00", LINES[1][:50]])
    assert caught.value.field == "line 2"
    assert "NUL" in caught.value.message


def test_it_warns_when_a_runs_last_row_is_not_its_largest_total():
    # Run A's first (smallest) running total moved to the end of its rows.
    swapped = [LINES[0], LINES[2], LINES[3], LINES[4], LINES[1], *LINES[5:]]
    imported = imported_from(swapped)
    assert any(
        w.startswith("line 5: ") and "below its earlier row's" in w for w in imported.warnings
    )
    energy = float(LINES[1].split(",")[13]) + float(LINES[8].split(",")[13])
    assert imported.totals["energy_kwh"] == pytest.approx(energy, rel=1e-12)
