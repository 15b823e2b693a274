"""GeoParquet layers (read with pyarrow: the GDAL of pyogrio's wheels has no Parquet driver).

The sample county's layers written as GeoParquet with a covering bbox column give the same
findings as the GeoPackage; a filtered read returns the features GDAL returns for the same
mask; files without the covering bbox still read right; what cannot be read says why.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pyogrio
import pytest
import shapely
from click.testing import CliRunner
from common import SAMPLE_LAYER_KEYS, arc_polygon_wkb

import landcheck
from landcheck.cli.main import cli
from landcheck.errors import DataSourceError
from landcheck.io import geoparquet


@pytest.fixture(scope="module")
def parquet_layers(sample_gpkg, tmp_path_factory):
    """Each sample layer as GeoParquet with a covering bbox, in row groups of 1,000."""
    folder = tmp_path_factory.mktemp("geoparquet")
    paths = {}
    for key in SAMPLE_LAYER_KEYS:
        frame = pyogrio.read_dataframe(sample_gpkg, layer=key)
        path = folder / f"{key}.parquet"
        frame.to_parquet(path, write_covering_bbox=True, row_group_size=1000)
        paths[key] = str(path)
    return paths


def _numbers(result) -> dict:
    data = result.to_dict()
    return {k: data[k] for k in ("summary", "sites", "coverage")}


def test_findings_are_identical_to_the_geopackage(sample_gpkg, sample_layers, parquet_layers):
    sites = f"{sample_gpkg}:sites"
    from_gpkg = landcheck.check(sites, layers=sample_layers)
    from_parquet = landcheck.check(sites, layers=parquet_layers)
    assert _numbers(from_parquet) == _numbers(from_gpkg)
    records = {r.key: r for r in from_parquet.inputs if r.role == "layer"}
    files = {r.key: r for r in from_gpkg.inputs if r.role == "layer"}
    for key in SAMPLE_LAYER_KEYS:
        assert records[key].extra["driver"] == "GeoParquet"
        assert records[key].features_read == files[key].features_read > 0
        assert records[key].crs == "EPSG:4523"
        assert len(records[key].to_dict()["sha256"]) == 64


def test_a_filtered_read_returns_what_gdal_returns_for_the_same_mask(sample_gpkg, parquet_layers):
    mask = shapely.Point(35_376_900, 2_693_200).buffer(1500)
    parquet = geoparquet.read_frame(parquet_layers["land_use"], mask=mask, fid_as_index=True)
    gpkg = pyogrio.read_dataframe(sample_gpkg, layer="land_use", mask=mask, fid_as_index=True)
    assert len(parquet) == len(gpkg) > 10
    assert sorted(parquet.index + 1) == sorted(gpkg.index)  # row numbers from 0, fids from 1
    assert parquet.crs == gpkg.crs
    columns = geoparquet.read_frame(parquet_layers["land_use"], columns=["DLBM"], mask=mask)
    assert list(columns.columns) == ["DLBM", "geometry"]
    assert float(parquet.area.sum()) == pytest.approx(float(gpkg.area.sum()), rel=1e-12)


def test_reads_near_sites_match_boxes_once_and_give_the_geopackage_features(
    sample_gpkg, parquet_layers, monkeypatch
):
    import landcheck.io.filtered as filtered
    from landcheck.io import LayerSource

    sites = pyogrio.read_dataframe(sample_gpkg, layer="sites")
    near = {"sites": sites.geometry.values, "sites_crs": sites.crs, "key": "land_use"}
    near["margin"] = 50.0
    gpkg, _ = filtered.read_features_near(LayerSource(sample_gpkg, "land_use"), **near)

    def no_clusters(*args, **kwargs):
        raise AssertionError("GeoParquet is read by its boxes, not one read per cluster")

    monkeypatch.setattr(filtered, "_read_clusters", no_clusters)
    groups = []
    read_row_groups = pq.ParquetFile.read_row_groups
    monkeypatch.setattr(
        pq.ParquetFile,
        "read_row_groups",
        lambda self, chosen, **kw: groups.extend(chosen) or read_row_groups(self, chosen, **kw),
    )
    parquet, record = filtered.read_features_near(LayerSource(parquet_layers["land_use"]), **near)
    assert len(parquet) == len(gpkg) > 100
    assert list(parquet.index + 1) == list(gpkg.index)  # row numbers from 0, fids from 1
    assert parquet["BSM"].tolist() == gpkg["BSM"].tolist()
    assert shapely.equals_exact(parquet.geometry.values, gpkg.geometry.values, 0).all()
    assert len(groups) == len(set(groups)) > 1  # each row group holding some read once
    assert record.features_read == len(parquet)


def test_without_a_covering_bbox_the_numbers_are_the_same(sample_gpkg, tmp_path):
    frame = pyogrio.read_dataframe(sample_gpkg, layer="farmland")
    path = tmp_path / "farmland.parquet"
    frame.to_parquet(path, write_covering_bbox=False)
    info = geoparquet.layer_info(str(path))
    assert info["covering_bbox"] is False and info["features"] == 2924
    sites = f"{sample_gpkg}:sites"
    plain = landcheck.check(sites, layers={"farmland": str(path)})
    packaged = landcheck.check(sites, layers={"farmland": f"{sample_gpkg}:farmland"})
    assert _numbers(plain) == _numbers(packaged)


def test_inspect_describes_a_geoparquet_layer(parquet_layers):
    run = CliRunner().invoke(cli, ["inspect", parquet_layers["farmland"], "--json"])
    assert run.exit_code == 0, run.output
    layer = json.loads(run.output)["layers"][0]
    assert (layer["driver"], layer["features"], layer["crs"], layer["crs_check"]) == (
        "GeoParquet",
        2924,
        "EPSG:4523",
        "ok",
    )
    assert "DLBM" in layer["fields"] and "bbox" not in layer["fields"]


def test_parquet_that_landcheck_cannot_read_says_why(tmp_path, sample_gpkg):
    plain = tmp_path / "plain.parquet"
    pq.write_table(pa.table({"a": [1, 2]}), plain)
    with pytest.raises(DataSourceError, match="without GeoParquet metadata"):
        geoparquet.layer_info(str(plain))
    arrow = tmp_path / "arrow.parquet"
    gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1, 1)], crs=4523).to_parquet(
        arrow, geometry_encoding="geoarrow"
    )
    with pytest.raises(DataSourceError, match="landcheck reads WKB"):
        geoparquet.layer_info(str(arrow))
    result = landcheck.check(f"{sample_gpkg}:sites", layers={"farmland": str(arrow)})
    record = next(r for r in result.inputs if r.key == "farmland")
    assert record.status == "unreadable" and "landcheck reads WKB" in record.detail
    statuses = {f.check: f.status for f in result.findings[0]}
    assert statuses["permanent_farmland"] == "unknown"


@pytest.mark.parametrize("covering", [True, False])
def test_curved_geometries_make_the_layer_unknown_and_say_how_to_fix(
    sample_gpkg, tmp_path, covering
):
    frame = pyogrio.read_dataframe(sample_gpkg, layer="farmland")
    path = tmp_path / "farmland.parquet"
    frame.to_parquet(path, write_covering_bbox=covering)
    table = pq.read_table(path)
    arcs = pa.array(
        [arc_polygon_wkb(x0, y0, x1, top) for x0, y0, x1, top in frame.geometry.bounds.to_numpy()],
        type=pa.binary(),
    )  # each feature an arc over its box's bottom edge
    column = table.schema.get_field_index("geometry")
    pq.write_table(table.set_column(column, "geometry", arcs), path)  # the geo metadata kept
    result = landcheck.check(f"{sample_gpkg}:sites", layers={"farmland": str(path)})
    record = next(r for r in result.inputs if r.key == "farmland")
    assert record.status == "unreadable"  # not an internal error
    assert f"{path} holds curved geometries" in record.detail
    assert "ogr2ogr -nlt CONVERT_TO_LINEAR --config OGR_ARC_STEPSIZE 0.1" in record.detail
    statuses = {f.check: f.status for f in result.findings[0]}
    assert statuses["permanent_farmland"] == "unknown"


def test_sites_can_be_geoparquet_too(sample_gpkg, parquet_layers, tmp_path):
    sites = pyogrio.read_dataframe(sample_gpkg, layer="sites").set_index("site_id", drop=False)
    path = tmp_path / "sites.parquet"
    sites.to_parquet(path, write_covering_bbox=True)  # the pandas index is stored as a column
    assert "__index_level_0__" in pq.read_schema(path).names
    assert "__index_level_0__" not in geoparquet.layer_info(str(path))["fields"]
    from_parquet = landcheck.check(str(path), layers={"farmland": parquet_layers["farmland"]})
    from_gpkg = landcheck.check(
        f"{sample_gpkg}:sites", layers={"farmland": parquet_layers["farmland"]}
    )
    assert _numbers(from_parquet) == _numbers(from_gpkg)


def test_a_one_off_read_keeps_no_boxes_and_finds_the_same_features(sample_gpkg, tmp_path):
    from landcheck.io import LayerSource, filtered

    frame = pyogrio.read_dataframe(sample_gpkg, layer="farmland")
    path = tmp_path / "farmland.parquet"
    frame.to_parquet(path, write_covering_bbox=True, row_group_size=1000)
    sites = pyogrio.read_dataframe(sample_gpkg, layer="sites")
    near = {"sites": sites.geometry.values, "sites_crs": sites.crs, "key": "farmland"}
    near["margin"] = 50.0
    version = geoparquet.file_version(str(path))
    filtered.clear_cache()
    with filtered.not_kept():
        once, _ = filtered.read_features_near(LayerSource(str(path)), **near)
    assert geoparquet._KEPT.kept == {}  # nothing left for calls to come
    kept, _ = filtered.read_features_near(LayerSource(str(path)), **near)
    boxes, _ = geoparquet._KEPT.kept[version]
    assert len(once) == len(kept) > 10
    assert once.index.tolist() == kept.index.tolist()
    assert shapely.equals_exact(once.geometry.values, kept.geometry.values, 0).all()
    targets = np.array([sites.total_bounds])
    rows, alone = geoparquet.boxes_near(str(path), targets, keep=False)
    rows_kept, again = geoparquet.boxes_near(str(path), targets)
    assert (rows == rows_kept).all() and (alone == again).all() and (alone == boxes[rows]).all()
    expected = frame.geometry.bounds.to_numpy()[rows]
    assert (alone == expected).all() and len(rows) > 0


def test_one_site_reads_the_boxes_of_the_row_groups_near_it_only(sample_gpkg, tmp_path):
    from landcheck.io import LayerSource, filtered

    # the survey in its file order (row groups of 500 parcels: strips across the county)
    frame = pyogrio.read_dataframe(sample_gpkg, layer="land_use")
    sites = pyogrio.read_dataframe(sample_gpkg, layer="sites").iloc[:1]
    near = {"sites": sites.geometry.values, "sites_crs": sites.crs, "key": "land_use"}
    everything = filtered.read_features_near(LayerSource(sample_gpkg, "land_use"), **near)[0]
    groups = -(-len(frame) // 500)
    for statistics in (True, False):
        path = tmp_path / f"land_use_{statistics}.parquet"
        frame.to_parquet(
            path, write_covering_bbox=True, row_group_size=500, write_statistics=statistics
        )
        filtered.clear_cache()
        found, _ = filtered.read_features_near(LayerSource(str(path)), **near)
        # a GeoParquet feature's id is its row number, the GeoPackage's fid less one
        assert (found.index + 1).tolist() == everything.index.tolist() and len(found) > 0
        assert shapely.equals_exact(found.geometry.values, everything.geometry.values, 0).all()
        _, read = geoparquet._KEPT.kept[geoparquet.file_version(str(path))]
        assert len(read) == groups
        if statistics:  # the groups whose box meets the site's: a few strips
            assert 0 < read.sum() < groups / 4
        else:  # without their statistics the groups' boxes are not known: all are read
            assert read.all()
    filtered.clear_cache()


def test_row_groups_boxes_come_from_their_statistics_unknown_ones_meeting_everything():
    table = pa.table(
        {
            "bbox": pa.array(
                [
                    {"xmin": 0.0, "ymin": 0.0, "xmax": 1.0, "ymax": 1.0},
                    {"xmin": 5.0, "ymin": 5.0, "xmax": 6.0, "ymax": 6.0},
                    {"xmin": 2.0, "ymin": 2.0, "xmax": 3.0, "ymax": np.inf},
                ]
            )
        }
    )
    buffer = pa.BufferOutputStream()
    pq.write_table(table, buffer, row_group_size=1)
    metadata = pq.ParquetFile(pa.BufferReader(buffer.getvalue())).metadata
    covering = {k: ("bbox", k) for k in ("xmin", "ymin", "xmax", "ymax")}
    boxes = geoparquet._group_boxes(metadata, covering)
    assert boxes[:2].tolist() == [[0.0, 0.0, 1.0, 1.0], [5.0, 5.0, 6.0, 6.0]]
    assert boxes[2].tolist() == [-np.inf, -np.inf, np.inf, np.inf]  # infinite: not a box
    assert geoparquet._groups_meeting(boxes, np.array([[0.5, 0.5, 0.7, 0.7]])).tolist() == [0, 2]
    # a group of one point, or of points on a line, has a flat box: it meets what holds it
    flat = np.array([[1.0, 1.0, 1.0, 1.0], [5.0, 5.0, 5.0, 9.0], [20.0, 20.0, 30.0, 30.0]])
    targets = np.array([[0.0, 0.0, 2.0, 2.0], [4.0, 6.0, 6.0, 7.0]])
    assert geoparquet._groups_meeting(flat, targets).tolist() == [0, 1]
    unknown = [[-np.inf, -np.inf, np.inf, np.inf]] * 3
    assert geoparquet._group_boxes(metadata, None).tolist() == unknown


def _kept_layers(filtered) -> set[str]:
    """The layers whose features are kept: a key is the file's version, then the layer."""
    from landcheck.io.records import FileVersion

    return {key[len(FileVersion._fields)] for key in filtered._CACHE.frames}


