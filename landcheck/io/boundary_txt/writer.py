"""Writing a boundary TXT: sites to the one strict dialect landcheck writes.

:func:`format_boundary_txt` turns sites in (or put into) a CGCS2000
Gauss-Kruger CRS into the text; :func:`write_boundary_txt` writes it with
CRLF line endings in UTF-8 or GBK/GB18030, through the one atomic writer
(:func:`landcheck.io.output.atomic_files`).
"""

from __future__ import annotations

import codecs
import math
import os
import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from landcheck.crs import (
    CGCS2000_GEOGRAPHIC,
    GKZone,
    crs_label,
    gk_zone_of_crs,
    legacy_datum,
    parse_crs,
)
from landcheck.crs.measuring import ZONE_REACH, centres_lonlat, zone_system
from landcheck.errors import AnalysisCRSError, BoundaryTxtError, GeometryError, InputDataError
from landcheck.geometry import name_some
from landcheck.io.boundary_txt.scan import clean_field, scan_lines
from landcheck.io.boundary_txt.spec import (
    ATTRIBUTE_KEYS,
    CGCS2000_NAME,
    METADATA_PREFIX,
    SECTION_ATTRIBUTES,
    SECTION_PLOTS,
    SECTION_PROJECT,
    WIDTH_KEYS,
    WRITER_KEYS,
    ZONE_FACTOR,
)
from landcheck.io.output import atomic_files
from landcheck.messages import collecting
from landcheck.units import M2_PER_HA

__all__ = ["check_unique_ids", "format_boundary_txt", "gk_sites", "write_boundary_txt"]

_OUTPUT_ENCODINGS = ("utf-8", "utf-8-sig", "gbk", "gb18030")


def gk_sites(sites: gpd.GeoDataFrame, crs: Any = None) -> tuple[gpd.GeoDataFrame, GKZone, bool]:
    """The sites in the CGCS2000 Gauss-Kruger CRS a boundary TXT is written in.

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        The sites, in a CGCS2000 Gauss-Kruger CRS, or in another CGCS2000 CRS
        when ``crs`` is given, or without a CRS.
    crs : str, int or CRS, optional
        The CGCS2000 Gauss-Kruger CRS to put them in (default: theirs).

    Returns
    -------
    tuple of (geopandas.GeoDataFrame, GKZone, bool)
        The sites in that CRS, its zone, and whether its eastings carry the
        zone prefix.

    Raises
    ------
    AnalysisCRSError
        No CRS at all, a CRS that is no CGCS2000 Gauss-Kruger zone, or sites
        in another datum (Xian 1980, Beijing 1954: they need known parameters).

    Examples
    --------
    >>> plot = gpd.GeoDataFrame(geometry=[shapely.Point(105.0, 24.4)], crs=4490)
    >>> moved, zone, prefixed = gk_sites(plot, "EPSG:4523")
    >>> round(moved.geometry[0].x, 3), zone.number, prefixed
    (35500000.0, 35, True)
    """
    target = None if crs is None else parse_crs(crs, what="boundary TXT CRS (crs=)")
    current = sites.crs
    if target is None:
        if current is None:
            raise AnalysisCRSError(
                "the sites have no CRS; set it (sites.set_crs('EPSG:4523')) or pass crs= "
                "a CGCS2000 Gauss-Kruger CRS"
            )
        target = current
    found = gk_zone_of_crs(target)
    if found is None:
        raise AnalysisCRSError(
            f"a boundary TXT is written in CGCS2000 Gauss-Kruger coordinates, but the CRS is "
            f"{crs_label(target)}; reproject the sites (sites.to_crs('EPSG:4523') for 3-degree "
            "zone 35, EPSG:4513–4554 or 4491–4512) or pass crs= such a CRS"
        )
    if current is None:
        return sites.set_crs(target), *found
    if not current.equals(target):
        old = legacy_datum(current)
        geodetic = current.geodetic_crs
        cgcs2000 = CRS.from_epsg(CGCS2000_GEOGRAPHIC).datum
        if old is not None or geodetic is None or geodetic.datum.name != cgcs2000.name:
            raise AnalysisCRSError(
                f"the sites are in {crs_label(current)} ({old or current.name}); landcheck "
                f"moves only CGCS2000 data into {crs_label(target)}. Transform them to "
                "CGCS2000 with known parameters first"
            )
        sites = sites.to_crs(target)
    return sites, *found


