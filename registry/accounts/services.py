"""Creating accounts: the one write path used by sign-up and `manage.py create_account`."""

from __future__ import annotations

import re

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from registry.accounts.tokens import api_tokens_revoke
from registry.models import Role, User
from registry.workflow import audit

USERNAME_MAX_LENGTH = 150
# Editors curate the catalog in the admin; staff run the site. Both need admin access.
ADMIN_ROLES = frozenset({Role.EDITOR, Role.STAFF})


def _username_from_email(email: str) -> str:
    base = re.sub(r"[^\w.@+-]", "", email.split("@", 1)[0])[: USERNAME_MAX_LENGTH - 4] or "user"
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


def _input_errors(
    *,
    email: str,
    password: str,
    username: str,
    organisation: str,
    role: str,
    email_must_be_free: bool = True,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if role not in Role.values:
        errors["role"] = [f"Unknown role '{role}'; choose one of: {', '.join(Role.values)}."]
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = ["Enter a valid email address."]
    else:
        if email_must_be_free and User.objects.filter(email__iexact=email).exists():
            errors["email"] = ["An account with this email address already exists."]
    if username:
        if not re.fullmatch(r"[\w.@+-]+", username) or len(username) > USERNAME_MAX_LENGTH:
            errors["username"] = ["Use letters, digits and @/./+/-/_ only (150 at most)."]
        elif User.objects.filter(username__iexact=username).exists():
            errors["username"] = ["This username is taken."]
    candidate = User(username=username or email, email=email, organisation=organisation)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    return errors


def account_create(
    *,
    email: str,
    password: str,
    role: str = Role.RESEARCHER,
    username: str = "",
    organisation: str = "",
    actor: User | None = None,
    audit_data: dict[str, object] | None = None,
    is_active: bool = True,
) -> User:
    """Create an account and audit it (`account_created`) in one transaction.

    Raises ValidationError keyed by field (email, username, role, password) for bad input:
    an unknown role, an email or username already in use, a weak password. Editors and
    staff get access to the admin (`is_staff`). With no `actor`, the new user is the actor
    (self sign-up). Self sign-up goes through `account_sign_up`, which starts inactive.
    """
    email, username, organisation = email.strip(), username.strip(), organisation.strip()
    errors = _input_errors(
        email=email, password=password, username=username, organisation=organisation, role=role
    )
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        user = User.objects.create_user(
            username=username or _username_from_email(email),
            email=email,
            password=password,
            role=role,
            organisation=organisation,
            is_staff=role in ADMIN_ROLES,
            is_active=is_active,
        )
        audit(
            actor=actor or user,
            subject=user,
            action="account_created",
            to_state=role,
            data={"role": role, **(audit_data or {})},
        )
    return user


def username_for_login(identifier: str) -> str:
    """People may sign in with their username or their email address."""
    identifier = identifier.strip()
    if "@" in identifier:
        match = (
            User.objects.filter(email__iexact=identifier).values_list("username", flat=True).first()
        )
        if match:
            return match
    return identifier


def account_sign_up(
    *, email: str, password: str, username: str = "", organisation: str = ""
) -> User | None:
    """Self sign-up that never says whether an address already has an account.

    A new address gets an inactive researcher account and a confirmation link; an address
    already registered gets a note saying so (sign in, or reset the password) and nothing is
    created. The page answers both alike. Raises ValidationError for input that is wrong
    whoever asks (a malformed address, a weak password, a username in use).
    Side effects: one email, sent on commit.
    """
    from registry.accounts import notifications

    email = email.strip()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        user = account_create(
            email=email,
            password=password,
            username=username,
            organisation=organisation,
            is_active=False,
        )
        transaction.on_commit(lambda: notifications.send_sign_up_confirmation(user_id=user.pk))
        return user
    errors = _input_errors(
        email=email,
        password=password,
        username=username.strip(),
        organisation=organisation.strip(),
        role=Role.RESEARCHER,
        email_must_be_free=False,
    )
    if errors:
        raise ValidationError(errors)
    transaction.on_commit(lambda: notifications.send_already_registered(user_id=existing.pk))
    return None


def account_confirm(*, user: User) -> None:
    """Activate a signed-up account whose owner followed the emailed link (audited)."""
    if user.is_active:
        return
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=True)
        user.is_active = True
        audit(actor=user, subject=user, action="account_confirmed")


def account_password_set(
    *, user: User, password: str | None, via: str, actor: User | None = None
) -> User:
    """Set (or, with None, disable) an account's password: the one write path of the password
    change and reset pages and the admin.

    Side effects, in one transaction: the account's API tokens are revoked (a token must not
    outlive the password it was issued for) and an "password_changed" audit event is written;
    then the account's failed-login count is cleared.
    """
    from registry.accounts.lockout import login_failures_reset  # lockout imports this module

    with transaction.atomic():
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save(update_fields=["password"])
        api_tokens_revoke(user=user, actor=actor, reason=f"password {via}")
        audit(actor=actor or user, subject=user, action="password_changed", data={"via": via})
    login_failures_reset(user)
    return user
