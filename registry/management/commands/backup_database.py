from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from registry.backup import BackupError, database_backup, database_verify_backup


class Command(BaseCommand):
    help = (
        "Write a pg_dump custom-format backup of the registry's database to OUT_FILE and a "
        "manifest (OUT_FILE.manifest.json: versions, SHA-256, row counts, migrations). "
        "--verify restores it into a scratch database, checks it and drops the scratch."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("out_file", type=Path)
        parser.add_argument(
            "--verify",
            action="store_true",
            help="restore into a scratch database on the same server and compare (needs CREATEDB)",
        )

    def handle(self, *args, out_file: Path, verify: bool, **options) -> None:  # type: ignore[no-untyped-def]
        if not out_file.parent.is_dir():
            raise CommandError(f"{out_file.parent} is not a directory")
        try:
            result = database_backup(out_path=out_file)
        except (BackupError, OSError) as exc:
            raise CommandError(f"backup failed: {exc}") from exc
        manifest = result.manifest
        self.stdout.write(
            f"backup written to {result.dump_path} ({manifest['dump_bytes']:,} bytes, "
            f"{len(manifest['tables'])} tables, {sum(manifest['tables'].values()):,} rows) "
            f"in {result.seconds:.1f} s; server {manifest['server_version']}, "
            f"client {result.client.version} from {result.client.bin_dir}"
        )
        self.stdout.write(f"manifest written to {result.manifest_path}")
        if not verify:
            return
        try:
            check = database_verify_backup(dump_path=result.dump_path)
        except (BackupError, OSError) as exc:
            raise CommandError(f"verification failed: {exc}") from exc
        self.stdout.write(
            f"verified in {check.seconds:.1f} s: restored into a scratch database "
            f"({_describe_method(check)}) and found {'; '.join(check.checked)}"
        )


def _describe_method(check) -> str:  # type: ignore[no-untyped-def]
    if check.method == "direct":
        return f"pg_restore {check.client.major} into PostgreSQL {check.server_major}"
    return f"pg_restore {check.client.major} | filter | psql into PostgreSQL {check.server_major}"
