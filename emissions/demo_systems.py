"""The demo's links between AI systems of the incident demo and the demo's disclosures.

Only relations stated in the cited sources (each source found and read, not remembered);
`emissions.demo.load` calls `link_demo_systems` once its disclosures exist.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from emissions.models import Disclosure, SystemModelLink
from emissions.services.system_links import system_link_create
from incidents.models import Entity
from registry.models import User

# (system slug, relation, model name, demo disclosure key or None, source of the relation):
# how deployed systems of the incident demo relate to disclosed models. Only relations stated
# in the cited sources; a model nobody disclosed is linked with no disclosure, so the system
# page says so instead of borrowing another model's figure.
SYSTEM_LINKS: list[tuple[str, str, str, str | None, str]] = [
    (
        "chatgpt",
        "fine_tuned_from",
        "GPT-3.5",
        None,
        "OpenAI's ChatGPT announcement (30 Nov 2022): \"ChatGPT is fine-tuned from a model in "
        'the GPT-3.5 series", quoted at '
        "https://ai.stackexchange.com/questions/39023/are-gpt-3-5-series-models-based-on-gpt-3",
    ),
    (
        "chatgpt",
        "same_family",
        "GPT-3",
        "gpt-3",
        "OpenAI's model index for researchers lists the GPT-3.5 series beside the GPT-3 "
        "models it follows (archived https://archive.li/XDCN0). Lineage GPT-3 -> Codex -> "
        "code-davinci-002 -> ChatGPT: https://cdn.matt-rickard.com/gpt-lineage",
    ),
    (
        "bing-chat",
        "built_on",
        "GPT-4",
        None,
        "Microsoft confirmed that Bing's chat runs on GPT-4: "
        "https://www.engadget.com/microsoft-confirms-bing-runs-on-the-new-gpt-4-model-"
        "184121316.html",
    ),
    (
        "bing-chat",
        "same_family",
        "GPT-3",
        "gpt-3",
        "GPT-4 is the successor of OpenAI's GPT-3.5 series (Engadget, "
        "https://www.engadget.com/microsoft-confirms-bing-runs-on-the-new-gpt-4-model-"
        "184121316.html); GPT-3.5 follows GPT-3 (https://archive.li/XDCN0)",
    ),
    (
        "bard",
        "built_on",
        "LaMDA",
        None,
        "Google announced Bard in February 2023 as a chatbot powered by LaMDA: "
        "https://en.wikipedia.org/wiki/LaMDA",
    ),
    (
        "bard",
        "same_family",
        "Meena",
        "meena",
        "LaMDA was originally developed and introduced as Meena in 2020: "
        "https://en.wikipedia.org/wiki/LaMDA",
    ),
]


def link_demo_systems(
    *,
    editor: User,
    published: Iterable[tuple[str, dict[str, Any], list[str]]],
    disclosure_for: Callable[[str], Disclosure | None],
    created: list[str],
) -> None:
    """The editor's links of SYSTEM_LINKS, and each published model's own system ("is", per
    its paper). Links already there, or whose system the catalog lacks, are skipped: a second
    load writes nothing."""
    own = [
        (slug, "is", fields["model_name"], key, f"The model's paper, arXiv:{fields['arxiv_id']}")
        for key, fields, slugs in published
        for slug in slugs
    ]
    wanted = [*own, *SYSTEM_LINKS]
    systems = {e.slug: e for e in Entity.objects.filter(slug__in={r[0] for r in wanted})}
    for slug, relation, model_name, key, source in wanted:
        system = systems.get(slug)
        if system is None:
            continue
        disclosure = disclosure_for(key) if key else None
        if SystemModelLink.objects.filter(
            system=system, relation=relation, model_name=model_name, disclosure=disclosure
        ).exists():
            continue
        system_link_create(
            actor=editor,
            system_id=system.pk,
            relation=relation,
            model_name=model_name,
            disclosure_id=disclosure.pk if disclosure else None,
            source=source,
        )
        created.append(f"link {slug} {relation} {model_name}")
