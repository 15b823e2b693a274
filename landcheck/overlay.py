"""Pure geometry: cut each site by a layer's features and measure the pieces, as frames.

The cutting itself is :mod:`landcheck.cut`, on arrays (what a batch's worker
processes run): one bulk STRtree query finds every (site, feature) pair, one
vectorised intersection cuts them, and the pieces are measured planar and
ellipsoidal. Huge features (ecological redlines with 10⁵ vertices) are first
cut into pieces of at most :data:`PIECE_VERTICES` vertices, only around the
sites (like PostGIS ``ST_Subdivide``); a feature's pieces are disjoint, and
what a site takes from them is merged back into one piece per (site, feature).
Where features of one layer overlap each other inside a site, the later
feature (higher position in the layer) loses the shared part, so that the
*counted* pieces of a site are disjoint: the layer's overlap, class areas and
uncovered rest are then plain sums that add up to the site area exactly.
Here those arrays become a :class:`LayerOverlay` (the pieces with the
features' attributes) and the nearest features a frame.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from landcheck.crs.measuring import SiteMeasuring
from landcheck.cut import (
    PIECE_VERTICES,
    SUBDIVIDE_ABOVE,
    cut_and_nearest,
    nearest_split,
    overlay_arrays,
    subdivide_near,
)
from landcheck.geometry import array_taken, column_array, geo_frame
from landcheck.polygonal import polygonal_part

__all__ = [
    "PIECE_COLUMNS",
    "PIECE_VERTICES",
    "SUBDIVIDE_ABOVE",
    "LayerOverlay",
    "measured_in_site_crs",
    "nearest_features",
    "nearest_frame",
    "overlay_and_nearest",
    "overlay_arrays",
    "overlay_frame",
    "overlay_layer",
    "subdivide_near",
]

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
        Planar area counted once instead of several times, over all sites (in each
        site's measuring CRS once :func:`measured_in_site_crs` has measured it).
    self_overlap_ellipsoidal_m2 : float
        The same area on the ellipsoid.
    changed : numpy.ndarray of bool
        Per piece, whether it lost an overlap with an earlier feature.
    wkb : numpy.ndarray or None
        The counted pieces as the workers sent them (WKB, row for row), when
        they were asked for so (:meth:`landcheck.engine.PendingOverlay.result`):
        the geometry column of ``pieces`` is then empty, and :meth:`geometries`
        reads them from here.
    """

    pieces: gpd.GeoDataFrame
    self_overlap_sites: np.ndarray = field(default_factory=lambda: np.array([], dtype=int))
    self_overlap_m2: float = 0.0
    self_overlap_ellipsoidal_m2: float = 0.0
    changed: np.ndarray = field(default_factory=lambda: np.array([], dtype=bool))
    wkb: np.ndarray | None = None

    def geometries(self, rows: np.ndarray) -> np.ndarray:
        """The counted pieces at ``rows`` (positions), whether held as geometries or as WKB.

        Examples
        --------
        >>> from shapely import box
        >>> pieces = gpd.GeoDataFrame(geometry=[None, None])
        >>> held = LayerOverlay(pieces, wkb=shapely.to_wkb([box(0, 0, 1, 1), box(0, 0, 2, 1)]))
        >>> shapely.area(held.geometries(np.array([1]))).tolist()
        [2.0]
        """
        if self.wkb is None:
            return np.asarray(self.pieces.geometry.values[rows], dtype=object)
        return np.asarray(shapely.from_wkb(self.wkb[rows]), dtype=object)


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
    feature_geoms = np.asarray(features.geometry.values, dtype=object)
    arrays = overlay_arrays(np.asarray(site_geoms, dtype=object), feature_geoms, crs)
    return overlay_frame(arrays, features, crs, attributes=attributes)


@cache
def _inferred_text() -> pd.api.extensions.ExtensionDtype:
    """The dtype pandas gives a column of Python strings (``str``, Arrow-backed)."""
    return pd.Series(np.array(["a"], dtype=object)).dtype


def _taken(
    values: np.ndarray | pd.api.extensions.ExtensionArray, positions: np.ndarray
) -> np.ndarray | pd.api.extensions.ExtensionArray:
    """``column.to_numpy()[positions]`` of a column's array, as a new frame will hold it.

    A text column's values are taken as they are (Arrow to Python strings and
    back costs ~0.3 ms a column) when the frame would make them that column
    again: text of pandas' own type with some value present (only missing
    values, or none, stay objects).
    """
    if values.dtype == _inferred_text():
        taken = array_taken(values, positions)
        if len(taken) and not taken.isna().all():
            return taken
    return (values if isinstance(values, np.ndarray) else values.to_numpy())[positions]


