"""The researcher's pages: write a disclosure (with a footprint preview), import one, list
one's own, act on one (submit, withdraw, amend) and talk with its reviewers."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from emissions.charts import Bar, bar_chart_svg
from emissions.estimator import EstimatorInputError
from emissions.forms import (
    CommentForm,
    DisclosureForm,
    ImportForm,
    ReasonForm,
    RunForm,
    RunFormSet,
    accelerator_names,
    cloud_region_names,
    country_options,
)
from emissions.models import Disclosure
from emissions.presentation import may_follow_review
from emissions.previews import footprint_preview
from emissions.selectors import disclosures_owned_by, recomputation_current
from emissions.services.comments_and_conflicts import disclosure_comment
from emissions.services.disclosures import (
    disclosure_amend,
    disclosure_create,
    disclosure_import_from_codecarbon,
    disclosure_import_from_hf_card,
    disclosure_update,
)
from emissions.services.errors import AmendmentRefused, CommentRefused, DisclosureNotEditable
from emissions.services.workflow import (
    DISCLOSURE_WORKFLOW,
    action_permitted,
    disclosure_submit,
    disclosure_transition,
)
from emissions.systems import system_suggestions
from emissions.views.common import owned_disclosure_or_404, safe_next, visible_disclosure_or_404
from registry.workflow import TransitionNotAllowed

RUNS_PREFIX = "runs"
RUN_ERROR = re.compile(r"^runs\[(\d+)\]\.(?:location\.)?(\w+)$")


def _attach_errors(form: DisclosureForm, runs: Any, error: ValidationError) -> None:
    """Put the services' field errors next to the inputs they concern."""
    for key, messages_ in error.message_dict.items():
        match = RUN_ERROR.match(key)
        for message in messages_:
            if match and int(match.group(1)) < len(runs.forms):
                run_form = runs.forms[int(match.group(1))]
                name = match.group(2)
                run_form.add_error(name if name in run_form.fields else None, worded(message))
            elif key in form.fields:
                form.add_error(key, message)
            else:
                form.add_error(None, f"{key}: {message}" if key != "__all__" else message)


def worded(message: str) -> str:
    """The estimator's "unknown accelerator 'A100'; did you mean ..." as a sentence."""
    head, _, tail = message.partition("; ")
    sentence = head[:1].upper() + head[1:]
    return f"{sentence}: {tail}" if tail else sentence


def _at_field(runs: Any, error: EstimatorInputError) -> str:
    """Put an estimator refusal at the run field it names; the notice for the preview."""
    match = RUN_ERROR.match(error.field)
    if match and int(match.group(1)) < len(runs.forms):
        run_form = runs.forms[int(match.group(1))]
        name = match.group(2)
        if name in run_form.fields:
            run_form.add_error(name, worded(error.message))
            return f"Run {int(match.group(1)) + 1}: {worded(error.message)}"
    return str(error)


def _with_extra_run(data: QueryDict) -> QueryDict:
    """The posted data with one more (blank) run row: "Add a run" works without JavaScript."""
    more = data.copy()
    total = int(more.get(f"{RUNS_PREFIX}-TOTAL_FORMS", "1") or 1)
    more[f"{RUNS_PREFIX}-TOTAL_FORMS"] = str(min(total + 1, RunFormSet.max_num))
    return more


