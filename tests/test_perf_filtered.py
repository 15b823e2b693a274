"""Filtered reads: only the features near the sites, by the GeoPackage R-tree or by mask."""

from __future__ import annotations

import glob
import json
import os
import pathlib
import struct
import zipfile

import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from common import GK35, frame, sites, square
from pyproj import CRS

import landcheck
import landcheck.io.filtered as filtered
import landcheck.io.vector as vector
from landcheck.errors import DataSourceError, InputDataError
from landcheck.io import LayerSource
from landcheck.io.filtered import clear_cache, read_features_near
from landcheck.messages import collecting


def farmland_grid(n=100):
    return frame(
        [
            {
                "BSM": f"F{i}-{j}",
                "DLBM": "0101",
                "DLMC": "水田",
                "EXTRA1": "x",
                "EXTRA2": 1.5,
                "geometry": square(10 * i, 10 * j, 10),
            }
            for i in range(n)
            for j in range(n)
        ]
    )


@pytest.fixture
def grid_gpkg(write_gpkg):
    clear_cache()
    yield write_gpkg(farmland=farmland_grid())
    clear_cache()


def test_gpkg_fast_path_reads_only_the_features_near_the_sites(grid_gpkg, monkeypatch):
    calls, rows = [], []
    real, real_rows = filtered.read_frame, filtered.read_rows

    def spy(source, layer, **kwargs):
        calls.append(kwargs)
        return real(source, layer, **kwargs)

    def spy_rows(con, layer, fids, *args):
        rows.append(fids)
        return real_rows(con, layer, fids, *args)

    monkeypatch.setattr(filtered, "read_frame", spy)
    monkeypatch.setattr(filtered, "read_rows", spy_rows)
    site_geoms = np.array([square(502, 502, 26), square(10, 10, 5), square(905, 905, 30)])
    frame_, record = read_features_near(
        LayerSource(grid_gpkg, "farmland"), site_geoms, CRS(GK35), key="farmland", margin=1.0
    )
    # 3 x 3 squares; 2 x 2 for the small one (its 1 m margin crosses two edges); 4 x 4
    assert record.features_read == len(frame_) == 9 + 4 + 16
    # one read by feature id (sqlite3 on the R-tree's connection), no GDAL read, no mask
    assert len(rows) == 1 and len(rows[0]) >= 29 and calls == []
    assert frame_.index.is_monotonic_increasing
    grown = shapely.buffer(site_geoms, 1.0, join_style="mitre")
    geoms = np.asarray(frame_.geometry.values, dtype=object)
    assert shapely.intersects(geoms[:, None], grown[None, :]).any(axis=1).all()


def test_many_features_are_read_by_fid_in_halves_on_two_cores_the_same_frame(
    grid_gpkg, monkeypatch
):
    from landcheck.threads import usable_cores

    calls = []
    real = filtered.read_frame

    def spy(source, layer, **kwargs):
        calls.append(len(kwargs["fids"]))
        return real(source, layer, **kwargs)

    monkeypatch.setattr(filtered, "read_frame", spy)
    monkeypatch.setattr(filtered, "_SQLITE_MOST", 0)  # through pyogrio
    site_geoms = np.array([square(5, 5, 980)])  # 99 x 99 squares, its 1 m margin included
    source = LayerSource(grid_gpkg, "farmland")
    reads = {}
    for split_from in (1_000_000, 1_000):
        monkeypatch.setattr(filtered, "_FIDS_ON_THREADS", split_from)
        clear_cache()
        calls.clear()
        reads[split_from], _ = read_features_near(
            source, site_geoms, CRS(GK35), key="farmland", margin=1.0
        )
        reads[split_from, "calls"] = list(calls)
    one, halves = reads[1_000_000], reads[1_000]
    # the R-tree's candidates (the squares its box touches too), then those within 1 m
    assert reads[1_000_000, "calls"] == [9_900] and len(one) == 99 * 99
    assert reads[1_000, "calls"] == ([4_950, 4_950] if usable_cores() >= 2 else [9_900])
    assert halves.index.tolist() == one.index.tolist()
    pd.testing.assert_frame_equal(halves.drop(columns="geometry"), one.drop(columns="geometry"))
    assert shapely.equals_exact(halves.geometry.values, one.geometry.values, 0).all()


def test_a_feature_met_by_several_sites_is_read_once(grid_gpkg, monkeypatch):
    rows = []
    real_rows = filtered.read_rows

    def spy_rows(con, layer, fids, *args):
        rows.append(fids)
        return real_rows(con, layer, fids, *args)

    monkeypatch.setattr(filtered, "read_rows", spy_rows)
    # three sites inside the one square at (500, 500); a fourth across it and the next one
    site_geoms = np.array(
        [square(501, 501, 2), square(504, 504, 2), square(507, 501, 2), square(505, 503, 10)]
    )
    frame_, record = read_features_near(
        LayerSource(grid_gpkg, "farmland"), site_geoms, CRS(GK35), key="farmland", margin=0.5
    )
    # the square (500, 500) and its neighbours the fourth site or a margin reaches: 2 x 2
    assert record.features_read == len(frame_) == 4
    assert frame_.index.is_unique and frame_["BSM"].tolist() == [
        "F50-50",
        "F50-51",
        "F51-50",
        "F51-51",
    ]
    assert len(rows) == 1 and sorted(set(rows[0].tolist())) == rows[0].tolist()


