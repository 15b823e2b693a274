"""One builder per sample site, and the candidates: each searches the layers for its situation.

A builder takes the :class:`~landcheck.sample.site_finder.SiteFinder` and
returns the site's geometry, or raises RuntimeError when the layers hold no
place for it. Builders are called in the order of
:data:`landcheck.sample.sites.SITES`, each drawing from the one generator.
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import shapely

from landcheck.polygonal import polygonal_part
from landcheck.sample.county import GRID
from landcheck.sample.landuse import CORRIDORS, CULTIVATED, GRASS_AND_BARE, WATER, WILD
from landcheck.sample.shapes import along, rectangle, wiggle
from landcheck.sample.site_finder import Measure, SiteFinder

__all__ = [
    "candidate_sites",
    "clean_site",
    "county_edge_site",
    "farmland_road",
    "farmland_site",
    "hazard_point_site",
    "heritage_site",
    "holed_site",
    "industrial_site",
    "mineral_site",
    "multipart_site",
    "pv_on_cultivated",
    "redline_block",
    "redline_road",
    "redline_works",
    "single_site",
    "sliver_site",
    "straddling_boundary",
    "two_township_site",
    "wetland_site",
    "wild_block",
    "zone_site",
]


def clean_site(finder: SiteFinder) -> shapely.Geometry:
    """S01: inside the county seat's concentrated construction zone, on construction land."""
    centres = finder.centres(
        finder.construction
        & finder.core.holding(finder.rep)
        & np.isin(finder.codes, ("0601", "0508"))  # industry and storage
    )

    def score(shape: shapely.Geometry) -> float | None:
        full = shape.area - 1.0
        if finder.core.area(shape) < full or finder.built.area(shape) < full:
            return None
        return 1.0 if finder.free(shape, 50.0) and finder.accept(shape, 300.0) else None

    for width, height in ((280.0, 220.0), (220.0, 180.0), (160.0, 130.0)):
        try:
            return finder.search(
                centres, lambda c, a, w=width, h=height: rectangle(c, w, h, a), score
            )
        except RuntimeError:
            continue
    raise RuntimeError("no place found for the clean sample site")


def farmland_site(finder: SiteFinder, *, outside: bool, gap: float) -> shapely.Geometry:
    """S02/S03: mostly permanent farmland, with paddy and dry land when possible.

    ``outside``: also 100 m clear of the urban boundary; ``gap``: the distance
    to the other sites.
    """
    centres = finder.centres(finder.in_farmland)

    def score(shape: shapely.Geometry) -> float | None:
        share = finder.farmland.area(shape) / shape.area
        if share < 0.6 or finder.redline.near(shape, 20.0) or not finder.accept(shape, gap):
            return None
        if outside and finder.boundary.near(shape, 100.0):
            return None
        return share + finder.cultivated_mix(shape)

    size = (240.0, 200.0) if not outside else (260.0, 220.0)
    return finder.search(centres, lambda c, a: rectangle(c, *size, a), score, enough=40)


def redline_block(finder: SiteFinder) -> shapely.Geometry:
    """S04: a block site wholly inside the redline."""
    centres = finder.centres(finder.in_redline)

    def score(shape: shapely.Geometry) -> float | None:
        if finder.redline.area(shape) < 0.98 * shape.area or finder.farmland.near(shape, 30.0):
            return None
        if finder.boundary.near(shape, 50.0):
            return None
        return 1.0 if finder.accept(shape, 800.0) else None

    return finder.search(centres, lambda c, a: rectangle(c, 220.0, 160.0, a), score)


