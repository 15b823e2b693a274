"""Land: cultivated land, agricultural conversion, 征收 authority, whether 预审 is needed.

* ``cultivated_land``: 耕地 taken enters 占补平衡 (2024 reform: all occupation, 以补定占).
* ``agricultural_conversion``: only the 农用地 part is converted (LAL art. 44); inside
  planned construction land (实施条例 art. 23, by batch) or outside it (art. 24, 单独选址);
  planned construction land is read from the planning zones whose code table marks them
  ``planned_construction`` (城镇集中建设区, 村庄建设区), never from the urban boundary; the
  survey and the zones are not intersected, so the 农用地 outside planned land is known
  between a least and a most, and the mode is not known when they differ on it.
* ``expropriation``: who approves the 征收 (LAL art. 46), from the whole project's
  collective land (:func:`project_totals`, a pass over all sites before the rules).
* ``preexam_needed``: new construction land = site − land already approved
  (自然资规〔2019〕2号 §一).

A PV array (``pv_array_types``) is none of these: under 自然资办发〔2023〕12号 [P] only a PV
project's substations and management buildings are construction land, so the three checks
say ``pv_array`` for an array's site (:func:`_pv_array`). A type that may or may not be an
array (能源项目（未细分）) keeps the construction-land outcomes, the stricter reading, as the
``pv_siting`` rule asks it to declare its type. A project of ``development_types`` (工业,
商业, 商品住宅) expropriates collective land only as 成片开发 (LAL art. 45(1)(5)):
:func:`_development`.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import NamedTuple

import numpy as np

from landcheck.facts import ProjectFacts
from landcheck.measure import SiteLayer
from landcheck.profile import NO_TEXT, Profile, Text
from landcheck.rollup import CATEGORIES, CULTIVATED, CULTIVATED_KINDS
from landcheck.rules.core import (
    NOTHING_M2,
    Decision,
    Evaluator,
    ProjectTotals,
    RuleInput,
    in_types,
    involvement,
    land_use_gap,
    layer_state,
    reach_by,
    to_ha,
    undescribed,
)
from landcheck.units import M2_PER_HA, Area, AreaMethod, largest_remainder_round

__all__ = ["EVALUATORS", "project_totals", "pv_arrays"]

STATE_COUNCIL_CULTIVATED_HA = 35.0
"""LAL art. 46: 国务院 approves the 征收 of 耕地 outside permanent farmland over 35 ha."""

STATE_COUNCIL_OTHER_HA = 70.0
"""LAL art. 46: 国务院 approves the 征收 of other land over 70 ha."""


def _grades(layer: SiteLayer, method: AreaMethod) -> Text:
    """Cultivated land by quality grade (GDDB), net of field ridges; empty without grades.

    Only cultivated parcels' grades are in the feature table (a grade on a forest or
    housing parcel is no cultivated-land grade: :func:`landcheck.measure.measure_layer`
    leaves it out); pieces of one parcel shared with another feature of the layer are
    counted in full (the survey's parcels do not overlap). Every site's breakdown is made
    in one pass over the layer's feature table, the first time a site of the batch asks.
    """
    table = layer.feature_table
    if table is None or "grade" not in table.columns:
        return NO_TEXT

    def breakdowns() -> list[Text]:  # every site's, once per table and method
        # "3.0" is grade 3 (a number column read as text); "1.05" is no grade, not 15
        grades = [g.strip().removesuffix(".0") for g in table.texts("grade")]
        net = (table.columns[f"{method.value}_m2"] * table.columns["net_share"]).tolist()
        return [_by_grade(grades, net, rows) for rows in table.site_groups()]

    return table.by_position(("grades", method), breakdowns).get(layer.position, NO_TEXT)


def _by_grade(grades: list[str], net: list[float], rows: range) -> Text:
    """The text of one site's cultivated land by grade, from its ``rows`` of the feature table."""
    by_grade: dict[int, float] = {}
    for row in rows:
        grade = grades[row]
        if grade.isdigit():
            by_grade[int(grade)] = by_grade.get(int(grade), 0.0) + net[row]
    if not by_grade:
        return NO_TEXT
    items = sorted(by_grade.items())
    return Text(
        "；按耕地质量等别（GDDB）：" + "、".join(f"{g}等 {to_ha(a):.4f} 公顷" for g, a in items),
        "; by quality grade (GDDB): " + ", ".join(f"grade {g} {to_ha(a):.4f} ha" for g, a in items),
    )


def _kinds(paddy: float, irrigated: float, dry: float, unsplit: float, cultivated: float) -> Text:
    """The cultivated land's paddy, irrigated and dry land (ha), and what the codes leave unsplit.

    A parcel coded to level 1 alone (用地用海 2023 ``01`` 耕地) does not say which kind it
    is: its area (``unsplit``) is not "0 paddy" but land whose kind the codes do not give.
    The parts and the rest are rounded by largest remainder, so they add up to the total
    shown; a rest under half a unit shown is not said.

    Examples
    --------
    >>> _kinds(0.0, 0.0, 0.0, 0.9, 0.9).en
    'coded at level 1 only (01), not split into paddy, irrigated and dry land'
    >>> _kinds(0.5, 0.0, 0.0, 0.4, 0.9).en
    'paddy 0.5000 ha, irrigated 0.0000 ha, dry 0.0000 ha, and 0.4000 ha coded at level 1 \
only (01), not split into paddy, irrigated and dry land'

    Split in full, the kinds add up to the total as shown (thirds of 1 ha: not
    0.3333 three times):

    >>> _kinds(1 / 3, 1 / 3, 1 / 3, 0.0, 1.0).en
    'paddy 0.3334 ha, irrigated 0.3333 ha, dry 0.3333 ha'
    """
    if unsplit < 0.00005:  # under half a unit shown: nothing to say unsplit
        paddy, irrigated, dry = largest_remainder_round([paddy, irrigated, dry], 4, cultivated)
        unsplit = 0.0
    else:
        paddy, irrigated, dry, unsplit = largest_remainder_round(
            [paddy, irrigated, dry, unsplit], 4, cultivated
        )
    shown = (paddy, irrigated, dry)
    parts = Text(
        f"其中水田 {paddy:.4f} 公顷、水浇地 {irrigated:.4f} 公顷、旱地 {dry:.4f} 公顷",
        f"paddy {paddy:.4f} ha, irrigated {irrigated:.4f} ha, dry {dry:.4f} ha",
    )
    if unsplit <= 0.0:
        return parts
    rest = Text(
        "地类代码仅到一级（01 耕地），未区分水田、水浇地和旱地",
        "coded at level 1 only (01), not split into paddy, irrigated and dry land",
    )
    if sum(shown) <= 0.0:
        return rest
    return Text(
        f"{parts.zh}，另有 {unsplit:.4f} 公顷{rest.zh}",
        f"{parts.en}, and {unsplit:.4f} ha {rest.en}",
    )


_KIND_CODES = (*CULTIVATED_KINDS, CULTIVATED)
"""The code-table codes of paddy, irrigated and dry land, and of 耕地 coded at level 1 only."""


def wholly_approved(views: Iterable[SiteLayer], is_sliver: Callable[..., bool]) -> Area | None:
    """The site's approved land when one approved-land layer covers all of it, else None.

    Land already approved for construction by law had its conversion, its 征收 and its
    cultivated land's compensation approved with it (自然资规〔2019〕2号 §一: no 预审 either).
    Layers split into files that cover the site only together are not added up: the
    checks then take the site as new land (the stricter reading).
    """
    for view in views:
        if not view.available or view.overlap.m2 <= 0.0:
            continue
        rest = view.uncovered.m2
        if rest <= 0.0 or is_sliver(rest, view.uncovered_width_m):
            return view.overlap
    return None


def _sea_use(inp: RuleInput, method: AreaMethod) -> Text:
    """The part of the site in no 三大类 (用地用海 2023 sea use, 18–22 and 24), as a list item.

    Sea areas are no land: LAL art. 4 divides land alone, so no conversion applies, and
    the message names them so that its parts add up to the site.
    """
    ha = to_ha(inp.layer.classes_where("category", CATEGORIES, method, invert=True).m2)
    if round(ha, 4) <= 0.0:
        return NO_TEXT
    return Text(
        f"、用海 {ha:.4f} 公顷（不属农用地转用范围）",
        f" (besides {ha:.4f} ha of sea use, to which no land conversion applies)",
    )


def _approved_part(inp: RuleInput) -> Text:
    """The note on a site partly on approved construction land (empty: none, or all of it).

    The land-use layer's classes are not split by the approved land, so the figures stay
    those of the whole site (the stricter reading), and the note says how much of it was
    approved.
    """
    approved = [
        v.overlap
        for v in inp.layers_of_kind("approved_land")
        if v.available and inp.is_material(v.overlap.m2, v.max_width_m)
    ]
    if not approved:
        return NO_TEXT
    ha = max(a.ha for a in approved)
    return Text(
        f"（其中 {ha:.4f} 公顷位于依法批准的建设用地范围内，已随该用地的批准办理；"
        "上述面积为整个项目用地的，未予扣除）",
        f" ({ha:.4f} ha of the site lie on construction land already approved by law, dealt "
        "with in that approval; the figures above are of the whole site, not net of it)",
    )


def _cultivated_land(inp: RuleInput) -> Decision:
    """耕地 taken, net of field ridges: by kind as coded, and what is coded at level 1 only.

    ``paddy_ha``, ``irrigated_ha`` and ``dry_ha`` are the land coded 0101, 0102 and 0103;
    ``unsplit_ha`` the land coded ``01`` alone, which may be of any kind.
    """
    method = inp.site.area.method
    approved = wholly_approved(inp.layers_of_kind("approved_land"), inp.is_sliver)
    if approved is not None:
        return Decision("approved_land", approved, {})
    gap = land_use_gap(inp)
    if gap:
        return Decision("incomplete", inp.layer.uncovered, {"reason": gap})
    layer = inp.layer
    cultivated = layer.classes_where("level1", (CULTIVATED,), method)
    kinds = {
        f"{name}_ha": to_ha(layer.classes_where("table_code", (code,), method).m2)
        for name, code in zip(("paddy", "irrigated", "dry", "unsplit"), _KIND_CODES, strict=True)
    }
    values: dict[str, object] = {
        **kinds,
        "tiankan_ha": to_ha(layer.classes_where("level1", (CULTIVATED,), method, ridges=True).m2),
        "kinds": _kinds(*kinds.values(), to_ha(cultivated.m2)),
        "approved_part": _approved_part(inp),
    }
    values["grades"] = _grades(layer, method)
    width = layer.width_where("level1", (CULTIVATED,))
    outcome = involvement(inp, cultivated, width) or "compensate"
    return Decision(outcome, cultivated, values)


_PILOT = Text(
    "；国发〔2020〕4号委托试点的省份，以委托规定为准",
    "; in a province entrusted under Guo Fa [2020] No. 4 as a pilot, as the entrustment provides",
)
"""The one exception to the State Council converting permanent farmland: 国发〔2020〕4号 entrusts
that approval to pilot provinces [V; their list not verified in full], so the message names the
entrustment, not the provinces."""

_APPROVERS = {
    "state_council": Text(
        f"国务院（涉及永久基本农田{_PILOT.zh}）",
        f"the State Council (permanent farmland is taken{_PILOT.en})",
    ),
    "single_site": Text(
        "国务院或者国务院授权的省、自治区、直辖市人民政府（国发〔2020〕4号）",
        "the State Council or the provincial government it authorises (Guo Fa [2020] No. 4)",
    ),
    "batch": Text(
        "原批准国土空间规划的机关或者其授权的机关（按批次）",
        "the authority that approved the plan, or the one it authorises (in batches)",
    ),
}
"""Who approves a conversion (LAL art. 44 paras 2-4; 国发〔2020〕4号), by what is known."""

_UNSEEN = {
    "single_site": Text("省级人民政府", "the province"),
    "batch": Text(
        "原批准国土空间规划的机关或者其授权的机关（按批次）",
        "the authority that approved the plan (in batches)",
    ),
}
"""Who approves a conversion of land that is not permanent farmland, when that is not known."""

_UNDETERMINED = ("conversion", "project_undetermined")
"""Outcomes whose conversion may be by batch or of a project sited on its own."""


def _sisters(inp: RuleInput, sites: Iterable[str]) -> tuple[str, ...]:
    """Those of ``sites`` that are other sites of the site's project taking new land.

    Neither those wholly on approved land nor PV arrays (no construction land) take any.
    """
    project = inp.site.project
    if project is None or len(project.site_ids) < 2:
        return ()
    own, approved, arrays = inp.site.site_id, project.approved_sites, project.array_sites
    return tuple(site for site in sites if site != own and site not in approved | arrays)


def _project_farmland(inp: RuleInput, own: str) -> tuple[str, tuple[str, ...]]:
    """Whether the site's project takes permanent farmland, and the sister sites that tell.

    A project sited on its own is approved as one (实施条例 arts. 24-25): permanent
    farmland anywhere in it sends its conversion to the State Council.
    """
    project = inp.site.project
    if own == "taken" or project is None:
        return own, ()
    taking = _sisters(inp, project.farmland_sites)
    if taking:
        return "taken", taking
    if own == "unseen":  # said of the site itself
        return own, ()
    unseen = _sisters(
        inp, (site for kind, site in project.unchecked if kind == "permanent_farmland")
    )
    return ("unseen", unseen) if unseen else (own, ())


def _approver_for(inp: RuleInput, mode: str, farmland: str, sites: tuple[str, ...]) -> Text:
    """Who approves a conversion by ``mode`` (``batch``, ``single_site``), farmland as known.

    ``sites`` are the project's other sites whose farmland decides (empty: the site's own).
    """
    project_id = inp.site.project.project_id if inp.site.project is not None else ""
    named = Text("、".join(sites), ", ".join(sites))
    if farmland == "taken":
        if not sites:
            return _APPROVERS["state_council"]
        return Text(
            f"国务院（同一项目 {project_id} 的用地 {named.zh} 涉及永久基本农田{_PILOT.zh}）",
            f"the State Council (site(s) {named.en} of project {project_id} take permanent "
            f"farmland{_PILOT.en})",
        )
    if farmland == "unseen":
        other = _UNSEEN[mode]
        where = Text(
            f"同一项目 {project_id} 的用地 {named.zh} 的" if sites else "",
            f" for site(s) {named.en} of project {project_id}" if sites else "",
        )
        return Text(
            f"国务院（如涉及永久基本农田）或{other.zh}（{where.zh}永久基本农田图层未能完整核查，"
            "审批机关待定）",
            f"the State Council (if permanent farmland is involved) or {other.en} (the farmland "
            f"layer not fully checked{where.en}: approver undetermined)",
        )
    return _APPROVERS[mode]


def _approver(inp: RuleInput, outcome: str) -> Text:
    """Who approves the conversion (LAL art. 44; 国发〔2020〕4号), as far as it is known.

    By batch (实施条例 art. 23) the site's own farmland decides; a project sited on its
    own (art. 24) is approved as one, its farmland anywhere deciding. When the mode is
    not known, both are named unless they agree.
    """
    own = layer_state(inp, "permanent_farmland")
    batch = _approver_for(inp, "batch", own, ())
    single = _approver_for(inp, "single_site", *_project_farmland(inp, own))
    if outcome == "batch":
        return batch
    if outcome not in _UNDETERMINED or batch == single:
        return single
    return Text(
        f"{batch.zh}批准；如属单独选址，则由{single.zh}",
        f"{batch.en}; if it is sited on its own, by {single.en}",
    )


def _planned_construction(inp: RuleInput, method: AreaMethod) -> tuple[Area | None, Text | None]:
    """Planned construction land in the site (from the planning zones), or None and why not."""
    key = inp.params.get("planning_layer")
    layer = inp.layers.get(key) if key is not None else None
    return planned_in(layer, _planning_title(inp), method, inp.is_sliver)


def _planning_title(inp: RuleInput) -> Text:
    """The title of the rule's planning-zone layer."""
    key = inp.params.get("planning_layer")
    spec = inp.profile.layers.get(key) if key is not None else None
    return spec.title if spec is not None else Text("规划分区", "planning zones")


def planned_in(
    layer: SiteLayer | None,
    title: Text,
    method: AreaMethod,
    is_sliver: Callable[[float, float | None], bool],
) -> tuple[Area | None, Text | None]:
    """Planned construction land in a site's view of a planning layer, or None and why not.

    Not known when the zones leave part of the site undescribed (that part may or may not
    be planned construction land), when they cannot be read as planned construction land,
    as a zone whose code the table does not know may or may not be, and where a zone is
    given at level 1 only (04 城镇发展区 holds 0401, planned construction land, and 0402,
    which is not: its table marks it ``unknown``). Coverage is asked first: where no zone
    touches the site, the table has nothing of it to tell. ``title`` is the layer's. The
    urban-boundary rule reads it too, for the planned village land outside the boundary.
    """

    def is_material(area_m2: float, width_m: float | None) -> bool:
        return area_m2 > 0.0 and not is_sliver(area_m2, width_m)

    if layer is None or not layer.available:
        return None, Text(f"{title.zh}图层未能使用", f"the {title.en} layer could not be used")
    if is_material(layer.uncovered.m2, layer.uncovered_width_m):
        m2 = layer.uncovered.m2
        return None, Text(
            f"{title.zh}图层有 {m2:.2f} 平方米未覆盖项目用地",
            f"the {title.en} layer does not cover {m2:.2f} m² of the site",
        )
    table = layer.class_table
    if table is None or "planned_construction" not in table.columns:
        return None, Text(
            f"{title.zh}图层的代码表未标明规划建设用地",
            f"the code table of the {title.en} layer does not mark planned construction land",
        )
    if layer.unresolved_codes:
        return None, Text(
            f"{title.zh}图层含代码表未知的代码 {'、'.join(layer.unresolved_codes)}",
            f"the {title.en} layer has codes its table does not know "
            f"({', '.join(layer.unresolved_codes)})",
        )
    undivided = ("unknown",)  # a level-1 zone: its sub-zones differ
    area = layer.classes_where("planned_construction", undivided, method)
    if is_material(area.m2, layer.width_where("planned_construction", undivided)):
        rows = layer.class_rows  # read as lists: a frame per site cost 0.8 ms
        hit = rows.isin("planned_construction", undivided)
        codes = rows.keys_where("planned_construction", undivided)
        named = [n for n, h in zip(rows.texts("name"), hit, strict=True) if h]
        english = rows.texts("name_en") or rows.texts("name")
        named_en = [n for n, h in zip(english, hit, strict=True) if h]
        zh = "、".join(f"{c} {n}" for c, n in zip(codes, named, strict=True))
        en = ", ".join(f"{c} {n}" for c, n in zip(codes, named_en, strict=True))
        return None, Text(
            f"{title.zh}图层中的 {zh}仅为一级分区、未细分到二级",
            f"the {title.en} layer gives {en} at level 1 only, not divided into its level-2 zones",
        )
    return layer.classes_where("planned_construction", ("yes",), method), None


def _outside_bounds(
    agricultural_m2: float, planned_m2: float, site_m2: float
) -> tuple[float, float]:
    """The least and the most of a site's agricultural land outside planned construction land.

    The land-use survey and the planning zones are not intersected: the site's
    agricultural land (m²) may lie anywhere in it, so at least what the planned land
    cannot hold of it lies outside, at most all of it or all of the site outside.

    Examples
    --------
    Half the site agricultural land, half planned land: none to all of it outside.

    >>> _outside_bounds(5_000.0, 5_000.0, 10_000.0)
    (0.0, 5000.0)
    >>> _outside_bounds(8_000.0, 5_000.0, 10_000.0), _outside_bounds(8_000.0, 10_000.0, 10_000.0)
    ((3000.0, 5000.0), (0.0, 0.0))
    """
    outside = max(0.0, site_m2 - planned_m2)
    return max(0.0, agricultural_m2 - planned_m2), min(agricultural_m2, outside)


def _conversion_mode(
    planned: Area | None,
    site_m2: float,
    agricultural_m2: float,
    outside_width: Callable[[], float | None],
    is_sliver: Callable[[float, float | None], bool],
) -> str:
    """How a site's agricultural land (more than a sliver) is converted, by the site alone.

    ``conversion`` (the planning zones cannot tell), ``batch`` (inside planned
    construction land, 实施条例 art. 23), ``batch_sliver`` (but for a thin strip outside:
    a suspected boundary error), ``single_site`` (art. 24) or ``open``: the layers not
    intersected, the agricultural land outside planned land is known between a least
    and a most (:func:`_outside_bounds`), and they give different modes. Only the
    agricultural land's place decides (LAL art. 44): construction land outside planned
    land makes no project sited on its own.
    """
    if planned is None:
        return "conversion"
    least, most = _outside_bounds(agricultural_m2, planned.m2, site_m2)
    if most < NOTHING_M2:
        return "batch"
    width = outside_width()
    if is_sliver(most, width):
        return "batch_sliver"
    if least >= NOTHING_M2 and not is_sliver(least, width):
        return "single_site"
    return "open"


def _open_gap(inp: RuleInput, agricultural_m2: float, planned_m2: float) -> Text:
    """Why a site's mode is ``open``: the layers not intersected, and the two bounds (ha)."""
    least, most = _outside_bounds(agricultural_m2, planned_m2, inp.site.area.m2)
    title = _planning_title(inp)
    return Text(
        f"农用地与{title.zh}图层未逐块叠加，农用地位于规划确定的城市和村庄、集镇建设用地范围外的"
        f"面积介于 {to_ha(least):.4f} 与 {to_ha(most):.4f} 公顷之间",
        f"the agricultural land is not intersected with the {title.en} layer parcel by parcel, "
        f"and at least {to_ha(least):.4f} and at most {to_ha(most):.4f} ha of it lie outside "
        "the planned construction land of towns and villages",
    )


def _pv_array(inp: RuleInput, values: Callable[[], Mapping[str, object]]) -> Decision | None:
    """``pv_array`` for a site whose project type is a PV array's (``pv_array_types``), else None.

    自然资办发〔2023〕12号 [P]: a PV project's substations and management buildings are
    construction land; the array's land is not, so it is neither converted nor expropriated
    nor new construction land, whatever land it stands on. ``values()`` are those of the
    outcome a profile that lists the types without defining ``pv_array`` words it as
    (``Evaluator.fallbacks``); a profile written before lists none.
    """
    if not inp.in_types("pv_array_types"):
        return None
    return Decision("pv_array", inp.site.area, values())


def _array_or(
    others: tuple[str, ...], facts: ProjectFacts, params: Mapping[str, object], profile: Profile
) -> tuple[str, ...]:
    """The outcomes a project of these facts comes to: ``pv_array`` alone for an array's type."""
    return ("pv_array",) if in_types(facts, params, "pv_array_types") else others


_TOTALS_CHECKS = ("agricultural_conversion", "expropriation", "preexam_needed")
"""The checks that read a site's project totals and hold PV arrays apart (``pv_array_types``)."""


def pv_arrays(profile: Profile, facts: Sequence[ProjectFacts]) -> list[bool]:
    """Which sites are PV arrays that :func:`project_totals` leaves out of their project's sums.

    A site whose project type every rule of the checks that read the totals
    (:data:`_TOTALS_CHECKS`) lists in ``pv_array_types``: each of them then says
    ``pv_array`` for it, and counts it in none of its sums. A profile whose rules list no
    type leaves out no site.

    Examples
    --------
    >>> from landcheck.io.profiles import load_profile
    >>> pv_arrays(load_profile(), [ProjectFacts("pv_array"), ProjectFacts("pv_facilities")])
    [True, False]
    """
    lists = [
        frozenset(rule.params.get("pv_array_types") or ())
        for rule in profile.rules
        if rule.check in _TOTALS_CHECKS
    ]
    types = frozenset.intersection(*lists) if lists else frozenset()
    return [f.project_type is not None and f.project_type in types for f in facts]


def _agricultural_conversion(inp: RuleInput) -> Decision:
    method = inp.site.area.method
    array = _pv_array(
        inp,
        lambda: {"construction_ha": _construction_ha(inp), "sea_use": _sea_use(inp, method)},
    )
    if array is not None:
        return array
    approved = wholly_approved(inp.layers_of_kind("approved_land"), inp.is_sliver)
    if approved is not None:
        return Decision("approved_land", approved, {})
    gap = land_use_gap(inp)
    if gap:
        return Decision("incomplete", inp.layer.uncovered, {"reason": gap})
    agricultural = inp.layer.classes_where("category", ("农用地",), method)
    construction = inp.layer.classes_where("category", ("建设用地",), method)
    unused = inp.layer.classes_where("category", ("未利用地",), method)
    planned, planning_gap = _planned_construction(inp, method)
    outside_m2 = max(0.0, inp.site.area.m2 - planned.m2) if planned is not None else 0.0
    project = inp.site.project
    values: dict[str, object] = {
        "construction_ha": to_ha(construction.m2),
        "unused_ha": to_ha(unused.m2),
        "planned_ha": to_ha(planned.m2) if planned is not None else 0.0,
        "outside_planned_ha": to_ha(outside_m2),
        "planning_gap": planning_gap or NO_TEXT,
        "approved_part": _approved_part(inp),
        "sea_use": _sea_use(inp, method),
        "outside_sliver": NO_TEXT,
        "project_id": project.project_id if project is not None else inp.site.site_id,
        "sites": NO_TEXT,
    }
    outcome = involvement(inp, agricultural, inp.layer.width_where("category", ("农用地",)))
    if outcome is None:
        outcome = _conversion_mode(
            planned,
            inp.site.area.m2,
            agricultural.m2,
            lambda: _outside_planned_width(inp),
            inp.is_sliver,
        )
        if outcome == "open" and planned is not None:
            outcome = "conversion"
            values["planning_gap"] = _open_gap(inp, agricultural.m2, planned.m2)
        if outcome == "batch_sliver":
            outcome = "batch"
            values["outside_sliver"] = Text(
                f"另有 {outside_m2:.2f} 平方米的细小部分位于规划建设用地范围外，"
                "疑似边界误差，修正后复核。",
                f" Another {outside_m2:.2f} m² lie outside the planned construction land in a "
                "thin strip: a suspected boundary error; correct the boundary and recheck.",
            )
        outcome = _project_mode(inp, outcome, values)
    values["approver"] = _approver(inp, outcome)
    if outcome == "not_involved" and unused.m2 > 0.0:
        return Decision("unused_only", unused, values)
    return Decision(outcome, agricultural, values)


def _construction_ha(inp: RuleInput) -> float:
    """The site's existing construction land (ha), which ``not_involved`` states."""
    return to_ha(inp.layer.classes_where("category", ("建设用地",), inp.site.area.method).m2)


def _project_mode(inp: RuleInput, mode: str, values: dict[str, object]) -> str:
    """The site's conversion as part of its project (实施条例 arts. 24-25: one application).

    A project any of whose sites takes agricultural land outside planned construction
    land is sited on its own, every site of it (``project_single_site``, naming those
    sites); a site inside it whose sister site the data cannot place leaves the
    project's mode not known (``project_undetermined``, saying why).
    """
    project = inp.site.project
    if mode == "single_site" or project is None or not project.conversion:
        return mode
    key = inp.params.get("planning_layer")
    here = [(site, state) for k, site, state in project.conversion if k == key]
    sisters = set(_sisters(inp, (site for site, _ in here)))
    states = [(site, state) for site, state in here if site in sisters]
    outside = tuple(site for site, state in states if state == "single_site")
    unsure = [(site, state) for site, state in states if state != "single_site"]
    if outside:
        values["sites"] = Text("、".join(outside), ", ".join(outside))
        return "project_single_site"
    if unsure and mode == "batch":
        values["sites"] = Text("、".join(s for s, _ in unsure), ", ".join(s for s, _ in unsure))
        values["planning_gap"] = _sister_gap(inp, project.project_id, unsure)
        return "project_undetermined"
    return mode


def _sister_gap(inp: RuleInput, project_id: str, unsure: list[tuple[str, str]]) -> Text:
    """Why the project's sister sites cannot be placed inside or outside planned land."""
    planning, survey = _planning_title(inp), _title(inp, inp.layer.key)
    said = {
        "zones": Text(
            f"的{planning.zh}图层未能完整描述", f"the {planning.en} layer does not fully describe"
        ),
        "land_use": Text(
            f"的{survey.zh}图层未能完整描述", f"the {survey.en} layer does not fully describe"
        ),
        "overlay": Text(
            f"的农用地与{planning.zh}图层未逐块叠加",
            f"the {planning.en} layer is not intersected with the agricultural land of",
        ),
    }
    zh, en = [], []
    for state, why in said.items():
        sites = [site for site, reason in unsure if reason == state]
        if sites:
            zh.append(f"用地 {'、'.join(sites)} {why.zh}")
            en.append(f"{why.en} site(s) {', '.join(sites)}")
    return Text(
        f"同一项目 {project_id} 的{'、'.join(zh)}",
        f"{' and '.join(en)} of the same project {project_id}",
    )


def _outside_planned_width(inp: RuleInput) -> float | None:
    """The largest width of the site's parts the planning zones leave outside planned land."""
    key = inp.params.get("planning_layer")
    return _outside_width(inp.layers.get(key) if key is not None else None)


def _outside_width(layer: SiteLayer | None) -> float | None:
    """The largest width of the parts of a site's planning view outside planned land.

    The zones not planned for construction, those given at level 1 only (``unknown``:
    outside what is known to be planned land, a strip of them no wider than a sliver's
    is one like any other), and the part no zone covers; None when the planning layer
    gives no widths (then an area alone tells a sliver).
    """
    if layer is None or not layer.available:
        return None
    widths = [layer.width_where("planned_construction", ("no", "unknown"))]
    if layer.uncovered.m2 > 0.0 and layer.uncovered_width_m is not None:
        widths.append(layer.uncovered_width_m)
    return max(widths)


def _conversion_states(
    views: Sequence[SiteLayer],
    site_id: str,
    method: AreaMethod,
    is_sliver: Callable[[float, float | None], bool],
) -> list[tuple[str, str, str]]:
    """Whether a site makes its project sited on its own, by each planning layer.

    ``(layer key, site id, state)`` where the site's agricultural land lies outside
    planned construction land (``single_site``) or may (``zones``, ``land_use``: the
    layer that cannot tell; ``overlay``: the two layers, not intersected, leave it
    between a least and a most); nothing where it takes none there.
    """
    land_use = next((v for v in views if v.kind == "land_use"), None)
    known = land_use is not None and land_use.available and not undescribed(land_use, is_sliver)
    planning = [view for view in views if view.kind == "planning_zone"]
    agricultural_m2 = None  # not known: it may be all of the site
    if known:
        agricultural = land_use.classes_where("category", ("农用地",), method)
        agricultural_m2 = agricultural.m2
        width = land_use.width_where("category", ("农用地",))
        if agricultural.m2 <= 0.0 or is_sliver(agricultural.m2, width):
            if not _beyond(land_use, is_sliver):
                return []
            # its own check is not known either: agricultural land may lie beyond
            return [(view.key, site_id, "land_use") for view in planning]
    states = []
    for view in planning:
        planned, _ = planned_in(view, NO_TEXT, method, is_sliver)
        site_m2 = view.overlap.m2 + view.uncovered.m2
        mode = _conversion_mode(
            planned,
            site_m2,
            site_m2 if agricultural_m2 is None else agricultural_m2,
            lambda v=view: _outside_width(v),
            is_sliver,
        )
        if mode == "conversion":
            states.append((view.key, site_id, "zones"))
        elif mode == "single_site":
            states.append((view.key, site_id, "single_site" if known else "land_use"))
        elif mode == "open":
            states.append((view.key, site_id, "overlay"))
    return states


def _collective(
    view: SiteLayer, method: AreaMethod, cultivated: bool | None, kind: str = "collective"
) -> float | None:
    """Collective net area of a site's land use (耕地 only, other only, or all).

    ``kind="unowned"``: the area whose ownership code is neither collective nor state.
    None when the survey has no ownership field.
    """
    table = view.class_table
    column = f"{kind}_{method.value}_m2"
    if table is None or column not in table.columns:
        return None
    if "level1" not in table.columns:
        cultivated = None

    def sums() -> np.ndarray:  # every site's, once per table: each its rows' own sum()
        values = table.columns[column]
        if cultivated is None:
            return table.site_sums(values, np.ones(len(values), dtype=bool))
        is_cultivated = table.isin("level1", ("01",))
        return table.site_sums(values, is_cultivated if cultivated else ~is_cultivated)

    return table.by_position((kind, column, cultivated), sums).get(view.position, 0.0)


def project_totals(
    site_ids: Sequence[str],
    project_ids: Sequence[str],
    views: Sequence[Mapping[str, SiteLayer]],
    method: AreaMethod,
    is_sliver: Callable[[float, float | None], bool] = lambda area, width: False,
    shared: Callable[[list[int]], float] = lambda positions: 0.0,
    arrays: Sequence[bool] | None = None,
) -> list[ProjectTotals]:
    """Each site's project totals (sites with one project id summed), for LAL art. 46 and 预审.

    A site without a project id is its own project. Permanent farmland and the redline
    count whatever their ownership (the ministry examines a project taking either); 耕地
    outside farmland and other land count only where collective (三调 QSXZ), and are not
    known (``ownership_known`` False) when no site's survey has an ownership field. What
    is newly expropriated (the approved ground of a site partly on approved land taken
    out, land of unknown ownership either way, farmland on collective land) is known
    between a least and a most (:class:`ProjectTotals` ``*_range``,
    ``farmland_collective``). A site whose survey leaves part of it undescribed
    (uncovered, or of unknown codes) leaves the sums incomplete. ``is_sliver(area_m2,
    width_m)`` tells a boundary-precision sliver, which is not counted.
    ``shared(positions)`` is the ground the sites at those positions share, in m²
    (:attr:`ProjectTotals.overlap_m2`). A project's sites are listed in id order,
    whatever their order in the batch. One project applies once (实施条例 art. 25): the
    totals also record the sites that take permanent farmland, those whose farmland or
    redline was not fully checked, those wholly on approved land and, for a project of
    several sites, those whose agricultural land lies (or may lie) outside planned
    construction land, for the conversion and 预审 checks of every site of the project.
    ``arrays`` marks the sites of a PV array's type (:func:`pv_arrays`): no construction
    land (自然资办发〔2023〕12号 [P]), they are left out of every sum and list and named
    (:attr:`ProjectTotals.array_sites`) for the messages to say so.

    Examples
    --------
    >>> from landcheck.measure import unavailable_layer
    >>> area = Area(10_000.0, 10_000.0)
    >>> views = [{"land_use": unavailable_layer("land_use", "land_use", "none", area)}]
    >>> [t.ownership_known for t in project_totals(["S1"], [""], views, AreaMethod.PLANAR)]
    [False]
    """
    groups: dict[str, list[int]] = {}
    for position, (site_id, project_id) in enumerate(zip(site_ids, project_ids, strict=True)):
        groups.setdefault(project_id or f"\0{site_id}", []).append(position)
    by_position: dict[int, ProjectTotals] = {}
    for key, positions in groups.items():
        farmland = redline = cultivated = other = unowned = 0.0
        ranges: list[_Ranges] = []
        gaps: list[tuple[str, str, str]] = []
        known = False
        farmland_sites: list[str] = []
        unchecked: list[tuple[str, str]] = []
        approved_sites: set[str] = set()
        approved_unknown: list[tuple[str, str, str]] = []
        conversion: list[tuple[str, str, str]] = []
        chapter: list[tuple[str, str, str]] = []
        array_sites = {site_ids[p] for p in positions if arrays is not None and arrays[p]}
        for position in positions:
            site_id, here = site_ids[position], list(views[position].values())
            if site_id in array_sites:
                continue  # no construction land: neither converted, expropriated nor examined
            land_use = next((v for v in here if v.kind == "land_use"), None)
            farmland_views = [v for v in here if v.kind == "permanent_farmland"]
            # every farmland layer's (a profile may split it into files), whatever the survey
            taken = _taken(farmland_views, is_sliver)
            farmland += taken
            if taken > 0.0:
                farmland_sites.append(site_id)
            redline += _taken([v for v in here if v.kind == "eco_redline"], is_sliver)
            unchecked += _unchecked(here, site_id, is_sliver)
            approved = [v for v in here if v.kind == "approved_land"]
            whole = wholly_approved(approved, is_sliver) is not None
            chapter += _chapter_land(here, site_id, method, is_sliver, whole)
            if whole:
                approved_sites.add(site_id)
                continue  # its 征收 came with the approval of the land
            if len(positions) > 1:  # a site alone is its own check's
                conversion += _conversion_states(here, site_id, method, is_sliver)
                approved_unknown += _layer_gaps(approved, site_id, is_sliver)
            farmland_gaps = _farmland_gaps(farmland_views, site_id, is_sliver)
            coll_cultivated = (
                _collective(land_use, method, True) if land_use and land_use.available else None
            )
            if coll_cultivated is None:
                usable = land_use is not None and land_use.available
                what = "no_ownership" if usable else "unusable"
                gaps += farmland_gaps
                gaps.append((what, land_use.key if land_use else "land_use", site_id))
                ranges.append(_Ranges((0.0, 0.0), (0.0, 0.0), (0.0, taken), 0.0, 0.0))
                continue
            known = True
            coll_other = _collective(land_use, method, False) or 0.0
            site_unowned = _collective(land_use, method, None, "unowned") or 0.0
            described = not undescribed(land_use, is_sliver)
            may_be_collective = coll_cultivated + coll_other + site_unowned
            if not described or (
                may_be_collective > 0.0 and not is_sliver(may_be_collective, None)
            ):
                # farmland on collective land is at most the ground that may be collective:
                # on a site all of state land, what the farmland layer says changes nothing
                gaps += farmland_gaps
            if not described:
                gaps.append(("undescribed", land_use.key, site_id))
            cultivated += coll_cultivated  # farmland on 耕地 or not: the totals cannot tell
            other += coll_other
            unowned += site_unowned
            ranges.append(_site_ranges(land_use, approved, taken, method))
        ids = tuple(sorted((site_ids[p] for p in positions), key=_in_number_order))
        overlap = shared(positions) if len(positions) > 1 else 0.0
        totals = ProjectTotals(
            project_id=key if not key.startswith("\0") else ids[0],
            site_ids=ids,
            farmland_m2=farmland,
            redline_m2=redline,
            ownership_known=known,
            cultivated_m2=cultivated,
            other_m2=other,
            overlap_m2=overlap,
            summed_overlap_m2=_summed_overlap(
                positions, site_ids, approved_sites | array_sites, overlap, shared
            ),
            unowned_m2=unowned,
            gaps=tuple(gaps),
            cultivated_range=_summed([r.cultivated for r in ranges]),
            other_range=_summed([r.other for r in ranges]),
            approved_m2=sum(r.approved for r in ranges),
            approved_collective_m2=sum(r.approved_collective for r in ranges),
            farmland_collective=_summed([r.farmland for r in ranges]),
            farmland_sites=tuple(sorted(farmland_sites, key=_in_number_order)),
            unchecked=tuple(sorted(unchecked, key=lambda u: _in_number_order(u[1]))),
            approved_sites=frozenset(approved_sites) if approved_sites else _NO_SITES,
            approved_unknown=tuple(approved_unknown),
            conversion=tuple(sorted(conversion, key=lambda c: _in_number_order(c[1]))),
            array_sites=frozenset(array_sites) if array_sites else _NO_SITES,
            chapter_land=tuple(sorted(chapter, key=lambda c: _in_number_order(c[1]))),
        )
        for position in positions:
            by_position[position] = totals
    return [by_position[position] for position in range(len(site_ids))]


def _summed_overlap(
    positions: list[int],
    site_ids: Sequence[str],
    left_out: set[str],
    overlap: float,
    shared: Callable[[list[int]], float],
) -> float:
    """The ground shared by the project's sites the 征收 sums count (m², planar).

    ``overlap`` is that of all its sites: the sites ``left_out`` (wholly on approved land,
    PV arrays) are not in the sums, so what they share is counted once (or not at all).
    """
    summed = [p for p in positions if site_ids[p] not in left_out]
    if overlap <= 0.0 or len(summed) == len(positions):
        return overlap
    return shared(summed) if len(summed) > 1 else 0.0


class _Ranges(NamedTuple):
    """A site's newly expropriated land (m²), each kind as (least, most).

    ``approved`` is the site's ground on approved construction land (the least it may
    be), ``approved_collective`` the most of it that may lie on collective land.
    """

    cultivated: tuple[float, float]
    other: tuple[float, float]
    farmland: tuple[float, float]
    approved: float
    approved_collective: float


def _site_ranges(
    land_use: SiteLayer, approved: list[SiteLayer], farmland: float, method: AreaMethod
) -> _Ranges:
    """What a site not wholly on approved land may newly expropriate, from its survey's sums.

    The survey's classes are not split by the approved land, nor by the farmland: the
    approved ground and the farmland may lie on any of the site's land, and land of
    unknown ownership may be state or collective land. Approved-land layers that
    overlap each other cover at least the largest of their overlaps and at most their
    sum (the site's area at most).
    """
    cultivated = _collective(land_use, method, True) or 0.0
    other = _collective(land_use, method, False) or 0.0
    unowned = _collective(land_use, method, None, "unowned") or 0.0
    unowned_cultivated = _collective(land_use, method, True, "unowned") or 0.0
    site = land_use.overlap.m2 + land_use.uncovered.m2
    overlaps = [v.overlap.m2 for v in approved if v.available and v.overlap.m2 > 0.0]
    least, most = max(overlaps, default=0.0), min(site, sum(overlaps))
    collective = cultivated + other
    state = max(0.0, land_use.overlap.m2 - collective - unowned)
    return _Ranges(
        cultivated=_range(cultivated, unowned_cultivated, site, least, most),
        other=_range(other, unowned - unowned_cultivated, site, least, most),
        farmland=(max(0.0, farmland - (site - collective) - most), min(farmland, site - state)),
        approved=least,
        approved_collective=min(most, collective),
    )


def _range(
    collective: float, unowned: float, site: float, least: float, most: float
) -> tuple[float, float]:
    """The least and the most of a kind of collective land a site newly expropriates (m²).

    The least: the approved ground (``most`` of it) all on this land, land of unknown
    ownership (``unowned``) state land. The most: the approved ground (``least`` of
    it) on the site's other ground as far as that goes, land of unknown ownership
    collective.

    Examples
    --------
    36 ha of collective 耕地, 2 ha of it approved: 34 ha. With 4 ha of state land beside,
    the approved 2 ha may lie there: 34 to 36 ha.

    >>> _range(360_000.0, 0.0, 360_000.0, 20_000.0, 20_000.0)
    (340000.0, 340000.0)
    >>> _range(360_000.0, 0.0, 400_000.0, 20_000.0, 20_000.0)
    (340000.0, 360000.0)
    """
    elsewhere = site - collective - unowned
    return (
        collective - min(most, collective),
        collective + unowned - max(0.0, least - elsewhere),
    )


_NO_SITES: frozenset[str] = frozenset()
"""No sites: one object for the projects (10,000 in a batch of sites standing alone) with none."""

_NO_RANGE = (0.0, 0.0)
"""A range of nothing, one object for every project whose range it is."""


def _summed(ranges: list[tuple[float, float]]) -> tuple[float, float]:
    """Ranges added up: the sum of the least, the sum of the most (one object for nothing).

    >>> _summed([(1.0, 2.0), (0.5, 0.5)]), _summed([(0.0, 0.0)]) is _summed([])
    ((1.5, 2.5), True)
    """
    low, high = sum(low for low, _ in ranges), sum(high for _, high in ranges)
    if low == 0.0 and high == 0.0:
        return _NO_RANGE
    return (low, high)


def _taken(views: list[SiteLayer], is_sliver: Callable[[float, float | None], bool]) -> float:
    """What a site takes of the layers of these views (m²), slivers left out."""
    return sum(
        v.overlap.m2
        for v in views
        if v.available and v.overlap.m2 > 0.0 and not is_sliver(v.overlap.m2, v.max_width_m)
    )


def _farmland_gaps(
    views: list[SiteLayer], site_id: str, is_sliver: Callable[[float, float | None], bool]
) -> list[tuple[str, str, str]]:
    """What of a site's farmland layers keeps the project's totals from being complete."""
    if not views:
        return [("unusable", "", site_id)]
    return _layer_gaps(views, site_id, is_sliver)


def _layer_gaps(
    views: list[SiteLayer], site_id: str, is_sliver: Callable[[float, float | None], bool]
) -> list[tuple[str, str, str]]:
    """``(unusable | beyond, layer key, site id)`` of each view that does not tell of the site.

    Of a site's approved-land layers: what leaves it unknown whether it takes new land (a
    site not wholly on approved land may yet be, where a layer could not be used or more
    than a sliver of the site lies beyond what it describes).
    """
    return [
        ("unusable" if not view.available else "beyond", view.key, site_id)
        for view in views
        if not view.available or _beyond(view, is_sliver)
    ]


def _unchecked(
    views: list[SiteLayer], site_id: str, is_sliver: Callable[[float, float | None], bool]
) -> list[tuple[str, str]]:
    """The ministry's layers (farmland, redline) that do not fully tell of a site.

    ``(kind, site id)`` for each kind without a layer, with a layer not usable, or with
    more than a sliver of the site beyond what a layer describes.
    """
    found = []
    for kind, _, _ in _MINISTRY_LAYERS:
        of_kind = [v for v in views if v.kind == kind]
        if not of_kind or any(not v.available or _beyond(v, is_sliver) for v in of_kind):
            found.append((kind, site_id))
    return found


def _chapter_land(
    views: list[SiteLayer],
    site_id: str,
    method: AreaMethod,
    is_sliver: Callable[[float, float | None], bool],
    approved: bool,
) -> list[tuple[str, str, str]]:
    """What of 耕地, permanent farmland and the redline a site takes or may take (the 专章's land).

    ``(kind, site id, taken | unseen)``, nothing for a kind the site surely does not take.
    耕地 as the ``cultivated_land`` rule counts it: none on a site wholly on approved land
    (``approved``: its 耕地 went with that approval); not known without a usable survey, or
    where it leaves part of the site undescribed or beyond what it describes. Farmland and
    redline not known without a usable layer, or with part of the site beyond one.
    """
    found = []
    surveys = [v for v in views if v.kind == "land_use"]
    if not approved:

        def cultivated(view: SiteLayer) -> bool:
            area = view.classes_where("level1", (CULTIVATED,), method).m2
            return area > 0.0 and not is_sliver(area, view.width_where("level1", (CULTIVATED,)))

        state = _state(surveys, cultivated, lambda v: undescribed(v, is_sliver), is_sliver)
        if state is not None:
            found.append(("land_use", site_id, state))
    for kind, _, _ in _MINISTRY_LAYERS:
        of_kind = [v for v in views if v.kind == kind]
        state = _state(of_kind, lambda v: _taken([v], is_sliver) > 0.0, lambda v: False, is_sliver)
        if state is not None:
            found.append((kind, site_id, state))
    return found


def _state(
    views: list[SiteLayer],
    takes: Callable[[SiteLayer], bool],
    gap: Callable[[SiteLayer], bool],
    is_sliver: Callable[[float, float | None], bool],
) -> str | None:
    """``taken`` when a usable view ``takes``, ``unseen`` when the views do not tell, else None.

    They do not tell without a view, with one not usable, one with a ``gap``, or with more
    than a sliver of the site beyond what one describes.
    """
    usable = [v for v in views if v.available]
    if any(takes(v) for v in usable):
        return "taken"
    if not views or len(usable) < len(views):
        return "unseen"
    if any(gap(v) or _beyond(v, is_sliver) for v in views):
        return "unseen"
    return None


def _in_number_order(site_id: str) -> list[str | int]:
    """A sort key putting ``S2`` before ``S10``: the id's runs of digits compared as numbers.

    >>> sorted(["S10", "S2", "S1-b", "S1-a"], key=_in_number_order)
    ['S1-a', 'S1-b', 'S2', 'S10']
    """
    return [int(run) if i % 2 else run for i, run in enumerate(re.split(r"(\d+)", site_id))]


def _beyond(view: SiteLayer, is_sliver: Callable[[float, float | None], bool]) -> bool:
    """Whether more than a sliver of the site lies where the view's layer describes nothing."""
    outside = view.outside.m2
    return outside > 0.0 and not is_sliver(outside, view.outside_width_m)


def _expropriation(inp: RuleInput) -> Decision:
    array = _pv_array(inp, lambda: dict.fromkeys(("approved_part", "unowned", "ranges"), NO_TEXT))
    if array is not None:
        return array
    return _development(inp, _approver_decision(inp))


def _approver_decision(inp: RuleInput) -> Decision:
    """Who approves the 征收 of the site's project (LAL art. 46), or why it cannot be told."""
    totals = inp.site.project
    method = inp.site.area.method
    approved = wholly_approved(inp.layers_of_kind("approved_land"), inp.is_sliver)
    if approved is not None:
        return Decision("approved_land", approved, {})
    if totals is None or not totals.ownership_known:
        return Decision("no_ownership", inp.site.area, {})
    if totals.summed_overlap_m2 > 0.0:  # summed, the shared ground counts twice
        once = _counted_once(totals)
        if _beyond_province(inp, totals) and not _beyond_province(inp, once):
            return Decision(
                "sites_overlap",
                inp.site.area,
                {
                    "sites": _summed_names(totals),
                    "project_id": totals.project_id,
                    "overlap_m2": totals.summed_overlap_m2,
                },
            )
        totals = once
    gap = land_use_gap(inp)
    area = Area(
        _collective(inp.layer, AreaMethod.PLANAR, None) or 0.0,
        _collective(inp.layer, AreaMethod.ELLIPSOIDAL, None) or 0.0,
        method,
    )
    farmland_low, farmland_high = totals.farmland_collective
    farmland_unknown = not inp.is_material(farmland_low) and inp.is_material(farmland_high)
    if inp.is_material(farmland_low):
        return Decision("state_council_farmland", area, _values(inp, totals, least=True))
    if not _may_stay_with_province(totals):  # over 35 or 70 ha whatever the ranges hold
        return Decision("state_council", area, _values(inp, totals, least=True))
    reasons = _gap_texts(inp, totals.gaps, inp.site.site_id if gap else None)
    if gap:
        title = _title(inp, inp.layer.key)
        reasons.insert(
            0,
            Text(
                f"{title.zh}图层未能完整覆盖项目用地或含未知代码（{gap.zh}）",
                f"the {title.en} layer does not fully describe the site ({gap.en})",
            ),
        )
    if farmland_unknown:
        reasons.append(_farmland_doubt(farmland_high))
    if _may_exceed(totals):
        reasons += _range_doubts(inp, totals)
    if reasons:
        return Decision("incomplete", inp.layer.uncovered, {"reason": _joined(reasons)})
    values = _values(inp, totals, least=False)
    low = totals.cultivated_range[0] + totals.other_range[0]
    if low <= 0.0 and not inp.is_material(totals.cultivated_range[1] + totals.other_range[1]):
        return Decision("not_involved", area, values)
    return Decision("province", area, values)


_DEVELOPMENT = {
    "province": "province_development",
    "state_council": "state_council_development",
    "state_council_farmland": "state_council_farmland_development",
}
"""Each approver's twin for 成片开发, which adds its approved plan to the documents."""

_DEVELOPMENT_OUTCOMES = (*_DEVELOPMENT.values(), "development_outside")
"""The outcomes only a project of ``development_types`` comes to."""


def _development(inp: RuleInput, decision: Decision) -> Decision:
    """The 征收 of a 成片开发 project's collective land (LAL art. 45(1)(5)), or ``decision``.

    A project of ``development_types`` (工业, 商业, 商品住宅: none of art. 45(1)(1)–(4))
    expropriates collective land only as 成片开发, inside the planned urban construction land.
    A site that takes collective land of its own gets its approver's twin
    (:data:`_DEVELOPMENT`), ``development`` saying where it lies against the urban boundary
    (``boundary_layer``); or ``development_outside`` when some of its collective land must
    lie outside the boundary (the survey and the boundary are not intersected: the
    collective land less the ground inside the boundary or beyond what it describes).
    """
    twin = _DEVELOPMENT.get(decision.outcome)
    if twin is None or not inp.in_types("development_types"):
        return decision
    collective = Area(
        _collective(inp.layer, AreaMethod.PLANAR, None) or 0.0,
        _collective(inp.layer, AreaMethod.ELLIPSOIDAL, None) or 0.0,
        inp.site.area.method,
    )
    if not inp.is_material(collective.m2):
        return decision
    key = inp.params.get("boundary_layer")
    boundary = inp.layers.get(key) if key is not None else None
    if boundary is None or not boundary.available:
        reason = (
            boundary.reason
            if boundary is not None
            else "本规则未指定城镇开发边界图层 / no boundary layer is set for this rule"
        )
        position = _boundary_unknown(reason)
        return Decision(twin, decision.area, {**decision.values, "development": position})
    beyond = boundary.outside.m2
    outside = max(0.0, boundary.uncovered.m2 - beyond)
    certain = _surely_outside(collective, inp.site.area, boundary)
    if inp.is_material(certain.m2):
        values = {
            **decision.values,
            "collective_ha": collective.ha,
            "outside_collective_ha": certain.ha,
            "outside_ha": to_ha(outside),
        }
        return Decision("development_outside", certain, values)
    position = _boundary_position(inp, boundary, outside, beyond)
    return Decision(twin, decision.area, {**decision.values, "development": position})


def _surely_outside(collective: Area, site: Area, boundary: SiteLayer) -> Area:
    """The least of a site's collective land that lies outside the boundary, by each method.

    The collective land less the rest of the site: the ground inside the boundary and the
    ground beyond what the boundary layer describes (either may be collective).

    Examples
    --------
    1 ha of collective land, 0.4 ha inside the boundary: at least 0.6 ha outside.

    >>> from landcheck.measure import SiteLayer
    >>> site = Area(10_000.0, 10_000.0)
    >>> inside, outside = Area(4_000.0, 4_000.0), Area(6_000.0, 6_000.0)
    >>> view = SiteLayer("u", "urban_boundary", overlap=inside, uncovered=outside)
    >>> _surely_outside(site, site, view).planar_m2
    6000.0
    """

    def least(collective_m2: float, site_m2: float, uncovered_m2: float, beyond_m2: float) -> float:
        return max(0.0, collective_m2 - (site_m2 - max(0.0, uncovered_m2 - beyond_m2)))

    uncovered, beyond = boundary.uncovered, boundary.outside
    return Area(
        least(collective.planar_m2, site.planar_m2, uncovered.planar_m2, beyond.planar_m2),
        least(
            collective.ellipsoidal_m2,
            site.ellipsoidal_m2,
            uncovered.ellipsoidal_m2,
            beyond.ellipsoidal_m2,
        ),
        site.method,
    )


def _boundary_unknown(reason: str) -> Text:
    """Where the site lies against the urban boundary, when the boundary layer is not used."""
    return Text(
        f"城镇开发边界图层未能使用（{reason}），无法判断项目用地是否位于城镇开发边界内；边界外的"
        "集体土地不能依成片开发征收。",
        f" The urban boundary layer could not be used ({reason}), so whether the site lies "
        "inside the urban development boundary is not known; collective land outside it cannot "
        "be expropriated as 成片开发.",
    )


def _boundary_position(inp: RuleInput, boundary: SiteLayer, outside: float, beyond: float) -> Text:
    """Where a site none of whose collective land surely lies outside the boundary lies."""
    if inp.is_material(outside, boundary.uncovered_width_m):
        ha = to_ha(outside)
        return Text(
            f"项目用地有 {ha:.4f} 公顷位于城镇开发边界外，土地利用现状图层未按城镇开发边界分割，"
            "其中是否有集体土地未能分出；边界外的集体土地不能依成片开发征收。",
            f" {ha:.4f} ha of the site lie outside the urban development boundary, by which the "
            "land-use layer is not split, so whether collective land lies there is not known; "
            "collective land outside the boundary cannot be expropriated as 成片开发.",
        )
    if inp.is_material(beyond, boundary.outside_width_m):
        ha = to_ha(beyond)
        return Text(
            f"项目用地有 {ha:.4f} 公顷位于城镇开发边界图层所描述的范围之外，是否位于边界内无法"
            "判断；边界外的集体土地不能依成片开发征收。",
            f" {ha:.4f} ha of the site lie beyond the area the urban boundary layer describes, "
            "so whether they lie inside the boundary is not known; collective land outside it "
            "cannot be expropriated as 成片开发.",
        )
    ha = to_ha(boundary.overlap.m2)
    return Text(
        f"项目用地位于城镇开发边界内（{ha:.4f} 公顷）；城镇开发边界内亦有非建设用地，是否位于规划"
        "确定的城镇建设用地范围内以规划为准。",
        f" The site lies inside the urban development boundary ({ha:.4f} ha); the boundary "
        "also holds land not planned for construction, so whether it lies in the planned urban "
        "construction land is for the plan to tell.",
    )


_EXPROPRIATIONS = (
    "not_involved",
    "province",
    "state_council",
    "state_council_farmland",
    "no_ownership",
    "sites_overlap",
)
"""The expropriation outcomes of any project but a PV array's."""


def _expropriation_outcomes(
    facts: ProjectFacts, params: Mapping[str, object], profile: Profile
) -> tuple[str, ...]:
    """The expropriation outcomes a project of these facts comes to (the evaluator's ``reach``)."""
    if in_types(facts, params, "pv_array_types"):
        return ("pv_array",)
    if in_types(facts, params, "development_types"):
        return (*_EXPROPRIATIONS, *_DEVELOPMENT_OUTCOMES)
    return _EXPROPRIATIONS


def _counted_once(totals: ProjectTotals) -> ProjectTotals:
    """The totals with the ground the summed sites share possibly counted once, not twice.

    The sums count it twice (the most); the least sheds it from each kind of land, and
    from both kinds at once no more than it (as the approved ground, which it may be).
    """
    shared = totals.summed_overlap_m2

    def shed(span: tuple[float, float]) -> tuple[float, float]:
        return (max(0.0, span[0] - shared), span[1])

    return dataclasses.replace(
        totals,
        cultivated_range=shed(totals.cultivated_range),
        other_range=shed(totals.other_range),
        farmland_collective=shed(totals.farmland_collective),
        approved_collective_m2=totals.approved_collective_m2 + shared,
    )


def _beyond_province(inp: RuleInput, totals: ProjectTotals) -> bool:
    """Whether the project's least newly expropriated land is beyond the province's power."""
    return inp.is_material(totals.farmland_collective[0]) or not _may_stay_with_province(totals)


def _summed_names(totals: ProjectTotals) -> Text:
    """The sites the 征收 sums count: the project's not wholly on approved land nor arrays."""
    out = totals.approved_sites | totals.array_sites
    summed = [site for site in totals.site_ids if site not in out]
    return Text("、".join(summed), ", ".join(summed))


def _summed_and_left_out(totals: ProjectTotals) -> Text:
    """The sites summed, and those left out: wholly on approved land, or PV arrays.

    Examples
    --------
    >>> totals = ProjectTotals("P", ("S1", "S2", "S3"), approved_sites=frozenset({"S2"}),
    ...                        array_sites=frozenset({"S3"}))
    >>> print(_summed_and_left_out(totals).en)
    S1; site(s) S2 lie wholly on approved construction land, not counted; site(s) S3 are a \
PV array's land, no construction land (Zi Ran Zi Ban Fa [2023] No. 12), not counted
    """
    zh, en = [_summed_names(totals).zh], [_summed_names(totals).en]
    approved = [site for site in totals.site_ids if site in totals.approved_sites]
    if approved:
        zh.append(f"用地 {'、'.join(approved)} 全部位于依法批准的建设用地范围内，未计入")
        en.append(
            f"site(s) {', '.join(approved)} lie wholly on approved construction land, not counted"
        )
    arrays = [site for site in totals.site_ids if site in totals.array_sites]
    if arrays:
        named = "、".join(arrays)
        zh.append(f"用地 {named} 为光伏方阵用地，不属建设用地（自然资办发〔2023〕12号），未计入")
        en.append(
            f"site(s) {', '.join(arrays)} are a PV array's land, no construction land "
            "(Zi Ran Zi Ban Fa [2023] No. 12), not counted"
        )
    return Text("；".join(zh), "; ".join(en))


def _overlap_note(totals: ProjectTotals) -> Text | None:
    """Why the sums are known only within a range: the summed sites overlap (None: they don't)."""
    if totals.summed_overlap_m2 <= 0.0:
        return None
    names, m2 = _summed_names(totals), totals.summed_overlap_m2
    return Text(
        f"用地 {names.zh} 相互重叠 {m2:.2f} 平方米（重叠部分计一次或两次）",
        f"sites {names.en} overlap each other by {m2:.2f} m², counted once or twice",
    )


@functools.cache
def _allowed_m2(ha: float) -> float:
    """The most land (m²) within the province's power: ``ha`` compared as the figure prints.

    To 0.0001 ha (1 m²): 350,000.04 m² is "35.0000 ha", not over 35 ha; 350,000.5 m²
    prints "35.0001 ha" (35.00005 is stored a little above), over it.

    Examples
    --------
    >>> f"{_allowed_m2(35.0) / 1e4:.4f}", f"{350_000.5 / 1e4:.4f}"
    ('35.0000', '35.0001')
    >>> _allowed_m2(35.0) < 350_000.5
    True
    """
    limit = ha * M2_PER_HA + 0.5
    while float(f"{to_ha(limit):.4f}") > ha:  # a few steps: the figure rounds up at the half
        limit = math.nextafter(limit, 0.0)
    return limit


def _may_stay_with_province(totals: ProjectTotals) -> bool:
    """Whether the project's newly expropriated land may be within the province's power.

    Each kind's least has all the approved ground on it; both kinds at once can shed
    only as much as the approved ground that may lie on collective land.
    """
    cultivated, other = totals.cultivated_range[0], totals.other_range[0]
    cultivated_cut = max(0.0, totals.cultivated_m2 - _allowed_m2(STATE_COUNCIL_CULTIVATED_HA))
    other_cut = max(0.0, totals.other_m2 - _allowed_m2(STATE_COUNCIL_OTHER_HA))
    return (
        cultivated <= _allowed_m2(STATE_COUNCIL_CULTIVATED_HA)
        and other <= _allowed_m2(STATE_COUNCIL_OTHER_HA)
        and cultivated_cut + other_cut <= totals.approved_collective_m2
    )


def _may_exceed(totals: ProjectTotals) -> bool:
    """Whether the most the project may newly expropriate is beyond the province's power."""
    return totals.cultivated_range[1] > _allowed_m2(STATE_COUNCIL_CULTIVATED_HA) or (
        totals.other_range[1] > _allowed_m2(STATE_COUNCIL_OTHER_HA)
    )


def _values(inp: RuleInput, totals: ProjectTotals, least: bool) -> dict[str, object]:
    """The figures of a verdict: the least newly expropriated (``least``) or the most."""
    end = 0 if least else 1
    return {
        "farmland_ha": to_ha(totals.farmland_collective[0]),
        "cultivated_ha": to_ha(totals.cultivated_range[end]),
        "other_ha": to_ha(totals.other_range[end]),
        "sites": _summed_and_left_out(totals),
        "project_id": totals.project_id,
        "partial": _partial(inp, totals),
        "approved_part": _approved_total(inp, totals),
        "unowned": _unowned_note(totals),
        "ranges": _ranges_note(inp, totals, least),
    }


def _span(low_m2: float, high_m2: float) -> str:
    """A range of hectares as shown: ``34.0000–36.0000``, or one figure when they agree.

    >>> _span(340_000.0, 360_000.0), _span(340_000.0, 340_000.2)
    ('34.0000–36.0000', '34.0000')
    """
    low, high = f"{to_ha(low_m2):.4f}", f"{to_ha(high_m2):.4f}"
    return low if low == high else f"{low}–{high}"


def _approved_total(inp: RuleInput, totals: ProjectTotals) -> Text:
    """The note on the project's ground on approved land, left out (empty: none)."""
    if not inp.is_material(totals.approved_m2):
        return NO_TEXT
    ha = to_ha(totals.approved_m2)
    return Text(
        f"（项目用地中 {ha:.4f} 公顷位于依法批准的建设用地范围内，其征收已随该用地的批准办理，"
        "不计入上述面积）",
        f" ({ha:.4f} ha of the sites lie on construction land already approved by law, whose "
        "expropriation came with that approval: not counted above)",
    )


def _unowned_note(totals: ProjectTotals) -> Text:
    """The note on land of unknown ownership that does not change the approver (empty: none)."""
    if totals.unowned_m2 <= 0.0:
        return NO_TEXT
    m2 = totals.unowned_m2
    return Text(
        f"（另有 {m2:.2f} 平方米土地的权属性质（QSXZ）既非国有也非集体，按国有或集体土地计，"
        "审批机关均不变）",
        f" (the ownership (QSXZ) of {m2:.2f} m² is neither state nor collective: counted "
        "either way, the approver is the same)",
    )


def _ranges_note(inp: RuleInput, totals: ProjectTotals, least: bool) -> Text:
    """The note on figures the data give only within a range (empty: they are exact)."""
    spans = _spans(inp, totals)
    if not spans:
        return NO_TEXT
    end = Text("最小", "least") if least else Text("最大", "most")
    overlap = _overlap_note(totals)
    if overlap is not None:
        spans = Text(f"{overlap.zh}，{spans.zh}", f"{overlap.en}: {spans.en}")
    return Text(
        f"（{spans.zh}，上述面积取其{end.zh}值；无论取何值，审批机关不变）",
        f" ({spans.en}; the figures above are the {end.en}; whichever they are, the approver "
        "is the same)",
    )


def _spans(inp: RuleInput, totals: ProjectTotals) -> Text | None:
    """The project's land that is known only within a range, as text (None: none is)."""
    kinds = (
        (totals.cultivated_range, "集体耕地", "collective cultivated land"),
        (totals.other_range, "其他集体土地", "other collective land"),
        (
            totals.farmland_collective,
            "集体土地上的永久基本农田",
            "permanent farmland on collective land",
        ),
    )
    zh, en = [], []
    for (low, high), kind_zh, kind_en in kinds:
        if inp.is_material(high - low):
            zh.append(f"{kind_zh}可能为 {_span(low, high)} 公顷")
            en.append(f"{kind_en} may be {_span(low, high)} ha")
    return Text("、".join(zh), " and ".join(en)) if zh else None


def _farmland_doubt(high_m2: float) -> Text:
    """Why permanent farmland may or may not be expropriated: its ownership is not known."""
    ha = to_ha(high_m2)
    return Text(
        f"永久基本农田中至多 {ha:.4f} 公顷可能位于集体土地上（永久基本农田与土地利用现状图层"
        "未叠加，或土地权属性质不明），无法判断是否征收永久基本农田",
        f"up to {ha:.4f} ha of permanent farmland may lie on collective land (the farmland and "
        "land-use layers are not intersected, or the ownership is unknown), so whether "
        "permanent farmland is expropriated cannot be told",
    )


def _range_doubts(inp: RuleInput, totals: ProjectTotals) -> list[Text]:
    """Why the project's land may or may not be beyond the province's power, and its ranges."""
    texts = []
    if totals.unowned_m2 > 0.0:
        m2 = totals.unowned_m2
        texts.append(
            Text(
                f"{m2:.2f} 平方米土地的权属性质（QSXZ）既非国有（10、20）也非集体（30–34、40），"
                "无法判断是否须征收",
                f"the ownership (QSXZ) of {m2:.2f} m² is neither state (10, 20) nor collective "
                "(30–34, 40), so whether it is expropriated cannot be told",
            )
        )
    if inp.is_material(totals.approved_m2):
        ha = to_ha(totals.approved_m2)
        texts.append(
            Text(
                f"项目用地中 {ha:.4f} 公顷位于依法批准的建设用地范围内，土地利用现状图层未按其"
                "分割，无法分出其所占的地类",
                f"{ha:.4f} ha of the sites lie on approved construction land, by which the "
                "land-use layer's classes are not split, so the land it takes is not known",
            )
        )
    overlap = _overlap_note(totals)
    if overlap is not None:
        texts.append(overlap)
    cultivated = _span(*totals.cultivated_range)
    other = _span(*totals.other_range)
    texts.append(
        Text(
            f"新征收的集体耕地 {cultivated} 公顷、其他集体土地 {other} 公顷，跨越国务院批准权限"
            "（耕地超过35公顷、其他土地超过70公顷）",
            f"the collective cultivated land newly expropriated is {cultivated} ha and the other "
            f"collective land {other} ha, across the State Council's thresholds (cultivated land "
            "over 35 ha, other land over 70 ha)",
        )
    )
    return texts


def _title(inp: RuleInput, key: str) -> Text:
    """A layer's title in the profile (a missing farmland layer: 永久基本农田)."""
    spec = inp.profile.layers.get(key)
    return spec.title if spec is not None else Text("永久基本农田", "permanent farmland")


def _gap_texts(
    inp: RuleInput, gaps: Iterable[tuple[str, str, str]], told: str | None = None
) -> list[Text]:
    """``(what, layer key, site id)`` gaps as text, the sites of each kind and layer together.

    ``told`` is a site whose undescribed land is said apart (left out here).
    """
    sites: dict[tuple[str, str], list[str]] = {}
    for what, key, site_id in gaps:
        if what != "undescribed" or site_id != told:
            sites.setdefault((what, key), []).append(site_id)
    texts = []
    for (what, key), ids in sites.items():
        title = _title(inp, key)
        zh, en = "、".join(ids), ", ".join(ids)
        if what == "beyond":
            texts.append(
                Text(
                    f"用地 {zh} 有部分位于{title.zh}图层所描述的范围之外",
                    f"part of site(s) {en} lies beyond the area the {title.en} layer describes",
                )
            )
        elif what == "undescribed":
            texts.append(
                Text(
                    f"{title.zh}图层未能完整覆盖用地 {zh} 或含未知代码",
                    f"the {title.en} layer does not fully describe site(s) {en}",
                )
            )
        elif what == "no_ownership":
            texts.append(
                Text(
                    f"{title.zh}图层没有权属性质字段 QSXZ（用地 {zh}）",
                    f"the {title.en} layer has no ownership field, QSXZ (site(s) {en})",
                )
            )
        elif key:
            texts.append(
                Text(
                    f"{title.zh}图层未能使用（用地 {zh}）",
                    f"the {title.en} layer could not be used (site(s) {en})",
                )
            )
        else:
            texts.append(
                Text(f"没有{title.zh}图层（用地 {zh}）", f"no {title.en} layer (site(s) {en})")
            )
    return texts


def _joined(texts: list[Text]) -> Text:
    """Texts one after the other: ``；`` between the Chinese, ``; `` between the English."""
    return Text("；".join(t.zh for t in texts), "; ".join(t.en for t in texts))


def _partial(inp: RuleInput, totals: ProjectTotals) -> Text:
    """The note on totals that may be incomplete, naming what was missing (empty: complete)."""
    if not totals.gaps:
        return NO_TEXT
    missing = _joined(_gap_texts(inp, totals.gaps))
    return Text(
        f"（{missing.zh}，合计可能不完整）", f" ({missing.en}: the totals may be incomplete)"
    )


_LEVELS = {
    "national": Text("国家级", "national"),
    "provincial": Text("省级", "provincial"),
    "municipal": Text("市级", "municipal"),
    "county": Text("县级", "county"),
}


_MINISTRY_LAYERS = (
    ("permanent_farmland", "永久基本农田", "the farmland layer"),
    ("eco_redline", "生态保护红线", "the redline layer"),
)
"""The layers whose overlap sends the 预审 to the ministry (预审管理办法 art. 5)."""


def _examiner(inp: RuleInput) -> Text:
    """Who pre-examines: the ministry, or the level that approves the project.

    The ministry when permanent farmland or the redline is taken; else the level that
    approves (核准, 备案) the project, when it is declared. When a farmland or redline
    layer was not used, or part of the site lies beyond what it describes, whether the
    ministry examines is not known, and the text says so instead of naming a level.
    """
    unseen = []
    for kind, zh, en in _MINISTRY_LAYERS:
        views = inp.layers_of_kind(kind)
        for view in views:
            if view.available and inp.is_material(view.overlap.m2, view.max_width_m):
                return Text(
                    "自然资源部（涉及永久基本农田或生态保护红线）",
                    "the Ministry of Natural Resources (permanent farmland or the redline is "
                    "taken)",
                )
        if not views or any(not view.available or _beyond(view, inp.is_sliver) for view in views):
            unseen.append((zh, en, kind))
    project = inp.site.project
    if project is not None and len(project.site_ids) > 1:
        # one project, one application: examined where its farmland or redline sends it
        for taken, zh, en in (
            (project.farmland_m2, "永久基本农田", "permanent farmland"),
            (project.redline_m2, "生态保护红线", "the ecological protection redline"),
        ):
            if taken > 0.0:
                return Text(
                    f"自然资源部（同一项目 {project.project_id} 的用地涉及{zh}）",
                    f"the Ministry of Natural Resources (the sites of project "
                    f"{project.project_id} take {en})",
                )
    why = _unseen_text(unseen) + _sisters_unseen(inp, {kind for _, _, kind in unseen})
    if why:
        return Text(
            "自然资源部（如涉及永久基本农田或生态保护红线）或与项目审批、核准、备案同级的自然资源"
            f"主管部门（{'；'.join(t.zh for t in why)}，预审机关待定）",
            "the Ministry of Natural Resources (if permanent farmland or the redline is taken) "
            "or the authority at the project's approval level "
            f"({'; '.join(t.en for t in why)}: examiner undetermined)",
        )
    level = _LEVELS.get(inp.site.facts.approval_level or "")
    if level is None:
        return Text(
            "与项目审批、核准、备案同级的自然资源主管部门（未申报审批级别）",
            "the natural resources authority at the level that approves the project "
            "(approval level not declared)",
        )
    return Text(
        f"{level.zh}自然资源主管部门（与项目审批级别相同）",
        f"the {level.en} natural resources authority (the project's approval level)",
    )


def _unseen_text(unseen: list[tuple[str, str, str]]) -> list[Text]:
    """The site's own layers not fully checked, ``(zh, en, kind)``, as text (empty: none)."""
    if not unseen:
        return []
    return [
        Text(
            f"{'、'.join(zh for zh, _, _ in unseen)}图层未能完整核查",
            f"{' and '.join(en for _, en, _ in unseen)} not fully checked",
        )
    ]


def _sisters_unseen(inp: RuleInput, said: set[str]) -> list[Text]:
    """The project's other sites whose farmland or redline was not fully checked, as text.

    One project, one application (实施条例 art. 25): whether the ministry examines it
    turns on all its sites, those wholly on approved land too. Kinds the site's own
    text names already (``said``) are not said again for its sisters.
    """
    project = inp.site.project
    if project is None or len(project.site_ids) < 2 or len(said) == len(_MINISTRY_LAYERS):
        return []
    by_site: dict[str, list[str]] = {}
    for kind, site in project.unchecked:
        if site != inp.site.site_id and kind not in said:
            by_site.setdefault(site, []).append(kind)
    by_kinds: dict[tuple[str, ...], list[str]] = {}
    for site, kinds in by_site.items():
        by_kinds.setdefault(tuple(kinds), []).append(site)
    names = {kind: (zh, en) for kind, zh, en in _MINISTRY_LAYERS}
    texts = []
    for kinds, sites in by_kinds.items():
        zh = "、".join(names[k][0] for k in kinds)
        en = " and ".join(names[k][1] for k in kinds)
        texts.append(
            Text(
                f"同一项目 {project.project_id} 的用地 {'、'.join(sites)} 的{zh}图层未能完整核查",
                f"{en} not fully checked for site(s) {', '.join(sites)} of project "
                f"{project.project_id}",
            )
        )
    return texts


def _preexam_needed(inp: RuleInput) -> Decision:
    """New construction land = site − approved land; none: 预审 not required.

    A PV array's site is no construction land (``pv_array``). Without an approved-land
    layer (it is optional) the whole site is new land: ``unknown``, naming the examiner
    all the same (预审管理办法 art. 5: the ministry where permanent farmland or the
    redline is taken).
    """
    array = _pv_array(inp, lambda: _as_required(inp))
    if array is not None:
        return array
    if not inp.layer.available:
        return Decision(
            "unknown", inp.site.area, {"examiner": _examiner(inp), "reason": inp.layer.reason}
        )
    approved = inp.layer.overlap
    new = inp.layer.uncovered
    supply = inp.site.facts.land_supply
    values: dict[str, object] = {
        "examiner": _examiner(inp),
        "approved_ha": approved.ha,
        "new_ha": new.ha,
        "selection": Text(
            "以划拨方式供地的，仍须办理规划选址（核发用地预审与选址意见书中的选址部分）。"
            if supply == "allocation"
            else "以出让方式供地的，无需单独办理选址。"
            if supply == "transfer"
            else "未申报供地方式：以划拨方式供地的仍须办理规划选址。",
            "Land allocated (划拨) still needs the site-selection review."
            if supply == "allocation"
            else "Land transferred (出让) needs no separate site selection."
            if supply == "transfer"
            else "No land supply is declared: allocated (划拨) land still needs the "
            "site-selection review.",
        ),
    }
    project = inp.site.project
    values["project_id"] = project.project_id if project is not None else inp.site.site_id
    values["sites"] = NO_TEXT
    if new.m2 <= 0.0 or inp.is_sliver(new.m2, inp.layer.uncovered_width_m):
        return _project_preexam(inp, approved, values)
    return Decision("required", new, values)


def _as_required(inp: RuleInput) -> dict[str, object]:
    """The values of ``required``, which a profile without ``pv_array`` says in its place."""
    return {
        "examiner": _examiner(inp),
        "approved_ha": inp.layer.overlap.ha,
        "new_ha": inp.layer.uncovered.ha,
    }


def _project_preexam(inp: RuleInput, approved: Area, values: dict[str, object]) -> Decision:
    """The 预审 of a site wholly on approved land, as part of its project.

    自然资规〔2019〕2号 §一 spares a project on approved land, not a site of one that
    takes new land elsewhere (实施条例 art. 25: one project, one application):
    ``project_required`` names the sister sites that do; ``project_undetermined`` those
    whose approved-land layer cannot tell whether they do (when none surely does).
    """
    project = inp.site.project
    if project is None:
        return Decision("not_required", approved, values)
    doubts = [gap for gap in project.approved_unknown if gap[2] != inp.site.site_id]
    doubtful = {site for _, _, site in doubts}
    others = tuple(s for s in _sisters(inp, project.site_ids) if s not in doubtful)
    if others:
        values["sites"] = Text("、".join(others), ", ".join(others))
        return Decision("project_required", approved, values)
    if doubts:
        unsure = tuple(dict.fromkeys(site for _, _, site in doubts))
        values["sites"] = Text("、".join(unsure), ", ".join(unsure))
        values["reason"] = _joined(_gap_texts(inp, doubts))
        return Decision("project_undetermined", approved, values)
    return Decision("not_required", approved, values)


_CONVERSIONS = (
    "not_involved",
    "unused_only",
    "sliver",
    "batch",
    "single_site",
    "conversion",
    "project_single_site",
    "project_undetermined",
)
"""The conversion outcomes of any project but a PV array's."""

_PREEXAMS = ("required", "not_required", "project_required", "project_undetermined")
"""The 预审 outcomes of any project but a PV array's."""

EVALUATORS = (
    Evaluator(
        "cultivated_land",
        ("land_use",),
        ("not_involved", "sliver", "compensate"),
        _cultivated_land,
        numbers=("paddy_ha", "irrigated_ha", "dry_ha", "unsplit_ha", "tiankan_ha"),
        texts=("kinds", "grades", "approved_part"),
        evidence=("compensate",),
    ),
    Evaluator(
        "agricultural_conversion",
        ("land_use",),
        (*_CONVERSIONS, "pv_array"),
        _agricultural_conversion,
        numbers=("construction_ha", "unused_ha", "planned_ha", "outside_planned_ha"),
        texts=(
            "approver",
            "planning_gap",
            "approved_part",
            "sea_use",
            "outside_sliver",
            "project_id",
            "sites",
        ),
        params={"planning_layer": "layer", "pv_array_types": "types"},
        evidence=(
            "batch",
            "single_site",
            "conversion",
            "unused_only",
            "project_single_site",
            "project_undetermined",
            "pv_array",
        ),
        fallbacks={
            "project_single_site": "single_site",
            "project_undetermined": "conversion",
            "pv_array": "not_involved",
        },
        reach=reach_by(functools.partial(_array_or, _CONVERSIONS)),
    ),
    Evaluator(
        "expropriation",
        ("land_use",),
        (*_EXPROPRIATIONS, *_DEVELOPMENT_OUTCOMES, "pv_array"),
        _expropriation,
        numbers=(
            "farmland_ha",
            "cultivated_ha",
            "other_ha",
            "overlap_m2",
            "collective_ha",
            "outside_collective_ha",
            "outside_ha",
        ),
        texts=(
            "sites",
            "project_id",
            "partial",
            "approved_part",
            "unowned",
            "ranges",
            "development",
        ),
        params={
            "pv_array_types": "types",
            "development_types": "types",
            "boundary_layer": "layer",
        },
        evidence=(
            "state_council",
            "state_council_farmland",
            "state_council_development",
            "state_council_farmland_development",
            "development_outside",
            "pv_array",
        ),
        fallbacks={
            **{twin: approver for approver, twin in _DEVELOPMENT.items()},
            "development_outside": "province_development",
            "pv_array": "not_involved",
        },
        reach=reach_by(_expropriation_outcomes),
    ),
    Evaluator(
        "preexam_needed",
        ("approved_land",),
        (*_PREEXAMS, "pv_array"),
        _preexam_needed,
        numbers=("approved_ha", "new_ha"),
        texts=("selection", "examiner", "project_id", "sites"),
        params={"pv_array_types": "types"},
        evidence=("not_required", "project_required", "project_undetermined", "pv_array"),
        unknown_texts=("examiner",),
        fallbacks={
            "project_required": "required",
            "project_undetermined": "required",
            "pv_array": "required",
        },
        reach=reach_by(functools.partial(_array_or, _PREEXAMS)),
    ),
)
