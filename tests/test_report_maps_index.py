"""Site maps look up what a batch shares once (R-trees, class lookups): the same maps."""

from __future__ import annotations

import gc

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from common import GK35
from report_case import result
from shapely import Point, Polygon, box

from landcheck.report import mapcache, maps


def _in_view(frame, window, *, indexed=False):
    return mapcache.in_window(frame, box(*window), indexed=indexed)


def test_the_indexed_search_finds_exactly_what_testing_every_feature_finds(monkeypatch):
    geometries = [box(x * 10, y * 10, x * 10 + 8, y * 10 + 8) for x in range(30) for y in range(30)]
    geometries += [None, Polygon(), Point(145, 110).buffer(1)]
    frame = gpd.GeoDataFrame(geometry=geometries, crs=GK35)
    monkeypatch.setattr(mapcache, "INDEXED_FROM", 1)
    for window in [(0, 0, 5, 5), (95, 95, 155, 121), (-50, -50, -1, -1), (8, 8, 10, 10)]:
        every = _in_view(frame, window)
        indexed = _in_view(frame, window, indexed=True)
        assert indexed.dtype == bool and np.array_equal(every, indexed)
    # (95, 95)-(155, 121): columns 9..15 by rows 9..12 (7 x 4 squares) and the small circle
    assert int(_in_view(frame, (95, 95, 155, 121), indexed=True).sum()) == 7 * 4 + 1
    assert len(mapcache._TREES) == 1  # one tree, kept for the next window


def test_a_tree_goes_with_its_frame(monkeypatch):
    monkeypatch.setattr(mapcache, "INDEXED_FROM", 1)
    frame = gpd.GeoDataFrame(geometry=[box(0, 0, 5, 5)], crs=GK35)
    _in_view(frame, (0, 0, 1, 1), indexed=True)
    key = id(frame)
    del frame
    gc.collect()
    other = gpd.GeoDataFrame(geometry=[box(50, 50, 55, 55)], crs=GK35)
    assert _in_view(other, (0, 0, 1, 1), indexed=True).tolist() == [False]
    assert key not in mapcache._TREES or mapcache._TREES[key][0]() is other


def test_maps_drawn_through_the_trees_are_the_same_pictures(monkeypatch):
    case = result()
    before = [maps.map_png(case, site_id) for site_id in case.site_ids]
    monkeypatch.setattr(mapcache, "INDEXED_FROM", 1)
    assert [maps.map_png(case, site_id) for site_id in case.site_ids] == before
    assert mapcache._TREES and mapcache._LOOKUPS  # the trees and lookups were used


def test_a_code_lookup_is_built_once_and_is_the_tables_last_value():
    table = pd.DataFrame(
        {
            "layer": ["land_use", "land_use", "zones", "land_use"],
            "code": ["0101", "0702", "0101", "0101"],
            "level1": ["01", "07", None, "01x"],
        }
    )
    found = mapcache.code_lookup(table, "land_use", "level1")
    assert found == {"0101": "01x", "0702": "07"}
    assert mapcache.code_lookup(table, "land_use", "level1") is found
    assert mapcache.code_lookup(table, "zones", "level1") == {"0101": ""}


def test_a_small_frame_searched_for_every_map_is_prepared_once():
    geometries = [Point(0, 0).buffer(50, quad_segs=2000), box(200, 200, 210, 210), None]
    frame = gpd.GeoDataFrame(geometry=geometries, crs=GK35)
    for window in [(0, 0, 5, 5), (100, 100, 150, 150), (205, 205, 300, 300)]:
        every = _in_view(frame, window)
        assert np.array_equal(_in_view(frame, window, indexed=True), every)
    kept = mapcache.kept_geometries(frame)
    assert shapely.is_prepared(kept[:2]).all()
    assert not shapely.is_prepared(frame.geometry.values[2:]).any()  # nothing to prepare


def test_a_small_frame_s_features_are_found_and_prepared_once_for_all_the_maps(monkeypatch):
    """The features a small frame tests whole (not a many-part one, asked by its parts) are
    found and prepared once for the batch, not again for every map's window."""
    grid = shapely.MultiPolygon([box(i, 300, i + 0.5, 301) for i in range(100)])  # by parts
    geometries = [Point(0, 0).buffer(50, quad_segs=500), box(200, 200, 210, 210), grid, None]
    frame = gpd.GeoDataFrame(geometry=geometries, crs=GK35)
    prepared = []
    prepare = shapely.prepare
    monkeypatch.setattr(shapely, "prepare", lambda g: (prepared.append(len(g)), prepare(g)))
    windows = [(0, 0, 5, 5), (100, 100, 150, 150), (205, 205, 300, 300), (10, 299, 11, 302)]
    for window in windows * 3:
        every = _in_view(frame, window)
        assert np.array_equal(_in_view(frame, window, indexed=True), every), window
    assert prepared == [len(frame)]
    assert _in_view(frame, (10, 299, 11, 302), indexed=True).tolist() == [False, False, True, False]