def overlay_frame(
    arrays: dict[str, np.ndarray],
    features: gpd.GeoDataFrame,
    crs: CRS,
    *,
    attributes: list[str] | None = None,
) -> LayerOverlay:
    """Build the :class:`LayerOverlay` from :func:`overlay_arrays`' arrays."""
    site_idx, feature_idx, changed = arrays["site"], arrays["feature"], arrays["changed"]
    planar, counted_planar = arrays["planar_m2"], arrays["counted_planar_m2"]
    columns = {column: arrays[column] for column in PIECE_COLUMNS}
    for column in attributes or []:
        columns[column] = _taken(column_array(features, column), feature_idx)
    result = geo_frame(columns, arrays["geometry"], crs)
    overlap_sites = np.unique(site_idx[changed])
    return LayerOverlay(
        pieces=result,
        self_overlap_sites=overlap_sites,
        self_overlap_m2=float(planar[changed].sum() - counted_planar[changed].sum()),
        self_overlap_ellipsoidal_m2=float(
            arrays["ellipsoidal_m2"][changed].sum()
            - arrays["counted_ellipsoidal_m2"][changed].sum()
        ),
        changed=changed,
    )


def _whole_areas_moved(
    feature_geoms: np.ndarray, owners: np.ndarray, sites: np.ndarray, measuring: SiteMeasuring
) -> np.ndarray:
    """The planar area of each piece's whole feature in its site's measuring CRS.

    Each feature is moved once into each CRS its pieces' sites are measured in,
    not once a piece: a redline band of 250,000 vertices under 500 sites of
    another zone took 23 s.
    """
    zones = np.unique(measuring.labels[sites].astype(str), return_inverse=True)[1]
    pairs = np.column_stack([owners, zones.ravel()])
    _, first, again = np.unique(pairs, axis=0, return_index=True, return_inverse=True)
    return measuring.planar_areas(feature_geoms[owners[first]], sites[first])[again.ravel()]


def measured_in_site_crs(
    overlay: LayerOverlay,
    features: gpd.GeoDataFrame,
    site_geoms: np.ndarray,
    measuring: SiteMeasuring | None,
) -> LayerOverlay:
    """Planar areas and widths of the pieces measured in their site's own CRS.

    Pieces are cut in the analysis CRS; the pieces of a site measured in
    another CRS (:mod:`landcheck.crs.measuring`) are moved into it, and their
    ``planar_m2``, ``counted_planar_m2``, ``width_m`` and the whole feature's
    ``_feature_m2`` (for official-area shares) measured there. Geometries,
    ellipsoidal areas and the other sites' pieces are unchanged; with every
    site in the analysis CRS the overlay is returned as it is.

    Parameters
    ----------
    overlay : LayerOverlay
        From :func:`overlay_layer` (or the engine).
    features : GeoDataFrame
        The layer's features the pieces were cut from, in the analysis CRS.
    site_geoms : numpy.ndarray of shapely geometries
        The sites, in the analysis CRS.
    measuring : SiteMeasuring or None
        Each site's measuring CRS.
    """
    pieces = overlay.pieces
    if measuring is None or measuring.uniform or pieces.empty:
        return overlay
    sites = pieces["site"].to_numpy()
    moved = np.flatnonzero(measuring.elsewhere(sites))
    if not len(moved):
        return overlay
    pieces = pieces.copy()
    counted = measuring.to_own_crs(overlay.geometries(moved), sites[moved])
    counted_planar = shapely.area(counted)
    perimeter = shapely.length(counted)
    planar = counted_planar.copy()
    changed = overlay.changed[moved] if len(overlay.changed) else np.zeros(len(moved), bool)
    feature_geoms = np.asarray(features.geometry.values, dtype=object)
    owners = pieces["feature"].to_numpy()[moved]
    if changed.any():
        rows = moved[changed]
        site_geoms = np.asarray(site_geoms, dtype=object)
        whole = polygonal_part(
            shapely.intersection(site_geoms[sites[rows]], feature_geoms[owners[changed]])
        )
        planar[changed] = measuring.planar_areas(whole, sites[rows])
    pieces.iloc[moved, pieces.columns.get_loc("planar_m2")] = planar
    pieces.iloc[moved, pieces.columns.get_loc("counted_planar_m2")] = counted_planar
    pieces.iloc[moved, pieces.columns.get_loc("width_m")] = np.divide(
        2.0 * counted_planar, perimeter, out=np.zeros_like(counted_planar), where=perimeter > 0
    )
    if "_feature_m2" in pieces:
        pieces.iloc[moved, pieces.columns.get_loc("_feature_m2")] = _whole_areas_moved(
            feature_geoms, owners, sites[moved], measuring
        )
    all_changed = overlay.changed if len(overlay.changed) else np.zeros(len(pieces), bool)
    lost = (
        pieces["planar_m2"].to_numpy()[all_changed]
        - pieces["counted_planar_m2"].to_numpy()[all_changed]
    )
    return LayerOverlay(
        pieces=pieces,
        self_overlap_sites=overlay.self_overlap_sites,
        self_overlap_m2=float(lost.sum()),
        self_overlap_ellipsoidal_m2=overlay.self_overlap_ellipsoidal_m2,
        changed=overlay.changed,
        wkb=overlay.wkb,
    )


