"""python manage.py load_demo: load every area's demo data (idempotent; `make run` calls it).

Each area registers a loader below by dotted path: a function `load()` that writes its demo
data through the area's own write paths, in its own transaction, and finds what it created
before (a second run changes nothing). A loader that accepts `stdout` is given the command's
output to report on; a loader returning `{kind: {"created": n, "updated": n, "unchanged": n},
..., "notes": [...]}` has its counts printed. A loader whose module does not exist is skipped.
Order matters: the incident catalog comes first, since other areas link to its entities.
The core lists the loaders by dotted name (strings, not imports), as the root URLconf lists
the areas' URL modules.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Mapping
from typing import Any

from django.core.management.base import BaseCommand

DEMO_LOADERS = (
    "incidents.importers.demo.load",
    "emissions.demo.load",
    "venues.demo.load",
)


def find_loader(dotted: str) -> Callable[..., Any] | None:
    module_name, _, function = dotted.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        # Only a missing loader module is skipped; a loader that fails to import is an error.
        if exc.name is not None and module_name.startswith(exc.name):
            return None
        raise
    return getattr(module, function)


class Command(BaseCommand):
    help = "Load the demo data of every area (a second run changes nothing)."

    def handle(self, *args: Any, **options: Any) -> None:
        for dotted in DEMO_LOADERS:
            loader = find_loader(dotted)
            if loader is None:
                self.stdout.write(f"{dotted}: not available, skipped")
                continue
            reports_itself = "stdout" in inspect.signature(loader).parameters
            result = loader(stdout=self.stdout) if reports_itself else loader()
            if isinstance(result, Mapping):
                self._report(dotted, result)
            elif not reports_itself:
                self.stdout.write(f"{dotted}: done ({result})")

    def _report(self, dotted: str, result: Mapping[str, Any]) -> None:
        for note in result.get("notes", []):
            self.stdout.write(f"{dotted}: {note}")
        counts = {kind: value for kind, value in result.items() if kind != "notes"}
        for kind, value in counts.items():
            self.stdout.write(
                f"  {kind:16} created {value['created']:4}  updated {value['updated']:4}  "
                f"unchanged {value['unchanged']:4}"
            )
        if any(value["created"] or value["updated"] for value in counts.values()):
            self.stdout.write(self.style.SUCCESS(f"{dotted}: demo data loaded."))
        else:
            self.stdout.write(
                self.style.SUCCESS(f"{dotted}: nothing changed, the demo data is already loaded.")
            )
