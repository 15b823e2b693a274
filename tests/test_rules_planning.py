"""Planning zones: conformity and planned construction land say no more than the zone codes
tell. Analytic squares with known areas; each case a verdict a reviewer would have signed."""

from __future__ import annotations

import pytest
import yaml
from common import county, frame, sites, square

import landcheck
from landcheck.classify import load_code_table
from landcheck.io.profiles import builtin_profile_text, profile_from_dict
from landcheck.review.precedence import strictest_first

PLANAR = {"area_method": "planar", "coverage": county()}

FAR_FARMLAND = frame([{"BSM": "F", "DLBM": "0101", "geometry": square(9000, 9000, 10)}])
"""Farmland known to lie elsewhere."""

DRY_LAND = frame([{"BSM": "L", "DLBM": "0103", "QSXZ": "30", "geometry": square(-100, -100, 300)}])
"""旱地 (农用地, collective) under every site of these tests."""


def finding(result, check: str, site: str = "S1"):
    return next(f for f in result.site_findings(site) if f.check == check)


def zones(*rows: tuple[str, object]) -> object:
    """A planning-zone layer of (GHFQDM, geometry) rows, in this file order."""
    return frame(
        [{"BSM": f"Z{i}", "GHFQDM": code, "geometry": g} for i, (code, g) in enumerate(rows)]
    )


def check(zone_layer, profile=None, site=None):
    site = site if site is not None else sites(square(0, 0, 100), project_type=["industrial"])
    layers = {"planning_zones": zone_layer, "land_use": DRY_LAND, "farmland": FAR_FARMLAND}
    extra = {"profile": profile} if profile is not None else {}
    return landcheck.check(site, layers=layers, **PLANAR, **extra)


# ------------------------------------------------------------------ level-1 zones


def test_every_level_1_zone_with_differing_sub_zones_is_not_known():
    # 04 城镇发展区 holds 0401 (planned construction land, conforms) and 0402/0403 (neither),
    # yet read planned_construction=no and conforms: a level-1 code cannot tell
    table = load_code_table("planning-zones-2020")
    level = table.lookup("level")
    parent = table.lookup("parent")
    checked = []
    for code in [c for c in table.codes if level[c] == "1"]:
        children = [c for c in table.codes if parent[c] == code]
        for column in ("conformity", "planned_construction"):
            values = {table.value(c, column) for c in children}
            if len(values) > 1:
                assert table.value(code, column) == "unknown", (code, column)
                checked.append((code, column))
            elif values:
                assert table.value(code, column) in (*values, "unknown"), (code, column)
    assert checked == [
        ("04", "conformity"),
        ("04", "planned_construction"),
        ("05", "conformity"),
        ("05", "planned_construction"),
    ]
    # 06 海洋发展区: its sea-use sub-zones are not in the table, a project may fit one
    assert table.value("06", "conformity") == "unknown"
    assert table.value("06", "planned_construction") == "no"


@pytest.mark.parametrize(("code", "name"), [("04", "城镇发展区"), ("05", "乡村发展区")])
def test_a_level_1_zone_leaves_batch_or_single_site_and_conformity_not_known(code, name):
    # was: 04 → 单独选址 (1.0000 ha outside planned construction land) and "conforms";
    # 05 → 单独选址 and "adjust"
    result = check(zones((code, square(-100, -100, 300))))
    conversion = finding(result, "agricultural_conversion")
    assert (conversion.outcome, conversion.status) == ("conversion", "conditional")
    assert conversion.area.m2 == pytest.approx(10_000.0)
    assert f"规划分区图层中的 {code} {name}仅为一级分区、未细分到二级，无法判断是否位于" in (
        conversion.message.zh
    )
    assert f"gives {code} " in conversion.message.en
    assert "at level 1 only, not divided into its level-2 zones" in conversion.message.en
    assert "单独选址建设项目" not in conversion.message.zh
    conformity = finding(result, "planning_conformity")
    assert (conformity.outcome, conformity.status) == ("undivided", "unknown")
    assert conformity.area.m2 == pytest.approx(10_000.0)
    assert f"位于{name}（1.0000 公顷），规划分区仅为一级分区、未细分到二级" in conformity.message.zh
    assert "符合国土空间规划分区管控要求。" not in conformity.message.zh


def test_a_site_half_on_a_level_1_zone_is_not_known_for_that_half():
    # half 0401 (conforms, planned) and half 04: was "conforms" and batch
    result = check(
        zones(("0401", square(-100, -100, 150, 300)), ("04", square(50, -100, 150, 300)))
    )
    conversion = finding(result, "agricultural_conversion")
    assert conversion.outcome == "conversion"
    conformity = finding(result, "planning_conformity")
    assert (conformity.outcome, conformity.status) == ("undivided", "unknown")
    assert conformity.area.m2 == pytest.approx(5_000.0)
    assert "0.5000 公顷（50.00%）位于城镇发展区（0.5000 公顷）" in conformity.message.zh


