from django.apps import AppConfig


class DatasetsConfig(AppConfig):
    """Dated dataset snapshots: they read incidents and emissions from above (no domain
    imports this app)."""

    name = "datasets"
    verbose_name = "Dataset snapshots"
