"""The development server must not keep a database connection per client connection: a client
holding many keep-alive connections (a fuzzer) would otherwise use up PostgreSQL's slots."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.faults import subprocess_database_url

ROOT = Path(__file__).resolve().parents[2]
KEEP_ALIVE_CLIENTS = 40
REQUESTS = 200

pytestmark = pytest.mark.django_db(transaction=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, server: subprocess.Popen) -> None:
    for _ in range(150):
        if server.poll() is not None:
            raise AssertionError(f"runserver exited: {server.stderr.read().decode()[-2000:]}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError("runserver did not start")


def _backends(database: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [database],
        )
        return cursor.fetchone()[0]


def test_runserver_leaves_no_connection_behind_per_keep_alive_client():
    settings_dict = connection.settings_dict
    database = settings_dict["NAME"]
    # A socket directory (the embedded server) must be URL-quoted: faults' helper does that.
    url = subprocess_database_url()
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DATABASE_CONN_MAX_AGE": "600",  # what a production-like .env would set
        "PAGE_CACHE_ENABLED": "false",  # every request must reach the database
        "DEBUG": "true",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "runserver",
            "--noreload",
            "--skip-checks",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    clients: list[http.client.HTTPConnection] = []
    try:
        _wait_for(port, server)
        clients = [
            http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            for _ in range(KEEP_ALIVE_CLIENTS)
        ]
        statuses = set()
        for number in range(REQUESTS):
            client = clients[number % KEEP_ALIVE_CLIENTS]
            client.request("GET", "/incidents/")
            response = client.getresponse()
            response.read()
            statuses.add(response.status)
        # Every client connection is still open (its thread alive), and yet:
        assert (statuses, _backends(database) <= 3) == ({200}, True)
    finally:
        for client in clients:
            client.close()
        server.terminate()
        server.wait(timeout=30)
        server.stderr.close()


def _settings_probe(extra_env: dict[str, str], argv1: str = "shell") -> str:
    code = (
        "from django.db import connection; connection.ensure_connection(); "
        "print(connection.settings_dict['CONN_MAX_AGE'], connection.pool is not None)"
    )
    return (
        subprocess.run(
            [sys.executable, "manage.py", argv1, "-c", code],
            cwd=ROOT,
            env={**os.environ, "DATABASE_CONN_MAX_AGE": "60", **extra_env},
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )


def test_gunicorn_workers_can_use_psycopgs_pool_when_configured():
    assert _settings_probe({"DATABASE_POOL_MAX_SIZE": "4"}) == "0 True"


def test_without_a_pool_connections_persist_between_requests():
    assert _settings_probe({}) == "60 False"
