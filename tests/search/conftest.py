from __future__ import annotations

import pytest

from tests.factories.search import Corpus, build_corpus


@pytest.fixture
def corpus(db) -> Corpus:  # noqa: ANN001
    return build_corpus()
