"""What every endpoint of the disclosure API shares: JSON bodies, the API's error format
(``{"errors": [{"field": ..., "message": ...}]}``) and the documented error responses."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse
from rest_framework.response import Response

from emissions.api import serializers as s
from registry.api_conventions import ErrorSerializer, error_items
from registry.api_parsers import SafeJSONParser


def error_response(status_code: int, detail: Any, **extra: Any) -> Response:
    return Response({"errors": error_items(detail), **extra}, status=status_code)


def field_errors(error: DjangoValidationError) -> dict[str, Any]:
    """Service field names in the API's vocabulary: ``claim_tco2e`` is ``claim.tco2e``."""
    if not hasattr(error, "error_dict"):
        return {"non_field_errors": error.messages}
    return {
        (f"claim.{name[len('claim_') :]}" if name.startswith("claim_") else name): messages
        for name, messages in error.message_dict.items()
    }


def documented_responses(*codes: int, ok: Any = None, ok_code: int = 200) -> dict[int, Any]:
    descriptions = {
        400: "Bad input: the errors name the fields.",
        401: "Authentication needed (token or session).",
        403: "Visible to you, but not yours to change.",
        404: "No such disclosure, or not visible to you.",
        409: "Not allowed from the current state: `allowed` lists what is.",
        429: "Too many requests: wait `Retry-After` seconds.",
    }
    responses: dict[int, Any] = {ok_code: ok} if ok is not None else {}
    for code in (*codes, 429):
        serializer = s.TransitionErrorSerializer if code == 409 else ErrorSerializer
        responses[code] = OpenApiResponse(serializer, descriptions[code])
    return responses


class JSONOnly:
    """Every endpoint here reads JSON bodies only (nested claims and runs have no form shape)."""

    parser_classes = [SafeJSONParser]
