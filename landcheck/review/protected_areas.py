"""Protected areas (自然保护地): overlap by zone, in the current and the legacy zoning.

Current zoning (核心保护区 / 一般控制区): human activity in the 核心保护区 is in
principle banned; in the 一般控制区 (inside the ecological redline) only the
limited activities of 自然资发〔2022〕142号 一(一) are allowed [V items 1–5,
P items 6–10], item 6 being necessary, unavoidable linear infrastructure that
conforms to a county-or-higher plan; and 国家重大项目 may take the redline outside the core
zones. Both are the profile's lists (``permitted_list``, ``major_list``), read with the
project's facts and evidence as the redline rule reads them. Legacy zoning of a 自然保护区 not yet
re-zoned (核心区 / 缓冲区 / 实验区): 自然保护区条例 art. 32 [V] bans production
facilities in the 核心区 and 缓冲区, and in the 实验区 those that pollute or
damage resources or landscape. The zones banning construction are the rule's
``core_zones`` (the redline rule names the same ones for the same layer).
"""

from __future__ import annotations

from landcheck.profile import NO_TEXT, Text
from landcheck.review.common import (
    area_list,
    areas_by,
    involvement,
    matches,
    named,
    total,
    width_of,
)
from landcheck.rules.core import Decision, Evaluator, RuleInput
from landcheck.rules.lists import declare_text, item_text
from landcheck.units import M2_PER_HA

__all__ = ["EVALUATORS", "GENERAL_ZONES", "PROTECTED_AREAS", "TRIAL_ZONES"]

GENERAL_ZONES = ("一般控制区",)
"""The current system's other zone: only 142号's limited activities."""

TRIAL_ZONES = ("实验区",)
"""The legacy 实验区: no polluting or damaging production facilities."""


def _protected_areas(inp: RuleInput) -> Decision:
    overlap = inp.layer.overlap
    zones = areas_by(inp, "zone")
    core_zones = tuple(inp.params.get("core_zones") or ())
    core_keys = [z for z in zones if matches(z, core_zones)]
    known = (*core_zones, *GENERAL_ZONES, *TRIAL_ZONES)
    unknown_keys = [z for z in zones if not matches(z, known)]
    core = total(zones, core_keys, overlap)
    general = total(zones, [z for z in zones if matches(z, GENERAL_ZONES)], overlap)
    values = {
        "zones": area_list(zones, blank=None),
        "areas": area_list(areas_by(inp, "name")),
        "core_ha": core.m2 / M2_PER_HA,
        "unknown_zones": named(unknown_keys),
        **_list_texts(inp),
    }
    outcome = involvement(inp, overlap, inp.layer.max_width_m)
    if outcome is not None:
        return Decision(outcome, overlap, values)
    if inp.is_material(core.m2, width_of(inp, "zone", core_keys)):
        return Decision("core", overlap, values)
    unknown = total(zones, unknown_keys, overlap)
    if inp.is_material(unknown.m2, width_of(inp, "zone", unknown_keys)):
        return Decision("unzoned", overlap, values)
    if inp.on_list("major_list").on_list or inp.on_list("permitted_list").on_list:
        return Decision("permitted", overlap, values)
    if inp.is_material(general.m2):
        return Decision("not_permitted", overlap, values)
    return Decision("trial_zone", overlap, values)


def _list_texts(inp: RuleInput) -> dict[str, Text]:
    """The list item the project is on (``list_item``) or what it would have to declare."""
    major, permitted = inp.project_list("major_list"), inp.project_list("permitted_list")
    on_major, on_permitted = inp.on_list("major_list"), inp.on_list("permitted_list")
    if on_major.on_list:
        return {"list_item": item_text(major, on_major), "declare": NO_TEXT}
    if on_permitted.on_list:
        return {"list_item": item_text(permitted, on_permitted), "declare": NO_TEXT}
    closer = on_permitted.candidate is not None
    return {
        "list_item": NO_TEXT,
        "declare": declare_text(
            permitted if closer else major,
            on_permitted if closer else on_major,
            inp.site.facts.project_type,
        ),
    }


PROTECTED_AREAS = Evaluator(
    "protected_areas",
    ("protected_area",),
    (
        "not_involved",
        "sliver",
        "core",
        "unzoned",
        "permitted",
        "not_permitted",
        "trial_zone",
    ),
    _protected_areas,
    numbers=("core_ha",),
    texts=("zones", "areas", "unknown_zones", "list_item", "declare"),
    params={"core_zones": "words", "major_list": "list", "permitted_list": "list"},
    evidence=("core", "unzoned", "permitted", "not_permitted", "trial_zone"),
)

EVALUATORS = (PROTECTED_AREAS,)
"""The protected-area family (:data:`landcheck.rules.registry.FAMILIES`)."""
