"""Never a confident wrong number (issue 10, group 3; docs/reliability.md section 3).

Every answer is known by construction: NaN vertices are refused or make a
layer unknown, a CRS in feet is never used for areas, each site is measured
in its own Gauss-Kruger zone, and a site outside the area the layers describe
gets ``unknown``, never ``not_involved``.
"""

from __future__ import annotations

import json
import warnings

import geopandas as gpd
import numpy as np
import pytest
import shapely
from click.testing import CliRunner
from common import GK35, county, frame, sites, square
from pyproj import CRS, Transformer
from realworld import digest

import landcheck
from landcheck.cli.main import cli
from landcheck.errors import AnalysisCRSError, DataSourceError, InputDataError, ProfileError
from landcheck.io.profiles import builtin_profile_text, profile_from_yaml

PLANAR = {"area_method": "planar"}

# Reading a file whose geometry holds NaN makes shapely's WKB reader warn; the tests turn
# warnings into errors, and the warning is not what these cases are about.
READS_NAN = pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")


@pytest.fixture
def runner():
    return CliRunner()


def farmland(*geoms):
    return frame([{"BSM": f"F{i + 1}", "DLBM": "0101", "geometry": g} for i, g in enumerate(geoms)])


def with_nan_vertex(polygon: shapely.Polygon) -> shapely.Polygon:
    """The polygon with the y of its third vertex replaced by NaN."""
    coords = np.array(polygon.exterior.coords)
    coords[2, 1] = np.nan
    with np.errstate(invalid="ignore"):
        return shapely.polygons(coords)


def finding(result, site_id, check):
    return next(f for f in result.site_findings(site_id) if f.check == check)


