"""Each site's fields as the rules read them: the records of the frame without its geometry."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landcheck.evaluation import _site_records


def _same(left, right):
    if type(left) is not type(right):
        return False
    if isinstance(left, float) and math.isnan(left):
        return math.isnan(right)
    return left is right if left is pd.NA or left is pd.NaT else bool(left == right)


def test_site_records_are_the_records_of_the_frame_without_its_geometry():
    frame = gpd.GeoDataFrame(
        {
            "site_id": pd.array(["A", "B", None], dtype="str"),
            "planar_m2": [1.5, np.nan, 3.0],
            "count": np.array([1, 2, 3], dtype=np.int64),
            "linear": [True, False, True],
            "code": pd.array([1, None, 3], dtype="Int64"),
            "when": pd.to_datetime(["2026-01-01", None, "2026-03-01"]),
            "mixed": np.array(["x", None, 7], dtype=object),
            "name": ["甲", "乙", "丙"],
        },
        geometry=[shapely.box(0, 0, 1, 1)] * 3,
        crs=4523,
    )
    expected = pd.DataFrame(frame.drop(columns="geometry")).to_dict("records")
    got = _site_records(frame)
    assert [list(r) for r in got] == [list(r) for r in expected]
    for mine, theirs in zip(got, expected, strict=True):
        assert all(_same(mine[k], theirs[k]) for k in theirs), (mine, theirs)
    assert "geometry" in frame  # the frame keeps its geometry