def nearest_features(
    site_geoms: np.ndarray, feature_geoms: np.ndarray, max_distance: float
) -> pd.DataFrame:
    """The nearest feature of each site within ``max_distance`` (0 when they touch).

    Of features equally near (several touching the site, say), the first in
    layer order is given, so the answer does not depend on the spatial index.
    Huge features are subdivided around the sites first (:func:`subdivide_near`).

    Returns
    -------
    pandas.DataFrame
        Indexed by site position: ``feature`` (position) and ``distance_m``;
        sites with nothing within reach are absent.

    Examples
    --------
    >>> from shapely import box
    >>> site, far = np.array([box(0, 0, 10, 10)]), np.array([box(40, 0, 50, 10)])
    >>> near = nearest_features(site, far, 100.0)
    >>> near.to_dict("index")
    {0: {'feature': 0, 'distance_m': 30.0}}
    """
    site_geoms = np.asarray(site_geoms, dtype=object)
    feature_geoms = np.asarray(feature_geoms, dtype=object)
    if not len(feature_geoms) or max_distance <= 0:
        return _no_nearest()
    usable = ~shapely.is_empty(site_geoms)
    split, owner = subdivide_near(feature_geoms, site_geoms[usable], max_distance)
    return nearest_frame(*nearest_split(site_geoms, usable, split, owner, max_distance))


def _no_nearest() -> pd.DataFrame:
    """No nearest features: a copy of one empty frame (building a frame costs ~0.3 ms)."""
    return _empty_nearest().copy()


@cache
def _empty_nearest() -> pd.DataFrame:
    """The frame of no nearest features, made once (never handed out: copies of it are)."""
    return pd.DataFrame({"feature": [], "distance_m": []}, index=pd.Index([], name="site"))


def nearest_frame(sites: np.ndarray, features: np.ndarray, distances: np.ndarray) -> pd.DataFrame:
    """The nearest features as :func:`nearest_features` gives them, from their three arrays.

    Indexed by site position: ``feature`` (position) and ``distance_m``.
    """
    if not len(sites):
        return _no_nearest()
    return pd.DataFrame(
        {"feature": features, "distance_m": distances}, index=pd.Index(sites, name="site")
    )


def overlay_and_nearest(
    site_geoms: np.ndarray, feature_geoms: np.ndarray, crs: CRS, search_m: float
) -> tuple[dict[str, np.ndarray], pd.DataFrame]:
    """:func:`overlay_arrays` and :func:`nearest_features` (within ``search_m``) at once.

    The same arrays and frame as the two calls, with the huge features
    subdivided once (:func:`landcheck.cut.cut_and_nearest`).

    Examples
    --------
    >>> from pyproj import CRS
    >>> ring = shapely.Point(0, 0).buffer(1000, quad_segs=2000)
    >>> sites = np.array([shapely.box(0, 0, 10, 10)])
    >>> arrays, nearest = overlay_and_nearest(sites, np.array([ring]), CRS.from_epsg(3857), 50.0)
    >>> float(arrays["planar_m2"][0]), nearest.to_dict("index")
    (100.0, {0: {'feature': 0, 'distance_m': 0.0}})
    """
    arrays, nearest = cut_and_nearest(site_geoms, feature_geoms, crs, search_m)
    return arrays, nearest_frame(*nearest)
