"""Coordinate reference systems: the analysis CRS, Gauss-Kruger zones, ellipsoidal area.

Chinese land data lives in CGCS2000 Gauss-Kruger projections, 3-degree or
6-degree zones, with or without the zone number prefixed to the easting
(EPSG:4491–4554, listed below). landcheck brings every input into one projected analysis
CRS, chosen here, and measures ellipsoidal areas on that CRS's ellipsoid.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from pyproj import CRS, Geod, Transformer
from pyproj.exceptions import CRSError

from landcheck.errors import AnalysisCRSError
from landcheck.geodesic import geodesic_ring_areas

__all__ = [
    "CGCS2000_GEOGRAPHIC",
    "GKFamily",
    "GKZone",
    "cgcs2000_counterpart",
    "choose_analysis_crs",
    "crs_label",
    "crs_plausibility",
    "ellipsoidal_areas",
    "gk_crs",
    "gk_family",
    "gk_family_crs",
    "gk_zone_of_crs",
    "legacy_datum",
    "measure_areas",
    "metric_crs_for",
    "non_metric_unit",
    "parse_crs",
    "zone_for_longitude",
]

CGCS2000_GEOGRAPHIC = 4490
"""EPSG code of CGCS2000 geographic coordinates (longitude/latitude)."""

# EPSG code ranges of the CGCS2000 Gauss-Kruger families, as in the EPSG registry.
_CGCS2000_3DEG_PREFIXED = (4513, 25)  # first code, first zone; zones 25-45
_CGCS2000_3DEG_PLAIN = 4534  # CM 75E ... 135E by 3 degrees
_CGCS2000_6DEG_PREFIXED = (4491, 13)  # zones 13-23
_CGCS2000_6DEG_PLAIN = (4502, 13)

_LEGACY_DATUMS = {
    "Xian 1980": "Xian 1980 (西安80)",
    "Beijing 1954": "Beijing 1954 (北京54)",
}


@dataclass(frozen=True)
class GKZone:
    """A CGCS2000 Gauss-Kruger zone.

    Parameters
    ----------
    number : int
        The zone number (3-degree: CM = 3·n; 6-degree: CM = 6·n − 3).
    width : int
        Zone width in degrees, 3 or 6.

    Examples
    --------
    >>> GKZone(35, 3).central_meridian
    105
    >>> GKZone(35, 3).epsg(prefixed=True), GKZone(35, 3).epsg(prefixed=False)
    (4523, 4544)
    """

    number: int
    width: int = 3

    def __post_init__(self) -> None:
        if self.width not in (3, 6):
            raise AnalysisCRSError(f"Gauss-Kruger zone width must be 3 or 6, got {self.width}")
        low, high = (25, 45) if self.width == 3 else (13, 23)
        if not low <= self.number <= high:
            raise AnalysisCRSError(
                f"{self.width}-degree zone {self.number} is outside China's range "
                f"{low}-{high}; check the zone number (带号)"
            )

    @property
    def central_meridian(self) -> int:
        """Longitude of the zone's central meridian, in degrees east."""
        return 3 * self.number if self.width == 3 else 6 * self.number - 3

    def epsg(self, *, prefixed: bool = True) -> int:
        """EPSG code of the CGCS2000 projection of this zone.

        Parameters
        ----------
        prefixed : bool
            True when eastings carry the zone number (false easting
            ``zone·10⁶ + 500000``), False for plain 500 km false easting.
        """
        if self.width == 3:
            first, first_zone = _CGCS2000_3DEG_PREFIXED
            if prefixed:
                return first + self.number - first_zone
            return _CGCS2000_3DEG_PLAIN + (self.central_meridian - 75) // 3
        first, first_zone = _CGCS2000_6DEG_PREFIXED if prefixed else _CGCS2000_6DEG_PLAIN
        return first + self.number - first_zone


