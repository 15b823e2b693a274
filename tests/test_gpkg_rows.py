"""GeoPackage features by id with sqlite3: the frame pyogrio reads, or nothing."""

from __future__ import annotations

import datetime

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from common import GK35, square

from landcheck.io.gpkg_rows import _wkb, gpkg_layer, open_read_only, read_rows


@pytest.fixture(scope="module")
def gpkg(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("rows") / "layers.gpkg")
    n = 40
    geoms = [square(i * 10, 0, 8) for i in range(n)]
    geoms[3] = shapely.MultiPolygon([square(30, 0, 3), square(35, 0, 3)])
    geoms[7] = None
    frame = gpd.GeoDataFrame(
        {
            "BSM": [f"B{i}" for i in range(n)],
            "DLMC": ["水田" if i % 3 else None for i in range(n)],
            "COUNT": np.arange(n, dtype=np.int64),
            "GAPS": pd.array([None if i % 5 == 0 else i for i in range(n)], dtype="Int64"),
            "TBMJ": [i * 1.5 if i % 4 else None for i in range(n)],
        },
        geometry=geoms,
        crs=GK35,
    )
    pyogrio.write_dataframe(frame, path, layer="farmland", promote_to_multi=False)
    frame["DAY"] = pd.to_datetime([datetime.date(2026, 1, 1 + i % 28) for i in range(n)])
    pyogrio.write_dataframe(frame, path, layer="dated", promote_to_multi=False)
    return path


def by_pyogrio(path, layer, fids, columns):
    if not len(fids):
        read = pyogrio.read_dataframe(
            path, layer=layer, columns=columns, max_features=1, fid_as_index=True, use_arrow=True
        )
        return read.iloc[:0]
    return pyogrio.read_dataframe(
        path, layer=layer, fids=fids, columns=columns, fid_as_index=True, use_arrow=True
    )


FIDS = [[1, 2, 4, 8, 11, 20, 40], [6, 16, 26, 36], list(range(1, 41)), []]


@pytest.mark.parametrize("columns", [None, ["TBMJ", "BSM"], ["GAPS"], ["COUNT", "DLMC"], []])
@pytest.mark.parametrize("fids", FIDS)
def test_rows_are_pyogrio_arrow_frames_value_for_value_and_type_for_type(gpkg, columns, fids):
    fids = np.asarray(fids, dtype=np.int64)
    layer = gpkg_layer(gpkg, "farmland")
    assert (layer.table, layer.geometry, layer.fid, layer.rtree) == (
        "farmland",
        "geom",
        "fid",
        "rtree_farmland_geom",
    )
    with open_read_only(gpkg) as con:
        mine = read_rows(con, layer, fids, columns)
    expected = by_pyogrio(gpkg, "farmland", fids, columns)
    # no rows: pyogrio's types come from the one feature it read (float64 if its GAPS is null)
    pd.testing.assert_frame_equal(
        mine.set_crs(expected.crs), expected, check_index_type="equiv", check_dtype=len(fids) > 0
    )
    if len(fids):  # geometry equal vertex for vertex, None where the feature has none
        assert (mine.geometry.isna() == expected.geometry.isna()).all()
        present = ~expected.geometry.isna().to_numpy()
        assert shapely.equals_exact(
            mine.geometry.values[present], expected.geometry.values[present], tolerance=0.0
        ).all()


def test_a_field_type_it_does_not_read_like_gdal_returns_none(gpkg):
    layer = gpkg_layer(gpkg, "dated")
    with open_read_only(gpkg) as con:
        assert read_rows(con, layer, np.array([1, 2]), ["DAY"]) is None
        assert read_rows(con, layer, np.array([1, 2]), None) is None
        assert read_rows(con, layer, np.array([1, 2]), ["BSM"]) is not None


