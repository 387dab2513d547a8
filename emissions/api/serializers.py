"""JSON shapes of the disclosure API. Shapes only: the rules live in the services.

`state`, `version`, `supersedes`, `recomputation` and `audit` are read-only; the state
changes through the action endpoints, never through a field.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from emissions.models import (
    Architecture,
    Disclosure,
    DisclosureComment,
    EmissionsBasis,
    Method,
    Recomputation,
    Venue,
)
from emissions.presentation import audit_rows
from emissions.selectors import recomputation_current
from incidents.models import Entity

MAX_RUNS_PER_DISCLOSURE = 1000


class ClaimSerializer(serializers.Serializer):
    energy_kwh = serializers.FloatField(
        required=False, allow_null=True, min_value=0, help_text="Claimed facility energy, kWh"
    )
    tco2e = serializers.FloatField(
        required=False, allow_null=True, min_value=0, help_text="Claimed emissions, tonnes CO2e"
    )
    basis = serializers.ChoiceField(
        choices=EmissionsBasis.choices,
        required=False,
        help_text="location: grid average (gross); market: after carbon-free energy (net)",
    )


class RecomputationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Recomputation
        fields = [
            "verdict",
            "catalog_version",
            "energy_kwh",
            "gross_tco2e",
            "net_tco2e",
            "low_tco2e",
            "high_tco2e",
            "flags",
            "result",
            "created_at",
        ]
        read_only_fields = fields


class AuditRowSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    actor = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    reason = serializers.CharField()


class DisclosureSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.get_username", read_only=True)
    venue = serializers.SlugRelatedField(
        slug_field="slug", queryset=Venue.objects.all(), required=False, allow_null=True
    )
    linked_systems = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Entity.objects.all(),
        many=True,
        required=False,
        help_text="Slugs of AI systems in the incident catalog",
    )
    paper_authors = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, max_length=500
    )
    runs = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        max_length=MAX_RUNS_PER_DISCLOSURE,
        help_text="The estimator's run objects, with the field names of its command line",
    )
    claim = ClaimSerializer(required=False)
    parameters = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=10**15
    )
    activated_share = serializers.FloatField(
        required=False, allow_null=True, min_value=0, max_value=1
    )
    architecture = serializers.ChoiceField(choices=Architecture.choices, required=False)
    method = serializers.ChoiceField(choices=Method.choices, required=False)
    includes_preliminary_experiments = serializers.BooleanField(required=False, allow_null=True)
    recomputation = serializers.SerializerMethodField()
    audit = serializers.SerializerMethodField()
    superseded_by = serializers.SerializerMethodField()

    class Meta:
        model = Disclosure
        fields = [
            "id",
            "state",
            "version",
            "supersedes",
            "superseded_by",
            "owner",
            "model_name",
            "model_version",
            "parameters",
            "architecture",
            "activated_share",
            "organisation",
            "paper_title",
            "paper_authors",
            "doi",
            "arxiv_id",
            "venue",
            "venue_submission_id",
            "runs",
            "claim",
            "method",
            "tool_name",
            "tool_version",
            "includes_preliminary_experiments",
            "justification",
            "linked_systems",
            "submitted_at",
            "decided_at",
            "created_at",
            "modified_at",
            "recomputation",
            "audit",
        ]
        read_only_fields = [
            "id",
            "state",
            "version",
            "supersedes",
            "submitted_at",
            "decided_at",
            "created_at",
            "modified_at",
        ]
        extra_kwargs = {"model_name": {"required": True}}

    @extend_schema_field(RecomputationSerializer(allow_null=True))
    def get_recomputation(self, disclosure: Disclosure) -> dict[str, Any] | None:
        current = recomputation_current(disclosure)
        return RecomputationSerializer(current).data if current is not None else None

    @extend_schema_field(AuditRowSerializer(many=True))
    def get_audit(self, disclosure: Disclosure) -> list[dict[str, Any]]:
        viewer = self.context["request"].user
        return AuditRowSerializer(audit_rows(disclosure, viewer=viewer), many=True).data

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_superseded_by(self, disclosure: Disclosure) -> int | None:
        return disclosure.amendments.filter(state="verified").values_list("pk", flat=True).first()

    def to_fields(self) -> dict[str, Any]:
        """The validated data as the services' `DisclosureFields` (claim flattened)."""
        data = dict(self.validated_data)
        claim = data.pop("claim", None) or {}
        for key, value in claim.items():
            data[f"claim_{key}"] = value
        return data


class DisclosureListSerializer(DisclosureSerializer):
    """The list omits the heavy parts (audit trail, full estimator result)."""

    class Meta(DisclosureSerializer.Meta):
        fields = [
            name
            for name in DisclosureSerializer.Meta.fields
            if name not in ("audit", "runs", "recomputation")
        ] + ["verdict"]

    verdict = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_verdict(self, disclosure: Disclosure) -> str | None:
        current = recomputation_current(disclosure)
        return current.verdict if current is not None else None


class ActionSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class AssignSerializer(ActionSerializer):
    reviewer = serializers.CharField(help_text="Username or email of the reviewer")


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.get_username", read_only=True)

    class Meta:
        model = DisclosureComment
        fields = ["id", "author", "body", "created_at"]
        read_only_fields = ["id", "author", "created_at"]
        extra_kwargs = {"body": {"max_length": 10_000}}


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(help_text="Username or email address", max_length=254)
    password = serializers.CharField(
        style={"input_type": "password"}, trim_whitespace=False, max_length=4096
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class EstimateRequestSerializer(serializers.Serializer):
    runs = serializers.ListField(child=serializers.DictField(), max_length=MAX_RUNS_PER_DISCLOSURE)
    claim = ClaimSerializer(required=False)


class EstimateResponseSerializer(serializers.Serializer):
    footprint = serializers.DictField(help_text="The estimator's footprint (its CLI JSON)")
    verification = serializers.DictField(
        allow_null=True, help_text="Present when a claim was given: verdict and flags"
    )


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class TransitionErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    allowed = serializers.ListField(child=serializers.CharField())