def redline_road(finder: SiteFinder, *, width: float) -> shapely.Geometry:
    """S05: a 3.4 km road corridor crossing the redline, avoiding farmland as far as it can.

    Crossing: the corridor is 15-70 % in the redline and its part outside
    the redline has at least two pieces (it enters and leaves).
    """
    centres = finder.centres(finder.in_redline)
    bend = finder.rng.uniform(-150.0, 150.0)

    def make(centre: np.ndarray, angle: float) -> shapely.Geometry:
        ahead = np.array([np.cos(angle), np.sin(angle)])
        across = np.array([-ahead[1], ahead[0]])
        line = wiggle(
            np.array([centre - 1700.0 * ahead, centre + bend * across, centre + 1700.0 * ahead]),
            finder.rng,
            roughness=0.03,
            levels=2,
        )
        return shapely.set_precision(
            shapely.buffer(line, width / 2.0, cap_style="flat", quad_segs=2), GRID
        )

    def score(shape: shapely.Geometry) -> float | None:
        share = finder.redline.area(shape) / shape.area
        if not 0.15 <= share <= 0.7 or not finder.accept(shape, 500.0):
            return None
        if shapely.get_num_geometries(finder.redline.outside(shape)) < 2:
            return None  # it must enter and leave the redline
        conflict = finder.farmland.area(shape) + 0.2 * finder.boundary.area(shape)
        return -conflict / shape.area

    return finder.search(centres, make, score, enough=40)


def single_site(finder: SiteFinder) -> shapely.Geometry:
    """S06: outside the boundary on grass or bare land, clear of farmland and redline."""
    centres = finder.centres(~finder.in_boundary & np.isin(finder.codes, GRASS_AND_BARE))

    def score(shape: shapely.Geometry) -> float | None:
        if not finder.free(shape) or finder.boundary.near(shape, 200.0):
            return None
        if not finder.accept(shape, 1000.0):
            return None
        return finder.class_area(shape, GRASS_AND_BARE) / shape.area

    return finder.search(centres, lambda c, a: rectangle(c, 450.0, 300.0, a), score, enough=20)


def straddling_boundary(finder: SiteFinder) -> shapely.Geometry:
    """S07: half in, half out of an urban boundary, on no farmland or redline."""
    seat = shapely.coverage_union_all(finder.seat_boundary.geometry)
    towns = shapely.coverage_union_all(finder.boundary.geometry)
    edges = [along(shapely.boundary(g), 150.0) for g in (seat, towns)]
    centres = np.vstack([e[finder.rng.permutation(len(e))] for e in edges])

    def score(shape: shapely.Geometry) -> float | None:
        share = finder.boundary.area(shape) / shape.area
        if not 0.35 <= share <= 0.65 or finder.farmland.area(shape) > 0.0:
            return None
        if finder.redline.area(shape) > 0.0 or not finder.accept(shape, 600.0):
            return None
        return 1.0

    for width, height in ((300.0, 240.0), (240.0, 180.0), (180.0, 140.0)):
        try:
            return finder.search(
                centres, lambda c, a, w=width, h=height: rectangle(c, w, h, a), score
            )
        except RuntimeError:
            continue
    raise RuntimeError("no place found for the sample site across the urban boundary")


