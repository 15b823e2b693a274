"""The urban development boundary where the layers describe only part of the site: a conflict
found inside the described area stands (docs/rules.md), for that part alone."""

from __future__ import annotations

import geopandas as gpd
import pytest
from common import frame, sites, square

import landcheck


def urban_finding(coverage_width: float, boundary_width: float, project_type: str):
    # a 100 m site at the origin; the coverage describes x < coverage_width of it, the
    # boundary covers x < boundary_width
    coverage = gpd.GeoDataFrame(
        {"name": ["c"]}, geometry=[square(-1000, -1000, 1000 + coverage_width, 2000)], crs=4523
    )
    boundary = frame([{"BSM": "U1", "geometry": square(-100, -100, 100 + boundary_width, 300)}])
    result = landcheck.check(
        sites(square(0, 0, 100), project_type=[project_type]),
        layers={"urban_boundary": boundary},
        area_method="planar",
        coverage=coverage,
    )
    return next(f for f in result.site_findings("S1") if f.check == "urban_boundary")


def test_a_part_known_to_lie_outside_the_boundary_stands_though_the_rest_is_not_described():
    # 2,000 m² (x 30–50) lie outside the boundary where the layers describe the land; the
    # other 5,000 m² lie beyond them. An industrial project read outside/unknown, so a
    # --fail-on prohibited run passed.
    found = urban_finding(50, 30, "industrial")
    assert (found.outcome, found.status) == ("not_permitted", "prohibited")
    assert found.area.planar_m2 == pytest.approx(2_000.0)
    assert found.message.zh.startswith(
        "项目用地位于城镇开发边界外 0.2000 公顷（3.00 亩），边界内 0.3000 公顷"
    )
    assert "另有 0.5000 公顷位于图层所描述的范围之外，未作判断。" in found.message.zh
    assert "Another 0.5000 ha lie beyond the area the layers describe" in found.message.en


def test_nothing_known_outside_the_boundary_is_still_not_known():
    # the boundary covers all the described part (x < 50): what lies beyond is not known
    found = urban_finding(50, 60, "industrial")
    assert (found.outcome, found.status) == ("outside", "unknown")
    # a type permitted outside the boundary: not known either, as before
    found = urban_finding(50, 30, "expressway")
    assert (found.outcome, found.status) == ("outside", "unknown")


def test_a_rounding_rest_outside_the_boundary_is_nothing():
    # the boundary stops 0.00003 m short of the site's east side: 0.003 m² outside, said
    # "but for 0.00 m² outside: a suspected boundary error" (coordinates on a FileGDB's grid
    # leave such rests); under 0.005 m², what prints as 0.00 m², the site is wholly inside
    boundary = frame([{"BSM": "U1", "geometry": square(-100, -100, 199.99997, 300)}])
    result = landcheck.check(
        sites(square(0, 0, 100), project_type=["industrial"]),
        layers={"urban_boundary": boundary},
        area_method="planar",
    )
    found = next(f for f in result.site_findings("S1") if f.check == "urban_boundary")
    assert result.layer(result.site_ids[0], "urban_boundary").uncovered.planar_m2 == (
        pytest.approx(0.003, abs=1e-6)
    )
    assert (found.outcome, found.status) == ("inside", "not_involved")
