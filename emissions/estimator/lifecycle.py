"""Optional lifecycle defaults: idle energy and embodied emissions (Luccioni et al. 2023).

Luccioni, Viguier and Ligozat split BLOOM's footprint into dynamic (GPU) energy, idle energy
of the cluster and embodied emissions of the hardware. With ``lifecycle=True`` a run that
gives neither of the last two gets them scaled from BLOOM's published split (figures in
``rules.json`` under ``lifecycle``, with their source): idle energy in proportion to the run's
IT energy, embodied emissions in proportion to its device-hours. Each is a factor with a wide
range, because the split is one cluster's. Off by default.
"""

from __future__ import annotations

from .catalog import Catalog

LIFECYCLE_SOURCE = "lifecycle default (Luccioni et al. 2023, BLOOM): "


def lifecycle_idle(
    it: float, it_lo: float, it_hi: float, catalog: Catalog
) -> tuple[float, float, float, str]:
    """Idle IT energy scaled from BLOOM's idle/dynamic split, with its range."""
    rules = catalog.rules.lifecycle
    ratio = rules["bloom_idle_kwh"] / rules["bloom_dynamic_kwh"]
    lo, hi = rules["idle_range"]
    source = LIFECYCLE_SOURCE + f"idle = IT energy x {ratio:.4g}"
    return it * ratio, it_lo * ratio * lo, it_hi * ratio * hi, source


def lifecycle_embodied(device_hours: float, catalog: Catalog) -> tuple[float, float, float, str]:
    """Embodied tCO2e scaled from BLOOM's embodied emissions per GPU-hour, with its range."""
    rules = catalog.rules.lifecycle
    per_hour = rules["bloom_embodied_tco2e"] / rules["bloom_gpu_hours"]
    lo, hi = rules["embodied_range"]
    source = LIFECYCLE_SOURCE + f"{per_hour * 1e6:.4g} g CO2e per device-hour"
    emb = device_hours * per_hour
    return emb, emb * lo, emb * hi, source
