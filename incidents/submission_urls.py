"""/submit/: the public form, quick add, the private status page, the editors' queue and
the editors' catalog tools."""

from django.urls import path, re_path

from incidents.views import editing, submissions

app_name = "submissions"

urlpatterns = [
    path("", submissions.submission_form, name="form"),
    path("quick/", submissions.quick_add, name="quick_add"),
    path("received/", submissions.received, name="received"),
    path("status/<uuid:token>/", submissions.status, name="status"),
    path("queue/", submissions.queue, name="queue"),
    path("queue/bulk/", submissions.bulk, name="bulk"),
    path("queue/<int:pk>/", submissions.detail, name="detail"),
    path("queue/<int:pk>/edit/", submissions.edit, name="edit"),
    re_path(
        r"^queue/(?P<pk>[0-9]+)/(?P<action>claim|unclaim|accept|reject)/$",
        submissions.act,
        name="act",
    ),
    path("editor/", editing.tools, name="editor_tools"),
    path("editor/<slug:tool>/", editing.tool, name="editor_tool"),
]
