"""`python manage.py export_snapshot OUT_DIR`: write a complete dataset snapshot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import OperationalError

from datasets.snapshot import SnapshotError, export_snapshot


class Command(BaseCommand):
    help = (
        "Write the public registry (incidents, reports, entities, classifications, verified "
        "disclosures; CSV, JSON Lines and an AIID-compatible set) to OUT_DIR, with a manifest "
        "of row counts and SHA-256 checksums. OUT_DIR must not exist or be empty."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out_dir", type=Path, help="Folder to create")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = export_snapshot(options["out_dir"])
        except SnapshotError as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(
                f"cannot write the snapshot to {options['out_dir']}: {exc.strerror or exc}"
            ) from None
        except OperationalError as exc:
            raise CommandError(f"the database is unavailable: {exc}") from None
        for record in manifest.files:
            rows = "" if record.rows is None else f"{record.rows} rows, "
            self.stdout.write(f"{record.path}: {rows}{record.bytes} bytes")
        self.stdout.write(
            self.style.SUCCESS(f"Snapshot written to {manifest.path} ({len(manifest.files)} files)")
        )
