"""Rebuild the grid-intensity data from an installed CodeCarbon package.

CodeCarbon (MIT) packages Our World in Data's country intensities (CC BY 4.0) and its own
cloud-region figures. The catalog vendors a hand-written snapshot; this command replaces it
with the exact figures of whatever CodeCarbon version is installed, keeping the catalog's own
entries that CodeCarbon does not have (the world fallback, Patterson's datacenter grids, the
ISO alpha-2 codes) so nothing silently disappears. CodeCarbon is never a dependency: it is
looked up at run time, or its data directory is given explicitly.
"""

from __future__ import annotations

import csv
import importlib.metadata
import importlib.util
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .catalog_files import DATA_DIR, load_catalog
from .errors import EstimatorInputError

OWID_SOURCE = (
    "Our World in Data, carbon intensity of electricity generation (Ember, Energy Institute), "
    "as packaged by CodeCarbon {version} (global_energy_mix.json)"
)


@dataclass(frozen=True, slots=True)
class RefreshReport:
    output_dir: Path
    codecarbon_version: str
    countries: int
    cloud_regions: int
    changed: int
    added: int
    old_version: str
    new_version: str

    def to_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__slots__}  # type: ignore[attr-defined]
        out["output_dir"] = str(self.output_dir)
        return out


def codecarbon_data_dir() -> tuple[Path, str]:
    """The installed CodeCarbon's ``data`` directory and version; refuses when absent."""
    spec = importlib.util.find_spec("codecarbon")
    if spec is None or spec.origin is None:
        raise EstimatorInputError(
            "codecarbon is not installed in this environment; install it where you run this "
            "command (it is not a dependency of the registry) or pass --codecarbon-data DIR",
            "codecarbon",
        )
    return Path(spec.origin).parent / "data", importlib.metadata.version("codecarbon")


def _version_beside(data: Path) -> str:
    """The version of the CodeCarbon package a data directory belongs to, if it says."""
    match = re.search(r"""__version__\s*=\s*["']([^"']+)""", _read(data.parent / "_version.py"))
    return match.group(1) if match else f"(data directory {data})"


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""


def _countries(data: Path, version: str, current: dict[str, Any]) -> dict[str, Any]:
    path = data / "private_infra" / "global_energy_mix.json"
    try:
        mix = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as error:
        raise EstimatorInputError(f"cannot read {path}: {error}", "codecarbon") from None
    out = {}
    for iso3, raw in sorted(mix.items()):
        intensity = raw.get("carbon_intensity")
        if not isinstance(intensity, int | float) or intensity <= 0 or len(iso3) != 3:
            continue
        old = current.get(iso3, {})
        entry = {"name": raw.get("country_name") or old.get("name") or iso3}
        if old.get("iso2"):
            entry["iso2"] = old["iso2"]
        entry.update(
            intensity_g_per_kwh=float(intensity),
            year=int(raw.get("year") or old.get("year") or 0),
            approximate=False,
            source=OWID_SOURCE.format(version=version),
            license="CC-BY-4.0 (Our World in Data); CodeCarbon packaging MIT",
        )
        out[iso3] = entry
    for iso3, old in current.items():  # keep what CodeCarbon lacks, marked as before
        out.setdefault(iso3, old)
    return dict(sorted(out.items()))


def _cloud(
    data: Path, version: str, countries: dict[str, Any], current: dict[str, Any]
) -> dict[str, Any]:
    path = data / "cloud" / "impact.csv"
    by_name = {c["name"].lower(): iso for iso, c in countries.items()}
    # CodeCarbon gives no year per cloud region; use its country's, else the latest one.
    latest = max(int(c.get("year") or 0) for c in countries.values())
    out: dict[str, dict[str, Any]] = {p: dict(regions) for p, regions in current.items()}
    try:
        # utf-8-sig: CodeCarbon's impact.csv starts with a byte order mark.
        rows = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))
    except (OSError, csv.Error) as error:
        raise EstimatorInputError(f"cannot read {path}: {error}", "codecarbon") from None
    for row in rows:
        provider, region = (row.get("provider") or "").strip(), (row.get("region") or "").strip()
        try:
            impact = float(row.get("impact") or "")
        except ValueError:
            continue
        if not provider or not region or impact <= 0:
            continue
        # CodeCarbon's countryIsoCode column is unreliable for some rows; trust the name.
        iso = (
            by_name.get((row.get("country_name") or "").strip().lower())
            or (row.get("countryIsoCode") or "").strip()
        )
        cited = (row.get("source") or "").strip() or "no source given"
        out.setdefault(provider, {})[region] = {
            "intensity_g_per_kwh": impact,
            "country": iso if iso in countries else None,
            "year": countries[iso]["year"] if iso in countries else latest,
            "source": f"CodeCarbon {version} cloud/impact.csv ({cited})",
            "license": "MIT (CodeCarbon)",
        }
    return {p: dict(sorted(r.items())) for p, r in sorted(out.items())}


def refresh_catalog(
    *,
    codecarbon_data: Path | None = None,
    output_dir: Path | None = None,
    dry_run: bool = False,
) -> RefreshReport:
    """Rewrite ``intensity.json`` from CodeCarbon's data.

    ``output_dir`` (default: the packaged ``data/``) receives a full catalog copy so it can be
    loaded with ``load_catalog(output_dir)`` and reviewed before it replaces the packaged one.
    Side effects: writes files unless ``dry_run``.
    """
    if codecarbon_data is None:
        codecarbon_data, version = codecarbon_data_dir()
    else:
        version = _version_beside(Path(codecarbon_data))
    current = json.loads((DATA_DIR / "intensity.json").read_text(encoding="utf-8"))
    countries = _countries(codecarbon_data, version, current["countries"])
    cloud = _cloud(codecarbon_data, version, countries, current["cloud_regions"])
    new = {
        **current,
        "countries": countries,
        "cloud_regions": cloud,
        "refreshed_from": f"codecarbon {version}",
    }
    before = {iso: c["intensity_g_per_kwh"] for iso, c in current["countries"].items()}
    added = sum(1 for iso in countries if iso not in before)
    changed = sum(
        1
        for iso, entry in countries.items()
        if iso in before and before[iso] != entry["intensity_g_per_kwh"]
    )
    target = Path(output_dir) if output_dir is not None else DATA_DIR
    old_version = load_catalog().version
    new_version = old_version
    if not dry_run:
        if target.resolve() != DATA_DIR.resolve():
            target.mkdir(parents=True, exist_ok=True)
            for source in DATA_DIR.glob("*.json"):
                shutil.copyfile(source, target / source.name)
        text = json.dumps(new, indent=2, ensure_ascii=False) + "\n"
        (target / "intensity.json").write_text(text, encoding="utf-8")
        new_version = load_catalog(target).version
    return RefreshReport(
        target,
        version,
        len(countries),
        sum(len(r) for r in cloud.values()),
        changed,
        added,
        old_version,
        new_version,
    )