def test_fast_path_and_mask_reads_give_the_same_features(grid_gpkg, tmp_path):
    shp = tmp_path / "farmland.shp"
    farmland_grid().to_file(shp)
    site_geoms = np.array([square(333, 125, 77, 40), square(700, 700, 3)])
    crs = CRS(GK35)
    fast, _ = read_features_near(
        LayerSource(grid_gpkg, "farmland"), site_geoms, crs, key="f", margin=20.0
    )
    slow, _ = read_features_near(LayerSource(str(shp)), site_geoms, crs, key="f", margin=20.0)
    assert sorted(fast["BSM"]) == sorted(slow["BSM"])
    assert len(fast) > 40


def test_only_the_mapped_columns_are_read(grid_gpkg):
    result = landcheck.check(
        sites(square(502, 502, 26)),
        layers={"farmland": f"{grid_gpkg}:farmland"},
        area_method="planar",
    )
    record = next(r for r in result.inputs if r.key == "farmland")
    assert record.features_read == 157  # the squares within 50 m (proximity rule)
    pieces = result.pieces["farmland"]
    assert "EXTRA1" not in pieces.columns and "EXTRA2" not in pieces.columns
    assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(676.0)


def test_repeated_reads_reuse_what_was_read(grid_gpkg, monkeypatch):
    source = LayerSource(grid_gpkg, "farmland")
    crs = CRS(GK35)
    first, _ = read_features_near(source, [square(100, 100, 50)], crs, key="f", columns=["BSM"])
    read = []
    real = filtered.read_rows
    monkeypatch.setattr(
        filtered,
        "read_rows",
        lambda con, layer, fids, *rest: read.append(len(fids)) or real(con, layer, fids, *rest),
    )
    again, _ = read_features_near(source, [square(100, 100, 50)], crs, key="f", columns=["BSM"])
    assert read == []
    assert again.index.tolist() == first.index.tolist()
    moved, _ = read_features_near(source, [square(120, 100, 50)], crs, key="f", columns=["BSM"])
    assert read == [len(set(moved.index) - set(first.index))] and read[0] > 0


@pytest.mark.parametrize("grid_from", [0, 1_000_000])  # sifted on the grid first, or not
def test_boxes_meeting_targets_are_those_a_spatial_index_finds(grid_from, monkeypatch):
    monkeypatch.setattr(filtered, "_GRID_FROM", grid_from)
    rng = np.random.default_rng(11)
    corner = rng.uniform(0, 10_000, (20_000, 2))
    boxes = np.column_stack([corner, corner + rng.uniform(0, 300, (20_000, 2))])
    boxes[::97] = np.nan  # features without geometry
    boxes[5] = [-50_000, -50_000, 50_000, 50_000]  # one huge feature covers everything
    spot = rng.uniform(2_000, 8_000, (300, 2))
    targets = np.column_stack([spot, spot + rng.uniform(0, 150, (300, 2))])
    targets[0] = [1_000.0, 1_000.0, 1_000.0, 1_000.0]  # a point: touching counts
    boxes[7] = [900.0, 900.0, 1_000.0, 1_000.0]
    usable = np.flatnonzero(np.isfinite(boxes).all(axis=1))
    hits, _ = shapely.STRtree(shapely.box(*targets.T)).query(shapely.box(*boxes[usable].T))
    expected = usable[np.unique(hits)]
    found = filtered.boxes_meeting(boxes, targets)
    assert found.tolist() == expected.tolist()
    assert 5 in found and 7 in found and 100 < len(found) < 10_000
    assert filtered.boxes_meeting(boxes, np.empty((0, 4))).tolist() == []


def test_geoparquet_rows_read_in_several_batches_are_the_same(tmp_path, monkeypatch):
    import landcheck.io.geoparquet as geoparquet

    path = tmp_path / "farmland.parquet"
    farmland_grid(30).to_parquet(path, write_covering_bbox=True, row_group_size=50)
    rows = np.array([0, 3, 49, 50, 51, 420, 899])
    whole = geoparquet.read_frame(str(path), fids=rows, fid_as_index=True)
    monkeypatch.setattr(geoparquet, "_READ_ROWS", 120)  # batches of about two row groups
    batched = geoparquet.read_frame(str(path), fids=rows, fid_as_index=True)
    assert whole.index.tolist() == batched.index.tolist() == rows.tolist()
    assert (
        whole["BSM"].tolist()
        == batched["BSM"].tolist()
        == ["F0-0", "F0-3", "F1-19", "F1-20", "F1-21", "F14-0", "F29-29"]
    )
    assert shapely.equals_exact(whole.geometry.values, batched.geometry.values, 0).all()


@pytest.mark.parametrize("fids", [[2, 5, 9], [5, 2, 9]])
def test_a_layer_read_near_the_sites_comes_in_feature_id_order(grid_gpkg, monkeypatch, fids):
    import geopandas as gpd

    import landcheck.inputs as inputs
    from landcheck.io import InputRecord
    from landcheck.profile import LayerSpec, Text

    read = farmland_grid(3).iloc[:3].set_crs(GK35, allow_override=True)
    read.index = fids
    record = InputRecord(role="layer", key="farmland")
    monkeypatch.setattr(inputs, "read_features_near", lambda *args, **kwargs: (read, record))
    spec = LayerSpec(key="farmland", kind="farmland", title=Text("永久基本农田", "farmland"))
    near = gpd.GeoSeries([square(0, 0, 30)], crs=GK35)
    got, _ = inputs.read_layer_near(spec, LayerSource(grid_gpkg, "farmland"), near, CRS(GK35))
    assert got.index.tolist() == sorted(fids)
    assert got["BSM"].tolist() == read.sort_index()["BSM"].tolist()


