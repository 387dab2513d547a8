from django.apps import AppConfig


class VenuesConfig(AppConfig):
    """Venues, their phases and checklists, reviewer assignment, reviews and review packets.
    Builds on emissions (a venue reviews disclosures); emissions never imports it."""

    name = "venues"
    verbose_name = "Venues and reviews"

    def ready(self) -> None:
        from registry.signals import account_created
        from venues.accounts import account_join_venue

        account_created.connect(account_join_venue, dispatch_uid="venues.account_join_venue")