def test_not_a_geopackage_layer_is_none(gpkg, tmp_path):
    assert gpkg_layer(gpkg, "nothing") is None
    shp = tmp_path / "a.shp"
    gpd.GeoDataFrame({"A": [1]}, geometry=[square(0, 0, 1)], crs=GK35).to_file(shp)
    assert gpkg_layer(str(shp), "a") is None


def test_one_connection_per_file_version_and_thread(gpkg, tmp_path):
    import shutil
    import sqlite3
    import threading

    from landcheck.io.gpkg_rows import connection

    copy = str(tmp_path / "copy.gpkg")
    shutil.copy(gpkg, copy)
    first = connection(copy)
    assert connection(copy) is first
    other = []
    thread = threading.Thread(target=lambda: other.append(connection(copy)))
    thread.start()
    thread.join()
    assert other[0] is not first  # sqlite3 connections stay in their thread
    with open(copy, "ab") as handle:  # a new version of the file: a new connection
        handle.write(b"\0" * 1024)
    again = connection(copy)
    assert again is not first
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        first.execute("SELECT 1")
    assert again.execute("SELECT count(*) FROM farmland").fetchone() == (40,)


def test_a_layer_declaring_m_values_is_left_to_gdal(gpkg, tmp_path):
    import shutil
    import sqlite3

    copy = str(tmp_path / "measured.gpkg")
    shutil.copy(gpkg, copy)
    with sqlite3.connect(copy) as con:
        con.execute("UPDATE gpkg_geometry_columns SET m = 1 WHERE table_name = 'farmland'")
    layer = gpkg_layer(copy, "farmland")
    assert not layer.readable
    with open_read_only(copy) as con:
        assert read_rows(con, layer, np.array([1, 2]), ["BSM"]) is None


def test_a_whole_layer_is_the_frame_pyogrio_reads_of_it(gpkg):
    from pyproj import CRS

    from landcheck.io.gpkg_rows import read_all_rows

    mine = read_all_rows(gpkg, "farmland", CRS.from_user_input(GK35))
    expected = pyogrio.read_dataframe(gpkg, layer="farmland")
    assert mine.index.equals(expected.index) and isinstance(mine.index, pd.RangeIndex)
    pd.testing.assert_frame_equal(mine, expected, check_index_type=True)
    assert mine.crs == expected.crs
    assert mine.geometry.isna().tolist() == [i == 7 for i in range(40)]
    assert mine["GAPS"].dtype == np.float64 and np.isnan(mine["GAPS"].iloc[0])


def test_a_whole_layer_it_does_not_read_like_gdal_is_none(gpkg):
    from landcheck.io.gpkg_rows import read_all_rows

    assert read_all_rows(gpkg, "dated", None) is None
    assert read_all_rows(gpkg, "nothing", None) is None


def test_sites_of_a_geopackage_are_read_with_sqlite_as_gdal_reads_them(gpkg, monkeypatch):
    # but for an integer field with a blank: Int64, not GDAL's float64 (exact project ids)
    from landcheck.io import sites

    expected = pyogrio.read_dataframe(gpkg, layer="farmland").astype({"GAPS": "Int64"})
    gdal = []
    monkeypatch.setattr(sites, "read_frame", lambda *a, **k: gdal.append(a))
    frame, record = sites.read_sites(f"{gpkg}:farmland")
    assert not gdal
    pd.testing.assert_frame_equal(frame, expected, check_index_type=True)
    assert (record.crs, record.features_read, record.extra["driver"]) == ("EPSG:4523", 40, "GPKG")


def test_sites_with_a_field_sqlite_does_not_read_like_gdal_are_read_by_gdal(gpkg):
    from landcheck.io import sites

    frame, _ = sites.read_sites(f"{gpkg}:dated")
    expected = pyogrio.read_dataframe(gpkg, layer="dated")
    pd.testing.assert_frame_equal(frame, expected.astype({"GAPS": "Int64"}))


