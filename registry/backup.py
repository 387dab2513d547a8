"""Backup and restore with PostgreSQL's own tools, each backup with a manifest that proves it.

`database_backup` writes a custom-format pg_dump and, next to it, `<dump>.manifest.json`: the
server and client versions, the SHA-256 of the dump, every table's row count, the applied
migrations and the triggers, constraints and indexes. The counts are read in the very snapshot
pg_dump dumps (`pg_export_snapshot` + `--snapshot`), so they match the dump even while the
registry keeps writing. `database_restore` refuses a dump whose SHA-256 differs from its
manifest, restores into an empty database with client tools chosen for the target server
(`registry.backup_clients`) and then checks the restored database against the manifest (or,
without one, against the dump's table of contents), raising BackupError on any difference.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from django.db import connection

from registry.backup_checks import (
    AUDIT_TRIGGER,
    database_state,
    state_differences,
    toc_differences,
)
from registry.backup_clients import (
    BackupError,
    ClientTools,
    available_clients,
    dump_client,
    filter_preamble,
    restore_client,
    unknown_settings,
)

__all__ = [
    "AUDIT_TRIGGER",
    "BackupError",
    "BackupResult",
    "RestoreResult",
    "conninfo",
    "database_backup",
    "database_restore",
    "manifest_path_for",
]

MANIFEST_FORMAT = 1
# libpq parameters that Django's OPTIONS may carry and the client tools must see too.
_LIBPQ_OPTIONS = ("sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout")


@dataclass(frozen=True)
class BackupResult:
    dump_path: Path
    manifest_path: Path
    manifest: dict[str, Any]
    client: ClientTools
    seconds: float


@dataclass(frozen=True)
class RestoreResult:
    method: str  # "direct" (pg_restore into the server) or "filtered" (pg_restore | filter | psql)
    client: ClientTools
    server_major: int
    dump_major: int
    dropped_lines: list[str]
    checked: list[str]
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def conninfo(
    settings_dict: dict[str, Any], *, database: str | None = None, password: bool = True
) -> str:
    """A libpq connection string for Django database settings (socket or TCP); without the
    password for client tools, which get it from PGPASSWORD (see `_client_env`)."""
    options = settings_dict.get("OPTIONS") or {}
    parts = {
        "dbname": database or settings_dict["NAME"],
        "user": settings_dict.get("USER") or "",
        "password": (settings_dict.get("PASSWORD") or "") if password else "",
        "host": settings_dict.get("HOST") or "",
        "port": str(settings_dict.get("PORT") or ""),
        **{key: str(options[key]) for key in _LIBPQ_OPTIONS if options.get(key)},
    }
    return " ".join(f"{key}={_quote(str(value))}" for key, value in parts.items() if value)


def manifest_path_for(dump_path: Path) -> Path:
    return Path(f"{dump_path}.manifest.json")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _connect(dsn: str, *, autocommit: bool = True) -> psycopg.Connection[Any]:
    try:
        return psycopg.connect(dsn, autocommit=autocommit)
    except psycopg.OperationalError as exc:
        raise BackupError(f"cannot connect: {str(exc).strip()}") from exc


def _server_major(conn: psycopg.Connection[Any]) -> tuple[int, str]:
    num = int(conn.execute("SHOW server_version_num").fetchone()[0])  # type: ignore[index]
    version = conn.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
    return num // 10000, str(version)


def _client_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    # A password on a command line is visible to every user of the machine (ps).
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return env


def _run(args: list[str], *, what: str, settings_dict: dict[str, Any]) -> None:
    result = subprocess.run(
        args, capture_output=True, text=True, timeout=6 * 3600, env=_client_env(settings_dict)
    )
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip() or f'exit {result.returncode}'}")


def _write_atomically(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".partial")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    Path(tmp).replace(path)


def database_backup(
    *,
    out_path: Path,
    settings_dict: dict[str, Any] | None = None,
    bin_dirs: Iterable[Path] | None = None,
) -> BackupResult:
    """Write a custom-format dump to `out_path` and its manifest next to it (both atomically).

    The pg_dump matches the server's major version when the machine has one, else it is the
    closest newer one. Read-only on the database.
    """
    started = time.monotonic()
    settings_dict = settings_dict or connection.settings_dict
    out_path = Path(out_path)
    dsn = conninfo(settings_dict)
    clients = available_clients(bin_dirs)
    partial = out_path.with_name(out_path.name + ".partial")
    with _connect(dsn) as conn:
        server_major, server_version = _server_major(conn)
        tools = dump_client(clients, server_major=server_major)
        # One snapshot for the counts and the dump: pg_dump imports the one exported here.
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]  # type: ignore[index]
        with conn.cursor() as cursor:
            state = database_state(cursor)
        try:
            _run(
                [tools.path("pg_dump"), "--format=custom", "--no-owner"]
                + [f"--snapshot={snapshot}", "--file", str(partial)]
                + ["--dbname", conninfo(settings_dict, password=False)],
                what=f"pg_dump {tools.major}",
                settings_dict=settings_dict,
            )
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        finally:
            conn.execute("ROLLBACK")
    partial.replace(out_path)
    manifest = {
        "format": MANIFEST_FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "dump_file": out_path.name,
        "dump_bytes": out_path.stat().st_size,
        "dump_sha256": _sha256(out_path),
        "server_version": server_version,
        "server_major": server_major,
        "client_version": tools.version,
        "client_major": tools.major,
        **state,
    }
    manifest_path = manifest_path_for(out_path)
    _write_atomically(manifest_path, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return BackupResult(out_path, manifest_path, manifest, tools, time.monotonic() - started)


def read_manifest(dump_path: Path) -> dict[str, Any] | None:
    """The dump's manifest, None if it has none; BackupError if the dump does not match it."""
    path = manifest_path_for(dump_path)
    if not path.exists():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"cannot read manifest {path}: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise BackupError(f"{path} is not a backup manifest of format {MANIFEST_FORMAT}")
    actual = _sha256(dump_path)
    if actual != manifest.get("dump_sha256"):
        raise BackupError(
            f"{dump_path} has SHA-256 {actual} but its manifest says {manifest.get('dump_sha256')}:"
            " the dump was changed or damaged after the backup; refusing to restore it"
        )
    return manifest


