"""An emissions disclosure: a model's training footprint as its developers report it."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models


class DisclosureState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    IN_REVIEW = "in_review", "In review"
    # A reviewer accepted it despite the recomputation; nothing is public until a second
    # person (a chair of its venue or an editor) confirms.
    OVERRIDE_PENDING = "override_pending", "Override awaiting confirmation"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    VERIFIED = "verified", "Verified"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


# A disclosure in one of these states may still reach a decision; the others are final.
OPEN_STATES = (
    DisclosureState.DRAFT,
    DisclosureState.SUBMITTED,
    DisclosureState.IN_REVIEW,
    DisclosureState.OVERRIDE_PENDING,
    DisclosureState.CHANGES_REQUESTED,
)
EDITABLE_STATES = (DisclosureState.DRAFT, DisclosureState.CHANGES_REQUESTED)
AWAITING_REVIEW_STATES = (
    DisclosureState.SUBMITTED,
    DisclosureState.IN_REVIEW,
    DisclosureState.OVERRIDE_PENDING,
)


class Architecture(models.TextChoices):
    DENSE = "dense", "Dense (every parameter used for every token)"
    SPARSE = "sparse", "Sparse (mixture of experts: a share of parameters per token)"


class Method(models.TextChoices):
    MEASURED = "measured", "Measured (metered energy)"
    ESTIMATED = "estimated", "Estimated (device-hours x power)"
    TOOL = "tool", "Tracked with a tool"


class EmissionsBasis(models.TextChoices):
    LOCATION = "location", "Location-based (grid average)"
    MARKET = "market", "Market-based (after carbon-free energy contracts)"


class Disclosure(models.Model):
    """One version of a training-footprint disclosure.

    State changes only through `emissions.services.workflow`; a verified row is frozen by a
    database trigger, and an amendment is a new row that `supersedes` it.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="disclosures"
    )
    state = models.CharField(
        max_length=20, choices=DisclosureState.choices, default=DisclosureState.DRAFT
    )
    version = models.PositiveSmallIntegerField(default=1)
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="amendments"
    )
    # Set from a hidden form field or an Idempotency-Key header: a repeated post finds its row.
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)

    model_name = models.CharField(max_length=200)
    model_version = models.CharField(max_length=100, blank=True)
    parameters = models.BigIntegerField(null=True, blank=True)
    architecture = models.CharField(
        max_length=8, choices=Architecture.choices, default=Architecture.DENSE
    )
    activated_share = models.FloatField(
        null=True, blank=True, help_text="Share of the parameters activated per token (sparse)"
    )

    organisation = models.CharField(max_length=200, blank=True)
    paper_title = models.CharField(max_length=500, blank=True)
    paper_authors = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    doi = models.CharField(max_length=200, blank=True)
    arxiv_id = models.CharField(max_length=40, blank=True)
    # By name, not by import: the venues app builds on emissions, not the other way round.
    venue = models.ForeignKey(
        "venues.Venue", null=True, blank=True, on_delete=models.PROTECT, related_name="disclosures"
    )
    venue_submission_id = models.CharField(max_length=100, blank=True)
    # A researcher's attachment to a venue is a request until one of its chairs accepts it;
    # only accepted papers are the venue's (listed, assigned, found by submission id).
    venue_accepted = models.BooleanField(default=False, editable=False)

    # The estimator's run objects, with the field names of its command-line JSON.
    runs = models.JSONField(default=list, blank=True)
    claim_energy_kwh = models.FloatField(null=True, blank=True)
    claim_tco2e = models.FloatField(null=True, blank=True)
    claim_basis = models.CharField(
        max_length=8, choices=EmissionsBasis.choices, default=EmissionsBasis.LOCATION
    )
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.ESTIMATED)
    tool_name = models.CharField(max_length=100, blank=True)
    tool_version = models.CharField(max_length=50, blank=True)
    includes_preliminary_experiments = models.BooleanField(null=True, blank=True)
    justification = models.TextField(blank=True)
    linked_systems = models.ManyToManyField(
        "incidents.Entity", blank=True, related_name="disclosures"
    )

    assigned_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_disclosures",
    )
    # sha256 of the canonical runs + claim: a recomputation is kept per input and catalog.
    input_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # When the recomputation task of the current input was handed to the broker and when a
    # worker started it: the sweep re-enqueues a task that was never published, or whose
    # worker died (started longer ago than the task's time limit allows).
    recompute_queued_at = models.DateTimeField(null=True, blank=True, editable=False)
    recompute_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The recomputation the verified mark was given against: the badge says its verdict.
    decision_recomputation = models.ForeignKey(
        "emissions.Recomputation",
        null=True,
        blank=True,
        # Clearing it would update a frozen row, which the database trigger refuses.
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "submitted_at"]),
            models.Index(fields=["owner", "state"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=DisclosureState.values),
                name="disclosure_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(architecture__in=Architecture.values),
                name="disclosure_architecture_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(method__in=Method.values), name="disclosure_method_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(claim_basis__in=EmissionsBasis.values),
                name="disclosure_claim_basis_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(architecture=Architecture.DENSE, activated_share__isnull=True)
                | models.Q(
                    architecture=Architecture.SPARSE,
                    activated_share__gt=0,
                    activated_share__lte=1,
                ),
                name="disclosure_sparse_has_activated_share",
            ),
            models.CheckConstraint(
                condition=models.Q(parameters__isnull=True) | models.Q(parameters__gt=0),
                name="disclosure_parameters_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(claim_energy_kwh__isnull=True)
                | models.Q(claim_energy_kwh__gte=0),
                name="disclosure_claim_energy_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(claim_tco2e__isnull=True) | models.Q(claim_tco2e__gte=0),
                name="disclosure_claim_tco2e_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="disclosure_version_positive"
            ),
            models.CheckConstraint(
                condition=~models.Q(supersedes=models.F("id")),
                name="disclosure_not_superseding_itself",
            ),
            models.UniqueConstraint(
                fields=["owner", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="disclosure_idempotency_key_unique",
            ),
            # One live paper line per (venue, submission id): amendments keep their first
            # version's venue and id, so the first version holds the id for the whole line.
            models.UniqueConstraint(
                fields=["venue", "venue_submission_id"],
                condition=models.Q(
                    venue__isnull=False, venue_accepted=True, supersedes__isnull=True
                )
                & ~models.Q(venue_submission_id="")
                & ~models.Q(state__in=[DisclosureState.REJECTED, DisclosureState.WITHDRAWN]),
                name="disclosure_venue_submission_id_unique",
            ),
            # At most one amendment of a version is alive (open or verified) at a time.
            models.UniqueConstraint(
                fields=["supersedes"],
                condition=models.Q(supersedes__isnull=False)
                & ~models.Q(state__in=[DisclosureState.REJECTED, DisclosureState.WITHDRAWN]),
                name="disclosure_one_live_amendment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model_name} v{self.version} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return f"/disclosures/{self.pk}/"

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def claim(self) -> dict[str, object]:
        return {
            "energy_kwh": self.claim_energy_kwh,
            "tco2e": self.claim_tco2e,
            "basis": self.claim_basis,
        }


def venue_model() -> type[models.Model]:
    """The model behind `Disclosure.venue` (the venues app's `Venue`), found through the field
    so that the disclosure form and API can offer venues without importing the venues app."""
    model = Disclosure._meta.get_field("venue").related_model
    assert isinstance(model, type), "the venues app is not installed"
    return model
