"""Land-use standards (建设用地标准, check ``land_use_standard``): indicators from project facts.

Land Administration Law art. 52 and its 实施条例 arts. 14–15 [V] make the
land-use standard a pre-examination item. For industrial projects the
《工业项目建设用地控制指标》 (国土资发〔2008〕24号) [P] sets, besides 投资强度
and 容积率 by industry and land grade (its tables 1–2, not shipped), 建筑系数
≥ 30 % and 行政办公及生活服务设施用地 ≤ 7 % of the site; its 绿地率 ≤ 20 % is
[U] here, so exceeding it is only a note. Bounds come from the profile
(``min_investment_wan_per_ha``, ``min_plot_ratio``…) and from a user's index
table (:mod:`landcheck.review.index_table`: by industry code and land grade,
and sector tables by project type and grade — land per kilometre or per unit
of scale); a table row wins over the profile, and the finding says which
source set each bound. A project type the profile and the table hold no index
for gets "no index"; a type the table bounds, but not for the site's grade, gets
"no index for the grade" naming the table and the grade, and so does an industrial
site whose industry the table bounds an indicator of for other land grades only (never
"within" with that indicator unchecked). These three say where the 节地评价 goes: where
the site takes 耕地, 永久基本农田 or the ecological redline, the 2022 seven-ministry notice
[P] (rules-2026 §C) asks for one 节约集约用地论证分析专章 instead of separate 选址论证,
节地评价 and 补划 reports, so the evaluation goes into it and no report of its own is
asked for; where a layer that tells was not fully checked, the text says it depends
(:func:`land_saving`). All this unless a province
exempts it (profile switches, all off in the built-in profile [P]: a project, its sites
summed, under ``exempt_below_ha``; the 淹没区 of a water project,
``exempt_inundation_types``; the 塔基 of a power line, ``exempt_tower_base_types``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from landcheck.profile import NO_TEXT, Text
from landcheck.review.common import matches
from landcheck.review.index_table import (
    INDUSTRY_INDICATORS,
    IndexTable,
    industry_code,
    land_grade,
)
from landcheck.review.standard_facts import FACT_TITLES, StandardFacts, read_standard_facts
from landcheck.rollup import CULTIVATED
from landcheck.rules.core import (
    Decision,
    Evaluator,
    RuleInput,
    layer_state,
    outside_gap,
    undescribed,
)
from landcheck.rules.land import wholly_approved
from landcheck.units import M2_PER_HA

__all__ = [
    "EVALUATORS",
    "INUNDATION_WORDS",
    "LAND_USE_STANDARD",
    "TOWER_WORDS",
    "above",
    "below",
    "indicators",
    "land_saving",
]

INUNDATION_WORDS = ("淹没区", "水库淹没区", "淹没区用地", "inundation", "inundation area")
"""Values of a site's ``site_part`` (用地部位) naming a reservoir's inundation area."""

TOWER_WORDS = ("塔基", "塔基用地", "杆塔基础", "tower base", "tower bases")
"""Values of a site's ``site_part`` naming the tower bases of a power line."""

_FACT_OF = {
    "building_coefficient_pct": "footprint",
    "office_share_pct": "office_area",
    "green_share_pct": "green_area",
    "plot_ratio": "floor_area",
    "investment_wan_per_ha": "total_investment",
    "land_ha_per_km": "length_km",
    "land_ha_per_unit": "scale",
}
_PROFILE = Text("本配置", "this profile")