def test_clear_cache_forgets_what_a_check_kept_and_the_next_check_reads_again(
    sample_gpkg, sample_layers, parquet_layers
):
    from landcheck.io import filtered

    layers = {**sample_layers, "land_use": parquet_layers["land_use"]}  # the rest GeoPackage
    sites = f"{sample_gpkg}:sites"
    landcheck.clear_cache()
    first = landcheck.check(sites, layers=layers)
    kept = _kept_layers(filtered)
    assert {"farmland", "eco_redline"} <= kept  # the GeoPackage layers read, kept
    assert len(geoparquet._KEPT.kept) == 1  # land_use's boxes

    landcheck.clear_cache()
    assert not filtered._CACHE.frames
    assert not geoparquet._KEPT.kept

    again = landcheck.check(sites, layers=layers)
    assert _kept_layers(filtered) == kept  # read from the files again
    assert len(geoparquet._KEPT.kept) == 1
    assert _numbers(again) == _numbers(first)


def _farmland_numbers(sample_gpkg, path) -> dict:
    """The sample sites' numbers against the farmland layer at ``path``."""
    return _numbers(landcheck.check(f"{sample_gpkg}:sites", layers={"farmland": str(path)}))


def test_text_stored_as_string_views_is_read(sample_gpkg, tmp_path):
    # pyarrow takes no rows of a string_view column: the check ended in an ArrowNotImplementedError
    frame = pyogrio.read_dataframe(sample_gpkg, layer="farmland")
    path = tmp_path / "farmland.parquet"
    frame.to_parquet(path, write_covering_bbox=True, row_group_size=1000)
    table = pq.read_table(path)
    for name in ("DLBM", "BSM"):
        at = table.schema.get_field_index(name)
        table = table.set_column(at, name, table.column(name).cast(pa.string_view()))
    pq.write_table(table, path, row_group_size=1000)
    assert pq.read_schema(path).field("DLBM").type == pa.string_view()
    expected = _farmland_numbers(sample_gpkg, f"{sample_gpkg}:farmland")
    assert _farmland_numbers(sample_gpkg, path) == expected
    read = geoparquet.read_frame(str(path), fids=[0, 5])
    assert read["DLBM"].tolist() == frame["DLBM"].iloc[[0, 5]].tolist()


