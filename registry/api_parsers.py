"""The API's request parsers: DRF's, with a clear 400 for JSON nested too deeply to read.

Python's JSON decoder raises RecursionError (not a ValueError) on a document nested about a
thousand levels deep; DRF would let it escape as a 500.
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

TOO_DEEP = "JSON nested too deeply: at most a few hundred levels of [ and { are read."


class BoundedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(TOO_DEEP) from None
