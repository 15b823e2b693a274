"""Coordinate traps: diagnose coordinates that do not fit their CRS, and suggest the right one.

Pure functions on a CRS and the bounds ``(xmin, ymin, xmax, ymax)`` of some
coordinates, x first as GIS files store them (easting or longitude):

- :func:`suggest_crs`: CRSs the coordinates look like they are in;
- :func:`missing_crs_advice`: what to tell a user whose file has no CRS;
- :func:`diagnose_coordinates`: None when the coordinates fit the CRS, else
  one specific sentence (longitude/latitude in a projected CRS, eastings
  without or with a zone prefix that the CRS does not expect, X/Y swapped,
  metres in a geographic CRS, outside the CRS's area of use);
- :func:`crs_plausibility`: the coarse test behind the last of those (``"ok"`` or why not);
- :func:`far_site_warnings`: sites lying far from every full-coverage layer.

Every message says what was found and what the CRS probably is.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import shapely
import shapely.affinity
from pyproj import CRS

from landcheck.crs.choice import crs_label
from landcheck.crs.transform import to_geodetic, transformer
from landcheck.crs.zones import GKFamily, GKZone, gk_crs, gk_family, gk_family_crs

__all__ = [
    "FAR_FROM_LAYERS_M",
    "ZONE_HOWTO",
    "crs_plausibility",
    "diagnose_coordinates",
    "far_site_warnings",
    "missing_crs_advice",
    "suggest_crs",
]

Bounds = tuple[float, float, float, float]

FAR_FROM_LAYERS_M = 5_000.0
"""A site farther than this from the extent of every full-coverage layer gets a warning."""

_ZONE = 1_000_000.0
_CHINA_LON = (70.0, 140.0)
_CHINA_LAT = (0.0, 56.0)
_NORTHING = (1_000_000.0, 7_000_000.0)
"""Gauss-Kruger northings of China (3°N–54°N is 330 km–6,000 km; below 9°N is open sea)."""

ZONE_HOWTO = (
    "the Gauss-Kruger zone cannot be told from coordinates alone. Find it from the project's "
    "longitude (3-degree zone = round(longitude / 3), e.g. 103.8°E → zone 35, central "
    "meridian 105°E), from the .prj of another file of the same survey, from 带号 in the "
    "survey's coordinate list, or from the CRS of the county's 三调 database; then give --crs "
    "the CGCS2000 Gauss-Kruger CRS without zone prefix (3-degree: EPSG:4534–4554 for central "
    "meridians 75°E–135°E, e.g. EPSG:4544 for 105°E; 6-degree: EPSG:4502–4512)"
)
"""How to find the zone of unprefixed Gauss-Kruger eastings."""


def _finite(bounds: Bounds) -> bool:
    return len(bounds) == 4 and all(math.isfinite(float(v)) for v in bounds)


def _within(lo: float, hi: float, span: tuple[float, float]) -> bool:
    return span[0] <= lo and hi <= span[1]


def _lonlat(bounds: Bounds) -> bool:
    x0, y0, x1, y1 = bounds
    return _within(x0, x1, (-180.0, 180.0)) and _within(y0, y1, (-90.0, 90.0))


def _china_lonlat(bounds: Bounds) -> bool:
    x0, y0, x1, y1 = bounds
    return _within(x0, x1, _CHINA_LON) and _within(y0, y1, _CHINA_LAT)


def _china_latlon(bounds: Bounds) -> bool:
    """Latitude first: x in China's latitudes, y in its longitudes."""
    x0, y0, x1, y1 = bounds
    return _within(x0, x1, _CHINA_LAT) and _within(y0, y1, _CHINA_LON)


def _northings(lo: float, hi: float) -> bool:
    return _within(lo, hi, _NORTHING)


def _prefix(lo: float, hi: float) -> int | None:
    """The zone prefix shared by eastings ``lo…hi``, or None."""
    zone = math.floor(lo / _ZONE)
    if zone != math.floor(hi / _ZONE) or not (13 <= zone <= 23 or 25 <= zone <= 45):
        return None
    return zone


def _plain(lo: float, hi: float) -> bool:
    return 0.0 < lo and hi < _ZONE


def _zone_of_prefix(number: int) -> GKZone:
    return GKZone(number, 3 if number >= 25 else 6)


def _span(lo: float, hi: float, digits: int = 0) -> str:
    return f"{lo:,.{digits}f}…{hi:,.{digits}f}"


