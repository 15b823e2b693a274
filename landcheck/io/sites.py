"""Reading site files: any vector source GDAL reads, a boundary coordinate TXT, or a DXF drawing.

Every site file ends in the same checks: a CRS must be declared (or given
with ``--crs``), and the coordinates must fit it — the messages come from
:mod:`landcheck.crs.traps` and name the probable CRS. Shapefiles without a
``.cpg`` (loose or zipped) have their attribute encoding detected
(:mod:`landcheck.io.encoding`); one without its ``.dbf`` is read with a
warning that its sites have no ids, names or project classes.
Data is returned in the CRS it declares: a Xian 1980 / Beijing 1954 / New Beijing file is
shifted (or refused) by the caller with :func:`landcheck.crs.datum.apply_datum_shift`;
only a boundary TXT, whose header may carry its own 7 parameters, is shifted
while it is read.
"""

from __future__ import annotations

import os
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow
import shapely
from pyproj import CRS

from landcheck.crs import crs_label
from landcheck.crs.datum import DatumShift, legacy_datum
from landcheck.crs.traps import diagnose_coordinates, missing_crs_advice
from landcheck.errors import AnalysisCRSError, InputDataError
from landcheck.geometry import geometry_values
from landcheck.io.boundary_txt import read_boundary_txt
from landcheck.io.boundary_txt.spec import METADATA_PREFIX
from landcheck.io.dxf import read_dxf
from landcheck.io.encoding import choose_encoding
from landcheck.io.gpkg_rows import read_all_rows
from landcheck.io.records import InputRecord
from landcheck.io.shapefile import lacks_dbf
from landcheck.io.vector import (
    LayerSource,
    declared_crs,
    implausible_crs_error,
    layer_summary,
    read_frame,
    read_layer_info,
    require_exists,
    resolve_layer,
)
from landcheck.io.wkb import refusing_unreadable
from landcheck.messages import deferred, warn

__all__ = ["frame_bounds", "read_sites"]

_WHY_NO_CRS = {
    ".shp": " (a shapefile without .prj)",
    ".dbf": " (a table without .prj)",
    ".dxf": " (DXF drawings never do)",
}

_NO_DBF = (
    "the shapefile has no .dbf, so its sites have no attributes: no site ids (they are "
    "numbered 1, 2, … in file order), no names and no project classes (the rules then allow "
    "no exception, e.g. farmland a transport project could take is prohibited); put the .dbf "
    "beside the .shp (or into the zip)"
)


def frame_bounds(frame: gpd.GeoDataFrame) -> tuple[float, float, float, float]:
    """``(xmin, ymin, xmax, ymax)`` of the non-empty geometries (NaN when there are none)."""
    geoms = np.asarray(geometry_values(frame), dtype=object)
    usable = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    if not len(usable):
        return (np.nan, np.nan, np.nan, np.nan)
    x0, y0, x1, y1 = shapely.total_bounds(usable)
    return float(x0), float(y0), float(x1), float(y1)


def _read_txt_sites(
    source: LayerSource, datum_shift: DatumShift | None, area_tolerance: float
) -> tuple[gpd.GeoDataFrame, InputRecord]:
    txt = read_boundary_txt(
        source.path,
        encoding=source.encoding,
        area_tolerance=area_tolerance,
        datum_shift=datum_shift,
    )
    record = InputRecord(
        role="sites",
        key="sites",
        path=source.path,
        crs=crs_label(txt.crs),
        features_read=len(txt.sites),
    )
    record.extra["format"] = "boundary TXT"
    record.extra["encoding"] = txt.encoding
    record.extra["metadata"] = {
        k: v for k, v in txt.metadata.items() if not k.startswith(METADATA_PREFIX)
    }
    for note in txt.warnings:
        warn(note)
    shifted = _txt_datum_shift(txt.metadata, crs_label(txt.crs), datum_shift)
    if shifted is not None:
        record.crs = shifted["source_crs"]  # the input's own CRS, as for any other file
        record.extra["datum_shift"] = shifted
    return txt.sites, record


