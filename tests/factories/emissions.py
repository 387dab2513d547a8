"""Disclosure factories. Rows are written directly (tests set up a state, the services are
what the tests exercise); the input hash is computed the way the services compute it."""

import factory

from emissions.models import Disclosure
from emissions.services.disclosures import disclosure_input_hash
from tests.factories.accounts import UserFactory
from venues.models import Venue

# Patterson et al. 2021, Table 4, T5: 512 TPU v3 for 20 days at 310 W measured system power,
# PUE 1.12, Google Taiwan 0.545 kg/kWh; printed 85.7 MWh and 46.7 tCO2e.
T5_RUN = {
    "name": "T5 pre-training",
    "accelerator": "TPU v3",
    "count": 512,
    "hours": 480.0,
    "power_w": 310.0,
    "power_basis": "measured_system",
    "pue": 1.12,
    "intensity_g_per_kwh": 545.0,
}


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"venue-{n}")
    name = factory.LazyAttribute(lambda v: v.slug.replace("-", " ").title())


class DisclosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Disclosure

    owner = factory.SubFactory(UserFactory)
    model_name = factory.Sequence(lambda n: f"Model {n}")
    organisation = "University A"
    paper_title = factory.LazyAttribute(lambda d: f"Training {d.model_name}")
    runs = factory.LazyFunction(lambda: [dict(T5_RUN)])
    claim_energy_kwh = 85_700.0
    claim_tco2e = 46.7
    claim_basis = "location"
    method = "measured"
    includes_preliminary_experiments = False
    # A disclosure made with a venue is one of the venue's papers (accepted by its chair).
    venue = None
    venue_accepted = factory.LazyAttribute(lambda d: d.venue is not None)
    justification = "Figures from the paper's Table 4."
    input_hash = factory.LazyAttribute(
        lambda d: disclosure_input_hash(
            runs=d.runs,
            claim={
                "energy_kwh": d.claim_energy_kwh,
                "tco2e": d.claim_tco2e,
                "basis": d.claim_basis,
            },
        )
    )
