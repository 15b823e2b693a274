"""The urban development boundary and planned village land: 村庄建设区 outside the boundary is
planned construction land (实施条例 arts. 23-24), and the boundary bars concentrated urban
construction, not a village's school (《城镇开发边界管理办法（试行）》). Analytic squares: a 100 m
site (1 ha) at the origin, the boundary 3 km away unless a test draws it over the site."""

from __future__ import annotations

import pytest
import yaml
from common import county, frame, sites, square

import landcheck
from landcheck.io.profiles import builtin_profile_text, profile_from_dict

PLANAR = {"area_method": "planar", "coverage": county()}

FAR_BOUNDARY = frame([{"BSM": "U1", "GHFQDM": "0401", "geometry": square(3000, 3000, 500)}])
"""An urban development boundary 3 km away: the site lies wholly outside it."""

WEST_BOUNDARY = frame([{"BSM": "U1", "GHFQDM": "0401", "geometry": square(-100, -100, 150, 300)}])
"""A boundary over the west half of the site (x < 50)."""

DRY_LAND = frame([{"BSM": "L", "DLBM": "0103", "QSXZ": "30", "geometry": square(-100, -100, 300)}])
"""旱地 (农用地, collective) under the site."""

VILLAGE = frame([{"BSM": "Z1", "GHFQDM": "0501", "geometry": square(-100, -100, 300)}])
"""0501 村庄建设区 over the whole site."""


def zones(*rows: tuple[str, object]) -> object:
    """A planning-zone layer of (GHFQDM, geometry) rows."""
    return frame(
        [{"BSM": f"Z{i}", "GHFQDM": code, "geometry": g} for i, (code, g) in enumerate(rows)]
    )


def urban(project_type: str, planning=VILLAGE, boundary=FAR_BOUNDARY, profile=None):
    """The urban-boundary finding of the 1 ha site of ``project_type``."""
    layers = {"urban_boundary": boundary, "land_use": DRY_LAND}
    if planning is not None:
        layers["planning_zones"] = planning
    extra = {"profile": profile} if profile is not None else {}
    result = landcheck.check(
        sites(square(0, 0, 100), project_type=[project_type]), layers=layers, **PLANAR, **extra
    )
    return next(f for f in result.site_findings("S1") if f.check == "urban_boundary")


def test_a_public_service_facility_in_village_land_outside_the_boundary_is_permitted():
    # was not_permitted/prohibited ("公共服务设施项目须调整选址至边界内") while the conversion
    # check put the same site in planned construction land (batch) and the zones "conforms"
    found = urban("public_service")
    assert (found.outcome, found.status) == ("village", "info")
    assert found.area.planar_m2 == pytest.approx(10_000.0)
    assert found.message.zh.startswith(
        "项目用地位于城镇开发边界外 1.0000 公顷（15.00 亩），边界内 0.0000 公顷；边界外部分位于"
        "规划确定的村庄建设用地（项目用地中有村庄建设区（1.0000 公顷））。公共服务设施项目不属于"
    )
    assert "可按村庄规划在村庄建设用地内选址" in found.message.zh
    assert "须调整选址" not in found.message.zh
    assert "it may be sited in village land as the village plan lays out" in found.message.en
    assert found.documents == ()


@pytest.mark.parametrize(
    ("project_type", "name"),
    [
        ("industrial", "工业项目"),
        ("commercial", "商业服务业项目"),
        ("residential", "城镇住宅项目"),
    ],
)
def test_industry_commerce_or_housing_in_village_land_is_for_the_village_plan_and_lists(
    project_type, name
):
    # was not_permitted/prohibited: whether it is 集中成片城镇建设 the layers cannot tell
    found = urban(project_type)
    assert (found.outcome, found.status) == ("village_lists", "unknown")
    assert found.area.planar_m2 == pytest.approx(10_000.0)
    assert (
        f"{name}位于村庄建设区，是否属于集中成片城镇建设须依村庄规划和正负面清单判断，"
        "图层本身无法确定。"
    ) in found.message.zh
    assert "positive and negative lists to decide" in found.message.en


