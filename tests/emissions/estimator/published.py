"""Published training footprints with the inputs their documents state, for the regression
tests (``test_estimator_published.py``) and the README table.

Each case: the run as its document gives it (``full``: every factor stated) and as a researcher
who knows only the hardware, the work, the place and the date would enter it (``defaults``:
power, PUE and intensity from the catalog unless the document states a basis that changes
them), with the published energy (kWh, facility) and tCO2e.

What "defaults only" keeps from the document: the accelerator, the device count and time (or
device-hours), the place as precisely as the document names it (a Google datacenter in Georgia
is the US-GA grid with provider ``gcp``, which selects Google's PUE; Microsoft's unnamed
datacenter is the United States with provider ``azure``; "Google Taiwan" is GCP's Taiwan
region), a date when the document gives one, and a stated energy basis (BLOOM's dynamic figure
applies no PUE; the Llama 2 card's power already includes it). Never a power, PUE or intensity
figure.

Sources (figures also in ``../shared/reference/estimator-anchors.md`` sections 2 and 3):

- Patterson et al. 2021, "Carbon Emissions and Large Neural Network Training",
  arXiv:2104.10350, Table 4 (NLP models: datacenter, PUE, gross kg CO2e/kWh, processor,
  measured system power per accelerator, chips, days, MWh, gross tCO2e) and Table 1
  (Transformer Big / Evolved Transformer Medium on 8 chips: kWh, gross tCO2e).
- Luccioni, Viguier and Ligozat 2023, "Estimating the Carbon Footprint of BLOOM, a 176B
  Parameter Language Model", JMLR 24(253), arXiv:2211.02001: 1,082,990 A100-80GB GPU-hours at
  the 400 W TDP = 433,196 kWh of dynamic energy (no PUE applied), French grid at 57 g/kWh,
  24.7 tCO2e "if we consider only the dynamic power consumption". Start of training:
  BigScience's model page (bigscience.notion.site, "BigScience 176B Model"): "The training
  started on March 11, 2022"; GENCI's news item on BLOOM: "Training BLOOM-176B took 3.5
  months". A researcher enters the date, so the French figure of 2022 is used.
- Meta, Llama 2 model card (github.com/meta-llama/llama, MODEL_CARD.md, "CO2 emissions during
  pretraining"): GPU-hours per model on A100-80GB, 400 W "peak power capacity per GPU device
  ... adjusted for power usage efficiency" (so the PUE is inside the power figure), tCO2e per
  model; no location or grid intensity is published.
"""

from __future__ import annotations

from typing import Any

DAY = 24.0


def _patterson(
    accelerator: str, chips: int, days: float, power_w: float, pue: float, g: float
) -> dict[str, Any]:
    return {
        "accelerator": accelerator,
        "count": chips,
        "hours": days * DAY,
        "power_w": power_w,
        "power_basis": "measured_system",
        "pue": pue,
        "intensity_g_per_kwh": g,
    }


def _defaults(accelerator: str, chips: int, days: float, location: dict) -> dict[str, Any]:
    return {"accelerator": accelerator, "count": chips, "hours": days * DAY, "location": location}


GEORGIA = {"grid_region": "US-GA", "cloud_provider": "gcp"}
IOWA = {"grid_region": "US-IA", "cloud_provider": "gcp"}

