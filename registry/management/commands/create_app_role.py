"""`manage.py create_app_role NAME`: a database role for the running app that owns nothing.

Run it as the tables' owner after every `migrate` (it grants on the tables that exist). The
web processes and workers then connect as NAME: they read and write rows, but cannot truncate
or alter tables, disable the audit and freeze triggers, or change the migrations table. The
password comes from the environment variable named by --password-env (never the command line,
where other users of the machine could read it).
"""

from __future__ import annotations

import os
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
# Rows the app may only add to and read.
APPEND_ONLY_TABLES = ("registry_auditevent",)
# Schema bookkeeping: the app reads it (health checks, restore checks), migrations write it.
READ_ONLY_TABLES = ("django_migrations",)
# Derived tables the app rebuilds wholesale (the search vocabulary): TRUNCATE allowed.
REBUILDABLE_TABLES = ("search_vocabulary",)


def grant_statements(role: str, tables: list[str]) -> list[str]:
    quoted_role = connection.ops.quote_name(role)
    statements = [
        f"GRANT CONNECT ON DATABASE {connection.ops.quote_name(connection.settings_dict['NAME'])} "
        f"TO {quoted_role}",
        f"GRANT USAGE ON SCHEMA public TO {quoted_role}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {quoted_role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted_role}",
    ]
    for table in tables:
        quoted = connection.ops.quote_name(table)
        if table in APPEND_ONLY_TABLES:
            privileges = "SELECT, INSERT"
        elif table in READ_ONLY_TABLES:
            privileges = "SELECT"
        elif table in REBUILDABLE_TABLES:
            privileges = "SELECT, INSERT, UPDATE, DELETE, TRUNCATE"
        else:
            privileges = "SELECT, INSERT, UPDATE, DELETE"
        statements.append(f"GRANT {privileges} ON {quoted} TO {quoted_role}")
    return statements


class Command(BaseCommand):
    help = "Create or update a least-privilege database role for the app (run after migrate)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="the role's name, e.g. registry_app")
        parser.add_argument(
            "--password-env",
            default="APP_ROLE_PASSWORD",
            help="environment variable holding the role's password (default APP_ROLE_PASSWORD)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        role = options["name"]
        if not ROLE_NAME.match(role):
            raise CommandError(f"'{role}' is not a plain role name (a-z, 0-9, _; 63 at most).")
        owner = connection.settings_dict.get("USER") or ""
        if role == owner:
            raise CommandError(f"'{role}' is the role these settings connect as (the owner).")
        password = os.environ.get(options["password_env"], "")
        tables = connection.introspection.table_names(include_views=False)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            verb = "ALTER" if cursor.fetchone() else "CREATE"
            login = f"{verb} ROLE {connection.ops.quote_name(role)} LOGIN NOSUPERUSER "
            login += "NOCREATEDB NOCREATEROLE NOINHERIT"
            if password:
                cursor.execute(login + " PASSWORD %s", [password])
            else:
                cursor.execute(login)
            for statement in grant_statements(role, tables):
                cursor.execute(statement)
        done = "updated" if verb == "ALTER" else "created"
        secret = "password set" if password else f"no password: set {options['password_env']}"
        self.stdout.write(
            f"{done} role {role} with row access to {len(tables)} tables ({secret}). "
            "Run the app with DATABASE_URL naming this role; run migrate as the owner, then this "
            "command again."
        )
