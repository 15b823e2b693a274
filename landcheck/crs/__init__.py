"""Coordinate reference systems: the whole CRS story of a run, in one package.

- :mod:`~landcheck.crs.zones`: Gauss-Kruger zones and their EPSG families;
- :mod:`~landcheck.crs.choice`: the analysis CRS (projected, in metres) and why;
- :mod:`~landcheck.crs.traps`: coordinates that do not fit their CRS, and the likely one;
- :mod:`~landcheck.crs.datum`: Xian 1980 / Beijing 1954 / New Beijing, refused or shifted once
  per input;
- :mod:`~landcheck.crs.measuring`: the zone each site's planar areas are measured in;
- :mod:`~landcheck.crs.transform`: transformations made once, applied to whole arrays.

Everything here is pure (CRSs, bounds, frames and arrays in; no paths).
Areas are measured by :mod:`landcheck.areas`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from landcheck.crs.choice import (
    choose_analysis_crs,
    crs_label,
    metric_crs_for,
    non_metric_unit,
    parse_crs,
)
from landcheck.crs.zones import (
    CGCS2000_GEOGRAPHIC,
    GKFamily,
    GKZone,
    gk_crs,
    gk_family,
    gk_family_crs,
    gk_zone_of_crs,
    zone_for_longitude,
)
from landcheck.lazy import lazy_exports

if TYPE_CHECKING:
    from landcheck.crs.datum import DatumShift, cgcs2000_counterpart, legacy_datum

_DATUM = ("DatumShift", "cgcs2000_counterpart", "legacy_datum")
"""Names of :mod:`~landcheck.crs.datum`, imported when first asked for: it needs geopandas,
which the areas and transformations of a batch's worker processes do not."""

__all__ = [
    "CGCS2000_GEOGRAPHIC",
    "DatumShift",
    "GKFamily",
    "GKZone",
    "cgcs2000_counterpart",
    "choose_analysis_crs",
    "crs_label",
    "gk_crs",
    "gk_family",
    "gk_family_crs",
    "gk_zone_of_crs",
    "legacy_datum",
    "metric_crs_for",
    "non_metric_unit",
    "parse_crs",
    "zone_for_longitude",
]


__getattr__, __dir__ = lazy_exports(__name__, dict.fromkeys(_DATUM, "landcheck.crs.datum"))
