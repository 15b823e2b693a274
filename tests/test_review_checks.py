"""Analytic tests of the review checks (landcheck.review): one per outcome, numbers by construction.

The site is a 1000 m x 500 m rectangle (50 ha) unless a test says otherwise; layer features
are rectangles whose overlap with it is known exactly. Areas are planar.
"""

from __future__ import annotations

import math

import geopandas as gpd
import pytest
import yaml
from common import GK35, X0, Y0, county, frame, sites, square
from shapely import Point

import landcheck
from landcheck.errors import ProfileError
from landcheck.io.profiles import builtin_profile_text, load_profile, profile_from_dict

PLANAR = {"area_method": "planar", "coverage": county()}


def site(**columns):
    return sites(square(0, 0, 1000, 500), **{k: [v] for k, v in columns.items()})


def finding(result, check, site_id="S1"):
    return next(f for f in result.site_findings(site_id) if f.check == check)


def run(layer_key, layer, check, **site_columns):
    result = landcheck.check(site(**site_columns), layers={layer_key: layer}, **PLANAR)
    return finding(result, check), result


# ------------------------------------------------------------------ forest
def forest(*rows):
    return frame([{"BSM": f"L{i}", **r} for i, r in enumerate(rows)])


def test_forest_grade_one_is_prohibited_with_the_areas_by_grade():
    layer = forest(
        {"BHDJ": "Ⅰ", "GYLDJ": "国家级公益林", "geometry": square(0, 0, 200, 500)},  # 10 ha
        {"BHDJ": "Ⅲ", "GYLDJ": "", "geometry": square(200, 0, 300, 500)},  # 15 ha
    )
    f, result = run("forest", layer, "forest", project_type="county_road")
    assert f.outcome == "grade_one" and f.status == "prohibited"
    assert f.area.planar_m2 == pytest.approx(250_000.0)
    assert "Ⅲ 15.0000 公顷、Ⅰ 10.0000 公顷" in f.message.zh
    assert "Ⅰ级保护林地 10.0000 公顷" in f.message.zh
    assert f.to_dict()["basis_en"][0] == "Forest Law, art. 37 (2019-12-28) [V]"
    assert f.to_dict()["basis_marks"][:2] == ["V", "P"]
    assert result.layer_area("S1", "forest").planar_m2 == pytest.approx(250_000.0)


NATIONAL_ROAD = {
    "project_type": "expressway",
    "plan_level": "national",
    "plan_ref": "国家公路网规划",
}
"""A project on the national major projects list (item 3 of redline_major: a national plan)."""


def test_forest_national_public_forest_is_conditional_unless_the_project_may_use_it():
    layer = forest({"BHDJ": "Ⅱ", "GYLDJ": "国家级公益林", "geometry": square(0, 0, 400, 500)})
    industrial, _ = run("forest", layer, "forest", project_type="industrial")
    assert industrial.outcome == "public_forest" and industrial.status == "conditional"
    assert "国家级公益林地 20.0000 公顷" in industrial.message.zh
    # any type may be item 1, named by a Central Committee or State Council document
    assert "To be item 1 of the national major projects" in industrial.message.en
    assert "(central_ref)" in industrial.message.en
    road, _ = run("forest", layer, "forest", **NATIONAL_ROAD)
    assert road.outcome == "review" and road.status == "conditional"
    # the same road without the national plan is not on the list
    unplanned, _ = run("forest", layer, "forest", project_type="expressway")
    assert unplanned.outcome == "public_forest" and "plan_ref" in unplanned.message.en
    assert "Ⅱ 20.0000 公顷" in road.message.zh
    # the consent comes before 建设用地审批: at 报批 (森林法 art. 37)
    assert any("审核同意书" in d.zh for d in road.documents_later)


def test_forest_not_involved_and_sliver():
    clear, _ = run("forest", forest({"BHDJ": "Ⅳ", "geometry": square(2000, 0, 100)}), "forest")
    assert clear.outcome == "not_involved"
    # 0.5 m² of grade Ⅰ forest: a boundary-precision sliver, never a prohibition
    thin = forest({"BHDJ": "Ⅰ", "geometry": square(999.9, 0, 0.1, 5)})
    sliver, _ = run("forest", thin, "forest")
    assert sliver.outcome == "sliver" and sliver.status == "info"
    assert "0.50 平方米" in sliver.message.zh


def test_forest_grades_and_levels_written_in_full_are_recognised():
    # 10 ha of the site: grade Ⅰ written as the 35号令 writes it is grade Ⅰ
    for grade in ("Ⅰ级保护林地", "一级保护林地", "I级保护林地", "1级", "i"):
        layer = forest({"BHDJ": grade, "geometry": square(0, 0, 200, 500)})
        f, _ = run("forest", layer, "forest", project_type="industrial")
        assert (f.outcome, f.status) == ("grade_one", "prohibited"), grade
        assert "其中Ⅰ级保护林地 10.0000 公顷" in f.message.zh
    for grade in ("Ⅳ级保护林地", "四级", "iv"):
        layer = forest({"BHDJ": grade, "geometry": square(0, 0, 200, 500)})
        f, _ = run("forest", layer, "forest", project_type="industrial")
        assert f.outcome == "review", grade
    # 20 ha of grade Ⅱ with the 公益林 level as the 35号令 or the forest map writes it
    for level in ("一级国家级公益林地", "国家一级公益林", "国家二级公益林", "国家级"):
        layer = forest({"BHDJ": "Ⅱ", "GYLDJ": level, "geometry": square(0, 0, 400, 500)})
        f, _ = run("forest", layer, "forest", project_type="industrial")
        assert (f.outcome, f.status) == ("public_forest", "conditional"), level
        assert "国家级公益林地 20.0000 公顷" in f.message.zh
    provincial = forest({"BHDJ": "Ⅱ", "GYLDJ": "省级公益林", "geometry": square(0, 0, 400, 500)})
    f, _ = run("forest", provincial, "forest", project_type="industrial")
    assert f.outcome == "review"


def test_forest_grade_blank_or_unknown_is_unknown_not_a_clear_review():
    # 10 ha of grade Ⅲ and 5 ha whose grade is blank, unreadable or not in the layer at all
    for unknown in ({"BHDJ": ""}, {"BHDJ": "未知"}, {"BHDJ": "01"}, {"XX": "Ⅰ"}):
        layer = forest(
            {"BHDJ": "Ⅲ", "geometry": square(0, 0, 200, 500)},
            {**unknown, "geometry": square(200, 0, 100, 500)},
        )
        f, _ = run("forest", layer, "forest", project_type="county_road")
        assert (f.outcome, f.status) == ("ungraded", "unknown"), unknown
        assert f.area.planar_m2 == pytest.approx(150_000.0)
        assert "其中 5.0000 公顷的林地保护等级" in f.message.zh
        assert "grade Ⅰ protected forest land cannot be ruled out" in f.message.en
    # a layer without the grade field: every feature is of no stated grade
    whole = forest({"XX": "Ⅰ", "geometry": square(0, 0, 200, 500)})
    f, _ = run("forest", whole, "forest", project_type="county_road")
    assert f.outcome == "ungraded" and "“(blank)”" in f.message.zh
    # grade Ⅰ found stands: the strictest certain verdict
    mixed = forest(
        {"BHDJ": "Ⅰ", "geometry": square(0, 0, 200, 500)},
        {"BHDJ": "", "geometry": square(200, 0, 100, 500)},
    )
    f, _ = run("forest", mixed, "forest", project_type="county_road")
    assert f.outcome == "grade_one"
    # a sliver of unknown grade (0.5 m²) beside grade Ⅲ does not make the check unknown
    sliver = forest(
        {"BHDJ": "Ⅲ", "geometry": square(0, 0, 200, 500)},
        {"BHDJ": "", "geometry": square(999.9, 0, 0.1, 5)},
    )
    f, _ = run("forest", sliver, "forest", project_type="county_road")
    assert f.outcome == "review"


# ------------------------------------------------------------------ grassland
def test_grassland_basic_and_other():
    layer = frame(
        [
            {"JBCY": "是", "CYLX": "山地草甸", "geometry": square(0, 0, 100, 500)},  # 5 ha
            {"JBCY": "否", "CYLX": "热性草丛", "geometry": square(100, 0, 300, 500)},  # 15 ha
        ]
    )
    f, _ = run("grassland", layer, "grassland")
    assert f.outcome == "basic" and f.status == "conditional"
    assert "基本草原 5.0000 公顷、其他草原 15.0000 公顷" in f.message.zh
    other = frame([{"JBCY": "否", "CYLX": "热性草丛", "geometry": square(0, 0, 300, 500)}])
    f, _ = run("grassland", other, "grassland")
    assert f.outcome == "review" and "热性草丛 15.0000 公顷" in f.message.zh


