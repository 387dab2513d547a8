"""Command line: ``python -m emissions.estimator COMMAND``.

Reads JSON (a file argument or stdin) and prints JSON, so it can be scripted and so its output
is the same document the API returns. Bad input exits with status 2 and one line on stderr,
``error: <field>: <message>``, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn, TextIO

from .catalog import Catalog
from .catalog_files import load_catalog
from .codecarbon_csv import from_codecarbon_csv
from .errors import EstimatorInputError
from .footprint import estimate_training_footprint
from .hf_card import from_hf_card
from .inputs import parse_disclosure, parse_verify_request
from .schedule import IntensitySeries, best_start_window, ramp_plan
from .series_formats import read_intensity_series
from .statement import emissions_statement
from .verify import verify_claim

EXIT_BAD_INPUT = 2
SCHEMA_PATH = Path(__file__).with_name("schema.json")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, like every other bad input
        self.exit(EXIT_BAD_INPUT, f"error: {message} (see --help)\n")


def _read_text(path: str | None) -> str:
    if path in (None, "-"):
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")  # type: ignore[arg-type]
    except FileNotFoundError:
        raise EstimatorInputError("no such file", path or "") from None
    except (OSError, UnicodeDecodeError) as error:
        raise EstimatorInputError(f"cannot read: {error}", path or "") from None


def _read_json(path: str | None) -> Any:
    text = _read_text(path)
    where = path if path not in (None, "-") else "stdin"
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise EstimatorInputError(
            f"invalid JSON at line {error.lineno} column {error.colno}: {error.msg}", where
        ) from None
    except RecursionError:
        raise EstimatorInputError("invalid JSON: nested too deeply", where) from None


def _catalog(args: argparse.Namespace) -> Catalog:
    if getattr(args, "catalog_dir", None):
        try:
            return load_catalog(args.catalog_dir)
        except (OSError, ValueError, KeyError) as error:
            raise EstimatorInputError(f"cannot load catalog: {error}", "--catalog") from None
    return load_catalog()


def _when(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise EstimatorInputError(f"{value!r} is not an ISO 8601 time", name) from None


def _series(args: argparse.Namespace) -> IntensitySeries:
    """An Electricity Maps CSV export, UK Carbon Intensity API JSON or a generic CSV."""
    return read_intensity_series(
        _read_text(args.series),
        timezone=args.series_timezone,
        basis=args.series_basis,
        value=args.series_value,
        naive_ok=True,
    )


def _estimate(args: argparse.Namespace) -> Any:
    catalog = _catalog(args)
    disclosure = parse_disclosure(_read_json(args.file), catalog=catalog)
    series = _series(args) if args.series else None
    footprint = estimate_training_footprint(
        disclosure, catalog=catalog, intensity_series=series, lifecycle=args.lifecycle
    )
    if args.statement:
        return emissions_statement(
            disclosure, footprint, fmt=args.statement, model_name=args.model_name
        )
    return footprint.to_dict()


def _verify(args: argparse.Namespace) -> Any:
    catalog = _catalog(args)
    disclosure, claim = parse_verify_request(_read_json(args.file), catalog=catalog)
    return verify_claim(disclosure, claim, tolerance=args.tolerance, catalog=catalog).to_dict()


def _from_codecarbon(args: argparse.Namespace) -> Any:
    return from_codecarbon_csv(_read_text(args.file), catalog=_catalog(args)).to_dict()


def _from_hf_card(args: argparse.Namespace) -> Any:
    return from_hf_card(_read_text(args.file), catalog=_catalog(args)).to_dict()


def _window(args: argparse.Namespace) -> Any:
    series = _series(args)
    earliest, deadline = _when(args.earliest, "--earliest"), _when(args.deadline, "--deadline")
    if args.device_hours is not None:
        if args.max_concurrency is None:
            raise EstimatorInputError("a ramp plan needs --max-concurrency", "--max-concurrency")
        return ramp_plan(
            series,
            args.device_hours,
            max_concurrency=args.max_concurrency,
            earliest=earliest,
            deadline=deadline,
            power_kw_per_device=args.power_kw,
        ).to_dict()
    if args.hours is None:
        raise EstimatorInputError("give --hours (best start) or --device-hours (ramp)", "--hours")
    return best_start_window(
        series, args.hours, earliest=earliest, deadline=deadline, power_kw=args.power_kw
    ).to_dict()


def _catalog_listing(args: argparse.Namespace) -> Any:
    listing = _catalog(args).to_dict()
    if args.kind == "all":
        return listing
    return {"catalog_version": listing["catalog_version"], args.kind: listing[args.kind]}


def _refresh(args: argparse.Namespace) -> Any:
    from .refresh import refresh_catalog

    output = Path(args.output) if args.output else None
    return refresh_catalog(
        npm_dir=Path(args.npm), output_dir=output, dry_run=args.dry_run
    ).to_dict()


def _schema(args: argparse.Namespace) -> Any:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _series_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--series-timezone",
        help="time zone of a generic CSV's offset-less times (UTC, +01:00, Europe/London); "
        "without it they are matched to run times without an offset",
    )
    p.add_argument(
        "--series-basis",
        choices=("lca", "direct"),
        default="lca",
        help="Electricity Maps column: life-cycle (default) or direct",
    )
    p.add_argument(
        "--series-value",
        choices=("actual", "forecast"),
        default="actual",
        help="UK Carbon Intensity API figure (default actual)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m emissions.estimator",
        description="Compute, verify and explain AI training footprints.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def command(name: str, handler: Any, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        p.add_argument("--catalog", dest="catalog_dir", help="load another catalog directory")
        return p

    p = command("estimate", _estimate, 'footprint of a JSON disclosure {"runs": [...]}')
    p.add_argument("file", nargs="?", help="JSON file (default: stdin)")
    p.add_argument("--series", help="intensity series for runs with start and end")
    _series_options(p)
    p.add_argument("--statement", choices=("text", "latex"), help="print a paper statement")
    p.add_argument("--model-name", default="", help="model name for --statement")
    p.add_argument(
        "--lifecycle",
        action="store_true",
        help="add idle and embodied defaults (Luccioni et al. 2023, BLOOM) where a run has none",
    )
    p = command("verify", _verify, 'verify {"disclosure": {...}, "claim": {...}}')
    p.add_argument("file", nargs="?", help="JSON file (default: stdin)")
    p.add_argument("--tolerance", type=float, default=0.05, help="relative (default 0.05)")
    p = command("from-codecarbon", _from_codecarbon, "read a CodeCarbon emissions.csv")
    p.add_argument("file", help="emissions.csv")
    p = command("from-hf-card", _from_hf_card, "read a model card's co2_eq_emissions")
    p.add_argument("file", help="README.md or YAML")
    p = command("window", _window, "lowest-carbon start (--hours) or ramp (--device-hours)")
    p.add_argument("series", help="intensity series (see --series-* options)")
    _series_options(p)
    p.add_argument("--hours", type=float, help="job length in wall-clock hours")
    p.add_argument("--device-hours", type=float, help="work to spread (ramp plan)")
    p.add_argument("--max-concurrency", type=int, help="devices at a time (ramp plan)")
    p.add_argument("--earliest", help="ISO time, default: start of the series")
    p.add_argument("--deadline", help="ISO time, default: end of the series")
    p.add_argument(
        "--power-kw",
        type=float,
        default=1.0,
        help="facility kW of the job (per device for a ramp), default 1",
    )
    p = command("catalog", _catalog_listing, "list accelerators, regions and PUE defaults")
    p.add_argument(
        "--kind", choices=("all", "accelerators", "regions", "pue_defaults"), default="all"
    )
    p = command(
        "refresh-catalog",
        _refresh,
        "regenerate intensity.json and pue.json from installed data packages",
    )
    p.add_argument(
        "--npm",
        default=".local/npm",
        help="folder the npm packages were installed into with npm install --prefix "
        "(default .local/npm)",
    )
    p.add_argument("--output", help="write a full catalog copy here (default: the package)")
    p.add_argument("--dry-run", action="store_true", help="report without writing")
    command("schema", _schema, "print the JSON Schema of inputs and outputs")
    return parser


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None) -> int:
    """Run one command; returns the exit status (0, or 2 for bad input)."""
    out = stdout or sys.stdout
    args = build_parser().parse_args(argv)
    try:
        result = args.handler(args)
    except EstimatorInputError as error:
        message = " ".join(str(error).split())
        print(f"error: {message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        if isinstance(result, str):
            out.write(result)
        else:
            json.dump(result, out, indent=2, allow_nan=False)
            out.write("\n")
        out.flush()
    except BrokenPipeError:  # `... | head`: the reader left, which is not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())  # quiet interpreter exit
    return 0
