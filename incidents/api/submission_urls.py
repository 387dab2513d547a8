"""/api/v1/: the submission queue and the editors' catalog actions."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from incidents.api import editing
from incidents.api.submissions import SubmissionViewSet

router = SimpleRouter()
router.register("submissions", SubmissionViewSet, basename="api-submissions")

urlpatterns = [
    *router.urls,
    path(
        "incidents/<str:incident_id>/merge/",
        editing.IncidentMergeView.as_view(),
        name="api-incident-merge",
    ),
    path(
        "incidents/<str:incident_id>/link/",
        editing.IncidentLinkView.as_view(),
        name="api-incident-link",
    ),
    path(
        "incidents/<str:incident_id>/unlink/",
        editing.IncidentUnlinkView.as_view(),
        name="api-incident-unlink",
    ),
    path("reports/<str:number>/link/", editing.ReportLinkView.as_view(), name="api-report-link"),
    path(
        "reports/<str:number>/unlink/",
        editing.ReportUnlinkView.as_view(),
        name="api-report-unlink",
    ),
    path("reports/<str:number>/flag/", editing.ReportFlagView.as_view(), name="api-report-flag"),
    path(
        "reports/<str:number>/unflag/",
        editing.ReportUnflagView.as_view(),
        name="api-report-unflag",
    ),
    path("entities/<str:slug>/merge/", editing.EntityMergeView.as_view(), name="api-entity-merge"),
]
