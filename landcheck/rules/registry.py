"""The evaluators by name: each family module contributes its own.

A new family of checks is a new module with an ``EVALUATORS`` tuple, added to
:data:`FAMILIES`; nothing else changes. The review's families (forest, grassland, wetland,
protected areas, mineral rights, geohazards, heritage, illegal land, the land-use standard)
live in :mod:`landcheck.review`, beside what they share (areas by attribute, the standard's
figures).
"""

from __future__ import annotations

from landcheck.review import (
    forest,
    geohazard,
    grassland,
    heritage,
    illegal_land,
    minerals,
    protected_areas,
    standards,
    wetland,
)
from landcheck.rules import farmland, land, planning, proximity, pv, redline
from landcheck.rules.core import Evaluator

__all__ = ["EVALUATORS", "FAMILIES"]

FAMILIES = (
    farmland,
    redline,
    planning,
    land,
    pv,
    proximity,
    forest,
    grassland,
    wetland,
    protected_areas,
    minerals,
    geohazard,
    heritage,
    illegal_land,
    standards,
)
"""The modules whose ``EVALUATORS`` make up the registry, in registry order."""

EVALUATORS: dict[str, Evaluator] = {
    evaluator.name: evaluator for family in FAMILIES for evaluator in family.EVALUATORS
}
"""Registry of evaluators by name (the ``check:`` of a profile rule)."""
