"""python manage.py export_venue SLUG OUT_DIR: packets.zip, summary.csv and summary.json."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from emissions.exports import ExportOptions, exporter_for
from emissions.models import Venue


class Command(BaseCommand):
    help = (
        "Write a venue's packets.zip (review packets + cover summary), summary.csv, summary.json."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("out_dir", type=Path)
        parser.add_argument(
            "--paper-size", "--page-size", dest="paper_size", choices=["A4", "Letter"], default="A4"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=settings.EXPORT_PACKET_WORKERS,
            help="processes rendering packets in parallel (default EXPORT_PACKET_WORKERS)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        venue = Venue.objects.filter(slug=options["slug"]).first()
        if venue is None:
            raise CommandError(f"no venue with slug {options['slug']!r}")
        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1")
        out_dir: Path = options["out_dir"]
        out_dir.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            if options["verbosity"] > 1:
                self.stdout.write(f"  {done}/{total}")

        zip_options = ExportOptions(
            paper_size=options["paper_size"], workers=options["workers"], progress=progress
        )
        for name, identifier, export_options in (
            ("packets.zip", "zip", zip_options),
            ("summary.csv", "csv", ExportOptions()),
            ("summary.json", "json", ExportOptions()),
        ):
            with (out_dir / name).open("wb") as out:
                exporter_for("venue", identifier).write(venue, out, options=export_options)
            self.stdout.write(f"wrote {out_dir / name}")
        self.stdout.write(
            self.style.SUCCESS(f"exported {venue.slug} in {time.monotonic() - started:.1f}s")
        )