def _check_zone_fit(frame: gpd.GeoDataFrame, zone: GKZone, shift: float) -> None:
    """Refuse eastings that do not belong to the zone of the CRS they claim."""
    geoms = frame.geometry[~(frame.geometry.isna() | frame.geometry.is_empty)]
    if not len(geoms):
        return
    west, _, east, _ = geoms.total_bounds
    low = zone.number * ZONE_FACTOR
    if not (low < west + shift and east + shift < low + ZONE_FACTOR):
        raise AnalysisCRSError(
            f"the eastings ({west:.3f} … {east:.3f}) do not fit {crs_label(frame.crs)} "
            f"(zone {zone.number}, {'plain' if shift else 'zone-prefixed'} eastings), and a "
            "boundary TXT holds one zone: either the sites are not in that CRS (set the CRS "
            "their coordinates are really in), or some lie beyond the zone (write the sites of "
            "each zone apart, in that zone's CRS: crs=)"
        )


def _check_zone_reach(frame: gpd.GeoDataFrame, zone: GKZone, ids: list[str]) -> None:
    """Refuse sites whose centre lies beyond the reach of the CRS's zone.

    A boundary TXT holds one zone, and a plot's 地块面积 is its planar area in it: a 1 ha
    square of zone 36 (107.51°E), given in zone 35's CRS, fitted zone 35's eastings and was
    written there as 1.0015 ha. The reach is the one a site is measured in its file's zone
    (:data:`~landcheck.crs.measuring.ZONE_REACH`): the zone and a quarter zone beyond its edge,
    by the centre of the site's bounds.
    """
    geoms = np.asarray(frame.geometry.values, dtype=object)
    rows = np.flatnonzero(~(shapely.is_missing(geoms) | shapely.is_empty(geoms)))
    system = zone_system(frame.crs)
    if not len(rows) or system is None:
        return
    lon, _ = centres_lonlat(geoms[rows], frame.crs)
    beyond = np.flatnonzero(~system.reaches(lon))
    if not len(beyond):
        return
    meridian, half = zone.central_meridian, zone.width / 2.0
    raise AnalysisCRSError(
        f"site(s) {name_some(ids[rows[i]] for i in beyond)} lie beyond zone {zone.number} of "
        f"{crs_label(frame.crs)}: centre at {float(lon[beyond[0]]):.4f}°E, more than "
        f"{ZONE_REACH * zone.width:g}° from its central meridian {meridian:g}°E (the zone spans "
        f"{meridian - half:g}–{meridian + half:g}°E; a quarter zone beyond its edge is taken). "
        "A boundary TXT holds one zone and a plot's 地块面积 is its planar area there: write "
        "the sites of each zone apart, each in its zone's CRS (crs=), as `landcheck convert` "
        "and landcheck.io.boundary_txt.zones.write_zone_files do"
    )


def check_unique_ids(ids: list[str]) -> None:
    """Refuse site ids (地块编号) that repeat: a TXT's plots are told apart by them.

    Raises
    ------
    InputDataError
        Some ids repeat; the message names them.

    Examples
    --------
    >>> check_unique_ids(["A", "B"])
    >>> check_unique_ids(["P1", "B", "P1"])
    Traceback (most recent call last):
    ...
    landcheck.errors.InputDataError: site ids (地块编号) must be unique, but these repeat: P1; \
a multi-part site is one row with a MultiPolygon
    """
    # counted once: asking the list for each id's count took 1 s at 10,000 sites
    duplicated = sorted(value for value, count in Counter(ids).items() if count > 1)
    if duplicated:
        raise InputDataError(
            "site ids (地块编号) must be unique, but these repeat: "
            + ", ".join(duplicated)
            + "; a multi-part site is one row with a MultiPolygon"
        )