@pytest.mark.parametrize(
    "box", [(0, 0, 8, 8), (5, -1, 25, 1), (8, 0, 10, 8), (100, 100, 200, 200), (-5, -5, 500, 9)]
)
def test_one_box_asks_the_rtree_for_the_ids_the_join_of_many_finds(gpkg, box):
    from landcheck.io.filtered import _rtree_candidates

    bounds = np.array([box], dtype=float)
    with open_read_only(gpkg) as con:
        one = _rtree_candidates(con, "rtree_farmland_geom", bounds)
        joined = _rtree_candidates(con, "rtree_farmland_geom", np.vstack([bounds, bounds]))
    frame = pyogrio.read_dataframe(gpkg, layer="farmland", fid_as_index=True)
    x0, y0, x1, y1 = frame.geometry.bounds.to_numpy().T
    meets = (x1 >= box[0]) & (x0 <= box[2]) & (y1 >= box[1]) & (y0 <= box[3])
    assert one.tolist() == joined.tolist() == frame.index[meets].tolist()


def test_many_boxes_in_any_order_find_what_each_box_alone_finds(gpkg):
    # the join asks the R-tree for the boxes in Z-order; the ids are the same in any order
    from landcheck.io.filtered import _rtree_candidates

    frame = pyogrio.read_dataframe(gpkg, layer="farmland", fid_as_index=True)
    x0, y0, x1, y1 = frame.geometry.bounds.to_numpy().T
    rng = np.random.default_rng(3)
    low = rng.uniform(
        [np.nanmin(x0) - 20, np.nanmin(y0) - 2], [np.nanmax(x1), np.nanmax(y1)], (60, 2)
    )
    bounds = np.hstack([low, low + rng.uniform(0.5, 6, (60, 2))])
    with open_read_only(gpkg) as con:
        found = _rtree_candidates(con, "rtree_farmland_geom", bounds)
        reversed_ = _rtree_candidates(con, "rtree_farmland_geom", bounds[::-1])
        alone = [
            _rtree_candidates(con, "rtree_farmland_geom", bounds[i : i + 1]) for i in range(60)
        ]
    meets = np.zeros(len(frame), dtype=bool)
    for bx0, by0, bx1, by1 in bounds:
        meets |= (x1 >= bx0) & (x0 <= bx1) & (y1 >= by0) & (y0 <= by1)
    assert 0 < meets.sum() < len(frame)
    assert found.tolist() == reversed_.tolist() == np.unique(np.concatenate(alone)).tolist()
    # the R-tree's boxes are single precision, rounded outwards: never fewer ids
    assert set(frame.index[meets]) <= set(found.tolist())


def test_the_wkb_of_a_blob_is_a_view_of_it_not_a_copy():
    blob = b"GP\x00\x02\x00\x00\x00\x00" + bytes(32) + shapely.to_wkb(square(0, 0, 8))
    (wkb,) = _wkb([blob])
    assert isinstance(wkb, memoryview) and wkb.obj is blob
    assert bytes(wkb) == shapely.to_wkb(square(0, 0, 8))


