"""The review layers in landcheck.gpkg: the class each check measured, the hazard points' style.

The site is a 1000 m x 500 m rectangle (50 ha, planar); the layers' overlaps with it are known
by construction.
"""

from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ET
from contextlib import closing

import geopandas as gpd
import pyogrio
import pytest
from common import GK35, X0, Y0, county, frame, sites, square
from shapely import Point

import landcheck
from landcheck.report import write_report

FOREST = frame(
    [
        {"BSM": "L0", "BHDJ": "Ⅰ", "GYLDJ": "国家级公益林", "geometry": square(0, 0, 200, 500)},
        {"BSM": "L1", "BHDJ": "Ⅲ", "GYLDJ": "", "geometry": square(200, 0, 300, 500)},
    ]
)  # Ⅰ 10 ha, Ⅲ 15 ha
RESERVE = frame(
    [
        {"BHDMC": "白云山", "GNFQ": "一般控制区", "geometry": square(600, 0, 100, 500)},
        {"BHDMC": "白云山", "GNFQ": "核心保护区", "geometry": square(700, 0, 100, 500)},
    ]
)  # 5 ha each
MINES = frame([{"XKZH": "C1", "KZ": "锰矿", "geometry": square(900, 0, 200, 200)}])  # half inside
HAZARD_POINTS = gpd.GeoDataFrame(
    {"YHDBH": ["HP001"], "ZHLX": ["滑坡"], "XQDJ": ["中型"]},
    geometry=[Point(X0 + 1300, Y0 + 250)],  # 300 m east of the site
    crs=GK35,
)


@pytest.fixture(scope="module")
def gpkg(tmp_path_factory):
    result = landcheck.check(
        sites(square(0, 0, 1000, 500)),
        layers={
            "forest": FOREST,
            "protected_areas": RESERVE,
            "mineral_rights": MINES,
            "geohazard_points": HAZARD_POINTS,
        },
        area_method="planar",
        coverage=county(),
    )
    folder = tmp_path_factory.mktemp("review") / "report"
    return write_report(result, folder, formats="gpkg")["gpkg"]


def test_overlaps_carry_the_class_each_review_check_measured(gpkg):
    overlaps = pyogrio.read_dataframe(gpkg, layer="overlaps")
    areas = overlaps.groupby(["layer", "class_code"])["area_planar_m2"].sum().to_dict()
    assert areas[("forest", "Ⅰ")] == pytest.approx(100_000.0)
    assert areas[("forest", "Ⅲ")] == pytest.approx(150_000.0)
    assert areas[("protected_areas", "一般控制区")] == pytest.approx(50_000.0)
    assert areas[("protected_areas", "核心保护区")] == pytest.approx(50_000.0)
    assert areas[("mineral_rights", "锰矿")] == pytest.approx(20_000.0)  # 100 m x 200 m inside
    forest = overlaps[overlaps["layer"] == "forest"].set_index("feature_id")["class_code"]
    assert forest.to_dict() == {"L0": "Ⅰ", "L1": "Ⅲ"}


def test_hazard_points_are_styled_with_a_marker(gpkg):
    with closing(sqlite3.connect(gpkg)) as db:
        styles = dict(db.execute("SELECT f_table_name, styleQML FROM layer_styles").fetchall())
    points = ET.fromstring(styles["context_geohazard_points"].split("\n", 1)[1])
    symbol = points.find("renderer-v2/symbols/symbol")
    assert symbol.get("type") == "marker"
    assert symbol.find("layer").get("class") == "SimpleMarker"
    options = {o.get("name"): o.get("value") for o in symbol.find("layer/Option")}
    assert options["name"] == "triangle" and options["size_unit"] == "MM"
    forest = ET.fromstring(styles["context_forest"].split("\n", 1)[1])
    assert forest.find("renderer-v2/symbols/symbol").get("type") == "fill"  # polygons keep fills
    assert pyogrio.read_info(gpkg, layer="context_geohazard_points")["features"] == 1
