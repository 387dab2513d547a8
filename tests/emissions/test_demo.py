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


@pytest.fixture
def loaded_with_incidents(db):
    from incidents.importers import demo as incidents_demo

    incidents_demo.load()
    return demo.load()


def test_it_links_systems_with_incidents_to_verified_footprints(loaded_with_incidents):
    from emissions.systems import systems_with_incidents_and_footprints

    assert [s.slug for s in systems_with_incidents_and_footprints()] == [
        "chatgpt",
        "bard",
        "bing-chat",
    ]


def test_it_cites_the_source_of_every_demo_relation(loaded_with_incidents):
    from emissions.models import SystemModelLink

    sources = list(SystemModelLink.objects.values_list("source", flat=True))
    assert len(sources) == 10
    assert all("https://" in source or "arXiv:" in source for source in sources)


def test_it_links_the_systems_only_once(loaded_with_incidents):
    from emissions.models import SystemModelLink

    before = SystemModelLink.objects.count()
    again = demo.load()
    assert (SystemModelLink.objects.count(), again.created) == (before, [])
