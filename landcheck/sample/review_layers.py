"""The review layers in one table (:data:`REVIEW_LAYERS`): built after the sites.

Each builder takes the :class:`~landcheck.sample.review.Review` (the survey,
the placed sites and the review generator) and returns the layer's columns
and geometries; :func:`build_review_layers` makes each into a frame with the
sample's conventions and the ``BSM`` identifiers of its layer number. The
builders run in the table's order, so the review generator's draws come in a
fixed order too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from landcheck.sample.approvals import approved_land
from landcheck.sample.frames import frame
from landcheck.sample.hazards import geohazard_points, geohazard_zones
from landcheck.sample.heritage import heritage
from landcheck.sample.illegal import illegal_land
from landcheck.sample.minerals import mineral_rights
from landcheck.sample.nature import forest, grassland, wetland
from landcheck.sample.protected import protected_areas
from landcheck.sample.review import Review
from landcheck.sample.survey import Survey

__all__ = ["REVIEW_LAYERS", "ReviewLayer", "build_review_layers"]

Built = tuple[dict[str, object], Sequence[shapely.Geometry]]


@dataclass(frozen=True)
class ReviewLayer:
    """A review layer: its name (a profile layer key), its BSM layer number, its builder."""

    name: str
    bsm: int
    build: Callable[[Review], Built]


REVIEW_LAYERS = (
    ReviewLayer("forest", 6, forest),
    ReviewLayer("grassland", 7, grassland),
    ReviewLayer("wetland", 8, wetland),
    ReviewLayer("protected_areas", 9, protected_areas),
    ReviewLayer("mineral_rights", 10, mineral_rights),
    ReviewLayer("geohazard", 11, geohazard_zones),
    ReviewLayer("geohazard_points", 12, geohazard_points),
    ReviewLayer("heritage", 13, heritage),
    ReviewLayer("approved_land", 14, approved_land),
    ReviewLayer("illegal_land", 15, illegal_land),
)
"""The review layers in output (and building) order, numbered after ``planning_zones``' 5."""


def build_review_layers(
    survey: Survey,
    sites: gpd.GeoDataFrame,
    candidates: gpd.GeoDataFrame,
    rng: np.random.Generator,
) -> dict[str, gpd.GeoDataFrame]:
    """Build every layer of :data:`REVIEW_LAYERS`, in its order, drawing from ``rng``."""
    review = Review(survey, sites, candidates, rng)
    return {layer.name: frame(*layer.build(review), bsm=layer.bsm) for layer in REVIEW_LAYERS}
