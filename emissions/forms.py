"""HTML forms of the disclosure pages. They turn posted text into typed values and the
services' `DisclosureFields`; every rule (what is valid, who may do what) is the services'."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory

from emissions.estimator import load_catalog
from emissions.models import Architecture, Disclosure, EmissionsBasis, Method
from emissions.models.disclosure import venue_model
from emissions.planning import DEMO_SERIES_ATTRIBUTION
from emissions.services.disclosures import IMPORT_MAX_BYTES, DisclosureFields
from incidents.models import Entity
from registry.models import Role, User

MAX_RUNS_IN_FORM = 50
PLAN_CSV_MAX_BYTES = 1024 * 1024
POWER_BASES = [
    ("", "Catalog default for the accelerator"),
    ("tdp", "Vendor TDP"),
    ("measured_chip", "Measured, chip only"),
    ("measured_system", "Measured, whole system per accelerator"),
]
PRELIMINARY_CHOICES = [("", "Not answered"), ("yes", "Yes"), ("no", "No")]


def accelerator_names() -> list[str]:
    return sorted(load_catalog().accelerators)


def country_options() -> list[tuple[str, str]]:
    """(ISO code, name) of the catalog's countries, for the form's searchable list."""
    countries = load_catalog().countries.values()
    return sorted(((e.key.split(":")[-1], e.label) for e in countries), key=lambda c: c[1])


def cloud_region_names() -> list[str]:
    return sorted({region for _, region in load_catalog().cloud_regions})


def cloud_provider_choices() -> list[tuple[str, str]]:
    providers = sorted({provider for provider, _ in load_catalog().cloud_regions})
    return [("", "Not in a public cloud"), *[(p, p.upper()) for p in providers]]


def region_choices() -> list[tuple[str, str]]:
    """Countries and cloud regions of the catalog, for the planner's picker."""
    catalog = load_catalog()
    countries = sorted(catalog.countries.values(), key=lambda entry: entry.label)
    clouds = sorted(catalog.cloud_regions.items())
    return [
        ("Countries", [(f"country:{e.key.split(':')[-1]}", e.label) for e in countries]),
        ("Cloud regions", [(f"cloud:{p}:{r}", f"{p} {r}") for (p, r), _ in clouds]),
    ]


def _number(**kwargs: Any) -> forms.FloatField:
    return forms.FloatField(required=False, **kwargs)


class RunForm(forms.Form):
    """One training run, with the estimator's field names."""

    name = forms.CharField(required=False, max_length=200, label="Run name")
    accelerator = forms.CharField(
        required=False,
        max_length=100,
        help_text="As in the catalog, e.g. A100-80GB, H100-SXM, V100, TPU v3",
        widget=forms.TextInput(attrs={"list": "accelerators"}),
    )
    count = forms.IntegerField(required=False, min_value=1, label="Number of accelerators")
    hours = _number(min_value=0, label="Wall-clock hours")
    device_hours = _number(min_value=0, label="Device-hours (instead of count x hours)")
    power_w = _number(min_value=0, label="Average power per device (W)")
    power_basis = forms.ChoiceField(required=False, choices=POWER_BASES)
    energy_kwh = _number(min_value=0, label="Measured IT energy (kWh, before PUE)")
    pue = _number(min_value=1, max_value=3, label="PUE")
    country = forms.CharField(
        required=False,
        max_length=60,
        help_text="ISO code, e.g. FRA, USA (type to search the catalog)",
        widget=forms.TextInput(attrs={"list": "countries"}),
    )
    cloud_provider = forms.ChoiceField(required=False, choices=())
    cloud_region = forms.CharField(
        required=False,
        max_length=60,
        help_text="e.g. us-central1 (type to search the catalog)",
        widget=forms.TextInput(attrs={"list": "cloud-regions"}),
    )
    intensity_g_per_kwh = _number(min_value=0, label="Grid intensity (g CO2e/kWh)")
    cfe_fraction = _number(min_value=0, max_value=1, label="Carbon-free energy share (0-1)")
    idle_energy_kwh = _number(min_value=0, label="Idle energy (kWh)")
    embodied_tco2e = _number(min_value=0, label="Embodied emissions (tCO2e)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cloud_provider"].choices = cloud_provider_choices()

    def to_run(self) -> dict[str, Any]:
        """The run object (blank fields left out), for the services and the estimator."""
        data = self.cleaned_data
        run: dict[str, Any] = {}
        for name in (
            "name",
            "accelerator",
            "count",
            "hours",
            "device_hours",
            "power_w",
            "power_basis",
            "energy_kwh",
            "pue",
            "intensity_g_per_kwh",
            "cfe_fraction",
            "idle_energy_kwh",
            "embodied_tco2e",
        ):
            value = data.get(name)
            if value not in (None, ""):
                run[name] = value
        location = {
            key: data[key].strip()
            for key in ("country", "cloud_provider", "cloud_region")
            if data.get(key, "").strip()
        }
        if location:
            run["location"] = location
        return run

    @staticmethod
    def initial_from_run(run: dict[str, Any]) -> dict[str, Any]:
        initial = {k: v for k, v in run.items() if k != "location"}
        initial.update(run.get("location") or {})
        return initial


