"""/systems/: AI systems with their incidents and their models' training footprints."""

from django.urls import path

from emissions.views import systems

app_name = "systems"

urlpatterns = [
    path("", systems.system_list, name="list"),
    path("<slug:slug>/", systems.system_detail, name="detail"),
    path("<slug:slug>/links/", systems.system_links_edit, name="links"),
]