def _text_value(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return str(value).strip()


def _column(sites: gpd.GeoDataFrame, name: str | None, default: str) -> list[str]:
    if name is None:
        return [""] * len(sites)
    if name not in sites.columns:
        if name == default:
            return [""] * len(sites)
        raise InputDataError(
            f"the sites have no column {name!r}; their columns are: "
            + ", ".join(map(str, sites.columns))
        )
    return [_text_value(v) for v in sites[name]]


_LINE_BREAKS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
"""Every character Python's ``str.splitlines`` (and many editors) break a line at."""


def _check_value(value: str, what: str, site: str) -> None:
    """Refuse a header value the format cannot hold, or a reader would read back changed."""
    if "," in value or any(ch in value for ch in _LINE_BREAKS):
        raise InputDataError(
            f"site {site}: {what} {value!r} contains a comma or a line break, which the boundary "
            "TXT cannot hold; replace it (e.g. by a full-width '，')"
        )
    if clean_field(value) != value:
        raise InputDataError(
            f"site {site}: {what} {value!r} starts with '{{' or ends with '}}', which readers of "
            f"the boundary TXT strip (some tools wrap every field in braces), so it would read "
            f"back as {clean_field(value)!r}; remove the braces or write them full-width "
            "('｛…｝')"
        )


_PROBE_PLOT = ("3,,1,,面,,,,@", "J1,1,0,0", "J2,1,0,1", "J3,1,1,1")
"""A plot for :func:`_read_back` to scan after the line (a file needs one)."""


def _read_back(line: str) -> tuple[dict[str, str], list[str]]:
    """An information line as a reader takes it: its pairs, and what the reader said of it.

    The line goes through the reader's own scan (:func:`~.scan.scan_lines`), so every rule it
    applies to a line applies here: a line in ``[…]`` or ``【…】`` is a section header, a BOM
    and spaces at its start are dropped, a space before ``word=`` starts a new pair, braces at
    either end of a key or value are stripped.
    """
    lines = [f"[{SECTION_PROJECT[0]}]", line, f"[{SECTION_PLOTS}]", *_PROBE_PLOT]
    with collecting() as notes:
        try:
            values = scan_lines(lines, "<metadata>").values
        except BoundaryTxtError as ex:
            return {}, [str(ex).split(": ", 1)[-1]]
    return values, [re.sub(r"^line \d+: ", "", note) for note in notes.messages]


def _check_metadata(key: str, value: str) -> None:
    """Refuse a ``key=value`` pair that would not read back as itself."""
    if not key or "=" in key or any(ch in key + value for ch in _LINE_BREAKS):
        raise InputDataError(
            f"metadata {key!r}={value!r} cannot be written: keys hold no '=' and "
            "neither keys nor values hold line breaks"
        )
    read, notes = _read_back(f"{key}={value}")
    if read != {key: value}:
        shown = ", ".join(f"{k}={v!r}" for k, v in read.items()) or "no pair"
        said = f" ({'; '.join(notes)})" if notes else ""
        raise InputDataError(
            f"metadata {key!r}={value!r} cannot be written: a reader would take the line as "
            f"{shown}{said}. A line in [] or 【】 is a section header, a byte-order mark or "
            "space at its start is dropped, a space before 'word=' starts a new pair, and "
            "braces at either end of a key or value are stripped; write the '=' or the "
            "brackets full-width ('＝', '［］'), or drop the mark or the braces"
        )


def _ring_lines(
    coords: np.ndarray, ring: int, first_number: int, offset: float
) -> tuple[list[str], np.ndarray]:
    """Point lines of one closed ring, numbered from ``first_number``, and its points as written.

    Each point is ``north,east`` to the millimetre, formatted in one pass for
    the ring; a point the same as the one before at that precision is dropped.
    The points come back as ``(east, north)`` read from that text, as a reader
    takes them.
    """
    count = len(coords) - 1
    numbers = np.column_stack([coords[:count, 1], coords[:count, 0] + offset]).ravel().tolist()
    texts = (("%.3f,%.3f\n" * count) % tuple(numbers)).split("\n")[:count]
    rows = [row for i, row in enumerate(texts) if i == 0 or row != texts[i - 1]]
    while len(rows) > 1 and rows[-1] == rows[0]:
        rows.pop()
    if len(rows) < 3:
        raise GeometryError("a ring has fewer than 3 distinct points at 0.001 m precision")
    lines = [f"J{first_number + i},{ring},{row}" for i, row in enumerate(rows)]
    lines.append(f"J{first_number},{ring},{rows[0]}")
    written = np.array(",".join(rows).split(","), dtype=float).reshape(-1, 2)[:, ::-1]
    return lines, written


def _check_rounded(parts: list[shapely.Polygon], site: str) -> None:
    """Refuse a site that rounding to the millimetre leaves no valid polygon.

    A point closer than half a millimetre to another edge of the site (a notch
    reaching 0.3 mm from the opposite side) lands on it, or across it.
    """
    rounded = shapely.MultiPolygon(parts) if len(parts) > 1 else parts[0]
    if not rounded.is_valid:
        raise GeometryError(
            f"site {site}: rounded to the millimetre the boundary TXT holds, its boundary is "
            f"no longer a valid polygon ({shapely.is_valid_reason(rounded)}, at coordinates "
            "as written): a point lies within half a millimetre of another edge or point of "
            "the site. Move that point at least 1 mm away from it and write the site again"
        )


def _plot_blocks(geometry: Any, header: list[str], offset: float, site: str) -> list[str]:
    if (
        geometry is None
        or geometry.is_empty
        or geometry.geom_type not in ("Polygon", "MultiPolygon")
    ):
        kind = "no geometry" if geometry is None else f"a {geometry.geom_type}"
        raise GeometryError(f"site {site} has {kind}; a boundary TXT holds polygons only")
    if not geometry.is_valid:
        raise GeometryError(
            f"site {site} is not a valid polygon ({shapely.is_valid_reason(geometry)}); repair "
            "it first (landcheck.geometry.clean_polygons)"
        )
    out: list[str] = []
    written: list[shapely.Polygon] = []
    for part in getattr(geometry, "geoms", [geometry]):
        part = shapely.orient_polygons(part, exterior_cw=True)
        points: list[str] = []
        rings: list[np.ndarray] = []
        for number, ring in enumerate([part.exterior, *part.interiors], 1):
            try:
                # every ring adds its distinct points plus one closing line
                lines, written_ring = _ring_lines(
                    np.asarray(ring.coords)[:, :2], number, len(points) + 2 - number, offset
                )
            except GeometryError as ex:
                raise GeometryError(f"site {site}: {ex}") from ex
            points += lines
            rings.append(written_ring)
        written.append(shapely.Polygon(rings[0], rings[1:]))
        area = f"{part.area / M2_PER_HA:.4f}"
        out.append(",".join([str(len(points)), area, *header, "@"]))
        out += points
    _check_rounded(written, site)
    return out


def format_boundary_txt(
    sites: gpd.GeoDataFrame,
    *,
    zone_prefix: bool = True,
    metadata: Mapping[str, Any] | None = None,
    id_field: str | None = "site_id",
    name_field: str | None = "name",
    land_use_field: str | None = "land_use",
    land_class_field: str | None = "land_class",
    crs: Any = None,
) -> str:
    """Format sites as a boundary coordinate TXT (LF newlines; see :func:`write_boundary_txt`).

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        Polygon or MultiPolygon sites in a CGCS2000 Gauss-Kruger CRS (3° or
        6°, with or without the zone prefix), or in another CGCS2000 CRS
        when ``crs`` names the Gauss-Kruger CRS to write in.
    zone_prefix : bool
        Write Y (east) with the zone number prefixed (the default).
    metadata : mapping, optional
        ``key=value`` pairs: 格式版本号, 数据产生单位 and 数据产生日期 go to
        [属性描述], other keys to a [项目信息] section written first. The CRS
        keys (坐标系, 带号, …) are always derived from the CRS, and keys
        starting with ``landcheck.`` are skipped, so the metadata of a
        :class:`BoundaryTxt` can be passed back as it is.
    id_field, name_field, land_use_field, land_class_field : str or None
        Columns for 地块编号, 地块名称, 地块用途 and 地类编码. A missing column
        with the default name, or None, gives blank values; a blank 编号 is
        replaced by the row number.
    crs : str, int or CRS, optional
        The CGCS2000 Gauss-Kruger CRS to write in; the sites are reprojected
        into it (from CGCS2000 data only), or get it when they have none.

    Returns
    -------
    str
        The file text.

    Raises
    ------
    AnalysisCRSError
        The sites are not in (and cannot be put into) a CGCS2000 Gauss-Kruger CRS.
    GeometryError
        A site is empty, not polygonal or invalid, as given or once rounded to
        the millimetre (a point within 0.5 mm of another edge).
    InputDataError
        No sites, duplicate 编号, a named column is missing, or a value would
        not read back as itself: a comma or a line break, braces at either
        end of a value (readers strip them), a metadata value holding
        `` word=`` (read as a second pair), a metadata line a reader takes
        for a section header (``[备注=乙]``) or a key starting with a BOM.

    Notes
    -----
    The writer's dialect: outer rings clockwise then holes counter-clockwise
    (as seen on a map), each ring closed by repeating its first point with
    that point's number; points numbered J1, J2… per plot; 圈号 1 for the
    outer ring and 2, 3… for holes; a multi-part site becomes one plot per
    part, all with the same 编号 (tools that read one plot per feature keep
    the parts apart, and :func:`parse_boundary_txt` joins them again);
    界址点数 counts the point lines including closing points; 地块面积 is
    the part's planar area in hectares, 4 decimals; X (north) then Y (east),
    3 decimals.

    Examples
    --------
    >>> square = shapely.box(35_500_000, 2_700_000, 35_500_100, 2_700_100)
    >>> sites = gpd.GeoDataFrame({"site_id": ["A"], "name": ["泵站"]},
    ...                          geometry=[square], crs="EPSG:4523")
    >>> print(format_boundary_txt(sites))
    [属性描述]
    格式版本号=
    数据产生单位=
    数据产生日期=
    坐标系=2000国家大地坐标系
    几度分带=3
    投影类型=高斯克吕格
    计量单位=米
    带号=35
    精度=0.001
    转换参数=,,,,,,
    [地块坐标]
    5,1.0000,A,泵站,面,,,,@
    J1,1,2700000.000,35500100.000
    J2,1,2700000.000,35500000.000
    J3,1,2700100.000,35500000.000
    J4,1,2700100.000,35500100.000
    J1,1,2700000.000,35500100.000
    <BLANKLINE>
    """
    if not len(sites):
        raise InputDataError("there are no sites to write; a boundary TXT needs at least one plot")
    frame, zone, prefixed = gk_sites(sites, crs)
    shift = 0.0 if prefixed else zone.number * ZONE_FACTOR
    _check_zone_fit(frame, zone, shift)
    offset = shift if zone_prefix else shift - zone.number * ZONE_FACTOR
    ids = _column(frame, id_field, "site_id")
    names = _column(frame, name_field, "name")
    uses = _column(frame, land_use_field, "land_use")
    classes = _column(frame, land_class_field, "land_class")
    ids = [value or str(row) for row, value in enumerate(ids, 1)]
    check_unique_ids(ids)
    _check_zone_reach(frame, zone, ids)
    meta = {str(k).strip(): _text_value(v) for k, v in (metadata or {}).items()}
    project = {
        k: v
        for k, v in meta.items()
        if k not in (*ATTRIBUTE_KEYS, *WIDTH_KEYS) and not k.startswith(METADATA_PREFIX)
    }
    for key, value in meta.items():
        if key in project or (key in ATTRIBUTE_KEYS and key not in WRITER_KEYS):
            _check_metadata(key, value)
    lines: list[str] = []
    if project:
        lines.append(f"[{SECTION_PROJECT[0]}]")
        lines += [f"{k}={v}" for k, v in project.items()]
    derived = {
        "坐标系": CGCS2000_NAME,
        "几度分带": str(zone.width),
        "投影类型": "高斯克吕格",
        "计量单位": "米",
        "带号": str(zone.number),
        "精度": "0.001",
        "转换参数": ",,,,,,",
    }
    lines.append(f"[{SECTION_ATTRIBUTES}]")
    lines += [f"{k}={derived.get(k, meta.get(k, ''))}" for k in ATTRIBUTE_KEYS]
    lines.append(f"[{SECTION_PLOTS}]")
    for site, name, use, land_class, geometry in zip(
        ids, names, uses, classes, frame.geometry, strict=True
    ):
        header = [site, name, "面", "", use, land_class]
        for what, value in zip(
            ("编号", "名称", "用途", "地类编码"), (site, name, use, land_class), strict=True
        ):
            _check_value(value, what, site)
        lines += _plot_blocks(geometry, header, offset, site)
    return "\n".join(lines) + "\n"


def write_boundary_txt(
    sites: gpd.GeoDataFrame,
    path: str | os.PathLike[str],
    *,
    encoding: str = "utf-8",
    overwrite: bool = False,
    **format_kwargs: Any,
) -> None:
    """Write sites as a boundary coordinate TXT file, with CRLF line endings.

    The file is written through :func:`landcheck.io.output.atomic_files`: it
    appears whole or not at all, an existing file is replaced only with
    ``overwrite`` (and only once the new one is complete), and the file gets
    the permissions the user's umask gives.

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        See :func:`format_boundary_txt`.
    path : str or path-like
        The output file.
    encoding : str
        ``"utf-8"`` (default), ``"gbk"``, ``"gb18030"`` or ``"utf-8-sig"``
        (UTF-8 with a BOM).
    overwrite : bool
        Replace an existing file.
    **format_kwargs
        Passed to :func:`format_boundary_txt`.

    Raises
    ------
    ValueError
        ``encoding`` is not one of the four.
    OutputExistsError
        ``path`` exists and ``overwrite`` is False, or it is not a plain file.
    OutputError
        The file cannot be written there: its folder is missing, read-only or
        full, or the path is unsafe (see :func:`landcheck.io.output.check_files`).
    InputDataError
        A value cannot be encoded in ``encoding``.

    Examples
    --------
    A 100 m × 200 m plot written in GBK and read back:

    >>> import os, tempfile
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> from landcheck.io.boundary_txt import read_boundary_txt
    >>> plot = gpd.GeoDataFrame({"site_id": ["D1"], "name": ["地块一"]},
    ...     geometry=[box(35_420_000, 2_700_000, 35_420_100, 2_700_200)], crs=4523)
    >>> path = os.path.join(tempfile.mkdtemp(), "site.txt")
    >>> write_boundary_txt(plot, path, encoding="gbk")
    >>> back = read_boundary_txt(path)
    >>> back.encoding, back.sites.loc[0, "name"], float(back.sites.area.iloc[0])
    ('gbk', '地块一', 20000.0)
    """
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        codec = ""
    if codec not in _OUTPUT_ENCODINGS:
        raise ValueError(
            f"unknown boundary TXT encoding {encoding!r}; use one of: "
            + ", ".join(_OUTPUT_ENCODINGS)
        )
    with atomic_files([path], overwrite=overwrite) as staging:
        text = format_boundary_txt(sites, **format_kwargs).replace("\n", "\r\n")
        try:
            data = text.encode(codec)
        except UnicodeEncodeError as ex:
            bad = ex.object[ex.start : ex.end]
            raise InputDataError(
                f"{bad!r} cannot be written in {encoding}; write the file as utf-8"
            ) from ex
        Path(staging, os.path.basename(os.path.abspath(path))).write_bytes(data)