RunFormSet = formset_factory(
    RunForm, extra=0, min_num=1, max_num=MAX_RUNS_IN_FORM, validate_max=True
)


class DisclosureForm(forms.Form):
    """Everything but the runs (a formset beside it) and the workflow state (actions)."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, required=False)
    model_name = forms.CharField(max_length=200)
    model_version = forms.CharField(max_length=100, required=False)
    parameters = forms.IntegerField(
        required=False, min_value=1, max_value=10**15, label="Parameters (count)"
    )
    architecture = forms.ChoiceField(choices=Architecture.choices, initial=Architecture.DENSE)
    activated_share = forms.FloatField(
        required=False,
        min_value=0,
        max_value=1,
        label="Share of parameters activated per token (sparse models)",
    )
    organisation = forms.CharField(max_length=200, required=False)
    paper_title = forms.CharField(max_length=500, required=False)
    paper_authors = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="One author per line"
    )
    doi = forms.CharField(max_length=200, required=False, label="DOI")
    arxiv_id = forms.CharField(max_length=40, required=False, label="arXiv id")
    venue = forms.ModelChoiceField(
        queryset=venue_model().objects.all(), required=False, to_field_name="slug"
    )
    venue_submission_id = forms.CharField(max_length=100, required=False)
    claim_energy_kwh = forms.FloatField(required=False, min_value=0, label="Claimed energy (kWh)")
    claim_tco2e = forms.FloatField(required=False, min_value=0, label="Claimed emissions (tCO2e)")
    claim_basis = forms.ChoiceField(choices=EmissionsBasis.choices, initial=EmissionsBasis.LOCATION)
    method = forms.ChoiceField(choices=Method.choices, initial=Method.ESTIMATED)
    tool_name = forms.CharField(max_length=100, required=False)
    tool_version = forms.CharField(max_length=50, required=False)
    includes_preliminary_experiments = forms.ChoiceField(
        choices=PRELIMINARY_CHOICES,
        required=False,
        label="Do the figures include preliminary and failed experiments?",
        widget=forms.RadioSelect,
    )
    justification = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    linked_systems = forms.CharField(
        required=False,
        max_length=2000,
        label="Linked AI systems",
        help_text="Slugs of AI systems in the incident catalog, separated by commas",
    )

    # A draft may lack these, but submitting for review needs them
    # (`disclosure_submission_errors`): marked required before the researcher submits.
    REQUIRED_TO_SUBMIT = ("claim_tco2e", "includes_preliminary_experiments")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.REQUIRED_TO_SUBMIT:
            self.fields[name].required_to_submit = True  # type: ignore[attr-defined]
            self.fields[name].widget.attrs["aria-required"] = "true"

    def clean_linked_systems(self) -> list[Entity]:
        slugs = [s.strip() for s in self.cleaned_data["linked_systems"].split(",") if s.strip()]
        found = {e.slug: e for e in Entity.objects.filter(slug__in=slugs)}
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            raise ValidationError(f"Unknown AI system: {', '.join(missing)}.")
        return [found[slug] for slug in dict.fromkeys(slugs)]

    def clean_paper_authors(self) -> list[str]:
        lines = self.cleaned_data["paper_authors"].splitlines()
        return [line.strip() for line in lines if line.strip()]

    def clean_includes_preliminary_experiments(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data["includes_preliminary_experiments"])

    def to_fields(self, runs: list[dict[str, Any]]) -> DisclosureFields:
        data = dict(self.cleaned_data)
        data.pop("idempotency_key", None)
        for name in ("parameters", "activated_share", "claim_energy_kwh", "claim_tco2e"):
            data.setdefault(name, None)
        data["venue"] = data.get("venue") or None
        data["runs"] = runs
        return data  # type: ignore[return-value]

    @staticmethod
    def initial_from(disclosure: Disclosure) -> dict[str, Any]:
        preliminary = disclosure.includes_preliminary_experiments
        return {
            "model_name": disclosure.model_name,
            "model_version": disclosure.model_version,
            "parameters": disclosure.parameters,
            "architecture": disclosure.architecture,
            "activated_share": disclosure.activated_share,
            "organisation": disclosure.organisation,
            "paper_title": disclosure.paper_title,
            "paper_authors": "\n".join(disclosure.paper_authors),
            "doi": disclosure.doi,
            "arxiv_id": disclosure.arxiv_id,
            "venue": disclosure.venue.slug if disclosure.venue else "",
            "venue_submission_id": disclosure.venue_submission_id,
            "claim_energy_kwh": disclosure.claim_energy_kwh,
            "claim_tco2e": disclosure.claim_tco2e,
            "claim_basis": disclosure.claim_basis,
            "method": disclosure.method,
            "tool_name": disclosure.tool_name,
            "tool_version": disclosure.tool_version,
            "includes_preliminary_experiments": ""
            if preliminary is None
            else ("yes" if preliminary else "no"),
            "justification": disclosure.justification,
            "linked_systems": ", ".join(disclosure.linked_systems.values_list("slug", flat=True)),
        }

    @staticmethod
    def new_initial() -> dict[str, Any]:
        return {"idempotency_key": uuid.uuid4()}


class ImportForm(forms.Form):
    KINDS = [("codecarbon", "CodeCarbon emissions.csv"), ("hf_card", "Hugging Face model card")]

    kind = forms.ChoiceField(choices=KINDS, widget=forms.RadioSelect, initial="codecarbon")
    file = forms.FileField(help_text=f"At most {IMPORT_MAX_BYTES // 1024} KB")
    model_name = forms.CharField(
        max_length=200,
        required=False,
        help_text="Left blank: the CodeCarbon project_name of the file",
    )
    organisation = forms.CharField(max_length=200, required=False)

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(f"The file is larger than {IMPORT_MAX_BYTES // 1024} KB.")
        return upload.read()


class ReasonForm(forms.Form):
    reason = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CommentForm(forms.Form):
    body = forms.CharField(max_length=10_000, widget=forms.Textarea(attrs={"rows": 4}))


class ConflictForm(forms.Form):
    reason = forms.CharField(required=False, max_length=2000, label="Why (optional)")


def reviewer_choices() -> Any:
    return User.objects.filter(role__in=[Role.REVIEWER, Role.CHAIR, Role.STAFF]).order_by(
        "username"
    )


class AssignForm(forms.Form):
    reviewer = forms.ModelChoiceField(queryset=User.objects.none(), to_field_name="username")
    reason = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewer_choices()


class BulkForm(forms.Form):
    ACTIONS = [
        ("assign", "Assign to a reviewer"),
        ("release", "Return to the open queue"),
        ("request_changes", "Request changes"),
        ("verify", "Verify"),
        ("reject", "Reject"),
    ]

    action = forms.ChoiceField(choices=ACTIONS)
    disclosures = forms.TypedMultipleChoiceField(coerce=int, choices=())
    reason = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    reviewer = forms.ModelChoiceField(
        queryset=User.objects.none(), to_field_name="username", required=False
    )

    def __init__(self, *args: Any, queue_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["disclosures"].choices = [(pk, str(pk)) for pk in queue_ids]
        self.fields["reviewer"].queryset = reviewer_choices()


class PlanForm(forms.Form):
    accelerator = forms.ChoiceField(choices=())
    count = forms.IntegerField(min_value=1, max_value=1_000_000, initial=64)
    hours = forms.FloatField(
        min_value=0.25, max_value=24 * 365, initial=24, label="Wall-clock hours"
    )
    pue = forms.FloatField(required=False, min_value=1, max_value=3, label="PUE (optional)")
    region = forms.ChoiceField(choices=(), label="Where")
    series = forms.FileField(
        required=False,
        label="Grid-intensity series (CSV timestamp,intensity_g_per_kwh; Electricity Maps CSV "
        "export; UK Carbon Intensity API JSON)",
        help_text=f"Optional. Without one, the demo series is used: the shape of "
        f"{DEMO_SERIES_ATTRIBUTION}, scaled to the location's yearly average.",
    )
    max_concurrency = forms.IntegerField(
        required=False, min_value=1, max_value=1_000_000, label="At most this many devices at once"
    )
    deadline_hours = forms.FloatField(
        required=False, min_value=0.25, max_value=24 * 366, label="Finish within (hours)"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["accelerator"].choices = [(n, n) for n in accelerator_names()]
        self.fields["region"].choices = region_choices()

    def clean_series(self) -> str | None:
        upload = self.cleaned_data.get("series")
        if not upload:
            return None
        if upload.size > PLAN_CSV_MAX_BYTES:
            raise ValidationError(f"The file is larger than {PLAN_CSV_MAX_BYTES // 1024} KB.")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError("The file is not UTF-8 text.") from None

    def location(self) -> dict[str, str]:
        kind, _, rest = self.cleaned_data["region"].partition(":")
        if kind == "cloud":
            provider, _, region = rest.partition(":")
            return {"cloud_provider": provider, "cloud_region": region}
        return {"country": rest}
