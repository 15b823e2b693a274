"""The rules' per-site texts and list matches, made once per batch: each site's own values."""

from __future__ import annotations

import numpy as np
import pytest

from landcheck.facts import ProjectFacts
from landcheck.measure import Rows, SiteLayer
from landcheck.profile import Text
from landcheck.projects import ListItem, ProjectList, match_list
from landcheck.rules.land import _grades
from landcheck.rules.planning import _zone_list
from landcheck.units import AreaMethod

CONFORMS = ("conformity", ("conforms",))


def _view(rows: Rows, position: int, kind: str = "land_use") -> SiteLayer:
    return SiteLayer(key="layer", kind=kind, position=position, tables=(rows, rows, rows))


def test_grades_of_every_site_from_one_pass_over_the_feature_table():
    # site 0: grade 3 twice ("3", "3.0"), 10,000 m² net of 10 % ridges + 5,000 m² whole;
    # grade 12 once; site 1: no grade a parcel may carry; site 2: none; site 3: grade 2
    rows = Rows(
        {
            "site": np.array([0, 0, 0, 1, 1, 3]),
            "grade": np.array(["3", " 3.0 ", "12", "", "一等", "2"], dtype=object),
            "planar_m2": np.array([10_000.0, 5_000.0, 2_500.0, 800.0, 900.0, 40_000.0]),
            "ellipsoidal_m2": np.array([10_010.0, 5_005.0, 2_502.5, 800.8, 900.9, 40_040.0]),
            "net_share": np.array([0.9, 1.0, 0.8, 1.0, 1.0, 0.5]),
        },
        None,
    )
    planar = [_grades(_view(rows, p), AreaMethod.PLANAR) for p in range(5)]
    assert planar[0] == Text(
        "；按耕地质量等别（GDDB）：3等 1.4000 公顷、12等 0.2000 公顷",
        "; by quality grade (GDDB): grade 3 1.4000 ha, grade 12 0.2000 ha",
    )
    assert planar[1] == planar[2] == planar[4] == Text("", "")
    assert planar[3].en == "; by quality grade (GDDB): grade 2 2.0000 ha"
    ellipsoidal = _grades(_view(rows, 0), AreaMethod.ELLIPSOIDAL)
    assert ellipsoidal.en == "; by quality grade (GDDB): grade 3 1.4014 ha, grade 12 0.2002 ha"
    # made once for the batch and method: asked again, the breakdown is not made again
    answered = rows.answered(("grades", AreaMethod.PLANAR))
    assert answered is not None and answered.get(0) is planar[0]
    assert rows.by_position(("grades", AreaMethod.PLANAR), lambda: pytest.fail("again"))


def test_a_grade_that_is_no_whole_number_is_left_out_not_read_as_another():
    # "1.05" once read as grade 15 and "2.03" as 23: neither is a grade, "4.0" is grade 4
    rows = Rows(
        {
            "site": np.array([0, 0, 0]),
            "grade": np.array(["1.05", "2.03", "4.0"], dtype=object),
            "planar_m2": np.array([10_000.0, 20_000.0, 30_000.0]),
            "net_share": np.array([1.0, 1.0, 1.0]),
        },
        None,
    )
    assert (
        _grades(_view(rows, 0), AreaMethod.PLANAR).en
        == "; by quality grade (GDDB): grade 4 3.0000 ha"
    )


def test_a_feature_table_without_grades_gives_no_breakdown():
    rows = Rows({"site": np.array([0]), "planar_m2": np.array([1.0]), "net_share": [1.0]}, None)
    assert _grades(_view(rows, 0), AreaMethod.PLANAR) == Text("", "")
    assert _grades(SiteLayer(key="lu", kind="land_use"), AreaMethod.PLANAR) == Text("", "")


