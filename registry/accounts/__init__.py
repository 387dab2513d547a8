"""Accounts: sign-up, login with throttling, password reset, the account page."""