def _editor(
    request: HttpRequest, *, disclosure: Disclosure | None, template: str = "emissions/form.html"
) -> HttpResponse:
    """The create and edit page: Preview re-renders with the estimate, Save writes a draft,
    Save and submit also sends it to review."""
    preview: dict[str, Any] | None = None
    preview_error = ""
    if request.method == "POST":
        data = _with_extra_run(request.POST) if "add_run" in request.POST else request.POST
        form = DisclosureForm(data)
        runs = RunFormSet(data, prefix=RUNS_PREFIX)
        if "add_run" not in request.POST and form.is_valid() and runs.is_valid():
            run_dicts = [f.to_run() for f in runs.forms if f.cleaned_data and f.to_run()]
            fields = form.to_fields(run_dicts)
            if "preview" in request.POST:
                try:
                    preview = footprint_preview(
                        runs=run_dicts,
                        claim={
                            "energy_kwh": fields.get("claim_energy_kwh"),
                            "tco2e": fields.get("claim_tco2e"),
                            "basis": fields.get("claim_basis"),
                        },
                    )
                except EstimatorInputError as error:
                    preview_error = _at_field(runs, error)
            else:
                saved = _save(request, form, runs, fields, disclosure)
                if saved is not None:
                    return saved
    elif disclosure is not None:
        form = DisclosureForm(initial=DisclosureForm.initial_from(disclosure))
        runs = RunFormSet(
            initial=[RunForm.initial_from_run(run) for run in disclosure.runs] or None,
            prefix=RUNS_PREFIX,
        )
    else:
        form = DisclosureForm(initial=DisclosureForm.new_initial())
        runs = RunFormSet(prefix=RUNS_PREFIX)
    return render(
        request,
        template,
        {
            "form": form,
            "runs": runs,
            "disclosure": disclosure,
            "preview": preview,
            "preview_error": preview_error,
            "accelerators": accelerator_names(),
            "countries": country_options(),
            "cloud_regions": cloud_region_names(),
        },
    )


def _save(
    request: HttpRequest,
    form: DisclosureForm,
    runs: Any,
    fields: Any,
    disclosure: Disclosure | None,
) -> HttpResponse | None:
    try:
        if disclosure is None:
            saved = disclosure_create(
                owner=request.user,
                fields=fields,
                idempotency_key=form.cleaned_data.get("idempotency_key"),
            )
        else:
            saved = disclosure_update(
                disclosure_id=disclosure.pk, actor=request.user, fields=fields
            )
    except ValidationError as error:
        _attach_errors(form, runs, error)
        return None
    except DisclosureNotEditable as error:
        messages.error(request, str(error))
        return redirect(saved_url(disclosure))
    if "submit" in request.POST:
        try:
            disclosure_submit(disclosure_id=saved.pk, actor=request.user)
        except ValidationError as error:
            messages.error(request, "Saved as a draft. " + " ".join(error.messages))
            return redirect("emissions:edit", pk=saved.pk)
        except TransitionNotAllowed as error:
            messages.error(request, f"Saved. {error}")
            return redirect(saved.get_absolute_url())
        messages.success(request, "Submitted for review. The estimator is recomputing it.")
    else:
        messages.success(request, "Draft saved.")
    return redirect(saved.get_absolute_url())


def saved_url(disclosure: Disclosure | None) -> str:
    return disclosure.get_absolute_url() if disclosure is not None else "/disclosures/mine/"


@login_required
def disclosure_new(request: HttpRequest) -> HttpResponse:
    return _editor(request, disclosure=None)


@login_required
def disclosure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    disclosure = owned_disclosure_or_404(request, pk)
    if not disclosure.is_editable:
        messages.error(
            request,
            f"A disclosure that is {disclosure.get_state_display().lower()} cannot be edited.",
        )
        return redirect(disclosure.get_absolute_url())
    return _editor(request, disclosure=disclosure)


