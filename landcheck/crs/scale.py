"""How far a projection makes lengths differ from the ground, where the sites are.

A projected CRS keeps lengths true only near its standard lines: a Gauss-Kruger
zone along its meridian, Web Mercator on the equator (it stretches lengths by
1 / cos(latitude) elsewhere: 10 % at 25° N, 56 % at 50° N, and areas by its
square). The analysis CRS is chosen, and each site measured, where that error
is small (:mod:`landcheck.crs.choice`, :mod:`landcheck.crs.measuring`).
"""

from __future__ import annotations

import numpy as np
from pyproj import CRS, Proj

__all__ = ["SCALE_TOLERANCE", "percent", "point_scale", "scale_error"]

SCALE_TOLERANCE = 0.001
"""The largest error of lengths (0.1 %) a CRS may make where a site is measured in it: about
what a 3-degree Gauss-Kruger zone makes 2.25° from its meridian at 20° N."""


def scale_error(crs: CRS, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """How much longer or shorter than on the ground ``crs`` makes lengths at each place.

    The larger of the errors along the meridian and along the parallel (a
    projection that is not conformal differs between them); infinite where
    the projection gives no scale (outside its domain). ``lon``, ``lat`` are
    in degrees of the CRS's own datum.

    Examples
    --------
    >>> errors = scale_error(CRS.from_epsg(3857), np.array([105.0, 105.0]), np.array([0.0, 25.0]))
    >>> [round(float(e), 4) for e in errors]
    [0.0, 0.1034]
    """
    meridional, parallel = _scales(crs, lon, lat)
    error = np.maximum(np.abs(meridional - 1.0), np.abs(parallel - 1.0))
    return np.where(np.isfinite(error), error, np.inf)


def _scales(crs: CRS, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The projection's scale along the meridian and along the parallel at each place."""
    factors = Proj(crs).get_factors(lon, lat, errcheck=False)
    return (
        np.asarray(factors.meridional_scale, dtype=float),
        np.asarray(factors.parallel_scale, dtype=float),
    )


def point_scale(crs: CRS, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """How many metres of ``crs`` one metre on the ground is at each place.

    The larger of the scales along the meridian and along the parallel (the
    same in a conformal projection such as Gauss-Kruger or UTM; a length
    scaled by it is at least as long on the ground in every direction
    elsewhere); NaN or infinite where the projection gives no scale.
    ``lon``, ``lat`` are in degrees of the CRS's own datum.

    Examples
    --------
    >>> scales = point_scale(CRS.from_epsg(4543), np.array([102.0, 105.0]), np.array([24.4, 24.4]))
    >>> [round(float(k), 6) for k in scales]
    [1.0, 1.001144]
    """
    return np.maximum(*_scales(crs, lon, lat))


def percent(error: float) -> str:
    """A length error as a percentage with two significant figures at least.

    Examples
    --------
    >>> percent(0.001126), percent(0.30541)
    ('0.11%', '30.5%')
    """
    return f"{error:.2%}" if error < 0.01 else f"{error:.1%}"
