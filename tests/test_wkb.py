"""Big polygons read from their WKB coordinates: shapely's from_wkb's geometries, exactly."""

from __future__ import annotations

import struct

import numpy as np
import pytest
import shapely
from common import X0, Y0

from landcheck.io import wkb as wkb_module
from landcheck.io.wkb import BIG_WKB_BYTES, geometries_from_wkb


def jagged(x: float, y: float, radius: float, points: int) -> shapely.Polygon:
    """A closed ring of ``points`` vertices with irregular coordinates around (X0+x, Y0+y)."""
    angles = np.linspace(0, 2 * np.pi, points, endpoint=False)
    wiggle = radius * (1 + 0.05 * np.sin(angles * 37.3))
    xy = np.column_stack([X0 + x + wiggle * np.cos(angles), Y0 + y + wiggle * np.sin(angles)])
    return shapely.Polygon(xy)


HOLED = shapely.Polygon(
    jagged(0, 0, 5000, 6000).exterior.coords,
    [jagged(0, 0, 1000, 3000).exterior.coords, jagged(2500, 0, 500, 1000).exterior.coords],
)
PARTS = shapely.MultiPolygon([jagged(0, 0, 900, 3000), HOLED, jagged(20_000, 0, 800, 2500)])
SINGLE = shapely.MultiPolygon([jagged(0, 0, 900, 5000)])


def by_geos(blobs):
    return shapely.from_wkb(np.asarray(blobs, dtype=object), on_invalid="ignore")


def same(read, expected):
    assert len(read) == len(expected)
    for a, b in zip(read, expected, strict=True):
        assert (a is None) == (b is None)
        if a is not None:
            assert shapely.to_wkb(a) == shapely.to_wkb(b)
            assert a.geom_type == b.geom_type


@pytest.mark.parametrize("geometry", [HOLED, PARTS, SINGLE, jagged(0, 0, 10, 4100)])
def test_big_polygons_are_from_wkbs_geometries_coordinate_for_coordinate(geometry):
    blob = shapely.to_wkb(geometry)
    assert len(blob) >= BIG_WKB_BYTES
    small = shapely.to_wkb(jagged(0, 0, 10, 40))
    blobs = [blob, None, small, blob]
    same(geometries_from_wkb(blobs), by_geos(blobs))


def test_big_polygons_do_not_go_through_geos_wkb_reader(monkeypatch):
    given, from_wkb = [], shapely.from_wkb

    def recording(blobs, **kwargs):
        given.extend(blobs.tolist())
        return from_wkb(blobs, **kwargs)

    monkeypatch.setattr(wkb_module.shapely, "from_wkb", recording)
    small = shapely.to_wkb(jagged(0, 0, 10, 40))
    read = geometries_from_wkb([shapely.to_wkb(PARTS), small, shapely.to_wkb(HOLED)])
    assert given == [small]
    assert shapely.equals_exact(read[0], PARTS, 0.0) and shapely.equals_exact(read[2], HOLED, 0.0)


def _unclosed() -> bytes:
    """A big polygon whose ring's last point is not its first (GEOS refuses it)."""
    blob = bytearray(shapely.to_wkb(jagged(0, 0, 10, 5000)))
    struct.pack_into("<d", blob, len(blob) - 16, X0 + 1.0)
    return bytes(blob)


def _triangle_ring() -> bytes:
    """A big multipolygon one of whose rings has three points."""
    big = shapely.to_wkb(jagged(0, 0, 10, 5000))
    triangle = struct.pack("<BIII", 1, 3, 1, 3) + struct.pack("<6d", 0, 0, 1, 0, 0, 1)
    return struct.pack("<BII", 1, 6, 2) + big + triangle


def _not_finite() -> bytes:
    blob = bytearray(shapely.to_wkb(jagged(0, 0, 10, 5000)))
    struct.pack_into("<d", blob, 13 + 16 * 7, float("nan"))
    return bytes(blob)


ODD = {
    "big-endian": shapely.to_wkb(HOLED, byte_order=0),
    "with Z": shapely.to_wkb(shapely.force_3d(HOLED, 1.0)),
    "with SRID": shapely.to_wkb(shapely.set_srid(HOLED, 4523), include_srid=True),
    "line": shapely.to_wkb(jagged(0, 0, 10, 5000).exterior),
    "collection": shapely.to_wkb(shapely.GeometryCollection([HOLED])),
    "unclosed ring": _unclosed(),
    "three-point ring": _triangle_ring(),
    "not finite": _not_finite(),
    "bytes left over": shapely.to_wkb(HOLED) + b"\0\0\0\0",
    "cut short": shapely.to_wkb(HOLED)[:-8],
    "many small rings": shapely.to_wkb(
        shapely.MultiPolygon([jagged(i * 100, 0, 10, 8) for i in range(1000)])
    ),
    "not WKB": b"\x07" * BIG_WKB_BYTES,
}


@pytest.mark.filterwarnings("ignore:invalid value encountered in from_wkb")
@pytest.mark.parametrize("name", ODD)
def test_anything_else_is_what_geos_reads_or_none(name):
    blobs = [ODD[name], shapely.to_wkb(HOLED)]
    assert len(ODD[name]) >= BIG_WKB_BYTES
    same(geometries_from_wkb(blobs), by_geos(blobs))


def test_no_blobs_read_as_an_empty_array():
    read = geometries_from_wkb([])
    assert read.dtype == object and read.shape == (0,)


@pytest.mark.parametrize("name", ["big-endian", "unclosed ring", "many small rings"])
def test_views_of_bytes_read_as_the_bytes(name):
    blobs = [shapely.to_wkb(PARTS), ODD[name], shapely.to_wkb(jagged(0, 0, 10, 40)), None]
    views = [None if b is None else memoryview(b"GP" + b)[2:] for b in blobs]
    same(geometries_from_wkb(views), by_geos(blobs))
