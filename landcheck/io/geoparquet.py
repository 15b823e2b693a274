"""GeoParquet files (``.parquet``, ``.geoparquet``) read with pyarrow, not GDAL.

The GDAL inside pyogrio's wheels has no Parquet driver, so a GeoParquet layer is
read here and handed to :mod:`landcheck.io.vector` in pyogrio's shapes (layer
info, frames indexed by feature id). A file written with a *covering bbox*
column (GeoParquet 1.1 ``covering.bbox``; geopandas ``to_parquet(...,
write_covering_bbox=True)``, GDAL ``-lco WRITE_COVERING_BBOX=YES``) is filtered
on that column: only its four numbers per feature are read to find the
features near the sites, then only the row groups that hold them. Without it
the geometry column is read whole to get the boxes (a warning-free but slower
path), which is why the covering bbox is the recommended way to store
province-sized layers.

A feature's id is its row number in the file (from 0), so reads of different
sites agree on ids. Geometries must be WKB-encoded (what geopandas, GDAL and
DuckDB write); a native GeoArrow encoding is refused with a message.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from landcheck.errors import DataSourceError
from landcheck.io.records import file_version

__all__ = [
    "EXTENSIONS",
    "feature_boxes",
    "forget_boxes",
    "is_geoparquet",
    "layer_info",
    "read_frame",
]

EXTENSIONS = (".parquet", ".geoparquet")
"""File name endings read as GeoParquet."""

DRIVER = "GeoParquet"


def is_geoparquet(path: str) -> bool:
    """Whether ``path`` names a GeoParquet file (by its ending).

    Examples
    --------
    >>> is_geoparquet("layers/farmland.parquet"), is_geoparquet("farmland.gpkg")
    (True, False)
    """
    return os.fspath(path).lower().endswith(EXTENSIONS)


def _pyarrow() -> Any:
    import pyarrow.parquet as pq

    return pq


@lru_cache(maxsize=64)
def _meta(version: tuple[str, int, int]) -> dict[str, Any]:
    """The file's GeoParquet metadata and layout, once per file version."""
    pq = _pyarrow()
    path = version[0]
    try:
        handle = pq.ParquetFile(path)
    except Exception as ex:  # pyarrow raises ArrowInvalid, OSError…
        raise DataSourceError(f"cannot read {path!r} as Parquet: {ex}") from None
    raw = (handle.schema_arrow.metadata or {}).get(b"geo")
    if raw is None:
        raise DataSourceError(
            f"{path!r} is Parquet without GeoParquet metadata (no 'geo' key): it holds no "
            "geometry landcheck can read; write it with geopandas to_parquet or GDAL"
        )
    geo = json.loads(raw)
    primary = geo.get("primary_column")
    column = geo.get("columns", {}).get(primary)
    if column is None:
        raise DataSourceError(f"{path!r}: its GeoParquet metadata names no geometry column")
    if column.get("encoding", "WKB").upper() != "WKB":
        raise DataSourceError(
            f"{path!r}: geometries encoded as {column['encoding']!r}; landcheck reads WKB "
            "GeoParquet (geopandas to_parquet(..., geometry_encoding='WKB'))"
        )
    covering = column.get("covering", {}).get("bbox")
    pandas = json.loads((handle.schema_arrow.metadata or {}).get(b"pandas", b"{}"))
    index = {n for n in pandas.get("index_columns", []) if isinstance(n, str)}
    names = [str(n) for n in handle.schema_arrow.names if n not in index]
    bbox = covering["xmin"][0] if covering else None
    sizes = [handle.metadata.row_group(i).num_rows for i in range(handle.num_row_groups)]
    crs = column["crs"] if "crs" in column else "OGC:CRS84"  # the specification's default
    return {
        "geometry": primary,
        "covering": {k: tuple(v) for k, v in covering.items()} if covering else None,
        "fields": [n for n in names if n != bbox and n not in geo["columns"]],
        "types": column.get("geometry_types", []),
        "crs": None if crs is None else CRS.from_user_input(crs),
        "bbox": column.get("bbox"),
        "starts": np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64),
        "rows": int(handle.metadata.num_rows),
    }


