"""The boundary TXTs of a report and of avoidance: each site in the zone it is measured in.

Sites are squares drawn exact in their own 3-degree CGCS2000 Gauss-Kruger zone: zone 35
(EPSG:4523, 105°E), zone 36 (EPSG:4524, 108°E) and zone 40 (EPSG:4528, 120°E). The layers are
in zone 35, so the batch is analysed there; in zone 35's plane a 2 ha square of zone 36 reads
2.0046 ha, and that figure was what sites.txt stated, at eastings of zone 35, while
findings.json stated 2.0000 ha.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely import box

import landcheck
from landcheck.errors import AnalysisCRSError, InputDataError
from landcheck.io.boundary_txt import read_boundary_txt, write_boundary_txt
from landcheck.report.selection import write_avoidance

PLANAR = {"area_method": "planar"}
A_BOX = box(35_500_000, 2_700_000, 35_500_100, 2_700_100)  # 1 ha, zone 35
B_BOX = box(36_500_000, 2_700_000, 36_500_100, 2_700_200)  # 2 ha, zone 36
C_BOX = box(40_500_000, 3_500_000, 40_500_100, 3_500_200)  # 2 ha, zone 40


def site(sid, geometry, epsg):
    return gpd.GeoDataFrame(
        {"site_id": [sid], "name": [sid.lower()]}, geometry=[geometry], crs=epsg
    )


def farmland():
    """A 10 m × 10 m farmland patch in the corner of site A, in zone 35."""
    patch = box(35_500_000, 2_700_000, 35_500_010, 2_700_010)
    return gpd.GeoDataFrame({"BSM": ["F1"], "DLBM": ["0101"]}, geometry=[patch], crs=4523)


def two_txt_files(tmp_path, far_box=B_BOX, far_epsg=4524):
    """Site A's and site B's boundary TXTs, each in its own zone."""
    paths = [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]
    write_boundary_txt(site("A", A_BOX, 4523), paths[0])
    write_boundary_txt(site("B", far_box, far_epsg), paths[1])
    return paths


def plots(path):
    txt = read_boundary_txt(path)
    assert txt.warnings == []
    return txt


def test_a_site_of_another_zone_is_written_in_its_own_zone(tmp_path, caplog):
    # given in degrees (a KML, say) and checked with zone-35 layers: sites.txt said 带号=35,
    # eastings about 300 km east of zone 35's meridian and 地块面积 2.0046 ha
    degrees = site("B", B_BOX, 4524).to_crs(4490)
    result = landcheck.check(degrees, layers={"farmland": farmland()}, **PLANAR)
    assert result.analysis_crs.to_epsg() == 4523
    assert result.measuring_crs("B") == "EPSG:4524"
    with caplog.at_level(logging.WARNING, logger="landcheck.report.txt"):
        paths = result.to_report(str(tmp_path / "r"), formats="json,txt")
    assert sorted(os.listdir(tmp_path / "r")) == [".landcheck", "findings.json", "sites.txt"]
    found = json.loads((tmp_path / "r" / "findings.json").read_text(encoding="utf-8"))
    assert found["sites"][0]["area"]["planar_m2"] == pytest.approx(20_000.0, abs=1e-3)
    txt = plots(paths["txt"])
    assert txt.metadata["带号"] == "36" and txt.crs.to_epsg() == 4524
    assert txt.sites.declared_ha.tolist() == [2.0]
    assert txt.sites.geometry[0].normalize().equals_exact(B_BOX.normalize(), 0.0011)
    assert "sites.txt holds EPSG:4524 (zone 36): B" in caplog.text
    assert "another zone than the analysis CRS EPSG:4523" in caplog.text


def test_sites_of_two_zones_get_a_file_each(tmp_path, caplog):
    # `check a.txt b.txt -f json,txt`: b.txt (zone 36, 2.0000 ha) came back in sites.txt in
    # zone 35 with 地块面积 2.0046 ha; now each file is its input again, byte for byte
    inputs = two_txt_files(tmp_path)
    result = landcheck.check(inputs, layers={"farmland": farmland()}, **PLANAR)
    with caplog.at_level(logging.WARNING, logger="landcheck.report.txt"):
        result.to_report(str(tmp_path / "r"), formats="json,txt")
    out = tmp_path / "r"
    assert sorted(os.listdir(out)) == [
        ".landcheck",
        "findings.json",
        "sites.txt",
        "sites_EPSG4524.txt",
    ]
    areas = {
        s["site_id"]: (s["area"]["planar_m2"], s["measuring_crs"])
        for s in json.loads((out / "findings.json").read_text(encoding="utf-8"))["sites"]
    }
    assert areas == {"A": (10_000.0, "EPSG:4523"), "B": (20_000.0, "EPSG:4524")}
    first, second = plots(out / "sites.txt"), plots(out / "sites_EPSG4524.txt")
    assert (first.metadata["带号"], first.sites.site_id.tolist()) == ("35", ["A"])
    assert (second.metadata["带号"], second.sites.site_id.tolist()) == ("36", ["B"])
    assert first.sites.declared_ha.tolist() == [1.0]
    assert second.sites.declared_ha.tolist() == [2.0]
    for written, given in ((out / "sites.txt", inputs[0]), (out / "sites_EPSG4524.txt", inputs[1])):
        assert written.read_bytes() == Path(given).read_bytes()
    assert (
        "sites.txt holds EPSG:4523 (zone 35): A; sites_EPSG4524.txt holds EPSG:4524 (zone 36): B"
        in caplog.text
    )


@pytest.mark.parametrize("side_by_side", [False, True])
def test_every_zone_file_is_listed_as_written(tmp_path, monkeypatch, side_by_side):
    # write_report returned one path per format: sites.txt, and not sites_EPSG4524.txt
    from landcheck.report import folder

    if side_by_side:  # the writers in forked processes, as for a batch
        monkeypatch.setattr(folder, "SIDE_BY_SIDE_SITES", 1)
    inputs = two_txt_files(tmp_path)
    result = landcheck.check(inputs, layers={"farmland": farmland()}, **PLANAR)
    out = tmp_path / "r"
    paths = result.to_report(str(out), formats="json,txt")
    assert paths == {
        "json": str(out / "findings.json"),
        "txt": str(out / "sites.txt"),
        "txt:sites_EPSG4524.txt": str(out / "sites_EPSG4524.txt"),
    }
    assert sorted(paths.values()) == sorted(str(p) for p in out.iterdir() if p.name[0] != ".")


def test_the_command_lists_every_file_it_wrote(tmp_path):
    from click.testing import CliRunner

    from landcheck.cli.main import cli

    inputs = two_txt_files(tmp_path)
    layer = tmp_path / "farmland.gpkg"
    farmland().to_file(layer, layer="farmland")
    out = tmp_path / "r"
    args = ["check", *inputs, "--layer", f"farmland={layer}:farmland", "-f", "json,txt"]
    result = CliRunner().invoke(cli, [*args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    listed = [line.strip() for line in result.output.splitlines() if line.startswith("  /")]
    assert listed == [
        str(out / name) for name in ("findings.json", "sites.txt", "sites_EPSG4524.txt")
    ]


def test_sites_15_degrees_apart_no_longer_lose_the_report(tmp_path):
    # zones 35 and 40: -f json worked, -f json,txt failed the whole run (no folder) with "the
    # eastings do not fit EPSG:4523 … set the CRS the coordinates are really in", though both
    # inputs' CRSs were right
    inputs = two_txt_files(tmp_path, C_BOX, 4528)
    result = landcheck.check(inputs, layers={"farmland": farmland()}, **PLANAR)
    paths = result.to_report(str(tmp_path / "r"), formats="json,txt")
    assert set(paths) == {"json", "txt", "txt:sites_EPSG4528.txt"}
    far = plots(tmp_path / "r" / "sites_EPSG4528.txt")
    assert far.metadata["带号"] == "40" and far.sites.declared_ha.tolist() == [2.0]
    assert (tmp_path / "r" / "sites_EPSG4528.txt").read_bytes() == Path(inputs[1]).read_bytes()


def test_a_site_measured_in_no_gauss_kruger_zone_fails_the_txt_saying_so(tmp_path):
    # checked in UTM zone 48N, a site given in degrees is measured there: the TXT cannot hold
    # it, and the message says it is the boundary TXT, which sites, and what to do
    degrees = site("S1", A_BOX, 4523).to_crs(4490)
    layer = farmland().to_crs(32648)
    result = landcheck.check(degrees, layers={"farmland": layer}, crs="EPSG:32648", **PLANAR)
    assert result.measuring_crs("S1") == "EPSG:32648"
    with pytest.raises(AnalysisCRSError) as caught:
        result.to_report(str(tmp_path / "r"), formats="json,txt")
    message = str(caught.value)
    assert message.startswith("sites.txt (the sites' boundary TXT, format txt): ")
    assert "site(s) S1 are measured in EPSG:32648" in message and "--crs EPSG:4523" in message
    assert not os.path.exists(tmp_path / "r")


def test_a_site_file_in_utm_checked_in_a_zone_is_told_to_convert_the_file(tmp_path):
    # --crs EPSG:4523 given, the sites measured in the UTM their file declares: the advice
    # was "--crs EPSG:4523", which the user had given
    utm = site("S1", A_BOX, 4523).to_crs(32648)
    result = landcheck.check(utm, layers={"farmland": farmland()}, crs="EPSG:4523", **PLANAR)
    assert result.measuring_crs("S1") == "EPSG:32648"
    with pytest.raises(AnalysisCRSError) as caught:
        result.to_report(str(tmp_path / "r"), formats="json,txt")
    message = str(caught.value)
    assert "measured in the CRS their site file declares" in message
    assert "landcheck convert SITES OUT.gpkg --to-crs EPSG:4523" in message
    assert not os.path.exists(tmp_path / "r")


def test_zone_files_are_written_all_or_none(tmp_path):
    from landcheck.report.txt import write_zone_files

    both = gpd.GeoDataFrame(
        {"site_id": ["A", "B,1"]},
        geometry=[A_BOX, gpd.GeoSeries([B_BOX], crs=4524).to_crs(4523).iloc[0]],
        crs=4523,
    )
    with pytest.raises(InputDataError, match="编号 'B,1' contains a comma"):
        write_zone_files(both, str(tmp_path), "sites.txt", ["EPSG:4523", "EPSG:4524"])
    assert os.listdir(tmp_path) == []  # sites.txt, written first, removed again


def test_avoidance_writes_each_kept_site_in_its_own_zone(tmp_path, caplog):
    # A (zone 35) loses its 100 m² corner of farmland, B (zone 36) keeps its 2 ha:
    # avoided_boundary.txt said B was 2.0046 ha, at zone 35's eastings
    both = pd.concat([site("A", A_BOX, 4523).to_crs(4490), site("B", B_BOX, 4524).to_crs(4490)])
    sites = gpd.GeoDataFrame(both, crs=4490).reset_index(drop=True)
    described = gpd.GeoDataFrame(geometry=[box(100.0, 20.0, 112.0, 30.0)], crs=4490)
    # a redline far from both: every hard layer is checked (else no site is ready)
    redline = gpd.GeoDataFrame(
        {"BSM": ["R1"]}, geometry=[box(35_505_000, 2_705_000, 35_505_010, 2_705_010)], crs=4523
    )
    given = {"farmland": farmland(), "eco_redline": redline}
    result = landcheck.avoid(sites, layers=given, coverage=described, **PLANAR)
    assert result.kept["kept_planar_m2"].tolist() == pytest.approx([9_900.0, 20_000.0], abs=1e-3)
    assert result.resubmission["measuring_crs"].tolist() == ["EPSG:4523", "EPSG:4524"]
    with caplog.at_level(logging.WARNING, logger="landcheck.report.selection"):
        paths = write_avoidance(result, tmp_path / "a")
    assert "avoided_boundary.txt" in paths and "avoided_boundary_EPSG4524.txt" in paths
    kept_a = plots(paths["avoided_boundary.txt"])
    kept_b = plots(paths["avoided_boundary_EPSG4524.txt"])
    assert (kept_a.metadata["带号"], kept_a.sites.declared_ha.tolist()) == ("35", [0.99])
    assert (kept_b.metadata["带号"], kept_b.sites.declared_ha.tolist()) == ("36", [2.0])
    assert kept_b.sites.geometry[0].normalize().equals_exact(B_BOX.normalize(), 0.0011)
    data = json.loads((tmp_path / "a" / "avoidance.json").read_text(encoding="utf-8"))
    note = "avoided_boundary_EPSG4524.txt holds EPSG:4524 (zone 36): B"
    assert "txt_skipped" not in data
    assert any(note in w for w in data["warnings"]) and note in caplog.text


META = {"项目名称": "某某产业园", "格式版本号": "1.0", "数据产生单位": "某某测绘院"}


def described(sid, geometry, epsg, use, land_class):
    """A site with its 地块用途 and 地类编码, as a boundary TXT gives them."""
    frame = site(sid, geometry, epsg)
    return frame.assign(land_use=[use], land_class=[land_class])


def test_a_txt_site_comes_back_with_its_use_class_and_metadata(tmp_path):
    # `check in.txt -f txt` wrote the header `5,1.0000,A,a,面,,工业,0601,@` as
    # `5,1.0000,A,a,面,,,,@`, 数据产生单位=某某测绘院 as 数据产生单位= and dropped
    # [项目信息]; convert kept them all
    given = tmp_path / "in.txt"
    write_boundary_txt(described("A", A_BOX, 4523, "工业", "0601"), given, metadata=META)
    result = landcheck.check(str(given), layers={"farmland": farmland()}, **PLANAR)
    paths = result.to_report(str(tmp_path / "r"), formats="json,txt")
    assert Path(paths["txt"]).read_bytes() == given.read_bytes()
    txt = plots(paths["txt"])
    assert txt.sites[["land_use", "land_class"]].values.tolist() == [["工业", "0601"]]
    assert {k: txt.metadata[k] for k in META} == META
    found = json.loads((tmp_path / "r" / "findings.json").read_text(encoding="utf-8"))
    sites_input = next(i for i in found["inputs"] if i["role"] == "sites")
    assert {k: sites_input["extra"]["metadata"][k] for k in META} == META


def test_a_geopackage_site_keeps_its_use_and_class_fields(tmp_path):
    # a GeoPackage site with 地块用途 / DLBM fields lost them through `check -f txt`
    given = site("A", A_BOX, 4523).assign(地块用途=["工业"], DLBM=["0601"])
    given.to_file(tmp_path / "s.gpkg")
    result = landcheck.check(str(tmp_path / "s.gpkg"), layers={"farmland": farmland()}, **PLANAR)
    paths = result.to_report(str(tmp_path / "r"), formats="txt")
    txt = plots(paths["txt"])
    assert txt.sites[["site_id", "name", "land_use", "land_class"]].values.tolist() == [
        ["A", "a", "工业", "0601"]
    ]
    assert txt.metadata["数据产生单位"] == "" and "项目名称" not in txt.metadata


def test_metadata_of_several_txts_is_kept_where_they_agree(tmp_path, caplog):
    # two TXTs of one project by two survey units: 项目名称 is both files', 数据产生单位 neither's
    paths = [tmp_path / "a.txt", tmp_path / "b.txt"]
    write_boundary_txt(described("A", A_BOX, 4523, "工业", "0601"), paths[0], metadata=META)
    write_boundary_txt(
        described("B", B_BOX, 4524, "仓储", "0508"),
        paths[1],
        metadata={**META, "数据产生单位": "另一测绘院"},
    )
    result = landcheck.check([str(p) for p in paths], layers={"farmland": farmland()}, **PLANAR)
    with caplog.at_level(logging.WARNING, logger="landcheck.report.txt"):
        result.to_report(str(tmp_path / "r"), formats="txt")
    first, second = (
        plots(tmp_path / "r" / "sites.txt"),
        plots(tmp_path / "r" / "sites_EPSG4524.txt"),
    )
    for txt, use in ((first, ["工业", "0601"]), (second, ["仓储", "0508"])):
        assert txt.sites[["land_use", "land_class"]].values.tolist() == [use]
        assert (txt.metadata["项目名称"], txt.metadata["格式版本号"]) == ("某某产业园", "1.0")
        assert txt.metadata["数据产生单位"] == ""
    assert "数据产生单位" in caplog.text and "not written" in caplog.text
