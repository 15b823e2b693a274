"""Boxes that cover the ground near geometries: the coarse filter of a read.

A read asks a layer's spatial index for the features whose box meets a box
around each site. For a compact site its own box will do; for a long, slanting
site (a road, a railway, a pipeline: 线性工程) its box is mostly empty ground: a
100 km corridor running north-east has a box of 70 km × 70 km, and every parcel
in it was read and tested against the site. Such a site is covered instead by
boxes that hug it: its box is halved across its longer side again and again,
and a half that comes nowhere near the site is dropped.

This module imports numpy and shapely only, with :mod:`landcheck.prepared`
(:mod:`landcheck.cut` uses its halving, and the worker processes import that
module alone).
"""

from __future__ import annotations

import numpy as np
import shapely

from landcheck.prepared import prepared_copies

__all__ = ["COVER_ABOVE", "covering_boxes", "halves"]

COVER_ABOVE = 2048
"""Geometries with more vertices than this are covered by several boxes, not by their own."""

_MOST_BOXES = 4096
"""The most boxes one geometry is covered by."""

_VERTICES_A_BOX = 256
"""A huge geometry is covered by about one box for this many of its vertices (16 at least)."""

_MOST_HALVINGS = 40
"""Halvings at most (a geometry near a point keeps one box however often it is halved)."""


def halves(bounds: np.ndarray) -> np.ndarray:
    """Split each box in two across its longer side: rows ``[lower halves; upper halves]``.

    Examples
    --------
    >>> halves(np.array([[0.0, 0.0, 4.0, 2.0]])).tolist()
    [[0.0, 0.0, 2.0, 2.0], [2.0, 0.0, 4.0, 2.0]]
    """
    xmin, ymin, xmax, ymax = bounds.T
    wide = (xmax - xmin) >= (ymax - ymin)
    xmid, ymid = (xmin + xmax) / 2.0, (ymin + ymax) / 2.0
    lower = np.column_stack([xmin, ymin, np.where(wide, xmid, xmax), np.where(wide, ymax, ymid)])
    upper = np.column_stack([np.where(wide, xmid, xmin), np.where(wide, ymin, ymid), xmax, ymax])
    return np.concatenate([lower, upper])


def _cover(geom: shapely.Geometry, distance: float) -> np.ndarray:
    """Boxes whose union holds every point within ``distance`` of ``geom`` (a huge geometry).

    A half is dropped only when no point of it is within ``distance`` of the
    geometry (its box grown by ``distance`` misses it), so what the boxes cover
    never shrinks below that ground. Halving goes on until there is a box for about
    :data:`_VERTICES_A_BOX` of the geometry's vertices: a 100 km road of 28,000
    vertices running north-east is covered by about a hundred boxes of 1-2 km,
    a fortieth of its own box's area.
    """
    x0, y0, x1, y1 = shapely.bounds(geom)
    boxes = np.array([[x0 - distance, y0 - distance, x1 + distance, y1 + distance]])
    wanted = min(max(int(shapely.get_num_coordinates(geom)) // _VERTICES_A_BOX, 16), _MOST_BOXES)
    (tested,) = prepared_copies(np.array([geom]))  # the same geometry against every half
    for _ in range(_MOST_HALVINGS):
        if len(boxes) >= wanted:
            break
        split = halves(boxes)
        # a half whose box grown by ``distance`` misses the geometry has no point
        # within ``distance`` of it (the grown box holds every such point)
        grown = split + np.array([-distance, -distance, distance, distance])
        boxes = split[shapely.intersects(tested, shapely.box(*grown.T))]
    return boxes


def covering_boxes(geoms: np.ndarray, distance: float) -> np.ndarray:
    """Boxes around ``geoms`` grown by ``distance``: one a geometry, several for a huge one.

    Every point within ``distance`` of a geometry lies in one of the boxes, so
    a feature within ``distance`` of any geometry has a bounding box meeting
    one of them: the boxes filter a layer's index as the geometries' own boxes
    do, and the exact test after it sees the same features, fewer others. A
    geometry of more than :data:`COVER_ABOVE` vertices whose box is mostly far
    from it (a long road running slantwise) is covered by boxes that hug it.

    Parameters
    ----------
    geoms : numpy.ndarray of shapely geometries
        Non-empty geometries with finite coordinates.
    distance : float
        How far around them (not negative).

    Returns
    -------
    numpy.ndarray
        Rows ``(xmin, ymin, xmax, ymax)``: each geometry's boxes, in the
        geometries' order.

    Examples
    --------
    >>> road = shapely.LineString([(0, 0), (1000, 1000)]).buffer(5, quad_segs=600)
    >>> boxes = covering_boxes(np.array([shapely.box(0, 0, 1, 1), road]), 1.0)
    >>> boxes[0].tolist(), len(boxes) > 2
    ([-1.0, -1.0, 2.0, 2.0], True)
    >>> bool(shapely.area(shapely.box(*boxes[1:].T)).sum() < 0.5 * 1012**2)  # half its box
    True
    """
    geoms = np.asarray(geoms, dtype=object)
    grown = shapely.bounds(geoms) + np.array([-distance, -distance, distance, distance])
    huge = np.flatnonzero(shapely.get_num_coordinates(geoms) > COVER_ABOVE)
    if not len(huge):
        return grown
    parts, start = [], 0
    for position in huge.tolist():  # each huge geometry's boxes in its own box's place
        parts += [grown[start:position], _cover(geoms[position], distance)]
        start = position + 1
    parts.append(grown[start:])
    return np.concatenate(parts)
