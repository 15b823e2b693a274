"""Proximity notes and the plain overlap of any layer."""

from __future__ import annotations

from landcheck.profile import NO_TEXT
from landcheck.rules.core import Decision, Evaluator, RuleInput, band_gap, involvement

__all__ = ["EVALUATORS"]


def _proximity(inp: RuleInput) -> Decision:
    """``overlaps``, ``near`` or ``clear``; ``band_outside`` for a clear band not all described.

    "None within the distance" rests on the absence of features all around the
    site: where more of that band than a sliver lies beyond the area the layers
    describe, it is not known (the built-in ``band_outside``, unknown). A feature
    found (``overlaps``, ``near``) stands.
    """
    layer = inp.layer
    buffer_m = float(inp.params.get("distance_m", 0.0))
    gap = band_gap(inp, buffer_m)
    values = {
        "buffer_m": buffer_m,
        "distance_m": layer.nearest_m if layer.nearest_m is not None else float("nan"),
        "nearest_id": layer.nearest_id or "",
        "described": gap.described if gap is not None else layer.described_by or NO_TEXT,
    }
    if inp.is_material(layer.overlap.m2, layer.max_width_m):
        return Decision("overlaps", layer.overlap, values)
    if layer.nearest_m is not None and layer.nearest_m <= buffer_m:
        return Decision("near", layer.overlap, values)
    if gap is not None:
        return Decision("band_outside", gap.area, values)
    return Decision("clear", layer.overlap, values)


def _generic_overlap(inp: RuleInput) -> Decision:
    area = inp.layer.overlap
    return Decision(involvement(inp, area, inp.layer.max_width_m) or "involved", area)


_ANY_KIND = (
    "permanent_farmland",
    "eco_redline",
    "urban_boundary",
    "planning_zone",
    "land_use",
    "protected_area",
    "approved_land",
    "generic",
)

EVALUATORS = (
    Evaluator(
        "proximity",
        _ANY_KIND,
        ("overlaps", "near", "clear"),
        _proximity,
        numbers=("buffer_m", "distance_m"),
        texts=("nearest_id", "described"),
        params={"distance_m": "distance"},
        evidence=("overlaps", "near"),
    ),
    Evaluator(
        "overlap",
        (*_ANY_KIND, "admin"),
        ("not_involved", "sliver", "involved"),
        _generic_overlap,
        evidence=("involved",),
    ),
)
