"""Geometry helpers of the sample: natural lines, reservoirs, corridors, rectangles, parts."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely

from landcheck.sample.county import GRID

__all__ = ["along", "blob", "corridor", "point_along", "rectangle", "union_parts", "wiggle"]


def wiggle(
    points: np.ndarray,
    rng: np.random.Generator,
    *,
    roughness: float,
    levels: int = 4,
    tolerance: float = 1.0,
) -> shapely.LineString:
    """Return a smooth, natural-looking line through ``points``.

    Midpoint displacement (offsets proportional to the segment length) adds
    detail at ``levels`` scales, then three rounds of Chaikin corner cutting
    smooth it, and vertices closer than ``tolerance`` metres to the line
    are dropped. The end points are kept.
    """
    pts = np.asarray(points, dtype=float)
    for _ in range(levels):
        seg = np.diff(pts, axis=0)
        length = np.hypot(seg[:, 0], seg[:, 1])
        normal = np.column_stack([-seg[:, 1], seg[:, 0]]) / np.maximum(length, 1e-9)[:, None]
        offset = rng.uniform(-1.0, 1.0, len(seg)) * roughness * length
        mids = (pts[:-1] + pts[1:]) / 2.0 + normal * offset[:, None]
        out = np.empty((len(pts) + len(mids), 2))
        out[0::2] = pts
        out[1::2] = mids
        pts = out
    for _ in range(3):
        cut = np.empty((2 * (len(pts) - 1), 2))
        cut[0::2] = 0.75 * pts[:-1] + 0.25 * pts[1:]
        cut[1::2] = 0.25 * pts[:-1] + 0.75 * pts[1:]
        pts = np.vstack([pts[:1], cut, pts[-1:]])
    return shapely.simplify(shapely.LineString(pts), tolerance)


def blob(
    centre: np.ndarray, angle: float, length: float, width: float, rng: np.random.Generator
) -> shapely.Polygon:
    """Return a smooth lobed oval (a reservoir) around ``centre``."""
    phi = np.linspace(0.0, 2.0 * np.pi, 64, endpoint=False)
    radius = np.ones_like(phi)
    for harmonic in (2, 3, 4, 5):
        radius += rng.uniform(0.0, 0.12) * np.cos(harmonic * phi + rng.uniform(0.0, 2 * np.pi))
    u = 0.5 * length * radius * np.cos(phi)
    v = 0.5 * width * radius * np.sin(phi)
    x = centre[0] + u * np.cos(angle) - v * np.sin(angle)
    y = centre[1] + u * np.sin(angle) + v * np.cos(angle)
    return shapely.Polygon(np.column_stack([x, y]))


def corridor(
    lines: Sequence[shapely.Geometry], widths: Sequence[float] | float
) -> shapely.Geometry:
    """Union of flat-ended buffers of ``lines`` (``widths`` in metres)."""
    half = np.broadcast_to(np.asarray(widths, dtype=float) / 2.0, (len(lines),))
    return shapely.union_all(
        shapely.buffer(
            np.asarray(lines, dtype=object),
            half,
            cap_style="flat",
            join_style="mitre",
            mitre_limit=2.0,
        )
    )


def rectangle(centre: np.ndarray, width: float, height: float, angle: float) -> shapely.Polygon:
    """A ``width`` × ``height`` rectangle turned by ``angle`` (radians) about ``centre``."""
    corners = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]]) * [width / 2.0, height / 2.0]
    turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    return shapely.set_precision(shapely.Polygon(corners @ turn.T + centre), GRID)


def point_along(line: shapely.LineString, distance: float) -> np.ndarray:
    """Coordinates of the point ``distance`` metres along ``line`` (clamped)."""
    distance = min(max(distance, 0.0), line.length)
    return shapely.get_coordinates(shapely.line_interpolate_point(line, distance))[0]


def along(geometry: shapely.Geometry, step: float) -> np.ndarray:
    """Points every ``step`` metres along the lines of ``geometry``."""
    points = []
    for line in shapely.get_parts(shapely.line_merge(geometry)):
        distances = np.arange(step / 2.0, line.length, step)
        points.append(shapely.get_coordinates(shapely.line_interpolate_point(line, distances)))
    return np.vstack(points) if points else np.empty((0, 2))


def union_parts(geometries: np.ndarray) -> np.ndarray:
    """Connected parts of the union of coverage polygons."""
    if not len(geometries):
        return np.empty(0, dtype=object)
    return shapely.get_parts(shapely.coverage_union_all(geometries))