def test_pv_array_may_not_occupy_grade_one_forest():
    layer = forest(
        {"BHDJ": "Ⅰ", "geometry": square(0, 0, 100, 500)},  # 5 ha
        {"BHDJ": "Ⅳ", "geometry": square(100, 0, 300, 500)},  # 15 ha
    )
    f, _ = run("forest", layer, "forest", project_type="pv_array")
    assert f.outcome == "pv_grade_one" and f.status == "prohibited"
    assert f.area.planar_m2 == pytest.approx(200_000.0)
    assert "Ⅰ级保护林地 5.0000 公顷" in f.message.zh and "自然资办发〔2023〕12号" in f.message.zh
    assert any("Ban Fa [2023] No. 12" in b for b in f.to_dict()["basis_en"])
    # the array's substation is not an array: grade Ⅰ is the general prohibition
    facility, _ = run("forest", layer, "forest", project_type="pv_facilities")
    assert facility.outcome == "grade_one"
    # an array on grade Ⅳ forest only goes to the forestry authority
    low = forest({"BHDJ": "Ⅳ", "geometry": square(0, 0, 400, 500)})
    f, _ = run("forest", low, "forest", project_type="pv_array")
    assert f.outcome == "review" and "Ⅳ 20.0000 公顷" in f.message.zh


# ------------------------------------------------------------------ wetland
def wetland(level):
    return frame(
        [{"SDMC": "清水河湿地", "ZYSDJB": level, "geometry": square(-100, 100, 1200, 100)}]
    )  # 10 ha of the site


def test_national_wetland_is_prohibited_except_for_listed_projects():
    f, _ = run("wetland", wetland("国家重要湿地"), "wetland", project_type="industrial")
    assert f.outcome == "national" and f.status == "prohibited"
    assert f.area.planar_m2 == pytest.approx(100_000.0)
    assert "国家重要湿地 10.0000 公顷" in f.message.zh and "清水河湿地" in f.message.zh
    f, _ = run("wetland", wetland("国家重要湿地"), "wetland", project_type="water_conservancy")
    assert f.outcome == "national_exception" and f.status == "conditional"
    f, _ = run("wetland", wetland("国家重要湿地"), "wetland", **NATIONAL_ROAD)
    assert f.outcome == "national_exception"


RESTORATION = (
    "恢复或者重建与所占用湿地面积和质量相当的湿地，没有条件的缴纳湿地恢复费"
    "（经依法批准占用后，由用地单位落实）"
)


def test_wetland_restoration_comes_after_approval_not_at_pre_examination():
    # 10 ha of 国家重要湿地 under a water-conservancy project (may occupy it: 湿地保护法 art. 19).
    # Art. 19 asks the State Council forestry authority's opinion at 选址; restoring or rebuilding
    # (or the restoration fee) is art. 21's duty of the unit approved to occupy it: was listed as
    # a 预审 document ("湿地恢复或重建方案"), a plan the law does not ask for at that stage.
    layer = {"wetland": wetland("国家重要湿地")}
    for stage in ("preexam", "approval"):
        result = landcheck.check(
            site(project_type="water_conservancy"), layers=layer, stage=stage, **PLANAR
        )
        f = finding(result, "wetland")
        assert (f.outcome, f.status) == ("national_exception", "conditional")
        assert f.area.planar_m2 == pytest.approx(100_000.0)
        now, later = [d.zh for d in f.documents], [d.zh for d in f.documents_later]
        if stage == "preexam":
            assert now == ["国务院林业草原主管部门对选址的意见"]
            assert later == [RESTORATION]
        else:
            assert now == ["国务院林业草原主管部门对选址的意见", RESTORATION] and later == []
        assert "湿地恢复或重建方案" not in [*now, *later]
    assert "第二十一条" in f.message.zh and "art. 21" in f.message.en
    assert f.to_dict()["basis_marks"] == ["V"]
    assert "第十九条、第二十一条" in f.to_dict()["basis"][0]


def test_other_wetland_is_conditional():
    f, _ = run("wetland", wetland("一般湿地"), "wetland", project_type="industrial")
    assert f.outcome == "review" and f.status == "conditional"
    assert "一般湿地 10.0000 公顷" in f.message.zh


def test_provincial_wetland_asks_for_the_restoration_at_approval():
    # 5 ha of 省级重要湿地 beside 5 ha of 一般湿地. 湿地保护法 art. 21 [V]: the unit approved to
    # occupy an important wetland (national or provincial, art. 14) restores or rebuilds as much,
    # or pays the restoration fee: was outcome 'review', the 一般湿地's, with no restoration.
    rows = [
        {"SDMC": "清水河湿地", "ZYSDJB": level, "geometry": square(x, 100, 100, 500)}
        for level, x in (("省级重要湿地", 0), ("一般湿地", 100))
    ]
    layer = {"wetland": frame(rows)}
    road = site(project_type="expressway")
    for stage in ("preexam", "approval"):
        result = landcheck.check(road, layers=layer, stage=stage, **PLANAR)
        f = finding(result, "wetland")
        assert (f.outcome, f.status) == ("provincial", "conditional")
        assert f.area.planar_m2 == pytest.approx(80_000.0)
        now, later = [d.zh for d in f.documents], [d.zh for d in f.documents_later]
        opinion = "县级以上地方人民政府授权部门对占用湿地的意见"
        if stage == "preexam":
            assert now == [opinion] and later == [RESTORATION]
        else:
            assert now == [opinion, RESTORATION] and later == []
    assert "其中省级重要湿地 4.0000 公顷" in f.message.zh and "第二十一条" in f.message.zh
    assert "4.0000 ha of it provincially important" in f.message.en
    # a profile written before the outcome words it as the 一般湿地's 'review'
    data = yaml.safe_load(builtin_profile_text("china-preexam"))
    rule = next(r for r in data["rules"] if r["id"] == "wetland")
    del rule["outcomes"]["provincial"]
    result = landcheck.check(road, layers=layer, profile=profile_from_dict(data), **PLANAR)
    f = finding(result, "wetland")
    assert f.outcome == "provincial" and f.status == "conditional"
    assert "不涉及国家重要湿地。建设项目选址应当避让湿地" in f.message.zh
    assert [d.zh for d in f.documents] == ["县级以上地方人民政府授权部门对占用湿地的意见"]


def test_wetland_level_blank_or_unknown_is_unknown_not_a_denial():
    # 10 ha of wetland whose level is blank, unreadable or not in the layer
    for row in ({"ZYSDJB": ""}, {"ZYSDJB": "??"}, {"SDLX": "河流湿地"}):
        layer = frame([{"SDMC": "清水河湿地", **row, "geometry": square(-100, 100, 1200, 100)}])
        f, _ = run("wetland", layer, "wetland", project_type="county_road")
        assert (f.outcome, f.status) == ("ungraded", "unknown"), row
        assert f.area.planar_m2 == pytest.approx(100_000.0)
        assert "其中 10.0000 公顷的湿地级别" in f.message.zh
        assert "不涉及国家重要湿地" not in f.message.zh
    for level, outcome in (("省级重要湿地", "provincial"), ("一般湿地", "review")):
        f, _ = run("wetland", wetland(level), "wetland", project_type="county_road")
        assert f.outcome == outcome, level
    # 5 ha of 国家重要湿地 beside 5 ha of no stated level: the prohibition stands
    layer = frame(
        [
            {"ZYSDJB": "国家重要湿地", "geometry": square(0, 100, 100, 500)},
            {"ZYSDJB": "", "geometry": square(100, 100, 100, 500)},
        ]
    )
    f, _ = run("wetland", layer, "wetland", project_type="industrial")
    assert f.outcome == "national" and f.area.planar_m2 == pytest.approx(80_000.0)


def test_grassland_flag_blank_or_unknown_is_unknown_not_a_denial():
    # 15 ha of grassland flagged 否 and 5 ha whose flag is blank, unreadable or absent
    for row in ({"JBCY": ""}, {"JBCY": "待核实"}, {"CYLX": "山地草甸"}):
        layer = frame(
            [
                {"JBCY": "否", "CYLX": "热性草丛", "geometry": square(100, 0, 300, 500)},
                {**row, "geometry": square(0, 0, 100, 500)},
            ]
        )
        f, _ = run("grassland", layer, "grassland", project_type="county_road")
        assert (f.outcome, f.status) == ("unflagged", "unknown"), row
        assert f.area.planar_m2 == pytest.approx(200_000.0)
        assert "其中 5.0000 公顷的基本草原标识" in f.message.zh
        assert "不涉及基本草原" not in f.message.zh
    flagged = frame([{"JBCY": "非基本草原", "geometry": square(0, 0, 300, 500)}])
    f, _ = run("grassland", flagged, "grassland", project_type="county_road")
    assert f.outcome == "review" and "15.0000 公顷" in f.message.zh
    # basic grassland found stands beside a blank flag
    both = frame(
        [
            {"JBCY": "是", "geometry": square(0, 0, 100, 500)},
            {"JBCY": "", "geometry": square(100, 0, 100, 500)},
        ]
    )
    f, _ = run("grassland", both, "grassland", project_type="pv_array")
    assert f.outcome == "pv_basic" and f.status == "prohibited"
    # the blank-flag land is not "other grassland": the 50 ha site's 5 ha + 5 ha + 40 ha
    # other (flag 否) read "其他草原 45.0000 公顷", the 5 ha of no flag in it
    three = frame(
        [
            {"JBCY": "是", "geometry": square(0, 0, 100, 500)},
            {"JBCY": "", "geometry": square(100, 0, 100, 500)},
            {"JBCY": "否", "geometry": square(200, 0, 800, 500)},
        ]
    )
    f, _ = run("grassland", three, "grassland", project_type="county_road")
    assert f.outcome == "basic"
    assert "其中基本草原 5.0000 公顷、其他草原 40.0000 公顷、" in f.message.zh
    assert "、基本草原标识未注明或无法识别的草原 5.0000 公顷。" in f.message.zh


