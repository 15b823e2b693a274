"""Pure geometry: cut each site by a layer's features and measure the pieces.

One bulk STRtree query finds every (site, feature) pair, one vectorised
intersection cuts them, and the pieces are measured planar and ellipsoidal.
Where features of one layer overlap each other inside a site, the later
feature (higher position in the layer) loses the shared part, so that the
*counted* pieces of a site are disjoint: the layer's overlap, class areas and
uncovered rest are then plain sums that add up to the site area exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from landcheck.crs import ellipsoidal_areas
from landcheck.geometry import polygonal_part

__all__ = ["PIECE_COLUMNS", "LayerOverlay", "nearest_features", "overlay_layer"]

PIECE_COLUMNS = [
    "site",
    "feature",
    "planar_m2",
    "ellipsoidal_m2",
    "counted_planar_m2",
    "counted_ellipsoidal_m2",
    "width_m",
]
"""Measurement columns of :attr:`LayerOverlay.pieces` (besides the feature's attributes).

``site`` and ``feature`` are positions in the site and feature arrays;
``planar_m2``/``ellipsoidal_m2`` measure the feature's whole intersection with
the site; ``counted_*`` what remains after overlaps inside the layer are
resolved; ``width_m`` is the counted piece's mean width, 2·area/perimeter.
"""


@dataclass
class LayerOverlay:
    """The pieces of one layer cut by all sites.

    Attributes
    ----------
    pieces : GeoDataFrame
        One row per (site, feature) with a positive-area intersection: the
        columns of :data:`PIECE_COLUMNS`, the feature's attribute columns
        passed in ``attributes``, and the counted piece as geometry.
    self_overlap_sites : numpy.ndarray
        Positions of the sites inside which features of the layer overlap.
    self_overlap_m2 : float
        Planar area counted once instead of several times, over all sites.
    """

    pieces: gpd.GeoDataFrame
    self_overlap_sites: np.ndarray = field(default_factory=lambda: np.array([], dtype=int))
    self_overlap_m2: float = 0.0


def _candidate_pairs(site_geoms: np.ndarray, feature_geoms: np.ndarray) -> tuple[np.ndarray, ...]:
    tree = shapely.STRtree(feature_geoms)
    site_idx, feature_idx = tree.query(site_geoms, predicate="intersects")
    order = np.lexsort((feature_idx, site_idx))
    return site_idx[order], feature_idx[order]


def _cut(site_geoms: np.ndarray, feature_geoms: np.ndarray) -> np.ndarray:
    """Intersections, skipping GEOS where one geometry covers the other."""
    pieces = np.empty(len(site_geoms), dtype=object)
    feature_inside = shapely.covers(site_geoms, feature_geoms)
    site_inside = ~feature_inside & shapely.covers(feature_geoms, site_geoms)
    rest = ~feature_inside & ~site_inside
    pieces[feature_inside] = feature_geoms[feature_inside]
    pieces[site_inside] = site_geoms[site_inside]
    if rest.any():
        pieces[rest] = shapely.intersection(site_geoms[rest], feature_geoms[rest])
    return polygonal_part(pieces)


def _overlapping_pairs(sites: np.ndarray, pieces: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (earlier, later) of pieces of the same site whose interiors intersect."""
    tree = shapely.STRtree(pieces)
    found = []
    for predicate in ("overlaps", "contains"):
        a, b = tree.query(pieces, predicate=predicate)
        keep = (a != b) & (sites[a] == sites[b])
        found.append(np.column_stack([np.minimum(a, b)[keep], np.maximum(a, b)[keep]]))
    pairs = np.unique(np.concatenate(found), axis=0)
    return pairs[:, 0], pairs[:, 1]


def _resolve_self_overlaps(
    sites: np.ndarray, pieces: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Remove from each piece what earlier pieces of the same site already cover."""
    counted = pieces.copy()
    earlier, later = _overlapping_pairs(sites, pieces)
    if not len(later):
        return counted, np.zeros(len(pieces), dtype=bool)
    changed = np.zeros(len(pieces), dtype=bool)
    for piece in np.unique(later):
        covering = shapely.union_all(pieces[earlier[later == piece]])
        counted[piece] = shapely.difference(pieces[piece], covering)
        changed[piece] = True
    counted[changed] = polygonal_part(counted[changed])
    return counted, changed


def overlay_layer(
    site_geoms: np.ndarray,
    features: gpd.GeoDataFrame,
    crs: CRS,
    *,
    attributes: list[str] | None = None,
) -> LayerOverlay:
    """Cut every site by every feature of one layer and measure the pieces.

    Parameters
    ----------
    site_geoms : numpy.ndarray of shapely geometries
        Valid polygonal site geometries in the analysis CRS (empty allowed).
    features : GeoDataFrame
        Valid polygonal features in the analysis CRS, in layer order.
    crs : CRS
        The analysis CRS, for ellipsoidal areas.
    attributes : list of str, optional
        Feature columns to carry onto the pieces.

    Returns
    -------
    LayerOverlay

    Examples
    --------
    Two squares overlapping by exactly 150,000 m²:

    >>> import geopandas as gpd
    >>> from shapely import box
    >>> from pyproj import CRS
    >>> site = box(35_500_000, 2_700_000, 35_501_000, 2_700_500)
    >>> layer = gpd.GeoDataFrame(geometry=[box(35_500_700, 2_700_000, 35_502_000, 2_701_000)])
    >>> result = overlay_layer(np.array([site]), layer, CRS.from_epsg(4523))
    >>> float(result.pieces["counted_planar_m2"].sum())
    150000.0
    """
    attributes = list(attributes or [])
    feature_geoms = np.asarray(features.geometry.values, dtype=object)
    site_geoms = np.asarray(site_geoms, dtype=object)
    site_idx, feature_idx = _candidate_pairs(site_geoms, feature_geoms)
    pieces = _cut(site_geoms[site_idx], feature_geoms[feature_idx])
    planar = shapely.area(pieces)
    keep = planar > 0.0
    site_idx, feature_idx, pieces, planar = (
        site_idx[keep], feature_idx[keep], pieces[keep], planar[keep]
    )
    counted, changed = _resolve_self_overlaps(site_idx, pieces)
    counted_planar = shapely.area(counted)
    counted_ellipsoidal = ellipsoidal_areas(counted, crs)
    ellipsoidal = counted_ellipsoidal.copy()
    if changed.any():
        ellipsoidal[changed] = ellipsoidal_areas(pieces[changed], crs)
    perimeter = shapely.length(counted)
    width = np.divide(
        2.0 * counted_planar, perimeter, out=np.zeros_like(counted_planar), where=perimeter > 0
    )
    frame = pd.DataFrame(
        {
            "site": site_idx,
            "feature": feature_idx,
            "planar_m2": planar,
            "ellipsoidal_m2": ellipsoidal,
            "counted_planar_m2": counted_planar,
            "counted_ellipsoidal_m2": counted_ellipsoidal,
            "width_m": width,
        }
    )
    for column in attributes:
        frame[column] = features[column].to_numpy()[feature_idx]
    result = gpd.GeoDataFrame(frame, geometry=counted, crs=crs)
    overlap_sites = np.unique(site_idx[changed])
    return LayerOverlay(
        pieces=result,
        self_overlap_sites=overlap_sites,
        self_overlap_m2=float(planar[changed].sum() - counted_planar[changed].sum()),
    )


def nearest_features(
    site_geoms: np.ndarray, feature_geoms: np.ndarray, max_distance: float
) -> pd.DataFrame:
    """The nearest feature of each site within ``max_distance`` (0 when they touch).

    Returns
    -------
    pandas.DataFrame
        Indexed by site position: ``feature`` (position) and ``distance_m``;
        sites with nothing within reach are absent.

    Examples
    --------
    >>> from shapely import box
    >>> nearest_features(np.array([box(0, 0, 10, 10)]), np.array([box(40, 0, 50, 10)]), 100.0)
          feature  distance_m
    site                     
    0           0        30.0
    """
    site_geoms = np.asarray(site_geoms, dtype=object)
    feature_geoms = np.asarray(feature_geoms, dtype=object)
    empty = pd.DataFrame({"feature": [], "distance_m": []}, index=pd.Index([], name="site"))
    if not len(feature_geoms) or max_distance <= 0:
        return empty
    tree = shapely.STRtree(feature_geoms)
    usable = ~shapely.is_empty(site_geoms)
    (site_idx, feature_idx), distance = tree.query_nearest(
        site_geoms[usable], max_distance=max_distance, return_distance=True, all_matches=False
    )
    positions = np.flatnonzero(usable)[site_idx]
    return pd.DataFrame(
        {"feature": feature_idx, "distance_m": distance}, index=pd.Index(positions, name="site")
    )
