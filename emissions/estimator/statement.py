"""An emissions statement for a paper, in plain text or LaTeX.

Written in the spirit of the ML CO2 Impact calculator's "CO2 emission related to experiments"
paragraph, but reporting what Patterson et al. 2021 ask for: device-hours and hardware, PUE,
the location-based (gross) figure, the net figure only next to it, the range, and the catalog
version so a reader can reproduce the numbers. User text (model, run and location names) is
escaped for LaTeX; the numbers and fixed words are ours.
"""

from __future__ import annotations

from typing import Literal

from .errors import EstimatorInputError
from .footprint import Footprint
from .model import DisclosureInput

_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def latex_escape(text: str) -> str:
    """Escape every LaTeX special character and drop control characters (newlines included,
    which could otherwise end a paragraph or a command argument)."""
    out = []
    for ch in text:
        if ch in _LATEX_SPECIALS:
            out.append(_LATEX_SPECIALS[ch])
        elif ch.isprintable():
            out.append(ch)
        elif ch.isspace():
            out.append(" ")
    return "".join(out)


def _number(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def _energy(kwh: float) -> str:
    if kwh >= 10_000:
        return f"{_number(kwh / 1000)} MWh"
    return f"{_number(kwh)} kWh"


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def emissions_statement(
    disclosure: DisclosureInput,
    footprint: Footprint,
    *,
    fmt: Literal["latex", "text"] = "text",
    model_name: str = "",
    equivalences: bool = True,
) -> str:
    """A paragraph stating the footprint; ``fmt="latex"`` escapes all user text."""
    if fmt not in ("latex", "text"):
        raise EstimatorInputError(f"must be 'latex' or 'text', got {fmt!r}", "fmt")
    latex = fmt == "latex"
    esc = latex_escape if latex else (lambda s: " ".join(s.split()))
    co2 = "CO$_2$e" if latex else "CO2e"
    pct = r"\%" if latex else "%"

    hardware: dict[str, int] = {}
    for run in disclosure.runs:
        if run.accelerator:
            hardware[run.accelerator] = hardware.get(run.accelerator, 0) + (run.count or 0)
    places = sorted({run.location.describe() for run in disclosure.runs if run.location})
    pues = sorted({run.pue for run in footprint.runs})
    subject = f"Training {esc(model_name)}" if model_name.strip() else "Training this model"

    sentences = []
    device_hours = footprint.device_hours
    usage = f"{subject} used "
    usage += f"{_number(device_hours)} device-hours" if device_hours else "compute"
    if hardware:
        usage += " on " + _join(
            [f"{n} {esc(name)}" if n else esc(name) for name, n in hardware.items()]
        )
    if places:
        usage += " in " + _join([esc(p) for p in places])
    sentences.append(usage + ".")
    pue = f"a PUE of {pues[0]:.2f}" if len(pues) == 1 else f"PUEs of {pues[0]:.2f}-{pues[-1]:.2f}"
    if any(f.name == "pue" and f.source != "given" for f in footprint.factors):
        pue = pue.replace("PUE", "assumed PUE", 1).replace("a assumed", "an assumed")
    sentences.append(f"With {pue}, this amounts to {_energy(footprint.energy_kwh)} of electricity.")
    operational = footprint.gross_tco2e - footprint.embodied_tco2e
    intensity = operational * 1e6 / footprint.energy_kwh if footprint.energy_kwh else 0.0
    gross = (
        f"At an average location-based grid intensity of {_number(intensity)} g {co2}/kWh, "
        f"the emissions are {_number(footprint.gross_tco2e)} t{co2}"
    )
    if footprint.exact:
        gross += " (all factors measured or stated by the authors)"
    else:
        gross += (
            f" (range {_number(footprint.low_tco2e)}-{_number(footprint.high_tco2e)} "
            f"t{co2} from the uncertainty of defaulted factors)"
        )
    sentences.append(gross + ".")
    if footprint.embodied_tco2e:
        sentences.append(
            f"This includes {_number(footprint.embodied_tco2e)} t{co2} of embodied "
            "hardware emissions."
        )
    if footprint.net_tco2e != footprint.gross_tco2e:
        share = 1 - footprint.net_tco2e / footprint.gross_tco2e if footprint.gross_tco2e else 0
        sentences.append(
            f"Net of carbon-free energy (market-based), the figure is "
            f"{_number(footprint.net_tco2e)} t{co2} ({share:.0%} lower).".replace("%", pct)
        )
    if equivalences:
        eq = footprint.equivalences
        sentences.append(
            f"The gross figure equals {_number(eq['passenger_round_trips_sf_ny'])} "
            "passenger round trips between San Francisco and New York "
            "(Patterson et al., 2021)."
        )
    sentences.append(
        "Computed with the AI Incident & Emissions Registry estimator "
        f"(catalog {footprint.catalog_version}) following Patterson et al. (2021).".replace(
            "&", r"\&" if latex else "&"
        )
    )
    body = " ".join(sentences)
    if latex:
        return "\\paragraph{Carbon emissions.} " + body + "\n"
    return body + "\n"
