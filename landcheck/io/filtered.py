"""Reading constraint layers near the sites only (spatially filtered reads).

Two paths give the same features:

- **GeoPackage fast path**: the layer's R-tree (``rtree_<table>_<column>``) is
  queried with sqlite3 for the bounding box of every site at once (a long
  slanting site, a road, by boxes that hug it: :mod:`landcheck.boxcover`), the
  candidates are read by feature id on the same connection
  (:mod:`landcheck.io.gpkg_rows`; one pyogrio call by ``fids=`` through Arrow
  for field types it leaves to GDAL), and only those that really come near a
  site are kept.
- **GeoParquet fast path**: the features' boxes (the covering bbox column, read
  once per file version) are matched against every site's grown box at once,
  the candidates are read in one pass by row number (each row group holding
  some once), and only those that really come near a site are kept.
- **other formats**: a layer with a spatial index (a FileGDB, a FlatGeobuf, a
  shapefile with a .qix) is asked for the ids of its features near each site's
  box, all on one open (:mod:`landcheck.io.layer_ids`), then read by id in one
  call; a shapefile asked by many sites is read by its records' boxes
  (:mod:`landcheck.io.shapefile_boxes`); otherwise sites are grouped into
  clusters of nearby sites and each cluster is one pyogrio read with ``mask=``,
  or a layer without an index is read once, whole.

Within one process, what was read is kept (per file version, layer and
columns, up to :data:`CACHE_VERTICES` vertices), so a notebook checking twenty
variants of a site reads each feature once; inside :func:`not_kept` (a one-off
check that writes findings.json and exits) nothing is kept, so each layer's
features are freed once it is measured.
"""

from __future__ import annotations

import gc
import logging
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS

from landcheck.boxcover import covering_boxes
from landcheck.crs import crs_label
from landcheck.crs.memo import crs_key
from landcheck.crs.transform import distance_in, outlines_in
from landcheck.crs.traps import diagnose_coordinates, missing_crs_advice
from landcheck.errors import AnalysisCRSError, DataSourceError, InputDataError
from landcheck.geometry import (
    geometry_values,
    name_some,
    near_positions,
    rows_taken,
    shallow_copy,
    z_order,
)
from landcheck.io import geoparquet, postgis
from landcheck.io.gpkg_rows import (
    GpkgLayer,
    connection,
    forget_layers,
    gpkg_layer,
    read_rows,
    undecodable_text,
)
from landcheck.io.layer_ids import ids_meeting
from landcheck.io.postgis import PostGISSource
from landcheck.io.records import InputRecord, file_version
from landcheck.io.shapefile import stale_index
from landcheck.io.shapefile_boxes import deleted_records, forget_record_boxes, record_boxes
from landcheck.io.vector import (
    LayerSource,
    declared_crs,
    implausible_crs_error,
    layer_summary,
    no_crs_error,
    read_batches,
    read_bounds,
    read_frame,
    read_layer_info,
    require_exists,
    resolve_layer,
    text_not_utf8,
)
from landcheck.io.wkb import refusing_unreadable
from landcheck.memory import release_free_memory
from landcheck.messages import warn
from landcheck.threads import chunked

__all__ = [
    "CACHE_VERTICES",
    "boxes_meeting",
    "clear_cache",
    "kept_already",
    "not_kept",
    "read_features_near",
]

logger = logging.getLogger(__name__)

_CLUSTER_GAP_M = 5_000.0
"""Sites closer than this (bounding boxes, layer units) share one filtered read."""

CACHE_VERTICES = 1_000_000
"""Vertices of the features kept in memory between calls (all layers, about 40 MB with
their fields); the least recently used reads go first, and a read larger than this is not
kept. A notebook's sites read a few thousand vertices each; a 1,000-site batch against the
province benchmark 1.3 million (its last three layers are kept), a 10,000-site batch 4.6
million (its last small one): a batch evaluated again is a run's job (``prepare`` once,
``evaluate`` the run), which keeps all it read."""

_SQLITE_MOST = 2_000
"""Most features read with sqlite3 rather than pyogrio. GDAL costs ~15 ms a read whatever
its size, then ~7 µs a feature; sqlite3 and shapely ~15 µs a feature (Python for each row):
equal at about 2,000 features (one site reads a handful, a province's batch ten thousands)."""

_FID_CHUNK = 200_000
"""Feature ids per pyogrio read on the GeoPackage fast path."""

_FIDS_ON_THREADS = 20_000
"""Feature ids from which a read by fid is split between the cores, a pyogrio read each
(:func:`landcheck.threads.chunked`): a read costs about 15 ms whatever its size, then about
6 µs a feature. The survey's 64,610 parcels near the 10,000 (c) sites: 0.41 s in one read,
0.29 s in two."""

try:  # pragma: no cover - depends on the environment
    import pyarrow

    _ARROW = True
except ImportError:  # pragma: no cover
    _ARROW = False


def _grown(geoms: np.ndarray, distance: float) -> np.ndarray:
    """Outlines grown by ``distance``; mitred corners contain every point within it."""
    return shapely.buffer(geoms, distance, join_style="mitre", mitre_limit=10.0)


def _cluster_gap(native_crs: CRS) -> float:
    """:data:`_CLUSTER_GAP_M` in the layer's units (degrees: about 100 km each)."""
    return _CLUSTER_GAP_M if native_crs.is_projected else _CLUSTER_GAP_M / 100_000.0


def _clusters(geoms: np.ndarray, gap: float) -> list[np.ndarray]:
    """Group geometries whose bounding boxes come within ``gap`` of each other."""
    boxes = shapely.buffer(
        shapely.envelope(geoms), gap / 2.0, cap_style="square", join_style="mitre"
    )
    tree = shapely.STRtree(boxes)
    left, right = tree.query(boxes, predicate="intersects")
    # connected components by label propagation: every label becomes its component's minimum
    labels = np.arange(len(geoms))
    while True:
        low = np.minimum(labels[left], labels[right])
        new = labels.copy()
        np.minimum.at(new, left, low)
        np.minimum.at(new, right, low)
        new = new[new]
        if np.array_equal(new, labels):
            break
        labels = new
    return [np.flatnonzero(labels == r) for r in np.unique(labels)]


