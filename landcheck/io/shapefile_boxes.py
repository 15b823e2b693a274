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
from functools import lru_cache

import numpy as np

from landcheck.io.records import file_version
from landcheck.io.shapefile import sidecar

__all__ = ["deleted_records", "forget_record_boxes", "record_boxes"]

_BOXED = (3, 5, 8, 13, 15, 18, 23, 25, 28, 31)
"""Shape types whose record holds a box: polylines, polygons, multipoints (with Z or M), and
multipatches."""

_POINTS = (1, 11, 21)
"""Shape types whose record holds one point's X and Y where the others hold a box."""

_CHUNK = 262_144
"""Records whose boxes are gathered at a time (the byte positions of a chunk: 64 MB at most)."""


def _bytes(path: str, header: int = 100) -> np.ndarray | None:
    """The file's bytes, mapped; None when it cannot be, or is shorter than its ``header``."""
    try:
        if os.path.getsize(path) < header:
            return None
        return np.memmap(path, dtype=np.uint8, mode="r")
    except (OSError, ValueError):
        return None


def _gather(data: np.ndarray, starts: np.ndarray, width: int) -> np.ndarray:
    """``width`` bytes from each position of ``starts``, one row each."""
    return data[starts[:, None] + np.arange(width)]


def _boxes_of(
    versions: tuple[tuple[str, int, int], tuple[str, int, int]],
) -> np.ndarray | None:
    shp_version, shx_version = versions
    index, data = _bytes(shx_version[0]), _bytes(shp_version[0])
    if index is None or data is None or (len(index) - 100) % 8:
        return None
    words = index[100:].view(">i4").reshape(-1, 2).astype(np.int64)
    starts, lengths = words[:, 0] * 2, words[:, 1] * 2  # both in 16-bit words
    if len(starts) and (
        (starts < 100).any() or (lengths < 4).any() or (starts + 8 + lengths > len(data)).any()
    ):
        return None
    boxes = np.full((len(starts), 4), np.nan)
    for first in range(0, len(starts), _CHUNK):
        at, length = starts[first : first + _CHUNK], lengths[first : first + _CHUNK]
        kinds = _gather(data, at + 8, 4).view("<i4").ravel()
        if not np.isin(kinds, (0, *_BOXED, *_POINTS)).all():
            return None  # not a shape type of the specification: GDAL decides
        boxed = np.flatnonzero(np.isin(kinds, _BOXED) & (length >= 36))
        points = np.flatnonzero(np.isin(kinds, _POINTS) & (length >= 20))
        rows = boxes[first : first + _CHUNK]
        rows[boxed] = _gather(data, at[boxed] + 12, 32).view("<f8")
        xy = _gather(data, at[points] + 12, 16).view("<f8")
        rows[points] = np.column_stack([xy, xy])
    return boxes


_kept = lru_cache(maxsize=16)(_boxes_of)
""":func:`_boxes_of` once per version of the ``.shp`` and ``.shx`` (32 MB a million records)."""


def record_boxes(path: str, *, keep: bool = True) -> np.ndarray | None:
    """Each record's ``(xmin, ymin, xmax, ymax)``, in record order; None if not readable so.

    A null shape's row is NaN. None when ``path`` is not a ``.shp`` on disk with
    its ``.shx`` beside it, or the parts do not hold what the specification
    says (a record beyond the end of the file, an unknown shape type): GDAL
    reads such a file its own way. With ``keep=False`` the boxes are read for
    this call alone and not kept for later reads.

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
    data = _bytes(dbf, 32)
    if data is None:
        return None
    count = int(data[4:8].view("<u4")[0])
    header, length = (int(v) for v in data[8:12].view("<u2"))
    if length < 1 or header + count * length > len(data) or (len(records) and records[-1] >= count):
        return None
    return data[header + records.astype(np.int64) * length] == ord("*")
