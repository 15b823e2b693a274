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

__all__ = ["move", "outlines_in", "to_geodetic", "transformer"]


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
