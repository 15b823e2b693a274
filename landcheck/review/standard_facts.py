"""Project facts the land-use standard check reads from a site's own fields.

A site states its figures in fields named in English or as Chinese forms name
them (总投资, 计容建筑面积…; see :data:`FACT_FIELDS`), found and read blank as the project
facts of :mod:`landcheck.facts` are (:func:`~landcheck.facts.find_column`,
:func:`~landcheck.facts.is_blank`); the type, plan and project those hold. Numbers are validated:
a blank field is a missing fact, text that is not a number, a negative or a
non-finite number is a bad one; the check then says which facts it needs.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from landcheck.facts import find_column, is_blank
from landcheck.profile import Text

__all__ = ["FACT_FIELDS", "FACT_TITLES", "StandardFacts", "read_standard_facts"]

FACT_FIELDS: Mapping[str, tuple[str, ...]] = {
    "total_investment": ("total_investment_wan", "总投资", "总投资（万元）", "ZTZ"),
    "floor_area": ("floor_area_m2", "计容建筑面积", "JRJZMJ"),
    "footprint": ("footprint_m2", "建筑基底面积", "建筑物构筑物及堆场占地面积", "JZJDMJ"),
    "office_area": ("office_area_m2", "行政办公及生活服务设施用地面积", "XZBGMJ"),
    "green_area": ("green_area_m2", "绿地面积", "LDMJ"),
    "industry_code": ("industry_code", "行业代码", "国民经济行业代码", "HYDM"),
    "land_grade": ("land_grade", "土地等别", "TDDB"),
    "length_km": ("length_km", "线路长度", "线路长度（公里）", "XLCD"),
    "scale": ("scale", "建设规模", "JSGM"),
    "project_grade": ("project_grade", "工程等级", "技术等级", "GCDJ"),
    "site_part": ("site_part", "用地部位", "工程部位", "YDBW"),
}
"""Fact → site field names, first present wins (case-insensitive). Areas in m², investment
in 万元 (10,000 yuan), the industry code of GB/T 4754, the length of a linear project in km,
its scale in the unit of the index table's row, its grade as the table names it (一级公路,
220kV), the part of the works the site is (淹没区, 塔基)."""

FACT_TITLES: Mapping[str, Text] = {
    "total_investment": Text("总投资（万元）", "total investment (10,000 yuan)"),
    "floor_area": Text("计容建筑面积（平方米）", "floor area counted in the plot ratio (m²)"),
    "footprint": Text(
        "建筑物、构筑物及堆场占地面积（平方米）",
        "footprint of buildings, structures and yards (m²)",
    ),
    "office_area": Text(
        "行政办公及生活服务设施用地面积（平方米）", "land for offices and living services (m²)"
    ),
    "green_area": Text("绿地面积（平方米）", "green area (m²)"),
    "industry_code": Text("行业代码（GB/T 4754）", "industry code (GB/T 4754)"),
    "land_grade": Text("土地等别", "land grade"),
    "length_km": Text("线路长度（公里）", "length (km)"),
    "scale": Text("建设规模", "scale of the project"),
    "project_grade": Text("工程等级", "grade of the works"),
    "site_part": Text("用地部位", "part of the works"),
}

_NUMBERS = (
    "total_investment",
    "floor_area",
    "footprint",
    "office_area",
    "green_area",
    "length_km",
    "scale",
)


@dataclass(frozen=True)
class StandardFacts:
    """A site's figures for the land-use standard: numbers, texts and what was wrong."""

    numbers: Mapping[str, float] = field(default_factory=dict)
    texts: Mapping[str, str] = field(default_factory=dict)
    problems: Mapping[str, str] = field(default_factory=dict)

    def missing(self, needed: tuple[str, ...]) -> list[str]:
        """The facts of ``needed`` the site does not give usably."""
        return [f for f in needed if f not in self.numbers and f not in self.texts]


@functools.lru_cache(maxsize=256)
def _fact_columns(columns: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Each fact a site's columns give, with the column giving it (the same for every site)."""
    found = []
    for fact, names in FACT_FIELDS.items():
        name = find_column(list(columns), names)
        if name is not None:
            found.append((fact, name))
    return tuple(found)


def read_standard_facts(attributes: Mapping[str, Any]) -> StandardFacts:
    """Read and validate the land-use standard facts of one site.

    Examples
    --------
    >>> facts = read_standard_facts({"总投资": "12,000", "footprint_m2": -5, "HYDM": 3216})
    >>> dict(facts.numbers), dict(facts.texts)
    ({'total_investment': 12000.0}, {'industry_code': '3216'})
    >>> facts.problems["footprint"]
    'footprint_m2 = -5 is negative'
    """
    numbers: dict[str, float] = {}
    texts: dict[str, str] = {}
    problems: dict[str, str] = {}
    columns = {str(k): k for k in attributes}
    for fact, name in _fact_columns(tuple(columns)):
        key = columns[name]
        if is_blank(attributes[key]):
            continue
        value = attributes[key]
        if fact not in _NUMBERS:
            text = str(value).strip()
            texts[fact] = text[:-2] if text.endswith(".0") else text
            continue
        try:
            number = float(str(value).replace(",", "").strip())
        except ValueError:
            problems[fact] = f"{key} = {value!r} is not a number"
            continue
        if not math.isfinite(number):
            problems[fact] = f"{key} = {value!r} is not a finite number"
        elif number < 0:
            problems[fact] = f"{key} = {value!r} is negative"
        else:
            numbers[fact] = number
    return StandardFacts(numbers, texts, problems)
