"""Review checks judged on the figures their messages print, and on the project's size.

Built by construction: rectangles of known area (1 ha = a 100 m square), so every share
and every total is known exactly.
"""

from __future__ import annotations

import pytest
import yaml
from common import county, frame, sites, square

import landcheck
from landcheck.io.profiles import builtin_profile_text, profile_from_dict

PLANAR = {"area_method": "planar", "coverage": county()}
LAND_USE = frame([{"BSM": "T1", "DLBM": "0601", "geometry": square(-10, -10, 3020, 220)}])


def finding(result, check, site="S1"):
    return next(f for f in result.site_findings(site) if f.check == check)


def profile_with(rule_id, **params):
    """The built-in profile with some of one rule's parameters changed."""
    data = yaml.safe_load(builtin_profile_text("china-preexam"))
    rule = next(r for r in data["rules"] if r["id"] == rule_id)
    rule["params"].update(params)
    return profile_from_dict(data)


# ------------------------------------------------------------------ land-use standard indices
def industrial(**figures):
    """The land-use standard finding of an industrial site of exactly 1 ha (10,000 m²)."""
    site = sites(square(0, 0, 100), project_type=["industrial"],
                 **{k: [v] for k, v in figures.items()})  # fmt: skip
    result = landcheck.check(site, layers={"land_use": LAND_USE}, **PLANAR)
    return finding(result, "land_use_standard")


@pytest.mark.parametrize(
    ("footprint", "office", "outcome", "said"),
    [
        (2_999.6, 700.0, "within", "建筑系数 30.00%"),  # 29.996 %: written 30.00 %, ≥ 30 %
        (2_999.4, 700.0, "over", "不符合控制指标：建筑系数 29.99%"),  # 29.994 %
        (3_000.0, 700.4, "within", "行政办公及生活服务设施用地比重 7.00%"),  # 7.004 %
        (3_000.0, 700.6, "over", "不符合控制指标：行政办公及生活服务设施用地比重 7.01%"),
    ],
)
def test_an_index_is_compared_as_its_message_writes_it(footprint, office, outcome, said):
    f = industrial(footprint_m2=footprint, office_area_m2=office)
    assert f.outcome == outcome
    assert said in f.message.zh
    # the message never shows a failing value equal to its bound
    assert "不符合控制指标：建筑系数 30.00%" not in f.message.zh
    assert "不符合控制指标：行政办公及生活服务设施用地比重 7.00%" not in f.message.zh


def test_the_green_note_is_compared_as_written():
    figures = {"footprint_m2": 4_000.0, "office_area_m2": 500.0}
    f = industrial(**figures, green_area_m2=2_000.4)  # 20.004 %: written 20.00 %
    assert (f.outcome, f.status) == ("within", "not_involved")
    assert "绿地率 20.00%" in f.message.zh
    f = industrial(**figures, green_area_m2=2_000.6)  # 20.006 %: written 20.01 %
    assert (f.outcome, f.status) == ("green_note", "info")
    assert "但绿地率 20.01%超过20%" in f.message.zh


def test_a_bound_with_more_decimals_is_written_and_compared_with_them(tmp_path):
    table = tmp_path / "standards.csv"
    table.write_text(
        "table,key,grade,indicator,min,max,unit,source\nindustry,32,,plot_ratio,1.255,,,t2\n",
        encoding="utf-8",
    )

    def plot_ratio(floor_m2):
        site = sites(square(0, 0, 100), project_type=["industrial"], industry_code=["3216"],
                     footprint_m2=[4_000.0], office_area_m2=[500.0],
                     floor_area_m2=[floor_m2])  # fmt: skip
        result = landcheck.check(
            site, layers={"land_use": LAND_USE}, standards_table=table, **PLANAR
        )
        return finding(result, "land_use_standard")

    f = plot_ratio(12_544.0)  # 1.2544: written 1.254 (not 1.25, which would hide the bound)
    assert f.outcome == "over"
    assert "不符合控制指标：容积率 1.254（" in f.message.zh
    assert "容积率 ≥ 1.255（standards.csv 第2行，t2）" in f.message.zh
    f = plot_ratio(12_550.0)  # 1.255 exactly, at its bound
    assert f.outcome == "within" and "容积率 1.255；" in f.message.zh


# ------------------------------------------------------------------ the size exemption (节地评价)
def road_sites(*geoms, project_id=None):
    """The land-use standard findings of county-road sites, a province exempting < 0.2 ha."""
    columns = {"project_type": ["county_road"] * len(geoms)}
    if project_id is not None:
        columns["project_id"] = project_id
    result = landcheck.check(
        sites(*geoms, **columns),
        layers={"land_use": LAND_USE},
        profile=profile_with("land_use_standard", exempt_below_ha=0.2),
        **PLANAR,
    )
    return [finding(result, "land_use_standard", f"S{i + 1}") for i in range(len(geoms))]