def indicators(numbers: Mapping[str, float], site_m2: float) -> dict[str, float]:
    """The indicators the facts allow, for a site of ``site_m2`` square metres.

    Shares in per cent, 容积率 as a ratio, 投资强度 in 万元 per hectare, land
    per km (``length_km``) and per unit of scale (``scale``) in hectares.

    Examples
    --------
    >>> indicators({"footprint": 4_000.0, "office_area": 500.0, "total_investment": 3_000.0},
    ...            10_000.0)
    {'building_coefficient_pct': 40.0, 'office_share_pct': 5.0, 'investment_wan_per_ha': 3000.0}
    >>> indicators({"length_km": 4.0}, 100_000.0)
    {'land_ha_per_km': 2.5}
    """
    out = {}
    ha = site_m2 / M2_PER_HA
    for fact, name, scale in (
        ("footprint", "building_coefficient_pct", 100.0 / site_m2),
        ("office_area", "office_share_pct", 100.0 / site_m2),
        ("green_area", "green_share_pct", 100.0 / site_m2),
        ("floor_area", "plot_ratio", 1.0 / site_m2),
        ("total_investment", "investment_wan_per_ha", M2_PER_HA / site_m2),
    ):
        if fact in numbers:
            out[name] = numbers[fact] * scale
    for fact, name in (("length_km", "land_ha_per_km"), ("scale", "land_ha_per_unit")):
        if numbers.get(fact, 0.0) > 0.0:
            out[name] = ha / numbers[fact]
    return out


_LABELS = {
    "building_coefficient_pct": (("建筑系数", "building coefficient"), "%", 2),
    "office_share_pct": (
        ("行政办公及生活服务设施用地比重", "office and living share"),
        "%",
        2,
    ),
    "green_share_pct": (("绿地率", "green ratio"), "%", 2),
    "plot_ratio": (("容积率", "plot ratio"), "", 2),
    "investment_wan_per_ha": (
        ("投资强度", "investment"),
        " 万元/公顷| (10,000 yuan)/ha",
        1,
    ),
    "land_ha_per_km": (("每公里用地", "land per km"), " 公顷/公里| ha/km", 4),
    "land_ha_per_unit": (("单位规模用地", "land per unit"), " 公顷/{unit}| ha/{unit}", 4),
}
"""Each indicator's title, unit (Chinese|English) and the decimals it is written with."""


_Bound = tuple[float | None, float | None, Text]


def _decimals(value: float, least: int) -> int:
    """The decimals that write ``value`` (at least ``least``, at most 6), rounding aside.

    Examples
    --------
    >>> _decimals(100.0 * 0.3, 2), _decimals(1.255, 2), _decimals(1 / 3, 2)
    (2, 3, 6)
    """
    for decimals in range(least, 6):
        if math.isclose(round(value, decimals), value, rel_tol=_BOUND_TOLERANCE):
            return decimals
    return max(least, 6)


def _digits(name: str, bound: _Bound | None = None) -> int:
    """The decimals an indicator is written and compared with: its own, or its bound's if more.

    Examples
    --------
    >>> _digits("plot_ratio"), _digits("plot_ratio", (1.255, None, Text("t", "t")))
    (2, 3)
    """
    least = _LABELS[name][2]
    if bound is None:
        return least
    return max([least, *(_decimals(v, least) for v in bound[:2] if v is not None)])


def _value(name: str, value: float, lang: int, unit: str = "", digits: int | None = None) -> str:
    """An indicator's value with its unit (``1.20``, ``30.00%``, ``4000.0 万元/公顷``)."""
    decimals = _LABELS[name][2] if digits is None else digits
    forms = _LABELS[name][1].split("|")
    return f"{value:.{decimals}f}" + forms[min(lang, len(forms) - 1)].format(unit=unit)


def _shown(name: str, value: float, lang: int, unit: str = "", digits: int | None = None) -> str:
    """One indicator's value as written in a message (``容积率 1.20``)."""
    return f"{_LABELS[name][0][lang]} {_value(name, value, lang, unit, digits)}"


def _listed(
    values: Mapping[str, float],
    names: list[str],
    unit: str = "",
    bounds: Mapping[str, _Bound] | None = None,
) -> Text:
    """Indicators with their values, each written with :func:`_digits`."""
    bounds = bounds or {}
    digits = {n: _digits(n, bounds.get(n)) for n in names}
    zh = "、".join(_shown(n, values[n], 0, unit, digits[n]) for n in names)
    en = ", ".join(_shown(n, values[n], 1, unit, digits[n]) for n in names)
    return Text(zh or "无", en or "none")


