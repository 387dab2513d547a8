"""The two endpoints that touch no disclosure: an API token for a password, and the
stateless estimator (`POST /api/v1/estimate/`)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from emissions.api import serializers as s
from emissions.api.common import JSONOnly, documented_responses
from emissions.estimator import EstimatorInputError
from emissions.previews import footprint_preview
from registry.accounts.lockout import login_locked
from registry.accounts.throttling import login_limit
from registry.accounts.tokens import api_token_expires_at, api_token_issue, api_tokens_revoke
from registry.api_parsers import SafeJSONParser
from registry.models import User


class EstimateView(JSONOnly, APIView):
    """Run the estimator on runs (and optionally check a claim); nothing is stored."""

    permission_classes = [AllowAny]

    @extend_schema(
        summary="Estimate a training footprint (stateless)",
        request=s.EstimateRequestSerializer,
        responses=documented_responses(400, ok=s.EstimateResponseSerializer),
    )
    def post(self, request: Request) -> Response:
        form = s.EstimateRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        claim = form.validated_data.get("claim")
        try:
            result = footprint_preview(runs=form.validated_data["runs"], claim=claim)
        except EstimatorInputError as error:
            raise exceptions.ValidationError({error.field or "runs": error.message}) from None
        return Response(result)


class TokenView(JSONOnly, APIView):
    """Exchange a username (or email) and password for an API token; DELETE revokes it."""

    permission_classes = [AllowAny]
    # A flat body: command-line clients may post it as a form as well as JSON.
    parser_classes = [SafeJSONParser, FormParser, MultiPartParser]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(
        summary="Get an API token (send it as `Authorization: Token <key>`)",
        request=s.TokenRequestSerializer,
        responses=documented_responses(400, ok=s.TokenSerializer),
        auth=[],
    )
    def post(self, request: Request) -> Response:
        form = s.TokenRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        identifier = form.validated_data["username"].strip()
        if login_locked(identifier=identifier, request=request._request):
            # The backend refuses a locked account too; this only says why, with a 429.
            raise exceptions.Throttled(
                wait=login_limit().window_seconds, detail="Too many failed logins."
            )
        username = identifier
        if "@" in identifier:
            match = User.objects.filter(email__iexact=identifier).first()
            username = match.get_username() if match is not None else identifier
        user = authenticate(
            request._request, username=username, password=form.validated_data["password"]
        )
        if user is None or not user.is_active:
            raise exceptions.ValidationError("Unable to log in with the given credentials.")
        token = api_token_issue(user=user)
        return Response({"token": token.key, "expires_at": api_token_expires_at(token)})

    def get_authenticators(self) -> list[Any]:
        # Getting a token takes a password, never a session or an older token.
        if getattr(self.request, "method", None) == "DELETE":
            return super().get_authenticators()
        return []

    def get_permissions(self) -> list[Any]:
        if getattr(self.request, "method", None) == "DELETE":
            return [IsAuthenticated()]
        return super().get_permissions()

    @extend_schema(
        summary="Revoke your API token (with the token itself, or a signed-in session)",
        request=None,
        responses={204: None, **documented_responses(401)},
    )
    def delete(self, request: Request) -> Response:
        api_tokens_revoke(user=request.user, reason="revoked through the API")
        return Response(status=204)
