from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from registry.backup import BackupError, database_backup


class Command(BaseCommand):
    help = "Write a pg_dump custom-format backup of the registry's database to OUT_FILE."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("out_file", type=Path)

    def handle(self, *args, out_file: Path, **options) -> None:  # type: ignore[no-untyped-def]
        try:
            path = database_backup(out_path=out_file)
        except BackupError as exc:
            raise CommandError(f"backup failed: {exc}") from exc
        self.stdout.write(f"backup written to {path} ({path.stat().st_size:,} bytes)")
