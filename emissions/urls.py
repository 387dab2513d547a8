"""/disclosures/: the public leaderboard and pages, the researcher's and the reviewer's pages."""

from django.urls import path

from emissions.views import plan, public, researcher, review, systems

app_name = "emissions"

urlpatterns = [
    path("", public.leaderboard, name="leaderboard"),
    path("new/", researcher.disclosure_new, name="new"),
    path("import/", researcher.disclosure_import, name="import"),
    path("mine/", researcher.disclosure_mine, name="mine"),
    path("plan/", plan.plan, name="plan"),
    path("review/", review.review_queue_page, name="review_queue"),
    path("review/bulk/", review.review_bulk, name="review_bulk"),
    path("review/<int:pk>/", review.review_detail, name="review_detail"),
    path("review/<int:pk>/assign/", review.review_assign, name="review_assign"),
    path("review/<int:pk>/recuse/", review.review_recuse, name="review_recuse"),
    path("<int:pk>/", public.disclosure_detail, name="detail"),
    path("<int:pk>/edit/", researcher.disclosure_edit, name="edit"),
    path("<int:pk>/amend/", researcher.disclosure_amend_start, name="amend"),
    path("<int:pk>/systems/", systems.disclosure_systems, name="systems"),
    path("<int:pk>/comment/", researcher.disclosure_comment_add, name="comment"),
    path("<int:pk>/act/<slug:action>/", researcher.disclosure_act, name="act"),
    path("<int:pk>/imported/", researcher.disclosure_imported, name="imported"),
]
