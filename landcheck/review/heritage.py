"""Cultural heritage (文物): overlap by zone; archaeology before large projects.

文物保护法 (2024) arts. 28–29 [V]: no construction other than heritage works
in a 文物保护单位's 保护范围 except in special cases with the approval of the
government that listed it; a project in the 建设控制地带 must not harm the
historic appearance and its design needs the heritage authority's consent.
Arts. 43, 45 [V]: before a large construction project, and in a
地下文物埋藏区, 考古调查、勘探 come first, at the builder's cost. What makes a
project "large" the provinces set [U]: the profile's ``large_site_ha``.
"""

from __future__ import annotations

from landcheck.review.common import area_list, areas_by, involvement, matches, total, width_of
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


def _heritage(inp: RuleInput) -> Decision:
    overlap = inp.layer.overlap
    zones = areas_by(inp, "zone")
    values = {
        "zones": area_list(zones, blank=None),
        "sites": area_list(areas_by(inp, "name")),
        "large_site_ha": float(inp.params.get("large_site_ha", 0.0)),
        "unknown_zones": "",
    }
    outcome = involvement(inp, overlap, inp.layer.max_width_m)
    if outcome is not None:
        large = float(inp.params.get("large_site_ha", 0.0))
        if outcome == "not_involved" and large > 0.0 and inp.site.area.ha >= large:
            return Decision("large_project", inp.site.area, values)
        return Decision(outcome, overlap, values)
    for name, names in (
        ("protection_range", PROTECTION_ZONES),
        ("control_zone", CONTROL_ZONES),
        ("burial_zone", BURIAL_ZONES),
    ):
        keys = [z for z in zones if matches(z, names)]
        area = total(zones, keys, overlap)
        if inp.is_material(area.m2, width_of(inp, "zone", keys)):
            return Decision(name, area, values)
    odd = [z for z in zones if not matches(z, (*PROTECTION_ZONES, *CONTROL_ZONES, *BURIAL_ZONES))]
    values["unknown_zones"] = "、".join(z or "(blank)" for z in odd)
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
    ),
    _heritage,
    numbers=("large_site_ha",),
    texts=("zones", "sites", "unknown_zones"),
    params={"large_site_ha": "number"},
    evidence=("protection_range", "control_zone", "burial_zone", "unzoned"),
)

EVALUATORS = (HERITAGE,)
"""The heritage family (:data:`landcheck.rules.registry.FAMILIES`)."""
