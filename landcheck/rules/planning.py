"""Planning: the urban development boundary and conformity with the planning zones."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from landcheck.facts import ProjectFacts
from landcheck.labels import CONFORMITY
from landcheck.measure import SiteLayer
from landcheck.profile import NO_TEXT, Profile, Text
from landcheck.rules.core import (
    NOTHING_M2,
    Decision,
    Evaluator,
    RuleInput,
    in_types,
    involvement,
    land_use_gap,
    outside_gap,
    project_kind,
    reach_by,
    to_ha,
)
from landcheck.rules.land import planned_in
from landcheck.units import M2_PER_MU, Area, AreaMethod, largest_remainder_round, rest_shown

__all__ = ["EVALUATORS"]


def _outside(facts: ProjectFacts, params: Mapping[str, Any], profile: Profile) -> str:
    """The outcome of a site partly outside the boundary, by its project's type.

    ``permitted_outside`` for a type of the ``outside_groups`` or listed in ``outside_types``;
    ``not_permitted`` for any other, or none declared. Also what the facts let a project come
    to (``reach``): an expressway never to ``not_permitted``, a housing estate never to
    ``permitted_outside``.
    """
    kind = project_kind(facts, profile)
    permitted = kind is not None and (
        kind.group in (params.get("outside_groups") or ())
        or in_types(facts, params, "outside_types")
    )
    return "permitted_outside" if permitted else "not_permitted"


def _village_kind(facts: ProjectFacts, params: Mapping[str, Any]) -> str | None:
    """What a project's type comes to in planned village land outside the boundary.

    ``village`` for a type listed in ``village_types`` (a public service facility: the
    village plan places it), ``village_lists`` for one in ``village_list_types``
    (industry, commerce, housing: whether it is concentrated urban construction is for the
    village plan and the positive and negative lists), None for any other type, none
    declared, or a rule that names no planning layer (``planning_layer``).
    """
    if not params.get("planning_layer"):
        return None
    if in_types(facts, params, "village_types"):
        return "village"
    if in_types(facts, params, "village_list_types"):
        return "village_lists"
    return None


def _reach(facts: ProjectFacts, params: Mapping[str, Any], profile: Profile) -> tuple[str, ...]:
    """The outcomes a project's type comes to outside the boundary (the evaluator's ``reach``).

    :func:`_outside`'s; for a type not permitted outside that has a place in village land
    (:func:`_village_kind`), that place's outcome and ``village_unknown`` too.
    """
    outcome = _outside(facts, params, profile)
    kind = _village_kind(facts, params)
    if outcome == "permitted_outside" or kind is None:
        return (outcome,)
    return (outcome, kind, "village_unknown")


def _urban_boundary(inp: RuleInput) -> Decision:
    """Outside the boundary only the project types the 2026 measures leave outside it.

    《城镇开发边界管理办法（试行）》: no 新城新区, 开发区, 非农产业园区 or other concentrated
    urban construction outside the boundary; infrastructure, energy, mining, military,
    rural housing and the like may be outside. 村庄建设区 outside the boundary is planned
    construction land (实施条例 arts. 23-24): there a project of another type is judged by
    its place in village land (:func:`_in_village`). Whether the land needs 单独选址 is the
    conversion rule's (planned construction land), not this one's.

    Where part of the site lies beyond the area the layers describe, a part known to lie
    outside the boundary (within the described area) still decides ``not_permitted``: the
    conflict found stands, for that part alone (``beyond`` says the rest is not judged).
    """
    inside, outside = inp.layer.overlap, inp.layer.uncovered
    kind = project_kind(inp.site.facts, inp.profile)
    site = inp.site.area
    values = {  # the part outside as the tables show it: the site less the part inside
        "inside_ha": to_ha(inside.m2),
        "outside_ha": rest_shown(site.ha, to_ha(inside.m2), 4),
        "outside_mu": rest_shown(site.mu, inside.m2 / M2_PER_MU, 2),
        "outside_m2": rest_shown(site.m2, inside.m2, 2),
        "beyond": NO_TEXT,
        "declare": NO_TEXT
        if kind is not None
        else Text(
            "未申报项目类型，按不得在边界外建设处理；请申报项目类型（project_type）。",
            "No project type is declared, so it is taken as one that may not be built "
            "outside; declare project_type.",
        ),
        **_NO_VILLAGE,
    }
    if outside.m2 < NOTHING_M2:  # a rounding rest, "0.00 平方米"
        outcome = "inside"
    elif inside.m2 > 0.0 and inp.is_sliver(outside.m2, inp.layer.uncovered_width_m):
        outcome = "sliver"
    else:
        outcome = _outside(inp.site.facts, inp.params, inp.profile)
    if outcome == "not_permitted" and outside_gap(inp) is not None:
        return _known_outside(inp, values)
    if outcome == "not_permitted":
        return _in_village(inp, values) or Decision(outcome, outside, values)
    return Decision(outcome, outside, values)


_NO_VILLAGE: dict[str, object] = {
    "village": NO_TEXT,
    "village_zones": NO_TEXT,
    "in_village": NO_TEXT,
    "village_sliver": NO_TEXT,
    "village_least_ha": 0.0,
    "village_most_ha": 0.0,
}
"""The village values of a site whose part outside the boundary is not judged by village land."""

_IN_VILLAGE = {
    "village": Text("可按村庄规划选址", "the project may be sited as the village plan lays out"),
    "village_lists": Text(
        "是否属于集中成片城镇建设须依村庄规划和正负面清单判断",
        "whether the project is concentrated urban construction is for the village plan and "
        "the positive and negative lists to decide",
    ),
}
"""What a project may do in village land, by :func:`_village_kind`."""


def _in_village(inp: RuleInput, values: dict[str, object]) -> Decision | None:
    """The outcome of a site outside the boundary by its part in planned village land.

    Planned village land is the planning zones listed in ``village_zones`` (0501
    村庄建设区) that the zones' code table marks ``planned_construction``. The zones are
    not intersected with the boundary: of the part outside the boundary, at least
    outside − (site − village) and at most min(outside, village) lie in village land.
    More than a sliver surely outside village land: ``not_permitted`` for that part, the
    message saying what the rest may do (``village``); all of it in village land: the
    type's outcome (:func:`_village_kind`: ``village`` or ``village_lists``); the
    bounds apart: ``village_unknown``, with both. None (the outcome as without the zones)
    for a type with no place there, where the zones cannot tell planned construction land
    (:func:`~landcheck.rules.land.planned_in`), or where the site holds no more than a
    sliver of village land.
    """
    kind = _village_kind(inp.site.facts, inp.params)
    view = inp.layers.get(inp.params.get("planning_layer") or "")
    method = inp.site.area.method
    if kind is None or view is None or planned_in(view, NO_TEXT, method, inp.is_sliver)[0] is None:
        return None
    codes = _village_codes(view, inp.params)
    village = view.classes_where("table_code", codes, method)
    if not inp.is_material(village.m2, view.width_where("table_code", codes)):
        return None
    outside = inp.layer.uncovered
    least, most = _village_bounds(outside, inp.site.area, village)
    rest_width = _rest_width(view, codes)
    zones = _zones(view, ("table_code", codes), method)
    values = {
        **values,
        "village_zones": zones,
        "in_village": _IN_VILLAGE[kind],
        "village_least_ha": to_ha(least.m2),
        "village_most_ha": to_ha(most.m2),
    }
    rest = Area(
        outside.planar_m2 - most.planar_m2, outside.ellipsoidal_m2 - most.ellipsoidal_m2, method
    )
    if inp.is_material(rest.m2, rest_width):
        shown = float(values["outside_ha"])  # the part outside as the message shows it
        values["village"] = _village_note(least, most, shown, zones, _IN_VILLAGE[kind])
        return Decision("not_permitted", rest, values)
    unsure = outside.m2 - least.m2  # the most that may lie outside village land
    if inp.is_material(unsure, rest_width):
        return Decision("village_unknown", outside, values)
    if unsure >= NOTHING_M2:  # a sliver
        values["village_sliver"] = Text(
            f"另有 {unsure:.2f} 平方米的细小部分位于村庄建设用地外，疑似边界误差，修正后复核。",
            f" Another {unsure:.2f} m² lie outside the village land in a thin strip: a "
            "suspected boundary error; correct the boundary and recheck.",
        )
    return Decision(kind, outside, values)


def _planned_codes(view: SiteLayer) -> tuple[str, ...]:
    """The batch's zone codes the code table marks ``planned_construction`` (made once)."""
    table = view.class_table
    if table is None:
        return ()
    return table.distinct_where("table_code", "planned_construction", ("yes",))


