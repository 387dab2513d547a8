"""What the database itself refuses, whatever the code above it does: the audit log cannot be
truncated, a verified disclosure's recomputations and linked systems are frozen with it, and
the app's own role (`create_app_role`) cannot lift those guards."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from emissions.models import Recomputation
from registry.workflow import audit
from tests.emissions.conftest import make_disclosure
from tests.factories.incidents import EntityFactory


def refused(sql: str, params: list[object] | None = None) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params or [])
    except DatabaseError:
        return True
    return False


@pytest.mark.django_db
def test_it_refuses_to_truncate_the_audit_log(world):
    audit(actor=world.staff, subject=world.researcher, action="probe", data={})
    assert refused("TRUNCATE registry_auditevent")
    assert refused("TRUNCATE registry_auditevent CASCADE")


@pytest.mark.django_db
def test_it_freezes_the_recomputations_of_a_verified_disclosure(world):
    verified = make_disclosure(world, "verified")
    recomputation = Recomputation.objects.filter(disclosure=verified).first()
    assert recomputation is not None
    assert refused(
        "UPDATE emissions_recomputation SET verdict = 'consistent' WHERE id = %s",
        [recomputation.pk],
    )
    assert refused("DELETE FROM emissions_recomputation WHERE id = %s", [recomputation.pk])


@pytest.mark.django_db
def test_it_still_changes_the_recomputations_of_a_disclosure_under_review(world):
    submitted = make_disclosure(world, "submitted")
    assert not refused(
        "DELETE FROM emissions_recomputation WHERE disclosure_id = %s", [submitted.pk]
    )


@pytest.mark.django_db
def test_it_freezes_the_linked_systems_of_a_verified_disclosure(world):
    verified = make_disclosure(world, "verified")
    entity = EntityFactory(slug="some-system")
    with pytest.raises(DatabaseError), transaction.atomic():
        verified.linked_systems.add(entity)


@pytest.fixture
def app_role(transactional_db):  # noqa: ANN001, ANN201
    name = f"registry_app_test_{uuid.uuid4().hex[:8]}"
    call_command("create_app_role", name)
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {name}")
        cursor.execute(f"DROP ROLE {name}")


def connect_as(role: str) -> psycopg.Connection:
    settings = connection.settings_dict
    return psycopg.connect(
        dbname=settings["NAME"],
        user=role,
        host=settings.get("HOST") or None,
        port=settings.get("PORT") or None,
        autocommit=True,
    )


ATTACKS = [
    "TRUNCATE registry_auditevent",
    "ALTER TABLE registry_auditevent DISABLE TRIGGER ALL",
    "DROP TRIGGER registry_auditevent_no_update_delete ON registry_auditevent",
    "ALTER TABLE emissions_disclosure DISABLE TRIGGER emissions_disclosure_verified_frozen",
    "DELETE FROM django_migrations",
    "TRUNCATE emissions_disclosure CASCADE",
]


def test_it_creates_an_app_role_that_cannot_lift_the_guards(app_role):
    with connect_as(app_role) as conn:
        succeeded = []
        for attack in ATTACKS:
            try:
                conn.execute(attack)
                succeeded.append(attack)
            except psycopg.errors.InsufficientPrivilege:
                pass
        assert succeeded == []
        # Ordinary work still goes through.
        assert conn.execute("SELECT count(*) FROM incidents_incident").fetchone() == (0,)
        conn.execute(
            "INSERT INTO registry_auditevent (action, actor_label, subject_type, subject_id,"
            " from_state, to_state, reason, data, created_at) VALUES"
            " ('probe', '', 'test', 1, '', '', '', '{}', now())"
        )