def _toc(tools: ClientTools, dump_path: Path) -> str:
    result = subprocess.run(
        [tools.path("pg_restore"), "--list", str(dump_path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        raise BackupError(f"{dump_path} is not a readable dump: {result.stderr.strip()}")
    return result.stdout


def _dump_major(toc: str) -> int:
    for line in toc.splitlines():
        if line.startswith(";     Dumped by pg_dump version:"):
            return int(line.split(":", 1)[1].strip().split(".")[0])
    raise BackupError("the dump's table of contents does not say which pg_dump made it")


def _restore_filtered(
    tools: ClientTools,
    dump_path: Path,
    settings_dict: dict[str, Any],
    database: str,
    *,
    drop_settings: set[str],
) -> list[str]:
    """pg_restore -f - | filter_preamble | psql -1 ON_ERROR_STOP; returns the dropped lines."""
    with tempfile.TemporaryFile() as restore_err, tempfile.TemporaryFile() as psql_err:
        restore = subprocess.Popen(
            [tools.path("pg_restore"), "--no-owner", "--file", "-", str(dump_path)],
            stdout=subprocess.PIPE,
            stderr=restore_err,
        )
        psql = subprocess.Popen(
            [tools.path("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction"]
            + ["--dbname", conninfo(settings_dict, database=database, password=False)]
            + ["--file", "-"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_err,
            env=_client_env(settings_dict),
        )
        assert restore.stdout is not None and psql.stdin is not None
        dropped: list[str] = []
        try:
            dropped = filter_preamble(restore.stdout, psql.stdin, drop_settings=drop_settings)
        except BrokenPipeError:
            pass  # psql stopped on an error; its message is reported below
        finally:
            with contextlib.suppress(BrokenPipeError):
                psql.stdin.close()
            restore.stdout.close()
        psql_rc = psql.wait()
        restore_rc = restore.wait()
        for rc, err, name in ((psql_rc, psql_err, "psql"), (restore_rc, restore_err, "pg_restore")):
            if rc != 0:
                err.seek(0)
                message = err.read().decode(errors="replace").strip()
                raise BackupError(f"{name} {tools.major} failed: {message or f'exit {rc}'}")
    return dropped


def _assert_empty(conn: psycopg.Connection[Any], database: str) -> None:
    count = conn.execute(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')"
        " AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'"
    ).fetchone()[0]  # type: ignore[index]
    if count:
        raise BackupError(
            f"database {database!r} is not empty ({count} relations); restore into an empty one"
        )


def database_restore(
    *,
    dump_path: Path,
    database: str,
    settings_dict: dict[str, Any] | None = None,
    bin_dirs: Iterable[Path] | None = None,
) -> RestoreResult:
    """Restore a dump into `database` (existing and empty), all or nothing, then check it.

    Raises BackupError, before touching the database, if the dump differs from its manifest or
    the database is not empty; after restoring, if a table, a row count, a migration, a trigger,
    a constraint or an index differs from the manifest (or the dump's table of contents).
    """
    started = time.monotonic()
    settings_dict = settings_dict or connection.settings_dict
    dump_path = Path(dump_path)
    if not dump_path.is_file():
        raise BackupError(f"{dump_path} is not a file")
    manifest = read_manifest(dump_path)
    clients = available_clients(bin_dirs)
    if not clients:
        raise BackupError("no PostgreSQL client tools (pg_restore, psql) found on this machine")
    toc = _toc(max(clients, key=lambda c: c.major), dump_path)
    dump_major = _dump_major(toc)
    dsn = conninfo(settings_dict, database=database)
    with _connect(dsn) as conn:
        server_major, _ = _server_major(conn)
        _assert_empty(conn, database)
    tools = restore_client(clients, server_major=server_major, dump_major=dump_major)
    dropped: list[str] = []
    if tools.major <= server_major:
        method = "direct"
        _run(
            [tools.path("pg_restore"), "--no-owner", "--exit-on-error", "--single-transaction"]
            + ["--dbname", conninfo(settings_dict, database=database, password=False)]
            + [str(dump_path)],
            what=f"pg_restore {tools.major}",
            settings_dict=settings_dict,
        )
    else:
        method = "filtered"
        dropped = _restore_filtered(
            tools,
            dump_path,
            settings_dict,
            database,
            drop_settings=unknown_settings(server_major),
        )
    checked, warnings = database_check(
        database=database, settings_dict=settings_dict, manifest=manifest, toc=toc
    )
    return RestoreResult(
        method,
        tools,
        server_major,
        dump_major,
        dropped,
        checked,
        warnings,
        time.monotonic() - started,
    )


def database_check(
    *,
    database: str,
    manifest: dict[str, Any] | None,
    toc: str,
    settings_dict: dict[str, Any] | None = None,
) -> tuple[list[str], list[str]]:
    """Compare a restored database with the manifest (or, without one, the dump's table of
    contents); return what was checked and warnings, or raise BackupError listing every
    difference."""
    settings_dict = settings_dict or connection.settings_dict
    with _connect(conninfo(settings_dict, database=database)) as conn, conn.cursor() as cursor:
        restored = database_state(cursor)
    warnings: list[str] = []
    if manifest is not None:
        differences = state_differences(expected=manifest, actual=restored)
        checked = [
            f"{len(manifest['tables'])} tables with the manifest's row counts",
            f"{len(manifest['migrations'])} applied migrations",
            f"{len(manifest['triggers'])} triggers (incl. the audit append-only trigger)",
            f"{len(manifest['constraints'])} constraints, {len(manifest['indexes'])} indexes",
        ]
    else:
        differences = toc_differences(toc=toc, actual=restored)
        checked = ["tables, triggers and constraints named in the dump's table of contents"]
        warnings.append("no manifest next to the dump: row counts and migrations not checked")
    if differences:
        shown = "\n  ".join(differences[:30])
        more = f"\n  ... and {len(differences) - 30} more" if len(differences) > 30 else ""
        raise BackupError(
            f"the restored database {database!r} differs from the backup:\n  {shown}{more}"
        )
    return checked, warnings


def database_verify_backup(
    *, dump_path: Path, settings_dict: dict[str, Any] | None = None
) -> RestoreResult:
    """Restore a dump into a scratch database on the same server, check it, drop the scratch.

    Needs the CREATEDB privilege. The scratch database is dropped even when the check fails.
    """
    settings_dict = settings_dict or connection.settings_dict
    scratch = f"{settings_dict['NAME']}_verify_{os.getpid()}"[:63]
    with _connect(conninfo(settings_dict)) as conn:
        try:
            conn.execute(f'CREATE DATABASE "{scratch}" TEMPLATE template0')
        except psycopg.Error as exc:
            raise BackupError(f"cannot create scratch database {scratch}: {exc}".strip()) from exc
        try:
            return database_restore(
                dump_path=dump_path, database=scratch, settings_dict=settings_dict
            )
        finally:
            conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
