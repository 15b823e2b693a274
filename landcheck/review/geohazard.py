"""Geological hazards (地质灾害): 易发区 zones by grade, and the distance to hazard points.

地质灾害防治条例 art. 21 [V]: a project built in a 地质灾害易发区 has a
地质灾害危险性评估 made at its feasibility stage; every grade (高, 中, 低) of
易发区 is one: a 易发区 found needs it, whatever grade the rest of the site has (a grade
not recognised beside it is named, not a reason for unknown). A 易发区 or a grade not
recognised touched only by a sliver (:meth:`~landcheck.rules.core.RuleInput.is_sliver`,
area and width, as every review check) is a suspected boundary error, never "not prone".
A hazard point (隐患点) inside the site or near it is named with
its distance, for the assessment to address.
"""

from __future__ import annotations

import math

from landcheck.profile import NO_TEXT, Text
from landcheck.review.common import area_list, areas_by, matches, named, total, width_of
from landcheck.rules.core import Decision, Evaluator, RuleInput, band_gap
from landcheck.units import M2_PER_HA, Area

__all__ = ["EVALUATORS", "GEOHAZARD", "HAZARD_POINTS", "SUSCEPTIBLE", "UNSUSCEPTIBLE"]

SUSCEPTIBLE = ("高易发", "中易发", "低易发", "高", "中", "低", "高易发区", "中易发区", "低易发区")
"""Grades of a 地质灾害易发区 (YFCD)."""

UNSUSCEPTIBLE = ("不易发", "非易发", "不易发区", "非易发区")
"""Grades meaning the land is no 易发区."""

HIGH = ("高易发", "高", "高易发区")
"""The grade 高易发."""


def _odd_note(odd: Area, codes: str, material: bool) -> Text:
    """Beside a 易发区 found, the land of a grade not recognised, which changes nothing."""
    if not material:
        return NO_TEXT
    ha = odd.m2 / M2_PER_HA
    return Text(
        f"；另有 {ha:.4f} 公顷的易发程度“{codes}”无法识别（不影响须开展评估的结论）",
        f"; a further {ha:.4f} ha has the grade(s) {codes}, not recognised "
        "(the assessment is needed whatever they mean)",
    )


def _geohazard(inp: RuleInput) -> Decision:
    overlap = inp.layer.overlap
    grades = areas_by(inp, "grade")
    prone_keys = [g for g in grades if matches(g, SUSCEPTIBLE)]
    odd_keys = [g for g in grades if not matches(g, (*SUSCEPTIBLE, *UNSUSCEPTIBLE))]
    prone, odd = total(grades, prone_keys, overlap), total(grades, odd_keys, overlap)
    odd_material = inp.is_material(odd.m2, width_of(inp, "grade", odd_keys))
    codes = named(odd_keys)
    values = {
        "grades": area_list(grades, blank=None),
        "high_ha": total(grades, [g for g in grades if matches(g, HIGH)], overlap).m2 / M2_PER_HA,
        "codes": codes,
        "odd_note": _odd_note(odd, codes, odd_material),
    }
    # A 易发区 found needs the assessment whatever the other grades are (art. 21).
    if inp.is_material(prone.m2, width_of(inp, "grade", prone_keys)):
        return Decision("assessment", prone, values)
    if odd_material:
        return Decision("ungraded", overlap, values)
    edge = total(grades, [*prone_keys, *odd_keys], overlap)
    if edge.m2 > 0.0:  # a boundary-precision sliver, to correct and recheck
        return Decision("sliver", edge, values)
    return Decision("not_prone", prone, values)


GEOHAZARD = Evaluator(
    "geohazard",
    ("geohazard_zone",),
    ("not_prone", "sliver", "assessment", "ungraded"),
    _geohazard,
    numbers=("high_ha",),
    texts=("grades", "codes", "odd_note"),
    evidence=("assessment", "ungraded"),
)


def _hazard_points(inp: RuleInput) -> Decision:
    layer = inp.layer
    reach = float(inp.params.get("distance_m", 0.0))
    distance = layer.nearest_m
    gap = band_gap(inp, reach)
    values = {
        "buffer_m": reach,
        "distance_m": distance if distance is not None else math.nan,
        "nearest_id": layer.nearest_id or "",
        "described": gap.described if gap is not None else layer.described_by or NO_TEXT,
    }
    if (distance is None or distance > reach) and gap is not None:
        return Decision("band_outside", gap.area, values)  # none found, but not all is described
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
    texts=("nearest_id", "described"),
    params={"distance_m": "distance"},
    evidence=("inside", "near"),
)

EVALUATORS = (
    GEOHAZARD,
    HAZARD_POINTS,
)
"""The geohazard family (:data:`landcheck.rules.registry.FAMILIES`)."""
