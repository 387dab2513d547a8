from __future__ import annotations

from pathlib import Path

import pytest

from incidents.importers.aiid import AiidSnapshotImporter, ImportSummary
from tests.factories.aiid import AiidSnapshot


@pytest.fixture
def snapshot() -> AiidSnapshot:
    return AiidSnapshot()


@pytest.fixture
def run_import(db):  # noqa: ANN001, ANN201
    """Import a snapshot folder or tarball; returns the summary."""

    def run(path: Path) -> ImportSummary:
        return AiidSnapshotImporter().run(path)

    return run
