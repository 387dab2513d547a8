import datetime

import factory

from incidents.models.submissions import Submission
from incidents.normalise import normalise_url, source_domain
from incidents.services.submission_input import SubmissionData

ARTICLE_TEXT = (
    "A delivery robot operated by a city contractor drove into a crowded crosswalk on Tuesday, "
    "injuring two pedestrians. Witnesses said the robot did not slow down at the red light."
)


def submission_data(**overrides: object) -> SubmissionData:
    """Input that passes the AIID rules; override what a test is about."""
    values: dict[str, object] = {
        "url": "https://news.example.org/2024/03/robot-crosswalk",
        "title": "Delivery robot drives into crowded crosswalk",
        "text": ARTICLE_TEXT,
        "authors": ["Jane Reporter"],
        "date_published": datetime.date(2024, 3, 5),
        "language": "en",
    }
    values.update(overrides)
    return SubmissionData(**values)  # type: ignore[arg-type]


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission

    url = factory.Sequence(lambda n: f"https://news.example.org/articles/story-{n}")
    url_normalised = factory.LazyAttribute(lambda s: normalise_url(s.url))
    source_domain = factory.LazyAttribute(lambda s: source_domain(s.url))
    title = factory.Sequence(lambda n: f"Submitted story number {n} about an automated system")
    text = ARTICLE_TEXT
    authors = factory.LazyFunction(lambda: ["Jane Reporter"])
    date_published = datetime.date(2024, 3, 5)
    language = "en"