def _bound_text(name: str, bound: _Bound, lang: int, unit: str) -> str:
    """``容积率 ≥ 1.20（standards.csv 第3行）`` or its English form."""
    low, high, source = bound
    signs = ("≥", "≤") if lang == 0 else (">=", "<=")
    digits = _digits(name, bound)
    parts = [
        f"{sign} {_value(name, v, lang, unit, digits)}"
        for sign, v in zip(signs, (low, high), strict=True)
        if v is not None
    ]
    where = f"（{source.zh}）" if lang == 0 else f" ({source.en})"
    return f"{_LABELS[name][0][lang]} {' '.join(parts)}{where}"


def _thresholds(bounds: Mapping[str, _Bound], unit: str = "", none: tuple[str, ...] = ()) -> Text:
    """Each bound with the source that set it, then the indicators with no standard.

    Examples
    --------
    >>> text = _thresholds({"plot_ratio": (1.2, None, Text("t.csv 第3行", "t.csv line 3"))},
    ...                    none=("investment_wan_per_ha",))
    >>> text.zh
    '容积率 ≥ 1.20（t.csv 第3行）；投资强度：无标准'
    >>> text.en
    'plot ratio >= 1.20 (t.csv line 3); investment: no standard'
    """
    zh = [_bound_text(n, b, 0, unit) for n, b in bounds.items()]
    en = [_bound_text(n, b, 1, unit) for n, b in bounds.items()]
    if none:
        zh.append("、".join(_LABELS[n][0][0] for n in none) + "：无标准")
        en.append(", ".join(_LABELS[n][0][1] for n in none) + ": no standard")
    return Text("；".join(zh) or "无", "; ".join(en) or "none")


def _names(names: list[str]) -> Text:
    """Indicators by name (``投资强度、容积率``)."""
    return Text(
        "、".join(_LABELS[n][0][0] for n in names), ", ".join(_LABELS[n][0][1] for n in names)
    )


def _facts_text(names: list[str], problems: Mapping[str, str]) -> Text:
    zh = [FACT_TITLES[n].zh + (f"（{problems[n]}）" if n in problems else "") for n in names]
    en = [FACT_TITLES[n].en + (f" ({problems[n]})" if n in problems else "") for n in names]
    return Text("、".join(zh), "; ".join(en))


_BOUND_TOLERANCE = 1e-9
"""Relative tolerance of a comparison with a bound: a value at its bound but for the rounding
of its arithmetic (1,470 m² of 4,900 m² is 29.999999999999996 %, 30 % is 30.000000000000004)
is at it, and passes."""


def below(value: float, bound: float) -> bool:
    """Whether ``value`` is below ``bound`` by more than rounding (:data:`_BOUND_TOLERANCE`).

    Examples
    --------
    >>> below(1_470.0 * (100.0 / 4_900.0), 100.0 * 0.3), below(29.98, 30.0), below(30.02, 30.0)
    (False, True, False)
    """
    return value < bound and not math.isclose(value, bound, rel_tol=_BOUND_TOLERANCE)


def above(value: float, bound: float) -> bool:
    """Whether ``value`` is above ``bound`` by more than rounding (:data:`_BOUND_TOLERANCE`).

    Examples
    --------
    >>> above(0.49 / 0.7, 0.7), above(0.71, 0.7)
    (False, True)
    """
    return value > bound and not math.isclose(value, bound, rel_tol=_BOUND_TOLERANCE)


