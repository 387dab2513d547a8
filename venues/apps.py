from django.apps import AppConfig


class VenuesConfig(AppConfig):
    """Venues, their phases and checklists, reviewer assignment, reviews and review packets.
    Builds on emissions (a venue reviews disclosures); emissions never imports it."""

    name = "venues"
    verbose_name = "Venues and reviews"

    def ready(self) -> None:
        from emissions.services.venue_rule import venue_rule_register
        from registry.signals import account_created
        from venues.accounts import account_join_venue
        from venues.selectors import venue_workflow_refusal

        account_created.connect(account_join_venue, dispatch_uid="venues.account_join_venue")
        # The disclosure workflow asks this one rule for every venue paper (see venue_rule).
        venue_rule_register(venue_workflow_refusal)
