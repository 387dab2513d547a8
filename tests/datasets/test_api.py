"""/api/v1/datasets/ (JSON, checksums) and the dataset files as a download server serves them
(CORS, gzip, byte ranges, the manifest's SHA-256 as ETag)."""

from __future__ import annotations

import datetime
import gzip
import hashlib

import pytest

from datasets.publishing import dataset_snapshot_build
from tests.factories.api import build_catalog

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def snapshots(tmp_path, settings):  # noqa: ANN001, ANN201
    settings.EXPORTS_ROOT = tmp_path
    build_catalog()
    for hour in (9, 10):
        dataset_snapshot_build(now=datetime.datetime(2026, 3, 1, hour, tzinfo=datetime.UTC))
    return tmp_path / "datasets"


def test_it_lists_snapshots_with_a_latest_link_and_checksums(client, snapshots):
    body = client.get("/api/v1/datasets/").json()

    assert body["latest"] == "http://testserver/api/v1/datasets/latest/"
    assert [s["name"] for s in body["snapshots"]] == ["2026-03-01-100000", "2026-03-01-090000"]
    files = {f["path"]: f for f in body["snapshots"][0]["files"]}
    stored = (snapshots / "2026-03-01-100000" / "incidents.csv").read_bytes()
    assert files["incidents.csv"]["bytes"] == len(stored)
    assert files["incidents.csv"]["sha256"] == hashlib.sha256(stored).hexdigest()
    assert files["incidents.csv"]["url"] == (
        "http://testserver/datasets/2026-03-01-100000/incidents.csv"
    )
    assert "reports.jsonl" in files


def test_it_answers_latest_with_the_newest_snapshot(client, snapshots):
    body = client.get("/api/v1/datasets/latest/").json()

    assert body["name"] == "2026-03-01-100000"


def test_it_answers_an_empty_list_and_a_json_404_without_snapshots(client, tmp_path, settings, db):
    settings.EXPORTS_ROOT = tmp_path

    assert client.get("/api/v1/datasets/").json() == {"latest": None, "snapshots": []}
    missing = client.get("/api/v1/datasets/latest/")
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["message"] == "No such dataset snapshot."


def test_it_refuses_unknown_parameters(client, snapshots):
    response = client.get("/api/v1/datasets/", {"page": "2"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "page"


def url(name: str = "incidents.csv") -> str:
    return f"/datasets/2026-03-01-100000/{name}"


def stored(snapshots, name: str = "incidents.csv") -> bytes:  # noqa: ANN001
    return (snapshots / "2026-03-01-100000" / name).read_bytes()


def test_it_serves_a_byte_range(client, snapshots):
    response = client.get(url(), HTTP_RANGE="bytes=5-14")

    assert response.status_code == 206
    assert b"".join(response.streaming_content) == stored(snapshots)[5:15]
    assert response["Content-Range"] == f"bytes 5-14/{len(stored(snapshots))}"


def test_it_serves_the_tail_to_resume_a_download(client, snapshots):
    response = client.get(url(), HTTP_RANGE="bytes=-7")

    assert b"".join(response.streaming_content) == stored(snapshots)[-7:]


def test_it_refuses_an_unsatisfiable_range(client, snapshots):
    size = len(stored(snapshots))

    response = client.get(url(), HTTP_RANGE=f"bytes={size}-")

    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{size}"


def test_it_gzips_when_the_client_accepts_it(client, snapshots):
    response = client.get(url("reports.jsonl"), HTTP_ACCEPT_ENCODING="gzip, br")

    assert response["Content-Encoding"] == "gzip"
    body = gzip.decompress(b"".join(response.streaming_content))
    assert body == stored(snapshots, "reports.jsonl")
    assert "Accept-Encoding" in response["Vary"]


def test_it_uses_the_manifest_checksum_as_etag(client, snapshots):
    etag = '"' + hashlib.sha256(stored(snapshots)).hexdigest() + '"'

    first = client.get(url())
    again = client.get(url(), HTTP_IF_NONE_MATCH=etag)

    assert first["ETag"] == etag
    assert again.status_code == 304


def test_it_lets_other_origins_download_files(client, snapshots):
    response = client.get(url(), HTTP_ORIGIN="https://newsroom.example")

    assert response["Access-Control-Allow-Origin"] == "*"
    assert "content-range" in response["Access-Control-Expose-Headers"].lower()
