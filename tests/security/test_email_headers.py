"""Attack: a line break in a model name, which ends up in notification email subjects.

Django refuses a header with CR/LF (BadHeaderError), so a disclosure named "X\\r\\nBcc: ..."
silently stopped every email about it. Names are now refused with a line break, and a subject
built from an older stored name is put on one line.
"""

from __future__ import annotations

from emissions import notifications
from tests.factories.emissions import DisclosureFactory


def test_a_model_name_with_a_line_break_is_refused(client, world):  # noqa: ANN001
    client.force_login(world.researcher)
    response = client.post(
        "/api/v1/disclosures/",
        {"model_name": "Evil\r\nBcc: everyone@example.com"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "model_name", "message": "Write it on one line, without control characters."}
    ]


def test_a_stored_name_with_a_line_break_still_gets_its_email(world, mailoutbox):  # noqa: ANN001
    disclosure = DisclosureFactory(
        owner=world.researcher, model_name="Evil\r\nBcc: everyone@example.com", state="rejected"
    )
    notifications.notify_decision(disclosure_id=disclosure.pk, action="reject", reason="No.")
    assert [m.subject for m in mailoutbox] == [
        "Your emissions disclosure was rejected: Evil Bcc: everyone@example.com"
    ]
    assert mailoutbox[0].bcc == []
