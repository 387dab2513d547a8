"""python manage.py export_venue SLUG OUT_DIR: packets.zip, summary.csv and summary.json.

Each file is written under a temporary name and renamed into place when complete: a run
killed midway leaves the previous files whole (see registry.files).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import OperationalError

from registry.files import atomic_file, remove_partials
from venues.exports import ExportOptions, exporter_for
from venues.models import Venue


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
        try:
            self._export(options)
        except OperationalError as error:
            raise CommandError(f"the database is unavailable: {error}") from None

    def _export(self, options: dict[str, Any]) -> None:
        venue = Venue.objects.filter(slug=options["slug"]).first()
        if venue is None:
            raise CommandError(f"no venue with slug {options['slug']!r}")
        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1")
        out_dir: Path = options["out_dir"]
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"cannot create {out_dir}: {error.strerror or error}") from None
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
            target = out_dir / name
            remove_partials(target)  # left by an earlier run that was killed
            try:
                with atomic_file(target) as out:
                    exporter_for("venue", identifier).write(venue, out, options=export_options)
            except OSError as error:
                raise CommandError(f"cannot write {target}: {error.strerror or error}") from None
            self.stdout.write(f"wrote {target}")
        self.stdout.write(
            self.style.SUCCESS(f"exported {venue.slug} in {time.monotonic() - started:.1f}s")
        )
