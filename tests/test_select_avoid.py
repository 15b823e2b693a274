"""Avoidance: what is kept and lost, fragments, buffers, and the files for resubmission."""

from __future__ import annotations

import csv
import json
import os

import pytest
import select_scenario as scenario
from common import frame, sites, square

import landcheck
from landcheck.errors import OutputExistsError
from landcheck.io import read_boundary_txt
from landcheck.report.selection import write_avoidance

PLANAR = {"area_method": "planar"}


def farmland(*geoms):
    return frame([{"BSM": f"F{i + 1}", "geometry": g} for i, g in enumerate(geoms)])


def half_on_farmland():
    # a 100 m square on industrial land inside the boundary, its east half on farmland; its
    # facts meet the land-use standard on the whole square and on what is kept (building
    # coefficient 30 % of 1 ha, 60 % of 0.5 ha, 75 % of 0.4 ha; office land 2 %, 4 %, 5 %)
    site = sites(
        square(2400, 400, 100),
        name=["厂房"],
        project_class=["industrial"],
        footprint_m2=[3_000.0],
        office_area_m2=[200.0],
    )
    layers = {**scenario.layers(), "farmland": farmland(square(2450, 350, 150, 200))}
    return site, layers


def test_site_half_on_farmland_keeps_exactly_the_other_half():
    site, layers = half_on_farmland()
    result = landcheck.avoid(site, layers=layers, **PLANAR)
    row = result.kept.iloc[0]
    assert row["kept_planar_m2"] == pytest.approx(5_000.0, rel=1e-12)
    assert row["kept_ha"] == pytest.approx(0.5)
    assert row["lost_ha"] == pytest.approx(0.5)
    assert row["constraints_ha"] == pytest.approx(0.5)
    assert row["dropped_ha"] == 0.0
    assert row["kept_share"] == pytest.approx(0.5)
    assert row["parts"] == 1 and not row["fragmented"]
    assert result.kept.geometry.iloc[0].equals(square(2400, 400, 50, 100))
    assert result.lost["key"].tolist() == ["farmland"]
    assert result.lost["planar_m2"].tolist() == pytest.approx([5_000.0])
    assert row["status_before"] == "prohibited"
    # the trimmed site touches the farmland: no longer taken, but near it (a notice)
    assert row["status_after"] == "info"
    assert result.after.layer_area("S1", "farmland").planar_m2 == 0.0
    assert result.after.layer("S1", "farmland").nearest_m == pytest.approx(0.0)


def test_buffer_moves_the_cut():
    site, layers = half_on_farmland()
    result = landcheck.avoid(site, layers=layers, buffers={"farmland": 10}, **PLANAR)
    # the farmland's corners lie outside the site, so the cut is a straight line at x = 40
    assert result.kept["kept_planar_m2"].iloc[0] == pytest.approx(4_000.0, rel=1e-12)
    assert result.kept["status_after"].iloc[0] == "info"  # 10 m away, within the 50 m notice


def test_the_kept_part_is_checked_with_the_sites_own_facts():
    # office land of 300 m² is 3 % of the whole square but 7.5 % of the 0.4 ha kept: over 7 %
    site, layers = half_on_farmland()
    site["office_area_m2"] = 300.0
    result = landcheck.avoid(site, layers=layers, buffers={"farmland": 10}, **PLANAR)
    assert result.kept["status_after"].iloc[0] == "conditional"


def test_fragmented_rest_is_warned_and_minimum_width_drops_it():
    site = sites(square(0, 0, 100))
    strip = farmland(square(40, -10, 20, 120))
    result = landcheck.avoid(site, layers={"farmland": strip}, **PLANAR)
    row = result.kept.iloc[0]
    assert row["parts"] == 2 and row["fragmented"]
    assert row["kept_planar_m2"] == pytest.approx(8_000.0)
    assert any("fragmented into 2 pieces" in w for w in result.warnings)
    result = landcheck.avoid(site, layers={"farmland": strip}, min_width_m=50, **PLANAR)
    row = result.kept.iloc[0]
    assert row["kept_planar_m2"] == 0.0 and row["parts"] == 0
    assert row["dropped_ha"] == pytest.approx(0.8)
    assert set(result.dropped["reason"]) == {"narrower than 50 m"}
    assert any("nothing is left" in w for w in result.warnings)
    assert result.after is None
    assert result.resubmission.empty


