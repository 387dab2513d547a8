"""Re-verify every submitted disclosure against the current factor catalog, in batches.

Run it after the estimator's catalog changes (a new version string). Each disclosure whose
verdict, flags or recomputed tCO2e changed gets a "reverify" audit event saying what changed;
the recomputations are kept per catalog version, so the history stays readable.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from emissions.models import Disclosure, DisclosureState
from emissions.services.recomputation import catalog_version_current, disclosure_reverify


class Command(BaseCommand):
    help = "Recompute every non-draft disclosure with the current catalog; audit what changed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        if batch_size < 1:
            self.stderr.write("--batch-size must be at least 1")
            raise SystemExit(2)
        version = catalog_version_current()
        queryset = Disclosure.objects.exclude(
            state__in=[DisclosureState.DRAFT, DisclosureState.WITHDRAWN]
        ).order_by("pk")
        counts = {"checked": 0, "recomputed": 0, "changed": 0}
        last_pk = 0
        while True:
            batch = list(queryset.filter(pk__gt=last_pk).values_list("pk", flat=True)[:batch_size])
            if not batch:
                break
            for pk in batch:
                outcome = disclosure_reverify(disclosure_id=pk)
                counts["checked"] += 1
                if outcome.previous is None or outcome.previous.pk != outcome.recomputation.pk:
                    counts["recomputed"] += 1
                if outcome.changed:
                    counts["changed"] += 1
            last_pk = batch[-1]
            self.stdout.write(f"… {counts['checked']} checked")
        self.stdout.write(
            self.style.SUCCESS(
                f"catalog {version}: {counts['checked']} disclosures checked, "
                f"{counts['recomputed']} recomputed, {counts['changed']} changed"
            )
        )
