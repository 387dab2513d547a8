from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from incidents.selectors import home_page


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"home": home_page()})
