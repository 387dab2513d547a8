"""The estimator core imports only the standard library (and itself)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import emissions.estimator

PACKAGE = Path(emissions.estimator.__file__).parent
# The catalog generator (never imported at run time) reads ISO 3166 tables from pycountry,
# a dev-extra package; nothing else outside the standard library is allowed.
GENERATOR_IMPORTS = {("catalog_sources.py", "pycountry"), ("refresh.py", "pycountry")}


def test_it_imports_only_the_standard_library():
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                allowed = top in sys.stdlib_module_names or (path.name, top) in GENERATOR_IMPORTS
                assert top == "__future__" or allowed, (path.name, name)


def test_it_loads_without_django():
    code = (
        "import sys, emissions.estimator; "
        "sys.exit(any(m.split('.')[0] in ('django', 'registry', 'incidents') for m in sys.modules))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], cwd=PACKAGE.parents[1], check=False, capture_output=True
    )
    assert completed.returncode == 0, completed.stderr