@pytest.mark.parametrize("damage", ["column gone", "fields misnamed"])
def test_a_covering_bbox_the_file_does_not_hold_is_left_aside(sample_gpkg, tmp_path, damage):
    # a file rewritten with fewer columns keeps the metadata declaring its covering bbox: a
    # check ended in a KeyError; the boxes come from the geometries instead
    frame = pyogrio.read_dataframe(sample_gpkg, layer="farmland")
    path = tmp_path / "farmland.parquet"
    frame.to_parquet(path, write_covering_bbox=True, row_group_size=1000)
    table = pq.read_table(path)
    if damage == "column gone":
        table = table.drop_columns(["bbox"])
    else:
        geo = json.loads(table.schema.metadata[b"geo"])
        geo["columns"]["geometry"]["covering"]["bbox"]["xmin"] = ["bbox", "west"]
        table = table.replace_schema_metadata({**table.schema.metadata, b"geo": json.dumps(geo)})
    pq.write_table(table, path, row_group_size=1000)
    assert geoparquet.layer_info(str(path))["covering_bbox"] is False
    expected = _farmland_numbers(sample_gpkg, f"{sample_gpkg}:farmland")
    assert _farmland_numbers(sample_gpkg, path) == expected


def test_a_named_index_is_a_field_as_the_same_frame_in_a_geopackage_has(sample_gpkg, tmp_path):
    # to_parquet stores a frame's named index as a column, listed as the pandas index: it was
    # left out, and the features' ids (BSM) with it
    frame = pyogrio.read_dataframe(sample_gpkg, layer="farmland").set_index("BSM")
    path = tmp_path / "farmland.parquet"
    frame.to_parquet(path, write_covering_bbox=True)
    assert "BSM" in pq.read_schema(path).names
    fields = geoparquet.layer_info(str(path))["fields"].tolist()
    assert "BSM" in fields and "DLBM" in fields
    read = geoparquet.read_frame(str(path), fids=[3])
    assert read["BSM"].tolist() == [frame.index[3]]
    gpkg = tmp_path / "farmland.gpkg"
    frame.reset_index().to_file(gpkg, layer="farmland")
    expected = _farmland_numbers(sample_gpkg, gpkg)
    assert _farmland_numbers(sample_gpkg, path) == expected
