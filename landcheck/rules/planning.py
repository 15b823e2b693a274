"""Planning: the urban development boundary and conformity with the planning zones."""

from __future__ import annotations

from landcheck.measure import SiteLayer
from landcheck.profile import Text
from landcheck.rules.core import (
    Decision,
    Evaluator,
    RuleInput,
    involvement,
    land_use_gap,
    outside_gap,
    to_ha,
)
from landcheck.units import M2_PER_MU, Area, AreaMethod, largest_remainder_round, rest_shown

__all__ = ["EVALUATORS"]


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
    facts = inp.site.facts
    kind = inp.profile.project_types.get(facts.project_type or "")
    site = inp.site.area
    values = {  # the part outside as the tables show it: the site less the part inside
        "inside_ha": to_ha(inside.m2),
        "outside_ha": rest_shown(site.ha, to_ha(inside.m2), 4),
        "outside_mu": rest_shown(site.mu, inside.m2 / M2_PER_MU, 2),
        "outside_m2": rest_shown(site.m2, inside.m2, 2),
        "beyond": Text("", ""),
        "declare": Text("", "")
        if kind is not None
        else Text(
            "未申报项目类型，按不得在边界外建设处理；请申报项目类型（project_type）。",
            "No project type is declared, so it is taken as one that may not be built "
            "outside; declare project_type.",
        ),
    }
    if outside.m2 <= 0.0:
        outcome = "inside"
    elif inside.m2 > 0.0 and inp.is_sliver(outside.m2, inp.layer.uncovered_width_m):
        outcome = "sliver"
    elif kind is not None and (
        kind.group in (inp.params.get("outside_groups") or ()) or inp.in_types("outside_types")
    ):
        outcome = "permitted_outside"
    else:
        outcome = "not_permitted"
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


def _zone_list(layer: SiteLayer, conforming: bool, lang: str, method: AreaMethod) -> str:
    """The site's zones that conform to the plan (or do not), each with its area in ha.

    Every site's list is made in one pass over the layer's class table, the first
    time a site of the batch asks (:meth:`~landcheck.measure.Rows.by_position`).
    A site without classes has none.
    """
    table = layer.class_table
    if table is None:
        return ""

    def lists() -> list[str]:  # every site's, once per table and question
        name = "name_en" if lang == "en" and "name_en" in table.columns else "name"
        mask = table.isin("conformity", ("conforms",))
        listed = (mask if conforming else ~mask).tolist()
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

    return table.by_position(("zone_list", conforming, lang, method), lists).get(layer.position, "")


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
    nonconforming = layer.classes_where("conformity", ("conforms",), method, invert=True)
    width = layer.width_where("conformity", ("needs_adjustment", "conflict"))
    outcome = involvement(inp, nonconforming, width)
    listed = outcome == "not_involved"  # the zones that conform, else those that do not
    zones = Text(_zone_list(layer, listed, "zh", method), _zone_list(layer, listed, "en", method))
    if outcome == "not_involved":
        return Decision("conforms", layer.overlap, {"zones": zones})
    return Decision(outcome or "adjust", nonconforming, {"zones": zones})


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
    ),
    Evaluator(
        "planning_conformity",
        ("planning_zone",),
        ("conforms", "sliver", "adjust", "unclassified"),
        _planning_conformity,
        texts=("zones", "codes"),
        evidence=("adjust",),
    ),
)
