"""The prepared sites' frame is the one concatenating the prepared columns and the fields gives."""

from __future__ import annotations

import datetime

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from landcheck.sites import SITE_COLUMNS, _prepared_frame


def by_concat(normalised, fields, geoms, crs):
    attributes = fields.reset_index(drop=True)
    attributes = attributes.drop(columns=[c for c in SITE_COLUMNS if c in attributes.columns])
    columns = pd.concat([pd.DataFrame(normalised), attributes], axis=1)
    return gpd.GeoDataFrame(columns, geometry=geoms, crs=crs)


def fields_of(n, **extra):
    columns = {
        "XMMC": pd.array([f"项目{i}" for i in range(n)], dtype="str"),
        "N": np.arange(n, dtype=np.int64),
        "TBMJ": np.linspace(0.5, 2.0, n) if n else np.zeros(0),
        "GAPS": pd.array([None if i % 2 else i for i in range(n)], dtype="Int64"),
        "OK": np.array([i % 2 == 0 for i in range(n)]),
        "DAY": pd.to_datetime([datetime.date(2026, 1, 1 + i) for i in range(n)]),
        "MIXED": pd.Series([1 if i % 2 else "a" for i in range(n)], dtype=object),
        "name": pd.array([f"n{i}" for i in range(n)], dtype="str"),
        **extra,
    }
    return pd.DataFrame(columns, index=pd.Index(np.arange(10, 10 + n), name="fid"))


@pytest.mark.parametrize("n", [0, 1, 3])
@pytest.mark.parametrize("extra", [{}, {"planar_m2": "x"}, {"geometry": "y"}])
def test_prepared_frame_is_the_concatenated_one(n, extra):
    fields = fields_of(n, **{k: [v] * n for k, v in extra.items()})
    geoms = np.array([shapely.box(i, 0, i + 1, 1) for i in range(n)], dtype=object)
    normalised = {
        "site_id": np.array([f"S{i}" for i in range(n)], dtype=object),
        "name": np.array(["" for _ in range(n)], dtype=object),
        "project_class": np.array([None] * n, dtype=object),
        "linear": np.zeros(n, dtype=bool),
        "planar_m2": shapely.area(geoms),
        "ellipsoidal_m2": shapely.area(geoms) * 0.99,
    }
    mine = _prepared_frame(dict(normalised), fields, geoms, "EPSG:4523")
    expected = by_concat(dict(normalised), fields, geoms, "EPSG:4523")
    assert type(mine) is gpd.GeoDataFrame and mine.geometry.name == expected.geometry.name
    pd.testing.assert_frame_equal(mine, expected, check_index_type=True)
    assert mine.crs == expected.crs
    mine.loc[mine.index[:1], "XMMC"] = "changed"  # the fields read are not the frame's
    assert "changed" not in fields["XMMC"].tolist()