def test_the_half_outside_village_land_stays_prohibited_for_that_half():
    # west half 0501 村庄建设区, east half 0502 一般农业区, all outside the boundary: a
    # public-service facility may not be built on the 0502 half (0.5 ha), as before for it
    planning = zones(("0501", square(-100, -100, 150, 300)), ("0502", square(50, -100, 150, 300)))
    found = urban("public_service", planning)
    assert (found.outcome, found.status) == ("not_permitted", "prohibited")
    assert found.area.planar_m2 == pytest.approx(5_000.0)
    assert found.message.zh.startswith("项目用地位于城镇开发边界外 1.0000 公顷（15.00 亩）")
    assert (
        "其中 0.5000 公顷位于规划确定的村庄建设用地（项目用地中有村庄建设区（0.5000 公顷）），"
        "该部分可按村庄规划选址；其余 0.5000 公顷位于村庄建设用地外，不得建设。"
    ) in found.message.zh
    assert "Of it, 0.5000 ha lie in planned village land" in found.message.en
    assert "the other 0.5000 ha lie outside it and may not be built on" in found.message.en
    # an industrial project: the village half is for the lists, the other half stands
    industrial = urban("industrial", planning)
    assert (industrial.outcome, industrial.area.planar_m2) == ("not_permitted", 5_000.0)
    assert "该部分是否属于集中成片城镇建设须依村庄规划和正负面清单判断" in industrial.message.zh


def test_without_the_planning_zones_the_boundary_alone_decides_as_before():
    # no planning layer: the part outside is not known to be village land
    found = urban("public_service", planning=None)
    assert (found.outcome, found.status) == ("not_permitted", "prohibited")
    assert found.area.planar_m2 == pytest.approx(10_000.0)
    assert "其中" not in found.message.zh
    # the same site with the zones: village land
    assert urban("public_service").outcome == "village"
    # a type with no place in village land (other, none declared): as before, zones or not
    assert urban("other").outcome == "not_permitted"
    # a type permitted outside anyway: as before
    assert urban("rural_housing").outcome == "permitted_outside"


def test_village_land_that_may_lie_inside_the_boundary_leaves_the_part_outside_not_known():
    # the boundary over the west half, 0401 there and 0501 on the east half: from the two
    # layers' totals (not intersected) the 0.5 ha of 0501 may be the half inside or the half
    # outside, so anywhere from none to all of the part outside is village land
    planning = zones(("0401", square(-100, -100, 150, 300)), ("0501", square(50, -100, 150, 300)))
    found = urban("public_service", planning, WEST_BOUNDARY)
    assert (found.outcome, found.status) == ("village_unknown", "unknown")
    assert found.area.planar_m2 == pytest.approx(5_000.0)
    assert "边界外部分位于村庄建设用地内的面积在 0.0000 至 0.5000 公顷之间" in found.message.zh
    assert "位于村庄建设用地内的部分，可按村庄规划选址；" in found.message.zh
    # 0502 on the east half: no village land, the part outside stands as before
    planning = zones(("0401", square(-100, -100, 150, 300)), ("0502", square(50, -100, 150, 300)))
    strict = urban("public_service", planning, WEST_BOUNDARY)
    assert (strict.outcome, strict.area.planar_m2) == ("not_permitted", 5_000.0)
    # 0501 over the whole site: the part outside is surely village land
    assert urban("public_service", VILLAGE, WEST_BOUNDARY).outcome == "village"


def test_a_thin_strip_outside_village_land_is_a_suspected_boundary_error():
    # 0501 stops 0.05 m short of the site's east side (0502 beyond): 5 m² of 0502, 0.05 m wide
    planning = zones(
        ("0501", square(-100, -100, 199.95, 300)), ("0502", square(99.95, -100, 200, 300))
    )
    found = urban("public_service", planning)
    assert (found.outcome, found.status) == ("village", "info")
    assert "另有 5.00 平方米的细小部分位于村庄建设用地外，疑似边界误差，修正后复核。" in (
        found.message.zh
    )


def test_a_profile_without_the_village_outcomes_words_them_as_before():
    data = yaml.safe_load(builtin_profile_text("china-preexam"))
    rule = next(r for r in data["rules"] if r["id"] == "urban_boundary")
    for name in ("village", "village_lists", "village_unknown"):
        del rule["outcomes"][name]
    profile = profile_from_dict(data)
    school = urban("public_service", profile=profile)
    assert (school.outcome, school.status) == ("village", "info")
    assert "可在边界外选址" in school.message.zh  # permitted_outside's words
    factory = urban("industrial", profile=profile)
    assert (factory.outcome, factory.status) == ("village_lists", "prohibited")
    # without the parameters the rule reads no planning zones
    for name in ("planning_layer", "village_zones", "village_types", "village_list_types"):
        del rule["params"][name]
    older = urban("public_service", profile=profile_from_dict(data))
    assert (older.outcome, older.status) == ("not_permitted", "prohibited")
