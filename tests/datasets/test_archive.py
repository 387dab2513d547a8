"""The whole snapshot as one archive beside the separate files, and the page with none yet."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import zipfile

import pytest
from django.core.management import call_command

from datasets.publishing import dataset_snapshot_build, dataset_snapshots
from tests.factories.api import build_catalog

pytestmark = pytest.mark.django_db(transaction=True)

NINE = datetime.datetime(2026, 3, 1, 9, 0, 0, tzinfo=datetime.UTC)


@pytest.fixture
def exports(tmp_path, settings):  # noqa: ANN001, ANN201
    settings.EXPORTS_ROOT = tmp_path
    build_catalog()
    return tmp_path / "datasets"


def test_it_writes_one_archive_of_every_file_with_its_checksum_in_the_manifest(exports) -> None:  # noqa: ANN001
    path = dataset_snapshot_build(now=NINE)

    manifest = json.loads((path / "manifest.json").read_text())
    archive = path / "2026-03-01-090000.zip"
    assert manifest["archive"]["path"] == "2026-03-01-090000.zip"
    assert manifest["archive"]["sha256"] == hashlib.sha256(archive.read_bytes()).hexdigest()
    assert manifest["archive"]["bytes"] == archive.stat().st_size
    with zipfile.ZipFile(archive) as opened:
        names = set(opened.namelist())
        inside = opened.read("2026-03-01-090000/incidents.csv")
    listed = {f"2026-03-01-090000/{f['path']}" for f in manifest["files"]}
    assert names == listed | {"2026-03-01-090000/manifest.json"}
    assert inside == (path / "incidents.csv").read_bytes()


def test_it_offers_the_archive_on_the_page_and_serves_it(exports, client) -> None:  # noqa: ANN001
    dataset_snapshot_build(now=NINE)
    snapshot = dataset_snapshots()[0]

    html = client.get("/datasets/").content.decode()
    response = client.get("/datasets/2026-03-01-090000/2026-03-01-090000.zip")

    assert "Download everything: 2026-03-01-090000.zip" in html
    assert snapshot.archive.sha256 in html
    assert response["Content-Type"] == "application/zip"
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == snapshot.archive.sha256
    assert zipfile.ZipFile(io.BytesIO(body)).testzip() is None


def test_it_publishes_from_the_command_the_empty_page_names(exports, client) -> None:  # noqa: ANN001
    empty = client.get("/datasets/").content.decode()
    assert "No snapshot has been published yet" in empty
    assert "<code>python manage.py export_snapshot --publish</code>" in empty

    call_command("export_snapshot", "--publish", stdout=io.StringIO())

    [snapshot] = dataset_snapshots()
    assert "Latest snapshot: " + snapshot.name in client.get("/datasets/").content.decode()
