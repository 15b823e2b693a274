"""The ecological protection redline: 国家重大项目, permitted activities, core zones.

Inside the redline a project is allowed only as a 国家重大项目 (with 不可避让论证) or as one
of the limited human activities of 自然资发〔2022〕142号, and in neither case inside a
自然保护地核心保护区 (the ``core_layer``'s zones named in ``core_zones``: the
``protected_areas`` layer, whose zones the protected_areas rule of :mod:`landcheck.review`
reads too). Both lists are profile data; a project is on one only with the
evidence its item asks for.
"""

from __future__ import annotations

from landcheck.profile import Text
from landcheck.rules.core import Decision, Evaluator, RuleInput, involvement
from landcheck.rules.lists import declare_text, item_text

__all__ = ["EVALUATORS"]


def _core_zone(inp: RuleInput) -> tuple[float, Text]:
    """The site's area in a core protection zone (m²), and a note when that was not checked."""
    key = inp.params.get("core_layer")
    if key is None:
        return 0.0, Text("", "")
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
    return area.m2, Text("", "")


def _eco_redline(inp: RuleInput) -> Decision:
    area = inp.layer.overlap
    outcome = involvement(inp, area, inp.layer.max_width_m)
    facts = inp.site.facts
    major, permitted = inp.project_list("major_list"), inp.project_list("permitted_list")
    on_major, on_permitted = inp.on_list("major_list"), inp.on_list("permitted_list")
    core_m2, core_note = _core_zone(inp)
    values = {"core_note": core_note, "core_ha": core_m2 / 10_000.0}
    if on_major.on_list:
        values["list_item"] = item_text(major, on_major)
    else:
        values["list_item"] = item_text(permitted, on_permitted)
    values["declare"] = (
        Text("", "")
        if on_major.on_list or on_permitted.on_list
        else declare_text(
            permitted if on_permitted.candidate is not None else major,
            on_permitted if on_permitted.candidate is not None else on_major,
            facts.project_type,
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
