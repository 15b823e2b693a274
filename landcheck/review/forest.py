"""Forest land (林地): area by protection grade and 公益林 level; who may use which grade.

森林法 art. 37 [V]: land in forest use needs the forestry authority's 审核同意
before 建设用地审批. 《建设项目使用林地审核审批管理办法》 (国家林业局令第35号)
art. 4 [P]: no construction project may use Ⅰ级保护林地; only State-Council,
defence and protected-area-plan projects may use 一级国家级公益林地 (decided here by the
profile's list of national major projects, ``public_forest_list``, with its evidence).
自然资办发〔2023〕12号 [P]: a PV array (``pv_types``) may not occupy Ⅰ级保护林地 at all.
A grade is read as written in full too (``一级保护林地``, ``I级``: :func:`forest_grade`); land
whose grade is blank or not Ⅰ–Ⅳ cannot be ruled out as Ⅰ级, so the check is then unknown
(``ungraded``) wherever grade Ⅰ would bar the project, as the heritage and protected-area
checks are for a zone they do not know.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from landcheck.facts import ProjectFacts
from landcheck.profile import Profile
from landcheck.review.common import area_list, areas_by, involvement, named, total, width_of
from landcheck.rules.core import Decision, Evaluator, RuleInput, in_types, list_match, reach_by
from landcheck.rules.lists import declare_text
from landcheck.units import M2_PER_HA

__all__ = ["EVALUATORS", "FOREST", "forest_grade", "is_national_public"]

_GRADE_NUMERALS = {
    "一": 1, "二": 2, "三": 3, "四": 4,
    "1": 1, "2": 2, "3": 3, "4": 4,
    "i": 1, "ii": 2, "iii": 3, "iv": 4,
    "ⅰ": 1, "ⅱ": 2, "ⅲ": 3, "ⅳ": 4,
}  # fmt: skip
"""林地保护等级 numerals, lower-cased (``Ⅰ`` lower-cases to ``ⅰ``)."""

_NATIONAL_LEVEL = re.compile(
    r"(?:(?:一|二|1|2|i|ii|ⅰ|ⅱ)级)?国家级?(?:(?:一|二|1|2|i|ii|ⅰ|ⅱ)级)?(?:公益林地?)?"
)
"""A 公益林 level naming 国家级公益林, with its 事权 grade before or after (``一级国家级公益林地``,
``国家二级公益林``, ``国家级``)."""


def forest_grade(value: str) -> int | None:
    """A 林地保护等级 (BHDJ) as 1–4, or None when it is blank or not one of them.

    The grade is written as a numeral (一, 1, I, Ⅰ…Ⅳ), optionally followed by 级 or
    级保护林地; spaces and case are ignored.

    Examples
    --------
    >>> forest_grade("Ⅰ"), forest_grade("一级保护林地"), forest_grade("iii 级"), forest_grade("IV")
    (1, 1, 3, 4)
    >>> forest_grade(""), forest_grade("未知"), forest_grade("01"), forest_grade("五级")
    (None, None, None, None)
    """
    text = "".join(str(value).split()).lower()
    for suffix in ("级保护林地", "级"):
        if text.endswith(suffix):
            text = text.removesuffix(suffix)
            break
    return _GRADE_NUMERALS.get(text)


def is_national_public(value: str) -> bool:
    """Whether a 公益林 level (GYLDJ) names 国家级公益林, of whatever 事权 grade.

    Examples
    --------
    >>> [is_national_public(v) for v in ("一级国家级公益林地", "国家二级公益林", "国家级", "1")]
    [True, True, True, True]
    >>> [is_national_public(v) for v in ("省级公益林", "", "地方公益林")]
    [False, False, False]
    """
    text = "".join(str(value).split()).lower()
    return text == "1" or _NATIONAL_LEVEL.fullmatch(text) is not None  # 1: the code of 国家级


def _barred(facts: ProjectFacts, params: Mapping[str, Any]) -> str | None:
    """The outcome grade Ⅰ land brings a project to, None for a type that may use it.

    ``pv_grade_one`` for a PV array (``pv_types``), ``grade_one`` for a type not in
    ``grade_one_types``.
    """
    if in_types(facts, params, "pv_types"):
        return "pv_grade_one"
    return None if in_types(facts, params, "grade_one_types") else "grade_one"


def _public_barred(facts: ProjectFacts, params: Mapping[str, Any], profile: Profile) -> bool:
    """Whether national public-benefit forest is barred to a project: not on the list."""
    return not list_match(facts, params, profile, "public_forest_list").on_list


def _decided(facts: ProjectFacts, params: Mapping[str, Any], profile: Profile) -> list[str]:
    """The outcomes the facts decide that a project of these facts may come to (``reach``)."""
    barred = _barred(facts, params)
    decided = [] if barred is None else [barred, "ungraded"]
    return [*decided, "public_forest"] if _public_barred(facts, params, profile) else decided


def _forest(inp: RuleInput) -> Decision:
    overlap = inp.layer.overlap
    grades = areas_by(inp, "grade")
    levels = areas_by(inp, "level")
    one_keys = [g for g in grades if forest_grade(g) == 1]
    odd_keys = [g for g in grades if forest_grade(g) is None]
    grade_one = total(grades, one_keys, overlap)
    odd = total(grades, odd_keys, overlap)
    national = total(levels, [v for v in levels if is_national_public(v)], overlap)
    values = {
        "grades": area_list(grades),
        "public_forest": area_list({k: v for k, v in levels.items() if k}, blank=None),
        "grade_one_ha": grade_one.m2 / M2_PER_HA,
        "national_ha": national.m2 / M2_PER_HA,
        "unknown_ha": odd.m2 / M2_PER_HA,
        "unknown_grades": named(odd_keys),
        "declare": declare_text(
            inp.project_list("public_forest_list"),
            inp.on_list("public_forest_list"),
            inp.site.facts.project_type,
        ),
    }
    outcome = involvement(inp, overlap, inp.layer.max_width_m)
    if outcome is not None:
        return Decision(outcome, overlap, values)
    barred = _barred(inp.site.facts, inp.params)
    if barred is not None:
        # Grade Ⅰ bars the project: found, it is prohibited; not ruled out, unknown.
        if inp.is_material(grade_one.m2, width_of(inp, "grade", one_keys)):
            return Decision(barred, overlap, values)
        if inp.is_material(odd.m2, width_of(inp, "grade", odd_keys)):
            return Decision("ungraded", overlap, values)
    if inp.is_material(national.m2):
        if _public_barred(inp.site.facts, inp.params, inp.profile):
            return Decision("public_forest", overlap, values)
    return Decision("review", overlap, values)


FOREST = Evaluator(
    "forest",
    ("forest",),
    (
        "not_involved",
        "sliver",
        "pv_grade_one",
        "grade_one",
        "ungraded",
        "public_forest",
        "review",
    ),
    _forest,
    numbers=("grade_one_ha", "national_ha", "unknown_ha"),
    texts=("grades", "public_forest", "unknown_grades", "declare"),
    params={"grade_one_types": "types", "public_forest_list": "list", "pv_types": "types"},
    evidence=("pv_grade_one", "grade_one", "ungraded", "public_forest", "review"),
    reach=reach_by(_decided, "not_involved", "sliver", "review"),
)

EVALUATORS = (FOREST,)
"""The forest family (:data:`landcheck.rules.registry.FAMILIES`)."""