def zone_for_longitude(lon: float, width: int = 3) -> GKZone:
    """Return the Gauss-Kruger zone containing a longitude.

    Examples
    --------
    >>> zone_for_longitude(103.8)
    GKZone(number=35, width=3)
    >>> zone_for_longitude(103.8, width=6)
    GKZone(number=18, width=6)
    """
    if width == 3:
        return GKZone(int(np.floor((lon + 1.5) / 3.0)), 3)
    return GKZone(int(np.floor(lon / 6.0)) + 1, 6)


def gk_crs(zone: GKZone, *, prefixed: bool = True) -> CRS:
    """Return the CGCS2000 Gauss-Kruger CRS of a zone.

    Examples
    --------
    >>> gk_crs(GKZone(35, 3)).to_epsg(), gk_crs(GKZone(35, 3), prefixed=False).to_epsg()
    (4523, 4544)
    """
    return CRS.from_epsg(zone.epsg(prefixed=prefixed))


@lru_cache(maxsize=64)
def _gk_lookup() -> dict[int, tuple[GKZone, bool]]:
    table: dict[int, tuple[GKZone, bool]] = {}
    for n in range(25, 46):
        zone = GKZone(n, 3)
        table[zone.epsg(prefixed=True)] = (zone, True)
        table[zone.epsg(prefixed=False)] = (zone, False)
    for n in range(13, 24):
        zone = GKZone(n, 6)
        table[zone.epsg(prefixed=True)] = (zone, True)
        table[zone.epsg(prefixed=False)] = (zone, False)
    return table


def gk_zone_of_crs(crs: CRS) -> tuple[GKZone, bool] | None:
    """Return ``(zone, prefixed)`` when ``crs`` is a CGCS2000 Gauss-Kruger EPSG CRS.

    Examples
    --------
    >>> gk_zone_of_crs(CRS.from_epsg(4523))
    (GKZone(number=35, width=3), True)
    >>> gk_zone_of_crs(CRS.from_epsg(3857)) is None
    True
    """
    code = crs.to_epsg(min_confidence=90)
    if code is None:
        return None
    return _gk_lookup().get(code)


# First EPSG codes of each datum's Gauss-Kruger families in the EPSG registry:
# (3-degree prefixed from zone 25, 3-degree plain from CM 75E, 6-degree prefixed
# from zone 13, 6-degree plain from CM 75E).
_GK_FAMILY_CODES = {
    "cgcs2000": (4513, 4534, 4491, 4502),
    "xian1980": (2349, 2370, 2327, 2338),
    "beijing1954": (2401, 2422, 21413, 21453),
}
_GEOGRAPHIC_CODES = {"cgcs2000": 4490, "xian1980": 4610, "beijing1954": 4214}


@dataclass(frozen=True)
class GKFamily:
    """A Chinese Gauss-Kruger CRS: its datum, zone and easting convention.

    Attributes
    ----------
    datum : str
        ``"cgcs2000"``, ``"xian1980"`` or ``"beijing1954"``.
    zone : GKZone
        The zone (3- or 6-degree).
    prefixed : bool
        True when eastings carry the zone number.
    """

    datum: str
    zone: GKZone
    prefixed: bool

    def epsg(self) -> int:
        """EPSG code of this CRS.

        Examples
        --------
        >>> GKFamily("xian1980", GKZone(35, 3), True).epsg()
        2359
        """
        three_prefixed, three_plain, six_prefixed, six_plain = _GK_FAMILY_CODES[self.datum]
        cm = self.zone.central_meridian
        if self.zone.width == 3:
            if self.prefixed:
                return three_prefixed + self.zone.number - 25
            return three_plain + (cm - 75) // 3
        if self.prefixed:
            return six_prefixed + self.zone.number - 13
        return six_plain + (cm - 75) // 6


@lru_cache(maxsize=1)
def _family_lookup() -> dict[int, GKFamily]:
    table: dict[int, GKFamily] = {}
    for datum in _GK_FAMILY_CODES:
        for width, zones in ((3, range(25, 46)), (6, range(13, 24))):
            for number in zones:
                for prefixed in (True, False):
                    family = GKFamily(datum, GKZone(number, width), prefixed)
                    table[family.epsg()] = family
    return table


