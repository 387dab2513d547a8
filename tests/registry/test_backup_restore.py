"""Nothing lost: backups restore on the configured PostgreSQL and on the embedded PostgreSQL 18,
with every table's rows and contents identical, and a damaged backup or restore fails loudly."""

from __future__ import annotations

import hashlib
import io
import json
import os
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from registry.backup import (
    BackupError,
    _restore_filtered,
    _run,
    conninfo,
    database_backup,
    database_check,
    database_restore,
    manifest_path_for,
)
from registry.backup_clients import _embedded_bin_dir, available_clients, restore_client
from registry.workflow import audit
from tests.factories.incidents import EntityFactory, IncidentFactory, ReportFactory


def table_checksums(settings_dict: dict, database: str | None = None) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent MD5 of every table's rows, read on the server."""
    with psycopg.connect(conninfo(settings_dict, database=database), autocommit=True) as conn:
        # Text output depends on session settings; fix them so two servers compare alike.
        for setting in ("TimeZone = 'UTC'", "DateStyle = 'ISO, MDY'", "IntervalStyle = 'postgres'"):
            conn.execute(f"SET {setting}")
        conn.execute("SET extra_float_digits = 1")
        conn.execute("SET bytea_output = 'hex'")
        tables = conn.execute(
            "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables"
            " WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"
        ).fetchall()
        return {
            table: conn.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n'"  # noqa: S608
                f" ORDER BY t::text COLLATE \"C\"), '')) FROM {table} t"
            ).fetchone()
            for (table,) in tables
        }


def server_major(settings_dict: dict) -> int:
    with psycopg.connect(conninfo(settings_dict), autocommit=True) as conn:
        return int(conn.execute("SHOW server_version_num").fetchone()[0]) // 10000


