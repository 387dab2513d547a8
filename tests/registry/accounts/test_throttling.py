import pytest

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def small_limits(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.PASSWORD_RESET_LIMIT = 2
    settings.LOGIN_LOCKOUT_SECONDS = 600


def fail_login(client, username="rita", times=1):
    for _ in range(times):
        client.post("/accounts/login/", {"username": username, "password": "wrong"})


def test_it_blocks_login_after_repeated_failures_even_with_the_right_password(client, world):
    fail_login(client, times=3)

    response = client.post("/accounts/login/", {"username": "rita", "password": PASSWORD})

    assert response.status_code == 429
    assert "Too many attempts. Try again in 10 minutes." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_counts_failures_per_username(client, world):
    fail_login(client, username="rita", times=3)

    response = client.post("/accounts/login/", {"username": "oscar", "password": PASSWORD})

    assert response.status_code == 302


def test_it_counts_failures_per_account_whatever_the_client_ip(client, world):
    # Guessing one account's password from many addresses must not multiply the guesses.
    fail_login(client, times=3)

    response = client.post(
        "/accounts/login/",
        {"username": "rita", "password": PASSWORD},
        REMOTE_ADDR="192.0.2.7",
    )

    assert response.status_code == 429


def test_it_forgets_failures_after_a_success(client, world):
    fail_login(client, times=2)
    client.post("/accounts/login/", {"username": "rita", "password": PASSWORD})
    client.post("/accounts/logout/")
    fail_login(client, times=2)

    response = client.post("/accounts/login/", {"username": "rita", "password": PASSWORD})

    assert response.status_code == 302


def test_it_lets_the_block_expire(client, world, monkeypatch):
    from django.core.cache import cache

    fail_login(client, times=3)
    cache.clear()  # what the lockout timeout does

    response = client.post("/accounts/login/", {"username": "rita", "password": PASSWORD})

    assert response.status_code == 302


def test_it_limits_password_reset_requests(client, world, mailoutbox):
    for _ in range(2):
        client.post("/accounts/password_reset/", {"email": "rita@uni-a.example"})

    response = client.post("/accounts/password_reset/", {"email": "rita@uni-a.example"})

    assert response.status_code == 429
    assert len(mailoutbox) == 2
