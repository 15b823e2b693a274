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
