from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "Registry (accounts and audit)"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_login_failed

        from registry import checks  # noqa: F401 - registers the deployment checks
        from registry.accounts.lockout import on_login_failed

        user_login_failed.connect(on_login_failed, dispatch_uid="registry-login-lockout")

        from django.contrib.admin.models import LogEntry
        from django.core.signals import request_finished, request_started
        from django.db.models.signals import post_save

        from registry.cache import admin_change_logged, request_began, request_ended

        # The data version is read once per request (registry/cache.py).
        request_started.connect(request_began, dispatch_uid="registry.cache.request_began")
        request_finished.connect(request_ended, dispatch_uid="registry.cache.request_ended")
        # The admin logs every add, change and delete it makes, audited by a service or not.
        post_save.connect(
            admin_change_logged, sender=LogEntry, dispatch_uid="registry.cache.admin_change"
        )
