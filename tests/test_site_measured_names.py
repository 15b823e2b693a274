"""A field named like a column landcheck makes is the user's attribute, kept apart."""

from __future__ import annotations

import geopandas as gpd
from common import GK35, sites, square

from landcheck import check
from landcheck.report.json import dumps


def test_a_site_field_named_like_a_measured_area_is_kept_under_a_free_name():
    farmland = gpd.GeoDataFrame({"BSM": ["F1"]}, geometry=[square(0, 0, 1000)], crs=GK35)
    given = sites(
        square(100, 100, 200),  # inside the farmland: 40,000 m², all of it taken
        square(900, 400, 200),  # across its east edge: 20,000 m² of 40,000
        planar_m2=[1.0, 2.0],
        ellipsoidal_m2=["typed", "by hand"],
    )
    result = check(given, layers={"farmland": farmland}, area_method="planar")
    first, second = (result.layer(site, "farmland") for site in ("S1", "S2"))
    assert (first.overlap.planar_m2, first.share, first.uncovered.planar_m2) == (40_000.0, 1.0, 0.0)
    assert (second.overlap.planar_m2, second.share) == (20_000.0, 0.5)
    assert second.uncovered.planar_m2 == 20_000.0
    assert result.sites["planar_m2"].tolist() == [40_000.0, 40_000.0]
    assert result.sites["planar_m2_1"].tolist() == [1.0, 2.0]
    assert result.sites["ellipsoidal_m2_1"].tolist() == ["typed", "by hand"]
    assert list(result.sites.columns).count("planar_m2") == 1
    said = [w for w in result.warnings if "planar_m2_1" in w]
    assert len(said) == 1
    assert "fields 'planar_m2', 'ellipsoidal_m2' are named like an area" in said[0]
    assert "kept as 'planar_m2_1', 'ellipsoidal_m2_1'" in said[0]
    assert '"planar_m2": 40000.0' in dumps(result)


def test_a_layer_field_named_like_a_column_landcheck_makes_is_not_read_as_it():
    farmland = gpd.GeoDataFrame(
        {"BSM": ["F1"], "_id": ["X9"], "_feature_m2": [1.0], "_ownership": ["hostile"]},
        geometry=[square(0, 0, 1000)],
        crs=GK35,
    )
    result = check(
        sites(square(100, 100, 200), square(900, 400, 200)),
        layers={"farmland": farmland},
        area_method="planar",
    )
    first, second = (result.layer(site, "farmland") for site in ("S1", "S2"))
    assert (first.overlap.planar_m2, second.overlap.planar_m2) == (40_000.0, 20_000.0)
    assert first.features["feature_id"].tolist() == ["F1"]  # the mapped id, not the field _id
    pieces = result.pieces["farmland"]
    assert "_ownership" not in pieces.columns  # an unmapped field is no ownership
    assert pieces["_feature_m2"].tolist() == [1_000_000.0, 1_000_000.0]  # measured, not 1.0
    assert result.context["farmland"]["_id"].tolist() == ["F1"]
    said = [w for w in result.warnings if "_ownership_1" in w]
    assert len(said) == 1
    assert "layer 'farmland': fields '_id', '_feature_m2', '_ownership' are named like" in said[0]
