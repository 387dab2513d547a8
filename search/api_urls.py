from django.urls import path

from search.api import SearchAPIView

urlpatterns = [path("", SearchAPIView.as_view(), name="search_api")]
