"""/datasets/: published dataset snapshots and their downloads."""

from django.urls import path

from datasets import views

urlpatterns = [
    path("", views.dataset_list, name="dataset_list"),
    path("<str:name>/<path:relative>", views.dataset_download, name="dataset_download"),
]
