from django.urls import path

from search import views

urlpatterns = [
    path("", views.search_page, name="search"),
    path("export.csv", views.search_export, {"extension": "csv"}, name="search_export_csv"),
    path("export.json", views.search_export, {"extension": "json"}, name="search_export_json"),
]