def _txt_datum_shift(
    metadata: dict[str, str], target: str, datum_shift: DatumShift | None
) -> dict[str, Any] | None:
    """How a boundary TXT was shifted to CGCS2000, as the record of a shifted file says it.

    The keys of :func:`landcheck.crs.datum.apply_datum_shift`'s note, from what the
    reader put in the TXT's metadata (``landcheck.source_crs``…); None for a file
    in CGCS2000. The parameters are those given, else the file's 转换参数 (the
    reader refuses the two when they differ).
    """
    source = metadata.get(METADATA_PREFIX + "source_crs")
    if source is None:
        return None
    shift = datum_shift or DatumShift.parse(metadata["转换参数"])
    return {
        "source_crs": source,
        # the reader names it by the EPSG code of the zone's legacy CRS
        "datum": legacy_datum(CRS.from_user_input(source)),
        "target_crs": target,
        "method": metadata[METADATA_PREFIX + "transformation"],
        "parameters": shift.to_dict(),
        "pipeline": metadata[METADATA_PREFIX + "transformation_pipeline"],
    }


def _settle_crs(
    frame: gpd.GeoDataFrame,
    record: InputRecord,
    source: LayerSource,
    assume_crs: CRS | None,
    driver: str | None,
) -> gpd.GeoDataFrame:
    """Give the frame a CRS that fits its coordinates, or raise a specific error."""
    what = f"the site file {source}"
    bounds = frame_bounds(frame)
    extension = os.path.splitext(source.path)[1].lower()
    declared = geometry_values(frame).crs  # not ``frame.crs``: no GeoSeries built
    if declared is None:
        if assume_crs is None:
            raise AnalysisCRSError(
                f"{what} declares no coordinate reference system"
                f"{_WHY_NO_CRS.get(extension, '')}: {missing_crs_advice(bounds)}"
                + (" (or add the .prj)" if extension == ".shp" else "")
            )
        problem = diagnose_coordinates(assume_crs, bounds)
        if problem is not None:
            raise AnalysisCRSError(
                f"{what} declares no CRS, and --crs {crs_label(assume_crs)} does not fit its "
                f"coordinates: {problem}"
            )
        record.extra["crs_assumed"] = True
        return frame.set_crs(assume_crs)
    problem = diagnose_coordinates(declared, bounds)
    if problem is None:
        return frame
    if assume_crs is not None and diagnose_coordinates(assume_crs, bounds) is None:
        record.extra["crs_replaced"] = f"declared {crs_label(declared)}: {problem}"
        return frame.set_crs(assume_crs, allow_override=True)
    raise implausible_crs_error(source, "the site file", problem, driver)


def read_sites(
    source: LayerSource | str,
    *,
    assume_crs: CRS | None = None,
    datum_shift: DatumShift | str | None = None,
    area_tolerance: float = 0.01,
) -> tuple[gpd.GeoDataFrame, InputRecord]:
    """Read a site file in full, in its own CRS.

    A ``.txt`` file is read as a boundary coordinate TXT (界址点坐标), which
    declares its own CRS; a ``.dxf`` as a survey drawing (closed polylines
    become sites; it needs ``assume_crs``); anything else through GDAL.

    Parameters
    ----------
    source : LayerSource or str
        ``PATH`` or ``PATH:LAYER`` (for a DXF, ``PATH:CADLAYER``).
    assume_crs : CRS, optional
        CRS to use when the file declares none (recorded as ``crs_assumed``),
        or instead of a declared CRS that does not fit the coordinates when
        this one does (recorded as ``crs_replaced``). Without it, a file with
        no CRS is an error whose message suggests the CRS.
    datum_shift : DatumShift or str, optional
        7 Helmert parameters for a boundary TXT in Xian 1980 / Beijing 1954 / New Beijing
        (checked against those its header gives, and applied while reading).
    area_tolerance : float
        For a boundary TXT: the relative difference between a plot's declared
        地块面积 and its computed planar area above which a warning is
        recorded (0.01 = 1 %; a profile's ``analysis.declared_area_tolerance``).

    Returns
    -------
    sites : GeoDataFrame
        Every feature, with its attributes, in the CRS the file declares (a
        boundary TXT: in CGCS2000).
    record : InputRecord
        Provenance of the read: ``crs`` the file's own CRS; ``extra`` holds
        the format, the encoding and how it was chosen, and for a boundary TXT
        shifted from Xian 1980 / Beijing 1954 / New Beijing ``datum_shift`` (as
        :func:`~landcheck.crs.datum.apply_datum_shift` notes it). What the
        reader has to say about the file (a shapefile without .dbf, the TXT
        reader's and the DXF reader's notes) is said with
        :func:`landcheck.messages.warn` once the file is read.

    Raises
    ------
    DataSourceError
        The file does not exist or cannot be read.
    AnalysisCRSError
        No CRS and none assumed, or a CRS that does not fit the coordinates.
    BoundaryTxtError
        A malformed boundary TXT (the message names the line).
    """
    if not isinstance(source, LayerSource):
        source = LayerSource.parse(source)
    shift = None if datum_shift is None else DatumShift.parse(datum_shift)
    with deferred():
        return _read(source, assume_crs, shift, area_tolerance)


