"""What checks that could not be made may need, for the outcomes the site's facts can reach.

``CheckResult.documents_possible`` lists, for each unknown finding, the documents of its
rule's other outcomes, less those the site's declared facts can never come to
(``Evaluator.reachable``): a PV array is never asked for the farmland 补划方案, an
expressway never moved inside the urban boundary, a water works never kept off 国家重要湿地.
With no project type declared every outcome stays open.

Built by construction (tests/common.py): a 100 m square site (1 ha) and no layers, so every
check is unknown, unless a test gives one.
"""

from __future__ import annotations

import dataclasses
import pickle
import warnings

import pytest
from common import county, frame, sites, square

import landcheck
from landcheck.facts import ProjectFacts
from landcheck.io.profiles import load_profile
from landcheck.review.wetland import WETLAND
from landcheck.rules import EVALUATORS

PLANAR = {"area_method": "planar", "coverage": county()}

FARMLAND_PLAN = "永久基本农田补划方案"
FARMLAND_PROOF = "项目属于可占用永久基本农田重大建设项目范围的证明文件（规划、批复等）"
FARMLAND_MOVE = "调整后的选址方案（避让永久基本农田）"
URBAN_MOVE = "调整后的选址方案（城镇开发边界内）"
WETLAND_MOVE = "调整后的选址方案（避让国家重要湿地）"
WETLAND_OPINION = "国务院林业草原主管部门对选址的意见"
FOREST_MOVE = "调整后的选址方案（避让Ⅰ级保护林地）"
FOREST_ARRAY = "调整后的光伏方阵布置方案（避让Ⅰ级保护林地）"
PUBLIC_FOREST = "国家级公益林事权等级核实材料"
GRASSLAND_ARRAY = "调整后的光伏方阵布置方案（避让基本草原）"
GRASSLAND_ARGUMENT = "占用基本草原的必要性和不可避让论证"
PV_MOVE = "调整后的选址方案（光伏方阵避让耕地）"


def check(layers=None, **facts):
    """The 1 ha site with ``facts`` (a site column each) against ``layers`` (none: all unknown)."""
    site = sites(square(0, 0, 100), **{name: [value] for name, value in facts.items()})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return landcheck.check(site, layers=layers or {}, **PLANAR)


def possible(result):
    """documents_possible of S1: document → the titles of the checks that may need it."""
    return {d.document.zh: [c.zh for c in d.checks] for d in result.documents_possible("S1")}


def statuses(result):
    return {f.check: (f.outcome, f.status) for f in result.site_findings("S1")}


def test_a_pv_array_is_not_told_it_may_need_the_farmland_replacement_plan():
    # the farmland layer missing: unknown. A PV array may never occupy permanent farmland
    # (never_types): if it does, it moves; it never comes to the State Council's approval
    array = check(project_type="pv_array")
    assert statuses(array)["permanent_farmland"] == ("unknown", "unknown")
    listed = possible(array)
    assert FARMLAND_PLAN not in listed and FARMLAND_PROOF not in listed
    assert listed[FARMLAND_MOVE] == ["永久基本农田"]
    # the same site with no project type: any outcome, the plan (at 报批) among them
    untyped = possible(check())
    assert untyped[FARMLAND_PLAN] == untyped[FARMLAND_PROOF] == ["永久基本农田"]
    assert next(d for d in check().documents_possible("S1") if d.document.zh == FARMLAND_PLAN).later


def test_a_project_on_the_farmland_list_is_not_told_it_may_have_to_move():
    # military projects are item 4 of 自然资规〔2018〕3号 without evidence: on the list, so
    # farmland found would go to the State Council, never to relocate (nor never)
    listed = possible(check(project_type="military"))
    assert FARMLAND_MOVE not in listed
    assert listed[FARMLAND_PLAN] == ["永久基本农田"]
    # an industrial project is on the list only with the 党中央、国务院 document (item 5):
    # not declared, both ways stay open; declared, it is on the list
    industrial = possible(check(project_type="industrial"))
    assert industrial[FARMLAND_MOVE] == industrial[FARMLAND_PLAN] == ["永久基本农田"]
    named = possible(check(project_type="industrial", central_ref="国函〔2026〕1号"))
    assert FARMLAND_MOVE not in named and named[FARMLAND_PLAN] == ["永久基本农田"]


