"""A site field named like an area landcheck measures is the site's attribute, kept apart."""

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
    assert "'planar_m2', 'ellipsoidal_m2'" in said[0]
    assert "kept as 'planar_m2_1', 'ellipsoidal_m2_1'" in said[0]
    assert '"planar_m2": 40000.0' in dumps(result)