def _read_boxes(version: tuple[str, int, int]) -> np.ndarray:
    """Every feature's (xmin, ymin, xmax, ymax): from the covering bbox, else the geometry."""
    pq = _pyarrow()
    meta = _meta(version)
    if meta["covering"] is not None:
        struct = meta["covering"]["xmin"][0]
        table = pq.read_table(version[0], columns=[struct])
        parts = table.column(struct).combine_chunks()
        names = [meta["covering"][k][1] for k in ("xmin", "ymin", "xmax", "ymax")]
        return np.column_stack(
            [parts.field(n).to_numpy(zero_copy_only=False) for n in names]
        ).astype(float)
    table = pq.read_table(version[0], columns=[meta["geometry"]])
    geoms = shapely.from_wkb(table.column(meta["geometry"]).to_numpy(zero_copy_only=False))
    return shapely.bounds(geoms)


_boxes = lru_cache(maxsize=16)(_read_boxes)
""":func:`_read_boxes` once per file version (30 MB for a million features)."""


def feature_boxes(path: str, *, keep: bool = True) -> np.ndarray:
    """Every feature's ``(xmin, ymin, xmax, ymax)`` in row order, once per file version.

    From the covering bbox column when the file has one (four numbers a
    feature), else from the geometry column. Rows of a feature without a box
    (no geometry) are NaN. With ``keep=False`` (a one-off read) they are read
    for this call alone and not kept for later reads.
    """
    version = file_version(path)
    return _boxes(version) if keep else _read_boxes(version)


def forget_boxes() -> None:
    """Forget the feature boxes kept for later reads (:func:`feature_boxes`)."""
    _boxes.cache_clear()


def layer_info(path: str) -> dict[str, Any]:
    """pyogrio-like layer info: crs, fields, features, total_bounds, geometry_type, driver."""
    meta = _meta(file_version(path))
    bounds = meta["bbox"]
    if bounds is None or len(bounds) != 4:
        boxes = _boxes(file_version(path))
        usable = boxes[np.isfinite(boxes).all(axis=1)]
        bounds = (
            [usable[:, 0].min(), usable[:, 1].min(), usable[:, 2].max(), usable[:, 3].max()]
            if len(usable)
            else None
        )
    types = meta["types"]
    return {
        "layer_name": os.path.splitext(os.path.basename(path))[0],
        "crs": None if meta["crs"] is None else meta["crs"].to_wkt(),
        "encoding": "UTF-8",
        "fields": np.asarray(meta["fields"], dtype=object),
        "geometry_type": types[0] if len(types) == 1 else ("Unknown" if types else None),
        "features": meta["rows"],
        "total_bounds": None if bounds is None else tuple(float(v) for v in bounds),
        "driver": DRIVER,
        "covering_bbox": meta["covering"] is not None,
    }


_READ_ROWS = 10_000
"""Rows of whole row groups decoded per pyarrow call (bounds the memory of a read).

Consecutive row groups smaller than this are read together; a larger one is read alone.
At 10,000 sites against the province benchmark's GeoParquet copies (row groups of
10,000 rows) a check peaked at 641-672 MB and took 9.7-10.0 s, against 824-844 MB and
10.4-10.6 s with 200,000 rows a call: decoding fewer groups at once leaves less to
allocate and free.

A call decodes in the calling thread (``use_threads=False``): on pyarrow's threads, with
the C heap as its pool (the ``landcheck`` command's), each thread's buffers came from its
own heap and what they freed stayed there. The 10,000-site command on those copies peaked
at 546-561 MB instead of 613-633 MB (four pairs), no slower (14.1-14.9 s against
14.3-17.2 s); ``check(…, keep_geometry=False)`` at 575-607 MB instead of 618-625 MB.
Ten groups of land_use a call decode as fast in one thread: 1.07-1.09 s against
1.27-1.62 s for a hundred."""


