"""The documents a site's applicant is told to prepare: one name per document, each at its stage.

Sites and layers are squares of known area (tests/common.py); the rule sources are
rules-2026 §C (the one 节约集约用地论证分析专章; 报批 documents listed apart) and §G.
"""

from __future__ import annotations

import warnings

from common import X0, Y0, county, frame, sites, square
from shapely import Point

import landcheck

PLANAR = {"area_method": "planar", "coverage": county()}
CHAPTER = (
    "节约集约用地论证分析专章（必要性、用地规模与功能分区合理性、不可避让的充分性、节地水平先进性）"
)
ASSESSMENT = "地质灾害危险性评估报告"


def finding(result, check, site_id="S1"):
    return next(f for f in result.site_findings(site_id) if f.check == check)


def land_use(code, qsxz="10"):
    """One parcel of ``code`` covering the 100 m square site at (0, 0) and 50 m around it."""
    parcel = {"BSM": "T1", "DLBM": code, "KCXS": 0.0, "QSXZ": qsxz}
    return frame([{**parcel, "geometry": square(-50, -50, 200)}])


def check(site, layers, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return landcheck.check(site, layers=layers, **{**PLANAR, **options})


def industrial_site(**facts):
    """A 1 ha industrial site; its 1,000 m² footprint is a building coefficient of 10 % (< 30 %)."""
    figures = {"project_type": "industrial", "footprint_m2": 1000.0, "office_area_m2": 100.0}
    return sites(square(0, 0, 100), **{k: [v] for k, v in {**figures, **facts}.items()})


def test_the_one_land_saving_chapter_is_listed_once_with_its_expert_review():
    # 1 ha of 耕地 (cultivated_land asks for the chapter) and a building coefficient of 10 %
    # (land_use_standard 'over' asks for the chapter and its expert review): one chapter.
    result = check(industrial_site(), {"land_use": land_use("0103")})
    assert finding(result, "cultivated_land").outcome == "compensate"
    over = finding(result, "land_use_standard")
    assert (over.outcome, over.status) == ("over", "conditional")
    documents = [d.zh for d in result.documents("S1")]
    assert documents.count(CHAPTER) == 1
    assert documents.count("节约集约用地论证分析专章专家评审意见") == 1
    assert not [d for d in documents if d.startswith("节约集约用地论证分析专章及")]
    # the chapter under the first finding asking for it, the review under the standard's
    assert [d.zh for d in over.documents] == ["节约集约用地论证分析专章专家评审意见"]
    # on construction land the standard's finding asks for the chapter itself
    alone = check(industrial_site(), {"land_use": land_use("0601")})
    over = finding(alone, "land_use_standard")
    assert [d.zh for d in over.documents] == [CHAPTER, "节约集约用地论证分析专章专家评审意见"]
    assert over.documents[0].en.startswith("the chapter on economical and intensive")


def test_the_geohazard_assessment_is_one_document_whatever_asks_for_it():
    # the 1 ha site lies wholly in a 中易发 zone with a hazard point at its centre
    layers = {
        "geohazard": frame([{"BSM": "H1", "YFCD": "中易发", "geometry": square(-50, -50, 200)}]),
        "geohazard_points": frame(
            [{"YHDBH": "D1", "ZHLX": "滑坡", "XQDJ": "小型", "geometry": Point(X0 + 50, Y0 + 50)}]
        ),
    }
    result = check(sites(square(0, 0, 100)), layers)
    zone, point = finding(result, "geohazard"), finding(result, "geohazard_points")
    assert (zone.outcome, zone.area.planar_m2) == ("assessment", 10_000.0)
    assert point.outcome == "inside" and "D1" in point.message.zh
    documents = [d.zh for d in result.documents("S1")]
    assert [d for d in documents if d.startswith("地质灾害")] == [ASSESSMENT]
    assert [d.zh for d in zone.documents] == [ASSESSMENT] and point.documents == ()
    # the point alone asks for the same assessment, by the same name
    alone = check(sites(square(0, 0, 100)), {"geohazard_points": layers["geohazard_points"]})
    assert [d.zh for d in finding(alone, "geohazard_points").documents] == [ASSESSMENT]


def test_a_document_is_known_by_its_chinese_name_in_each_findings_list():
    from landcheck.profile import Text
    from landcheck.rules.apply import _asked_once

    a, a_reworded, b = Text("甲", "A"), Text("甲", "the A"), Text("乙", "B")
    assert _asked_once([((a,), ()), ((a_reworded, b), (a,))]) == [((a,), ()), ((b,), ())]


def test_the_forest_and_grassland_consents_are_asked_for_at_approval():
    # 森林法 art. 37, 草原法 art. 38 [V]: the consent comes before 建设用地审批 (报批).
    # 1,000 m² (100 m x 10 m) of grade Ⅲ forest and 1,000 m² of grassland that is not basic.
    layers = {
        "forest": frame(
            [{"BSM": "L1", "BHDJ": "Ⅲ", "GYLDJ": "", "geometry": square(0, 0, 100, 10)}]
        ),
        "grassland": frame(
            [{"BSM": "G1", "JBCY": "否", "CYLX": "草甸", "geometry": square(0, 10, 100, 10)}]
        ),
    }
    site = sites(square(0, 0, 100), project_type=["expressway"])
    result = check(site, layers)
    forest, grass = finding(result, "forest"), finding(result, "grassland")
    assert (forest.outcome, forest.area.planar_m2) == ("review", 1000.0)
    assert (grass.outcome, grass.area.planar_m2) == ("review", 1000.0)
    assert [d.zh for d in forest.documents] == ["使用林地可行性报告（使用林地现状调查表）"]
    assert [d.zh for d in forest.documents_later] == ["使用林地审核同意书（林业主管部门）"]
    assert grass.documents == ()
    assert [d.zh for d in grass.documents_later] == ["草原征占用审核同意书（省级以上草原主管部门）"]
    assert [d.zh for d in result.documents_later("S1")] == [
        "建设项目用地预审与选址意见书",
        "使用林地审核同意书（林业主管部门）",
        "草原征占用审核同意书（省级以上草原主管部门）",
    ]
    # at 报批 they are needed now
    approval = check(site, layers, stage="approval")
    now = [d.zh for d in approval.documents("S1")]
    assert "使用林地审核同意书（林业主管部门）" in now and not approval.documents_later("S1")
    assert "草原征占用审核同意书（省级以上草原主管部门）" in now


ARCHAEOLOGY = (
    "考古调查、勘探意见（文物主管部门；大型基本建设工程的规模标准为本配置自设，未经核实〔U〕）"
)


def test_a_large_site_is_asked_for_the_archaeology_wherever_its_message_says_so():
    # a 6 ha site (300 m x 200 m, >= the profile's 5 ha [U]); the zone covers a strip of
    # 300 m x 10 m = 3,000 m² of it. 文物保护法 arts. 43, 45: a large project's 考古调查、勘探.
    big, small = sites(square(0, 0, 300, 200)), sites(square(0, 0, 100))
    land = land_use("0702")
    for zone, outcome, status, first in (
        (
            "建设控制地带",
            "control_zone_large",
            "conditional",
            "文物主管部门对工程设计方案的同意意见",
        ),
        (
            "保护范围",
            "protection_range_large",
            "prohibited",
            "调整后的选址方案（避让文物保护范围）",
        ),
        ("某区划", "unzoned_large", "unknown", None),
    ):
        layer = frame(
            [{"BSM": "C1", "FWLX": zone, "WWMC": "某遗址", "geometry": square(0, 0, 300, 10)}]
        )
        result = check(big, {"land_use": land, "heritage": layer})
        found = finding(result, "heritage")
        assert (found.outcome, found.status, found.area.planar_m2) == (outcome, status, 3000.0)
        assert "用地 6.0000 公顷（不小于 5 公顷），属大型基本建设工程的" in found.message.zh
        assert [d.zh for d in found.documents] == [d for d in (first, ARCHAEOLOGY) if d]
        assert ARCHAEOLOGY in [d.zh for d in result.documents("S1")]
        assert found.documents[-1].en.endswith("not verified [U])")
        # a 1 ha site in the same zone is no large project: no note, no archaeology
        alone = finding(check(small, {"land_use": land, "heritage": layer}), "heritage")
        assert alone.outcome == outcome.removesuffix("_large") and "考古" not in alone.message.zh
        assert ARCHAEOLOGY not in [d.zh for d in alone.documents]
    # outside every zone the large site's note is the same document
    far = frame([{"BSM": "C1", "FWLX": "保护范围", "geometry": square(8000, 8000, 10)}])
    found = finding(check(big, {"land_use": land, "heritage": far}), "heritage")
    assert found.outcome == "large_project"
    assert [d.zh for d in found.documents] == [ARCHAEOLOGY]


def test_a_profile_written_before_the_large_site_outcomes_still_loads_and_words_them_as_before():
    # the heritage check's *_large outcomes were required: a profile copied from an earlier
    # version failed to load ("outcomes.control_zone_large: required by check 'heritage'")
    import yaml

    from landcheck.io.profiles import builtin_profile_text, profile_from_dict

    data = yaml.safe_load(builtin_profile_text("china-preexam"))
    rule = next(r for r in data["rules"] if r["id"] == "heritage")
    for name in ("protection_range", "control_zone", "unzoned", "sliver"):
        del rule["outcomes"][f"{name}_large"]
    profile = profile_from_dict(data)
    layer = frame([{"BSM": "C1", "FWLX": "建设控制地带", "geometry": square(0, 0, 300, 10)}])
    result = landcheck.check(
        sites(square(0, 0, 300, 200)),
        layers={"land_use": land_use("0702"), "heritage": layer},
        profile=profile,
        **PLANAR,
    )
    found = finding(result, "heritage")
    assert (found.outcome, found.status) == ("control_zone_large", "conditional")
    assert found.message.zh.startswith("项目用地进入文物保护单位建设控制地带 0.3000 公顷")
    assert [d.zh for d in found.documents] == ["文物主管部门对工程设计方案的同意意见"]
