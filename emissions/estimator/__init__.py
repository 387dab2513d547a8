"""The estimator core: compute, check and explain the footprint of AI training runs.

Pure Python, standard library only, and nothing from Django or the rest of the project, so the
web forms, the API, the Celery tasks, the exports, the command line and the tests all call
the same functions. See README.md in this package for the JSON contract and the method.
"""

from .catalog import Accelerator, Catalog, GridIntensity, PueDefault
from .catalog_files import CATALOG_VERSION, load_catalog
from .codecarbon_csv import from_codecarbon_csv
from .errors import EstimatorInputError, InsufficientDataError
from .footprint import Factor, Footprint, RunFootprint, estimate_training_footprint
from .hf_card import from_hf_card, hf_metadata_yaml, to_hf_metadata
from .inputs import (
    ImportedDisclosure,
    claim_to_dict,
    disclosure_to_dict,
    parse_claim,
    parse_disclosure,
    parse_verify_request,
)
from .model import Claim, DisclosureInput, Location, RunInput
from .schedule import (
    IntensitySeries,
    RampPlan,
    RampSegment,
    SeriesFootprint,
    WindowResult,
    best_start_window,
    footprint_over_series,
    ramp_plan,
)
from .series_formats import read_intensity_series
from .statement import emissions_statement, latex_escape
from .units import convert
from .verify import VERDICTS, Flag, Verification, verify_claim

__all__ = [
    "CATALOG_VERSION",
    "VERDICTS",
    "Accelerator",
    "Catalog",
    "Claim",
    "DisclosureInput",
    "EstimatorInputError",
    "Factor",
    "Flag",
    "Footprint",
    "GridIntensity",
    "ImportedDisclosure",
    "InsufficientDataError",
    "IntensitySeries",
    "Location",
    "PueDefault",
    "RampPlan",
    "RampSegment",
    "RunFootprint",
    "RunInput",
    "SeriesFootprint",
    "Verification",
    "WindowResult",
    "best_start_window",
    "claim_to_dict",
    "convert",
    "disclosure_to_dict",
    "emissions_statement",
    "estimate_training_footprint",
    "footprint_over_series",
    "from_codecarbon_csv",
    "from_hf_card",
    "hf_metadata_yaml",
    "latex_escape",
    "load_catalog",
    "parse_claim",
    "parse_disclosure",
    "parse_verify_request",
    "ramp_plan",
    "read_intensity_series",
    "to_hf_metadata",
    "verify_claim",
]