def test_minimum_area_drops_the_small_piece():
    site = sites(square(0, 0, 100))
    result = landcheck.avoid(
        site, layers={"farmland": farmland(square(5, -10, 5, 120))}, min_area_m2=1_000, **PLANAR
    )
    row = result.kept.iloc[0]
    assert row["kept_planar_m2"] == pytest.approx(9_000.0)
    assert row["dropped_ha"] == pytest.approx(0.05)
    assert row["constraints_ha"] == pytest.approx(0.05)
    assert row["parts"] == 1 and not row["fragmented"]


def test_site_clear_of_constraints_is_kept_whole():
    site = sites(square(1000, 1000, 100))
    result = landcheck.avoid(site, layers={"farmland": farmland(square(0, 0, 10))}, **PLANAR)
    assert result.kept["kept_planar_m2"].iloc[0] == pytest.approx(10_000.0)
    assert result.lost.empty and result.dropped.empty


def test_writes_gpkg_and_boundary_txt_for_resubmission(tmp_path):
    site, layers = half_on_farmland()
    result = landcheck.avoid(site, layers=layers, **PLANAR)
    out = tmp_path / "avoid"
    paths = write_avoidance(result, out)
    assert sorted(os.listdir(out)) == sorted(
        [
            ".landcheck",
            "avoidance.gpkg",
            "avoidance.csv",
            "avoidance.json",
            "avoidance.png",
            "avoided_boundary.txt",
        ]
    )
    txt = read_boundary_txt(paths["avoided_boundary.txt"])
    assert txt.sites.geometry.iloc[0].area == pytest.approx(5_000.0)
    assert txt.sites["site_id"].tolist() == ["S1"]
    import pyogrio

    assert [n for n, _ in pyogrio.list_layers(paths["avoidance.gpkg"])] == [
        "kept",
        "lost",
        "dropped",
        "original",
    ]
    data = json.loads((out / "avoidance.json").read_text(encoding="utf-8"))
    assert data["sites"][0]["kept_planar_m2"] == pytest.approx(5_000.0)
    with pytest.raises(OutputExistsError, match="--overwrite"):
        write_avoidance(result, out)
    write_avoidance(result, out, overwrite=True)
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".")]  # no staging left