def gk_family(crs: CRS) -> GKFamily | None:
    """Return the datum, zone and easting convention of a Chinese Gauss-Kruger EPSG CRS.

    Covers CGCS2000, Xian 1980 and Beijing 1954, 3- and 6-degree zones, with
    and without the zone prefix.

    Examples
    --------
    >>> gk_family(CRS.from_epsg(2359))
    GKFamily(datum='xian1980', zone=GKZone(number=35, width=3), prefixed=True)
    >>> gk_family(CRS.from_epsg(4544)).prefixed
    False
    >>> gk_family(CRS.from_epsg(32648)) is None
    True
    """
    code = crs.to_epsg(min_confidence=90)
    return None if code is None else _family_lookup().get(code)


def gk_family_crs(datum: str, zone: GKZone, *, prefixed: bool = True) -> CRS:
    """Return the Gauss-Kruger CRS of a datum and zone.

    Examples
    --------
    >>> gk_family_crs("beijing1954", GKZone(18, 6)).to_epsg()
    21418
    """
    return CRS.from_epsg(GKFamily(datum, zone, prefixed).epsg())


def cgcs2000_counterpart(crs: CRS) -> CRS | None:
    """The CGCS2000 CRS with the same projection as a Xian 1980 / Beijing 1954 CRS.

    Returns None for a CRS in no legacy datum, or in a legacy datum but a
    projection landcheck does not know (then build the target yourself).

    Examples
    --------
    >>> cgcs2000_counterpart(CRS.from_epsg(2359)).to_epsg()
    4523
    >>> cgcs2000_counterpart(CRS.from_epsg(4214)).to_epsg()
    4490
    >>> cgcs2000_counterpart(CRS.from_epsg(4523)) is None
    True
    """
    if legacy_datum(crs) is None:
        return None
    family = gk_family(crs)
    if family is not None:
        return gk_family_crs("cgcs2000", family.zone, prefixed=family.prefixed)
    if crs.is_geographic:
        return CRS.from_epsg(_GEOGRAPHIC_CODES["cgcs2000"])
    return None


def parse_crs(value: Any, *, what: str = "CRS") -> CRS:
    """Parse any CRS form pyproj accepts, with an error that says how to fix it.

    Parameters
    ----------
    value : str, int or CRS
        ``"EPSG:4523"``, ``4523``, WKT, PROJ string or a CRS.
    what : str
        What the CRS is for, used in the message.

    Examples
    --------
    >>> parse_crs("EPSG:4523").is_projected
    True
    >>> parse_crs("CGCS2001")
    Traceback (most recent call last):
    ...
    landcheck.errors.AnalysisCRSError: cannot understand CRS 'CGCS2001': ...
    """
    try:
        return CRS.from_user_input(value)
    except CRSError as ex:
        raise AnalysisCRSError(
            f"cannot understand {what} {value!r}: {ex}. Give an EPSG code such as "
            "'EPSG:4523' (CGCS2000 / 3-degree Gauss-Kruger zone 35) or a WKT string"
        ) from ex


def crs_label(crs: CRS) -> str:
    """Return ``"EPSG:NNNN"`` when the CRS has an EPSG code, else its name.

    Examples
    --------
    >>> crs_label(CRS.from_epsg(4523))
    'EPSG:4523'
    """
    code = crs.to_epsg(min_confidence=90)
    if code is not None:
        return f"EPSG:{code}"
    return crs.name


def legacy_datum(crs: CRS) -> str | None:
    """Return the name of a legacy Chinese datum (Xian 1980, Beijing 1954), else None.

    PROJ can only shift these to CGCS2000 by a "ballpark" null offset, so data
    in them must be transformed with user-supplied parameters (:mod:`landcheck.datum`).

    Examples
    --------
    >>> legacy_datum(CRS.from_epsg(2360))
    'Xian 1980 (西安80)'
    >>> legacy_datum(CRS.from_epsg(4523)) is None
    True
    """
    geodetic = crs.geodetic_crs
    name = geodetic.datum.name if geodetic is not None else ""
    for key, label in _LEGACY_DATUMS.items():
        if key.lower() in name.lower():
            return label
    return None


