"""`manage.py search_index --rebuild`: recompute every search document, with a progress bar.

PostgreSQL's stored vectors and facet terms are rebuilt first (in committed batches); with
Elasticsearch configured (ELASTICSEARCH_URL), a fresh index is then built from them and swapped
in behind the alias. PostgreSQL is the source of truth, so this is always safe to run again.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from search.pg_index import search_rebuild_postgres


class Command(BaseCommand):
    help = "Rebuild the search index (PostgreSQL documents, then Elasticsearch if configured)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rebuild", action="store_true", help="Recompute every search document."
        )
        parser.add_argument(
            "--engine",
            choices=["all", "postgres", "elasticsearch"],
            default="all",
            help="Rebuild only one engine's documents (default: PostgreSQL, then Elasticsearch "
            "when ELASTICSEARCH_URL is set).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["rebuild"]:
            raise CommandError("Nothing to do: pass --rebuild to recompute the search index.")
        engine = options["engine"]
        bars: dict[str, tqdm] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if options["no_progress"]:
                return
            bar = bars.get(stage)
            if bar is None:
                bar = bars[stage] = tqdm(total=total, desc=stage, unit="doc", file=self.stderr)
            bar.update(done - bar.n)
            if done >= total:
                bar.close()

        if engine in ("all", "postgres"):
            counts = search_rebuild_postgres(progress=progress)
            self.stdout.write(
                f"PostgreSQL: {counts['reports']} reports, {counts['incidents']} incidents."
            )
        if engine == "elasticsearch" or (engine == "all" and settings.ELASTICSEARCH_URL):
            if not settings.ELASTICSEARCH_URL:
                raise CommandError("ELASTICSEARCH_URL is not set.")
            from search.es_index import search_rebuild_elasticsearch

            suffix = timezone.now().strftime("%Y%m%d%H%M%S")
            name = search_rebuild_elasticsearch(progress=progress, suffix=suffix)
            self.stdout.write(f"Elasticsearch: index {name} built and aliased.")
