"""Geometries already found valid, remembered by identity for a run's later evaluations.

A run keeps the features it read (:class:`landcheck.run.Run`) and serves them
to its later evaluations — a planner's variants of a site, a search's
proposals, the stage changed, the preloaded benchmark's second query — which
normalise them again. GEOS's validity test is the dearest part of that (a
tenth of a 10,000-site evaluation, the same answer every time for the same
geometry): a :class:`KnownValid` holds the geometries a test found valid as a
whole, and for a huge one (tested only inside a window around each site,
:func:`landcheck.geometry.clean_polygons`) the windows it was found valid
in, so the next normalisation of the very same objects tests only the rest.

The geometries are held, not only their ``id``: an identity stays a
geometry's while it is held, so an object made later (a reprojected copy, a
repair) can never be taken for one tested before. A shapely geometry is
immutable, so valid once is valid for good; a window is the same window only
when its four bounds are the same numbers (the windows kept as 32 bytes each).
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["KnownValid"]


class KnownValid:
    """The geometries found valid as a whole, and the windows huge ones were found valid in.

    Examples
    --------
    >>> import shapely
    >>> square, bowtie = shapely.box(0, 0, 1, 1), shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    >>> known = KnownValid()
    >>> known.add(np.array([square], dtype=object))
    >>> known.holds(np.array([square, bowtie, shapely.box(0, 0, 1, 1)], dtype=object)).tolist()
    [True, False, False]
    >>> windows = np.array([[0.0, 0.0, 0.5, 0.5], [0.5, 0.5, 1.0, 1.0]])
    >>> known.add_windows(bowtie, windows[:1])
    >>> known.unknown_windows(bowtie, windows).tolist(), len(known.unknown_windows(square, windows))
    ([[0.5, 0.5, 1.0, 1.0]], 2)
    """

    __slots__ = ("_held", "_windows")

    def __init__(self) -> None:
        self._held: dict[int, Any] = {}
        self._windows: dict[int, tuple[Any, np.ndarray]] = {}

    def holds(self, geometries: np.ndarray) -> np.ndarray:
        """Which of ``geometries`` are the very objects found valid before."""
        held = self._held
        return np.fromiter(
            (id(geometry) in held for geometry in geometries), dtype=bool, count=len(geometries)
        )

    def add(self, geometries: np.ndarray) -> None:
        """Remember ``geometries``, each found valid as a whole."""
        self._held.update((id(geometry), geometry) for geometry in geometries)

    def unknown_windows(self, geometry: Any, windows: np.ndarray) -> np.ndarray:
        """The rows of ``windows`` (xmin, ymin, xmax, ymax) ``geometry`` was not found valid in."""
        known = self._windows.get(id(geometry))
        if known is None:
            return windows
        return windows[~np.isin(_rows(windows), known[1])]

    def add_windows(self, geometry: Any, windows: np.ndarray) -> None:
        """Remember that ``geometry`` was found valid inside each row of ``windows``."""
        known = self._windows.get(id(geometry))
        rows = _rows(windows) if known is None else np.concatenate([known[1], _rows(windows)])
        self._windows[id(geometry)] = (geometry, np.unique(rows))

    def __len__(self) -> int:
        return len(self._held)


def _rows(windows: np.ndarray) -> np.ndarray:
    """Each row of four bounds as one value of its 32 bytes, to compare and sort rows whole.

    Equal bytes are equal numbers; a ``-0.0`` and a ``0.0`` differ, so such a
    window is only ever tested again, never taken for another.
    """
    rows = np.ascontiguousarray(windows, dtype=np.float64)
    return rows.view(np.dtype((np.void, rows.itemsize * rows.shape[1]))).ravel()
