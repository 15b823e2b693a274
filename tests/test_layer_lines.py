"""A layer of areas drawn as lines or points near the sites is not evidence of absence.

A farmland parcel exported from CAD as its outline (a polyline), or as a point,
covers nothing: the site read "does not take permanent basic farmland". Near a
site such features make the layer's checks ``unknown`` there; the other sites
are checked on the layer's polygons, and far from every site the features are
only counted, as before.
"""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely import LineString, Point

import landcheck
from tests.common import GK35, X0, Y0, county, frame, sites, square


def _farmland(*geoms) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"BSM": [f"F{i}" for i in range(1, len(geoms) + 1)]}, geometry=list(geoms), crs=GK35
    )


def _statuses(farmland: gpd.GeoDataFrame) -> dict[str, str]:
    result = landcheck.check(
        sites(square(0, 0, 100)),
        layers={"farmland": farmland},
        coverage=county(),
        area_method="planar",
    )
    return {f.check: f.status for f in result.site_findings("S1")}


@pytest.mark.parametrize(
    "geometry",
    [
        LineString([(X0 - 50, Y0 + 50), (X0 + 150, Y0 + 50)]),  # a line across the site
        square(50, 0, 100).exterior,  # a parcel covering half the site, drawn as its outline
        Point(X0 + 50, Y0 + 50),  # a point inside the site
    ],
    ids=["line", "outline", "point"],
)
def test_lines_or_points_near_the_site_make_the_farmland_checks_unknown(geometry):
    statuses = _statuses(_farmland(geometry))
    assert statuses["permanent_farmland"] == "unknown"
    assert statuses["farmland_proximity"] == "unknown"


def test_a_line_far_from_the_sites_leaves_the_layer_usable():
    far = LineString([(X0 + 5_000, Y0), (X0 + 5_100, Y0)])
    result = landcheck.check(
        sites(square(0, 0, 100)),
        layers={"farmland": _farmland(square(300, 0, 100), far)},
        coverage=county(),
        area_method="planar",
    )
    farmland = next(f for f in result.site_findings("S1") if f.check == "permanent_farmland")
    assert farmland.status == "not_involved"
    assert not any("could not be used" in w for w in result.warnings)


def test_a_land_use_survey_with_linear_features_is_read_as_before():
    # a 二调 survey's linear features are lines: what its polygons cover is what counts
    survey = frame(
        [
            {"BSM": "L1", "DLBM": "0103", "geometry": square(-50, -50, 200)},
            {
                "BSM": "L2",
                "DLBM": "1107",
                "geometry": LineString([(X0, Y0 + 50), (X0 + 100, Y0 + 50)]),
            },
        ]
    )
    result = landcheck.check(
        sites(square(0, 0, 100)),
        layers={"land_use": survey},
        coverage=county(),
        area_method="planar",
    )
    cultivated = next(f for f in result.site_findings("S1") if f.check == "cultivated_land")
    assert cultivated.status != "unknown"
    assert cultivated.area.m2 == pytest.approx(10_000.0)


def _two_sites(farmland: gpd.GeoDataFrame, keep_geometry: bool = True) -> landcheck.CheckResult:
    # A and B, 100 m squares 10 km apart; the farmland polygon takes 50 m × 50 m of A
    return landcheck.check(
        sites(square(-5_000, 0, 100), square(5_000, 0, 100), site_id=["A", "B"]),
        layers={"farmland": farmland},
        coverage=county(),
        area_method="planar",
        keep_geometry=keep_geometry,
    )


def _farmland_finding(result: landcheck.CheckResult, site: str):
    return next(f for f in result.site_findings(site) if f.check == "permanent_farmland")


@pytest.mark.parametrize("keep_geometry", [True, False])
def test_a_line_near_one_site_makes_the_layer_unknown_at_that_site_alone(keep_geometry):
    parcel = square(-5_050, 50, 100)
    line = LineString([(X0 + 4_950, Y0 + 50), (X0 + 5_150, Y0 + 50)])  # across B
    alone = _farmland_finding(_two_sites(_farmland(parcel)), "A")
    result = _two_sites(_farmland(parcel, line), keep_geometry)
    a, b = _farmland_finding(result, "A"), _farmland_finding(result, "B")
    assert result.layer_area("A", "farmland").planar_m2 == pytest.approx(2_500.0)
    assert a.status == alone.status != "unknown"
    assert a.area.m2 == pytest.approx(2_500.0)
    assert b.status == "unknown"
    assert "feature F2 near the site is a line or a point" in b.message.en
    layers = {s["site_id"]: s["layers"]["farmland"] for s in result.to_dict()["sites"]}
    assert layers["A"]["available"] and "reason" not in layers["A"]
    assert not layers["B"]["available"]
    assert layers["B"]["reason"].startswith("layer 'farmland': feature F2 near the site is")
    assert any("unknown at the sites near them: B" in w for w in result.warnings)
