"""A shapefile's record boxes and deleted records, read from its parts without GDAL.

Each record of a ``.shp`` of polygons, lines or multipoints holds its bounding
box ahead of its coordinates, a point record its X and Y, and the ``.shx``
says where each record starts (ESRI Shapefile Technical Description, July
1998: "Main File Record Contents", "Index File Organization"). GDAL reads a
shapefile's features near a box one open of the file at a time (about 6 ms
each, the ``.prj`` identified anew each time), or all of them without an
index: a batch of sites spread over a province asked it hundreds of times.
The boxes of a million records read from the file's bytes take a fraction of
a second; the features whose box meets a site's are then read by their ids,
in one open (:mod:`landcheck.io.filtered`). GDAL itself filters a shapefile
by these boxes (shapelib reads them with each shape).
"""

from __future__ import annotations

import os
import struct
from functools import lru_cache
from typing import Any

import numpy as np

from landcheck.io.records import FileVersion, file_version
from landcheck.io.shapefile import sidecar

__all__ = ["deleted_records", "forget_record_boxes", "record_boxes"]

_BOXED = (3, 5, 8, 13, 15, 18, 23, 25, 28, 31)
"""Shape types whose record holds a box: polylines, polygons, multipoints (with Z or M), and
multipatches."""

_POINTS = (1, 11, 21)
"""Shape types whose record holds one point's X and Y where the others hold a box."""

_BLOCK_BYTES = 32 * 2**20
"""Bytes of the ``.shp`` read at a time: the records starting in them, their boxes taken (read,
not mapped: a mapped file's pages count in the process's memory, 520 MB for a million
parcels)."""

_NEEDED = 36
"""Bytes of a record's content read: its shape type and box (a point's X and Y are within)."""


def _gather(data: np.ndarray, starts: np.ndarray, width: int) -> np.ndarray:
    """``width`` bytes from each position of ``starts``, one row each."""
    return data[starts[:, None] + np.arange(width)]


def _record_index(path: str) -> tuple[np.ndarray, np.ndarray] | None:
    """Each record's start and content length in bytes, from the ``.shx``; None if malformed."""
    try:
        index = np.fromfile(path, dtype=np.uint8)
    except OSError:
        return None
    if len(index) < 100 or (len(index) - 100) % 8:
        return None
    if int(index[24:28].view(">i4")[0]) * 2 != len(index):
        return None  # GDAL counts the records its header says are there: its reading decides
    words = index[100:].view(">i4").reshape(-1, 2).astype(np.int64)
    return words[:, 0] * 2, words[:, 1] * 2  # both given in 16-bit words


