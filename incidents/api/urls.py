"""Routes of the public catalog API (included under /api/v1/ by registry/api_urls.py)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from incidents.api import merges, views

router = SimpleRouter()
router.register("incidents", views.IncidentViewSet, basename="api-incidents")
router.register("reports", views.ReportViewSet, basename="api-reports")
router.register("entities", views.EntityViewSet, basename="api-entities")
router.register("taxonomies", views.TaxonomyViewSet, basename="api-taxonomies")
router.register("classifications", views.ClassificationViewSet, basename="api-classifications")

urlpatterns = [
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
