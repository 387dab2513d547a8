import pytest

from emissions import demo
from emissions.models import Disclosure
from emissions.selectors import recomputation_current


@pytest.fixture
def loaded(db):
    return demo.load()


def test_it_creates_a_disclosure_in_every_workflow_state(loaded):
    assert sorted(set(Disclosure.objects.values_list("state", flat=True))) == [
        "changes_requested",
        "draft",
        "in_review",
        "rejected",
        "submitted",
        "verified",
        "withdrawn",
    ]


def test_it_is_idempotent(loaded):
    before = Disclosure.objects.count()
    again = demo.load()
    assert (Disclosure.objects.count(), again.created) == (before, [])


def test_its_published_figures_agree_with_the_recomputation(loaded):
    published = [fields["model_name"] for _, fields, _ in demo.PUBLISHED]
    verdicts = {
        d.model_name: recomputation_current(d).verdict
        for d in Disclosure.objects.filter(model_name__in=published, state="verified")
    }
    assert verdicts == dict.fromkeys(published, "consistent")


def test_it_shows_a_unit_slip_in_the_returned_demo(loaded):
    returned = Disclosure.objects.get(state="changes_requested")
    codes = {flag["code"] for flag in recomputation_current(returned).flags}
    assert "unit_confusion" in codes


def test_it_amends_t5_as_a_second_version(loaded):
    t5 = Disclosure.objects.get(model_name="T5", version=2)
    assert (t5.state, t5.supersedes.state) == ("draft", "verified")