def test_a_zone_needing_adjustment_stands_and_names_the_level_1_rest():
    result = check(
        zones(("0502", square(-100, -100, 150, 300)), ("04", square(50, -100, 150, 300)))
    )
    conformity = finding(result, "planning_conformity")
    assert (conformity.outcome, conformity.status) == ("adjust", "conditional")
    assert conformity.area.m2 == pytest.approx(5_000.0)
    assert "位于一般农业区（0.5000 公顷）" in conformity.message.zh
    assert "另涉及城镇发展区（0.5000 公顷）：无法据分区代码判定。" in conformity.message.zh
    assert "It also lies in urban development zone (0.5000 ha): not known from the zone code" in (
        conformity.message.en
    )


# ------------------------------------------------------------------ 07 矿产能源发展区


MINING_ENERGY_ZONE = zones(("07", square(-100, -100, 300)))
"""07 矿产能源发展区 under the whole 1 ha site (100 m x 100 m at (0, 0))."""


@pytest.mark.parametrize("kind", ["mining", "geological_survey", "hydropower", "pv_array"])
def test_a_mining_or_energy_project_conforms_in_the_mineral_and_energy_zone(kind):
    result = check(MINING_ENERGY_ZONE, site=sites(square(0, 0, 100), project_type=[kind]))
    found = finding(result, "planning_conformity")
    assert (found.outcome, found.status) == ("conforms", "not_involved")
    assert "位于矿产能源发展区（1.0000 公顷），符合国土空间规划分区管控要求" in found.message.zh


@pytest.mark.parametrize("kind", ["hotel", "industrial", None])
def test_any_other_project_in_the_mineral_and_energy_zone_is_not_known(kind):
    # was "conforms" whatever the project: a hotel or an industrial park in 07
    site = sites(square(0, 0, 100), **({"project_type": [kind]} if kind else {}))
    found = finding(check(MINING_ENERGY_ZONE, site=site), "planning_conformity")
    assert (found.outcome, found.status) == ("by_project", "unknown")
    assert found.area.m2 == pytest.approx(10_000.0)
    assert "1.0000 公顷（100.00%）位于矿产能源发展区（1.0000 公顷）" in found.message.zh
    assert "须依详细规划" in found.message.zh and "〔U〕" in found.message.zh
    assert "符合国土空间规划分区管控要求。" not in found.message.zh
    assert "depends on the detailed plan" in found.message.en
    assert ("declare project_type" in found.message.en) is (kind is None)
    assert [d.zh for d in found.documents] == ["国土空间规划符合性分析"]
    assert any(m == "U" for m in found.to_dict()["basis_marks"])


def test_the_mineral_and_energy_zone_beside_a_level_1_zone_keeps_both_reasons():
    # half 07 and half 04 under a hotel: 04 is level 1 only (undivided), 07 depends on the
    # project; the undivided part is named for 04 alone, 07 is said apart
    half = zones(("07", square(-100, -100, 150, 300)), ("04", square(50, -100, 150, 300)))
    hotel = sites(square(0, 0, 100), project_type=["hotel"])
    found = finding(check(half, site=hotel), "planning_conformity")
    assert (found.outcome, found.status) == ("undivided", "unknown")
    assert found.area.m2 == pytest.approx(5_000.0)
    assert "0.5000 公顷（50.00%）位于城镇发展区（0.5000 公顷）" in found.message.zh
    assert "另涉及矿产能源发展区（0.5000 公顷）：是否符合取决于项目类型和详细规划。" in (
        found.message.zh
    )
    mine = sites(square(0, 0, 100), project_type=["mining"])
    found = finding(check(half, site=mine), "planning_conformity")
    assert (found.outcome, found.area.m2) == ("undivided", pytest.approx(5_000.0))
    assert "矿产能源发展区" not in found.message.zh


# ------------------------------------------------------------------ overlapping zones


@pytest.mark.parametrize("order", [("0401", "0502"), ("0502", "0401")])
def test_overlapping_zones_count_as_the_stricter_whatever_the_file_order(order):
    # 0401 first: "conforms" and batch; 0502 first: "adjust" and 单独选址
    whole = square(-100, -100, 300)
    result = check(zones(*((code, whole) for code in order)))
    conformity = finding(result, "planning_conformity")
    assert (conformity.outcome, conformity.status) == ("adjust", "conditional")
    assert conformity.area.m2 == pytest.approx(10_000.0)
    conversion = finding(result, "agricultural_conversion")
    assert (conversion.outcome, conversion.status) == ("single_site", "conditional")
    assert "1.0000 ha of the site lie outside the planned construction land" in (
        conversion.message.en
    )
    (warning,) = [w for w in result.warnings if "planning_zones" in w and "overlap" in w]
    assert "counted once, under the stricter feature" in warning


def test_planning_zones_are_put_strictest_first():
    table = load_code_table("planning-zones-2020")
    rows = frame(
        [
            {"_code": code, "geometry": square(0, 0, 10)}
            for code in ("0401", "07", "04", "9999", "0502", "03", "0501")
        ]
    )
    order = strictest_first("planning_zone", rows, table)
    # 07 矿产能源发展区: its conformity depends on the project (not known from the code alone)
    assert rows["_code"].iloc[order].tolist() == ["03", "0502", "07", "04", "9999", "0401", "0501"]
    assert strictest_first("planning_zone", rows) is None  # no table: no order


