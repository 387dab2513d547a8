from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "Registry (accounts and audit)"

    def ready(self) -> None:
        from django.core.signals import request_finished, request_started

        from registry.cache import request_began, request_ended

        # The data version is read once per request (registry/cache.py).
        request_started.connect(request_began, dispatch_uid="registry.cache.request_began")
        request_finished.connect(request_ended, dispatch_uid="registry.cache.request_ended")
