"""Attack: a shared cache serving one person's signed-in search export to the next visitor.

The disclosures export of a signed-in person holds what only they may see (their drafts,
what they review); it went out with neither `Cache-Control: private` nor `Vary: Cookie`.
"""

from __future__ import annotations

from tests.factories.emissions import DisclosureFactory


def test_a_signed_in_export_is_private_to_the_session(client, world):  # noqa: ANN001
    DisclosureFactory(model_name="Secret Draft", state="draft", owner=world.researcher)
    client.force_login(world.researcher)
    response = client.get("/search/export.csv", {"type": "disclosure"})
    assert "Secret Draft" in b"".join(response.streaming_content).decode()
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def test_an_anonymous_export_varies_on_the_cookie(client, db):  # noqa: ANN001
    response = client.get("/search/export.csv", {"type": "disclosure"})
    assert "Cookie" in response["Vary"]
