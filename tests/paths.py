"""Where tests find files: relative to this repository, never by a machine's absolute path.

The shared reference folder sits beside the repository (`../shared` from its root), in CI too.
"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_REFERENCE = REPO_ROOT.parent / "shared" / "reference"
# A real file written by CodeCarbon 3.3.2: several flushes of running totals per run.
CODECARBON_SAMPLE = SHARED_REFERENCE / "codecarbon-sample" / "emissions.csv"
