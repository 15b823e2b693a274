"""Reliability of inputs (issue 10: items 14, 15, 17, 21 and 22).

Project classes survive a round trip through a shapefile, a zipped shapefile is decoded like a
loose one, TXT rings without area are refused with their line, an unreadable layer leaves the
run going, and land-use layers that carry only class names are read through the code table.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

import pyogrio
import pytest
import shapely
from click.testing import CliRunner
from common import frame, sites, square
from realworld import digest, write_shapefile

import landcheck
from landcheck.cli.main import cli
from landcheck.errors import BoundaryTxtError
from landcheck.io.boundary_txt import parse_boundary_txt
from landcheck.io.convert import convert
from landcheck.io.encoding import choose_encoding
from landcheck.io.records import file_sha256

# A 1000 m x 500 m site; the farmland takes 300 m x 500 m of it: 150,000 m².
SITE = square(0, 0, 1000, 500)
FARMLAND = frame([{"BSM": "F1", "geometry": square(700, 0, 1300, 1000)}])


@pytest.fixture
def runner():
    return CliRunner()


def farmland_finding(result, site_id="S1"):
    (finding,) = [f for f in result.site_findings(site_id) if f.check == "permanent_farmland"]
    return finding


def check_planar(site_source, **layers):
    return landcheck.check(site_source, layers=layers, area_method="planar")


# --------------------------------------------------------------------------- 14 project class


def test_convert_writes_a_project_class_field_check_reads_back(tmp_path, write_gpkg):
    data = write_gpkg(sites=sites(SITE, project_class=["transport"]))
    out = tmp_path / "sites.shp"
    done = convert(f"{data}:sites", out)
    assert pyogrio.read_info(str(out))["fields"].tolist() == ["site_id", "proj_class"]
    assert any("project_class → proj_class" in w for w in done.warnings)
    result = check_planar(str(out), farmland=FARMLAND)
    assert result.sites.loc[0, "project_class"] == "transport"
    finding = farmland_finding(result)
    assert result.facts[0].project_type == "transport"  # read back (a class: no evidence)
    assert finding.area.planar_m2 == pytest.approx(150_000.0)


def test_convert_keeps_every_project_fact_readable_by_check(tmp_path, write_gpkg):
    # project_type was cut to project_ty, which check does not read: a military site on
    # farmland, conditional before the conversion, was prohibited after it
    from landcheck.facts import FACT_FIELDS

    values = {
        "project_type": "military",
        "plan_level": "国家级",
        "plan_ref": "某规划",
        "approval_level": "provincial",
        "land_supply": "allocation",
        "project_id": "XM-1",
        "confirmation_ref": "确认文件1号",
        "central_ref": "中发1号",
        "poverty_area_ref": "深度贫困地区名单",
    }
    assert set(values) == set(FACT_FIELDS)
    path = write_gpkg(sites=sites(SITE, **{k: [v] for k, v in values.items()}))
    out = tmp_path / "sites.shp"
    convert(f"{path}:sites", str(out))
    fields = pyogrio.read_info(str(out))["fields"].tolist()
    assert all(len(c.encode("utf-8")) <= 10 for c in fields)
    before = check_planar(f"{path}:sites", farmland=FARMLAND).facts[0]
    after = check_planar(str(out), farmland=FARMLAND).facts[0]
    fact_names = [*FACT_FIELDS]
    assert [getattr(after, n) for n in fact_names] == [getattr(before, n) for n in fact_names]
    assert after.project_type == "military"
    assert (after.project_id, after.confirmation_ref) == ("XM-1", "确认文件1号")


def test_convert_keeps_every_land_use_standard_figure_readable_by_check(tmp_path, write_gpkg):
    # footprint_m2, industry_code, project_grade… were cut to footprint_, industry_c,
    # project_gr, which check does not read: five sample sites' standard checks went unknown
    from landcheck.review.standard_facts import FACT_FIELDS, read_standard_facts

    values = {names[0]: (3_000.0 if "_m2" in names[0] else "32") for names in FACT_FIELDS.values()}
    path = write_gpkg(sites=sites(SITE, **{k: [v] for k, v in values.items()}))
    out = tmp_path / "sites.shp"
    convert(f"{path}:sites", str(out))
    frame = pyogrio.read_dataframe(str(out))
    assert all(len(c.encode("utf-8")) <= 10 for c in frame.columns)
    read = read_standard_facts(frame.drop(columns="geometry").iloc[0].to_dict())
    assert {*read.numbers, *read.texts} == set(FACT_FIELDS)
    assert not read.problems


def test_convert_gives_long_chinese_field_names_their_codes(tmp_path, write_gpkg):
    # 项目类型 and 项目名称 take 12 bytes in UTF-8; a DBF field name holds 10
    data = write_gpkg(sites=sites(SITE, 项目名称=["县道改建"], 项目类型=["交通类项目"]))
    out = tmp_path / "sites.shp"
    done = convert(f"{data}:sites", out)
    assert pyogrio.read_info(str(out))["fields"].tolist() == ["site_id", "XMMC", "XMLX"]
    assert any("项目名称 → XMMC, 项目类型 → XMLX" in w for w in done.warnings)
    result = check_planar(str(out), farmland=FARMLAND)
    row = result.sites.iloc[0]
    assert (row["name"], row["project_class"]) == ("县道改建", "transport")
    assert result.facts[0].origins["project_type"] == "legacy_class:XMLX"


def test_convert_to_a_gbk_shapefile_keeps_chinese_names_that_fit(tmp_path, write_gpkg):
    data = write_gpkg(sites=sites(SITE, 项目类型=["交通类项目"]))
    out = tmp_path / "sites.shp"
    convert(f"{data}:sites", out, output_encoding="gbk")
    assert pyogrio.read_info(str(out))["fields"].tolist() == ["site_id", "项目类型"]
    assert check_planar(str(out), farmland=FARMLAND).sites.loc[0, "project_class"] == "transport"


@pytest.mark.parametrize("field", ["proj_class", "project_cl", "PROJECT_CL"])
def test_truncated_project_class_fields_are_read(field):
    result = check_planar(sites(SITE, **{field: ["transport"]}), farmland=FARMLAND)
    assert result.sites.loc[0, "project_class"] == "transport"
    assert result.facts[0].project_type == "transport"


def without_dbf(path):
    os.remove(os.path.splitext(path)[0] + ".dbf")
    return path


def test_a_shapefile_without_its_dbf_warns_that_ids_names_and_classes_are_missing(
    runner, tmp_path, write_gpkg, caplog
):
    shp = write_shapefile(
        sites(SITE, name=["县道"], project_class=["transport"]).rename(
            columns={"project_class": "proj_class"}
        ),
        tmp_path / "sites.shp",
        encoding="utf-8",
    )
    with_dbf = check_planar(shp, farmland=FARMLAND)
    assert with_dbf.facts[0].legacy_class == "transport"
    assert not any("no .dbf" in w for w in with_dbf.warnings)

    without_dbf(shp)
    farmland = write_gpkg(farmland=FARMLAND)
    out = tmp_path / "report"
    result = runner.invoke(
        cli, ["check", shp, "--layer", f"farmland={farmland}:farmland", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert f"{shp}: the shapefile has no .dbf" in caplog.text
    for missing in ("no site ids", "no names", "no project classes"):
        assert missing in caplog.text
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    site = findings["sites"][0]
    assert (site["site_id"], site["name"], site["project_class"]) == ("1", "", None)
    farmland_status = [f for f in site["findings"] if f["check"] == "permanent_farmland"]
    assert farmland_status[0]["status"] == "prohibited"  # no class: no exception


def test_a_zipped_shapefile_without_its_dbf_warns_too(tmp_path):
    shp = write_shapefile(sites(SITE), tmp_path / "sites.shp", encoding="utf-8")
    archive = tmp_path / "sites.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for ext in (".shp", ".shx", ".prj"):
            out.write(shp[:-4] + ext, "sites" + ext)
    result = check_planar(str(archive), farmland=FARMLAND)
    assert any(w.startswith(f"{archive}: the shapefile has no .dbf") for w in result.warnings)


# --------------------------------------------------------------------------- 15 zipped encoding


def zip_files(archive, *paths):
    with zipfile.ZipFile(archive, "w") as out:
        for path in paths:
            stem = os.path.splitext(path)[0]
            for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
                if os.path.exists(stem + ext):
                    out.write(stem + ext, os.path.basename(stem) + ext)
    return str(archive)


def test_a_zipped_gbk_shapefile_without_cpg_is_detected_like_a_loose_one(tmp_path):
    site = sites(SITE, 项目名称=["县道"], XMLX=["交通类项目"])
    shp = write_shapefile(site, tmp_path / "gbk.shp", encoding="gbk")
    archive = zip_files(tmp_path / "gbk.zip", shp)
    before = digest(archive)
    # GDAL alone reads the zipped GBK text as ISO-8859-1: the class is lost
    assert pyogrio.read_dataframe(archive)["XMLX"][0] != "交通类项目"
    for source in (archive, f"{archive}:gbk"):
        result = check_planar(source, farmland=FARMLAND)
        row = result.sites.iloc[0]
        assert (row["name"], row["project_class"]) == ("县道", "transport")
        assert result.facts[0].project_type == "transport"
        extra = result.inputs[0].extra
        assert (extra["encoding"], extra["encoding_source"]) == ("gbk", "detected")
        assert "in the zip" in extra["encoding_note"]
    assert digest(archive) == before


def test_each_layer_of_a_zip_gets_its_own_encoding(tmp_path):
    gbk = write_shapefile(sites(SITE, XMLX=["交通类项目"]), tmp_path / "roads.shp", encoding="gbk")
    utf8 = write_shapefile(
        sites(SITE, XMLX=["能源类项目"]), tmp_path / "grid.shp", encoding="utf-8", cpg=True
    )
    archive = zip_files(tmp_path / "both.zip", gbk, utf8)
    assert choose_encoding(archive, None, "roads").encoding == "gbk"
    assert choose_encoding(archive, None, "grid").source == "cpg"
    # without a layer, the most telling .dbf decides
    assert choose_encoding(archive).encoding == "gbk"
    classes = {
        layer: check_planar(f"{archive}:{layer}").sites.loc[0, "project_class"]
        for layer in ("roads", "grid")
    }
    assert classes == {"roads": "transport", "grid": "energy"}


def test_a_zipped_layer_is_decoded_too(tmp_path):
    land_use = frame([{"BSM": "L1", "DLBM": "0103", "DLMC": "旱地", "geometry": SITE}])
    shp = write_shapefile(land_use, tmp_path / "dltb.shp", encoding="gbk")
    archive = zip_files(tmp_path / "dltb.zip", shp)
    result = check_planar(sites(SITE), land_use=archive)
    assert result.layer("S1", "land_use").classes.loc["0103", "planar_m2"] == 500_000.0
    assert result.context["land_use"]["_name"].tolist() == ["旱地"]  # as the layer has it


# --------------------------------------------------------------------------- 17 degenerate rings

N0, E0 = 2_700_000.0, 35_500_000.0
ATTRIBUTES = "[属性描述]\n坐标系=2000国家大地坐标系\n几度分带=3\n带号=35\n"


def txt(points, header="{n},,A,,面,,,,@"):
    lines = [f"J{i + 1},1,{n:.3f},{e:.3f}" for i, (n, e) in enumerate(points)]
    lines.append(lines[0])
    return ATTRIBUTES + "[地块坐标]\n" + header.format(n=len(lines)) + "\n" + "\n".join(lines)


@pytest.mark.parametrize(
    "points",
    [
        # a 200 m line with a 1 mm kink: 0.1 m² on a 400 m perimeter (0.5 mm on average)
        [(N0, E0), (N0 + 100, E0 + 0.001), (N0 + 200, E0)],
        # a symmetric bow-tie: its two loops cancel out
        [(N0, E0), (N0 + 100, E0 + 100), (N0 + 100, E0), (N0, E0 + 100)],
        # every point on one line
        [(N0, E0), (N0 + 10, E0), (N0 + 20, E0)],
    ],
    ids=["near-collinear", "bow-tie", "collinear"],
)
def test_a_ring_without_area_is_refused_with_its_line(points):
    with pytest.raises(BoundaryTxtError) as caught:
        parse_boundary_txt(txt(points), source="plot.txt")
    assert caught.value.line == 7  # the ring's first point
    assert "encloses no area" in str(caught.value) and "under 1 mm" in str(caught.value)


def test_a_ring_without_area_ends_the_cli_with_exit_1(runner, tmp_path):
    path = tmp_path / "plot.txt"
    path.write_text(txt([(N0, E0), (N0 + 100, E0 + 0.001), (N0 + 200, E0)]), encoding="utf-8")
    result = runner.invoke(cli, ["check", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "line 7" in result.output and "encloses no area" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_a_thin_but_real_ring_is_read():
    # 200 m long, 0.01 m wide on average: thin, but an area the survey drew
    parsed = parse_boundary_txt(txt([(N0, E0), (N0 + 100, E0 + 0.02), (N0 + 200, E0)]))
    assert parsed.sites.geometry.iloc[0].area == pytest.approx(2.0, rel=1e-6)


def test_an_area_difference_beyond_100_percent_is_a_ratio():
    square_10m = [(N0, E0), (N0 + 10, E0), (N0 + 10, E0 + 10), (N0, E0 + 10)]
    (warning,) = parse_boundary_txt(txt(square_10m, "{n},2.0000,A,,面,,,,@")).warnings
    assert "declared area 2.0000 ha (地块面积) is 200 times the computed planar area 0.0100 ha" in (
        warning
    )
    assert not re.search(r"\d{3,}\.\d\d %", warning)  # no 19,900 %
    (close,) = parse_boundary_txt(txt(square_10m, "{n},0.0150,A,,面,,,,@")).warnings
    assert "by 50.00 %" in close


# --------------------------------------------------------------------------- 21 unreadable layer


def test_an_unreadable_file_has_no_hash(tmp_path, monkeypatch):
    path = tmp_path / "farmland.gpkg"
    path.write_bytes(b"data")

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("landcheck.io.records.open", denied, raising=False)
    assert file_sha256(str(path)) is None


def test_an_unreadable_layer_is_unknown_and_the_run_goes_on(write_gpkg, monkeypatch):
    data = write_gpkg("farmland.gpkg", farmland=FARMLAND)
    eco = write_gpkg("eco.gpkg", eco_redline=frame([{"BSM": "E1", "geometry": square(0, 0, 10)}]))
    real_access = os.access

    def access(path, mode, *args, **kwargs):
        if os.fspath(path) == data and mode == os.R_OK:
            return False
        return real_access(path, mode, *args, **kwargs)

    result = landcheck.check(sites(SITE), layers={"farmland": data, "eco_redline": eco})
    assert farmland_finding(result).status == "prohibited"
    monkeypatch.setattr(os, "access", access)
    result = landcheck.check(sites(SITE), layers={"farmland": data, "eco_redline": eco})
    finding = farmland_finding(result)
    assert finding.status == "unknown" and "permission denied" in finding.message.en
    record = next(r for r in result.inputs if r.key == "farmland")
    assert record.status == "unreadable" and "permission denied" in record.detail
    # the other layers were still checked
    eco_finding = next(f for f in result.site_findings("S1") if f.check == "eco_redline")
    assert eco_finding.status == "prohibited"


def _can_switch_user() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("setpriv") is not None


@pytest.mark.skipif(not _can_switch_user(), reason="needs root and setpriv to run as nobody")
def test_a_layer_the_user_may_not_read_is_unknown_and_the_report_is_written(write_gpkg):
    # root reads everything: the CLI runs as nobody, in a folder nobody may write
    folder = tempfile.mkdtemp(prefix="landcheck-perm-")
    try:
        os.chmod(folder, 0o777)
        sites(SITE).to_file(os.path.join(folder, "sites.gpkg"))
        FARMLAND.to_file(os.path.join(folder, "farmland.gpkg"))
        os.chmod(os.path.join(folder, "farmland.gpkg"), 0)
        executable = os.path.join(os.path.dirname(sys.executable), "landcheck")
        command = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", executable]
        command += ["check", "sites.gpkg", "--layer", "farmland=farmland.gpkg", "-o", "out"]
        done = subprocess.run(
            command,
            cwd=folder,
            capture_output=True,
            text=True,
            env={**os.environ, "HOME": folder},
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        assert "internal error" not in done.stderr
        assert "cannot read 'farmland.gpkg': permission denied" in done.stderr
        with open(os.path.join(folder, "out", "findings.json"), encoding="utf-8") as handle:
            findings = json.load(handle)
        farmland = next(i for i in findings["inputs"] if i["key"] == "farmland")
        assert (farmland["status"], farmland["sha256"]) == ("unreadable", None)
        site = findings["sites"][0]
        assert site["layers"]["farmland"]["available"] is False
        assert (
            next(f for f in site["findings"] if f["check"] == "permanent_farmland")["status"]
            == "unknown"
        )
    finally:
        shutil.rmtree(folder)


# --------------------------------------------------------------------------- 22 names only


def land_use_by_name(*names):
    """Parcels 100 m wide side by side under SITE's first 100 m, named only (DLMC)."""
    return frame(
        [
            {"BSM": f"L{i + 1}", "DLMC": name, "geometry": square(100 * i, 0, 100, 500)}
            for i, name in enumerate(names)
        ]
    )


