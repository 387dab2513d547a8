from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from registry.backup import BackupError, database_restore


class Command(BaseCommand):
    help = "Restore a backup made by backup_database into an existing, empty database."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("dump_file", type=Path)
        parser.add_argument("--database", required=True, help="name of the empty target database")

    def handle(self, *args, dump_file: Path, database: str, **options) -> None:  # type: ignore[no-untyped-def]
        if not dump_file.is_file():
            raise CommandError(f"{dump_file} is not a file")
        try:
            database_restore(dump_path=dump_file, database=database)
        except BackupError as exc:
            raise CommandError(f"restore failed: {exc}") from exc
        self.stdout.write(f"restored {dump_file} into {database}")
