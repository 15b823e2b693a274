"""Forest land (林地): area by protection grade and 公益林 level; who may use which grade.

森林法 art. 37 [V]: land in forest use needs the forestry authority's 审核同意
before 建设用地审批. 《建设项目使用林地审核审批管理办法》 (国家林业局令第35号)
art. 4 [P]: no construction project may use Ⅰ级保护林地; only State-Council,
defence and protected-area-plan projects may use 一级国家级公益林地 (decided here by the
profile's list of national major projects, ``public_forest_list``, with its evidence).
自然资办发〔2023〕12号 [P]: a PV array (``pv_types``) may not occupy Ⅰ级保护林地 at all.
"""

from __future__ import annotations

from landcheck.review.common import area_list, areas_by, involvement, matches, total, width_of
from landcheck.rules.core import Decision, Evaluator, RuleInput
from landcheck.rules.lists import declare_text
from landcheck.units import M2_PER_HA

__all__ = ["EVALUATORS", "FOREST"]

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
        "declare": declare_text(
            inp.project_list("public_forest_list"),
            inp.on_list("public_forest_list"),
            inp.site.facts.project_type,
        ),
    }
    outcome = involvement(inp, overlap, inp.layer.max_width_m)
    if outcome is not None:
        return Decision(outcome, overlap, values)
    strict_width = width_of(inp, "grade", [g for g in grades if matches(g, GRADE_ONE)])
    if inp.is_material(grade_one.m2, strict_width):
        if inp.in_types("pv_types"):
            return Decision("pv_grade_one", overlap, values)
        if not inp.in_types("grade_one_types"):
            return Decision("grade_one", overlap, values)
    if inp.is_material(national.m2):
        if not inp.on_list("public_forest_list").on_list:
            return Decision("public_forest", overlap, values)
    return Decision("review", overlap, values)


FOREST = Evaluator(
    "forest",
    ("forest",),
    ("not_involved", "sliver", "pv_grade_one", "grade_one", "public_forest", "review"),
    _forest,
    numbers=("grade_one_ha", "national_ha"),
    texts=("grades", "public_forest", "declare"),
    params={"grade_one_types": "types", "public_forest_list": "list", "pv_types": "types"},
    evidence=("pv_grade_one", "grade_one", "public_forest", "review"),
)

EVALUATORS = (FOREST,)
"""The forest family (:data:`landcheck.rules.registry.FAMILIES`)."""
