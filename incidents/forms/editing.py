"""Forms of the editors' catalog tools: they parse ids and choices, the services decide."""

from __future__ import annotations

from django import forms

from registry.ids import MAX_ID

LINK_CHOICES = [("similar", "Similar"), ("dissimilar", "Dissimilar"), ("remove", "Remove the link")]


def _id(label: str) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=1, max_value=MAX_ID)


def _reason(*, required: bool) -> forms.CharField:
    return forms.CharField(
        label="Reason (kept in the audit log)",
        required=required,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MergeIncidentsForm(forms.Form):
    duplicate_id = _id("Duplicate incident (disappears; its id redirects)")
    target_id = _id("Incident to keep")
    reason = _reason(required=True)


class MergeEntitiesForm(forms.Form):
    duplicate_slug = forms.SlugField(label="Duplicate entity slug", allow_unicode=True)
    target_slug = forms.SlugField(label="Entity to keep (slug)", allow_unicode=True)
    reason = _reason(required=True)


class ReportIncidentForm(forms.Form):
    report_number = _id("Report number")
    incident_id = _id("Incident id")
    operation = forms.ChoiceField(
        label="Operation", choices=[("link", "Add to the incident"), ("unlink", "Remove from it")]
    )


class IncidentLinkForm(forms.Form):
    incident_id = _id("Incident id")
    other_id = _id("Other incident id")
    kind = forms.ChoiceField(label="The other incident is", choices=LINK_CHOICES)


class FlagReportForm(forms.Form):
    report_number = _id("Report number")
    flagged = forms.TypedChoiceField(
        label="Flag",
        choices=[("1", "Flag for review"), ("0", "Clear the flag")],
        coerce=lambda value: value == "1",
    )
    reason = _reason(required=False)
