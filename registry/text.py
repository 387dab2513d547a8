"""One rule for comparing people's and organisations' names, in Python and in SQL.

Conflict-of-interest checks compare names that people type: "University A", "university  a"
and "Ｕｎｉｖｅｒｓｉｔｙ A" (full-width letters) are the same organisation. `name_key` and
`NormalisedName` give the same key (tests hold them together): NFKC, whitespace runs folded to
one space and trimmed, lower case.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

from django.db.models import Func, Value
from django.db.models.expressions import Combinable

# Two words at least this long and this similar (difflib's ratio) are probably one word with a
# typo ("Univeristy"); short words differ by one character on purpose ("Org 1", "Lab B").
TYPO_RATIO = 0.8
TYPO_MIN_LENGTH = 5


def name_key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name or "").split()).lower()


def _words(key: str) -> list[str]:
    return re.findall(r"\w+", key)


def _words_near(x: str, y: str) -> bool:
    if x.startswith(y) or y.startswith(x):  # the same, or one abbreviates the other
        return True
    long_enough = min(len(x), len(y)) >= TYPO_MIN_LENGTH
    return long_enough and SequenceMatcher(None, x, y).ratio() >= TYPO_RATIO


def names_near(a: str, b: str) -> bool:
    """Different keys that are probably one name (never true for equal or empty keys): word
    by word the same but for punctuation, abbreviations ("Univ. of Example") or typos."""
    key_a, key_b = name_key(a), name_key(b)
    if not key_a or not key_b or key_a == key_b:
        return False
    words_a, words_b = _words(key_a), _words(key_b)
    return len(words_a) == len(words_b) and all(
        _words_near(x, y) for x, y in zip(words_a, words_b, strict=True)
    )


class NormalisedName(Func):
    """`name_key` in SQL: lower(btrim(regexp_replace(normalize(x, NFKC), '\\s+', ' ', 'g')))."""

    template = (
        "lower(btrim(regexp_replace(normalize(%(expressions)s, NFKC), %(pattern)s, ' ', 'g')))"
    )

    def __init__(self, expression: Combinable | str, **extra: object) -> None:
        super().__init__(expression, **extra)

    def as_sql(self, compiler, connection, **extra_context):  # noqa: ANN001, ANN003, ANN201
        pattern_sql, pattern_params = compiler.compile(Value(r"\s+"))
        sql, params = super().as_sql(compiler, connection, pattern=pattern_sql, **extra_context)
        # The pattern's placeholder comes after the expression's in the template.
        return sql, (*params, *pattern_params)
