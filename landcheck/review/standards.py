"""Land-use standards (建设用地标准, check ``land_use_standard``): indicators from project facts.

Land Administration Law art. 52 and its 实施条例 arts. 14–15 [V] make the
land-use standard a pre-examination item. For industrial projects the
《工业项目建设用地控制指标》 (国土资发〔2008〕24号) [P] sets, besides 投资强度
and 容积率 by industry and land grade (its tables 1–2, not shipped: a profile
sets ``min_investment_wan_per_ha`` and ``min_plot_ratio`` for its region and
industry), 建筑系数 ≥ 30 % and 行政办公及生活服务设施用地 ≤ 7 % of the site;
its 绿地率 ≤ 20 % is [U] here, so exceeding it is only a note. A project of
another class has no index in the profile: the finding says so (sector tables
such as roads or power lines are the user's data), unless it is smaller than
the profile's ``exempt_below_ha``, the size under which a province exempts a
project from the land-saving evaluation [P] (0, the built-in value: none).
"""

from __future__ import annotations

import math

from landcheck.profile import Text
from landcheck.review.standard_facts import FACT_TITLES, read_standard_facts
from landcheck.rules.core import Decision, Evaluator, RuleInput
from landcheck.units import M2_PER_HA

__all__ = ["EVALUATORS", "LAND_USE_STANDARD", "indicators"]

_NEEDED = ("footprint", "office_area")


def indicators(numbers: dict[str, float], site_m2: float) -> dict[str, float]:
    """The indicators the facts allow, for a site of ``site_m2`` square metres.

    Shares in per cent, 容积率 as a ratio, 投资强度 in 万元 per hectare.

    Examples
    --------
    >>> indicators({"footprint": 4_000.0, "office_area": 500.0, "total_investment": 3_000.0},
    ...            10_000.0)
    {'building_coefficient_pct': 40.0, 'office_share_pct': 5.0, 'investment_wan_per_ha': 3000.0}
    """
    out = {}
    for fact, name, scale in (
        ("footprint", "building_coefficient_pct", 100.0 / site_m2),
        ("office_area", "office_share_pct", 100.0 / site_m2),
        ("green_area", "green_share_pct", 100.0 / site_m2),
        ("floor_area", "plot_ratio", 1.0 / site_m2),
        ("total_investment", "investment_wan_per_ha", M2_PER_HA / site_m2),
    ):
        if fact in numbers:
            out[name] = numbers[fact] * scale
    return out


_LABELS = {
    "building_coefficient_pct": ("建筑系数 {:.2f}%", "building coefficient {:.2f}%"),
    "office_share_pct": (
        "行政办公及生活服务设施用地比重 {:.2f}%",
        "office and living share {:.2f}%",
    ),
    "green_share_pct": ("绿地率 {:.2f}%", "green ratio {:.2f}%"),
    "plot_ratio": ("容积率 {:.2f}", "plot ratio {:.2f}"),
    "investment_wan_per_ha": ("投资强度 {:.1f} 万元/公顷", "investment {:.1f} (10,000 yuan)/ha"),
}


def _listed(values: dict[str, float], names: list[str]) -> Text:
    zh = "、".join(_LABELS[n][0].format(values[n]) for n in names)
    en = ", ".join(_LABELS[n][1].format(values[n]) for n in names)
    return Text(zh or "无", en or "none")


def _facts_text(names: list[str], problems: dict[str, str]) -> Text:
    zh = [FACT_TITLES[n].zh + (f"（{problems[n]}）" if n in problems else "") for n in names]
    en = [FACT_TITLES[n].en + (f" ({problems[n]})" if n in problems else "") for n in names]
    return Text("、".join(zh), "; ".join(en))


def _land_use_standard(inp: RuleInput) -> Decision:
    site = inp.site
    values: dict[str, object] = {
        "building_coefficient_pct": math.nan,
        "office_share_pct": math.nan,
        "indicators": Text("无", "none"),
        "failures": Text("无", "none"),
        "facts_needed": Text("", ""),
        "exempt_below_ha": 0.0,
    }
    if not inp.in_types("industrial_types"):
        exempt_ha = float(inp.params.get("exempt_below_ha", 0.0))
        values["exempt_below_ha"] = exempt_ha
        if site.area.ha < exempt_ha:
            return Decision("exempt", site.area, values)
        return Decision("no_index", site.area, values)
    facts = read_standard_facts(site.attributes)
    needed = list(_NEEDED)
    minimums = {
        "investment_wan_per_ha": float(inp.params.get("min_investment_wan_per_ha", 0.0)),
        "plot_ratio": float(inp.params.get("min_plot_ratio", 0.0)),
    }
    if minimums["investment_wan_per_ha"] > 0:
        needed.append("total_investment")
    if minimums["plot_ratio"] > 0:
        needed.append("floor_area")
    wanted = [*needed, *(f for f in facts.problems if f not in needed)]
    absent = [f for f in wanted if f in facts.problems or f not in facts.numbers]
    if absent or site.area.m2 <= 0.0:
        values["facts_needed"] = _facts_text(absent, dict(facts.problems))
        return Decision("missing_facts", site.area, values)
    shown = indicators(dict(facts.numbers), site.area.m2)
    values |= {k: v for k, v in shown.items() if k in values}
    values["indicators"] = _listed(shown, list(shown))
    limits = {
        "building_coefficient_pct": 100.0 * float(inp.params.get("min_building_coefficient", 0.3)),
        "office_share_pct": 100.0 * float(inp.params.get("max_office_share", 0.07)),
    }
    failed = []
    if shown["building_coefficient_pct"] < limits["building_coefficient_pct"]:
        failed.append("building_coefficient_pct")
    if shown["office_share_pct"] > limits["office_share_pct"]:
        failed.append("office_share_pct")
    failed += [n for n, low in minimums.items() if low > 0 and shown[n] < low]
    if failed:
        values["failures"] = _listed(shown, failed)
        return Decision("over", site.area, values)
    green_limit = 100.0 * float(inp.params.get("max_green_share", 0.0))
    if green_limit > 0 and shown.get("green_share_pct", 0.0) > green_limit:
        values["failures"] = _listed(shown, ["green_share_pct"])
        return Decision("green_note", site.area, values)
    return Decision("within", site.area, values)


LAND_USE_STANDARD = Evaluator(
    "land_use_standard",
    ("land_use",),
    ("no_index", "exempt", "missing_facts", "over", "green_note", "within"),
    _land_use_standard,
    numbers=("building_coefficient_pct", "office_share_pct", "exempt_below_ha"),
    texts=("indicators", "failures", "facts_needed"),
    params={
        "industrial_types": "types",
        "min_building_coefficient": "number",
        "max_office_share": "number",
        "max_green_share": "number",
        "min_investment_wan_per_ha": "number",
        "min_plot_ratio": "number",
        "exempt_below_ha": "number",
    },
    evidence=("no_index", "exempt", "missing_facts", "over", "green_note", "within"),
)

EVALUATORS = (LAND_USE_STANDARD,)
"""The land-use standard family (:data:`landcheck.rules.registry.FAMILIES`)."""
