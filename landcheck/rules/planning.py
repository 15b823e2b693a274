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


def _urban_boundary(inp: RuleInput) -> Decision:
    """Outside the boundary only the project types the 2026 measures leave outside it.

    《城镇开发边界管理办法（试行）》: no 新城新区, 开发区, 非农产业园区 or other concentrated
    urban construction outside the boundary; infrastructure, energy, mining, military,
    rural housing (in the 村庄建设区) and the like may be outside. Whether the land needs
    单独选址 is the conversion rule's (planned construction land), not this one's.

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
    }
    if outside.m2 < NOTHING_M2:  # a rounding rest, "0.00 平方米"
        outcome = "inside"
    elif inside.m2 > 0.0 and inp.is_sliver(outside.m2, inp.layer.uncovered_width_m):
        outcome = "sliver"
    else:
        outcome = _outside(inp.site.facts, inp.params, inp.profile)
    if outcome == "not_permitted" and outside_gap(inp) is not None:
        return _known_outside(inp, values)
    return Decision(outcome, outside, values)


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
        ("inside", "sliver", "permitted_outside", "not_permitted"),
        _urban_boundary,
        numbers=("inside_ha", "outside_ha", "outside_mu", "outside_m2"),
        texts=("declare", "beyond"),
        params={"outside_groups": "words", "outside_types": "types"},
        evidence=("not_permitted",),
        reach=reach_by(_outside, "inside", "sliver"),
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
