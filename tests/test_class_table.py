"""``CheckResult.class_table`` built per layer from the numpy rows, not per site.

The frame must be exactly the one concatenating a frame per site and layer
gave (the reference below, the implementation it replaced): same rows in the
same order, same columns in the same order, same dtypes. Compared on the
sample county's candidates and on a generated batch whose first site lies
outside every layer and whose sites meet the land-use and planning layers in
different combinations.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pandas.testing import assert_frame_equal

from landcheck import check


def _class_table_site_by_site(result) -> pd.DataFrame:
    """One frame per (site, layer) with class rows, concatenated."""
    frames = []
    for sid, views in zip(result.sites["site_id"], result.site_layers, strict=True):
        for key, view in views.items():
            rows = view.class_rows
            if not len(rows) or rows.rows is None or not rows.rows.columns:
                continue
            data = {
                name: values[rows.start : rows.stop] for name, values in rows.rows.columns.items()
            }
            index = rows.rows.index
            ordered = {index: data.pop(index)} if index else {}
            frames.append(pd.DataFrame({"site_id": sid, "layer": key, **ordered, **data}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


@pytest.fixture(scope="module")
def sample_gpkg_path(sample_layers):
    return sample_layers["land_use"].rpartition(":")[0]


def test_the_sample_candidates_table_is_the_site_by_site_one(sample_layers, sample_gpkg_path):
    result = check(f"{sample_gpkg_path}:candidates", layers=sample_layers)
    table = result.class_table
    assert set(table["layer"]) >= {"land_use", "planning_zones"}
    assert_frame_equal(table, _class_table_site_by_site(result))


def test_a_generated_batch_table_is_the_site_by_site_one(sample_layers, sample_gpkg_path):
    land_use = gpd.read_file(sample_gpkg_path, layer="land_use")
    x0, y0, x1, y1 = land_use.total_bounds
    rng = np.random.default_rng(20261202)
    boxes = []
    for _ in range(60):
        x = rng.uniform(x0, x1 - 600)
        y = rng.uniform(y0, y1 - 600)
        boxes.append(shapely.box(x, y, x + rng.uniform(50, 600), y + rng.uniform(50, 600)))
    far = shapely.box(x1 + 50_000, y1 + 50_000, x1 + 50_300, y1 + 50_300)  # outside every layer
    sites = gpd.GeoDataFrame(
        {"site_id": [f"G{i:02d}" for i in range(61)]}, geometry=[far, *boxes], crs=land_use.crs
    )
    layers = {k: sample_layers[k] for k in ("land_use", "planning_zones", "farmland")}
    result = check(sites, layers=layers, workers=1)
    table = result.class_table
    reference = _class_table_site_by_site(result)
    assert "G00" not in set(table["site_id"])  # the first site has no class rows
    assert len(table) == len(reference) > 60
    assert_frame_equal(table, reference)
    # each site's land-use classes add up to its land-use overlap (net classes + field ridges)
    mine = table[(table["layer"] == "land_use") & (table["site_id"] == "G01")]
    overlap = result.layer_area("G01", "land_use").planar_m2
    assert overlap > 0
    assert mine["planar_m2"].sum() == pytest.approx(overlap, rel=1e-9)


def test_no_class_rows_give_an_empty_frame():
    x, y = 35_500_000, 2_700_000
    site = gpd.GeoDataFrame(
        {"site_id": ["S1"]}, geometry=[shapely.box(x, y, x + 100, y + 100)], crs=4523
    )
    farmland = gpd.GeoDataFrame(
        {"BSM": ["F1"]}, geometry=[shapely.box(x, y, x + 50, y + 100)], crs=4523
    )
    result = check(site, layers={"farmland": farmland}, area_method="planar")
    assert result.class_table.empty
    assert _class_table_site_by_site(result).empty
