from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import (
    INTERNAL_RESET_SESSION_TOKEN,
    LoginView,
    PasswordChangeView,
    PasswordResetConfirmView,
    PasswordResetView,
)
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from registry.accounts.forms import LoginForm, SignUpForm
from registry.accounts.lockout import login_locked
from registry.accounts.notifications import sign_up_tokens
from registry.accounts.sections import account_sections
from registry.accounts.services import account_confirm, account_password_set, account_sign_up
from registry.accounts.throttling import (
    AttemptLimit,
    attempt_record,
    attempts_blocked,
    client_ip,
    login_limit,
    password_reset_limit,
    signup_limit,
)
from registry.accounts.tokens import api_token_expires_at, api_token_for, api_tokens_revoke
from registry.models import User

TOO_MANY_REQUESTS = 429


def _blocked_message(limit: AttemptLimit) -> str:
    return f"Too many attempts. Try again in {limit.window_minutes} minutes."


class ThrottledLoginView(LoginView):
    """Login that says so when the account is locked (the lock itself is the auth backend's)."""

    form_class = LoginForm
    redirect_authenticated_user = True

    def _identity(self) -> str:
        return self.request.POST.get("username", "")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if login_locked(identifier=self._identity(), request=request):
            # Refuse before checking the password, so guessing gains nothing.
            context = self.get_context_data(
                form=LoginForm(request, initial={"username": self._identity()}),
                blocked_message=_blocked_message(login_limit()),
            )
            return self.render_to_response(context, status=TOO_MANY_REQUESTS)
        return super().post(request, *args, **kwargs)


class ThrottledPasswordResetView(PasswordResetView):
    """Password reset that sends a bounded number of emails per IP and address."""

    extra_email_context = {"site_name": settings.SITE_NAME}
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        limit = password_reset_limit()
        identity = request.POST.get("email", "")
        if attempts_blocked(limit, ip=client_ip(request), identity=identity):
            context = self.get_context_data(
                form=self.form_class(initial={"email": identity}),
                blocked_message=_blocked_message(limit),
            )
            return self.render_to_response(context, status=TOO_MANY_REQUESTS)
        attempt_record(limit, ip=client_ip(request), identity=identity)
        return super().post(request, *args, **kwargs)


@sensitive_post_parameters("password1", "password2")
def signup(request: HttpRequest) -> HttpResponse:
    """Sign-up answers alike whether or not the address has an account (see
    `account_sign_up`), and each client address may sign up SIGNUP_LIMIT times an hour."""
    if request.user.is_authenticated:
        return redirect("account")
    form = SignUpForm(request.POST or None)
    if request.method == "POST":
        limit, ip = signup_limit(), client_ip(request)
        if attempts_blocked(limit, ip=ip, identity=""):
            context = {"form": form, "blocked_message": _blocked_message(limit)}
            return render(request, "registration/signup.html", context, status=TOO_MANY_REQUESTS)
        if form.is_valid():
            attempt_record(limit, ip=ip, identity="")
            try:
                account_sign_up(
                    email=form.cleaned_data["email"],
                    password=form.cleaned_data["password1"],
                    username=form.cleaned_data["username"],
                    organisation=form.cleaned_data["organisation"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error("password1" if field == "password" else field, errors)
            else:
                context = {"email": form.cleaned_data["email"]}
                return render(request, "registration/signup_sent.html", context)
    return render(request, "registration/signup.html", {"form": form})


def signup_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The emailed link: activates the account once and signs its owner in."""
    try:
        user = User.objects.get(pk=int(urlsafe_base64_decode(uidb64).decode()))
    except (ValueError, OverflowError, User.DoesNotExist):
        user = None
    if user is None or user.is_active or not sign_up_tokens.check_token(user, token):
        messages.error(request, "This link was used or has expired. Sign in, or sign up again.")
        return redirect("login")
    account_confirm(user=user)
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    messages.success(request, "Welcome! Your account is ready.")
    return redirect("account")


@login_required
def account_home(request: HttpRequest) -> HttpResponse:
    token = api_token_for(request.user)
    return render(
        request,
        "registration/account.html",
        {
            "account_sections": account_sections(),
            "api_token": token,
            "api_token_expires_at": api_token_expires_at(token) if token else None,
        },
    )


class RegistryPasswordChangeView(PasswordChangeView):
    """Django's page; the new password is saved by `account_password_set` (revokes tokens)."""

    def form_valid(self, form: Any) -> HttpResponse:
        account_password_set(
            user=form.user,
            password=form.cleaned_data["new_password1"],
            via="change",
            actor=self.request.user,
        )
        update_session_auth_hash(self.request, form.user)
        return HttpResponseRedirect(self.get_success_url())


class RegistryPasswordResetConfirmView(PasswordResetConfirmView):
    """Django's page (no login after the reset); the password goes through the service."""

    def form_valid(self, form: Any) -> HttpResponse:
        account_password_set(
            user=form.user, password=form.cleaned_data["new_password1"], via="reset"
        )
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


@login_required
@require_POST
def api_token_revoke(request: HttpRequest) -> HttpResponse:
    if api_tokens_revoke(user=request.user, reason="revoked on the account page"):
        messages.success(request, "Your API token is revoked; clients using it are signed out.")
    else:
        messages.info(request, "You have no API token.")
    return redirect("account")
