"""/venues/: the conference review pages for chairs and reviewers, and export downloads."""

from django.urls import path

from venues.views import exports, pages

app_name = "venues"

urlpatterns = [
    path("", pages.venue_list, name="list"),
    path(
        "disclosures/<int:disclosure_id>/export/<slug:fmt>/",
        exports.disclosure_export,
        name="disclosure_export",
    ),
    path("<slug:slug>/", pages.venue_detail, name="detail"),
    path("<slug:slug>/assignments/", pages.assignment_page, name="assignments"),
    path("<slug:slug>/assignments/add/", pages.assignment_manual, name="assignment_add"),
    path("<slug:slug>/assignments/auto/", pages.assignment_auto, name="assignment_auto"),
    path("<slug:slug>/assignments/import/", pages.assignment_import, name="assignment_import"),
    path(
        "<slug:slug>/assignments/<int:assignment_id>/remove/",
        pages.assignment_delete,
        name="assignment_remove",
    ),
    path("<slug:slug>/papers/<int:disclosure_id>/", pages.paper_detail, name="paper"),
    path("<slug:slug>/papers/<int:disclosure_id>/accept/", pages.paper_accept, name="paper_accept"),
    path("<slug:slug>/papers/<int:disclosure_id>/review/", pages.review_form, name="review"),
    path("<slug:slug>/papers/<int:disclosure_id>/recuse/", pages.recuse, name="recuse"),
    path("<slug:slug>/summary.<slug:fmt>", exports.venue_summary, name="summary"),
    path("<slug:slug>/exports/", exports.export_page, name="exports"),
    path("<slug:slug>/exports/build/", exports.export_start, name="export_start"),
    path("<slug:slug>/exports/<int:job_id>/", exports.export_job, name="export_job"),
    path(
        "<slug:slug>/exports/<int:job_id>/download/",
        exports.export_download,
        name="export_download",
    ),
]
