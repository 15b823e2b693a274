"""The polygonal part of geometries: what an overlay or a repair keeps of what it returns.

A module of its own, on shapely and numpy alone, so that the worker processes
of :mod:`landcheck.cut` import nothing heavier.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely

__all__ = ["polygonal_part"]

_POLYGON = 3
_MULTIPOLYGON = 6
_COLLECTION = 7


def polygonal_part(geometries: Any) -> np.ndarray:
    """Keep only the polygonal part of each geometry, as (Multi)Polygon or empty.

    Geometry collections from intersections or repairs are reduced to their
    polygons; points and lines become empty polygons.

    Examples
    --------
    >>> from shapely import box, LineString, GeometryCollection
    >>> mixed = GeometryCollection([box(0, 0, 1, 1), LineString([(1, 1), (2, 2)])])
    >>> [g.wkt for g in polygonal_part([mixed, LineString([(0, 0), (1, 1)])])]
    ['POLYGON ((1 0, 1 1, 0 1, 0 0, 1 0))', 'POLYGON EMPTY']
    """
    geoms = np.array(geometries, dtype=object)
    if not len(geoms):
        return geoms
    types = shapely.get_type_id(geoms)
    # comparisons, not np.isin: this is called on arrays of a few pieces, again and again
    is_polygonal = (types == _POLYGON) | (types == _MULTIPOLYGON)
    if is_polygonal.all():  # nothing to reduce (a missing geometry's type is -1)
        return geoms
    out = geoms.copy()
    is_collection = types == _COLLECTION
    out[~is_polygonal & ~is_collection] = shapely.Polygon()
    out[shapely.is_missing(geoms)] = shapely.Polygon()
    if is_collection.any():
        idx = np.flatnonzero(is_collection)
        parts, owner = shapely.get_parts(geoms[idx], return_index=True)
        # nested collections are rare; flatten them once more
        nested = shapely.get_type_id(parts) == _COLLECTION
        if nested.any():
            inner, inner_owner = shapely.get_parts(parts[nested], return_index=True)
            parts = np.concatenate([parts[~nested], inner])
            owner = np.concatenate([owner[~nested], owner[nested][inner_owner]])
        keep = np.isin(shapely.get_type_id(parts), (_POLYGON, _MULTIPOLYGON))
        for j, i in enumerate(idx):
            mine = parts[keep & (owner == j)]
            if len(mine) == 0:
                out[i] = shapely.Polygon()
            elif len(mine) == 1:
                out[i] = mine[0]
            else:
                out[i] = shapely.union_all(mine)
    return out
