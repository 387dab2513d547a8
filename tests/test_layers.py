"""The import rule of docs/architecture.md, checked over the source tree with `ast`.

The core (`registry`) imports no domain and nothing above; a domain imports the core and the
domains below it (incidents <- emissions <- venues); the layers on top (`search`, `datasets`)
may import every domain but nothing imports them. Every `import` and `from ... import` counts,
wherever it is written (inside functions too); the root URLconf, settings and `load_demo` name
other apps in strings, which are not imports.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# What each top-level package may import among the project's packages (itself always).
ALLOWED: dict[str, frozenset[str]] = {
    "registry": frozenset(),
    "incidents": frozenset({"registry"}),
    "emissions": frozenset({"registry", "incidents"}),
    "venues": frozenset({"registry", "incidents", "emissions"}),
    "search": frozenset({"registry", "incidents", "emissions", "venues"}),
    "datasets": frozenset({"registry", "incidents", "emissions", "venues"}),
}


def imported_modules(source: str, module: str) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in `source`, the text of module `module`."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the importing module's package
                base = module.split(".")[: -node.level]
                found.append((node.lineno, ".".join([*base, node.module or ""]).rstrip(".")))
            elif node.module:
                found.append((node.lineno, node.module))
    return found


def layer_violations(root: Path) -> list[str]:
    """Every import under `root` that the rule forbids, as "path:line imports module"."""
    violations = []
    for package, allowed in ALLOWED.items():
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root)
            module = ".".join(relative.with_suffix("").parts)
            for line, name in imported_modules(path.read_text(encoding="utf-8"), module):
                target = name.split(".")[0]
                if target in ALLOWED and target != package and target not in allowed:
                    violations.append(f"{relative}:{line} imports {name}")
    return violations


def test_it_finds_every_package_of_the_rule() -> None:
    assert sorted(p for p in ALLOWED if (REPO / p / "__init__.py").is_file()) == sorted(ALLOWED)


def test_the_source_tree_follows_the_import_rule() -> None:
    assert layer_violations(REPO) == []


@pytest.mark.parametrize(
    ("package", "statement"),
    [
        ("registry", "from incidents import models"),
        ("registry", "import emissions.models"),
        ("registry", "def f():\n    from search.engine import get_engine\n"),
        ("incidents", "from emissions.models import Disclosure"),
        ("incidents", "from datasets.snapshot import export_snapshot"),
        ("emissions", "from venues.models import Venue"),
        ("venues", "from search import tasks"),
        ("search", "from datasets import sql"),
    ],
)
def test_it_reports_an_import_against_the_rule(
    tmp_path: Path, package: str, statement: str
) -> None:
    for name in ALLOWED:
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("")
    (tmp_path / package / "bad.py").write_text(statement + "\n")
    assert len(layer_violations(tmp_path)) == 1
    assert layer_violations(tmp_path)[0].startswith(f"{package}/bad.py:")


def test_it_allows_imports_down_the_layers(tmp_path: Path) -> None:
    for name in ALLOWED:
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("")
    (tmp_path / "venues" / "ok.py").write_text(
        "from emissions.models import Disclosure\nfrom registry.models import User\n"
    )
    (tmp_path / "search" / "ok.py").write_text("import venues.models\nfrom . import ok\n")
    assert layer_violations(tmp_path) == []
