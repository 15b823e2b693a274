"""Measuring polygons: planar and ellipsoidal areas of whole arrays of geometries.

Every area landcheck reports is measured twice (see :class:`landcheck.units.Area`):
planar, in the projected CRS the geometry is in (GEOS computes it relative to
the first vertex, so zone-prefixed eastings of 35,000,000 m lose no
precision), and ellipsoidal, on that CRS's own ellipsoid, as the land survey
measures parcels: the vertices are inverse-projected and each ring is
measured as the polygon with geodesic edges (:mod:`landcheck.geodesic`, all
rings at once), holes subtracted.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from pyproj import CRS, Geod, Transformer

from landcheck.crs.memo import crs_key
from landcheck.crs.transform import to_geodetic
from landcheck.errors import AnalysisCRSError
from landcheck.geodesic import geodesic_ring_areas

__all__ = ["ellipsoidal_areas", "measure_areas"]


@lru_cache(maxsize=32)
def _to_geodetic(crs_wkt: str) -> tuple[Transformer, Geod]:
    crs = CRS.from_wkt(crs_wkt)
    geodetic = crs.geodetic_crs
    if geodetic is None:
        raise AnalysisCRSError(f"CRS {crs.name!r} has no ellipsoid to measure areas on")
    # the transformation the coordinate checks and the sites' zones use too: built once
    transformer = to_geodetic(crs)
    ellipsoid = geodetic.ellipsoid
    geod = Geod(a=ellipsoid.semi_major_metre, rf=ellipsoid.inverse_flattening)
    return transformer, geod


def ellipsoidal_areas(geometries: Any, crs: CRS) -> np.ndarray:
    """Return the area of each polygonal geometry on the CRS's ellipsoid, in m².

    Vertices are inverse-projected to longitude/latitude on the CRS's own
    datum and each ring is measured as the polygon with geodesic edges that
    :meth:`pyproj.Geod.polygon_area_perimeter` measures (Karney's area), by
    :func:`landcheck.geodesic.geodesic_ring_areas`: all edges at once with
    numpy, equal to pyproj's to its own rounding. Holes are subtracted.
    Non-polygonal and empty geometries measure 0.

    Parameters
    ----------
    geometries : array-like of shapely geometries
        Polygons or multipolygons in ``crs``.
    crs : CRS
        A projected CRS.

    Returns
    -------
    numpy.ndarray
        One area per geometry.

    Examples
    --------
    A 1 km square 100 km east of the central meridian of zone 35 is about
    250 m² smaller on the ellipsoid than on the Gauss-Kruger plane:

    >>> square = shapely.box(35_600_000, 2_700_000, 35_601_000, 2_701_000)
    >>> round(float(ellipsoidal_areas([square], CRS.from_epsg(4523))[0]), 2)
    999750.66
    """
    geoms = np.asarray(geometries, dtype=object)
    out = np.zeros(len(geoms), dtype=float)
    if not len(geoms):
        return out
    polygonal = shapely.get_type_id(geoms)
    mask = ((polygonal == 3) | (polygonal == 6)) & ~shapely.is_empty(geoms)
    if not mask.any():
        return out
    transformer, geod = _to_geodetic(crs_key(crs))
    idx = np.flatnonzero(mask)
    # batches of about _AREA_BATCH vertices bound the coordinate arrays' memory
    ends = np.cumsum(shapely.get_num_coordinates(geoms[idx]))
    cuts = np.searchsorted(ends, np.arange(_AREA_BATCH, ends[-1], _AREA_BATCH), side="right")
    for part in np.split(idx, np.unique(cuts)):
        if len(part):
            out[part] = _polygonal_areas(geoms[part], transformer, geod)
    return out


_AREA_BATCH = 1 << 20


def _polygonal_areas(geoms: np.ndarray, transformer: Transformer, geod: Geod) -> np.ndarray:
    """Ellipsoidal areas of non-empty polygons and multipolygons (holes subtracted)."""
    if (shapely.get_type_id(geoms) == 3).all():  # no multipolygons: skip copying the parts
        polygons, polygon_owner = geoms, np.arange(len(geoms))
    else:
        polygons, polygon_owner = shapely.get_parts(geoms, return_index=True)
    rings, ring_polygon = shapely.get_rings(polygons, return_index=True)
    # the first ring of each polygon is its exterior
    first_of_polygon = np.ones(len(rings), dtype=bool)
    first_of_polygon[1:] = ring_polygon[1:] != ring_polygon[:-1]
    sign = np.where(first_of_polygon, 1.0, -1.0)
    coords, ring_of_coord = shapely.get_coordinates(rings, return_index=True)
    lon, lat = transformer.transform(coords[:, 0], coords[:, 1])
    offsets = np.searchsorted(ring_of_coord, np.arange(len(rings) + 1))
    ring_area = np.abs(geodesic_ring_areas(lon, lat, offsets, geod))
    return np.bincount(polygon_owner[ring_polygon], weights=sign * ring_area, minlength=len(geoms))


def measure_areas(
    geometries: Any, crs: CRS, method: str = "ellipsoidal", planar: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """Planar and ellipsoidal areas of polygonal geometries, and ha and 亩 by ``method``.

    Parameters
    ----------
    geometries : array-like of shapely geometries
        Polygons or multipolygons in ``crs``.
    crs : CRS
        A projected CRS.
    method : {"ellipsoidal", "planar"}
        Which area the hectares and 亩 are of.
    planar : numpy.ndarray, optional
        The planar areas when they are measured elsewhere than in ``crs`` (each
        geometry in its own zone: :meth:`landcheck.crs.measuring.SiteMeasuring.planar_areas`).

    Returns
    -------
    dict
        ``planar_m2``, ``ellipsoidal_m2``, ``ha`` and ``mu`` arrays.

    Examples
    --------
    >>> square = shapely.box(35_500_000, 2_700_000, 35_500_100, 2_700_100)
    >>> areas = measure_areas([square], CRS.from_epsg(4523), "planar")
    >>> float(areas["ha"][0]), float(areas["mu"][0])
    (1.0, 15.0)
    """
    geoms = np.asarray(geometries, dtype=object)
    if planar is None:
        planar = shapely.area(geoms) if len(geoms) else np.zeros(0)
    ellipsoidal = ellipsoidal_areas(geoms, crs)
    driving = planar if str(getattr(method, "value", method)) == "planar" else ellipsoidal
    return {
        "planar_m2": planar,
        "ellipsoidal_m2": ellipsoidal,
        "ha": driving / 10_000.0,
        "mu": driving * 3.0 / 2000.0,
    }
