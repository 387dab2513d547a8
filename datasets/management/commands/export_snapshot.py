"""`python manage.py export_snapshot OUT_DIR`: write a complete dataset snapshot;
`python manage.py export_snapshot --publish`: publish one on /datasets/ now (as the daily task)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import OperationalError

from datasets.publishing import dataset_snapshot_build
from datasets.snapshot import SnapshotError, SnapshotManifest, export_snapshot


class Command(BaseCommand):
    help = (
        "Write the public registry (incidents, reports, entities, classifications, verified "
        "disclosures; CSV, JSON Lines and an AIID-compatible set) to OUT_DIR, with a manifest "
        "of row counts and SHA-256 checksums. OUT_DIR must not exist or be empty."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out_dir", type=Path, nargs="?", help="Folder to create")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish a dated snapshot on /datasets/ (EXPORTS_ROOT/datasets/, last 7 kept)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["publish"] == bool(options["out_dir"]):
            raise CommandError("Give either OUT_DIR or --publish.")
        try:
            if options["publish"]:
                manifest = export_snapshot_published()
            else:
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


def export_snapshot_published():  # noqa: ANN201
    """The snapshot the daily task would publish, built now; its manifest."""
    from datasets.publishing import dataset_snapshot

    folder = dataset_snapshot_build()
    published = dataset_snapshot(name=folder.name, root=folder.parent)
    return SnapshotManifest(
        path=folder,
        created_at=published.created_at,
        files=published.files,
        archive=published.archive,
    )
