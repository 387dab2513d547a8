import json
import shutil
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

import emissions.estimator as estimator
from emissions.models import Disclosure, Recomputation
from emissions.services import recomputation as recomputation_service
from emissions.services.recomputation import disclosure_recompute, disclosure_reverify
from emissions.services.workflow import disclosure_submit
from emissions.tasks import recompute_disclosure, sweep_stuck_disclosures
from registry.models import AuditEvent
from tests.emissions.conftest import make_disclosure

# A run that leans on the catalog for power and for France's grid intensity, so a catalog
# change moves its recomputation. 8 x A100-80GB x 100 h.
CATALOG_RUN = {
    "accelerator": "A100-80GB",
    "count": 8,
    "hours": 100.0,
    "location": {"country": "FRA"},
}


@pytest.fixture
def change_catalog(tmp_path, monkeypatch):
    """Call it to swap in the packaged catalog with France's intensity doubled."""
    data = Path(estimator.__file__).parent / "data"
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    intensity = json.loads((copy / "intensity.json").read_text())
    for figure in intensity["countries"]["FRA"]["figures"]:
        figure["g_per_kwh"] *= 2
    (copy / "intensity.json").write_text(json.dumps(intensity))
    catalog = estimator.load_catalog(copy)

    def change():
        monkeypatch.setattr(recomputation_service, "load_catalog", lambda: catalog)
        return catalog

    return change


def test_it_stores_the_verdict_flags_and_catalog_version(world):
    submitted = make_disclosure(world, "submitted")
    recomputation = submitted.recomputations.get()
    assert (recomputation.verdict, recomputation.catalog_version, recomputation.input_hash) == (
        "consistent",
        estimator.load_catalog().version,
        submitted.input_hash,
    )
    assert {flag["code"] for flag in recomputation.flags} >= {"tco2e_consistent"}


def test_it_recomputes_patterson_t5_within_half_a_percent_of_the_paper(world):
    # Patterson et al. 2021 Table 4: 85.7 MWh printed; 512 x 480 h x 310 W x 1.12 = 85.3 MWh.
    recomputation = make_disclosure(world, "submitted").recomputations.get()
    energy_kwh = 512 * 480 * 310 * 1.12 / 1000
    assert recomputation.energy_kwh == pytest.approx(energy_kwh, rel=1e-9)
    assert recomputation.gross_tco2e == pytest.approx(energy_kwh * 545 / 1e6, rel=1e-9)
    assert abs(recomputation.energy_kwh / 85_700 - 1) < 0.005


def test_it_keeps_one_result_when_the_task_runs_twice(world):
    submitted = make_disclosure(world, "submitted")
    first = recompute_disclosure.apply(args=[submitted.pk]).get()
    second = recompute_disclosure.apply(args=[submitted.pk]).get()
    assert (first, second, Recomputation.objects.filter(disclosure=submitted).count()) == (
        submitted.recomputations.get().pk,
        submitted.recomputations.get().pk,
        1,
    )


def test_it_writes_one_recompute_event_however_often_it_runs(world):
    submitted = make_disclosure(world, "submitted")
    disclosure_recompute(disclosure_id=submitted.pk)
    assert AuditEvent.objects.filter(subject_id=submitted.pk, action="recompute").count() == 1


def test_it_ignores_a_vanished_disclosure_in_the_task(db):
    assert recompute_disclosure.apply(args=[987654]).get() is None


def test_it_records_input_the_estimator_now_refuses_as_a_flag(world):
    submitted = make_disclosure(world, "draft")
    Disclosure.objects.filter(pk=submitted.pk).update(
        runs=[{"accelerator": "Imaginary-9000", "count": 1, "hours": 1.0}]
    )
    recomputation = disclosure_recompute(disclosure_id=submitted.pk)
    assert (recomputation.verdict, [f["code"] for f in recomputation.flags]) == (
        "insufficient_data",
        ["input_refused"],
    )


