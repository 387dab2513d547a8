"""Forms of the venue pages: they parse input; the services decide what it means."""

from __future__ import annotations

from typing import Any

from django import forms

from emissions.services.workflow import DECISIONS
from venues.models import ChecklistItem
from venues.models.reviews import ChecklistAnswerValue, Recommendation
from venues.services.reviews import AnswerInput

MAX_IMPORT_BYTES = 2 * 1024 * 1024


class ReviewForm(forms.Form):
    completeness = forms.TypedChoiceField(
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        label="Completeness of the compute disclosure (1 barely, 5 fully)",
    )
    recommendation = forms.ChoiceField(choices=Recommendation.choices)
    comments = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False)

    def __init__(self, *args: Any, items: list[ChecklistItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"answer_{item.code}"] = forms.ChoiceField(
                label=item.label,
                help_text=item.question,
                choices=ChecklistAnswerValue.choices,
                widget=forms.RadioSelect,
            )
            self.fields[f"justification_{item.code}"] = forms.CharField(
                label="Justification", required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def item_fields(self) -> list[tuple[ChecklistItem, Any, Any]]:
        return [
            (item, self[f"answer_{item.code}"], self[f"justification_{item.code}"])
            for item in self.items
        ]

    def answers(self) -> dict[str, AnswerInput]:
        return {
            item.code: AnswerInput(
                self.cleaned_data.get(f"answer_{item.code}", ""),
                self.cleaned_data.get(f"justification_{item.code}", ""),
            )
            for item in self.items
        }


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[(d, d.replace("_", " ").capitalize()) for d in DECISIONS])
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


class ManualAssignmentForm(forms.Form):
    disclosure = forms.IntegerField(min_value=1)
    reviewer = forms.IntegerField(min_value=1)


class AutoAssignmentForm(forms.Form):
    per_paper = forms.IntegerField(min_value=1, max_value=10)


class ImportAssignmentForm(forms.Form):
    file = forms.FileField(help_text="CSV with submission_id,reviewer_email, or a JSON list")

    def clean_file(self) -> tuple[str, str]:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError("The file is larger than 2 MB.")
        name = upload.name.lower()
        fmt = "json" if name.endswith(".json") else "csv"
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError("The file is not UTF-8 text.") from error
        return fmt, text


class ExportForm(forms.Form):
    paper_size = forms.ChoiceField(choices=[("A4", "A4"), ("Letter", "US Letter")], initial="A4")
