"""Describe a vector source: layers, CRS and its plausibility, counts, geometry health."""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import shapely
from pyproj import CRS

from landcheck.crs import crs_label, crs_plausibility
from landcheck.geometry import clean_polygons
from landcheck.io.vector import (
    LayerSource,
    list_layers,
    read_frame,
    read_layer_info,
    require_exists,
)

__all__ = ["inspect_source"]


_TYPE_NAMES = {
    0: "Point", 1: "LineString", 2: "LinearRing", 3: "Polygon", 4: "MultiPoint",
    5: "MultiLineString", 6: "MultiPolygon", 7: "GeometryCollection",
}


def _layer_report(source: LayerSource, layer: str | None) -> dict[str, Any]:
    info = read_layer_info(source, layer)
    crs = CRS.from_user_input(info["crs"]) if info.get("crs") else None
    frame = read_frame(source, layer, columns=[])
    geoms = np.asarray(frame.geometry.values, dtype=object)
    bounds = tuple(float(v) for v in frame.total_bounds) if len(frame) else (np.nan,) * 4
    absent = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    type_ids = shapely.get_type_id(geoms[~absent])
    polygonal = geoms[~absent & np.isin(shapely.get_type_id(geoms), (3, 6, 7))]
    _, health, _ = clean_polygons(polygonal)
    return {
        "layer": layer,
        "driver": info.get("driver"),
        "features": len(frame),
        "geometry_types": [_TYPE_NAMES[t] for t in sorted(set(type_ids.tolist()))],
        "crs": crs_label(crs) if crs is not None else None,
        "crs_name": crs.name if crs is not None else None,
        "crs_check": crs_plausibility(crs, bounds),
        "encoding": info.get("encoding"),
        "fields": [str(f) for f in info["fields"]],
        "extent": None if np.isnan(bounds[0]) else list(bounds),
        "invalid": health.invalid,
        "repairable": health.repaired,
        "empty": int(absent.sum()),
    }


def inspect_source(path: str, *, encoding: str | None = None) -> dict[str, Any]:
    """Describe every layer of a vector file.

    Parameters
    ----------
    path : str
        ``PATH`` or ``PATH:LAYER``.
    encoding : str, optional
        Attribute encoding to force.

    Returns
    -------
    dict
        ``{"path", "size_bytes", "layers": [{layer, driver, features,
        geometry_types, crs, crs_check, encoding, fields, extent, invalid,
        repairable, empty}]}``.
    """
    source = LayerSource.parse(path, encoding=encoding)
    require_exists(source.path, "inspect")
    names = [source.layer] if source.layer else [n for n, _ in list_layers(source.path)]
    return {
        "path": source.path,
        "size_bytes": os.path.getsize(source.path) if os.path.isfile(source.path) else None,
        "layers": [_layer_report(source, name) for name in names],
    }
