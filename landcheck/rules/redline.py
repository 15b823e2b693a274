"""The ecological protection redline: 国家重大项目, permitted activities, core zones.

Inside the redline a project is allowed only as a 国家重大项目 (with 不可避让论证) or as one
of the limited human activities of 自然资发〔2022〕142号, and in neither case inside a
自然保护地核心保护区 (the ``core_layer``'s zones named in ``core_zones``: the
``protected_areas`` layer, whose zones the protected_areas rule of :mod:`landcheck.review`
reads too). Both lists are profile data; a project is on one only with the
evidence its item asks for.
"""

from __future__ import annotations

from landcheck.profile import NO_TEXT, Text
from landcheck.projects import ListMatch
from landcheck.rules.core import Decision, Evaluator, RuleInput, involvement
from landcheck.rules.lists import declare_text, item_text

__all__ = ["EVALUATORS"]


def _core_zone(inp: RuleInput) -> tuple[float, Text]:
    """The site's area in a core protection zone (m²), and a note when that was not checked."""
    key = inp.params.get("core_layer")
    if key is None:
        return 0.0, NO_TEXT
    layer = inp.layers.get(key)
    if layer is None or not layer.available:
        return 0.0, Text(
            "（自然保护地图层未能使用，未核查是否位于核心保护区）",
            " (the protected-area layer could not be used: the core zones were not checked)",
        )
    zones = tuple(inp.params.get("core_zones") or ())
    method = inp.site.area.method
    area = layer.attributes_where("zone", zones, method)  # the protected_areas rule's zones
    if area.m2 <= 0.0:  # a profile that maps the zone as the layer's code or name
        area = layer.classes_where("code", zones, method)
    if area.m2 <= 0.0:
        area = layer.classes_where("name", zones, method)
    return area.m2, NO_TEXT


_NEW_LAND = ("农用地", "未利用地")
"""Land-use categories beyond existing construction land."""


def _on_existing_land(inp: RuleInput, match: ListMatch) -> tuple[ListMatch, Text]:
    """The match, unless its item is for existing construction land and the site takes other.

    142号 一（一） item 2 lets residents repair their buildings 在不扩大现有建设用地和耕地规模
    前提下: a site the land-use survey finds on farmland or unused land (material, not a
    sliver) enlarges them, so it is not on the item. The survey is the site's, not the
    redline part's alone: it errs toward the prohibition, and says so. Without a usable
    survey the item stands and a note says the condition was not checked.
    """
    item = match.item
    if item is None or not item.existing_land:
        return match, NO_TEXT
    method = inp.site.area.method
    surveys = [view for view in inp.layers_of_kind("land_use") if view.available]
    if not surveys:
        return match, Text(
            "（土地利用现状图层未能使用，未核查是否扩大现有建设用地和耕地规模）",
            " (the land-use survey could not be used: whether it enlarges existing construction "
            "land or cultivated land was not checked)",
        )
    other = sum(view.classes_where("category", _NEW_LAND, method).m2 for view in surveys)
    width = max(view.width_where("category", _NEW_LAND) for view in surveys)
    if not inp.is_material(other, width):
        return match, NO_TEXT
    return ListMatch(None, item, ("existing_land",)), Text(
        f"（项目用地含农用地、未利用地 {other / 10_000.0:.4f} 公顷，不属于不扩大现有建设用地和"
        "耕地规模的修缮）",
        f" (the site takes {other / 10_000.0:.4f} ha of agricultural or unused land: not a "
        "repair that keeps to existing construction land and cultivated land)",
    )


def _joined(first: Text, second: Text) -> Text:
    """Two notes one after the other, in each language."""
    return Text(first.zh + second.zh, first.en + second.en)


def _eco_redline(inp: RuleInput) -> Decision:
    area = inp.layer.overlap
    outcome = involvement(inp, area, inp.layer.max_width_m)
    facts = inp.site.facts
    major, permitted = inp.project_list("major_list"), inp.project_list("permitted_list")
    on_major = inp.on_list("major_list")
    on_permitted, land_note = _on_existing_land(inp, inp.on_list("permitted_list"))
    core_m2, core_note = _core_zone(inp)
    if on_permitted.on_list:  # the item stands: what was not checked goes with the core zones'
        core_note, land_note = _joined(core_note, land_note), NO_TEXT
    values = {"core_note": core_note, "core_ha": core_m2 / 10_000.0}
    if on_major.on_list:
        values["list_item"] = item_text(major, on_major)
    else:
        values["list_item"] = item_text(permitted, on_permitted)
    values["declare"] = (
        NO_TEXT
        if on_major.on_list or on_permitted.on_list
        else _joined(
            declare_text(
                permitted if on_permitted.candidate is not None else major,
                on_permitted if on_permitted.candidate is not None else on_major,
                facts.project_type,
            ),
            land_note,
        )
    )
    if outcome is None:
        if inp.is_material(core_m2):
            outcome = "core_zone"
        elif on_major.on_list:
            outcome = "major_project"
        elif on_permitted.on_list:
            outcome = "permitted_activity"
        else:
            outcome = "prohibited"
    return Decision(outcome, area, values)


EVALUATORS = (
    Evaluator(
        "eco_redline",
        ("eco_redline",),
        (
            "not_involved",
            "sliver",
            "core_zone",
            "major_project",
            "permitted_activity",
            "prohibited",
        ),
        _eco_redline,
        numbers=("core_ha",),
        texts=("list_item", "declare", "core_note"),
        params={
            "major_list": "list",
            "permitted_list": "list",
            "core_layer": "layer",
            "core_zones": "words",
        },
        evidence=("core_zone", "major_project", "permitted_activity", "prohibited"),
    ),
)
