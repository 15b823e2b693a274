"""Proximity checks where the ground around a site reaches beyond the area the layers describe.

A site wholly inside the described area may still have part of the band within a
proximity rule's distance beyond it (a county-edge site: the neighbour county may hold
redline). "None within 100 m" is then not known: ``clear`` becomes the built-in
``band_outside`` (unknown); ``near`` and ``overlaps`` stand. All numbers by construction:
a 100 m square site at (0, 0), the redline rule's 100 m and the farmland rule's 50 m.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import shapely
from common import GK35, X0, Y0, frame, sites, square
from pyproj import CRS

import landcheck


def _cap(radius: float, cut: float) -> float:
    """Area of a quarter disc of ``radius`` beyond a line ``cut`` from its centre (by hand)."""
    r, a = radius, cut
    return math.pi * r * r / 4 - (a / 2 * math.sqrt(r * r - a * a) + r * r / 2 * math.asin(a / r))


def _polygon_ratio() -> float:
    """Area of shapely's round buffer (8 segments a quarter) over the true disc's."""
    return 32 / (2 * math.pi) * math.sin(2 * math.pi / 32)


def _coverage(*geoms) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"n": [f"c{i}" for i in range(len(geoms))]}, geometry=list(geoms), crs=GK35
    )


def _far_layers() -> dict[str, gpd.GeoDataFrame]:
    """A redline and a farmland feature far away (3 km), inside every coverage below."""
    return {
        "eco_redline": frame(
            [{"BSM": "R1", "MC": "r", "LHLX": "", "geometry": square(-3000, -3000, 10)}]
        ),
        "farmland": frame([{"BSM": "F1", "DLBM": "0101", "geometry": square(-3000, -2000, 10)}]),
    }


def _check(layers, coverage=None):
    return landcheck.check(
        sites(square(0, 0, 100), project_type=["industrial"]),
        layers=layers,
        area_method="planar",
        coverage=coverage,
    )


def _finding(result, check):
    return next(f for f in result.site_findings("S1") if f.check == check)


def test_band_beyond_a_coverage_ending_20_m_east_is_unknown():
    # the coverage ends at x = 120: the band's part beyond is the strip 120 < x < 100 + d
    # (100 m high) and, at each east corner, the quarter disc beyond 20 m from its centre
    result = _check(_far_layers(), _coverage(square(-5000, -5000, 5120, 10000)))
    redline, farmland = (
        _finding(result, "eco_redline_proximity"),
        _finding(result, "farmland_proximity"),
    )
    assert (redline.outcome, redline.status) == ("band_outside", "unknown")
    assert (farmland.outcome, farmland.status) == ("band_outside", "unknown")
    for finding, d in ((redline, 100.0), (farmland, 50.0)):
        strip = (d - 20.0) * 100.0
        by_hand = strip + 2 * _cap(d, 20.0)  # 19,734.80 m² and 4,981.68 m²
        # shapely's round buffer is a 32-gon: the caps are a little smaller than the discs'
        assert by_hand * _polygon_ratio() - 1.0 < finding.area.m2 <= by_hand
        assert finding.area.m2 == pytest.approx(by_hand, rel=5e-3)
    assert redline.area.m2 == pytest.approx(19_734.8, rel=5e-3)
    assert (
        "outside the profile's coverage" in redline.message.en or "coverage" in redline.message.en
    )
    assert "100 m" in redline.message.en and "100 米" in redline.message.zh
    assert f"{redline.area.m2:,.2f} m²" in redline.message.en
    assert f"{redline.area.m2:,.2f} 平方米" in redline.message.zh
    # the site itself is inside: the overlap checks stand as they were
    assert _finding(result, "eco_redline").outcome == "not_involved"
    assert _finding(result, "permanent_farmland").outcome == "not_involved"


def test_band_beyond_a_notch_is_its_exact_rectangle():
    # the coverage lacks only the rectangle 120 < x < 300, 0 < y < 100 east of the site:
    # the band's part beyond is the straight side of the buffer, exactly
    county = square(-5000, -5000, 10000)
    notch = square(120, 0, 180, 100)
    result = _check(_far_layers(), _coverage(county.difference(notch)))
    redline, farmland = (
        _finding(result, "eco_redline_proximity"),
        _finding(result, "farmland_proximity"),
    )
    assert redline.outcome == farmland.outcome == "band_outside"
    assert redline.area.m2 == pytest.approx(80.0 * 100.0, rel=1e-9)
    assert farmland.area.m2 == pytest.approx(30.0 * 100.0, rel=1e-9)
    assert "8,000.00 m²" in redline.message.en and "3,000.00 平方米" in farmland.message.zh


def test_coverage_ending_at_the_site_edge_is_unknown():
    result = _check(_far_layers(), _coverage(square(-5000, -5000, 5100, 10000)))
    redline = _finding(result, "eco_redline_proximity")
    assert (redline.outcome, redline.status) == ("band_outside", "unknown")
    # half the band: the 100 m x 100 m strip and two quarter discs
    assert redline.area.m2 == pytest.approx(10_000.0 + 2 * math.pi * 100**2 / 4, rel=5e-3)
    assert _finding(result, "eco_redline").outcome == "not_involved"


def test_a_fully_described_band_stays_clear():
    for east in (200.0, 199.95):  # the band ends on the edge; a 5 cm strip is a sliver
        result = _check(_far_layers(), _coverage(square(-5000, -5000, 5000 + east, 10000)))
        for check in ("eco_redline_proximity", "farmland_proximity"):
            finding = _finding(result, check)
            assert (finding.outcome, finding.status) == ("clear", "not_involved"), (east, check)


def test_a_neighbouring_coverage_polygon_20_m_away_is_read():
    # two counties meet 20 m east of the site: the band lies in both, wholly described
    west = square(-5000, -5000, 5120, 10000)
    east = square(120, -5000, 5000, 10000)
    result = _check(_far_layers(), _coverage(west, east))
    assert _finding(result, "eco_redline_proximity").outcome == "clear"
    assert _finding(result, "farmland_proximity").outcome == "clear"


def test_near_and_overlaps_stand_when_the_band_reaches_beyond():
    layers = _far_layers()
    layers["eco_redline"] = frame(
        [{"BSM": "R2", "MC": "r", "LHLX": "", "geometry": square(-40, 0, 10, 100)}]  # 30 m west
    )
    layers["farmland"] = frame([{"BSM": "F2", "DLBM": "0101", "geometry": square(50, 50, 20)}])
    result = _check(layers, _coverage(square(-5000, -5000, 5120, 10000)))
    redline, farmland = (
        _finding(result, "eco_redline_proximity"),
        _finding(result, "farmland_proximity"),
    )
    assert (redline.outcome, redline.status) == ("near", "info")
    assert "30.0 m" in redline.message.en
    assert farmland.outcome == "overlaps"


def test_band_beyond_the_layer_extent_is_unknown():
    # no coverage polygon, no land-use survey: each layer's extent box is the described area;
    # both layers' boxes end at x = 120
    layers = {
        "eco_redline": frame(
            [
                {"BSM": "R1", "MC": "r", "LHLX": "", "geometry": square(-3000, -3000, 10)},
                {"BSM": "R2", "MC": "r", "LHLX": "", "geometry": square(110, 3000, 10)},
            ]
        ),
        "farmland": frame(
            [
                {"BSM": "F1", "DLBM": "0101", "geometry": square(-3000, -3000, 10)},
                {"BSM": "F2", "DLBM": "0101", "geometry": square(110, 3000, 10)},
            ]
        ),
    }
    result = _check(layers)
    redline, farmland = (
        _finding(result, "eco_redline_proximity"),
        _finding(result, "farmland_proximity"),
    )
    assert (redline.outcome, redline.status) == ("band_outside", "unknown")
    assert redline.area.m2 == pytest.approx(8_000.0 + 2 * _cap(100.0, 20.0), rel=5e-3)
    assert farmland.area.m2 == pytest.approx(3_000.0 + 2 * _cap(50.0, 20.0), rel=5e-3)
    assert "the extent of layer 'eco_redline'" in redline.message.en


def test_band_beyond_the_land_use_survey_box_is_unknown():
    # the land-use survey is the basis: its box (here one parcel's) ends at x = 120
    layers = _far_layers()
    layers["land_use"] = frame(
        [{"BSM": "L1", "DLBM": "0601", "geometry": square(-3500, -3500, 3620, 4000)}]
    )
    result = _check(layers)
    redline = _finding(result, "eco_redline_proximity")
    assert (redline.outcome, redline.status) == ("band_outside", "unknown")
    assert redline.area.m2 == pytest.approx(8_000.0 + 2 * _cap(100.0, 20.0), rel=5e-3)
    assert "box" in redline.message.en and "外接矩形" in redline.message.zh
    # a survey box reaching 100 m beyond the site describes the band
    layers["land_use"] = frame(
        [{"BSM": "L1", "DLBM": "0601", "geometry": square(-3500, -3500, 3700, 4000)}]
    )
    assert _finding(_check(layers), "eco_redline_proximity").outcome == "clear"


def test_a_site_partly_outside_is_outside_not_band():
    result = _check(_far_layers(), _coverage(square(-5000, -5000, 5050, 10000)))
    assert _finding(result, "eco_redline_proximity").outcome == "outside"


def test_band_outside_by_hand_and_the_site_left_out():
    from landcheck.coverage import band_outside

    region = shapely.box(X0 - 5000, Y0 - 5000, X0 + 120, Y0 + 5000)
    site_geoms = np.array([square(0, 0, 100), square(-1000, 0, 100), None], dtype=object)
    out = band_outside(site_geoms, 100.0, region, CRS.from_epsg(4523))
    assert out.planar_m2[0] == pytest.approx(8_000.0 + 2 * _cap(100.0, 20.0), rel=5e-3)
    assert out.planar_m2[1:].tolist() == [0.0, 0.0]
    assert out.ellipsoidal_m2[0] == pytest.approx(out.planar_m2[0], rel=1e-3)
    assert 0 < out.width_m[0] < 80.0
    # no region: the whole band (the site itself left out)
    whole = band_outside(site_geoms[:1], 50.0, None, CRS.from_epsg(4523))
    assert whole.planar_m2[0] == pytest.approx(4 * 100 * 50 + math.pi * 50**2 * _polygon_ratio())


def test_hazard_points_beyond_the_described_area_are_not_known():
    # the geohazard points' 1,000 m (this profile's own distance) said "no point within
    # 1,000 m" though the coverage ends 100 m east of the site (x = 200): the band beyond it
    # is 900 m x 100 m plus, at each east corner, the quarter disc beyond 100 m, by hand
    layers = {
        **_far_layers(),
        "geohazard_points": frame(
            [
                {
                    "YHDBH": "D1",
                    "ZHLX": "滑坡",
                    "XQDJ": "小型",
                    "geometry": shapely.Point(X0 - 3000, Y0),
                }
            ]
        ),
    }
    result = _check(layers, _coverage(square(-5000, -5000, 5200, 10000)))
    found = _finding(result, "geohazard_points")
    assert (found.outcome, found.status) == ("band_outside", "unknown")
    by_hand = 900.0 * 100.0 + 2 * _cap(1000.0, 100.0)  # 1,461,130 m²
    # shapely's round buffer is a 32-gon inside the circle: its caps are 0.6–0.7 % smaller
    assert by_hand * 0.992 < found.area.m2 <= by_hand
    # a coverage reaching 1,000 m all round: no point within 1,000 m, clear
    result = _check(layers, _coverage(square(-5000, -5000, 10000)))
    assert _finding(result, "geohazard_points").outcome == "clear"


def test_the_reports_give_no_site_area_for_ground_around_the_site():
    # a band_outside finding's area is the undescribed ground around the site: report.html
    # showed "涉及面积 1.9647 公顷" on a 1 ha site's card, report.xlsx the same figure
    from landcheck.tables import report_tables

    result = _check(_far_layers(), _coverage(square(-5000, -5000, 5120, 10000)))
    redline = _finding(result, "eco_redline_proximity")
    assert redline.outcome == "band_outside" and redline.area.m2 > 19_000.0
    findings = report_tables(result, "zh")["findings"].frame
    row = findings[findings["check"] == redline.title.zh].iloc[0]
    assert np.isnan(row["ha"]) and np.isnan(row["mu"])


def test_findings_json_gives_each_layers_band_beyond_the_described_area():
    # the coverage lacks the rectangle 120 < x < 300, 0 < y < 100 east of the 100 m site:
    # beyond it lie exactly 80 m x 100 m of the redline's 100 m band and 30 m x 100 m of the
    # farmland's 50 m band. A farmland feature 10 m north makes that check `near`: its band
    # figure is given all the same (the finding's area is then not the band's)
    import json

    from landcheck.report.json import dumps

    layers = _far_layers()
    layers["farmland"] = frame([{"BSM": "F2", "DLBM": "0101", "geometry": square(0, 110, 20)}])
    county = square(-5000, -5000, 10000).difference(square(120, 0, 180, 100))
    result = _check(layers, _coverage(county))
    assert _finding(result, "eco_redline_proximity").outcome == "band_outside"
    assert _finding(result, "farmland_proximity").outcome == "near"
    site = json.loads(dumps(result))["sites"][0]
    redline, farmland = site["layers"]["eco_redline"], site["layers"]["farmland"]
    [band] = redline["band_outside"]
    assert band["distance_m"] == 100.0
    assert band["planar_m2"] == pytest.approx(8_000.0, rel=1e-9)
    assert band["ellipsoidal_m2"] == pytest.approx(8_000.0, rel=1e-3)
    assert band["width_m"] == pytest.approx(2 * 8_000.0 / 360.0, rel=1e-9)  # 2·area/perimeter
    [band] = farmland["band_outside"]
    assert (band["distance_m"], band["planar_m2"]) == (50.0, pytest.approx(3_000.0, rel=1e-9))
    # a wholly described band reads 0; a layer no proximity rule reads has no band: null
    whole = json.loads(dumps(_check(_far_layers(), _coverage(square(-5000, -5000, 10000)))))
    layers_out = whole["sites"][0]["layers"]
    assert layers_out["eco_redline"]["band_outside"] == [
        {"distance_m": 100.0, "planar_m2": 0.0, "ellipsoidal_m2": 0.0, "width_m": 0.0}
    ]
    assert layers_out["land_use"]["band_outside"] is None
    assert layers_out["urban_boundary"]["band_outside"] is None


def test_the_layer_tables_conclusion_keeps_the_site_apart_from_the_ground_around_it():
    # the site takes no farmland or redline (both checks not_involved, 0 m²) but the coverage
    # ends 20 m east of it: only the proximity checks are unknown (band_outside). The
    # farmland and redline tables and the layers table read "无法判定" beside 0 m² taken, as if
    # whether the site takes the layer could not be told; they now say both things
    from landcheck.tables import report_tables

    result = _check(_far_layers(), _coverage(square(-5000, -5000, 5120, 10000)))
    assert _finding(result, "permanent_farmland").status == "not_involved"
    assert _finding(result, "farmland_proximity").outcome == "band_outside"
    for lang, words in (
        ("zh", "不涉及；周边无法判定"),
        ("en", "not involved; around the site: unknown"),
    ):
        tables = report_tables(result, lang)
        for key in ("farmland", "eco_redline"):
            [total] = tables[key].frame.to_dict("records")
            assert (total["m2"], total["status"]) == (0.0, words), (lang, key)
        layers = tables["layers"].frame.set_index("layer")
        assert layers.loc["farmland", "status"] == words
        assert layers.loc["eco_redline", "status"] == words
    # a feature found near the site: the note stands as the layer's conclusion, as before
    layers = _far_layers()
    layers["farmland"] = frame([{"BSM": "F2", "DLBM": "0101", "geometry": square(0, 110, 20)}])
    near = _check(layers, _coverage(square(-5000, -5000, 10000)))
    [total] = report_tables(near, "zh")["farmland"].frame.to_dict("records")
    assert (total["m2"], total["status"]) == (0.0, "提示")


def test_a_layer_read_only_around_the_site_says_its_conclusion_is_about_the_ground_around():
    # the geohazard points are read by the 1,000 m rule alone: beyond a coverage ending
    # 100 m east of the site, the layers table reads the conclusion as the surroundings'
    from landcheck.tables import report_tables

    layers = {
        **_far_layers(),
        "geohazard_points": frame(
            [
                {
                    "YHDBH": "D1",
                    "ZHLX": "滑坡",
                    "XQDJ": "小型",
                    "geometry": shapely.Point(X0 - 3000, Y0),
                }
            ]
        ),
    }
    result = _check(layers, _coverage(square(-5000, -5000, 5200, 10000)))
    assert _finding(result, "geohazard_points").outcome == "band_outside"
    table = report_tables(result, "zh")["layers"].frame.set_index("layer")
    assert table.loc["geohazard_points", "status"] == "周边无法判定"
    table = report_tables(result, "en")["layers"].frame.set_index("layer")
    assert table.loc["geohazard_points", "status"] == "around the site: unknown"
