import re

import pytest

from registry.models import User

pytestmark = pytest.mark.django_db


def test_it_emails_a_reset_link(client, world, mailoutbox):
    response = client.post("/accounts/password_reset/", {"email": "rita@uni-a.example"})

    assert response["Location"] == "/accounts/password_reset/done/"
    [mail] = mailoutbox
    assert mail.to == ["rita@uni-a.example"]
    assert mail.subject == "Choose a new password for AI Incident & Emissions Registry"
    assert re.search(r"http://testserver/accounts/reset/\w+/[\w-]+/", mail.body)


def test_it_says_the_same_for_an_unknown_address(client, mailoutbox):
    response = client.post("/accounts/password_reset/", {"email": "nobody@nowhere.example"})

    assert response["Location"] == "/accounts/password_reset/done/"
    assert mailoutbox == []


def test_it_sets_a_new_password_through_the_link(client, world, mailoutbox):
    client.post("/accounts/password_reset/", {"email": "rita@uni-a.example"})
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mailoutbox[0].body).group(1)

    form_url = client.get(link)["Location"]
    response = client.post(
        form_url,
        {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"},
    )

    assert response["Location"] == "/accounts/reset/done/"
    assert User.objects.get(username="rita").check_password("a brand new passphrase")
