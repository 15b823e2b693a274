"""Well-known binary (WKB) read into shapely geometries, big polygons from their coordinates.

GEOS reads WKB a coordinate at a time, about 35 ns each: the 120,000 vertices
of a redline multipolygon take 4–7 ms, most of a one-site read. A little-endian
two-dimensional polygon or multipolygon is its rings' coordinates in a row, so
those of at least :data:`BIG_WKB_BYTES` are built from numpy views of the bytes
(:func:`shapely.from_ragged_array`, a copy per ring): three times faster, the
same geometry coordinate for coordinate. Anything else — other types, big-endian,
Z or M, SRIDs, rings that are not closed or have fewer than four points,
coordinates that are not finite, bytes left over or missing, many small rings —
goes to :func:`shapely.from_wkb` as before, which decides what it is.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np
import shapely

from landcheck.errors import DataSourceError

__all__ = ["BIG_WKB_BYTES", "geometries_from_wkb", "refusing_unreadable"]

BIG_WKB_BYTES = 65_536
"""Size from which a polygon's WKB is read from its coordinates (4,000 vertices or so)."""

_RING_BYTES = 1_024
"""Bytes of WKB per ring at least (64 vertices): many small rings are left to GEOS."""

_UINT = struct.Struct("<I")
_POLYGON, _MULTIPOLYGON = 3, 6


def geometries_from_wkb(wkb: Sequence[bytes | memoryview | None]) -> np.ndarray:
    """What ``shapely.from_wkb(wkb, on_invalid="ignore")`` gives, big polygons read faster.

    Parameters
    ----------
    wkb : sequence of bytes, memoryview or None
        Well-known binary geometries (views of bytes are read without a copy,
        but for GEOS); None for a missing one.

    Returns
    -------
    numpy.ndarray of shapely geometries
        One per item; None where it is None or not readable WKB.

    Raises
    ------
    NotImplementedError
        A geometry with circular arcs, as :func:`shapely.from_wkb` raises
        (:func:`refusing_unreadable` turns it into a message).

    Examples
    --------
    >>> ring = shapely.Point(0, 0).buffer(1000, quad_segs=2000)
    >>> read = geometries_from_wkb([shapely.to_wkb(ring), None])
    >>> bool(read[0].equals_exact(ring, 0.0)), read[1] is None
    (True, True)
    """
    out = np.full(len(wkb), None, dtype=object)
    slow = np.ones(len(wkb), dtype=bool)
    for i, blob in enumerate(wkb):
        if blob is not None and len(blob) >= BIG_WKB_BYTES:
            out[i] = _polygonal(blob)
            slow[i] = out[i] is None
    if slow.any():
        given = np.empty(int(slow.sum()), dtype=object)
        given[:] = [
            None if b is None else bytes(b) for b, kept in zip(wkb, slow, strict=True) if kept
        ]
        with np.errstate(invalid="ignore"):  # NaN vertices: named when the layer is normalised
            out[slow] = shapely.from_wkb(given, on_invalid="ignore")
    return out


def _polygonal(blob: bytes | memoryview) -> shapely.Geometry | None:
    """A little-endian 2D polygon or multipolygon built from its coordinates; None otherwise."""
    most = len(blob) // _RING_BYTES
    kind = _header(blob, 0)
    if kind == _POLYGON:
        found = _rings(blob, 5, most)
        if found is None:
            return None
        polygons, end = [found[0]], found[1]
    elif kind == _MULTIPOLYGON and len(blob) >= 9:
        polygons, end, parts = [], 9, _UINT.unpack_from(blob, 5)[0]
        if parts > most:
            return None
        for _ in range(parts):
            found = _rings(blob, end + 5, most) if _header(blob, end) == _POLYGON else None
            if found is None:
                return None
            polygons.append(found[0])
            end = found[1]
            most -= len(found[0])
    else:
        return None
    if end != len(blob) or not polygons or not all(polygons):
        return None
    return _built(blob, polygons, kind)


def _header(blob: bytes | memoryview, at: int) -> int | None:
    """The geometry type of the little-endian WKB header at ``at`` (None: big-endian, short)."""
    if len(blob) < at + 5 or blob[at] != 1:
        return None
    return _UINT.unpack_from(blob, at + 1)[0]


