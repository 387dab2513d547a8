from django.urls import path

from registry.search.api import SearchAPIView

urlpatterns = [path("", SearchAPIView.as_view(), name="search_api")]