@login_required
def disclosure_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        importer = (
            disclosure_import_from_codecarbon
            if form.cleaned_data["kind"] == "codecarbon"
            else disclosure_import_from_hf_card
        )
        fields = {
            "model_name": form.cleaned_data["model_name"],
            "organisation": form.cleaned_data["organisation"],
        }
        data_key = "csv_data" if form.cleaned_data["kind"] == "codecarbon" else "card_data"
        try:
            result = importer(
                owner=request.user, fields=fields, **{data_key: form.cleaned_data["file"]}
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("file", message)
        else:
            for warning in result.warnings:
                messages.warning(request, warning)
            messages.success(request, "Imported as a draft: check the runs and the claim.")
            return redirect("emissions:imported", pk=result.disclosure.pk)
    return render(request, "emissions/import.html", {"form": form})


SUMMARY_CHART_RUNS = 12


@login_required
def disclosure_imported(request: HttpRequest, pk: int) -> HttpResponse:
    """What an import brought in, summed up (runs, totals, a chart), before the full form."""
    disclosure = owned_disclosure_or_404(request, pk)
    runs = [r for r in disclosure.runs if isinstance(r, dict)]
    by_energy = sorted(runs, key=lambda r: float(r.get("energy_kwh") or 0), reverse=True)
    chart = bar_chart_svg(
        [
            Bar(str(r.get("name") or f"run {i + 1}"), float(r.get("energy_kwh") or 0), "actual")
            for i, r in enumerate(by_energy[:SUMMARY_CHART_RUNS])
        ],
        title="Energy of each imported run",
        description="Facility energy of the largest imported runs, in kWh.",
        unit_format=lambda value: f"{value:.3g} kWh",
    )
    places = sorted({str((r.get("location") or {}).get("country") or "") for r in runs} - {""})
    return render(
        request,
        "emissions/import_summary.html",
        {
            "disclosure": disclosure,
            "runs": runs,
            "hours": sum(float(r.get("hours") or 0) for r in runs),
            "places": places,
            "chart": chart if runs else None,
            "more": max(len(runs) - SUMMARY_CHART_RUNS, 0),
        },
    )


@login_required
def disclosure_mine(request: HttpRequest) -> HttpResponse:
    disclosures = list(disclosures_owned_by(request.user))
    rows = [(d, recomputation_current(d)) for d in disclosures]
    return render(request, "emissions/mine.html", {"rows": rows})


@login_required
@require_POST
def disclosure_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One workflow action from a page button: 404 if invisible, 403 if not the viewer's."""
    disclosure = visible_disclosure_or_404(request, pk)
    action = action.replace("-", "_")
    if action not in DISCLOSURE_WORKFLOW.transitions or action == "assign":
        raise Http404("No such action.")
    if not action_permitted(action, actor=request.user, disclosure=disclosure):
        raise PermissionDenied(f"You may not {action.replace('_', ' ')} this disclosure.")
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    back = safe_next(request, disclosure.get_absolute_url())
    try:
        disclosure_transition(
            action=action, disclosure_id=disclosure.pk, actor=request.user, reason=reason
        )
    except TransitionNotAllowed as error:
        messages.error(request, str(error).capitalize() + ".")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        if action == "submit":
            return redirect("emissions:edit", pk=disclosure.pk)
    else:
        label = DISCLOSURE_WORKFLOW.transitions[action].label
        messages.success(request, f"{label}: done.")
        if action == "submit" and system_suggestions(disclosure):
            # Catalog systems are named like the model: the author says which use it (or none).
            return redirect("emissions:systems", pk=disclosure.pk)
    return HttpResponseRedirect(back)


@login_required
@require_POST
def disclosure_comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    disclosure = visible_disclosure_or_404(request, pk)
    if not may_follow_review(request.user, disclosure):
        raise PermissionDenied("Only its researcher and reviewers may comment.")
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            disclosure_comment(
                disclosure_id=disclosure.pk, author=request.user, body=form.cleaned_data["body"]
            )
        except CommentRefused as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Comment added.")
    else:
        messages.error(request, " ".join(form.errors.get("body", ["Write a comment first."])))
    return HttpResponseRedirect(safe_next(request, disclosure.get_absolute_url()))


@login_required
@require_POST
def disclosure_amend_start(request: HttpRequest, pk: int) -> HttpResponse:
    disclosure = owned_disclosure_or_404(request, pk)
    try:
        amendment = disclosure_amend(disclosure_id=disclosure.pk, actor=request.user)
    except AmendmentRefused as error:
        messages.error(request, str(error))
        return redirect(disclosure.get_absolute_url())
    messages.success(request, f"Version {amendment.version} started as a draft.")
    return redirect("emissions:edit", pk=amendment.pk)
