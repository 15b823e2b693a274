"""landcheck.gpkg opens in QGIS styled: layer_styles, the stored project, multi-part layers."""

from __future__ import annotations

import io
import json
import sqlite3
import xml.etree.ElementTree as ET
import zipfile
from contextlib import closing

import pyogrio
import pytest
from common import county, frame, sites, square
from report_case import result

from landcheck.report import write_report
from landcheck.report.gpkg import context_layers

CONTEXT = tuple(context_layers(result()))  # context_<KEY>: tests/test_report_gpkg_context.py
SPATIAL = ("sites", "findings", "overlaps", *CONTEXT)


@pytest.fixture(scope="module")
def gpkg(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gpkg") / "report"
    return write_report(result(), folder, formats="gpkg")["gpkg"]


def query(path, sql):
    with closing(sqlite3.connect(path)) as db:
        return db.execute(sql).fetchall()


def test_one_default_style_per_spatial_layer(gpkg):
    rows = query(
        gpkg,
        "SELECT f_table_catalog, f_table_schema, f_table_name, f_geometry_column,"
        " styleName, styleQML, styleSLD, useAsDefault, description, owner, ui,"
        " update_time FROM layer_styles",
    )
    assert sorted(r[2] for r in rows) == sorted(SPATIAL)
    geometry = dict(query(gpkg, "SELECT table_name, column_name FROM gpkg_geometry_columns"))
    for catalog, schema, table, column, name, qml, _, default, *_ in rows:
        assert (catalog, schema) == ("", "")
        assert column == geometry[table]
        assert default == 1 and name == table
        root = ET.fromstring(qml.split("\n", 1)[1])
        assert root.tag == "qgis"
        assert root.find("renderer-v2") is not None
        assert root.find("aliases") is not None
    # layer_styles is an attribute table GDAL (and so QGIS) lists
    assert ("layer_styles", "attributes") in query(
        gpkg, "SELECT table_name, data_type FROM gpkg_contents"
    )


def test_styles_say_what_they_show(gpkg):
    styles = dict(query(gpkg, "SELECT f_table_name, styleQML FROM layer_styles"))
    sites = ET.fromstring(styles["sites"].split("\n", 1)[1])
    assert sites.find("renderer-v2").get("type") == "singleSymbol"
    fill = sites.find(".//layer[@class='SimpleFill']/Option")
    options = {o.get("name"): o.get("value") for o in fill}
    assert options["style"] == "no" and options["outline_color"].startswith("227,0,27")
    assert sites.find("labeling/settings/text-style").get("fieldName") == "site_id"
    overlaps = ET.fromstring(styles["overlaps"].split("\n", 1)[1])
    renderer = overlaps.find("renderer-v2")
    assert renderer.get("type") == "categorizedSymbol" and renderer.get("attr") == "layer"
    categories = {c.get("value"): c for c in renderer.iter("category")}
    assert set(categories) == set(result().profile.layers)
    assert categories["farmland"].get("label") == "永久基本农田"
    assert categories["land_use"].get("render") == "false"
    findings = ET.fromstring(styles["findings"].split("\n", 1)[1])
    assert findings.find("renderer-v2").get("attr") == "status"
    aliases = {a.get("field"): a.get("name") for a in overlaps.iter("alias")}
    assert aliases["class_code"] == "地类/分区代码"


def test_layers_are_multipolygons_in_the_analysis_crs(gpkg):
    rows = query(gpkg, "SELECT table_name, geometry_type_name, srs_id FROM gpkg_geometry_columns")
    assert {r[0]: (r[1], r[2]) for r in rows} == dict.fromkeys(SPATIAL, ("MULTIPOLYGON", 4523))
    info = pyogrio.read_info(gpkg, layer="overlaps")
    assert "feature_id" in info["fields"] and "class_code" in info["fields"]


def test_stored_project_opens_every_layer_in_order(gpkg):
    ((name, metadata, content),) = query(gpkg, "SELECT name, metadata, content FROM qgis_projects")
    assert name == "landcheck"
    assert '"last_modified_time"' in metadata
    archive = zipfile.ZipFile(io.BytesIO(bytes.fromhex(content)))
    (member,) = archive.namelist()
    assert member.endswith(".qgs")
    qgs = archive.read(member).decode("utf-8")
    root = ET.fromstring(qgs.split("\n", 1)[1])
    sources = [node.get("source") for node in root.iter("layer-tree-layer")]
    assert sources == [
        f"./landcheck.gpkg|layername={n}"
        for n in ("sites", "findings", "overlaps", *CONTEXT, "inputs", "run_info")
    ]
    layers = root.find("projectlayers").findall("maplayer")
    assert [m.find("datasource").text for m in layers] == sources
    assert layers[0].find("renderer-v2").get("type") == "singleSymbol"
    assert root.find("projectCrs/spatialrefsys/authid").text == "EPSG:4523"
    assert root.find("properties/Paths/Absolute").text == "false"


@pytest.mark.parametrize("before", [None, "NORMAL"])
def test_the_file_is_written_without_waiting_for_the_disk_and_gdal_s_option_put_back(
    tmp_path, monkeypatch, before
):
    """SQLite does not wait for the disk at each layer's commit (the report's staging folder is
    put in place whole, and no report file waits for it); GDAL's option is what it was before
    the writer ran, and the file is whole."""
    pyogrio.set_gdal_config_options({"OGR_SQLITE_SYNCHRONOUS": before})
    seen = []
    write = pyogrio.write_dataframe

    def writing(*args, **kwargs):
        seen.append(pyogrio.get_gdal_config_option("OGR_SQLITE_SYNCHRONOUS"))
        return write(*args, **kwargs)

    monkeypatch.setattr(pyogrio, "write_dataframe", writing)
    try:
        path = write_report(result(), tmp_path / "report", formats="gpkg")["gpkg"]
        after = pyogrio.get_gdal_config_option("OGR_SQLITE_SYNCHRONOUS")
    finally:
        pyogrio.set_gdal_config_options({"OGR_SQLITE_SYNCHRONOUS": None})
    assert seen == [False] * (len(SPATIAL) + 3)  # every layer, inputs, run_info, layer_styles
    assert after == before
    assert query(path, "PRAGMA integrity_check") == [("ok",)]
    assert len(query(path, "SELECT * FROM sites")) == len(result().site_ids)


def test_a_layer_not_checked_has_no_area_in_the_sites_layer_and_keys_never_clash(tmp_path):
    # the sites layer gave 0.0 m² of farmland for a farmland file that could not be read (a
    # QGIS filter farmland_m2 > 0 then missed a site on farmland); a layer keyed area_planar
    # named its column as the site's own area, and the writer failed
    import geopandas as gpd
    import shapely

    import landcheck

    site = shapely.box(35_420_000, 2_700_000, 35_420_100, 2_700_100)
    sites = gpd.GeoDataFrame({"site_id": ["S1"]}, geometry=[site], crs=4523)
    unreadable = tmp_path / "farmland.gpkg"
    unreadable.write_bytes(b"")
    farmland = gpd.GeoDataFrame({"BSM": ["F1"]}, geometry=[site], crs=4523)
    checked = landcheck.check(
        sites, layers={"farmland": str(unreadable), "+area_planar": farmland}, area_method="planar"
    )
    written = write_report(checked, tmp_path / "report", formats="gpkg")
    frame = pyogrio.read_dataframe(written["gpkg"], layer="sites", read_geometry=False)
    with closing(sqlite3.connect(written["gpkg"])) as con:
        (stored,) = con.execute("SELECT farmland_m2 FROM sites").fetchone()
    assert stored is None
    assert frame["area_planar_m2"].tolist() == pytest.approx([10_000.0])
    assert frame["layer_area_planar_m2"].tolist() == pytest.approx([10_000.0])


def test_layer_keys_differing_only_in_case_get_distinct_columns_and_tables(tmp_path):
    """A profile may hold keys equal but for case (``forest`` and a layer ``Forest`` added to
    it); SQLite compares column and table names ignoring case, so the second one's area
    column and context table get free names (the writer failed: "forest_m2 … already
    exists"). The 100 m square site: forest on its west 30 m (3,000 m²), Forest on its east
    20 m (2,000 m²)."""
    import geopandas as gpd
    import shapely

    import landcheck
    from landcheck.io.profiles import load_profile

    x, y = 35_420_000, 2_700_000
    site = gpd.GeoDataFrame(
        {"site_id": ["S1"]}, geometry=[shapely.box(x, y, x + 100, y + 100)], crs=4523
    )
    west = gpd.GeoDataFrame(
        {"BSM": ["W1"]}, geometry=[shapely.box(x - 10, y, x + 30, y + 100)], crs=4523
    )
    east = gpd.GeoDataFrame(
        {"BSM": ["E1"]}, geometry=[shapely.box(x + 80, y, x + 120, y + 100)], crs=4523
    )
    profile = load_profile().with_sources({"Forest": None})
    checked = landcheck.check(
        site, layers={"forest": west, "Forest": east}, profile=profile, area_method="planar"
    )
    path = write_report(checked, tmp_path / "report", formats="gpkg")["gpkg"]
    frame = pyogrio.read_dataframe(path, layer="sites", read_geometry=False)
    assert frame["forest_m2"].tolist() == pytest.approx([3_000.0])
    assert frame["layer_Forest_m2"].tolist() == pytest.approx([2_000.0])
    names = [name for name, _ in pyogrio.list_layers(path)]
    assert "context_forest" in names and "context_Forest_2" in names
    for layer, west_edge in (("context_forest", x - 10), ("context_Forest_2", x + 80)):
        context = pyogrio.read_dataframe(path, layer=layer)
        assert context.geometry.bounds["minx"].tolist() == [west_edge]
    styles = dict(query(path, "SELECT f_table_name, styleQML FROM layer_styles"))
    assert {"context_forest", "context_Forest_2"} <= set(styles)
    for qml in styles.values():
        ET.fromstring(qml.split("\n", 1)[1])
    (content,) = query(path, "SELECT content FROM qgis_projects")[0]
    archive = zipfile.ZipFile(io.BytesIO(bytes.fromhex(content)))
    project = ET.fromstring(archive.read("landcheck.qgs").decode().split("\n", 1)[1])
    sources = [e.text for e in project.iter("datasource")]
    assert "./landcheck.gpkg|layername=context_Forest_2" in sources
    titles = {e.text for e in project.iter("layername")}
    assert {"周边Forest", f"周边{profile.layers['forest'].title.zh}"} <= titles


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_control_characters_in_a_layer_title_leave_the_styles_and_project_well_formed(
    tmp_path, lang
):
    """A profile's farmland title holding U+001B (zh) and U+0001 (en) went raw into the layer
    styles and the stored project, which were then not XML (QGIS could not open them). What
    XML cannot hold is now U+FFFD, as in report.docx. The 100 m square takes 3,000 m² of
    farmland (its west 30 m)."""
    from dataclasses import replace

    import geopandas as gpd
    import shapely

    import landcheck
    from landcheck.io.profiles import load_profile
    from landcheck.profile import Text

    profile = load_profile()
    farmland_spec = replace(
        profile.layers["farmland"], title=Text("永久基本农田\x1b", "farm\x01land")
    )
    profile = replace(profile, layers={**profile.layers, "farmland": farmland_spec})
    x, y = 35_420_000, 2_700_000
    site = gpd.GeoDataFrame(
        {"site_id": ["S1"]}, geometry=[shapely.box(x, y, x + 100, y + 100)], crs=4523
    )
    farmland = gpd.GeoDataFrame(
        {"BSM": ["F1"], "DLBM": ["0101"]},
        geometry=[shapely.box(x - 10, y, x + 30, y + 100)],
        crs=4523,
    )
    checked = landcheck.check(
        site, layers={"farmland": farmland}, profile=profile, area_method="planar"
    )
    assert checked.layer_area("S1", "farmland").planar_m2 == pytest.approx(3_000.0)
    path = write_report(checked, tmp_path / "report", formats="gpkg", lang=lang)["gpkg"]
    title = "永久基本农田\ufffd" if lang == "zh" else "farm\ufffdland"
    styles = dict(query(path, "SELECT f_table_name, styleQML FROM layer_styles"))
    labels = [
        e.get("label") for e in ET.fromstring(styles["overlaps"].split("\n", 1)[1]).iter("category")
    ]
    assert title in labels
    for qml in styles.values():
        ET.fromstring(qml.split("\n", 1)[1])  # every style is well-formed XML
    (content,) = query(path, "SELECT content FROM qgis_projects")[0]
    archive = zipfile.ZipFile(io.BytesIO(bytes.fromhex(content)))
    project = ET.fromstring(archive.read("landcheck.qgs").decode().split("\n", 1)[1])
    context = "周边永久基本农田\ufffd" if lang == "zh" else "farm\ufffdland (around the sites)"
    assert context in {e.text for e in project.iter("layername")}


def test_the_inputs_counts_are_integers_and_the_run_says_its_stage(gpkg):
    # the counts were TEXT (a QGIS filter features_read > 100 compared strings); run_info
    # did not say whether the file is of a pre-examination or an approval
    types = {name: kind for _, name, kind, *_ in query(gpkg, "PRAGMA table_info('inputs')")}
    for column in ("features_read", "repaired", "invalid", "empty", "non_polygonal"):
        assert types[column] in ("INTEGER", "MEDIUMINT", "BIGINT"), (column, types[column])
    assert types["path"] == "TEXT"
    info = dict(query(gpkg, "SELECT key, value FROM run_info"))
    assert info["stage"] == "preexam"


def _dry_land_site(method: str):
    """A 100 m industrial square on collective 旱地 (0103), its west 30 m permanent farmland:
    3,000 m² of farmland planar, a little less ellipsoidal; no approved_land layer."""
    import landcheck

    layers = {
        "land_use": frame(
            [{"BSM": "L", "DLBM": "0103", "QSXZ": "30", "geometry": square(-10, -10, 120)}]
        ),
        "farmland": frame([{"BSM": "F", "DLBM": "0103", "geometry": square(0, 0, 30, 100)}]),
        "urban_boundary": frame([{"BSM": "U", "geometry": square(-10, -10, 120)}]),
        "planning_zones": frame([{"GHFQDM": "0401", "geometry": square(-10, -10, 120)}]),
    }
    site = sites(square(0, 0, 100), project_type=["industrial"])
    return landcheck.check(site, layers=layers, coverage=county(), area_method=method)


def _aliases(qml: str) -> dict[str, str]:
    return {
        a.get("field"): a.get("name") for a in ET.fromstring(qml.split("\n", 1)[1]).iter("alias")
    }


@pytest.mark.parametrize(
    ("method", "lang", "expected"),
    [
        (
            "ellipsoidal",
            "zh",
            (
                "椭球面积（公顷）",
                "椭球面积（亩）",
                "farmland 叠加椭球面积（平方米）",
                "涉及椭球面积（平方米）",
            ),
        ),
        (
            "planar",
            "zh",
            (
                "平面面积（公顷）",
                "平面面积（亩）",
                "farmland 叠加平面面积（平方米）",
                "涉及平面面积（平方米）",
            ),
        ),
        (
            "ellipsoidal",
            "en",
            (
                "ellipsoidal area (ha)",
                "ellipsoidal area (mu)",
                "farmland ellipsoidal overlap (m²)",
                "ellipsoidal area (m²)",
            ),
        ),
    ],
)
def test_the_area_fields_aliases_name_the_method_their_figures_are(
    tmp_path, method, lang, expected
):
    # area_ha, area_mu, farmland_m2 and the findings' area_m2 hold the run's method's figure, yet
    # their aliases ("面积（公顷）", "farmland 叠加面积（平方米）", "涉及面积（平方米）") named
    # none, beside "平面面积（平方米）" and "椭球面积（平方米）"
    checked = _dry_land_site(method)
    path = write_report(checked, tmp_path / "report", formats="gpkg", lang=lang)["gpkg"]
    styles = dict(query(path, "SELECT f_table_name, styleQML FROM layer_styles"))
    on_sites, on_findings = _aliases(styles["sites"]), _aliases(styles["findings"])
    named = ("area_ha", "area_mu", "farmland_m2")
    assert (*(on_sites[f] for f in named), on_findings["area_m2"]) == expected
    planar_alias = "平面面积（平方米）" if lang == "zh" else "planar area (m²)"
    assert on_sites["area_planar_m2"] == planar_alias
    (content,) = query(path, "SELECT content FROM qgis_projects")[0]
    archive = zipfile.ZipFile(io.BytesIO(bytes.fromhex(content)))
    project = ET.fromstring(archive.read("landcheck.qgs").decode().split("\n", 1)[1])
    stored = {
        m.find("datasource").text.rsplit("=", 1)[1]: {
            a.get("field"): a.get("name") for a in m.iter("alias")
        }
        for m in project.iter("maplayer")
    }
    assert stored["sites"]["area_ha"] == expected[0]
    assert stored["findings"]["area_m2"] == expected[3]
    # the figures are that method's: 30 m x 100 m of the 100 m square's farmland
    ((planar, ellipsoidal, ha, mu, farmland),) = query(
        path, "SELECT area_planar_m2, area_ellipsoidal_m2, area_ha, area_mu, farmland_m2 FROM sites"
    )
    site_m2 = ellipsoidal if method == "ellipsoidal" else planar
    assert planar == pytest.approx(10_000.0) and 9_990.0 < ellipsoidal < 10_000.0
    assert (ha, mu) == pytest.approx((site_m2 / 10_000, site_m2 * 0.0015))
    assert farmland == pytest.approx(site_m2 * 0.3, rel=1e-6)
    (taken,) = query(path, "SELECT area_m2 FROM findings WHERE \"check\" = 'permanent_farmland'")[0]
    assert taken == pytest.approx(farmland, rel=1e-12)


def test_the_findings_documents_name_those_of_the_approval_stage_marked_later(tmp_path):
    # the findings layer's documents held only those needed now: cultivated_land gave its 专章
    # without 补充耕地方案 and 耕作层剥离, expropriation nothing, while findings.json lists them
    # as documents_later and the HTML, XLSX and Word reports mark them "（后续报批时提交）"
    checked = _dry_land_site("planar")
    path = write_report(checked, tmp_path / "report", formats="gpkg,json")["gpkg"]
    frame = pyogrio.read_dataframe(path, layer="findings", read_geometry=False)
    documents = dict(zip(frame["check"], frame["documents"], strict=True))
    assert documents["cultivated_land"] == (
        "节约集约用地论证分析专章（必要性、用地规模与功能分区合理性、不可避让的充分性、节地水平先进性）；"
        "补充耕地方案（耕地占补平衡落实情况，水田单列）（后续报批时提交）；"
        "耕作层土壤剥离利用方案（后续报批时提交）"
    )
    # an industrial site on collective land inside the boundary: 成片开发 (LAL art. 45(1)(5))
    assert documents["expropriation"] == (
        "土地征收成片开发方案及省级以上人民政府的批准文件（后续报批时提交）；"
        "土地征收相关材料（征收前期工作、补偿安置方案）（后续报批时提交）"
    )
    assert documents["agricultural_conversion"] == "农用地转用方案（后续报批时提交）"
    assert documents["permanent_farmland"] == "调整后的选址方案（避让永久基本农田）"
    assert documents["forest"] == ""
    # findings.json keeps them apart, as its schema has them
    saved = json.loads((tmp_path / "report" / "findings.json").read_text(encoding="utf-8"))
    (cultivated,) = [f for f in saved["sites"][0]["findings"] if f["check"] == "cultivated_land"]
    assert cultivated["documents"] == [
        "节约集约用地论证分析专章（必要性、用地规模与功能分区合理性、不可避让的充分性、节地水平先进性）"
    ]
    assert cultivated["documents_later"] == [
        "补充耕地方案（耕地占补平衡落实情况，水田单列）",
        "耕作层土壤剥离利用方案",
    ]
