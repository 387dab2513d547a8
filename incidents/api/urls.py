"""Routes of the public catalog API (included under /api/v1/ by registry/api_urls.py)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from incidents.api import merges, views
from registry.api_conventions import csv_routes

router = SimpleRouter()
router.register("incidents", views.IncidentViewSet, basename="api-incidents")
router.register("reports", views.ReportViewSet, basename="api-reports")
router.register("entities", views.EntityViewSet, basename="api-entities")
router.register("taxonomies", views.TaxonomyViewSet, basename="api-taxonomies")
router.register("classifications", views.ClassificationViewSet, basename="api-classifications")

CSV_ROUTES = [
    csv_routes("incidents", views.IncidentViewSet, "api-incidents-csv"),
    csv_routes("reports", views.ReportViewSet, "api-reports-csv"),
    csv_routes("entities", views.EntityViewSet, "api-entities-csv"),
    csv_routes("taxonomies", views.TaxonomyViewSet, "api-taxonomies-csv"),
    csv_routes("classifications", views.ClassificationViewSet, "api-classifications-csv"),
    csv_routes("merged/incidents", merges.IncidentMergeViewSet, "api-incidents-merged-csv"),
    csv_routes("merged/entities", merges.EntityMergeViewSet, "api-entities-merged-csv"),
]

urlpatterns = [
    *CSV_ROUTES,
    path("lookup/", views.LookupView.as_view(), name="api-lookup"),
    path(
        "merged/incidents/",
        merges.IncidentMergeViewSet.as_view({"get": "list"}),
        name="api-incidents-merged",
    ),
    path(
        "merged/entities/",
        merges.EntityMergeViewSet.as_view({"get": "list"}),
        name="api-entities-merged",
    ),
    *router.urls,
]
