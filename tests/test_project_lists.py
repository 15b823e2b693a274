"""The legal lists and the project taxonomy as rules-2026 §A reads them.

Built by construction (tests/common.py): a 100 m square site (1 ha) whose western 30 m
strip (0.3 ha) is permanent farmland and ecological redline; the urban boundary, where
used, lies 3 km away, and the whole site is 村庄建设区 (0501).
"""

from __future__ import annotations

import warnings

import pytest
from common import county, frame, sites, square

import landcheck
from landcheck.facts import resolve_type
from landcheck.io.profiles import load_profile

PLANAR = {"area_method": "planar", "coverage": county()}
NO_3 = "自然资规〔2018〕3号"
FARMLAND_PLAN = "永久基本农田补划方案"


def strip(key: str) -> object:
    """A layer of one feature: the site's western 30 m strip (0.3 ha)."""
    return frame([{"BSM": key, "geometry": square(0, 0, 30, 100)}])


def check(*, layers=None, **facts):
    """The 1 ha site with ``facts`` (a site column each) against ``layers``, by default the
    farmland and redline strip; the result and its warnings."""
    site = sites(square(0, 0, 100), **{name: [value] for name, value in facts.items()})
    if layers is None:
        layers = {"farmland": strip("F1"), "eco_redline": strip("R1")}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = landcheck.check(site, layers=layers, **PLANAR)
    return result, [str(w) for w in result.warnings]


def finding(result, name: str):
    return next(f for f in result.site_findings("S1") if f.check == name)


# --------------------------------------------------- 3号 item 1: roads to 深度贫困地区


def test_a_provincial_road_connecting_a_deeply_poor_area_may_occupy_farmland():
    # rules-2026 §A: 3号 item (1) takes provincial roads serving 深度贫困地区 [P]; the
    # evidence is the document that shows it (poverty_area_ref), whatever plan lists it
    result, _ = check(
        project_type="provincial_road",
        plan_level="provincial",
        plan_ref="某省公路网规划",
        poverty_area_ref="某省深度贫困地区名单",
    )
    found = finding(result, "permanent_farmland")
    assert (found.outcome, found.status) == ("state_council", "conditional")
    assert found.area.planar_m2 == pytest.approx(3_000.0)
    assert f"（{NO_3}）第1项（连通深度贫困地区的普通省道）〔P〕" in found.message.zh
    assert result.facts[0].poverty_area_ref == "某省深度贫困地区名单"


def test_a_provincial_road_without_the_poverty_evidence_is_told_to_declare_it():
    # a provincial plan cannot be made national by declaring more: the item that takes the
    # road as planned (the 深度贫困地区 one) is the one named, with what it lacks
    result, _ = check(project_type="provincial_road", plan_level="provincial", plan_ref="省规划")
    found = finding(result, "permanent_farmland")
    assert (found.outcome, found.status) == ("relocate", "prohibited")
    assert found.area.planar_m2 == pytest.approx(3_000.0)
    assert "第1项（连通深度贫困地区的普通省道）" in found.message.zh
    assert "(poverty_area_ref)" in found.message.en
    assert "declare the national plan" not in found.message.en


def test_the_poverty_evidence_is_read_from_its_chinese_field_and_given_for_the_run():
    result, _ = check(project_type="省道", 深度贫困地区依据="国家深度贫困地区名单")
    assert finding(result, "permanent_farmland").outcome == "state_council"
    assert result.facts[0].origins["poverty_area_ref"] == "attribute:深度贫困地区依据"
    site = sites(square(0, 0, 100), project_type=["provincial_road"])
    given = landcheck.check(
        site,
        layers={"farmland": strip("F1")},
        facts={"poverty_area_ref": "国家深度贫困地区名单"},
        **PLANAR,
    )
    assert finding(given, "permanent_farmland").outcome == "state_council"
    # a county road is not on the item, with the same evidence
    county_road, _ = check(project_type="county_road", poverty_area_ref="国家深度贫困地区名单")
    assert finding(county_road, "permanent_farmland").outcome == "relocate"