def non_metric_unit(crs: CRS) -> str | None:
    """Name of a projected CRS's axis unit when it is not the metre, else None.

    Planar areas are squared axis units: in a CRS in feet they are square
    feet, which no land survey reports. Such a CRS is never the analysis CRS
    (data in it is reprojected like any other).

    Examples
    --------
    >>> non_metric_unit(CRS.from_epsg(2263))
    'US survey foot'
    >>> non_metric_unit(CRS.from_epsg(4523)) is None
    True
    """
    horizontal = crs.sub_crs_list[0] if crs.is_compound and crs.sub_crs_list else crs
    for axis in horizontal.axis_info[:2]:
        if abs(axis.unit_conversion_factor - 1.0) > 1e-12:
            return axis.unit_name
    return None


_GK_LONGITUDES = (73.5, 136.5)
"""Longitudes of the CGCS2000 3-degree Gauss-Kruger zones 25-45."""

_GK_LATITUDES = (0.0, 56.0)
"""Latitudes where the CGCS2000 Gauss-Kruger zones are the metric CRS of choice."""


def metric_crs_for(lon: float, lat: float) -> tuple[CRS, str]:
    """The metric projected CRS for a place: its GK zone in China, else its UTM zone.

    Inside the band of China's Gauss-Kruger zones (73.5°E-136.5°E, 0-56°N)
    the CGCS2000 3-degree zone (zone-prefixed eastings); elsewhere the
    WGS 84 UTM zone (the UPS zones beyond 84°N and 80°S).

    Returns
    -------
    tuple of (CRS, str)
        The CRS and what it is, for the reason recorded in findings.json.

    Examples
    --------
    >>> crs, what = metric_crs_for(103.65, 24.45)
    >>> crs.to_epsg(), what
    (4523, 'CGCS2000 3-degree Gauss-Kruger zone 35')
    >>> crs, what = metric_crs_for(-73.97, 40.78)
    >>> crs.to_epsg(), what
    (32618, 'WGS 84 / UTM zone 18N')
    """
    if _GK_LONGITUDES[0] <= lon < _GK_LONGITUDES[1] and _GK_LATITUDES[0] <= lat <= _GK_LATITUDES[1]:
        zone = zone_for_longitude(lon, 3)
        return gk_crs(zone), f"CGCS2000 3-degree Gauss-Kruger zone {zone.number}"
    if lat > 84.0 or lat < -80.0:
        crs = CRS.from_epsg(32661 if lat > 0 else 32761)
        return crs, crs.name
    crs = CRS.from_epsg(_utm_epsg(_utm_zone(lon), north=lat >= 0.0))
    return crs, crs.name


def _utm_zone(lon: float) -> int:
    return int(np.floor((((lon + 180.0) % 360.0) - 1e-12) / 6.0)) % 60 + 1


def _utm_epsg(zone: int, *, north: bool) -> int:
    return (32600 if north else 32700) + zone


def _place(lon: float, lat: float, *, with_latitude: bool) -> str:
    east_west = f"{abs(lon):.4f}°{'E' if lon >= 0 else 'W'}"
    if not with_latitude:
        return east_west
    return f"{east_west}, {abs(lat):.4f}°{'N' if lat >= 0 else 'S'}"