def _read_layer(
    source: LayerSource, layer: str | None, summary: dict[str, Any]
) -> gpd.GeoDataFrame:
    """Every feature of a GDAL layer, as pyogrio reads it, integer fields with blanks exact.

    A GeoPackage layer is read with sqlite3 when it reads it exactly as GDAL
    would (:func:`landcheck.io.gpkg_rows.read_all_rows`: no GDAL open, no Arrow).
    An integer field with a blank is pandas' ``Int64``, not float64
    (:func:`_exact_integers`).
    """
    if layer is not None and source.encoding is None and summary.get("driver") == "GPKG":
        with refusing_unreadable(str(source)):
            frame = read_all_rows(source.path, layer, declared_crs(summary), exact_integers=True)
        if frame is not None:
            return frame
    return _exact_integers(read_frame(source, layer), source, layer)


def _exact_integers(frame: pd.DataFrame, source: LayerSource, layer: str | None) -> pd.DataFrame:
    """``frame`` with the integer fields pandas made floats read again as integers (``Int64``).

    pandas holds an integer field with a blank as float64, where integers beyond
    2^53 run together: the project ids 330100202400000001 and …0002 read as one
    number, and two projects were summed as one. Read again through Arrow, the
    integers keep their values.
    """
    floats = [c for c in frame.columns if _is_float(frame, c)]
    if not floats:
        return frame
    info = read_layer_info(source, layer)
    kinds = dict(zip(map(str, info["fields"]), map(str, info.get("dtypes", ())), strict=False))
    floated = [c for c in floats if kinds.get(str(c), "").startswith("int")]
    if not floated:
        return frame
    exact = read_frame(
        source,
        layer,
        columns=floated,
        read_geometry=False,
        use_arrow=True,
        arrow_to_pandas_kwargs={"types_mapper": _nullable_integer},
    )
    for column in floated:
        frame[column] = exact[column].array
    return frame


def _is_float(frame: pd.DataFrame, column: str) -> bool:
    """Whether ``column`` is one field of the frame, held as floats."""
    return list(frame.columns).count(column) == 1 and frame[column].dtype.kind == "f"


def _nullable_integer(kind: pyarrow.DataType) -> pd.api.extensions.ExtensionDtype | None:
    """The ``Int64`` of pandas for an Arrow integer type (for ``types_mapper``), else None."""
    return pd.Int64Dtype() if pyarrow.types.is_integer(kind) else None


def _read(
    source: LayerSource, assume_crs: CRS | None, shift: DatumShift | None, area_tolerance: float
) -> tuple[gpd.GeoDataFrame, InputRecord]:
    require_exists(source.path, "sites")
    extension = os.path.splitext(source.path)[1].lower()
    if extension == ".txt":
        return _read_txt_sites(source, shift, area_tolerance)
    record = InputRecord(role="sites", key="sites", path=source.path)
    driver: str | None
    if extension == ".dxf":
        drawing = read_dxf(source)
        frame, driver = drawing.sites, "DXF"
        record.layer = source.layer
        record.extra["format"] = "DXF"
        record.extra["dxf"] = drawing.counts
        for note in drawing.notes:
            warn(note)
    else:
        layer = resolve_layer(source, "sites")
        summary = layer_summary(source, layer)
        frame = _read_layer(source, layer, summary)
        record.layer = layer
        driver = summary.get("driver")
        record.extra["driver"] = driver
        choice = choose_encoding(source.path, source.encoding, layer)
        if choice.source not in ("driver", "format") or "ignored" in choice.note:
            record.extra.update(choice.to_dict())
        if lacks_dbf(source.path, layer):
            warn(_NO_DBF)
    if not isinstance(frame, gpd.GeoDataFrame) or frame.active_geometry_name is None:
        raise InputDataError(
            f"the site file {source} holds no geometry (a table of {len(frame)} row(s)): give "
            "the site boundaries as polygons (GeoPackage, shapefile, GeoJSON, KML, DXF), or "
            "their corner points as a boundary coordinate TXT (界址点坐标文件)"
        )
    frame = _settle_crs(frame, record, source, assume_crs, driver)
    record.crs = crs_label(geometry_values(frame).crs)
    record.features_read = len(frame)
    return frame, record
