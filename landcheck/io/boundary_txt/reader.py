"""Reading a boundary TXT: text or file to sites, metadata and warnings.

:func:`parse_boundary_txt` runs the steps on decoded text: scan the lines
(:mod:`.scan`), read the declared CRS (:mod:`.declared`), orient the
coordinates and complete their zone prefix, shift legacy datums, build and
check each plot's geometry (:mod:`.geometry`), then join the plots that
share 编号 and attributes into one site each. :func:`read_boundary_txt`
reads and decodes a file first.
"""

from __future__ import annotations

import logging
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely
from pyproj import CRS

from landcheck.crs import crs_label, gk_crs
from landcheck.crs.datum import DatumShift
from landcheck.errors import DataSourceError
from landcheck.io.boundary_txt.declared import declared_crs, declared_zone, transform_legacy
from landcheck.io.boundary_txt.geometry import (
    check_plot,
    oriented,
    plot_geometry,
    prefix_zone,
    repeated_warning,
    split_rings,
    swap_warning,
)
from landcheck.io.boundary_txt.scan import Plot, decode, scan_lines
from landcheck.messages import collecting, warn
from landcheck.units import M2_PER_HA

__all__ = ["BoundaryTxt", "parse_boundary_txt", "read_boundary_txt"]

logger = logging.getLogger(__name__)


@dataclass
class BoundaryTxt:
    """What a boundary TXT holds, in CGCS2000 Gauss-Kruger coordinates.

    Attributes
    ----------
    sites : geopandas.GeoDataFrame
        One row per site: ``site_id``, ``name``, ``land_use``, ``land_class``,
        ``declared_ha``, ``computed_ha``, ``point_count`` and a Polygon or
        MultiPolygon geometry. Plots that share 编号 and attributes are one
        multi-part site.
    crs : pyproj.CRS
        The zone-prefixed CGCS2000 Gauss-Kruger CRS of ``sites``.
    metadata : dict
        The ``key=value`` pairs of [属性描述] and [项目信息]; keys landcheck
        adds start with ``landcheck.`` (e.g. ``landcheck.transformation``).
    encoding : str or None
        The text encoding the file was decoded with (None for parsed text).
    warnings : list of str
        Everything that was repaired or looks suspicious, one sentence each.
    """

    sites: gpd.GeoDataFrame
    crs: CRS
    metadata: dict[str, str]
    encoding: str | None = None
    warnings: list[str] = field(default_factory=list)


def _site_ids(plots: list[Plot]) -> list[str]:
    taken = {p.site_id for p in plots if p.site_id}
    ids = []
    counter = 0
    for plot in plots:
        if plot.site_id:
            ids.append(plot.site_id)
            continue
        counter += 1
        while str(counter) in taken:
            counter += 1
        taken.add(str(counter))
        ids.append(str(counter))
    return ids


def _sites_frame(
    plots: list[Plot],
    geometries: list[shapely.Geometry],
    counts: list[int],
    crs: CRS,
) -> gpd.GeoDataFrame:
    """One row per site; plots with the same 编号 and attributes are parts of one site."""
    rows: dict[str, dict[str, Any]] = {}
    for plot, site_id, geometry, count in zip(
        plots, _site_ids(plots), geometries, counts, strict=True
    ):
        attrs = (plot.name, plot.land_use, plot.land_class)
        key = site_id
        row = rows.get(key)
        if row is not None and row["attrs"] != attrs:
            suffix = 2
            while f"{site_id}-{suffix}" in rows:
                suffix += 1
            key = f"{site_id}-{suffix}"
            warn(
                f"plot at line {plot.line}: 编号 {site_id!r} is used by an earlier plot with "
                f"other attributes; read as site {key!r}"
            )
            row = None
        if row is None:
            rows[key] = {
                "attrs": attrs,
                "parts": [geometry],
                "declared": [plot.declared_ha],
                "count": count,
                "lines": [plot.line],
            }
        else:
            row["parts"].append(geometry)
            row["declared"].append(plot.declared_ha)
            row["count"] += count
            row["lines"].append(plot.line)
    records = []
    for key, row in rows.items():
        parts = [p for g in row["parts"] for p in getattr(g, "geoms", [g])]
        geometry = parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)
        if len(row["lines"]) > 1 and not geometry.is_valid:
            warn(
                f"site {key!r} (plots on lines {', '.join(map(str, row['lines']))}): its parts "
                f"do not form a valid multipolygon ({shapely.is_valid_reason(geometry)})"
            )
        declared = row["declared"]
        records.append(
            {
                "site_id": key,
                "name": row["attrs"][0],
                "land_use": row["attrs"][1],
                "land_class": row["attrs"][2],
                "declared_ha": math.nan if any(map(math.isnan, declared)) else math.fsum(declared),
                "computed_ha": geometry.area / M2_PER_HA,
                "point_count": row["count"],
                "geometry": geometry,
            }
        )
    frame = gpd.GeoDataFrame(records, geometry="geometry", crs=crs)
    return frame.astype({"declared_ha": float, "computed_ha": float, "point_count": int})


