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

A proximity rule ("no redline within 100 m") rests on the absence of features
around the site too: :func:`band_outside` measures, per site and distance, the
part of that band beyond the described area (for the land-use basis, beyond
the survey's bounding box), and the rule says ``band_outside`` (unknown)
instead of ``clear`` when it is more than a sliver.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import shapely
from pyproj import CRS

from landcheck.areas import ellipsoidal_areas
from landcheck.crs.measuring import SiteMeasuring
from landcheck.polygonal import polygonal_part
from landcheck.profile import Profile, Text
from landcheck.units import Area, AreaMethod

__all__ = [
    "COVERAGE_KINDS",
    "Band",
    "BandGap",
    "Coverage",
    "Outside",
    "band_outside",
    "layer_bands",
    "outside_of",
    "proximity_distances",
    "widest_parts",
]

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


def widest_parts(parts: np.ndarray) -> np.ndarray:
    """Largest mean width (2·area/perimeter) among the polygons of each geometry."""
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
    usable = ~(shapely.is_missing(site_geoms) | shapely.is_empty(site_geoms))
    if region is None or shapely.is_empty(region):
        rows = np.flatnonzero(usable)
        parts = site_geoms[rows]
    else:
        shapely.prepare(region)
        rows = np.flatnonzero(usable & ~shapely.covers(region, site_geoms))
        parts = polygonal_part(shapely.difference(site_geoms[rows], region))
    return _measured(n, rows, parts, crs, measuring)


def _measured(
    n: int, rows: np.ndarray, parts: np.ndarray, crs: CRS, measuring: SiteMeasuring | None
) -> Outside:
    """The :class:`Outside` of ``n`` sites whose parts at ``rows`` are ``parts`` (others 0)."""
    planar, ellipsoidal, width = np.zeros(n), np.zeros(n), np.zeros(n)
    if len(rows):
        own = parts if measuring is None else measuring.to_own_crs(parts, rows)
        planar[rows] = shapely.area(own)
        ellipsoidal[rows] = ellipsoidal_areas(parts, crs)
        width[rows] = widest_parts(own)
    return Outside(planar, ellipsoidal, width)


def band_outside(
    site_geoms: np.ndarray,
    distance: float,
    region: shapely.Geometry | None,
    crs: CRS,
    measuring: SiteMeasuring | None = None,
) -> Outside:
    """The part of the band within ``distance`` of each site (the site left out) beyond ``region``.

    The band is the site's round buffer less the site: ``shapely.buffer``'s, 8
    segments a quarter circle, whose arcs lie inside the true ones by at most
    ``distance · (1 − cos(π/32))`` (0.48 m at 100 m; a whole quarter disc 0.64 % short).
    A site measured in its own zone is buffered by ``distance`` metres of that zone.
    Only the sites whose box grown by ``distance`` is not inside ``region`` are
    buffered, and only those whose buffer ``region`` does not cover are cut (one
    difference each).

    Parameters
    ----------
    site_geoms : numpy.ndarray of shapely geometries
        The sites, in the analysis CRS.
    distance : float
        The proximity rule's distance, in metres.
    region : shapely geometry or None
        The described area, in the analysis CRS (None: nothing is described).
    crs : CRS
        The analysis CRS (for ellipsoidal areas).
    measuring : SiteMeasuring, optional
        Each site's measuring CRS, for the buffer's distance, planar areas and widths.

    Examples
    --------
    The county ends 20 m east of a 100 m site: beyond it, 80 m x 100 m of straight
    band and two corner caps, 2 x 5,867.4 m² for true discs (19,734.8 m² in all),
    a little less for the buffer's.

    >>> from shapely import box
    >>> county = box(35_400_000, 2_690_000, 35_410_120, 2_720_000)
    >>> sites = np.array([box(35_410_000, 2_700_000, 35_410_100, 2_700_100),
    ...                   box(35_405_000, 2_700_000, 35_405_100, 2_700_100)])
    >>> band = band_outside(sites, 100.0, county, CRS.from_epsg(4523))
    >>> [round(a) for a in band.planar_m2]
    [19647, 0]
    """
    site_geoms = np.asarray(site_geoms, dtype=object)
    n = len(site_geoms)
    rows = np.flatnonzero(~(shapely.is_missing(site_geoms) | shapely.is_empty(site_geoms)))
    reach = _analysis_distances(distance, rows, measuring)
    if region is None or shapely.is_empty(region):
        grown = shapely.buffer(site_geoms[rows], reach)
    else:
        shapely.prepare(region)  # covers(region, …) tests against it prepared: 20x covered_by
        near_edge = ~_boxes_inside(site_geoms[rows], reach, region)
        rows, reach = rows[near_edge], reach[near_edge]
        grown = shapely.buffer(site_geoms[rows], reach)
        beyond = ~shapely.covers(region, grown)
        rows, grown = rows[beyond], shapely.difference(grown[beyond], region)
    parts = polygonal_part(shapely.difference(grown, site_geoms[rows]))
    return _measured(n, rows, parts, crs, measuring)


def _boxes_inside(
    geometries: np.ndarray, reach: np.ndarray, region: shapely.Geometry
) -> np.ndarray:
    """Whether each geometry's box grown by ``reach`` lies inside the (prepared) ``region``.

    Such a geometry's buffer is covered without being made: most sites of a batch.
    """
    bounds = shapely.bounds(geometries) + reach[:, None] * np.array([-1.0, -1.0, 1.0, 1.0])
    return shapely.contains_properly(region, shapely.box(*bounds.T))


def _analysis_distances(
    distance: float, rows: np.ndarray, measuring: SiteMeasuring | None
) -> np.ndarray:
    """``distance`` metres of each site's measuring CRS, in the analysis CRS."""
    if measuring is None or measuring.uniform:
        return np.full(len(rows), distance)
    return distance / measuring.scale[rows]


def layer_bands(
    site_geoms: np.ndarray,
    distances: Mapping[str, tuple[float, ...]],
    region: shapely.Geometry | None,
    described: Text,
    crs: CRS,
    measuring: SiteMeasuring | None = None,
) -> dict[str, Band]:
    """Per layer key, the :class:`Band` of each of its distances beyond one ``region``.

    One :func:`band_outside` per distance: layers of the same distances share it.
    """
    made: dict[float, Outside] = {}
    for distance in sorted({d for ds in distances.values() for d in ds}):
        made[distance] = band_outside(site_geoms, distance, region, crs, measuring)
    return {key: Band(described, {d: made[d] for d in wanted}) for key, wanted in distances.items()}


def proximity_distances(profile: Profile, keys: list[str]) -> dict[str, tuple[float, ...]]:
    """Per layer key among ``keys``, the distances of the profile's proximity rules on it.

    Examples
    --------
    >>> from landcheck.io.profiles import load_profile
    >>> proximity_distances(load_profile(), ["eco_redline", "farmland", "land_use"])
    {'eco_redline': (100.0,), 'farmland': (50.0,)}
    """
    found: dict[str, set[float]] = {}
    for rule in profile.rules:
        # the checks that say "none within distance_m of the site" (a parameter no other
        # check takes: the profile's validation refuses it there)
        if rule.layer in keys and "distance_m" in rule.params:
            found.setdefault(rule.layer, set()).add(float(rule.params["distance_m"]))
    return {key: tuple(sorted(found[key])) for key in keys if key in found}


@dataclass(frozen=True, slots=True)
class BandGap:
    """For one site and distance, the part of the band around it beyond the described area.

    Attributes
    ----------
    area : Area
        Its area (the site itself left out).
    width_m : float
        Its largest mean width, 2·area/perimeter (a boundary-precision strip is a sliver).
    described : Text
        What the band was measured against, in words.
    """

    area: Area
    width_m: float
    described: Text


@dataclass
class Band:
    """Per proximity distance, the part of each site's band beyond the area one text names.

    Attributes
    ----------
    described : Text
        What the band is measured against (the coverage polygon, the land-use
        survey's bounding box, the layer's extent).
    outside : dict
        Distance in metres → :class:`Outside` (of the band, per site).
    """

    described: Text
    outside: dict[float, Outside]
    _described_all: dict[AreaMethod, dict[float, BandGap]] = field(default_factory=dict)

    def at(self, position: int, method: AreaMethod) -> dict[float, BandGap]:
        """The site at ``position``'s :class:`BandGap` for each distance.

        A site whose bands are all described (nearly every site) shares one mapping of
        zero gaps per method: its own for each of 10,000 sites held 4 MB a layer and
        distance.
        """
        if all(_nothing_at(outside, position) for outside in self.outside.values()):
            found = self._described_all.get(method)
            if found is None:
                zero = Area(0.0, 0.0, method)
                found = {d: BandGap(zero, 0.0, self.described) for d in self.outside}
                self._described_all[method] = found
            return found
        return {
            distance: BandGap(
                outside.area(position, method), float(outside.width_m[position]), self.described
            )
            for distance, outside in self.outside.items()
        }


def _nothing_at(outside: Outside, position: int) -> bool:
    """Whether the band of the site at ``position`` lies wholly in the described area."""
    return (
        outside.planar_m2[position] == 0.0
        and outside.ellipsoidal_m2[position] == 0.0
        and outside.width_m[position] == 0.0
    )


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
    bands : dict
        Layer key → :class:`Band`, for the layers a proximity rule reads: the
        part of the band around each site beyond the described area.
    regions : dict
        Layer key → the described area the ground around a site is measured
        against (the coverage polygon, the land-use survey's bounding box, the
        layer's extent box), in the analysis CRS; None when none could be had
        (nothing around a site is described).
    """

    basis: str
    described_by: dict[str, Text] = field(default_factory=dict)
    outside: dict[str, Outside] = field(default_factory=dict)
    land_use: str | None = None
    bands: dict[str, Band] = field(default_factory=dict)
    regions: dict[str, shapely.Geometry | None] = field(default_factory=dict)

    def applies_to(self, key: str) -> bool:
        """Whether this coverage says something about layer ``key``."""
        return key in self.described_by

    def to_dict(self) -> dict[str, object]:
        """The findings.json form: the basis and, per layer, what describes it."""
        return {
            "basis": self.basis,
            "layers": {key: text.to_dict() for key, text in self.described_by.items()},
        }
