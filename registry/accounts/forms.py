from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from registry.accounts.services import username_for_login


class LoginForm(AuthenticationForm):
    """Django's login form, accepting an email address in place of the username."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Username or email"
        self.fields["username"].max_length = 254
        self.fields["username"].widget.attrs["maxlength"] = 254

    def clean_username(self) -> str:
        return username_for_login(self.cleaned_data.get("username", ""))


class SignUpForm(forms.Form):
    email = forms.EmailField(
        max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    username = forms.CharField(
        max_length=150,
        required=False,
        help_text="Shown on your contributions; taken from your email address if left empty.",
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    organisation = forms.CharField(
        max_length=200,
        required=False,
        help_text="University, lab or company; used to keep reviews free of conflicts.",
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 8 characters, not a common password, not like your name or email.",
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "The two passwords differ.")
        return data