def test_a_project_that_may_lie_outside_the_urban_boundary_is_not_told_to_move_inside():
    # transport, energy, water… may be built outside the boundary (outside_groups)
    for project_type in ("expressway", "pv_array", "water_supply", "rural_housing"):
        result = check(project_type=project_type)
        assert statuses(result)["urban_boundary"] == ("unknown", "unknown")
        assert URBAN_MOVE not in possible(result), project_type
    # an industrial park may not, nor expropriate collective land there as 成片开发 (LAL art.
    # 45(1)(5)); nor, as the rule takes it, a project of no declared type
    moves = ["城镇开发边界", "土地征收审批权限"]
    assert possible(check(project_type="industrial"))[URBAN_MOVE] == moves
    assert possible(check())[URBAN_MOVE] == moves


def test_a_water_works_is_not_told_to_avoid_nationally_important_wetland():
    # water supply is one of the kinds 湿地保护法 art. 19 lets occupy it (exception_types)
    water = possible(check(project_type="water_supply"))
    assert WETLAND_MOVE not in water
    assert water[WETLAND_OPINION] == ["湿地"]
    # a project on the 国家重大项目 list (military, item 2) is excepted too
    assert WETLAND_MOVE not in possible(check(project_type="military"))
    # an industrial project is excepted only with the 党中央、国务院 document: both stay open
    industrial = possible(check(project_type="industrial"))
    assert industrial[WETLAND_MOVE] == industrial[WETLAND_OPINION] == ["湿地"]


def test_forest_and_grassland_list_the_pv_array_documents_for_an_array_alone():
    array = possible(check(project_type="pv_array"))
    assert array[FOREST_ARRAY] == ["林地"] and array[GRASSLAND_ARRAY] == ["草原"]
    assert FOREST_MOVE not in array and GRASSLAND_ARGUMENT not in array
    road = possible(check(project_type="county_road"))
    assert FOREST_ARRAY not in road and GRASSLAND_ARRAY not in road
    assert road[FOREST_MOVE] == ["林地"] and road[GRASSLAND_ARGUMENT] == ["草原"]
    assert road[PUBLIC_FOREST] == ["林地"]
    # military: on the 国家重大项目 list, so national public-benefit forest does not bar it
    assert PUBLIC_FOREST not in possible(check(project_type="military"))
    untyped = possible(check())
    assert {FOREST_ARRAY, FOREST_MOVE, GRASSLAND_ARRAY, GRASSLAND_ARGUMENT} <= set(untyped)


def test_an_ungraded_forest_finding_lists_only_what_the_project_could_come_to():
    # 0.5 ha of forest land of no stated grade in the site: grade Ⅰ not ruled out, unknown.
    # For a PV array grade Ⅰ means moving the array, not the site
    layer = frame([{"BSM": "L1", "BHDJ": "", "geometry": square(0, 0, 50, 100)}])
    array = check({"forest": layer}, project_type="pv_array")
    assert statuses(array)["forest"] == ("ungraded", "unknown")
    assert next(f for f in array.site_findings("S1") if f.check == "forest").area.planar_m2 == (
        pytest.approx(5_000.0)
    )
    listed = possible(array)
    assert listed[FOREST_ARRAY] == ["林地"] and FOREST_MOVE not in listed
    road = possible(check({"forest": layer}, project_type="county_road"))
    assert road[FOREST_MOVE] == ["林地"] and FOREST_ARRAY not in road


def test_pv_siting_unknown_lists_the_array_documents_unless_the_type_rules_an_array_out():
    # the land-use layer missing: pv_siting unknown. PV facilities are construction land,
    # never an array on 耕地; an industrial project is no PV project at all
    for project_type in ("pv_facilities", "industrial"):
        result = check(project_type=project_type)
        assert statuses(result)["pv_siting"] == ("unknown", "unknown")
        assert PV_MOVE not in possible(result), project_type
    # an array, an energy project of no finer type (it may be an array) or no type: listed
    for facts in ({"project_type": "pv_array"}, {"project_type": "energy"}, {}):
        assert possible(check(**facts))[PV_MOVE] == ["光伏项目用地"], facts