def _rows(
    path: str, rows: np.ndarray, columns: list[str], geometry: str
) -> tuple[pd.DataFrame, np.ndarray]:
    """The given rows (ascending): ``columns`` as a frame, and their geometries.

    Only the row groups holding the rows are read. Consecutive row groups are
    decoded together up to about :data:`_READ_ROWS` rows a call, in this
    thread, and only the rows asked for are converted. Each call's WKB is
    made geometries at once: its bytes objects, half a kilobyte each, are
    freed before the next call's are made, so they reuse the same memory
    instead of leaving the whole read's scattered behind (``read_frame`` of
    land_use's rows near 10,000 sites, dropped, left 50 MB in the process;
    now 17-41 MB).
    """
    pq = _pyarrow()
    version = file_version(path)
    starts = _meta(version)["starts"]
    handle = pq.ParquetFile(path)
    groups = np.searchsorted(starts, rows, side="right") - 1
    wanted = np.unique(groups)
    if not len(wanted):
        empty = handle.schema_arrow.empty_table().select(columns).to_pandas()
        return empty, np.empty(0, dtype=object)
    sizes = starts[wanted + 1] - starts[wanted]
    batch = np.cumsum(sizes) // _READ_ROWS  # consecutive wanted groups, ~_READ_ROWS rows each
    parts, shapes = [], []
    for number in np.unique(batch):
        chosen = wanted[batch == number]
        offsets = np.concatenate([[0], np.cumsum(starts[chosen + 1] - starts[chosen])[:-1]])
        mine = np.isin(groups, chosen)
        local = rows[mine] - starts[groups[mine]] + offsets[np.searchsorted(chosen, groups[mine])]
        table = handle.read_row_groups(
            chosen.tolist(), columns=[*columns, geometry], use_threads=False
        ).take(local)
        shapes.append(shapely.from_wkb(table.column(geometry).to_numpy(zero_copy_only=False)))
        parts.append(table.drop_columns([geometry]).to_pandas())
    frame = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
    return frame, np.concatenate(shapes)


def read_frame(
    path: str,
    *,
    columns: list[str] | None = None,
    mask: Any = None,
    bbox: tuple[float, float, float, float] | None = None,
    fids: Any = None,
    max_features: int | None = None,
    fid_as_index: bool = False,
    **_: Any,
) -> gpd.GeoDataFrame:
    """Read features like ``pyogrio.read_dataframe`` does for the arguments landcheck uses.

    ``mask`` (a geometry) and ``bbox`` keep the features whose geometry meets
    them, found first by the covering bbox; ``fids`` are row numbers;
    ``fid_as_index`` indexes the frame by them.
    """
    version = file_version(path)
    meta = _meta(version)
    rows = np.arange(meta["rows"], dtype=np.int64)
    if fids is not None:
        rows = np.unique(np.asarray(fids, dtype=np.int64))
        rows = rows[(rows >= 0) & (rows < meta["rows"])]
    area = mask if mask is not None else (shapely.box(*bbox) if bbox is not None else None)
    if area is not None:
        xmin, ymin, xmax, ymax = shapely.bounds(area)
        boxes = _boxes(version)[rows]
        meets = (
            (boxes[:, 2] >= xmin)
            & (boxes[:, 0] <= xmax)
            & (boxes[:, 3] >= ymin)
            & (boxes[:, 1] <= ymax)
        )
        rows = rows[meets]
    if max_features is not None:
        rows = rows[:max_features]
    fields = meta["fields"] if columns is None else [c for c in columns if c in meta["fields"]]
    frame, geoms = _rows(path, rows, fields, meta["geometry"])
    if area is not None and len(rows):
        keep = shapely.intersects(geoms, area)
        frame, geoms, rows = frame[keep], geoms[keep], rows[keep]
    index = pd.Index(rows, name="fid") if fid_as_index else pd.RangeIndex(len(rows))
    frame.index = index
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, index=index), crs=meta["crs"])