def test_pv_array_may_not_occupy_basic_grassland():
    layer = frame(
        [
            {"JBCY": "是", "CYLX": "山地草甸", "geometry": square(0, 0, 100, 500)},  # 5 ha
            {"JBCY": "否", "CYLX": "热性草丛", "geometry": square(100, 0, 300, 500)},  # 15 ha
        ]
    )
    f, _ = run("grassland", layer, "grassland", project_type="pv_array")
    assert f.outcome == "pv_basic" and f.status == "prohibited"
    assert f.area.planar_m2 == pytest.approx(200_000.0)
    assert "基本草原 5.0000 公顷" in f.message.zh and "自然资办发〔2023〕12号" in f.message.zh
    # other projects on basic grassland go to the grassland authority
    road, _ = run("grassland", layer, "grassland", project_type="county_road")
    assert road.outcome == "basic" and road.status == "conditional"
    # an array on other grassland only is no 12号 case
    other = frame([{"JBCY": "否", "CYLX": "热性草丛", "geometry": square(0, 0, 300, 500)}])
    f, _ = run("grassland", other, "grassland", project_type="pv_array")
    assert f.outcome == "review"


# ------------------------------------------------------------------ protected areas
def reserve(*zones):
    return frame(
        [
            {"BHDMC": "白云山自然保护区", "GNFQ": z, "geometry": square(i * 100, 0, 100, 500)}
            for i, z in enumerate(zones)
        ]
    )  # 5 ha per zone


def test_core_zone_is_prohibited_in_both_vocabularies():
    for core in ("核心保护区", "核心区", "缓冲区"):
        f, _ = run("protected_areas", reserve("一般控制区", core), "protected_areas")
        assert f.outcome == "core" and f.status == "prohibited"
        assert f.area.planar_m2 == pytest.approx(100_000.0)
        assert "5.0000 公顷" in f.message.zh


def test_general_zone_takes_the_permitted_activity_test():
    industrial, _ = run(
        "protected_areas", reserve("一般控制区"), "protected_areas", project_type="industrial"
    )
    assert industrial.outcome == "not_permitted" and industrial.status == "prohibited"
    road, _ = run(
        "protected_areas",
        reserve("一般控制区"),
        "protected_areas",
        project_type="county_road",
        plan_level="county",
        plan_ref="县国土空间总体规划",
    )
    assert road.outcome == "permitted" and road.status == "conditional"
    assert "item 6 of" in road.message.en  # 142号 一(一) item 6: linear infrastructure
    # the same road without the plan that lists it is no permitted activity
    unplanned, _ = run(
        "protected_areas", reserve("一般控制区"), "protected_areas", project_type="county_road"
    )
    assert unplanned.outcome == "not_permitted" and "plan_ref" in unplanned.message.en
    major, _ = run("protected_areas", reserve("一般控制区"), "protected_areas", **NATIONAL_ROAD)
    assert major.outcome == "permitted"


def test_trial_zone_and_unknown_zone():
    f, _ = run("protected_areas", reserve("实验区"), "protected_areas", project_type="industrial")
    assert f.outcome == "trial_zone" and f.status == "conditional"
    f, _ = run("protected_areas", reserve("外围地带"), "protected_areas")
    assert f.outcome == "unzoned" and f.status == "unknown"
    assert "外围地带" in f.message.zh


# ------------------------------------------------------------------ mineral rights
def rights(strategic):
    return frame(
        [
            {
                "XKZH": "T5325272020",
                "QLLX": "探矿权",
                "KZ": "铝土矿" if strategic == "是" else "石灰岩",
                "ZLXKC": strategic,
                "QLR": "某某地质勘查有限公司",
                "geometry": square(600, -100, 1000, 1000),
            }
        ]
    )  # 400 m x 500 m = 20 ha of the site


def test_strategic_mineral_is_prohibited_other_needs_an_agreement():
    f, _ = run("mineral_rights", rights("是"), "mineral_rights")
    assert f.outcome == "strategic" and f.status == "prohibited"
    assert "战略性矿产 20.0000 公顷" in f.message.zh and "铝土矿" in f.message.zh
    f, _ = run("mineral_rights", rights("否"), "mineral_rights")
    assert f.outcome == "agreement" and f.status == "conditional"
    assert "某某地质勘查有限公司" in f.message.zh and "20.0000 公顷" in f.message.zh


def test_unflagged_right_is_judged_by_its_mineral_or_unknown():
    layer = rights("")
    f, _ = run("mineral_rights", layer, "mineral_rights")
    assert f.outcome == "agreement"  # 石灰岩 is no strategic mineral
    layer["KZ"] = "铝土矿"
    f, _ = run("mineral_rights", layer, "mineral_rights")
    assert f.outcome == "strategic"
    layer["KZ"] = ""
    f, _ = run("mineral_rights", layer, "mineral_rights")
    assert f.outcome == "undetermined" and f.status == "unknown"
    assert "20.0000 公顷的矿业权未注明矿种" in f.message.zh


def test_unflagged_right_is_judged_by_its_ore_or_compound_name_and_unknown_names_stay_unknown():
    layer = rights("")  # 20 ha of the site, no strategic flag
    for mineral in ("磁铁矿", "赤铁矿", "钒钛磁铁矿", "铬铁矿", "岩金", "砂金", "钨锡矿", "铜镍矿",
                    "锂辉石", "石油天然气", "铜矿、镍矿"):  # fmt: skip
        layer["KZ"] = mineral
        f, _ = run("mineral_rights", layer, "mineral_rights")
        assert (f.outcome, f.status) == ("strategic", "prohibited"), mineral
        assert "战略性矿产 20.0000 公顷" in f.message.zh
    for mineral in ("锰矿", "铅锌矿", "水泥用灰岩", "建筑用砂"):
        layer["KZ"] = mineral
        f, _ = run("mineral_rights", layer, "mineral_rights")
        assert f.outcome == "agreement", mineral
    for mineral in ("XYZ", "未知", "金红石", "石墨", "锰矿、XYZ"):
        layer["KZ"] = mineral
        f, _ = run("mineral_rights", layer, "mineral_rights")
        assert (f.outcome, f.status) == ("undetermined", "unknown"), mineral
        assert f"20.0000 公顷的矿业权未注明矿种或矿种无法识别（“{mineral}”）" in f.message.zh
        assert f"not recognised ({mineral})" in f.message.en
    # the right's own flag still decides over its name
    layer["KZ"], layer["ZLXKC"] = "XYZ", "否"
    f, _ = run("mineral_rights", layer, "mineral_rights")
    assert f.outcome == "agreement"


# ------------------------------------------------------------------ geohazards
def zones(*grades):
    return frame(
        [
            {"YFCD": g, "geometry": square(i * 500 - 1000 * (i == 0), -1000, 1500 - 500 * i, 3000)}
            for i, g in enumerate(grades)
        ]
    )  # first grade: x -1000..500 (25 ha of the site), second: 500..1500 (25 ha)


def test_geohazard_prone_zone_needs_an_assessment_with_the_areas_by_grade():
    f, _ = run("geohazard", zones("高易发", "低易发"), "geohazard")
    assert f.outcome == "assessment" and f.status == "conditional"
    assert f.area.planar_m2 == pytest.approx(500_000.0)
    assert "高易发区 25.0000 公顷" in f.message.zh
    f, _ = run("geohazard", zones("不易发", "低易发"), "geohazard")
    assert f.outcome == "assessment" and f.area.planar_m2 == pytest.approx(250_000.0)
    f, _ = run("geohazard", zones("不易发", "非易发"), "geohazard")
    assert f.outcome == "not_prone" and f.status == "not_involved"
    f, _ = run("geohazard", zones("较高", "不易发"), "geohazard")
    assert f.outcome == "ungraded" and f.status == "unknown" and "较高" in f.message.zh


