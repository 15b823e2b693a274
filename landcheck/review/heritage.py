"""Cultural heritage (文物): overlap by zone; archaeology before large projects.

文物保护法 (2024) arts. 28–29 [V]: no construction other than heritage works
in a 文物保护单位's 保护范围 except in special cases with the approval of the
government that listed it; a project in the 建设控制地带 must not harm the
historic appearance and its design needs the heritage authority's consent.
Arts. 43, 45 [V]: before a large construction project, and in a
地下文物埋藏区, 考古调查、勘探 come first, at the builder's cost. What makes a
project "large" the provinces set [U]: the profile's ``large_site_ha``, against the area of
the project (arts. 43, 45 speak of the 工程: its sites summed by ``project_id``). Each site of
a project that large is told so whether or not it touches a zone (``large_note``), unless it
lies in a 地下文物埋藏区, whose finding asks for the archaeology itself. Documents belong to
outcomes, so such a site touching a zone, or by a sliver, takes the outcome's ``_large`` twin
(``control_zone_large``…), whose documents add the archaeology its message asks for. A zone
the check does not know may be a 保护范围: it makes the check unknown unless a 保护范围 is
found. A site in several zones takes the strictest one's outcome, and a twin of it for each
lesser zone it also enters that asks for something of its own, so that nothing a zone asks
is lost. When a 保护范围, or a zone not recognised, is the strictest and the site also
enters a 建设控制地带, whose design needs the heritage authority's consent (art. 29), the
outcome's ``_control`` twin (``protection_range_control``…) adds that zone's area and the
consent to its message (``control_note``) and documents. When it also enters a
地下文物埋藏区, whose archaeology comes first whatever the project's size (art. 45), the
outcome's ``_burial`` twin (``control_zone_burial``, ``protection_range_control_burial``…)
adds that archaeology to its message (``burial_note``) and documents, and stands for the
``_large`` one (it asks for the archaeology itself). The finding's area stays the
strictest zone's; each note states its own zone's area as measured. A site of a project
that large whose heritage layer is not available, or that lies partly beyond the area the
layers describe, is still unknown, but as ``unknown_large`` or ``outside_large``: the
archaeology the size asks for is known to be needed whatever the layer would show, and its
documents ask for it.
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
from landcheck.rules.core import Decision, Evaluator, RuleInput, outside_gap
from landcheck.units import Area

__all__ = [
    "BURIAL_ZONES",
    "CONTROL_ZONES",
    "EVALUATORS",
    "HERITAGE",
    "PROTECTION_ZONES",
]

PROTECTION_ZONES = ("保护范围",)
CONTROL_ZONES = ("建设控制地带",)
BURIAL_ZONES = ("地下文物埋藏区", "文物埋藏区")
_KNOWN = (*PROTECTION_ZONES, *CONTROL_ZONES, *BURIAL_ZONES)
_CONTROL = ("protection_range", "unzoned")
"""Outcomes of a zone ranked above a 建设控制地带: each has a ``_control`` twin, chosen for a
site in a 建设控制地带 too."""
_CONTROLLED = tuple(f"{name}_control" for name in _CONTROL)
_LARGE = ("protection_range", "control_zone", "unzoned", "sliver", *_CONTROLLED)
"""Outcomes whose message carries the large-site note: each has a ``_large`` twin."""
_BURIAL = ("protection_range", "control_zone", "unzoned", *_CONTROLLED)
"""Outcomes of a zone ranked above a 地下文物埋藏区: each has a ``_burial`` twin, chosen for a
site in a 地下文物埋藏区 too."""
_ALSO = (("control", _CONTROL), ("burial", _BURIAL))
"""Each lesser zone a site may also enter, as its twins' suffix and note (``control_note``…),
with the outcomes it has a twin of, in the order the suffixes are added."""
_ZONED = ("protection_range", "control_zone", "burial_zone", "unzoned", *_CONTROLLED)
"""Outcomes of a zone found, before their ``_large`` and ``_burial`` twins."""

_STANDING = (
    *_ZONED,
    *(f"{name}_large" for name in _LARGE if name in _ZONED),
    *(f"{name}_burial" for name in _BURIAL),
)
"""Outcomes that rest on a zone found: they stand when part of the site lies beyond the
area the layers describe (the evaluator's ``evidence``)."""


def _project_size(inp: RuleInput, large_ha: float) -> Text:
    """The project's size when it is ``large_ha`` or more (arts. 43, 45), else nothing.

    The project's area, its sites summed (:meth:`RuleInput.project_area`), compared as
    written, to 0.0001 ha (49,999.6 m² is "5.0000 公顷", at least 5 ha); the threshold is
    written as given (3.36, not 3.4).
    """
    area, project = inp.project_area()
    if large_ha <= 0.0 or round(area.ha, 4) < large_ha:
        return NO_TEXT
    if project is None:
        return Text(
            f"用地 {area.ha:.4f} 公顷（不小于 {large_ha:g} 公顷）",
            f"the site is {area.ha:.4f} ha (at least {large_ha:g} ha)",
        )
    return Text(
        f"所属项目 {project.project_id} 用地合计 {area.ha:.4f} 公顷"
        f"（{'、'.join(project.site_ids)}，不小于 {large_ha:g} 公顷）",
        f"its project {project.project_id} (sites {', '.join(project.site_ids)}) is "
        f"{area.ha:.4f} ha in all (at least {large_ha:g} ha)",
    )


def _large_note(size: Text) -> Text:
    """The archaeology a large project needs whatever zone its site touches, or nothing."""
    if not size.zh:
        return size
    return Text(
        f"{size.zh}，属大型基本建设工程的，还须在工程范围内事先进行考古调查、勘探，"
        "并取得文物主管部门意见。",
        f" As {size.en}, if the project is a large construction project an archaeological "
        "survey and exploration of its ground also comes first, with the heritage authority's "
        "opinion.",
    )


def _control_note(area: Area) -> Text:
    """The consent a site's part in a 建设控制地带 asks for (art. 29), or nothing."""
    if area.m2 <= 0.0:
        return NO_TEXT
    return Text(
        f"项目用地同时进入文物保护单位建设控制地带 {area.ha:.4f} 公顷，该部分工程不得破坏"
        "文物保护单位的历史风貌，设计方案须经文物主管部门同意后报城乡规划部门批准。",
        " The site also enters the construction control zone of a listed heritage site by "
        f"{area.ha:.4f} ha: the works there must not harm its historic appearance, and the "
        "design needs the heritage authority's consent before planning approval.",
    )


def _burial_note(area: Area) -> Text:
    """The archaeology a site's part in a 地下文物埋藏区 asks for (art. 45), or nothing."""
    if area.m2 <= 0.0:
        return NO_TEXT
    return Text(
        f"项目用地同时进入地下文物埋藏区 {area.ha:.4f} 公顷，须在工程开工前由建设单位报请"
        "文物主管部门组织考古调查、勘探，所需费用由建设单位承担。",
        f" The site also enters a buried-relics zone by {area.ha:.4f} ha: before construction "
        "the builder has the heritage authority organise an archaeological survey and "
        "exploration, at the builder's cost.",
    )


def _large_values(inp: RuleInput) -> dict[str, object]:
    """The large-project values of a site: the threshold, the project's size and the note."""
    large_ha = float(inp.params.get("large_site_ha", 0.0))
    size = _project_size(inp, large_ha)
    return {"large_site_ha": large_ha, "project_size": size, "large_note": _large_note(size)}


def _unknown_twin(inp: RuleInput) -> Decision | None:
    """``unknown_large`` or ``outside_large`` for a large project's site the layer cannot tell.

    The layer not available, or part of the site beyond the area the layers describe: the
    check is unknown, but the project's size asks for the archaeology whatever the layer
    would show. None when the project is not that large or the layer tells of the site.
    """
    layer = inp.layer
    gap = outside_gap(inp) if layer.available else None
    if layer.available and gap is None:
        return None
    values = _large_values(inp)
    if not values["large_note"].zh:
        return None
    if not layer.available:
        return Decision("unknown_large", inp.site.area, {**values, "reason": layer.reason})
    return Decision("outside_large", layer.outside, {**values, "reason": gap})


def _heritage(inp: RuleInput) -> Decision:
    """The zone outcome, or its twin.

    Its ``_control`` twin for a site in a 建设控制地带 too (the outcome of a stricter zone);
    then that one's ``_burial`` twin for a site in a 地下文物埋藏区 too, else, for a project of
    ``large_site_ha`` or more, its ``_large`` twin. When the layer is not available
    (:func:`landcheck.rules.apply._decide` asks all the same) ``unknown`` or, for a large
    project, ``unknown_large``; when the zones found do not stand beyond the described
    area, ``outside_large`` for a large project (else the caller's ``outside``).
    """
    if not inp.layer.available:
        return _unknown_twin(inp) or Decision("unknown", inp.site.area)
    decision = _by_zone(inp)
    if decision.outcome not in _STANDING:
        twin = _unknown_twin(inp)
        if twin is not None:
            return twin
    values, name = decision.values, decision.outcome
    for zone, above in _ALSO:
        if name in above and values[f"{zone}_note"].zh:
            name = f"{name}_{zone}"
    if name in _LARGE and values["large_note"].zh:  # no _burial twin is in _LARGE
        name = f"{name}_large"
    return decision if name == decision.outcome else Decision(name, decision.area, values)


def _also_in(inp: RuleInput, zones: dict[str, Area], keys: list[str]) -> Area:
    """The site's part in the zones ``keys`` when material, else zero: what a note states."""
    overlap = inp.layer.overlap
    area = total(zones, keys, overlap)
    if inp.is_material(area.m2, width_of(inp, "zone", keys)):
        return area
    return total(zones, (), overlap)


def _by_zone(inp: RuleInput) -> Decision:
    overlap = inp.layer.overlap
    zones = areas_by(inp, "zone")
    odd = [z for z in zones if not matches(z, _KNOWN)]
    control_keys = [z for z in zones if matches(z, CONTROL_ZONES)]
    burial_keys = [z for z in zones if matches(z, BURIAL_ZONES)]
    values = {
        "zones": area_list(zones, blank=None),
        "sites": area_list(areas_by(inp, "name")),
        "unknown_zones": named(odd),
        "control_note": _control_note(_also_in(inp, zones, control_keys)),
        "burial_note": _burial_note(_also_in(inp, zones, burial_keys)),
        **_large_values(inp),
    }
    outcome = involvement(inp, overlap, inp.layer.max_width_m)
    if outcome == "not_involved" and values["large_note"].zh:
        return Decision("large_project", inp.site.area, values)
    if outcome is not None:
        return Decision(outcome, overlap, values)
    # The strictest certain zone first; a zone not recognised may be a 保护范围, so it
    # outranks the conditional zones.
    for name, keys in (
        ("protection_range", [z for z in zones if matches(z, PROTECTION_ZONES)]),
        ("unzoned", odd),
        ("control_zone", control_keys),
        ("burial_zone", burial_keys),
    ):
        area = total(zones, keys, overlap)
        if inp.is_material(area.m2, width_of(inp, "zone", keys)):
            return Decision(name, area, values)
    if odd:
        return Decision("unzoned", total(zones, odd, overlap), values)
    return Decision("sliver", overlap, values)


HERITAGE = Evaluator(
    "heritage",
    ("heritage",),
    (
        "not_involved",
        "sliver",
        "protection_range",
        "control_zone",
        "burial_zone",
        "unzoned",
        "large_project",
        *_CONTROLLED,
        *(f"{name}_large" for name in _LARGE),
        *(f"{name}_burial" for name in _BURIAL),
        "unknown_large",
        "outside_large",
    ),
    _heritage,
    numbers=("large_site_ha",),
    texts=(
        "zones",
        "sites",
        "unknown_zones",
        "project_size",
        "large_note",
        "control_note",
        "burial_note",
    ),
    params={"large_site_ha": "number"},
    fallbacks={
        **{f"{name}_large": name for name in _LARGE},
        **{f"{name}_burial": name for name in _BURIAL},
        # the _control twins came after the others: a profile without them words a finding
        # as before them (protection_range_control_burial as protection_range_burial)
        **{
            f"{name}_control{twin}": f"{name}{twin}"
            for name in _CONTROL
            for twin in ("", "_large", "_burial")
        },
        "unknown_large": "unknown",
        "outside_large": "outside",
    },
    evidence=(*_STANDING, "outside_large"),
)

EVALUATORS = (HERITAGE,)
"""The heritage family (:data:`landcheck.rules.registry.FAMILIES`)."""