def test_a_land_use_layer_with_class_names_only_is_read_through_the_code_table():
    site = sites(square(0, 0, 200, 500))
    result = check_planar(site, land_use=land_use_by_name("旱地", "水田"))
    classes = result.layer("S1", "land_use").classes
    assert classes.loc["0103", "planar_m2"] == pytest.approx(50_000.0)
    assert classes.loc["0101", "planar_m2"] == pytest.approx(50_000.0)
    assert classes.loc["0101", "category"] == "农用地"
    (warning,) = [w for w in result.warnings if "class names (DLMC)" in w]
    assert "read them through the code table sandiao-2019: 旱地 → 0103, 水田 → 0101" in warning
    (finding,) = [f for f in result.site_findings("S1") if f.check == "cultivated_land"]
    assert finding.outcome == "compensate"
    assert "paddy 5.0000 ha, irrigated 0.0000 ha, dry 5.0000 ha" in finding.message.en


@pytest.mark.parametrize(
    ("name", "code"),
    [("有林地", "0301"), ("街巷用地", "1004"), ("仓储用地", "0508"), ("教育用地", "08H2")],
)
def test_second_survey_and_merged_class_names_are_read(name, code):
    result = check_planar(sites(square(0, 0, 100, 500)), land_use=land_use_by_name(name))
    classes = result.layer("S1", "land_use").classes
    assert classes.index.tolist() == [code]
    assert classes.loc[code, "planar_m2"] == pytest.approx(50_000.0)
    assert "aliases" not in classes.columns
    assert any(f"{name} → {code}" in w for w in result.warnings)