def test_a_read_whose_features_are_all_near_is_not_copied_again():
    features = farmland_grid(3)
    assert filtered._within(features, np.array([square(0, 0, 30)]), 1.0) is features
    assert filtered._within(features, np.array([square(0, 0, 5)]), 1.0)["BSM"].tolist() == ["F0-0"]


def test_the_features_kept_between_reads_are_never_handed_out(grid_gpkg):
    source, crs = LayerSource(grid_gpkg, "farmland"), CRS(GK35)
    outline = [square(100, 100, 20)]  # every feature the R-tree finds is near: none dropped
    first, _ = read_features_near(source, outline, crs, key="f", columns=["BSM"])
    kept = next(iter(filtered._CACHE.frames.values()))
    assert len(first) == len(kept) and first is not kept
    name = kept.index.name
    first["BSM"] = "changed"
    first["added"] = 1
    first.index.name = "changed"
    assert "added" not in kept and kept.index.name == name
    again, _ = read_features_near(source, outline, crs, key="f", columns=["BSM"])
    assert not (again["BSM"] == "changed").any() and again.index.name == name


def test_geoparquet_row_groups_are_decoded_a_few_thousand_rows_a_call(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    import landcheck.io.geoparquet as geoparquet

    path = tmp_path / "farmland.parquet"
    farmland_grid(150).to_parquet(path, write_covering_bbox=True, row_group_size=4_000)
    calls = []
    read_row_groups = pq.ParquetFile.read_row_groups
    monkeypatch.setattr(
        pq.ParquetFile,
        "read_row_groups",
        lambda self, chosen, **kw: (
            calls.append((list(chosen), kw["use_threads"])) or read_row_groups(self, chosen, **kw)
        ),
    )
    decoded = []
    from_wkb = shapely.from_wkb
    monkeypatch.setattr(shapely, "from_wkb", lambda wkb: decoded.append(len(wkb)) or from_wkb(wkb))
    rows = np.arange(0, 22_500, 7)
    frame = geoparquet.read_frame(str(path), fids=rows, fid_as_index=True)
    assert frame.index.tolist() == rows.tolist()
    # 22,500 rows in six groups (five of 4,000, one of 2,500), about 10,000 rows a call:
    # consecutive groups read together, each once, in this thread (pyarrow's threads left
    # their buffers' memory in their own heaps), and each call's WKB made geometries at once
    assert calls == [([0, 1], False), ([2, 3], False), ([4, 5], False)]
    assert decoded == [1_143, 1_143, 929]  # the rows asked for in each call
    expected = farmland_grid(150).iloc[rows]
    assert shapely.equals_exact(frame.geometry.values, expected.geometry.values, 0).all()


@pytest.mark.parametrize("suffix", [".geojson", ".json"])
def test_a_layer_that_cannot_skip_to_a_feature_is_read_in_one_pass(
    grid_gpkg, tmp_path, monkeypatch, suffix
):
    # GDAL parses a GeoJSON file whole at each open: read by positions, each chunk opened it
    # again and read every feature before its own; the stream reads it once, and the file's
    # listing and its layer's info come from one more open
    import pyogrio

    site_geoms = np.array([square(80 * k, 40 * (k % 3), 7, 5) for k in range(12)])
    crs = CRS(GK35)
    path = str(tmp_path / f"farmland{suffix}")
    farmland_grid().to_file(path)
    opened = []
    for name in ("list_layers", "read_info", "open_arrow", "read_dataframe", "read_arrow"):
        real_call = getattr(pyogrio, name)
        spy = lambda *a, _n=name, _f=real_call, **k: opened.append(_n) or _f(*a, **k)  # noqa: E731
        monkeypatch.setattr(pyogrio, name, spy)
    monkeypatch.setattr(filtered, "UNINDEXED_CHUNK", 3_000)  # 10,000 features: four batches
    batches = []
    real_batch = vector._batch_frame
    monkeypatch.setattr(
        vector, "_batch_frame", lambda *a: batches.append(real_batch(*a)) or batches[-1]
    )
    monkeypatch.setattr(filtered, "UNINDEXED_NOTED_FROM", 10_000)
    with collecting() as notes:
        found, record = read_features_near(LayerSource(path), site_geoms, crs, key="f", margin=20.0)
    expected, _ = read_features_near(
        LayerSource(grid_gpkg, "farmland"), site_geoms, crs, key="f", margin=20.0
    )
    assert sorted(found["BSM"]) == sorted(expected["BSM"]) and len(found) > 12 * 4
    assert [len(b) for b in batches] == [3_000, 3_000, 3_000, 1_000]
    # the way to an index: QGIS creates none for GeoJSON or FlatGeobuf, a GeoPackage has one
    (said,) = notes.messages
    assert "has no spatial index, so all its 10,000 features were read" in said
    assert "converted to a GeoPackage" in said and "Create Spatial Index" not in said
    listed = [] if suffix in (".geojson", ".json") else ["list_layers"]
    assert opened == [*listed, "read_info", "open_arrow"]
    assert record.features_read == len(found) and found.crs == crs
    # the rows as the layer's read through Arrow gives them: fields, types, index, geometry
    by_arrow = pyogrio.read_dataframe(path, fid_as_index=True, use_arrow=True)
    pd.testing.assert_frame_equal(
        found.drop(columns="geometry"), by_arrow.loc[found.index].drop(columns="geometry")
    )
    assert shapely.equals_exact(
        found.geometry.values, by_arrow.geometry[found.index].values, 0
    ).all()


def test_a_topojson_file_named_geojson_keeps_its_layers(tmp_path):
    # one open describes a GeoJSON file's only layer; TopoJSON holds several, so it is listed
    topology = {
        "type": "Topology",
        "objects": {
            name: {
                "type": "GeometryCollection",
                "geometries": [{"type": "Polygon", "arcs": [[0]], "properties": {"n": name}}],
            }
            for name in ("a", "b")
        },
        "arcs": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]],
    }
    path = tmp_path / "two.geojson"
    path.write_text(json.dumps(topology))
    assert vector.list_layers(str(path)) == [("a", "Polygon"), ("b", "Polygon")]
    info = vector.read_layer_info(LayerSource(str(path), "b"), "b")
    assert info["layer_name"] == "b" and info["features"] == 1


