"""A result's pieces and features held with their geometry as WKB until asked for.

The frame rebuilt must be the frame packed: the same rows, index, columns in
their order, dtypes, values, CRS and every coordinate; it is rebuilt once and
kept. A check's result holds its pieces and context packed until a map, the
GeoPackage or a notebook asks for them.
"""

from __future__ import annotations

import pickle
import threading

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from common import frame, sites, square
from geopandas.testing import assert_geodataframe_equal
from shapely import MultiPolygon, Point, Polygon

import landcheck
import landcheck.io.filtered as filtered
import landcheck.packed as packed_module
from landcheck.packed import PackedFrame, PackedFrames


def _awkward() -> gpd.GeoDataFrame:
    """Text, numbers, a missing value, a missing and an empty geometry, Z, a multipolygon,
    an index that is not 0…n, and the geometry column neither last nor named geometry."""
    return gpd.GeoDataFrame(
        {
            "BSM": ["F1", "F2", None, "F4", "F5"],
            "shape": [
                Polygon([(0.1, 0.2), (1000.3, 0.2), (1000.3, 600.7), (0.1, 0.2)]),
                None,
                Polygon(),
                MultiPolygon([square(0, 0, 10), square(20, 0, 10)]),
                Polygon([(0, 0, 5.5), (3, 0, 6.5), (3, 3, 7.5), (0, 0, 5.5)]),
            ],
            "m2": [600_000.0, np.nan, 0.0, 200.0, 4.5],
            "site": np.array([3, 1, 4, 1, 5], dtype=np.int32),
        },
        geometry="shape",
        crs=4523,
        index=pd.Index([10, 7, 42, 8, 9], name="fid"),
    )


def test_a_frame_rebuilt_is_the_frame_packed_coordinate_for_coordinate():
    original = _awkward()
    rebuilt = PackedFrame.of(original).frame()
    assert_geodataframe_equal(rebuilt, original, check_less_precise=False)
    assert list(rebuilt.columns) == ["BSM", "shape", "m2", "site"]
    assert rebuilt.geometry.name == "shape" and rebuilt.crs.to_epsg() == 4523
    assert list(rebuilt.dtypes) == list(original.dtypes)
    assert list(rebuilt.index) == [10, 7, 42, 8, 9] and rebuilt.index.name == "fid"
    assert shapely.to_wkb(rebuilt.geometry.values).tolist() == (
        shapely.to_wkb(original.geometry.values).tolist()
    )
    assert rebuilt.geometry.iloc[1] is None and rebuilt.geometry.iloc[2].is_empty
    assert shapely.get_coordinates(rebuilt.geometry.iloc[4], include_z=True)[1].tolist() == [
        3.0,
        0.0,
        6.5,
    ]


def test_packing_keeps_no_shapely_geometry():
    original = _awkward()
    packed = PackedFrame.of(original)
    assert len(packed) == 5
    wkb = shapely.to_wkb(original.geometry.values, include_srid=True)
    assert packed.sizes.tolist() == [0 if w is None else len(w) for w in wkb]
    joined = b"".join(w for w in wkb if w is not None)
    assert len(packed.chunks) == 1 and len(packed.chunks[0]) < len(joined)  # compressed
    assert "shape" not in packed.fields.columns


def test_a_frame_whose_geometry_came_as_wkb_is_packed_from_it_as_from_its_geometries(
    monkeypatch,
):
    """The engine's pieces come as the WKB a worker sent, their frame's geometry column
    empty: packed from it, the frame rebuilt is the one packed from the geometries, chunk for
    chunk; the geometry column is not encoded. WKB of another length is refused."""
    original = _awkward()
    wkb = shapely.to_wkb(original.geometry.values, include_srid=True)
    emptied = original.copy()
    emptied["shape"] = gpd.GeoSeries([None] * 5, index=original.index, crs=4523)
    assert emptied.geometry.name == "shape" and emptied.geometry.isna().all()
    monkeypatch.setattr(packed_module, "_CHUNK", 2)
    from_geometries = PackedFrame.of(original)
    encoded = []
    to_wkb = shapely.to_wkb
    monkeypatch.setattr(
        packed_module.shapely, "to_wkb", lambda *a, **k: encoded.append(a) or to_wkb(*a, **k)
    )
    from_wkb = PackedFrame.of(emptied, wkb=wkb)
    assert encoded == []
    assert from_wkb.chunks == from_geometries.chunks and len(from_wkb.chunks) == 3
    assert_geodataframe_equal(from_wkb.frame(), original, check_less_precise=False)
    with pytest.raises(ValueError, match="4 WKB values for a frame of 5 rows"):
        PackedFrame.of(emptied, wkb=wkb[:4])


def test_a_frame_without_rows_is_rebuilt_without_rows():
    empty = _awkward().iloc[:0]
    rebuilt = PackedFrame.of(empty).frame()
    assert list(rebuilt.columns) == ["BSM", "shape", "m2", "site"]
    assert_geodataframe_equal(rebuilt, empty, check_less_precise=False)


