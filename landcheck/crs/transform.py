"""Coordinate transformations made once per pair of CRSs and applied to whole arrays.

Building a PROJ transformation takes about 0.1 s, so :func:`transformer` keeps
the ones made (per pair of CRSs, as WKT); :func:`move` applies one to every
vertex of an array of geometries at once.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import shapely
from pyproj import CRS, Transformer

from landcheck.crs.memo import crs_key, same_crs
from landcheck.errors import AnalysisCRSError

__all__ = ["distance_in", "move", "outlines_in", "to_geodetic", "transformer"]


@lru_cache(maxsize=64)
def _cached(source_wkt: str, target_wkt: str) -> Transformer:
    return Transformer.from_crs(CRS.from_wkt(source_wkt), CRS.from_wkt(target_wkt), always_xy=True)


def transformer(source: CRS, target: CRS) -> Transformer:
    """The transformation from ``source`` to ``target`` (x = easting/longitude first).

    Examples
    --------
    >>> lon, lat = transformer(CRS.from_epsg(4523), CRS.from_epsg(4490)).transform(
    ...     35_500_000.0, 2_700_000.0)
    >>> round(lon, 6), round(lat, 4)
    (105.0, 24.4037)
    """
    return _cached(crs_key(source), crs_key(target))


@lru_cache(maxsize=64)
def _to_own_geodetic(source_wkt: str) -> Transformer | None:
    crs = CRS.from_wkt(source_wkt)
    geodetic = crs.geodetic_crs
    return None if geodetic is None else Transformer.from_crs(crs, geodetic, always_xy=True)


def to_geodetic(crs: CRS) -> Transformer | None:
    """The transformation from ``crs`` to its own geodetic CRS (longitude first); None if none.

    One per CRS (as WKT), whoever asks: the areas on the ellipsoid, the
    coordinates' check against the area of use and the sites' zones share it.
    Keyed by ``crs`` alone, as ``crs.geodetic_crs``'s WKT is not: the geodetic
    CRS of an EPSG code has a scope and area its WKT's copy has not.

    Examples
    --------
    >>> lon, lat = to_geodetic(CRS.from_epsg(4523)).transform(35_500_000.0, 2_700_000.0)
    >>> round(lon, 6), round(lat, 4)
    (105.0, 24.4037)
    """
    return _to_own_geodetic(crs_key(crs))


def move(geometries: np.ndarray, source: CRS, target: CRS) -> np.ndarray:
    """Geometries moved from ``source`` to ``target``, vertex by vertex.

    Examples
    --------
    >>> moved = move(np.array([shapely.Point(35_500_000.0, 2_700_000.0)]),
    ...              CRS.from_epsg(4523), CRS.from_epsg(4544))
    >>> round(moved[0].x, 6), round(moved[0].y, 6)
    (500000.0, 2700000.0)
    """
    step = transformer(source, target)

    def project(xy: np.ndarray) -> np.ndarray:
        x, y = step.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geometries, project)


def outlines_in(
    geometries: np.ndarray, source: CRS, target: CRS, step_m: float = 100.0
) -> np.ndarray:
    """Outlines moved into ``target``, densified first (a vertex every ``step_m``).

    A straight edge of a site is not straight in another projection; with a
    vertex every 100 m the moved outline keeps to the true one within
    centimetres, so a box or a distance taken in ``target`` (a layer's own
    CRS) still covers what it covers in ``source``. Unchanged when the two
    CRSs are the same.

    Examples
    --------
    >>> square = np.array([shapely.box(35_500_000, 2_700_000, 35_501_000, 2_701_000)])
    >>> moved = outlines_in(square, CRS.from_epsg(4523), CRS.from_epsg(4544))
    >>> int(shapely.get_num_coordinates(moved[0]))
    41
    """
    if same_crs(source, target):
        return geometries
    return move(shapely.segmentize(geometries, step_m), source, target)


_DISTANCE_SLACK = 1.05
"""Added to a distance moved into another CRS: its scale changes between the points sampled."""


def distance_in(geometries: np.ndarray, distance: float, source: CRS, target: CRS) -> float:
    """A distance in ``target``'s units reaching ``distance`` (``source``'s) around ``geometries``.

    A layer is filtered in its own CRS. There, 100 m is not 100 units, nor
    0.001°: in degrees it is 0.0009° of latitude but 0.0014° of longitude at
    50° N (a reach of 0.001° there missed a redline 80 m east of a site), and
    Web Mercator stretches it by 1 / cos(latitude). So the distance is
    measured where the geometries are: steps of ``distance`` east and north
    from nine points of their envelope (grown by ``distance``) are moved into
    ``target``, and the longest is kept, 5 % added for the change of scale
    between the points. Unchanged when the two CRSs are the same, or there is
    no geometry.

    Raises
    ------
    AnalysisCRSError
        No point of the envelope can be moved into ``target`` (the sites lie
        outside the area it can describe: nothing read in it could be trusted).

    Examples
    --------
    100 m around a site at 50° N, in degrees (a degree of longitude is 71.6 km
    there) and in Web Mercator's units (1.56 of them a metre):

    >>> site = np.array([shapely.box(500_000, 5_540_000, 500_200, 5_540_200)])
    >>> utm = CRS.from_epsg(32652)
    >>> round(distance_in(site, 100.0, utm, CRS.from_epsg(4490)), 6)
    0.001466
    >>> round(distance_in(site, 100.0, utm, CRS.from_epsg(3857)), 1)
    163.6
    >>> distance_in(site, 100.0, utm, utm)
    100.0
    """
    if distance <= 0 or same_crs(source, target):
        return distance
    bounds = shapely.total_bounds(geometries)
    if not np.isfinite(bounds).all():  # no geometry: nothing to reach around
        return distance
    xmin, ymin, xmax, ymax = bounds
    xs = np.linspace(xmin - distance, xmax + distance, 3)
    ys = np.linspace(ymin - distance, ymax + distance, 3)
    x, y = (grid.ravel() for grid in np.meshgrid(xs, ys))
    step = transformer(source, target)
    x0, y0 = step.transform(x, y)
    reaches = [
        np.hypot(*np.subtract(step.transform(x + dx, y + dy), (x0, y0)))
        for dx, dy in ((distance, 0.0), (0.0, distance))
    ]
    reach = np.concatenate(reaches)
    reach = reach[np.isfinite(reach)]
    if not len(reach):
        raise AnalysisCRSError(
            f"the sites cannot be moved into its CRS {target.name!r}: they lie outside the "
            "area it describes; check the CRS the layer declares"
        )
    return float(reach.max() * _DISTANCE_SLACK)