def test_a_class_name_the_table_does_not_know_makes_the_land_use_checks_unknown():
    site = sites(square(0, 0, 200, 500))
    result = check_planar(site, land_use=land_use_by_name("旱地", "城市"))
    view = result.layer("S1", "land_use")
    assert view.unresolved_codes == ["城市"]
    for check in ("cultivated_land", "agricultural_conversion"):
        (finding,) = [f for f in result.site_findings("S1") if f.check == check]
        assert finding.status == "unknown"
    (warning,) = [w for w in result.warnings if "class names (DLMC)" in w]
    assert "names the table does not know (城市)" in warning


def test_each_site_lists_its_own_unknown_codes_sorted_once():
    # parcels 100 m x 500 m side by side; each site covers two or three of them
    parcels = frame(
        [
            {"BSM": f"L{i + 1}", "DLBM": code, "geometry": square(100 * i, 0, 100, 500)}
            for i, code in enumerate(["0101", "0188", "0103", "0103", "9Z", "0188", "0201"])
        ]
    )
    site_list = sites(
        square(0, 0, 200, 500),  # 0101 and the unknown 0188
        square(200, 0, 200, 500),  # known codes only
        square(400, 0, 300, 500),  # 9Z, 0188 and 0201: two unknown, listed sorted
    )
    result = check_planar(site_list, land_use=parcels)
    assert result.layer("S1", "land_use").unresolved_codes == ["0188"]
    assert list(result.layer("S2", "land_use").unresolved_codes) == []
    assert result.layer("S3", "land_use").unresolved_codes == ["0188", "9Z"]
    assert result.layer("S2", "land_use").classes.loc["0103", "planar_m2"] == pytest.approx(
        100_000.0
    )
    for site_id, status in (("S1", "unknown"), ("S3", "unknown")):
        (finding,) = [f for f in result.site_findings(site_id) if f.check == "cultivated_land"]
        assert finding.status == status
    (finding,) = [f for f in result.site_findings("S2") if f.check == "cultivated_land"]
    assert finding.status != "unknown"