def _village_codes(view: SiteLayer, params: Mapping[str, Any]) -> tuple[str, ...]:
    """The batch's codes of planned village land: in ``village_zones``, planned construction land.

    The same for every site, so the areas and widths they select are made once.
    """
    listed = set(params.get("village_zones") or ())
    return tuple(code for code in _planned_codes(view) if code in listed)


def _village_bounds(outside: Area, site: Area, village: Area) -> tuple[Area, Area]:
    """The least and the most of the part outside the boundary that lies in village land.

    From the totals alone: the village land may lie inside the boundary as far as the
    part inside goes, and fills the part outside at most.

    Examples
    --------
    Half the site outside, half of it village land: anywhere from none to all of the part
    outside; all of it village land, all of the part outside.

    >>> half, site = Area(5_000.0, 5_000.0), Area(10_000.0, 10_000.0)
    >>> [(a.m2, b.m2) for a, b in (_village_bounds(half, site, half),
    ...                            _village_bounds(half, site, site))]
    [(0.0, 5000.0), (5000.0, 5000.0)]
    """

    def bounds(outside_m2: float, site_m2: float, village_m2: float) -> tuple[float, float]:
        return max(0.0, outside_m2 - (site_m2 - village_m2)), min(outside_m2, village_m2)

    planar = bounds(outside.planar_m2, site.planar_m2, village.planar_m2)
    ellipsoidal = bounds(outside.ellipsoidal_m2, site.ellipsoidal_m2, village.ellipsoidal_m2)
    return (
        Area(planar[0], ellipsoidal[0], outside.method),
        Area(planar[1], ellipsoidal[1], outside.method),
    )


