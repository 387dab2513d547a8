import pytest
from django.core.management import CommandError, call_command

from registry.models import AuditEvent, User

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough passphrase"


def create(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("create_account", *args, stdout=out)
    return out.getvalue()


def test_it_creates_an_account_with_a_role():
    out = create("--email", "vera@inst.example", "--password", PASSWORD, "--role", "reviewer")

    user = User.objects.get(email="vera@inst.example")
    assert (user.username, user.role, user.check_password(PASSWORD)) == ("vera", "reviewer", True)
    assert "Created reviewer 'vera' <vera@inst.example>" in out


def test_it_gives_editors_access_to_the_admin():
    create("--email", "edna@reg.example", "--password", PASSWORD, "--role", "editor")

    assert User.objects.get(email="edna@reg.example").is_staff is True


def test_it_takes_a_username_and_organisation():
    create(
        "--email", "ada@lab.example", "--password", PASSWORD, "--role", "researcher",
        "--username", "ada_l", "--organisation", "Lab B",
    )  # fmt: skip

    user = User.objects.get(email="ada@lab.example")
    assert (user.username, user.organisation) == ("ada_l", "Lab B")


def test_it_refuses_an_unknown_role_naming_the_valid_ones():
    with pytest.raises(CommandError) as error:
        create("--email", "x@y.example", "--password", PASSWORD, "--role", "wizard")

    assert str(error.value) == (
        "Cannot create the account:\n"
        "  role: Unknown role 'wizard'; choose one of: researcher, reviewer, editor, chair, staff."
    )
    assert not User.objects.filter(email="x@y.example").exists()


def test_it_refuses_a_duplicate_email():
    create("--email", "x@y.example", "--password", PASSWORD, "--role", "researcher")

    with pytest.raises(CommandError, match="An account with this email address already exists"):
        create("--email", "X@Y.example", "--password", PASSWORD, "--role", "researcher")


def test_it_refuses_a_weak_password():
    with pytest.raises(CommandError, match="password: This password is too short"):
        create("--email", "x@y.example", "--password", "abc", "--role", "researcher")


def test_it_refuses_a_venue_that_is_not_a_slug():
    with pytest.raises(CommandError, match="--venue 'not a slug!' is not a slug"):
        create(
            "--email", "x@y.example", "--password", PASSWORD, "--role", "chair",
            "--venue", "not a slug!",
        )  # fmt: skip


def test_it_records_the_venue_with_the_account():
    from django.apps import apps

    if apps.is_installed("venues"):
        from venues.models import Venue

        Venue.objects.create(slug="neurips-2026", name="NeurIPS 2026")
    create(
        "--email", "chris@conf.example", "--password", PASSWORD, "--role", "chair",
        "--venue", "neurips-2026",
    )  # fmt: skip

    user = User.objects.get(email="chris@conf.example")
    event = AuditEvent.objects.get(subject_type="registry.user", subject_id=user.pk)
    assert event.data["venue"] == "neurips-2026"
