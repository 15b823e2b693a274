"""Small GeoDataFrames built without the constructor's fixed cost, equal to its own."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from geopandas.array import from_shapely

from landcheck.geometry import geo_frame


@pytest.mark.parametrize("crs", ["EPSG:4523", None])
@pytest.mark.parametrize("rows", [0, 1, 3])
def test_geo_frame_is_the_frame_the_constructor_builds(crs, rows):
    columns = {"BSM": pd.array([f"F{i}" for i in range(rows)], dtype="str"), "N": np.arange(rows)}
    geoms = [shapely.box(i, 0, i + 1, 1) for i in range(rows)]
    index = pd.Index(np.arange(10, 10 + rows), name="fid")
    mine = geo_frame(columns, geoms, crs, index)
    expected = gpd.GeoDataFrame(columns, geometry=geoms, crs=crs, index=index)
    assert type(mine) is gpd.GeoDataFrame and mine.geometry.name == "geometry"
    pd.testing.assert_frame_equal(mine, expected, check_index_type=True)
    assert mine.crs == expected.crs


@pytest.mark.parametrize("crs", ["EPSG:4523", None])
def test_geo_frame_of_geometries_with_their_own_crs_is_the_constructors(crs):
    geoms = from_shapely([shapely.box(0, 0, 1, 1)], crs=4326)
    mine = geo_frame({"N": [1]}, geoms, crs)
    frame = pd.DataFrame({"N": [1], "geometry": geoms})
    expected = gpd.GeoDataFrame(frame, geometry="geometry", crs=crs)
    pd.testing.assert_frame_equal(mine, expected)
    assert mine.crs == expected.crs == (crs or "EPSG:4326")


@pytest.mark.parametrize("rows", [0, 1, 3])
@pytest.mark.parametrize("names", [("_id", "_code", "_name"), ("_id",)])
def test_a_layers_context_is_the_frame_selecting_and_the_constructor_build(rows, names):
    from landcheck.evaluation import _context

    columns = {
        "_id": pd.array([f"F{i}" for i in range(rows)], dtype="str"),
        "_code": pd.array(["0101"] * rows, dtype="str"),
        "_name": pd.array(["水田"] * rows, dtype="str"),
        "BSM": np.arange(rows),
    }
    columns = {k: v for k, v in columns.items() if k in names or k == "BSM"}
    geoms = [shapely.box(i, 0, i + 1, 1) for i in range(rows)]
    features = gpd.GeoDataFrame(
        columns, geometry=geoms, crs="EPSG:4523", index=pd.RangeIndex(5, 5 + rows)
    )
    mine = _context(features, features.crs)
    expected = gpd.GeoDataFrame(features[list(names)], geometry=features.geometry.values, crs=4523)
    pd.testing.assert_frame_equal(mine, expected, check_index_type=True)
    assert mine.crs == expected.crs and mine.geometry.name == "geometry"
    if rows:
        # the context's columns are its own: changing them leaves the features read as they were
        mine["_id"].array[0] = "changed"
        mine.geometry.values[0] = shapely.Point(0, 0)
        assert features["_id"].iloc[0] == "F0" and features.geometry.iloc[0].area == 1.0
