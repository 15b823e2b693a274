"""`landcheck inspect`: layers, CRS fit, counts, geometry health, encoding, TXT plots."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
import shapely
from click.testing import CliRunner
from common import sites, square
from realworld import REFERENCE_TXT, survey_drawing, write_shapefile, write_without_crs

from landcheck.cli.main import cli


def inspect(*args):
    result = CliRunner().invoke(cli, ["inspect", *map(str, args)])
    return result


def inspect_json(*args):
    result = inspect(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_geopackage_layers_counts_and_health(tmp_path):
    path = tmp_path / "a.gpkg"
    bow_tie = shapely.Polygon(
        [
            (35_500_000, 2_700_000),
            (35_500_100, 2_700_100),
            (35_500_100, 2_700_000),
            (35_500_000, 2_700_100),
        ]
    )
    gpd.GeoDataFrame(
        {"site_id": ["S1", "S2", "S3"]},
        geometry=[square(0, 0, 100), bow_tie, shapely.Polygon()],
        crs="EPSG:4523",
    ).to_file(path, layer="sites")
    sites(square(0, 0, 10)).to_file(path, layer="other")
    report = inspect_json(path)
    assert report["format"] == "GPKG"
    assert [layer["layer"] for layer in report["layers"]] == ["sites", "other"]
    layer = report["layers"][0]
    assert layer["features"] == 3 and layer["geometry_types"] == ["Polygon"]
    assert (layer["invalid"], layer["empty"]) == (1, 1)
    assert layer["crs"] == "EPSG:4523" and layer["crs_check"] == "ok"
    assert layer["extent"] == [35_420_000.0, 2_700_000.0, 35_500_100.0, 2_700_100.0]
    assert layer["encoding_note"] == "GeoPackage text is UTF-8"
    text = inspect(f"{path}:sites")
    assert text.exit_code == 0
    assert "features: 3; geometry: Polygon" in text.output
    assert "invalid geometries: 1 (1 repairable); empty: 1" in text.output


def test_gbk_shapefile_without_cpg(tmp_path):
    path = write_shapefile(
        sites(square(0, 0, 10), 名称=["泵站"]), tmp_path / "a.shp", encoding="gbk"
    )
    (layer,) = inspect_json(path)["layers"]
    assert layer["encoding"] == "gbk" and layer["encoding_source"] == "detected"
    assert layer["fields"] == ["site_id", "名称"]
    assert "encoding: gbk, detected from the .dbf bytes (no .cpg)" in inspect(path).output


def test_missing_prj_gets_suggestions(tmp_path):
    path = write_without_crs(sites(square(0, 0, 10)), tmp_path / "a.shp")
    (layer,) = inspect_json(path)["layers"]
    assert layer["crs"] is None
    assert layer["crs_check"].startswith("no CRS declared; its coordinates suggest EPSG:4523")
    assert [s["crs"] for s in layer["crs_suggestions"]] == ["EPSG:4523", "EPSG:2359", "EPSG:2411"]
    assert "maybe EPSG:4523: eastings carry the zone prefix 35" in inspect(path).output


def test_implausible_crs_is_named(tmp_path):
    path = tmp_path / "a.gpkg"
    lonlat = gpd.GeoDataFrame(geometry=[shapely.box(103.5, 24.2, 104.0, 24.8)], crs="EPSG:4523")
    lonlat.to_file(path)
    (layer,) = inspect_json(path)["layers"]
    assert layer["crs_check"].startswith("coordinates look like longitude/latitude")
    assert [s["crs"] for s in layer["crs_suggestions"]] == ["EPSG:4490", "EPSG:4326"]


def test_boundary_txt_plots_with_declared_and_computed_areas(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(REFERENCE_TXT.replace("10,1.9900,A-1", "10,2.1000,A-1"), encoding="gbk")
    report = inspect_json(path)
    assert report["format"] == "boundary TXT"
    (plot,) = report["plots"]
    assert plot == {
        "site_id": "A-1",
        "name": "厂区",
        "land_use": "工业",
        "land_class": "0601",
        "parts": 1,
        "holes": 1,
        "points": 8,
        "declared_ha": 2.1,
        "computed_ha": pytest.approx(1.99),
        "difference_pct": pytest.approx(5.5276, abs=1e-4),
    }
    assert report["layers"][0]["encoding"] == "gbk"
    assert report["metadata"]["带号"] == "35"
    (warning,) = report["warnings"]
    assert "declared area 2.1000 ha (地块面积) differs from the computed planar area 1.9900" in (
        warning
    )
    text = inspect(path).output
    assert "A-1         厂区" in text and "2.1000       1.9900    +5.53" in text
    assert "warning: plot A-1 (line 8): declared area 2.1000 ha" in text


def test_malformed_txt_is_exit_1_with_the_line(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(
        REFERENCE_TXT.replace("J4,1,2700000.000,35500200.000", "J4,1,2700000.000"), encoding="utf-8"
    )
    result = inspect(path)
    assert result.exit_code == 1
    assert f"Error: {path}, line 12: expected a point line" in result.output


def test_dxf_shows_what_would_be_read(tmp_path):
    path = survey_drawing(tmp_path / "a.dxf")
    report = inspect_json(path)
    assert report["format"] == "DXF"
    assert report["dxf"]["polygons"] == 2 and report["dxf"]["open_lines"] == 1
    assert [p["computed_ha"] for p in report["plots"]] == [1.99, 0.5]
    (layer,) = report["layers"]
    assert layer["crs"] is None and "EPSG:4523" in layer["crs_check"]
    assert layer["geometry_types"] == ["Point", "LineString"]


def test_missing_file():
    result = inspect("no/such/file.shp")
    assert result.exit_code == 1 and "no such file" in result.output
