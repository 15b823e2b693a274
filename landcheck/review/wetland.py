"""Wetland (湿地): area by importance; 国家重要湿地 not to be occupied except listed cases.

湿地保护法 art. 19 [V]: the State strictly controls the occupation of wetland;
国家重要湿地 may not be occupied except by 国家重大项目, disaster prevention,
important water-conservancy and protection facilities and wetland-protection
projects; siting that involves an important wetland asks the forestry and
grassland authority's opinion (State Council level for 国家重要湿地, the
authorised local department for 省级重要湿地 and 一般湿地). Art. 21 [V]: the unit approved
to occupy an important wetland (国家重要湿地 and 省级重要湿地, art. 14) restores or rebuilds as
much, or pays the restoration fee: a site in 省级重要湿地 is ``provincial``, which asks for it
(a profile without that outcome words it as ``review``, the 一般湿地's). A project is a
国家重大项目 when
it is on the profile's list (``exception_list``, with its evidence); the other kinds are
project types (``exception_types``). Land whose level is blank or none of 国家重要湿地,
省级重要湿地 and 一般湿地 cannot be ruled out as national: the check is then unknown
(``ungraded``), as the heritage and protected-area checks are for a zone they do not know.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from landcheck.facts import ProjectFacts
from landcheck.profile import Profile
from landcheck.review.common import (
    area_list,
    areas_by,
    involvement,
    matches,
    named,
    total,
    width_of,
)
from landcheck.rules.core import Decision, Evaluator, RuleInput, in_types, list_match, reach_by
from landcheck.rules.lists import declare_text
from landcheck.units import M2_PER_HA

__all__ = ["EVALUATORS", "WETLAND"]

NATIONAL = ("国家重要湿地", "国家级重要湿地", "国家级", "国际重要湿地")
"""How 国家重要湿地 is written (ZYSDJB); 国际重要湿地 are national ones too."""

PROVINCIAL = ("省级重要湿地", "省级", "省重要湿地")
"""How 省级重要湿地 is written: an important wetland too (湿地保护法 arts. 14, 21)."""

OTHER_LEVELS = (*PROVINCIAL, "一般湿地", "一般")
"""The other levels of 湿地保护法 art. 14: 省级重要湿地 and 一般湿地."""


def _national(facts: ProjectFacts, params: Mapping[str, Any], profile: Profile) -> str:
    """The outcome 国家重要湿地 brings a project to: an exception's, or ``national``.

    ``national_exception`` for a type of ``exception_types`` or a project on the
    ``exception_list`` (with its evidence).
    """
    excepted = in_types(facts, params, "exception_types") or (
        list_match(facts, params, profile, "exception_list").on_list
    )
    return "national_exception" if excepted else "national"


def _wetland(inp: RuleInput) -> Decision:
    overlap = inp.layer.overlap
    grades = areas_by(inp, "grade")
    national_keys = [g for g in grades if matches(g, NATIONAL)]
    odd_keys = [g for g in grades if not matches(g, (*NATIONAL, *OTHER_LEVELS))]
    provincial_keys = [g for g in grades if matches(g, PROVINCIAL)]
    national = total(grades, national_keys, overlap)
    odd = total(grades, odd_keys, overlap)
    provincial = total(grades, provincial_keys, overlap)
    values = {
        "grades": area_list(grades, blank=None),
        "national_ha": national.m2 / M2_PER_HA,
        "provincial_ha": provincial.m2 / M2_PER_HA,
        "unknown_ha": odd.m2 / M2_PER_HA,
        "unknown_grades": named(odd_keys),
        "wetlands": area_list(areas_by(inp, "name")),
        "declare": declare_text(
            inp.project_list("exception_list"),
            inp.on_list("exception_list"),
            inp.site.facts.project_type,
        ),
    }
    outcome = involvement(inp, overlap, inp.layer.max_width_m)
    if outcome is not None:
        return Decision(outcome, overlap, values)
    if inp.is_material(national.m2, width_of(inp, "grade", national_keys)):
        return Decision(_national(inp.site.facts, inp.params, inp.profile), overlap, values)
    if inp.is_material(odd.m2, width_of(inp, "grade", odd_keys)):
        return Decision("ungraded", overlap, values)
    if inp.is_material(provincial.m2, width_of(inp, "grade", provincial_keys)):
        return Decision("provincial", overlap, values)
    return Decision("review", overlap, values)


WETLAND = Evaluator(
    "wetland",
    ("wetland",),
    (
        "not_involved",
        "sliver",
        "national",
        "national_exception",
        "ungraded",
        "provincial",
        "review",
    ),
    _wetland,
    numbers=("national_ha", "provincial_ha", "unknown_ha"),
    texts=("grades", "wetlands", "unknown_grades", "declare"),
    params={"exception_list": "list", "exception_types": "types"},
    evidence=("national", "national_exception", "ungraded", "provincial", "review"),
    fallbacks={"provincial": "review"},
    reach=reach_by(_national, "not_involved", "sliver", "ungraded", "provincial", "review"),
)

EVALUATORS = (WETLAND,)
"""The wetland family (:data:`landcheck.rules.registry.FAMILIES`)."""