def _zones() -> Rows:
    return Rows(
        {
            "site": np.array([0, 0, 0, 2]),
            "code": np.array(["010", "020", "030", "010"], dtype=object),
            "name": np.array(["城镇集中建设区", "农田保护区", "生态保护区", "城镇集中建设区"]),
            "name_en": np.array(["urban", "farmland", "ecological", "urban"], dtype=object),
            "conformity": np.array(["conforms", "conflict", "needs_adjustment", "conforms"]),
            "planar_m2": np.array([12_345.0, 5_000.0, 100.0, 7_000.0]),
            "ellipsoidal_m2": np.array([12_350.0, 5_002.0, 100.1, 7_001.0]),
        },
        "code",
    )


def test_zone_lists_of_every_site_in_both_languages_from_one_pass():
    rows = _zones()
    planar = AreaMethod.PLANAR
    site = _view(rows, 0, "planning_zone")
    assert _zone_list(site, CONFORMS, "zh", planar) == "城镇集中建设区（1.2345 公顷）"
    assert (
        _zone_list(site, CONFORMS, "zh", planar, invert=True)
        == "农田保护区（0.5000 公顷）、生态保护区（0.0100 公顷）"
    )
    assert (
        _zone_list(site, CONFORMS, "en", planar, invert=True)
        == "farmland (0.5000 ha), ecological (0.0100 ha)"
    )
    assert _zone_list(site, CONFORMS, "en", AreaMethod.ELLIPSOIDAL) == "urban (1.2350 ha)"
    assert (
        _zone_list(_view(rows, 2, "planning_zone"), CONFORMS, "en", planar) == "urban (0.7000 ha)"
    )
    assert _zone_list(_view(rows, 2, "planning_zone"), CONFORMS, "en", planar, invert=True) == ""
    assert _zone_list(_view(rows, 1, "planning_zone"), CONFORMS, "zh", planar) == ""  # no rows
    assert _zone_list(SiteLayer(key="pz", kind="planning_zone"), CONFORMS, "zh", planar) == ""
    assert rows.answered(("zone_list", CONFORMS, True, "zh", planar)) is not None  # made once


def test_zone_names_in_english_fall_back_to_the_chinese_without_an_english_column():
    columns = dict(_zones().columns)
    del columns["name_en"]
    rows = Rows({"site": np.array([0, 0, 0, 2]), **columns}, "code")
    assert (
        _zone_list(_view(rows, 0), CONFORMS, "en", AreaMethod.PLANAR)
        == "城镇集中建设区 (1.2345 ha)"
    )


def _roads() -> ProjectList:
    items = (
        ListItem(
            "1",
            "国家级规划的公路",
            "national roads",
            ("national_highway",),
            ("national",),
            ("plan_ref",),
        ),
        ListItem(
            "2", "省级公路", "provincial roads", ("provincial_highway",), (), ("central_ref",)
        ),
    )
    return ProjectList("pbf", "清单", "list", "3号", "No. 3", "2018-07-30", "P", items)


def test_list_matches_are_shared_by_projects_that_stand_alike():
    roads = _roads()
    declared = ProjectFacts(project_type="national_highway", plan_level="national", plan_ref="A")
    alike = ProjectFacts(project_type="national_highway", plan_level="national", plan_ref="B")
    first = match_list(roads, declared)
    assert first.on_list and first.item.id == "1"
    assert match_list(roads, alike) is first  # the evidence is declared in both: one answer
    lacking = match_list(
        roads, ProjectFacts(project_type="national_highway", plan_level="national")
    )
    assert not lacking.on_list and lacking.missing == ("plan_ref",)
    county = match_list(
        roads, ProjectFacts(project_type="national_highway", plan_level="county", plan_ref="A")
    )
    assert county.missing == ("plan_level",)
    provincial = ProjectFacts(project_type="provincial_highway", central_ref="国务院文件")
    assert match_list(roads, provincial).item.id == "2"
    assert match_list(roads, ProjectFacts(project_type="railway")).candidate is None
    # another list asked with the same facts answers for itself
    assert match_list(_roads(), declared) is not first and match_list(_roads(), declared) == first
    assert roads == _roads()  # what the list has met does not make it another list
