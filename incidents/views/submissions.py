"""Pages of the public submission form, the submitter's status page and the editors' queue.

Views parse requests and render; every rule lives in incidents.services.submissions (writes)
and incidents.services.submission_queue (reads).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET, require_POST

from incidents.api.submissions import SubmissionRateThrottle
from incidents.forms.submissions import (
    AcceptForm,
    BulkForm,
    QuickAddForm,
    RejectForm,
    SubmissionEditForm,
    SubmissionForm,
    fresh_idempotency_key,
)
from incidents.models.submissions import Submission
from incidents.services.duplicates import duplicates_find, duplicates_for_submission
from incidents.services.submission_input import EDITABLE_FIELDS
from incidents.services.submission_queue import (
    QUEUE_SORTS,
    QUEUE_STATES,
    QueueFilters,
    submission_for_token,
    submission_history,
    submission_languages,
    submissions_queue,
)
from incidents.services.submissions import (
    ACCEPT_ACTIONS,
    SUBMISSION_TRANSITIONS,
    idempotency_scope_for,
    is_editor,
    submission_accept,
    submission_claim,
    submission_create,
    submission_edit,
    submission_reject,
    submission_unclaim,
    submissions_bulk,
)
from registry.workflow import TransitionNotAllowed

logger = logging.getLogger(__name__)

RECEIVED_SESSION_KEY = "submission_received"
TOO_MANY_REQUESTS = 429
QUEUE_PAGE_SIZE = 50

View = Callable[..., HttpResponse]


def editor_required(view: View) -> View:
    """Anonymous visitors are sent to log in; logged-in non-editors get 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_editor(request.user):
            raise PermissionDenied("Only editors may use the submission queue.")
        return view(request, *args, **kwargs)

    return wrapper


def add_service_errors(form: Form, invalid: ValidationError) -> None:
    """Show a service's refusal on the form: by field where it names one, else on top."""
    errors = invalid.message_dict if hasattr(invalid, "error_dict") else {None: invalid.messages}
    for name, messages_ in errors.items():
        for message in messages_:
            form.add_error(name if name in form.fields else None, message)


def _private(response: HttpResponse) -> HttpResponse:
    # Pages that show a private link or a submitter's details stay out of caches and indexes.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- Public pages ----------------------------------------------------------------------------


def _throttled(request: HttpRequest) -> int | None:
    """Minutes to wait when this address has filed too many submissions, else None."""
    throttle = SubmissionRateThrottle()
    if throttle.allow_request(request, None):
        return None
    return max(1, round((throttle.wait() or 60) / 60))


def _file(request: HttpRequest, form: SubmissionForm | QuickAddForm, template: str) -> HttpResponse:
    """The shared end of both public forms: rate limit, filing, redirect."""
    wait_minutes = _throttled(request)
    if wait_minutes is not None:
        form.add_error(
            None,
            "Too many submissions from your address. "
            f"Please try again in about {wait_minutes} minutes.",
        )
        return render(request, template, {"form": form}, status=TOO_MANY_REQUESTS)
    try:
        filed = submission_create(
            data=form.data_for_service,
            submitter=request.user if request.user.is_authenticated else None,
            quick_add=form.quick_add,
            idempotency_key=form.cleaned_data["idempotency_key"],
            idempotency_scope=_idempotency_scope(request),
        )
    except ValidationError as invalid:
        add_service_errors(form, invalid)
        return render(request, template, {"form": form})
    request.session[RECEIVED_SESSION_KEY] = str(filed.submission.token)
    return redirect("submissions:received")


def _idempotency_scope(request: HttpRequest) -> str:
    if not request.user.is_authenticated and request.session.session_key is None:
        request.session.save()  # the form's key counts within this browser's session
    return idempotency_scope_for(
        user=request.user,
        session_key=request.session.session_key,
        address=SubmissionRateThrottle().get_ident(request),
    )


def _discard() -> HttpResponse:
    # A bot filled the hidden field: answer exactly as after a real submission, keep nothing.
    logger.info("submission honeypot filled; discarded")
    return redirect("submissions:received")


