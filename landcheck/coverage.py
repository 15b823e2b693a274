"""Coverage: the area the layers describe, and the part of each site outside it.

No farmland near a site means "not involved" only where the farmland layer
describes the land at all: a site in the next county, or 151 km away, is not
free of farmland, it is outside the data. The area the layers describe is,
in this order:

1. the profile's explicit coverage polygon (``coverage: {source: …}``, the
   county boundary the layers were compiled for);
2. else the land-use survey: a 三调 layer has a parcel on every point of its
   county, so the part of a site no land-use parcel covers lies outside it;
3. else each layer's own extent (the bounding box of its features).

It applies to the layers that describe presence (farmland, redline, urban
boundary, generic…). Land-use and planning-zone layers cover their own area
completely, and their gaps are already measured (``uncovered``). Rules then
turn an outcome that rests on absence into ``unknown`` when part of the site
lies outside (:func:`landcheck.rules.evaluate_rule`); a conflict found inside
the described area stands.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely
from pyproj import CRS

from landcheck.areas import ellipsoidal_areas
from landcheck.crs.measuring import SiteMeasuring
from landcheck.polygonal import polygonal_part
from landcheck.profile import Text
from landcheck.units import Area, AreaMethod

__all__ = ["COVERAGE_KINDS", "Coverage", "Outside", "outside_of"]

COVERAGE_KINDS = ("land_use", "planning_zone")
"""Layer kinds that cover their whole area (every point has a class)."""


@dataclass
class Outside:
    """Per site, the part of it outside an area.

    Attributes
    ----------
    planar_m2, ellipsoidal_m2 : numpy.ndarray
        Its area (planar in each site's measuring CRS).
    width_m : numpy.ndarray
        Its largest mean width, 2·area/perimeter (to tell a boundary-precision
        strip from land really outside).
    """

    planar_m2: np.ndarray
    ellipsoidal_m2: np.ndarray
    width_m: np.ndarray

    def area(self, position: int, method: AreaMethod) -> Area:
        """The outside part of the site at ``position``."""
        return Area(float(self.planar_m2[position]), float(self.ellipsoidal_m2[position]), method)


def _widths(parts: np.ndarray) -> np.ndarray:
    """Largest 2·area/perimeter among the polygons of each geometry."""
    polygons, owner = shapely.get_parts(parts, return_index=True)
    out = np.zeros(len(parts))
    if len(polygons):
        area, length = shapely.area(polygons), shapely.length(polygons)
        width = np.divide(2.0 * area, length, out=np.zeros_like(area), where=length > 0)
        np.maximum.at(out, owner, width)
    return out


def outside_of(
    site_geoms: np.ndarray,
    region: shapely.Geometry | None,
    crs: CRS,
    measuring: SiteMeasuring | None = None,
) -> Outside:
    """The part of each site outside ``region`` (None: nothing is described).

    Parameters
    ----------
    site_geoms : numpy.ndarray of shapely geometries
        The sites, in the analysis CRS.
    region : shapely geometry or None
        The described area, in the analysis CRS.
    crs : CRS
        The analysis CRS (for ellipsoidal areas).
    measuring : SiteMeasuring, optional
        Each site's measuring CRS, for planar areas and widths.

    Examples
    --------
    >>> from shapely import box
    >>> county = box(35_400_000, 2_690_000, 35_430_000, 2_720_000)
    >>> sites = np.array([box(35_410_000, 2_700_000, 35_410_100, 2_700_100),
    ...                   box(35_429_950, 2_700_000, 35_430_050, 2_700_100)])
    >>> outside = outside_of(sites, county, CRS.from_epsg(4523))
    >>> outside.planar_m2.tolist(), outside.width_m.tolist()
    ([0.0, 5000.0], [0.0, 33.333333333333336])
    """
    site_geoms = np.asarray(site_geoms, dtype=object)
    n = len(site_geoms)
    planar, ellipsoidal, width = np.zeros(n), np.zeros(n), np.zeros(n)
    usable = ~(shapely.is_missing(site_geoms) | shapely.is_empty(site_geoms))
    if region is None or shapely.is_empty(region):
        rows = np.flatnonzero(usable)
        parts = site_geoms[rows]
    else:
        shapely.prepare(region)
        rows = np.flatnonzero(usable & ~shapely.covered_by(site_geoms, region))
        parts = polygonal_part(shapely.difference(site_geoms[rows], region))
    if len(rows):
        own = parts if measuring is None else measuring.to_own_crs(parts, rows)
        planar[rows] = shapely.area(own)
        ellipsoidal[rows] = ellipsoidal_areas(parts, crs)
        width[rows] = _widths(own)
    return Outside(planar, ellipsoidal, width)


@dataclass
class Coverage:
    """What describes the land of each layer, and the part of each site outside it.

    Attributes
    ----------
    basis : str
        ``"profile"`` (the profile's coverage polygon), ``"land_use"`` (the
        land-use survey) or ``"extent"`` (each layer's own extent).
    described_by : dict
        Layer key → what describes its land, in words (a bilingual Text).
    outside : dict
        Layer key → :class:`Outside` (for the ``profile`` and ``extent`` bases).
    land_use : str or None
        For the ``land_use`` basis, the land-use layer whose uncovered part
        of each site lies outside the survey.
    """

    basis: str
    described_by: dict[str, Text] = field(default_factory=dict)
    outside: dict[str, Outside] = field(default_factory=dict)
    land_use: str | None = None

    def applies_to(self, key: str) -> bool:
        """Whether this coverage says something about layer ``key``."""
        return key in self.described_by

    def to_dict(self) -> dict[str, object]:
        """The findings.json form: the basis and, per layer, what describes it."""
        return {
            "basis": self.basis,
            "layers": {key: text.to_dict() for key, text in self.described_by.items()},
        }
