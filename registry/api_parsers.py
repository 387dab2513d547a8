"""The API's JSON parser: DRF's, refusing what would otherwise end in a 500 further on.

JSON nested deeper than the decoder recurses raises RecursionError, and an unpaired surrogate
cannot even be encoded as UTF-8 for the database or the response: each is a 400 naming the
problem, before any view sees the data. A NUL character cannot be stored in PostgreSQL text or
jsonb either; DRF's text fields refuse it by field, and free-form JSON fields (the runs) call
`json_text_problem` themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def text_problem(value: str, *, nul: bool = True) -> str | None:
    """Why `value` cannot be stored as text, or None (`nul=False`: NUL is checked elsewhere)."""
    if nul and "\x00" in value:
        return "contains a NUL character (\\u0000)"
    if any("\ud800" <= ch <= "\udfff" for ch in value):
        return "contains an unpaired surrogate (a broken \\ud800-\\udfff escape)"
    return None


def _path(parent: str, key: object) -> str:
    return (
        f"{parent}[{key}]" if isinstance(key, int) else (f"{parent}.{key}" if parent else str(key))
    )


def json_text_problem(data: Any, *, nul: bool = True) -> str | None:
    """The first string (key or value) in parsed JSON that cannot be stored, as "where: why".

    Iterative, so a deep document costs no recursion here either.
    """
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            problem = text_problem(value, nul=nul)
            if problem:
                return f"{where or 'the body'} {problem}"
        elif isinstance(value, Mapping):
            for key, item in value.items():
                problem = text_problem(str(key), nul=nul)
                if problem:
                    return f"a key in {where or 'the body'} {problem}"
                stack.append((_path(where, key), item))
        elif isinstance(value, list):
            stack.extend((_path(where, i), item) for i, item in enumerate(value))
    return None


class SafeJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply") from None
        problem = json_text_problem(data, nul=False)
        if problem:
            raise ParseError(f"JSON parse error - {problem}")
        return data
