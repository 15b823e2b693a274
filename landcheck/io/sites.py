"""Reading site files: any vector source GDAL reads, or a boundary coordinate TXT."""

from __future__ import annotations

import geopandas as gpd
from pyproj import CRS

from landcheck.crs import crs_label, crs_plausibility
from landcheck.io.boundary_txt import read_boundary_txt
from landcheck.io.records import InputRecord
from landcheck.io.vector import (
    LayerSource,
    implausible_crs_error,
    no_crs_error,
    read_frame,
    read_layer_info,
    require_exists,
    resolve_layer,
)

__all__ = ["read_sites"]


def _read_txt_sites(source: LayerSource) -> tuple[gpd.GeoDataFrame, InputRecord]:
    txt = read_boundary_txt(source.path, encoding=source.encoding)
    record = InputRecord(
        role="sites", key="sites", path=source.path, crs=crs_label(txt.crs),
        features_read=len(txt.sites),
    )
    record.extra["format"] = "boundary TXT"
    record.extra["encoding"] = txt.encoding
    record.extra["warnings"] = list(txt.warnings)
    record.extra.update({k: v for k, v in txt.metadata.items() if k.startswith("landcheck.")})
    return txt.sites, record


def read_sites(
    source: LayerSource | str,
    *,
    assume_crs: CRS | None = None,
) -> tuple[gpd.GeoDataFrame, InputRecord]:
    """Read a site file in full, in its own CRS.

    A ``.txt`` file is read as a boundary coordinate TXT (界址点坐标), which
    declares its own CRS; anything else through GDAL.

    Parameters
    ----------
    source : LayerSource or str
        ``PATH`` or ``PATH:LAYER``.
    assume_crs : CRS, optional
        CRS to use when the file declares none (recorded as a warning by the
        caller). Without it, a file with no CRS is an error.

    Returns
    -------
    sites : GeoDataFrame
        Every feature, with its attributes.
    record : InputRecord
        Provenance of the read.

    Raises
    ------
    DataSourceError
        The file does not exist or cannot be read.
    AnalysisCRSError
        The file declares no CRS and none was assumed.
    """
    if not isinstance(source, LayerSource):
        source = LayerSource.parse(source)
    require_exists(source.path, "sites")
    if source.path.lower().endswith(".txt"):
        return _read_txt_sites(source)
    layer = resolve_layer(source, "sites")
    frame = read_frame(source, layer)
    record = InputRecord(role="sites", key="sites", path=source.path, layer=layer)
    if frame.crs is None:
        if assume_crs is None:
            raise no_crs_error(source, "the site file")
        frame = frame.set_crs(assume_crs)
        record.extra["crs_assumed"] = True
    bounds = tuple(float(v) for v in frame.total_bounds)
    verdict = crs_plausibility(frame.crs, bounds)  # type: ignore[arg-type]
    if len(frame) and verdict != "ok":
        if assume_crs is not None and crs_plausibility(assume_crs, bounds) == "ok":  # type: ignore[arg-type]
            record.extra["crs_replaced"] = f"declared {crs_label(frame.crs)}: {verdict}"
            frame = frame.set_crs(assume_crs, allow_override=True)
        else:
            driver = read_layer_info(source, layer).get("driver")
            raise implausible_crs_error(source, "the site file", verdict, driver)
    record.crs = crs_label(frame.crs)
    record.features_read = len(frame)
    return frame, record


