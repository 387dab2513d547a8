"""What a backup must bring back: tables and row counts, migrations, triggers, constraints.

`database_state` reads it from a database (at backup time, in the dump's own snapshot, and
again after a restore); `state_differences` and `toc_differences` say, line by line, what a
restored database lacks compared with the manifest or with the dump's table of contents.
"""

from __future__ import annotations

from typing import Any

# Migration 0002 of `registry`: the trigger that keeps audit events append-only.
AUDIT_TRIGGER = ("public.registry_auditevent", "registry_auditevent_no_update_delete")

# Non-system schemas. PostgreSQL 18 records NOT NULL as constraints (contype 'n') where older
# servers do not, and constraint triggers ('t') are listed as triggers: compare only the kinds
# every version has.
_TABLES_SQL = """
SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
ORDER BY 1, 2
"""
_TRIGGERS_SQL = """
SELECT n.nspname || '.' || c.relname, t.tgname, t.tgenabled::text FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT t.tgisinternal AND n.nspname NOT IN ('pg_catalog', 'information_schema')
ORDER BY 1, 2
"""
_CONSTRAINTS_SQL = """
SELECT n.nspname || '.' || c.relname, k.conname, k.contype::text FROM pg_constraint k
JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE k.contype IN ('c', 'f', 'p', 'u', 'x')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
ORDER BY 1, 2
"""
_INDEXES_SQL = """
SELECT schemaname || '.' || tablename, indexname FROM pg_indexes
WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2
"""


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def database_state(cursor: Any) -> dict[str, Any]:
    """Row count of every table, applied migrations, triggers, constraints and indexes."""
    cursor.execute(_TABLES_SQL)
    tables: dict[str, int] = {}
    for schema, name in cursor.fetchall():
        ident = f"{_quote_ident(schema)}.{_quote_ident(name)}"
        cursor.execute(f"SELECT count(*) FROM {ident}")  # noqa: S608 - names from pg_class
        tables[f"{schema}.{name}"] = cursor.fetchone()[0]
    migrations: list[list[str]] = []
    if "public.django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        migrations = [[app, name] for app, name in cursor.fetchall()]
    cursor.execute(_TRIGGERS_SQL)
    triggers = [list(row) for row in cursor.fetchall()]
    cursor.execute(_CONSTRAINTS_SQL)
    constraints = [list(row) for row in cursor.fetchall()]
    cursor.execute(_INDEXES_SQL)
    indexes = [list(row) for row in cursor.fetchall()]
    return {
        "tables": tables,
        "migrations": migrations,
        "triggers": triggers,
        "constraints": constraints,
        "indexes": indexes,
    }


def _missing(kind: str, expected: list[list[str]], actual: list[list[str]]) -> list[str]:
    present = {tuple(item) for item in actual}
    return [f"{kind} missing: {' '.join(item)}" for item in expected if tuple(item) not in present]


def _audit_trigger_differences(actual: dict[str, Any]) -> list[str]:
    if AUDIT_TRIGGER[0] not in actual["tables"]:
        return []
    enabled = [t for t in actual["triggers"] if (t[0], t[1]) == AUDIT_TRIGGER and t[2] != "D"]
    return [] if enabled else [f"audit append-only trigger missing or disabled: {AUDIT_TRIGGER[1]}"]


def state_differences(*, expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """Everything in `actual` that differs from the manifest `expected`; [] when it matches."""
    differences: list[str] = []
    for table, rows in expected["tables"].items():
        if table not in actual["tables"]:
            differences.append(f"table missing: {table} (expected {rows} rows)")
        elif actual["tables"][table] != rows:
            differences.append(f"row count of {table}: {actual['tables'][table]}, expected {rows}")
    differences += [
        f"table not in the backup: {t}" for t in actual["tables"] if t not in expected["tables"]
    ]
    if actual["migrations"] != expected["migrations"]:
        gone = _missing("migration", expected["migrations"], actual["migrations"])
        extra = {tuple(m) for m in actual["migrations"]} - {
            tuple(m) for m in expected["migrations"]
        }
        differences += gone + [f"migration not in the backup: {' '.join(m)}" for m in sorted(extra)]
    differences += _missing("trigger", expected["triggers"], actual["triggers"])
    differences += _missing("constraint", expected["constraints"], actual["constraints"])
    differences += _missing("index", expected["indexes"], actual["indexes"])
    differences += _audit_trigger_differences(actual)
    return differences


def toc_entries(toc: str) -> dict[str, set[tuple[str, ...]]]:
    """Tables, triggers and constraints named in `pg_restore --list` output."""
    entries: dict[str, set[tuple[str, ...]]] = {
        "tables": set(),
        "triggers": set(),
        "constraints": set(),
    }
    for line in toc.splitlines():
        if line.startswith(";") or "; " not in line:
            continue
        # "215; 1259 16390 TABLE public registry_auditevent owner"
        words = line.split("; ", 1)[1].split()[2:]
        if words[:2] == ["TABLE", "DATA"]:
            continue
        if words[:1] == ["TABLE"] and len(words) >= 3:
            entries["tables"].add((f"{words[1]}.{words[2]}",))
        elif words[:1] == ["TRIGGER"] and len(words) >= 4:
            entries["triggers"].add((f"{words[1]}.{words[2]}", words[3]))
        elif words[:2] == ["FK", "CONSTRAINT"] and len(words) >= 5:
            entries["constraints"].add((f"{words[2]}.{words[3]}", words[4]))
        elif words[:1] == ["CONSTRAINT"] and len(words) >= 4:
            entries["constraints"].add((f"{words[1]}.{words[2]}", words[3]))
    return entries


def toc_differences(*, toc: str, actual: dict[str, Any]) -> list[str]:
    """What a restored database lacks of the dump's table of contents (no row counts there)."""
    entries = toc_entries(toc)
    differences = [
        f"table missing: {t}" for (t,) in sorted(entries["tables"]) if t not in actual["tables"]
    ]
    triggers = {(t[0], t[1]) for t in actual["triggers"]}
    differences += [
        f"trigger missing: {' '.join(t)}" for t in sorted(entries["triggers"] - triggers)
    ]
    constraints = {(c[0], c[1]) for c in actual["constraints"]}
    # CHECK constraints declared inline belong to the TABLE entry; only named entries count.
    differences += [
        f"constraint missing: {' '.join(c)}" for c in sorted(entries["constraints"] - constraints)
    ]
    return differences + _audit_trigger_differences(actual)