def test_a_frame_of_more_rows_than_an_encoding_call_is_rebuilt_row_for_row(monkeypatch):
    monkeypatch.setattr(packed_module, "_CHUNK", 2)  # five rows: three calls
    original = _awkward()
    assert_geodataframe_equal(PackedFrame.of(original).frame(), original, check_less_precise=False)


def test_a_layer_is_rebuilt_once_when_first_asked_for():
    frames = PackedFrames(
        {"farmland": PackedFrame.of(_awkward()), "land_use": PackedFrame.of(_awkward().iloc[:2])}
    )
    assert frames.unpacked() == ()
    assert len(frames) == 2 and list(frames) == ["farmland", "land_use"]
    assert "packed" in repr(frames)
    first = frames["farmland"]
    assert frames["farmland"] is first and frames.get("farmland") is first
    assert frames.unpacked() == ("farmland",)
    first.loc[10, "BSM"] = "changed"  # what a caller changes stays, as in a dict
    assert frames["farmland"].loc[10, "BSM"] == "changed"
    assert frames.get("nothing") is None
    with pytest.raises(KeyError):
        frames["nothing"]
    assert dict(frames.items())["land_use"] is frames["land_use"]
    assert frames.unpacked() == ("farmland", "land_use")


def test_threads_asking_at_once_get_the_same_frame():
    frames = PackedFrames({"farmland": PackedFrame.of(_awkward())})
    got, start = [], threading.Barrier(8)

    def ask():
        start.wait()
        got.append(frames["farmland"])

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(got) == 8 and all(g is got[0] for g in got)


def test_packed_frames_pickle_packed_or_not():
    frames = PackedFrames(
        {"farmland": PackedFrame.of(_awkward()), "land_use": PackedFrame.of(_awkward())}
    )
    frames["land_use"]
    again = pickle.loads(pickle.dumps(frames))
    assert again.unpacked() == ("land_use",)
    assert_geodataframe_equal(again["farmland"], _awkward(), check_less_precise=False)
    assert_geodataframe_equal(again["land_use"], _awkward(), check_less_precise=False)


@pytest.fixture
def nothing_kept(monkeypatch):
    """The process keeps no read between calls (as for reads larger than its limit)."""
    monkeypatch.setattr(filtered, "_CACHE", filtered._Cache(0))


def test_a_check_holds_its_pieces_and_features_packed_until_asked_for(write_gpkg, nothing_kept):
    farmland = frame(
        [
            {"BSM": "F1", "DLBM": "0101", "geometry": square(600, 0, 600, 1_000)},
            {"BSM": "F2", "DLBM": "0101", "geometry": square(5_000, 0, 100)},
        ]
    )
    path = write_gpkg(farmland=farmland)
    site = sites(square(0, 0, 1_000, 500))  # 400 × 500 m of F1 inside: 200,000 m²
    try:
        result = landcheck.check(
            site, layers={"farmland": f"{path}:farmland"}, area_method="planar"
        )
    finally:
        filtered.clear_cache()
    assert isinstance(result.pieces, PackedFrames) and isinstance(result.context, PackedFrames)
    assert result.pieces.unpacked() == () and result.context.unpacked() == ()
    assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(200_000.0, abs=1e-6)
    pieces = result.pieces["farmland"]
    assert pieces.geometry.area.sum() == pytest.approx(200_000.0, abs=1e-6)
    assert pieces["_id"].tolist() == ["F1"]
    context = result.context["farmland"]
    assert context["_id"].tolist() == ["F1"]  # F2 is 4 km away
    assert context.geometry.iloc[0].equals_exact(square(600, 0, 600, 1_000), 0.0)
    assert context.crs == result.analysis_crs
    assert result.pieces.unpacked() == ("farmland",)


def test_the_read_cache_keeps_vertices_up_to_its_limit_least_recent_first():
    cache = filtered._Cache(100)
    ring = frame([{"geometry": square(0, 0, 10)}])  # 5 vertices
    line_of = {n: frame([{"geometry": Point(0, 0).buffer(10, n)}]) for n in (4, 8)}
    vertices = {
        n: int(shapely.get_num_coordinates(f.geometry.values).sum()) for n, f in line_of.items()
    }
    assert vertices == {4: 17, 8: 33}
    cache.put(("a",), line_of[8])
    cache.put(("b",), line_of[8])
    cache.put(("c",), line_of[4])
    assert list(cache.frames) == [("a",), ("b",), ("c",)]  # 83 vertices
    assert cache.get(("a",)) is line_of[8]  # now the most recent
    cache.put(("d",), line_of[8])  # 116: the least recently used goes
    assert list(cache.frames) == [("c",), ("a",), ("d",)]
    assert sum(cache.vertices.values()) == 83
    cache.put(("e",), frame([{"geometry": Point(0, 0).buffer(10, 30)}]))  # 121 alone
    assert list(cache.frames) == []  # larger than the limit: kept by no one
    cache.put(("f",), ring)
    assert list(cache.frames) == [("f",)] and cache.vertices == {("f",): 5}
    cache.clear()
    assert cache.frames == {} and cache.vertices == {}


