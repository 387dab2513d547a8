import pytest
from django.db import DatabaseError, transaction

from registry.models import AuditEvent
from registry.workflow import audit


@pytest.fixture
def event(world):
    return audit(actor=world.editor, subject=world.researcher, action="note", reason="first")


def test_it_records_actor_subject_and_reason(event, world):
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.actor_label, stored.subject_type, stored.subject_id, stored.reason) == (
        "edna",
        "registry.user",
        world.researcher.pk,
        "first",
    )


def test_it_rejects_update_at_the_database(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten")


def test_it_rejects_delete_at_the_database(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
