from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from incidents.rendering import render_markdown
from incidents.selectors import report_detail as select_report_detail


def report_detail(request: HttpRequest, number: int) -> HttpResponse:
    report = select_report_detail(number=number)
    if report is None:
        raise Http404("No report with this number")
    return render(
        request,
        "incidents/report_detail.html",
        {
            "report": report,
            "text_html": render_markdown(report.text),
            "incidents": list(report.incidents.all()),
        },
    )
