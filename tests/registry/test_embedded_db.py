"""A deliberately stopped embedded database stays stopped until something starts it on
purpose: commands refuse with a message, never a traceback, and never restart it quietly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from registry import embedded_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:  # noqa: ANN001
    folder = tmp_path / "pgdata"
    monkeypatch.setenv("EMBEDDED_PG_DATA", str(folder))
    monkeypatch.delenv(embedded_db.AUTOSTART_ENV, raising=False)
    return folder


def test_stopping_leaves_a_marker_next_to_the_data_folder(data_dir) -> None:  # noqa: ANN001
    embedded_db.stop_embedded_database()
    assert (data_dir.parent / "pgdata.stopped").exists()


def test_it_refuses_to_restart_a_database_stopped_on_purpose(data_dir) -> None:  # noqa: ANN001
    embedded_db.stop_embedded_database()
    with pytest.raises(embedded_db.EmbeddedDatabaseStopped, match="EMBEDDED_DB_AUTOSTART=1"):
        embedded_db.embedded_database_url()
    assert not data_dir.exists()  # no server was initialised or started


def test_a_command_says_why_it_refuses_without_a_traceback(data_dir) -> None:  # noqa: ANN001
    embedded_db.stop_embedded_database()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "was stopped on purpose (make db-stop)" in result.stderr
    assert "Traceback" not in result.stderr
    assert not data_dir.exists()