def _rings(
    blob: bytes | memoryview, at: int, most: int
) -> tuple[list[tuple[int, int]], int] | None:
    """``(offset, points)`` of each ring of the polygon body at ``at``, and where it ends.

    None when it holds more than ``most`` rings, a ring of fewer than four
    points, or runs past the end.
    """
    if len(blob) < at + 4:
        return None
    count = _UINT.unpack_from(blob, at)[0]
    if count > most:
        return None
    rings, at = [], at + 4
    for _ in range(count):
        if len(blob) < at + 4:
            return None
        points = _UINT.unpack_from(blob, at)[0]
        if points < 4 or len(blob) < at + 4 + 16 * points:
            return None
        rings.append((at + 4, points))
        at += 4 + 16 * points
    return rings, at


def _built(blob: bytes | memoryview, polygons: list, kind: int) -> shapely.Geometry | None:
    """The geometry of the rings found, or None if a ring is not closed or not finite."""
    rings = [ring for polygon in polygons for ring in polygon]
    coords = np.concatenate(
        [np.frombuffer(blob, dtype="<f8", count=2 * n, offset=at).reshape(n, 2) for at, n in rings]
    )
    ring_offsets = np.cumsum([0] + [n for _, n in rings])
    first, last = coords[ring_offsets[:-1]], coords[ring_offsets[1:] - 1]
    if not np.isfinite(coords).all() or not np.array_equal(first, last):
        return None
    polygon_offsets = np.cumsum([0] + [len(polygon) for polygon in polygons])
    if kind == _POLYGON:
        offsets: tuple = (ring_offsets, polygon_offsets)
        return shapely.from_ragged_array(shapely.GeometryType.POLYGON, coords, offsets)[0]
    offsets = (ring_offsets, polygon_offsets, np.array([0, len(polygons)]))
    return shapely.from_ragged_array(shapely.GeometryType.MULTIPOLYGON, coords, offsets)[0]


@contextmanager
def refusing_unreadable(where: str) -> Iterator[None]:
    """Turn shapely's refusal of a geometry's WKB into a :class:`DataSourceError` naming ``where``.

    GEOS, through shapely, reads no circular arcs (``CIRCULARSTRING``,
    ``COMPOUNDCURVE``, ``CURVEPOLYGON``, ``MULTISURFACE``…), and raises
    ``NotImplementedError`` for them, which would end a check as an internal
    error. Such data is common: a true curve drawn in ArcGIS stays one through
    a File Geodatabase and ogr2ogr into a GeoPackage. landcheck does not turn
    arcs into chords itself (how finely decides the area): the message says how
    to convert them, and the layer read is then the user's choice.

    GDAL hands over some geometries GEOS cannot build (a ring whose last point
    is not its first): shapely raises a ``GEOSException``, said here as the
    geometry it is, with how to repair it.

    Examples
    --------
    >>> arc = struct.pack("<BII6d", 1, 8, 3, 0, 0, 1, 1, 2, 0)  # a CIRCULARSTRING's WKB
    >>> with refusing_unreadable("roads.gpkg"):
    ...     shapely.from_wkb(arc)
    Traceback (most recent call last):
    ...
    landcheck.errors.DataSourceError: roads.gpkg holds curved geometries ...
    >>> open_ring = struct.pack("<BIII8d", 1, 3, 1, 4, 0, 0, 1, 0, 1, 1, 0, 1)
    >>> with refusing_unreadable("farmland.gpkg"):
    ...     shapely.from_wkb(open_ring)
    Traceback (most recent call last):
    ...
    landcheck.errors.DataSourceError: farmland.gpkg holds a geometry GEOS cannot build ...
    """
    try:
        yield
    except NotImplementedError as error:
        if "onlinear" not in str(error):
            raise
        raise DataSourceError(
            f"{where} holds curved geometries (circular arcs: CIRCULARSTRING, CURVEPOLYGON, "
            "MULTISURFACE…), which landcheck does not read. Convert the arcs to fine straight "
            "segments (ogr2ogr -nlt CONVERT_TO_LINEAR --config OGR_ARC_STEPSIZE 0.1, or QGIS: "
            "Processing › Segmentize by maximum angle, 0.1°; GDAL's default 4° takes 0.08 % off "
            "an arc's area) and give the converted file"
        ) from None
    except shapely.errors.GEOSException as error:
        raise DataSourceError(
            f"{where} holds a geometry GEOS cannot build ({error}). Repair the layer (QGIS: "
            "Processing › Check validity, then Fix geometries; or ogr2ogr -makevalid) and give "
            "the repaired file"
        ) from None
