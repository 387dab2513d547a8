"""/accounts/following/: what a person follows, and the emailed links of the digests."""

from django.urls import path

from search import follow_views

urlpatterns = [
    path("", follow_views.following, name="following"),
    path("add/", follow_views.follow, name="follow_add"),
    path("<int:follow_id>/remove/", follow_views.unfollow, name="follow_remove"),
    path("confirm/", follow_views.send_confirmation, name="follow_send_confirmation"),
    path("confirm/<str:token>/", follow_views.confirm, name="follow_confirm"),
    path("unsubscribe/<str:token>/", follow_views.unsubscribe_page, name="follow_unsubscribe"),
]
