"""Attack: a hostile AIID snapshot handed to `manage.py import_aiid`.

A small archive can hold a huge, well-compressed member (written to /tmp in full before the
fix), a cell can be tens of megabytes, and a cell of deeply nested brackets aborted the whole
import with RecursionError. Limits are set small here so the archives stay a few kilobytes.
"""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from incidents.importers.aiid import AiidSnapshotImporter, ImportFailed
from incidents.importers.snapshot import open_snapshot
from incidents.models import Incident, Report
from tests.factories.aiid import AiidSnapshot

MIB = 1024 * 1024


@pytest.fixture(autouse=True)
def small_limits(settings):  # noqa: ANN001, ANN201
    settings.AIID_IMPORT_MAX_MEMBER_BYTES = 1 * MIB
    settings.AIID_IMPORT_MAX_TOTAL_BYTES = 2 * MIB
    settings.AIID_IMPORT_MAX_CELL_BYTES = 4096


def _tarball(folder: Path, members: dict[str, bytes]) -> Path:
    path = folder / "backup-20260105093000.tar.bz2"
    with tarfile.open(path, "w:bz2") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(f"mongodump_full_snapshot/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _members(snapshot: AiidSnapshot) -> dict[str, bytes]:
    return {name: text.encode() for name, text in snapshot.files().items()}


def test_a_huge_member_stops_the_import_with_a_clear_error(db, tmp_path):  # noqa: ANN001
    members = _members(AiidSnapshot().incident(1))
    members["reports.csv"] = b"\0" * (4 * MIB)  # compresses to a few hundred bytes
    archive = _tarball(tmp_path, members)
    assert archive.stat().st_size < 16 * 1024
    with pytest.raises(ImportFailed, match="reports.csv is larger than 1048576 bytes"):
        AiidSnapshotImporter().run(archive)
    assert not Incident.objects.exists()


def test_members_over_the_total_stop_the_import(db, tmp_path):  # noqa: ANN001
    members = _members(AiidSnapshot().incident(1))
    members["duplicates.csv"] = b"\n" * (MIB - 10)
    members["submissions.csv"] = b"\n" * (MIB - 10)
    members["classifications_MIT.csv"] = b"\n" * (MIB - 10)
    with pytest.raises(ImportFailed, match="AIID_IMPORT_MAX_TOTAL_BYTES"):
        AiidSnapshotImporter().run(_tarball(tmp_path, members))


def test_only_the_members_the_importer_reads_are_copied(tmp_path):  # noqa: ANN001
    members = _members(AiidSnapshot().incident(1).report(1))
    members["notes.csv"] = b"a,b\n1,2\n"
    members["users.csv"] = b"email,password\nx,y\n"
    with open_snapshot(_tarball(tmp_path, members)) as snapshot:
        copied = sorted(path.name for path in snapshot.folder.iterdir())
    assert copied == ["incidents.csv", "license.txt", "reports.csv"]


def test_an_oversized_cell_is_one_bad_row(db, tmp_path):  # noqa: ANN001
    snapshot = AiidSnapshot().incident(1, reports=[1, 2]).report(1).report(2, text="x" * 5000)
    summary = AiidSnapshotImporter().run(snapshot.write(tmp_path))
    assert [(e.file, e.message) for e in summary.errors] == [
        (
            "reports.csv",
            "the text cell is larger than 4096 bytes (the limit AIID_IMPORT_MAX_CELL_BYTES); "
            "row skipped",
        )
    ]
    assert list(Report.objects.values_list("number", flat=True)) == [1]


def test_a_deeply_nested_cell_is_one_bad_row_not_an_abort(db, tmp_path, settings):  # noqa: ANN001
    settings.AIID_IMPORT_MAX_CELL_BYTES = MIB
    snapshot = AiidSnapshot().incident(1).incident(2)
    snapshot.incidents[-1][3] = "[" * 200_000 + "]" * 200_000
    summary = AiidSnapshotImporter().run(snapshot.write(tmp_path))
    assert [
        (e.file, e.line, e.message.endswith("is not a JSON array; row skipped"))
        for e in summary.errors
    ] == [("incidents.csv", 3, True)]
    assert list(Incident.objects.values_list("id", flat=True)) == [1]