# ------------------------------------------------------------------ 10. NaN / inf coordinates
@READS_NAN
def test_site_with_a_nan_vertex_is_refused_naming_the_feature(runner, write_gpkg, tmp_path):
    broken = with_nan_vertex(square(0, 0, 100))
    path = write_gpkg(sites=sites(square(500, 0, 100), broken))
    out = tmp_path / "report"
    before = digest(path)
    result = runner.invoke(cli, ["check", f"{path}:sites", "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert "site feature 2 (site_id S2) has NaN or infinite coordinates" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    assert digest(path) == before


def test_site_with_an_infinite_or_nan_z_coordinate_is_refused():
    x, y = square(0, 0, 1).bounds[:2]
    flat = shapely.Polygon([(x, y, 0), (x + 100, y, 0), (x + 100, y + 100, np.inf)])
    with pytest.raises(InputDataError, match=r"site feature 1 \(site_id S1\) has NaN or infinite"):
        landcheck.check(sites(flat))
    tilted = shapely.Polygon([(x, y, 1), (x + 100, y, 2), (x + 100, y + 100, 3)])
    result = landcheck.check(sites(tilted), **PLANAR)
    assert result.sites.loc[0, "planar_m2"] == pytest.approx(5_000.0)


@READS_NAN
def test_layer_feature_with_a_nan_vertex_makes_its_checks_unknown(runner, write_gpkg, tmp_path):
    # a 1 ha square of farmland exactly under the site, one vertex NaN: repaired it would
    # be a 0.5 ha triangle and a confident "prohibited"
    site = sites(square(0, 0, 100), project_class=["industrial"])
    layers = farmland(square(300, 0, 100), with_nan_vertex(square(0, 0, 100)))
    path = write_gpkg(sites=site, farmland=layers)
    result = landcheck.check(f"{path}:sites", layers={"farmland": f"{path}:farmland"}, **PLANAR)
    found = finding(result, "S1", "permanent_farmland")
    assert (found.outcome, found.status) == ("unknown", "unknown")
    assert "feature F2 has NaN or infinite coordinates" in found.message.en
    assert result.layer_area("S1", "farmland").planar_m2 == 0.0
    record = next(r for r in result.inputs if r.key == "farmland")
    assert record.status == "unreadable" and "F2" in record.detail
    out = tmp_path / "report"
    cli_result = runner.invoke(
        cli,
        [
            *("check", f"{path}:sites", "--layer", f"farmland={path}:farmland"),
            *("-o", str(out), "--fail-on", "prohibited", "--format", "json"),
        ],
    )
    assert cli_result.exit_code == 0, cli_result.output
    written = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert written["sites"][0]["findings"][0]["status"] == "unknown"


def test_many_broken_features_are_named_with_a_capped_list():
    broken = [with_nan_vertex(square(20 * i, 0, 10)) for i in range(8)]
    result = landcheck.check(sites(square(0, 0, 200)), layers={"farmland": farmland(*broken)})
    message = finding(result, "S1", "permanent_farmland").message.en
    assert "features F1, F2, F3, F4, F5 and 3 more have NaN or infinite coordinates" in message


def test_a_huge_feature_with_a_bad_vertex_near_the_site_makes_its_layer_unknown():
    # a 20,000-vertex redline around the site; its huge features are validity-checked near
    # the sites only, so a bad vertex there is found (and an infinite one never crashes)
    x, y = square(0, 0, 1).bounds[:2]
    ring = shapely.get_coordinates(shapely.Point(x, y).buffer(1000, quad_segs=5000))
    for bad in (np.inf, np.nan):
        coords = ring.copy()
        coords[10, 0] = bad  # on the ring 1 km east of the site's corner
        with np.errstate(invalid="ignore"):
            redline = frame([{"BSM": "R1", "geometry": shapely.polygons(coords)}])
        near = landcheck.check(sites(square(900, 0, 50)), layers={"eco_redline": redline})
        found = finding(near, "S1", "eco_redline")
        assert found.status == "unknown" and "feature R1 has NaN or infinite" in found.message.en


@pytest.mark.parametrize(
    "given", ["memory", "file", "file without its index", "flatgeobuf without its index"]
)
@pytest.mark.parametrize("bad", [np.nan, np.inf])
@pytest.mark.parametrize("size", ["small", "huge"])
def test_a_feature_with_a_bad_vertex_near_but_off_the_site_makes_its_layer_unknown(
    size, bad, given, tmp_path
):
    # a redline 50 m east of the site, meeting it nowhere: its distance is asked, and a bad
    # vertex has none (GEOS refused with a traceback, or numpy warned on the way); it is kept
    # for the normalisation to name, never dropped as far (the check would then say clear)
    if size == "small":
        coords = shapely.get_coordinates(square(1_000, 0, 50))
        at = 1
    else:  # 4,001 vertices: asked through the huge features' path
        x, y = square(2_000, 25, 1).bounds[:2]
        coords = shapely.get_coordinates(shapely.Point(x, y).buffer(1_000, quad_segs=1_000))
        at = 2_000  # on the west of the ring, near the site
    coords[at, 0] = bad
    with np.errstate(invalid="ignore"):
        redline = frame([{"BSM": "R1", "geometry": shapely.polygons(coords)}])
    layer = redline
    if given != "memory":  # a FlatGeobuf without its index is read in one Arrow stream
        options = {"SPATIAL_INDEX": "NO" if given.endswith("index") else "YES"}
        path = str(tmp_path / ("redline.fgb" if given.startswith("flat") else "redline.gpkg"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            redline.to_file(path, layer="eco_redline", layer_options=options)
        layer = path if given.startswith("flat") else path + ":eco_redline"
    near = landcheck.check(sites(square(900, 0, 50)), layers={"eco_redline": layer})
    for check in ("eco_redline", "eco_redline_proximity"):
        found = finding(near, "S1", check)
        assert found.status == "unknown" and "feature R1 has NaN or infinite" in found.message.en


# ------------------------------------------------------------------ 11. metric analysis CRS
UTM18 = CRS.from_epsg(32618)
FEET = CRS.from_epsg(2263)  # NAD83 / New York Long Island (ftUS)
MANHATTAN = (586_000.0, 4_515_000.0)  # UTM zone 18N


def in_feet(geometry: shapely.Geometry) -> shapely.Geometry:
    """A geometry built in UTM 18N metres, its vertices moved into EPSG:2263 (US feet)."""
    move = Transformer.from_crs(UTM18, FEET, always_xy=True)
    return shapely.transform(geometry, lambda xy: np.column_stack(move.transform(*xy.T)))


def utm_box(x: float, y: float, width: float, height: float) -> shapely.Polygon:
    e, n = MANHATTAN
    return shapely.box(e + x, n + y, e + x + width, n + y + height)


def test_sites_in_feet_are_measured_in_a_metric_crs():
    site = gpd.GeoDataFrame({"site_id": ["M1"]}, geometry=[in_feet(utm_box(0, 0, 100, 100))])
    layer = gpd.GeoDataFrame({"BSM": ["F1"]}, geometry=[in_feet(utm_box(50, 0, 100, 100))])
    result = landcheck.check(site.set_crs(FEET), layers={"farmland": layer.set_crs(FEET)}, **PLANAR)
    assert result.analysis_crs.to_epsg() == 32618
    assert "UTM zone 18N" in result.crs_reason and "US survey foot" in result.crs_reason
    # 1 ha by construction (1e-6 m² is the round trip through feet); in feet it was 107,639
    assert result.sites.loc[0, "planar_m2"] == pytest.approx(10_000.0, abs=1e-6)
    assert result.layer_area("M1", "farmland").planar_m2 == pytest.approx(5_000.0, abs=1e-6)
    assert result.to_dict()["analysis_crs"] == "EPSG:32618"


def test_layers_in_feet_are_passed_over_as_the_analysis_crs():
    to_lonlat = Transformer.from_crs(UTM18, 4326, always_xy=True)
    site_ll = shapely.transform(
        utm_box(0, 0, 100, 100), lambda xy: np.column_stack(to_lonlat.transform(*xy.T))
    )
    site = gpd.GeoDataFrame({"site_id": ["M1"]}, geometry=[site_ll], crs=4326)
    layer = gpd.GeoDataFrame({"BSM": ["F1"]}, geometry=[in_feet(utm_box(0, 0, 40, 100))], crs=FEET)
    result = landcheck.check(site, layers={"farmland": layer}, **PLANAR)
    assert result.analysis_crs.to_epsg() == 32618
    assert "not the constraint layers' CRS EPSG:2263" in result.crs_reason
    assert result.layer_area("M1", "farmland").planar_m2 == pytest.approx(4_000.0, rel=1e-9)


def test_an_analysis_crs_in_feet_is_refused(runner, write_gpkg, tmp_path):
    site = gpd.GeoDataFrame({"site_id": ["M1"]}, geometry=[in_feet(utm_box(0, 0, 100, 100))])
    with pytest.raises(AnalysisCRSError, match="measures in US survey foot, not metres"):
        landcheck.check(site.set_crs(FEET), crs="EPSG:2263")
    path = write_gpkg(sites=site.set_crs(FEET))
    out = tmp_path / "report"
    result = runner.invoke(cli, ["check", f"{path}:sites", "--crs", "EPSG:2263", "-o", str(out)])
    assert result.exit_code == 1
    assert "EPSG:2263" in result.output and "not metres" in result.output
    assert not out.exists()


def test_the_metric_crs_outside_china_is_the_utm_zone_of_the_sites():
    site = sites(shapely.box(13.40, 52.50, 13.41, 52.51), crs="EPSG:4326")  # Berlin
    result = landcheck.check(site)
    assert result.analysis_crs.to_epsg() == 32633
    assert result.crs_reason == (
        "auto: WGS 84 / UTM zone 33N of the sites' centre (13.4050°E, 52.5050°N)"
    )


# ------------------------------------------------------------------ 12. own Gauss-Kruger zone
ZONE35_TXT = """[属性描述]
坐标系=2000国家大地坐标系
几度分带=3
投影类型=高斯克吕格
计量单位=米
带号=35
[地块坐标]
5,0.0466,GZ-1,贵州地块,面,,工业,0601,@
J1,1,2900000.000,35500000.000
J2,1,2900020.000,35500000.000
J3,1,2900020.000,35500023.30855
J4,1,2900000.000,35500023.30855
J1,1,2900000.000,35500000.000
"""
"""A 20 m x 23.30855 m plot at 105°E (Guizhou): 466.171 m² in zone 35."""

ZONE40_TXT = """[属性描述]
坐标系=2000国家大地坐标系
几度分带=3
投影类型=高斯克吕格
计量单位=米
带号=40
[地块坐标]
6,5.7090,HZ-1,杭州地块,面,,工业,0601,@
J1,1,3300000.000,40500000.000
J2,1,3300000.000,40500256.000
J3,1,3300223.000,40500256.000
J4,1,3300223.000,40500003.000
J5,1,3300224.000,40500000.000
J1,1,3300000.000,40500000.000
"""
"""A plot at 120°E (Hangzhou): 256 m x 223 m and a 3 m x 1 m triangle, 57,089.50 m² in zone 40."""

E40, N40 = 40_500_000.0, 3_300_000.0


def zone40_box(x: float, y: float, width: float, height: float) -> shapely.Polygon:
    return shapely.box(E40 + x, N40 + y, E40 + x + width, N40 + y + height)


@pytest.fixture
def two_zones(tmp_path):
    zone35, zone40 = tmp_path / "guizhou.txt", tmp_path / "hangzhou.txt"
    zone35.write_text(ZONE35_TXT, encoding="utf-8")
    zone40.write_text(ZONE40_TXT, encoding="utf-8")
    survey = gpd.GeoDataFrame(
        {"BSM": ["P1", "P2"], "DLBM": ["0101", "0601"]},
        geometry=[zone40_box(0, 0, 128, 223), zone40_box(128, 0, 128, 200)],
        crs="EPSG:4528",
    )
    fields = gpd.GeoDataFrame(
        {"BSM": ["F1"]}, geometry=[zone40_box(0, 0, 128, 223)], crs="EPSG:4528"
    )
    return str(zone35), str(zone40), survey, fields


def test_sites_in_two_zones_are_each_measured_in_their_own_zone(two_zones):
    zone35, zone40, survey, fields = two_zones
    result = landcheck.check(
        [zone35, zone40], layers={"land_use": survey, "farmland": fields}, **PLANAR
    )
    assert result.analysis_crs.to_epsg() == 4523  # the first file's zone
    areas = result.sites.set_index("site_id")["planar_m2"]
    assert areas["GZ-1"] == pytest.approx(466.171, abs=1e-6)
    assert areas["HZ-1"] == pytest.approx(57_089.50, abs=1e-6)
    # the same plot measured in zone 35, 15° from its meridian, is 5.3 % larger
    hangzhou = result.sites.geometry.values[1]
    assert shapely.area(hangzhou) / 57_089.50 == pytest.approx(1.0534, abs=1e-4)
    written = {s["site_id"]: s for s in result.to_dict()["sites"]}
    assert written["GZ-1"]["measuring_crs"] == "EPSG:4523"
    assert written["HZ-1"]["measuring_crs"] == "EPSG:4528"
    assert written["HZ-1"]["area"]["planar_m2"] == pytest.approx(57_089.50, abs=1e-6)
    assert result.measuring_crs("HZ-1") == "EPSG:4528"
    assert result.summary.set_index("site_id").loc["HZ-1", "measuring_crs"] == "EPSG:4528"
    assert any(
        "EPSG:4528 (CGCS2000 / 3-degree Gauss-Kruger zone 40): HZ-1" in w for w in result.warnings
    )


def test_overlaps_and_classes_are_measured_in_the_sites_own_zone(two_zones):
    zone35, zone40, survey, fields = two_zones
    result = landcheck.check(
        [zone35, zone40], layers={"land_use": survey, "farmland": fields}, **PLANAR
    )
    view = result.layer("HZ-1", "land_use")
    classes = view.classes["planar_m2"]
    # pieces are cut in the analysis CRS (zone 35), where straight zone-40 edges are not
    # quite straight (a parcel corner on the site's edge lands 0.1 mm off it), then measured
    # in zone 40: within 1e-6 (0.011 m² of 25,600 m²) of a cut made in zone 40
    assert classes["0101"] == pytest.approx(128 * 223, rel=1e-6)
    assert classes["0601"] == pytest.approx(128 * 200, rel=1e-6)
    assert view.uncovered.planar_m2 == pytest.approx(57_089.5 - 128 * 223 - 128 * 200, abs=0.02)
    site_m2 = result.sites.set_index("site_id").loc["HZ-1", "planar_m2"]
    assert classes.sum() + view.uncovered.planar_m2 == pytest.approx(site_m2, abs=1e-9)
    farm = result.layer("HZ-1", "farmland")
    assert farm.overlap.planar_m2 == pytest.approx(128 * 223, rel=1e-6)
    assert farm.share == pytest.approx(128 * 223 / 57_089.5, rel=1e-6)
    assert finding(result, "HZ-1", "permanent_farmland").outcome == "relocate"


def test_lonlat_sites_far_from_the_analysis_meridian_are_measured_in_their_zone():
    to_lonlat = {
        zone: Transformer.from_crs(f"EPSG:{epsg}", 4490, always_xy=True)
        for zone, epsg in ((35, 4523), (40, 4528))
    }

    def lonlat(zone, geometry):
        move = to_lonlat[zone]
        return shapely.transform(geometry, lambda xy: np.column_stack(move.transform(*xy.T)))

    guizhou = lonlat(35, shapely.box(35_500_000, 2_900_000, 35_500_100, 2_900_100))
    hangzhou = lonlat(40, zone40_box(0, 0, 200, 100))
    result = landcheck.check(sites(guizhou, hangzhou, crs="EPSG:4490"), **PLANAR)
    assert "zone 38" in result.crs_reason  # the middle of 105°E and 120°E
    written = {s["site_id"]: s for s in result.to_dict()["sites"]}
    assert (written["S1"]["measuring_crs"], written["S2"]["measuring_crs"]) == (
        "EPSG:4523",
        "EPSG:4528",
    )
    assert written["S1"]["area"]["planar_m2"] == pytest.approx(10_000.0, abs=1e-6)
    assert written["S2"]["area"]["planar_m2"] == pytest.approx(20_000.0, abs=1e-6)


def test_sites_in_one_zone_are_measured_in_the_analysis_crs():
    result = landcheck.check(sites(square(0, 0, 100), square(500, 0, 100)), **PLANAR)
    assert result.sites["measuring_crs"].tolist() == ["EPSG:4523", "EPSG:4523"]
    assert not any("own zone" in w for w in result.warnings)
    assert result.sites["planar_m2"].tolist() == [10_000.0, 10_000.0]


# ------------------------------------------------------------------ 13. coverage
def county_layers():
    """A 2 km x 2 km county at (X0, Y0): its survey, one farmland square and the town."""
    survey = frame(
        [
            {
                "BSM": f"L{i}{j}",
                "DLBM": "0103" if (i + j) % 2 else "0601",
                "geometry": square(1000 * i, 1000 * j, 1000),
            }
            for i in range(2)
            for j in range(2)
        ]
    )
    fields = farmland(square(1200, 1200, 300))
    town = frame(
        [{"BSM": "U1", "GHFQDM": "0401", "GHFQMC": "城镇集中建设区", "geometry": square(0, 0, 800)}]
    )
    return {"land_use": survey, "farmland": fields, "urban_boundary": town}


def test_a_site_151_km_away_is_unknown_not_clear(runner, write_gpkg, tmp_path):
    far = sites(square(151_000, 0, 100), project_class=["industrial"])
    result = landcheck.check(far, layers=county_layers(), **PLANAR)
    for check in ("permanent_farmland", "urban_boundary", "farmland_proximity"):
        found = finding(result, "S1", check)
        assert (found.outcome, found.status) == ("outside", "unknown"), check
        assert "outside the area the layers describe" in found.message.en
        assert "10,000.00 m² outside the land-use survey ('land_use')" in found.message.en
    assert result.status("S1") == "unknown"
    written = result.to_dict()
    assert written["coverage"]["basis"] == "land_use"
    assert written["sites"][0]["layers"]["farmland"]["outside"]["planar_m2"] == 10_000.0
    path = write_gpkg(sites=far, **county_layers())
    options = ["check", f"{path}:sites", "--format", "json", "--area-method", "planar"]
    options += [arg for key in county_layers() for arg in ("--layer", f"{key}={path}:{key}")]
    clear = runner.invoke(cli, [*options, "-o", str(tmp_path / "a"), "--fail-on", "prohibited"])
    assert clear.exit_code == 0, clear.output
    stop = runner.invoke(cli, [*options, "-o", str(tmp_path / "b"), "--fail-on", "unknown"])
    assert stop.exit_code == 3, stop.output


def test_a_site_inside_the_survey_keeps_its_findings():
    inside = sites(square(1000, 100, 100), project_class=["industrial"])
    result = landcheck.check(inside, layers=county_layers(), **PLANAR)
    assert finding(result, "S1", "permanent_farmland").outcome == "not_involved"
    assert finding(result, "S1", "urban_boundary").outcome == "not_permitted"
    assert result.layer("S1", "farmland").outside.m2 == 0.0


def test_a_conflict_found_inside_stands_when_part_lies_outside():
    # 100 m x 200 m of the site outside the county; inside, it takes 100 m x 100 m of farmland
    site = sites(square(1200, 1400, 100, 800), project_class=["industrial"])
    result = landcheck.check(site, layers=county_layers(), **PLANAR)
    farm = finding(result, "S1", "permanent_farmland")
    assert (farm.outcome, farm.status) == ("relocate", "prohibited")
    assert farm.area.planar_m2 == pytest.approx(100 * 100)
    # inside the county the whole site (100 m x 600 m) lies outside the urban boundary: an
    # industrial project there is a conflict found, which stands for that part
    town = finding(result, "S1", "urban_boundary")
    assert (town.outcome, town.status) == ("not_permitted", "prohibited")
    assert town.area.planar_m2 == pytest.approx(100 * 600)
    assert "另有 2.0000 公顷位于图层所描述的范围之外，未作判断。" in town.message.zh
    assert result.status("S1") == "prohibited"


def test_the_profiles_coverage_polygon_limits_what_the_layers_describe(tmp_path, write_gpkg):
    area = gpd.GeoDataFrame({"name": ["县界"]}, geometry=[square(0, 0, 2000)], crs=GK35)
    path = write_gpkg("county.gpkg", boundary=area)
    section = f"coverage:\n  source: '{path}:boundary'\n"
    section += "  title: {zh: 县界, en: the county boundary}\n"
    text = builtin_profile_text("china-preexam") + "\n" + section
    profile = tmp_path / "county.yaml"
    profile.write_text(text, encoding="utf-8")
    layers = {"farmland": farmland(square(5000, 0, 10))}
    half = sites(square(1950, 0, 100))
    result = landcheck.check(half, profile=str(profile), layers=layers, **PLANAR)
    found = finding(result, "S1", "permanent_farmland")
    assert (found.outcome, found.status) == ("outside", "unknown")
    assert "5,000.00 m² outside the county boundary" in found.message.en
    assert found.area.planar_m2 == pytest.approx(5_000.0)
    assert result.to_dict()["coverage"]["basis"] == "profile"
    assert any(r.role == "coverage" and r.path == path for r in result.inputs)
    inside = landcheck.check(sites(square(0, 0, 100)), profile=str(profile), layers=layers)
    assert finding(inside, "S1", "permanent_farmland").outcome == "not_involved"


def test_coverage_on_the_command_line(runner, write_gpkg, tmp_path):
    area = gpd.GeoDataFrame({"name": ["县界"]}, geometry=[square(0, 0, 2000)], crs=GK35)
    county_path = write_gpkg("county.gpkg", boundary=area)
    path = write_gpkg(sites=sites(square(1950, 0, 100)), farmland=farmland(square(5000, 0, 10)))
    out = tmp_path / "report"
    result = runner.invoke(
        cli,
        [
            *("check", f"{path}:sites", "--layer", f"farmland={path}:farmland"),
            *("--coverage", f"{county_path}:boundary", "--area-method", "planar"),
            *("--format", "json", "-o", str(out), "--fail-on", "unknown"),
        ],
    )
    assert result.exit_code == 3, result.output
    written = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    farm = written["sites"][0]["layers"]["farmland"]
    assert farm["outside"]["planar_m2"] == pytest.approx(5_000.0)
    assert farm["described_by"]["en"] == f"the coverage polygon ({county_path})"
    assert written["sites"][0]["findings"][0]["outcome"] == "outside"


def test_an_unreadable_coverage_polygon_describes_nothing(tmp_path):
    broken = tmp_path / "county.gpkg"
    broken.write_bytes(b"not a GeoPackage")
    result = landcheck.check(
        sites(square(0, 0, 100)),
        layers={"farmland": farmland(square(5000, 0, 10))},
        coverage=str(broken),
        **PLANAR,
    )
    found = finding(result, "S1", "permanent_farmland")
    assert (found.outcome, found.status) == ("outside", "unknown")
    assert "outside the coverage polygon, which could not be read" in found.message.en
    record = next(r for r in result.inputs if r.role == "coverage")
    assert record.status == "unreadable" and record.path == str(broken)
    assert any("the coverage polygon could not be used" in w for w in result.warnings)


def test_a_thin_strip_outside_the_coverage_is_boundary_precision():
    # the site pokes 0.05 m out of the county (cut at x = 2000) along its 100 m edge
    site = sites(square(1900, 0, 100.05, 100))
    result = landcheck.check(
        site, layers={"farmland": farmland(square(5000, 0, 10))}, coverage=county(), **PLANAR
    )
    assert finding(result, "S1", "permanent_farmland").outcome == "not_involved"
    strip = landcheck.check(
        site,
        layers={"farmland": farmland(square(5000, 0, 10))},
        coverage=county().clip(square(-10_000, -10_000, 12_000)),
        **PLANAR,
    )
    assert result.layer("S1", "farmland").outside.m2 == 0.0
    assert strip.layer("S1", "farmland").outside.planar_m2 == pytest.approx(5.0)
    assert finding(strip, "S1", "permanent_farmland").outcome == "not_involved"


def test_without_survey_or_coverage_a_layers_extent_is_what_it_describes():
    layer = farmland(square(0, 0, 10), square(2000, 2000, 10))
    between = landcheck.check(sites(square(1000, 1000, 100)), layers={"farmland": layer})
    assert finding(between, "S1", "permanent_farmland").outcome == "not_involved"
    beyond = landcheck.check(sites(square(5000, 0, 100)), layers={"farmland": layer})
    found = finding(beyond, "S1", "permanent_farmland")
    assert (found.outcome, found.status) == ("outside", "unknown")
    assert "outside the extent of layer 'farmland'" in found.message.en
    assert beyond.to_dict()["coverage"]["basis"] == "extent"


def test_coverage_in_the_profile_is_validated(tmp_path):
    text = builtin_profile_text("china-preexam")
    with pytest.raises(ProfileError) as caught:
        profile_from_yaml(text + "\ncoverage:\n  sorce: county.gpkg\n", origin="county.yaml")
    assert "coverage.sorce: unknown key; allowed: source, title" in str(caught.value)
    assert "coverage.source: required" in str(caught.value)
    with pytest.raises(DataSourceError, match="coverage: no such file"):
        landcheck.check(sites(square(0, 0, 10)), coverage=str(tmp_path / "nowhere.gpkg"))


def test_the_sample_sites_partly_outside_the_county_are_unknown(sample_layers, sample_gpkg):
    result = landcheck.check(f"{sample_gpkg}:sites", layers=sample_layers)
    statuses = result.statuses.to_dict()
    # what rests on absence is unknown there; the grade Ⅰ forest found inside the county stands
    assert statuses["S12"] == "prohibited"
    assert finding(result, "S12", "forest").outcome == "grade_one"
    assert finding(result, "S12", "wetland").outcome == "outside"
    s12 = result.layer("S12", "farmland")
    assert s12.outside.planar_m2 == pytest.approx(58_343.92, abs=0.01)
    assert finding(result, "S12", "permanent_farmland").outcome == "outside"
    # the others lie inside the survey (up to float noise far below the 1 m² sliver floor)
    others = [s for s in statuses if s != "S12"]
    # (a 42 ha site's sums differ by a few hundredths of a square metre)
    assert all(abs(result.layer(s, "farmland").outside.m2) < 0.1 for s in others)
    assert all(finding(result, s, "permanent_farmland").outcome != "outside" for s in others)
