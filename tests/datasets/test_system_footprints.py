"""system_footprints.csv / .jsonl: the join in a snapshot, and the same join as the API's."""

from __future__ import annotations

import csv
import json

import pytest
from django.test import Client

from datasets.snapshot import export_snapshot
from emissions.services.system_links import system_link_create
from tests.emissions.conftest import make_disclosure
from tests.factories.incidents import EntityFactory

pytestmark = pytest.mark.django_db(transaction=True)

SOURCE = '=HYPERLINK("https://evil.example")'


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_it_exports_the_join_as_the_api_serves_it(tmp_path, world):
    system = EntityFactory(slug="chatgpt", name="ChatGPT")
    gpt3 = make_disclosure(world, "verified", model_name="GPT-3")
    pending = make_disclosure(world, "submitted", model_name="GPT-4")
    for disclosure, relation in ((gpt3, "same_family"), (pending, "built_on")):
        system_link_create(
            actor=world.editor,
            system_id=system.pk,
            relation=relation,
            disclosure_id=disclosure.pk,
            source=SOURCE,
        )

    snapshot = export_snapshot(tmp_path / "s")
    lines = (snapshot.path / "system_footprints.jsonl").read_text(encoding="utf-8").splitlines()
    exported = [json.loads(line) for line in lines]
    with (snapshot.path / "system_footprints.csv").open(encoding="utf-8", newline="") as handle:
        csv_rows = list(csv.DictReader(handle))
    served = Client().get("/api/v1/systems/chatgpt/").json()["footprints"]

    def key(row):
        return row["model_name"], row["relation"], row["disclosure"]

    assert sorted(key(row) for row in exported) == sorted(
        (f["model_name"], f["relation"], f["disclosure"] and f["disclosure"]["id"]) for f in served
    )
    assert sorted(key(row) for row in exported) == [
        ("GPT-3", "same_family", gpt3.pk),
        ("GPT-4", "built_on", None),
    ]
    by_model = {row["model_name"]: row for row in exported}
    served_gpt3 = next(f for f in served if f["model_name"] == "GPT-3")
    assert by_model["GPT-3"]["recomputed_gross_tco2e"] == served_gpt3["recomputed_gross_tco2e"]
    assert by_model["GPT-4"]["recomputed_gross_tco2e"] is None
    # The CSV defuses a formula-like source; the JSON keeps it as written.
    assert {row["source"] for row in csv_rows} == {"'" + SOURCE}
    assert by_model["GPT-3"]["source"] == SOURCE
    assert snapshot.rows("system_footprints.csv") == 2
