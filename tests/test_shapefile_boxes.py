"""A shapefile's record boxes and deleted records read from its bytes, against GDAL's reading."""

from __future__ import annotations

import os
import pathlib
import struct
import zipfile

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from common import GK35, sites, square

import landcheck
from landcheck.io.shapefile_boxes import deleted_records, forget_record_boxes, record_boxes


def _write(tmp_path, name: str, geometries) -> str:
    path = str(tmp_path / f"{name}.shp")
    frame = gpd.GeoDataFrame(
        {"BSM": [f"F{i}" for i in range(len(geometries))]}, geometry=geometries, crs=GK35
    )
    frame.to_file(path)
    return path


@pytest.mark.parametrize(
    "kind",
    ["polygons", "lines", "points", "multipoints", "polygons with z", "with a null shape"],
)
def test_the_record_boxes_are_those_gdal_reads(tmp_path, kind):
    rng = np.random.default_rng(7)
    xy = rng.uniform(0, 1_000, (40, 2))
    shapes = {
        "polygons": [
            shapely.MultiPolygon([square(x, y, 5), square(x + 20, y - 9, 3)])
            if i % 3
            else square(x, y, 7, 4)
            for i, (x, y) in enumerate(xy)
        ],
        "lines": [shapely.LineString([(x, y), (x + 30, y - 12), (x + 2, y + 40)]) for x, y in xy],
        "points": [shapely.Point(x, y) for x, y in xy],
        "multipoints": [shapely.MultiPoint([(x, y), (x - 8, y + 3)]) for x, y in xy],
        "polygons with z": [shapely.force_3d(square(x, y, 5), 12.5) for x, y in xy],
        "with a null shape": [None if i == 3 else square(x, y, 5) for i, (x, y) in enumerate(xy)],
    }[kind]
    path = _write(tmp_path, "layer", shapes)
    boxes = record_boxes(path, keep=False)
    fids, bounds = pyogrio.read_bounds(path)
    assert boxes.shape == (40, 4)
    assert np.array_equal(boxes[fids], bounds.T, equal_nan=True)
    if kind == "with a null shape":
        assert np.isnan(boxes[3]).all() and np.isfinite(np.delete(boxes, 3, axis=0)).all()
    else:
        expected = shapely.bounds(np.array(shapes, dtype=object))
        assert np.array_equal(boxes, expected)


def test_parts_that_do_not_hold_what_the_specification_says_are_left_to_gdal(tmp_path):
    path = _write(tmp_path, "farmland", [square(10 * i, 0, 10) for i in range(5)])
    assert record_boxes(path, keep=False) is not None
    # a zip, a GeoPackage: not read from their bytes
    zipped = str(tmp_path / "farmland.zip")
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.write(path, "farmland.shp")
    assert record_boxes(zipped, keep=False) is None
    assert record_boxes(str(tmp_path / "farmland.gpkg"), keep=False) is None
    shp = pathlib.Path(path)
    raw = shp.read_bytes()
    # the last record cut short: it would lie beyond the end of the file
    shp.write_bytes(raw[:-20])
    assert record_boxes(path, keep=False) is None
    # a shape type the specification does not define
    index = pathlib.Path(path).with_suffix(".shx").read_bytes()
    start = struct.unpack(">i", index[100:104])[0] * 2
    shp.write_bytes(raw[: start + 8] + struct.pack("<i", 99) + raw[start + 12 :])
    assert record_boxes(path, keep=False) is None
    shp.write_bytes(b"")  # emptied: no header at all
    assert record_boxes(path, keep=False) is None
    shp.write_bytes(raw)
    assert record_boxes(path, keep=False) is not None
    # a polygon record said too short to hold its box
    shx = shp.with_suffix(".shx")
    shx.write_bytes(index[:104] + struct.pack(">i", 10) + index[108:])
    assert record_boxes(path, keep=False) is None
    shx.write_bytes(index)
    os.remove(shp.with_suffix(".shx"))
    assert record_boxes(path, keep=False) is None


def test_a_shape_whose_stored_box_is_not_a_number_meets_every_box(tmp_path):
    # a NaN first vertex makes the writer's box NaN: dropped as far, its layer would be clear;
    # read, the normalisation names it
    path = _write(tmp_path, "farmland", [square(10 * i, 0, 10) for i in range(3)])
    shp = pathlib.Path(path)
    raw = bytearray(shp.read_bytes())
    index = pathlib.Path(path).with_suffix(".shx").read_bytes()
    start = struct.unpack(">i", index[108:112])[0] * 2  # the second record
    raw[start + 12 : start + 44] = struct.pack("<4d", *[float("nan")] * 4)
    shp.write_bytes(bytes(raw))
    boxes = record_boxes(path, keep=False)
    assert boxes[1].tolist() == [-np.inf, -np.inf, np.inf, np.inf]
    assert np.isfinite(boxes[[0, 2]]).all()


