"""Attack: a model card whose value makes the parser's patterns backtrack for minutes.

"1" + 100,000 spaces + "!" took about 30 s per request through the overlapping quantifiers of
the unit and hardware patterns. Each test here runs under a 5-second alarm: with the old
patterns it is interrupted (and fails), with the new ones it finishes at once. The alarm is a
guard against hanging, not a timing assertion.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from emissions.estimator import EstimatorInputError, from_hf_card, hf_card
from emissions.models import Disclosure
from tests.factories.accounts import UserFactory

HOSTILE = "1" + " " * 100_000 + "!"
GUARD_SECONDS = 5


@contextmanager
def hang_guard() -> Iterator[None]:
    def interrupt(signum: int, frame: object) -> None:
        raise TimeoutError(f"still parsing after {GUARD_SECONDS} s: catastrophic backtracking")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.alarm(GUARD_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_the_unit_pattern_refuses_a_hostile_value_at_once():
    with hang_guard():
        assert hf_card._WITH_UNIT.match(HOSTILE) is None


def test_the_unit_pattern_still_reads_a_number_with_a_unit():
    match = hf_card._WITH_UNIT.match("3.2 tCO2e")
    assert (match["number"], match["unit"]) == ("3.2", "tCO2e")


def test_the_hardware_reader_handles_a_hostile_value_at_once():
    with hang_guard():
        assert hf_card.split_hardware("8 x " + HOSTILE) == (8, HOSTILE)


def test_the_hardware_reader_still_splits_a_count_and_a_device():
    assert hf_card.split_hardware("8 x NVIDIA A100 GPUs") == (8, "NVIDIA A100")


@pytest.mark.parametrize(
    "card",
    [
        f"---\nco2_eq_emissions:\n  emissions: {HOSTILE}\n---\n",
        f"---\nco2_eq_emissions: {HOSTILE}\n---\n",
        f'---\nco2_eq_emissions: {{emissions: 5, hardware_used: "{HOSTILE}"}}\n---\n',
    ],
    ids=["block", "bare", "flow"],
)
def test_a_hostile_card_is_refused_at_once(card):  # noqa: ANN001
    with hang_guard(), pytest.raises(EstimatorInputError, match="longer than 1000 characters"):
        from_hf_card(card)


def test_a_hostile_card_upload_gets_a_form_error(client, db):  # noqa: ANN001
    client.force_login(UserFactory(role="researcher"))
    card = f"---\nco2_eq_emissions:\n  emissions: 5\n  hardware_used: {HOSTILE}\n---\n"
    upload = SimpleUploadedFile("README.md", card.encode(), content_type="text/markdown")
    with hang_guard():
        response = client.post(
            "/disclosures/import/",
            {"kind": "hf_card", "model_name": "Hostile", "file": upload},
        )
    assert response.status_code == 200
    assert "longer than 1000 characters" in response.content.decode()
    assert not Disclosure.objects.exists()
