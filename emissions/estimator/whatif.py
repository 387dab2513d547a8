"""What-if comparisons: the same job elsewhere and on other hardware.

Patterson et al. 2021 show that the choice of datacenter, grid and processor moves a training
footprint by 100-1000x; a registry entry is more useful when it shows that spread next to the
actual figure.

- Regions: the same facility energy on the catalog's lowest- and highest-intensity grids
  (location-based, so the actual gross figure always lies between them when its intensity
  came from the catalog).
- Hardware: each run with a known accelerator redone on every other catalog accelerator with a
  published peak throughput, assuming the same work at the same fraction of peak: device-hours
  scale by peak_old / peak_new and power is the catalog's typical average for the new device.
  This is an indication, not a benchmark; runs without a known accelerator stay as they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .catalog import Catalog, GridIntensity

if TYPE_CHECKING:
    from .footprint import Footprint


def _region(fp: Footprint, entry: GridIntensity) -> dict[str, Any]:
    return {
        "region": entry.key,
        "label": entry.label,
        "intensity_g_per_kwh": entry.intensity_g_per_kwh,
        "tco2e": fp.energy_kwh * entry.intensity_g_per_kwh / 1e6 + fp.embodied_tco2e,
        "source": entry.source,
    }


def what_if(fp: Footprint, catalog: Catalog) -> dict[str, Any]:
    """The ``what_if`` block of a footprint (see module docstring for the assumptions)."""
    movable = []
    for run in fp.runs:
        acc = catalog.find_accelerator(run.accelerator) if run.accelerator else None
        if acc is not None and acc.peak_tflops and run.device_hours:
            movable.append((run, acc.peak_tflops * run.device_hours))
    fixed_tco2e = fp.gross_tco2e - sum(run.gross_tco2e for run, _ in movable)

    hardware = []
    if movable:
        for other in catalog.accelerators.values():
            if not other.peak_tflops:
                continue
            tco2e = fixed_tco2e
            device_hours = 0.0
            for run, work in movable:
                hours = work / other.peak_tflops
                dyn = hours * other.typical_w / 1000.0
                energy = (dyn + run.idle_it_energy_kwh) * run.pue
                tco2e += energy * run.intensity_g_per_kwh / 1e6 + run.embodied_tco2e
                device_hours += hours
            hardware.append(
                {
                    "accelerator": other.name,
                    "device_hours": device_hours,
                    "power_w": other.typical_w,
                    "tco2e": tco2e,
                }
            )
        hardware.sort(key=lambda item: item["tco2e"])
    return {
        "basis": "gross_tco2e",
        "actual_tco2e": fp.gross_tco2e,
        "regions": {
            "lowest": _region(fp, catalog.lowest_region),
            "highest": _region(fp, catalog.highest_region),
        },
        "hardware": hardware,
        "hardware_runs": [run.index for run, _ in movable],
        "assumptions": (
            "regions: same facility energy on another grid (location-based); hardware: same "
            "work at the same fraction of peak FP16/BF16 throughput, catalog typical power, "
            "same PUE and grid"
        ),
    }
