"""A model name is user text that reaches e-mail subjects: a line break in it is refused at
the door, and one already stored is folded, so no notification is lost or forged."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.test import Client

from emissions.models import Disclosure
from emissions.notifications import notify_decision
from tests.emissions.conftest import make_disclosure, valid_fields

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["GPT\r\nBcc: victim@example.org", "Model\nname", "Tab\tbed"])
def test_it_refuses_a_model_name_that_is_not_one_line(world, name):
    client = Client()
    client.force_login(world.researcher)
    body = json.dumps({**valid_fields(), "model_name": name}, default=str)
    response = client.post("/api/v1/disclosures/", body, content_type="application/json")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["model_name"]


def test_it_still_mails_a_decision_for_a_stored_name_with_a_line_break(world):
    disclosure = make_disclosure(world, "in_review")
    Disclosure.objects.filter(pk=disclosure.pk).update(model_name="Old\r\nBcc: x@example.org")
    notify_decision(disclosure_id=disclosure.pk, action="reject", reason="Figures do not add up.")
    assert len(mail.outbox) == 1
    assert "\n" not in mail.outbox[0].subject and "\r" not in mail.outbox[0].subject
    assert mail.outbox[0].extra_headers == {} and mail.outbox[0].bcc == []
