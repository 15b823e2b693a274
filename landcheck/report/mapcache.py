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

__all__ = [
    "INDEXED_FROM",
    "code_lookup",
    "in_window",
    "kept_column",
    "kept_geometries",
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
    start again from its edges. The mask is the same as testing every feature.
    """
    if indexed:  # kept: reading a GeoDataFrame's geometry column costs more than the test
        geometries = kept_geometries(frame)
    else:
        geometries = frame.geometry.values
    if not indexed or len(frame) < INDEXED_FROM:
        if indexed:
            shapely.prepare(geometries)  # once: prepared geometries are left as they are
        return np.asarray(shapely.intersects(geometries, window))
    tree = _kept(_TREES, id(frame), frame, lambda: shapely.STRtree(geometries))
    mask = np.zeros(len(frame), dtype=bool)
    mask[tree.query(window, predicate="intersects")] = True
    return mask


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
