"""The analysis CRS: one projected CRS in metres that all geometry is cut in.

landcheck brings every input into one analysis CRS, chosen here and recorded
with the reason (findings.json ``analysis_crs``, ``analysis_crs_reason``):
the one given, else the sites' projected CRS, else the constraint layers'
common projected CRS, else the metric CRS of the sites' centre (its
CGCS2000 Gauss-Kruger zone in China, a WGS 84 UTM zone elsewhere). A CRS
whose axes are not in metres never is the analysis CRS.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

import numpy as np
from pyproj import CRS
from pyproj.exceptions import CRSError

from landcheck.crs.memo import per_crs
from landcheck.crs.scale import SCALE_TOLERANCE, percent, scale_error
from landcheck.crs.zones import (
    gk_crs,
    gk_family,
    gk_zone_of_crs,
    utm_central_meridian,
    zone_for_longitude,
)
from landcheck.errors import AnalysisCRSError

__all__ = [
    "choose_analysis_crs",
    "crs_label",
    "metric_crs_for",
    "non_metric_unit",
    "parse_crs",
]


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


_NAMELESS = ("", "unknown")
"""Names PROJ gives a CRS that has none (a ``+proj=…`` string is named ``unknown``)."""


@per_crs
def crs_label(crs: CRS) -> str:
    """Return ``"EPSG:NNNN"`` when the CRS has an EPSG code, else its name, else its PROJ string.

    A CRS built from a PROJ string has no name (PROJ calls it ``unknown``):
    findings.json said ``analysis_crs: "unknown"``, which names no CRS. Its
    PROJ string says which one it is, and reads back as it.

    Examples
    --------
    >>> crs_label(CRS.from_epsg(4523))
    'EPSG:4523'
    >>> crs_label(CRS("+proj=tmerc +lon_0=104 +x_0=500000 +ellps=GRS80 +units=m")).split(" +k")[0]
    '+proj=tmerc +lat_0=0 +lon_0=104'
    """
    code = crs.to_epsg(min_confidence=90)
    if code is not None:
        return f"EPSG:{code}"
    if crs.name.strip().lower() not in _NAMELESS:
        return crs.name
    return _proj_string(crs)


def _proj_string(crs: CRS) -> str:
    """The CRS's PROJ string, or the text it was made from when PROJ cannot give one."""
    with warnings.catch_warnings():  # "you will likely lose … information": it only names it
        warnings.simplefilter("ignore", UserWarning)
        text = crs.to_proj4()
    return text or crs.to_string()


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


def _unfit(crs: CRS, centre: Callable[[], tuple[float, float]]) -> str | None:
    """Why ``crs`` cannot be the analysis CRS of sites centred at ``centre()``; None if it can.

    Its unit must be the metre, and, unless it is a Gauss-Kruger or UTM zone
    (whose sites beyond its reach are each measured in their own zone:
    :mod:`landcheck.crs.measuring`), it must keep lengths there within
    :data:`~landcheck.crs.scale.SCALE_TOLERANCE` of the ground (Web Mercator,
    in metres, makes them 30 % longer at 40° N).
    """
    unit = non_metric_unit(crs)
    if unit is not None:
        return f"whose unit is the {unit} (areas must be in square metres)"
    if gk_family(crs) is not None or utm_central_meridian(crs) is not None:
        return None
    lon, lat = centre()
    error = float(scale_error(crs, np.array([lon]), np.array([lat]))[0])
    if error > SCALE_TOLERANCE:
        return (
            f"which makes lengths at the sites' centre {percent(error)} longer or shorter than on "
            "the ground (areas and distances must be true)"
        )
    return None


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
        returning it (called only when needed: to choose the CRS from it, or
        to test there a projected CRS that is no Gauss-Kruger or UTM zone).
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
    3-degree Gauss-Kruger zone in China, a UTM zone elsewhere). A CRS in feet,
    or one that makes lengths at the middle of the sites more than 0.1 % off
    (Web Mercator), is passed over, and the reason says so.

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
    bounds = sites_lonlat_bounds

    @cache
    def centre() -> tuple[float, float]:  # asked only when needed: the bounds read the sites
        west, south, east, north = bounds() if callable(bounds) else bounds
        return (west + east) / 2.0, (south + north) / 2.0

    passed_over = []
    candidates = [(sites_crs, "the sites'")] if sites_crs.is_projected else []
    layer_crss = list(layer_crss)
    projected = {crs_label(c): c for c in layer_crss if c.is_projected}
    if len(projected) == 1 and all(c.is_projected for c in layer_crss):
        candidates.append((next(iter(projected.values())), "the constraint layers'"))
    for crs, whose in candidates:
        problem = _unfit(crs, centre)
        if problem is None:
            return crs, f"auto: {whose} projected CRS {crs_label(crs)}"
        passed_over.append(f"{whose} CRS {crs_label(crs)}, {problem}")
    lon, lat = centre()
    crs, what = metric_crs_for(lon, lat)
    place = _place(lon, lat, with_latitude=gk_zone_of_crs(crs) is None)
    reason = f"auto: {what} of the sites' centre ({place})"
    if passed_over:
        reason += "; not " + " nor ".join(passed_over)
    return crs, reason
