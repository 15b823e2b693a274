"""文物保护: two protected heritage sites with their zones, and an area of buried heritage.

- 城隍庙古建筑群 (省级文物保护单位), a temple in the county seat's old town:
  its 保护范围 is a 120 × 90 m block on construction land within 700 m of
  the seat, its 建设控制地带 the 80 m ring around it.
- 永安桥 (县级文物保护单位), an old bridge where a road crosses the main river
  outside the towns: 保护范围 a 70 × 30 m block along the road over the
  river, 建设控制地带 the 50 m ring around it.
- 中枢古城遗址 (地下文物埋藏区): a lobed oval of about 1.3 × 0.9 km on the
  edge of the county seat's urban boundary, on the side away from the
  industrial sector: half in the town, half on the land outside it.

The 建设控制地带 is the ring only (outer line minus the 保护范围), so the
zones of one site do not overlap. Positions and shapes are drawn from the
review generator.
"""

from __future__ import annotations

import numpy as np
import shapely

from landcheck.sample.county import GRID, SEAT, TOWNS
from landcheck.sample.frames import areas
from landcheck.sample.review import Review, polygonal
from landcheck.sample.shapes import blob, rectangle

__all__ = ["heritage"]

_TEMPLE = ("城隍庙古建筑群", "省级文物保护单位", (120.0, 90.0), 80.0)
_BRIDGE = ("永安桥", "县级文物保护单位", (70.0, 30.0), 50.0)
_BURIED = ("中枢古城遗址", "", (1300.0, 900.0))
_OLD_TOWN_M = 700.0
_TOWN_CLEAR_M = 1500.0  # the bridge lies this far from any town seat


def heritage(review: Review) -> tuple[dict[str, object], list[shapely.Geometry]]:
    """文物保护单位 zones and the 地下文物埋藏区 (see the module docstring)."""
    rows: list[tuple[str, str, str]] = []
    geometry: list[shapely.Geometry] = []
    for spec, inner in ((_TEMPLE, _temple(review)), (_BRIDGE, _bridge(review))):
        name, level, _, ring_m = spec
        outer = shapely.buffer(inner, ring_m, join_style="mitre")
        ring = polygonal(shapely.difference(shapely.set_precision(outer, GRID), inner))
        rows += [(name, level, "保护范围"), (name, level, "建设控制地带")]
        geometry += [inner, ring]
    rows.append((_BURIED[0], _BURIED[1], "地下文物埋藏区"))
    geometry.append(_buried(review))
    columns = {
        "WWMC": [r[0] for r in rows],
        "BHJB": [r[1] for r in rows],
        "FWLX": [r[2] for r in rows],
        "MJ": areas(geometry),
    }
    return columns, geometry


def _temple(review: Review) -> shapely.Geometry:
    """The temple's 保护范围: a block on construction land in the old town, clear of the sites."""
    width, height = _TEMPLE[2]
    ring_m = _TEMPLE[3]
    built = review.construction & review.in_boundary
    near = built & (np.hypot(*(review.rep - review.seat).T) <= _OLD_TOWN_M)
    centres = review.rep[near][review.rng.permutation(int(near.sum()))]
    sites = shapely.union_all(review.sites.geometry.to_numpy())
    for centre in centres:
        block = rectangle(centre, width, height, review.rng.uniform(0.0, np.pi / 2.0))
        hit = review.tree.query(block, predicate="intersects")
        on_built = shapely.area(
            shapely.intersection(review.survey.geometry[hit[built[hit]]], block)
        )
        if on_built.sum() < block.area - 1.0:
            continue
        if shapely.dwithin(block, sites, ring_m + 50.0):
            continue
        return block
    raise RuntimeError("no place in the old town for the temple")


def _bridge(review: Review) -> shapely.Geometry:
    """The bridge's 保护范围: along a road where it crosses the main river, away from towns.

    A crossing 1.5 km or more from every town seat, its zones well inside the
    county, drawn from the review generator.
    """
    plan = review.survey.plan
    river = plan.river_lines[0]
    crossings = []
    for road in [*plan.road_lines, *plan.rural_roads]:
        for point in shapely.get_parts(shapely.intersection(road, river)):
            if point.geom_type != "Point":
                continue
            xy = shapely.get_coordinates(point)[0]
            if np.hypot(*(plan.seats - xy).T).min() < _TOWN_CLEAR_M:
                continue
            if not plan.outline.contains(shapely.buffer(point, 2.0 * _BRIDGE[3] + _BRIDGE[2][0])):
                continue  # its zones stay in the county
            at = shapely.line_locate_point(road, point)
            ahead = shapely.get_coordinates(
                shapely.line_interpolate_point(road, [max(at - 20.0, 0.0), at + 20.0])
            )
            crossings.append((xy, float(np.arctan2(*(ahead[1] - ahead[0])[::-1]))))
    if not crossings:
        raise RuntimeError("no road crosses the main river away from the towns")
    centre, angle = crossings[int(review.rng.integers(len(crossings)))]
    width, height = _BRIDGE[2]
    return rectangle(centre, width, height, angle)


def _buried(review: Review) -> shapely.Geometry:
    """The buried-heritage area: an oval on the edge of the county seat's urban boundary.

    Its centre is where a ray from the seat, away from the industrial sector,
    first leaves the seat's boundary, so it lies half in the town, half
    outside.
    """
    seat = review.seat
    rng = review.rng
    bearing = np.radians(165.0) + rng.uniform(-0.5, 0.5)  # the industry lies east (-15°)
    reach = 4.0 * TOWNS[SEAT].radius
    ray = shapely.LineString([seat, seat + reach * np.array([np.cos(bearing), np.sin(bearing)])])
    edge = shapely.boundary(review.union(review.survey.lines.boundary == SEAT))
    crossing = shapely.get_coordinates(shapely.intersection(ray, edge))
    if not len(crossing):
        raise RuntimeError("the ray from the county seat does not leave its urban boundary")
    centre = crossing[np.argmin(np.hypot(*(crossing - seat).T))]
    length, width = _BURIED[2]
    shape = blob(centre, rng.uniform(0.0, np.pi), length, width, rng)
    return polygonal(shapely.intersection(shape, review.survey.plan.outline))
