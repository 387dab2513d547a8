"""URLconf of the API throughput benchmark's gunicorn (bench/api_throughput.py): the whole site
plus /bench/floor/..., bare Django views that run the API's queries and build the same JSON from
plain dicts, the framework floor the API is compared with."""

from __future__ import annotations

import base64
from typing import Any

from django.urls import include, path

PAGE_SIZE = 50


# --- The framework floor: plain Django views over the same queries -------------------------


def _incident_dict(row: dict[str, Any], site: str) -> dict[str, Any]:
    roles: dict[str, list[dict[str, str]]] = {
        "deployer": [],
        "developer": [],
        "harmed": [],
        "implicated_system": [],
    }
    for link in row["entity_rows"] or []:
        roles[link["role"]].append({"slug": link["slug"], "name": link["name"]})
    return {
        "id": row["id"],
        "title": row["title"],
        "description": row["description"],
        "date": row["date"],
        "date_precision": row["date_precision"],
        "entities": roles,
        "reports": row["report_numbers"] or [],
        "classifications": row["classification_rows"] or [],
        "editors": row["editors"],
        "source": row["source"],
        "source_license": row["source_license"],
        "source_attribution": row["source_attribution"],
        "created_at": row["created_at"],
        "modified_at": row["modified_at"],
        "permalink": f"{site}/incidents/{row['id']}/",
    }


INCIDENT_VALUES = (
    "id",
    "title",
    "description",
    "date",
    "date_precision",
    "entity_rows",
    "report_numbers",
    "classification_rows",
    "editors",
    "source",
    "source_license",
    "source_attribution",
    "created_at",
    "modified_at",
)


def floor_incident_list(request):  # type: ignore[no-untyped-def]
    from django.conf import settings
    from django.http import JsonResponse

    from incidents.api.selectors import incidents_for_api

    rows = list(incidents_for_api().values(*INCIDENT_VALUES)[: PAGE_SIZE + 1])
    following = None
    if len(rows) > PAGE_SIZE:
        cursor = base64.b64encode(f"p={rows[PAGE_SIZE - 1]['id']}".encode()).decode()
        following = request.build_absolute_uri(f"?cursor={cursor}")
    results = [_incident_dict(row, settings.SITE_URL) for row in rows[:PAGE_SIZE]]
    return JsonResponse({"next": following, "previous": None, "results": results})


def floor_incident_detail(request, incident_id: int):  # type: ignore[no-untyped-def]
    from django.conf import settings
    from django.http import Http404, JsonResponse

    from incidents.api.selectors import incidents_for_api

    row = incidents_for_api().filter(id=incident_id).values(*INCIDENT_VALUES).first()
    if row is None:
        raise Http404
    return JsonResponse(_incident_dict(row, settings.SITE_URL))


REPORT_VALUES = (
    "number",
    "title",
    "url",
    "source_domain",
    "language",
    "kind",
    "authors",
    "submitters",
    "tags",
    "date_published",
    "date_downloaded",
    "date_submitted",
    "date_modified",
    "description",
    "image_url",
    "flagged",
    "incident_ids",
    "classification_rows",
    "source",
    "source_license",
    "source_attribution",
    "created_at",
    "modified_at",
)


def floor_report_list(request):  # type: ignore[no-untyped-def]
    from django.conf import settings
    from django.http import JsonResponse

    from incidents.api.selectors import reports_for_api

    rows = list(reports_for_api(with_text=False).values(*REPORT_VALUES)[: PAGE_SIZE + 1])
    results = []
    for row in rows[:PAGE_SIZE]:
        item = dict(row)
        item["incidents"] = item.pop("incident_ids") or []
        item["classifications"] = item.pop("classification_rows") or []
        item["permalink"] = f"{settings.SITE_URL}/reports/{row['number']}/"
        results.append(item)
    cursor = base64.b64encode(f"p={rows[-1]['number']}".encode()).decode() if rows else ""
    return JsonResponse(
        {
            "next": request.build_absolute_uri(f"?cursor={cursor}"),
            "previous": None,
            "results": results,
        }
    )


urlpatterns = [
    path("bench/floor/incidents/", floor_incident_list),
    path("bench/floor/incidents/<int:incident_id>/", floor_incident_detail),
    path("bench/floor/reports/", floor_report_list),
    path("", include("registry.urls")),
]
