from django.urls import path

from search import follow_views, views

urlpatterns = [
    path("", views.search_page, name="search"),
    path("export.csv", views.search_export, {"extension": "csv"}, name="search_export_csv"),
    path("feed.atom", follow_views.search_feed, name="search_feed"),
    path("export.json", views.search_export, {"extension": "json"}, name="search_export_json"),
]
