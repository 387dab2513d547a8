import pytest


@pytest.mark.parametrize("page", ["abc", "0", "-1", "³", "99999999999999999999"])
def test_it_answers_an_unusable_page_with_a_400_naming_it(client, world, page):
    client.force_login(world.editor)
    response = client.get("/api/v1/submissions/", {"page": page})
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["page"]


def test_it_serves_the_first_page(client, world):
    client.force_login(world.editor)
    assert client.get("/api/v1/submissions/", {"page": "1"}).status_code == 200