CASES: list[dict[str, Any]] = [
    {
        "name": "Evolved Transformer NAS (Patterson T4)",
        "full": _patterson("TPU v2", 200, 6.8, 208, 1.10, 431),
        "defaults": _defaults("TPU v2", 200, 6.8, GEORGIA),
        "energy_kwh": 7_500,
        "tco2e": 3.2,
    },
    {
        "name": "T5 (Patterson T4)",
        "full": _patterson("TPU v3", 512, 20, 310, 1.12, 545),
        "defaults": _defaults(
            "TPU v3", 512, 20, {"cloud_provider": "gcp", "cloud_region": "asia-east1"}
        ),
        "energy_kwh": 85_700,
        "tco2e": 46.7,
    },
    {
        "name": "Meena (Patterson T4)",
        "full": _patterson("TPU v3", 1024, 30, 289, 1.09, 415),
        "defaults": _defaults("TPU v3", 1024, 30, GEORGIA),
        "energy_kwh": 232_000,
        "tco2e": 96.4,
    },
    {
        "name": "GShard-600B (Patterson T4)",
        "full": _patterson("TPU v3", 1024, 3.1, 288, 1.09, 201),
        "defaults": _defaults(
            "TPU v3", 1024, 3.1, {"grid_region": "US-NC", "cloud_provider": "gcp"}
        ),
        "energy_kwh": 24_100,
        "tco2e": 4.8,
    },
    {
        "name": "Switch Transformer (Patterson T4)",
        "full": _patterson("TPU v3", 1024, 27, 245, 1.10, 403),
        "defaults": _defaults("TPU v3", 1024, 27, GEORGIA),
        "energy_kwh": 179_000,
        "tco2e": 72.2,
    },
    {
        "name": "GPT-3 (Patterson T4)",
        "full": _patterson("V100", 10_000, 14.8, 330, 1.10, 429),
        # Microsoft datacenter, location unpublished: Patterson uses the US average intensity.
        "defaults": _defaults("V100", 10_000, 14.8, {"country": "USA", "cloud_provider": "azure"}),
        "energy_kwh": 1_287_000,
        "tco2e": 552.1,
    },
    {
        "name": "Transformer Big, P100, US-average DC (Patterson T1a)",
        "full": _patterson("P100", 8, 3.5, 296, 1.59, 429),
        "defaults": _defaults("P100", 8, 3.5, {"country": "USA"}),
        "energy_kwh": 316,
        "tco2e": 0.1357,
    },
    {
        "name": "Transformer Big, P100, Iowa (Patterson T1b)",
        "full": _patterson("P100", 8, 3.5, 296, 1.11, 478),
        "defaults": _defaults("P100", 8, 3.5, IOWA),
        "energy_kwh": 221,
        "tco2e": 0.1055,
    },
    {
        "name": "Evolved Transformer Medium, P100, Iowa (Patterson T1c)",
        "full": _patterson("P100", 8, 3.2, 271, 1.11, 478),
        "defaults": _defaults("P100", 8, 3.2, IOWA),
        "energy_kwh": 185,
        "tco2e": 0.0883,
    },
    {
        "name": "Transformer Big, TPU v2, Iowa (Patterson T1d)",
        "full": _patterson("TPU v2", 8, 0.81, 229, 1.11, 478),
        "defaults": _defaults("TPU v2", 8, 0.81, IOWA),
        "energy_kwh": 40,
        "tco2e": 0.0189,
    },
    {
        "name": "Evolved Transformer Medium, TPU v2, Iowa (Patterson T1e)",
        "full": _patterson("TPU v2", 8, 0.62, 227, 1.11, 478),
        "defaults": _defaults("TPU v2", 8, 0.62, IOWA),
        "energy_kwh": 30,
        "tco2e": 0.0143,
    },
    {
        "name": "BLOOM-176B, dynamic energy (Luccioni et al. 2023)",
        "full": {
            "accelerator": "A100-80GB",
            "device_hours": 1_082_990,
            "power_w": 400,
            "power_basis": "tdp",
            "pue": 1.0,  # the dynamic figure applies no PUE
            "intensity_g_per_kwh": 57,
        },
        # The paper states its energy basis (no PUE); power and intensity from the catalog,
        # the intensity for the year training started.
        "defaults": {
            "accelerator": "A100-80GB",
            "device_hours": 1_082_990,
            "pue": 1.0,
            "location": {"country": "FRA"},
            "start": "2022-03-11",
        },
        "energy_kwh": 433_196,
        "tco2e": 24.7,
    },
]

# Published figures without a location or intensity: only defaults-only runs are possible,
# and with the world-average intensity's range (the catalog's cleanest to dirtiest grid) they
# cannot tell a figure from half of it, and twice it is only a minor discrepancy.
UNLOCATED: list[dict[str, Any]] = [
    {
        "name": f"Llama 2 {size} (Meta model card)",
        "defaults": {
            "accelerator": "A100-80GB",
            "device_hours": hours,
            "pue": 1.0,  # the card's 400 W is already "adjusted for power usage efficiency"
        },
        "energy_kwh": None,
        "tco2e": tco2e,
    }
    for size, hours, tco2e in (
        ("7B", 184_320, 31.22),
        ("13B", 368_640, 62.44),
        ("70B", 1_720_320, 291.42),
    )
]


def markdown_table() -> str:
    """The README's table: ``.venv/bin/python -m tests.emissions.estimator.published``."""
    import math

    from emissions.estimator import (
        Claim,
        estimate_training_footprint,
        parse_disclosure,
        verify_claim,
    )

    def short(verdict: str) -> str:
        return verdict.replace("_discrepancy", "")

    lines = [
        "| Case | Published kWh / tCO2e | Full inputs: kWh / tCO2e | Defaults only: tCO2e "
        "(1 sigma) | Verdict: published / 2x / 0.5x |",
        "|---|---|---|---|---|",
    ]
    for case in CASES + UNLOCATED:
        if "full" in case:
            fp = estimate_training_footprint(parse_disclosure({"runs": [case["full"]]}))
            full = (
                f"{fp.energy_kwh:,.0f} ({fp.energy_kwh / case['energy_kwh'] - 1:+.1%}) / "
                f"{fp.gross_tco2e:.4g} ({fp.gross_tco2e / case['tco2e'] - 1:+.1%})"
            )
        else:
            full = "not published (no location or intensity)"
        disclosure = parse_disclosure({"runs": [case["defaults"]]})
        result = verify_claim(disclosure, Claim(tco2e=case["tco2e"]))
        flag = next(f for f in result.flags if f.code.startswith("tco2e_"))
        below = -math.expm1(-flag.data["sigma_low"])
        above = math.expm1(flag.data["sigma_high"])
        verdicts = [
            short(verify_claim(disclosure, Claim(tco2e=case["tco2e"] * k)).verdict)
            for k in (1, 2, 0.5)
        ]
        published = (
            f"{case['energy_kwh']:,} / {case['tco2e']:g}"
            if case["energy_kwh"]
            else f"- / {case['tco2e']:g}"
        )
        central = result.footprint.gross_tco2e  # type: ignore[union-attr]
        lines.append(
            f"| {case['name']} | {published} | {full} | {central:.4g} (-{below:.0%}/"
            f"+{above:.0%}) | {' / '.join(verdicts)} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_table())
