"""The rest of the review: forest, grassland, wetland, protected areas, minerals, heritage….

The checks are forest, grassland, wetland, protected areas, mineral rights,
geohazards (zones and points), heritage and the land-use standard. Each
module holds one check's logic as an :class:`~landcheck.rules.Evaluator`; the
built-in profile gives each its layer, outcomes, wording, documents and dated
basis (with its verification mark 〔V〕/〔P〕/〔U〕). Layers are summed by the
attributes their profile entry maps to the review roles (grade, zone, level,
flag, type, mineral, holder: :data:`landcheck.profile.FIELD_ROLES`);
:mod:`landcheck.rules` registers :data:`REVIEW_EVALUATORS`.
"""

from __future__ import annotations

from landcheck.review.forest import FOREST
from landcheck.review.geohazard import GEOHAZARD, HAZARD_POINTS
from landcheck.review.grassland import GRASSLAND
from landcheck.review.heritage import HERITAGE
from landcheck.review.minerals import MINERAL_RIGHTS
from landcheck.review.protected_areas import PROTECTED_AREAS
from landcheck.review.standards import LAND_USE_STANDARD
from landcheck.review.wetland import WETLAND

__all__ = ["REVIEW_EVALUATORS"]

REVIEW_EVALUATORS = {
    e.name: e
    for e in (
        FOREST,
        GRASSLAND,
        WETLAND,
        PROTECTED_AREAS,
        MINERAL_RIGHTS,
        GEOHAZARD,
        HAZARD_POINTS,
        HERITAGE,
        LAND_USE_STANDARD,
    )
}
"""The review's evaluators by name (the ``check:`` of a profile rule)."""
