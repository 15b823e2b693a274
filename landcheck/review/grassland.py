"""Grassland (草原): area by 基本草原 flag and type; 审核 at provincial level or above.

草原法 art. 38 [V]: grassland taken for construction needs the consent of the
grassland authority of a provincial government or above before 建设用地审批;
art. 42 [V]: 基本草原 is under strict protection. 自然资办发〔2023〕12号 [P]: a PV array
(``pv_types``) may not occupy 基本草原. Land whose 基本草原 flag is blank or neither yes
nor no cannot be ruled out as 基本草原: the check is then unknown (``unflagged``) unless
基本草原 is found, as the heritage and protected-area checks are for a zone they do not know.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from landcheck.facts import ProjectFacts
from landcheck.profile import NO_TEXT, Profile, Text
from landcheck.review.common import (
    area_list,
    areas_by,
    involvement,
    matches,
    named,
    total,
    width_of,
)
from landcheck.rules.core import Decision, Evaluator, RuleInput, in_types, reach_by
from landcheck.units import M2_PER_HA, Area

__all__ = ["EVALUATORS", "GRASSLAND", "NO", "YES"]

YES = ("是", "Y", "yes", "true", "1", "基本草原")
"""How a 基本草原 flag (JBCY) says yes."""

NO = ("否", "N", "no", "false", "0")
"""How a flag says no (a 基本草原 flag also as ``非基本草原``)."""


def _unknown_note(odd: Area) -> Text:
    """Beside the basic grassland found, the land whose flag is not stated (not other grassland)."""
    if odd.m2 <= 0.0:
        return NO_TEXT
    ha = odd.m2 / M2_PER_HA
    return Text(
        f"、基本草原标识未注明或无法识别的草原 {ha:.4f} 公顷",
        f", and {ha:.4f} ha whose basic-grassland flag is not stated or not recognised",
    )


def _basic(facts: ProjectFacts, params: Mapping[str, Any], profile: Profile) -> str:
    """What basic grassland brings a project to: ``pv_basic`` for a PV array, else ``basic``.

    The PV types are the rule's parameter (``pv_types``): the profile is not read.
    """
    return "pv_basic" if in_types(facts, params, "pv_types") else "basic"


def _grassland(inp: RuleInput) -> Decision:
    overlap = inp.layer.overlap
    flags = areas_by(inp, "flag")
    basic_keys = [f for f in flags if matches(f, YES)]
    odd_keys = [f for f in flags if not matches(f, (*YES, *NO, "非基本草原"))]
    basic = total(flags, basic_keys, overlap)
    odd = total(flags, odd_keys, overlap)
    values = {
        "types": area_list(areas_by(inp, "type")),
        "basic_ha": basic.m2 / M2_PER_HA,
        "other_ha": max(overlap.m2 - basic.m2 - odd.m2, 0.0) / M2_PER_HA,
        "unknown_ha": odd.m2 / M2_PER_HA,
        "unknown_flags": named(odd_keys),
        "unknown_note": _unknown_note(odd),
    }
    outcome = involvement(inp, overlap, inp.layer.max_width_m)
    if outcome is not None:
        return Decision(outcome, overlap, values)
    if inp.is_material(basic.m2, width_of(inp, "flag", basic_keys)):
        return Decision(_basic(inp.site.facts, inp.params, inp.profile), overlap, values)
    if inp.is_material(odd.m2, width_of(inp, "flag", odd_keys)):
        return Decision("unflagged", overlap, values)
    return Decision("review", overlap, values)


GRASSLAND = Evaluator(
    "grassland",
    ("grassland",),
    ("not_involved", "sliver", "pv_basic", "basic", "unflagged", "review"),
    _grassland,
    numbers=("basic_ha", "other_ha", "unknown_ha"),
    texts=("types", "unknown_flags", "unknown_note"),
    params={"pv_types": "types"},
    evidence=("pv_basic", "basic", "unflagged", "review"),
    reach=reach_by(_basic, "not_involved", "sliver", "unflagged", "review"),
)

EVALUATORS = (GRASSLAND,)
"""The grassland family (:data:`landcheck.rules.registry.FAMILIES`)."""
