"""Describe an input before using it: layers, CRS and its fit, counts, geometry health, encoding.

:func:`inspect_source` handles every input landcheck reads: vector files
(each layer), boundary coordinate TXT files (each plot with its declared and
computed areas, and the reader's warnings) and DXF drawings (what would be
read as sites, and what would be ignored).
"""

from __future__ import annotations

import math
import os
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS

from landcheck.crs import crs_label
from landcheck.crs.traps import diagnose_coordinates, suggest_crs
from landcheck.errors import LandcheckError
from landcheck.geometry import clean_polygons
from landcheck.io.boundary_txt import read_boundary_txt
from landcheck.io.dxf import read_dxf
from landcheck.io.encoding import choose_encoding
from landcheck.io.postgis import (
    DRIVER,
    PostGISSource,
    database_tables,
    is_postgis_source,
    read_table,
)
from landcheck.io.vector import (
    LayerSource,
    list_layers,
    read_frame,
    read_layer_info,
    require_exists,
)

__all__ = ["inspect_source"]


_TYPE_NAMES = {
    0: "Point",
    1: "LineString",
    2: "LinearRing",
    3: "Polygon",
    4: "MultiPoint",
    5: "MultiLineString",
    6: "MultiPolygon",
    7: "GeometryCollection",
}


def _crs_fields(crs: CRS | None, bounds: tuple[float, ...]) -> dict[str, Any]:
    problem = diagnose_coordinates(crs, bounds)  # type: ignore[arg-type]
    out: dict[str, Any] = {
        "crs": crs_label(crs) if crs is not None else None,
        "crs_name": crs.name if crs is not None else None,
        "crs_check": problem or "ok",
    }
    if problem is not None:
        out["crs_suggestions"] = [
            {"crs": crs_label(c), "name": c.name, "reason": why}
            for c, why in suggest_crs(bounds)  # type: ignore[arg-type]
        ]
    return out


def _geometry_fields(geoms: np.ndarray) -> dict[str, Any]:
    absent = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    type_ids = shapely.get_type_id(geoms[~absent])
    polygonal = geoms[~absent & np.isin(shapely.get_type_id(geoms), (3, 6, 7))]
    _, health, _ = clean_polygons(polygonal)
    usable = geoms[~absent]
    bounds: tuple[float, ...] = (math.nan,) * 4
    if len(usable):
        bounds = tuple(float(v) for v in shapely.total_bounds(usable))
    return {
        "features": len(geoms),
        "geometry_types": [_TYPE_NAMES[t] for t in sorted(set(type_ids.tolist()))],
        "extent": None if math.isnan(bounds[0]) else list(bounds),
        "invalid": health.invalid,
        "repairable": health.repaired,
        "empty": int(absent.sum()),
        "_bounds": bounds,
    }


def _layer_report(source: LayerSource, layer: str | None) -> dict[str, Any]:
    info = read_layer_info(source, layer)
    crs = CRS.from_user_input(info["crs"]) if info.get("crs") else None
    frame = read_frame(source, layer, columns=[])
    if isinstance(frame, gpd.GeoDataFrame) and frame.active_geometry_name is not None:
        geoms = np.asarray(frame.geometry.values, dtype=object)
    else:  # a table without geometry (a CSV, a .dbf alone): its rows, none with a shape
        rows = len(frame) or max(int(info.get("features") or 0), 0)
        geoms = np.full(rows, None, dtype=object)
    geometry = _geometry_fields(geoms)
    bounds = geometry.pop("_bounds")
    choice = choose_encoding(source.path, source.encoding, layer)
    return {
        "layer": layer,
        "driver": info.get("driver"),
        **geometry,
        **_crs_fields(crs, bounds),
        "encoding": choice.encoding or info.get("encoding"),
        "encoding_source": choice.source,
        "encoding_note": choice.note,
        "fields": [str(f) for f in info["fields"]],
    }


def _postgis_report(sources: list[PostGISSource]) -> dict[str, Any]:
    """PostGIS tables described as a file's layers (the URL shown without its password).

    A URL naming one table describes it, or fails with the reason; one naming a
    database describes each table with geometry, a table that cannot be read
    with its ``error``.
    """
    if len(sources) == 1 and sources[0].table:
        layers = [_postgis_layer(sources[0])]
    else:
        layers = []
        for source in sources:
            try:
                layers.append(_postgis_layer(source))
            except LandcheckError as ex:
                layers.append({"layer": source.layer, "driver": DRIVER, "error": str(ex)})
    path = sources[0].path if sources else None
    return {"path": path, "size_bytes": None, "format": DRIVER, "layers": layers}


def _postgis_layer(source: PostGISSource) -> dict[str, Any]:
    info, frame = read_table(source)
    geometry = _geometry_fields(np.asarray(frame.geometry.values, dtype=object))
    bounds = geometry.pop("_bounds")
    layer = {
        "layer": source.layer,
        "driver": DRIVER,
        **geometry,
        **_crs_fields(info.crs, bounds),
        "encoding": "UTF-8",
        "encoding_source": "driver",
        "encoding_note": "",
        "fields": list(info.fields),
        "geometry_column": info.column,
        "srid": info.srid,
        "feature_id": info.key,
    }
    return layer


