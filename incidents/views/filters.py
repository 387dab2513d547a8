"""The incident list's GET filters: parse the page's query string into `IncidentFilters`,
which the list runs through the API's `IncidentFilterSet` (one filter for page and API)."""

from __future__ import annotations

from typing import Any

from django import forms

from incidents.models import ReportKind
from incidents.selectors import IncidentFilters, IncidentSort

MAX_FACETS = 20


class FacetsField(forms.Field):
    """Repeated `taxonomy=Namespace:field:value` parameters (ticked facets); which of them a
    visitor may use is decided by the selector."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> tuple[str, ...]:
        if not value:
            return ()
        values = value if isinstance(value, list | tuple) else [value]
        cleaned = tuple(dict.fromkeys(str(v).strip()[:600] for v in values if str(v).strip()))
        if len(cleaned) > MAX_FACETS:
            raise forms.ValidationError(f"At most {MAX_FACETS} taxonomy values.")
        if any("\x00" in v for v in cleaned):
            raise forms.ValidationError("Null characters are not allowed.")
        return cleaned


class IncidentFilterForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=200,
        label="Keywords",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    entity = forms.CharField(
        required=False,
        max_length=300,
        label="Entity",
        help_text="A company, system or group, by name",
        widget=forms.TextInput(attrs={"list": "entity-names", "autocomplete": "off"}),
    )
    year = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(
        required=False,
        label="Report kind",
        choices=[("", "Any kind"), *ReportKind.choices],
    )
    sort = forms.ChoiceField(required=False, choices=IncidentSort.CHOICES, label="Sort by")
    taxonomy = FacetsField(required=False, label="Taxonomy values")

    def __init__(self, *args: object, years: list[int], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["year"].choices = [("", "Any year"), *((y, str(y)) for y in years)]

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data.get("q", "").replace("\x00", "").split())

    def clean_entity(self) -> str:
        return self.cleaned_data.get("entity", "").replace("\x00", "").strip()

    def filters(self, *, entity_slug: str = "") -> IncidentFilters:
        """The valid filters; an invalid value is dropped (and reported by the form).
        `entity_slug` is the entity the typed name was found to mean."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return IncidentFilters(
            year=data.get("year"),
            entity=entity_slug,
            taxonomy=data.get("taxonomy") or (),
            kind=data.get("kind") or "",
            sort=data.get("sort") or IncidentSort.NEWEST,
            q=data.get("q") or "",
        )

    @property
    def entity_text(self) -> str:
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("entity", "")
