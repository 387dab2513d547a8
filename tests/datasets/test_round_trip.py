"""export_snapshot's AIID-compatible set, imported by import_aiid into an empty catalog,
reproduces the incidents, reports, entity links, classifications and duplicates."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from datasets.snapshot import export_snapshot
from incidents.importers.aiid import AiidSnapshotImporter
from incidents.models import (
    Classification,
    ClassificationValue,
    Entity,
    EntityRole,
    Incident,
    IncidentEntity,
    IncidentRedirect,
    Report,
    Submission,
    Taxonomy,
    TaxonomyField,
)
from incidents.models.catalog import AIID_ATTRIBUTION, AIID_LICENSE
from tests.factories.api import RISK_DOMAIN, classify, make_incident, make_report

pytestmark = pytest.mark.django_db(transaction=True)

AWKWARD_TEXT = (
    'He said "stop", twice.\nA path: C:\\temp\\new\\ and an escaped quote \\" here.\n'
    "Commas, semicolons; tabs\tand emoji \N{ROBOT FACE}."
)
REPORT_FIELDS = (
    "title",
    "text",
    "description",
    "url",
    "url_normalised",
    "source_domain",
    "image_url",
    "authors",
    "submitters",
    "tags",
    "language",
    "date_published",
    "date_downloaded",
    "date_submitted",
    "date_modified",
    "kind",
)


def build_aiid_like_catalog() -> None:
    """Records as an AIID import would have stored them (so the kinds, tags, taxonomy field
    types and provenance are what the AIID format can carry)."""
    aiid = {
        "source": "aiid",
        "source_license": AIID_LICENSE,
        "source_attribution": AIID_ATTRIBUTION,
    }
    shuttle = make_incident(
        'Shuttle "Navya" hits a truck, in Las Vegas',
        date=datetime.date(2017, 11, 8),
        roles={
            EntityRole.DEPLOYER: ["keolis-north-america"],
            EntityRole.DEVELOPER: ["navya"],
            EntityRole.HARMED: ["bus-passengers", "navya"],
            EntityRole.IMPLICATED_SYSTEM: ["navya-arma"],
        },
        description='Line one,\nline two with a backslash \\ and "quotes".',
        **aiid,
    )
    kids = make_incident(
        "Video app shows disturbing content",
        date=datetime.date(2015, 5, 1),
        date_precision="month",
        roles={EntityRole.DEPLOYER: ["youtube"], EntityRole.HARMED: ["children"]},
        **aiid,
    )
    old = make_incident(
        "An incident known only by its year",
        date=datetime.date(1990, 1, 1),
        date_precision="year",
        **aiid,
    )
    make_report(
        "Shuttle crash, day one",
        url="https://www.news.example.com/shuttle?id=7",
        incidents=[shuttle],
        authors=["Ann Writer", "Bo Reporter"],
        submitters=["Cy Submitter (CSET)"],
        tags=["transport"],
        text=AWKWARD_TEXT,
        description="A summary",
        image_url="https://img.example.com/a.jpg",
        date_downloaded=datetime.date(2017, 11, 9),
        date_submitted=datetime.date(2017, 11, 10),
        date_modified=datetime.date(2018, 1, 2),
        **aiid,
    )
    make_report(
        "Robots this week",
        url="https://weekly.example.org/robots",
        incidents=[shuttle, kids],
        language="fr",
        **aiid,
    )
    make_report(
        "A statement from the operator",
        url="https://keolis.example/statement",
        incidents=[shuttle],
        kind="response",
        tags=["response"],
        **aiid,
    )
    make_report(
        "Recommenders are a problem",
        url="https://blog.example.net/issue",
        kind="issue",
        date_published=None,
        **aiid,
    )
    IncidentRedirect.objects.create(old_id=9999, target=kids)

    mit = Taxonomy.objects.create(namespace="MIT", **aiid)
    for weight, name in enumerate(["Risk Domain", "Intent"]):
        TaxonomyField.objects.create(
            taxonomy=mit, short_name=name, display_type="enum", weight=weight
        )
    classify(mit, {"Risk Domain": RISK_DOMAIN, "Intent": "Unintentional"}, incident=shuttle)
    classify(mit, {"Risk Domain": "1. Discrimination and Toxicity"}, incident=kids)
    gmf = Taxonomy.objects.create(namespace="GMF", **aiid)
    TaxonomyField.objects.create(taxonomy=gmf, short_name="Known AI Goal", display_type="list")
    TaxonomyField.objects.create(
        taxonomy=gmf, short_name="Known AI Goal Snippets", display_type="long_string", weight=1
    )
    classify(
        gmf,
        {
            "Known AI Goal": ["Autonomous Driving", "Content Recommendation"],
            "Known AI Goal Snippets": AWKWARD_TEXT,
        },
        incident=shuttle,
    )
    classify(gmf, {"Known AI Goal": ["Content Recommendation"]}, incident=old)
    Submission.objects.create(
        url="https://pending.example.com/story",
        title="A pending story about a robot",
        text="Long enough text " * 10,
        authors=["Di Author"],
        incident_ids=[kids.id],
    )


def catalog_state() -> dict[str, Any]:
    return {
        "incidents": {
            i.id: (i.title, i.description, i.date, i.date_precision) for i in Incident.objects.all()
        },
        "reports": {r["number"]: r for r in Report.objects.values("number", *REPORT_FIELDS)},
        "report_links": set(
            Report.incidents.through.objects.values_list("report_id", "incident_id")
        ),
        "entity_links": set(
            IncidentEntity.objects.values_list("incident_id", "entity__slug", "role")
        ),
        "classifications": {
            (c.taxonomy.namespace, c.incident_id): (
                c.publish,
                {v.field.short_name: v.value for v in c.values.all()},
            )
            for c in Classification.objects.select_related("taxonomy").prefetch_related(
                "values__field"
            )
        },
        "duplicates": set(IncidentRedirect.objects.values_list("old_id", "target_id")),
        "submissions": sorted(
            Submission.objects.values_list("url", "title", "text", "authors", "incident_ids")
        ),
    }


def empty_the_catalog() -> None:
    ClassificationValue.objects.all().delete()
    Classification.objects.all().delete()
    TaxonomyField.objects.all().delete()
    Taxonomy.objects.all().delete()
    IncidentRedirect.objects.all().delete()
    Report.incidents.through.objects.all().delete()
    Report.objects.all().delete()
    IncidentEntity.objects.all().delete()
    Incident.objects.all().delete()
    Entity.objects.all().delete()
    Submission.objects.all().delete()


def test_it_reproduces_the_catalog_through_the_aiid_format(tmp_path, settings):
    # A mirror publishes the pending queue too (a public snapshot withholds it by default).
    settings.DATASETS_PUBLISH_PENDING_SUBMISSIONS = True
    build_aiid_like_catalog()
    before = catalog_state()
    assert [len(before[part]) for part in before] == [3, 4, 4, 7, 4, 1, 1]
    snapshot = export_snapshot(tmp_path / "snapshot")
    empty_the_catalog()
    assert catalog_state()["incidents"] == {}

    summary = AiidSnapshotImporter().run(snapshot.path / "mongodump_full_snapshot")

    assert summary.errors == []
    after = catalog_state()
    for part in before:
        assert after[part] == before[part], part
