"""Legacy datums met by every input: frames, TXT records, roads, PROJ strings, --crs.

Each case is built so the answer is known by hand: a CGCS2000 square is moved into Xian
1980 / Beijing 1954 by the inverse of the 7-parameter shift, so once landcheck shifts it
back it is the square again (to a millimetre), and overlaps are rectangles.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
import shapely
from click.testing import CliRunner
from common import X0, Y0, county, frame, sites, square, write_without_crs
from pyproj import CRS, Transformer

import landcheck
from landcheck.cli.main import cli
from landcheck.crs.datum import DatumShift, helmert_pipeline, legacy_datum
from landcheck.errors import AnalysisCRSError

PARAMS = (-15.8, 102.4, 48.3, 0.35, -1.12, 2.41, 3.6)  # m, arc-seconds, ppm (made up)
TEXT = ",".join(map(str, PARAMS))
SHIFT = DatumShift(*PARAMS)
PLANAR = {"area_method": "planar"}
XIAN80_GK35 = "+proj=tmerc +lat_0=0 +lon_0=105 +k=1 +x_0=35500000 +y_0=0 +ellps=IAU76 +units=m"
ESRI_XIAN80 = (
    'PROJCS["Xian80_105E_prefixed",GEOGCS["GCS_Xian_1980",DATUM["D_Xian_1980",'
    'SPHEROID["IAG_1975",6378140.0,298.257]],PRIMEM["Greenwich",0.0],'
    'UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],'
    'PARAMETER["False_Easting",35500000.0],PARAMETER["False_Northing",0.0],'
    'PARAMETER["Central_Meridian",105.0],PARAMETER["Scale_Factor",1.0],'
    'PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'
)


def legacy(geom: shapely.Geometry, epsg: int) -> shapely.Geometry:
    """The coordinates a file in legacy ``epsg`` holds for a CGCS2000 geometry.

    The forward shift inverted by fixed-point iteration (PROJ's inverse Helmert is
    an approximation, 0.1 m² off on a 1,000 m² overlap), so shifting them back gives
    the geometry again to well under a millimetre.
    """
    pipeline, _ = helmert_pipeline(CRS.from_epsg(epsg), SHIFT)
    forward = Transformer.from_pipeline(pipeline)

    def move(xy):
        guess = xy.copy()
        for _ in range(8):
            x, y = forward.transform(guess[:, 0], guess[:, 1])
            guess += xy - np.column_stack([x, y])
        return guess

    return shapely.transform(geom, move)


def legacy_frame(geom: shapely.Geometry, epsg: int, **columns) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {k: [v] for k, v in columns.items()}, geometry=[legacy(geom, epsg)], crs=epsg
    )


def legacy_txt(poly: shapely.Polygon, params: str = ",,,,,,") -> str:
    """A Xian 1980 boundary TXT of one plot A-1 (zone 35, prefixed), 转换参数 as given."""
    points = [f"J{i + 1},1,{n:.3f},{e:.3f}" for i, (e, n) in enumerate(poly.exterior.coords)]
    return (
        "[属性描述]\n坐标系=1980西安坐标系\n几度分带=3\n投影类型=高斯克吕格\n计量单位=米\n"
        f"带号=35\n精度=0.001\n转换参数={params}\n[地块坐标]\n"
        f"{len(points)},,A-1,厂区,面,,工业,0601,@\n" + "\n".join(points) + "\n"
    )


def finding(result, check: str, site: str = "S1"):
    return next(f for f in result.site_findings(site) if f.check == check)


# ------------------------------------------------------------- 1. layer GeoDataFrames


def test_a_legacy_layer_frame_keeps_what_the_shift_moves_onto_the_site(tmp_path):
    # zone 25 (EPSG:4513 / Xian 1980 EPSG:2349): the farmland, once shifted, is the square
    # 90 m west of the site's east edge, overlapping it by 10 m x 100 m = 1,000 m²; its Xian
    # 1980 coordinates lie ~118.6 m further west, 108.6 m from the site: beyond the read
    # margin before the shift (the frame lost it: 0 m², not_involved)
    x, y = 25_561_234.0, 4_123_456.0
    site = gpd.GeoDataFrame({"site_id": ["S1"]}, geometry=[shapely.box(x, y, x + 100, y + 100)])
    site = site.set_crs(4513)
    area = gpd.GeoDataFrame(geometry=[shapely.box(x - 1e4, y - 1e4, x + 1e4, y + 1e4)], crs=4513)
    farmland = legacy_frame(shapely.box(x - 90, y, x + 10, y + 100), 2349, BSM="F1")
    assert shapely.distance(farmland.geometry.iloc[0], site.geometry.iloc[0]) > 100
    path = tmp_path / "yjjbnt80.gpkg"
    farmland.to_file(path, layer="yjjbnt")
    for layer in (farmland, f"{path}:yjjbnt"):
        result = landcheck.check(
            site, layers={"farmland": layer}, coverage=area, datum_shift=SHIFT, **PLANAR
        )
        assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(1000.0, abs=0.01)
        assert finding(result, "permanent_farmland").status == "prohibited"
        record = next(r for r in result.inputs if r.key == "farmland")
        assert record.features_read == 1
        assert record.extra["datum_shift"]["source_crs"] == "EPSG:2349"


def test_a_legacy_protected_area_frame_is_not_dropped():
    # once shifted, the core zone covers the east 30 m of the site: 3,000 m²
    core = legacy_frame(
        square(-70, 0, 100),
        2359,
        BSM="X1",
        ZRBHDMC="某自然保护区",
        BHDLX="自然保护区",
        GNFQ="核心区",
    )
    result = landcheck.check(
        sites(square(0, 0, 100)),
        layers={"protected_areas": core},
        coverage=county(),
        datum_shift=SHIFT,
        **PLANAR,
    )
    assert result.layer_area("S1", "protected_areas").planar_m2 == pytest.approx(3000.0, abs=0.01)
    assert finding(result, "protected_areas").status == "prohibited"


# ------------------------------------------------------------- 2. one shift, two datums


def test_one_shift_is_refused_for_a_xian80_txt_and_a_beijing54_layer(tmp_path):
    path = tmp_path / "x80.txt"
    path.write_text(legacy_txt(legacy(square(0, 0, 100), 2359)), encoding="utf-8")
    farmland = legacy_frame(square(70, 0, 100), 2411, BSM="F1")
    with pytest.raises(AnalysisCRSError, match=r"Beijing 1954 \(北京54\) and Xian 1980 \(西安80\)"):
        landcheck.check(str(path), layers={"farmland": farmland}, datum_shift=SHIFT, **PLANAR)


def test_one_shift_is_refused_for_xian80_sites_and_a_beijing54_coverage(tmp_path):
    site = legacy_frame(square(0, 0, 100), 2359, site_id="S1")
    area = county().set_geometry([legacy(county().geometry.iloc[0], 2411)], crs=2411)
    area.to_file(tmp_path / "cov54.gpkg", layer="cov")
    farmland = frame([{"BSM": "F1", "geometry": square(70, 0, 100)}])
    for coverage in (area, f"{tmp_path / 'cov54.gpkg'}:cov"):
        with pytest.raises(AnalysisCRSError, match=r"Beijing 1954 .* and Xian 1980 .*one --datum"):
            landcheck.check(
                site, layers={"farmland": farmland}, coverage=coverage, datum_shift=SHIFT, **PLANAR
            )


# ------------------------------------------------------------- 3. unnamed datums


@pytest.mark.parametrize(
    ("crs", "datum"),
    [
        (XIAN80_GK35, "Xian 1980 (西安80)"),
        ("+proj=longlat +ellps=krass", "Beijing 1954 (北京54)"),
        ("+proj=longlat +a=6378140 +rf=298.257", "Xian 1980 (西安80)"),
        (  # an ESRI datum named after its ellipsoid
            'GEOGCS["GCS_IAG_1975",DATUM["D_IAG_1975",SPHEROID["IAG_1975",6378140.0,298.257]],'
            'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]',
            "Xian 1980 (西安80)",
        ),
        (
            'GEOGCS["GCS_Krasovsky_1940",DATUM["D_Krasovsky_1940",SPHEROID["Krasovsky_1940",'
            '6378245.0,298.3]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]',
            "Beijing 1954 (北京54)",
        ),
        ("+proj=tmerc +lon_0=105 +x_0=35500000 +ellps=GRS80", None),  # CGCS2000's ellipsoid
        ("+proj=tmerc +lon_0=105 +x_0=35500000 +ellps=WGS84", None),
        ("EPSG:4284", None),  # Pulkovo 1942: a named datum on Krassowsky 1940
        ("EPSG:4523", None),
    ],
)
def test_legacy_datums_are_told_by_the_ellipsoid_of_an_unnamed_datum(crs, datum):
    from landcheck.crs.datum import legacy_ellipsoid

    assert legacy_datum(CRS.from_user_input(crs)) == datum
    assert (legacy_ellipsoid(CRS.from_user_input(crs)) is None) == (datum is None)


def test_sites_in_a_proj_string_on_the_xian80_ellipsoid_are_shifted_not_ballparked():
    site = gpd.GeoDataFrame(
        {"site_id": ["S1"]}, geometry=[legacy(square(0, 0, 100), 2359)], crs=XIAN80_GK35
    )
    farmland = frame([{"BSM": "F1", "geometry": square(70, 0, 100)}])
    with pytest.raises(AnalysisCRSError, match=r"Xian 1980 .*IAU 1976 ellipsoid.*--datum-shift"):
        landcheck.check(site, layers={"farmland": farmland}, coverage=county(), **PLANAR)
    result = landcheck.check(
        site, layers={"farmland": farmland}, coverage=county(), datum_shift=SHIFT, **PLANAR
    )
    # where the shift puts it, not 73 m off where PROJ's ballpark would
    moved = result.summary.to_crs(4523).geometry.iloc[0]
    assert shapely.hausdorff_distance(moved, square(0, 0, 100)) < 0.001
    assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(3000.0, abs=0.01)
    assert finding(result, "permanent_farmland").status == "prohibited"


# ------------------------------------------------------------- 4. road lines


def _road(epsg: int) -> gpd.GeoDataFrame:
    """A north-south road that the shift puts at x = 1,200 m: 200 m east of a 1 km square."""
    line = shapely.LineString([(X0 + 1200, Y0 - 500), (X0 + 1200, Y0 + 1500)])
    return gpd.GeoDataFrame({"name": ["R"]}, geometry=[legacy(line, epsg)], crs=epsg)


def test_legacy_road_lines_are_shifted_or_refused(tmp_path):
    aoi = sites(square(0, 0, 1000))
    far = frame([{"BSM": "R0", "geometry": square(-5000, -5000, 10)}])
    layers = {"eco_redline": far, "farmland": far}
    road = _road(2359)
    road.to_file(tmp_path / "road80.gpkg", layer="road")
    for roads in (road, f"{tmp_path / 'road80.gpkg'}:road"):
        found = landcheck.buildable(
            aoi, layers=layers, roads=roads, datum_shift=SHIFT, coverage=county(), **PLANAR
        )
        assert found.patches.road_distance_m.tolist() == pytest.approx([200.0], abs=0.001)
        assert any(w.startswith("layer 'roads': coordinates transformed") for w in found.warnings)
        with pytest.raises(AnalysisCRSError, match=r"layer 'roads' is in Xian 1980"):
            landcheck.buildable(aoi, layers=layers, roads=roads, coverage=county(), **PLANAR)


def test_a_road_in_the_other_legacy_datum_is_refused():
    aoi = legacy_frame(square(0, 0, 1000), 2359, site_id="A")
    far = frame([{"BSM": "R0", "geometry": square(-5000, -5000, 10)}])
    with pytest.raises(AnalysisCRSError, match=r"Beijing 1954 .* and Xian 1980 .*one --datum"):
        landcheck.buildable(
            aoi,
            layers={"eco_redline": far, "farmland": far},
            roads=_road(2411),
            datum_shift=SHIFT,
            coverage=county(),
            **PLANAR,
        )


# ------------------------------------------------------------- 5. a legacy --crs


def test_a_legacy_crs_is_not_the_analysis_crs(tmp_path):
    site = legacy_frame(square(0, 0, 100), 2359, site_id="S1")
    farmland = frame([{"BSM": "F1", "geometry": square(70, 0, 100)}])
    result = landcheck.check(
        site,
        layers={"farmland": farmland},
        coverage=county(),
        datum_shift=SHIFT,
        crs="EPSG:2359",
        **PLANAR,
    )
    assert result.analysis_crs.to_epsg() == 4523
    assert "its CGCS2000 counterpart EPSG:4523" in result.crs_reason
    # the outputs lie where the shift puts the site, labelled with the CRS they are in
    out = result.summary
    assert out.crs.to_epsg() == 4523
    assert shapely.hausdorff_distance(out.geometry.iloc[0], square(0, 0, 100)) < 0.001
    assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(3000.0, abs=0.01)
    assert not any("different map zones" in w for w in result.warnings)
    assert any("analysed in its CGCS2000 counterpart EPSG:4523" in w for w in result.warnings)


def test_a_legacy_crs_is_still_the_crs_of_inputs_that_declare_none(tmp_path):
    # a Xian 1980 shapefile without .prj, --crs EPSG:2359 as docs/inputs.md §3.1 advises
    path = tmp_path / "x80.shp"
    write_without_crs(legacy_frame(square(0, 0, 100), 2359, site_id="S1"), path)
    result = landcheck.check(
        str(path), coverage=county(), datum_shift=SHIFT, crs="EPSG:2359", **PLANAR
    )
    assert result.analysis_crs.to_epsg() == 4523
    assert shapely.hausdorff_distance(result.summary.geometry.iloc[0], square(0, 0, 100)) < 0.001


# ------------------------------------------------------------- 6. a .prj without EPSG code


def test_legacy_sites_of_a_custom_prj_are_shifted(tmp_path):
    site = gpd.GeoDataFrame(
        {"site_id": ["S1"]}, geometry=[legacy(square(0, 0, 100), 2359)], crs=ESRI_XIAN80
    )
    site.to_file(tmp_path / "site.shp")
    (tmp_path / "site.prj").write_text(ESRI_XIAN80)
    farmland = frame([{"BSM": "F1", "geometry": square(70, 0, 100)}])
    for given in (site, str(tmp_path / "site.shp")):
        result = landcheck.check(
            given, layers={"farmland": farmland}, coverage=county(), datum_shift=SHIFT, **PLANAR
        )
        assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(3000.0, abs=0.01)
        (record,) = [r for r in result.inputs if r.role == "sites"]
        assert record.extra["datum_shift"]["datum"] == "Xian 1980 (西安80)"


def test_custom_prj_with_shift_on_the_command_line(tmp_path):
    site = gpd.GeoDataFrame(
        {"site_id": ["S1"]}, geometry=[legacy(square(0, 0, 100), 2359)], crs=ESRI_XIAN80
    )
    site.to_file(tmp_path / "site.shp")
    (tmp_path / "site.prj").write_text(ESRI_XIAN80)
    out = tmp_path / "report"
    done = CliRunner().invoke(
        cli,
        ["-q", "check", str(tmp_path / "site.shp"), "-o", str(out), "--datum-shift", TEXT],
    )
    assert done.exit_code == 0, done.output
    assert "internal error" not in done.output


# ------------------------------------------------------------- 7. a shifted TXT's record


@pytest.mark.parametrize("in_file", [False, True])
def test_a_shifted_txt_is_recorded_in_its_own_crs_with_the_shift(tmp_path, in_file):
    path = tmp_path / "x80.txt"
    params = TEXT if in_file else ",,,,,,"
    path.write_text(legacy_txt(legacy(square(0, 0, 100), 2359), params), encoding="utf-8")
    result = landcheck.check(
        str(path), coverage=county(), datum_shift=None if in_file else SHIFT, **PLANAR
    )
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    (record,) = [i for i in data["inputs"] if i["role"] == "sites"]
    assert record["crs"] == "EPSG:2359"
    shift = record["extra"]["datum_shift"]
    assert shift["source_crs"] == "EPSG:2359" and shift["target_crs"] == "EPSG:4523"
    assert shift["datum"] == "Xian 1980 (西安80)"
    assert shift["parameters"] == dict(
        zip(("dx", "dy", "dz", "rx", "ry", "rz", "s"), PARAMS, strict=True)
    )
    assert "+convention=position_vector" in shift["pipeline"]
    assert shift["method"].startswith("Helmert 7-parameter transformation")
    assert not any(k.startswith("landcheck.") for k in record["extra"])
    assert shapely.hausdorff_distance(result.summary.geometry.iloc[0], square(0, 0, 100)) < 0.001


# ------------------------------------------------------------- 8. a shift not used


def test_a_shift_given_for_cgcs2000_inputs_is_said_unused():
    farmland = frame([{"BSM": "F1", "geometry": square(70, 0, 100)}])
    result = landcheck.check(
        sites(square(0, 0, 100)),
        layers={"farmland": farmland},
        coverage=county(),
        datum_shift=SHIFT,
        **PLANAR,
    )
    (said,) = [w for w in result.to_dict()["warnings"] if "datum shift was given" in w]
    assert "dx=-15.8" in said and "not applied" in said
    used = landcheck.check(
        legacy_frame(square(0, 0, 100), 2359, site_id="S1"),
        coverage=county(),
        datum_shift=SHIFT,
        **PLANAR,
    )
    assert not any("datum shift was given" in w for w in used.warnings)


def test_a_legacy_crs_without_epsg_code_is_analysed_on_cgcs2000():
    site = gpd.GeoDataFrame(
        {"site_id": ["S1"]}, geometry=[legacy(square(0, 0, 100), 2359)], crs=XIAN80_GK35
    )
    result = landcheck.check(site, coverage=county(), datum_shift=SHIFT, crs=XIAN80_GK35, **PLANAR)
    assert result.analysis_crs.geodetic_crs.to_epsg() == 4490
    assert "its CGCS2000 counterpart" in result.crs_reason
    moved = result.summary.to_crs(4523).geometry.iloc[0]
    assert shapely.hausdorff_distance(moved, square(0, 0, 100)) < 0.001
