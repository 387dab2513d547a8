"""The API's description: OpenAPI 3 at /api/v1/schema/ and interactive docs at /api/v1/docs/.

The docs page loads Swagger UI from drf-spectacular-sidecar's static files and starts it from
static/js/api-docs.js, so it runs under the site's CSP (script-src 'self', no inline script).
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_safe
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.request import Request
from rest_framework.response import Response

from registry.api_deprecation import CHANGELOG_PATH


class ApiDocsView(SpectacularSwaggerView):
    template_name = "api/docs.html"
    title = "API documentation"

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().get(request, *args, **kwargs)
        # Swagger UI needs no opener relaxation here: keep the site's default policy.
        del response.headers["Cross-Origin-Opener-Policy"]
        return response


@require_safe
def api_changelog(request: HttpRequest) -> HttpResponse:
    """docs/api-changelog.md as written: the page the `Deprecation` headers link to."""
    text = CHANGELOG_PATH.read_text(encoding="utf-8")
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    return response


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", ApiDocsView.as_view(url_name="schema"), name="api-docs"),
    path("changelog/", api_changelog, name="api-changelog"),
]
