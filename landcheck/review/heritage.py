"""Cultural heritage (文物): overlap by zone; archaeology before large projects.

文物保护法 (2024) arts. 28–29 [V]: no construction other than heritage works
in a 文物保护单位's 保护范围 except in special cases with the approval of the
government that listed it; a project in the 建设控制地带 must not harm the
historic appearance and its design needs the heritage authority's consent.
Arts. 43, 45 [V]: before a large construction project, and in a
地下文物埋藏区, 考古调查、勘探 come first, at the builder's cost. What makes a
project "large" the provinces set [U]: the profile's ``large_site_ha``, against the area of
the project (arts. 43, 45 speak of the 工程: its sites summed by ``project_id``). Each site of
a project that large is told so whether or not it touches a zone (``large_note``), unless it
lies in a 地下文物埋藏区, whose finding asks for the archaeology itself. Documents belong to
outcomes, so such a site touching a zone, or by a sliver, takes the outcome's ``_large`` twin
(``control_zone_large``…), whose documents add the archaeology its message asks for. A zone
the check does not know may be a 保护范围: it makes the check unknown unless a 保护范围 is
found.
"""

from __future__ import annotations

from landcheck.profile import NO_TEXT, Text
from landcheck.review.common import (
    area_list,
    areas_by,
    involvement,
    matches,
    named,
    total,
    width_of,
)
from landcheck.rules.core import Decision, Evaluator, RuleInput

__all__ = [
    "BURIAL_ZONES",
    "CONTROL_ZONES",
    "EVALUATORS",
    "HERITAGE",
    "PROTECTION_ZONES",
]

PROTECTION_ZONES = ("保护范围",)
CONTROL_ZONES = ("建设控制地带",)
BURIAL_ZONES = ("地下文物埋藏区", "文物埋藏区")
_KNOWN = (*PROTECTION_ZONES, *CONTROL_ZONES, *BURIAL_ZONES)
_LARGE = ("protection_range", "control_zone", "unzoned", "sliver")
"""Outcomes whose message carries the large-site note: each has a ``_large`` twin."""


def _project_size(inp: RuleInput, large_ha: float) -> Text:
    """The project's size when it is ``large_ha`` or more (arts. 43, 45), else nothing.

    The project's area, its sites summed (:meth:`RuleInput.project_area`), compared as
    written, to 0.0001 ha (49,999.6 m² is "5.0000 公顷", at least 5 ha); the threshold is
    written as given (3.36, not 3.4).
    """
    area, project = inp.project_area()
    if large_ha <= 0.0 or round(area.ha, 4) < large_ha:
        return NO_TEXT
    if project is None:
        return Text(
            f"用地 {area.ha:.4f} 公顷（不小于 {large_ha:g} 公顷）",
            f"the site is {area.ha:.4f} ha (at least {large_ha:g} ha)",
        )
    return Text(
        f"所属项目 {project.project_id} 用地合计 {area.ha:.4f} 公顷"
        f"（{'、'.join(project.site_ids)}，不小于 {large_ha:g} 公顷）",
        f"its project {project.project_id} (sites {', '.join(project.site_ids)}) is "
        f"{area.ha:.4f} ha in all (at least {large_ha:g} ha)",
    )


def _large_note(size: Text) -> Text:
    """The archaeology a large project needs whatever zone its site touches, or nothing."""
    if not size.zh:
        return size
    return Text(
        f"{size.zh}，属大型基本建设工程的，还须在工程范围内事先进行考古调查、勘探，"
        "并取得文物主管部门意见。",
        f" As {size.en}, if the project is a large construction project an archaeological "
        "survey and exploration of its ground also comes first, with the heritage authority's "
        "opinion.",
    )


def _heritage(inp: RuleInput) -> Decision:
    """The zone outcome; for a project of ``large_site_ha`` or more, its ``_large`` twin."""
    decision = _by_zone(inp)
    if decision.outcome in _LARGE and decision.values["large_note"].zh:
        return Decision(f"{decision.outcome}_large", decision.area, decision.values)
    return decision


def _by_zone(inp: RuleInput) -> Decision:
    overlap = inp.layer.overlap
    zones = areas_by(inp, "zone")
    large_ha = float(inp.params.get("large_site_ha", 0.0))
    odd = [z for z in zones if not matches(z, _KNOWN)]
    size = _project_size(inp, large_ha)
    values = {
        "zones": area_list(zones, blank=None),
        "sites": area_list(areas_by(inp, "name")),
        "large_site_ha": large_ha,
        "unknown_zones": named(odd),
        "project_size": size,
        "large_note": _large_note(size),
    }
    outcome = involvement(inp, overlap, inp.layer.max_width_m)
    if outcome == "not_involved" and values["large_note"].zh:
        return Decision("large_project", inp.site.area, values)
    if outcome is not None:
        return Decision(outcome, overlap, values)
    # The strictest certain zone first; a zone not recognised may be a 保护范围, so it
    # outranks the conditional zones.
    for name, keys in (
        ("protection_range", [z for z in zones if matches(z, PROTECTION_ZONES)]),
        ("unzoned", odd),
        ("control_zone", [z for z in zones if matches(z, CONTROL_ZONES)]),
        ("burial_zone", [z for z in zones if matches(z, BURIAL_ZONES)]),
    ):
        area = total(zones, keys, overlap)
        if inp.is_material(area.m2, width_of(inp, "zone", keys)):
            return Decision(name, area, values)
    if odd:
        return Decision("unzoned", total(zones, odd, overlap), values)
    return Decision("sliver", overlap, values)


HERITAGE = Evaluator(
    "heritage",
    ("heritage",),
    (
        "not_involved",
        "sliver",
        "protection_range",
        "control_zone",
        "burial_zone",
        "unzoned",
        "large_project",
        *(f"{name}_large" for name in _LARGE),
    ),
    _heritage,
    numbers=("large_site_ha",),
    texts=("zones", "sites", "unknown_zones", "project_size", "large_note"),
    params={"large_site_ha": "number"},
    fallbacks={f"{name}_large": name for name in _LARGE},
    evidence=(
        "protection_range",
        "control_zone",
        "burial_zone",
        "unzoned",
        "protection_range_large",
        "control_zone_large",
        "unzoned_large",
    ),
)

EVALUATORS = (HERITAGE,)
"""The heritage family (:data:`landcheck.rules.registry.FAMILIES`)."""
