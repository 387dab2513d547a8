from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "Registry (accounts and audit)"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_login_failed

        from registry import checks  # noqa: F401 - registers the deployment checks
        from registry.accounts.lockout import on_login_failed

        user_login_failed.connect(on_login_failed, dispatch_uid="registry-login-lockout")