def _boxes_of(
    versions: tuple[FileVersion, FileVersion],
) -> np.ndarray | None:
    shp_version, shx_version = versions
    found = _record_index(shx_version[0])
    if found is None:
        return None
    starts, lengths = found
    try:
        with open(shp_version[0], "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            misplaced = (starts < 100) | (lengths < 4) | (starts + 8 + lengths > size)
            if size < 100 or misplaced.any():
                return None
            return _read_boxes(handle, starts, lengths)
    except OSError:
        return None


def _read_boxes(handle: Any, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray | None:
    """The records' boxes read from ``handle``, a block of :data:`_BLOCK_BYTES` at a time."""
    boxes = np.full((len(starts), 4), np.nan)
    shaped = np.zeros(len(starts), dtype=bool)  # not a null shape
    boxed_rows = np.zeros(len(starts), dtype=bool)  # a stored box, not a point's X and Y
    order = np.argsort(starts, kind="stable")  # in file order (a .shx lists them so)
    ordered = starts[order]
    first = 0
    while first < len(order):
        last = max(int(np.searchsorted(ordered, ordered[first] + _BLOCK_BYTES)), first + 1)
        rows = order[first:last]
        at, length = starts[rows], lengths[rows]
        offset = int(at[0])
        handle.seek(offset)
        end = int((at + 8 + np.minimum(length, _NEEDED)).max())
        block = np.fromfile(handle, dtype=np.uint8, count=end - offset)
        at = at - offset
        kinds = _gather(block, at + 8, 4).view("<i4").ravel()
        boxed, points = np.isin(kinds, _BOXED), np.isin(kinds, _POINTS)
        if (
            not (boxed | points | (kinds == 0)).all()
            or ((boxed & (length < 36)) | (points & (length < 20))).any()
        ):
            return None  # not a shape type of the specification, or cut short: GDAL decides
        shaped[rows[boxed | points]] = True
        boxed_rows[rows[boxed]] = True
        boxes[rows[boxed]] = _gather(block, at[boxed] + 12, 32).view("<f8")
        xy = _gather(block, at[points] + 12, 16).view("<f8")
        boxes[rows[points]] = np.column_stack([xy, xy])
        first = last
    # a shape whose box is not a number has a NaN vertex: its box meets every site's, so it
    # is read and its layer's normalisation names it (never dropped as far); a stored box
    # without width or height (0, 0, 0, 0 from some writers) is not trusted, as GDAL does not
    # trust it: it meets every site's too, and the shape itself decides
    spread = (boxes[:, 2] > boxes[:, 0]) & (boxes[:, 3] > boxes[:, 1])
    unsure = (shaped & np.isnan(boxes).any(axis=1)) | (boxed_rows & ~spread)
    boxes[unsure] = (-np.inf, -np.inf, np.inf, np.inf)
    return boxes


_kept = lru_cache(maxsize=16)(_boxes_of)
""":func:`_boxes_of` once per version of the ``.shp`` and ``.shx`` (32 MB a million records)."""


def record_boxes(path: str, *, keep: bool = True) -> np.ndarray | None:
    """Each record's ``(xmin, ymin, xmax, ymax)``, in record order; None if not readable so.

    A null shape's row is NaN; a shape whose stored box is not a number (a NaN
    vertex), or has no width or no height, reaches infinity, so it meets every
    box (its shape is read and decides). None when ``path`` is not a
    ``.shp`` on disk with its ``.shx`` beside it, or the parts do not hold what
    the specification says (a record beyond the end of the file or cut short, an
    unknown shape type, a ``.shx`` whose header gives another length than its
    size): GDAL reads such a file its own way. With ``keep=False``
    the boxes are read for this call alone and not kept for later reads.

    Examples
    --------
    >>> import tempfile, geopandas as gpd, shapely
    >>> folder = tempfile.mkdtemp()
    >>> gpd.GeoDataFrame(
    ...     {"BSM": ["F1", "F2"]}, geometry=[shapely.box(0, 0, 2, 1), shapely.box(5, 6, 7, 9)],
    ...     crs=4523,
    ... ).to_file(os.path.join(folder, "f.shp"))
    >>> record_boxes(os.path.join(folder, "f.shp")).tolist()
    [[0.0, 0.0, 2.0, 1.0], [5.0, 6.0, 7.0, 9.0]]
    >>> gpd.GeoDataFrame(geometry=[shapely.LineString([(0, 3), (4, 3)])], crs=4523).to_file(
    ...     os.path.join(folder, "road.shp"))
    >>> record_boxes(os.path.join(folder, "road.shp")).tolist()  # flat: the line decides
    [[-inf, -inf, inf, inf]]
    """
    if not path.lower().endswith(".shp") or not os.path.isfile(path):
        return None
    shx = sidecar(path, ".shx")
    if shx is None:
        return None
    versions = (file_version(path), file_version(shx))
    return _kept(versions) if keep else _boxes_of(versions)


def forget_record_boxes() -> None:
    """Forget the record boxes kept for later reads (:func:`record_boxes`)."""
    _kept.cache_clear()


def deleted_records(path: str, records: np.ndarray) -> np.ndarray | None:
    """Which of ``records`` (ascending ids) the ``.dbf`` marks deleted; None if it cannot tell.

    GDAL skips a deleted record when it reads a layer, and refuses to read it by
    its id. Only the flags of ``records`` are read (one byte each): a
    million-record ``.dbf`` is gigabytes. None when the ``.dbf`` is missing or
    its header does not fit the file.
    """
    dbf = sidecar(path, ".dbf")
    if dbf is None:
        return None
    try:
        with open(dbf, "rb") as handle:
            fd = handle.fileno()
            head = os.pread(fd, 12, 0)
            if len(head) < 12:
                return None
            count, header, length = struct.unpack("<IHH", head[4:12])
            size = os.fstat(fd).st_size
            if length < 1 or header + count * length > size:
                return None
            if len(records) and records[-1] >= count:
                return None
            flags = b"".join(os.pread(fd, 1, header + int(r) * length) for r in records.tolist())
    except OSError:
        return None
    return np.frombuffer(flags, dtype=np.uint8) == ord("*")