def test_a_float_field_is_gdals_32_bit_real_value_for_value(tmp_path):
    """GDAL reads a ``FLOAT`` field as float32: so does the sqlite3 reader, small read or whole.

    The doubles a tool other than GDAL stored there (0.0834, a 田坎 coefficient) are
    rounded to float32 as GDAL rounds them; read as doubles, one feature's value
    would depend on how many features a check read with it.
    """
    import sqlite3

    from pyproj import CRS

    from landcheck.io.gpkg_rows import read_all_rows

    path = str(tmp_path / "float.gpkg")
    frame = gpd.GeoDataFrame(
        {"KCXS": np.zeros(4, dtype=np.float32), "TBMJ": np.zeros(4)},
        geometry=[square(i * 10, 0, 8) for i in range(4)],
        crs=GK35,
    )
    pyogrio.write_dataframe(
        frame, path, layer="coefficients", layer_options={"SPATIAL_INDEX": "NO"}
    )
    stored = [0.0834, None, 1 / 3, 16_777_217]
    with sqlite3.connect(path) as con:
        assert (
            dict(con.execute("SELECT name, type FROM pragma_table_info('coefficients')"))["KCXS"]
            == "FLOAT"
        )
        for fid, value in enumerate(stored, start=1):
            con.execute(
                "UPDATE coefficients SET KCXS = ?, TBMJ = ? WHERE fid = ?", (value, value, fid)
            )
    fids = np.array([1, 2, 3, 4])
    with open_read_only(path) as con:
        mine = read_rows(con, gpkg_layer(path, "coefficients"), fids, None)
    expected = by_pyogrio(path, "coefficients", fids, None)
    pd.testing.assert_frame_equal(mine.set_crs(expected.crs), expected, check_index_type="equiv")
    assert mine["KCXS"].dtype == np.float32 and mine["TBMJ"].dtype == np.float64
    kcxs = mine["KCXS"].astype(np.float64).tolist()  # as doubles: 0.0834 rounded to a float32
    assert kcxs[0] == 0.08340000361204147 and kcxs[3] == 16_777_216.0
    assert np.isnan(kcxs[1]) and mine["TBMJ"].tolist()[3] == 16_777_217.0
    whole = read_all_rows(path, "coefficients", CRS.from_user_input(GK35))
    pd.testing.assert_frame_equal(whole, pyogrio.read_dataframe(path, layer="coefficients"))


def test_a_float_field_beyond_a_float32_is_left_to_gdal(tmp_path):
    import sqlite3

    path = str(tmp_path / "huge.gpkg")
    frame = gpd.GeoDataFrame(
        {"KCXS": np.zeros(2, dtype=np.float32)}, geometry=[square(0, 0, 8)] * 2, crs=GK35
    )
    pyogrio.write_dataframe(frame, path, layer="huge", layer_options={"SPATIAL_INDEX": "NO"})
    with sqlite3.connect(path) as con:
        con.execute("UPDATE huge SET KCXS = 1e300 WHERE fid = 2")
    with open_read_only(path) as con:
        layer = gpkg_layer(path, "huge")
        assert read_rows(con, layer, np.array([1]), None) is not None
        assert read_rows(con, layer, np.array([1, 2]), None) is None


def test_text_holding_a_nul_is_left_to_gdal(gpkg, tmp_path):
    """GDAL's text ends at a NUL character (a C string); sqlite3's goes on. GDAL reads such a row.

    Read both ways, a code ``0101`` + NUL + junk was ``0101`` to GDAL and an unknown code to
    sqlite3: one feature's class, and the verdict, would depend on how many features a check read.
    """
    import shutil
    import sqlite3

    copy = str(tmp_path / "nul.gpkg")
    shutil.copy(gpkg, copy)
    with sqlite3.connect(copy) as con:
        # GDAL's R-tree triggers run on any update: the functions they call, on the row's box
        con.create_function("ST_IsEmpty", 1, lambda blob: 0)
        for name, value in zip(
            ("ST_MinX", "ST_MinY", "ST_MaxX", "ST_MaxY"), square(10, 0, 8).bounds, strict=True
        ):
            con.create_function(name, 1, lambda blob, value=value: value)
        con.execute("UPDATE farmland SET DLMC = ? WHERE fid = 2", ("水田\x00旱地",))
    layer = gpkg_layer(copy, "farmland")
    with open_read_only(copy) as con:
        assert read_rows(con, layer, np.array([1, 2, 3]), ["DLMC"]) is None
        assert read_rows(con, layer, np.array([1, 3]), ["DLMC"]) is not None  # not that row
        assert read_rows(con, layer, np.array([1, 2, 3]), ["BSM"]) is not None  # nor that field
    assert by_pyogrio(copy, "farmland", [2], ["DLMC"])["DLMC"].tolist() == ["水田"]


