"""Buildable land: analytic areas with and without buffers, minimum width and area."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import shapely
from common import GK35, X0, Y0, county, frame, square
from pyproj import CRS
from shapely import LineString

import landcheck
from landcheck.areas import ellipsoidal_areas
from landcheck.errors import InputDataError
from landcheck.select.constraints import QUAD_SEGS
from landcheck.select.shapes import open_by_width

PLANAR = {"area_method": "planar", "coverage": county()}  # the layers hold a few features


def aoi(width=1000.0, height=1000.0):
    return frame([{"name": "AOI", "geometry": square(0, 0, width, height)}])


def redline_strip():
    return frame([{"BSM": "R1", "geometry": square(0, 0, 200, 1000)}])


def farmland_block():
    return frame([{"BSM": "F1", "DLBM": "0101", "geometry": square(500, 300, 300)}])


def rounded_square_area(side, d, quad_segs=QUAD_SEGS):
    """A square grown by d with round joins drawn as GEOS does: each quarter circle is
    quad_segs chords through points on the circle, so a corner adds quad_segs triangles."""
    corner = quad_segs * 0.5 * d * d * math.sin(math.pi / (2 * quad_segs))
    return (side + 2 * d) ** 2 - 4 * d * d + 4 * corner


def layers():
    return {"eco_redline": redline_strip(), "farmland": farmland_block()}


def test_square_aoi_minus_redline_strip_and_farmland_block():
    result = landcheck.buildable(aoi(), layers=layers(), **PLANAR)
    assert result.area.planar_m2 == pytest.approx(1_000_000 - 200_000 - 90_000, rel=1e-12)
    assert len(result.patches) == 1
    assert result.unchecked == []
    excluded = result.excluded.set_index("key")
    assert excluded.loc["eco_redline", "planar_m2"] == pytest.approx(200_000.0)
    assert excluded.loc["farmland", "planar_m2"] == pytest.approx(90_000.0)
    # the ellipsoidal figures are those of the same polygons on the CGCS2000 ellipsoid
    expected = ellipsoidal_areas([result.patches.geometry.iloc[0]], CRS.from_epsg(4523))[0]
    assert result.area.ellipsoidal_m2 == pytest.approx(expected, rel=1e-12)
    aoi_ell = ellipsoidal_areas([square(0, 0, 1000)], CRS.from_epsg(4523))[0]
    excluded_ell = ellipsoidal_areas(
        [square(0, 0, 200, 1000), square(500, 300, 300)], CRS.from_epsg(4523)
    ).sum()
    assert result.area.ellipsoidal_m2 == pytest.approx(aoi_ell - excluded_ell, rel=1e-9)


def test_round_buffers_of_10_m():
    # the strip grows to x = 210 inside the area (its rounded corners fall outside it); the
    # block becomes a 320 m square with its corners rounded by 16-chord quarter circles
    result = landcheck.buildable(aoi(), layers=layers(), buffers=10, **PLANAR)
    block = rounded_square_area(300, 10)
    assert block == pytest.approx(102_313.65484905, abs=1e-6)
    assert result.area.planar_m2 == pytest.approx(1_000_000 - 210_000 - block, rel=1e-12)
    excluded = result.excluded.set_index("key")
    assert excluded.loc["eco_redline", "planar_m2"] == pytest.approx(210_000.0)
    assert excluded.loc["farmland", "planar_m2"] == pytest.approx(block, rel=1e-12)
    # the true circle would take 100π/4 per corner: GEOS's chords fall short by 0.5 m² in all
    assert block < 320**2 - 400 + 100 * math.pi
    assert (320**2 - 400 + 100 * math.pi) - block == pytest.approx(0.5044, abs=1e-4)
    # patches keep at least the buffer from every constraint
    # (at a rounded corner the chords' midpoints lie 10·cos(π/64) m from it)
    assert result.patches["nearest_hard_m"].iloc[0] == pytest.approx(10 * math.cos(math.pi / 64))


def test_mitre_buffers_keep_square_corners():
    result = landcheck.buildable(aoi(), layers=layers(), buffers=10, buffer_join="mitre", **PLANAR)
    assert result.area.planar_m2 == pytest.approx(1_000_000 - 210_000 - 320 * 320, rel=1e-12)


def test_buffer_per_layer():
    result = landcheck.buildable(aoi(), layers=layers(), buffers={"farmland": 10}, **PLANAR)
    expected = 1_000_000 - 200_000 - rounded_square_area(300, 10)
    assert result.area.planar_m2 == pytest.approx(expected, rel=1e-12)
    assert result.parameters["buffers"] == {"farmland": 10.0, "eco_redline": 0.0}


def test_minimum_width_removes_a_5_m_corridor_and_keeps_a_50_m_one():
    area = aoi(1000, 300)
    # farmland above and below a 5 m corridor joining two 300 m squares
    narrow = frame(
        [
            {"BSM": "F1", "geometry": square(300, 0, 400, 145)},
            {"BSM": "F2", "geometry": square(300, 150, 400, 150)},
        ]
    )
    result = landcheck.buildable(area, layers={"farmland": narrow}, **PLANAR)
    assert len(result.patches) == 1
    assert result.area.planar_m2 == pytest.approx(90_000 + 90_000 + 400 * 5)
    result = landcheck.buildable(area, layers={"farmland": narrow}, min_width_m=20, **PLANAR)
    assert len(result.patches) == 2
    assert sorted(result.patches["planar_m2"]) == pytest.approx([90_000.0, 90_000.0], rel=1e-9)
    assert result.removed["planar_m2"].sum() == pytest.approx(2_000.0, rel=1e-6)
    assert set(result.removed["reason"]) == {"narrower than 20 m"}
    wide = frame(
        [
            {"BSM": "F1", "geometry": square(300, 0, 400, 125)},
            {"BSM": "F2", "geometry": square(300, 175, 400, 125)},
        ]
    )
    result = landcheck.buildable(area, layers={"farmland": wide}, min_width_m=20, **PLANAR)
    assert len(result.patches) == 1
    assert result.area.planar_m2 == pytest.approx(90_000 + 90_000 + 400 * 50, rel=1e-9)
    assert result.removed.empty


def test_open_by_width_keeps_rectangles_exactly():
    rect = square(0, 0, 300, 20)
    assert open_by_width(rect, 20.0).area == pytest.approx(6000.0, rel=1e-12)
    assert open_by_width(rect, 20.1).is_empty
    assert open_by_width(square(0, 0, 300, 50), 50.0).area == pytest.approx(15_000.0, rel=1e-12)
    ell = shapely.union_all([square(0, 0, 100, 30), square(0, 0, 30, 100)])
    assert open_by_width(ell, 25.0).area == pytest.approx(ell.area, rel=1e-12)


def test_minimum_area_drops_small_patches():
    # farmland leaves 300 m in the west and 100 m in the east of a 1000 x 300 area
    block = frame([{"BSM": "F1", "geometry": square(300, 0, 600, 300)}])
    result = landcheck.buildable(
        aoi(1000, 300), layers={"farmland": block}, min_area_m2=50_000, **PLANAR
    )
    assert result.patches["planar_m2"].tolist() == pytest.approx([90_000.0])
    assert result.removed["planar_m2"].tolist() == pytest.approx([30_000.0])
    assert result.removed["reason"].tolist() == ["smaller than 50000 m²"]
    assert result.totals["removed"].planar_m2 == pytest.approx(30_000.0)


def test_missing_constraint_is_reported_not_silently_ignored():
    result = landcheck.buildable(aoi(), layers={"farmland": farmland_block()}, **PLANAR)
    assert result.unchecked == ["eco_redline"]
    assert any("NOT checked" in w and "eco_redline" in w for w in result.warnings)
    # fail closed: the patch's own pre-examination cannot say not_involved
    assert result.patches["status"].iloc[0] == "unknown"
    assert "NOT checked against" in result._repr_html_()


def test_outside_urban_boundary_is_excluded_with_a_setback():
    udb = frame([{"BSM": "U1", "geometry": square(500, -100, 1000, 1200)}])
    result = landcheck.buildable(
        aoi(), layers={**layers(), "urban_boundary": udb}, outside_urban=True, **PLANAR
    )
    # the east half, minus the farmland block
    assert result.area.planar_m2 == pytest.approx(500_000 - 90_000, rel=1e-12)
    result = landcheck.buildable(
        aoi(),
        layers={**layers(), "urban_boundary": udb},
        outside_urban=True,
        buffers={"urban_boundary": 10},
        **PLANAR,
    )
    # usable land starts 10 m inside the boundary, at x = 510, which cuts 10 m off the block
    assert result.area.planar_m2 == pytest.approx(490_000 - 290 * 300, rel=1e-12)


def test_land_classes_and_distances_of_a_patch():
    land_use = frame(
        [
            {"BSM": "L1", "DLBM": "0101", "geometry": square(0, 0, 500, 500)},
            {"BSM": "L2", "DLBM": "0103", "geometry": square(0, 500, 500, 500)},
            {"BSM": "L3", "DLBM": "0601", "geometry": square(500, 0, 500, 1000)},
        ]
    )
    udb = frame([{"BSM": "U1", "geometry": square(1100, 0, 400, 1000)}])
    roads = gpd.GeoDataFrame(
        {"name": ["G1"]},
        crs=GK35,
        geometry=[LineString([(X0 - 500, Y0 - 50), (X0 + 1500, Y0 - 50)])],
    )
    result = landcheck.buildable(
        aoi(),
        layers={**layers(), "land_use": land_use, "urban_boundary": udb},
        roads=roads,
        **PLANAR,
    )
    patch = result.patches.iloc[0]
    assert patch["paddy_ha"] == pytest.approx(15.0)  # x 200-500, y 0-500
    assert patch["cultivated_ha"] == pytest.approx(30.0)  # plus the dry land above it
    assert patch["conversion_ha"] == pytest.approx(30.0)
    assert patch["construction_ha"] == pytest.approx(50.0 - 9.0)  # minus the farmland block
    assert patch["urban"] == "outside"
    assert patch["urban_distance_m"] == pytest.approx(100.0)
    assert patch["road_distance_m"] == pytest.approx(50.0)
    assert patch["nearest_hard_m"] == pytest.approx(0.0)  # it touches the strip
    assert patch["status"] in ("prohibited", "unknown", "conditional")


def test_several_polygons_make_one_area_and_results_serialise():
    two = frame([{"geometry": square(300, 0, 100)}, {"geometry": square(900, 0, 100)}])
    result = landcheck.buildable(two, layers=layers(), **PLANAR)
    assert result.totals["aoi"].planar_m2 == pytest.approx(20_000.0)
    data = result.to_dict()
    assert data["schema"] == "landcheck/buildable@1"
    assert data["totals"]["buildable"]["planar_m2"] == pytest.approx(20_000.0)
    assert len(data["patches"]) == 2
    assert "<table" in result._repr_html_()


def test_plot_draws_on_given_axes():
    from matplotlib.figure import Figure

    result = landcheck.buildable(aoi(), layers=layers(), buffers=10, **PLANAR)
    ax = Figure().add_subplot()
    assert result.plot(ax=ax) is ax
    assert len(ax.collections) >= 3


def test_bad_parameters_are_input_errors():
    with pytest.raises(InputDataError, match="min_width_m"):
        landcheck.buildable(aoi(), layers=layers(), min_width_m=-1)
    with pytest.raises(InputDataError, match="not a constraint"):
        landcheck.buildable(aoi(), layers=layers(), buffers={"land_use": 5})
    with pytest.raises(InputDataError, match="no layer 'quarry'"):
        landcheck.buildable(aoi(), layers=layers(), constraints=["quarry"])


def test_user_layer_as_extra_constraint():
    quarry = frame([{"id": "Q1", "geometry": square(900, 900, 100)}])
    result = landcheck.buildable(
        aoi(), layers={**layers(), "+quarry": quarry}, constraints=["quarry"], **PLANAR
    )
    assert result.area.planar_m2 == pytest.approx(710_000 - 10_000, rel=1e-12)
    assert "quarry" in set(result.excluded["key"])
    assert np.isclose(result.excluded.set_index("key").loc["quarry", "planar_m2"], 10_000.0)


def test_patches_are_largest_first_by_the_runs_area_method():
    # 9 km either side of the meridian: the 100 m x 100.005 m patch is the larger plane,
    # the smaller on the ellipsoid; it was listed first under the (ellipsoidal) default
    aoi = frame(
        [
            {"name": "P", "geometry": square(9000, 0, 100)},
            {"name": "Q", "geometry": square(-9000, 0, 100, 100.005)},
        ]
    )
    far = frame([{"BSM": "R", "geometry": square(0, 5000, 10)}])
    layers = {"eco_redline": far, "farmland": far}
    table = landcheck.buildable(aoi, layers=layers, coverage=county()).table
    assert table["ha"].is_monotonic_decreasing
    assert table["planar_m2"].tolist() == pytest.approx([10_000.0, 10_000.5])
