"""Routes of the conference review API (included under /api/v1/ by registry/api_urls.py)."""

from django.urls import path

from venues.api import views as v

urlpatterns = [
    path(
        "disclosures/<str:disclosure_id>/export/<str:fmt>/",
        v.DisclosureExportView.as_view(),
        name="api-disclosure-export",
    ),
    path("venues/", v.VenueListView.as_view(), name="api-venues"),
    path("venues/<slug:slug>/", v.VenueDetailView.as_view(), name="api-venue"),
    path(
        "venues/<slug:slug>/assignments/",
        v.AssignmentListView.as_view(),
        name="api-venue-assignments",
    ),
    path(
        "venues/<slug:slug>/assignments/auto/",
        v.AutoAssignView.as_view(),
        name="api-venue-assignments-auto",
    ),
    path(
        "venues/<slug:slug>/assignments/import/",
        v.AssignmentImportView.as_view(),
        name="api-venue-assignments-import",
    ),
    path(
        "venues/<slug:slug>/papers/<str:disclosure_id>/reviews/",
        v.ReviewsView.as_view(),
        name="api-venue-reviews",
    ),
    path(
        "venues/<slug:slug>/papers/<str:disclosure_id>/decide/",
        v.DecideView.as_view(),
        name="api-venue-decide",
    ),
    path("venues/<slug:slug>/requests/", v.PaperRequestsView.as_view(), name="api-venue-requests"),
    path(
        "venues/<slug:slug>/requests/<str:disclosure_id>/accept/",
        v.PaperAcceptView.as_view(),
        name="api-venue-request-accept",
    ),
    path(
        "venues/<slug:slug>/summary/<str:fmt>/",
        v.VenueSummaryView.as_view(),
        name="api-venue-summary",
    ),
    path("venues/<slug:slug>/exports/", v.ExportJobsView.as_view(), name="api-venue-exports"),
    path(
        "venues/<slug:slug>/exports/<str:job_id>/",
        v.ExportJobView.as_view(),
        name="api-venue-export",
    ),
    path(
        "venues/<slug:slug>/exports/<str:job_id>/download/",
        v.ExportDownloadView.as_view(),
        name="api-venue-export-download",
    ),
]
