"""What must not leak: a signed-in person's search export into a shared cache, the pending
submission queue and submitters' account names into the public dataset."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from datasets.snapshot import export_snapshot
from incidents.models import Submission
from incidents.services.submission_input import SubmissionData
from incidents.services.submissions import submission_create
from tests.factories.submissions import ARTICLE_TEXT


@pytest.mark.django_db
def test_it_keeps_a_signed_in_search_export_out_of_shared_caches(world):
    client = Client()
    client.force_login(world.reviewer)
    response = client.get("/search/export.csv", {"q": "model", "type": "disclosure"})
    b"".join(response.streaming_content)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


@pytest.mark.django_db
def test_it_says_an_anonymous_search_export_varies_by_cookie():
    response = Client().get("/search/export.csv", {"q": "model"})
    b"".join(response.streaming_content)
    assert "Cookie" in response["Vary"]


def pending_submission(world) -> Submission:  # noqa: ANN001
    data = SubmissionData(
        url="https://news.example.org/unreviewed",
        title="An unreviewed claim about somebody",
        text=ARTICLE_TEXT,
        authors=["A Writer"],
    )
    return submission_create(data=data, submitter=world.researcher).submission


@pytest.mark.django_db
def test_it_never_credits_a_submitter_with_their_account_name(world):
    submission = pending_submission(world)
    assert (submission.submitter_name, submission.submitter_email) == ("", world.researcher.email)


@pytest.mark.django_db(transaction=True)
def test_it_withholds_pending_submissions_from_the_public_snapshot(world, tmp_path):
    pending_submission(world)
    snapshot = export_snapshot(tmp_path / "snapshot")
    folder = snapshot.path / "mongodump_full_snapshot"
    for name in ("submissions.csv", "quickadd.csv"):
        rows = list(csv.reader(io.StringIO((folder / name).read_text(encoding="utf-8"))))
        assert len(rows) == 1, name  # the header alone
    assert "rita" not in (folder / "submissions.csv").read_text(encoding="utf-8")