def _rest_width(view: SiteLayer, codes: tuple[str, ...]) -> float:
    """The largest width of the site's planning zones other than village land, and its gaps.

    Zones not planned for construction (or not known to be), planned zones not listed as
    village land (0401, inside the boundary by its kind) and the part no zone covers.
    """
    urban = tuple(code for code in _planned_codes(view) if code not in codes)
    widths = [
        view.width_where("planned_construction", ("no", "unknown")),
        view.width_where("table_code", urban),
    ]
    if view.uncovered.m2 > 0.0:
        widths.append(view.uncovered_width_m)
    return max(widths)


def _village_note(least: Area, most: Area, outside_ha: float, zones: Text, may: Text) -> Text:
    """What the part outside the boundary in village land may do, beside the part that may not.

    ``outside_ha`` is the part outside as the message shows it: the two parts add up to it.
    """
    rest = rest_shown(outside_ha, most.ha, 4)
    if f"{least.ha:.4f}" == f"{most.ha:.4f}":  # one figure, as shown
        return Text(
            f"其中 {most.ha:.4f} 公顷位于规划确定的村庄建设用地（项目用地中有{zones.zh}），"
            f"该部分{may.zh}；其余 {rest:.4f} 公顷位于村庄建设用地外，不得建设。",
            f" Of it, {most.ha:.4f} ha lie in planned village land (the site holds "
            f"{zones.en}): there {may.en}; the other {rest:.4f} ha lie outside it and may not "
            "be built on.",
        )
    return Text(
        f"其中位于规划确定的村庄建设用地（项目用地中有{zones.zh}）的面积在 {least.ha:.4f} 至 "
        f"{most.ha:.4f} 公顷之间（按两图层的面积推算，未作叠加），该部分{may.zh}；"
        f"至少 {rest:.4f} 公顷位于村庄建设用地外，不得建设。",
        f" Of it, between {least.ha:.4f} and {most.ha:.4f} ha lie in planned village land "
        f"(the site holds {zones.en}; from the two layers' totals, not intersected): there "
        f"{may.en}; at least {rest:.4f} ha lie outside it and may not be built on.",
    )


