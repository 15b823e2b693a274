"""Reading vector data: sites in full, constraint layers only near the sites.

Sources are written ``PATH`` or ``PATH:LAYER`` (GeoPackage layer, FileGDB
feature class…). Constraint layers are read with a spatial filter built from
the site geometries, so a province-wide layer costs only the features that
touch the sites.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pyogrio
import shapely
from pyogrio.errors import DataLayerError
from pyogrio.errors import DataSourceError as OGRDataSourceError
from pyproj import CRS, Transformer

from landcheck.crs import crs_label, crs_plausibility
from landcheck.errors import AnalysisCRSError, DataSourceError, InputDataError
from landcheck.io.records import InputRecord

__all__ = [
    "LayerSource",
    "layer_crs",
    "layer_fields",
    "list_layers",
    "read_features_near",
    "read_frame",
    "read_layer_info",
    "read_sites",
    "require_exists",
    "resolve_layer",
    "split_source",
]

logger = logging.getLogger(__name__)

_CLUSTER_GAP_M = 5_000.0
"""Sites closer than this (bounding boxes, layer units) share one filtered read."""


@dataclass(frozen=True)
class LayerSource:
    """A vector source: a path and, for multi-layer files, a layer name.

    Parameters
    ----------
    path : str
        File or directory (FileGDB) path.
    layer : str, optional
        Layer name inside the file; required when the file has several.
    encoding : str, optional
        Attribute encoding to force (e.g. ``"gbk"`` for shapefiles without .cpg).
    """

    path: str
    layer: str | None = None
    encoding: str | None = None

    @classmethod
    def parse(cls, text: str | os.PathLike[str], *, encoding: str | None = None) -> LayerSource:
        """Parse ``PATH`` or ``PATH:LAYER``; see :func:`split_source`."""
        path, layer = split_source(text)
        return cls(path, layer, encoding)

    def __str__(self) -> str:
        return f"{self.path}:{self.layer}" if self.layer else self.path


def split_source(text: str | os.PathLike[str]) -> tuple[str, str | None]:
    """Split ``PATH:LAYER`` into path and layer name.

    A string that names an existing file is taken whole (so ``C:\\data.gpkg``
    and names containing colons work); otherwise the text is split at the last
    colon when the part before it exists.

    Examples
    --------
    >>> split_source("no/such/file.gpkg")
    ('no/such/file.gpkg', None)
    """
    text = os.fspath(text)
    if os.path.exists(text) or ":" not in text:
        return text, None
    path, _, layer = text.rpartition(":")
    if path and os.path.exists(path):
        return path, layer or None
    return text, None


def require_exists(path: str, what: str) -> None:
    """Raise :class:`DataSourceError` naming ``what`` when ``path`` does not exist."""
    if not os.path.exists(path):
        raise DataSourceError(
            f"{what}: no such file {path!r}; check the path (a layer inside a file is "
            "written PATH:LAYER)"
        )


def list_layers(path: str) -> list[tuple[str, str | None]]:
    """Return ``(name, geometry type)`` of each layer in a vector file."""
    require_exists(path, "cannot list layers")
    try:
        return [(str(n), None if t is None else str(t)) for n, t in pyogrio.list_layers(path)]
    except OGRDataSourceError as ex:
        raise DataSourceError(
            f"cannot open {path!r} as vector data: {ex}. Give a file GDAL reads "
            "(GeoPackage, shapefile, GeoJSON, KML, FileGDB…)"
        ) from ex


def resolve_layer(source: LayerSource, what: str) -> str | None:
    """Return the layer to read: the one named, or the file's only (spatial) layer."""
    layers = list_layers(source.path)
    names = [name for name, _ in layers]
    if source.layer is not None:
        if source.layer not in names:
            raise DataSourceError(
                f"{what}: {source.path!r} has no layer {source.layer!r}; its layers are: "
                + ", ".join(names)
            )
        return source.layer
    if len(names) > 1:
        spatial = [name for name, geom_type in layers if geom_type]
        if len(spatial) == 1:
            return spatial[0]
        raise InputDataError(
            f"{what}: {source.path!r} has {len(names)} layers ({', '.join(names)}); "
            f"say which one with PATH:LAYER, e.g. {source.path}:{names[0]}"
        )
    return names[0] if names else None


def read_layer_info(source: LayerSource, layer: str | None) -> dict[str, Any]:
    """Return pyogrio's layer info (crs, fields, feature count, driver, encoding)."""
    try:
        return pyogrio.read_info(
            source.path, layer=layer, encoding=source.encoding, force_total_bounds=True
        )
    except (OGRDataSourceError, DataLayerError) as ex:
        raise DataSourceError(f"cannot read {source}: {ex}") from ex


