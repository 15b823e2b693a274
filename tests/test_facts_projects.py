"""A project's sites give one value of each project-wide fact, but for a PV project's parts.

自然资办发〔2023〕12号 treats a PV project's 光伏方阵 (array) and its 升压站/管理用房 (facilities)
apart, and the profile's ``pv_siting`` rule judges them by type (``pv_array``,
``pv_facilities``). A project declared so was told to "make its sites' facts agree": following
that, its array on 耕地 became facilities and went from prohibited to a note.
"""

from __future__ import annotations

from common import county, frame, sites, square

import landcheck

PLANAR = {"area_method": "planar", "coverage": county()}
CULTIVATED = {
    "land_use": frame(
        [
            {
                "BSM": "L1",
                "DLBM": "0103",
                "QSXZ": "30",
                "KCXS": 0.0,
                "geometry": square(-100, -100, 1400, 400),
            }
        ]
    )
}


def finding(result, check: str, site: str = "S1"):
    return next(f for f in result.site_findings(site) if f.check == check)


def project_warnings(result) -> list[str]:
    return [w for w in result.warnings if w.startswith("project ")]


def pv_project(types: list[str], **facts: list) -> object:
    return sites(
        square(0, 0, 100),
        square(1000, 0, 100),
        project_id=["P1", "P1"],
        project_type=types,
        **facts,
    )


def test_a_pv_project_s_array_and_facilities_are_its_parts_not_a_disagreement():
    result = landcheck.check(pv_project(["pv_array", "pv_facilities"]), layers=CULTIVATED, **PLANAR)
    assert project_warnings(result) == []
    array, facilities = finding(result, "pv_siting"), finding(result, "pv_siting", "S2")
    assert (array.outcome, array.status) == ("array_on_cultivated", "prohibited")
    assert array.area.planar_m2 == 10_000.0
    assert (facilities.outcome, facilities.status) == ("facilities", "info")


def test_a_pv_project_still_hears_of_its_real_disagreements():
    other = landcheck.check(pv_project(["pv_array", "hotel"]), layers=CULTIVATED, **PLANAR)
    assert project_warnings(other) == [
        "project P1: its sites (S1, S2) give different project_type; each site is judged on its "
        "own, but a project is examined and approved as one: make its sites' facts agree"
    ]
    unsplit = landcheck.check(pv_project(["pv_array", "energy"]), layers=CULTIVATED, **PLANAR)
    assert "give different project_type;" in project_warnings(unsplit)[0]
    plans = pv_project(["pv_array", "pv_facilities"], plan_level=["provincial", "county"])
    (said,) = project_warnings(landcheck.check(plans, layers=CULTIVATED, **PLANAR))
    assert said.startswith("project P1: its sites (S1, S2) give different plan_level;")
