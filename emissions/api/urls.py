"""Routes of the disclosure workflow API (included under /api/v1/ by registry/api_urls.py)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from emissions.api import stateless, systems, views

router = SimpleRouter()
router.register("disclosures", views.DisclosureViewSet, basename="api-disclosures")

urlpatterns = [
    path("auth/token/", stateless.TokenView.as_view(), name="api-token"),
    path("estimate/", stateless.EstimateView.as_view(), name="api-estimate"),
    path(
        "disclosures/<str:pk>/assign/",
        views.DisclosureAssignView.as_view(),
        name="api-disclosures-assign",
    ),
    path(
        "disclosures/<str:pk>/amend/",
        views.DisclosureAmendView.as_view(),
        name="api-disclosures-amend",
    ),
    path(
        "disclosures/<str:pk>/comments/",
        views.DisclosureCommentsView.as_view(),
        name="api-disclosures-comments",
    ),
    path("systems/", systems.SystemList.as_view(), name="api-systems"),
    path("systems/<slug:slug>/", systems.SystemDetail.as_view(), name="api-systems-detail"),
    *router.urls,
]
