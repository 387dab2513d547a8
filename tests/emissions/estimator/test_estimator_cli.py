"""The command line: JSON in, JSON out, exit status 2 and one line for bad input."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from emissions.estimator.cli import SCHEMA_PATH, main

DATA = Path(__file__).with_name("data")
T5 = {
    "runs": [
        {
            "accelerator": "TPU v3",
            "count": 512,
            "hours": 480,
            "power_w": 310,
            "power_basis": "measured_system",
            "pue": 1.12,
            "intensity_g_per_kwh": 545,
        }
    ]
}


def run_cli(*argv: str, stdin: str = "") -> tuple[int, object, str]:
    """Run main() in-process; returns (status, parsed JSON or text, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    old_in, old_err = sys.stdin, sys.stderr
    sys.stdin, sys.stderr = io.StringIO(stdin), err
    try:
        try:
            status = main(list(argv), stdout=out)
        except SystemExit as exit_:
            status = int(exit_.code or 0)
    finally:
        sys.stdin, sys.stderr = old_in, old_err
    text = out.getvalue()
    try:
        parsed: object = json.loads(text)
    except ValueError:
        parsed = text
    return status, parsed, err.getvalue()


def write(tmp_path: Path, name: str, content: object) -> str:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


def test_it_estimates_a_disclosure_from_a_file(tmp_path):
    status, result, _ = run_cli("estimate", write(tmp_path, "t5.json", T5))
    assert status == 0
    assert result["gross_tco2e"] == pytest.approx(46.5, rel=0.01)
    for key in ("energy_kwh", "net_tco2e", "low_tco2e", "high_tco2e", "factors"):
        assert key in result
    assert result["catalog_version"]


def test_it_estimates_from_stdin():
    status, result, _ = run_cli("estimate", stdin=json.dumps(T5))
    assert status == 0
    assert result["energy_kwh"] == pytest.approx(85_328, rel=0.001)


def test_it_prints_a_statement_on_request():
    status, text, _ = run_cli(
        "estimate", "--statement", "latex", "--model-name", "T_5", stdin=json.dumps(T5)
    )
    assert status == 0
    assert text.startswith(r"\paragraph{Carbon emissions.} Training T\_5 used")


def test_it_verifies_a_claim():
    document = {"disclosure": T5, "claim": {"energy_kwh": 85_700, "tco2e": 46.7}}
    status, result, _ = run_cli("verify", stdin=json.dumps(document))
    assert status == 0
    assert result["verdict"] == "consistent"
    assert result["recomputed"]["gross_tco2e"] == pytest.approx(46.5, rel=0.01)
    assert isinstance(result["flags"], list)


def test_it_imports_a_codecarbon_file():
    status, result, _ = run_cli("from-codecarbon", str(DATA / "codecarbon_v3.csv"))
    assert status == 0
    assert len(result["disclosure"]["runs"]) == 3
    assert result["totals"]["energy_kwh"] == pytest.approx(2.47 + 4.802 + 0.015634)


def test_it_imports_a_model_card(tmp_path):
    card = "---\nco2_eq_emissions:\n  emissions: 1_500\n  hardware_used: 4 x A100-80GB\n---\n"
    status, result, _ = run_cli("from-hf-card", write(tmp_path, "README.md", card))
    assert status == 0
    assert result["totals"]["emissions_g"] == 1500
    assert result["disclosure"]["runs"][0]["accelerator"] == "A100-80GB"


def test_it_schedules_a_window_and_a_ramp(tmp_path):
    start = datetime(2025, 6, 1)
    rows = ["timestamp,intensity_g_per_kwh"] + [
        f"{(start + timedelta(hours=i)).isoformat()},{v}" for i, v in enumerate([500, 100, 50])
    ]
    path = write(tmp_path, "series.csv", "\n".join(rows))
    status, window, _ = run_cli("window", path, "--hours", "1", "--power-kw", "10")
    assert status == 0
    assert window["start"] == "2025-06-01T02:00:00"
    status, ramp, _ = run_cli("window", path, "--device-hours", "3", "--max-concurrency", "2")
    assert status == 0
    assert ramp["segments"][0]["start"] == "2025-06-01T01:00:00"


def test_it_lists_the_catalog():
    status, result, _ = run_cli("catalog", "--kind", "accelerators")
    assert status == 0
    assert "V100" in {a["name"] for a in result["accelerators"]}


def test_it_prints_its_json_schema():
    status, result, _ = run_cli("schema")
    assert status == 0
    assert result == json.loads(SCHEMA_PATH.read_text())


def test_its_output_matches_its_json_schema():
    jsonschema = pytest.importorskip("jsonschema")
    defs = json.loads(SCHEMA_PATH.read_text())["$defs"]

    def validate(instance: object, name: str) -> None:
        jsonschema.validate(instance, {"$defs": defs, "$ref": f"#/$defs/{name}"})

    document = {"disclosure": T5, "claim": {"tco2e": 46.7}}
    validate(T5, "disclosure")
    validate(document, "verify_request")
    _, footprint, _ = run_cli("estimate", stdin=json.dumps(T5))
    validate(footprint, "footprint")
    _, verification, _ = run_cli("verify", stdin=json.dumps(document))
    validate(verification, "verification")


@pytest.mark.parametrize(
    ("argv", "stdin", "words"),
    [
        (["estimate"], "{not json", "invalid JSON at line 1"),
        (
            ["estimate"],
            '{"runs": [{"accelerator": "A100", "count": 8, "hours": 1}]}',
            "runs[0].accelerator: unknown accelerator 'A100'; did you mean",
        ),
        (["estimate"], '{"runs": [{"accelerator": "V100", "count": 8}]}', "runs[0]: give"),
        (["estimate", "/no/such/file.json"], "", "/no/such/file.json: no such file"),
        (["verify", "--tolerance", "7"], json.dumps({"disclosure": T5}), "tolerance"),
        (["window", "-", "--hours", "1"], "nonsense\n", "header"),
        (["from-codecarbon", "-"], "a,b\n1,2\n", "no energy_consumed"),
        (["estimate", "--frobnicate"], "", "unrecognized arguments"),
        (["teleport"], "", "invalid choice"),
        ([], "", "required"),
    ],
)
def test_it_exits_2_with_one_line_on_bad_input(argv, stdin, words):
    status, _, err = run_cli(*argv, stdin=stdin)
    assert status == 2
    assert err.startswith("error: ")
    assert words in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_it_runs_as_a_module_without_a_traceback():
    completed = subprocess.run(
        [sys.executable, "-m", "emissions.estimator", "estimate"],
        input='{"runs": [{"hours": -1}]}',
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[3],
        check=False,
    )
    assert completed.returncode == 2
    assert completed.stderr == "error: runs[0].hours: must be greater than 0, got -1\n"


def test_its_json_schema_names_exactly_the_input_fields():
    from emissions.estimator.inputs import CLAIM_FIELDS, LOCATION_FIELDS, RUN_FIELDS

    defs = json.loads(SCHEMA_PATH.read_text())["$defs"]
    assert set(defs["run"]["properties"]) == set(RUN_FIELDS)
    assert set(defs["location"]["properties"]) == set(LOCATION_FIELDS)
    assert set(defs["claim"]["properties"]) == set(CLAIM_FIELDS)


def test_it_judges_an_absurd_claim_instead_of_refusing_it():
    request = {"disclosure": T5, "claim": {"energy_kwh": 2e10}}
    status, result, err = run_cli("verify", stdin=json.dumps(request))
    assert (status, err) == (0, "")
    assert result["verdict"] == "implausible"
    assert "claim_magnitude_implausible" in {f["code"] for f in result["flags"]}


def test_it_estimates_over_a_uk_carbon_intensity_api_series(tmp_path):
    periods = [
        {
            "from": f"2024-03-01T0{h}:{m}Z",
            "to": f"2024-03-01T0{h + (m == '30')}:{'00' if m == '30' else '30'}Z",
            "intensity": {"forecast": 100 + 10 * i, "actual": None, "index": "low"},
        }
        for i, (h, m) in enumerate([(0, "00"), (0, "30"), (1, "00"), (1, "30")])
    ]
    series = write(tmp_path, "uk.json", {"data": periods})
    run = {
        "energy_kwh": 1000,
        "pue": 1.0,
        "start": "2024-03-01T00:00:00+00:00",
        "end": "2024-03-01T02:00:00+00:00",
    }
    disclosure = write(tmp_path, "run.json", {"runs": [run]})
    status, _, err = run_cli("estimate", disclosure, "--series", series)
    assert status == 2
    assert "data[0].intensity.actual" in err
    status, result, _ = run_cli(
        "estimate", disclosure, "--series", series, "--series-value", "forecast"
    )
    assert status == 0
    assert result["gross_tco2e"] == pytest.approx(1000 * 115 / 1e6)
    assert result["factors"][-1]["source"] == "series"
