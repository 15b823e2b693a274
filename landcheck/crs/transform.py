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

__all__ = ["move", "transformer"]


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
    return _cached(source.to_wkt(), target.to_wkt())


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