def _failed(shown: Mapping[str, float], bounds: Mapping[str, _Bound]) -> list[str]:
    """The indicators outside their bounds, as reported (a value at its bound passes).

    Each value is rounded to the decimals it is written with (:func:`_digits`) first, so
    that a message never shows a failing value equal to its bound: 2,999.6 m² of 1 ha is
    建筑系数 "30.00%", which meets "≥ 30.00%".
    """
    failed = []
    for name, bound in bounds.items():
        low, high, _ = bound
        value = round(shown[name], _digits(name, bound))
        if (low is not None and below(value, low)) or (high is not None and above(value, high)):
            failed.append(name)
    return failed


def _missing(wanted: list[str], facts: StandardFacts, problems: dict[str, str]) -> list[str]:
    absent = [
        f for f in wanted if f in problems or (f not in facts.numbers and f not in facts.texts)
    ]
    return list(dict.fromkeys(absent))


def _exemption(inp: RuleInput, facts: StandardFacts) -> Text | None:
    """The exemption by part of the works the profile turns on and the site claims, or None."""
    part = facts.texts.get("site_part", "")
    if part and inp.in_types("exempt_inundation_types") and matches(part, INUNDATION_WORDS):
        return Text("属水利工程水库淹没区用地", "it is the inundation area of a water project")
    if part and inp.in_types("exempt_tower_base_types") and matches(part, TOWER_WORDS):
        return Text("属输电线路塔基用地", "it is the tower-base land of a power line")
    return None


def _below_size(inp: RuleInput, exempt_ha: float) -> Text | None:
    """Why the project is under the provincial size ``exempt_ha``, or None if it is not.

    The size is the project's (rules-2026 §G: 用地规模小于省定标准): a project of several
    sites is exempt only when they are, together, and the text names them. Compared as
    written, to 0.0001 ha: 1,999.99 m² is "0.2000 公顷", not under 0.2 ha.
    """
    area, project = inp.project_area()
    if exempt_ha <= 0.0 or round(area.ha, 4) >= exempt_ha:
        return None
    if project is None:
        return Text(f"小于 {exempt_ha:g} 公顷", f"it is smaller than {exempt_ha:g} ha")
    zh_ids, en_ids = "、".join(project.site_ids), ", ".join(project.site_ids)
    return Text(
        f"所属项目 {project.project_id} 各宗地（{zh_ids}）合计 {area.ha:.4f} 公顷，"
        f"小于 {exempt_ha:g} 公顷",
        f"its project {project.project_id} (sites {en_ids}) is {area.ha:.4f} ha in all, "
        f"smaller than {exempt_ha:g} ha",
    )


def _industrial(inp: RuleInput, facts: StandardFacts, values: dict[str, object]) -> Decision:
    """The industrial indices: the profile's bounds, replaced by the table's rows."""
    site, params = inp.site, inp.params
    bounds: dict[str, _Bound] = {
        "building_coefficient_pct": (
            100.0 * float(params.get("min_building_coefficient", 0.3)),
            None,
            _PROFILE,
        ),
        "office_share_pct": (None, 100.0 * float(params.get("max_office_share", 0.07)), _PROFILE),
    }
    for name, param in (("investment_wan_per_ha", "min_investment_wan_per_ha"),
                        ("plot_ratio", "min_plot_ratio")):  # fmt: skip
        if float(params.get(param, 0.0)) > 0:
            bounds[name] = (float(params[param]), None, _PROFILE)
    problems = dict(facts.problems)
    wanted: list[str] = []
    uncovered: list[str] = []
    table = params.get("standards_table")
    if isinstance(table, IndexTable) and any(r.table == "industry" for r in table.rows):
        wanted, uncovered = _table_bounds(table, facts, problems, bounds)
    wanted = [*wanted, *(_FACT_OF[n] for n in bounds), *problems]
    absent = _missing(wanted, facts, problems)
    if absent or site.area.m2 <= 0.0:
        values["facts_needed"] = _facts_text(absent, problems)
        return Decision("missing_facts", site.area, values)
    shown = indicators(facts.numbers, site.area.m2)
    values |= {k: v for k, v in shown.items() if k in values}
    values["indicators"] = _listed(shown, list(shown), bounds=bounds)
    unchecked = [n for n in uncovered if n not in bounds]
    none = tuple(
        n for n in ("investment_wan_per_ha", "plot_ratio") if n not in bounds and n not in unchecked
    )
    values["thresholds"] = _thresholds(bounds, none=none)
    failed = _failed(shown, bounds)
    if failed:
        values["failures"] = _listed(shown, failed, bounds=bounds)
        return Decision("over", site.area, values)
    if unchecked:
        # The table bounds these for the industry, but not for the site's grade.
        values["unchecked"] = _names(unchecked)
        values["industry_code"] = industry_code(facts.texts["industry_code"]) or ""
        values["land_grade"] = facts.texts.get("land_grade", "")
        values["standards_table"] = table.name if isinstance(table, IndexTable) else ""
        return Decision("industry_no_grade_index", site.area, values)
    green_limit = 100.0 * float(params.get("max_green_share", 0.0))
    if "green_share_pct" not in bounds and green_limit > 0:
        green = round(shown.get("green_share_pct", 0.0), _digits("green_share_pct"))
        if above(green, green_limit):
            values["failures"] = _listed(shown, ["green_share_pct"])
            return Decision("green_note", site.area, values)
    return Decision("within", site.area, values)