def sliver_site(finder: SiteFinder) -> shapely.Geometry:
    """S08: a parcel beside farmland, plus a 0.05 m strip along one straight shared edge.

    The parcel shares a straight edge of 60-160 m with a farmland parcel; the
    strip reaches 0.05 m over that edge, so the site overlaps farmland by
    3-8 m². Construction parcels of about 1.5 ha are preferred.
    """
    farm = np.flatnonzero(finder.in_farmland)
    tree = finder.land.tree
    left, right = tree.query(finder.parcels[farm], predicate="touches")
    f, p = farm[left], right
    ordinary = ~np.isin(finder.codes[p], CORRIDORS)
    keep = ~finder.in_farmland[p] & ~finder.in_redline[p] & ordinary
    f, p = f[keep], p[keep]
    edges = shapely.boundary(finder.parcels)
    shared = shapely.line_merge(shapely.intersection(edges[f], edges[p]))
    straight = (shapely.get_type_id(shared) == 1) & (shapely.get_num_coordinates(shared) == 2)
    length = shapely.length(shared)
    good = np.flatnonzero(straight & (length >= 60.0) & (length <= 160.0))
    if not len(good):
        raise RuntimeError("no straight farmland edge found for the sliver site")
    area = shapely.area(finder.parcels[p[good]])
    in_town = np.array(
        [
            finder.core.area(parcel) >= shapely.area(parcel) - 1.0
            for parcel in finder.parcels[p[good]]
        ]
    )
    # A construction parcel wholly in the county seat's concentrated zone would rank first
    # (+2). Farmland is kept off the boundary and a fringe around it, so no such parcel
    # touches farmland for seeds 2026 and 7 and the bonus changes nothing there; it is kept
    # because dropping it could move the site for a seed where one does.
    score = 2.0 * (in_town & finder.construction[p[good]]) + finder.construction[p[good]]
    score = score - np.abs(area - 15000.0) / 15000.0
    for g in good[np.argsort(-score, kind="stable")]:
        a, b = shapely.get_coordinates(shared[g])
        ahead = (b - a) / np.hypot(*(b - a))
        normal = np.array([-ahead[1], ahead[0]])
        if not shapely.contains_xy(finder.parcels[f[g]], *((a + b) / 2.0 + 0.5 * normal)):
            normal = -normal
        strip = shapely.Polygon([a, b, b + 0.05 * normal, a + 0.05 * normal])
        site = shapely.union(finder.parcels[p[g]], strip, grid_size=GRID)
        if (
            site.geom_type == "Polygon"
            and finder.accept(site, 300.0)
            and not (finder.redline.near(site, 30.0))
        ):
            return site
    raise RuntimeError("no place found for the sliver sample site")


def holed_site(finder: SiteFinder) -> shapely.Geometry:
    """S09: a site around a retained square park, inside an urban boundary.

    Preferably beside farmland (:func:`_holed_beside_farmland`); otherwise a 320 m square
    with a 90 m hole on construction land away from farmland and redline.
    """
    beside = _holed_beside_farmland(finder)
    if beside is not None:
        return beside
    centres = finder.centres(finder.construction & finder.core.holding(finder.rep))

    def make(centre: np.ndarray, angle: float) -> shapely.Geometry:
        outer = rectangle(centre, 320.0, 320.0, angle)
        hole = rectangle(centre, 90.0, 90.0, angle)
        return shapely.Polygon(outer.exterior, [hole.exterior])

    def score(shape: shapely.Geometry) -> float | None:
        if finder.boundary.area(shape) < shape.area - 1.0 or not finder.free(shape):
            return None
        return 1.0 if finder.accept(shape, 500.0) else None

    return finder.search(centres, make, score)


def _holed_beside_farmland(finder: SiteFinder) -> shapely.Geometry | None:
    """A construction parcel in a town's concentrated zone within 45 m of farmland, holed.

    The largest such parcel of 0.8 ha or more that works, set back 3 m, with a
    square hole of 0.3 times the square root of its area. Its only finding of
    the three lines and the survey is then the farmland proximity note (``info``).
    """
    parcels = np.flatnonzero(finder.construction)
    near, _ = finder.farmland.tree.query(
        finder.parcels[parcels], predicate="dwithin", distance=45.0
    )
    for index in sorted(set(parcels[near].tolist()), key=lambda i: -finder.parcels[i].area):
        parcel = finder.parcels[index]
        if parcel.area < 8000.0 or finder.concentrated.area(parcel) < parcel.area - 1.0:
            continue
        body = polygonal_part([shapely.buffer(parcel, -3.0, join_style="mitre")])[0]
        if body.geom_type != "Polygon":
            continue
        side = 0.3 * np.sqrt(body.area)
        hole = rectangle(
            shapely.get_coordinates(shapely.point_on_surface(body))[0], side, side, 0.0
        )
        if not shapely.contains(shapely.buffer(body, -5.0), hole):
            continue
        shape = shapely.set_precision(shapely.Polygon(body.exterior, [hole.exterior]), GRID)
        if shape.is_valid and finder.free(shape, 1.0) and finder.accept(shape, 500.0):
            return shape
    return None