def test_geohazard_prone_zone_found_needs_the_assessment_whatever_the_other_grade():
    # 9,000 m² of 高易发 and 1,000 m² of an unrecognised '极高' on a 100 m x 100 m site
    layer = frame(
        [
            {"YFCD": "高易发", "geometry": square(0, 0, 90, 100)},
            {"YFCD": "极高", "geometry": square(90, 0, 10, 100)},
        ]
    )
    result = landcheck.check(sites(square(0, 0, 100)), layers={"geohazard": layer}, **PLANAR)
    f = finding(result, "geohazard")
    assert (f.outcome, f.status) == ("assessment", "conditional")
    assert f.area.planar_m2 == pytest.approx(9_000.0)
    assert "另有 0.1000 公顷的易发程度“极高”无法识别" in f.message.zh
    assert "a further 0.1000 ha has the grade(s) 极高" in f.message.en
    # 25 ha of '较高' beside 25 ha of 低易发 on the 50 ha site: the 低易发 alone needs it
    f, _ = run("geohazard", zones("较高", "低易发"), "geohazard")
    assert f.outcome == "assessment" and f.area.planar_m2 == pytest.approx(250_000.0)


def test_geohazard_slivers_are_boundary_errors_not_prone_or_a_zone():
    def on_site():
        return {"geometry": square(-10, -10, 500, 520), "YFCD": "不易发"}  # x up to 490

    for piece, area in (
        (square(500, 250, 0.99, 1), 0.99),  # under 1 m², as printed too ("0.99")
        (square(500, 0, 0.05, 100), 5.0),  # 5 m², 0.05 m wide
    ):
        for grade in ("高易发", "极高"):
            layer = frame([on_site(), {"YFCD": grade, "geometry": piece}])
            f, _ = run("geohazard", layer, "geohazard")
            assert (f.outcome, f.status) == ("sliver", "info"), (grade, area)
            assert f.area.planar_m2 == pytest.approx(area)
            assert "疑似边界误差，修正后复核" in f.message.zh
    # 20 m² 0.2 m wide is no sliver
    layer = frame([on_site(), {"YFCD": "高易发", "geometry": square(500, 0, 0.2, 100)}])
    f, _ = run("geohazard", layer, "geohazard")
    assert f.outcome == "assessment" and f.area.planar_m2 == pytest.approx(20.0)


def points(*xy):
    return gpd.GeoDataFrame(
        {"YHDBH": [f"HP{i + 1:03d}" for i in range(len(xy))], "ZHLX": ["滑坡"] * len(xy)},
        geometry=[Point(X0 + x, Y0 + y) for x, y in xy],
        crs=GK35,
    )


def test_hazard_point_distance_is_measured_and_never_an_area():
    # 300 m east of the site's right edge, level with it
    f, result = run("geohazard_points", points((1300, 250), (3000, 250)), "geohazard_points")
    assert f.outcome == "near" and f.status == "info"
    assert "300.0 米" in f.message.zh and "HP001" in f.message.zh
    assert result.layer("S1", "geohazard_points").nearest_m == pytest.approx(300.0)
    inside, result = run("geohazard_points", points((500, 250)), "geohazard_points")
    assert inside.outcome == "inside" and inside.status == "conditional"
    assert result.layer_area("S1", "geohazard_points").planar_m2 == 0.0  # points have no area
    far, _ = run("geohazard_points", points((2100, 250)), "geohazard_points")
    assert far.outcome == "clear" and "1000 米" in far.message.zh


def test_hazard_point_distance_is_labelled_the_profiles_own_setting():
    # 999 m east of the site's right edge: within the 1,000 m, which no document sets
    near, _ = run("geohazard_points", points((1999, 250)), "geohazard_points")
    assert near.outcome == "near" and "999.0 米" in near.message.zh
    assert "本配置自设的 1000 米提示距离内" in near.message.zh
    assert "this profile's own 1000 m notice distance" in near.message.en
    far, _ = run("geohazard_points", points((2100, 250)), "geohazard_points")
    assert far.outcome == "clear" and "本配置自设" in far.message.zh
    assert "this profile's own notice distance" in far.message.en
    assert any("本配置自设" in b for b in far.to_dict()["basis"])


def test_hazard_points_read_as_far_as_the_rule_reaches():
    profile = load_profile()
    assert landcheck.rules.search_distance(profile, "geohazard_points") == 1000.0


# ------------------------------------------------------------------ heritage
def heritage(zone, x=0.0):
    return frame(
        [{"WWMC": "城隍庙古建筑群", "FWLX": zone, "geometry": square(x, 0, 100, 200)}]
    )  # 2 ha


def test_heritage_zones():
    # the 50 ha site is a large one (>= 5 ha): the zones' '_large' twins, but in a 地下文物埋藏区
    for zone, outcome, status in (
        ("保护范围", "protection_range_large", "prohibited"),
        ("建设控制地带", "control_zone_large", "conditional"),
        ("地下文物埋藏区", "burial_zone", "conditional"),
        ("风貌协调区", "unzoned_large", "unknown"),
    ):
        f, _ = run("heritage", heritage(zone), "heritage")
        assert (f.outcome, f.status) == (outcome, status)
        assert f.area.planar_m2 == pytest.approx(20_000.0)
        assert "2.0000 公顷" in f.message.zh


def test_large_site_outside_heritage_zones_is_told_about_archaeology():
    f, _ = run("heritage", heritage("保护范围", x=3000), "heritage")
    assert f.outcome == "large_project" and f.status == "info"  # 50 ha >= 5 ha, [U]
    small = landcheck.check(
        sites(square(0, 0, 100)), layers={"heritage": heritage("保护范围", x=3000)}, **PLANAR
    )
    assert finding(small, "heritage").outcome == "not_involved"


def test_heritage_zone_not_recognised_beside_a_known_one_is_unknown_unless_a_range_is_hit():
    # 2 ha of a known zone at x 0-100 and 1 ha of '重点保护区' at x 200-250
    for known in ("建设控制地带", "地下文物埋藏区", "保护范围"):
        layer = frame(
            [
                {"WWMC": "城隍庙", "FWLX": known, "geometry": square(0, 0, 100, 200)},
                {"WWMC": "城隍庙", "FWLX": "重点保护区", "geometry": square(200, 0, 50, 200)},
            ]
        )
        f, _ = run("heritage", layer, "heritage")
        if known == "保护范围":
            assert (f.outcome, f.status) == ("protection_range_large", "prohibited")
            assert f.area.planar_m2 == pytest.approx(20_000.0)
            continue
        # beside a 地下文物埋藏区, its archaeology stands for the large project's; beside a
        # 建设控制地带, its design consent is asked for too
        twin = "unzoned_burial" if known == "地下文物埋藏区" else "unzoned_control_large"
        assert (f.outcome, f.status) == (twin, "unknown"), known
        assert f.area.planar_m2 == pytest.approx(10_000.0)
        assert "其中 1.0000 公顷的区划类型“重点保护区”无法识别" in f.message.zh
        assert f"{known} 2.0000 公顷" in f.message.zh and "不能排除保护范围" in f.message.zh
    # a 0.5 m² sliver of an unknown zone beside a control zone does not make it unknown
    layer = frame(
        [
            {"FWLX": "建设控制地带", "geometry": square(0, 0, 100, 200)},
            {"FWLX": "重点保护区", "geometry": square(999.9, 0, 0.1, 5)},
        ]
    )
    f, _ = run("heritage", layer, "heritage")
    assert f.outcome == "control_zone_large"


BURIAL_REPORT = "考古调查、勘探报告及文物主管部门意见"
LARGE_OPINION = (
    "考古调查、勘探意见（文物主管部门；大型基本建设工程的规模标准为本配置自设，未经核实〔U〕）"
)