def test_a_check_shares_the_features_the_process_keeps_instead_of_packing_them(write_gpkg):
    farmland = frame(
        [
            {"BSM": "F1", "DLBM": "0101", "geometry": square(600, 0, 600, 1_000)},
            {"BSM": "F2", "DLBM": "0101", "geometry": square(5_000, 0, 100)},
        ]
    )
    path = write_gpkg(farmland=farmland)
    filtered.clear_cache()  # what earlier tests read
    try:
        result = landcheck.check(
            sites(square(0, 0, 1_000, 500)),
            layers={"farmland": f"{path}:farmland"},
            area_method="planar",
        )
        (kept,) = filtered._CACHE.frames.values()
        # the read is kept for the next call: the context is those very geometries, not a
        # packed copy of them; the pieces are the check's own, packed
        assert result.context.unpacked() == ("farmland",) and result.pieces.unpacked() == ()
        context = result.context["farmland"]
        assert context["_id"].tolist() == ["F1"]
        assert context.geometry.iloc[0] is kept.geometry.loc[kept["BSM"] == "F1"].iloc[0]
        assert result.pieces["farmland"].geometry.area.sum() == pytest.approx(200_000.0, abs=1e-6)
    finally:
        filtered.clear_cache()


def test_the_read_cache_says_whether_it_holds_geometries():
    cache = filtered._Cache(100)
    held = frame([{"geometry": square(0, 0, 10)}, {"geometry": square(20, 0, 10)}])
    other = frame([{"geometry": square(40, 0, 10)}])
    cache.put(("a",), held)
    cache.put(("b",), other)
    mine = np.asarray(held.geometry.values, dtype=object)
    both = np.array([mine[1], other.geometry.iloc[0], None], dtype=object)
    assert cache.holds(mine) and cache.holds(both)  # across frames; a missing one is none
    assert not cache.holds(np.array([mine[0], square(0, 0, 10)], dtype=object))  # equal, not it
    assert not cache.holds(np.array([], dtype=object))
    assert not cache.holds(np.array([None], dtype=object))
    cache.clear()
    assert not cache.holds(mine)


def test_a_report_rebuilds_the_outlines_once_before_its_writers_fork(
    write_gpkg, tmp_path, nothing_kept
):
    from landcheck.report import write_report

    farmland = frame([{"BSM": "F1", "DLBM": "0101", "geometry": square(600, 0, 600, 1_000)}])
    path = write_gpkg(farmland=farmland)
    try:
        result = landcheck.check(
            sites(square(0, 0, 1_000, 500)), layers={"farmland": f"{path}:farmland"}
        )
    finally:
        filtered.clear_cache()
    write_report(result, tmp_path / "json", formats="json")
    write_report(result, tmp_path / "txt", formats="txt")  # the sites' boundaries alone
    assert result.pieces.unpacked() == () and result.context.unpacked() == ()
    write_report(result, tmp_path / "gpkg", formats="gpkg")
    assert result.pieces.unpacked() == ("farmland",) and result.context.unpacked() == ("farmland",)
    written = tmp_path / "gpkg" / "landcheck.gpkg"
    overlaps = gpd.read_file(written, layer="overlaps")
    assert overlaps.geometry.area.sum() == pytest.approx(200_000.0, abs=1e-6)
    around = gpd.read_file(written, layer="context_farmland")
    assert around.geometry.area.tolist() == pytest.approx([600_000.0])


def test_a_frame_given_as_it_is_is_held_as_it_is():
    frame_ = _awkward()
    frames = PackedFrames({"farmland": frame_})
    assert frames.unpacked() == ("farmland",) and frames["farmland"] is frame_


def test_an_evaluation_whose_run_keeps_its_reads_shares_their_features(write_gpkg):
    farmland = frame([{"BSM": "F1", "DLBM": "0101", "geometry": square(600, 0, 600, 1_000)}])
    path = write_gpkg(farmland=farmland)
    run = landcheck.prepare(
        sites(square(0, 0, 1_000, 500)), layers={"farmland": f"{path}:farmland"}
    )
    first, again = landcheck.evaluate(run), landcheck.evaluate(run)
    # the run holds the features read: the context is those geometries, not a packed copy
    assert first.context.unpacked() == ("farmland",) == again.context.unpacked()
    assert first.context["farmland"].geometry.iloc[0] is again.context["farmland"].geometry.iloc[0]
    assert first.pieces.unpacked() == ()  # the pieces are the evaluation's own: packed
    assert first.pieces["farmland"].geometry.area.sum() == pytest.approx(200_000.0, abs=1e-6)


def test_a_check_without_geometry_has_nothing_to_pack():
    farmland = frame([{"BSM": "F1", "DLBM": "0101", "geometry": square(600, 0, 600, 1_000)}])
    lean = landcheck.check(
        sites(square(0, 0, 1_000, 500)),
        layers={"farmland": farmland},
        area_method="planar",
        keep_geometry=False,
    )
    assert type(lean.pieces) is dict and dict(lean.context) == {}
    assert lean.pieces["farmland"].geometry.isna().all()
    assert lean.pieces["farmland"]["planar_m2"].sum() == pytest.approx(200_000.0)