def _table_bounds(
    table: IndexTable, facts: StandardFacts, problems: dict[str, str], bounds: dict[str, _Bound]
) -> tuple[list[str], list[str]]:
    """Put the table's rows for the site's industry and grade into ``bounds``.

    Returns
    -------
    needed : list of str
        The facts the rows need (the industry code, the land grade).
    uncovered : list of str
        The indicators the table bounds for the site's industry, but for other grades only.
    """
    code_text = facts.texts.get("industry_code", "")
    grade_text = facts.texts.get("land_grade", "")
    code = industry_code(code_text) if code_text else None
    grade = land_grade(grade_text) if grade_text else None
    if code_text and code is None:
        problems["industry_code"] = f"{code_text!r} is not a GB/T 4754 code (2–4 digits)"
    if grade_text and grade is None:
        problems["land_grade"] = f"{grade_text!r} is not a land grade from 1 to 15"
    if code is None:
        return ["industry_code"], []
    needed, uncovered = [], []
    for name in INDUSTRY_INDICATORS:
        found = table.lookup("industry", table.industry_keys(code), name, grade)
        if found.grade_needed:
            needed.append("land_grade")
        elif found.row is not None:
            bounds[name] = (found.row.low, found.row.high, table.cite(found.row))
        elif found.grade_uncovered:
            uncovered.append(name)
    return needed, uncovered


def _sector(
    inp: RuleInput, facts: StandardFacts, table: IndexTable, values: dict[str, object]
) -> Decision:
    """A linear or sector project against the table's rows for its type and grade."""
    site, kind = inp.site, inp.site.facts.project_type
    grade = facts.texts.get("project_grade") or None
    bounds: dict[str, _Bound] = {}
    wanted: list[str] = []
    unit = ""
    for name in table.sector_indicators(kind):
        found = table.lookup("sector", [kind], name, grade)
        if found.grade_needed:
            wanted.append("project_grade")
        elif found.row is not None:
            bounds[name] = (found.row.low, found.row.high, table.cite(found.row))
            wanted.append(_FACT_OF[name])
            unit = found.row.unit or unit
    problems = dict(facts.problems)
    for fact in ("length_km", "scale"):
        if fact in wanted and facts.numbers.get(fact) == 0.0:
            problems[fact] = "0 is not a length or scale to divide by"
    absent = _missing(wanted, facts, problems)
    if absent:
        values["facts_needed"] = _facts_text(absent, problems)
        return Decision("missing_facts", site.area, values)
    if not bounds:
        # The table bounds the type, but none of its rows covers the site's grade.
        values["standards_table"] = table.name
        values["project_grade"] = grade or ""
        return Decision("no_grade_index", site.area, values)
    shown = {k: v for k, v in indicators(facts.numbers, site.area.m2).items() if k in bounds}
    values["indicators"] = _listed(shown, list(shown), unit, bounds)
    values["thresholds"] = _thresholds(bounds, unit)
    failed = _failed(shown, bounds)
    if failed:
        values["failures"] = _listed(shown, failed, unit, bounds)
        return Decision("sector_over", site.area, values)
    return Decision("sector_within", site.area, values)