def test_heritage_site_in_a_zone_and_a_burial_zone_gets_what_each_asks():
    # 1 ha of a zone at x 0-50 and 1 ha of 地下文物埋藏区 at x 500-550 (y 0-200). Was the
    # first zone's outcome alone (control_zone: the design consent), the burial zone's
    # archaeology (文物保护法 art. 45 [V], whatever the size) lost.
    def layer(zone):
        return frame(
            [
                {"WWMC": "甲遗址", "FWLX": zone, "geometry": square(0, 0, 50, 200)},
                {"WWMC": "乙埋藏区", "FWLX": "地下文物埋藏区", "geometry": square(500, 0, 50, 200)},
            ]
        )

    six_ha = sites(square(0, 0, 600, 100))  # 0.5 ha of each zone
    consent = "文物主管部门对工程设计方案的同意意见"
    revised = "调整后的选址方案（避让文物保护范围）"
    for zone, outcome, status, first in (
        ("建设控制地带", "control_zone_burial", "conditional", consent),
        ("保护范围", "protection_range_burial", "prohibited", revised),
        ("风貌协调区", "unzoned_burial", "unknown", None),
    ):
        for where in (six_ha, site()):  # both large projects (>= 5 ha); 1 ha of each zone last
            result = landcheck.check(where, layers={"heritage": layer(zone)}, **PLANAR)
            f = finding(result, "heritage")
            assert (f.outcome, f.status) == (outcome, status), zone
            docs = [d.zh for d in f.documents]
            assert docs == ([first] if first else []) + [BURIAL_REPORT], zone
            assert LARGE_OPINION not in docs  # the burial zone's archaeology stands for it
        assert f.area.planar_m2 == pytest.approx(10_000.0)
        assert "项目用地同时进入地下文物埋藏区 1.0000 公顷，须在工程开工前" in f.message.zh
        assert "also enters a buried-relics zone by 1.0000 ha" in f.message.en
    # a 1 ha site, no large project: 0.1 ha of each zone, and no large-project note
    one_ha = sites(square(0, 0, 100))
    two = frame(
        [
            {"FWLX": "建设控制地带", "geometry": square(0, 0, 10, 100)},
            {"FWLX": "地下文物埋藏区", "geometry": square(50, 0, 10, 100)},
        ]
    )
    f = finding(landcheck.check(one_ha, layers={"heritage": two}, **PLANAR), "heritage")
    assert (f.outcome, f.area.planar_m2) == ("control_zone_burial", pytest.approx(1_000.0))
    assert "同时进入地下文物埋藏区 0.1000 公顷" in f.message.zh and "大型" not in f.message.zh
    assert [d.zh for d in f.documents] == ["文物主管部门对工程设计方案的同意意见", BURIAL_REPORT]
    # a sliver of burial zone (0.5 m²) beside the control zone adds nothing
    thin = frame(
        [
            {"FWLX": "建设控制地带", "geometry": square(0, 0, 50, 200)},
            {"FWLX": "地下文物埋藏区", "geometry": square(999.9, 0, 0.1, 5)},
        ]
    )
    tiny = landcheck.check(sites(square(0, 0, 1000, 10)), layers={"heritage": thin}, **PLANAR)
    assert finding(tiny, "heritage").outcome == "control_zone"
    # a profile written before the twins words the finding as the zone's alone
    data = yaml.safe_load(builtin_profile_text("china-preexam"))
    rule = next(r for r in data["rules"] if r["id"] == "heritage")
    for name in ("protection_range", "control_zone", "unzoned"):
        del rule["outcomes"][f"{name}_burial"]
    old = profile_from_dict(data)
    result = landcheck.check(
        six_ha, layers={"heritage": layer("建设控制地带")}, profile=old, **PLANAR
    )
    f = finding(result, "heritage")
    assert f.outcome == "control_zone_burial" and "同时进入" not in f.message.zh
    assert [d.zh for d in f.documents] == [consent]


CONSENT = "文物主管部门对工程设计方案的同意意见"
REVISED = "调整后的选址方案（避让文物保护范围）"


def range_and_control(first="保护范围", nested=True, *more):
    """2,000 m² of ``first`` (x 0-20) and 3,000 m² of 建设控制地带 (x 20-50) on y 0-100.

    ``nested``: the control zone drawn as a whole polygon around the first zone (x 0-50), as
    heritage layers draw it; its own ground is still x 20-50.
    """
    control = square(0, 0, 50, 100) if nested else square(20, 0, 30, 100)
    return frame(
        [
            {"WWMC": "城隍庙", "FWLX": "建设控制地带", "geometry": control},
            {"WWMC": "城隍庙", "FWLX": first, "geometry": square(0, 0, 20, 100)},
            *(dict(row) for row in more),  # frame() takes the geometry out of its rows
        ]
    )


def test_heritage_site_in_a_protection_range_and_a_control_zone_keeps_the_design_consent():
    # a 100 m x 100 m site in a 保护范围 by 2,000 m² and its 建设控制地带 by 3,000 m². Was
    # protection_range alone: the control zone's design consent (文物保护法 art. 29 [V]) lost.
    one_ha = sites(square(0, 0, 100))
    for nested in (True, False):
        result = landcheck.check(
            one_ha, layers={"heritage": range_and_control(nested=nested)}, **PLANAR
        )
        f = finding(result, "heritage")
        assert (f.outcome, f.status) == ("protection_range_control", "prohibited")
        assert f.area.planar_m2 == pytest.approx(2_000.0)
        assert "项目用地进入文物保护单位保护范围 0.2000 公顷" in f.message.zh
        assert "建设控制地带 0.3000 公顷、保护范围 0.2000 公顷" in f.message.zh
        assert "项目用地同时进入文物保护单位建设控制地带 0.3000 公顷" in f.message.zh
        assert (
            "also enters the construction control zone of a listed heritage site by 0.3000 ha"
            in f.message.en
        )
        assert "大型" not in f.message.zh and "埋藏区" not in f.message.zh
        assert [d.zh for d in f.documents] == [REVISED, CONSENT]
        assert CONSENT in [d.zh for d in result.documents("S1")]
    # a large project (6 ha): the large-project archaeology too; a 地下文物埋藏区 of 1,000 m²
    # (x 80-90) too: its archaeology, which stands for the large project's
    burial = {"FWLX": "地下文物埋藏区", "geometry": square(80, 0, 10, 100)}
    six_ha = sites(square(0, 0, 600, 100))
    for first, outcome, status, head in (
        ("保护范围", "protection_range_control", "prohibited", [REVISED]),
        ("风貌协调区", "unzoned_control", "unknown", []),
    ):
        for where, more, twin, last in (
            (one_ha, (), "", []),
            (six_ha, (), "_large", [LARGE_OPINION]),
            (one_ha, (burial,), "_burial", [BURIAL_REPORT]),
            (six_ha, (burial,), "_burial", [BURIAL_REPORT]),
        ):
            layer = range_and_control(first, True, *more)
            f = finding(landcheck.check(where, layers={"heritage": layer}, **PLANAR), "heritage")
            assert (f.outcome, f.status) == (outcome + twin, status), (first, twin)
            assert f.area.planar_m2 == pytest.approx(2_000.0)
            assert [d.zh for d in f.documents] == [*head, CONSENT, *last], (first, twin)
            assert "同时进入文物保护单位建设控制地带 0.3000 公顷" in f.message.zh
            assert ("同时进入地下文物埋藏区 0.1000 公顷" in f.message.zh) == bool(more)
            assert ("属大型基本建设工程的" in f.message.zh) == (twin == "_large")
    # a 0.5 m² sliver of control zone beside the 保护范围 adds nothing
    thin = frame(
        [
            {"FWLX": "保护范围", "geometry": square(0, 0, 20, 100)},
            {"FWLX": "建设控制地带", "geometry": square(99.9, 0, 0.1, 5)},
        ]
    )
    f = finding(landcheck.check(one_ha, layers={"heritage": thin}, **PLANAR), "heritage")
    assert (f.outcome, [d.zh for d in f.documents]) == ("protection_range", [REVISED])


def test_a_profile_without_the_control_zone_twins_words_the_finding_as_before():
    # the _control twins came after the _large and _burial ones: a profile without them uses
    # those (and one without any twin the plain outcome), and still loads and runs
    data = yaml.safe_load(builtin_profile_text("china-preexam"))
    rule = next(r for r in data["rules"] if r["id"] == "heritage")
    for name in ("protection_range", "unzoned"):
        for twin in ("", "_large", "_burial"):
            del rule["outcomes"][f"{name}_control{twin}"]
    without_control = profile_from_dict(data)
    for name in ("protection_range", "unzoned"):
        for twin in ("_large", "_burial"):
            del rule["outcomes"][f"{name}{twin}"]
    without_twins = profile_from_dict(data)
    burial = {"FWLX": "地下文物埋藏区", "geometry": square(80, 0, 10, 100)}
    one_ha, six_ha = sites(square(0, 0, 100)), sites(square(0, 0, 600, 100))
    for where, more, outcome, docs in (
        (one_ha, (), "protection_range_control", [REVISED]),
        (six_ha, (), "protection_range_control_large", [REVISED, LARGE_OPINION]),
        (one_ha, (burial,), "protection_range_control_burial", [REVISED, BURIAL_REPORT]),
    ):
        layers = {"heritage": range_and_control("保护范围", True, *more)}
        f = finding(
            landcheck.check(where, layers=layers, profile=without_control, **PLANAR), "heritage"
        )
        assert (f.outcome, f.status) == (outcome, "prohibited")
        assert [d.zh for d in f.documents] == docs
        assert "同时进入文物保护单位建设控制地带" not in f.message.zh
        assert ("同时进入地下文物埋藏区" in f.message.zh) == bool(more)
        assert ("属大型基本建设工程的" in f.message.zh) == (where is six_ha)
        f = finding(
            landcheck.check(where, layers=layers, profile=without_twins, **PLANAR), "heritage"
        )
        assert (f.outcome, [d.zh for d in f.documents]) == (outcome, [REVISED])
        assert "同时进入" not in f.message.zh and "大型" not in f.message.zh