def parse_boundary_txt(
    text: str,
    *,
    source: str = "<text>",
    area_tolerance: float = 0.01,
    datum_shift: DatumShift | str | None = None,
) -> BoundaryTxt:
    """Parse the text of a boundary coordinate TXT.

    Parameters
    ----------
    text : str
        The decoded file content (any newline convention).
    source : str
        The file name, for messages.
    area_tolerance : float
        Relative difference between a plot's declared 地块面积 and its
        computed planar area above which a warning is recorded (0.01 = 1 %;
        differences below the 0.0001 ha rounding never count).
    datum_shift : DatumShift or str, optional
        7 Helmert parameters (:class:`landcheck.crs.datum.DatumShift`) for a
        Xian 1980 / Beijing 1954 / New Beijing file whose 转换参数 are empty. A file whose
        转换参数 hold other values is refused rather than guessed between.

    Returns
    -------
    BoundaryTxt
        Sites in the zone-prefixed CGCS2000 Gauss-Kruger CRS, metadata and warnings.

    Raises
    ------
    BoundaryTxtError
        The text is malformed; the message names the line.
    BoundaryTxtCRSError
        The datum is unknown, or Xian 1980 / Beijing 1954 / New Beijing without 7 转换参数,
        or the zone prefix disagrees with 带号 (also an ``AnalysisCRSError``).

    Examples
    --------
    A 100 m × 200 m plot whose Y lacks the zone prefix, with 带号 given:

    >>> txt = parse_boundary_txt('''[属性描述]
    ... 坐标系=2000国家大地坐标系
    ... 几度分带=3
    ... 带号=35
    ... [地块坐标]
    ... 4,2.0000,A-1,厂区,面,,工业,0601,@
    ... J1,1,2700000.000,500000.000
    ... J2,1,2700100.000,500000.000
    ... J3,1,2700100.000,500200.000
    ... J4,1,2700000.000,500200.000
    ... ''')
    >>> txt.crs.to_epsg(), txt.sites.loc[0, "site_id"], float(txt.sites.loc[0, "computed_ha"])
    (4523, 'A-1', 2.0)
    >>> txt.warnings
    ['Y (east) had no zone prefix on 4 point(s); added zone 35 from 带号=35 (line 4)']
    """
    if not area_tolerance >= 0:
        raise ValueError(
            f"area_tolerance must be a fraction ≥ 0 (0.01 = 1 %), got {area_tolerance}"
        )
    with collecting() as notes:
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        scan = scan_lines(lines, source)
        metadata = dict(scan.values)
        shift = None if datum_shift is None else DatumShift.parse(datum_shift)
        declared = declared_crs(scan, source, shift)
        orientations = [oriented(plot, source) for plot in scan.plots]
        coords = [xy for xy, _ in orientations]
        swapped = [plot for plot, (_, swap) in zip(scan.plots, orientations, strict=True) if swap]
        if swapped:
            warn(swap_warning(swapped))
        number = prefix_zone(coords, scan.plots, declared.zone, scan, source)
        zone = declared_zone(number, declared.width, scan, source)
        if declared.datum != "cgcs2000":
            transform_legacy(coords, declared, zone, metadata, source)
        crs = gk_crs(zone, prefixed=True)
        geometries, counts = [], []
        repeated: list[int] = []
        for plot, xy in zip(scan.plots, coords, strict=True):
            rings, closing = split_rings(plot, xy, repeated)
            geometry = plot_geometry(plot, rings, source)
            check_plot(plot, geometry, rings, closing, area_tolerance)
            geometries.append(geometry)
            counts.append(sum(len(r.points) for r in rings))
        if repeated:
            warn(repeated_warning(repeated))
        sites = _sites_frame(scan.plots, geometries, counts, crs)
        logger.debug(
            "%s: %d plots, %d sites, %s", source, len(scan.plots), len(sites), crs_label(crs)
        )
    return BoundaryTxt(
        sites=sites, crs=crs, metadata=metadata, encoding=None, warnings=notes.summary()
    )


def read_boundary_txt(
    path: str | os.PathLike[str],
    *,
    encoding: str | None = None,
    area_tolerance: float = 0.01,
    datum_shift: DatumShift | str | None = None,
) -> BoundaryTxt:
    """Read a boundary coordinate TXT file.

    Parameters
    ----------
    path : str or path-like
        The file.
    encoding : str, optional
        Force a text encoding. By default a UTF-8 BOM means ``utf-8-sig``,
        valid UTF-8 means ``utf-8``, anything else is tried as GBK, then GB18030.
    area_tolerance, datum_shift
        See :func:`parse_boundary_txt`.

    Returns
    -------
    BoundaryTxt
        As :func:`parse_boundary_txt`, with :attr:`BoundaryTxt.encoding` set.

    Raises
    ------
    DataSourceError
        The file does not exist or cannot be read.
    BoundaryTxtError
        The file cannot be decoded or is malformed.
    """
    name = os.fspath(path)
    try:
        data = Path(name).read_bytes()
    except FileNotFoundError as ex:
        raise DataSourceError(f"boundary TXT: no such file {name!r}; check the path") from ex
    except OSError as ex:
        raise DataSourceError(f"cannot read the boundary TXT {name!r}: {ex}") from ex
    text, used = decode(data, encoding, name)
    result = parse_boundary_txt(
        text, source=name, area_tolerance=area_tolerance, datum_shift=datum_shift
    )
    result.encoding = used
    return result