def test_it_sweeps_submitted_disclosures_that_never_got_a_recomputation(
    world, django_capture_on_commit_callbacks
):
    draft = make_disclosure(world, "draft")
    disclosure_submit(disclosure_id=draft.pk, actor=world.researcher)  # task lost: no commit
    Disclosure.objects.filter(pk=draft.pk).update(
        submitted_at=timezone.now() - timedelta(minutes=30)
    )
    assert sweep_stuck_disclosures.apply().get() == 1
    assert draft.recomputations.count() == 1


def test_it_leaves_fresh_submissions_to_their_own_task(world):
    draft = make_disclosure(world, "draft")
    disclosure_submit(disclosure_id=draft.pk, actor=world.researcher)
    assert (sweep_stuck_disclosures.apply().get(), draft.recomputations.count()) == (0, 0)


def test_it_does_not_sweep_recomputed_disclosures(world):
    submitted = make_disclosure(world, "submitted")
    Disclosure.objects.filter(pk=submitted.pk).update(
        submitted_at=timezone.now() - timedelta(hours=2)
    )
    assert sweep_stuck_disclosures.apply().get() == 0


def test_it_records_what_changed_when_the_catalog_changes(world, change_catalog):
    submitted = make_disclosure(world, "draft", runs=[dict(CATALOG_RUN)], claim_energy_kwh=None)
    disclosure_submit(disclosure_id=submitted.pk, actor=world.researcher)
    before = disclosure_recompute(disclosure_id=submitted.pk)
    changed_catalog = change_catalog()
    outcome = disclosure_reverify(disclosure_id=submitted.pk)
    event = AuditEvent.objects.get(subject_id=submitted.pk, action="reverify")
    assert outcome.changed is True
    assert outcome.recomputation.catalog_version == changed_catalog.version
    assert outcome.recomputation.gross_tco2e == pytest.approx(before.gross_tco2e * 2, rel=1e-6)
    assert (event.data["before"]["catalog_version"], event.data["after"]["catalog_version"]) == (
        before.catalog_version,
        changed_catalog.version,
    )


def test_it_records_nothing_when_the_catalog_did_not_change(world):
    submitted = make_disclosure(world, "submitted")
    outcome = disclosure_reverify(disclosure_id=submitted.pk)
    assert (outcome.changed, AuditEvent.objects.filter(action="reverify").count()) == (False, 0)


def test_it_reverifies_every_disclosure_in_batches(world, change_catalog):
    verified = make_disclosure(world, "verified")
    submitted = make_disclosure(world, "submitted")
    make_disclosure(world, "draft")
    changed_catalog = change_catalog()
    out = StringIO()
    call_command("reverify_disclosures", "--batch-size", "1", stdout=out)
    assert f"{changed_catalog.version}: 2 disclosures checked, 2 recomputed" in out.getvalue()
    assert [d.recomputations.count() for d in (verified, submitted)] == [2, 2]


def test_it_never_changes_a_verified_disclosure_when_reverifying(world, change_catalog):
    verified = make_disclosure(world, "verified")
    change_catalog()
    before = Disclosure.objects.filter(pk=verified.pk).values().get()
    disclosure_reverify(disclosure_id=verified.pk)
    assert Disclosure.objects.filter(pk=verified.pk).values().get() == before


def test_it_leaves_a_verified_disclosure_untouched_when_its_recomputation_is_queued(world):
    # The sweep's clock lives on the disclosure row, which verification freezes: a task queued
    # before the verification committed (as the demo loader does) must not try to write it.
    from emissions.services.recompute_queue import (
        disclosure_recompute_enqueue,
        disclosure_recompute_started,
    )

    verified = make_disclosure(world, "verified")
    disclosure_recompute_enqueue(disclosure_id=verified.pk)
    disclosure_recompute_started(disclosure_id=verified.pk)
    verified.refresh_from_db()
    assert (verified.state, verified.recompute_started_at) == ("verified", None)
