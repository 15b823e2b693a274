"""Frame conventions of the sample layers: CRS, ``BZ`` label, BSM ids, areas, dissolving."""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS

from landcheck.areas import ellipsoidal_areas
from landcheck.sample.county import COUNTY_CODE, SAMPLE_CRS, SYNTHETIC_NOTE

__all__ = ["areas", "dissolve", "frame"]


def frame(
    columns: dict[str, object], geometry: Sequence[shapely.Geometry], *, bsm: int | None = None
) -> gpd.GeoDataFrame:
    """A GeoDataFrame in the sample CRS with the synthetic label.

    Columns: ``BSM`` when ``bsm`` (the layer's number in the identifiers) is
    given, then ``columns``, then ``BZ``, then the geometry.
    """
    data: dict[str, object] = {}
    if bsm is not None:
        data["BSM"] = _bsm(bsm, len(geometry))
    data.update(columns)
    data["BZ"] = SYNTHETIC_NOTE
    return gpd.GeoDataFrame(data, geometry=list(geometry), crs=SAMPLE_CRS)


def _bsm(layer: int, count: int) -> list[str]:
    """Unique identifiers (标识码) for ``count`` features of one layer."""
    return [f"{COUNTY_CODE}{layer:02d}{i:08d}" for i in range(1, count + 1)]


def areas(geometry: Sequence[shapely.Geometry]) -> np.ndarray:
    """Ellipsoidal areas (m²) in the sample CRS, rounded to 0.01 m²."""
    return np.round(ellipsoidal_areas(geometry, CRS.from_user_input(SAMPLE_CRS)), 2)


def dissolve(
    geometry: np.ndarray, keys: list[tuple], *, explode: bool
) -> tuple[list[tuple], list[shapely.Geometry]]:
    """Union coverage polygons by key (sorted); optionally split into connected parts.

    Connected parts of one key come north to south, then west to east, by
    their centroids.
    """
    out_keys, out_geometry = [], []
    order = sorted(range(len(keys)), key=lambda i: keys[i])
    start = 0
    while start < len(order):
        stop = start
        while stop < len(order) and keys[order[stop]] == keys[order[start]]:
            stop += 1
        members = geometry[np.array(order[start:stop])]
        union = shapely.coverage_union_all(members)
        parts = shapely.get_parts(union) if explode else [union]
        if explode:
            parts = parts[
                np.lexsort(
                    (
                        shapely.get_coordinates(shapely.centroid(parts))[:, 0],
                        -shapely.get_coordinates(shapely.centroid(parts))[:, 1],
                    )
                )
            ]
        for part in parts:
            out_keys.append(keys[order[start]])
            out_geometry.append(part)
        start = stop
    return out_keys, out_geometry