def _sites_gpkg(tmp_path, name: str, *statements: str, geometries=None) -> str:
    """Two sites in a GeoPackage, then ``statements`` run on it with sqlite3."""
    import sqlite3

    path = str(tmp_path / f"{name}.gpkg")
    geometries = geometries or [square(0, 0, 100), square(500, 0, 100)]
    frame = gpd.GeoDataFrame({"name": ["plot 1", "plot 2"]}, geometry=geometries, crs=GK35)
    pyogrio.write_dataframe(frame, path, layer="sites")
    with sqlite3.connect(path) as con:
        con.create_function("ST_IsEmpty", 1, lambda blob: 0)
        for function in ("ST_MinX", "ST_MinY", "ST_MaxX", "ST_MaxY"):
            con.create_function(function, 1, lambda blob: 0.0)
        for statement in statements:
            con.execute(statement)
    return path


def test_generated_columns_are_fields_as_gdal_reads_them(tmp_path):
    # PRAGMA table_info leaves generated columns out; GDAL reads them as fields: the sites'
    # names and a layer's codes read with sqlite3 were missing (empty names, no land class)
    from pyproj import CRS

    from landcheck.io.gpkg_rows import read_all_rows

    path = _sites_gpkg(
        tmp_path,
        "generated",
        "ALTER TABLE sites ADD COLUMN code TEXT GENERATED ALWAYS AS ('C-' || name) VIRTUAL",
    )
    expected = pyogrio.read_dataframe(path, layer="sites")
    assert list(expected.columns) == ["name", "code", "geometry"]
    assert [name for name, _ in gpkg_layer(path, "sites").fields] == ["name", "code"]
    mine = read_all_rows(path, "sites", CRS.from_user_input(GK35))
    pd.testing.assert_frame_equal(mine, expected, check_index_type=True)
    with open_read_only(path) as con:
        rows = read_rows(con, gpkg_layer(path, "sites"), np.array([1, 2]), ["code"])
    assert rows["code"].tolist() == ["C-plot 1", "C-plot 2"]


def test_a_field_named_geometry_is_left_to_gdal(tmp_path):
    # the frame's geometry column is "geometry": a text field of that name made a frame of
    # two geometry columns, and the check ended in a TypeError
    import landcheck

    path = _sites_gpkg(
        tmp_path,
        "named",
        'ALTER TABLE sites ADD COLUMN "geometry" TEXT',
        "UPDATE sites SET geometry = 'x'",
    )
    assert gpkg_layer(path, "sites") is None
    result = landcheck.check(
        path,
        layers={
            "farmland": gpd.GeoDataFrame({"BSM": ["F"]}, geometry=[square(0, 0, 50)], crs=GK35)
        },
    )
    assert result.layer_area("1", "farmland").planar_m2 == pytest.approx(2_500.0, abs=1e-9)


def test_ids_that_are_not_the_rows_order_are_left_to_gdal(tmp_path):
    # an INTEGER PRIMARY KEY DESC is no alias of the rowid: GDAL reads the rows in their
    # order, sqlite3 read them by id, and the sites numbered by position swapped verdicts
    from landcheck.io.gpkg_rows import read_all_rows
    from landcheck.io.sites import read_sites

    path = _sites_gpkg(
        tmp_path,
        "desc",
        "CREATE TABLE s2 (fid INTEGER PRIMARY KEY DESC, geom POLYGON, name TEXT)",
        "INSERT INTO s2 (rowid, fid, geom, name) SELECT 10 - fid, fid, geom, name FROM sites",
        "DROP TABLE sites",
        "ALTER TABLE s2 RENAME TO sites",
    )
    gdal = pyogrio.read_dataframe(path, layer="sites")
    assert gdal["name"].tolist() == ["plot 2", "plot 1"]
    assert read_all_rows(path, "sites", None) is None
    frame, _ = read_sites(path)
    assert frame["name"].tolist() == ["plot 2", "plot 1"]
