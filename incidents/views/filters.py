"""The incident list's GET filters: parse the page's query string into `IncidentFilters`,
which the list runs through the API's `IncidentFilterSet` (one filter for page and API)."""

from __future__ import annotations

from django import forms

from incidents.models import ReportKind
from incidents.selectors import IncidentFilters, IncidentSort


class IncidentFilterForm(forms.Form):
    year = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    entity = forms.SlugField(required=False, max_length=200, label="Entity (slug)")
    taxonomy = forms.CharField(
        required=False,
        max_length=600,
        label="Taxonomy value",
        help_text="Namespace:field:value, e.g. MIT:Risk Domain:1. Discrimination and Toxicity",
    )
    kind = forms.ChoiceField(
        required=False,
        label="Report kind",
        choices=[("", "Any kind"), *ReportKind.choices],
    )
    sort = forms.ChoiceField(required=False, choices=IncidentSort.CHOICES, label="Sort by")

    def __init__(self, *args: object, years: list[int], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["year"].choices = [("", "Any year"), *((y, str(y)) for y in years)]

    def filters(self) -> IncidentFilters:
        """The valid filters; an invalid value is dropped (and reported by the form)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return IncidentFilters(
            year=data.get("year"),
            entity=data.get("entity") or "",
            taxonomy=(data.get("taxonomy") or "").strip(),
            kind=data.get("kind") or "",
            sort=data.get("sort") or IncidentSort.NEWEST,
        )
