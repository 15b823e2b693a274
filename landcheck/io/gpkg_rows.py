"""GeoPackage features by id, read with sqlite3: the filtered reads' own reader.

A filtered read asks a GeoPackage for a few features (one site: a handful; a
province's batch: tens of thousands) by feature id. GDAL answers in about
15 ms a call whatever the count (opening the dataset, the layer's definition);
SQLite answers a handful in well under a millisecond, on the connection that
searched the R-tree (for thousands GDAL is faster per feature: see
:mod:`landcheck.io.filtered`). The frame is what pyogrio reads through Arrow, value for
value and type for type: fields in the layer's order, ``TEXT`` as ``str``,
``INTEGER`` as int64 (float64 with NaN when a value is missing), ``REAL`` and
``DOUBLE`` as float64, ``FLOAT`` as float32 (GDAL's 32-bit real: each stored double
rounded to the nearest float32, as GDAL rounds it), the feature id as the index
``fid``, the geometry from the standard GeoPackage binary's WKB.

Anything else — another field type, geometries with M values, an extended or
empty geometry blob, a value whose storage class its field does not declare,
text holding a NUL character (where GDAL's text ends) — returns None, and the
caller reads with pyogrio as before.
"""

from __future__ import annotations

import os
import pathlib
import sqlite3
import threading
from collections import OrderedDict
from contextlib import closing
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS

from landcheck.geometry import geo_frame, text_array
from landcheck.io.paths import absolute_path
from landcheck.io.records import file_version
from landcheck.io.wkb import geometries_from_wkb
from landcheck.text import only_str

__all__ = [
    "GpkgLayer",
    "connection",
    "forget_layers",
    "gpkg_layer",
    "open_read_only",
    "read_all_rows",
    "read_rows",
    "undecodable_text",
]

_TEXT, _INTEGER, _REAL, _FLOAT32 = "text", "integer", "real", "float32"

_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}
"""Size of the envelope after the 8-byte header, by the envelope indicator (flags bits 1–3)."""

_ID_CHUNK = 50_000
"""Feature ids per statement (literal integers in ``IN (...)``)."""


@dataclass(frozen=True)
class GpkgLayer:
    """What reading a GeoPackage table by feature id needs, found once per file version."""

    table: str
    geometry: str
    fid: str
    rtree: str | None
    fields: tuple[tuple[str, str], ...]
    """``(name, kind)`` of each attribute field in the table's order; kind is
    ``text``, ``integer`` or ``real``, or ``""`` for a type read by GDAL only."""
    readable: bool = True
    """False for geometries with M values (GDAL's handling of them is left to GDAL)."""


def _kind(declared: str) -> str:
    declared = (declared or "").strip().upper()
    if declared == "TEXT" or declared.startswith("TEXT("):
        return _TEXT
    if declared == "INTEGER":
        return _INTEGER
    if declared in ("REAL", "DOUBLE"):
        return _REAL
    if declared == "FLOAT":  # GDAL reads it as a 32-bit real (OFSTFloat32)
        return _FLOAT32
    return ""


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def open_read_only(path: str) -> closing[sqlite3.Connection]:
    """Open exactly the SQLite file ``path``, read-only; never creates a file.

    The path goes into a ``file:`` URI percent-encoded, so ``%41``, ``?`` and
    ``#`` in a file name are part of the name, not an escape, the query or a
    fragment (which would open another file, or create one read-write).
    """
    return closing(_connect_read_only(path))


def _connect_read_only(path: str) -> sqlite3.Connection:
    uri = pathlib.Path(absolute_path(path)).as_uri() + "?mode=ro"
    return sqlite3.connect(uri, uri=True)


_LOCAL = threading.local()
"""Each thread's open read-only connections: absolute path → (file version, connection)."""


def connection(path: str) -> sqlite3.Connection:
    """The calling thread's read-only connection to ``path``, opened once per file version.

    SQLite reads a file's schema on a connection's first statement (a few
    milliseconds for a GeoPackage); one connection serves every layer of the
    file, so a check of six layers reads it once. A changed file (size or
    mtime) gets a new connection; at most :data:`_OPEN_FILES` files stay open
    per thread, the least recently used is closed first.
    """
    version = file_version(path)
    opened = _LOCAL.__dict__.setdefault("connections", OrderedDict())
    known = opened.pop(version[0], None)
    if known is not None and known[0] == version:
        opened[version[0]] = known
        return known[1]
    if known is not None:
        known[1].close()
    con = _connect_read_only(path)
    opened[version[0]] = (version, con)
    while len(opened) > _OPEN_FILES:
        opened.popitem(last=False)[1][1].close()
    return con


_OPEN_FILES = 8
"""GeoPackages a thread keeps a connection to."""


def forget_layers() -> None:
    """Forget the layers found (:func:`gpkg_layer`) and close this thread's connections."""
    _LAYERS.clear()
    opened = _LOCAL.__dict__.get("connections", {})
    while opened:
        opened.popitem()[1][1].close()


