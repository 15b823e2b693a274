"""A GeoPackage layer described with sqlite3, as GDAL describes it, without opening it in GDAL.

GDAL opens a GeoPackage again for each question about it (its layers; a layer's
CRS, fields, feature count and extent): about 3 ms each on a quiet machine, and
a one-site check asks ten times, a tenth of its time. The thread's read-only
connection (:func:`landcheck.io.gpkg_rows.connection`, the one the filtered reads
use) answers from the GeoPackage's own tables in a fraction of a millisecond.

Only answers that are GDAL's own are given:

- a layer: a table named exactly so in ``gpkg_contents`` (``features``) with its
  ``gpkg_geometry_columns`` row;
- its CRS: ``EPSG:n`` when its ``gpkg_spatial_ref_sys`` row says organization
  EPSG and code n equal to the ``srs_id`` (GDAL then takes the EPSG code, whatever
  the definition says);
- its fields: the table's columns but the feature id and the geometry, in order;
- its feature count: ``gpkg_ogr_contents``' (the count GDAL keeps and reads);
- its extent: ``gpkg_contents``' bounds, when all four are given and the layer has
  features.

Anything else (another CRS, no count, no extent, not a GeoPackage) gives None,
and the caller asks GDAL as before.
"""

from __future__ import annotations

import os
import sqlite3
from typing import Any

from landcheck.io.gpkg_rows import connection, gpkg_layer
from landcheck.io.records import file_version

__all__ = ["has_layer", "layer_summary"]


def has_layer(path: str, layer: str) -> bool:
    """Whether the GeoPackage ``path`` certainly has the vector layer ``layer`` (exact name).

    False means "not known here" (not a GeoPackage, another kind of table, a
    name that differs in case…): ask GDAL.
    """
    return _contents(path, layer) is not None


_FOUND: dict[tuple, Any] = {}
"""What was found about a layer, per (question, file version, layer): a check asks about
each layer a dozen times, and the answers stay while the file does."""


def _remembered(question: str, path: str, layer: str, answer: Any) -> Any:
    """``answer(path, layer)``, kept per file version when there is one (None is asked again)."""
    if not os.path.isfile(path):
        return answer(path, layer)
    key = (question, file_version(path), layer)
    found = _FOUND.get(key)
    if found is None:
        found = answer(path, layer)
        if found is not None:
            _FOUND[key] = found
            while len(_FOUND) > 512:
                _FOUND.pop(next(iter(_FOUND)))
    return found


def _contents(path: str, layer: str) -> tuple | None:
    """``(min_x, min_y, max_x, max_y, srs_id)`` of a features table named exactly ``layer``."""
    return _remembered("contents", path, layer, _contents_of)


def _contents_of(path: str, layer: str) -> tuple | None:
    try:
        found = gpkg_layer(path, layer)  # a file sqlite3 may not open (permissions): ask GDAL
        if found is None or found.table != layer:
            return None
        return (
            connection(path)
            .execute(
                "SELECT min_x, min_y, max_x, max_y, srs_id FROM gpkg_contents "
                "WHERE table_name = ? AND data_type = 'features'",
                (layer,),
            )
            .fetchone()
        )
    except sqlite3.Error:
        return None


def layer_summary(path: str, layer: str) -> dict[str, Any] | None:
    """A GeoPackage layer's CRS, fields, feature count and extent, as GDAL gives them; or None.

    Returns
    -------
    dict or None
        ``crs`` (``"EPSG:n"``), ``fields`` (list of names), ``features``,
        ``total_bounds`` (a 4-tuple of floats), ``driver`` (``"GPKG"``) and
        ``encoding`` (``"UTF-8"``), the keys of pyogrio's ``read_info`` with
        the same values; None when any of them is not certainly GDAL's.
    """
    found = _remembered("summary", path, layer, _summary_of)
    return None if found is None else {**found, "fields": list(found["fields"])}


def _summary_of(path: str, layer: str) -> dict[str, Any] | None:
    row = _contents(path, layer)
    if row is None or any(v is None for v in row[:4]):
        return None
    try:
        found = gpkg_layer(path, layer)
        con = connection(path)
        srs = con.execute(
            "SELECT organization, organization_coordsys_id FROM gpkg_spatial_ref_sys "
            "WHERE srs_id = ?",
            (row[4],),
        ).fetchone()
        count = con.execute(
            "SELECT feature_count FROM gpkg_ogr_contents WHERE lower(table_name) = lower(?)",
            (layer,),
        ).fetchone()
    except sqlite3.Error:
        return None
    if found is None or srs is None or str(srs[0]).upper() != "EPSG" or srs[1] != row[4]:
        return None
    if count is None or type(count[0]) is not int or count[0] <= 0:
        return None
    return {
        "crs": f"EPSG:{int(row[4])}",
        "fields": [name for name, _ in found.fields],
        "features": count[0],
        "total_bounds": tuple(float(v) for v in row[:4]),
        "driver": "GPKG",
        "encoding": "UTF-8",
    }