UNSAID = {"pv_siting": {"undeclared"}}
"""Outcomes only a project whose type is not said comes to (no type, or 能源项目（未细分）)."""


def test_every_outcome_an_evaluator_reaches_is_reached_by_some_declared_type():
    # reach is made from the evaluator's own predicates: each outcome it may choose is open
    # to some project type, none it does not know is named, and no type declared leaves all
    # open (an outcome left out of reach by mistake would be open to none)
    from landcheck.rules.core import declarable

    profile = load_profile()
    for rule in profile.rules:
        evaluator = EVALUATORS[rule.check]
        if evaluator.reach is None:
            continue
        assert evaluator.reachable(ProjectFacts(), rule.params, profile) is None, rule.id
        reached: set[str] = set()
        for project_type in profile.project_types:
            for facts in declarable(ProjectFacts(project_type=project_type)):
                found = evaluator.reachable(facts, rule.params, profile)
                if found is None:  # a type that may be an array's: not said
                    assert project_type in rule.params["unsplit_types"], (rule.id, project_type)
                    continue
                assert found <= set(evaluator.outcomes), rule.id
                reached |= found
        assert reached | UNSAID.get(rule.id, set()) == set(evaluator.outcomes), rule.id
        again = pickle.loads(pickle.dumps(evaluator))  # its reach is a module's functions
        assert again.reachable(facts, rule.params, profile) == found
    reaching = {r.id for r in profile.rules if EVALUATORS[r.check].reach is not None}
    assert reaching == {
        "permanent_farmland",
        "urban_boundary",
        "agricultural_conversion",
        "expropriation",
        "preexam_needed",
        "pv_siting",
        "forest",
        "grassland",
        "wetland",
    }


def test_an_outcome_reached_is_kept_under_the_name_the_rule_words_it_by(monkeypatch):
    # a profile written before ``provincial`` words it as ``review`` (fallbacks): a project
    # that can come to ``provincial`` alone keeps ``review`` among the outcomes open
    from landcheck.rules.apply import unreachable_outcomes

    profile = load_profile()
    rule = next(r for r in profile.rules if r.id == "wetland")
    older = dataclasses.replace(
        rule, outcomes={k: v for k, v in rule.outcomes.items() if k != "provincial"}
    )
    only = dataclasses.replace(WETLAND, reach=lambda *_: frozenset({"provincial"}))
    monkeypatch.setitem(EVALUATORS, "wetland", only)
    facts = ProjectFacts(project_type="industrial")
    assert "review" not in unreachable_outcomes(older, facts, profile)
    assert "review" in unreachable_outcomes(rule, facts, profile)
    assert unreachable_outcomes(older, facts, profile) == {
        "not_involved",
        "sliver",
        "national",
        "national_exception",
        "ungraded",
    }


CONVERSION_PLAN = "农用地转用方案"
EXPROPRIATION = "土地征收相关材料（征收前期工作、补偿安置方案）"
DEVELOPMENT_PLAN = "土地征收成片开发方案及省级以上人民政府的批准文件"


def test_a_pv_array_is_not_told_it_may_need_conversion_or_expropriation_documents():
    # 自然资办发〔2023〕12号: the array's land is not construction land (outcome pv_array,
    # which asks for nothing); the survey missing leaves both checks unknown
    array = check(project_type="pv_array")
    assert statuses(array)["agricultural_conversion"] == ("unknown", "unknown")
    listed = possible(array)
    assert CONVERSION_PLAN not in listed and EXPROPRIATION not in listed
    facilities = possible(check(project_type="pv_facilities"))
    assert facilities[CONVERSION_PLAN] == ["农用地转用"]
    assert facilities[EXPROPRIATION] == ["土地征收审批权限"]


def test_only_a_development_project_may_need_the_development_plan():
    # LAL art. 45(1)(5): the 成片开发 plan is a commercial project's, never a school's
    assert possible(check(project_type="commercial"))[DEVELOPMENT_PLAN] == ["土地征收审批权限"]
    assert DEVELOPMENT_PLAN not in possible(check(project_type="public_service"))
    assert DEVELOPMENT_PLAN in possible(check())