def multipart_site(finder: SiteFinder) -> shapely.Geometry:
    """S10: a water works near a reservoir and two pumping stations 0.7 and 1.4 km away."""
    lakes = shapely.union_all(finder.plan.reservoirs)
    near = shapely.dwithin(finder.rep, lakes, 3000.0) & ~finder.in_boundary
    centres = np.vstack([finder.centres(near), finder.centres(~finder.in_boundary)])

    def make(centre: np.ndarray, angle: float) -> shapely.Geometry:
        ahead = np.array([np.cos(angle), np.sin(angle)])
        parts = [rectangle(centre, 200.0, 150.0, angle)]
        parts += [rectangle(centre + d * ahead, 60.0, 50.0, angle) for d in (700.0, 1400.0)]
        return shapely.MultiPolygon(parts)

    def score(shape: shapely.Geometry) -> float | None:
        if not finder.free(shape, 10.0) or finder.boundary.near(shape, 50.0):
            return None
        if finder.class_area(shape, WATER) > 0.0:
            return None
        return 1.0 if finder.accept(shape, 800.0) else None

    return finder.search(centres, make, score)


def two_township_site(finder: SiteFinder) -> shapely.Geometry:
    """S11: across the boundary between two townships, with at least a quarter in each."""
    edges = shapely.difference(
        shapely.union_all(shapely.boundary(finder.townships)),
        shapely.buffer(shapely.boundary(finder.outline), 300.0),
    )
    points = along(edges, 200.0)
    centres = points[finder.rng.permutation(len(points))]

    def score(shape: shapely.Geometry) -> float | None:
        shares = shapely.area(shapely.intersection(finder.townships, shape)) / shape.area
        if np.sort(shares)[-2] < 0.25 or finder.farmland.area(shape) > 0.0:
            return None
        if finder.redline.area(shape) > 0.0 or finder.boundary.near(shape, 50.0):
            return None
        return 1.0 if finder.accept(shape, 800.0) else None

    return finder.search(centres, lambda c, a: rectangle(c, 260.0, 220.0, a), score)


def county_edge_site(finder: SiteFinder) -> shapely.Geometry:
    """S12: a mine extension reaching outside the county (40-70 % inside)."""
    points = along(shapely.boundary(finder.outline), 200.0)
    centres = points[finder.rng.permutation(len(points))]

    def score(shape: shapely.Geometry) -> float | None:
        share = shapely.area(shapely.intersection(shape, finder.outline)) / shape.area
        if not 0.4 <= share <= 0.7 or finder.farmland.area(shape) > 0.0:
            return None
        if finder.redline.area(shape) > 0.0 or finder.boundary.near(shape, 50.0):
            return None
        return 1.0 if finder.clear_of(shape, 1500.0) else None

    return finder.search(centres, lambda c, a: rectangle(c, 400.0, 300.0, a), score)


def candidate_sites(finder: SiteFinder) -> list[shapely.Geometry]:
    """Four 30 ha alternatives A-D for the green aluminium park's second phase.

    A inside the county seat's boundary and clean, B on permanent farmland,
    C outside the boundary, D partly in the redline. Each is added to the
    placed sites.
    """
    size = (600.0, 500.0)

    def make(centre: np.ndarray, angle: float) -> shapely.Geometry:
        return rectangle(centre, *size, angle)

    def inside(shape: shapely.Geometry) -> float | None:
        if finder.seat_boundary.area(shape) < shape.area - 1.0 or not finder.free(shape, 20.0):
            return None
        return 1.0 if finder.clear_of(shape, 100.0) else None

    def on_farmland(shape: shapely.Geometry) -> float | None:
        if finder.farmland.area(shape) < 0.5 * shape.area or finder.redline.area(shape) > 0.0:
            return None
        if finder.boundary.area(shape) > 0.0 or not finder.inside(shape):
            return None
        return 1.0 if finder.clear_of(shape, 300.0) else None

    def outside(shape: shapely.Geometry) -> float | None:
        if finder.boundary.near(shape, 100.0) or not finder.free(shape, 20.0):
            return None
        return 1.0 if finder.inside(shape) and finder.clear_of(shape, 300.0) else None

    def in_redline(shape: shapely.Geometry) -> float | None:
        share = finder.redline.area(shape) / shape.area
        if not 0.2 <= share <= 0.6 or finder.farmland.area(shape) > 0.0:
            return None
        if finder.boundary.area(shape) > 0.0 or not finder.inside(shape):
            return None
        return 1.0 if finder.clear_of(shape, 300.0) else None

    upland = ~finder.in_boundary & np.isin(finder.codes, WILD)
    # every search's centres are drawn before the first search runs
    plans = (
        (finder.centres(finder.seat_boundary.holding(finder.rep)), inside),
        (finder.centres(finder.in_farmland), on_farmland),
        (finder.centres(upland), outside),
        (finder.centres(finder.in_redline), in_redline),
    )
    shapes = []
    for centres, score in plans:
        shape = finder.search(centres, make, score)
        finder.placed.append(shape)
        shapes.append(shape)
    return shapes