def _xy(bounds: Bounds, digits: int = 0) -> str:
    x0, y0, x1, y1 = bounds
    return f"x {_span(x0, x1, digits)}, y {_span(y0, y1, digits)}"


def _describe(crs: CRS) -> str:
    return f"{crs_label(crs)} ({crs.name})"


def suggest_crs(bounds: Bounds) -> list[tuple[CRS, str]]:
    """CRSs that coordinates with these bounds look like they are in, best first.

    Only what the numbers can show: zone-prefixed eastings give the zone
    (CGCS2000 first, then the same zone in Xian 1980 and Beijing 1954, since
    the datum cannot be told); longitude/latitude in China gives CGCS2000 or
    WGS 84 geographic. Unprefixed eastings, swapped axes and anything else
    give no suggestion (see :func:`missing_crs_advice`).

    Examples
    --------
    >>> found = suggest_crs((35_480_000, 2_690_000, 35_530_000, 2_740_000))
    >>> [crs_label(crs) for crs, _ in found]
    ['EPSG:4523', 'EPSG:2359', 'EPSG:2411']
    >>> print(found[0][1])  # doctest: +NORMALIZE_WHITESPACE
    eastings carry the zone prefix 35: CGCS2000 / 3-degree Gauss-Kruger zone 35 (central
    meridian 105°E)
    >>> suggest_crs((480_000, 2_690_000, 530_000, 2_740_000))
    []
    """
    if not _finite(bounds):
        return []
    x0, y0, x1, y1 = bounds
    if _lonlat(bounds):
        if _china_lonlat(bounds):
            return [
                (CRS.from_epsg(4490), "longitude/latitude in China: CGCS2000 geographic"),
                (CRS.from_epsg(4326), "longitude/latitude from GPS or an international web map"),
            ]
        return []
    zone_number = _prefix(x0, x1)
    if zone_number is None or not _northings(y0, y1):
        return []
    zone = _zone_of_prefix(zone_number)
    why = (
        f"eastings carry the zone prefix {zone_number}: CGCS2000 / {zone.width}-degree "
        f"Gauss-Kruger zone {zone_number} (central meridian {zone.central_meridian}°E)"
    )
    return [
        (gk_crs(zone), why),
        (
            gk_family_crs("xian1980", zone),
            "the same zone in Xian 1980 (the datum cannot be told from coordinates)",
        ),
        (
            gk_family_crs("beijing1954", zone),
            "the same zone in Beijing 1954 (the datum cannot be told from coordinates)",
        ),
    ]


def missing_crs_advice(bounds: Bounds) -> str:
    """What to tell a user whose file declares no CRS, from its coordinates.

    Examples
    --------
    >>> missing_crs_advice((35_480_000, 2_690_000, 35_530_000, 2_740_000))[:80]
    'its coordinates suggest EPSG:4523 (eastings carry the zone prefix 35: CGCS2000 /'
    >>> missing_crs_advice((480_000, 2_690_000, 530_000, 2_740_000))[:60]
    'its eastings (480,000…530,000) carry no zone prefix, so the '
    """
    if not _finite(bounds):
        return "give its CRS with --crs (e.g. --crs EPSG:4523 for CGCS2000 / 3-degree GK zone 35)"
    x0, y0, x1, y1 = bounds
    suggestions = suggest_crs(bounds)
    if suggestions and not _lonlat(bounds):
        (best, why), *others = suggestions
        alternatives = " or ".join(crs_label(c) for c, _ in others)
        return (
            f"its coordinates suggest {crs_label(best)} ({why}); if so, give --crs "
            f"{crs_label(best)} ({alternatives} if the data is in Xian 1980 or Beijing 1954)"
        )
    if suggestions:
        return (
            f"its coordinates look like longitude/latitude ({_xy(bounds, 4)}): give --crs "
            "EPSG:4490 (CGCS2000) or --crs EPSG:4326 (WGS 84)"
        )
    if _china_latlon(bounds):
        return (
            f"its coordinates look like latitude/longitude with latitude first ({_xy(bounds, 4)})"
            ": swap the axes (x = longitude), then give --crs EPSG:4490"
        )
    if _northings(x0, x1) and (_prefix(y0, y1) is not None or _plain(y0, y1)):
        swapped = (y0, x0, y1, x1)
        advice = missing_crs_advice(swapped)
        return (
            f"its first coordinate ({_span(x0, x1)}) holds northings and its second "
            f"({_span(y0, y1)}) eastings: X/Y are swapped, swap them; then the {advice[4:]}"
        )
    if _plain(x0, x1) and _northings(y0, y1):
        return f"its eastings ({_span(x0, x1)}) carry no zone prefix, so {ZONE_HOWTO}"
    return (
        f"its coordinates ({_xy(bounds)}) fit no Chinese CRS landcheck knows; give the CRS "
        "with --crs"
    )


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
        # the CRS's own datum is within metres of WGS 84, which the area of use is given in
        to_degrees = to_geodetic(crs) or transformer(crs, CRS.from_epsg(4326))
        xs = np.array([west, east, west, east, (west + east) / 2])
        ys = np.array([south, south, north, north, (south + north) / 2])
        lon, lat = to_degrees.transform(xs, ys)
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


