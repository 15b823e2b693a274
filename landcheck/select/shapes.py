"""Shape tools for site selection: minimum width, parts, and placed rectangles.

Minimum width
-------------
:func:`open_by_width` is a morphological opening: shrink by ``w/2``, grow
back by ``w/2``, both with mitre joins, then clip to the input. Parts
narrower than ``w`` (the distance between opposite edges) vanish in the
shrink and do not come back; anything at least ``w`` wide (to the
relative :data:`WIDTH_TOLERANCE`, so that a part exactly ``w`` wide survives
the shrink) comes back unchanged, and mitre joins give rectangles back their square corners (round
joins would shave them). The clip keeps the result inside the input whatever
floating point does to the re-grown edges.

The width is metres of the zone each part lies in, as buffers are
(:mod:`landcheck.select.constraints`): given the CRS, each polygon is shrunk
and grown back by ``w/2`` times its
:func:`~landcheck.crs.measuring.zone_scale` (a 50 m width at 105°E cut in the
zone of 102°E is 50.057 m of that plane); where every scale is 1 the whole
geometry is opened at once.

All geometry stays in the projected analysis CRS; GEOS computes in double
precision, so at Gauss-Kruger coordinates (~3.5·10⁷ m) vertices are exact to
about 10⁻⁸ m and areas of rebuilt shapes agree with the originals to ~10⁻⁹
relative.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import shapely
from pyproj import CRS

from landcheck.crs.measuring import zone_scale
from landcheck.polygonal import polygonal_part

__all__ = ["WIDTH_TOLERANCE", "grid_positions", "open_by_width", "place_rectangles", "split_parts"]

WIDTH_TOLERANCE = 1e-3
"""Parts at least ``w·(1 − WIDTH_TOLERANCE)`` wide are kept (2 cm at 20 m).

