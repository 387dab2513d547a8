"""AI system pages: a system's incidents beside its models' training footprints, the editors'
link page, and the researcher's confirmation of suggested systems for a disclosure."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from emissions.charts import Bar, bar_chart_svg
from emissions.models import Disclosure, SystemModelLink, SystemRelation
from emissions.selectors import disclosures_public
from emissions.services.system_links import (
    may_link_systems,
    system_link_create,
    system_link_remove,
)
from emissions.systems import system_page, system_suggestions, systems_list
from emissions.views.common import owned_disclosure_or_404


class SystemLinkForm(forms.Form):
    relation = forms.ChoiceField(choices=SystemRelation.choices)
    model_name = forms.CharField(max_length=200, required=False, help_text="e.g. GPT-3.5")
    disclosure = forms.ModelChoiceField(
        queryset=Disclosure.objects.none(),
        required=False,
        help_text="The verified disclosure of that model, if there is one",
    )
    source = forms.CharField(
        max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), help_text="Citation or URL"
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["disclosure"].queryset = disclosures_public().order_by("model_name", "-id")


def _year_chart(per_year: list[tuple[int, int]]):  # noqa: ANN202 - a SafeString or ""
    if not per_year:
        return ""
    return bar_chart_svg(
        [Bar(str(year), float(count), "actual") for year, count in per_year],
        title="Incidents per year",
        description="Number of incidents naming this system, by the year of the incident.",
        unit_format=lambda value: f"{value:.0f}",
    )


@require_GET
def system_list(request: HttpRequest) -> HttpResponse:
    return render(request, "emissions/system_list.html", {"systems": list(systems_list())})


@require_GET
def system_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = system_page(slug=slug)
    if page is None:
        raise Http404("No such system")
    return render(
        request,
        "emissions/system_detail.html",
        {
            "page": page,
            "system": page.system,
            "year_chart": _year_chart(page.incidents_per_year),
            "may_link": may_link_systems(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def system_links_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Editors link the system to a model, or remove a link, one audited service call each."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not may_link_systems(request.user):
        raise PermissionDenied("Only editors link systems.")
    page = system_page(slug=slug)
    if page is None:
        raise Http404("No such system")
    form = SystemLinkForm(request.POST or None)
    if request.method == "POST":
        try:
            if "remove" in request.POST:
                link_id = int(request.POST["remove"])
                if not SystemModelLink.objects.filter(pk=link_id, system=page.system).exists():
                    raise ValidationError("No such link on this system.")
                system_link_remove(
                    actor=request.user, link_id=link_id, reason=request.POST.get("reason", "")
                )
                return redirect("systems:links", slug=slug)
            if form.is_valid():
                chosen = form.cleaned_data["disclosure"]
                system_link_create(
                    actor=request.user,
                    system_id=page.system.pk,
                    relation=form.cleaned_data["relation"],
                    model_name=form.cleaned_data["model_name"],
                    disclosure_id=chosen.pk if chosen else None,
                    source=form.cleaned_data["source"],
                )
                return redirect("systems:links", slug=slug)
        except (ValueError, KeyError):
            form.add_error(None, "Choose a link to remove.")
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
    return render(
        request,
        "emissions/system_links.html",
        {"page": page, "system": page.system, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def disclosure_systems(request: HttpRequest, pk: int) -> HttpResponse:
    """The author confirms which suggested systems their disclosure's model relates to."""
    disclosure = owned_disclosure_or_404(request, pk)
    error = ""
    if request.method == "POST":
        try:
            system_link_create(
                actor=request.user,
                system_id=int(request.POST.get("system", "")),
                relation=request.POST.get("relation", ""),
                disclosure_id=disclosure.pk,
            )
            return redirect("emissions:systems", pk=disclosure.pk)
        except ValueError:
            error = "Choose a system."
        except PermissionDenied:
            error = "Links of a decided disclosure are made by editors."
        except ValidationError as failure:
            error = " ".join(failure.messages)
    links = SystemModelLink.objects.filter(disclosure=disclosure).select_related("system")
    return render(
        request,
        "emissions/disclosure_systems.html",
        {
            "disclosure": disclosure,
            "links": list(links),
            "suggestions": system_suggestions(disclosure),
            "relations": SystemRelation.choices,
            "error": error,
        },
        status=400 if error else 200,
    )