# ------------------------------------------------------------------ conflicts


@pytest.mark.parametrize(("code", "name"), [("01", "生态保护区"), ("03", "农田保护区")])
def test_a_conflict_zone_is_not_read_as_adjustable(code, name):
    # was "adjust": 预审时核实是否属于依法可以调整规划用途的情形, as for 0502
    result = check(zones((code, square(-100, -100, 300))))
    found = finding(result, "planning_conformity")
    assert (found.outcome, found.status) == ("conflict", "conditional")
    assert found.area.m2 == pytest.approx(10_000.0)
    assert f"位于{name}（1.0000 公顷），项目用途与该规划分区管控要求相冲突" in found.message.zh
    assert "调整规划用途" in found.message.zh and "可以调整" not in found.message.zh
    assert "ecological protection redline and permanent basic farmland checks" in (found.message.en)
    assert [d.zh for d in found.documents] == ["国土空间规划符合性分析"]
    assert found.documents_later == ()


def test_a_profile_without_the_new_outcomes_still_loads_and_words_them_as_before():
    data = yaml.safe_load(builtin_profile_text("china-preexam"))
    rule = next(r for r in data["rules"] if r["id"] == "planning_conformity")
    del rule["outcomes"]["conflict"], rule["outcomes"]["undivided"]
    del rule["outcomes"]["by_project"]
    profile = profile_from_dict(data)
    conflict = finding(
        check(zones(("01", square(-100, -100, 300))), profile), "planning_conformity"
    )
    assert (conflict.outcome, conflict.status) == ("conflict", "conditional")
    assert "依法可以调整规划用途" in conflict.message.zh  # the old profile's wording
    undivided = finding(
        check(zones(("04", square(-100, -100, 300))), profile), "planning_conformity"
    )
    assert (undivided.outcome, undivided.status) == ("undivided", "unknown")
    assert "规划分区代码 04" in undivided.message.zh
    hotel = sites(square(0, 0, 100), project_type=["hotel"])
    by_project = finding(check(MINING_ENERGY_ZONE, profile, hotel), "planning_conformity")
    assert (by_project.outcome, by_project.status) == ("by_project", "unknown")
    assert "规划分区代码 07" in by_project.message.zh
    # a profile without the parameters: 07 is not known from its code alone
    del rule["params"]
    older = finding(
        check(MINING_ENERGY_ZONE, profile_from_dict(data), hotel), "planning_conformity"
    )
    assert (older.outcome, older.status) == ("undivided", "unknown")


# ------------------------------------------------------------------ no zone on the site


def test_no_zone_on_any_site_is_said_to_be_a_gap_in_the_zones():
    # was: "规划分区图层的代码表未标明规划建设用地" (the table marks it: no zone touched a site)
    result = check(zones(("0401", square(500, 500, 100))))
    found = finding(result, "agricultural_conversion")
    assert (found.outcome, found.status) == ("conversion", "conditional")
    assert "规划分区图层有 10000.00 平方米未覆盖项目用地，无法判断" in found.message.zh
    assert "the planning zones layer does not cover 10000.00 m² of the site" in found.message.en
    assert "代码表未标明" not in found.message.zh


def test_the_mineral_and_energy_zone_asks_the_same_questions_of_every_site():
    # three mining sites in 07 beside 0401, 0501 or neither: each site's own set of
    # conforming codes was a new question, a pass over the whole table for each site
    # (2,000 sites of a varied plan took a minute); the batch's codes are asked once
    layer = zones(
        ("07", square(-100, -100, 150, 300)),
        ("0401", square(50, -100, 100, 300)),
        ("07", square(150, -100, 400, 300)),
        ("0501", square(550, -100, 100, 300)),
        ("07", square(650, -100, 600, 300)),
    )
    mines = landcheck.check(
        sites(
            square(0, 0, 100),
            square(500, 0, 100),
            square(1_000, 0, 100),
            project_type=["mining"] * 3,
        ),
        layers={"planning_zones": layer, "land_use": DRY_LAND, "farmland": FAR_FARMLAND},
        **PLANAR,
    )
    for site, zone in (("S1", "城镇集中建设区（0.5000 公顷）"), ("S2", "村庄建设区")):
        found = finding(mines, "planning_conformity", site)
        assert (found.outcome, found.status) == ("conforms", "not_involved")
        assert zone in found.message.zh and "矿产能源发展区（0.5000 公顷）" in found.message.zh
    found = finding(mines, "planning_conformity", "S3")
    assert (found.outcome, found.area.m2) == ("conforms", pytest.approx(10_000.0))
    table = mines.layer("S1", "planning_zones").class_table
    asked = {
        key for key in table._by_position if key[0] == "classes_where" and key[1] == "table_code"
    }
    assert len(asked) == 1