_OWN_REPORT = Text(
    "无标准可依或突破标准的须开展节地评价",
    "where none exists or it is exceeded, a land-saving evaluation is needed",
)
"""Where the 节地评价 goes when the site takes no 耕地, 永久基本农田 or redline: its own report."""

_CHAPTER = Text("节约集约用地论证分析专章", "the chapter on economical and intensive land use")

_NOTICE = Text(
    "2022年《关于加强用地审批前期工作积极推进基础设施项目建设的通知》〔P〕",
    "the 2022 seven-ministry notice on preparatory work for land approval [P]",
)
"""The source of the one 专章 (rules-2026 §C), as the message cites it."""

_CHAPTER_LAYERS = (
    (
        "permanent_farmland",
        ("永久基本农田", "permanent farmland"),
        ("永久基本农田", "the farmland layer"),
    ),
    (
        "eco_redline",
        ("生态保护红线", "the ecological protection redline"),
        ("生态保护红线", "the redline layer"),
    ),
)
"""The layers besides the land-use survey whose land calls for the 专章: their kind, the land
as the message names it taken, and the layer as it names one not fully checked."""

_CULTIVATED_NAMES = (("耕地", "cultivated land"), ("土地利用现状", "the land-use survey"))


def _cultivated_state(inp: RuleInput) -> str:
    """Whether the site takes 耕地 as the ``cultivated_land`` rule counts it.

    ``taken`` (more than a sliver), ``clear`` or ``unseen`` (the survey leaves part of the
    site undescribed, so 耕地 may lie there). A site wholly on approved construction land
    takes none: its 耕地 was dealt with in that approval (:func:`wholly_approved`).
    """
    if wholly_approved(inp.layers_of_kind("approved_land"), inp.is_sliver) is not None:
        return "clear"
    layer = inp.layer
    cultivated = layer.classes_where("level1", (CULTIVATED,), inp.site.area.method)
    if inp.is_material(cultivated.m2, layer.width_where("level1", (CULTIVATED,))):
        return "taken"
    if undescribed(layer, inp.is_sliver) or outside_gap(inp) is not None:
        return "unseen"
    return "clear"