def test_a_streamed_layer_cut_short_is_a_clear_error(tmp_path):
    # GDAL fails midway through the stream; pyarrow's reader raised a bare OSError
    path = tmp_path / "farmland.fgb"
    farmland_grid(60).to_file(path, layer_options={"SPATIAL_INDEX": "NO"})
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) * 2 // 3])
    site = np.array([square(10, 10, 5)])
    with pytest.raises(DataSourceError, match=r"cannot read .*farmland\.fgb"):
        read_features_near(LayerSource(str(path)), site, CRS(GK35), key="f", margin=1.0)


def test_a_count_gdal_does_not_know_is_not_weighed():
    info = {"features": -1, "total_bounds": (0, 0, 10, 10), "capabilities": {"random_read": True}}
    sites = np.array([square(1, 1, 1)])
    assert not filtered._bounds_scan_pays(sites, 1.0, CRS(GK35), info)


def test_a_streamed_batch_keeps_every_field_type_and_missing_value(tmp_path):
    import datetime as dt

    import geopandas as gpd
    import pyogrio

    original = gpd.GeoDataFrame(
        {
            "BSM": ["F1", None, " 中文 ", "F4"],
            "count": np.array([1, 2, 3, 4], dtype="int32"),
            "share": [1.5, np.nan, 2.0, 3.0],
            "dated": [dt.date(2020, 1, 2), None, dt.date(2021, 3, 4), dt.date(2022, 1, 1)],
            "stamped": pd.to_datetime(
                ["2020-01-02 03:04:05", None, "2021-01-01 00:00:00", "2022-02-02 10:00:00"]
            ),
        },
        geometry=[square(0, 0, 1), None, square(2, 2, 1), shapely.Point(1, 1)],
        crs=GK35,
    )
    path = str(tmp_path / "mixed.geojson")
    original.to_file(path)
    streamed = pd.concat(vector.read_batches(LayerSource(path), None, None, 3))
    by_arrow = pyogrio.read_dataframe(path, fid_as_index=True, use_arrow=True)
    pd.testing.assert_frame_equal(
        streamed.drop(columns="geometry"), by_arrow.drop(columns="geometry")
    )
    assert streamed.index.tolist() == [0, 1, 2, 3] and streamed.crs == CRS(GK35)
    assert streamed.geometry.isna().tolist() == [False, True, False, False]
    kept = ~streamed.geometry.isna().to_numpy()
    assert shapely.equals_exact(
        streamed.geometry.values[kept], original.geometry.values[kept], 0
    ).all()
    assert streamed["BSM"].tolist()[2] == " 中文 " and streamed["dated"].tolist()[1] is None


def test_a_streamed_layer_with_text_that_is_not_utf8_is_refused_naming_the_feature(tmp_path):
    # Arrow takes GDAL's bytes unchecked and pandas decodes them only when a value is read:
    # the check would fail far from the file (pyarrow's "Wrapping … failed"), naming nothing
    path = tmp_path / "farmland.geojson"
    farmland_grid(10).to_file(path)
    raw = path.read_bytes()
    assert raw.count("水田".encode()) == 100
    path.write_bytes(raw.replace("水田".encode(), "水田".encode("gbk"), 8))
    site_geoms = np.array([square(0, 0, 100)])
    with pytest.raises(InputDataError) as caught:
        read_features_near(LayerSource(str(path)), site_geoms, CRS(GK35), key="f", margin=1.0)
    said = str(caught.value)
    assert "feature 0, field 'DLMC' holds text that is not UTF-8 (bytes cb ae cc ef)" in said
    assert "Export the layer again with UTF-8 text" in said


def _zipped(path: str) -> str:
    """The shapefile ``path`` and its parts in a .zip beside it."""
    stem = os.path.splitext(path)[0]
    with zipfile.ZipFile(stem + ".zip", "w") as archive:
        for part in glob.glob(stem + ".*"):
            if not part.endswith(".zip"):
                archive.write(part, os.path.basename(part))
    return stem + ".zip"