def submission_form(request: HttpRequest) -> HttpResponse:
    template = "submissions/form.html"
    if request.method != "POST":
        initial = fresh_idempotency_key()
        if request.user.is_authenticated:
            initial["submitter_email"] = request.user.email
        return render(request, template, {"form": SubmissionForm(initial=initial)})
    form = SubmissionForm(request.POST)
    if form.honeypot_filled():
        return _discard()
    if not form.is_valid():
        return render(request, template, {"form": form})
    if not form.cleaned_data["confirm_duplicates"]:
        data = form.data_for_service
        matches = duplicates_find(
            url=data.url,
            title=data.title,
            incident_title=data.incident_title,
            entity_names=[*data.deployers, *data.developers, *data.harmed_parties],
            around=data.date_published or data.incident_date,
            description=data.description,
        )
        if matches.any:
            return render(request, template, {"form": form, "duplicates": matches})
    return _file(request, form, template)


def quick_add(request: HttpRequest) -> HttpResponse:
    template = "submissions/quick_add.html"
    if request.method != "POST":
        return render(request, template, {"form": QuickAddForm(initial=fresh_idempotency_key())})
    form = QuickAddForm(request.POST)
    if form.honeypot_filled():
        return _discard()
    if not form.is_valid():
        return render(request, template, {"form": form})
    return _file(request, form, template)


@require_GET
def received(request: HttpRequest) -> HttpResponse:
    token = request.session.get(RECEIVED_SESSION_KEY)
    submission = None
    if token:
        try:
            submission = submission_for_token(token=uuid.UUID(token))
        except ValueError:
            submission = None
    return _private(render(request, "submissions/received.html", {"submission": submission}))


@require_GET
def status(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    submission = submission_for_token(token=token)
    if submission is None:
        return _private(render(request, "404.html", status=404))
    context = {
        "submission": submission,
        "incidents": list(submission.resulting_incidents.order_by("pk")),
    }
    return _private(render(request, "submissions/status.html", context))


# --- The editors' queue ----------------------------------------------------------------------


def _param(request: HttpRequest, name: str, default: str = "", limit: int = 200) -> str:
    # NUL cannot reach PostgreSQL; a filter value is a short line of text.
    return request.GET.get(name, default).replace("\x00", "").strip()[:limit]


def _queue_filters(request: HttpRequest) -> QueueFilters:
    query = request.GET
    state = query.get("state", "open")
    sort = query.get("sort", "oldest")
    return QueueFilters(
        state=state if state in QUEUE_STATES else "open",
        mine=query.get("mine") == "1",
        proposes_new_incident=query.get("proposed") == "1",
        possible_duplicate=query.get("duplicate") == "1",
        language=_param(request, "language", limit=16),
        submitted_from=_date(_param(request, "from")),
        submitted_to=_date(_param(request, "to")),
        sort=sort if sort in QUEUE_SORTS else "oldest",
        text=_param(request, "q"),
    )


def _date(value: str):  # noqa: ANN202 - a date or None
    try:
        return parse_date(value.strip())
    except ValueError:
        return None


@editor_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    filters = _queue_filters(request)
    page = Paginator(submissions_queue(actor=request.user, filters=filters), QUEUE_PAGE_SIZE)
    page_obj = page.get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "page_obj": page_obj,
        "states": QUEUE_STATES,
        "sorts": list(QUEUE_SORTS),
        "languages": submission_languages(),
    }
    return _private(render(request, "submissions/queue.html", context))


@editor_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    submission = get_object_or_404(
        Submission.objects.select_related("claimed_by", "decided_by", "resulting_report"), pk=pk
    )
    available = SUBMISSION_TRANSITIONS.available_to(request.user, submission, submission.state)
    incident_ids = ", ".join(str(i) for i in submission.incident_ids)
    context = {
        "submission": submission,
        "incidents": list(submission.resulting_incidents.order_by("pk")),
        "duplicates": duplicates_for_submission(submission=submission, include_submissions=True),
        "history": submission_history(submission=submission),
        "can_claim": "claim" in available,
        "can_unclaim": "unclaim" in available,
        "can_decide": "reject" in available,
        "accept_form": AcceptForm(
            initial={
                "action": "accept_existing" if submission.incident_ids else "accept_new_incident",
                "incident_ids": incident_ids,
            }
        ),
        "reject_form": RejectForm(),
    }
    return _private(render(request, "submissions/detail.html", context))