def land_saving(inp: RuleInput) -> Text:
    """Where the site's 节地评价 goes, as the ``no_index`` messages say it (``{land_saving}``).

    Its own report (:data:`_OWN_REPORT`), unless the project takes 耕地, 永久基本农田 or the
    ecological redline: then the one 节约集约用地论证分析专章 of the 2022 notice replaces
    the separate reports (rules-2026 §C), the evaluation goes into it and the text names
    what the site takes. The 专章 is one per project: a sister site of the same project
    (:attr:`~landcheck.rules.core.ProjectTotals.chapter_land`) that takes such land sends
    this site's evaluation there too, and the text names it. Where the survey, the farmland
    or the redline layer was not fully checked, of the site or a sister, and nothing taken
    was found, the report stays, and the text says the 专章 takes it if the project turns
    out to take such land.
    """
    states = [
        (_cultivated_state(inp), *_CULTIVATED_NAMES),
        *((layer_state(inp, kind), taken, layer) for kind, taken, layer in _CHAPTER_LAYERS),
    ]
    taken = [names for state, names, _ in states if state == "taken"]
    sisters = _sister_land(inp, "taken")
    if taken or sisters:
        why = _why_chapter(inp, taken, sisters)
        return Text(
            f"无标准可依或突破标准的，因{why.zh}，节地评价内容纳入{_CHAPTER.zh}（{_NOTICE.zh}："
            "以一个专章代替单独的选址论证、节地评价和补划报告），不另行编制节地评价报告",
            "where none exists or it is exceeded, the land-saving evaluation goes into "
            f"{_CHAPTER.en}, as {why.en} ({_NOTICE.en}: one chapter replaces the separate "
            "site-selection, land-saving and replacement reports); no separate land-saving "
            "evaluation report is needed",
        )
    unseen = [names for state, _, names in states if state == "unseen"]
    unseen_sisters = _sister_land(inp, "unseen")
    if not unseen and not unseen_sisters:
        return _OWN_REPORT
    what = _unchecked_text(inp, unseen, unseen_sisters)
    return Text(
        f"{_OWN_REPORT.zh}；{what.zh}，项目用地如涉及耕地、永久基本农田或生态保护红线，"
        f"节地评价内容纳入{_CHAPTER.zh}（{_NOTICE.zh}），不另行编制节地评价报告",
        f"{_OWN_REPORT.en}; as {what.en}, if the project takes cultivated land, permanent "
        f"farmland or the redline, the evaluation goes into {_CHAPTER.en} ({_NOTICE.en}) "
        "instead of a report of its own",
    )


_KIND_NAMES = {
    "land_use": (_CULTIVATED_NAMES[0], _CULTIVATED_NAMES[1]),
    **{kind: (taken, layer) for kind, taken, layer in _CHAPTER_LAYERS},
}
"""Each kind of the project's 专章 land: the land as named taken, the layer as named unchecked."""


def _sister_land(inp: RuleInput, state: str) -> dict[str, list[str]]:
    """The other sites of the project whose land is in ``state``: site id → kinds, in order."""
    project = inp.site.project
    if project is None:
        return {}
    found: dict[str, list[str]] = {}
    for kind, site, said in project.chapter_land:
        if said == state and site != inp.site.site_id and kind in _KIND_NAMES:
            found.setdefault(site, []).append(kind)
    return found


def _by_kinds(sisters: dict[str, list[str]]) -> list[tuple[tuple[str, ...], list[str]]]:
    """The sister sites grouped by the kinds they share, in the order first met."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for site, kinds in sisters.items():
        groups.setdefault(tuple(kinds), []).append(site)
    return list(groups.items())


def _why_chapter(inp: RuleInput, own: list[tuple[str, str]], sisters: dict[str, list[str]]) -> Text:
    """What the site and its sister sites take that calls for the one 专章, as text."""
    zh, en = [], []
    if own:
        zh.append(f"项目用地涉及{'、'.join(z for z, _ in own)}")
        en.append(f"the site takes {' and '.join(e for _, e in own)}")
    if sisters:
        parts = [
            (sites, [_KIND_NAMES[kind][0] for kind in kinds]) for kinds, sites in _by_kinds(sisters)
        ]
        named = _project_of(inp)
        zh.append(
            f"{named.zh}的"
            + "、".join(
                f"用地 {'、'.join(s)} 涉及{'、'.join(z for z, _ in land)}" for s, land in parts
            )
            + "（一个项目编制一个专章）"
        )
        en.append(
            " and ".join(
                f"site(s) {', '.join(s)} take {' and '.join(e for _, e in land)}"
                for s, land in parts
            )
            + f" of {named.en} (one chapter per project)"
        )
    return Text("，".join(zh), ", and ".join(en))


def _unchecked_text(
    inp: RuleInput, own: list[tuple[str, str]], sisters: dict[str, list[str]]
) -> Text:
    """The layers not fully checked, of the site and of its sister sites, as text."""
    zh, en = [], []
    if own:
        zh.append(f"{'、'.join(z for z, _ in own)}图层未能完整核查")
        en.append(f"{' and '.join(e for _, e in own)} could not be fully checked")
    named = _project_of(inp)
    for kinds, sites in _by_kinds(sisters):
        layers = [_KIND_NAMES[kind][1] for kind in kinds]
        unchecked = "、".join(z for z, _ in layers)
        zh.append(f"{named.zh}的用地 {'、'.join(sites)} 的{unchecked}图层未能完整核查")
        en.append(
            f"{' and '.join(e for _, e in layers)} could not be fully checked for site(s) "
            f"{', '.join(sites)} of {named.en}"
        )
    return Text("；".join(zh), ", and ".join(en))


def _project_of(inp: RuleInput) -> Text:
    """The site's project as the texts name it: 同一项目 P1."""
    project = inp.site.project
    project_id = project.project_id if project is not None else inp.site.site_id
    return Text(f"同一项目 {project_id} ", f"the same project {project_id}")


