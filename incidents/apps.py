from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = "Incident catalog"

    def ready(self) -> None:
        from registry.accounts.sections import account_section_register

        account_section_register("submissions/_account_section.html", order=20)