def _gk_diagnosis(crs: CRS, family: GKFamily, bounds: Bounds) -> str | None:
    x0, y0, x1, y1 = bounds
    if (
        _northings(x0, x1)
        and (_prefix(y0, y1) is not None or _plain(y0, y1))
        and not _northings(y0, y1)
    ):
        return (
            f"X and Y are swapped: the first coordinate ({_span(x0, x1, 3)}) holds northings "
            f"and the second ({_span(y0, y1, 3)}) eastings; swap the columns (GIS files store "
            "x = easting; survey tables list X = northing first)"
        )
    if not _northings(y0, y1):
        return None
    zone = family.zone
    number = _prefix(x0, x1)
    if _plain(x0, x1) and family.prefixed:
        right = GKFamily(family.datum, zone, False)
        return (
            f"eastings ({_span(x0, x1)}) lack the zone prefix {zone.number} that "
            f"{crs_label(crs)} expects: the CRS is probably EPSG:{right.epsg()} "
            f"({CRS.from_epsg(right.epsg()).name})"
        )
    if number is None:
        return None
    right_zone = _zone_of_prefix(number)
    if not family.prefixed:
        right = GKFamily(family.datum, right_zone, True)
        same = number == zone.number and right_zone.width == zone.width
        where = "" if same else f" (zone {number}, not the {zone.central_meridian}°E of the CRS)"
        return (
            f"eastings ({_span(x0, x1)}) carry the zone prefix {number}{where} but "
            f"{crs_label(crs)} has none: the CRS is probably EPSG:{right.epsg()} "
            f"({CRS.from_epsg(right.epsg()).name})"
        )
    if right_zone != zone:
        right = GKFamily(family.datum, right_zone, True)
        return (
            f"eastings ({_span(x0, x1)}) carry the zone prefix {number} but {crs_label(crs)} "
            f"is zone {zone.number}: the CRS is probably EPSG:{right.epsg()} "
            f"({CRS.from_epsg(right.epsg()).name})"
        )
    return None


def diagnose_coordinates(crs: CRS | None, bounds: Bounds) -> str | None:
    """Say what is wrong when coordinates do not fit a CRS; None when they fit.

    Parameters
    ----------
    crs : CRS or None
        The declared (or given) CRS.
    bounds : tuple
        ``(xmin, ymin, xmax, ymax)`` of the coordinates, x first.

    Returns
    -------
    str or None
        One sentence naming what was found and the probable CRS or fix.

    Examples
    --------
    >>> gk35 = CRS.from_epsg(4523)
    >>> diagnose_coordinates(gk35, (35_480_000, 2_690_000, 35_530_000, 2_740_000)) is None
    True
    >>> diagnose_coordinates(gk35, (480_000, 2_690_000, 530_000, 2_740_000))[:86]
    'eastings (480,000…530,000) lack the zone prefix 35 that EPSG:4523 expects: the CRS is '
    >>> diagnose_coordinates(gk35, (103.5, 24.2, 104.0, 24.8))[:40]
    'coordinates look like longitude/latitude'
    """
    if crs is None:
        return "no CRS declared; " + missing_crs_advice(bounds)
    if not _finite(bounds):
        return None
    latitude_first = _china_latlon(bounds) and not _china_lonlat(bounds)
    if crs.is_geographic:
        if latitude_first:
            return (
                f"coordinates look like latitude/longitude with latitude first "
                f"({_xy(bounds, 4)}) in {_describe(crs)}: swap the axes (x = longitude, "
                "y = latitude)"
            )
        if not _lonlat(bounds):
            base = (
                f"coordinates are metres-sized ({_xy(bounds)}) but {_describe(crs)} is "
                "geographic (degrees)"
            )
            suggestions = suggest_crs(bounds)
            if suggestions:
                best, why = suggestions[0]
                return f"{base}: {why}, so the CRS is probably {crs_label(best)}"
            return f"{base}: {missing_crs_advice(bounds)}"
    elif crs.is_projected:
        if latitude_first:
            return (
                f"coordinates look like latitude/longitude with latitude first "
                f"({_xy(bounds, 4)}) but {_describe(crs)} is projected (metres): swap the "
                "axes and use EPSG:4490 (CGCS2000 longitude/latitude)"
            )
        if _lonlat(bounds):
            return (
                f"coordinates look like longitude/latitude ({_xy(bounds, 4)}) but "
                f"{_describe(crs)} is projected (metres): the CRS is probably EPSG:4490 "
                "(CGCS2000 longitude/latitude) or EPSG:4326 (WGS 84)"
            )
        family = gk_family(crs)
        if family is not None:
            found = _gk_diagnosis(crs, family, bounds)
            if found is not None:
                return found
    verdict = crs_plausibility(crs, bounds)
    return None if verdict == "ok" else verdict


