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


def account_create(
    *,
    email: str,
    password: str,
    role: str = Role.RESEARCHER,
    username: str = "",
    organisation: str = "",
    actor: User | None = None,
    audit_data: dict[str, object] | None = None,
) -> User:
    """Create an account and audit it (`account_created`) in one transaction.

    Raises ValidationError keyed by field (email, username, role, password) for bad input:
    an unknown role, an email or username already in use, a weak password. Editors and
    staff get access to the admin (`is_staff`). With no `actor`, the new user is the actor
    (self sign-up).
    """
    email = email.strip()
    username = username.strip()
    organisation = organisation.strip()
    errors: dict[str, list[str]] = {}
    if role not in Role.values:
        errors["role"] = [f"Unknown role '{role}'; choose one of: {', '.join(Role.values)}."]
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = ["Enter a valid email address."]
    else:
        if User.objects.filter(email__iexact=email).exists():
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
