"""/api/v1/datasets/: the published snapshots as JSON."""

from django.urls import path

from datasets.api import DatasetDetailView, DatasetListView

urlpatterns = [
    path("", DatasetListView.as_view(), name="api-dataset-list"),
    path("<str:name>/", DatasetDetailView.as_view(), name="api-dataset-detail"),
]