def test_large_project_heritage_unknown_still_asks_for_the_archaeology():
    # a 6 ha site (>= large_site_ha 5): its size asks for the archaeology whatever the layer
    # shows. With the heritage layer missing, or 1 ha of the site beyond the described area,
    # the check was unknown / outside with the 考古调查、勘探意见 only "possibly needed".
    six_ha = sites(square(0, 0, 300, 200))
    missing = landcheck.check(six_ha, layers={}, **PLANAR)
    f = finding(missing, "heritage")
    assert (f.outcome, f.status) == ("unknown_large", "unknown")
    assert f.area.planar_m2 == pytest.approx(60_000.0)
    assert [d.zh for d in f.documents] == [LARGE_OPINION]
    assert "图层未能使用" in f.message.zh and "用地 6.0000 公顷（不小于 5 公顷）" in f.message.zh
    assert "the site is 6.0000 ha (at least 5 ha)" in f.message.en
    assert LARGE_OPINION not in [p.document.zh for p in missing.documents_possible("S1")]
    far = {"heritage": heritage("保护范围", x=3000)}
    ends = gpd.GeoDataFrame(geometry=[square(-10_000, -10_000, 10_250, 20_000)], crs=GK35)
    partly = landcheck.check(six_ha, layers=far, area_method="planar", coverage=ends)
    f = finding(partly, "heritage")
    assert (f.outcome, f.status) == ("outside_large", "unknown")
    assert f.area.planar_m2 == pytest.approx(10_000.0)  # x 250-300 beyond the coverage
    assert [d.zh for d in f.documents] == [LARGE_OPINION]
    assert "项目用地有1.0000公顷位于图层所描述的范围之外" in f.message.zh
    assert "属大型基本建设工程的" in f.message.zh
    # a 1 ha site is no large project: unknown / outside as any check, nothing asked
    one_ha = sites(square(200, 0, 100))
    f = finding(landcheck.check(one_ha, layers={}, **PLANAR), "heritage")
    assert (f.outcome, f.documents) == ("unknown", ())
    f = finding(
        landcheck.check(one_ha, layers=far, area_method="planar", coverage=ends), "heritage"
    )
    assert (f.outcome, f.area.planar_m2, f.documents) == ("outside", pytest.approx(5_000.0), ())
    # a zone found stands beyond the described area, as before
    zone = {"heritage": heritage("建设控制地带")}
    f = finding(
        landcheck.check(six_ha, layers=zone, area_method="planar", coverage=ends), "heritage"
    )
    assert f.outcome == "control_zone_large"
    # a profile written before the twins words them as the built-in unknown and outside
    data = yaml.safe_load(builtin_profile_text("china-preexam"))
    rule = next(r for r in data["rules"] if r["id"] == "heritage")
    del rule["outcomes"]["unknown_large"], rule["outcomes"]["outside_large"]
    old = profile_from_dict(data)
    f = finding(landcheck.check(six_ha, layers={}, profile=old, **PLANAR), "heritage")
    assert (f.outcome, f.status, f.documents) == ("unknown_large", "unknown", ())
    assert "大型" not in f.message.zh
    partly = landcheck.check(six_ha, layers=far, profile=old, area_method="planar", coverage=ends)
    f = finding(partly, "heritage")
    assert (f.outcome, f.status, f.documents) == ("outside_large", "unknown", ())


def test_large_site_touching_a_heritage_zone_is_still_told_about_archaeology():
    # the 50 ha site (>= 5 ha) in a 建设控制地带 by 2 ha, and by a 0.5 m² sliver
    f, _ = run("heritage", heritage("建设控制地带"), "heritage")
    assert f.outcome == "control_zone_large" and f.status == "conditional"
    assert "用地 50.0000 公顷（不小于 5 公顷），属大型基本建设工程的" in f.message.zh
    assert "考古调查、勘探" in f.message.zh and "archaeological survey" in f.message.en
    thin = frame([{"FWLX": "建设控制地带", "geometry": square(999.9, 0, 0.1, 5)}])
    f, _ = run("heritage", thin, "heritage")
    assert f.outcome == "sliver_large" and "考古调查、勘探" in f.message.zh
    # a 1 ha site is no large project: no note
    small = landcheck.check(
        sites(square(0, 0, 100)), layers={"heritage": heritage("建设控制地带")}, **PLANAR
    )
    f = finding(small, "heritage")
    assert f.outcome == "control_zone" and "考古" not in f.message.zh
    assert f.message.en.endswith("before planning approval.")


# ------------------------------------------------------------------ land-use standard
LAND_USE = frame([{"BSM": "T1", "DLBM": "0601", "geometry": square(-10, -10, 1020, 520)}])


def standard(**facts):
    result = landcheck.check(site(**facts), layers={"land_use": LAND_USE}, **PLANAR)
    return finding(result, "land_use_standard")


def test_industrial_indices_within_standard():
    f = standard(
        project_type="industrial",
        footprint_m2=150_000.0,  # 30 % of 500,000 m²: the limit itself passes
        office_area_m2=35_000.0,  # 7 %
        total_investment_wan=200_000.0,  # 4,000 万元 per ha
        计容建筑面积=600_000.0,  # plot ratio 1.2
    )
    assert f.outcome == "within" and f.status == "not_involved"
    assert "建筑系数 30.00%" in f.message.zh and "比重 7.00%" in f.message.zh
    assert "容积率 1.20" in f.message.zh and "投资强度 4000.0 万元/公顷" in f.message.zh


def test_industrial_building_coefficient_below_30_percent_is_over_standard():
    f = standard(project_type="industrial", 建筑基底面积=100_000.0, office_area_m2=10_000.0)
    assert f.outcome == "over" and f.status == "conditional"
    assert "不符合控制指标：建筑系数 20.00%" in f.message.zh
    assert any("专章" in d.zh for d in f.documents)
    f = standard(project_type="industrial", footprint_m2=200_000.0, office_area_m2=40_000.0)
    assert f.outcome == "over" and "office and living share 8.00%" in f.message.en


def test_green_ratio_over_20_percent_is_only_a_note():
    f = standard(
        project_type="industrial",
        footprint_m2=200_000.0,
        office_area_m2=10_000.0,
        green_area_m2=120_000.0,
    )
    assert f.outcome == "green_note" and f.status == "info" and "绿地率 24.00%" in f.message.zh


def test_missing_or_bad_facts_are_unknown_and_named():
    f = standard(project_type="industrial", footprint_m2=200_000.0)
    assert f.outcome == "missing_facts" and f.status == "unknown"
    assert "行政办公及生活服务设施用地面积" in f.message.zh
    assert "land for offices and living services" in f.message.en
    f = standard(project_type="industrial", footprint_m2="很多", office_area_m2=1.0)
    assert f.outcome == "missing_facts" and "footprint_m2 = '很多' is not a number" in f.message.en


def test_other_project_types_have_no_index():
    f = standard(project_type="county_road")
    assert f.outcome == "no_index" and f.status == "info"
    assert "本配置未载县道的用地指标" in f.message.zh


def test_a_profile_may_exempt_small_projects():
    data = yaml.safe_load(builtin_profile_text("china-preexam"))
    rule = next(r for r in data["rules"] if r["id"] == "land_use_standard")
    rule["params"]["exempt_below_ha"] = 60.0  # the 50 ha site is below it
    result = landcheck.check(
        site(project_type="county_road"),
        layers={"land_use": LAND_USE},
        profile=profile_from_dict(data),
        **PLANAR,
    )
    f = finding(result, "land_use_standard")
    assert f.outcome == "exempt" and f.status == "info" and "小于 60 公顷" in f.message.zh


def test_profile_thresholds_are_validated_and_used():
    data = yaml.safe_load(builtin_profile_text("china-preexam"))
    rule = next(r for r in data["rules"] if r["id"] == "land_use_standard")
    rule["params"]["max_office_share"] = "seven"
    with pytest.raises(ProfileError, match="max_office_share: expected a number of at least 0"):
        profile_from_dict(data)
    rule["params"]["max_office_share"] = 0.07
    rule["params"]["min_plot_ratio"] = 1.5
    profile = profile_from_dict(data)
    result = landcheck.check(
        site(project_type="industrial", footprint_m2=200_000.0, office_area_m2=1.0),
        layers={"land_use": LAND_USE},
        profile=profile,
        **PLANAR,
    )
    f = finding(result, "land_use_standard")
    assert f.outcome == "missing_facts" and "计容建筑面积" in f.message.zh
    result = landcheck.check(
        site(
            project_type="industrial",
            footprint_m2=200_000.0,
            office_area_m2=1.0,
            floor_area_m2=500_000.0,
        ),
        layers={"land_use": LAND_USE},
        profile=profile,
        **PLANAR,
    )
    f = finding(result, "land_use_standard")
    assert f.outcome == "over" and "容积率 1.00" in f.message.zh


