"""Mineral rights (压覆矿产): 采矿权/探矿权 under the site, strategic minerals apart.

矿产资源法 (2024) art. 32 [V]: a construction project is to avoid covering
(压覆) mineral resources; strategic mineral resources in principle may not be
covered; covering important resources needs approval, and the right holder is
compensated (an agreement with the holder). Strategic minerals: the 24 of the
全国矿产资源规划（2016—2020年） list [P] (data/README.md), flagged per right.
"""

from __future__ import annotations

from landcheck.review.common import area_list, areas_by, involvement, matches, total, width_of
from landcheck.review.grassland import YES
from landcheck.rules import Decision, Evaluator, RuleInput
from landcheck.units import M2_PER_HA

__all__ = ["MINERAL_RIGHTS"]


def _mineral_rights(inp: RuleInput) -> Decision:
    overlap = inp.layer.overlap
    flags = areas_by(inp, "flag")
    strategic_keys = [f for f in flags if matches(f, YES)]
    strategic = total(flags, strategic_keys, overlap)
    holders = [h for h in areas_by(inp, "holder") if h]
    values = {
        "rights": area_list(areas_by(inp, "type"), blank=None),
        "minerals": area_list(areas_by(inp, "mineral"), blank=None),
        "holders": "、".join(holders) or "（未注明）",
        "strategic_ha": strategic.m2 / M2_PER_HA,
    }
    outcome = involvement(inp, overlap, inp.layer.max_width_m)
    if outcome is not None:
        return Decision(outcome, overlap, values)
    if strategic.m2 > 0.0 and not inp.is_sliver(
        strategic.m2, width_of(inp, "flag", strategic_keys)
    ):
        return Decision("strategic", overlap, values)
    return Decision("agreement", overlap, values)


MINERAL_RIGHTS = Evaluator(
    "mineral_rights",
    ("mineral_rights",),
    ("not_involved", "sliver", "strategic", "agreement"),
    _mineral_rights,
    numbers=("strategic_ha",),
    texts=("rights", "minerals", "holders"),
    evidence=("strategic", "agreement"),
)