def test_planning_zones_with_names_only_are_read_too():
    zones = frame([{"BSM": "Z1", "GHFQMC": "城镇集中建设区", "geometry": SITE}])
    result = check_planar(sites(SITE), planning_zones=zones)
    (finding,) = [f for f in result.site_findings("S1") if f.check == "planning_conformity"]
    assert (finding.outcome, finding.status) == ("conforms", "not_involved")
    assert any("城镇集中建设区 → 0401" in w for w in result.warnings)


def test_a_class_layer_with_neither_codes_nor_names_is_still_refused():
    parcels = frame([{"BSM": "L1", "geometry": SITE}])
    result = check_planar(sites(SITE), land_use=parcels)
    (finding,) = [f for f in result.site_findings("S1") if f.check == "cultivated_land"]
    assert finding.status == "unknown"
    assert (
        "no class code field (looked for DLBM, YDYHFLDM, 用地用海分类代码) and no class name "
        "field (DLMC, YDYHFLMC, 用地用海分类名称)"
    ) in finding.message.en


@pytest.mark.parametrize("kind", ["csv of points", "geopackage table"])
def test_a_site_file_without_geometry_is_refused_with_what_to_give(runner, tmp_path, kind):
    # pyogrio reads such a file as a plain table: the check ended in "internal error:
    # AttributeError: 'DataFrame' object has no attribute 'active_geometry_name'"
    import pandas as pd

    if kind == "csv of points":
        path = tmp_path / "points.csv"
        path.write_text("点号,X,Y\nJ1,2700000,35420000\nJ2,2700100,35420000\n", encoding="utf-8")
    else:
        path = tmp_path / "table.gpkg"
        pyogrio.write_dataframe(pd.DataFrame({"site_id": ["S1", "S2"]}), path, layer="sites")
    farmland = tmp_path / "farmland.gpkg"
    FARMLAND.to_file(farmland)
    out = tmp_path / "report"
    run = runner.invoke(
        cli,
        [
            "check",
            str(path),
            "--crs",
            "EPSG:4523",
            "--layer",
            f"farmland={farmland}",
            "-o",
            str(out),
            "-f",
            "json",
        ],
    )
    assert run.exit_code == 1 and "Traceback" not in run.output
    assert f"the site file {path} holds no geometry (a table of 2 row(s))" in run.output
    assert "boundary coordinate TXT" in run.output and not out.exists()
    inspected = runner.invoke(cli, ["inspect", str(path), "--json"])
    assert inspected.exit_code == 0, inspected.output
    (layer,) = json.loads(inspected.output)["layers"]
    assert (layer["features"], layer["geometry_types"]) == (2, [])


