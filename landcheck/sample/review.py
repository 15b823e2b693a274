"""What the review layers are built from: the survey, the sites and their own generator.

The review layers (forest, grassland, wetland, protected areas, mineral
rights, geohazards, heritage, approved land, illegal land) are built after
the sites, so some can be placed by them (the approved land under S01, the
licence beside S12's extension, the 违法用地图斑 on S08 and S11).
:class:`Review` holds their inputs and the facts per parcel they share; it
draws from its own generator, seeded from the sample's seed, so nothing
generated before them moves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from landcheck.sample.county import GRID, SEAT
from landcheck.sample.landuse import construction_codes
from landcheck.sample.survey import Survey

__all__ = ["REVIEW_STREAM", "Review", "polygonal", "union_parts_of"]

REVIEW_STREAM = 13
"""Second word of the review layers' seed, ``[seed, REVIEW_STREAM]`` (issue 13 added them)."""


@dataclass
class Review:
    """The inputs of the review layers and the per-parcel facts they share.

    Parameters
    ----------
    survey : Survey
        The survey record (parcels in survey order, their fields and lines).
    sites, candidates : geopandas.GeoDataFrame
        The placed sample sites and candidates.
    rng : numpy.random.Generator
        The review layers' own generator.
    """

    survey: Survey
    sites: gpd.GeoDataFrame
    candidates: gpd.GeoDataFrame
    rng: np.random.Generator
    _shared: dict[str, Any] = field(default_factory=dict, repr=False)

    def shared(self, key: str, make: Callable[[Review], Any]) -> Any:
        """``make(self)``, computed once: a fact more than one layer reads (it draws nothing)."""
        if key not in self._shared:
            self._shared[key] = make(self)
        return self._shared[key]

    @cached_property
    def rep(self) -> np.ndarray:
        """Representative point (x, y) of each parcel, shape (n, 2)."""
        return shapely.get_coordinates(shapely.point_on_surface(self.survey.geometry))

    @cached_property
    def area(self) -> np.ndarray:
        """Planar area (m²) of each parcel."""
        return shapely.area(self.survey.geometry)

    @cached_property
    def tree(self) -> shapely.STRtree:
        """STRtree of the parcels."""
        return shapely.STRtree(self.survey.geometry)

    @cached_property
    def construction(self) -> np.ndarray:
        """Mask of the construction-land parcels."""
        return np.isin(self.survey.code, construction_codes())

    @cached_property
    def in_boundary(self) -> np.ndarray:
        """Mask of the parcels inside an urban development boundary."""
        return self.survey.lines.boundary >= 0

    @cached_property
    def in_redline(self) -> np.ndarray:
        """Mask of the parcels in the ecological redline."""
        return self.survey.lines.redline != ""

    @cached_property
    def seat(self) -> np.ndarray:
        """Coordinates of the county seat."""
        return self.survey.plan.seats[SEAT]

    @cached_property
    def edges(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Pairs (i, j) of parcels sharing an edge, in both directions, and its length (m)."""
        geometry = self.survey.geometry
        left, right = self.tree.query(geometry, predicate="intersects")
        once = left < right
        left, right = left[once], right[once]
        boundary = shapely.boundary(geometry)
        length = shapely.length(shapely.intersection(boundary[left], boundary[right]))
        edge = length > 0.0  # not a corner
        left, right, length = left[edge], right[edge], length[edge]
        return np.r_[left, right], np.r_[right, left], np.r_[length, length]

    def site(self, site_id: str) -> shapely.Geometry:
        """The geometry of a sample site (S01…) or candidate (A…)."""
        for frame in (self.sites, self.candidates):
            match = frame.geometry[frame["site_id"] == site_id]
            if len(match):
                return match.iloc[0]
        raise KeyError(site_id)

    def union(self, mask: np.ndarray) -> shapely.Geometry:
        """Union of the parcels in ``mask`` (a coverage, so exact and fast)."""
        if not mask.any():
            return shapely.Polygon()
        return shapely.coverage_union_all(self.survey.geometry[mask])

    def within(self, shape: shapely.Geometry, distance: float = 0.0) -> np.ndarray:
        """Mask of the parcels whose representative point lies within ``distance`` of ``shape``."""
        shapely.prepare(shape)
        if distance == 0.0:
            return shapely.contains_xy(shape, self.rep[:, 0], self.rep[:, 1])
        return shapely.dwithin(shape, shapely.points(self.rep), distance)


def polygonal(geometry: shapely.Geometry) -> shapely.Geometry:
    """``geometry`` on the 1 cm grid, keeping only its polygons (empty when none)."""
    snapped = shapely.set_precision(geometry, GRID)
    parts = [p for p in shapely.get_parts(snapped) if p.geom_type in ("Polygon", "MultiPolygon")]
    parts = [q for p in parts for q in shapely.get_parts(p)]
    if not parts:
        return shapely.Polygon()
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def union_parts_of(review: Review, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Connected groups of the parcels in ``mask``: each parcel's group (-1 outside) and areas.

    Parcels are connected when they share an edge, as in a union of them.
    Groups are numbered in the order of their first parcel.
    """
    left, right, _ = review.edges
    keep = mask[left] & mask[right]
    parent = np.arange(len(mask))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in zip(left[keep], right[keep], strict=True):
        ra, rb = root(int(a)), root(int(b))
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    roots = np.array([root(i) for i in range(len(mask))])
    group = np.full(len(mask), -1)
    chosen = np.flatnonzero(mask)
    _, group[chosen] = np.unique(roots[chosen], return_inverse=True)
    sizes = np.bincount(group[chosen], weights=review.area[chosen], minlength=group.max() + 1)
    return group, sizes
