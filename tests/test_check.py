"""Analytic tests of the pre-examination: answers known by construction."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
import yaml
from common import GK35, X0, Y0, county, frame, sites, square, write_without_crs
from pyproj import CRS, Geod, Transformer
from shapely import Polygon

import landcheck
from landcheck.errors import AnalysisCRSError, DataSourceError, InputDataError
from landcheck.io.profiles import builtin_profile_text
from landcheck.profile import Profile

PLANAR = {"area_method": "planar"}
DESCRIBED = {"coverage": county()}
"""The layers describe the test county (their few features alone span too little)."""


def farmland(*geoms):
    return frame([{"BSM": f"F{i + 1}", "DLBM": "0101", "geometry": g} for i, g in enumerate(geoms)])


def test_overlapping_squares_take_exactly_150000_m2():
    site = sites(square(0, 0, 1000, 500))
    result = landcheck.check(
        site, layers={"farmland": farmland(square(700, 0, 1300, 1000))}, **PLANAR
    )
    area = result.layer_area("S1", "farmland")
    assert area.planar_m2 == pytest.approx(150_000.0, rel=1e-12)
    assert area.ha == pytest.approx(15.0)
    assert area.mu == pytest.approx(225.0)
    assert result.layer("S1", "farmland").share == pytest.approx(0.3)
    finding = result.site_findings("S1")[0]
    assert finding.check == "permanent_farmland"
    assert finding.status == "prohibited"
    assert "15.0000 公顷" in finding.message.zh and "225.00 亩" in finding.message.zh


def test_feature_touching_along_an_edge_takes_nothing():
    site = sites(square(0, 0, 100))
    result = landcheck.check(
        site, layers={"farmland": farmland(square(100, 0, 100))}, **PLANAR, **DESCRIBED
    )
    assert result.layer_area("S1", "farmland").planar_m2 == 0.0
    assert result.layer("S1", "farmland").features.empty
    assert result.site_findings("S1")[0].status == "not_involved"


def test_overlapping_features_of_one_layer_are_counted_once():
    # two farmland squares overlap each other by 50 x 100 inside the site
    layer = farmland(square(0, 0, 100), square(50, 0, 100))
    site = sites(square(0, 0, 200, 100))
    result = landcheck.check(site, layers={"farmland": layer}, **PLANAR)
    view = result.layer("S1", "farmland")
    assert view.overlap.planar_m2 == pytest.approx(15_000.0)
    # the per-feature listing shows each feature's own overlap
    assert sorted(view.features["planar_m2"]) == pytest.approx([10_000.0, 10_000.0])
    assert any("counted once" in w for w in result.warnings)


def test_site_with_a_hole():
    outer = [(X0, Y0), (X0 + 100, Y0), (X0 + 100, Y0 + 200), (X0, Y0 + 200)]
    hole = [(X0 + 10, Y0 + 10), (X0 + 20, Y0 + 10), (X0 + 20, Y0 + 20), (X0 + 10, Y0 + 20)]
    site = sites(Polygon(outer, [hole]))
    # farmland covers the hole and 10 m around it: 30 x 30 - 10 x 10 = 800 m² inside the site
    result = landcheck.check(site, layers={"farmland": farmland(square(0, 0, 30))}, **PLANAR)
    assert result.sites.loc[0, "planar_m2"] == pytest.approx(19_900.0)
    assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(800.0)


def test_bowtie_site_is_repaired_into_its_two_triangles():
    bowtie = Polygon([(X0, Y0), (X0 + 100, Y0 + 100), (X0 + 100, Y0), (X0, Y0 + 100)])
    result = landcheck.check(
        sites(bowtie), layers={"farmland": farmland(square(0, 0, 50, 100))}, **PLANAR
    )
    assert result.sites.loc[0, "planar_m2"] == pytest.approx(5_000.0)
    # the left triangle (apex at the centre) lies wholly inside the farmland
    assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(2_500.0)
    sites_input = next(r for r in result.inputs if r.role == "sites")
    assert sites_input.geometry["repaired"] == 1
    assert any("1 invalid geometries repaired" in w for w in result.warnings)


def test_site_in_lonlat_against_layers_in_gauss_kruger():
    to_lonlat = Transformer.from_crs(GK35, 4490, always_xy=True)
    site_gk = square(0, 0, 1000)
    site_ll = shapely.transform(site_gk, lambda xy: np.column_stack(to_lonlat.transform(*xy.T)))
    site = sites(site_ll, crs="EPSG:4490")
    result = landcheck.check(site, layers={"farmland": farmland(square(500, 0, 1000))})
    # the layers' projected CRS is chosen, and recorded
    assert result.analysis_crs.to_epsg() == 4523
    assert result.to_dict()["analysis_crs"] == "EPSG:4523"
    # half the site: equal to 500,000 m² up to the curvature of edges projected back
    assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(500_000.0, rel=1e-6)


def test_auto_crs_is_the_gauss_kruger_zone_of_lonlat_sites():
    site = sites(shapely.box(103.70, 24.50, 103.71, 24.51), crs="EPSG:4490")
    layer = farmland(shapely.box(103.705, 24.50, 103.72, 24.51)).set_crs(4490, allow_override=True)
    result = landcheck.check(site, layers={"farmland": layer})
    assert result.analysis_crs.to_epsg() == 4523
    assert "zone 35" in result.crs_reason


def test_sliver_is_a_boundary_precision_note_not_a_conflict():
    site = sites(square(0, 0, 100))
    # 0.05 m x 100 m strip: 5 m², thinner than the 0.1 m default width tolerance
    result = landcheck.check(
        site, layers={"farmland": farmland(square(99.95, 0, 10, 100))}, **PLANAR, **DESCRIBED
    )
    assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(5.0)
    finding = result.site_findings("S1")[0]
    assert (finding.status, finding.outcome) == ("info", "sliver")
    assert "5.00" in finding.message.zh


def test_sub_square_metre_overlap_is_never_a_conflict():
    site = sites(square(0, 0, 100))
    # 0.5 m x 1 m = 0.5 m², 0.5 m wide: not thin, but under 1 m²
    result = landcheck.check(
        site, layers={"farmland": farmland(square(99.5, 0, 10, 1))}, **PLANAR, **DESCRIBED
    )
    assert result.site_findings("S1")[0].outcome == "sliver"


def test_missing_layer_gives_unknown_never_not_involved():
    result = landcheck.check(
        sites(square(0, 0, 100)), layers={"farmland": farmland(square(500, 0, 10))}, **DESCRIBED
    )
    by_check = {f.check: f for f in result.site_findings("S1")}
    assert by_check["permanent_farmland"].status == "not_involved"
    for check in (
        "eco_redline",
        "urban_boundary",
        "cultivated_land",
        "agricultural_conversion",
        "planning_conformity",
    ):
        assert by_check[check].status == "unknown"
        assert "not supplied" in by_check[check].message.en
    assert result.status("S1") == "unknown"


def land_use():
    """A 200 x 100 site over three parcels and 20 x 100 m the survey does not cover."""
    return frame(
        [
            {
                "BSM": "a",
                "DLBM": "0101",
                "DLMC": "水田",
                "KCXS": 0.1,
                "TBMJ": 10_000.0,
                "geometry": square(0, 0, 100),
            },
            {
                "BSM": "b",
                "DLBM": "0103",
                "DLMC": "旱地",
                "KCXS": 0.2,
                "TBMJ": 6_000.0,
                "geometry": square(100, 0, 50, 100),
            },
            {
                "BSM": "c",
                "DLBM": "0702",
                "DLMC": "农村宅基地",
                "KCXS": 0.0,
                "TBMJ": 3_000.0,
                "geometry": square(150, 0, 30, 100),
            },
        ]
    )


def test_class_areas_plus_uncovered_equal_the_site_area():
    result = landcheck.check(
        sites(square(0, 0, 200, 100)), layers={"land_use": land_use()}, **PLANAR
    )
    view = result.layer("S1", "land_use")
    classes = view.classes
    assert classes.loc["0101", "planar_m2"] == pytest.approx(9_000.0)
    assert classes.loc["0103", "planar_m2"] == pytest.approx(4_000.0)
    assert classes.loc["0702", "planar_m2"] == pytest.approx(3_000.0)
    # field ridges: 10 % of 10,000 + 20 % of 5,000, reported under 1203
    assert classes.loc["1203", "planar_m2"] == pytest.approx(2_000.0)
    assert view.uncovered.planar_m2 == pytest.approx(2_000.0)
    total = classes["planar_m2"].sum() + view.uncovered.planar_m2
    assert total == pytest.approx(result.sites.loc[0, "planar_m2"], rel=1e-12)
    ell = classes["ellipsoidal_m2"].sum() + view.uncovered.ellipsoidal_m2
    assert ell == pytest.approx(result.sites.loc[0, "ellipsoidal_m2"], rel=1e-12)
    # the official parcel area is shared out in proportion: parcel b is half inside? no, whole
    assert classes.loc["0101", "survey_m2"] == pytest.approx(9_000.0)


def test_land_use_rollups_and_cultivated_split():
    result = landcheck.check(
        sites(square(0, 0, 180, 100)), layers={"land_use": land_use()}, **PLANAR
    )
    layer = result.to_dict()["sites"][0]["layers"]["land_use"]
    assert layer["categories"]["农用地"]["planar_m2"] == pytest.approx(15_000.0)
    assert layer["categories"]["建设用地"]["planar_m2"] == pytest.approx(3_000.0)
    assert layer["cultivated"]["total"]["planar_m2"] == pytest.approx(13_000.0)
    assert layer["cultivated"]["0101"]["planar_m2"] == pytest.approx(9_000.0)
    assert layer["cultivated"]["0103"]["planar_m2"] == pytest.approx(4_000.0)
    assert layer["tiankan"]["planar_m2"] == pytest.approx(2_000.0)
    by_check = {f.check: f for f in result.site_findings("S1")}
    cultivated = by_check["cultivated_land"]
    assert cultivated.status == "conditional"
    assert cultivated.area.planar_m2 == pytest.approx(13_000.0)
    assert (
        "水田 0.9000 公顷" in cultivated.message.zh and "田坎 0.2000 公顷" in cultivated.message.zh
    )
    conversion = by_check["agricultural_conversion"]
    assert conversion.area.planar_m2 == pytest.approx(15_000.0)
    assert conversion.status == "conditional"


def test_land_use_not_covering_the_site_is_unknown():
    result = landcheck.check(
        sites(square(0, 0, 200, 100)), layers={"land_use": land_use()}, **PLANAR
    )
    by_check = {f.check: f for f in result.site_findings("S1")}
    assert by_check["cultivated_land"].status == "unknown"
    assert "2000.00 m²" in by_check["cultivated_land"].message.en


def test_partial_parcel_gets_its_share_of_the_official_area():
    # the site takes the left 40 m of parcel a: 40 % of TBMJ 10,000 = 4,000, less 10 % ridges
    result = landcheck.check(
        sites(square(0, 0, 40, 100)), layers={"land_use": land_use()}, **PLANAR
    )
    classes = result.layer("S1", "land_use").classes
    assert classes.loc["0101", "survey_m2"] == pytest.approx(3_600.0)
    assert classes.loc["1203", "survey_m2"] == pytest.approx(400.0)


def test_ellipsoidal_area_matches_pyproj_geod():
    polygon = Polygon([(X0, Y0), (X0 + 900, Y0 + 100), (X0 + 700, Y0 + 800), (X0 - 100, Y0 + 600)])
    result = landcheck.check(sites(polygon), layers={"farmland": farmland(square(5000, 0, 10))})
    to_lonlat = Transformer.from_crs(GK35, CRS.from_epsg(4490), always_xy=True)
    x, y = np.asarray(polygon.exterior.coords).T
    lon, lat = to_lonlat.transform(x, y)
    expected, _ = Geod(a=6378137.0, rf=298.257222101).polygon_area_perimeter(lon, lat)
    # both round edge terms of about 2e9 m² here: they agree to 1e-12, each 2e-6 m² off the exact
    assert result.sites.loc[0, "ellipsoidal_m2"] == pytest.approx(abs(expected), rel=1e-11)
    # 80 km west of the central meridian the plane is about 0.016 % larger
    ratio = result.sites.loc[0, "planar_m2"] / result.sites.loc[0, "ellipsoidal_m2"]
    assert 1.0001 < ratio < 1.0003
    assert result.to_dict()["area_method"] == "ellipsoidal"


def test_an_old_project_class_with_its_plan_decides_farmland_outcome():
    # 自然资规〔2018〕3号 item 1 names airports, railways and roads in a national plan: a
    # railway with its plan is on it; "transport" (未细分: a port, a waterway?) is not, even
    # with the plan, nor is a class alone or an industrial project
    layer = farmland(square(0, 0, 100))
    site = sites(
        *[square(0, 0, 100)] * 4,
        project_class=["", "transport", "工业项目", "transport"],
        project_type=["railway", None, None, None],
        plan_level=["national", "national", None, None],
        plan_ref=["国家铁路网规划", "国家公路网规划", None, None],
    )
    result = landcheck.check(site, layers={"farmland": layer}, **PLANAR)
    assert result.site_findings("S1")[0].outcome == "state_council"
    assert result.site_findings("S1")[0].status == "conditional"
    assert result.site_findings("S2")[0].outcome == "relocate"
    assert result.site_findings("S3")[0].outcome == "relocate"
    assert result.site_findings("S4")[0].outcome == "relocate"


def test_a_batch_where_only_some_sites_give_a_class_is_checked():
    # the class column is text: the site without one held NaN, and the rules' titles
    # ended in "internal error: AttributeError" for the whole batch
    layer = farmland(square(0, 0, 300))
    site = sites(square(0, 0, 100), square(200, 0, 100), project_class=["", "industrial"])
    result = landcheck.check(site, layers={"farmland": layer}, **PLANAR)
    assert [result.site_findings(s)[0].outcome for s in ("S1", "S2")] == ["relocate"] * 2
    assert "未注明类型的项目" in result.site_findings("S1")[0].message.zh


def urban_boundary():
    return frame(
        [{"BSM": "U1", "GHFQDM": "0401", "GHFQMC": "城镇集中建设区", "geometry": square(0, 0, 100)}]
    )


@pytest.mark.parametrize(
    ("geometry", "project_class", "outcome", "status"),
    [
        (square(10, 10, 50), "industrial", "inside", "not_involved"),
        (square(50, 0, 100), "industrial", "not_permitted", "prohibited"),
        (square(50, 0, 100), "energy", "permitted_outside", "info"),
        (square(500, 0, 100), "water", "permitted_outside", "info"),
    ],
)
def test_urban_boundary_outcomes(geometry, project_class, outcome, status):
    site = sites(geometry, project_class=[project_class])
    result = landcheck.check(
        site, layers={"urban_boundary": urban_boundary()}, **PLANAR, **DESCRIBED
    )
    finding = next(f for f in result.site_findings("S1") if f.check == "urban_boundary")
    assert (finding.outcome, finding.status) == (outcome, status)
    if outcome == "not_permitted":
        assert finding.area.planar_m2 == pytest.approx(5_000.0)


def test_linear_site_from_a_line_with_a_width():
    line = shapely.LineString([(X0, Y0 + 50), (X0 + 1000, Y0 + 50)])
    site = sites(line, project_type=["county_road"], plan_level=["县级"], plan_ref=["县规划"])
    redline = frame([{"BSM": "R1", "geometry": square(400, 0, 200)}])
    result = landcheck.check(site, layers={"eco_redline": redline}, width=20.0, **PLANAR)
    assert result.sites.loc[0, "planar_m2"] == pytest.approx(20_000.0)
    assert bool(result.sites.loc[0, "linear"])
    finding = next(f for f in result.site_findings("S1") if f.check == "eco_redline")
    assert finding.outcome == "permitted_activity"  # 142号 item 6
    assert finding.area.planar_m2 == pytest.approx(4_000.0)


def test_line_site_without_width_is_a_clear_error():
    line = shapely.LineString([(X0, Y0), (X0 + 10, Y0)])
    with pytest.raises(InputDataError, match="--width"):
        landcheck.check(sites(line), layers={"farmland": farmland(square(0, 0, 10))})


def test_sites_from_files_with_layer_syntax(write_gpkg):
    path = write_gpkg(
        sites=sites(square(0, 0, 1000, 500)), farmland=farmland(square(700, 0, 1300, 1000))
    )
    result = landcheck.check(f"{path}:sites", layers={"farmland": f"{path}:farmland"}, **PLANAR)
    assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(150_000.0)
    farmland_input = next(r for r in result.inputs if r.key == "farmland")
    assert farmland_input.layer == "farmland"
    assert farmland_input.features_read == 1
    assert len(farmland_input.sha256) == 64


def profile_without_proximity():
    data = yaml.safe_load(builtin_profile_text("china-preexam"))
    data["rules"] = [r for r in data["rules"] if r["check"] != "proximity"]
    return Profile.from_dict(data, origin="test")


def test_filtered_read_takes_only_features_near_the_sites(write_gpkg):
    # a 100 x 100 grid of 10 m farmland squares; the site covers 3 x 3 of them
    grid = farmland(*[square(10 * i, 10 * j, 10) for i in range(100) for j in range(100)])
    path = write_gpkg(farmland=grid)
    site = sites(square(502, 502, 26))
    result = landcheck.check(
        site, layers={"farmland": f"{path}:farmland"}, profile=profile_without_proximity(), **PLANAR
    )
    record = next(r for r in result.inputs if r.key == "farmland")
    assert record.features_read == 9
    assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(676.0)
    # with the 50 m proximity rule, the squares within 50 m are read too: the 13 x 13 block
    # less the corner squares farther than 50 m (12 of them)
    result = landcheck.check(site, layers={"farmland": f"{path}:farmland"}, **PLANAR)
    record = next(r for r in result.inputs if r.key == "farmland")
    assert record.features_read == 157


def test_proximity_finding_gives_the_distance_to_the_nearest_feature():
    layer = frame(
        [
            {"BSM": "R7", "geometry": square(130, 0, 50)},
            {"BSM": "R8", "geometry": square(400, 0, 50)},
        ]
    )
    result = landcheck.check(
        sites(square(0, 0, 100), square(1000, 0, 100)),
        layers={"eco_redline": layer},
        **PLANAR,
        **DESCRIBED,
    )
    near = next(f for f in result.site_findings("S1") if f.check == "eco_redline_proximity")
    assert (near.outcome, near.status) == ("near", "info")
    assert "30.0 m" in near.message.en and "R7" in near.message.en
    assert result.layer("S1", "eco_redline").nearest_m == pytest.approx(30.0)
    far = next(f for f in result.site_findings("S2") if f.check == "eco_redline_proximity")
    assert (far.outcome, far.status) == ("clear", "not_involved")
    assert result.layer("S2", "eco_redline").nearest_m is None
    assert result.to_dict()["sites"][0]["layers"]["eco_redline"]["nearest"]["distance_m"] == 30.0


def test_site_file_without_crs_is_an_error_that_says_how(write_gpkg, tmp_path):
    path = tmp_path / "nocrs.shp"
    write_without_crs(sites(square(0, 0, 10)), path)
    with pytest.raises(AnalysisCRSError, match="--crs"):
        landcheck.check(str(path), layers={"farmland": farmland(square(0, 0, 10))})
    result = landcheck.check(str(path), layers={"farmland": farmland(square(0, 0, 10))}, crs=GK35)
    assert any("declares no CRS" in w for w in result.warnings)


def test_missing_layer_file_is_an_error():
    with pytest.raises(DataSourceError, match="no such file"):
        landcheck.check(sites(square(0, 0, 10)), layers={"farmland": "/no/such/farmland.gpkg"})


def test_layer_without_crs_makes_its_checks_unknown_unless_crs_is_given(tmp_path):
    path = tmp_path / "farmland.shp"
    write_without_crs(farmland(square(0, 0, 10)), path)
    result = landcheck.check(sites(square(0, 0, 10)), layers={"farmland": str(path)})
    finding = result.site_findings("S1")[0]
    assert finding.status == "unknown"
    assert "no coordinate reference system" in finding.message.en
    assert "EPSG:4523" in finding.message.en  # suggested from the zone-prefixed eastings
    result = landcheck.check(
        sites(square(0, 0, 10)), layers={"farmland": str(path)}, crs=GK35, **PLANAR
    )
    assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(100.0)
    assert any("farmland" in w and "declares no CRS" in w for w in result.warnings)


def test_empty_site_geometry_is_reported_and_unknown():
    result = landcheck.check(
        sites(square(0, 0, 10), Polygon()), layers={"farmland": farmland(square(0, 0, 10))}
    )
    assert result.status("S2") == "unknown"
    assert any("S2" in w and "no area" in w for w in result.warnings)


def test_duplicate_site_ids_are_refused():
    site = sites(square(0, 0, 10), square(20, 0, 10))
    site["site_id"] = ["A", "A"]
    with pytest.raises(InputDataError, match="not unique"):
        landcheck.check(site, layers={"farmland": farmland(square(0, 0, 10))})


def test_site_ids_holding_a_nul_are_refused():
    """'a\\x00b' and 'a\\x00c' (only a GeoDataFrame can hold them) are distinct ids that
    landcheck.gpkg stored both as 'a' (GDAL ends a text at NUL), and report.html wrote the NUL
    raw: they are refused before anything is read, naming the features."""
    site = sites(square(0, 0, 10), square(20, 0, 10), square(40, 0, 10))
    site["site_id"] = ["S1", "a\x00b", "a\x00c"]
    with pytest.raises(InputDataError) as caught:
        landcheck.check(site, layers={"farmland": farmland(square(0, 0, 10))})
    assert "holds a NUL character (U+0000) in feature(s) 2, 3;" in str(caught.value)
    site["site_id"] = ["S1", "a\x01b", "S3"]  # other control characters stay (docx shows U+FFFD)
    result = landcheck.check(site, layers={"farmland": farmland(square(0, 0, 10))})
    assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(100.0)
    assert result.site_ids == ["S1", "a\x01b", "S3"]


def test_findings_json_has_the_contract_keys():
    result = landcheck.check(sites(square(0, 0, 200, 100)), layers={"land_use": land_use()})
    data = result.to_dict()
    assert data["schema"] == "landcheck/findings@1"
    for key in (
        "landcheck_version",
        "created",
        "profile",
        "analysis_crs",
        "area_method",
        "inputs",
        "warnings",
        "sites",
    ):
        assert key in data
    site = data["sites"][0]
    assert set(site["area"]) == {"planar_m2", "ellipsoidal_m2", "ha", "mu"}
    assert site["status"] in ("prohibited", "unknown", "conditional", "info", "not_involved")
    for key in ("farmland", "eco_redline", "urban_boundary", "planning_zones", "land_use"):
        layer = site["layers"][key]
        assert {"kind", "overlap", "share", "features"} <= set(layer)
    assert {"classes", "uncovered"} <= set(site["layers"]["land_use"])
    finding = site["findings"][0]
    assert {"check", "layer", "status", "area_m2", "message", "basis", "documents"} <= set(finding)
    assert set(finding["message"]) == {"zh", "en"}
    assert all("（20" in b for b in finding["basis"])


def test_geojson_with_metre_coordinates_is_caught(tmp_path):
    # GeoJSON is always read as WGS 84: Gauss-Kruger coordinates in it are a trap
    path = tmp_path / "sites.geojson"
    write_without_crs(sites(square(0, 0, 10)), path)
    with pytest.raises(AnalysisCRSError, match="GeoJSON is read as WGS 84"):
        landcheck.check(str(path), layers={"farmland": farmland(square(0, 0, 10))})
    result = landcheck.check(str(path), layers={"farmland": farmland(square(0, 0, 10))}, crs=GK35)
    assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(100.0)


def test_layer_with_an_implausible_crs_is_unknown_not_silently_empty(tmp_path):
    path = tmp_path / "farmland.geojson"
    write_without_crs(farmland(square(0, 0, 10)), path)
    result = landcheck.check(sites(square(0, 0, 10)), layers={"farmland": str(path)})
    finding = result.site_findings("S1")[0]
    assert finding.status == "unknown"
    assert "longitude/latitude" in finding.message.en or "metres-sized" in finding.message.en


def test_thin_strips_outside_the_boundary_or_the_survey_are_slivers():
    # the site pokes 0.05 m out of the urban boundary along its 100 m edge (5 m²)
    site = sites(square(0, 0, 100.05, 100), project_class=["industrial"])
    boundary = frame([{"BSM": "U1", "GHFQDM": "0401", "geometry": square(0, 0, 100)}])
    survey = frame([{"BSM": "a", "DLBM": "0601", "geometry": square(0, 0, 100)}])
    result = landcheck.check(
        site, layers={"urban_boundary": boundary, "land_use": survey}, **PLANAR
    )
    by_check = {f.check: f for f in result.site_findings("S1")}
    assert (by_check["urban_boundary"].outcome, by_check["urban_boundary"].status) == (
        "sliver",
        "info",
    )
    assert by_check["urban_boundary"].area.planar_m2 == pytest.approx(5.0)
    assert result.layer("S1", "urban_boundary").uncovered_width_m == pytest.approx(0.05, rel=1e-3)
    # the same 5 m² strip is not covered by the survey: a note, not an unknown
    assert by_check["agricultural_conversion"].status == "not_involved"


def test_thin_strip_of_cultivated_land_is_a_sliver():
    survey = frame(
        [
            {"BSM": "a", "DLBM": "0601", "geometry": square(0, 0, 100)},
            {"BSM": "b", "DLBM": "0103", "geometry": square(100, 0, 50, 100)},
        ]
    )
    result = landcheck.check(
        sites(square(0, 0, 100.05, 100)), layers={"land_use": survey}, **PLANAR
    )
    by_check = {f.check: f for f in result.site_findings("S1")}
    assert by_check["cultivated_land"].outcome == "sliver"
    assert by_check["agricultural_conversion"].outcome == "sliver"
    # a 5 m wide strip of the same parcel is a real occupation
    result = landcheck.check(sites(square(0, 0, 105, 100)), layers={"land_use": survey}, **PLANAR)
    cultivated = next(f for f in result.site_findings("S1") if f.check == "cultivated_land")
    assert (cultivated.outcome, cultivated.area.planar_m2) == ("compensate", pytest.approx(500.0))


def test_a_precision_grid_on_the_input_does_not_snap_the_overlay():
    # GEOS overlays run on the first argument's grid: a site snapped to 1 m would give 90 or 100
    site = sites(shapely.set_precision(square(0, 0, 10), 1.0))
    layer = farmland(square(0.5, 0, 20, 10))
    result = landcheck.check(site, layers={"farmland": layer}, **PLANAR)
    assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(95.0, rel=1e-12)


def twisted_strip(twist_at: int) -> Polygon:
    """A 10 km × 100 m strip of 4,000 vertices whose top edge doubles back at one vertex."""
    n = 2000
    xs = np.linspace(0, 10_000, n)
    top = [(X0 + x, Y0 + 100.0) for x in xs]
    bottom = [(X0 + x, Y0) for x in xs[::-1]]
    top[twist_at], top[twist_at + 1] = top[twist_at + 1], top[twist_at]
    return Polygon(top + bottom)


def test_a_huge_invalid_feature_is_checked_and_repaired_where_the_sites_are():
    near_site = twisted_strip(100)  # x ≈ 500 m, inside the site
    assert shapely.get_num_coordinates(near_site) > 2048 and not near_site.is_valid
    site = sites(square(0, 0, 1000, 100))
    result = landcheck.check(site, layers={"farmland": farmland(near_site)}, **PLANAR)
    record = next(r for r in result.inputs if r.key == "farmland")
    assert (record.geometry["invalid"], record.geometry["repaired"]) == (1, 1)
    assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(100_000.0)
    # a twist 9 km away is never cut, and not looked at
    far = twisted_strip(1800)
    result = landcheck.check(site, layers={"farmland": farmland(far)}, **PLANAR)
    record = next(r for r in result.inputs if r.key == "farmland")
    assert record.geometry["invalid"] == 0
    assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(100_000.0)


def test_a_layer_of_ones_own_keeps_its_feature_ids():
    # a +layer's features were listed by number: the user's BSM was lost
    quarry = frame([{"BSM": "Q-7", "geometry": square(50, 0, 100)}])
    result = landcheck.check(sites(square(0, 0, 100)), layers={"+quarry": quarry}, **PLANAR)
    features = result.to_dict()["sites"][0]["layers"]["quarry"]["features"]
    assert [f["id"] for f in features] == ["Q-7"]
    assert features[0]["planar_m2"] == pytest.approx(5_000.0)


@pytest.mark.parametrize(
    ("width", "long", "method", "sliver"),
    [
        (0.1, 100.0, "planar", False),  # exactly 0.1 m wide (mean width 0.0999 m): not thinner
        (0.1, 1_000.0, "planar", False),
        (0.1, 100.0, "ellipsoidal", False),
        (0.099, 100.0, "planar", True),
        (0.099, 1_000.0, "ellipsoidal", True),
        (0.11, 100.0, "planar", False),
    ],
)
def test_a_strip_is_a_sliver_when_it_is_thinner_than_the_sliver_width(width, long, method, sliver):
    # permanent farmland over the site's east edge: a strip `width` × `long` of the site
    site = sites(square(0, 0, 100, long))
    layer = farmland(square(100 - width, 0, 50 + width, long))
    result = landcheck.check(site, layers={"farmland": layer}, area_method=method, **DESCRIBED)
    f = next(f for f in result.site_findings("S1") if f.check == "permanent_farmland")
    assert f.area.planar_m2 == pytest.approx(width * long, rel=1e-6)
    assert (f.outcome == "sliver") is sliver, f.outcome