# -- the review sites: placed after the review layers, against them (sites.REVIEW_SITES)


def wetland_site(finder: SiteFinder, review: dict[str, gpd.GeoDataFrame]) -> shapely.Geometry:
    """A pumping station on a wetland's shore that is not 国家重要湿地, off the redline.

    The river and reservoir water lies in the redline; the wetland's open shore
    around it does not, so the site takes wetland without entering the redline
    or farmland.
    """
    wetland = review["wetland"]
    other = wetland[wetland["ZYSDJB"] != "国家重要湿地"]
    shore = Measure(other.geometry.to_numpy())
    centres = finder.centres(shore.holding(finder.rep) & ~finder.in_redline, limit=2000)

    def score(shape: shapely.Geometry) -> float | None:
        taken = shore.area(shape)
        if taken < 0.3 * shape.area or not finder.free(shape, 5.0):
            return None
        return taken / shape.area if finder.accept(shape, 500.0) else None

    return finder.search(centres, lambda c, a: rectangle(c, 90.0, 60.0, a), score, enough=20)


def heritage_site(finder: SiteFinder, review: dict[str, gpd.GeoDataFrame]) -> shapely.Geometry:
    """A housing project in the town, wholly in the 地下文物埋藏区 and the urban boundary."""
    heritage = review["heritage"]
    buried = Measure(heritage.geometry[heritage["FWLX"] == "地下文物埋藏区"].to_numpy())
    others = Measure(heritage.geometry[heritage["FWLX"] != "地下文物埋藏区"].to_numpy())
    centres = finder.centres(finder.in_boundary & buried.holding(finder.rep), limit=2000)

    def score(shape: shapely.Geometry) -> float | None:
        full = shape.area - 1.0
        if buried.area(shape) < full or finder.boundary.area(shape) < full:
            return None
        if others.near(shape, 50.0) or not finder.free(shape, 30.0):
            return None
        return 1.0 if finder.accept(shape, 300.0) else None

    for width, height in ((200.0, 150.0), (150.0, 100.0), (100.0, 80.0)):
        try:
            return finder.search(
                centres, lambda c, a, w=width, h=height: rectangle(c, w, h, a), score
            )
        except RuntimeError:
            continue
    raise RuntimeError("no place found for the heritage sample site")


def industrial_site(finder: SiteFinder, review: dict[str, gpd.GeoDataFrame]) -> shapely.Geometry:
    """An industrial plant in a town's concentrated construction zone, on construction land.

    Clear of farmland, redline and heritage zones, so its findings are about
    its land-use indices.
    """
    heritage = Measure(review["heritage"].geometry.to_numpy())
    centres = finder.centres(
        finder.construction
        & finder.concentrated.holding(finder.rep)
        & np.isin(finder.codes, ("0601", "0508"))
    )

    def score(shape: shapely.Geometry) -> float | None:
        full = shape.area - 1.0
        if finder.concentrated.area(shape) < full or finder.built.area(shape) < 0.9 * full:
            return None
        if heritage.near(shape, 50.0) or not finder.free(shape, 50.0):
            return None
        return 1.0 if finder.accept(shape, 300.0) else None

    for width, height in ((200.0, 160.0), (160.0, 120.0), (120.0, 100.0)):
        try:
            return finder.search(
                centres, lambda c, a, w=width, h=height: rectangle(c, w, h, a), score
            )
        except RuntimeError:
            continue
    raise RuntimeError("no place found for an industrial sample site")