class _Cache:
    """Features already read, per (file version, layer, columns): a GeoDataFrame by fid.

    At most ``limit`` vertices in all; the least recently used frames go first.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.frames: OrderedDict[tuple, gpd.GeoDataFrame] = OrderedDict()
        self.vertices: dict[tuple, int] = {}
        self.lock = threading.Lock()

    def get(self, key: tuple) -> gpd.GeoDataFrame | None:
        with self.lock:
            frame = self.frames.get(key)
            if frame is not None:
                self.frames.move_to_end(key)
            return frame

    def put(self, key: tuple, frame: gpd.GeoDataFrame) -> None:
        geometries = np.asarray(geometry_values(frame), dtype=object)
        vertices = int(shapely.get_num_coordinates(geometries).sum())
        with self.lock:
            self.frames[key], self.vertices[key] = frame, vertices
            self.frames.move_to_end(key)
            while sum(self.vertices.values()) > self.limit and self.frames:
                del self.vertices[self.frames.popitem(last=False)[0]]

    def holds(self, geometries: np.ndarray) -> bool:
        """Whether every one of these geometry objects is in a frame kept here."""
        wanted = _object_ids(geometries)
        if not len(wanted):
            return False
        with self.lock:
            frames = list(self.frames.values())
        for frame in frames:
            wanted = wanted[~np.isin(wanted, _object_ids(geometry_values(frame)))]
            if not len(wanted):
                return True
        return False

    def clear(self) -> None:
        with self.lock:
            self.frames.clear()
            self.vertices.clear()


def _object_ids(geometries: Any) -> np.ndarray:
    """The identities of the geometry objects (missing ones left out)."""
    values = np.asarray(geometries, dtype=object)
    return np.fromiter((id(g) for g in values.tolist() if g is not None), dtype=np.uint64, count=-1)


_CACHE = _Cache(CACHE_VERTICES)

_KEEP: ContextVar[bool] = ContextVar("landcheck_keep_reads", default=True)
"""Whether reads in this context are kept in :data:`_CACHE` (a context variable:
threads keep their own setting)."""


def clear_cache() -> None:
    """Forget what earlier checks read and kept for the next one, and give the memory back.

    A check that keeps its geometry (``check()``'s default) keeps the features
    it read, up to :data:`CACHE_VERTICES` vertices of them, and each GeoParquet file's
    feature boxes, so that running it again (a notebook cell re-run) reads no
    file. The next check reads its files again; its findings are the same.

    Examples
    --------
    >>> import landcheck
    >>> landcheck.clear_cache()
    """
    _CACHE.clear()
    geoparquet.forget_boxes()
    forget_record_boxes()
    forget_layers()
    release_free_memory()


def kept_already(geometries: Any) -> bool:
    """Whether the features kept between calls hold every one of these geometries.

    Those geometries stay in memory while they are kept: a copy of them packed
    elsewhere (:mod:`landcheck.packed`) would hold them twice. An empty array
    is not held.

    Examples
    --------
    >>> from shapely import box
    >>> kept_already(np.array([box(0, 0, 1, 1)], dtype=object))
    False
    """
    return _CACHE.holds(geometries)


@contextmanager
def not_kept() -> Iterator[None]:
    """Within the block, reads neither use nor fill the features kept between calls.

    For a one-off check (the command writing findings.json): what it reads is
    freed as soon as it has been measured instead of staying in memory for
    calls that will not come.

    Examples
    --------
    >>> with not_kept():
    ...     _KEEP.get()
    False
    >>> _KEEP.get()
    True
    """
    token = _KEEP.set(False)
    try:
        yield
    finally:
        _KEEP.reset(token)


def _layer_meta(source: LayerSource) -> tuple[str | None, dict[str, Any], CRS | None]:
    """Layer name, its summary (:func:`landcheck.io.vector.layer_summary`) and declared CRS."""
    layer = resolve_layer(source, f"layer {source}")
    info = layer_summary(source, layer)
    return layer, info, declared_crs(info)


def _coordinate_problem(crs: CRS, extent: tuple[float, ...] | None) -> str | None:
    """What is wrong with a layer's coordinates in ``crs`` (None: they fit), once per layer."""
    if extent is None:
        return None
    key = (crs_key(crs), extent)  # not the CRS: hashing it writes its WKT every time
    if key not in _PROBLEMS:
        _PROBLEMS[key] = diagnose_coordinates(crs, extent)  # type: ignore[arg-type]
        while len(_PROBLEMS) > 64:
            _PROBLEMS.pop(next(iter(_PROBLEMS)))
    return _PROBLEMS[key]


_PROBLEMS: dict[tuple[str, tuple[float, ...]], str | None] = {}
"""What :func:`_coordinate_problem` found, per (CRS, extent)."""


def _no_features(
    source: LayerSource, layer: str | None, columns: list[str] | None
) -> gpd.GeoDataFrame:
    """The layer's frame with no rows (its columns and types): one feature read, then dropped.

    Not ``max_features=0``, which GDAL takes as "no limit" (the whole layer).
    """
    frame = read_frame(source, layer, columns=columns, max_features=1, fid_as_index=True)
    return frame.iloc[:0]


def _gpkg_rtree(path: str, layer: str | None) -> tuple[str, str] | None:
    """``(rtree table, geometry column)`` of a GeoPackage layer, or None (no index, not GPKG)."""
    found = None if layer is None else gpkg_layer(path, layer)
    return None if found is None or found.rtree is None else (found.rtree, found.geometry)


def _rtree_candidates(con: sqlite3.Connection, rtree: str, bounds: np.ndarray) -> np.ndarray:
    """Feature ids whose R-tree box meets any of ``bounds`` (rows xmin, ymin, xmax, ymax).

    The boxes go into a temporary table and one join asks the R-tree for all
    of them, so thousands of sites cost one statement, not one each; one box
    is asked for directly.
    """
    quoted = rtree.replace('"', '""')
    if len(bounds) == 1:  # one site: no temporary table (the first costs ~5 ms a connection)
        xmin, ymin, xmax, ymax = (float(v) for v in bounds[0])
        found = con.execute(
            f'SELECT id FROM "{quoted}" WHERE maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ?',
            (xmin, xmax, ymin, ymax),
        ).fetchall()
        return np.unique(np.asarray([row[0] for row in found], dtype=np.int64))
    con.execute("CREATE TEMP TABLE boxes (xmin REAL, ymin REAL, xmax REAL, ymax REAL)")
    try:
        # in Z-order, one box's search walks the R-tree pages the box before it walked
        con.executemany("INSERT INTO boxes VALUES (?, ?, ?, ?)", bounds[z_order(bounds)].tolist())
        found = con.execute(
            # CROSS JOIN keeps the boxes outside: the R-tree is then searched once per box;
            # no DISTINCT: a feature met by two boxes comes twice, and np.unique below is
            # cheaper than SQLite's temporary B-tree (0.146 → 0.122 s for a survey at (c))
            f'SELECT r.id FROM boxes AS b CROSS JOIN "{quoted}" AS r '
            "WHERE r.maxx >= b.xmin AND r.minx <= b.xmax "
            "AND r.maxy >= b.ymin AND r.miny <= b.ymax"
        ).fetchall()
    finally:
        con.execute("DROP TABLE temp.boxes")
    return np.unique(np.asarray([row[0] for row in found], dtype=np.int64))


def _read_fids(
    source: LayerSource,
    layer: str,
    fids: np.ndarray,
    columns: list[str] | None,
    con: sqlite3.Connection | None = None,
    crs: CRS | None = None,
) -> gpd.GeoDataFrame:
    """The features ``fids`` (ascending), read once.

    Up to :data:`_SQLITE_MOST` of them with sqlite3 on ``con`` when it reads them
    exactly as GDAL would (:mod:`landcheck.io.gpkg_rows`), else (more, or other
    field types) one pyogrio read by fid through Arrow.
    """
    table = gpkg_layer(source.path, layer) if con is not None else None
    try:
        if table is not None and source.encoding is None and len(fids) <= _SQLITE_MOST:
            with refusing_unreadable(str(source)):
                frame = read_rows(con, table, fids, columns, crs)
            if frame is not None:
                return frame
        if not len(fids):
            return _no_features(source, layer, columns)

        def read_part(part: slice) -> list[gpd.GeoDataFrame]:
            mine = fids[part]
            return [
                read_frame(
                    source,
                    layer,
                    fids=mine[i : i + _FID_CHUNK],
                    columns=columns,
                    fid_as_index=True,
                    use_arrow=_ARROW,
                )
                for i in range(0, len(mine), _FID_CHUNK)
            ]

        # GDAL reads with Python's GIL let go: halves on two cores (the survey is read while
        # the workers wait for their first sites, the second core idle)
        parts = chunked(read_part, len(fids), at_least=_FIDS_ON_THREADS)
        frames = [frame for part in parts for frame in part]
        if con is not None and table is not None and not all(map(_text_is_utf8, frames)):
            raise ValueError("a text field of the rows read is not UTF-8")
    except Exception as ex:  # sqlite3's or Arrow's decoding error: name the text if it is one
        if con is not None and table is not None:
            _refuse_undecodable_text(source, layer, con, table, fids, columns, ex)
        raise
    return frames[0] if len(frames) == 1 else gpd.pd.concat(frames)


def _text_is_utf8(frame: gpd.GeoDataFrame) -> bool:
    """Whether every Arrow-backed text column of ``frame`` holds valid UTF-8.

    GDAL hands a GeoPackage's text bytes through Arrow unchecked; a column
    that is not UTF-8 would fail later, far from the file, without naming it.
    """
    for name, column in frame.items():
        if name == frame.geometry.name or not hasattr(column.array, "__arrow_array__"):
            continue
        try:
            column.array.__arrow_array__().validate(full=True)
        except pyarrow.ArrowInvalid:
            return False
    return True


def _refuse_undecodable_text(
    source: LayerSource,
    layer: str,
    con: sqlite3.Connection,
    table: GpkgLayer,
    fids: np.ndarray,
    columns: list[str] | None,
    error: Exception,
) -> None:
    """Raise :class:`InputDataError` naming the feature and field whose text is not UTF-8."""
    try:
        found = undecodable_text(con, table, fids, columns)
    except sqlite3.Error:
        return
    if found is None:
        return
    fid, field, raw = found
    raise text_not_utf8(source.path, layer, fid, field, raw, "a GeoPackage") from error


def _refuse_unreadable_geometries(source: LayerSource, layer: str, frame: gpd.GeoDataFrame) -> None:
    """Refuse R-tree candidates whose geometry could not be decoded.

    The layer's spatial index places them near a site, so they had a geometry
    when it was written; a blob that no longer decodes (a damaged file) would
    otherwise be dropped and its area silently missing from the check.
    """
    broken = shapely.is_missing(np.asarray(geometry_values(frame), dtype=object))
    if not broken.any():
        return
    ids = [str(i) for i in frame.index[broken]]
    some = name_some(ids)
    which, them = (
        (f"features {some} have", "them") if len(ids) > 1 else (f"feature {some} has", "it")
    )
    raise InputDataError(
        f"{source.path} (layer {layer!r}): {which} a geometry that cannot be read (a damaged "
        f"GeoPackage geometry blob), although the layer's spatial index places {them} near the "
        f"sites, so how much of {them} the sites take is unknown. Repair the file (QGIS: Export "
        "→ Save Features As; or ogr2ogr -f GPKG) or fix those features, and run again"
    )


def _read_gpkg(
    source: LayerSource,
    layer: str,
    rtree: str,
    outlines: np.ndarray,
    distance: float,
    columns: list[str] | None,
    native_crs: CRS,
) -> gpd.GeoDataFrame:
    """The GeoPackage fast path: R-tree candidates, one read by fid, exact distance filter.

    The thread's read-only connection to the file searches the R-tree and reads the features.
    """
    bounds = covering_boxes(outlines, distance)
    key = (
        *file_version(source.path),
        layer,
        source.encoding,
        None if columns is None else tuple(columns),
    )
    keep = _KEEP.get()
    con = connection(source.path)
    candidates = _rtree_candidates(con, rtree, bounds)
    cached = _CACHE.get(key) if keep else None
    kept = None
    if cached is None:
        # the candidates read, in feature id order: the frame asked for as it is
        frame = _read_fids(source, layer, candidates, columns, con, native_crs)
        if geometry_values(frame).crs is None:
            frame = frame.set_crs(native_crs)
        if keep:
            _CACHE.put(key, frame)
            kept = frame
    else:
        missing = candidates[~np.isin(candidates, cached.index.to_numpy())]
        if len(missing):
            fresh = _read_fids(source, layer, missing, columns, con, native_crs)
            if geometry_values(fresh).crs is None:
                fresh = fresh.set_crs(native_crs)
            cached = fresh if cached.empty else gpd.pd.concat([cached, fresh])
            _CACHE.put(key, cached)
        frame = cached[cached.index.isin(candidates)].sort_index()
    _refuse_unreadable_geometries(source, layer, frame)
    near = _within(frame, outlines, distance)
    # the frame kept is never handed out (the caller may change what it gets): a shallow
    # copy of it, copy-on-write, is
    return shallow_copy(near) if near is kept else near


def read_features_near(
    source: LayerSource,
    sites: Any,
    sites_crs: CRS,
    *,
    key: str,
    columns: list[str] | Callable[[list[str]], list[str]] | None = None,
    margin: float = 1.0,
    assume_crs: CRS | None = None,
) -> tuple[gpd.GeoDataFrame, InputRecord]:
    """Read only the features of a layer that come near the sites.

    A GeoPackage's R-tree, a GeoParquet file's boxes or another layer's own
    spatial index finds the features near the sites' outlines grown by
    ``margin`` metres (see the module's notes for each format); those are read
    once each, however many sites they are near. A PostGIS table is read by
    :func:`landcheck.io.postgis.read_features_near`.

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
    columns : list of str or callable, optional
        Attribute fields to read (all when None), or a function of the
        layer's field names that returns them.
    margin : float
        Grow the filter by this many metres, so that reprojection cannot
        miss a feature on a site's edge.
    assume_crs : CRS, optional
        CRS of a layer that declares none (``--crs``); without it such a
        layer is an error whose message suggests the CRS from its coordinates.

    Returns
    -------
    features : GeoDataFrame
        The features, in the layer's own CRS, indexed by their feature id.
    record : InputRecord
        Provenance, including ``features_read``.
    """
    if isinstance(source, PostGISSource):
        return postgis.read_features_near(
            source,
            sites,
            sites_crs,
            key=key,
            columns=columns,
            margin=margin,
            assume_crs=assume_crs,
        )
    what = f"layer {key!r}"
    require_exists(source.path, what)
    layer, info, native_crs = _layer_meta(source)
    extent = info.get("total_bounds")
    extent = (
        tuple(float(v) for v in extent) if extent is not None and info.get("features") else None
    )
    assumed = native_crs is None
    if assumed:
        if assume_crs is None:
            advice = missing_crs_advice(extent) if extent else ""
            raise AnalysisCRSError(f"{no_crs_error(source, what)}; {advice}".rstrip("; "))
        native_crs = assume_crs
    problem = _coordinate_problem(native_crs, extent)
    if problem is not None:
        raise implausible_crs_error(source, what, problem, info.get("driver"))
    record = InputRecord(
        role="layer", key=key, path=source.path, layer=layer, crs=crs_label(native_crs)
    )
    if assumed:
        record.extra["crs_assumed"] = True
    record.extra["driver"] = info.get("driver")
    if info.get("encoding"):
        record.extra["encoding"] = info["encoding"]
    if info.get("features") == 0:  # a broken export reads as a county without farmland
        warn(
            f"{what}: {source} holds no features, so no site takes any of it; if it should "
            "hold some, check the file and its layer"
        )
    if callable(columns):
        columns = list(dict.fromkeys(columns([str(f) for f in info["fields"]])))
    if columns is not None:
        available = set(info["fields"])
        columns = [c for c in columns if c in available]
    site_geoms = np.asarray(sites, dtype=object)
    site_geoms = site_geoms[~shapely.is_empty(site_geoms)]
    if not len(site_geoms):
        frame = _no_features(source, layer, columns)
        return frame.set_crs(native_crs, allow_override=True), record
    outlines = outlines_in(site_geoms, sites_crs, native_crs)
    distance = distance_in(site_geoms, margin, sites_crs, native_crs)
    rtree = _gpkg_rtree(source.path, layer)
    if rtree is not None and layer is not None:
        frame = _read_gpkg(source, layer, rtree[0], outlines, distance, columns, native_crs)
    elif geoparquet.is_geoparquet(source.path):
        frame = _read_parquet(source, layer, outlines, distance, columns)
    else:
        frame = _read_through_gdal(
            source, layer, outlines, distance, columns, native_crs, info, what
        )
    if geometry_values(frame).crs is None or assumed:
        frame = frame.set_crs(native_crs, allow_override=True)
    record.features_read = len(frame)
    logger.debug("%s: read %d features near %d sites", what, len(frame), len(site_geoms))
    return frame, record


def _read_through_gdal(
    source: LayerSource,
    layer: str | None,
    outlines: np.ndarray,
    distance: float,
    columns: list[str] | None,
    native_crs: CRS,
    info: dict[str, Any],
    what: str,
) -> gpd.GeoDataFrame:
    """The features near the sites of a layer GDAL reads (neither GeoPackage nor GeoParquet).

    A shapefile by its records' boxes when that costs less than asking its
    index (:func:`_records_scan_pays`); an indexed layer by the ids its index
    finds near the sites' boxes, from one open of it
    (:func:`_read_by_box_queries`; one box: one read through the index); where
    fiona cannot open it, a shapefile by its records' boxes, another layer by
    its features' boxes when that is estimated to cost less, else by GDAL's
    reads per cluster of sites; a layer without an index, whole, once.
    """
    indexed = _fast_spatial_filter(source, layer, info)
    driver = info.get("driver")
    shapefile = driver == "ESRI Shapefile"
    stale = stale_index(source.path) if indexed and shapefile else None
    if stale is not None:  # its boxes may miss a shape moved since: the records' boxes do not
        indexed = False
        warn(
            f"{what}: the spatial index {stale} is older than {source}, so it was not used "
            "(its boxes may miss shapes changed since); rebuild it (QGIS: the layer's "
            "Properties > Source > Create Spatial Index) or delete it"
        )
    targets = covering_boxes(outlines, distance)
    frame = None

    def by_records() -> gpd.GeoDataFrame | None:
        return _read_shapefile_records(source, layer, targets, outlines, distance, columns)

    scanned = shapefile and _records_scan_pays(len(targets), indexed, info)
    if scanned:  # None for a zipped shapefile: its records are not read from its bytes
        frame = by_records()
    if frame is None and indexed and len(targets) > 1:  # one box: one read, one open less
        try:
            frame = _read_by_box_queries(source, layer, targets, outlines, distance, columns, info)
        except DataSourceError:
            # GDAL refuses a record the .dbf marks deleted, should the index lead to it: the
            # records' boxes leave it out, as GDAL's own reading of the layer does
            if not shapefile:
                raise
        if frame is None and shapefile and not scanned:  # fiona could not open it, or GDAL
            frame = by_records()
    if frame is None and indexed and _bounds_scan_pays(outlines, distance, native_crs, info):
        frame = _read_by_feature_bounds(source, layer, targets, outlines, distance, columns)
    if frame is not None:
        return frame
    try:
        frame = _read_clusters(
            source, layer, outlines, distance, columns, native_crs, indexed, driver
        )
    except DataSourceError:
        # GDAL refuses a record the .dbf marks deleted when its .qix leads to it; the
        # records' boxes leave it out, as GDAL's own reading of the layer does, and so does
        # its reading in order (a zipped shapefile: no records' boxes)
        if not shapefile or not indexed:
            raise
        frame = by_records()
        if frame is None:
            frame = _read_clusters(
                source, layer, outlines, distance, columns, native_crs, False, driver
            )
    features = info.get("features") or 0
    if not indexed and features >= UNINDEXED_NOTED_FROM:
        if driver in ("GPKG", "ESRI Shapefile"):
            how = "with one (QGIS: the layer's Properties > Source > Create Spatial Index)"
        else:  # GeoJSON, KML… hold none: a GeoPackage does
            how = "converted to a GeoPackage, which has one (ogr2ogr -f GPKG layer.gpkg FILE),"
        warn(
            f"{what}: {source} has no spatial index, so all its {features:,} features were "
            f"read to find those near the sites; {how} only those are read"
        )
    return frame


_GRID_CELLS = 1024
"""Cells per side of the grid :func:`boxes_meeting` marks the target boxes on."""

_GRID_FROM = 20_000
"""Boxes in the targets' extent from which :func:`boxes_meeting` sifts them on its grid first.

The grid costs about 30 ms whatever the boxes (a summed-area table of a million cells, made
twice); a box tested exactly costs 1–2 µs. A site or a cluster of them meets a few hundred
boxes of a layer: the grid had been a one-site check's largest cost over a GeoParquet or
shapefile layer (6 layers, 0.17 s)."""


def _cells(values: np.ndarray, low: float, size: float) -> np.ndarray:
    return np.clip(((values - low) / size).astype(np.int64), 0, _GRID_CELLS - 1)


def boxes_meeting(boxes: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Positions (ascending) of the boxes that meet any target box, edges included.

    Rows are ``(xmin, ymin, xmax, ymax)``; boxes with NaN (empty geometries) never
    meet, boxes reaching infinity (a feature with an infinite vertex) meet every
    target: kept, such a feature is named when its layer is normalised. Millions
    of boxes against thousands of targets without a geometry each: a grid over
    the targets' extent marks the cells they touch, a summed-area table of the
    marks tells at once whether a box touches a marked cell (every box that
    meets a target does), and only those are tested exactly. Fewer than
    :data:`_GRID_FROM` boxes in the targets' extent are tested exactly at once.

    Examples
    --------
    >>> boxes = np.array([[0, 0, 1, 1], [5, 5, 6, 6], [1, 1, 2, 2], [np.nan] * 4])
    >>> boxes = np.vstack([boxes, [9.0, 9.0, 9.0, np.inf]])
    >>> boxes_meeting(boxes, np.array([[1.5, 1.5, 3.0, 3.0], [0.0, 0.0, 0.5, 0.5]])).tolist()
    [0, 2, 4]
    """
    boxes = np.asarray(boxes, dtype=float)
    targets = np.asarray(targets, dtype=float)
    targets = targets[np.isfinite(targets).all(axis=1)]
    if not len(targets) or not len(boxes):
        return np.zeros(0, dtype=np.int64)
    x0, y0 = targets[:, 0].min(), targets[:, 1].min()
    x1, y1 = targets[:, 2].max(), targets[:, 3].max()
    finite = np.isfinite(boxes).all(axis=1)
    endless = np.flatnonzero(~finite & ~np.isnan(boxes).any(axis=1))
    with np.errstate(invalid="ignore"):
        near = (boxes[:, 2] >= x0) & (boxes[:, 0] <= x1) & (boxes[:, 3] >= y0)
        near &= (boxes[:, 1] <= y1) & finite
    positions = np.flatnonzero(near)
    if len(positions) > _GRID_FROM:
        positions = _on_marked_cells(boxes, positions, targets, (x0, y0, x1, y1))
    tree = shapely.STRtree(shapely.box(*targets.T))
    found, _ = tree.query(shapely.box(*boxes[positions].T))
    return np.union1d(positions[np.unique(found)], endless)


def _on_marked_cells(
    boxes: np.ndarray, positions: np.ndarray, targets: np.ndarray, extent: tuple[float, ...]
) -> np.ndarray:
    """Those of ``positions`` whose box touches a grid cell a target touches."""
    x0, y0, x1, y1 = extent
    width = max(x1 - x0, 1e-9) / _GRID_CELLS
    height = max(y1 - y0, 1e-9) / _GRID_CELLS
    # the cells the targets touch: a difference array, summed twice
    marks = np.zeros((_GRID_CELLS + 1, _GRID_CELLS + 1), dtype=np.int64)
    c0, c1 = _cells(targets[:, 0], x0, width), _cells(targets[:, 2], x0, width)
    r0, r1 = _cells(targets[:, 1], y0, height), _cells(targets[:, 3], y0, height)
    for rows, columns, step in (
        (r0, c0, 1),
        (r0, c1 + 1, -1),
        (r1 + 1, c0, -1),
        (r1 + 1, c1 + 1, 1),
    ):
        np.add.at(marks, (rows, columns), step)
    marked = marks.cumsum(axis=0).cumsum(axis=1)[:_GRID_CELLS, :_GRID_CELLS] > 0
    table = np.zeros((_GRID_CELLS + 1, _GRID_CELLS + 1), dtype=np.int64)
    table[1:, 1:] = marked.cumsum(axis=0).cumsum(axis=1)
    near_boxes = boxes[positions]
    c0, c1 = _cells(near_boxes[:, 0], x0, width), _cells(near_boxes[:, 2], x0, width)
    r0, r1 = _cells(near_boxes[:, 1], y0, height), _cells(near_boxes[:, 3], y0, height)
    touched = table[r1 + 1, c1 + 1] - table[r0, c1 + 1] - table[r1 + 1, c0] + table[r0, c0] > 0
    return positions[touched]


def _read_parquet(
    source: LayerSource,
    layer: str | None,
    outlines: np.ndarray,
    distance: float,
    columns: list[str] | None,
) -> gpd.GeoDataFrame:
    """The GeoParquet fast path: boxes against the sites' grown boxes, one read by row."""
    targets = covering_boxes(outlines, distance)
    rows, boxes = geoparquet.boxes_near(source.path, targets, keep=_KEEP.get())
    candidates = rows[boxes_meeting(boxes, targets)]
    del rows, boxes  # a one-off read's boxes (30 MB a million features) go before the rows
    return _read_candidates(source, layer, candidates, outlines, distance, columns)


BOX_QUERY_S = 1.5e-4
"""What one site's box costs asked of a layer's own index on an open layer, with the features
it finds (:func:`~landcheck.io.layer_ids.ids_meeting`): a shapefile's ``.qix`` 75–280 µs at
the province benchmark's 1,000 and 10,000 sites, a FileGDB's ``.spx`` about 70 µs."""

RECORD_BOX_S = 4e-7
"""What a shapefile record's box costs read from the ``.shp``'s bytes (a million in 0.43 s)."""


def _records_scan_pays(boxes: int, indexed: bool, info: dict[str, Any]) -> bool:
    """Whether a shapefile's record boxes are scanned rather than its index asked box by box.

    Without an index GDAL reads every feature for each box. With one, ``boxes``
    queries of :data:`BOX_QUERY_S` each against every record's box at
    :data:`RECORD_BOX_S`: the survey's 1,000,000 parcels with a ``.qix`` under
    1,000 sites are asked (0.28 s against a 0.7 s scan; the check 1.8 → 1.3 s),
    under 10,000 scanned (1.7 s against 0.4 s). One box is one read through the
    index with the site's outline either way (:func:`_read_through_gdal`).

    Examples
    --------
    >>> _records_scan_pays(1_000, True, {"features": 1_000_000})
    False
    >>> _records_scan_pays(10_000, True, {"features": 1_000_000})
    True
    """
    features = info.get("features") or 0
    return not indexed or boxes * BOX_QUERY_S > features * RECORD_BOX_S


GDAL_OPEN_S = 0.007
"""What one GDAL read near a cluster of sites costs before its features: opening the file and
its index, identifying its CRS (a FileGDB or a shapefile, 6–7 ms)."""

GDAL_MASK_TEST_S = 2e-6
"""What a feature in a cluster's box costs that cluster's read, per doubling of the sites in
its mask: read, turned into a GEOS geometry, tested against the mask (a FileGDB at 1,000
sites, three a cluster: about 5 µs; at 10,000 sites, thousands a cluster: 47 µs)."""

GDAL_BOUNDS_S = 5e-6
"""What a feature's box costs read alone (``read_bounds``: a FileGDB's 1,000,000 in 4.8 s)."""


def _bounds_scan_pays(
    outlines: np.ndarray, distance: float, native_crs: CRS, info: dict[str, Any]
) -> bool:
    """Whether reading the features' boxes first costs less than one read per cluster of sites.

    Each cluster's read opens the layer again and tests every feature in the
    cluster's box against its mask: 10,000 sites over a province chain into a
    few clusters as wide as the province, each feature tested against thousands
    of sites (the survey as a FileGDB: 47 s). The boxes of the features in the
    sites' extent are read once instead when that is estimated to cost less
    (features spread evenly over the layer's extent; :data:`GDAL_OPEN_S`,
    :data:`GDAL_MASK_TEST_S`, :data:`GDAL_BOUNDS_S`), and the features whose box
    meets a site's are read by id (6.6 s). At 1,000 sites the survey's 345 reads
    cost less (3.2 s against 4.8 s), the farmland's more (2.7 s against 0.7 s).
    A layer GDAL cannot read by id is asked per cluster.
    """
    features, extent = info.get("features") or 0, info.get("total_bounds")
    if features <= 0 or extent is None or not info.get("capabilities", {}).get("random_read"):
        return False  # a count GDAL does not know (-1) cannot be weighed
    x0, y0, x1, y1 = (float(v) for v in extent)
    share = features / max((x1 - x0) * (y1 - y0), 1e-9)  # features per unit of area
    # the clusters :func:`_read_clusters` would read: the outlines' boxes grown, gathered
    boxes = shapely.bounds(outlines) + np.array([-distance, -distance, distance, distance])
    gap = _cluster_gap(native_crs)
    reads = 0.0
    for members in _clusters(shapely.box(*boxes.T), gap):
        tested = share * _area_within(_enclosing(boxes[members]), extent)
        reads += GDAL_OPEN_S + tested * GDAL_MASK_TEST_S * (1 + np.log2(len(members)))
    boxed = share * _area_within(_enclosing(boxes), extent) * GDAL_BOUNDS_S
    return bool(2 * GDAL_OPEN_S + boxed < reads)


def _enclosing(boxes: np.ndarray) -> np.ndarray:
    """The box around all ``boxes`` (rows ``xmin, ymin, xmax, ymax``)."""
    return np.concatenate([boxes[:, :2].min(axis=0), boxes[:, 2:].max(axis=0)])


def _area_within(box: np.ndarray, extent: Any) -> float:
    """The area of ``box`` inside ``extent``."""
    width = min(box[2], extent[2]) - max(box[0], extent[0])
    height = min(box[3], extent[3]) - max(box[1], extent[1])
    return float(max(width, 0.0) * max(height, 0.0))


def _read_by_feature_bounds(
    source: LayerSource,
    layer: str | None,
    targets: np.ndarray,
    outlines: np.ndarray,
    distance: float,
    columns: list[str] | None,
) -> gpd.GeoDataFrame:
    """The features near the sites: every feature's box in their extent read, then by id.

    ``targets`` are the boxes that hug the sites, grown by ``distance``
    (:func:`~landcheck.boxcover.covering_boxes`).
    """
    fids, boxes = read_bounds(source, layer, tuple(float(v) for v in _enclosing(targets)))
    candidates = np.sort(fids[boxes_meeting(boxes, targets)])
    return _read_candidates(source, layer, candidates, outlines, distance, columns)


def _read_by_box_queries(
    source: LayerSource,
    layer: str | None,
    targets: np.ndarray,
    outlines: np.ndarray,
    distance: float,
    columns: list[str] | None,
    info: dict[str, Any],
) -> gpd.GeoDataFrame | None:
    """The features near the sites: the ids the layer's index finds near their boxes, then by id.

    ``targets`` are the boxes that hug the sites
    (:func:`~landcheck.boxcover.covering_boxes`), grown by ``distance``; the
    layer is opened once for all of them
    (:func:`~landcheck.io.layer_ids.ids_meeting`) and once more to read the
    features by id. None, to read it otherwise, for a layer GDAL cannot read by
    id, and for one fiona cannot open.
    """
    if not info.get("capabilities", {}).get("random_read"):
        return None
    candidates = ids_meeting(source, layer, targets, [str(f) for f in info.get("fields", ())])
    if candidates is None:
        return None
    return _read_candidates(source, layer, candidates, outlines, distance, columns)


def _read_shapefile_records(
    source: LayerSource,
    layer: str | None,
    targets: np.ndarray,
    outlines: np.ndarray,
    distance: float,
    columns: list[str] | None,
) -> gpd.GeoDataFrame | None:
    """A shapefile's features near the sites by its record boxes, read by id in one open.

    ``targets`` are the boxes that hug the sites, grown by ``distance``
    (:func:`~landcheck.boxcover.covering_boxes`).

    None when its parts cannot be read so (zipped, no ``.shx``, not as the
    specification says: :mod:`landcheck.io.shapefile_boxes`); GDAL's reads then
    decide. A batch spread over a province asked GDAL once per cluster of sites
    (345 at 1,000 sites: 7 s for a 1,000,000-record layer with its ``.qix``, 14 s
    without, where its GeoPackage takes 0.6 s).
    """
    boxes = record_boxes(source.path, keep=_KEEP.get())
    if boxes is None:
        return None
    candidates = boxes_meeting(boxes, targets)
    del boxes
    deleted = deleted_records(source.path, candidates)
    if deleted is None:
        return None
    return _read_candidates(source, layer, candidates[~deleted], outlines, distance, columns)


def _read_candidates(
    source: LayerSource,
    layer: str | None,
    candidates: np.ndarray,
    outlines: np.ndarray,
    distance: float,
    columns: list[str] | None,
) -> gpd.GeoDataFrame:
    """The features ``candidates`` (ascending ids) read in one call, those near the sites kept."""
    if not len(candidates):
        frame = _no_features(source, layer, columns)
    else:
        frame = read_frame(source, layer, fids=candidates, columns=columns, fid_as_index=True)
    return _within(frame, outlines, distance)


def _within(frame: gpd.GeoDataFrame, outlines: np.ndarray, distance: float) -> gpd.GeoDataFrame:
    """Keep the features within ``distance`` of any outline (exact, unlike a grown mask).

    ``frame`` itself when every feature is (often, near one site): no copy of it.
    """
    geoms = np.asarray(geometry_values(frame), dtype=object)
    positions = near_positions(geoms, outlines, distance)
    return frame if len(positions) == len(frame) else rows_taken(frame, positions)


def _fast_spatial_filter(source: LayerSource, layer: str | None, info: dict[str, Any]) -> bool:
    """Whether GDAL reads the layer's features in a box through a spatial index.

    A GeoPackage layer gets here without its R-tree; another format says so in
    its capabilities (a shapefile without .qix or .sbn, GeoJSON: no index).
    """
    if layer is not None and gpkg_layer(source.path, layer) is not None:
        return False
    capabilities = info.get("capabilities")
    if capabilities is None:
        capabilities = read_layer_info(source, layer).get("capabilities", {})
    return bool(capabilities.get("fast_spatial_filter", False))


UNINDEXED_CHUNK = 100_000
"""Features read at a time from a layer without a spatial index (:func:`_read_clusters`)."""

UNINDEXED_NOTED_FROM = 100_000
"""A layer without a spatial index of this many features or more is said to have none: its
whole read takes seconds, and creating an index spares them at every check."""


_READ_IN_ONE_PASS = frozenset({"GeoJSON", "GeoJSONSeq", "KML", "LIBKML", "GML", "OpenFileGDB"})
"""Drivers whose layers without an index are read in one pass of GDAL's Arrow stream: their
text is UTF-8 by definition, and a read from a feature's position opens the file again and
reads every feature before it (a GeoJSON file is parsed whole at each open: its 200,000
features near 1,000 sites took 20.5 s in chunks). A GeoPackage or a shapefile reaches a
feature by its position, and keeps the encoding its read chose. Not a FlatGeobuf: GDAL
3.12's Arrow stream of one without an index hands a missing geometry over as empty bytes,
and garbles the offsets of the others after it (a read of its features one by one does not)."""


def _read_unindexed(
    source: LayerSource,
    layer: str | None,
    outlines: np.ndarray,
    distance: float,
    columns: list[str] | None,
    targets: np.ndarray,
    driver: str | None,
) -> gpd.GeoDataFrame:
    """The features near the sites, the whole layer read a chunk at a time (no spatial index)."""
    if driver in _READ_IN_ONE_PASS:
        chunks = read_batches(source, layer, columns, UNINDEXED_CHUNK)
    else:
        chunks = _chunks_by_position(source, layer, columns)
    kept = []
    for chunk in chunks:
        near = boxes_meeting(shapely.bounds(geometry_values(chunk)), targets)
        kept.append(_within(rows_taken(chunk, near), outlines, distance))
        del chunk, near
        # a frame read holds reference cycles, and a check pauses the collector: without
        # this, every chunk stayed (the survey's million parcels: a peak of 1.6 GB, now 0.5)
        gc.collect(0)
    if not kept:  # a stream of a layer without features yields no batch
        return _no_features(source, layer, columns)
    return kept[0] if len(kept) == 1 else gpd.pd.concat(kept)


def _chunks_by_position(
    source: LayerSource, layer: str | None, columns: list[str] | None
) -> Iterator[gpd.GeoDataFrame]:
    """The layer's features, :data:`UNINDEXED_CHUNK` at a time, each read from its position.

    A feature read already (a chunk starting early) is left out of the next. A chunk is
    handed over without a name left on it here, so the caller's collection frees it before
    the next is read.
    """
    start, count = 0, UNINDEXED_CHUNK
    seen = np.zeros(0, dtype=np.int64)
    while count == UNINDEXED_CHUNK:
        read = [
            read_frame(
                source,
                layer,
                columns=columns,
                skip_features=start,
                max_features=UNINDEXED_CHUNK,
                fid_as_index=True,
            )
        ]
        count = len(read[0])
        start += count
        # a shapefile's position counts the records the .dbf marks deleted, which a read
        # leaves out: the next chunk then starts that many features early
        fids = read[0].index.to_numpy(dtype=np.int64)
        again = np.isin(fids, seen)
        seen = np.union1d(seen, fids)
        if again.any():
            read[0] = read[0][~again]
        yield read.pop()


def _read_clusters(
    source: LayerSource,
    layer: str | None,
    outlines: np.ndarray,
    distance: float,
    columns: list[str] | None,
    native_crs: CRS,
    indexed: bool = True,
    driver: str | None = None,
) -> gpd.GeoDataFrame:
    """One ``mask=`` read per cluster of nearby sites; features caught twice are kept once.

    Without a spatial index (``indexed`` False) every read scans the whole
    layer, and GDAL tests each feature against a mask slowly: the layer is read
    once instead, :data:`UNINDEXED_CHUNK` features at a time, each chunk's
    features near the sites kept (their boxes against the masks' boxes, then the
    exact filter): a GeoPackage without its R-tree, 200,000 features, 1,000 sites
    in 345 clusters took 14.6 s, now 2 s; its memory is a chunk and what is kept.
    """
    mask = _grown(outlines, distance)
    if not indexed:
        targets = shapely.bounds(mask)
        return _read_unindexed(source, layer, outlines, distance, columns, targets, driver)
    gap = _cluster_gap(native_crs)
    frames = []
    for members in _clusters(mask, gap):
        cluster_mask = shapely.union_all(mask[members])
        frames.append(
            read_frame(source, layer, columns=columns, mask=cluster_mask, fid_as_index=True)
        )
    frame = frames[0] if len(frames) == 1 else gpd.pd.concat(frames)
    return _within(frame[~frame.index.duplicated(keep="first")], outlines, distance)