A part exactly as wide as the minimum must survive the shrink, but GEOS drops
an eroded ring thinner than about 10⁻⁴ of the buffer distance, so the shrink
stops a little short of half the width.
"""


def open_by_width(
    geometry: shapely.Geometry, width: float, crs: CRS | None = None
) -> shapely.Geometry:
    """Remove the parts of a polygonal geometry narrower than ``width`` metres.

    Parameters
    ----------
    geometry : Polygon or MultiPolygon
        In ``crs``.
    width : float
        The minimum width (metres).
    crs : CRS, optional
        The CRS of ``geometry``: the width is then metres of the zone each
        polygon lies in (see the module notes); without it, of the plane.

    Returns
    -------
    Polygon or MultiPolygon

    Examples
    --------
    Two 100 m squares joined by a 5 m corridor: a 20 m minimum width removes
    the corridor and keeps the squares; a 50 m wide corridor stays.

    >>> from shapely import box, union_all
    >>> squares = [box(0, 0, 100, 100), box(300, 0, 400, 100)]
    >>> narrow = union_all([*squares, box(100, 40, 300, 45)])
    >>> open_by_width(narrow, 20.0).area
    20000.0
    >>> wide = union_all([*squares, box(100, 25, 300, 75)])
    >>> open_by_width(wide, 20.0).area
    30000.0
    >>> open_by_width(box(0, 0, 300, 20), 20.0).area
    6000.0
    """
    if width <= 0 or geometry.is_empty:
        return geometry
    half = width / 2.0 * (1.0 - WIDTH_TOLERANCE)
    pieces = shapely.get_parts(geometry)
    scale = np.ones(len(pieces)) if crs is None else zone_scale(crs, pieces)
    if np.all(scale == 1.0):
        pieces, half_widths = np.array([geometry]), np.array([half])
    else:
        half_widths = half * scale
    shrunk = shapely.buffer(pieces, -half_widths, join_style="mitre", mitre_limit=10.0)
    if shapely.is_empty(shrunk).all():
        return shapely.Polygon()
    regrown = shapely.buffer(shrunk, half_widths, join_style="mitre", mitre_limit=10.0)
    regrown = regrown[0] if len(regrown) == 1 else shapely.union_all(regrown)
    return polygonal_part([shapely.intersection(regrown, geometry)])[0]


def split_parts(geometries: Any) -> tuple[np.ndarray, np.ndarray]:
    """Split (multi)polygons into their polygons; return ``(parts, owner position)``.

    Empty geometries give no parts.

    Examples
    --------
    >>> from shapely import MultiPolygon, box
    >>> two = MultiPolygon([box(0, 0, 1, 1), box(2, 0, 3, 1)])
    >>> parts, owner = split_parts([two, box(0, 0, 2, 2)])
    >>> len(parts), owner.tolist()
    (3, [0, 0, 1])
    """
    geoms = polygonal_part(geometries)
    if not len(geoms):
        return np.array([], dtype=object), np.array([], dtype=int)
    parts, owner = shapely.get_parts(geoms, return_index=True)
    keep = ~shapely.is_empty(parts) & (shapely.area(parts) > 0)
    return parts[keep], owner[keep]


def _rotate(xy: np.ndarray, angle: float, origin: tuple[float, float]) -> np.ndarray:
    c, s = np.cos(angle), np.sin(angle)
    x, y = xy[:, 0] - origin[0], xy[:, 1] - origin[1]
    return np.column_stack([origin[0] + c * x - s * y, origin[1] + s * x + c * y])


_FIT_SLACK_M = 1e-6
"""How far a rectangle may stand out of its patch and still fit it: the turning moves an
edge by 1e-8 m, and a rectangle flush with it then failed the test."""


def _grid(low: float, high: float, step: float) -> np.ndarray:
    """Positions from ``low`` to ``high``: ``step`` apart from ``low``, ``high`` and halfway.

    The rectangles flush with either edge of the bounds and the one in the
    middle are always tried: a grid from ``low`` alone tried none in the middle
    when the room was less than a step (a square of 200 m in a patch of 250 m
    turned by 7°, 24 m of room, was not found).

    >>> _grid(0.0, 10.0, 5.0).tolist(), _grid(0.0, 4.0, 5.0).tolist()
    ([0.0, 5.0, 10.0], [0.0, 2.0, 4.0])
    >>> len(_grid(0.0, -1.0, 5.0))
    0
    """
    if high < low - _FIT_SLACK_M:
        return np.zeros(0)
    high = max(high, low)
    positions = np.sort(
        np.concatenate([np.arange(low, high + 1e-9, step), [high, (low + high) / 2.0]])
    )
    return positions[np.concatenate([[True], np.diff(positions) > _FIT_SLACK_M])]


def _turned_grids(
    patch: shapely.Geometry, width: float, length: float, angles_deg: Any, step: float
) -> Iterator[tuple[float, shapely.Geometry, np.ndarray, np.ndarray]]:
    """Per angle with room for the rectangle: the angle, the turned patch and the grid.

    The patch is turned by ``−angle`` about its centroid; the grid is the x and y positions
    of the rectangles' lower-left corners (:func:`_grid`).
    """
    centre = shapely.centroid(patch)
    origin = (centre.x, centre.y)
    for angle in angles_deg:
        theta = np.radians(float(angle))
        turned = shapely.transform(patch, lambda xy, t=theta: _rotate(xy, -t, origin))
        minx, miny, maxx, maxy = turned.bounds
        xs = _grid(minx, maxx - length, step)
        ys = _grid(miny, maxy - width, step)
        if len(xs) and len(ys):
            yield angle, turned, xs, ys


def grid_positions(
    patch: shapely.Geometry, width: float, length: float, angles_deg: Any, step: float
) -> int:
    """How many positions :func:`place_rectangles` would try (none is made).

    Examples
    --------
    On a 5 m grid a 20 × 10 patch has 3 × 1 positions for a 10 m square at 0°; turned 45°
    its box is 21.2 m a side, 11.2 m of room each way: 0, 5, 5.6, 10 and 11.2 m, 5 × 5
    positions (none of which fits):

    >>> grid_positions(shapely.box(0, 0, 20, 10), 10, 10, [0], 5)
    3
    >>> grid_positions(shapely.box(0, 0, 20, 10), 10, 10, [0, 45], 5)
    28
    """
    if patch.is_empty:
        return 0
    return sum(
        len(xs) * len(ys) for _, _, xs, ys in _turned_grids(patch, width, length, angles_deg, step)
    )


def place_rectangles(
    patch: shapely.Geometry,
    width: float,
    length: float,
    angles_deg: Any,
    step: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Every ``width × length`` rectangle on a grid that fits inside ``patch``.

    For each angle the patch is turned by ``−angle`` about its centroid, a
    grid of axis-aligned rectangles (lower-left corners ``step`` apart from
    the turned patch's lower-left bound, flush with its far bounds, and in the
    middle: :func:`_grid`) is tested
    with one vectorised ``covers``, and the rectangles that fit are turned back.

    Parameters
    ----------
    patch : Polygon or MultiPolygon
        Where the rectangles must lie.
    width, length : float
        Rectangle sides (metres), along the turned y and x axes.
    angles_deg : sequence of float
        Orientations of the long side, degrees counter-clockwise from east.
    step : float
        Grid spacing (metres).

    Returns
    -------
    rectangles : numpy.ndarray of Polygon
    angles : numpy.ndarray of float
        The orientation of each rectangle (degrees).

    Examples
    --------
    A 20 × 10 patch holds 3 × 1 squares of 10 m on a 5 m grid at 0°; at 90°
    (the same squares turned) as many:

    >>> rects, angles = place_rectangles(shapely.box(0, 0, 20, 10), 10, 10, [0, 90], 5)
    >>> len(rects), sorted(set(angles.tolist()))
    (6, [0.0, 90.0])
    """
    if patch.is_empty:
        return np.array([], dtype=object), np.array([], dtype=float)
    centre = shapely.centroid(patch)
    origin = (centre.x, centre.y)
    found, found_angles = [], []
    for angle, turned, xs, ys in _turned_grids(patch, width, length, angles_deg, step):
        theta = np.radians(float(angle))
        gx, gy = np.meshgrid(xs, ys)
        gx, gy = gx.ravel(), gy.ravel()
        boxes = shapely.box(gx, gy, gx + length, gy + width)
        room = shapely.buffer(turned, _FIT_SLACK_M, join_style="mitre")
        shapely.prepare(room)
        fits = shapely.covers(room, boxes)
        if not fits.any():
            continue
        back = shapely.transform(boxes[fits], lambda xy, t=theta: _rotate(xy, t, origin))
        found.append(back)
        found_angles.append(np.full(int(fits.sum()), float(angle)))
    if not found:
        return np.array([], dtype=object), np.array([], dtype=float)
    return np.concatenate(found), np.concatenate(found_angles)
