import datetime

import factory

from incidents.models import Entity, Incident, Report


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incident

    title = factory.Sequence(lambda n: f"Incident number {n} involving an automated system")
    description = "An automated system behaved in a way that harmed people."
    date = datetime.date(2020, 1, 15)


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    title = factory.Sequence(lambda n: f"Report {n} about an automated system")
    text = "A journalist describes what the system did and who was affected."
    url = factory.Sequence(lambda n: f"https://news.example.com/story-{n}")
    source_domain = "news.example.com"
    date_published = datetime.date(2020, 1, 20)


class EntityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entity
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"entity-{n}")
    name = factory.LazyAttribute(lambda e: e.slug.replace("-", " ").title())