@pytest.mark.parametrize("kind", ["gpkg without its r-tree", "zipped shp"])
def test_a_layer_without_a_spatial_index_is_read_once_for_all_the_sites(
    grid_gpkg, tmp_path, monkeypatch, kind
):
    # 12 sites spread over the grid: without an index, each read of a box scans the layer (a
    # zipped shapefile's records are not read from its bytes: GDAL reads it)
    site_geoms = np.array([square(80 * k, 40 * (k % 3), 7, 5) for k in range(12)])
    crs = CRS(GK35)
    path = str(tmp_path / ("farmland.gpkg" if kind.startswith("gpkg") else "farmland.shp"))
    farmland_grid().to_file(path, layer="farmland", layer_options={"SPATIAL_INDEX": "NO"})
    source = (
        LayerSource(path, "farmland") if kind.startswith("gpkg") else LayerSource(_zipped(path))
    )
    reads = []
    real = filtered.read_frame
    monkeypatch.setattr(filtered, "read_frame", lambda *a, **k: reads.append(k) or real(*a, **k))
    monkeypatch.setattr(filtered, "UNINDEXED_CHUNK", 3_000)  # 10,000 features: four chunks
    monkeypatch.setattr(filtered, "UNINDEXED_NOTED_FROM", 10_000)
    with collecting() as notes:
        found, _ = read_features_near(source, site_geoms, crs, key="f", margin=20.0)
    expected, _ = read_features_near(
        LayerSource(grid_gpkg, "farmland"), site_geoms, crs, key="f", margin=20.0
    )
    assert sorted(found["BSM"]) == sorted(expected["BSM"]) and len(found) > 12 * 4
    # the layer read once, a chunk at a time, and the user told why it is slower
    assert [r["skip_features"] for r in reads] == [0, 3_000, 6_000, 9_000]
    assert not any("mask" in r or "bbox" in r for r in reads)
    (said,) = notes.messages
    assert "has no spatial index, so all its 10,000 features were read" in said
    assert "Create Spatial Index" in said


def _mark_deleted(path: str, record: int) -> None:
    """Flag ``record`` of the shapefile's .dbf deleted, as a dBASE program does."""
    dbf = pathlib.Path(path).with_suffix(".dbf")
    raw = bytearray(dbf.read_bytes())
    header, length = struct.unpack("<HH", raw[8:12])
    raw[header + record * length] = ord("*")
    dbf.write_bytes(bytes(raw))