def mineral_site(finder: SiteFinder, review: dict[str, gpd.GeoDataFrame]) -> shapely.Geometry:
    """An ore-dressing plant on the 锰 mining right's block (half of it at least), by its mines."""
    rights = review["mineral_rights"]
    block = Measure(rights.geometry[rights["KZ"] == "锰矿"].to_numpy())
    centres = finder.centres(block.holding(finder.rep) & (finder.codes == "0602"), limit=2000)

    def score(shape: shapely.Geometry) -> float | None:
        share = block.area(shape) / shape.area
        if share < 0.5 or not finder.free(shape, 20.0):
            return None
        return 1.0 if finder.accept(shape, 500.0) else None

    return finder.search(centres, lambda c, a: rectangle(c, 240.0, 160.0, a), score, enough=5)


def zone_site(
    finder: SiteFinder,
    review: dict[str, gpd.GeoDataFrame],
    *,
    layer: str,
    where: Mapping[str, tuple[str, ...]],
    size: tuple[float, float],
    share: float,
    avoid: Mapping[str, tuple[str, ...]] | None = None,
    gap: float = 500.0,
) -> shapely.Geometry:
    """A ``size`` rectangle with at least ``share`` of its area in chosen features of ``layer``.

    The features are those whose every column of ``where`` holds one of its
    values; the site keeps 10 m clear of the features ``avoid`` selects the
    same way, and ``gap`` metres from the other sites. Centres are points of
    a grid over the chosen features (spacing a third of the shorter side,
    wider when the features are large), in a seeded random order; the search
    prefers the larger share.
    """
    features = review[layer]
    target = Measure(features.geometry[_selected(features, where)].to_numpy())
    kept = Measure(features.geometry[_selected(features, avoid)].to_numpy()) if avoid else None
    parts = target.geometry
    total = float(shapely.area(parts).sum())
    step = max(min(size) / 3.0, np.sqrt(total / 20000.0))
    x0, y0, x1, y1 = shapely.total_bounds(parts)
    xs, ys = np.meshgrid(np.arange(x0, x1, step), np.arange(y0, y1, step))
    grid = np.column_stack([xs.ravel(), ys.ravel()])
    inside = grid[target.holding(shapely.points(grid))]
    centres = inside[finder.rng.permutation(len(inside))[:2000]]

    def score(shape: shapely.Geometry) -> float | None:
        taken = target.area(shape) / shape.area
        if taken < share or (kept is not None and kept.near(shape, 10.0)):
            return None
        return taken if finder.accept(shape, gap) else None

    return finder.search(centres, lambda c, a: rectangle(c, *size, a), score, enough=5)


def _selected(features: gpd.GeoDataFrame, where: Mapping[str, tuple[str, ...]]) -> np.ndarray:
    """Mask of the features whose every column of ``where`` holds one of its values."""
    mask = np.ones(len(features), dtype=bool)
    for column, values in where.items():
        mask &= features[column].isin(values).to_numpy()
    return mask


def hazard_point_site(finder: SiteFinder, review: dict[str, gpd.GeoDataFrame]) -> shapely.Geometry:
    """A 120 × 90 m site around a geohazard point (隐患点), off farmland and the towns.

    Centred 20-40 m from the point, so the point lies inside it; clear of
    farmland and redline by 10 m and of the urban boundaries by 100 m.
    """
    points = shapely.get_coordinates(review["geohazard_points"].geometry.to_numpy())
    points = points[finder.rng.permutation(len(points))]
    offsets = finder.rng.uniform(20.0, 40.0, len(points))

    def make(point: np.ndarray, angle: float) -> shapely.Geometry:
        index = int(np.argmin(np.hypot(*(points - point).T)))
        shift = offsets[index] * np.array([np.cos(angle), np.sin(angle)])
        return rectangle(point + shift, 120.0, 90.0, angle)

    def score(shape: shapely.Geometry) -> float | None:
        if not finder.free(shape, 10.0) or finder.boundary.near(shape, 100.0):
            return None
        return 1.0 if finder.accept(shape, 500.0) else None

    return finder.search(points, make, score)


