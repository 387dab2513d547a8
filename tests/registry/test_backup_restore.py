"""Nothing lost: a backup and restore round trip reproduces every table exactly."""

import pytest
from django.db import connection

from registry.backup import database_backup, database_restore, table_fingerprints
from registry.workflow import audit
from tests.factories.incidents import EntityFactory, IncidentFactory, ReportFactory


@pytest.fixture
def restored_database():
    name = f"{connection.settings_dict['NAME']}_restore"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _connect(name: str):
    import psycopg

    from registry.backup import conninfo

    return psycopg.connect(conninfo(connection.settings_dict, database=name), autocommit=True)


@pytest.mark.django_db(transaction=True)
def test_it_reproduces_every_table_and_keeps_audit_append_only(tmp_path, world, restored_database):
    incident = IncidentFactory(title="Café robot — “quoted” and 中文 text")
    report = ReportFactory(text="Line one\nline two with a tab\tand a backslash \\")
    report.incidents.add(incident)
    EntityFactory(slug="acme")
    audit(actor=world.editor, subject=incident, action="edit", reason="typo")

    dump = database_backup(out_path=tmp_path / "registry.dump")
    database_restore(dump_path=dump, database=restored_database)

    with connection.cursor() as cursor:
        original = table_fingerprints(cursor)
    with _connect(restored_database) as conn, conn.cursor() as cursor:
        restored = table_fingerprints(cursor)
        with pytest.raises(Exception, match="append-only"):
            cursor.execute("UPDATE registry_auditevent SET reason = 'rewritten'")

    assert restored == original
    assert original["registry_auditevent"][0] == 1
    assert original["incidents_report_incidents"][0] == 1