@editor_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    submission = get_object_or_404(Submission, pk=pk)
    template = "submissions/edit.html"
    if request.method != "POST":
        initial = {name: getattr(submission, name) for name in EDITABLE_FIELDS}
        for name in ("authors", "deployers", "developers", "harmed_parties"):
            initial[name] = "\n".join(initial[name])
        initial["incident_ids"] = ", ".join(str(i) for i in submission.incident_ids)
        form = SubmissionEditForm(initial=initial, quick_add=submission.quick_add)
        return _private(render(request, template, {"form": form, "submission": submission}))
    form = SubmissionEditForm(request.POST, quick_add=submission.quick_add)
    if not form.is_valid():
        return render(request, template, {"form": form, "submission": submission})
    try:
        submission_edit(submission_id=submission.pk, actor=request.user, changes=form.changes())
    except ValidationError as invalid:
        add_service_errors(form, invalid)
        return render(request, template, {"form": form, "submission": submission})
    except TransitionNotAllowed as refused:
        messages.error(request, str(refused))
        return redirect("submissions:detail", pk=submission.pk)
    messages.success(request, f"Submission {submission.pk} updated.")
    return redirect("submissions:detail", pk=submission.pk)


@editor_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Claim, unclaim, accept or reject; a refusal (someone was faster) becomes a message."""
    submission = get_object_or_404(Submission, pk=pk)
    done = redirect("submissions:detail", pk=submission.pk)
    try:
        if action == "claim":
            submission_claim(submission_id=submission.pk, actor=request.user)
            messages.success(request, f"You claimed submission {submission.pk}.")
        elif action == "unclaim":
            submission_unclaim(submission_id=submission.pk, actor=request.user)
            messages.success(request, f"Submission {submission.pk} is back in the queue.")
        elif action == "reject":
            form = RejectForm(request.POST)
            if not form.is_valid():
                messages.error(request, "Rejecting needs a reason for the submitter.")
                return done
            submission_reject(
                submission_id=submission.pk,
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, f"Submission {submission.pk} rejected.")
        elif action == "accept":
            form = AcceptForm(request.POST)
            if not form.is_valid():
                messages.error(request, _form_errors(form))
                return done
            accepted = submission_accept(
                submission_id=submission.pk,
                actor=request.user,
                action=form.cleaned_data["action"],
                incident_ids=form.cleaned_data["incident_ids"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(
                request,
                f"Submission {submission.pk} accepted "
                f"({ACCEPT_ACTIONS[form.cleaned_data['action']].label.lower()}): "
                f"report {accepted.resulting_report_id}.",
            )
        else:
            return _private(render(request, "404.html", status=404))
    except TransitionNotAllowed as refused:
        messages.error(request, str(refused))
    except ValidationError as invalid:
        messages.error(request, " ".join(invalid.messages))
    return done


def _form_errors(form: AcceptForm | RejectForm) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@editor_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    form = BulkForm(request.POST)
    back = HttpResponseRedirect(_safe_back(request))
    if not form.is_valid():
        messages.error(request, "Tick at least one submission and choose an action.")
        return back
    try:
        outcome = submissions_bulk(
            submission_ids=form.cleaned_data["ids"],
            action=form.cleaned_data["action"],
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as invalid:
        messages.error(request, " ".join(invalid.messages))
        return back
    verb = "claimed" if form.cleaned_data["action"] == "claim" else "rejected"
    messages.success(request, f"{len(outcome.done)} submission(s) {verb}.")
    for submission_id, why in sorted(outcome.refused.items()):
        messages.warning(request, f"Skipped {submission_id}: {why}")
    return back


def _safe_back(request: HttpRequest) -> str:
    # Back to the queue with its filters; only ever a path inside the queue.
    back = request.POST.get("next", "")
    return back if back.startswith("/submit/queue/") and "//" not in back else "/submit/queue/"