def test_the_size_exemption_is_judged_on_the_project():
    # P1: two sites of 0.15 ha, 0.30 ha in all: not under 0.2 ha, though each site is
    for f in road_sites(square(0, 0, 100, 15), square(1000, 0, 100, 15), project_id=["P1"] * 2):
        assert (f.outcome, f.status) == ("no_index", "info")
    # P2: two sites of 0.08 ha, 0.16 ha in all: exempt, the sites named
    found = road_sites(square(0, 0, 100, 8), square(1000, 0, 100, 8), project_id=["P2"] * 2)
    for f in found:
        assert (f.outcome, f.status) == ("exempt", "info")
        assert (
            "项目用地 0.0800 公顷，所属项目 P2 各宗地（S1、S2）合计 0.1600 公顷，小于 0.2 公顷，"
            "按省级规定可不开展节地评价" in f.message.zh
        )
        assert "its project P2 (sites S1, S2) is 0.1600 ha in all, smaller than 0.2 ha" in (
            f.message.en
        )
    # sites without a project id are each their own project
    for f in road_sites(square(0, 0, 100, 15), square(1000, 0, 100, 15)):
        assert f.outcome == "exempt" and "项目用地 0.1500 公顷，小于 0.2 公顷" in f.message.zh


def test_the_project_counts_the_ground_its_sites_share_once():
    # two 0.15 ha sites sharing 100 m × 12 m: 0.18 ha of ground, under 0.2 ha
    found = road_sites(square(0, 0, 100, 15), square(0, 3, 100, 15), project_id=["P1"] * 2)
    assert [f.outcome for f in found] == ["exempt", "exempt"]
    assert "合计 0.1800 公顷，小于 0.2 公顷" in found[0].message.zh


@pytest.mark.parametrize(
    ("m2", "outcome", "said"),
    [
        (1_999.99, "no_index", ""),  # written 0.2000 ha: not under 0.2 ha
        (1_999.4, "exempt", "项目用地 0.1999 公顷，小于 0.2 公顷"),
        (2_000.0, "no_index", ""),
    ],
)
def test_the_size_exemption_is_compared_as_written(m2, outcome, said):
    (f,) = road_sites(square(0, 0, 100, m2 / 100))
    assert f.outcome == outcome
    assert said in f.message.zh


# ------------------------------------------------------------------ heritage: a large project
def heritage(*geoms, zone="保护范围", x=5_000.0, profile="china-preexam", **columns):
    """The heritage findings of sites and one 100 m² zone (far from them unless ``x`` is 0)."""
    layer = frame([{"WWMC": "城隍庙", "FWLX": zone, "geometry": square(x, 0, 10, 10)}])
    result = landcheck.check(
        sites(*geoms, **columns), layers={"heritage": layer}, profile=profile, **PLANAR
    )
    return [finding(result, "heritage", f"S{i + 1}") for i in range(len(geoms))]


def test_a_project_of_two_3_ha_sites_is_a_large_project():
    # P1: two sites of 3 ha, 6 ha in all, at least the profile's 5 ha (arts. 43, 45: the 工程)
    two = (square(0, 0, 300, 100), square(1_000, 0, 300, 100))
    for f in heritage(*two, project_id=["P1", "P1"]):
        assert (f.outcome, f.status) == ("large_project", "info")
        said = "所属项目 P1 用地合计 6.0000 公顷（S1、S2，不小于 5 公顷），属大型基本建设工程的"
        assert said in f.message.zh
        assert "as its project P1 (sites S1, S2) is 6.0000 ha in all (at least 5 ha)" in (
            f.message.en
        )
        assert any("考古调查、勘探意见" in d.zh for d in f.documents)
    # S1 touching a 建设控制地带: the zone's outcome, with the project's archaeology
    found = heritage(*two, zone="建设控制地带", x=0.0, project_id=["P1", "P1"])
    assert found[0].outcome == "control_zone_large"
    assert "所属项目 P1 用地合计 6.0000 公顷" in found[0].message.zh
    assert found[1].outcome == "large_project"
    # the same sites as two projects of their own: 3 ha each, no large project
    assert [f.outcome for f in heritage(*two)] == ["not_involved", "not_involved"]


@pytest.mark.parametrize(
    ("m2", "outcome"), [(49_999.0, "not_involved"), (49_999.6, "large_project")]
)
def test_the_large_project_size_is_compared_as_written(m2, outcome):
    (f,) = heritage(square(0, 0, 500, m2 / 500))  # 49,999.6 m²: "5.0000 公顷", at least 5 ha
    assert f.outcome == outcome


def test_the_large_project_threshold_is_written_as_given():
    profile = profile_with("heritage", large_site_ha=3.36)
    (f,) = heritage(square(0, 0, 100, 337), profile=profile)  # 3.37 ha
    assert f.outcome == "large_project"
    assert "用地 3.3700 公顷（不小于 3.36 公顷）" in f.message.zh
    assert "the site is 3.3700 ha (at least 3.36 ha)" in f.message.en
