"""The evaluators by name: each family module contributes its own.

A new family of checks (forest, grassland, wetland, protected areas, minerals, geohazards,
heritage, land-use standards …) is a new module with an ``EVALUATORS`` tuple, added to
:data:`FAMILIES`; nothing else changes.
"""

from __future__ import annotations

from landcheck.rules import farmland, land, planning, proximity, pv, redline
from landcheck.rules.core import Evaluator

__all__ = ["EVALUATORS", "FAMILIES"]

FAMILIES = (farmland, redline, planning, land, pv, proximity)
"""The modules whose ``EVALUATORS`` make up the registry, in registry order."""

EVALUATORS: dict[str, Evaluator] = {
    evaluator.name: evaluator for family in FAMILIES for evaluator in family.EVALUATORS
}
"""Registry of evaluators by name (the ``check:`` of a profile rule)."""