@pytest.mark.parametrize(
    ("name", "site_id", "encoding", "reason"),
    [
        ("Industrial park, phase 2", "S1", "utf-8", "名称 'Industrial park, phase 2' contains"),
        ("厂房", "P\r2", "utf-8", "编号 'P\\r2' contains a comma or a line break"),
        ("厂房𠀀", "S1", "gbk", "'𠀀' cannot be written in gbk"),
    ],
)
def test_a_site_the_boundary_txt_cannot_hold_skips_the_txt_not_the_folder(
    tmp_path, name, site_id, encoding, reason
):
    """The square half on farmland, named or numbered so that the TXT cannot hold it (an ASCII
    comma, a line break, a letter GBK lacks): the folder is written without the TXT, and
    avoidance.json says why; the kept half is 0.5 ha in the table, the CSV and the JSON."""
    site, layers = half_on_farmland()
    site["name"], site["site_id"] = [name], [site_id]
    result = landcheck.avoid(site, layers=layers, **PLANAR)
    out = tmp_path / "avoid"
    paths = write_avoidance(result, out, txt_encoding=encoding)
    assert "avoided_boundary.txt" not in paths
    assert sorted(os.listdir(out)) == sorted(
        [".landcheck", "avoidance.gpkg", "avoidance.csv", "avoidance.json", "avoidance.png"]
    )
    data = json.loads((out / "avoidance.json").read_text(encoding="utf-8"))
    assert reason in data["txt_skipped"]
    assert data["sites"][0]["kept_planar_m2"] == pytest.approx(5_000.0)
    assert result.kept["kept_ha"].tolist() == pytest.approx([0.5])
    with open(out / "avoidance.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["site_id"], float(r["kept_ha"])) for r in rows] == [(site_id, 0.5)]


def test_repr_and_dict():
    site, layers = half_on_farmland()
    result = landcheck.avoid(site, layers=layers, **PLANAR)
    assert "0.5000 ha kept" in repr(result)
    assert result.to_dict()["schema"] == "landcheck/avoidance@1"
    assert "status_after" in result._repr_html_()


def test_legacy_datum_needs_the_shift_parameters():
    from landcheck.errors import AnalysisCRSError

    # the same square, declared in Xian 1980 / 3-degree GK zone 35 (EPSG:2359)
    site = sites(square(0, 0, 100), crs="EPSG:2359")
    layers = {"farmland": farmland(square(150, -50, 150, 200))}
    with pytest.raises(AnalysisCRSError, match="Xian 1980"):
        landcheck.avoid(site, layers=layers, **PLANAR)
    shift = "-15.8,102.4,48.3,0.35,-1.12,2.41,3.6"
    result = landcheck.avoid(site, layers=layers, datum_shift=shift, **PLANAR)
    assert any("Helmert" in w and "Xian 1980" in w for w in result.warnings)
    # these parameters move the square some 73 m east, partly onto the farmland (x ≥ 150)
    moved = result.sites.geometry.iloc[0]
    assert moved.bounds[0] == pytest.approx(73.0 + 35_420_000, abs=1.0)
    row = result.kept.iloc[0]
    assert row["kept_planar_m2"] == pytest.approx(
        moved.difference(square(150, -50, 150, 200)).area, rel=1e-9
    )
    assert row["kept_ha"] + row["lost_ha"] == pytest.approx(row["site_ha"])


def test_what_a_site_of_another_zone_keeps_is_measured_as_the_site_is():
    # sites given in degrees in two Gauss-Kruger zones: the site was measured in its own zone,
    # what it kept in the analysis CRS, so a site touching nothing kept 1.000153 ha of 1 ha
    import geopandas as gpd
    from pyproj import Transformer
    from shapely import box

    def square_at(lon: float) -> object:  # 100 m square in its own zone, given in EPSG:4490
        epsg = 4513 + (round(lon / 3) - 25)
        x, y = Transformer.from_crs(4490, epsg, always_xy=True).transform(lon, 24.4)
        return gpd.GeoSeries([box(x, y, x + 100, y + 100)], crs=epsg).to_crs(4490).iloc[0]

    sites = gpd.GeoDataFrame(
        {"site_id": ["S1", "S2"]}, geometry=[square_at(101.0), square_at(103.6)], crs=4490
    )
    farmland = frame([{"BSM": "F1", "geometry": square(0, 0, 10)}]).to_crs(4490)
    kept = landcheck.avoid(sites, layers={"farmland": farmland}, area_method="planar").kept
    assert kept["kept_planar_m2"].tolist() == pytest.approx([10_000.0, 10_000.0], abs=1e-3)
    assert kept["kept_share"].tolist() == pytest.approx([1.0, 1.0], abs=1e-9)


def test_sites_in_degrees_zones_apart_are_checked_again_after_the_cut():
    # two 100 m squares drawn in their own 3-degree zones at 100.6°E and 105.0°E, given in
    # EPSG:4490; the batch's analysis zone (EPSG:4522, 102°E) is the first's: the kept
    # part of the second, given back in it, was refused as outside its area of use
    import geopandas as gpd
    from pyproj import Transformer
    from shapely import box

    def square_at(lon: float, lat: float, size: float) -> object:
        epsg = 4513 + round(lon / 3) - 25
        x, y = Transformer.from_crs(4490, epsg, always_xy=True).transform(lon, lat)
        return gpd.GeoSeries([box(x, y, x + size, y + size)], crs=epsg).to_crs(4490).iloc[0]

    site = gpd.GeoDataFrame(
        {"site_id": ["S1", "S2"]},
        geometry=[square_at(100.6, 24.4, 100), square_at(105.0, 24.4, 100)],
        crs="EPSG:4490",
    )
    far = square_at(100.6, 24.0, 10)  # farmland 44 km south of both
    layers = {"farmland": gpd.GeoDataFrame({"BSM": ["F1"]}, geometry=[far], crs="EPSG:4490")}
    result = landcheck.avoid(site, layers=layers, **PLANAR)
    assert result.kept["kept_ha"].tolist() == pytest.approx([1.0, 1.0], rel=1e-9)
    assert result.kept["status_after"].tolist() == result.kept["status_before"].tolist()
