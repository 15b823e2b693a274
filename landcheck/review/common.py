"""What the review checks share: areas by attribute, involvement, bilingual area lists."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from landcheck.profile import Text
from landcheck.rules.core import RuleInput, involvement
from landcheck.units import M2_PER_HA, Area, largest_remainder_round

__all__ = [
    "CLASS_COLUMNS",
    "area_list",
    "areas_by",
    "areas_by_pair",
    "involvement",
    "matches",
    "named",
    "total",
    "width_of",
]


CLASS_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "forest": ("_grade", "_level"),
    "grassland": ("_flag", "_type"),
    "wetland": ("_grade", "_level"),
    "protected_area": ("_zone", "_type"),
    "mineral_rights": ("_mineral", "_type"),
    "geohazard_zone": ("_grade",),
    "hazard_points": ("_grade", "_type"),
    "heritage": ("_zone", "_grade"),
    "illegal_land": ("_status", "_type"),
}
"""Layer kind → the review columns holding the class its check measures (forest grade,
wetland level, protected-area zone, mineral, hazard grade, heritage zone…), first mapped wins:
what a piece's ``class_code`` in the GeoPackage shows when the layer has no code role."""


def areas_by(inp: RuleInput, column: str) -> dict[str, Area]:
    """The site's overlap with the layer summed by one review attribute, in first-seen order.

    ``column`` is a role of :data:`landcheck.layers.REVIEW_COLUMNS` without its
    underscore (``grade``, ``zone``…) or ``name``. A layer that does not map
    the role gives one entry under ``""`` holding the whole overlap.
    """
    rows = inp.layer.attribute_rows
    method = inp.site.area.method
    if not len(rows) or not rows.has(column):
        overlap = inp.layer.overlap
        return {"": overlap} if overlap.m2 > 0.0 else {}
    keys = rows.column(column)
    planar, ellipsoidal = rows.column("planar_m2"), rows.column("ellipsoidal_m2")
    out: dict[str, tuple[float, float]] = {}
    for key, p, e in zip(keys.tolist(), planar.tolist(), ellipsoidal.tolist(), strict=True):
        a, b = out.get(key, (0.0, 0.0))
        out[key] = (a + p, b + e)
    return {key: Area(p, e, method) for key, (p, e) in out.items()}


def areas_by_pair(inp: RuleInput, first: str, second: str) -> dict[tuple[str, str], Area]:
    """The site's overlap summed by two review attributes at once (``""`` where one is unmapped)."""
    rows = inp.layer.attribute_rows
    method = inp.site.area.method
    if not len(rows):
        overlap = inp.layer.overlap
        return {("", ""): overlap} if overlap.m2 > 0.0 else {}
    blank = np.full(len(rows), "", dtype=object)
    a = rows.column(first) if rows.has(first) else blank
    b = rows.column(second) if rows.has(second) else blank
    planar, ellipsoidal = rows.column("planar_m2"), rows.column("ellipsoidal_m2")
    out: dict[tuple[str, str], tuple[float, float]] = {}
    keys = list(zip(a.tolist(), b.tolist(), strict=True))
    for key, p, e in zip(keys, planar.tolist(), ellipsoidal.tolist(), strict=True):
        x, y = out.get(key, (0.0, 0.0))
        out[key] = (x + p, y + e)
    return {key: Area(p, e, method) for key, (p, e) in out.items()}


def width_of(inp: RuleInput, column: str, values: Iterable[str]) -> float:
    """Largest piece width (2·area/perimeter) among the rows whose ``column`` is in ``values``."""
    rows = inp.layer.attribute_rows
    if not len(rows) or not rows.has(column):
        return inp.layer.max_width_m
    wanted = set(values)
    mask = np.fromiter((k in wanted for k in rows.column(column)), dtype=bool, count=len(rows))
    widths = rows.column("max_width_m")[mask]
    return float(widths.max()) if len(widths) else 0.0


def total(areas: Mapping[str, Area], keys: Iterable[str], like: Area) -> Area:
    """Sum of the areas under ``keys`` (zero in ``like``'s method when none)."""
    chosen = [areas[k] for k in keys if k in areas]
    return Area(
        sum(a.planar_m2 for a in chosen), sum(a.ellipsoidal_m2 for a in chosen), like.method
    )


def matches(value: str, names: Iterable[str]) -> bool:
    """Whether an attribute value names one of ``names`` (spaces and case ignored).

    Examples
    --------
    >>> matches(" 核心保护区 ", ("核心保护区", "核心区")), matches("实验区", ("核心区",))
    (True, False)
    """
    text = "".join(str(value).split()).lower()
    return any(text == "".join(n.split()).lower() for n in names)


def named(values: Iterable[str]) -> str:
    """Attribute values as a message lists them: once each, a blank one as ``(blank)``.

    Examples
    --------
    >>> named(["极高", "", "极高"])
    '极高、(blank)'
    """
    return "、".join(dict.fromkeys(value or "(blank)" for value in values))


def area_list(
    areas: Mapping[str, Area], labels: Mapping[str, Text] | None = None, blank: Text | None = None
) -> Text:
    """``Ⅰ 0.5606 公顷、Ⅱ 0.2582 公顷`` and its English form, largest first.

    ``labels`` names values in both languages; a value it lacks is shown as it
    is, a blank one as ``blank``. The areas are rounded to add up to their sum
    as shown (largest remainder): the parts of the overlap a message states.

    Examples
    --------
    >>> from landcheck.units import Area
    >>> text = area_list({"Ⅱ": Area(2_000.0, 2_000.0), "Ⅰ": Area(5_000.0, 5_000.0)})
    >>> text.zh, text.en
    ('Ⅰ 0.5000 公顷、Ⅱ 0.2000 公顷', 'Ⅰ 0.5000 ha, Ⅱ 0.2000 ha')
    >>> thirds = {k: Area(10_000 / 3, 10_000 / 3) for k in "abc"}  # 1.0000 ha in all
    >>> area_list(thirds).en
    'a 0.3334 ha, b 0.3333 ha, c 0.3333 ha'
    """
    labels = labels or {}
    blank = blank or Text("未注明", "not stated")
    ordered = sorted(areas.items(), key=lambda item: -item[1].m2)
    hectares = [area.m2 / M2_PER_HA for _, area in ordered]
    if len(hectares) > 1:
        hectares = largest_remainder_round(hectares, 4, sum(hectares))
    zh, en = [], []
    for (key, _), ha in zip(ordered, hectares, strict=True):
        label = labels.get(key) or (Text(key, key) if key else blank)
        zh.append(f"{label.zh} {ha:.4f} 公顷")
        en.append(f"{label.en} {ha:.4f} ha")
    return Text("、".join(zh) or "无", ", ".join(en) or "none")
