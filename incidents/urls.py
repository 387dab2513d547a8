"""Public pages of the incident catalog. URLs are a stable contract (see issue #2)."""

from django.urls import path

from incidents.views import entities, feeds, home, incidents, reports, taxonomies

urlpatterns = [
    path("", home.home, name="home"),
    path("incidents/", incidents.incident_list, name="incident_list"),
    path("incidents/<int:incident_id>/", incidents.incident_detail, name="incident_detail"),
    path("incidents/<int:incident_id>/cite.bib", incidents.incident_bibtex, name="incident_bibtex"),
    path("reports/<int:number>/", reports.report_detail, name="report_detail"),
    path("entities/", entities.entity_list, name="entity_list"),
    path("entities/<slug:slug>/", entities.entity_detail, name="entity_detail"),
    path("taxonomies/", taxonomies.taxonomy_list, name="taxonomy_list"),
    path("taxonomies/<str:namespace>/", taxonomies.taxonomy_detail, name="taxonomy_detail"),
    path("feeds/incidents.atom", feeds.IncidentsFeed(), name="feed_incidents"),
    path("feeds/reports.atom", feeds.ReportsFeed(), name="feed_reports"),
]