def _known_outside(inp: RuleInput, values: dict[str, object]) -> Decision:
    """``not_permitted`` for the part known to lie outside the boundary, or ``outside``.

    The part of the site outside the boundary less the part beyond the described
    area; none, or a sliver, and the check cannot be made (the built-in ``outside``).
    """
    outside, beyond = inp.layer.uncovered, inp.layer.outside
    method = inp.site.area.method
    known = Area(
        max(0.0, outside.planar_m2 - beyond.planar_m2),
        max(0.0, outside.ellipsoidal_m2 - beyond.ellipsoidal_m2),
        method,
    )
    if not inp.is_material(known.m2):
        return Decision("outside", beyond, {"reason": outside_gap(inp)})
    values = {
        **values,
        "outside_ha": to_ha(known.m2),
        "outside_mu": known.m2 / M2_PER_MU,
        "outside_m2": known.m2,
        "beyond": Text(
            f"另有 {beyond.ha:.4f} 公顷位于图层所描述的范围之外，未作判断。",
            f" Another {beyond.ha:.4f} ha lie beyond the area the layers describe and were "
            "not judged.",
        ),
    }
    return Decision("not_permitted", known, values)


CONFLICT = ("conflict",)
"""Zones whose use the project does not fit (生态保护区, 农田保护区): not an adjustment."""

ADJUST = ("needs_adjustment",)
"""Zones whose use a plan adjustment may change (0402, 0502…)."""

UNDIVIDED = ("unknown",)
"""Zones the code alone cannot judge: given at level 1 only (04 城镇发展区), or 07 (by project)."""

Selector = tuple[str, tuple[str, ...]]
"""Classes of a site by a class-table column and its values (``("conformity", CONFLICT)``)."""

Part = tuple[str, Selector, tuple[str, str]]
"""A non-conforming part: its outcome, its classes and its words where another part is named."""

BY_PROJECT_WORDS = (
    "是否符合取决于项目类型和详细规划",
    "whether it conforms depends on the project and the detailed plan",
)
"""How a zone whose conformity depends on the project (07) is named beside another part."""

_PARTS: tuple[Part, ...] = (
    ("conflict", ("conformity", CONFLICT), CONFORMITY[CONFLICT[0]]),
    ("adjust", ("conformity", ADJUST), CONFORMITY[ADJUST[0]]),
    ("undivided", ("conformity", UNDIVIDED), CONFORMITY[UNDIVIDED[0]]),
)
"""The non-conforming parts, strictest first, where no zone's conformity depends on the project."""

CONFORMS: Selector = ("conformity", ("conforms",))
"""The conforming classes, where no zone's conformity depends on the project."""


def _site_codes(
    layer: SiteLayer, values: tuple[str, ...], keep: Callable[[str], bool]
) -> tuple[str, ...]:
    """The site's zone codes whose conformity is one of ``values`` and which ``keep`` keeps."""
    rows = layer.class_rows
    if not (rows.has("table_code") and rows.has("conformity")):
        return ()
    pairs = zip(rows.texts("table_code"), rows.texts("conformity"), strict=True)
    return tuple(sorted({code for code, value in pairs if value in values and keep(code)}))


def _batch_codes(
    layer: SiteLayer, values: tuple[str, ...], keep: Callable[[str], bool]
) -> tuple[str, ...]:
    """Every site's zone codes whose conformity is one of ``values`` and which ``keep`` keeps.

    A selector of these is the same for every site of the batch, so its areas,
    widths and zone lists are made once (a site selects only its own rows).
    """
    table = layer.class_table
    if table is None:
        return ()
    return tuple(
        code for code in table.distinct_where("table_code", "conformity", values) if keep(code)
    )