def layer_crs(source: LayerSource, what: str = "layer") -> CRS | None:
    """Return the CRS a layer declares, or None when it declares none."""
    require_exists(source.path, what)
    info = read_layer_info(source, resolve_layer(source, what))
    return CRS.from_user_input(info["crs"]) if info.get("crs") else None


def layer_fields(source: LayerSource, what: str = "layer") -> list[str]:
    """Return the attribute field names of a layer."""
    require_exists(source.path, what)
    info = read_layer_info(source, resolve_layer(source, what))
    return [str(f) for f in info["fields"]]


def read_frame(source: LayerSource, layer: str | None, **kwargs: Any) -> gpd.GeoDataFrame:
    """Read a layer with pyogrio, turning its errors into landcheck errors."""
    try:
        return pyogrio.read_dataframe(
            source.path, layer=layer, encoding=source.encoding, **kwargs
        )
    except (OGRDataSourceError, DataLayerError) as ex:
        raise DataSourceError(f"cannot read {source}: {ex}") from ex
    except UnicodeDecodeError as ex:
        raise DataSourceError(
            f"cannot decode the attributes of {source} as "
            f"{source.encoding or 'the declared encoding'}: {ex}. Give the right encoding "
            "with --encoding (for Chinese shapefiles usually gbk)"
        ) from ex


def _no_crs_error(source: LayerSource, what: str) -> AnalysisCRSError:
    return AnalysisCRSError(
        f"{what} {source} declares no coordinate reference system (a shapefile without "
        ".prj?). Give it with --crs (e.g. --crs EPSG:4523 for CGCS2000 / 3-degree "
        "Gauss-Kruger zone 35), or add the .prj"
    )


def _implausible_crs(
    source: LayerSource, what: str, verdict: str, driver: str | None
) -> AnalysisCRSError:
    hint = ""
    if driver == "GeoJSON":
        hint = " (GeoJSON is read as WGS 84 longitude/latitude whatever its coordinates)"
    return AnalysisCRSError(
        f"{what} {source}: {verdict}{hint}. Fix the file's CRS (its .prj or metadata), or "
        "give the right CRS with --crs"
    )


def read_sites(
    source: LayerSource | str,
    *,
    assume_crs: CRS | None = None,
) -> tuple[gpd.GeoDataFrame, InputRecord]:
    """Read a site file in full, in its own CRS.

    Parameters
    ----------
    source : LayerSource or str
        ``PATH`` or ``PATH:LAYER``.
    assume_crs : CRS, optional
        CRS to use when the file declares none (recorded as a warning by the
        caller). Without it, a file with no CRS is an error.

    Returns
    -------
    sites : GeoDataFrame
        Every feature, with its attributes.
    record : InputRecord
        Provenance of the read.

    Raises
    ------
    DataSourceError
        The file does not exist or cannot be read.
    AnalysisCRSError
        The file declares no CRS and none was assumed.
    """
    if not isinstance(source, LayerSource):
        source = LayerSource.parse(source)
    require_exists(source.path, "sites")
    layer = resolve_layer(source, "sites")
    frame = read_frame(source, layer)
    record = InputRecord(role="sites", key="sites", path=source.path, layer=layer)
    if frame.crs is None:
        if assume_crs is None:
            raise _no_crs_error(source, "the site file")
        frame = frame.set_crs(assume_crs)
        record.extra["crs_assumed"] = True
    bounds = tuple(float(v) for v in frame.total_bounds)
    verdict = crs_plausibility(frame.crs, bounds)  # type: ignore[arg-type]
    if len(frame) and verdict != "ok":
        if assume_crs is not None and crs_plausibility(assume_crs, bounds) == "ok":  # type: ignore[arg-type]
            record.extra["crs_replaced"] = f"declared {crs_label(frame.crs)}: {verdict}"
            frame = frame.set_crs(assume_crs, allow_override=True)
        else:
            driver = read_layer_info(source, layer).get("driver")
            raise _implausible_crs(source, "the site file", verdict, driver)
    record.crs = crs_label(frame.crs)
    record.features_read = len(frame)
    return frame, record


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
        raise _no_crs_error(source, what)
    native_crs = CRS.from_user_input(info["crs"])
    extent = info.get("total_bounds")
    if extent is not None and info.get("features", 0):
        verdict = crs_plausibility(native_crs, tuple(float(v) for v in extent))  # type: ignore[arg-type]
        if verdict != "ok":
            raise _implausible_crs(source, what, verdict, info.get("driver"))
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
