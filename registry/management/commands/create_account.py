"""`manage.py create_account --email E --password P --role ROLE [--venue SLUG] ...`"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from registry.accounts.services import account_create
from registry.models import Role, User
from registry.signals import account_created

SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


class Command(BaseCommand):
    help = "Create an account with a role (researcher, reviewer, editor, chair, staff)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--role", required=True, help=", ".join(Role.values))
        parser.add_argument("--username", default="", help="default: from the email address")
        parser.add_argument("--organisation", default="")
        parser.add_argument(
            "--venue",
            default="",
            help="slug of a venue this chair or reviewer joins (when venues exist)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        venue = options["venue"].strip()
        if venue and not SLUG.match(venue):
            raise CommandError(
                f"--venue '{venue}' is not a slug (letters, digits, hyphens, underscores)."
            )
        try:
            with transaction.atomic():
                user = account_create(
                    email=options["email"],
                    password=options["password"],
                    role=options["role"],
                    username=options["username"],
                    organisation=options["organisation"],
                    audit_data={"venue": venue, "via": "create_account"} if venue else None,
                )
                note = _join_venue(user, venue) if venue else ""
        except ValidationError as exc:
            lines = [f"{field}: {msg}" for field, msgs in exc.message_dict.items() for msg in msgs]
            raise CommandError("Cannot create the account:\n  " + "\n  ".join(lines)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {user.get_role_display().lower()} '{user.get_username()}' <{user.email}>"
            )
        )
        if note:
            self.stdout.write(note)


def _join_venue(user: User, slug: str) -> str:
    """Ask the area that owns venues (through `account_created`) to add the user to the venue."""
    notes = [note for _, note in account_created.send(sender=User, user=user, venue=slug) if note]
    if not notes:
        return (
            f"Note: venue '{slug}' is recorded with the account's creation; venues are not "
            "installed, so it was not checked."
        )
    return "\n".join(notes)
