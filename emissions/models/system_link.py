"""Editors' links between an AI system of the incident catalog and a model's disclosure.

Kept apart from `Disclosure.linked_systems`, which is part of a verified disclosure's frozen
evidence: a link says how a deployed system relates to a trained model, it may be made or
undone at any time (verified disclosures included) and every change is audited.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SystemRelation(models.TextChoices):
    IS = "is", "is"
    BUILT_ON = "built_on", "is built on"
    FINE_TUNED_FROM = "fine_tuned_from", "is fine-tuned from"
    SAME_FAMILY = "same_family", "is of the same family as"


class SystemModelLink(models.Model):
    """`system` <relation> `model_name`; the footprint is `disclosure`'s when there is one.

    A system built on a model nobody disclosed keeps the link with no disclosure, so its page
    can say so plainly ("ChatGPT is fine-tuned from GPT-3.5; no disclosure for GPT-3.5").
    """

    system = models.ForeignKey(
        "incidents.Entity", on_delete=models.CASCADE, related_name="model_links"
    )
    model_name = models.CharField(max_length=200)
    relation = models.CharField(max_length=16, choices=SystemRelation.choices)
    disclosure = models.ForeignKey(
        "emissions.Disclosure",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="system_links",
    )
    source = models.TextField(help_text="Where the relation is stated: a citation or URL")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["system", "relation", "model_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(relation__in=SystemRelation.values),
                name="system_link_relation_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(model_name=""), name="system_link_model_named"
            ),
            models.UniqueConstraint(
                fields=["system", "model_name", "relation"],
                condition=models.Q(disclosure__isnull=True),
                name="system_link_undisclosed_once",
            ),
            models.UniqueConstraint(
                fields=["system", "disclosure"],
                condition=models.Q(disclosure__isnull=False),
                name="system_link_disclosure_once",
            ),
        ]
        indexes = [models.Index(fields=["disclosure"])]

    def __str__(self) -> str:
        return f"{self.system_id} {self.relation} {self.model_name}"

    @property
    def sentence(self) -> str:
        return f"{self.get_relation_display()} {self.model_name}"
