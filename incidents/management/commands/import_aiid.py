"""python manage.py import_aiid PATH [--json]: import an AIID snapshot (folder or tarball)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import OperationalError

from incidents.importers.aiid import (
    SUMMARY_KINDS,
    AiidSnapshotImporter,
    ImportFailed,
    ImportSummary,
)

KINDS = (*SUMMARY_KINDS, "submissions")


class Command(BaseCommand):
    help = (
        "Import an AI Incident Database snapshot: an unpacked folder or a backup-*.tar.bz2. "
        "Idempotent: a second run changes nothing. Malformed rows are reported and skipped; "
        "a fatal error imports nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="snapshot folder or backup-*.tar.bz2")
        parser.add_argument(
            "--json", action="store_true", help="print the summary as JSON on stdout"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_json = options["json"]
        progress = not as_json and sys.stderr.isatty()
        importer = AiidSnapshotImporter(progress=progress, stream=sys.stderr)
        try:
            summary = importer.run(options["path"])
        except ImportFailed as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(f"cannot read {options['path']}: {exc.strerror or exc}") from None
        except OperationalError as exc:
            raise CommandError(f"the database is unavailable: {exc}") from None
        if options["verbosity"] >= 2:
            for step, seconds in summary.timings.items():
                self.stderr.write(f"timing {seconds:8.2f} s  {step}")
        if as_json:
            self.stdout.write(json.dumps(summary.as_json(), ensure_ascii=False))
            return
        self._print(summary)

    def _print(self, summary: ImportSummary) -> None:
        write = self.stdout.write
        write(f"{'':16}{'created':>9}{'updated':>9}{'unchanged':>11}")
        for kind in KINDS:
            counts = getattr(summary, kind)
            write(f"{kind:16}{counts.created:>9}{counts.updated:>9}{counts.unchanged:>11}")
        for note in summary.notes:
            write(f"note: {note}")
        if summary.errors:
            write(f"{len(summary.errors)} problems (each row named here was skipped):")
            for problem in summary.errors:
                write(f"  {problem.file}:{problem.line}: {problem.message}")
        if summary.changed:
            write(self.style.SUCCESS("Import complete."))
        else:
            write(self.style.SUCCESS("Nothing changed: the database already matches the snapshot."))
        if summary.license_text:
            write(f"Licence of the imported data (license.txt): {summary.license_text}")
