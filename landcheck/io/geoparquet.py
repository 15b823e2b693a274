"""GeoParquet files (``.parquet``, ``.geoparquet``) read with pyarrow, not GDAL.

The GDAL inside pyogrio's wheels has no Parquet driver, so a GeoParquet layer is
read here and handed to :mod:`landcheck.io.vector` in pyogrio's shapes (layer
info, frames indexed by feature id). A file written with a *covering bbox*
column (GeoParquet 1.1 ``covering.bbox``; geopandas ``to_parquet(...,
write_covering_bbox=True)``, GDAL ``-lco WRITE_COVERING_BBOX=YES``) is filtered
on that column: only its four numbers per feature are read to find the
features near the sites, and only in the row groups whose box (the minimum
and maximum of those columns, which Parquet writers store for each row group)
meets a site's; then only the row groups that hold them are decoded. Without it
the geometry column is read whole to get the boxes (a warning-free but slower
path), which is why a GeoParquet layer should have a covering bbox.

A feature's id is its row number in the file (from 0), so reads of different
sites agree on ids. Geometries must be WKB-encoded (what geopandas, GDAL and
DuckDB write); a native GeoArrow encoding is refused with a message. The fields
are what ``geopandas.read_parquet`` gives: a frame's named index (written from
``set_index("BSM")``) is a field, as it is in a GeoPackage; an unnamed one
(``__index_level_0__``) is not; text stored as Arrow string views reads as text.
A covering bbox the metadata declares but the columns do not hold is left aside.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections import OrderedDict
from functools import lru_cache
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from landcheck.errors import DataSourceError
from landcheck.io.records import FileVersion, file_version
from landcheck.io.wkb import refusing_unreadable

__all__ = [
    "EXTENSIONS",
    "boxes_near",
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


def _pyarrow_module() -> Any:
    """``pyarrow``, imported when a GeoParquet file is first read."""
    import pyarrow

    return pyarrow


@lru_cache(maxsize=64)
def _meta(version: FileVersion) -> dict[str, Any]:
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
    covering = _covering(handle.schema_arrow, column)
    pandas = json.loads((handle.schema_arrow.metadata or {}).get(b"pandas", b"{}"))
    index = {n for n in pandas.get("index_columns", []) if _UNNAMED_INDEX.fullmatch(str(n))}
    names = [str(n) for n in handle.schema_arrow.names if n not in index]
    bbox = covering["xmin"][0] if covering else None
    sizes = [handle.metadata.row_group(i).num_rows for i in range(handle.num_row_groups)]
    crs = column["crs"] if "crs" in column else "OGC:CRS84"  # the specification's default
    return {
        "geometry": primary,
        "covering": covering,
        "fields": [n for n in names if n != bbox and n not in geo["columns"]],
        "types": column.get("geometry_types", []),
        "crs": None if crs is None else CRS.from_user_input(crs),
        "bbox": column.get("bbox"),
        "starts": np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64),
        "rows": int(handle.metadata.num_rows),
        "group_boxes": _group_boxes(handle.metadata, covering),
    }


_UNNAMED_INDEX = re.compile(r"__index_level_\d+__")
"""How pandas names the column of an index without a name: its row labels, not data."""

_BOX_KEYS = ("xmin", "ymin", "xmax", "ymax")


def _covering(schema: Any, column: dict[str, Any]) -> dict[str, tuple[str, str]] | None:
    """The geometry column's covering bbox (key → (struct, field)), or None without a usable one.

    One is used only as GeoParquet 1.1 describes it: four fields of one struct
    column of the file, each a number. A covering the file's metadata declares
    but its columns do not hold (a file rewritten with fewer columns keeps the
    old metadata) is left aside: the boxes then come from the geometries.

    Examples
    --------
    >>> import pyarrow as pa
    >>> box = pa.struct([(k, pa.float64()) for k in _BOX_KEYS])
    >>> declared = {"covering": {"bbox": {k: ["bbox", k] for k in _BOX_KEYS}}}
    >>> _covering(pa.schema([("bbox", box)]), declared)["ymax"]
    ('bbox', 'ymax')
    >>> _covering(pa.schema([("geometry", pa.binary())]), declared) is None
    True
    """
    declared = column.get("covering", {}).get("bbox")
    if not isinstance(declared, dict):
        return None
    paths = [declared.get(key) for key in _BOX_KEYS]
    if not all(isinstance(p, list) and len(p) == 2 for p in paths):
        return None
    struct = paths[0][0]
    if any(p[0] != struct for p in paths) or struct not in schema.names:
        return None
    kind = schema.field(struct).type
    if not _pyarrow_module().types.is_struct(kind):
        return None
    fields = {kind.field(i).name: kind.field(i).type for i in range(kind.num_fields)}
    if not all(p[1] in fields and _pyarrow_module().types.is_floating(fields[p[1]]) for p in paths):
        return None
    return {key: (str(p[0]), str(p[1])) for key, p in zip(_BOX_KEYS, paths, strict=True)}


def _group_boxes(metadata: Any, covering: dict[str, tuple[str, ...]] | None) -> np.ndarray:
    """Each row group's box: the statistics of its covering bbox columns.

    The least ``xmin`` and ``ymin`` and the greatest ``xmax`` and ``ymax`` of
    the group's features, as the writer stored them (pyarrow does by default);
    trusted as the covering bbox column itself is. A group without those
    statistics, or with one that is not a number, gets a box reaching
    infinity (it meets every site: its features' own boxes are read); so does
    every group of a file without a covering bbox.
    """
    boxes = np.tile([-np.inf, -np.inf, np.inf, np.inf], (metadata.num_row_groups, 1))
    if covering is None or not metadata.num_row_groups:
        return boxes
    first = metadata.row_group(0)
    where = {first.column(i).path_in_schema: i for i in range(first.num_columns)}
    paths = [".".join(covering[k]) for k in ("xmin", "ymin", "xmax", "ymax")]
    if any(path not in where for path in paths):
        return boxes
    for number in range(metadata.num_row_groups):
        group, box = metadata.row_group(number), []
        for path, least in zip(paths, (True, True, False, False), strict=True):
            stats = group.column(where[path]).statistics
            value = None
            if stats is not None and stats.has_min_max:
                value = stats.min if least else stats.max
            box.append(value if isinstance(value, float) and np.isfinite(value) else None)
        if None not in box:
            boxes[number] = box
    return boxes


def _read_group_boxes(version: FileVersion, groups: np.ndarray) -> np.ndarray:
    """The boxes ``(xmin, ymin, xmax, ymax)`` of the features of ``groups``, in row order.

    From the covering bbox when the file has one (four numbers a feature), else
    from the geometry column. A feature without a box (no geometry) is NaN.
    """
    pq = _pyarrow()
    meta = _meta(version)
    if not len(groups):
        return np.empty((0, 4))
    handle = pq.ParquetFile(version[0])
    if meta["covering"] is not None:
        struct = meta["covering"]["xmin"][0]
        table = handle.read_row_groups(groups.tolist(), columns=[struct], use_threads=False)
        parts = table.column(struct).combine_chunks()
        names = [meta["covering"][k][1] for k in ("xmin", "ymin", "xmax", "ymax")]
        return np.column_stack(
            [parts.field(n).to_numpy(zero_copy_only=False) for n in names]
        ).astype(float)
    table = handle.read_row_groups(groups.tolist(), columns=[meta["geometry"]])
    with refusing_unreadable(version[0]):
        geoms = shapely.from_wkb(table.column(meta["geometry"]).to_numpy(zero_copy_only=False))
    return shapely.bounds(geoms)


class _KeptBoxes:
    """Features' boxes read so far, per file version: the last 16 files', group by group."""

    def __init__(self, files: int) -> None:
        self.files = files
        self.kept: OrderedDict[FileVersion, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self.lock = threading.Lock()

    def boxes(self, version: FileVersion, groups: np.ndarray) -> np.ndarray:
        """The boxes of the features of ``groups``, in row order, read once per version."""
        meta = _meta(version)
        starts = meta["starts"]
        with self.lock:
            if version not in self.kept:
                # pages never written take no memory: a one-site read fills a group or two
                self.kept[version] = (
                    np.empty((meta["rows"], 4)),
                    np.zeros(len(starts) - 1, dtype=bool),
                )
                while len(self.kept) > self.files:
                    self.kept.popitem(last=False)
            self.kept.move_to_end(version)
            boxes, read = self.kept[version]
            missing = groups[~read[groups]]
            if len(missing):
                boxes[_group_rows(starts, missing)] = _read_group_boxes(version, missing)
                read[missing] = True
        return boxes[_group_rows(starts, groups)]

    def clear(self) -> None:
        with self.lock:
            self.kept.clear()


_KEPT = _KeptBoxes(16)
"""The features' boxes kept for later reads (30 MB for a million features)."""


def _every_box(version: FileVersion) -> np.ndarray:
    """Every feature's box, in row order, kept for later reads."""
    return _KEPT.boxes(version, np.arange(len(_meta(version)["starts"]) - 1, dtype=np.int64))


def _group_rows(starts: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """The row numbers of ``groups`` (ascending groups), in order."""
    if not len(groups):
        return np.zeros(0, dtype=np.int64)
    sizes = starts[groups + 1] - starts[groups]
    firsts = np.repeat(starts[groups] - np.concatenate([[0], np.cumsum(sizes)[:-1]]), sizes)
    return firsts + np.arange(int(sizes.sum()), dtype=np.int64)


def _groups_meeting(group_boxes: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """The row groups (ascending) whose box meets a target box, edges included."""
    targets = targets[np.isfinite(targets).all(axis=1)]
    if not len(targets) or not len(group_boxes):
        return np.zeros(0, dtype=np.int64)
    endless = ~np.isfinite(group_boxes).all(axis=1)
    finite = np.flatnonzero(~endless)
    # envelopes alone: a group of points has a flat box, which is no polygon to intersect
    tree = shapely.STRtree(shapely.box(*targets.T))
    found = tree.query(shapely.box(*group_boxes[finite].T))[0]
    return np.union1d(finite[np.unique(found)], np.flatnonzero(endless)).astype(np.int64)


def boxes_near(
    path: str, targets: np.ndarray, *, keep: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """The row numbers and boxes of the features whose row group's box meets a target box.

    ``targets`` are ``(xmin, ymin, xmax, ymax)`` rows in the file's CRS. Only
    the row groups whose box (their covering bbox columns' statistics:
    :func:`_group_boxes`) meets a target are read: one site against a
    province's million parcels reads a few of its hundred groups. The boxes
    read are kept per file version for later reads; with ``keep=False`` (a
    one-off read) they are read for this call alone.
    """
    version = file_version(path)
    meta = _meta(version)
    groups = _groups_meeting(meta["group_boxes"], np.asarray(targets, dtype=float))
    rows = _group_rows(meta["starts"], groups)
    boxes = _KEPT.boxes(version, groups) if keep else _read_group_boxes(version, groups)
    return rows, boxes


def forget_boxes() -> None:
    """Forget the feature boxes kept for later reads (:func:`boxes_near`)."""
    _KEPT.clear()


def layer_info(path: str) -> dict[str, Any]:
    """pyogrio-like layer info: crs, fields, features, total_bounds, geometry_type, driver."""
    meta = _meta(file_version(path))
    bounds = meta["bbox"]
    if bounds is None or len(bounds) != 4:
        boxes = _every_box(file_version(path))
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
    handle = pq.ParquetFile(version[0])  # absolute: pyarrow reads "s3:…" as a URI
    groups = np.searchsorted(starts, rows, side="right") - 1
    wanted = np.unique(groups)
    if not len(wanted):
        empty = _fields_frame(handle.schema_arrow.empty_table().select(columns), columns)
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
        )
        try:
            table = _without_views(table).take(local)
        except _pyarrow_module().ArrowNotImplementedError as ex:
            raise DataSourceError(
                f"cannot read the fields of {path!r} ({ex}); write it again with geopandas "
                "to_parquet, or read only the fields the profile names"
            ) from None
        shapes.append(shapely.from_wkb(table.column(geometry).to_numpy(zero_copy_only=False)))
        parts.append(_fields_frame(table.drop_columns([geometry]), columns))
    frame = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
    return frame, np.concatenate(shapes)


def _fields_frame(table: Any, columns: list[str]) -> pd.DataFrame:
    """``table``'s ``columns`` as pandas reads them, a frame's named index among them kept a column.

    pandas' metadata makes a named index the frame's index again (a frame written with
    ``set_index("BSM")``): its values are a field of the layer, as they are in a GeoPackage.
    """
    frame = table.to_pandas()
    if set(frame.index.names) & set(columns):
        frame = frame.reset_index()[columns]
    return frame


def _without_views(table: Any) -> Any:
    """``table`` with its ``string_view`` and ``binary_view`` values in the plain large types.

    pyarrow takes no rows of a view column ("no kernel matching input types"),
    while geopandas reads a file holding one: its values are kept, and pandas
    receives them as the same Python values.
    """
    schema = table.schema
    plain = _pyarrow_module().schema(
        [field.with_type(_viewless(field.type)) for field in schema], metadata=schema.metadata
    )
    return table if plain.equals(schema) else table.cast(plain)


def _viewless(kind: Any) -> Any:
    """The Arrow type ``kind``, its string and binary views (nested ones too) made large types."""
    pa = _pyarrow_module()
    types = pa.types
    if types.is_string_view(kind):
        return pa.large_string()
    if types.is_binary_view(kind):
        return pa.large_binary()
    if types.is_large_list(kind):
        return pa.large_list(kind.value_field.with_type(_viewless(kind.value_type)))
    if types.is_list(kind):
        return pa.list_(kind.value_field.with_type(_viewless(kind.value_type)))
    if types.is_fixed_size_list(kind):
        return pa.list_(kind.value_field.with_type(_viewless(kind.value_type)), kind.list_size)
    if types.is_map(kind):
        item = kind.item_field.with_type(_viewless(kind.item_type))
        return pa.map_(_viewless(kind.key_type), item)
    if types.is_struct(kind):
        return pa.struct(
            [kind.field(i).with_type(_viewless(kind.field(i).type)) for i in range(kind.num_fields)]
        )
    return kind


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
        boxes = _every_box(version)[rows]
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
