"""Which CRS each site's planar areas are measured in.

All geometry is cut in one analysis CRS, but a site's planar area is the one
its own survey states: measured in its own Gauss-Kruger (or UTM) zone. A
boundary TXT of zone 40 checked together with sites of zone 35 would
otherwise be measured 15° from the analysis CRS's central meridian, 5 % too
large. :func:`site_measuring` gives each site its *measuring CRS*:

1. the Gauss-Kruger or UTM CRS its file declared, while the site lies in that
   zone (or less than a quarter zone beyond its edge, as county surveys
   straddling a zone boundary do);
2. else, when the analysis CRS is a Gauss-Kruger or UTM zone and the site's
   file gave longitudes and latitudes, or the site lies beyond that reach of
   it, the zone of the same family (datum, zone width, zone prefix) the site
   lies in: a site given in degrees is measured in its own zone, not in the one
   the batch's centre chose (a far site added to a batch moved the others'
   planar areas by 0.1 %, and a sliver of farmland across its threshold);
3. else, when the analysis CRS is no such zone and scales lengths at the site
   by more than :data:`~landcheck.crs.scale.SCALE_TOLERANCE` (Web Mercator, a conic projection far
   from its parallels), the CGCS2000 Gauss-Kruger zone the site lies in (a UTM
   zone outside China);
4. else the analysis CRS.

Planar areas of the site, its pieces and its uncovered rest are then
measured by moving those geometries (only theirs) into the measuring CRS.
Ellipsoidal areas do not depend on the projection and are unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
from pyproj import CRS

from landcheck.crs.choice import crs_label, metric_crs_for
from landcheck.crs.scale import SCALE_TOLERANCE, point_scale, scale_error
from landcheck.crs.transform import move, outlines_in, to_geodetic
from landcheck.crs.zones import (
    GKZone,
    gk_family,
    gk_family_crs,
    utm_central_meridian,
    zone_for_longitude,
)
from landcheck.errors import AnalysisCRSError

__all__ = [
    "ZONE_REACH",
    "SiteMeasuring",
    "ZoneSystem",
    "buffered_on_the_ground",
    "centres_lonlat",
    "site_measuring",
    "zone_scale",
    "zone_system",
]

ZONE_REACH = 0.75
"""A site belongs to a zone while its centre is within this many zone widths of the
central meridian (half a zone is the zone itself, a quarter more is the slack county
surveys take near a zone edge): 2.25° for 3-degree zones, 4.5° for 6-degree and UTM zones."""


@dataclass(frozen=True)
class ZoneSystem:
    """A family of zoned transverse Mercator CRSs, and the zone one CRS of it is in.

    Attributes
    ----------
    kind : str
        ``"gk"`` (Chinese Gauss-Kruger, scale 1) or ``"utm"`` (WGS 84 UTM, scale 0.9996).
    datum : str
        ``"cgcs2000"``, ``"xian1980"``, ``"beijing1954"`` or ``"wgs84"``.
    width : int
        Zone width in degrees (3 or 6).
    prefixed : bool
        Gauss-Kruger eastings carry the zone number.
    central_meridian : float
        The central meridian of this CRS's zone.
    """

    kind: str
    datum: str
    width: int
    prefixed: bool
    central_meridian: float

    def reaches(self, lon: np.ndarray) -> np.ndarray:
        """Whether each longitude is within :data:`ZONE_REACH` zone widths of the meridian."""
        offset = (np.asarray(lon, dtype=float) - self.central_meridian + 180.0) % 360.0 - 180.0
        return np.abs(offset) <= ZONE_REACH * self.width

    def zone_keys(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """A number per longitude (and hemisphere) that is the same within one zone."""
        lon = np.asarray(lon, dtype=float)
        if self.kind == "utm":
            zone = np.floor(((lon + 180.0) % 360.0) / 6.0).astype(int) % 60 + 1
            return np.where(np.asarray(lat) >= 0.0, zone, -zone)
        if self.width == 3:
            return np.floor((lon + 1.5) / 3.0).astype(int)
        return np.floor(lon / 6.0).astype(int) + 1

    def crs_for(self, lon: float, lat: float) -> CRS | None:
        """The CRS of this family whose zone holds ``lon`` (None when there is none).

        Examples
        --------
        >>> system = zone_system(CRS.from_epsg(4523))
        >>> system.crs_for(120.2, 30.3).to_epsg()
        4528
        """
        if self.kind == "utm":
            zone = int(np.floor(((lon + 180.0) % 360.0) / 6.0)) % 60 + 1
            return CRS.from_epsg((32600 if lat >= 0.0 else 32700) + zone)
        try:
            zone = zone_for_longitude(lon, self.width)
        except AnalysisCRSError:  # outside China's zones
            return None
        return gk_family_crs(self.datum, zone, prefixed=self.prefixed)

    @property
    def projection(self) -> tuple[str, str, float]:
        """What fixes planar areas: CRSs with the same projection differ by a shift only."""
        return self.kind, self.datum, self.central_meridian


def zone_system(crs: CRS | None) -> ZoneSystem | None:
    """The zone family of a Gauss-Kruger or WGS 84 UTM EPSG CRS, else None.

    Examples
    --------
    >>> zone_system(CRS.from_epsg(4544))
    ZoneSystem(kind='gk', datum='cgcs2000', width=3, prefixed=False, central_meridian=105)
    >>> zone_system(CRS.from_epsg(32618)).central_meridian
    -75
    >>> zone_system(CRS.from_epsg(3857)) is None
    True
    """
    if crs is None or not crs.is_projected:
        return None
    family = gk_family(crs)
    if family is not None:
        zone: GKZone = family.zone
        return ZoneSystem("gk", family.datum, zone.width, family.prefixed, zone.central_meridian)
    meridian = utm_central_meridian(crs)
    return None if meridian is None else ZoneSystem("utm", "wgs84", 6, False, meridian)


@dataclass
class SiteMeasuring:
    """The measuring CRS of each site, and planar areas measured in it.

    Attributes
    ----------
    analysis : CRS
        The analysis CRS all geometry is in.
    labels : numpy.ndarray of str
        Per site, the label (``EPSG:4528``) of its measuring CRS.
    others : dict
        Label → CRS of the measuring CRSs other than the analysis CRS
        (empty when every site is measured in the analysis CRS).
    scale : numpy.ndarray
        Per site, lengths in its measuring CRS over lengths in the analysis
        CRS near it (1 where they are the same CRS).
    """

    analysis: CRS
    labels: np.ndarray
    others: dict[str, CRS] = field(default_factory=dict)
    scale: np.ndarray = field(default_factory=lambda: np.ones(0))

    @property
    def uniform(self) -> bool:
        """True when every site is measured in the analysis CRS."""
        return not self.others

    def elsewhere(self, sites: np.ndarray) -> np.ndarray:
        """Whether the sites at these positions are measured in another CRS."""
        sites = np.asarray(sites, dtype=np.intp)
        if self.uniform or not len(sites):
            return np.zeros(len(sites), dtype=bool)
        return np.isin(self.labels[sites], list(self.others))

    def to_own_crs(self, geometries: np.ndarray, sites: np.ndarray) -> np.ndarray:
        """Geometries moved into the measuring CRS of their site (a copy when any moves).

        Parameters
        ----------
        geometries : numpy.ndarray of shapely geometries
            In the analysis CRS.
        sites : numpy.ndarray of int
            The position of each geometry's site.
        """
        geometries = np.asarray(geometries, dtype=object)
        if self.uniform or not len(geometries):
            return geometries
        out = geometries.copy()
        owner = self.labels[np.asarray(sites, dtype=np.intp)]
        for label, crs in self.others.items():
            mine = np.flatnonzero(owner == label)
            if len(mine):
                out[mine] = move(geometries[mine], self.analysis, crs)
        return out

    def planar_areas(self, geometries: np.ndarray, sites: np.ndarray) -> np.ndarray:
        """Planar area of each geometry in the measuring CRS of its site, in m²."""
        return shapely.area(self.to_own_crs(geometries, sites))


def centres_lonlat(geometries: np.ndarray, crs: CRS) -> tuple[np.ndarray, np.ndarray]:
    """The longitude and latitude of the centre of each geometry's bounds (NaN without them).

    The point a site's zone is judged by (:data:`ZONE_REACH`).
    """
    bounds = shapely.bounds(geometries)
    x = (bounds[:, 0] + bounds[:, 2]) / 2.0
    y = (bounds[:, 1] + bounds[:, 3]) / 2.0
    to_degrees = to_geodetic(crs)
    if to_degrees is None:
        return np.full(len(x), np.nan), np.full(len(x), np.nan)
    lon, lat = to_degrees.transform(x, y)
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def buffered_on_the_ground(
    geometries: np.ndarray, distances: np.ndarray, crs: CRS, cap_style: str
) -> np.ndarray:
    """``shapely.buffer`` by ``distances`` metres on the ground, for geometries in ``crs``.

    Where ``crs`` makes lengths at a geometry's centre more than
    :data:`~landcheck.crs.scale.SCALE_TOLERANCE` untrue (Web Mercator; a
    Gauss-Kruger zone far from its meridian), the geometry is moved into the
    metric zone of its centre, buffered there and moved back: a 20 m road
    corridor drawn in Web Mercator at 40° N is 20 m wide, not 15.3 m.

    Examples
    --------
    A road along 40° N in Web Mercator, 10 m either side: 1 / cos(40°) = 1.31
    times as wide in the map's units as a plain buffer makes it.

    >>> road = np.array([shapely.LineString([(0, 4_865_942), (1_305, 4_865_942)])])
    >>> grown = buffered_on_the_ground(road, np.array([10.0]), CRS.from_epsg(3857), "flat")
    >>> plain = shapely.buffer(road[0], 10.0, cap_style="flat")
    >>> round(float(shapely.area(grown[0]) / shapely.area(plain)), 2)
    1.31
    """
    geometries = np.asarray(geometries, dtype=object)
    out = shapely.buffer(geometries, distances, cap_style=cap_style)
    to_degrees = to_geodetic(crs)
    usable = np.flatnonzero(~(shapely.is_missing(geometries) | shapely.is_empty(geometries)))
    if to_degrees is None or not len(usable):
        return out
    lon, lat = centres_lonlat(geometries[usable], crs)
    located = np.isfinite(lon) & np.isfinite(lat)  # else no zone to buffer it in
    untrue = located & (scale_error(crs, lon, lat) > SCALE_TOLERANCE)
    zones: dict[str, tuple[CRS, list[int]]] = {}
    for row, x, y in zip(usable[untrue].tolist(), lon[untrue], lat[untrue], strict=True):
        zone, _ = metric_crs_for(float(x), float(y))
        zones.setdefault(crs_label(zone), (zone, []))[1].append(row)
    for zone, rows in zones.values():
        moved = outlines_in(geometries[rows], crs, zone)
        grown = shapely.buffer(moved, np.asarray(distances)[rows], cap_style=cap_style)
        out[rows] = outlines_in(grown, zone, crs)
    return out


def zone_scale(crs: CRS, geometries: np.ndarray) -> np.ndarray:
    """Per geometry, how many metres of ``crs`` one metre of its own zone is, at its centre.

    A geometry's own zone is the zone of the same family as ``crs`` (datum,
    zone width, zone prefix) its centre lies in, or, when ``crs`` is no
    Gauss-Kruger or UTM zone, the metric zone of the place
    (:func:`~landcheck.crs.choice.metric_crs_for`): the plane its survey
    measures in, as each site's planar areas are measured in its own zone
    (:func:`site_measuring`). A distance of ``d`` metres drawn as
    ``d · zone_scale`` in ``crs`` is ``d`` metres there: at 105°E, 24.4°N,
    zone 34 (central meridian 102°E) makes lengths 1.00114 times those of
    zone 35, so a 10 m buffer drawn as 10 m in zone 34 was 9.989 m.

    The scale is exactly 1 where the own zone is ``crs``'s projection (every
    geometry of a batch within one zone), and 1 where the geometry is empty
    or no zone or scale is known (lengths of ``crs`` then stand).

    Examples
    --------
    >>> from landcheck.crs.zones import gk_crs
    >>> zone34 = gk_crs(GKZone(34))
    >>> lon = np.array([102.5, 105.0])
    >>> x, y = to_geodetic(zone34).transform(lon, [24.4, 24.4], direction="INVERSE")
    >>> centres = shapely.buffer(shapely.points(x, y), 1.0)
    >>> [round(float(k), 6) for k in zone_scale(zone34, centres)]
    [1.0, 1.001144]
    """
    geometries = np.asarray(geometries, dtype=object)
    scale = np.ones(len(geometries))
    rows = np.flatnonzero(~(shapely.is_missing(geometries) | shapely.is_empty(geometries)))
    if not len(rows):
        return scale
    lon, lat = centres_lonlat(geometries[rows], crs)
    located = np.isfinite(lon) & np.isfinite(lat)  # else no zone to measure in
    rows, lon, lat = rows[located], lon[located], lat[located]
    if not len(rows):
        return scale
    own = zone_system(crs)
    system = own if own is not None else zone_system(metric_crs_for(lon[0], lat[0])[0])
    if system is None:  # beyond the UTM zones (polar)
        return scale
    keys = system.zone_keys(lon, lat)
    for key in np.unique(keys).tolist():
        mine = keys == key
        zone = system.crs_for(float(lon[mine][0]), float(lat[mine][0]))
        if zone is None or (own is not None and zone_system(zone).projection == own.projection):
            continue
        ratio = point_scale(crs, lon[mine], lat[mine]) / point_scale(zone, lon[mine], lat[mine])
        scale[rows[mine]] = np.where(np.isfinite(ratio), ratio, 1.0)
    return scale


def site_measuring(
    analysis: CRS, geometries: np.ndarray, declared: Sequence[CRS | None] | None = None
) -> SiteMeasuring:
    """Give each site its measuring CRS (see the module docstring for the rules).

    Parameters
    ----------
    analysis : CRS
        The analysis CRS.
    geometries : numpy.ndarray of shapely geometries
        The sites in the analysis CRS.
    declared : sequence of CRS or None, optional
        Per site, the CRS its file declared (sites of one file share one CRS
        object), or None.

    Returns
    -------
    SiteMeasuring

    Examples
    --------
    A plot of zone 40 (120°E) checked in zone 35 is measured in zone 40:

    >>> from landcheck.crs.zones import gk_crs
    >>> zone35, zone40 = gk_crs(GKZone(35)), gk_crs(GKZone(40))
    >>> plot = shapely.box(40_500_000, 3_000_000, 40_500_100, 3_000_100)
    >>> in_35 = move(np.array([plot]), zone40, zone35)
    >>> measuring = site_measuring(zone35, in_35, [zone40])
    >>> measuring.labels.tolist(), round(float(measuring.planar_areas(in_35, [0])[0]), 6)
    (['EPSG:4528'], 10000.0)
    """
    geometries = np.asarray(geometries, dtype=object)
    n = len(geometries)
    analysis_label = crs_label(analysis)
    labels = np.full(n, analysis_label, dtype=object)
    declared = list(declared) if declared is not None else [None] * n
    own = zone_system(analysis)
    kinds = {id(c): c for c in declared if c is not None}
    systems = {key: zone_system(c) for key, c in kinds.items()}
    if n == 0:
        return SiteMeasuring(analysis, labels, {}, np.ones(n))
    usable = ~(shapely.is_missing(geometries) | shapely.is_empty(geometries))
    lon, lat = np.full(n, np.nan), np.full(n, np.nan)
    if usable.any():
        lon[usable], lat[usable] = centres_lonlat(geometries[usable], analysis)
    others: dict[str, CRS] = {}
    analysis_projection = own.projection if own is not None else None

    def assign(rows: np.ndarray, crs: CRS) -> None:
        system = zone_system(crs)
        if system is not None and system.projection == analysis_projection:
            return  # the same projection, shifted: the same planar areas
        label = crs_label(crs)
        if label == analysis_label:
            return
        others.setdefault(label, crs)
        labels[rows] = label

    source = np.array([id(c) if c is not None else 0 for c in declared], dtype=np.int64)
    family = np.full(n, -1)  # per site: the zone system it is measured in when out of reach
    systems_list = [own]
    for key, crs in kinds.items():
        system = systems[key]
        if system is None:
            if own is not None and crs.is_geographic:  # its own zone, whatever the batch's
                family[usable & (source == key)] = 0
            continue
        mine = usable & (source == key)
        inside = mine & system.reaches(lon)
        assign(np.flatnonzero(inside), crs)
        systems_list.append(system)
        family[mine & ~inside] = len(systems_list) - 1
    if own is not None:
        family[usable & (family < 0) & ~own.reaches(lon)] = 0
    else:
        located = np.isfinite(lon) & np.isfinite(lat)  # else no zone to move the site to
        candidates = np.flatnonzero(usable & (family < 0) & located)
        error = scale_error(analysis, lon[candidates], lat[candidates])
        distorted = candidates[error > SCALE_TOLERANCE]
        if len(distorted):
            first = distorted[0]
            systems_list.append(zone_system(metric_crs_for(lon[first], lat[first])[0]))
            family[distorted] = len(systems_list) - 1
    for index, system in enumerate(systems_list):
        rows = np.flatnonzero(family == index)
        if system is None or not len(rows):
            continue
        keys = system.zone_keys(lon[rows], lat[rows])
        for key in np.unique(keys).tolist():
            group = rows[keys == key]
            crs = system.crs_for(float(lon[group[0]]), float(lat[group[0]]))
            if crs is not None:
                assign(group, crs)
    measuring = SiteMeasuring(analysis, labels, others, np.ones(n))
    if others:
        moved = measuring.elsewhere(np.arange(n)) & usable
        rows = np.flatnonzero(moved)
        before = shapely.area(geometries[rows])
        after = measuring.planar_areas(geometries[rows], rows)
        measuring.scale[rows] = np.sqrt(
            np.divide(after, before, out=np.ones(len(rows)), where=before > 0)
        )
    return measuring
