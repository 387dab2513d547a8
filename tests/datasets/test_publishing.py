from __future__ import annotations

import datetime
import os
import time

import pytest

from datasets.publishing import dataset_snapshot_build, dataset_snapshots
from datasets.tasks import build_dataset_snapshot
from tests.factories.api import build_catalog

pytestmark = pytest.mark.django_db(transaction=True)


def at(hour: int) -> datetime.datetime:
    return datetime.datetime(2026, 3, 1, hour, 0, 0, tzinfo=datetime.UTC)


@pytest.fixture
def exports(tmp_path, settings):  # noqa: ANN001, ANN201
    settings.EXPORTS_ROOT = tmp_path
    build_catalog()
    return tmp_path / "datasets"


def test_it_names_snapshots_by_their_utc_time(exports):
    path = dataset_snapshot_build(now=at(9))
    assert path == exports / "2026-03-01-090000"


def test_it_keeps_only_the_newest_snapshots(exports):
    for hour in (1, 2, 3):
        dataset_snapshot_build(keep=2, now=at(hour))
    assert [s.name for s in dataset_snapshots()] == ["2026-03-01-030000", "2026-03-01-020000"]


def test_it_removes_stale_unfinished_exports_only(exports):
    exports.mkdir(parents=True)
    stale = exports / ".2026-02-01-000000.partial-abcd1234"
    fresh = exports / ".2026-03-01-085959.partial-1234abcd"
    stale.mkdir()
    fresh.mkdir()
    long_ago = time.time() - 3 * 24 * 3600
    os.utime(stale, (long_ago, long_ago))
    dataset_snapshot_build(now=at(9))
    assert (stale.exists(), fresh.exists()) == (False, True)


def test_it_builds_a_snapshot_from_the_periodic_task(exports):
    result = build_dataset_snapshot.delay(keep=3).get()
    assert [s.name for s in dataset_snapshots()] == [os.path.basename(result)]


def test_it_lists_snapshots_with_sizes_and_checksums(exports, client):
    dataset_snapshot_build(now=at(9))
    dataset_snapshot_build(now=at(10))
    latest = dataset_snapshots()[0]
    html = client.get("/datasets/").content.decode()
    assert "Latest snapshot: 2026-03-01-100000" in html
    assert "2026-03-01-090000" in html
    assert latest.file("incidents.csv").sha256 in html
    assert "/datasets/2026-03-01-100000/mongodump_full_snapshot/reports.csv" in html


def test_it_streams_a_listed_file(exports, client):
    path = dataset_snapshot_build(now=at(9))
    response = client.get("/datasets/2026-03-01-090000/incidents.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert b"".join(response.streaming_content) == (path / "incidents.csv").read_bytes()


@pytest.mark.parametrize(
    "url",
    [
        "/datasets/2026-03-01-090000/../../settings.py",
        "/datasets/2026-03-01-090000/nothing.csv",
        "/datasets/..%2F..%2Fetc/passwd",
        "/datasets/2026-03-01-080000/incidents.csv",
    ],
)
def test_it_serves_nothing_the_manifest_does_not_list(exports, client, url):
    dataset_snapshot_build(now=at(9))
    assert client.get(url).status_code == 404


def test_it_says_when_no_snapshot_exists(exports, client):
    assert "No snapshot has been published yet" in client.get("/datasets/").content.decode()