def _stored_box(path: str, record: int, box) -> None:
    """Overwrite the box stored ahead of ``record``'s coordinates in the ``.shp``."""
    shp = pathlib.Path(path)
    raw = bytearray(shp.read_bytes())
    index = pathlib.Path(path).with_suffix(".shx").read_bytes()
    start = struct.unpack(">i", index[100 + 8 * record : 104 + 8 * record])[0] * 2
    raw[start + 12 : start + 44] = struct.pack("<4d", *box)
    shp.write_bytes(bytes(raw))


@pytest.mark.parametrize(
    "box", [(0, 0, 0, 0), (35_420_010.0, 2_700_000.0, 35_420_010.0, 2_700_010.0)]
)
def test_a_stored_box_without_width_or_height_meets_every_box(tmp_path, box):
    # GDAL does not trust such a box (some writers store zeros): its reading near a site found
    # the shape, while landcheck left it out as far, and a site on it was clear of farmland
    path = _write(tmp_path, "farmland", [square(10 * i, 0, 10) for i in range(3)])
    _stored_box(path, 1, box)
    boxes = record_boxes(path, keep=False)
    assert boxes[1].tolist() == [-np.inf, -np.inf, np.inf, np.inf]
    assert np.isfinite(boxes[[0, 2]]).all()
    site = square(12, 2, 5)
    near = pyogrio.read_dataframe(path, mask=site)
    assert near["BSM"].tolist() == ["F1"]
    many = [site] + [square(10_000 + 50 * k, 0, 5) for k in range(5)]  # a batch: the boxes
    for sites_ in ([site], many):
        result = landcheck.check(
            gpd.GeoDataFrame({"site_id": range(len(sites_))}, geometry=sites_, crs=GK35),
            layers={"farmland": path},
        )
        assert result.layer_area("0", "farmland").planar_m2 == pytest.approx(25.0, abs=1e-9)


def test_an_index_whose_header_gives_another_length_is_left_to_gdal(tmp_path):
    # GDAL counts the records the .shx header says (8 of 10 here); counted from the bytes,
    # records 8 and 9 were asked by id, GDAL refused them and the layer was refused
    path = _write(tmp_path, "farmland", [square(10 * i, 0, 10) for i in range(10)])
    shx = pathlib.Path(path).with_suffix(".shx")
    raw = bytearray(shx.read_bytes())
    raw[24:28] = struct.pack(">i", (100 + 8 * 8) // 2)
    shx.write_bytes(bytes(raw))
    assert len(pyogrio.read_dataframe(path)) == 8
    assert record_boxes(path, keep=False) is None
    site = square(0, 2, 100, 5)
    result = landcheck.check(sites(site), layers={"farmland": path})
    assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(400.0, abs=1e-9)


def test_deleted_records_are_read_from_their_flags_only(tmp_path):
    path = _write(tmp_path, "farmland", [square(10 * i, 0, 10) for i in range(6)])
    dbf = pathlib.Path(path).with_suffix(".dbf")
    raw = bytearray(dbf.read_bytes())
    header, length = struct.unpack("<HH", raw[8:12])
    raw[header + 4 * length] = ord("*")
    dbf.write_bytes(bytes(raw))
    assert deleted_records(path, np.array([0, 2, 4, 5])).tolist() == [False, False, True, False]
    assert sorted(pyogrio.read_dataframe(path)["BSM"]) == ["F0", "F1", "F2", "F3", "F5"]
    assert deleted_records(path, np.array([2, 6])) is None  # beyond the .dbf's records
    dbf.write_bytes(b"")
    assert deleted_records(path, np.array([0])) is None
    os.remove(dbf)
    assert deleted_records(path, np.array([0])) is None


def test_the_boxes_are_kept_per_version_of_the_file(tmp_path):
    path = _write(tmp_path, "farmland", [square(10 * i, 0, 10) for i in range(3)])
    forget_record_boxes()
    first = record_boxes(path)
    assert record_boxes(path) is first and record_boxes(path, keep=False) is not first
    _write(tmp_path, "farmland", [square(10 * i, 5, 10) for i in range(4)])
    os.utime(path, ns=(1, 1))  # a new version even within the clock's resolution
    again = record_boxes(path)
    assert again is not first and (again[:, 1] - first[0, 1]).tolist() == [5.0] * 4
    forget_record_boxes()
    assert record_boxes(path) is not again