_SAY_WHERE = ("no_index", "no_grade_index", "industry_no_grade_index")
"""The outcomes whose message says where the 节地评价 goes (``{land_saving}``)."""


def _land_use_standard(inp: RuleInput) -> Decision:
    decision = _standard(inp)
    if decision.outcome not in _SAY_WHERE:
        return decision
    return Decision(
        decision.outcome, decision.area, {**decision.values, "land_saving": land_saving(inp)}
    )


def _standard(inp: RuleInput) -> Decision:
    site = inp.site
    exempt_ha = float(inp.params.get("exempt_below_ha", 0.0))
    values: dict[str, object] = {
        "building_coefficient_pct": math.nan,
        "office_share_pct": math.nan,
        "indicators": Text("无", "none"),
        "failures": Text("无", "none"),
        "facts_needed": NO_TEXT,
        "thresholds": Text("无", "none"),
        "exemption": NO_TEXT,
        "exempt_below_ha": exempt_ha,
        "standards_table": "",
        "project_grade": "",
        "unchecked": NO_TEXT,
        "industry_code": "",
        "land_grade": "",
    }
    facts = read_standard_facts(site.attributes)
    exemption = _exemption(inp, facts)
    if exemption is not None:
        values["exemption"] = exemption
        return Decision("exempt", site.area, values)
    if inp.in_types("industrial_types"):
        return _industrial(inp, facts, values)
    size = _below_size(inp, exempt_ha)
    if size is not None:
        values["exemption"] = size
        return Decision("exempt", site.area, values)
    table = inp.params.get("standards_table")
    if isinstance(table, IndexTable) and table.sector_indicators(site.facts.project_type):
        return _sector(inp, facts, table, values)
    return Decision("no_index", site.area, values)


_OUTCOMES = (
    "no_index",
    "exempt",
    "missing_facts",
    "over",
    "green_note",
    "within",
    "industry_no_grade_index",
    "sector_over",
    "sector_within",
    "no_grade_index",
)

LAND_USE_STANDARD = Evaluator(
    "land_use_standard",
    ("land_use",),
    _OUTCOMES,
    _land_use_standard,
    numbers=("building_coefficient_pct", "office_share_pct", "exempt_below_ha"),
    texts=(
        "indicators",
        "failures",
        "facts_needed",
        "thresholds",
        "exemption",
        "standards_table",
        "project_grade",
        "unchecked",
        "industry_code",
        "land_grade",
        "land_saving",
    ),
    params={
        "industrial_types": "types",
        "min_building_coefficient": "number",
        "max_office_share": "number",
        "max_green_share": "number",
        "min_investment_wan_per_ha": "number",
        "min_plot_ratio": "number",
        "exempt_below_ha": "number",
        "exempt_inundation_types": "types",
        "exempt_tower_base_types": "types",
        "standards_table": "table",
    },
    evidence=_OUTCOMES,
)

EVALUATORS = (LAND_USE_STANDARD,)
"""The land-use standard family (:data:`landcheck.rules.registry.FAMILIES`)."""
