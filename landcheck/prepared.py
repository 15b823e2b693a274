"""Geometries prepared for repeated tests, without touching the caller's.

GEOS answers a predicate or a distance from a prepared geometry (its edges
indexed once) many times faster when the same geometry is tested again and
again: a long road's site against thousands of parcels. ``shapely.prepare``
changes the object it is given, and a site's geometry may be in use elsewhere
(another thread's check of the same frame), so the geometry prepared is a copy
of its own, coordinate for coordinate, dropped when the caller is done with it.
This module imports numpy and shapely only.
"""

from __future__ import annotations

import numpy as np
import shapely

__all__ = ["prepared_copies"]


def prepared_copies(geoms: np.ndarray) -> np.ndarray:
    """Prepared copies of ``geoms`` (the same coordinates; the originals left as they are).

    Examples
    --------
    >>> road = np.array([shapely.box(0, 0, 1000, 20)])
    >>> copies = prepared_copies(road)
    >>> bool(shapely.is_prepared(copies[0])), bool(shapely.is_prepared(road[0]))
    (True, False)
    >>> bool(copies[0].equals_exact(road[0], 0.0))
    True
    """
    copies = shapely.from_wkb(shapely.to_wkb(np.asarray(geoms, dtype=object), include_srid=True))
    copies = np.asarray(copies, dtype=object)
    shapely.prepare(copies)
    return copies