def _by_project(inp: RuleInput) -> tuple[tuple[Part, ...], Selector]:
    """The site's non-conforming parts and its conforming classes, given the project.

    Zones listed in ``mining_energy_zones`` (07 矿产能源发展区) that the code table leaves
    not known conform for a project of a ``mining_energy_groups`` group; for any
    other project (or none declared) they are a part of their own (``by_project``),
    the least strict, and the zones given at level 1 only are the others.
    """
    listed = set(inp.params.get("mining_energy_zones") or ())
    layer = inp.layer
    if not (listed and _site_codes(layer, UNDIVIDED, listed.__contains__)):
        return _PARTS, CONFORMS
    typed = _batch_codes(layer, UNDIVIDED, listed.__contains__)
    others = _batch_codes(layer, UNDIVIDED, lambda code: code not in listed)
    parts = (*_PARTS[:2], ("undivided", ("table_code", others), CONFORMITY[UNDIVIDED[0]]))
    kind = project_kind(inp.site.facts, inp.profile)
    if kind is not None and kind.group in (inp.params.get("mining_energy_groups") or ()):
        conforming = (*_batch_codes(layer, CONFORMS[1], lambda code: True), *typed)
        return parts, ("table_code", conforming)
    return (*parts, ("by_project", ("table_code", typed), BY_PROJECT_WORDS)), CONFORMS


def _zone_list(
    layer: SiteLayer,
    selector: Selector,
    lang: str,
    method: AreaMethod,
    invert: bool = False,
) -> str:
    """The site's zones the selector picks (or not), each with its area in ha.

    Every site's list is made in one pass over the layer's class table, the first
    time a site of the batch asks (:meth:`~landcheck.measure.Rows.by_position`).
    A site without classes has none.
    """
    table = layer.class_table
    if table is None:
        return ""
    column, values = selector

    def lists() -> list[str]:  # every site's, once per table and question
        name = "name_en" if lang == "en" and "name_en" in table.columns else "name"
        mask = table.isin(column, values)
        listed = (~mask if invert else mask).tolist()
        areas = table.columns[f"{method.value}_m2"].tolist()  # floats: numpy's scalars are slow
        zones = table.columns[name].tolist()
        sep = "、" if lang == "zh" else ", "
        texts = []
        for rows in table.site_groups():
            chosen = [i for i in rows if listed[i]]
            # the zones add up to the area the message states, as the planning table's do
            hectares = [to_ha(areas[i]) for i in chosen]
            shown = (
                largest_remainder_round(hectares, 4, sum(hectares)) if len(chosen) > 1 else hectares
            )
            texts.append(
                sep.join(
                    f"{zones[i]}（{ha:.4f} 公顷）" if lang == "zh" else f"{zones[i]} ({ha:.4f} ha)"
                    for i, ha in zip(chosen, shown, strict=True)
                )
            )
        return texts

    key = ("zone_list", selector, invert, lang, method)
    return table.by_position(key, lists).get(layer.position, "")


def _zones(layer: SiteLayer, selector: Selector, method: AreaMethod, invert: bool = False) -> Text:
    """:func:`_zone_list` in both languages."""
    return Text(
        _zone_list(layer, selector, "zh", method, invert),
        _zone_list(layer, selector, "en", method, invert),
    )


def _others(layer: SiteLayer, parts: tuple[Part, ...], chosen: str, method: AreaMethod) -> Text:
    """The site's other non-conforming zones than the outcome's, each group with its label."""
    zh, en = [], []
    for outcome, selector, words in parts:
        zones = _zones(layer, selector, method) if outcome != chosen else NO_TEXT
        if zones.zh:
            zh.append(f"另涉及{zones.zh}：{words[0]}。")
            en.append(f" It also lies in {zones.en}: {words[1]}.")
    return Text("".join(zh), "".join(en))


def _nonconforming(
    inp: RuleInput, parts: tuple[Part, ...], conforming: Selector
) -> tuple[str, Area, Text]:
    """The strictest non-conforming part of the site that counts: outcome, area, zones.

    Strictest first: a conflict, then a zone needing adjustment, then a zone given at
    level 1 only, then one whose conformity depends on the project. A part that is a
    sliver gives way to one that is not; when every part is a sliver (together more),
    the strictest stands. A conformity value the outcomes do not know is read as
    needing adjustment.
    """
    layer, method = inp.layer, inp.site.area.method
    present = []
    for outcome, selector, _ in parts:
        area = layer.classes_where(*selector, method)
        if inp.is_material(area.m2, layer.width_where(*selector)):
            return outcome, area, _zones(layer, selector, method)
        if area.m2 > 0.0:
            present.append((outcome, area, _zones(layer, selector, method)))
    if present:
        return present[0]
    area = layer.classes_where(*conforming, method, invert=True)
    return "adjust", area, _zones(layer, conforming, method, invert=True)


