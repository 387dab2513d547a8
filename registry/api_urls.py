"""/api/v1/: each area contributes its own routes."""

from django.urls import include, path

urlpatterns = [
    path("", include("registry.api_schema_urls")),
    path("", include("incidents.api.urls")),
    path("", include("incidents.api.submission_urls")),
    path("", include("emissions.api.urls")),
    path("", include("venues.api.urls")),
    path("search/", include("search.api_urls")),
    path("datasets/", include("datasets.api_urls")),
]