# ------------------------------------------------------------------ the one 专章 (2022 notice)
FAR_AWAY = frame([{"BSM": "F1", "geometry": square(5_000, 5_000, 10)}])
CHAPTER = "节约集约用地论证分析专章"
NOTICE = "2022年《关于加强用地审批前期工作积极推进基础设施项目建设的通知》〔P〕"
NO_INDEX = "本配置未载县道的用地指标；请对照相应行业建设用地指标核定用地规模，"
OWN_EVALUATION = "无标准可依或突破标准的须开展节地评价"


def county_road_on(code, table=None, project_grade=None, **layers):
    """A 1 ha county road (100 m x 100 m, 0.5 km) on a survey parcel of ``code``; farmland and
    redline layers that it does not touch unless ``layers`` replaces them (None: not supplied)."""
    survey = frame([{"BSM": "T1", "DLBM": code, "QSXZ": "30", "geometry": square(-10, -10, 120)}])
    given = {"land_use": survey, "farmland": FAR_AWAY, "eco_redline": FAR_AWAY, **layers}
    result = landcheck.check(
        sites(
            square(0, 0, 100),
            project_type=["county_road"],
            length_km=[0.5],
            project_grade=[project_grade],
        ),
        layers={k: v for k, v in given.items() if v is not None},
        standards_table=table,
        **PLANAR,
    )
    return finding(result, "land_use_standard"), result


def test_a_county_road_on_cultivated_land_puts_its_land_saving_evaluation_into_the_chapter():
    # rules-2026 §C: where 耕地 is taken, one 专章 replaces the separate 节地评价 report
    f, result = county_road_on("0103")
    assert finding(result, "cultivated_land").area.planar_m2 == pytest.approx(10_000.0)
    assert (f.outcome, f.status) == ("no_index", "info")
    assert f.message.zh == (
        f"{NO_INDEX}无标准可依或突破标准的，因项目用地涉及耕地，节地评价内容纳入{CHAPTER}（{NOTICE}："
        "以一个专章代替单独的选址论证、节地评价和补划报告），不另行编制节地评价报告。"
    )
    assert (
        "goes into the chapter on economical and intensive land use, as the site takes "
        "cultivated land" in f.message.en
    )
    documents = [d.zh for d in result.documents("S1")]
    assert sum(d.startswith(CHAPTER) for d in documents) == 1
    assert not any("节地评价" in d for d in documents)
    cited = dict(zip(f.to_dict()["basis"], f.to_dict()["basis_marks"], strict=True))
    assert [m for b, m in cited.items() if "关于加强用地审批前期工作" in b] == ["P"]
    # the same road on construction land: the 节地评价 of its own, as before
    f, result = county_road_on("0601")
    assert finding(result, "cultivated_land").outcome == "not_involved"
    assert f.message.zh == f"{NO_INDEX}{OWN_EVALUATION}。"
    assert f.message.en.endswith(
        "where none exists or it is exceeded, a land-saving evaluation is needed."
    )
    assert not any(d.zh.startswith(CHAPTER) for d in result.documents("S1"))
    # wholly on approved construction land, its 耕地 was dealt with in that approval
    approved = frame([{"BSM": "A1", "geometry": square(-5, -5, 110)}])
    f, result = county_road_on("0103", approved_land=approved)
    assert finding(result, "cultivated_land").outcome == "approved_land"
    assert f.message.zh == f"{NO_INDEX}{OWN_EVALUATION}。"


def test_a_road_in_the_redline_or_on_farmland_names_what_calls_for_the_chapter(tmp_path):
    half = frame([{"BSM": "R1", "geometry": square(0, 0, 50, 100)}])  # 0.5 ha of the site
    f, _ = county_road_on("0601", eco_redline=half)
    assert "因项目用地涉及生态保护红线，节地评价内容纳入节约集约用地论证分析专章" in f.message.zh
    assert OWN_EVALUATION not in f.message.zh
    f, _ = county_road_on("0101", farmland=half)
    assert "因项目用地涉及耕地、永久基本农田，节地评价内容纳入" in f.message.zh
    assert "as the site takes cultivated land and permanent farmland" in f.message.en
    # the index table bounds county roads, but not for this grade: the same 专章
    table = tmp_path / "roads.csv"
    table.write_text(
        "table,key,grade,indicator,min,max,unit,source\n"
        "sector,county_road,二级公路,land_ha_per_km,,4.5,,公路工程项目建设用地指标\n",
        encoding="utf-8",
    )
    f, _ = county_road_on("0103", table=table, project_grade="四级公路")
    assert (f.outcome, f.status) == ("no_grade_index", "info")
    assert "没有工程等级“四级公路”的指标行" in f.message.zh
    assert "，因项目用地涉及耕地，节地评价内容纳入节约集约用地论证分析专章" in f.message.zh


def test_where_the_farmland_or_redline_layer_is_not_checked_the_chapter_is_a_possibility():
    f, _ = county_road_on("0601", farmland=None, eco_redline=None)
    assert f.message.zh == (
        f"{NO_INDEX}{OWN_EVALUATION}；永久基本农田、生态保护红线图层未能完整核查，项目用地如涉及"
        f"耕地、永久基本农田或生态保护红线，节地评价内容纳入{CHAPTER}（{NOTICE}），"
        "不另行编制节地评价报告。"
    )
    assert "as the farmland layer and the redline layer could not be fully checked" in f.message.en
    f, _ = county_road_on("0601", eco_redline=None)
    assert f"{OWN_EVALUATION}；生态保护红线图层未能完整核查" in f.message.zh
    # a survey that leaves 0.2 ha of the site without a parcel: 耕地 may lie there
    part = frame([{"BSM": "T1", "DLBM": "0601", "QSXZ": "20", "geometry": square(0, 0, 80, 100)}])
    f, _ = county_road_on("0601", land_use=part)
    assert f"{OWN_EVALUATION}；土地利用现状图层未能完整核查" in f.message.zh


def two_roads(west, east, **layers):
    """Two 1 ha county-road sites of project P1 (S1 on ``west``, S2 on ``east`` survey codes)."""
    survey = frame(
        [
            {"BSM": "T1", "DLBM": west, "QSXZ": "30", "geometry": square(-10, -10, 120)},
            {"BSM": "T2", "DLBM": east, "QSXZ": "30", "geometry": square(990, -10, 120)},
        ]
    )
    given = {"land_use": survey, "farmland": FAR_AWAY, "eco_redline": FAR_AWAY, **layers}
    result = landcheck.check(
        sites(
            square(0, 0, 100),
            square(1000, 0, 100),
            project_id=["P1"] * 2,
            project_type=["county_road"] * 2,
            length_km=[0.5] * 2,
        ),
        layers={k: v for k, v in given.items() if v is not None},
        **PLANAR,
    )
    return finding(result, "land_use_standard"), finding(result, "land_use_standard", "S2")


def test_the_one_chapter_of_a_project_takes_the_evaluation_of_all_its_sites():
    # the 2022 notice [P]: one 专章 for the project. S1 on 耕地 went into it; S2, on
    # construction land, was still told to write a 节地评价 report of its own
    own, sister = two_roads("0103", "0601")
    assert "，因项目用地涉及耕地，节地评价内容纳入节约集约用地论证分析专章" in own.message.zh
    assert sister.message.zh == (
        f"{NO_INDEX}无标准可依或突破标准的，因同一项目 P1 的用地 S1 涉及耕地（一个项目编制一个"
        f"专章），节地评价内容纳入{CHAPTER}（{NOTICE}：以一个专章代替单独的选址论证、节地评价和"
        "补划报告），不另行编制节地评价报告。"
    )
    assert "as site(s) S1 take cultivated land of the same project P1" in sister.message.en
    assert OWN_EVALUATION not in sister.message.zh
    # S1 in the redline, S2 on 耕地: each names what it and its sister take
    own, sister = two_roads(
        "0601", "0103", eco_redline=frame([{"BSM": "R1", "geometry": square(0, 0, 50, 100)}])
    )
    assert "因项目用地涉及生态保护红线，同一项目 P1 的用地 S2 涉及耕地" in own.message.zh
    assert "因项目用地涉及耕地，同一项目 P1 的用地 S1 涉及生态保护红线" in sister.message.zh


