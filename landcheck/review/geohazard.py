"""Geological hazards (地质灾害): 易发区 zones by grade, and the distance to hazard points.

地质灾害防治条例 art. 21 [V]: a project built in a 地质灾害易发区 has a
地质灾害危险性评估 made at its feasibility stage; every grade (高, 中, 低) of
易发区 is one. A hazard point (隐患点) inside the site or near it is named with
its distance, for the assessment to address.
"""

from __future__ import annotations

import math

from landcheck.review.common import area_list, areas_by, matches, total
from landcheck.rules.core import Decision, Evaluator, RuleInput
from landcheck.units import M2_PER_HA

__all__ = ["EVALUATORS", "GEOHAZARD", "HAZARD_POINTS", "SUSCEPTIBLE", "UNSUSCEPTIBLE"]

SUSCEPTIBLE = ("高易发", "中易发", "低易发", "高", "中", "低", "高易发区", "中易发区", "低易发区")
"""Grades of a 地质灾害易发区 (YFCD)."""

UNSUSCEPTIBLE = ("不易发", "非易发", "不易发区", "非易发区")
"""Grades meaning the land is no 易发区."""


def _geohazard(inp: RuleInput) -> Decision:
    overlap = inp.layer.overlap
    grades = areas_by(inp, "grade")
    prone_keys = [g for g in grades if matches(g, SUSCEPTIBLE)]
    odd = [g for g in grades if not matches(g, (*SUSCEPTIBLE, *UNSUSCEPTIBLE))]
    prone = total(grades, prone_keys, overlap)
    high = total(grades, [g for g in grades if matches(g, ("高易发", "高", "高易发区"))], overlap)
    values = {
        "grades": area_list(grades, blank=None),
        "high_ha": high.m2 / M2_PER_HA,
        "codes": "、".join(g or "(blank)" for g in odd),
    }
    if odd and total(grades, odd, overlap).m2 >= inp.options.sliver_area_m2:
        return Decision("ungraded", overlap, values)
    if prone.m2 <= 0.0 or inp.is_sliver(prone.m2, None):
        return Decision("not_prone", prone, values)
    return Decision("assessment", prone, values)


GEOHAZARD = Evaluator(
    "geohazard",
    ("geohazard_zone",),
    ("not_prone", "assessment", "ungraded"),
    _geohazard,
    numbers=("high_ha",),
    texts=("grades", "codes"),
    evidence=("assessment", "ungraded"),
)


def _hazard_points(inp: RuleInput) -> Decision:
    layer = inp.layer
    reach = float(inp.params.get("distance_m", 0.0))
    distance = layer.nearest_m
    values = {
        "buffer_m": reach,
        "distance_m": distance if distance is not None else math.nan,
        "nearest_id": layer.nearest_id or "",
    }
    if distance is None or distance > reach:
        return Decision("clear", layer.overlap, values)
    if distance <= 0.0:
        return Decision("inside", layer.overlap, values)
    return Decision("near", layer.overlap, values)


HAZARD_POINTS = Evaluator(
    "hazard_points",
    ("hazard_points",),
    ("inside", "near", "clear"),
    _hazard_points,
    numbers=("buffer_m", "distance_m"),
    texts=("nearest_id",),
    params={"distance_m": "distance"},
    evidence=("inside", "near"),
)

EVALUATORS = (
    GEOHAZARD,
    HAZARD_POINTS,
)
"""The geohazard family (:data:`landcheck.rules.registry.FAMILIES`)."""
