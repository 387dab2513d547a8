"""The checks that judge a claim's physics rather than its gap to the recomputation.

A claimed figure can be impossible whatever the recomputation says: an energy implying more
power per device than the hardware can draw or less than it idles at, emissions implying a grid
intensity no grid (or not the stated one) has, or a magnitude beyond any training run. Such
findings are ``critical`` (verdict ``implausible``); each message ends with its rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import EstimatorInputError
from .inputs import resolve_location
from .model import MAX_ENERGY_KWH, MAX_TCO2E

if TYPE_CHECKING:
    from collections.abc import Callable

    from .catalog import Catalog
    from .footprint import Footprint, RunFootprint
    from .model import Claim, DisclosureInput, RunInput

MAX_GRID_G_PER_KWH = 1_500.0  # above lignite's life-cycle intensity: no grid is dirtier
POWER_ABOVE_TDP = 2.0  # implied average power per device > 2x TDP (host share included)
POWER_BELOW_IDLE = 0.1  # implied average power per device < 10% of TDP: below idle
INTENSITY_MARGIN = 3.0  # implied location-based intensity outside [low/3, high*3]


def fmt(value: float) -> str:
    return f"{value:.4g}"


class PlausibilityChecks:
    """Mixed into ``checks.Checker``, which provides the attributes declared here."""

    disclosure: DisclosureInput
    claim: Claim
    catalog: Catalog

    # `checks.Checker.add`: records one flag.
    add: Callable[..., None]

    def check_power(
        self, energy_kwh: float, runs: list[tuple[RunInput, RunFootprint]], what: str
    ) -> None:
        """Facility energy implying an average power per device above 2x TDP or below idle."""
        reference = device_pue_hours = 0.0
        for run, fp in runs:
            acc = self.catalog.find_accelerator(run.accelerator) if run.accelerator else None
            if acc is None or acc.tdp_w is None or fp.device_hours is None:
                return
            reference += fp.device_hours * acc.tdp_w * fp.pue / 1000
            device_pue_hours += fp.device_hours * fp.pue
        dynamic_kwh = energy_kwh - sum(fp.idle_it_energy_kwh * fp.pue for _, fp in runs)
        ratio = dynamic_kwh / reference
        implied_w = dynamic_kwh * 1000 / device_pue_hours
        tdp_w = reference * 1000 / device_pue_hours
        data = {"implied_power_w": implied_w, "tdp_w": tdp_w, "ratio_to_tdp": ratio}
        if ratio > POWER_ABOVE_TDP:
            self.add(
                "implied_power_above_tdp",
                "critical",
                f"{what} implies {fmt(implied_w)} W per device, over {POWER_ABOVE_TDP:g}x "
                f"the {fmt(tdp_w)} W TDP (rule: energy / (device-hours x PUE) above "
                f"{POWER_ABOVE_TDP:g}x TDP is implausible)",
                **data,
            )
        elif ratio < POWER_BELOW_IDLE:
            self.add(
                "implied_power_below_idle",
                "critical",
                f"{what} implies {fmt(implied_w)} W per device, below idle for a "
                f"{fmt(tdp_w)} W TDP device (rule: energy / (device-hours x PUE) below "
                f"{POWER_BELOW_IDLE:.0%} of TDP is implausible)",
                **data,
            )

    def check_intensity(self, fp: Footprint | None) -> None:
        """A claimed tCO2e implying a grid intensity no grid (or not the stated one) has."""
        tco2e = self.claim.tco2e
        energy = self.claim.energy_kwh if self.claim.energy_kwh else (fp and fp.energy_kwh)
        if tco2e is None or not energy:
            return
        embodied = fp.embodied_tco2e if fp else 0.0
        implied = (tco2e - embodied) * 1e6 / energy
        data: dict[str, Any] = {"implied_g_per_kwh": implied, "basis": self.claim.basis}
        if implied > MAX_GRID_G_PER_KWH:
            self.add(
                "implied_intensity_implausible",
                "critical",
                f"the claim implies {fmt(implied)} g CO2e/kWh, above any grid "
                f"(rule: tCO2e / energy above {MAX_GRID_G_PER_KWH:g} g/kWh is implausible)",
                **data,
            )
            return
        if self.claim.basis != "location":
            return
        lows, highs, labels = [], [], []
        for run in self.disclosure.runs:
            try:
                entry = resolve_location(self.catalog, run.location)
            except EstimatorInputError:
                entry = None
            if entry is not None:
                # A country names no site: any of its zones' grids is possible.
                if entry.kind == "country":
                    low, high = self.catalog.country_extent(entry)
                else:
                    low, high = entry.low_g_per_kwh, entry.high_g_per_kwh
                lows.append(low)
                highs.append(high)
                labels.append(entry.label)
            elif run.intensity_g_per_kwh is not None:
                lows.append(run.intensity_g_per_kwh)
                highs.append(run.intensity_g_per_kwh)
                labels.append(f"given {run.intensity_g_per_kwh:g} g/kWh")
            else:
                lows.append(self.catalog.lowest_region.low_g_per_kwh)
                highs.append(self.catalog.highest_region.high_g_per_kwh)
                labels.append("unknown location")
        low, high = min(lows) / INTENSITY_MARGIN, max(highs) * INTENSITY_MARGIN
        data.update(plausible_low=low, plausible_high=high, locations=sorted(set(labels)))
        if not low <= implied <= high:
            self.add(
                "implied_intensity_implausible",
                "critical",
                f"a location-based claim implying {fmt(implied)} g CO2e/kWh is impossible "
                f"for {', '.join(sorted(set(labels)))} (rule: outside the locations' "
                f"catalog range divided and multiplied by {INTENSITY_MARGIN:g}, "
                f"{fmt(low)}-{fmt(high)})",
                **data,
            )

    def check_magnitudes(self) -> None:
        """Claims beyond any training run (10 TWh, 100 Mt) are judged, never refused: the
        registry records that a disclosure says something impossible."""
        claims = [(None, self.claim.energy_kwh, self.claim.tco2e)]
        claims += [
            (i, r.claimed_energy_kwh, r.claimed_tco2e) for i, r in enumerate(self.disclosure.runs)
        ]
        for run, energy, tco2e in claims:
            where = f"run {run}: " if run is not None else ""
            for quantity, value, limit, unit in (
                ("energy_kwh", energy, MAX_ENERGY_KWH, "kWh"),
                ("tco2e", tco2e, MAX_TCO2E, "tCO2e"),
            ):
                if value is not None and value > limit:
                    self.add(
                        "claim_magnitude_implausible",
                        "critical",
                        f"{where}the claimed {fmt(value)} {unit} is beyond any training run "
                        f"(rule: claims above {limit:g} {unit} are implausible)",
                        quantity=quantity,
                        claimed=value,
                        limit=limit,
                        run=run,
                    )
