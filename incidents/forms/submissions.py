"""Forms of the public submission pages and the editors' queue.

They parse what a browser sends (text into lists, ids into numbers) and hand the AIID rules to
`submission_validate`; they hold no rules of their own.
"""

from __future__ import annotations

import re
import uuid

from django import forms
from django.core.exceptions import ValidationError

from incidents.services.submission_input import (
    SubmissionData,
    submission_validate,
)
from incidents.services.submissions import ACCEPT_ACTIONS, BULK_ACTIONS
from registry.ids import parse_id

# The honeypot's name looks worth filling to a bot; people never see it (CSS class).
HONEYPOT_FIELD = "homepage"


def split_names(text: str) -> list[str]:
    """One name per line; a single line may list names separated by semicolons or commas."""
    text = text.strip()
    if not text:
        return []
    separator = "\n" if "\n" in text else (";" if ";" in text else ",")
    return [part.strip() for part in text.split(separator) if part.strip()]


def parse_incident_ids(text: str) -> list[int]:
    ids = []
    for part in re.split(r"[\s,;]+", text.strip()):
        if not part:
            continue
        incident_id = parse_id(part)
        if incident_id is None:
            raise ValidationError(f"'{part[:20]}' is not an incident id (use numbers like 12, 40).")
        ids.append(incident_id)
    return ids


class DateInput(forms.DateInput):
    input_type = "date"


def _text(label: str, *, help_text: str = "", rows: int = 0, required: bool = False) -> forms.Field:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(
        label=label, required=required, strip=True, widget=widget, help_text=help_text
    )


class SubmissionFieldsMixin(forms.Form):
    """The report and the incident it belongs to, as typed."""

    url = forms.CharField(
        label="Article URL",
        widget=forms.URLInput(),
        error_messages={"required": "A URL is required."},
    )
    title = _text("Title", help_text="6 to 500 characters.")
    text = _text("Text of the article", rows=10, help_text="80 to 50,000 characters.")
    authors = _text("Authors", rows=2, help_text="One per line (3 to 200 characters each).")
    date_published = forms.DateField(label="Date published", required=False, widget=DateInput)
    date_downloaded = forms.DateField(label="Date downloaded", required=False, widget=DateInput)
    language = forms.CharField(label="Language (ISO code)", initial="en", required=False)
    image_url = forms.CharField(label="Image URL", required=False, widget=forms.URLInput())
    incident_ids = _text(
        "Existing incident ids", help_text="If the article is about known incidents: 12, 40."
    )
    incident_title = _text("Proposed incident title")
    incident_date = forms.DateField(label="Incident date", required=False, widget=DateInput)
    description = _text("Incident description", rows=4)
    deployers = _text("Alleged deployers of the AI system", rows=2, help_text="One per line.")
    developers = _text("Alleged developers of the AI system", rows=2, help_text="One per line.")
    harmed_parties = _text("Alleged harmed or nearly harmed parties", rows=2)

    quick_add = False

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.mark_required()

    def mark_required(self) -> None:
        """Label as required what `submission_validate` requires (a quick add needs only the
        URL), so no field the form shows as optional is refused when left empty."""
        messages = {
            "title": "A title is required (6 to 500 characters).",
            "text": "The article's text is required (80 to 50,000 characters).",
        }
        for name, message in messages.items():
            if name in self.fields:
                self.fields[name].required = not self.quick_add
                self.fields[name].error_messages["required"] = message

    def clean_incident_ids(self) -> list[int]:
        return parse_incident_ids(self.cleaned_data.get("incident_ids", ""))

    def submission_data(self) -> SubmissionData:
        data = self.cleaned_data
        return SubmissionData(
            url=data.get("url", ""),
            title=data.get("title", ""),
            text=data.get("text", ""),
            authors=split_names(data.get("authors", "")),
            date_published=data.get("date_published"),
            date_downloaded=data.get("date_downloaded"),
            language=data.get("language", "") or "en",
            image_url=data.get("image_url", ""),
            incident_ids=data.get("incident_ids") or [],
            incident_title=data.get("incident_title", ""),
            incident_date=data.get("incident_date"),
            description=data.get("description", ""),
            deployers=split_names(data.get("deployers", "")),
            developers=split_names(data.get("developers", "")),
            harmed_parties=split_names(data.get("harmed_parties", "")),
            submitter_name=data.get("submitter_name", ""),
            submitter_email=data.get("submitter_email", ""),
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        self.data_for_service = self.submission_data().cleaned()
        errors = submission_validate(self.data_for_service, quick_add=self.quick_add)
        for name, messages in errors.items():
            if name in self.errors:
                continue  # already refused while parsing; one message per problem
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
        return cleaned


class PublicSubmissionMixin(forms.Form):
    """What only the public forms carry: contact details, the honeypot, the idempotency key."""

    submitter_name = _text("Your name")
    submitter_email = forms.EmailField(
        label="Your email",
        required=False,
        help_text="We write to you when an editor decides; never shown publicly.",
    )
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    homepage = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def honeypot_filled(self) -> bool:
        return bool(self.data.get(HONEYPOT_FIELD, "").strip())


class SubmissionForm(PublicSubmissionMixin, SubmissionFieldsMixin):
    confirm_duplicates = forms.BooleanField(
        label="I have looked at the possible duplicates and this is a different report.",
        required=False,
    )
    field_order = [
        "url",
        "title",
        "text",
        "authors",
        "date_published",
        "date_downloaded",
        "language",
        "image_url",
        "incident_ids",
        "incident_title",
        "incident_date",
        "description",
        "deployers",
        "developers",
        "harmed_parties",
        "submitter_name",
        "submitter_email",
    ]


class QuickAddForm(PublicSubmissionMixin, SubmissionFieldsMixin):
    quick_add = True

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        keep = {"url", "incident_ids", "submitter_email", "idempotency_key", HONEYPOT_FIELD}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]


