"""The API's description: OpenAPI 3 at /api/v1/schema/ and interactive docs at /api/v1/docs/.

The docs page loads Swagger UI from drf-spectacular-sidecar's static files and starts it from
static/js/api-docs.js, so it runs under the site's CSP (script-src 'self', no inline script).
"""

from typing import Any

from django.urls import path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.request import Request
from rest_framework.response import Response


class ApiDocsView(SpectacularSwaggerView):
    template_name = "api/docs.html"
    title = "API documentation"

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().get(request, *args, **kwargs)
        # Swagger UI needs no opener relaxation here: keep the site's default policy.
        del response.headers["Cross-Origin-Opener-Policy"]
        return response


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", ApiDocsView.as_view(url_name="schema"), name="api-docs"),
]