# --------------------------------------------------------------------------- later sites
# Placed after the candidates (landcheck.sample.sites.CANDIDATES_AFTER), so nothing placed
# before them moves.


def farmland_road(finder: SiteFinder, *, width: float) -> shapely.Geometry:
    """S13: a straight 700 m road corridor, at least 60 % on permanent farmland."""
    centres = finder.centres(finder.in_farmland)

    def make(centre: np.ndarray, angle: float) -> shapely.Geometry:
        ahead = 350.0 * np.array([np.cos(angle), np.sin(angle)])
        line = shapely.LineString([centre - ahead, centre + ahead])
        return shapely.set_precision(shapely.buffer(line, width / 2.0, cap_style="flat"), GRID)

    def score(shape: shapely.Geometry) -> float | None:
        share = finder.farmland.area(shape) / shape.area
        if share < 0.6 or finder.redline.near(shape, 50.0) or finder.boundary.near(shape, 100.0):
            return None
        return share if finder.accept(shape, 800.0) else None

    return finder.search(centres, make, score, enough=20)


def redline_works(finder: SiteFinder) -> shapely.Geometry:
    """S14: a 100 × 80 m works wholly in the karst hills' redline, on no farmland.

    Karst (水土保持) redline lies away from the reservoirs and the high forest, where the
    protected areas' core zones are drawn (landcheck.sample.protected).
    """
    centres = finder.centres(finder.in_redline & np.isin(finder.codes, GRASS_AND_BARE))

    def score(shape: shapely.Geometry) -> float | None:
        if finder.redline.area(shape) < 0.98 * shape.area or finder.farmland.near(shape, 30.0):
            return None
        if finder.class_area(shape, GRASS_AND_BARE) < 0.5 * shape.area:
            return None
        return 1.0 if finder.accept(shape, 800.0) else None

    return finder.search(centres, lambda c, a: rectangle(c, 100.0, 80.0, a), score)


def pv_on_cultivated(finder: SiteFinder) -> shapely.Geometry:
    """S15: a 300 × 200 m PV array outside the boundary, half or more on cultivated land.

    None of it on permanent farmland, clear of the redline.
    """
    centres = finder.centres(
        ~finder.in_boundary & ~finder.in_farmland & np.isin(finder.codes, CULTIVATED)
    )

    def score(shape: shapely.Geometry) -> float | None:
        if finder.farmland.area(shape) > 0.0 or finder.redline.near(shape, 30.0):
            return None
        if finder.boundary.near(shape, 200.0) or not finder.accept(shape, 800.0):
            return None
        share = finder.class_area(shape, CULTIVATED) / shape.area
        return share if share >= 0.5 else None

    return finder.search(centres, lambda c, a: rectangle(c, 300.0, 200.0, a), score, enough=20)


def wild_block(finder: SiteFinder, *, gap: float) -> shapely.Geometry:
    """S16/S17: a 42 ha block (700 × 600 m) on forest, grass or bare land.

    Clear of farmland, redline and boundary, ``gap`` metres from the other sites.
    """
    centres = finder.centres(~finder.in_boundary & np.isin(finder.codes, WILD))

    def score(shape: shapely.Geometry) -> float | None:
        if not finder.free(shape, 20.0) or finder.boundary.near(shape, 200.0):
            return None
        if finder.class_area(shape, WILD) < 0.8 * shape.area:
            return None
        return 1.0 if finder.accept(shape, gap) else None

    return finder.search(centres, lambda c, a: rectangle(c, 700.0, 600.0, a), score)