def gpkg_layer(path: str, layer: str) -> GpkgLayer | None:
    """The table, columns and R-tree of a GeoPackage layer; None if it is not one.

    Cached per file version (:class:`~landcheck.io.records.FileVersion`).
    """
    if not path.lower().endswith(".gpkg") or not os.path.isfile(path):
        return None
    version = file_version(path)
    key = (version, layer)
    if key not in _LAYERS:
        _LAYERS[key] = _layer_of(connection(path), layer)
        while len(_LAYERS) > 256:
            _LAYERS.pop(next(iter(_LAYERS)))
    return _LAYERS[key]


_LAYERS: dict[tuple, GpkgLayer | None] = {}
"""What :func:`gpkg_layer` found, per (file version, layer)."""


def _layer_of(con: sqlite3.Connection, layer: str) -> GpkgLayer | None:
    try:
        row = con.execute(
            "SELECT table_name, column_name, m FROM gpkg_geometry_columns "
            "WHERE lower(table_name) = lower(?)",
            (layer,),
        ).fetchone()
        if row is None:
            return None
        table, geometry, measured = str(row[0]), str(row[1]), bool(row[2])
        # table_xinfo, not table_info: generated columns are fields too (GDAL reads them)
        columns = con.execute(f"PRAGMA table_xinfo({_quoted(table)})").fetchall()
        rtree = f"rtree_{table}_{geometry}"
        found = con.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (rtree,)
        ).fetchone()
    except sqlite3.Error:
        return None
    if any(c[6] == 1 for c in columns):  # a virtual table's hidden columns: GDAL's to read
        return None
    keys = [c for c in columns if c[5]]
    if len(keys) != 1 or str(keys[0][2]).upper() != "INTEGER":
        return None
    fid = str(keys[0][1])
    fields = tuple(
        (str(c[1]), _kind(str(c[2]))) for c in columns if str(c[1]) not in (fid, geometry)
    )
    if any(name.lower() == "geometry" for name, _ in fields):
        return None  # a field named like the frame's geometry: GDAL says which one it keeps
    return GpkgLayer(table, geometry, fid, rtree if found else None, fields, not measured)


def _wkb(blobs: list) -> list | None:
    """The WKB inside standard GeoPackage geometry blobs (None where the blob is NULL).

    Views of the blobs, not copies: a redline's blob is megabytes.
    """
    out = []
    for blob in blobs:
        if blob is None:
            out.append(None)
            continue
        if not isinstance(blob, bytes) or blob[:2] != b"GP" or len(blob) < 8 or blob[2] != 0:
            return None  # not a GeoPackage geometry of version 1 (0), which GDAL alone reads
        flags = blob[3]
        if flags & 0b110000:  # extended GeoPackage geometry, or the empty flag: GDAL's reading
            return None
        size = _ENVELOPE_BYTES.get((flags >> 1) & 0b111)
        if size is None:
            return None
        out.append(memoryview(blob)[8 + size :])
    return out


def _column(
    values: list, kind: str, exact_integers: bool = False
) -> pd.api.extensions.ExtensionArray | np.ndarray | None:
    """One field's values as pyogrio's Arrow read gives them, or None when it would differ.

    With ``exact_integers``, an integer field with a missing value is pandas' ``Int64``
    instead of float64 (which holds integers exactly only up to 2^53).
    """
    present = [v for v in values if v is not None]
    if kind == _TEXT:
        if not only_str(present) or any("\0" in v for v in present):
            return None  # GDAL's text ends at a NUL (a C string): GDAL reads such a row
        return text_array(values)
    if kind == _INTEGER:
        if not all(type(v) is int for v in present):
            return None
        if len(present) == len(values):
            return np.asarray(values, dtype=np.int64)
        if exact_integers:
            return pd.array(values, dtype="Int64")
        return np.asarray([np.nan if v is None else v for v in values], dtype=np.float64)
    if kind in (_REAL, _FLOAT32):
        if not all(type(v) in (float, int) for v in present):
            return None
        reals = np.asarray([np.nan if v is None else v for v in values], dtype=np.float64)
        if kind == _REAL:
            return reals
        if (np.abs(reals[np.isfinite(reals)]) > _FLOAT32_MAX).any():
            return None  # beyond a float32: what GDAL makes of it is GDAL's to say
        return reals.astype(np.float32)
    return None


_FLOAT32_MAX = float(np.finfo(np.float32).max)


def read_rows(
    con: sqlite3.Connection,
    layer: GpkgLayer,
    fids: np.ndarray,
    columns: list[str] | None,
    crs: CRS | None = None,
) -> gpd.GeoDataFrame | None:
    """The features ``fids`` (ascending) with ``columns`` (all when None) in ``crs``, or None.

    None when a field asked for, a geometry blob or a value is not one this
    reader gives exactly as pyogrio would; the caller then reads with pyogrio.
    A geometry with circular arcs raises NotImplementedError, as shapely does
    (:func:`landcheck.io.wkb.refusing_unreadable`).
    """
    wanted = _readable_fields(layer, columns)
    if wanted is None:
        return None
    rows: list = []
    for i in range(0, len(fids), _ID_CHUNK):
        ids = ",".join(str(int(f)) for f in fids[i : i + _ID_CHUNK])
        rows += _select(con, layer, wanted, f"WHERE {_quoted(layer.fid)} IN ({ids})")
    return _frame(rows, wanted, crs)