def _txt_report(source: LayerSource) -> dict[str, Any]:
    txt = read_boundary_txt(source.path, encoding=source.encoding)
    geoms = np.asarray(txt.sites.geometry.values, dtype=object)
    geometry = _geometry_fields(geoms)
    geometry.pop("_bounds")
    plots = []
    for row in txt.sites.itertuples(index=False):
        parts = shapely.get_parts(row.geometry)
        declared = None if math.isnan(row.declared_ha) else float(row.declared_ha)
        computed = float(row.computed_ha)
        difference = None
        if declared is not None and computed:
            difference = (declared - computed) / computed * 100.0
        plots.append(
            {
                "site_id": row.site_id,
                "name": row.name,
                "land_use": row.land_use,
                "land_class": row.land_class,
                "parts": len(parts),
                "holes": int(sum(shapely.get_num_interior_rings(parts))),
                "points": int(row.point_count),
                "declared_ha": declared,
                "computed_ha": computed,
                "difference_pct": difference,
            }
        )
    layer = {
        "layer": None,
        "driver": "boundary TXT",
        **geometry,
        "crs": crs_label(txt.crs),
        "crs_name": txt.crs.name,
        "crs_check": "ok",
        "encoding": txt.encoding,
        "encoding_source": "given" if source.encoding else "detected",
        "encoding_note": f"{txt.encoding} ({'--encoding' if source.encoding else 'detected'})",
        "fields": [c for c in txt.sites.columns if c != "geometry"],
    }
    return {
        "format": "boundary TXT",
        "metadata": {k: v for k, v in txt.metadata.items() if not k.startswith("landcheck.")},
        "transformation": {k: v for k, v in txt.metadata.items() if k.startswith("landcheck.")},
        "plots": plots,
        "warnings": list(txt.warnings),
        "layers": [layer],
    }


def _dxf_report(source: LayerSource) -> dict[str, Any]:
    drawing = read_dxf(source)
    raw = read_frame(LayerSource(source.path), "entities", columns=[])
    geometry = _geometry_fields(np.asarray(raw.geometry.values, dtype=object))
    bounds = geometry.pop("_bounds")
    sites = drawing.sites
    layer = {
        "layer": source.layer or "entities",
        "driver": "DXF",
        **geometry,
        **_crs_fields(None, bounds),
        "encoding": None,
        "encoding_source": "given" if source.encoding else "driver",
        "encoding_note": (
            f"{source.encoding} (--encoding)" if source.encoding else "the drawing's $DWGCODEPAGE"
        ),
        "fields": ["Layer", "Text"],
    }
    return {
        "format": "DXF",
        "dxf": drawing.counts,
        "plots": [
            {
                "site_id": row.site_id,
                "name": row.name,
                "cad_layer": row.cad_layer,
                "parts": 1,
                "holes": len(row.geometry.interiors),
                "points": len(row.geometry.exterior.coords) - 1,
                "declared_ha": None,
                "computed_ha": row.geometry.area / 10_000.0,
                "difference_pct": None,
            }
            for row in sites.itertuples(index=False)
        ],
        "warnings": list(drawing.notes),
        "layers": [layer],
    }


def inspect_source(path: str, *, encoding: str | None = None) -> dict[str, Any]:
    """Describe every layer of an input.

    Parameters
    ----------
    path : str
        ``PATH`` or ``PATH:LAYER``: a vector file, a boundary TXT or a DXF.
    encoding : str, optional
        Attribute (or TXT text) encoding to force.

    Returns
    -------
    dict
        ``{"path", "size_bytes", "format", "layers": [{layer, driver,
        features, geometry_types, crs, crs_name, crs_check,
        crs_suggestions (when the CRS is missing or does not fit), encoding,
        encoding_source, encoding_note, fields, extent, invalid, repairable,
        empty}]}``; a TXT adds ``metadata``, ``transformation``, ``plots``
        (declared vs computed areas) and ``warnings``; a DXF adds ``dxf``
        (entity counts), ``plots`` and ``warnings``. A PostGIS table
        (``postgresql://USER@HOST:PORT/DB:SCHEMA.TABLE``) is one layer, with
        ``geometry_column``, ``srid`` and ``feature_id`` (its integer key);
        ``path`` is the URL without its password.

    Raises
    ------
    DataSourceError
        The file does not exist or cannot be read.
    BoundaryTxtError
        A malformed boundary TXT (the message names the line).

    Examples
    --------
    >>> import os, tempfile
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> path = os.path.join(tempfile.mkdtemp(), "farmland.gpkg")
    >>> gpd.GeoDataFrame({"BSM": ["F1"]}, crs=4523,
    ...     geometry=[box(35_420_000, 2_700_000, 35_420_100, 2_700_100)]).to_file(path)
    >>> layer = inspect_source(path)["layers"][0]
    >>> layer["features"], layer["crs"], layer["crs_check"], layer["invalid"]
    (1, 'EPSG:4523', 'ok', 0)
    """
    if is_postgis_source(path):
        return _postgis_report(database_tables(path))
    source = LayerSource.parse(path, encoding=encoding)
    require_exists(source.path, "inspect")
    head = {
        "path": source.path,
        "size_bytes": os.path.getsize(source.path) if os.path.isfile(source.path) else None,
    }
    extension = os.path.splitext(source.path)[1].lower()
    if extension == ".txt":
        return {**head, **_txt_report(source)}
    if extension == ".dxf":
        return {**head, **_dxf_report(source)}
    names = [source.layer] if source.layer else [n for n, _ in list_layers(source.path)]
    layers = [_layer_report(source, name) for name in names]
    return {
        **head,
        "format": layers[0]["driver"] if layers else None,
        "layers": layers,
    }