def choose_analysis_crs(
    requested: Any,
    *,
    sites_crs: CRS,
    sites_lonlat_bounds: tuple[float, float, float, float] | Callable[[], tuple[float, ...]],
    layer_crss: Iterable[CRS] = (),
) -> tuple[CRS, str]:
    """Choose the one projected, metric CRS all geometry is computed in.

    Parameters
    ----------
    requested : str, int, CRS or None
        ``"auto"`` (or None) to choose; anything else is parsed as a CRS and
        must be projected, with axes in metres.
    sites_crs : CRS
        CRS the sites were given in.
    sites_lonlat_bounds : tuple or callable
        ``(west, south, east, north)`` of the sites in degrees, or a function
        returning it (called only when the CRS must be chosen from it).
    layer_crss : iterable of CRS
        CRSs of the constraint layers that have a source.

    Returns
    -------
    tuple of (CRS, str)
        The analysis CRS and a sentence saying why it was chosen.

    Raises
    ------
    AnalysisCRSError
        A requested CRS that is geographic or not in metres.

    Notes
    -----
    ``auto`` takes, in order: the sites' own CRS when it is projected in
    metres; the constraint layers' CRS when they all share one projected CRS
    in metres (so the big layers need no reprojection); otherwise the metric
    CRS of the middle of the sites (:func:`metric_crs_for`: the CGCS2000
    3-degree Gauss-Kruger zone in China, a UTM zone elsewhere). A CRS in feet
    is passed over, and the reason says so.

    Examples
    --------
    >>> crs, why = choose_analysis_crs(
    ...     "auto", sites_crs=CRS.from_epsg(4490),
    ...     sites_lonlat_bounds=(103.6, 24.4, 103.7, 24.5))
    >>> crs.to_epsg(), why
    (4523, "auto: CGCS2000 3-degree Gauss-Kruger zone 35 of the sites' centre (103.6500°E)")
    >>> crs, why = choose_analysis_crs(
    ...     "auto", sites_crs=CRS.from_epsg(2263),
    ...     sites_lonlat_bounds=(-74.02, 40.70, -73.91, 40.88))
    >>> crs.to_epsg()
    32618
    >>> print(why)  # doctest: +NORMALIZE_WHITESPACE
    auto: WGS 84 / UTM zone 18N of the sites' centre (73.9650°W, 40.7900°N); not the sites'
    CRS EPSG:2263, whose unit is the US survey foot (areas must be in square metres)
    """
    if requested is not None and str(requested).lower() != "auto":
        crs = parse_crs(requested, what="analysis CRS (--crs)")
        if not crs.is_projected:
            raise AnalysisCRSError(
                f"the analysis CRS {crs_label(crs)} is not projected, so it cannot measure "
                "areas; give a projected CRS such as EPSG:4523, or --crs auto"
            )
        unit = non_metric_unit(crs)
        if unit is not None:
            raise AnalysisCRSError(
                f"the analysis CRS {crs_label(crs)} ({crs.name}) measures in {unit}, not "
                "metres, so its planar areas would not be square metres; give a projected CRS "
                "in metres (a Gauss-Kruger or UTM zone), or --crs auto. Input files in feet "
                "need no --crs: they declare their CRS and are reprojected"
            )
        return crs, f"given: {crs_label(crs)}"
    passed_over = []
    if sites_crs.is_projected:
        unit = non_metric_unit(sites_crs)
        if unit is None:
            return sites_crs, f"auto: the sites' projected CRS {crs_label(sites_crs)}"
        passed_over.append(f"the sites' CRS {crs_label(sites_crs)}, whose unit is the {unit}")
    projected = {crs_label(c): c for c in layer_crss if c.is_projected}
    geographic_layers = [c for c in layer_crss if not c.is_projected]
    if len(projected) == 1 and not geographic_layers:
        label, crs = next(iter(projected.items()))
        unit = non_metric_unit(crs)
        if unit is None:
            return crs, f"auto: the constraint layers' projected CRS {label}"
        passed_over.append(f"the constraint layers' CRS {label}, whose unit is the {unit}")
    if callable(sites_lonlat_bounds):
        sites_lonlat_bounds = sites_lonlat_bounds()
    west, south, east, north = sites_lonlat_bounds
    lon, lat = (west + east) / 2.0, (south + north) / 2.0
    crs, what = metric_crs_for(lon, lat)
    place = _place(lon, lat, with_latitude=gk_zone_of_crs(crs) is None)
    reason = f"auto: {what} of the sites' centre ({place})"
    if passed_over:
        reason += "; not " + " nor ".join(passed_over) + " (areas must be in square metres)"
    return crs, reason