@pytest.mark.parametrize(
    ("qix", "sites_", "by"),
    [(False, 12, "records"), (True, 60, "records"), (True, 12, "index")],
)
def test_a_shapefile_is_read_by_its_record_boxes_or_its_index_whichever_costs_less(
    grid_gpkg, tmp_path, monkeypatch, qix, sites_, by
):
    # GDAL reads a shapefile near a box one open at a time (its .prj identified each time),
    # or all of it without an index; its records' boxes, read from its bytes, pick the
    # features to read by id in one open, unless its .qix asked box by box on one open costs
    # less (10,000 records: fewer than 27 boxes). A record its .dbf marks deleted is not read
    # either way, as GDAL skips it (and refuses to read it by id)
    site_geoms = np.array(
        [square(80 * (k % 12), 40 * (k % 3) + 200 * (k // 12), 7, 5) for k in range(sites_)]
    )
    crs = CRS(GK35)
    path = str(tmp_path / "farmland.shp")
    farmland_grid().to_file(path, layer_options={"SPATIAL_INDEX": "YES" if qix else "NO"})
    near_site, _ = read_features_near(
        LayerSource(grid_gpkg, "farmland"), site_geoms, crs, key="f", margin=20.0
    )
    deleted = int(near_site.index[5]) - 1  # the GeoPackage's fids count from 1, records from 0
    _mark_deleted(path, deleted)
    reads, paths = [], []
    real = filtered.read_frame
    monkeypatch.setattr(filtered, "read_frame", lambda *a, **k: reads.append(k) or real(*a, **k))
    monkeypatch.setattr(filtered, "UNINDEXED_NOTED_FROM", 10_000)
    for name, path_taken in (("record_boxes", "records"), ("ids_meeting", "index")):
        real_path = getattr(filtered, name)
        monkeypatch.setattr(
            filtered,
            name,
            lambda *a, _f=real_path, _p=path_taken, **k: paths.append(_p) or _f(*a, **k),
        )
    with collecting() as notes:
        found, record = read_features_near(LayerSource(path), site_geoms, crs, key="f", margin=20.0)
    assert paths == [by]
    expected = sorted(set(near_site["BSM"]) - {near_site["BSM"].iloc[5]})
    assert sorted(found["BSM"]) == expected and len(found) == len(near_site) - 1
    (read,) = reads  # one read, by the records' ids
    assert "fids" in read and not any(k in read for k in ("mask", "bbox", "skip_features"))
    assert deleted not in read["fids"] and len(read["fids"]) < 10_000 / 4
    assert not notes.messages and record.features_read == len(found)
    # GDAL's whole read skips the deleted record (through the .qix it fails on it)
    whole = pyogrio.read_dataframe(path)
    near = shapely.dwithin(whole.geometry.values, shapely.union_all(site_geoms), 20.0)
    assert sorted(whole["BSM"][near]) == expected


def test_a_zipped_shapefile_is_asked_through_its_index_however_many_the_sites(
    grid_gpkg, tmp_path, monkeypatch
):
    # its records cannot be read from its bytes (it is zipped): however many the sites, its
    # .qix is asked box by box on one open, not once per cluster of sites
    path = str(tmp_path / "farmland.shp")
    farmland_grid().to_file(path, layer_options={"SPATIAL_INDEX": "YES"})
    source = LayerSource(_zipped(path))
    site_geoms = np.array(
        [square(80 * (k % 12), 40 * (k % 3) + 200 * (k // 12), 7, 5) for k in range(60)]
    )
    crs = CRS(GK35)
    expected, _ = read_features_near(
        LayerSource(grid_gpkg, "farmland"), site_geoms, crs, key="f", margin=20.0
    )
    asked = _spied_gdal_reads(monkeypatch)
    found, _ = read_features_near(source, site_geoms, crs, key="f", margin=20.0)
    assert sorted(found["BSM"]) == sorted(expected["BSM"])
    ((name, kwargs),) = asked  # one read by id, no read per cluster, no feature's box read
    assert name == "read_dataframe" and "fids" in kwargs and "mask" not in kwargs


def test_a_shapefile_with_its_index_is_asked_by_gdal_for_one_site(tmp_path, monkeypatch):
    # one read through the .qix (one open) costs less than scanning 10,000 records' boxes, and
    # than asking the index on one open, then reading by id on another
    path = str(tmp_path / "farmland.shp")
    farmland_grid().to_file(path, layer_options={"SPATIAL_INDEX": "YES"})
    reads = []
    real = filtered.read_frame
    monkeypatch.setattr(filtered, "read_frame", lambda *a, **k: reads.append(k) or real(*a, **k))
    found, _ = read_features_near(
        LayerSource(path), np.array([square(500, 500, 7)]), CRS(GK35), key="f", margin=1.0
    )
    assert len(found) == 4 and len(reads) == 1 and "mask" in reads[0]


def test_a_deleted_record_the_qix_leads_to_is_left_out_not_refused(tmp_path):
    # GDAL's read through the .qix refuses a record the .dbf marks deleted ("marked deleted":
    # the check stopped on a valid shapefile); its records' boxes leave it out, as GDAL's
    # sequential read does
    path = str(tmp_path / "farmland.shp")
    farmland_grid(10).to_file(path, layer_options={"SPATIAL_INDEX": "YES"})
    _mark_deleted(path, 11)
    site = np.array([square(10, 10, 5)])
    found, _ = read_features_near(LayerSource(path), site, CRS(GK35), key="f", margin=1.0)
    whole = pyogrio.read_dataframe(path)
    near = shapely.dwithin(whole.geometry.values, site[0], 1.0)
    assert sorted(found["BSM"]) == sorted(whole["BSM"][near]) and len(found) == 3
    assert "F1-1" not in set(found["BSM"])


def _indexed_layer(tmp_path, kind: str) -> LayerSource:
    """The grid as a layer GDAL reads through its own spatial index."""
    if kind == "filegdb":
        path = str(tmp_path / "layers.gdb")
        farmland_grid().to_file(path, layer="farmland", driver="OpenFileGDB")
        return LayerSource(path, "farmland")
    if kind == "flatgeobuf":
        path = str(tmp_path / "farmland.fgb")
        farmland_grid().to_file(path, layer_options={"SPATIAL_INDEX": "YES"})
        return LayerSource(path)
    path = str(tmp_path / "farmland.shp")
    farmland_grid().to_file(path, layer_options={"SPATIAL_INDEX": "YES"})
    return LayerSource(_zipped(path))


def _spied_gdal_reads(monkeypatch) -> list[tuple[str, dict]]:
    """Each pyogrio read and bounds read from now on, by name and keywords."""
    asked: list[tuple[str, dict]] = []
    for name in ("read_bounds", "read_dataframe"):
        real_call = getattr(pyogrio, name)
        spy = lambda *a, _n=name, _f=real_call, **k: asked.append((_n, k)) or _f(*a, **k)  # noqa: E731
        monkeypatch.setattr(pyogrio, name, spy)
    return asked


@pytest.mark.parametrize("sites_", ["spread", "one"])
@pytest.mark.parametrize("kind", ["filegdb", "flatgeobuf", "zipped shp with .qix"])
def test_an_indexed_layer_is_asked_for_its_ids_near_every_site_in_one_open_then_read_by_id(
    grid_gpkg, tmp_path, monkeypatch, sites_, kind
):
    # each GDAL read near a cluster opens the layer again (a FileGDB at 1,000 sites: 345 opens)
    # and tests every feature in the cluster's box against its mask: sites spread over the
    # layer ask its index for ids box after box on one open (fiona), then read them by id (a
    # zipped shapefile's records are not read from its bytes: GDAL's index answers)
    source = _indexed_layer(tmp_path, kind)
    if sites_ == "spread":
        site_geoms = np.array([square(80 * k, 70 * (k % 13), 7, 5) for k in range(12)])
    else:
        site_geoms = np.array([square(500, 500, 7)])
    crs = CRS(GK35)
    expected, _ = read_features_near(
        LayerSource(grid_gpkg, "farmland"), site_geoms, crs, key="f", margin=20.0
    )
    boxes_asked = []
    real_ids = filtered.ids_meeting
    monkeypatch.setattr(
        filtered,
        "ids_meeting",
        lambda src, layer, boxes, fields: (
            boxes_asked.append(len(boxes)) or real_ids(src, layer, boxes, fields)
        ),
    )
    asked = _spied_gdal_reads(monkeypatch)
    found, record = read_features_near(source, site_geoms, crs, key="f", margin=20.0)
    assert sorted(found["BSM"]) == sorted(expected["BSM"]) and len(found) >= 9
    assert record.features_read == len(found)
    ((name, kwargs),) = asked  # one read: no feature's box read, no read per cluster
    assert name == "read_dataframe"
    if sites_ == "spread":
        assert boxes_asked == [12]
        assert "mask" not in kwargs and len(kwargs["fids"]) < 10_000 / 10
    else:  # one box: a read through the index with its outline costs one open less
        assert boxes_asked == [] and "mask" in kwargs


@pytest.mark.parametrize("kind", ["filegdb", "zipped shp with .qix"])
def test_an_indexed_layer_fiona_cannot_open_is_read_by_its_features_boxes_the_same(
    grid_gpkg, tmp_path, monkeypatch, kind
):
    # fiona's GDAL is not pyogrio's: a layer it refuses is read as before the box queries,
    # by every feature's box then by id when that costs less than a read per cluster
    import fiona
    from fiona.errors import DriverError

    def refused(*args, **kwargs):
        raise DriverError("not recognized as a supported file format")

    monkeypatch.setattr(fiona, "open", refused)
    source = _indexed_layer(tmp_path, kind)
    site_geoms = np.array([square(80 * k, 70 * (k % 13), 7, 5) for k in range(12)])
    crs = CRS(GK35)
    expected, _ = read_features_near(
        LayerSource(grid_gpkg, "farmland"), site_geoms, crs, key="f", margin=20.0
    )
    asked = _spied_gdal_reads(monkeypatch)
    found, _ = read_features_near(source, site_geoms, crs, key="f", margin=20.0)
    assert sorted(found["BSM"]) == sorted(expected["BSM"]) and len(found) >= 9
    (bounds, read) = asked
    assert bounds[0] == "read_bounds" and read[0] == "read_dataframe" and "fids" in read[1]


def test_a_long_slanting_site_reads_a_shapefile_by_the_boxes_that_hug_it(
    grid_gpkg, tmp_path, monkeypatch
):
    # GDAL would be asked with the road's own box, the whole grid; the records near it are read
    path = str(tmp_path / "farmland.shp")
    farmland_grid().to_file(path, layer_options={"SPATIAL_INDEX": "YES"})
    start = shapely.get_coordinates(square(0, 0, 1))[0]
    road = shapely.segmentize(shapely.LineString([start, start + 990]), 0.5).buffer(4)
    assert shapely.get_num_coordinates(road) > 2_048
    crs = CRS(GK35)
    expected, _ = read_features_near(
        LayerSource(grid_gpkg, "farmland"), np.array([road]), crs, key="f", margin=1.0
    )
    reads = []
    real = filtered.read_frame
    monkeypatch.setattr(filtered, "read_frame", lambda *a, **k: reads.append(k) or real(*a, **k))
    found, _ = read_features_near(LayerSource(path), np.array([road]), crs, key="f", margin=1.0)
    assert sorted(found["BSM"]) == sorted(expected["BSM"]) and len(found) >= 100
    (read,) = reads
    # the records in the boxes hugging the road (3,625), not all in its box (the whole grid)
    assert "fids" in read and len(read["fids"]) < 10_000 / 2


def _near_in_whole_layer(path: str, site: np.ndarray, distance: float) -> list[str]:
    """The ids of the features GDAL's plain read of the whole layer finds near ``site``."""
    whole = pyogrio.read_dataframe(path)
    near = shapely.dwithin(whole.geometry.values, shapely.union_all(site), distance)
    return sorted(whole["BSM"][near])


def test_an_index_older_than_its_shapefile_is_not_used_and_the_user_is_told(tmp_path):
    # the .qix made before a tool rewrote the .shp (a shape moved 300 m): read through it, one
    # site over the moved shape found nothing, while a batch (the records' boxes) found it
    path = str(tmp_path / "farmland.shp")
    farmland_grid(10).to_file(path, layer_options={"SPATIAL_INDEX": "YES"})
    qix = pathlib.Path(path).with_suffix(".qix")
    before = qix.read_bytes()
    moved = farmland_grid(10)
    moved.loc[moved["BSM"] == "F1-1", "geometry"] = square(310, 310, 10)
    moved.to_file(path, layer_options={"SPATIAL_INDEX": "NO"})
    qix.write_bytes(before)
    shp_time = os.stat(path).st_mtime_ns
    os.utime(qix, ns=(shp_time - 60 * 10**9, shp_time - 60 * 10**9))  # made a minute before
    site = np.array([square(312, 312, 5)])
    with collecting() as notes:
        found, _ = read_features_near(LayerSource(path), site, CRS(GK35), key="f", margin=1.0)
    assert sorted(found["BSM"]) == _near_in_whole_layer(path, site, 1.0) == ["F1-1"]
    (said,) = notes.messages
    assert f"the spatial index {qix} is older than {path}, so it was not used" in said
    assert "Create Spatial Index" in said
    # written with the shapes, a clock tick or two before GDAL closed the .shp: its own
    os.utime(qix, ns=(shp_time - 10**9, shp_time - 10**9))
    clear_cache()
    with collecting() as notes:
        read_features_near(LayerSource(path), site, CRS(GK35), key="f", margin=1.0)
    assert not notes.messages


def test_a_zipped_shapefile_whose_qix_leads_to_a_deleted_record_is_read_in_order(tmp_path):
    # GDAL's read through the .qix refuses the record the .dbf marks deleted; a zipped
    # shapefile has no records' boxes to fall back on: its features are read in order, which
    # leaves the record out, as GDAL's plain read does (the layer was refused, checks unknown)
    path = str(tmp_path / "farmland.shp")
    farmland_grid(20).to_file(path, layer_options={"SPATIAL_INDEX": "YES"})
    _mark_deleted(path, 21)  # F1-1
    zipped = _zipped(path)
    site = np.array([square(8, 8, 10)])
    found, _ = read_features_near(LayerSource(zipped), site, CRS(GK35), key="f", margin=1.0)
    assert sorted(found["BSM"]) == _near_in_whole_layer(zipped, site, 1.0)
    assert "F1-1" not in set(found["BSM"]) and len(found) == 3
    result = landcheck.check(sites(square(8, 8, 10)), layers={"farmland": zipped})
    assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(36.0, abs=1e-9)
    assert next(r for r in result.inputs if r.key == "farmland").status == "ok"


def test_a_layer_read_in_chunks_gives_each_feature_once_past_deleted_records(tmp_path, monkeypatch):
    # GDAL's position in a shapefile counts the records its .dbf marks deleted, while a read
    # of so many features leaves them out: each chunk after one holding deleted records began
    # that many features early, and gave them again (their areas twice in the feature table)
    path = str(tmp_path / "farmland.shp")
    farmland_grid(10).to_file(path, layer_options={"SPATIAL_INDEX": "NO"})
    for record in (2, 3, 4):
        _mark_deleted(path, record)
    zipped = _zipped(path)  # no records' boxes: read by position
    monkeypatch.setattr(filtered, "UNINDEXED_CHUNK", 10)
    site = np.array([square(0, 0, 100)])  # every feature
    found, _ = read_features_near(LayerSource(zipped), site, CRS(GK35), key="f", margin=1.0)
    assert len(found) == found.index.nunique() == 97
    assert sorted(found["BSM"]) == _near_in_whole_layer(zipped, site, 1.0)


@pytest.mark.parametrize("missing", [0, 3, 7])
def test_a_flatgeobuf_without_index_and_a_missing_geometry_reads_the_others(
    tmp_path, monkeypatch, missing
):
    # GDAL 3.12's Arrow stream of such a file hands the missing geometry over as empty bytes
    # and garbles the offsets after it: the layer was refused, or the check ended in a
    # GEOSException; read feature by feature, the other features are all there
    grid = farmland_grid(3)
    grid.loc[missing, "geometry"] = None
    path = str(tmp_path / "farmland.fgb")
    grid.to_file(path, layer_options={"SPATIAL_INDEX": "NO"})
    site = np.array([square(0, 0, 30)])
    found, _ = read_features_near(LayerSource(path), site, CRS(GK35), key="f", margin=1.0)
    assert sorted(found["BSM"]) == _near_in_whole_layer(path, site, 1.0)
    assert len(found) == 8 and grid["BSM"][missing] not in set(found["BSM"])
    # without the stream: a chunk from its position (GDAL seeks to it in a FlatGeobuf)
    reads = []
    real = filtered.read_frame
    monkeypatch.setattr(filtered, "read_frame", lambda *a, **k: reads.append(k) or real(*a, **k))
    monkeypatch.setattr(filtered, "UNINDEXED_CHUNK", 4)
    filtered.clear_cache()
    again, _ = read_features_near(LayerSource(path), site, CRS(GK35), key="f", margin=1.0)
    assert sorted(again["BSM"]) == sorted(found["BSM"])
    assert [r["skip_features"] for r in reads] == [0, 4, 8]


@pytest.mark.parametrize("how", ["moved over it", "written over it"])
def test_a_layer_rewritten_at_the_same_size_with_its_old_time_is_read_again(tmp_path, how):
    # the in-process caches were kept under (path, size, modification time): a layer saved
    # again at the same size with its time set back (cp -p, rsync -t) was read from the cache,
    # 150,000 m² where the file now gave 60,000, and its old SHA-256 recorded
    import hashlib

    path = str(tmp_path / "farmland.gpkg")

    def write(target: str, x: float) -> None:
        frame([{"BSM": "a", "DLBM": "0101", "geometry": square(x, 0, 1000)}]).to_file(
            target, layer="farmland"
        )

    def checked() -> tuple[float, str]:
        result = landcheck.check(sites(square(500, 500, 1000, 300)), layers={"farmland": path})
        (record,) = [r for r in result.inputs if r.key == "farmland"]
        return result.layer_area("S1", "farmland").planar_m2, record.sha256

    write(path, 0)
    assert checked()[0] == pytest.approx(150_000.0, abs=1e-6)
    before = os.stat(path)
    write(str(tmp_path / "new.gpkg"), 1300)
    assert os.stat(tmp_path / "new.gpkg").st_size == before.st_size
    if how == "moved over it":
        os.replace(tmp_path / "new.gpkg", path)
    else:
        pathlib.Path(path).write_bytes((tmp_path / "new.gpkg").read_bytes())
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    area, digest = checked()
    assert area == pytest.approx(60_000.0, abs=1e-6)
    assert digest == hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()


def test_a_layer_file_without_features_is_said_to_hold_none(tmp_path):
    # an empty farmland file gave "not involved" and a record "ok" without a word: a broken
    # export reads as a county without farmland
    path = str(tmp_path / "farmland.gpkg")
    farmland_grid(1).iloc[:0].to_file(path, layer="farmland")
    with collecting() as notes:
        found, record = read_features_near(
            LayerSource(path), np.array([square(0, 0, 10)]), CRS(GK35), key="farmland"
        )
    assert len(found) == 0 and record.status == "ok"
    (said,) = notes.messages
    assert f"layer 'farmland': {path} holds no features, so no site takes any of it" in said
