"""python manage.py export_disclosure ID --format pdf|tex|txt|hf OUT_FILE"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from emissions.models import Disclosure
from venues.exports import ExportOptions, exporter_for, identifiers
from venues.exports.exporters import ExportUnavailable


class Command(BaseCommand):
    help = "Write one disclosure's review packet, emissions statement or Hugging Face metadata."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("disclosure_id", type=int)
        parser.add_argument(
            "--format", dest="fmt", choices=identifiers("disclosure"), required=True
        )
        parser.add_argument("out_file", type=Path)
        parser.add_argument(
            "--paper-size", "--page-size", dest="paper_size", choices=["A4", "Letter"], default="A4"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        disclosure = (
            Disclosure.objects.select_related("venue", "owner")
            .filter(pk=options["disclosure_id"])
            .first()
        )
        if disclosure is None:
            raise CommandError(f"no disclosure with id {options['disclosure_id']}")
        exporter = exporter_for("disclosure", options["fmt"])
        try:
            data = exporter.render(
                disclosure, options=ExportOptions(paper_size=options["paper_size"])
            )
        except ExportUnavailable as error:
            raise CommandError(str(error)) from error
        out_file: Path = options["out_file"]
        out_file.parent.mkdir(parents=True, exist_ok=True)
        out_file.write_bytes(data)
        self.stdout.write(f"wrote {out_file} ({len(data)} bytes, {exporter.content_type})")