@lru_cache(maxsize=32)
def _to_geodetic(crs_wkt: str) -> tuple[Transformer, Geod]:
    crs = CRS.from_wkt(crs_wkt)
    geodetic = crs.geodetic_crs
    if geodetic is None:
        raise AnalysisCRSError(f"CRS {crs.name!r} has no ellipsoid to measure areas on")
    transformer = Transformer.from_crs(crs, geodetic, always_xy=True)
    ellipsoid = geodetic.ellipsoid
    geod = Geod(a=ellipsoid.semi_major_metre, rf=ellipsoid.inverse_flattening)
    return transformer, geod


def ellipsoidal_areas(geometries: Any, crs: CRS) -> np.ndarray:
    """Return the area of each polygonal geometry on the CRS's ellipsoid, in m².

    Vertices are inverse-projected to longitude/latitude on the CRS's own
    datum and each ring is measured as the polygon with geodesic edges that
    :meth:`pyproj.Geod.polygon_area_perimeter` measures (Karney's area), by
    :func:`landcheck.geodesic.geodesic_ring_areas`: all edges at once with
    numpy, equal to pyproj's to its own rounding. Holes are subtracted.
    Non-polygonal and empty geometries measure 0.

    Parameters
    ----------
    geometries : array-like of shapely geometries
        Polygons or multipolygons in ``crs``.
    crs : CRS
        A projected CRS.

    Returns
    -------
    numpy.ndarray
        One area per geometry.

    Examples
    --------
    A 1 km square 100 km east of the central meridian of zone 35 is about
    250 m² smaller on the ellipsoid than on the Gauss-Kruger plane:

    >>> square = shapely.box(35_600_000, 2_700_000, 35_601_000, 2_701_000)
    >>> round(float(ellipsoidal_areas([square], CRS.from_epsg(4523))[0]), 2)
    999750.66
    """
    geoms = np.asarray(geometries, dtype=object)
    out = np.zeros(len(geoms), dtype=float)
    if not len(geoms):
        return out
    polygonal = shapely.get_type_id(geoms)
    mask = np.isin(polygonal, (3, 6)) & ~shapely.is_empty(geoms)
    if not mask.any():
        return out
    transformer, geod = _to_geodetic(crs.to_wkt())
    idx = np.flatnonzero(mask)
    # batches of about _AREA_BATCH vertices bound the coordinate arrays' memory
    ends = np.cumsum(shapely.get_num_coordinates(geoms[idx]))
    cuts = np.searchsorted(ends, np.arange(_AREA_BATCH, ends[-1], _AREA_BATCH), side="right")
    for part in np.split(idx, np.unique(cuts)):
        if len(part):
            out[part] = _polygonal_areas(geoms[part], transformer, geod)
    return out


_AREA_BATCH = 1 << 20


def _polygonal_areas(geoms: np.ndarray, transformer: Transformer, geod: Geod) -> np.ndarray:
    """Ellipsoidal areas of non-empty polygons and multipolygons (holes subtracted)."""
    if (shapely.get_type_id(geoms) == 3).all():  # no multipolygons: skip copying the parts
        polygons, polygon_owner = geoms, np.arange(len(geoms))
    else:
        polygons, polygon_owner = shapely.get_parts(geoms, return_index=True)
    rings, ring_polygon = shapely.get_rings(polygons, return_index=True)
    # the first ring of each polygon is its exterior
    first_of_polygon = np.ones(len(rings), dtype=bool)
    first_of_polygon[1:] = ring_polygon[1:] != ring_polygon[:-1]
    sign = np.where(first_of_polygon, 1.0, -1.0)
    coords, ring_of_coord = shapely.get_coordinates(rings, return_index=True)
    lon, lat = transformer.transform(coords[:, 0], coords[:, 1])
    offsets = np.searchsorted(ring_of_coord, np.arange(len(rings) + 1))
    ring_area = np.abs(geodesic_ring_areas(lon, lat, offsets, geod))
    return np.bincount(polygon_owner[ring_polygon], weights=sign * ring_area, minlength=len(geoms))


