"""Locating the CSV files of an AIID snapshot: an unpacked folder or a backup-*.tar.bz2.

A tarball's CSV members (and license.txt) are copied, under their base names only, into a
private temporary folder; nothing is ever written outside it, and links, devices, the BSON
dump and any other member are skipped.
"""

from __future__ import annotations

import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

SNAPSHOT_FOLDER = "mongodump_full_snapshot"
LICENSE_FILE = "license.txt"


class SnapshotError(Exception):
    """The snapshot cannot be read at all (a fatal import error)."""


@dataclass(frozen=True)
class Snapshot:
    folder: Path
    label: str

    def file(self, name: str) -> Path | None:
        path = self.folder / name
        return path if path.is_file() else None

    def classification_files(self) -> list[Path]:
        return sorted(self.folder.glob("classifications_*.csv"))

    def license_text(self) -> str:
        path = self.file(LICENSE_FILE)
        if path is None:
            return ""
        return path.read_text(encoding="utf-8", errors="replace").strip()


@contextmanager
def open_snapshot(path: Path) -> Iterator[Snapshot]:
    """The snapshot at `path`, ready to read; temporary files are removed on exit."""
    if path.is_dir():
        yield Snapshot(folder=_csv_folder(path), label=str(path))
        return
    if not path.is_file():
        raise SnapshotError(f"{path} does not exist")
    with tempfile.TemporaryDirectory(prefix="aiid-snapshot-") as temporary:
        _copy_csv_members(path, Path(temporary))
        yield Snapshot(folder=_csv_folder(Path(temporary)), label=str(path))


def _csv_folder(folder: Path) -> Path:
    for candidate in (folder, folder / SNAPSHOT_FOLDER):
        if (candidate / "incidents.csv").is_file():
            return candidate
    raise SnapshotError(
        f"incidents.csv not found in {folder} (nor in {folder / SNAPSHOT_FOLDER}): "
        "not an AIID snapshot"
    )


def _wanted(member: tarfile.TarInfo) -> str | None:
    """The base name to copy this member to, or None to skip it. Only regular files at the
    top of the archive or of its top folder count: the CSVs and license.txt."""
    if not member.isreg():
        return None
    parts = [part for part in PurePosixPath(member.name).parts if part not in ("", ".")]
    if not parts or len(parts) > 2 or ".." in parts:
        return None
    name = parts[-1]
    if name.lower().endswith(".csv") or name == LICENSE_FILE:
        return name
    return None


def _copy_csv_members(archive: Path, target: Path) -> None:
    copied: set[str] = set()
    try:
        # Streaming mode: one pass over the compressed archive, whatever its size.
        with tarfile.open(archive, mode="r|*") as tar:
            for member in tar:
                name = _wanted(member)
                if name is None or name in copied:
                    continue
                source = tar.extractfile(member)
                if source is None:
                    continue
                with source, (target / name).open("wb") as sink:
                    shutil.copyfileobj(source, sink, length=1024 * 1024)
                copied.add(name)
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise SnapshotError(f"cannot read the tarball {archive}: {exc}") from None
    if "incidents.csv" not in copied:
        raise SnapshotError(f"{archive} holds no incidents.csv: not an AIID snapshot")