def _swap_xy(geoms: np.ndarray) -> np.ndarray:
    return shapely.transform(geoms, lambda xy: xy[:, ::-1].copy())


def far_site_warnings(
    sites: Any,
    site_ids: Sequence[str],
    extents: Mapping[str, Bounds],
    *,
    distance: float = FAR_FROM_LAYERS_M,
) -> list[str]:
    """Warn about sites lying far from the extent of every full-coverage layer.

    A land-use survey or a planning-zone layer covers its whole county; a
    site far outside all of them is almost always a coordinate error (X/Y
    swapped, a missing or wrong zone prefix, a wrong CRS) rather than a
    project in another county.

    Parameters
    ----------
    sites : array-like of shapely geometries
        Sites in the analysis CRS.
    site_ids : sequence of str
        Their ids, for the message.
    extents : mapping
        Layer key → ``(xmin, ymin, xmax, ymax)`` in the analysis CRS.
    distance : float
        Metres; a site farther than this from every extent is reported.

    Returns
    -------
    list of str
        One warning per far site, with a hint when swapping X/Y or shifting
        the eastings by whole zones would bring it inside.

    Examples
    --------
    A site whose X and Y were swapped:

    >>> site = shapely.box(2_700_000, 35_500_000, 2_700_100, 35_500_100)
    >>> county = {"land_use": (35_490_000, 2_690_000, 35_510_000, 2_710_000)}
    >>> print(far_site_warnings([site], ["S1"], county)[0])  # doctest: +NORMALIZE_WHITESPACE
    site S1 lies 46,372.0 km from the extent of every full-coverage layer (land_use);
    with X and Y swapped it would lie among the layers: the axes are swapped.
    Its findings cannot be trusted
    """
    if not extents:
        return []
    geoms = np.asarray(sites, dtype=object)
    boxes = [shapely.box(*b) for b in extents.values() if _finite(b)]
    if not boxes or not len(geoms):
        return []
    coverage = shapely.union_all(boxes)
    usable = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    gaps = np.full(len(geoms), np.nan)
    gaps[usable] = shapely.distance(geoms[usable], coverage)
    keys = ", ".join(extents)
    warnings = []
    for i in np.flatnonzero(usable & (gaps > distance)):
        hint = "check the site's coordinates and CRS, or the layers"
        swapped = _swap_xy(geoms[i : i + 1])[0]
        if shapely.distance(swapped, coverage) <= distance:
            hint = "with X and Y swapped it would lie among the layers: the axes are swapped"
        else:
            offset = round((coverage.centroid.x - geoms[i].centroid.x) / _ZONE)
            if offset:
                shifted = shapely.affinity.translate(geoms[i], xoff=offset * _ZONE)
                if shapely.distance(shifted, coverage) <= distance:
                    hint = (
                        f"its eastings are off by {offset:+d} × 1,000,000 m: a missing or "
                        "wrong zone prefix (or the wrong Gauss-Kruger CRS)"
                    )
        warnings.append(
            f"site {site_ids[i]} lies {gaps[i] / 1000:,.1f} km from the extent of every "
            f"full-coverage layer ({keys}); {hint}. Its findings cannot be trusted"
        )
    return warnings