_DECLARE = Text(
    "未申报项目类型（project_type）；属于采矿、能源项目的，请申报项目类型后复核。",
    " No project type is declared; for a mining or energy project, declare project_type and "
    "check again.",
)
"""What a site without a project type is told where a zone's conformity is the project's."""


def _planning_conformity(inp: RuleInput) -> Decision:
    method = inp.site.area.method
    layer = inp.layer
    if layer.unresolved_codes:
        return Decision(
            "unclassified", layer.uncovered, {"codes": ", ".join(layer.unresolved_codes)}
        )
    gap = land_use_gap(inp)
    if gap:
        return Decision("incomplete", layer.uncovered, {"reason": gap})
    parts, conforming = _by_project(inp)
    nonconforming = layer.classes_where(*conforming, method, invert=True)
    width = max(layer.width_where(*selector) for _, selector, _ in parts)
    outcome = involvement(inp, nonconforming, width)
    if outcome == "not_involved":
        return Decision("conforms", layer.overlap, {"zones": _zones(layer, conforming, method)})
    if outcome == "sliver":
        zones = _zones(layer, conforming, method, invert=True)
        return Decision("sliver", nonconforming, {"zones": zones})
    outcome, area, zones = _nonconforming(inp, parts, conforming)
    values = {
        "zones": zones,
        "others": _others(layer, parts, outcome, method),
        # an older profile words ``undivided`` and ``by_project`` as ``unclassified``,
        # which names the codes
        "codes": ", ".join(_part_codes(layer, parts, outcome)),
        "declare": _DECLARE
        if outcome == "by_project" and inp.site.facts.project_type not in inp.profile.project_types
        else NO_TEXT,
    }
    return Decision(outcome, area, values)


def _part_codes(layer: SiteLayer, parts: tuple[Part, ...], outcome: str) -> list[str]:
    """The site's zone codes of a not-known part (``undivided``, ``by_project``), else none."""
    if outcome not in ("undivided", "by_project"):
        return []
    column, values = next(selector for name, selector, _ in parts if name == outcome)
    if column == "table_code":  # the batch's codes: the site's own among them
        own = set(layer.class_rows.texts("table_code"))
        return [code for code in values if code in own]
    return _codes(layer, values)


def _codes(layer: SiteLayer, values: tuple[str, ...]) -> list[str]:
    """The site's zone codes whose conformity is one of ``values``."""
    return layer.class_rows.keys_where("conformity", values)


EVALUATORS = (
    Evaluator(
        "urban_boundary",
        ("urban_boundary",),
        (
            "inside",
            "sliver",
            "permitted_outside",
            "not_permitted",
            "village",
            "village_lists",
            "village_unknown",
        ),
        _urban_boundary,
        numbers=(
            "inside_ha",
            "outside_ha",
            "outside_mu",
            "outside_m2",
            "village_least_ha",
            "village_most_ha",
        ),
        texts=("declare", "beyond", "village", "village_zones", "in_village", "village_sliver"),
        params={
            "outside_groups": "words",
            "outside_types": "types",
            "planning_layer": "layer",
            "village_zones": "words",
            "village_types": "types",
            "village_list_types": "types",
        },
        evidence=("not_permitted",),
        fallbacks={
            "village": "permitted_outside",
            "village_lists": "not_permitted",
            "village_unknown": "not_permitted",
        },
        reach=reach_by(_reach, "inside", "sliver"),
    ),
    Evaluator(
        "planning_conformity",
        ("planning_zone",),
        ("conforms", "sliver", "conflict", "adjust", "undivided", "by_project", "unclassified"),
        _planning_conformity,
        texts=("zones", "others", "codes", "declare"),
        params={"mining_energy_zones": "words", "mining_energy_groups": "words"},
        evidence=("conflict", "adjust"),
        fallbacks={"conflict": "adjust", "undivided": "unclassified", "by_project": "unclassified"},
    ),
)