def fresh_idempotency_key() -> dict[str, str]:
    return {"idempotency_key": str(uuid.uuid4())}


class SubmissionEditForm(SubmissionFieldsMixin):
    """An editor's corrections before a decision (the submitter's contact stays theirs)."""

    def __init__(self, *args: object, quick_add: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.quick_add = quick_add
        self.mark_required()

    def changes(self) -> dict[str, object]:
        data = self.data_for_service
        return {name: getattr(data, name) for name in self.fields}


class AcceptForm(forms.Form):
    action = forms.ChoiceField(
        label="Accept as",
        choices=[
            ("accept_existing", "A report on existing incidents"),
            ("accept_new_incident", "A new incident"),
            ("accept_issue", "An issue (a report tied to no incident)"),
        ],
    )
    incident_ids = _text("Incident ids", help_text="For existing incidents: 12, 40.")
    reason = _text("Note for the submitter (optional)", rows=2)

    def clean_incident_ids(self) -> list[int] | None:
        ids = parse_incident_ids(self.cleaned_data.get("incident_ids", ""))
        return ids or None

    def clean_action(self) -> str:
        action = self.cleaned_data["action"]
        if action not in ACCEPT_ACTIONS:
            raise ValidationError("Choose how to accept.")
        return action


class RejectForm(forms.Form):
    reason = _text("Reason (shown to the submitter)", rows=3, required=True)


class BulkForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a.title()) for a in BULK_ACTIONS])
    reason = _text("Reason for rejecting", rows=1)

    def clean(self) -> dict:
        cleaned = super().clean()
        # Ticked rows arrive as repeated `ids`; anything that is not an id is ignored and the
        # service reports ids that name no submission.
        posted = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        ids = [int(p) for p in posted if p.isascii() and p.isdigit() and len(p) < 19]
        if not ids:
            raise ValidationError("Tick at least one submission.")
        cleaned["ids"] = ids
        return cleaned
