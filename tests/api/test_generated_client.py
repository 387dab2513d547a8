"""A client generated from the schema works unedited: openapi-python-client generates it
(offline), mypy type-checks it together with a script that uses it, and the script runs
against the test server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.factories.api import build_catalog, make_entity, make_incident

pytestmark = pytest.mark.django_db(transaction=True)

BIN = Path(sys.executable).parent
# A venue export's ZIP is bytes; no formatter runs over the output (the code is checked as
# generated, and a formatter's fixes could hide what the generator wrote).
GENERATOR_CONFIG = {
    "content_type_overrides": {"application/zip": "application/octet-stream"},
    "post_hooks": [],
}

# Written against the generated API as a data journalist would, run unedited.
USE_THE_CLIENT = textwrap.dedent(
    """
    from __future__ import annotations

    import sys

    from registry_client import Client
    from registry_client.api.entities import entities_retrieve
    from registry_client.api.estimate import estimate_create
    from registry_client.api.incidents import incidents_csv, incidents_list
    from registry_client.api.search import search
    from registry_client.models import (
        EntityDetail,
        EstimateRequest,
        EstimateResponse,
        PaginatedIncidentList,
        SearchResponse,
    )

    client = Client(base_url=sys.argv[1], raise_on_unexpected_status=True)

    page = incidents_list.sync(client=client, page_size=2, deployer="keolis")
    assert isinstance(page, PaginatedIncidentList), page
    titles: list[str] = [incident.title for incident in page.results]
    print("titles", titles)

    entity = entities_retrieve.sync("@ghostwriter", client=client)
    assert isinstance(entity, EntityDetail), entity
    print("entity", entity.entity_id, entity.incidents.developer)

    csv_text = incidents_csv.sync(client=client, raw=True)
    assert isinstance(csv_text, str), csv_text
    print("csv_header", csv_text.splitlines()[0].split(",")[:2])

    found = search.sync(client=client, q="shuttle", facets=search.SearchFacets.NO)
    assert isinstance(found, SearchResponse), found
    print("search", found.total, found.reachable, found.paging_capped)

    body = EstimateRequest.from_dict(
        {"runs": [{"accelerator": "TPU v3", "count": 8, "hours": 10.0, "power_w": 300.0,
                   "power_basis": "measured_system", "pue": 1.1,
                   "intensity_g_per_kwh": 400.0}]}
    )
    estimate = estimate_create.sync(client=client, body=body)
    assert isinstance(estimate, EstimateResponse), estimate
    energy: float = estimate.footprint.energy_kwh
    print("energy", round(energy, 3))
    """
)


def run(*args: str, cwd: Path) -> str:
    result = subprocess.run(  # noqa: S603 -- fixed commands from this environment
        args, cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture
def generated_client(tmp_path: Path) -> Path:
    document = SchemaGenerator().get_schema(request=None, public=True)
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(document, default=str))
    config = tmp_path / "config.json"
    config.write_text(json.dumps(GENERATOR_CONFIG))
    run(
        str(BIN / "openapi-python-client"),
        "generate",
        "--path",
        str(schema),
        "--config",
        str(config),
        "--meta",
        "none",
        "--output-path",
        str(tmp_path / "registry_client"),
        cwd=tmp_path,
    )
    (tmp_path / "use_client.py").write_text(USE_THE_CLIENT)
    return tmp_path


def test_it_generates_a_typed_client_that_works_unedited(generated_client, live_server):
    build_catalog()
    make_entity("@ghostwriter")
    make_incident("Voice clone", roles={"developer": ["@ghostwriter"]})

    run(
        sys.executable,
        "-m",
        "mypy",
        "--no-incremental",
        "--cache-dir",
        os.devnull,
        "--ignore-missing-imports",
        "registry_client",
        "use_client.py",
        cwd=generated_client,
    )
    output = run(sys.executable, "use_client.py", live_server.url, cwd=generated_client)

    lines = dict(line.split(" ", 1) for line in output.splitlines())
    assert lines["titles"] == "['Self-driving shuttle collides with a truck']"
    assert lines["entity"] == f"@ghostwriter [{_voice_clone_id()}]"
    assert lines["csv_header"] == "['id', 'incident_id']"
    assert lines["search"].split()[2] == "False"
    assert float(lines["energy"]) > 0


def _voice_clone_id() -> int:
    from incidents.models import Incident

    return Incident.objects.get(title="Voice clone").id
