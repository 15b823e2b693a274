"""Mineral rights (压覆矿产): 采矿权/探矿权 under the site, strategic minerals apart.

矿产资源法 (2024) art. 32 [V]: a construction project is to avoid covering
(压覆) mineral resources; strategic mineral resources in principle may not be
covered; covering important resources needs approval, and the right holder is
compensated (an agreement with the holder). Strategic minerals: the 24 of the
全国矿产资源规划（2016—2020年） list [P] (data/README.md). A right's own flag
decides; where it is blank, its mineral is looked up: a strategic mineral by its name or
the name of its ore (磁铁矿, 岩金, 锂辉石), a name joining several (钨锡矿, 石油天然气) by
theirs, a mineral known not to be strategic (:data:`OTHER_MINERALS`) is cleared, and a
right whose mineral is blank or none of these is undetermined (the check is then unknown,
never cleared).
"""

from __future__ import annotations

import functools
import re

from landcheck.review.common import (
    area_list,
    areas_by,
    areas_by_pair,
    involvement,
    matches,
    named,
    total,
)
from landcheck.review.grassland import NO, YES
from landcheck.rules.core import Decision, Evaluator, RuleInput
from landcheck.units import M2_PER_HA

__all__ = [
    "EVALUATORS",
    "MINERAL_RIGHTS",
    "ORES",
    "OTHER_MINERALS",
    "STRATEGIC_MINERALS",
    "is_strategic",
]

STRATEGIC_MINERALS = (
    "石油", "天然气", "页岩气", "煤炭", "煤", "煤层气", "铀",
    "铁", "铬", "铜", "铝", "铝土", "金", "镍", "钨", "锡", "钼", "锑", "钴", "锂", "稀土", "锆",
    "磷", "钾盐", "晶质石墨", "萤石",
)  # fmt: skip
"""The 24 strategic minerals of the 全国矿产资源规划（2016—2020年） [P], by name (with 煤 for
煤炭 and 铝土 for bauxite, the ore of 铝); a mineral name matches without its 矿 or 矿石."""

ORES = {
    "磁铁": "铁", "赤铁": "铁", "褐铁": "铁", "菱铁": "铁", "镜铁": "铁", "钒钛磁铁": "铁",
    "铬铁": "铬", "黄铜": "铜", "岩金": "金", "砂金": "金", "脉金": "金", "黄金": "金",
    "白钨": "钨", "黑钨": "钨", "锂辉石": "锂", "锂云母": "锂", "原煤": "煤", "油气": "石油",
}  # fmt: skip
"""Ores and forms of a strategic mineral as a right names them → the mineral (磁铁矿: 铁)."""

OTHER_MINERALS = (
    "锰", "铅", "锌", "银", "钒", "钛", "汞", "镁", "硫铁",
    "石灰岩", "石灰石", "灰岩", "白云岩", "大理岩", "花岗岩", "玄武岩", "安山岩", "砂岩", "页岩",
    "砂", "砂石", "卵石", "石料", "建筑石料", "粘土", "黏土", "高岭土", "膨润土", "石膏",
    "重晶石", "石英岩", "石英砂", "硅石", "滑石", "芒硝", "岩盐", "地热", "矿泉水", "泥炭",
)  # fmt: skip
"""Minerals known not to be among the 24 (a right over one needs an agreement, not a ban).
A name the check knows neither here nor among the strategic ones leaves the right
undetermined."""

_STRATEGIC = frozenset((*STRATEGIC_MINERALS, *ORES))
_OTHER = frozenset(OTHER_MINERALS)
_SEPARATORS = re.compile(r"[、,，/;；+＋]")
_USE = re.compile(r"[^用]{1,6}用(?=.)")
"""A use the name begins with (建筑用砂, 水泥用灰岩, 冶金用白云岩): dropped."""


def _name(text: str) -> str:
    """A mineral name as looked up: spaces, a leading use and a trailing 矿 or 矿石 removed."""
    name = _USE.sub("", "".join(str(text).split()).lower(), count=1)
    for suffix in ("矿石", "矿"):
        name = name.removesuffix(suffix)
    return name


@functools.lru_cache(maxsize=1024)
def _verdicts(name: str) -> frozenset[bool]:
    """Whether ``name`` is strategic, for each way it splits into known names (钨锡: 钨, 锡).

    Empty when it does not split; two verdicts when the ways disagree.
    """
    found = set()
    for end in range(1, len(name) + 1):
        head, rest = name[:end], name[end:]
        if head not in _STRATEGIC and head not in _OTHER:
            continue
        strategic = head in _STRATEGIC
        found |= {strategic or v for v in _verdicts(rest)} if rest else {strategic}
    return frozenset(found)


def _mineral_verdict(mineral: str) -> bool | None:
    """Whether a mineral as a right names it is strategic; None: blank, unknown or ambiguous."""
    verdicts = []
    for part in _SEPARATORS.split(str(mineral)):
        name = _name(part)
        found = _verdicts(name) if name else frozenset()
        verdicts.append(next(iter(found)) if len(found) == 1 else None)
    if any(verdicts):
        return True
    return None if not verdicts or None in verdicts else False


def is_strategic(flag: str, mineral: str) -> bool | None:
    """Whether a right covers a strategic mineral: its flag, else its mineral; None: unknown.

    Examples
    --------
    >>> is_strategic("否", "铝土矿"), is_strategic("", "铝土矿"), is_strategic("", "锰矿")
    (False, True, False)
    >>> is_strategic("", "钒钛磁铁矿"), is_strategic("", "钨锡矿"), is_strategic("", "铅锌矿")
    (True, True, False)
    >>> is_strategic("", "") is None, is_strategic("", "未知") is None
    (True, True)
    """
    if matches(flag, YES):
        return True
    if matches(flag, NO):
        return False
    return _mineral_verdict(mineral)


def _mineral_rights(inp: RuleInput) -> Decision:
    overlap = inp.layer.overlap
    pairs = areas_by_pair(inp, "flag", "mineral")
    verdicts = {key: is_strategic(*key) for key in pairs}
    unknown_keys = [k for k, v in verdicts.items() if v is None]
    strategic = total(pairs, [k for k, v in verdicts.items() if v], overlap)
    undetermined = total(pairs, unknown_keys, overlap)
    holders = [h for h in areas_by(inp, "holder") if h]
    values = {
        "rights": area_list(areas_by(inp, "type"), blank=None),
        "minerals": area_list(areas_by(inp, "mineral"), blank=None),
        "holders": "、".join(holders) or "（未注明）",
        "strategic_ha": strategic.m2 / M2_PER_HA,
        "undetermined_ha": undetermined.m2 / M2_PER_HA,
        "unknown_minerals": named(m for _, m in unknown_keys),
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
    texts=("rights", "minerals", "holders", "unknown_minerals"),
    evidence=("strategic", "undetermined", "agreement"),
)

EVALUATORS = (MINERAL_RIGHTS,)
"""The mineral-rights family (:data:`landcheck.rules.registry.FAMILIES`)."""
