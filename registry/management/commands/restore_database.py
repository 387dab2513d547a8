from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from registry.backup import BackupError, database_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by backup_database into an existing, empty database on the "
        "configured server, then check it against the backup's manifest."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("dump_file", type=Path)
        parser.add_argument("--database", required=True, help="name of the empty target database")

    def handle(self, *args, dump_file: Path, database: str, **options) -> None:  # type: ignore[no-untyped-def]
        if not dump_file.is_file():
            raise CommandError(f"{dump_file} is not a file")
        try:
            result = database_restore(dump_path=dump_file, database=database)
        except (BackupError, OSError) as exc:
            raise CommandError(f"restore failed: {exc}") from exc
        if result.method == "direct":
            how = f"pg_restore {result.client.major} ({result.client.bin_dir})"
        else:
            dropped = "; ".join(result.dropped_lines) or "nothing"
            how = (
                f"pg_restore {result.client.major} | filter | psql {result.client.major} "
                f"({result.client.bin_dir}), because no pg_restore {result.server_major} on this "
                f"machine reads a pg_dump {result.dump_major} archive; dropped from the "
                f"preamble the settings PostgreSQL {result.server_major} does not know: {dropped}"
            )
        self.stdout.write(
            f"restored {dump_file} into {database} (PostgreSQL {result.server_major}) "
            f"in {result.seconds:.1f} s with {how}"
        )
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(f"warning: {warning}"))
        self.stdout.write(f"checked: {'; '.join(result.checked)}")
