"""地质灾害: the susceptibility zones (易发区) covering the county, and the hazard points (隐患点).

Susceptibility grows with slope and karst: each parcel's score, slope / 25°
(at most 1.6) plus 0.7 times its karst between 0.5 and 0.9 (scaled to 0-1),
is averaged over the parcels within 800 m; the highest-scoring fifth of the
area is high, the next 35 % medium, the rest low, and connected zones under
150 ha join the neighbouring zone they share the longest edge with. The
hazard points are drawn from the review generator on steep or karst ground of
high or medium susceptibility near villages and roads, at least 1.2 km apart.
"""

from __future__ import annotations

import numpy as np
import shapely

from landcheck.sample.county import COUNTY_CODE, GRID
from landcheck.sample.frames import areas, dissolve
from landcheck.sample.landuse import WATER, weighted_threshold
from landcheck.sample.review import Review, union_parts_of
from landcheck.sample.terrain import LineDistance

__all__ = [
    "HAZARD_KINDS",
    "geohazard_points",
    "geohazard_zones",
    "steep_or_karst",
    "susceptibility",
]

Built = tuple[dict[str, object], list[shapely.Geometry]]

_LEVELS = ("高易发", "中易发", "低易发")
_SHARES = (0.2, 0.55)  # area shares at or above which a parcel is high, medium
_SMOOTH_M = 800.0
_MIN_ZONE_M2 = 150e4
_POINTS = 45
_SPACING_M = 1200.0
_VILLAGE_M = 700.0  # a point threatens a village this close, else a road this close
_ROAD_M = 250.0
_GULLY_M = 900.0  # a steep point this close to a river lies in a gully: 泥石流

HAZARD_KINDS = {"滑坡": "HP", "崩塌": "BT", "泥石流": "NSL", "地面塌陷": "TX"}
"""Hazard types (ZHLX) and the letters of their point numbers (YHDBH)."""


def steep_or_karst(slope: np.ndarray, karst: np.ndarray) -> np.ndarray:
    """Ground a hazard point may lie on: slopes of 22° and more, or karst (≥ 0.8) from 8°."""
    return (slope >= 22.0) | ((karst >= 0.8) & (slope >= 8.0))


def susceptibility(review: Review) -> np.ndarray:
    """Each parcel's susceptibility level: 0 high, 1 medium, 2 low (index into the names)."""
    return review.shared("geohazard_susceptibility", _levels)


def _levels(review: Review) -> np.ndarray:
    """The levels of :func:`susceptibility`, computed."""
    slope, karst = review.survey.fields["slope"], review.survey.fields["karst"]
    score = np.clip(slope / 25.0, 0.0, 1.6) + 0.7 * np.clip((karst - 0.5) / 0.4, 0.0, 1.0)
    smooth = _smoothed(review, score)
    high = weighted_threshold(smooth, review.area, _SHARES[0])
    medium = weighted_threshold(smooth, review.area, _SHARES[1])
    level = np.where(smooth >= high, 0, np.where(smooth >= medium, 1, 2))
    return _absorb_small_zones(review, level)


def geohazard_zones(review: Review) -> Built:
    """地质灾害易发区: high, medium and low susceptibility, one polygon per connected zone."""
    level = susceptibility(review)
    zone_keys, geometry = dissolve(review.survey.geometry, [(int(v),) for v in level], explode=True)
    columns = {"YFCD": [_LEVELS[k[0]] for k in zone_keys], "MJ": areas(geometry)}
    return columns, geometry


def _smoothed(review: Review, score: np.ndarray) -> np.ndarray:
    """Area-weighted mean of ``score`` over the parcels within 800 m (representative points)."""
    points = shapely.points(review.rep)
    left, right = shapely.STRtree(points).query(points, predicate="dwithin", distance=_SMOOTH_M)
    weight = review.area[right]
    total = np.bincount(left, weights=weight * score[right], minlength=len(score))
    return total / np.bincount(left, weights=weight, minlength=len(score))


def _absorb_small_zones(review: Review, level: np.ndarray) -> np.ndarray:
    """Give each connected zone under 150 ha the level it shares the longest edge with.

    Repeated until no zone is that small (a merged zone may still be).
    """
    level = level.copy()
    left, right, length = review.edges
    for _ in range(50):
        group = np.full(len(level), -1)
        sizes: list[float] = []
        for value in range(len(_LEVELS)):
            mine = level == value
            found, found_sizes = union_parts_of(review, mine)
            group[mine] = found[mine] + len(sizes)
            sizes.extend(found_sizes)
        small = [g for g in np.argsort(sizes, kind="stable") if sizes[g] < _MIN_ZONE_M2]
        if not small:
            return level
        for g in small:
            members = group == g
            border = members[left] & ~members[right]
            if not border.any():
                continue
            shared = np.bincount(level[right[border]], weights=length[border], minlength=3)
            level[members] = int(np.argmax(shared))
    raise RuntimeError("geohazard zones under 150 ha remain after 50 rounds")


