"""URL map. Each area owns its own module; this file only composes them."""

from django.contrib import admin
from django.urls import include, path

from registry import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/following/", include("search.follow_urls")),
    path("accounts/", include("registry.account_urls")),
    path("api/v1/", include("registry.api_urls")),
    path("search/", include("search.urls")),
    path("submit/", include("incidents.submission_urls")),
    path("disclosures/", include("emissions.urls")),
    path("systems/", include("emissions.system_urls")),
    path("venues/", include("venues.urls")),
    path("datasets/", include("datasets.urls")),
    path("", include("incidents.urls")),
]

handler404 = "registry.views.not_found"