@lru_cache(maxsize=32)
def _to_wgs84(crs_wkt: str) -> Transformer:
    """A transformer to WGS 84 longitude/latitude, made once per CRS (PROJ takes ~0.1 s)."""
    return Transformer.from_crs(CRS.from_wkt(crs_wkt), 4326, always_xy=True)


def crs_plausibility(crs: CRS | None, bounds: tuple[float, float, float, float]) -> str:
    """Say whether coordinates with these bounds can be in this CRS.

    Returns ``"ok"``, or a sentence naming the problem (outside the CRS's
    area of use, degrees in a projected CRS, metres in a geographic one).

    Examples
    --------
    >>> crs_plausibility(CRS.from_epsg(4523), (35_480_000, 2_690_000, 35_530_000, 2_740_000))
    'ok'
    >>> crs_plausibility(CRS.from_epsg(4523), (103.5, 24.2, 104.0, 24.8))[:40]
    'coordinates look like longitude/latitude'
    """
    if crs is None:
        return "no CRS declared"
    west, south, east, north = bounds
    if not np.all(np.isfinite(bounds)):
        return "no coordinates"
    looks_lonlat = (
        -180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= 90 and -90 <= north <= 90
    )
    if crs.is_projected and looks_lonlat:
        return (
            "coordinates look like longitude/latitude but the CRS is projected "
            f"({crs_label(crs)}); the file probably needs EPSG:4490 (CGCS2000) or EPSG:4326"
        )
    if crs.is_geographic and not looks_lonlat:
        return (
            f"coordinates are metres-sized but the CRS is geographic ({crs_label(crs)}); "
            "the file probably needs a projected CRS such as EPSG:4523"
        )
    area = crs.area_of_use
    if area is None:
        return "ok"
    try:
        # the CRS's own datum is within metres of WGS 84: one transformer serves areas too
        transformer = _to_geodetic(crs.to_wkt())[0] if crs.geodetic_crs else _to_wgs84(crs.to_wkt())
        xs = np.array([west, east, west, east, (west + east) / 2])
        ys = np.array([south, south, north, north, (south + north) / 2])
        lon, lat = transformer.transform(xs, ys)
    except Exception:  # pyproj raises several types for impossible points
        return "coordinates cannot be transformed from this CRS"
    margin = 1.0
    inside = (
        np.isfinite(lon)
        & np.isfinite(lat)
        & (lon >= area.west - margin)
        & (lon <= area.east + margin)
        & (lat >= area.south - margin)
        & (lat <= area.north + margin)
    )
    if not inside.all():
        return (
            f"coordinates fall outside the area of use of {crs_label(crs)} ({area.name}); "
            "the CRS is wrong, or X/Y are swapped, or the zone prefix is missing"
        )
    return "ok"


def measure_areas(geometries: Any, crs: CRS, method: str = "ellipsoidal") -> dict[str, np.ndarray]:
    """Planar and ellipsoidal areas of polygonal geometries, and ha and 亩 by ``method``.

    Parameters
    ----------
    geometries : array-like of shapely geometries
        Polygons or multipolygons in ``crs``.
    crs : CRS
        A projected CRS.
    method : {"ellipsoidal", "planar"}
        Which area the hectares and 亩 are of.

    Returns
    -------
    dict
        ``planar_m2``, ``ellipsoidal_m2``, ``ha`` and ``mu`` arrays.

    Examples
    --------
    >>> square = shapely.box(35_500_000, 2_700_000, 35_500_100, 2_700_100)
    >>> areas = measure_areas([square], CRS.from_epsg(4523), "planar")
    >>> float(areas["ha"][0]), float(areas["mu"][0])
    (1.0, 15.0)
    """
    geoms = np.asarray(geometries, dtype=object)
    planar = shapely.area(geoms) if len(geoms) else np.zeros(0)
    ellipsoidal = ellipsoidal_areas(geoms, crs)
    driving = planar if str(getattr(method, "value", method)) == "planar" else ellipsoidal
    return {
        "planar_m2": planar,
        "ellipsoidal_m2": ellipsoidal,
        "ha": driving / 10_000.0,
        "mu": driving * 3.0 / 2000.0,
    }