def geohazard_points(review: Review) -> Built:
    """地质灾害隐患点: 45 points on steep or karst ground near villages and roads.

    Candidates are drawn uniformly over the county and kept, in draw order,
    when they lie outside the urban boundaries, off water, in a high or medium
    susceptibility zone, on steep or karst ground (:func:`steep_or_karst`),
    within 700 m of a village or 250 m of a road, and 1.2 km from the points
    kept before. The type follows the ground (:func:`_hazard_kind`). A point
    near a village threatens its households (WXDX ``村庄 N户 M人``; 险情等级 from
    the people: under 100 小型, under 500 中型, under 1,000 大型); else it
    threatens the road (小型).

    Raises
    ------
    RuntimeError
        When fewer than 30 points find a place (another seed may give more).
    """
    survey = review.survey
    plan = survey.plan
    rng = review.rng
    x0, y0, x1, y1 = plan.outline.bounds
    tries = 20000
    xy = np.column_stack([rng.uniform(x0, x1, tries), rng.uniform(y0, y1, tries)])
    scale = rng.uniform(0.0, 1.0, tries)  # size draw, used by the kept points
    households = rng.integers(6, 60, tries) * np.where(rng.uniform(size=tries) < 0.15, 3, 1)
    per_household = rng.uniform(3.2, 4.2, tries)
    fields = plan.terrain.sample(xy[:, 0], xy[:, 1])
    points = shapely.points(xy)
    parcel = review.tree.query_nearest(points, all_matches=False)[1]
    _, village_gap = shapely.STRtree(shapely.points(plan.villages)).query_nearest(
        points, return_distance=True, all_matches=False
    )
    roads = np.array([*plan.road_lines, *plan.rural_roads], dtype=object)
    (_, road), road_gap = shapely.STRtree(roads).query_nearest(
        points, return_distance=True, all_matches=False
    )
    good = (
        shapely.contains_xy(plan.outline, xy[:, 0], xy[:, 1])
        & ~review.in_boundary[parcel]
        & ~np.isin(survey.code[parcel], WATER)
        & (susceptibility(review)[parcel] < 2)
        & steep_or_karst(fields["slope"], fields["karst"])
        & ((village_gap <= _VILLAGE_M) | (road_gap <= _ROAD_M))
    )
    kept = _spaced(xy, np.flatnonzero(good))
    if len(kept) < 30:
        raise RuntimeError("fewer than 30 geohazard points found a place; try another seed")
    river_gap = LineDistance(plan.river_lines)(xy[kept, 0], xy[kept, 1])
    kind = _hazard_kind(fields["slope"][kept], fields["karst"][kept], river_gap)
    size = np.where(scale[kept] < 0.7, "小型", np.where(scale[kept] < 0.95, "中型", "大型"))
    by_village = village_gap[kept] <= _VILLAGE_M
    people = np.rint(households[kept] * per_household[kept]).astype(int)
    names = [info[0] for info in plan.road_info]
    threat = [
        f"村庄 {h}户 {p}人" if v else f"道路 {names[r] if r < len(names) else '村道'}"
        for h, p, v, r in zip(households[kept], people, by_village, road[kept], strict=True)
    ]
    danger = np.where(
        by_village, np.where(people < 100, "小型", np.where(people < 500, "中型", "大型")), "小型"
    )
    counter: dict[str, int] = {}
    numbers = []
    for k in kind:
        counter[k] = counter.get(k, 0) + 1
        numbers.append(f"{COUNTY_CODE}{HAZARD_KINDS[k]}{counter[k]:03d}")
    columns = {
        "YHDBH": numbers,
        "ZHLX": kind,
        "GM": size.tolist(),
        "WXDX": threat,
        "XQDJ": danger.tolist(),
    }
    return columns, list(shapely.set_precision(points[kept], GRID))


def _spaced(xy: np.ndarray, order: np.ndarray) -> np.ndarray:
    """The first :data:`_POINTS` of ``order`` that lie 1.2 km from those kept before them."""
    kept: list[int] = []
    for i in order:
        if kept and np.hypot(*(xy[kept] - xy[i]).T).min() < _SPACING_M:
            continue
        kept.append(int(i))
        if len(kept) == _POINTS:
            break
    return np.array(kept, dtype=int)


def _hazard_kind(slope: np.ndarray, karst: np.ndarray, river_gap: np.ndarray) -> list[str]:
    """灾害类型 by the ground.

    地面塌陷 on karst (0.8+) under 22°, 崩塌 on slopes of 32° and more, 泥石流
    in a gully (within 900 m of a river, on 20° and more), 滑坡 elsewhere.
    """
    kind = np.where(
        (karst >= 0.8) & (slope < 22.0),
        "地面塌陷",
        np.where(
            slope >= 32.0,
            "崩塌",
            np.where((river_gap <= _GULLY_M) & (slope >= 20.0), "泥石流", "滑坡"),
        ),
    )
    return [str(k) for k in kind]