class Scratch:
    """Empty databases on one server, dropped at the end of the test."""

    def __init__(self, settings_dict: dict) -> None:
        self.settings_dict = settings_dict
        self.names: list[str] = []

    def create(self, suffix: str) -> str:
        # The process id keeps concurrent runs on one shared server apart.
        name = f"{self.settings_dict['NAME']}_{suffix}_{os.getpid()}"
        with psycopg.connect(conninfo(self.settings_dict), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        self.names.append(name)
        return name

    def drop_all(self) -> None:
        with psycopg.connect(conninfo(self.settings_dict), autocommit=True) as conn:
            for name in self.names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def scratch():
    databases = Scratch(connection.settings_dict)
    yield databases
    databases.drop_all()


@pytest.fixture
def registry_data(world):
    """A little of everything, with text that dump formats get wrong when they are careless."""
    incident = IncidentFactory(title="Café robot — “quoted” and 中文 text")
    report = ReportFactory(text="Line one\nline two with a tab\tand a backslash \\")
    report.incidents.add(incident)
    EntityFactory(slug="acme")
    EntityFactory(slug="copy-lookalike", name="SET transaction_timeout = 0;")
    audit(actor=world.editor, subject=incident, action="edit", reason="typo")


def _assert_audit_append_only(settings_dict: dict, database: str) -> None:
    dsn = conninfo(settings_dict, database=database)
    with (
        psycopg.connect(dsn, autocommit=True) as conn,
        pytest.raises(psycopg.Error, match="append"),
    ):
        conn.execute("UPDATE registry_auditevent SET reason = 'rewritten'")


# --- The configured server (PostgreSQL 15 on 127.0.0.1:5432 here and in CI) ------------------


@pytest.mark.django_db(transaction=True)
def test_it_round_trips_every_table_on_the_configured_server(tmp_path, registry_data, scratch):
    target = scratch.create("restore")

    backup = database_backup(out_path=tmp_path / "registry.dump")
    result = database_restore(dump_path=backup.dump_path, database=target)

    original = table_checksums(connection.settings_dict)
    assert table_checksums(connection.settings_dict, target) == original
    assert original["public.registry_auditevent"][0] == 1
    assert original["public.incidents_report_incidents"][0] == 1
    _assert_audit_append_only(connection.settings_dict, target)
    major = server_major(connection.settings_dict)
    print(f"PostgreSQL {major}: pg_dump {backup.client.major}, {result.method} restore")
    assert result.server_major == major
    assert result.method == ("direct" if result.client.major <= major else "filtered")


@pytest.mark.django_db(transaction=True)
def test_it_writes_a_manifest_that_matches_the_dump_and_the_database(tmp_path, registry_data):
    backup = database_backup(out_path=tmp_path / "registry.dump")

    manifest = json.loads(manifest_path_for(backup.dump_path).read_text())

    assert manifest["dump_sha256"] == hashlib.sha256(backup.dump_path.read_bytes()).hexdigest()
    assert manifest["server_major"] == server_major(connection.settings_dict)
    assert manifest["client_major"] == backup.client.major
    assert manifest["tables"]["public.registry_auditevent"] == 1
    assert manifest["tables"]["public.incidents_entity"] == 2
    assert ["registry", "0002_audit_append_only"] in manifest["migrations"]
    assert [
        "public.registry_auditevent",
        "registry_auditevent_no_update_delete",
        "O",
    ] in manifest["triggers"]
    assert manifest["created_at"].endswith("+00:00")


@pytest.mark.django_db(transaction=True)
def test_it_counts_rows_in_the_snapshot_it_dumps_even_while_the_registry_writes(
    tmp_path, registry_data, scratch, monkeypatch
):
    import registry.backup

    counted = registry.backup.database_state

    def write_then_count(cursor):
        if write_then_count.done:
            return counted(cursor)
        write_then_count.done = True
        # Another session commits a row after the backup's snapshot was taken.
        with psycopg.connect(conninfo(connection.settings_dict), autocommit=True) as other:
            other.execute("INSERT INTO auth_group (name) VALUES ('written during the backup')")
        return counted(cursor)

    write_then_count.done = False
    monkeypatch.setattr(registry.backup, "database_state", write_then_count)
    backup = database_backup(out_path=tmp_path / "registry.dump")
    target = scratch.create("snapshot")

    database_restore(dump_path=backup.dump_path, database=target)

    assert backup.manifest["tables"]["public.auth_group"] == 0
    assert table_checksums(connection.settings_dict)["public.auth_group"][0] == 1


@pytest.mark.django_db(transaction=True)
def test_it_restores_a_dump_without_manifest_checking_its_table_of_contents(
    tmp_path, registry_data, scratch
):
    backup = database_backup(out_path=tmp_path / "registry.dump")
    backup.manifest_path.unlink()
    target = scratch.create("nomanifest")
    out = io.StringIO()

    call_command("restore_database", str(backup.dump_path), "--database", target, stdout=out)

    assert "warning: no manifest next to the dump: row counts and migrations not checked" in (
        out.getvalue()
    )
    assert table_checksums(connection.settings_dict, target) == table_checksums(
        connection.settings_dict
    )


@pytest.mark.django_db(transaction=True)
def test_it_hands_the_password_to_client_tools_outside_their_command_line(
    tmp_path, registry_data, scratch, monkeypatch
):
    import subprocess

    calls = []
    real_run = subprocess.run

    def spy(args, **kwargs):
        calls.append((args, (kwargs.get("env") or {}).get("PGPASSWORD")))
        return real_run(args, **kwargs)

    monkeypatch.setattr(subprocess, "run", spy)
    with_password = dict(connection.settings_dict, PASSWORD="pw-not-for-ps")  # trust auth here
    target = scratch.create("password")

    backup = database_backup(out_path=tmp_path / "registry.dump", settings_dict=with_password)
    database_restore(dump_path=backup.dump_path, database=target, settings_dict=with_password)

    connecting = [(args, pw) for args, pw in calls if "--dbname" in args]
    assert [Path(args[0]).name for args, _ in connecting] == ["pg_dump", "pg_restore"]
    assert all(pw == "pw-not-for-ps" for _, pw in connecting)
    assert not any("pw-not-for-ps" in arg for args, _ in calls for arg in args)


@pytest.mark.django_db(transaction=True)
def test_it_verifies_a_backup_in_a_scratch_database_and_drops_it(tmp_path, registry_data):
    call_command("backup_database", str(tmp_path / "registry.dump"), "--verify")

    with psycopg.connect(conninfo(connection.settings_dict), autocommit=True) as conn:
        left = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s",
            [f"{connection.settings_dict['NAME']}\\_verify\\_%"],
        ).fetchall()
    assert left == []


