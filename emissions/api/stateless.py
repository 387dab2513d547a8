"""The two endpoints that touch no disclosure: an API token for a password, and the
stateless estimator (`POST /api/v1/estimate/`)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.authtoken.models import Token
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
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
    """Exchange a username (or email) and password for an API token."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    # A flat body: command-line clients may post it as a form as well as JSON.
    parser_classes = [JSONParser, FormParser, MultiPartParser]
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
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
