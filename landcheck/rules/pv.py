"""Photovoltaic projects (自然资办发〔2023〕12号): where the array may stand.

The 光伏方阵 (array) may not occupy 耕地 (nor permanent farmland, which the farmland rule's
``never_types`` refuses); the 升压站 and 管理用房 (facilities) are construction land and go
through conversion like any building. 12号 also keeps arrays off 基本草原 and Ⅰ级保护林地:
the grassland and forest rules of :mod:`landcheck.review` do that with their own
``pv_types`` (outcomes ``pv_basic`` and ``pv_grade_one``), since they read those layers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from landcheck.facts import ProjectFacts
from landcheck.profile import Profile
from landcheck.rules.core import (
    Decision,
    Evaluator,
    RuleInput,
    in_types,
    involvement,
    land_use_gap,
    to_ha,
)

__all__ = ["EVALUATORS"]


def _role(facts: ProjectFacts, params: Mapping[str, Any]) -> str:
    """What a project's type makes it here: ``facilities``, ``array`` or ``other``."""
    if in_types(facts, params, "facility_types"):
        return "facilities"
    return "array" if in_types(facts, params, "array_types") else "other"


def _unsaid(facts: ProjectFacts, params: Mapping[str, Any]) -> bool:
    """No type declared, or one that may be an array (能源项目（未细分）, ``unsplit_types``)."""
    return not facts.project_type or in_types(facts, params, "unsplit_types")


_REACHED = {
    "facilities": ("facilities",),
    "array": ("array_clear", "sliver", "array_on_cultivated"),
    "other": ("not_applicable",),
}
"""The outcomes :func:`_pv_siting` comes to for each :func:`_role`, where the type is said."""


def _reach(
    facts: ProjectFacts, params: Mapping[str, Any], profile: Profile
) -> frozenset[str] | None:
    """The outcomes a project of these facts can come to (an evaluator's ``reach``).

    Those of its :func:`_role`; any, for a type not said (:func:`_unsaid`): it may be an
    array's, which once declared may be found on 耕地.
    """
    if _unsaid(facts, params):
        return None
    return frozenset(_REACHED[_role(facts, params)])


def _pv_siting(inp: RuleInput) -> Decision:
    method = inp.site.area.method
    cultivated = inp.layer.classes_where("level1", ("01",), method)
    values = {"cultivated_ha": to_ha(cultivated.m2)}
    role = _role(inp.site.facts, inp.params)
    if role == "facilities":
        return Decision("facilities", inp.site.area, values)
    width = inp.layer.width_where("level1", ("01",))
    if _unsaid(inp.site.facts, inp.params) and inp.is_material(cultivated.m2, width):
        # no type, or one that may be an array (能源项目（未细分）): on the 耕地, not known
        return Decision("undeclared", cultivated, values)
    if role != "array":
        return Decision("not_applicable", inp.site.area, values)
    gap = land_use_gap(inp)
    if gap:
        return Decision("incomplete", inp.layer.uncovered, {"reason": gap})
    outcome = involvement(inp, cultivated, width)
    if outcome is None:
        return Decision("array_on_cultivated", cultivated, values)
    if outcome == "sliver":  # a suspected boundary error to correct, not "takes no 耕地"
        return Decision("sliver", cultivated, values)
    return Decision("array_clear", cultivated, values)


EVALUATORS = (
    Evaluator(
        "pv_siting",
        ("land_use",),
        (
            "not_applicable",
            "undeclared",
            "array_clear",
            "sliver",
            "array_on_cultivated",
            "facilities",
        ),
        _pv_siting,
        numbers=("cultivated_ha",),
        params={"array_types": "types", "facility_types": "types", "unsplit_types": "types"},
        evidence=("array_on_cultivated", "facilities", "not_applicable"),
        reach=_reach,
    ),
)
