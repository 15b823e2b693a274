"""Reliability, usage (issue 10, item 18): point sites, geometry collections and widths.

Points as sites need a width like lines; parts of geometry collections that are not polygons
are dropped with a warning that counts them; a width that is not one is a usage error (exit 2)
on the command line and an InputDataError in the library.
"""

from __future__ import annotations

import math

import geopandas as gpd
import pytest
import shapely
from click.testing import CliRunner
from common import GK35, X0, Y0, frame, sites, square

import landcheck
from landcheck.cli.main import cli
from landcheck.errors import InputDataError


@pytest.fixture
def runner():
    return CliRunner()


def point_sites(*points, **columns):
    geoms = [shapely.Point(X0 + x, Y0 + y) for x, y in points]
    data = {"site_id": [f"P{i + 1}" for i in range(len(geoms))], **columns}
    return gpd.GeoDataFrame(data, geometry=geoms, crs=GK35)


# --------------------------------------------------------------------------- points


def test_point_sites_without_a_width_end_in_exit_1(runner, tmp_path):
    path = tmp_path / "wells.gpkg"
    point_sites((0, 0), (500, 0)).to_file(path)
    out = tmp_path / "report"
    result = runner.invoke(cli, ["check", str(path), "-o", str(out)])
    assert result.exit_code == 1
    assert "site feature(s) 1, 2 are points without a width" in result.output
    assert "--width" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_a_point_site_with_a_width_is_the_square_of_that_side():
    result = landcheck.check(point_sites((0, 0)), width=20.0, area_method="planar")
    site = result.sites.iloc[0]
    assert site["planar_m2"] == pytest.approx(400.0)
    assert site.geometry.bounds == pytest.approx((X0 - 10, Y0 - 10, X0 + 10, Y0 + 10))
    assert not bool(site["linear"])


def test_a_point_sites_width_field_is_used():
    result = landcheck.check(point_sites((0, 0), width_m=[8.0]), area_method="planar")
    assert result.sites.loc[0, "planar_m2"] == pytest.approx(64.0)


def test_a_point_site_on_farmland_is_checked_like_a_polygon():
    farmland = frame([{"BSM": "F1", "geometry": square(0, -50, 100)}])
    result = landcheck.check(
        point_sites((0, 0)), layers={"farmland": farmland}, width=20.0, area_method="planar"
    )
    # half of the 20 m square lies on the farmland
    assert result.layer_area("P1", "farmland").planar_m2 == pytest.approx(200.0)


# --------------------------------------------------------------------------- collections


def test_collection_parts_that_are_not_polygons_are_dropped_with_counts():
    polygon = square(0, 0, 100)
    collection = shapely.GeometryCollection(
        [
            polygon,
            shapely.LineString([(X0, Y0), (X0 + 200, Y0)]),
            shapely.Point(X0 + 300, Y0),
            shapely.GeometryCollection([shapely.Point(X0 + 400, Y0)]),  # nested
        ]
    )
    data = sites(collection, square(500, 0, 100))
    result = landcheck.check(data, area_method="planar")
    assert result.sites["planar_m2"].tolist() == pytest.approx([10_000.0, 10_000.0])
    (warning,) = [w for w in result.warnings if "geometry collections" in w]
    assert warning == (
        "site(s) S1: 3 part(s) of geometry collections are not polygons (2 Point, 1 "
        "LineString) and were dropped; only the polygons are checked"
    )


def test_a_collection_of_polygons_only_warns_nothing():
    collection = shapely.GeometryCollection([square(0, 0, 100), square(200, 0, 100)])
    result = landcheck.check(sites(collection), area_method="planar")
    assert result.sites.loc[0, "planar_m2"] == pytest.approx(20_000.0)
    assert not any("geometry collections" in w for w in result.warnings)


# --------------------------------------------------------------------------- widths


@pytest.mark.parametrize("width", ["nan", "inf", "-inf", "0", "-5", "1000.5", "5000", "wide"])
def test_a_width_that_is_not_one_is_a_usage_error(runner, tmp_path, width):
    path = tmp_path / "road.gpkg"
    sites(shapely.LineString([(X0, Y0), (X0 + 1000, Y0)])).to_file(path)
    out = tmp_path / "report"
    result = runner.invoke(cli, ["check", str(path), "--width", width, "-o", str(out)])
    assert result.exit_code == 2
    assert "Invalid value for '--width'" in result.output
    assert not out.exists()


def test_a_width_of_one_kilometre_is_accepted():
    road = sites(shapely.LineString([(X0, Y0), (X0 + 1000, Y0)]))
    result = landcheck.check(road, width=1000.0, area_method="planar")
    assert result.sites.loc[0, "planar_m2"] == pytest.approx(1_000_000.0)


@pytest.mark.parametrize("width", [math.nan, math.inf, 0.0, -1.0, 1500.0])
def test_the_library_refuses_a_width_that_is_not_one(width):
    road = sites(shapely.LineString([(X0, Y0), (X0 + 1000, Y0)]))
    with pytest.raises(InputDataError, match="is not a width"):
        landcheck.check(road, width=width)


@pytest.mark.parametrize("value", [0.0, -3.0, math.inf, 2000.0])
def test_a_width_field_that_is_not_a_width_ends_in_exit_1(runner, tmp_path, value):
    path = tmp_path / "roads.gpkg"
    line = shapely.LineString([(X0, Y0), (X0 + 1000, Y0)])
    sites(line, line.offset_curve(50), width_m=[10.0, value]).to_file(path)
    result = runner.invoke(cli, ["check", str(path), "-o", str(tmp_path / "report")])
    assert result.exit_code == 1
    assert f"site feature(s) 2 ({value:g}): field 'width_m' is not a width" in result.output


def test_a_blank_width_field_falls_back_to_the_width_option(tmp_path):
    line = shapely.LineString([(X0, Y0), (X0 + 1000, Y0)])
    roads = sites(line, line.offset_curve(50), width_m=[10.0, math.nan])
    result = landcheck.check(roads, width=20.0, area_method="planar")
    assert result.sites["planar_m2"].tolist() == pytest.approx([10_000.0, 20_000.0])
