"""Published snapshots under EXPORTS_ROOT/datasets/: building a dated one, keeping the last
N, and reading them back for the datasets page and its downloads."""

from __future__ import annotations

import datetime
import json
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from datasets.files import FileRecord
from datasets.snapshot import MANIFEST, PARTIAL_PREFIX, export_snapshot

SNAPSHOT_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}-\d{6}$")
NAME_FORMAT = "%Y-%m-%d-%H%M%S"
# An unfinished export folder older than this belongs to a process that died.
STALE_PARTIAL_SECONDS = 24 * 3600


@dataclass(frozen=True)
class PublishedSnapshot:
    name: str
    created_at: datetime.datetime
    files: list[FileRecord]
    archive: FileRecord | None = None

    @property
    def total_bytes(self) -> int:
        return sum(f.bytes for f in self.files)

    def file(self, relative: str) -> FileRecord | None:
        return next((f for f in self.files if f.path == relative), None)


def datasets_root() -> Path:
    return Path(settings.EXPORTS_ROOT) / "datasets"


def dataset_snapshot_build(
    *, root: Path | None = None, keep: int = 7, now: datetime.datetime | None = None
) -> Path:
    """Write a snapshot named after the current UTC time, then delete all but the newest
    `keep` snapshots and any stale unfinished export. Returns the new snapshot's folder."""
    if keep < 1:
        raise ValueError("keep must be at least 1")
    root = root or datasets_root()
    moment = (now or timezone.now()).astimezone(datetime.UTC)
    manifest = export_snapshot(root / moment.strftime(NAME_FORMAT))
    for old in dataset_snapshots(root=root)[keep:]:
        shutil.rmtree(root / old.name, ignore_errors=True)
    for partial in root.glob(f"{PARTIAL_PREFIX}*.partial-*"):
        if time.time() - partial.stat().st_mtime > STALE_PARTIAL_SECONDS:
            shutil.rmtree(partial, ignore_errors=True)
    return manifest.path


def dataset_snapshots(*, root: Path | None = None) -> list[PublishedSnapshot]:
    """Complete snapshots (those with a readable manifest), newest first."""
    root = root or datasets_root()
    if not root.is_dir():
        return []
    found = []
    for folder in root.iterdir():
        snapshot = _read(folder)
        if snapshot is not None:
            found.append(snapshot)
    return sorted(found, key=lambda s: s.name, reverse=True)


def dataset_snapshot(*, name: str, root: Path | None = None) -> PublishedSnapshot | None:
    if not SNAPSHOT_NAME.match(name):
        return None
    return _read((root or datasets_root()) / name)


def dataset_file_path(*, name: str, relative: str, root: Path | None = None) -> Path | None:
    """The file to download, only if the snapshot's manifest lists it (no other path of the
    server can be reached, whatever `relative` holds)."""
    root = root or datasets_root()
    snapshot = dataset_snapshot(name=name, root=root)
    if snapshot is None:
        return None
    archive = snapshot.archive.path if snapshot.archive else None
    if relative not in (MANIFEST, archive) and snapshot.file(relative) is None:
        return None
    path = root / name / relative
    return path if path.is_file() else None


def _read(folder: Path) -> PublishedSnapshot | None:
    if not SNAPSHOT_NAME.match(folder.name) or not (folder / MANIFEST).is_file():
        return None
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files = [FileRecord(**entry) for entry in manifest["files"]]
        created_at = datetime.datetime.fromisoformat(manifest["created_at"])
        archive = FileRecord(**manifest["archive"]) if manifest.get("archive") else None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return PublishedSnapshot(name=folder.name, created_at=created_at, files=files, archive=archive)
