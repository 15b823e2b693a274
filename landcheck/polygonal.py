"""The polygonal part of geometries: what an overlay or a repair keeps of what it returns.

A module of its own, on shapely and numpy alone, so that the worker processes
of :mod:`landcheck.cut` import nothing heavier.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely

__all__ = ["MANY_PARTS", "many_parts", "parts_near", "parts_near_sites", "polygonal_part"]

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


MANY_PARTS = 64
"""A multipolygon of more parts than this is cut down to the parts near where it is used."""


def many_parts(geometries: Any) -> np.ndarray:
    """Which geometries are multipolygons of more than :data:`MANY_PARTS` parts.

    Examples
    --------
    >>> from shapely import box
    >>> grid = shapely.MultiPolygon([box(i, 0, i + 0.5, 1) for i in range(100)])
    >>> many_parts([grid, box(0, 0, 1, 1), None]).tolist()
    [True, False, False]
    """
    geometries = np.asarray(geometries, dtype=object)
    kind = shapely.get_type_id(geometries)
    return (kind == _MULTIPOLYGON) & (shapely.get_num_geometries(geometries) > MANY_PARTS)


def parts_near_sites(features: np.ndarray, sites: np.ndarray, distance: float) -> np.ndarray:
    """``features``, each multipolygon of many parts cut down to its parts near ``sites``.

    A dissolved layer's multipolygon (a county's farmland as one feature of
    100,000 parts and 4 million vertices) is clipped around the sites again and
    again, sent whole to every partition of them and packed whole for the maps:
    only its parts within ``distance`` of some site are kept (:func:`parts_near`).
    The other features are the same objects.

    Examples
    --------
    >>> from shapely import box
    >>> grid = shapely.MultiPolygon([box(i, 0, i + 0.5, 1) for i in range(100)])
    >>> near = parts_near_sites(np.array([grid, box(0, 0, 1, 1)]), np.array([box(10, 0, 11, 1)]), 0)
    >>> shapely.get_num_geometries(near).tolist()
    [2, 1]
    """
    many = np.flatnonzero(many_parts(features))
    if not len(many):
        return features
    near = sites[~(shapely.is_missing(sites) | shapely.is_empty(sites))]
    trimmed = features.copy()
    trimmed[many] = [parts_near(features[i], near, distance) for i in many.tolist()]
    return trimmed


def parts_near(geom: Any, near: np.ndarray, distance: float = 0.0) -> Any:
    """``geom`` without its parts farther than ``distance`` from every geometry of ``near``.

    A dissolved layer (a county's permanent basic farmland as one multipolygon of
    100,000 parts) is clipped again and again where it is used, and each clip walks
    every part. A part farther than ``distance`` from every geometry of ``near``
    adds nothing to what is cut or tested within ``distance`` of them, so such
    parts are left out first, the others kept in their order. A geometry other
    than a multipolygon of more than :data:`MANY_PARTS` parts, or one whose parts
    are all near, is returned as it is; one with none near becomes an empty
    multipolygon.

    Examples
    --------
    >>> from shapely import box
    >>> grid = shapely.MultiPolygon([box(i, 0, i + 0.5, 1) for i in range(100)])
    >>> [p.bounds[0] for p in parts_near(grid, np.array([box(10, 0, 11, 1)]), 0.6).geoms]
    [9.0, 10.0, 11.0]
    >>> parts_near(grid, np.array([box(0, 0, 100, 1)])) is grid
    True
    """
    if not many_parts([geom])[0]:
        return geom
    parts = shapely.get_parts(geom)
    near = np.asarray(near, dtype=object)
    if distance > 0:
        found = shapely.STRtree(parts).query(near, predicate="dwithin", distance=distance)[1]
    else:
        found = shapely.STRtree(parts).query(near, predicate="intersects")[1]
    found = np.unique(found)
    return geom if len(found) == len(parts) else shapely.multipolygons(parts[found])
