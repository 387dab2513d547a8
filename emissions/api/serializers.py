"""JSON shapes of the disclosure API. Shapes only: the rules live in the services.

`state`, `version`, `supersedes`, `recomputation` and `audit` are read-only; the state
changes through the action endpoints, never through a field.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import RegexValidator
from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from emissions.api.schema import run_object_schema
from emissions.models import (
    AWAITING_REVIEW_STATES,
    Architecture,
    Disclosure,
    DisclosureComment,
    EmissionsBasis,
    Method,
    Recomputation,
    Verdict,
)
from emissions.models.disclosure import venue_model
from emissions.presentation import audit_rows, disclosure_badge
from emissions.selectors import recomputation_current
from emissions.services.disclosures import linked_systems_from_slugs
from registry.api_conventions import ErrorSerializer
from registry.api_parsers import json_text_problem

MAX_RUNS_PER_DISCLOSURE = 1000


class StrictCharField(serializers.CharField):
    """A string field that refuses numbers and booleans instead of turning them into text."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field(
    {"type": "array", "items": run_object_schema(), "maxItems": MAX_RUNS_PER_DISCLOSURE}
)
class RunsField(serializers.ListField):
    """The estimator's run objects (its command line's field names)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            child=serializers.DictField(), max_length=MAX_RUNS_PER_DISCLOSURE, **kwargs
        )

    def to_internal_value(self, data: Any) -> list[dict[str, Any]]:
        runs = super().to_internal_value(data)
        # Free-form JSON: no text field's validator sees its strings (PostgreSQL stores no NUL).
        problem = json_text_problem({"runs": runs})
        if problem:
            raise serializers.ValidationError(problem)
        return runs


class EntitySlugsField(serializers.ListField):
    """Linked AI systems as a list of entity slugs (resolved by the service helper)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=serializers.SlugField(max_length=200), max_length=50, **kwargs)

    def get_attribute(self, instance: Disclosure) -> list[str]:
        return list(instance.linked_systems.values_list("slug", flat=True))


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
    action = StrictCharField()
    actor = StrictCharField()
    from_state = StrictCharField()
    to_state = StrictCharField()
    reason = StrictCharField()


class VerificationSerializer(serializers.Serializer):
    label = StrictCharField(help_text='What was verified, e.g. "Verified: consistent"')
    tone = StrictCharField(help_text="consistent, minor, override or unchecked")
    verdict = StrictCharField(help_text="The recomputation verdict the mark rests on")
    override_reason = StrictCharField(help_text="Why it was accepted despite the verdict")


class DisclosureSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
    }
    owner = StrictCharField(source="owner.get_username", read_only=True)
    venue = serializers.SlugRelatedField(
        slug_field="slug", queryset=venue_model().objects.all(), required=False, allow_null=True
    )
    linked_systems = EntitySlugsField(
        required=False, help_text="Slugs of AI systems in the incident catalog"
    )
    paper_authors = serializers.ListField(
        child=StrictCharField(max_length=200), required=False, max_length=500
    )
    runs = RunsField(
        required=False,
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
    recomputation_pending = serializers.SerializerMethodField()
    audit = serializers.SerializerMethodField()
    superseded_by = serializers.SerializerMethodField()
    verification = serializers.SerializerMethodField()

    class Meta:
        model = Disclosure
        fields = [
            "id",
            "state",
            "verification",
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
            "recomputation_pending",
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
        extra_kwargs = {
            "model_name": {
                "required": True,
                "min_length": 1,
                "validators": [RegexValidator(r"\S", "Name the model.")],
            }
        }

    @extend_schema_field(RecomputationSerializer(allow_null=True))
    def get_recomputation(self, disclosure: Disclosure) -> dict[str, Any] | None:
        current = recomputation_current(disclosure)
        return RecomputationSerializer(current).data if current is not None else None

    @extend_schema_field(serializers.BooleanField())
    def get_recomputation_pending(self, disclosure: Disclosure) -> bool:
        """Submitted, and the estimator has not answered for this version yet (its task is
        queued, or waits for the broker to come back)."""
        return disclosure.state in AWAITING_REVIEW_STATES and (
            recomputation_current(disclosure) is None
        )

    @extend_schema_field(AuditRowSerializer(many=True))
    def get_audit(self, disclosure: Disclosure) -> list[dict[str, Any]]:
        viewer = self.context["request"].user
        return AuditRowSerializer(audit_rows(disclosure, viewer=viewer), many=True).data

    @extend_schema_field(VerificationSerializer(allow_null=True))
    def get_verification(self, disclosure: Disclosure) -> dict[str, Any] | None:
        badge = disclosure_badge(disclosure)
        return VerificationSerializer(badge).data if badge is not None else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_superseded_by(self, disclosure: Disclosure) -> int | None:
        return disclosure.amendments.filter(state="verified").values_list("pk", flat=True).first()

    def to_fields(self) -> dict[str, Any]:
        """The validated data as the services' `DisclosureFields` (claim flattened, linked
        systems resolved; raises Django's ValidationError naming unknown slugs)."""
        data = dict(self.validated_data)
        claim = data.pop("claim", None) or {}
        for key, value in claim.items():
            data[f"claim_{key}"] = value
        if "linked_systems" in data:
            data["linked_systems"] = linked_systems_from_slugs(data["linked_systems"])
        return data


class DisclosureListSerializer(DisclosureSerializer):
    """The list omits the heavy parts (audit trail, full estimator result)."""

    class Meta(DisclosureSerializer.Meta):
        fields = [
            name
            for name in DisclosureSerializer.Meta.fields
            if name not in ("audit", "runs", "recomputation", "recomputation_pending")
        ] + ["verdict"]

    verdict = serializers.SerializerMethodField()

    @extend_schema_field(StrictCharField(allow_null=True))
    def get_verdict(self, disclosure: Disclosure) -> str | None:
        current = recomputation_current(disclosure)
        return current.verdict if current is not None else None


class ActionSerializer(serializers.Serializer):
    reason = StrictCharField(required=False, allow_blank=True, max_length=5000, default="")


class AssignSerializer(ActionSerializer):
    reviewer = StrictCharField(help_text="Username or email of the reviewer")


class CommentSerializer(serializers.ModelSerializer):
    serializer_field_mapping = DisclosureSerializer.serializer_field_mapping
    author = StrictCharField(source="author.get_username", read_only=True)

    class Meta:
        model = DisclosureComment
        fields = ["id", "author", "body", "created_at"]
        read_only_fields = ["id", "author", "created_at"]
        extra_kwargs = {"body": {"max_length": 10_000}}


class TokenRequestSerializer(serializers.Serializer):
    username = StrictCharField(help_text="Username or email address", min_length=1, max_length=254)
    password = StrictCharField(
        style={"input_type": "password"}, trim_whitespace=False, min_length=1, max_length=4096
    )


class TokenSerializer(serializers.Serializer):
    token = StrictCharField()
    expires_at = serializers.DateTimeField(help_text="After this, the token gets 401")


class EstimateRequestSerializer(serializers.Serializer):
    runs = RunsField(min_length=1)
    claim = ClaimSerializer(required=False)


def _number(help_text: str = "", **kwargs: Any) -> serializers.FloatField:
    return serializers.FloatField(help_text=help_text, **kwargs)


class EstimateUncertaintySerializer(serializers.Serializer):
    low = _number()
    high = _number()
    exact = serializers.BooleanField()


class EstimateFactorSerializer(serializers.Serializer):
    run = serializers.IntegerField(help_text="Index of the run the factor applies to.")
    factor = serializers.CharField()
    value = _number(allow_null=True)
    unit = serializers.CharField()
    source = serializers.CharField(help_text="Where the value comes from (data package, ...).")
    uncertainty = EstimateUncertaintySerializer()


class EstimateRunSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    name = serializers.CharField(allow_blank=True)
    accelerator = serializers.CharField(allow_null=True)
    device_hours = _number(allow_null=True)
    it_energy_kwh = _number()
    idle_it_energy_kwh = _number()
    idle_energy_kwh = _number()
    pue = _number()
    energy_kwh = _number()
    energy_low_kwh = _number()
    energy_high_kwh = _number()
    intensity_g_per_kwh = _number()
    net_intensity_g_per_kwh = _number()
    embodied_tco2e = _number()
    gross_tco2e = _number()
    net_tco2e = _number()
    low_tco2e = _number()
    high_tco2e = _number()
    net_low_tco2e = _number()
    net_high_tco2e = _number()


class EstimateFootprintSerializer(serializers.Serializer):
    """The estimator's footprint of the runs (the CLI's JSON), summed over the runs."""

    catalog_version = serializers.CharField(help_text="Version of the factor catalog used.")
    method = serializers.CharField(required=False)
    energy_kwh = _number("Facility energy (IT energy times PUE).")
    it_energy_kwh = _number()
    energy_low_kwh = _number()
    energy_high_kwh = _number()
    idle_energy_kwh = _number()
    gross_tco2e = _number("Location-based emissions, tonnes CO2e.")
    net_tco2e = _number("After carbon-free energy contracts, tonnes CO2e.")
    low_tco2e = _number()
    high_tco2e = _number()
    net_low_tco2e = _number()
    net_high_tco2e = _number()
    embodied_tco2e = _number()
    device_hours = _number(allow_null=True, required=False)
    exact = serializers.BooleanField(required=False)
    runs = EstimateRunSerializer(many=True)
    factors = EstimateFactorSerializer(many=True, required=False)
    equivalences = serializers.DictField(
        child=serializers.JSONField(), required=False, help_text="Everyday comparisons."
    )
    what_if = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        help_text="The same runs in the lowest and highest intensity regions, other hardware.",
    )
    notes = serializers.ListField(child=serializers.CharField(), required=False)


class EstimateFlagSerializer(serializers.Serializer):
    code = serializers.CharField()
    severity = serializers.CharField()
    message = serializers.CharField()
    data = serializers.DictField(child=serializers.JSONField(), required=False)


class EstimateVerificationSerializer(serializers.Serializer):
    """The claim checked against the recomputation."""

    verdict = serializers.ChoiceField(choices=Verdict.choices)
    summary = serializers.CharField()
    flags = EstimateFlagSerializer(many=True)
    deviation = serializers.DictField(
        child=serializers.FloatField(allow_null=True),
        help_text="Relative deviation of the claim per quantity (null: not claimed).",
    )
    tolerance = _number()
    claim = serializers.DictField(child=serializers.JSONField())
    catalog_version = serializers.CharField()


class EstimateResponseSerializer(serializers.Serializer):
    """What the stateless estimator answers: the footprint, and the claim's check if any."""

    footprint = EstimateFootprintSerializer()
    verification = EstimateVerificationSerializer(
        allow_null=True, help_text="Present when a claim was given: verdict and flags"
    )


class TransitionErrorSerializer(ErrorSerializer):
    """A refused action: the error, and the actions allowed now."""

    allowed = serializers.ListField(child=StrictCharField())
