"""Reading constraint layers near the sites only (spatially filtered reads)."""

from __future__ import annotations

import logging
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS, Transformer

from landcheck.crs import crs_label, crs_plausibility
from landcheck.io.records import InputRecord
from landcheck.io.vector import (
    LayerSource,
    implausible_crs_error,
    no_crs_error,
    read_frame,
    read_layer_info,
    require_exists,
    resolve_layer,
)

__all__ = ["read_features_near"]

logger = logging.getLogger(__name__)

_CLUSTER_GAP_M = 5_000.0
"""Sites closer than this (bounding boxes, layer units) share one filtered read."""


def _mask_in_layer_crs(
    sites: np.ndarray, sites_crs: CRS, target_crs: CRS, margin: float
) -> np.ndarray:
    """Site outlines, densified and moved into the layer's CRS, grown by a margin."""
    geoms = sites
    if not sites_crs.equals(target_crs):
        geoms = shapely.segmentize(geoms, 100.0)
        transformer = Transformer.from_crs(sites_crs, target_crs, always_xy=True)
        geoms = shapely.transform(
            geoms, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))
        )
    # mitred corners: the grown outline contains every point within ``margin``
    distance = margin if target_crs.is_projected else margin / 100_000.0
    return shapely.buffer(geoms, distance, join_style="mitre", mitre_limit=10.0)


def _clusters(geoms: np.ndarray, gap: float) -> list[np.ndarray]:
    """Group geometries whose bounding boxes come within ``gap`` of each other."""
    boxes = shapely.buffer(shapely.envelope(geoms), gap / 2.0, cap_style="square", join_style="mitre")
    tree = shapely.STRtree(boxes)
    left, right = tree.query(boxes, predicate="intersects")
    parent = np.arange(len(geoms))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in zip(left.tolist(), right.tolist()):
        root_a, root_b = find(a), find(b)
        if root_a != root_b:
            parent[max(root_a, root_b)] = min(root_a, root_b)
    roots = np.array([find(i) for i in range(len(geoms))])
    return [np.flatnonzero(roots == r) for r in np.unique(roots)]


def read_features_near(
    source: LayerSource,
    sites: Any,
    sites_crs: CRS,
    *,
    key: str,
    columns: list[str] | None = None,
    margin: float = 1.0,
) -> tuple[gpd.GeoDataFrame, InputRecord]:
    """Read only the features of a layer that come near the sites.

    Sites are grouped into clusters of nearby sites; each cluster is one
    read whose spatial filter is the cluster's site outlines grown by
    ``margin`` metres (GeoPackage and FileGDB use their spatial index for it).
    Features caught by two clusters are read once.

    Parameters
    ----------
    source : LayerSource
        The constraint layer.
    sites : array-like of shapely geometries
        Site geometries in ``sites_crs``.
    sites_crs : CRS
        CRS of ``sites``.
    key : str
        The layer key, for messages and the record.
    columns : list of str, optional
        Attribute fields to read (all when None).
    margin : float
        Grow the filter by this many metres, so that reprojection cannot
        miss a feature on a site's edge.

    Returns
    -------
    features : GeoDataFrame
        The features, in the layer's own CRS, indexed by their feature id.
    record : InputRecord
        Provenance, including ``features_read``.
    """
    what = f"layer {key!r}"
    require_exists(source.path, what)
    layer = resolve_layer(source, what)
    info = read_layer_info(source, layer)
    if not info.get("crs"):
        raise no_crs_error(source, what)
    native_crs = CRS.from_user_input(info["crs"])
    extent = info.get("total_bounds")
    if extent is not None and info.get("features", 0):
        verdict = crs_plausibility(native_crs, tuple(float(v) for v in extent))  # type: ignore[arg-type]
        if verdict != "ok":
            raise implausible_crs_error(source, what, verdict, info.get("driver"))
    record = InputRecord(
        role="layer", key=key, path=source.path, layer=layer, crs=crs_label(native_crs)
    )
    record.extra["driver"] = info.get("driver")
    if info.get("encoding"):
        record.extra["encoding"] = info["encoding"]
    if columns is not None:
        available = set(info["fields"])
        columns = [c for c in columns if c in available]
    site_geoms = np.asarray(sites, dtype=object)
    site_geoms = site_geoms[~shapely.is_empty(site_geoms)]
    if not len(site_geoms):
        frame = read_frame(source, layer, columns=columns, max_features=0, fid_as_index=True)
        return frame.set_crs(native_crs, allow_override=True), record
    mask = _mask_in_layer_crs(site_geoms, sites_crs, native_crs, margin)
    gap = _CLUSTER_GAP_M if native_crs.is_projected else _CLUSTER_GAP_M / 100_000.0
    frames = []
    for members in _clusters(mask, gap):
        cluster_mask = shapely.union_all(mask[members])
        frames.append(
            read_frame(source, layer, columns=columns, mask=cluster_mask, fid_as_index=True)
        )
    frame = frames[0] if len(frames) == 1 else gpd.pd.concat(frames)
    frame = frame[~frame.index.duplicated(keep="first")]
    if frame.crs is None:
        frame = frame.set_crs(native_crs)
    record.features_read = len(frame)
    logger.debug("%s: read %d features near %d sites", what, len(frame), len(site_geoms))
    return frame, record
