"""What a batch of site maps looks up again and again, found once and kept for the batch.

Every map of a batch looks for the features in its window among the same
frames (the result's sites, the features read near them) and names the same
classes from the same class table. Searching every feature, or rebuilding
the code lookup, for each map would make a batch's maps cost the square of
its sites; here an R-tree per frame and a lookup per (table, layer, column)
are built on first use in each process (the map workers too) and dropped
when their frame goes. So are, for the SVG maps, each pieces frame's rows
grouped by site (:func:`site_rows`) and the columns they read as arrays
(:func:`kept_column`): selecting rows of a DataFrame per map and layer cost
more than drawing the map.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import shapely

from landcheck.polygonal import many_parts

__all__ = [
    "INDEXED_FROM",
    "code_lookup",
    "in_window",
    "kept_column",
    "kept_geometries",
    "parts_in_window",
    "site_name",
    "site_rows",
]

INDEXED_FROM = 200
"""Frames of this many features or more are searched through an R-tree (a batch of 500 sites
tested every site against every map window: a fifth of the SVG maps' time)."""

_TREES: dict[int, tuple[weakref.ref, shapely.STRtree]] = {}
_LOOKUPS: dict[tuple[int, str, str], tuple[weakref.ref, dict[str, str]]] = {}
_COLUMNS: dict[tuple[int, str], tuple[weakref.ref, np.ndarray]] = {}
_GROUPS: dict[int, tuple[weakref.ref, tuple[np.ndarray, np.ndarray]]] = {}
_PARTS: dict[int, tuple[weakref.ref, dict[int, tuple[np.ndarray, shapely.STRtree]]]] = {}
_WHOLE: dict[int, tuple[weakref.ref, np.ndarray]] = {}


def _kept(cache: dict, key: Any, frame: Any, build: Any) -> Any:
    """``cache[key]`` built from ``frame`` on first use; entries of frames gone are dropped."""
    entry = cache.get(key)
    if entry is None or entry[0]() is not frame:
        for stale in [k for k, (ref, _) in cache.items() if ref() is None]:
            del cache[stale]
        entry = cache[key] = (weakref.ref(frame), build())
    return entry[1]


def in_window(frame: Any, window: Any, *, indexed: bool = False) -> np.ndarray:
    """Which features of ``frame`` meet the ``window`` polygon, as a boolean mask.

    ``indexed`` for a frame that lives as long as the result: from
    :data:`INDEXED_FROM` features on it is searched through its R-tree, kept
    for the next map; below, its features are prepared (GEOS's prepared
    geometry, kept on them), so the next map's test of a huge polygon does not
    start again from its edges. A multipolygon of many parts (a dissolved
    layer's) is asked through the R-tree of its parts (:func:`parts_in_window`):
    prepared or not, GEOS looks at each of its 100,000 parts for every map.
    The mask is the same as testing every feature.
    """
    if not indexed:
        return np.asarray(shapely.intersects(frame.geometry.values, window))
    # kept: reading a GeoDataFrame's geometry column costs more than the test
    geometries = kept_geometries(frame)
    parted = _kept(_PARTS, id(frame), frame, lambda: _parts_index(geometries))
    mask = np.zeros(len(frame), dtype=bool)
    if len(frame) < INDEXED_FROM:
        asked = _kept(_WHOLE, id(frame), frame, lambda: _prepared_whole(geometries, parted))
        mask[asked] = shapely.intersects(geometries[asked], window)
    else:
        tree = _kept(_TREES, id(frame), frame, lambda: shapely.STRtree(geometries))
        if parted:
            asked = np.setdiff1d(tree.query(window), list(parted))
            mask[asked] = shapely.intersects(geometries[asked], window)
        else:
            mask[tree.query(window, predicate="intersects")] = True
    for at, (_, tree_of_parts) in parted.items():
        mask[at] = len(tree_of_parts.query(window, predicate="intersects")) > 0
    return mask


def _prepared_whole(geometries: np.ndarray, parted: dict[int, Any]) -> np.ndarray:
    """The positions of a small frame's features tested whole (not by parts), prepared.

    Found and prepared once for the batch (GEOS keeps a prepared geometry on
    it): a map of 500 sites spent a twentieth of its time finding them again.
    """
    shapely.prepare(geometries)
    return np.setdiff1d(np.arange(len(geometries)), list(parted))


def code_lookup(table: pd.DataFrame, layer: str, column: str) -> dict[str, str]:
    """Class code → its ``column`` (text, missing values empty) among ``layer``'s classes.

    ``table`` is a result's class table (one row per site and class); a code
    found for several sites takes the last site's value.
    """

    def build() -> dict[str, str]:
        part = table[table["layer"] == layer]
        values = part[column].astype("string").fillna("")
        return dict(zip(part["code"].astype(str), values, strict=True))

    return _kept(_LOOKUPS, (id(table), layer, column), table, build)


def kept_column(frame: Any, name: str, build: Callable[[Any], Any]) -> np.ndarray:
    """``build(frame)`` as an array, built once and kept while ``frame`` lives.

    ``name`` tells apart the arrays kept for one frame (``"geometry"``, ``"codes"``…).
    """
    return _kept(_COLUMNS, (id(frame), name), frame, lambda: np.asarray(build(frame)))


def kept_geometries(frame: Any) -> np.ndarray:
    """``frame``'s geometries as an array, kept while the frame lives (a batch's maps read them)."""
    return kept_column(frame, "geometry", lambda f: f.geometry.values)


def site_rows(frame: Any, site: int) -> np.ndarray:
    """Positions of the rows of ``frame`` whose ``site`` column is ``site``, in frame order.

    The same rows as ``frame["site"] == site``; the rows are grouped by site
    once per frame, so each look-up is a binary search.
    """

    def build() -> tuple[np.ndarray, np.ndarray]:
        values = frame["site"].to_numpy()
        order = np.argsort(values, kind="stable")
        return order, values[order]

    order, values = _kept(_GROUPS, id(frame), frame, build)
    return order[np.searchsorted(values, site, "left") : np.searchsorted(values, site, "right")]


def site_name(result: Any, position: int) -> str:
    """The name of the site at ``position`` as its map and page title it ('' when it has none).

    Read from the sites' kept ``name`` column: selecting the site's row costs
    more than the rest of its title.
    """
    name = kept_column(result.sites, "name", lambda f: f["name"])[position]
    return str(name) if name else ""


def parts_in_window(frame: Any, positions: np.ndarray, window: Any) -> np.ndarray:
    """The geometries of ``frame``'s rows at ``positions``, as a map in ``window`` draws them.

    A multipolygon of more than :data:`~landcheck.polygonal.MANY_PARTS` parts (a
    dissolved layer: a county's farmland as one feature) is cut down to its parts
    that meet the window, found through an R-tree of its parts kept for the
    batch; the others are drawn outside the window, so nothing on the map
    changes, but every map walked the county's 100,000 parts.

    Examples
    --------
    >>> import geopandas as gpd
    >>> grid = shapely.MultiPolygon([shapely.box(i, 0, i + 0.5, 1) for i in range(100)])
    >>> frame = gpd.GeoDataFrame(geometry=[grid, shapely.box(0, 0, 1, 1)])
    >>> drawn = parts_in_window(frame, np.array([0, 1]), shapely.box(10, 0, 11.2, 1))
    >>> [int(shapely.get_num_geometries(g)) for g in drawn]
    [2, 1]
    """
    geometries = kept_geometries(frame)[positions]
    index = _kept(_PARTS, id(frame), frame, lambda: _parts_index(kept_geometries(frame)))
    many = [k for k, at in enumerate(positions.tolist()) if at in index]
    if not many:
        return geometries
    geometries = geometries.copy()
    for k in many:
        parts, tree = index[int(positions[k])]
        found = np.sort(tree.query(window, predicate="intersects"))
        geometries[k] = shapely.multipolygons(parts[found])
    return geometries


def _parts_index(geometries: np.ndarray) -> dict[int, tuple[np.ndarray, shapely.STRtree]]:
    """Position → the parts and their R-tree, for each multipolygon of many parts."""
    index = {}
    for at in np.flatnonzero(many_parts(geometries)).tolist():
        parts = shapely.get_parts(geometries[at])
        index[at] = (parts, shapely.STRtree(parts))
    return index
