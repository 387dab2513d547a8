"""Locating the CSV files of an AIID snapshot: an unpacked folder or a backup-*.tar.bz2.

A tarball's known members (the CSV files the importer reads, and license.txt) are copied,
under their base names only, into a private temporary folder; nothing is ever written outside
it, and links, devices, the BSON dump and any other member are skipped. The copy streams with
a running count and stops, with an error naming the limit, as soon as a member or the whole
copy passes `ImportLimits` (a small archive can hold a huge, well-compressed member).
"""

from __future__ import annotations

import re
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from django.conf import settings

SNAPSHOT_FOLDER = "mongodump_full_snapshot"
LICENSE_FILE = "license.txt"
KNOWN_MEMBERS = frozenset(
    {"incidents.csv", "reports.csv", "duplicates.csv", "submissions.csv", LICENSE_FILE}
)
CLASSIFICATION_MEMBER = re.compile(r"classifications_[A-Za-z0-9_-]{1,64}\.csv")
COPY_CHUNK_BYTES = 1024 * 1024


class SnapshotError(Exception):
    """The snapshot cannot be read at all (a fatal import error)."""


@dataclass(frozen=True)
class ImportLimits:
    """Caps on what an import reads (settings AIID_IMPORT_MAX_MEMBER_BYTES, ..._TOTAL_BYTES,
    ..._CELL_BYTES): one tarball member, all members together, one CSV cell."""

    member_bytes: int
    total_bytes: int
    cell_bytes: int

    @classmethod
    def from_settings(cls) -> ImportLimits:
        return cls(
            member_bytes=settings.AIID_IMPORT_MAX_MEMBER_BYTES,
            total_bytes=settings.AIID_IMPORT_MAX_TOTAL_BYTES,
            cell_bytes=settings.AIID_IMPORT_MAX_CELL_BYTES,
        )


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
def open_snapshot(path: Path, *, limits: ImportLimits | None = None) -> Iterator[Snapshot]:
    """The snapshot at `path`, ready to read; temporary files are removed on exit."""
    if path.is_dir():
        yield Snapshot(folder=_csv_folder(path), label=str(path))
        return
    if not path.is_file():
        raise SnapshotError(f"{path} does not exist")
    with tempfile.TemporaryDirectory(prefix="aiid-snapshot-") as temporary:
        _copy_csv_members(path, Path(temporary), limits or ImportLimits.from_settings())
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
    top of the archive or of its top folder, with a name the importer reads, count."""
    if not member.isreg():
        return None
    parts = [part for part in PurePosixPath(member.name).parts if part not in ("", ".")]
    if not parts or len(parts) > 2 or ".." in parts:
        return None
    name = parts[-1]
    if name in KNOWN_MEMBERS or CLASSIFICATION_MEMBER.fullmatch(name):
        return name
    return None


def _too_large(name: str, limit: int, setting: str) -> SnapshotError:
    return SnapshotError(f"{name} is larger than {limit} bytes (the limit {setting})")


def _copy_capped(source: IO[bytes], sink: IO[bytes], *, name: str, cap: int, setting: str) -> int:
    """Copy in chunks, counting; stop as soon as the count passes `cap`."""
    copied = 0
    while chunk := source.read(COPY_CHUNK_BYTES):
        copied += len(chunk)
        if copied > cap:
            raise _too_large(name, cap, setting)
        sink.write(chunk)
    return copied


def _copy_csv_members(archive: Path, target: Path, limits: ImportLimits) -> None:
    copied: set[str] = set()
    total = 0
    try:
        # Streaming mode: one pass over the compressed archive, whatever its size.
        with tarfile.open(archive, mode="r|*") as tar:
            for member in tar:
                name = _wanted(member)
                if name is None or name in copied:
                    continue
                # The header's size is checked first; the running count below holds even
                # if a header lies about it.
                if member.size > limits.member_bytes:
                    raise _too_large(name, limits.member_bytes, "AIID_IMPORT_MAX_MEMBER_BYTES")
                source = tar.extractfile(member)
                if source is None:
                    continue
                member_cap = min(limits.member_bytes, limits.total_bytes - total)
                setting = (
                    "AIID_IMPORT_MAX_MEMBER_BYTES"
                    if member_cap == limits.member_bytes
                    else "AIID_IMPORT_MAX_TOTAL_BYTES, for all files together"
                )
                with source, (target / name).open("wb") as sink:
                    total += _copy_capped(source, sink, name=name, cap=member_cap, setting=setting)
                copied.add(name)
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise SnapshotError(f"cannot read the tarball {archive}: {exc}") from None
    if "incidents.csv" not in copied:
        raise SnapshotError(f"{archive} holds no incidents.csv: not an AIID snapshot")
