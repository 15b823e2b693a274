"""Mineral rights (压覆矿产): 采矿权/探矿权 under the site, strategic minerals apart.

矿产资源法 (2024) art. 32 [V]: a construction project is to avoid covering
(压覆) mineral resources; strategic mineral resources in principle may not be
covered; covering important resources needs approval, and the right holder is
compensated (an agreement with the holder). Strategic minerals: the 24 of the
全国矿产资源规划（2016—2020年） list [P] (data/README.md). A right's own flag
decides; where it is blank, its mineral is looked up in that list, and a right
with neither is undetermined (the check is then unknown, never cleared).
"""

from __future__ import annotations

from landcheck.review.common import (
    area_list,
    areas_by,
    areas_by_pair,
    involvement,
    matches,
    total,
)
from landcheck.review.grassland import NO, YES
from landcheck.rules.core import Decision, Evaluator, RuleInput
from landcheck.units import M2_PER_HA

__all__ = ["EVALUATORS", "MINERAL_RIGHTS", "STRATEGIC_MINERALS", "is_strategic"]

STRATEGIC_MINERALS = (
    "石油", "天然气", "页岩气", "煤炭", "煤", "煤层气", "铀",
    "铁", "铬", "铜", "铝", "铝土", "金", "镍", "钨", "锡", "钼", "锑", "钴", "锂", "稀土", "锆",
    "磷", "钾盐", "晶质石墨", "萤石",
)  # fmt: skip
"""The 24 strategic minerals of the 全国矿产资源规划（2016—2020年） [P], by name (with 煤 for
煤炭 and 铝土 for bauxite, the ore of 铝); a mineral name matches without its 矿 or 矿石."""


def is_strategic(flag: str, mineral: str) -> bool | None:
    """Whether a right covers a strategic mineral: its flag, else its mineral; None: unknown.

    Examples
    --------
    >>> is_strategic("否", "铝土矿"), is_strategic("", "铝土矿"), is_strategic("", "锰矿")
    (False, True, False)
    >>> is_strategic("", "") is None
    True
    """
    if matches(flag, YES):
        return True
    if matches(flag, NO):
        return False
    name = "".join(str(mineral).split())
    for suffix in ("矿石", "矿"):
        name = name.removesuffix(suffix)
    if not name:
        return None
    return name in STRATEGIC_MINERALS


def _mineral_rights(inp: RuleInput) -> Decision:
    overlap = inp.layer.overlap
    pairs = areas_by_pair(inp, "flag", "mineral")
    verdicts = {key: is_strategic(*key) for key in pairs}
    strategic = total(pairs, [k for k, v in verdicts.items() if v], overlap)
    undetermined = total(pairs, [k for k, v in verdicts.items() if v is None], overlap)
    holders = [h for h in areas_by(inp, "holder") if h]
    values = {
        "rights": area_list(areas_by(inp, "type"), blank=None),
        "minerals": area_list(areas_by(inp, "mineral"), blank=None),
        "holders": "、".join(holders) or "（未注明）",
        "strategic_ha": strategic.m2 / M2_PER_HA,
        "undetermined_ha": undetermined.m2 / M2_PER_HA,
    }
    outcome = involvement(inp, overlap, inp.layer.max_width_m)
    if outcome is not None:
        return Decision(outcome, overlap, values)
    if inp.is_material(strategic.m2):
        return Decision("strategic", overlap, values)
    if inp.is_material(undetermined.m2):
        return Decision("undetermined", overlap, values)
    return Decision("agreement", overlap, values)


MINERAL_RIGHTS = Evaluator(
    "mineral_rights",
    ("mineral_rights",),
    ("not_involved", "sliver", "strategic", "undetermined", "agreement"),
    _mineral_rights,
    numbers=("strategic_ha", "undetermined_ha"),
    texts=("rights", "minerals", "holders"),
    evidence=("strategic", "undetermined", "agreement"),
)

EVALUATORS = (MINERAL_RIGHTS,)
"""The mineral-rights family (:data:`landcheck.rules.registry.FAMILIES`)."""
