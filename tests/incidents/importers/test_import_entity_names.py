"""Entity display names: from entities.csv when the snapshot has it, else as the data writes
them; editors' renames survive a re-import."""

from __future__ import annotations

from incidents.models import Entity
from incidents.services.entities import entity_rename
from tests.factories.aiid import AiidSnapshot


def _names() -> dict[str, str]:
    return dict(Entity.objects.values_list("slug", "name"))


def test_it_keeps_the_casing_the_incident_text_uses(run_import, tmp_path):
    snapshot = AiidSnapshot().incident(
        1,
        title="xAI's Grok and OpenAI's ChatGPT repeat claims on YouTube",
        description="NEC's system was also cited. The general public was misled.",
        deployers=["xai", "chatgpt", "youtube", "nec"],
        harmed=["general-public", "keolis-north-america"],
    )
    run_import(snapshot.write(tmp_path))

    assert _names() == {
        "xai": "xAI",
        "chatgpt": "ChatGPT",
        "youtube": "YouTube",
        "nec": "NEC",
        # Written only in lower case, or not at all: derived from the slug.
        "general-public": "General Public",
        "keolis-north-america": "Keolis North America",
    }


def test_it_prefers_the_snapshot_entities_file(run_import, tmp_path):
    snapshot = AiidSnapshot(entity_names={"youtube": "YouTube (Google)"}).incident(
        1, title="Youtube recommends videos", deployers=["youtube", "tesla"]
    )
    run_import(snapshot.write(tmp_path))

    assert _names() == {"youtube": "YouTube (Google)", "tesla": "Tesla"}


def test_a_reimport_corrects_derived_names_but_keeps_editors_renames(run_import, tmp_path):
    run_import(AiidSnapshot().incident(1, deployers=["xai", "nec"]).write(tmp_path / "a"))
    assert _names() == {"xai": "Xai", "nec": "Nec"}
    entity_rename(actor=None, entity=Entity.objects.get(slug="nec"), name="NEC Corp.", slug="nec")

    snapshot = AiidSnapshot().incident(1, title="xAI and NEC", deployers=["xai", "nec"])
    run_import(snapshot.write(tmp_path / "b"))

    assert _names() == {"xai": "xAI", "nec": "NEC Corp."}
