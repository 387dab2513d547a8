"""Demo disclosures and demo accounts for the emissions area (`load_demo` calls `load`).

Idempotent: accounts are found by username and disclosures by a fixed idempotency key, and
a disclosure found again is left as it is. Every published figure comes from its source, cited
in the disclosure's justification; the "Demo:" disclosures are invented, and their claims are
taken from the estimator itself (scaled on purpose where a demo shows a discrepancy).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.db import transaction

from emissions.demo_systems import link_demo_systems
from emissions.models import Disclosure, DisclosureState
from emissions.previews import footprint_preview
from emissions.services.disclosures import disclosure_amend, disclosure_create
from emissions.services.recomputation import disclosure_recompute
from emissions.services.workflow import disclosure_transition
from incidents.models import Entity
from registry.accounts.services import account_create
from registry.models import Role, User

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - the README's published demo password
NAMESPACE = uuid.UUID("6f1c3f0e-8a51-4d3e-9a0c-2f5a1f7b9e11")

PATTERSON = (
    "Patterson et al. 2021, 'Carbon Emissions and Large Neural Network Training', "
    "arXiv:2104.10350, Table 4"
)

ACCOUNTS = [
    ("demo-researcher", "demo-researcher@demo-lab.example", Role.RESEARCHER, "Demo Lab"),
    ("demo-reviewer", "demo-reviewer@review-institute.example", Role.REVIEWER, "Review Institute"),
    ("demo-chair", "demo-chair@conference.example", Role.CHAIR, "Demo Conference"),
    ("demo-editor", "demo-editor@registry.example", Role.EDITOR, "Registry"),
]


def _measured_run(name: str, accelerator: str, chips: int, days: float, watts: float, pue: float,
             gross: float, net: float | None = None) -> dict[str, Any]:  # fmt: skip
    run: dict[str, Any] = {
        "name": name,
        "accelerator": accelerator,
        "count": chips,
        "hours": days * 24,
        "power_w": watts,
        "power_basis": "measured_system",
        "pue": pue,
        "intensity_g_per_kwh": gross,
    }
    if net is not None and net != gross:
        run["net_intensity_g_per_kwh"] = net
    return run


# (key, fields, linked system slugs): published disclosures, verified in the demo.
PUBLISHED: list[tuple[str, dict[str, Any], list[str]]] = [
    (
        "evolved-transformer-nas",
        {
            "model_name": "Evolved Transformer NAS",
            "organisation": "Google",
            "parameters": 64_000_000,
            "paper_title": "The Evolved Transformer",
            "arxiv_id": "1901.11117",
            "runs": [
                _measured_run("NAS (Google Georgia, Dec 2018)", "TPU v2", 200, 6.8, 208, 1.10, 431)
            ],
            "claim_energy_kwh": 7_500.0,
            "claim_tco2e": 3.2,
            "justification": f"{PATTERSON}: 200 TPU v2 for 6.8 days at 208 W measured system "
            "power, PUE 1.10, 0.431 kg CO2e/kWh; 7.5 MWh and 3.2 tCO2e. Parameters are per "
            "model (0.064 B).",
        },
        [],
    ),
    (
        "t5",
        {
            "model_name": "T5",
            "model_version": "11B",
            "organisation": "Google",
            "parameters": 11_000_000_000,
            "paper_title": "Exploring the Limits of Transfer Learning with a Unified "
            "Text-to-Text Transformer",
            "arxiv_id": "1910.10683",
            "runs": [
                _measured_run(
                    "Pre-training (Google Taiwan, Sep 2019)", "TPU v3", 512, 20, 310, 1.12, 545
                )
            ],  # fmt: skip
            "claim_energy_kwh": 85_700.0,
            "claim_tco2e": 46.7,
            "justification": f"{PATTERSON}: 512 TPU v3 for 20 days at 310 W measured system "
            "power, PUE 1.12, 0.545 kg CO2e/kWh; 85.7 MWh and 46.7 tCO2e.",
        },
        ["t5"],
    ),
    (
        "meena",
        {
            "model_name": "Meena",
            "organisation": "Google",
            "parameters": 2_600_000_000,
            "paper_title": "Towards a Human-like Open-Domain Chatbot",
            "arxiv_id": "2001.09977",
            "runs": [
                _measured_run(
                    "Training (Google Georgia, Dec 2019)", "TPU v3", 1024, 30, 289, 1.09, 415
                )
            ],  # fmt: skip
            "claim_energy_kwh": 232_000.0,
            "claim_tco2e": 96.4,
            "justification": f"{PATTERSON}: 1,024 TPU v3 for 30 days at 289 W measured system "
            "power, PUE 1.09, 0.415 kg CO2e/kWh; 232 MWh and 96.4 tCO2e.",
        },
        ["meena"],
    ),
    (
        "gshard-600b",
        {
            "model_name": "GShard",
            "model_version": "600B",
            "organisation": "Google",
            "parameters": 619_000_000_000,
            "architecture": "sparse",
            "activated_share": 0.0025,
            "paper_title": "GShard: Scaling Giant Models with Conditional Computation and "
            "Automatic Sharding",
            "arxiv_id": "2006.16668",
            "runs": [
                _measured_run(
                    "Training (Google North Carolina, Apr 2020)",
                    "TPU v3",
                    1024,
                    3.1,
                    288,
                    1.09,
                    201,
                    177,
                )
            ],  # fmt: skip
            "claim_energy_kwh": 24_100.0,
            "claim_tco2e": 4.8,
            "justification": f"{PATTERSON}: 1,024 TPU v3 for 3.1 days at 288 W measured "
            "system power, PUE 1.09; gross 0.201 and net 0.177 kg CO2e/kWh (73% 24/7 "
            "carbon-free energy); 24.1 MWh, 4.8 tCO2e gross, 4.3 net. 0.25% of the 619 B "
            "parameters are activated per token.",
        },
        ["gshard"],
    ),
    (
        "switch-transformer",
        {
            "model_name": "Switch Transformer",
            "model_version": "1.5T",
            "organisation": "Google",
            "parameters": 1_500_000_000_000,
            "architecture": "sparse",
            "activated_share": 0.001,
            "paper_title": "Switch Transformers: Scaling to Trillion Parameter Models with "
            "Simple and Efficient Sparsity",
            "arxiv_id": "2101.03961",
            "runs": [
                _measured_run(
                    "Training (Google Georgia, Oct 2020)", "TPU v3", 1024, 27, 245, 1.10, 403, 330
                )
            ],  # fmt: skip
            "claim_energy_kwh": 179_000.0,
            "claim_tco2e": 72.2,
            "justification": f"{PATTERSON}: 1,024 TPU v3 for 27 days at 245 W measured "
            "system power, PUE 1.10; gross 0.403 and net 0.330 kg CO2e/kWh (43% 24/7 "
            "carbon-free energy); 179 MWh, 72.2 tCO2e gross, 59.1 net. 0.10% of the 1,500 B "
            "parameters are activated per token.",
        },
        ["switch-transformer"],
    ),
    (
        "gpt-3",
        {
            "model_name": "GPT-3",
            "model_version": "175B",
            "organisation": "OpenAI",
            "parameters": 175_000_000_000,
            "paper_title": "Language Models are Few-Shot Learners",
            "arxiv_id": "2005.14165",
            "runs": [
                _measured_run(
                    "Training (Microsoft datacenter, 2020)", "V100", 10_000, 14.8, 330, 1.10, 429
                )
            ],  # fmt: skip
            "claim_energy_kwh": 1_287_000.0,
            "claim_tco2e": 552.1,
            "method": "estimated",
            "justification": f"{PATTERSON}: 10,000 V100 for 14.8 days at 330 W, PUE 1.10, "
            "0.429 kg CO2e/kWh; 1,287 MWh and 552.1 tCO2e. The chip count is an assumption "
            "from a press release and the time was derived from FLOPs (Patterson, Table 4 "
            "notes): an estimate by outsiders, not a measurement by the developer.",
        },
        ["gpt-3"],
    ),
    (
        "bloom",
        {
            "model_name": "BLOOM",
            "model_version": "176B",
            "organisation": "BigScience",
            "parameters": 176_000_000_000,
            "paper_title": "Estimating the Carbon Footprint of BLOOM, a 176B Parameter "
            "Language Model",
            "arxiv_id": "2211.02001",
            "runs": [
                {
                    "name": "Final training run (Jean Zay, France)",
                    "accelerator": "A100-80GB",
                    "device_hours": 1_082_990.0,
                    "power_w": 400.0,
                    "power_basis": "tdp",
                    "pue": 1.0,
                    "location": {"country": "FRA"},
                    "intensity_g_per_kwh": 57.0,
                }
            ],
            "claim_energy_kwh": 433_196.0,
            "claim_tco2e": 24.69,
            "method": "estimated",
            "justification": "Luccioni, Viguier and Ligozat 2022, arXiv:2211.02001: "
            "1,082,990 A100 80GB GPU-hours at 400 W TDP give 433,196 kWh of dynamic "
            "consumption; at France's 57 g CO2e/kWh that is 24.69 tCO2e. The paper reports "
            "idle consumption and embodied emissions separately; they are not included here.",
        },
        ["bloom"],
    ),
]

# (key, model name, run, claim scale, final state, reviewer's reason): invented examples.
EXAMPLES: list[tuple[str, str, dict[str, Any], float, str, str]] = [
    ("draft", "Demo: diffusion model (draft)",
     {"accelerator": "A100-80GB", "count": 32, "hours": 96.0, "location": {"country": "USA"}},
     1.0, DisclosureState.DRAFT, ""),
    ("submitted", "Demo: ResNet-50 hyperparameter sweep",
     {"accelerator": "A100-80GB", "count": 4, "hours": 36.0,
      "location": {"cloud_provider": "gcp", "cloud_region": "us-central1"}},
     1.0, DisclosureState.SUBMITTED, ""),
    ("in-review", "Demo: speech recognition model",
     {"accelerator": "H100-SXM", "count": 16, "hours": 72.0, "location": {"country": "FRA"}},
     1.0, DisclosureState.IN_REVIEW, ""),
    ("changes", "Demo: vision transformer (kg reported as tonnes)",
     {"accelerator": "V100", "count": 64, "hours": 100.0, "location": {"country": "DEU"}},
     1000.0, DisclosureState.CHANGES_REQUESTED,
     "The claim is exactly 1000x the recomputation: were the emissions in kg? Please restate."),
    ("rejected", "Demo: chatbot fine-tune (net figure as location-based)",
     {"accelerator": "A100-40GB", "count": 8, "hours": 240.0, "location": {"country": "IND"}},
     0.01, DisclosureState.REJECTED,
     "The implied grid intensity is impossible for India's grid on a location basis."),
    ("withdrawn", "Demo: abandoned experiment",
     {"accelerator": "RTX-4090", "count": 2, "hours": 12.0, "location": {"country": "GBR"}},
     1.0, DisclosureState.WITHDRAWN, ""),
]  # fmt: skip


@dataclass
class DemoSummary:
    accounts: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)


def _account(username: str, email: str, role: str, organisation: str) -> User:
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing
    return account_create(
        email=email,
        password=DEMO_PASSWORD,
        role=role,
        username=username,
        organisation=organisation,
        audit_data={"via": "emissions.demo"},
    )


def _walk(disclosure: Disclosure, state: str, *, researcher: User, reviewer: User, reason: str):
    """Take a fresh draft to `state` through the workflow, as the people would."""
    if state == DisclosureState.DRAFT:
        return

    def act(action: str, actor: User, why: str = "") -> None:
        disclosure_transition(action=action, disclosure_id=disclosure.pk, actor=actor, reason=why)

    act("submit", researcher)
    disclosure_recompute(disclosure_id=disclosure.pk)
    if state == DisclosureState.SUBMITTED:
        return
    if state == DisclosureState.WITHDRAWN:
        act("withdraw", researcher, "Demo: the experiment was abandoned.")
        return
    act("claim", reviewer)
    decisions = {
        DisclosureState.VERIFIED: "verify",
        DisclosureState.REJECTED: "reject",
        DisclosureState.CHANGES_REQUESTED: "request_changes",
    }
    if state in decisions:
        act(decisions[state], reviewer, reason)


def load(*, stdout: TextIO | None = None) -> DemoSummary:
    """Create the demo accounts and disclosures that do not exist yet; returns what it did."""
    summary = DemoSummary()
    with transaction.atomic():
        people = {name: _account(name, email, role, org) for name, email, role, org in ACCOUNTS}
        summary.accounts = sorted(people)
        researcher, reviewer = people["demo-researcher"], people["demo-reviewer"]
        for key, fields, slugs in PUBLISHED:
            values = {
                "method": "measured",
                "includes_preliminary_experiments": False,
                **fields,
                "linked_systems": list(Entity.objects.filter(slug__in=slugs)),
            }
            disclosure = _created(researcher, key, values, summary)
            if disclosure is not None:
                _walk(
                    disclosure,
                    DisclosureState.VERIFIED,
                    researcher=researcher,
                    reviewer=reviewer,
                    reason="Demo review: the recomputation from the published inputs agrees "
                    "with the published figures.",
                )
        for key, name, run, scale, state, reason in EXAMPLES:
            estimate = footprint_preview(runs=[run])["footprint"]
            values = {
                "model_name": name,
                "organisation": "Demo Lab",
                "runs": [run],
                "claim_energy_kwh": round(estimate["energy_kwh"], 1),
                "claim_tco2e": round(estimate["gross_tco2e"] * scale, 4),
                "method": "estimated",
                "includes_preliminary_experiments": True,
                "justification": "Invented demo disclosure.",
            }
            disclosure = _created(researcher, key, values, summary)
            if disclosure is not None:
                _walk(disclosure, state, researcher=researcher, reviewer=reviewer, reason=reason)
        link_demo_systems(
            editor=people["demo-editor"],
            published=PUBLISHED,
            disclosure_for=lambda key: Disclosure.objects.filter(
                owner=researcher, idempotency_key=_key(key)
            ).first(),
            created=summary.created,
        )
        t5 = Disclosure.objects.get(owner=researcher, idempotency_key=_key("t5"))
        if not t5.amendments.exists():
            disclosure_amend(disclosure_id=t5.pk, actor=researcher)
            summary.created.append("t5 amendment (draft version 2)")
    if stdout is not None:
        stdout.write(
            f"emissions demo: {len(summary.created)} disclosures created, "
            f"{len(summary.existing)} already there; accounts {', '.join(summary.accounts)} "
            f"(password {DEMO_PASSWORD})\n"
        )
    return summary


def _key(name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, name)


def _created(
    owner: User, key: str, values: dict[str, Any], summary: DemoSummary
) -> Disclosure | None:
    """The new draft, or None when an earlier run already created this demo disclosure."""
    if Disclosure.objects.filter(owner=owner, idempotency_key=_key(key)).exists():
        summary.existing.append(key)
        return None
    summary.created.append(key)
    return disclosure_create(owner=owner, fields=values, idempotency_key=_key(key))
