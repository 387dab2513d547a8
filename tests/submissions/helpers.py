"""Form posts shared by the page tests."""

import uuid

from tests.factories.submissions import ARTICLE_TEXT


def form_post(**overrides: str) -> dict[str, str]:
    values = {
        "url": "https://news.example.org/2024/03/robot-crosswalk",
        "title": "Delivery robot drives into crowded crosswalk",
        "text": ARTICLE_TEXT,
        "authors": "Jane Reporter",
        "date_published": "2024-03-05",
        "language": "en",
        "submitter_email": "visitor@example.net",
        "idempotency_key": str(uuid.uuid4()),
        "homepage": "",
    }
    values.update(overrides)
    return values
