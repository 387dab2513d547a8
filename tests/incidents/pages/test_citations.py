import datetime

import pytest

from incidents.citations import (
    bibtex_escape,
    citation_bibtex,
    citation_for,
    citation_text,
    name_last_first,
    name_last_initials,
)
from incidents.models import IncidentRedirect
from tests.factories.incidents import IncidentFactory, ReportFactory

RETRIEVED = datetime.date(2024, 3, 5)


def aiid_incident(**kwargs):
    defaults = {
        "id": 10,
        "title": "Sexist and racist Google search results",
        "date": datetime.date(2014, 8, 14),
        "editors": ["Sean McGregor"],
        "source": "aiid",
    }
    return IncidentFactory.build(**{**defaults, **kwargs})


def test_it_formats_the_aiid_text_citation_exactly():
    incident = aiid_incident()
    reports = [
        ReportFactory.build(
            number=2, submitters=["Roman Lutz"], date_submitted=datetime.date(2019, 1, 2)
        ),
        ReportFactory.build(
            number=1, submitters=["Catherine Olsson"], date_submitted=datetime.date(2018, 6, 1)
        ),
    ]

    text = citation_text(citation_for(incident=incident, reports=reports), retrieved_on=RETRIEVED)

    assert text == (
        "Olsson, Catherine. (2014-08-14) Incident Number 10: Sexist and racist Google search "
        "results. in McGregor, S. (ed.) Artificial Intelligence Incident Database. Responsible AI "
        "Collaborative. Retrieved on March 5, 2024 from incidentdatabase.ai/cite/10."
    )


def test_it_formats_the_aiid_bibtex_entry_exactly():
    incident = aiid_incident()
    reports = [ReportFactory.build(number=1, submitters=["Catherine Olsson"])]

    bib = citation_bibtex(citation_for(incident=incident, reports=reports), retrieved_on=RETRIEVED)

    assert bib == (
        "@article{aiid:10,\n"
        "  author={Olsson, Catherine},\n"
        "  editor={McGregor, Sean},\n"
        "  journal={AI Incident Database},\n"
        "  publisher={Responsible AI Collaborative},\n"
        "  title={Incident Number 10: Sexist and racist Google search results},\n"
        "  url={https://incidentdatabase.ai/cite/10},\n"
        "  year={2014},\n"
        "  urldate={2024-03-05}\n"
        "}\n"
    )


def test_it_cites_an_incident_created_here_with_the_registry_address(settings):
    settings.SITE_URL = "https://registry.example"
    incident = aiid_incident(source="registry", editors=[])

    text = citation_text(citation_for(incident=incident, reports=[]), retrieved_on=RETRIEVED)

    assert text == (
        "Anonymous. (2014-08-14) Incident Number 10: Sexist and racist Google search results. "
        f"{settings.SITE_NAME}. {settings.SITE_NAME}. Retrieved on March 5, 2024 from "
        "registry.example/incidents/10/."
    )


@pytest.mark.parametrize(
    ("precision", "shown"), [("day", "(2014-08-14)"), ("month", "(2014-08)"), ("year", "(2014)")]
)
def test_it_cites_the_date_at_its_precision(precision, shown):
    incident = aiid_incident(date_precision=precision)

    text = citation_text(citation_for(incident=incident, reports=[]), retrieved_on=RETRIEVED)

    assert f" {shown} Incident Number 10" in text


@pytest.mark.parametrize(
    ("name", "last_first", "initials"),
    [
        ("Catherine Olsson", "Olsson, Catherine", "Olsson, C."),
        ("Daniel J. Atherton", "Atherton, Daniel J.", "Atherton, D. J."),
        ("Anna Lenhart (CSET)", "Lenhart, Anna", "Lenhart, A."),
        ("Olsson, Catherine", "Olsson, Catherine", "Olsson, C."),
        ("CSET", "CSET", "CSET"),
    ],
)
def test_it_formats_names(name, last_first, initials):
    assert (name_last_first(name), name_last_initials(name)) == (last_first, initials)


def test_it_escapes_bibtex_specials():
    assert bibtex_escape("50% of {AI} & #1 $cost_x ~ ^ \\end\nnext") == (
        r"50\% of \{AI\} \& \#1 \$cost\_x \textasciitilde{} \textasciicircum{} "
        r"\textbackslash{}end next"
    )


@pytest.mark.django_db
def test_it_serves_the_bibtex_file(client):
    incident = IncidentFactory(title="Bias in {hiring} & 100% wrong", editors=["Sean McGregor"])

    response = client.get(f"/incidents/{incident.id}/cite.bib")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/x-bibtex; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="incident-{incident.id}.bib"'
    body = response.content.decode()
    assert body.startswith(f"@article{{registry:{incident.id},\n")
    assert (
        f"  title={{Incident Number {incident.id}: Bias in \\{{hiring\\}} \\& 100\\% wrong}},\n"
        in body
    )
    assert body.count("{") - body.count("\\{") == body.count("}") - body.count("\\}")


@pytest.mark.django_db
def test_it_redirects_the_bibtex_of_a_merged_id(client):
    target = IncidentFactory()
    IncidentRedirect.objects.create(old_id=target.id + 40, target=target)

    response = client.get(f"/incidents/{target.id + 40}/cite.bib")

    assert response.status_code == 301
    assert response["Location"] == f"/incidents/{target.id}/cite.bib"


@pytest.mark.django_db
def test_it_answers_404_for_the_bibtex_of_an_unknown_id(client):
    assert client.get("/incidents/424242/cite.bib").status_code == 404
