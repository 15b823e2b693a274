"""landcheck.gpkg shows each site in its context (issue 15 part 4).

The constraint features the run read near the sites are written as ``context_<KEY>``
layers, styled like the HTML maps (land use by level-1 class and 三大类, planning zones by
conformity) and listed in the stored project in a group under the results. With QGIS
(Debian's python3-qgis, installed by ``make test`` when root) a headless PyQGIS render of
the stored project at a site's extent shows the site, its pieces and the features around
it; the image stays in the test's temporary folder.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from contextlib import closing

import numpy as np
import pyogrio
import pytest
import shapely
from common import SAMPLE_LAYER_KEYS, qgis_env

import landcheck
from landcheck.classify import load_code_table
from landcheck.report import write_report

RENDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "qgis_render.py")
SYSTEM_PYTHON = "/usr/bin/python3"
CONTEXT = [
    "context_farmland",
    "context_eco_redline",
    "context_urban_boundary",
    "context_protected_areas",
    "context_approved_land",
    "context_forest",
    "context_grassland",
    "context_wetland",
    "context_mineral_rights",
    "context_geohazard_points",
    "context_heritage",
    "context_illegal_land",
    "context_planning_zones",
    "context_land_use",
    "context_townships",
    "context_geohazard",
]
"""The layers the tests read, control lines and review layers first, the land covers last."""


@pytest.fixture(scope="module")
def checked(sample_gpkg, sample_layers):
    return landcheck.check(f"{sample_gpkg}:sites", layers=sample_layers)


@pytest.fixture(scope="module")
def gpkg(checked, tmp_path_factory):
    folder = tmp_path_factory.mktemp("context") / "report"
    return write_report(checked, folder, formats="gpkg")["gpkg"]


def query(path, sql):
    with closing(sqlite3.connect(path)) as db:
        return db.execute(sql).fetchall()


def test_one_context_layer_per_layer_read_between_the_results_and_the_tables(gpkg):
    names = [name for name, _ in pyogrio.list_layers(gpkg)]
    assert names == [
        "sites",
        "findings",
        "overlaps",
        *CONTEXT,
        "inputs",
        "run_info",
        "layer_styles",
    ]
    geometry = query(
        gpkg, "SELECT table_name, geometry_type_name, srs_id FROM gpkg_geometry_columns"
    )
    polygons = [name for name in CONTEXT if name != "context_geohazard_points"]
    assert {row[0]: row[1:] for row in geometry} == {
        **dict.fromkeys(["sites", "findings", "overlaps", *polygons], ("MULTIPOLYGON", 4523)),
        "context_geohazard_points": ("MULTIPOINT", 4523),  # a point layer stays points
    }


def test_context_layers_hold_the_features_read_near_the_sites(checked, gpkg):
    sites = np.asarray(checked.sites.geometry.values, dtype=object)
    for key in SAMPLE_LAYER_KEYS:
        held = checked.context[key]
        frame = pyogrio.read_dataframe(gpkg, layer=f"context_{key}")
        assert len(frame) == len(held) > 0
        assert sorted(frame["feature_id"]) == sorted(held["_id"].astype(str))
        assert set(frame["layer"]) == {key}
        # every piece inside a site lies in the context features it was cut from
        pieces = checked.pieces[key]
        if len(pieces):
            around = shapely.union_all(frame.geometry.values)
            outside = shapely.difference(np.asarray(pieces.geometry.values, dtype=object), around)
            assert float(shapely.area(outside).sum()) < 1e-3
    # the context reaches beside the sites: farmland read within the proximity distance
    farmland = pyogrio.read_dataframe(gpkg, layer="context_farmland")
    touching = shapely.STRtree(sites).query(farmland.geometry.values, predicate="intersects")[0]
    beside = len(farmland) - len(np.unique(touching))
    assert beside > 0


def test_land_use_and_planning_carry_the_classes_the_maps_colour(gpkg):
    table = load_code_table("sandiao-2019")
    land_use = pyogrio.read_dataframe(gpkg, layer="context_land_use")
    assert (land_use["level1"] != "").all()
    for code, level1, category in land_use[["class_code", "level1", "category"]].itertuples(
        index=False
    ):
        resolved = table.resolve(code)
        assert level1 == table.value(resolved, "level1")
        assert category == table.value(resolved, "category")
    assert {"农用地", "建设用地"} <= set(land_use["category"])
    zones = pyogrio.read_dataframe(gpkg, layer="context_planning_zones")
    # unknown: a zone the code alone cannot judge (04, 05, 06, and 07 whose conformity is the
    # project's), as the maps colour it
    assert set(zones["conformity"]) <= {"conforms", "needs_adjustment", "conflict", "unknown", ""}
    assert (zones["conformity"] != "").any()


def _qml(gpkg, layer):
    (qml,) = query(gpkg, f"SELECT styleQML FROM layer_styles WHERE f_table_name = '{layer}'")[0]
    return ET.fromstring(qml.split("\n", 1)[1])


def test_context_styles_follow_the_html_maps(gpkg, tmp_path, checked):
    land_use = _qml(gpkg, "context_land_use").find("renderer-v2")
    assert land_use.get("type") == "categorizedSymbol"
    assert land_use.get("attr") == 'concat("level1", \'|\', "category")'
    labels = {c.get("value"): c.get("label") for c in land_use.iter("category")}
    assert labels["01|农用地"] == "01 耕地（农用地）"
    assert labels["03|农用地"] == "03 林地（农用地）"
    assert labels["10|建设用地"] == "10 交通运输用地（建设用地）"
    symbols = {s.get("name"): s for s in land_use.find("symbols")}
    index = next(
        c.get("symbol") for c in land_use.iter("category") if c.get("value") == "01|农用地"
    )
    color = symbols[index].find(".//Option[@name='color']").get("value")
    assert color.startswith("247,244,139,")  # LEVEL1_COLORS["01"], as in the HTML maps
    zones = _qml(gpkg, "context_planning_zones").find("renderer-v2")
    assert zones.get("attr") == "conformity"
    farmland = _qml(gpkg, "context_farmland")
    assert farmland.find("renderer-v2").get("type") == "singleSymbol"
    aliases = {a.get("field"): a.get("name") for a in farmland.iter("alias")}
    assert aliases["feature_id"] == "要素编号"
    english = write_report(checked, tmp_path / "en", formats="gpkg", lang="en")["gpkg"]
    labels = {
        c.get("value"): c.get("label")
        for c in _qml(english, "context_land_use").find("renderer-v2").iter("category")
    }
    assert labels["01|农用地"] == "01 cultivated land (agricultural land)"


def test_the_stored_project_lists_the_context_in_a_group_under_the_results(gpkg, checked):
    ((content,),) = query(gpkg, "SELECT content FROM qgis_projects")
    archive = zipfile.ZipFile(io.BytesIO(bytes.fromhex(content)))
    root = ET.fromstring(archive.read(archive.namelist()[0]).decode("utf-8").split("\n", 1)[1])
    tree = root.find("layer-tree-group")
    top = [(child.tag, child.get("name")) for child in tree if child.tag != "customproperties"]
    assert [tag for tag, _ in top] == ["layer-tree-layer"] * 3 + ["layer-tree-group"] + [
        "layer-tree-layer"
    ] * 2
    group = tree.find("layer-tree-group")
    assert group.get("name") == "周边要素"
    members = {
        node.get("source").split("layername=")[1]: node.get("checked")
        for node in group.iter("layer-tree-layer")
    }
    assert list(members) == CONTEXT
    assert members["context_planning_zones"] == members["context_townships"] == "Qt::Unchecked"
    assert members["context_farmland"] == members["context_land_use"] == "Qt::Checked"
    # the map opens on the results, not on the (larger) context
    extent = root.find("mapcanvas/extent")
    xmin, xmax = float(extent.find("xmin").text), float(extent.find("xmax").text)
    west, _, east, _ = checked.sites.total_bounds
    assert xmin == pytest.approx(west - (east - west) * 0.05, abs=(east - west) * 0.05)
    assert xmax <= east + (east - west) * 0.1


def _qgis_missing() -> str | None:
    if not os.path.exists(SYSTEM_PYTHON):
        return f"{SYSTEM_PYTHON} is missing"
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import qgis.core"], capture_output=True, check=False
    )
    if probe.returncode != 0:
        return "python3-qgis is not installed (`make test` installs it as root)"
    return None


_WHY_NO_QGIS = _qgis_missing()


def _render(gpkg, bounds, folder, name):
    image, result = folder / f"{name}.png", folder / f"{name}.json"
    xmin, ymin, xmax, ymax = bounds
    pad = max(xmax - xmin, ymax - ymin) * 0.5
    box = [xmin - pad, ymin - pad, xmax + pad, ymax + pad]
    run = subprocess.run(
        [SYSTEM_PYTHON, RENDER, gpkg, *map(str, box), str(image), str(result)],
        capture_output=True,
        text=True,
        check=False,
        env=qgis_env(folder),
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(result.read_text(encoding="utf-8")), image


@pytest.mark.skipif(_WHY_NO_QGIS is not None, reason=str(_WHY_NO_QGIS))
def test_pyqgis_renders_a_site_in_its_context(gpkg, checked, tmp_path):
    sites = checked.sites.set_index("site_id").geometry
    shown = {}
    for site, layers in (("S02", ("周边永久基本农田",)), ("S04", ("周边生态保护红线",))):
        report, image = _render(gpkg, sites[site].bounds, tmp_path, site)
        assert report["opened"] and report["saved"] and report["crs"] == "EPSG:4523"
        assert all(layer["valid"] for layer in report["layers"])
        painted = report["painted"]
        for title in ("项目用地", "叠加图斑", "周边土地利用现状（三调地类图斑）", *layers):
            assert painted[title] > 1000, (site, title, painted)
        counts = {layer["name"]: layer["in_extent"] for layer in report["layers"]}
        assert counts["项目用地"] >= 1
        assert image.stat().st_size > 10_000
        shown[site] = painted
    # S02 lies in farmland, S04 in the redline: each shows its own constraint around it
    assert shown["S02"]["周边生态保护红线"] == 0 and shown["S04"]["周边永久基本农田"] == 0


def test_review_layers_carry_the_class_their_check_reads(checked, gpkg):
    # the forest's grade, the heritage zone… of the features beside a site were lost in
    # QGIS: context layers of the review had no class column (overlaps had it)
    for key, column in (("forest", "_grade"), ("heritage", "_zone"), ("wetland", "_grade")):
        frame = pyogrio.read_dataframe(gpkg, layer=f"context_{key}")
        held = checked.context[key]
        by_id = dict(zip(held["_id"].astype(str), held[column].astype(str), strict=True))
        assert len(frame) and frame["class_code"].tolist() == [
            by_id[i] for i in frame["feature_id"]
        ]
        assert (frame["class_code"] != "").any()
