"""Accounts: /accounts/ (the account page), sign-up, login, logout (POST), password reset."""

from django.contrib.auth import views as auth_views
from django.urls import path

from registry.accounts import views

urlpatterns = [
    path("", views.account_home, name="account"),
    path("signup/", views.signup, name="signup"),
    path("signup/<uidb64>/<token>/", views.signup_confirm, name="signup_confirm"),
    path("token/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("login/", views.ThrottledLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_reset/", views.ThrottledPasswordResetView.as_view(), name="password_reset"),
    path(
        "password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        views.RegistryPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "password_change/",
        views.RegistryPasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]
