"""The county before it is cut into parcels: terrain, rivers, roads, villages, streets, ditches."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from landcheck.errors import InputDataError
from landcheck.sample.county import RIVERS, ROADS, SEAT, TOWNS, project
from landcheck.sample.shapes import blob, point_along, wiggle
from landcheck.sample.terrain import LineDistance, Terrain, make_terrain, standardise

__all__ = ["Plan", "make_plan"]


@dataclass
class Plan:
    """The county before it is cut into parcels: fields, lines and places."""

    outline: shapely.Geometry
    terrain: Terrain
    seats: np.ndarray
    river_lines: list[shapely.LineString]  # the main river first
    river_widths: list[float]
    reservoirs: list[shapely.Polygon]
    ditches: list[shapely.Geometry]
    road_lines: list[shapely.LineString]  # the expressway first
    road_info: list[tuple[str, str, float]]  # name, class, corridor width
    rural_roads: list[shapely.LineString]
    streets: list[shapely.Geometry]
    villages: np.ndarray  # (n, 2) centres of natural villages
    village_radius: np.ndarray


def make_plan(outline: shapely.Geometry, rng: np.random.Generator) -> Plan:
    """Draw the terrain and every linear and point feature of the county.

    Raises
    ------
    InputDataError
        When ``outline`` does not hold the township seats.
    """
    x0, y0, x1, y1 = outline.bounds
    origin = np.array([(x0 + x1) / 2.0, (y0 + y1) / 2.0])
    seats = project([(town.lon, town.lat) for town in TOWNS])
    if not shapely.contains_xy(outline, seats[:, 0], seats[:, 1]).all():
        raise InputDataError(
            "the outline does not contain the Luxi township seats; make_sample builds the "
            "Luxi County sample and needs the county outline in EPSG:4523 "
            "(landcheck.io.sample_files.read_county_outline)"
        )
    terrain = make_terrain(rng, seats, origin)
    river_lines, river_widths, reservoirs = _make_rivers(rng)
    terrain.rivers = LineDistance(river_lines)
    road_lines, road_info = _make_roads(rng, seats)
    villages, village_radius = _place_villages(rng, outline, terrain)
    streets = _make_streets(rng, terrain)
    rural = _make_rural_roads(rng, villages, terrain, shapely.union_all(road_lines))
    return Plan(
        outline=outline,
        terrain=terrain,
        seats=seats,
        river_lines=river_lines,
        river_widths=river_widths,
        reservoirs=reservoirs,
        ditches=_make_ditches(seats, river_lines),
        road_lines=road_lines,
        road_info=road_info,
        rural_roads=rural,
        streets=streets,
        villages=villages,
        village_radius=village_radius,
    )


def _make_rivers(
    rng: np.random.Generator,
) -> tuple[list[shapely.LineString], list[float], list[shapely.Polygon]]:
    """Draw the rivers (parents first) and the reservoirs on them."""
    lines: list[shapely.LineString] = []
    widths: list[float] = []
    reservoirs: list[shapely.Polygon] = []
    for waypoints, width, parent, reservoir in RIVERS:
        pts = project(waypoints)
        if parent is not None:
            parent_line = lines[parent]
            pts[-1] = point_along(
                parent_line, shapely.line_locate_point(parent_line, shapely.Point(pts[-1]))
            )
        line = wiggle(pts, rng, roughness=0.16, tolerance=2.0)
        lines.append(line)
        widths.append(width)
        if reservoir is not None:
            index, length, breadth = reservoir
            at = shapely.line_locate_point(line, shapely.Point(pts[index]))
            ahead, behind = point_along(line, at + 300.0), point_along(line, at - 300.0)
            angle = float(np.arctan2(ahead[1] - behind[1], ahead[0] - behind[0]))
            reservoirs.append(blob(point_along(line, at), angle, length, breadth, rng))
    return lines, widths, reservoirs


def _make_roads(
    rng: np.random.Generator, seats: np.ndarray
) -> tuple[list[shapely.LineString], list[tuple[str, str, float]]]:
    """Draw the road centre lines through their waypoints and town seats."""
    lines = []
    info = []
    for name, road_class, width, waypoints in ROADS:
        pts = np.array([seats[w] if isinstance(w, int) else project([w])[0] for w in waypoints])
        lines.append(wiggle(pts, rng, roughness=0.07, levels=3, tolerance=2.0))
        info.append((name, road_class, width))
    return lines, info


def _place_villages(
    rng: np.random.Generator, outline: shapely.Geometry, terrain: Terrain
) -> tuple[np.ndarray, np.ndarray]:
    """Place up to 390 natural villages by dart throwing, preferring low, flat, wet ground.

    9,000 darts are thrown; a dart more than 300 m inside the outline, away
    from the towns, is kept with a probability that rises on lowland, if no
    kept village lies within 620 m.
    """
    count, spacing, tries = 390, 620.0, 9000
    x0, y0, x1, y1 = outline.bounds
    xy = np.column_stack([rng.uniform(x0, x1, tries), rng.uniform(y0, y1, tries)])
    accept_draw = rng.uniform(0.0, 1.0, tries)
    radius = rng.uniform(140.0, 280.0, tries)
    inside = shapely.contains_xy(shapely.buffer(outline, -300.0), xy[:, 0], xy[:, 1])
    xy, accept_draw, radius = xy[inside], accept_draw[inside], radius[inside]
    fields = terrain.sample(xy[:, 0], xy[:, 1])
    weight = np.ones(len(xy))
    lowland = (
        -standardise(fields["elevation"], weight)
        - 0.7 * standardise(fields["slope"], weight)
        + 0.8 * fields["wetness"]
    )
    chance = 1.0 / (1.0 + np.exp(-1.4 * lowland))
    near_town = (terrain.town_ratio(xy[:, 0], xy[:, 1]) < 1.6).any(axis=1)
    chosen: list[int] = []
    for i in range(len(xy)):
        if accept_draw[i] > chance[i] or near_town[i]:
            continue
        if chosen and np.hypot(*(xy[chosen] - xy[i]).T).min() < spacing:
            continue
        chosen.append(i)
        if len(chosen) == count:
            break
    return xy[chosen], radius[chosen]


def _make_rural_roads(
    rng: np.random.Generator,
    villages: np.ndarray,
    terrain: Terrain,
    network: shapely.Geometry,
) -> list[shapely.LineString]:
    """Link each village to the road network or to a village nearer a town seat.

    A village links to the nearest of the villages nearer a seat (by town
    ratio) when that one is closer than the road network, else to the
    network's nearest point.
    """
    points = shapely.points(villages)
    to_road = shapely.shortest_line(points, network)
    road_end = shapely.get_coordinates(shapely.get_point(to_road, 1))
    road_gap = shapely.length(to_road)
    seat_gap = terrain.town_ratio(villages[:, 0], villages[:, 1]).min(axis=1)
    lines = []
    for i in range(len(villages)):
        target, gap = road_end[i], road_gap[i]
        nearer = np.flatnonzero(seat_gap < seat_gap[i])
        if len(nearer):
            distance = np.hypot(*(villages[nearer] - villages[i]).T)
            j = int(np.argmin(distance))
            if distance[j] < gap:
                target = villages[nearer[j]]
        lines.append(
            wiggle(np.array([villages[i], target]), rng, roughness=0.12, levels=3, tolerance=3.0)
        )
    return lines


def _make_ditches(
    seats: np.ndarray, river_lines: list[shapely.LineString]
) -> list[shapely.Geometry]:
    """Irrigation ditches running beside the main river and its two largest tributaries.

    Offset 420 m to either side, kept inside the basins and outside the towns.
    """
    centres = shapely.points(seats)
    basins = shapely.union_all(shapely.buffer(centres, [0.85 * t.basin for t in TOWNS]))
    towns = shapely.union_all(shapely.buffer(centres, [1.15 * t.radius for t in TOWNS]))
    ditches = []
    for line in river_lines[:3]:
        for offset in (-420.0, 420.0):
            curve = shapely.simplify(shapely.offset_curve(line, offset, quad_segs=2), 3.0)
            clipped = shapely.difference(shapely.intersection(curve, basins), towns)
            ditches.extend(p for p in shapely.get_parts(clipped) if p.length > 300.0)
    return ditches


def _town_shape(terrain: Terrain, index: int, level: float) -> shapely.Polygon:
    """The region around a seat where its town ratio is below ``level`` (star-shaped)."""
    seat = terrain.seats[index]
    angle = np.linspace(0.0, 2.0 * np.pi, 90, endpoint=False)
    steps = np.linspace(0.0, 3.0 * level * TOWNS[index].radius, 150)
    px = seat[0] + np.outer(np.cos(angle), steps)
    py = seat[1] + np.outer(np.sin(angle), steps)
    ratio = terrain.town_ratio(px.ravel(), py.ravel())[:, index].reshape(px.shape)
    reach = steps[np.argmax(ratio >= level, axis=1)]
    return shapely.Polygon(
        np.column_stack([seat[0] + reach * np.cos(angle), seat[1] + reach * np.sin(angle)])
    )


def _make_streets(rng: np.random.Generator, terrain: Terrain) -> list[shapely.Geometry]:
    """A rotated street grid inside each town."""
    streets = []
    for index, (seat, town) in enumerate(zip(terrain.seats, TOWNS, strict=True)):
        spacing = 300.0 if index == SEAT else 260.0
        angle = rng.uniform(0.0, np.pi / 2.0)
        built = _town_shape(terrain, index, 0.9)
        offsets = np.arange(-3.0 * town.radius, 3.0 * town.radius, spacing) + rng.uniform(-60, 60)
        for direction in (angle, angle + np.pi / 2.0):
            along = np.array([np.cos(direction), np.sin(direction)])
            across = np.array([-along[1], along[0]])
            for offset in offsets:
                centre = seat + across * offset
                line = shapely.LineString(
                    [centre - along * town.radius * 3.0, centre + along * town.radius * 3.0]
                )
                piece = shapely.intersection(line, built)
                streets.extend(p for p in shapely.get_parts(piece) if p.length > 100.0)
    return streets