# ------------------------------------------------------ an old class is no evidence


@pytest.mark.parametrize("column", ["project_class", "项目类别"])
@pytest.mark.parametrize("value", ["military", "军事国防类项目"])
def test_an_old_military_class_puts_a_site_on_no_list(column, value):
    # rules-2026 §A: eligibility is declared with evidence, never assumed from a class
    # name. 3号 item 4 and the 国家重大项目 item 2 name military projects with no other
    # evidence: the class alone was on both (state_council, major_project)
    result, warned = check(**{column: value})
    farmland, redline = finding(result, "permanent_farmland"), finding(result, "eco_redline")
    assert (farmland.outcome, farmland.status) == ("relocate", "prohibited")
    assert (redline.outcome, redline.status) == ("prohibited", "prohibited")
    assert farmland.area.planar_m2 == redline.area.planar_m2 == pytest.approx(3_000.0)
    assert "第4项（军事国防类项目），须申报项目类型" in farmland.message.zh
    assert "(project_type; an old project class is no evidence)" in redline.message.en
    (said,) = [w for w in warned if "old project class" in w]
    assert "puts a site on no item of the legal lists" in said
    assert result.facts[0].legacy_class == "military"


def test_a_declared_military_type_is_on_both_lists_and_a_class_may_still_get_there():
    # the declared type is on 3号 item 4 and 国家重大项目 item 2, as before
    result, warned = check(project_type="military")
    assert finding(result, "permanent_farmland").outcome == "state_council"
    assert finding(result, "eco_redline").outcome == "major_project"
    assert not any("old project class" in w for w in warned)
    # a class site's farmland check, not made, may yet come to the 补划方案: declaring the
    # type is what it lacks
    unknown, _ = check(layers={}, project_class="military")
    listed = {d.document.zh for d in unknown.documents_possible("S1")}
    assert FARMLAND_PLAN in listed


# ------------------------------------------------- 开发区、产业园区 outside the boundary


def boundary_layers() -> dict[str, object]:
    far = frame([{"BSM": "U1", "GHFQDM": "0401", "geometry": square(3_000, 3_000, 500)}])
    village = frame(
        [{"BSM": "Z1", "GHFQDM": "0501", "GHFQMC": "村庄建设区", "geometry": square(-10, -10, 300)}]
    )
    return {"urban_boundary": far, "planning_zones": village}


@pytest.mark.parametrize("name", ["产业园", "开发区", "工业园区", "industrial_park"])
def test_a_development_zone_in_village_land_outside_the_boundary_is_not_permitted(name):
    # 城镇开发边界管理办法 [P]: no 开发区、非农产业园区 outside the boundary; 产业园 was an
    # alias of industrial, which in 村庄建设区 the village lists decide (unknown)
    assert resolve_type(name, load_profile()) == "industrial_park"
    result, _ = check(layers=boundary_layers(), project_type=name)
    found = finding(result, "urban_boundary")
    assert (found.outcome, found.status) == ("not_permitted", "prohibited")
    assert found.area.planar_m2 == pytest.approx(10_000.0)
    # an industrial project there is still for the village lists
    industrial, _ = check(layers=boundary_layers(), project_type="industrial")
    assert finding(industrial, "urban_boundary").outcome == "village_lists"


def test_a_development_zone_is_industry_for_land_saving_and_development_of_a_tract():
    profile = load_profile()
    assert profile.project_types["industrial_park"].group == "industry"
    params = {rule.id: rule.params for rule in profile.rules}
    assert "industrial_park" in params["land_use_standard"]["industrial_types"]
    assert "industrial_park" in params["expropriation"]["development_types"]
    assert "industrial_park" not in params["urban_boundary"]["village_list_types"]
