"""Emails of self sign-up: the confirmation link, or a note that the address has an account.

Called on commit by `account_sign_up`. Plain text; the subject carries no user text.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from registry.models import User


class SignUpTokenGenerator(PasswordResetTokenGenerator):
    """A link that works once: activating the account changes what the token hashes."""

    key_salt = "registry.accounts.SignUpTokenGenerator"

    def _make_hash_value(self, user: User, timestamp: int) -> str:  # type: ignore[override]
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


sign_up_tokens = SignUpTokenGenerator()


def confirmation_url(user: User) -> str:
    path = reverse(
        "signup_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": sign_up_tokens.make_token(user),
        },
    )
    return settings.SITE_URL + path


def _send(user: User, template: str, subject: str, **context: object) -> None:
    body = render_to_string(
        template,
        {"user": user, "site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context},
    )
    send_mail(
        subject=f"[{settings.SITE_NAME}] {subject}",
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )


def send_sign_up_confirmation(*, user_id: int) -> None:
    user = User.objects.filter(pk=user_id, is_active=False).first()
    if user is not None:
        _send(
            user,
            "registration/signup_confirm_email.txt",
            "Confirm your new account",
            confirm_url=confirmation_url(user),
        )


def send_already_registered(*, user_id: int) -> None:
    user = User.objects.filter(pk=user_id).first()
    if user is not None:
        _send(
            user,
            "registration/signup_existing_email.txt",
            "Somebody tried to create an account with your address",
            login_url=settings.SITE_URL + reverse("login"),
            reset_url=settings.SITE_URL + reverse("password_reset"),
        )
