import pytest

from emissions.models import Recomputation
from emissions.services.workflow import disclosure_transition
from tests.emissions.conftest import make_disclosure
from tests.emissions.test_browser import log_in
from tests.factories.emissions import DisclosureFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
OUT = "/tmp/verified_shots"


def test_shots(page, live_server, world):
    import os
    os.makedirs(OUT, exist_ok=True)
    over = make_disclosure(world, "in_review", claim_tco2e=70.0, model_name="Over-claimer")
    make_disclosure(world, "submitted", claim_tco2e=150.0, model_name="Wild")
    make_disclosure(world, "submitted", claim_tco2e=52.0, model_name="Close")
    ok = make_disclosure(world, "verified", model_name="T5 honest")
    for i, (t, r) in enumerate([(0.004, 0.0035), (1.2, 1.0), (552.1, 500.0), (25000, 21000)]):
        d = DisclosureFactory(state="verified", model_name=f"Model {i}", organisation=f"Lab {i}", claim_tco2e=t,
                              runs=[{"accelerator": ["A100-40GB", "H100", "TPU v4", "V100"][i], "location": {"country": ["USA", "FRA", "DEU", "CHN"][i]}}])
        Recomputation.objects.create(disclosure=d, input_hash=d.input_hash, catalog_version="x", verdict="consistent", gross_tco2e=r)
    log_in(page, live_server, world.reviewer)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/disclosures/review/")
    page.screenshot(path=f"{OUT}/queue.png", full_page=True)
    page.goto(f"/disclosures/review/{over.pk}/")
    page.screenshot(path=f"{OUT}/review_refused.png", full_page=True)
    disclosure_transition(action="override", disclosure_id=over.pk, actor=world.reviewer, reason="Meter logs cover a second cluster.")
    log_in(page, live_server, world.chair)
    page.goto(f"/disclosures/{over.pk}/")
    page.screenshot(path=f"{OUT}/chair_confirm.png", full_page=True)
    disclosure_transition(action="confirm_override", disclosure_id=over.pk, actor=world.chair)
    page.context.clear_cookies()
    page.goto(f"/disclosures/{over.pk}/")
    page.screenshot(path=f"{OUT}/public_override.png")
    page.goto("/disclosures/")
    page.screenshot(path=f"{OUT}/leaderboard.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/disclosures/")
    page.screenshot(path=f"{OUT}/leaderboard_phone.png", full_page=True)