# --- Damage is detected loudly --------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_dump_that_differs_from_its_manifest(tmp_path, registry_data, scratch):
    backup = database_backup(out_path=tmp_path / "registry.dump")
    data = bytearray(backup.dump_path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    backup.dump_path.write_bytes(bytes(data))
    target = scratch.create("tampered")

    with pytest.raises(CommandError, match="SHA-256 .* but its manifest says"):
        call_command("restore_database", str(backup.dump_path), "--database", target)
    assert table_checksums(connection.settings_dict, target) == {}


@pytest.mark.django_db(transaction=True)
def test_it_fails_loudly_when_a_restored_table_is_missing_or_short(
    tmp_path, registry_data, scratch
):
    backup = database_backup(out_path=tmp_path / "registry.dump")
    target = scratch.create("damaged")
    database_restore(dump_path=backup.dump_path, database=target)
    with psycopg.connect(
        conninfo(connection.settings_dict, database=target), autocommit=True
    ) as conn:
        conn.execute("DROP TABLE incidents_report_incidents")
        conn.execute("DELETE FROM incidents_entity WHERE slug = 'acme'")

    with pytest.raises(BackupError) as raised:
        database_check(database=target, manifest=backup.manifest, toc="")

    message = str(raised.value)
    assert "table missing: public.incidents_report_incidents (expected 1 rows)" in message
    assert "row count of public.incidents_entity: 1, expected 2" in message


@pytest.mark.django_db(transaction=True)
def test_it_fails_the_restore_command_when_the_backup_lists_a_table_it_cannot_bring_back(
    tmp_path, registry_data, scratch
):
    backup = database_backup(out_path=tmp_path / "registry.dump")
    manifest = dict(backup.manifest, tables={**backup.manifest["tables"], "public.lost": 3})
    manifest_path_for(backup.dump_path).write_text(json.dumps(manifest))
    target = scratch.create("lost")

    with pytest.raises(
        CommandError, match=r"differs from the backup:\n  table missing: public.lost"
    ):
        call_command("restore_database", str(backup.dump_path), "--database", target)


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_restore_into_a_database_that_is_not_empty(tmp_path, registry_data):
    backup = database_backup(out_path=tmp_path / "registry.dump")

    with pytest.raises(CommandError, match="is not empty"):
        call_command(
            "restore_database",
            str(backup.dump_path),
            "--database",
            connection.settings_dict["NAME"],
        )


@pytest.mark.django_db(transaction=True)
def test_it_reports_bad_arguments_without_a_traceback(tmp_path):
    backup = database_backup(out_path=tmp_path / "registry.dump")
    with pytest.raises(CommandError, match='cannot connect: .*"no_such_database_here"'):
        call_command(
            "restore_database", str(backup.dump_path), "--database", "no_such_database_here"
        )
    junk = tmp_path / "junk.dump"
    junk.write_bytes(b"not a dump")
    with pytest.raises(CommandError, match="is not a readable dump"):
        call_command("restore_database", str(junk), "--database", "x")
    with pytest.raises(CommandError, match="is not a file"):
        call_command("restore_database", str(tmp_path / "absent.dump"), "--database", "x")


# --- The embedded PostgreSQL 18 -----------------------------------------------------------------


@pytest.fixture(scope="module")
def embedded_pg18():
    """A private embedded PostgreSQL 18 server (the wheel the registry runs on by default)."""
    import shutil
    import tempfile

    import dj_database_url

    from registry import embedded_db

    # Not under pytest's tmp_path: a concurrent pytest session may prune those directories
    # while the server still runs in one.
    root = Path(tempfile.mkdtemp(prefix="registry-pg18-"))
    saved = os.environ.get("EMBEDDED_PG_DATA")
    os.environ["EMBEDDED_PG_DATA"] = str(root / "pgdata")
    try:
        server = embedded_db._server()
        settings_dict = dj_database_url.parse(server.get_uri("postgres"))
        # The wheel's URI names a socket directory as ?host=, which libpq tools need as HOST.
        settings_dict["HOST"] = settings_dict.get("OPTIONS", {}).pop("host", "")
        yield settings_dict
    finally:
        embedded_db.stop_embedded_database()
        shutil.rmtree(root, ignore_errors=True)
        if saved is None:
            os.environ.pop("EMBEDDED_PG_DATA", None)
        else:
            os.environ["EMBEDDED_PG_DATA"] = saved


@pytest.fixture(scope="module")
def machine_pg():
    """The machine's own PostgreSQL server (15 here and in CI), whatever DATABASE_URL says."""
    import dj_database_url

    url = os.environ.get("MACHINE_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    settings_dict = dj_database_url.parse(url)
    try:
        psycopg.connect(conninfo(settings_dict), connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        reason = f"no PostgreSQL answers at {url}: {str(exc).strip()}"
        print(reason)
        pytest.skip(reason)
    return settings_dict


@pytest.mark.parametrize("server", ["embedded_pg18", "machine_pg"])
@pytest.mark.django_db(transaction=True)
def test_it_round_trips_every_table_on(server, request, tmp_path, registry_data):
    settings_dict = request.getfixturevalue(server)
    major = server_major(settings_dict)
    databases = Scratch(settings_dict)
    try:
        # The registry's data moves from the configured server onto this one, then makes a
        # round trip there with the client tools chosen for this server.
        first = database_backup(out_path=tmp_path / "configured.dump")
        source = databases.create("source")
        database_restore(dump_path=first.dump_path, database=source, settings_dict=settings_dict)
        on_server = dict(settings_dict, NAME=source)
        target = databases.create("restore")

        backup = database_backup(out_path=tmp_path / "round.dump", settings_dict=on_server)
        result = database_restore(
            dump_path=backup.dump_path, database=target, settings_dict=settings_dict
        )

        print(f"PostgreSQL {major}: pg_dump {backup.client.major}, {result.method} restore")
        assert backup.manifest["server_major"] == result.server_major == major
        if server == "embedded_pg18":
            assert (backup.client.major, result.method, result.client.major) == (18, "direct", 18)
        original = table_checksums(on_server)
        assert table_checksums(settings_dict, target) == original
        assert original["public.registry_auditevent"][0] == 1
        assert {t: n for t, (n, _) in original.items()} == first.manifest["tables"]
        _assert_audit_append_only(settings_dict, target)
    finally:
        databases.drop_all()


@pytest.mark.django_db(transaction=True)
def test_it_restores_a_pg18_dump_into_an_older_server_through_the_filtered_stream(
    tmp_path, registry_data, machine_pg
):
    major = server_major(machine_pg)
    if major >= 17:
        pytest.skip(f"the machine's server is PostgreSQL {major}, which knows every setting")
    pg18 = [_embedded_bin_dir()]
    databases = Scratch(machine_pg)
    try:
        backup = database_backup(out_path=tmp_path / "registry.dump", bin_dirs=pg18)
        assert backup.client.major == 18

        # The bug this path exists for: pg_restore 18 straight into the older server fails.
        direct = databases.create("direct")
        with pytest.raises(BackupError, match="transaction_timeout"):
            _run(
                [backup.client.path("pg_restore"), "--exit-on-error", "--single-transaction"]
                + ["--no-owner", "--dbname", conninfo(machine_pg, database=direct)]
                + [str(backup.dump_path)],
                what="pg_restore 18",
                settings_dict=machine_pg,
            )

        # A script psql rejects fails the restore with psql's message and leaves nothing behind.
        unfiltered = databases.create("unfiltered")
        with pytest.raises(BackupError, match="psql 18 failed: .*transaction_timeout"):
            _restore_filtered(
                backup.client, backup.dump_path, machine_pg, unfiltered, drop_settings=set()
            )
        assert table_checksums(machine_pg, unfiltered) == {}

        target = databases.create("filtered")
        result = database_restore(
            dump_path=backup.dump_path, database=target, settings_dict=machine_pg, bin_dirs=pg18
        )

        assert (result.method, result.client.major, result.server_major) == ("filtered", 18, major)
        assert result.dropped_lines == ["SET transaction_timeout = 0;"]
        assert table_checksums(machine_pg, target) == table_checksums(connection.settings_dict)
        _assert_audit_append_only(machine_pg, target)
    finally:
        databases.drop_all()


# --- Choosing client tools and filtering, without a server ----------------------------------


def _tools(*majors: int):
    from registry.backup_clients import ClientTools

    return [ClientTools(Path(f"/opt/pg{m}/bin"), m, f"pg_dump (PostgreSQL) {m}.1") for m in majors]


@pytest.mark.parametrize(
    ("server", "dump", "expected"),
    [(15, 15, 15), (15, 18, 18), (16, 15, 15), (14, 14, 15), (18, 15, 18), (17, 15, 15)],
)
def test_it_restores_with_the_servers_own_client_or_the_closest_that_reads_the_dump(
    server, dump, expected
):
    assert restore_client(_tools(15, 18), server_major=server, dump_major=dump).major == expected


def test_it_dumps_with_the_servers_own_client_or_the_closest_newer_one():
    from registry.backup_clients import dump_client

    assert dump_client(_tools(18, 15), server_major=15).major == 15
    assert dump_client(_tools(18, 15), server_major=16).major == 18
    with pytest.raises(BackupError, match="no pg_dump can dump a PostgreSQL 19 server"):
        dump_client(_tools(15, 18), server_major=19)


def test_it_filters_only_unknown_settings_in_the_preamble_and_never_copy_data():
    from registry.backup_clients import filter_preamble, unknown_settings

    script = (
        b"--\n-- PostgreSQL database dump\n--\n\n\\restrict abc\n\n"
        b"SET statement_timeout = 0;\nSET transaction_timeout = 0;\n"
        b"SELECT pg_catalog.set_config('search_path', '', false);\n\n"
        b"CREATE TABLE public.t (v text);\n"
        b"COPY public.t (v) FROM stdin;\nSET transaction_timeout = 0;\n\\.\n"
        b"SET transaction_timeout = 0;\n"
    )
    out = io.BytesIO()

    dropped = filter_preamble(io.BytesIO(script), out, drop_settings=unknown_settings(15))

    assert dropped == ["SET transaction_timeout = 0;"]
    assert out.getvalue() == script.replace(b"SET transaction_timeout = 0;\n", b"", 1)
    assert unknown_settings(17) == set()


def test_it_finds_the_embedded_postgresql_18_client_tools():
    majors = {tools.major for tools in available_clients()}
    assert 18 in majors
