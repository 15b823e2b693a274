"""`landcheck check` on real-world inputs: boundary TXT, GBK shapefiles, line files."""

from __future__ import annotations

import json
import warnings

import geopandas as gpd
import pytest
import shapely
from click.testing import CliRunner
from common import X0, Y0, frame, sites, square
from realworld import HOLED_AREA, REFERENCE_TXT, digest, write_shapefile

from landcheck.cli.main import cli


@pytest.fixture
def farmland(write_gpkg):
    layer = frame([{"BSM": "F1", "DLBM": "0101", "geometry": square(80_000, 0, 1000, 1000)}])
    return write_gpkg("farmland.gpkg", farmland=layer) + ":farmland"


def run_check(tmp_path, *args):
    out = tmp_path / "report"
    result = CliRunner().invoke(
        cli,
        ["-q", "check", *map(str, args), "-o", str(out), "-f", "json", "--area-method", "planar"],
    )
    findings = None
    if (out / "findings.json").exists():
        findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    return result, findings


def test_check_a_boundary_txt(tmp_path):
    path = tmp_path / "boundary.txt"
    path.write_bytes(REFERENCE_TXT.replace("\n", "\r\n").encode("gbk"))
    before = digest(path)
    result, findings = run_check(tmp_path, path)
    assert result.exit_code == 0, result.output
    (site,) = findings["sites"]
    assert (site["site_id"], site["name"]) == ("A-1", "厂区")
    assert site["area"]["planar_m2"] == pytest.approx(HOLED_AREA)
    (record,) = [i for i in findings["inputs"] if i["role"] == "sites"]
    assert record["extra"]["format"] == "boundary TXT" and record["extra"]["encoding"] == "gbk"
    assert digest(path) == before


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        ("J3,1,2700100.000,35500200.000", "J3,1,2700100.000", 11),
        ("J2,1,2700100.000,35500000.000", "J2,1,2700100.000,3550000O.000", 10),
        ("坐标系=2000国家大地坐标系", "坐标系=WGS84", 2),
    ],
)
def test_malformed_txt_is_exit_1_naming_the_line(tmp_path, old, new, line):
    path = tmp_path / "bad.txt"
    path.write_text(REFERENCE_TXT.replace(old, new), encoding="utf-8")
    result, findings = run_check(tmp_path, path)
    assert result.exit_code == 1
    assert f"Error: {path}, line {line}: " in result.output
    assert findings is None and not (tmp_path / "report").exists()


def test_gbk_shapefile_sites_keep_their_chinese_names(tmp_path, farmland):
    site = sites(square(80_500, 0, 1000, 500), XMMC=["某某光伏项目"])
    path = write_shapefile(site, tmp_path / "sites.shp", encoding="gbk")
    result, findings = run_check(tmp_path, path, "--layer", f"farmland={farmland}")
    assert result.exit_code == 0, result.output
    (checked,) = findings["sites"]
    assert checked["name"] == "某某光伏项目"
    assert checked["layers"]["farmland"]["overlap"]["planar_m2"] == pytest.approx(250_000.0)
    (record,) = [i for i in findings["inputs"] if i["role"] == "sites"]
    assert (record["extra"]["encoding"], record["extra"]["encoding_source"]) == ("gbk", "detected")


def test_a_utf8_shapefile_field_name_cut_inside_a_character_is_exit_1(tmp_path):
    # GDAL cuts 项目类型 (12 bytes in UTF-8) to 10 bytes, inside 型: "internal error" before
    site = sites(square(80_500, 0, 1000, 500), 项目类型=["铁路"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # GDAL's own note on the name it cut
        path = write_shapefile(site, tmp_path / "sites.shp", encoding="utf-8")
    assert (tmp_path / "sites.dbf").read_bytes()[64:74] == "项目类型".encode()[:10]
    result, findings = run_check(tmp_path, path)
    assert result.exit_code == 1
    assert f"Error: cannot decode the field names of {path}" in result.output
    assert "rename the field to at most 3 Chinese characters" in result.output
    assert findings is None and not (tmp_path / "report").exists()


@pytest.mark.parametrize("extension", ["geojson", "gpkg"])
def test_line_file_with_width(tmp_path, farmland, extension):
    road = shapely.LineString([(X0 + 79_000, Y0 + 500), (X0 + 82_000, Y0 + 500)])  # 3 km
    lines = gpd.GeoDataFrame(
        {"site_id": ["R1"], "name": ["连接线"]}, geometry=[road], crs="EPSG:4523"
    )
    if extension == "geojson":
        lines = lines.to_crs(4326)  # GeoJSON is longitude/latitude
    path = tmp_path / f"road.{extension}"
    lines.to_file(path)
    result, _ = run_check(tmp_path, path, "--layer", f"farmland={farmland}")
    assert result.exit_code == 1 and "--width" in result.output
    result, findings = run_check(tmp_path, path, "--layer", f"farmland={farmland}", "--width", "20")
    assert result.exit_code == 0, result.output
    (site,) = findings["sites"]
    assert site["linear"] is True
    assert site["area"]["planar_m2"] == pytest.approx(60_000.0, rel=1e-3)  # 3 km × 20 m
    # 1 km of the corridor crosses the farmland square
    assert site["layers"]["farmland"]["overlap"]["planar_m2"] == pytest.approx(20_000.0, rel=1e-3)


def test_line_file_with_a_width_field(tmp_path, farmland):
    road = shapely.LineString([(X0 + 79_000, Y0 + 500), (X0 + 82_000, Y0 + 500)])
    lines = gpd.GeoDataFrame(
        {"site_id": ["R1"], "width_m": [12.0]}, geometry=[road], crs="EPSG:4523"
    )
    path = tmp_path / "road.gpkg"
    lines.to_file(path)
    result, findings = run_check(tmp_path, path, "--layer", f"farmland={farmland}")
    assert result.exit_code == 0, result.output
    (site,) = findings["sites"]
    assert site["area"]["planar_m2"] == pytest.approx(36_000.0)
    assert site["linear"] is True
