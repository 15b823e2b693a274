"""Forest land (林地): area by protection grade and 公益林 level; who may use which grade.

森林法 art. 37 [V]: land in forest use needs the forestry authority's 审核同意
before 建设用地审批. 《建设项目使用林地审核审批管理办法》 (国家林业局令第35号)
art. 4 [P]: no construction project may use Ⅰ级保护林地; only State-Council,
defence and protected-area-plan projects may use 一级国家级公益林地.
"""

from __future__ import annotations

from landcheck.review.common import area_list, areas_by, involvement, matches, total, width_of
from landcheck.rules import Decision, Evaluator, RuleInput
from landcheck.units import M2_PER_HA

__all__ = ["FOREST"]

GRADE_ONE = ("Ⅰ", "I", "1", "Ⅰ级", "I级", "一级", "1级")
"""How 林地保护等级 Ⅰ is written (BHDJ)."""

NATIONAL_PUBLIC = ("国家级公益林", "国家公益林", "国家级", "1", "国家级公益林地")
"""How 国家级公益林 is written (GYLDJ / 公益林等级)."""


def _forest(inp: RuleInput) -> Decision:
    overlap = inp.layer.overlap
    grades = areas_by(inp, "grade")
    levels = areas_by(inp, "level")
    grade_one = total(grades, [g for g in grades if matches(g, GRADE_ONE)], overlap)
    national = total(levels, [v for v in levels if matches(v, NATIONAL_PUBLIC)], overlap)
    values = {
        "grades": area_list(grades),
        "public_forest": area_list({k: v for k, v in levels.items() if k}, blank=None),
        "grade_one_ha": grade_one.m2 / M2_PER_HA,
        "national_ha": national.m2 / M2_PER_HA,
    }
    outcome = involvement(inp, overlap, inp.layer.max_width_m)
    if outcome is not None:
        return Decision(outcome, overlap, values)
    strict_width = width_of(inp, "grade", [g for g in grades if matches(g, GRADE_ONE)])
    if grade_one.m2 > 0.0 and not inp.is_sliver(grade_one.m2, strict_width):
        if not inp.in_classes("grade_one_classes"):
            return Decision("grade_one", overlap, values)
    if national.m2 > 0.0 and not inp.is_sliver(national.m2, None):
        if not inp.in_classes("public_forest_classes"):
            return Decision("public_forest", overlap, values)
    return Decision("review", overlap, values)


FOREST = Evaluator(
    "forest",
    ("forest",),
    ("not_involved", "sliver", "grade_one", "public_forest", "review"),
    _forest,
    numbers=("grade_one_ha", "national_ha"),
    texts=("grades", "public_forest"),
    params={"grade_one_classes": "classes", "public_forest_classes": "classes"},
    evidence=("grade_one", "public_forest", "review"),
)