def test_a_sister_site_not_fully_checked_leaves_the_chapter_a_possibility():
    # S2's survey leaves 0.2 ha of it without a parcel: 耕地 may lie there, and the project's
    # 专章 with it; S1, on construction land, was told of its own report alone
    survey = frame(
        [
            {"BSM": "T1", "DLBM": "0601", "QSXZ": "20", "geometry": square(-10, -10, 120)},
            {"BSM": "T2", "DLBM": "0601", "QSXZ": "20", "geometry": square(1000, 0, 80, 100)},
        ]
    )
    own, _ = two_roads("0601", "0601", land_use=survey)
    assert own.message.zh == (
        f"{NO_INDEX}{OWN_EVALUATION}；同一项目 P1 的用地 S2 的土地利用现状图层未能完整核查，"
        f"项目用地如涉及耕地、永久基本农田或生态保护红线，节地评价内容纳入{CHAPTER}（{NOTICE}），"
        "不另行编制节地评价报告。"
    )
    assert (
        "the land-use survey could not be fully checked for site(s) S2 of the same project P1"
        in (own.message.en)
    )


# ------------------------------------------------------------------ redline: 142号 一（一）
REDLINE = frame([{"BSM": "R1", "LHLX": "水源涵养", "geometry": square(-10, -10, 200)}])
BORDER = (
    "依据法律法规和与邻国签署的国界管理制度协定（条约）开展的边界边境通视道清理及"
    "界务工程的修建、维护和拆除"
)
UPKEEP = "已有的合法水利、交通运输等设施运行维护改造"


@pytest.mark.parametrize(
    ("project_type", "item", "said", "mark"),
    [
        ("界务工程", "9", BORDER, "P"),
        ("border_facility", "9", BORDER, "P"),
        ("transport_maintenance", "6", UPKEEP, "P"),
        ("水利设施维护改造", "6", UPKEEP, "P"),
        (
            "考古调查发掘",
            "3",
            "经依法批准的考古调查发掘、古生物化石调查发掘、标本采集和文物保护活动",
            "V",
        ),
        ("森林抚育", "4", "按规定对人工商品林进行抚育采伐", "V"),
    ],
)
def test_a_142_activity_in_the_redline_is_permitted_with_its_item_cited(
    project_type, item, said, mark
):
    # 自然资发〔2022〕142号 一（一） items 3, 4, 6 (existing facilities' upkeep) and 9: a
    # 2,000 m² site (40 m x 50 m) wholly in the redline
    result = landcheck.check(
        sites(square(0, 0, 40, 50), project_type=[project_type]),
        layers={"eco_redline": REDLINE},
        **PLANAR,
    )
    f = finding(result, "eco_redline")
    assert (f.outcome, f.status) == ("permitted_activity", "conditional")
    assert f.area.planar_m2 == pytest.approx(2_000.0)
    assert "项目用地占用生态保护红线 0.2000 公顷（3.00 亩）" in f.message.zh
    assert f"（自然资发〔2022〕142号）一（一）第{item}项（{said}" in f.message.zh
    assert f"〔{mark}〕，为生态保护红线内允许的有限人为活动" in f.message.zh
    assert f"item {item} of MNR, MEE and NFGA redline notice (Zi Ran Zi Fa [2022] No. 142)" in (
        f.message.en
    )
    assert [d.zh for d in f.documents_later] == [
        "省级人民政府出具的符合生态保护红线内允许有限人为活动的认定意见"
    ]


@pytest.mark.parametrize(
    ("project_type", "facts", "condition"),
    [
        ("border_facility", {}, None),
        ("transport_maintenance", {}, None),
        ("archaeology", {}, None),
        ("forest_tending", {}, None),
        (
            "county_road",
            {"linear": [True], "plan_level": ["county"], "plan_ref": ["某县国土空间总体规划"]},
            "必须且无法避让、符合县级以上国土空间规划的线性基础设施建设",
        ),
        (
            "water_supply",
            {"plan_level": ["county"], "plan_ref": ["某县国土空间总体规划"]},
            "必须且无法避让、符合县级以上国土空间规划的防洪和供水设施建设",
        ),
    ],
)
def test_a_142_activity_is_held_to_the_conditions_of_its_own_item_only(
    project_type, facts, condition
):
    # 142号 一（一） (rules-2026 §A) attaches 必须且无法避让、符合县级以上国土空间规划 to the
    # new linear infrastructure and the flood-control, water-supply and telecom works of item
    # 6: the upkeep of existing facilities (6), border works (9), archaeology (3) and forest
    # tending (4) were all told 须确实无法避让并符合县级以上国土空间规划
    result = landcheck.check(
        sites(square(0, 0, 40, 50), project_type=[project_type], **facts),
        layers={"eco_redline": REDLINE},
        **PLANAR,
    )
    f = finding(result, "eco_redline")
    assert (f.outcome, f.status) == ("permitted_activity", "conditional")
    assert "为生态保护红线内允许的有限人为活动，须符合该项所列条件；" in f.message.zh
    assert "permits on the conditions that item states" in f.message.en
    if condition is None:
        assert "无法避让" not in f.message.zh and "国土空间规划" not in f.message.zh
        assert "avoid" not in f.message.en
    else:
        assert f"第6项（{condition}" in f.message.zh
        assert "unavoidable" in f.message.en
    assert "truly cannot avoid" not in f.message.en


def test_review_layer_missing_is_unknown_not_clear():
    result = landcheck.check(site(), layers={}, **PLANAR)
    for check in ("forest", "wetland", "protected_areas", "geohazard_points", "heritage"):
        assert finding(result, check).status == "unknown"


def test_indicator_arithmetic():
    from landcheck.review.standards import indicators

    values = indicators(
        {
            "footprint": 3_300.0,
            "office_area": 700.0,
            "green_area": 1_500.0,
            "floor_area": 12_000.0,
            "total_investment": 4_500.0,
        },
        10_000.0,
    )
    assert values == pytest.approx(
        {
            "building_coefficient_pct": 33.0,
            "office_share_pct": 7.0,
            "green_share_pct": 15.0,
            "plot_ratio": 1.2,
            "investment_wan_per_ha": 4_500.0,
        }
    )
    assert not math.isnan(values["plot_ratio"])


def test_findings_json_carries_the_areas_by_grade():
    layer = forest(
        {"BHDJ": "Ⅰ", "GYLDJ": "国家级公益林", "geometry": square(0, 0, 200, 500)},
        {"BHDJ": "Ⅲ", "GYLDJ": "", "geometry": square(200, 0, 300, 500)},
    )
    _, result = run("forest", layer, "forest")
    site = result.to_dict()["sites"][0]
    rows = {r["grade"]: r for r in site["layers"]["forest"]["attributes"]}
    assert rows["Ⅰ"]["planar_m2"] == pytest.approx(100_000.0)
    assert rows["Ⅰ"]["level"] == "国家级公益林"
    assert rows["Ⅲ"]["planar_m2"] == pytest.approx(150_000.0)
    _, result = run("geohazard_points", points((1300, 250)), "geohazard_points")
    nearest = result.to_dict()["sites"][0]["layers"]["geohazard_points"]["nearest"]
    assert nearest == {
        "distance_m": pytest.approx(300.0),
        "feature_id": "HP001",
        "search_m": 1000.0,
    }


# ------------------------------------------------------------------ nested zones
@pytest.mark.parametrize(
    ("layer_key", "check", "broad", "strict", "outcome", "strict_text"),
    [
        ("heritage", "heritage", {"FWLX": "建设控制地带"}, {"FWLX": "保护范围"},
         "protection_range_control_large", "保护范围 15.0000 公顷"),  # 50 ha, 35 ha of 建设控制地带
        ("forest", "forest", {"BHDJ": "Ⅲ"}, {"BHDJ": "Ⅰ"}, "grade_one", "Ⅰ 15.0000 公顷"),
        ("wetland", "wetland", {"ZYSDJB": "省级重要湿地"}, {"ZYSDJB": "国家重要湿地"},
         "national", "国家重要湿地 15.0000 公顷"),
        ("protected_areas", "protected_areas", {"GNFQ": "一般控制区"}, {"GNFQ": "核心保护区"},
         "core", "核心保护区 15.0000 公顷"),
    ],
)  # fmt: skip
def test_a_strict_zone_nested_in_a_broad_one_keeps_its_ground_in_either_order(
    layer_key, check, broad, strict, outcome, strict_text
):
    # the 50 ha site (1000 m x 500 m) lies in the broad zone; the strict one, drawn inside
    # it, covers 300 m x 500 m = 15 ha of the site. Broad zone first in the file, the strict
    # one lost the shared ground: 保护范围 0.0000 公顷 and a conditional
    for rows in ([broad, strict], [strict, broad]):
        shapes = {id(broad): square(-50, -50, 1100, 600), id(strict): square(0, 0, 300, 500)}
        layer = frame(
            [{"BSM": f"L{i}", **r, "geometry": shapes[id(r)]} for i, r in enumerate(rows)]
        )
        found, result = run(layer_key, layer, check, project_type="county_road")
        assert found.outcome == outcome
        assert strict_text in found.message.zh
        if rows[0] is broad:
            assert any("under the stricter feature" in w for w in result.warnings)
