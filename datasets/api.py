"""GET /api/v1/datasets/: the published dataset snapshots as JSON, for scripts that fetch the
newest files and check them (each file's size, rows and SHA-256 from the snapshot's
manifest). `/api/v1/datasets/latest/` is always the newest snapshot."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from datasets.publishing import PublishedSnapshot, dataset_snapshot, dataset_snapshots
from datasets.snapshot import MANIFEST
from registry.api_conventions import (
    FORMAT_PARAMETER,
    ErrorSerializer,
    RegistryAPIMixin,
    unknown_parameter_error,
)

LATEST = "latest"


class DatasetFileSerializer(serializers.Serializer):
    path = serializers.CharField(help_text="Path inside the snapshot, e.g. `reports.jsonl`.")
    url = serializers.URLField(help_text="Download (CORS, gzip, byte ranges).")
    bytes = serializers.IntegerField(help_text="Size as stored (uncompressed).")
    rows = serializers.IntegerField(allow_null=True, help_text="Data rows; null if not a table.")
    sha256 = serializers.CharField(help_text="SHA-256 of the file, hex; also its ETag.")
    media_type = serializers.CharField()
    description = serializers.CharField()


class DatasetSnapshotSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The snapshot's UTC time, YYYY-MM-DD-HHMMSS.")
    created_at = serializers.DateTimeField()
    url = serializers.URLField(help_text="This snapshot's JSON.")
    manifest_url = serializers.URLField(help_text="manifest.json as written with the files.")
    total_bytes = serializers.IntegerField()
    files = DatasetFileSerializer(many=True)


class DatasetListSerializer(serializers.Serializer):
    latest = serializers.URLField(
        allow_null=True, help_text="`/api/v1/datasets/latest/`; null when none is published."
    )
    snapshots = DatasetSnapshotSerializer(many=True, help_text="Newest first.")


def _snapshot_payload(request: Request, snapshot: PublishedSnapshot) -> dict[str, Any]:
    def download(relative: str) -> str:
        return request.build_absolute_uri(
            reverse("dataset_download", args=[snapshot.name, relative])
        )

    return {
        "name": snapshot.name,
        "created_at": snapshot.created_at,
        "url": request.build_absolute_uri(reverse("api-dataset-detail", args=[snapshot.name])),
        "manifest_url": download(MANIFEST),
        "total_bytes": snapshot.total_bytes,
        "files": [{**f.as_dict(), "url": download(f.path)} for f in snapshot.files],
    }


class DatasetAPIView(RegistryAPIMixin, APIView):
    renderer_classes = [JSONRenderer]

    def check_parameters(self, request: Request) -> None:
        unknown = set(request.query_params) - {FORMAT_PARAMETER}
        if unknown:
            raise unknown_parameter_error(unknown)
        if request.query_params.get(FORMAT_PARAMETER, "json") != "json":
            raise exceptions.ValidationError({FORMAT_PARAMETER: "Only json is offered here."})


class DatasetListView(DatasetAPIView):
    summaries = {"get": "Published dataset snapshots, newest first, with checksums"}

    @extend_schema(
        operation_id="datasets_list",
        responses={200: DatasetListSerializer},
        tags=["datasets"],
    )
    def get(self, request: Request) -> Response:
        self.check_parameters(request)
        snapshots = dataset_snapshots()
        self.last_modified = snapshots[0].created_at if snapshots else None
        latest = request.build_absolute_uri(reverse("api-dataset-detail", args=[LATEST]))
        return Response(
            {
                "latest": latest if snapshots else None,
                "snapshots": [_snapshot_payload(request, s) for s in snapshots],
            }
        )


class DatasetDetailView(DatasetAPIView):
    summaries = {"get": "One dataset snapshot (`latest`: the newest) and its files"}

    @extend_schema(
        operation_id="datasets_retrieve",
        responses={
            200: DatasetSnapshotSerializer,
            404: OpenApiResponse(ErrorSerializer, "No such snapshot."),
        },
        tags=["datasets"],
    )
    def get(self, request: Request, name: str) -> Response:
        self.check_parameters(request)
        if name == LATEST:
            snapshots = dataset_snapshots()
            snapshot = snapshots[0] if snapshots else None
        else:
            snapshot = dataset_snapshot(name=name)
        if snapshot is None:
            raise exceptions.NotFound("No such dataset snapshot.")
        self.last_modified = snapshot.created_at
        return Response(_snapshot_payload(request, snapshot))
