"""What the site builders share: measures over the generated layers and the seeded search."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import geopandas as gpd
import numpy as np
import shapely

from landcheck.sample.county import SEAT, TOWNS
from landcheck.sample.landuse import construction_codes
from landcheck.sample.plan import Plan

__all__ = ["Measure", "SiteFinder"]


class Measure:
    """Polygons in an STRtree, to measure how much of a shape falls in them."""

    def __init__(self, geometry: Sequence[shapely.Geometry]):
        self.geometry = shapely.get_parts(np.asarray(geometry, dtype=object))
        self.tree = shapely.STRtree(self.geometry)

    def area(self, shape: shapely.Geometry) -> float:
        """Area (m², planar) of ``shape`` inside the polygons."""
        hit = self.tree.query(shape, predicate="intersects")
        if not len(hit):
            return 0.0
        return float(shapely.area(shapely.intersection(self.geometry[hit], shape)).sum())

    def outside(self, shape: shapely.Geometry) -> shapely.Geometry:
        """The part of ``shape`` outside the polygons."""
        hit = self.tree.query(shape, predicate="intersects")
        return shapely.difference(shape, shapely.union_all(self.geometry[hit]))

    def near(self, shape: shapely.Geometry, distance: float) -> bool:
        """Whether any polygon lies within ``distance`` metres of ``shape``."""
        return len(self.tree.query(shape, predicate="dwithin", distance=distance)) > 0

    def holding(self, points: np.ndarray) -> np.ndarray:
        """Mask of the points that lie inside one of the polygons."""
        hit, _ = self.tree.query(points, predicate="within")
        mask = np.zeros(len(points), dtype=bool)
        mask[hit] = True
        return mask


class SiteFinder:
    """Deterministic searches over the generated layers for each kind of site.

    Parameters
    ----------
    layers : dict of str to geopandas.GeoDataFrame
        The generated layers (land use, farmland, redline, urban boundary,
        townships are read).
    plan : Plan
        The county's plan (outline, reservoirs).
    rng : numpy.random.Generator
        The generator of the whole sample: the searches continue its draws.
    """

    def __init__(self, layers: dict[str, gpd.GeoDataFrame], plan: Plan, rng: np.random.Generator):
        land_use = layers["land_use"]
        urban = layers["urban_boundary"]
        seat = urban["XZQMC"] == TOWNS[SEAT].name
        self.rng = rng
        self.plan = plan
        self.outline = plan.outline
        shapely.prepare(self.outline)
        self.parcels = land_use.geometry.to_numpy()
        self.codes = land_use["DLBM"].to_numpy()
        self.rep = shapely.point_on_surface(self.parcels)
        self.farmland = Measure(layers["farmland"].geometry.to_numpy())
        self.redline = Measure(layers["eco_redline"].geometry.to_numpy())
        self.boundary = Measure(urban.geometry.to_numpy())
        self.seat_boundary = Measure(urban.geometry[seat].to_numpy())
        self.core = Measure(urban.geometry[seat & (urban["GHFQDM"] == "0401")].to_numpy())
        self.concentrated = Measure(urban.geometry[urban["GHFQDM"] == "0401"].to_numpy())
        self.construction = np.isin(self.codes, construction_codes())
        self.built = Measure(self.parcels[self.construction])
        self.land = Measure(self.parcels)
        self.townships = layers["townships"].geometry.to_numpy()
        self.in_farmland = self.farmland.holding(self.rep)
        self.in_redline = self.redline.holding(self.rep)
        self.in_boundary = self.boundary.holding(self.rep)
        self.placed: list[shapely.Geometry] = []  # the sites placed so far

    # -- measures
    def class_area(self, shape: shapely.Geometry, codes: tuple[str, ...]) -> float:
        """Area of ``shape`` on parcels of the given classes."""
        hit = self.land.tree.query(shape, predicate="intersects")
        hit = hit[np.isin(self.codes[hit], codes)]
        return float(shapely.area(shapely.intersection(self.parcels[hit], shape)).sum())

    def clear_of(self, shape: shapely.Geometry, gap: float) -> bool:
        """Far enough from the sites already placed."""
        return all(shapely.distance(shape, other) >= gap for other in self.placed)

    def inside(self, shape: shapely.Geometry) -> bool:
        """Wholly inside the county."""
        return bool(self.outline.contains(shape))

    def free(self, shape: shapely.Geometry, gap: float = 30.0) -> bool:
        """Clear of farmland and redline by ``gap`` metres."""
        return not self.farmland.near(shape, gap) and not self.redline.near(shape, gap)

    def accept(self, shape: shapely.Geometry, gap: float) -> bool:
        """Common conditions: inside the county, ``gap`` metres from the other sites."""
        return self.inside(shape) and self.clear_of(shape, gap)

    def cultivated_mix(self, shape: shapely.Geometry) -> float:
        """1 when the shape takes both paddy and dry land (≥ 0.1 ha each), else 0."""
        paddy = self.class_area(shape, ("0101",))
        dry = self.class_area(shape, ("0103",))
        return float(paddy >= 1000.0 and dry >= 1000.0)

    # -- search
    def centres(self, mask: np.ndarray, limit: int = 600) -> np.ndarray:
        """Representative points of the parcels in ``mask``, in a seeded random order."""
        points = shapely.get_coordinates(self.rep[mask])
        return points[self.rng.permutation(len(points))[:limit]]

    def search(
        self,
        centres: np.ndarray,
        make: Callable[[np.ndarray, float], shapely.Geometry],
        score: Callable[[shapely.Geometry], float | None],
        *,
        enough: int = 1,
    ) -> shapely.Geometry:
        """Return the best-scoring shape of the first ``enough`` centres that give one.

        At each centre, in turn, ``make(centre, angle)`` is tried at up to
        four angles 45° apart, from one seeded base angle in [0°, 45°); the
        first shape that ``score`` does not reject (None) is that centre's
        find. The search stops after ``enough`` finds, or at the last centre,
        and returns the find with the highest score (the first of equals).

        Raises
        ------
        RuntimeError
            When no centre gives a shape.
        """
        base = self.rng.uniform(0.0, np.pi / 4.0)
        best, best_score, found = None, -np.inf, 0
        for centre in centres:
            for turn in range(4):
                shape = make(centre, base + turn * np.pi / 4.0)
                value = score(shape)
                if value is None:
                    continue
                found += 1
                if value > best_score:
                    best, best_score = shape, value
                break
            if found >= enough:
                break
        if best is None:
            raise RuntimeError("no place found for a sample site; try another seed")
        return best