def read_all_rows(
    path: str, name: str, crs: CRS | None, *, exact_integers: bool = False
) -> gpd.GeoDataFrame | None:
    """Every feature of the GeoPackage layer ``name`` in ``crs``, as pyogrio reads the layer.

    In feature id order, indexed 0, 1, … (a whole-layer read: the sites); None
    when it is not a GeoPackage layer this reader gives exactly as pyogrio would
    (:func:`read_rows`), when its ids are not its rows' order (:func:`_ids_are_row_ids`),
    or sqlite3 cannot read it (text that is not UTF-8…):
    the caller then reads with pyogrio, which says what is wrong. A geometry
    with circular arcs raises NotImplementedError, as for :func:`read_rows`.
    With ``exact_integers``, an integer field with a missing value is pandas'
    ``Int64``, not float64 (the sites: 18-digit project ids stay apart).
    """
    layer = gpkg_layer(path, name)
    if layer is None:
        return None
    wanted = _readable_fields(layer, None)
    if wanted is None:
        return None
    con = connection(path)
    try:
        if not _ids_are_row_ids(con, layer):
            return None
        frame = _frame(_select(con, layer, wanted, ""), wanted, crs, exact_integers)
    except sqlite3.Error:
        return None
    if frame is not None:
        frame.index = pd.RangeIndex(len(frame))
    return frame


def _ids_are_row_ids(con: sqlite3.Connection, layer: GpkgLayer) -> bool:
    """Whether every feature id is its row's rowid, so id order is the order GDAL reads rows in.

    GDAL reads a whole table in its rows' order; an ``INTEGER PRIMARY KEY
    DESC`` column is no alias of the rowid, and its ids may run another way.
    A table without rowids raises :class:`sqlite3.Error` (GDAL reads it).
    """
    fid, table = _quoted(layer.fid), _quoted(layer.table)
    query = f"SELECT EXISTS (SELECT 1 FROM {table} WHERE {fid} IS NOT rowid)"
    return not con.execute(query).fetchone()[0]


def _readable_fields(layer: GpkgLayer, columns: list[str] | None) -> list | None:
    """``(name, kind)`` of the fields to read (all when None); None when one is not readable."""
    wanted = layer.fields if columns is None else [f for f in layer.fields if f[0] in columns]
    if not layer.readable or any(not kind for _, kind in wanted):
        return None
    return list(wanted)


def _select(con: sqlite3.Connection, layer: GpkgLayer, wanted: list, where: str) -> list:
    """Rows of feature id, geometry blob and ``wanted`` fields, ascending feature id."""
    select = ", ".join(_quoted(c) for c in (layer.fid, layer.geometry, *(n for n, _ in wanted)))
    return con.execute(
        f"SELECT {select} FROM {_quoted(layer.table)} {where} ORDER BY {_quoted(layer.fid)}"
    ).fetchall()


def _frame(
    rows: list, wanted: list, crs: CRS | None, exact_integers: bool = False
) -> gpd.GeoDataFrame | None:
    """The rows of :func:`_select` as pyogrio's frame indexed by feature id, or None."""
    values = list(zip(*rows, strict=True)) if rows else [()] * (2 + len(wanted))
    wkb = _wkb(list(values[1]))
    if wkb is None:
        return None
    data = {}
    for (name, kind), column in zip(wanted, values[2:], strict=True):
        array = _column(list(column), kind, exact_integers)
        if array is None:
            return None
        data[name] = array
    index = pd.Index(np.asarray(values[0], dtype=np.int64), name="fid")
    # a blob that is not WKB reads as no geometry, as GDAL reads it (the caller decides); one
    # with circular arcs raises NotImplementedError (the caller says what to do with them)
    geometries = geometries_from_wkb(wkb)
    return geo_frame(data, geometries, crs, index)


def undecodable_text(
    con: sqlite3.Connection, layer: GpkgLayer, fids: np.ndarray, columns: list[str] | None
) -> tuple[int, str, bytes] | None:
    """The first ``(feature id, field, bytes)`` among ``fids`` whose text is not UTF-8, or None.

    A GeoPackage stores text as UTF-8; a file written with another encoding
    cannot be read, and this finds what to name in the message.
    """
    names = [n for n, _ in layer.fields if columns is None or n in columns]
    if not names:
        return None
    select = ", ".join(f"CAST({_quoted(n)} AS BLOB)" for n in names)
    for i in range(0, len(fids), _ID_CHUNK):
        ids = ",".join(str(int(f)) for f in fids[i : i + _ID_CHUNK])
        for fid, *values in con.execute(
            f"SELECT {_quoted(layer.fid)}, {select} FROM {_quoted(layer.table)} "
            f"WHERE {_quoted(layer.fid)} IN ({ids}) ORDER BY {_quoted(layer.fid)}"
        ):
            for name, value in zip(names, values, strict=True):
                if isinstance(value, bytes):
                    try:
                        value.decode("utf-8")
                    except UnicodeDecodeError:
                        return int(fid), name, value
    return None