def _rings_reversed(path) -> None:
    """Wind every ring of the shapefile's polygon records the other way (outer rings CCW)."""
    import itertools
    import pathlib
    import struct

    import numpy as np

    shp = bytearray(pathlib.Path(path).read_bytes())
    index = pathlib.Path(path).with_suffix(".shx").read_bytes()
    for record in range((len(index) - 100) // 8):
        at = struct.unpack(">i", index[100 + 8 * record : 104 + 8 * record])[0] * 2 + 8
        parts, points = struct.unpack("<ii", shp[at + 36 : at + 44])
        starts = [*struct.unpack(f"<{parts}i", shp[at + 44 : at + 44 + 4 * parts]), points]
        first = at + 44 + 4 * parts
        xy = np.frombuffer(bytes(shp[first : first + 16 * points]), dtype="<f8").reshape(-1, 2)
        xy = np.concatenate([xy[a:b][::-1] for a, b in itertools.pairwise(starts)])
        shp[first : first + 16 * points] = xy.astype("<f8").tobytes()
    pathlib.Path(path).write_bytes(bytes(shp))


def test_shapefile_rings_wound_the_other_way_are_outer_rings_and_holes_by_place(tmp_path):
    # GDAL's shapefile default trusts the winding: a site with a hole, wound the other way
    # (common in files from other tools), came as its hole with the site as the hole's hole,
    # and read as nothing; a farmland feature so wound gave the wrong land
    holed = shapely.Polygon(SITE.exterior.coords, [square(100, 100, 100).exterior.coords])
    site_path = str(tmp_path / "site.shp")
    sites(holed).to_file(site_path)
    farm_path = str(tmp_path / "farmland.shp")
    frame([{"BSM": "F1", "geometry": holed}]).to_file(farm_path)
    for path in (site_path, farm_path):
        _rings_reversed(path)
    result = landcheck.check(site_path, layers={"farmland": farm_path})
    assert result.sites.geometry.area.iloc[0] == pytest.approx(500_000.0 - 10_000.0, abs=1e-6)
    assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(490_000.0, abs=1e-6)
