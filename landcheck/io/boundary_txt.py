"""Boundary coordinate TXT (界址点坐标 / 报盘 TXT): lenient reader, strict writer.

The format (docs/boundary-txt.md: no published standard, as public tools write it) is a
small INI-like text::

    [项目信息]                      optional (also spelled [扩展信息]): key=value
    项目名称=...
    [属性描述]                      key=value, one per line
    坐标系=2000国家大地坐标系
    几度分带=3
    带号=35
    转换参数=,,,,,,
    [地块坐标]
    5,2.0000,1,厂区,面,,工业,0601,@    plot header: JZDS,DKMJ (ha),DKBH,DKMC,JLTXSX,
                                       TFH,DKYT,DLBM,…,@
    J1,1,2700000.000,35500000.000     point: 点号,圈号 (ring),X north,Y east
    ...

The reader accepts the dialects met in practice: with or without the
project-information section; closing point repeated (with the ring's first
number or a new one) or not; several plots; holes via 圈号 2, 3, …; Y with
or without the zone prefix; X/Y columns swapped (detected, fixed and noted);
GBK/GB18030 or UTF-8 with or without BOM; CRLF, CR or LF; stray spaces and
``{}``; a header 界址点数 that counts closing points or not. Everything it
repairs is reported in :attr:`BoundaryTxt.warnings`; nothing is repaired
silently. Data in Xian 1980 or Beijing 1954 is refused unless the file's
``转换参数`` holds the 7 Helmert parameters, which are then applied
(Bursa-Wolf, position-vector convention) through a PROJ pipeline.

The writer emits one strict dialect (see :func:`format_boundary_txt`).
:func:`parse_boundary_txt` and :func:`format_boundary_txt` are pure;
:func:`read_boundary_txt` and :func:`write_boundary_txt` add the file access.
"""

from __future__ import annotations

import codecs
import contextlib
import logging
import math
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import ProjError

from landcheck.crs import (
    CGCS2000_GEOGRAPHIC,
    GKZone,
    crs_label,
    gk_crs,
    gk_family_crs,
    gk_zone_of_crs,
    legacy_datum,
    parse_crs,
)
from landcheck.datum import DatumShift, helmert_pipeline
from landcheck.errors import (
    AnalysisCRSError,
    BoundaryTxtError,
    DataSourceError,
    GeometryError,
    InputDataError,
    OutputExistsError,
)
from landcheck.messages import summarise
from landcheck.units import M2_PER_HA

__all__ = [
    "BoundaryTxt",
    "BoundaryTxtCRSError",
    "format_boundary_txt",
    "parse_boundary_txt",
    "read_boundary_txt",
    "write_boundary_txt",
]

logger = logging.getLogger(__name__)

_SECTION_ATTRIBUTES = "属性描述"
_SECTION_PROJECT = ("项目信息", "扩展信息")
_SECTION_PLOTS = "地块坐标"

_ZONE_FACTOR = 1_000_000.0
"""A zone-prefixed easting is ``zone * 1e6 + easting`` (false easting 500 km)."""

_CLOSE_TOLERANCE_M = 0.0005
"""Two points closer than this (half the 0.001 m precision) are the same point."""

_MIN_RING_WIDTH_M = 0.001
"""A ring thinner on average (2 × area / perimeter) encloses no area worth the name."""

_AREA_ROUNDING_HA = 0.00005
"""Half a unit of the 4-decimal hectares in plot headers; smaller differences are rounding."""

_CGCS2000_NAME = "2000国家大地坐标系"
_METADATA_PREFIX = "landcheck."
"""Metadata keys landcheck adds (never written back to a file)."""

_WRITER_KEYS = ("坐标系", "几度分带", "投影类型", "计量单位", "带号", "精度", "转换参数")
_WIDTH_KEYS = ("几度分带", "分带")
"""Keys giving the zone width: the format's, and the one two real tools write (分带=3度带)."""
"""[属性描述] keys the writer always derives itself."""
_ATTRIBUTE_KEYS = ("格式版本号", "数据产生单位", "数据产生日期", *_WRITER_KEYS)
"""Keys that belong in [属性描述]; every other metadata key goes to [项目信息]."""

_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_SIGNED_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_INTEGER = re.compile(r"[0-9]+")
_SECTION = re.compile(r"[\[【]\s*(.*?)\s*[\]】]")
_PAIR = re.compile(r"([^\s=]+)\s*=\s*(.*?)(?=\s+[^\s=]+\s*=|\s*$)")
_ZONE_VALUE = re.compile(r"([0-9]+)\s*(?:带|度带|°)?")
_WIDTH_VALUE = re.compile(r"([0-9]+|三|六)\s*(?:度|°)?\s*(?:分?带)?")

_LEGACY = {
    # datum key: (label, first EPSG code of the zone-prefixed 3-degree / 6-degree families)
    "xian1980": ("Xian 1980 (西安80)", 2349, 2327),
    "beijing1954": ("Beijing 1954 (北京54)", 2401, 21413),
}


class BoundaryTxtCRSError(BoundaryTxtError, AnalysisCRSError):
    """A boundary TXT declares or implies a CRS landcheck cannot use.

    Both a :class:`~landcheck.errors.BoundaryTxtError` (it has ``path`` and
    ``line``) and an :class:`~landcheck.errors.AnalysisCRSError`.
    """


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


# --------------------------------------------------------------------------- scanning


@dataclass
class _Point:
    line: int
    ring: int
    first: float  # third column: X (north) by the format
    second: float  # fourth column: Y (east) by the format


@dataclass
class _Plot:
    line: int
    jzds: int | None
    declared_ha: float
    site_id: str
    name: str
    shape_kind: str
    land_use: str
    land_class: str
    points: list[_Point] = field(default_factory=list)


@dataclass
class _Scan:
    values: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    plots: list[_Plot] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _clean_field(text: str) -> str:
    return text.strip().strip("{}").strip()


def _parse_number(text: str, what: str, source: str, line: int) -> float:
    if not _NUMBER.fullmatch(text):
        raise BoundaryTxtError(
            f"{what} {text!r} is not a number; coordinates are written like 2834493.395",
            path=source,
            line=line,
        )
    value = float(text)
    if not math.isfinite(value):
        raise BoundaryTxtError(f"{what} {text!r} is too large", path=source, line=line)
    return value


def _parse_point(text: str, line: int, source: str) -> _Point:
    cleaned = re.sub(r"[\s{}]", "", text).replace("，", ",")
    fields = cleaned.split(",")
    while len(fields) > 4 and fields[-1] == "":
        fields.pop()
    if len(fields) != 4:
        hint = "truncated line?" if len(fields) < 4 else "a plot header line must end with ',@'"
        raise BoundaryTxtError(
            f"expected a point line 点号,圈号,X,Y (4 fields) but found {len(fields)} "
            f"field(s) in {text.strip()!r}; {hint}",
            path=source,
            line=line,
        )
    _, ring, first, second = fields
    if not _INTEGER.fullmatch(ring) or int(ring) < 1:
        raise BoundaryTxtError(
            f"圈号 (ring number) {ring!r} is not a whole number 1, 2, …", path=source, line=line
        )
    return _Point(
        line,
        int(ring),
        _parse_number(first, "X", source, line),
        _parse_number(second, "Y", source, line),
    )


def _parse_plot_header(text: str, line: int, source: str) -> _Plot:
    fields = [_clean_field(f) for f in text.rstrip(" \t{}").split(",")]
    last = fields.pop()[:-1].strip()  # drop the terminating @
    if last:
        fields.append(last)
    fields += [""] * (8 - len(fields))
    jzds_text, area_text = fields[0], fields[1]
    if jzds_text and not _INTEGER.fullmatch(jzds_text):
        raise BoundaryTxtError(
            f"界址点数 (JZDS, first field of the plot header) {jzds_text!r} is not a whole number",
            path=source,
            line=line,
        )
    declared = math.nan
    if area_text:
        declared = _parse_number(area_text, "地块面积 (DKMJ, hectares)", source, line)
    return _Plot(
        line=line,
        jzds=int(jzds_text) if jzds_text else None,
        declared_ha=declared,
        site_id=fields[2],
        name=fields[3],
        shape_kind=fields[4],
        land_use=fields[6],
        land_class=fields[7],
    )


def _info_pairs(text: str) -> list[tuple[str, str]]:
    if text.count("=") == 1:
        key, _, value = text.partition("=")
        return [(key, value)]
    return [(m.group(1), m.group(2)) for m in _PAIR.finditer(text)]


def _scan(lines: list[str], source: str) -> _Scan:
    scan = _Scan()
    section: str | None = None
    seen_plots = False
    for number, raw in enumerate(lines, 1):
        text = raw.strip().lstrip("\ufeff").strip()
        if not text:
            continue
        header = _SECTION.fullmatch(text)
        if header is not None:
            name = header.group(1)
            if name == _SECTION_PLOTS:
                section, seen_plots = "plots", True
            elif name == _SECTION_ATTRIBUTES or name in _SECTION_PROJECT:
                section = "info"
            else:
                section = "unknown"
                scan.warnings.append(f"line {number}: unknown section [{name}] ignored")
            continue
        if section is None:
            raise BoundaryTxtError(
                f"{text[:40]!r} comes before any section; a boundary TXT starts with "
                f"[{_SECTION_ATTRIBUTES}] (or [{_SECTION_PROJECT[0]}]) and has [{_SECTION_PLOTS}]",
                path=source,
                line=number,
            )
        if section == "info":
            pairs = _info_pairs(text)
            if not pairs:
                scan.warnings.append(f"line {number}: {text[:40]!r} is not key=value; ignored")
            for key, value in pairs:
                _store_info(scan, _clean_field(key), _clean_field(value), number)
        elif section == "plots":
            if text.rstrip(" \t{}").endswith(("@", "＠")):
                scan.plots.append(_parse_plot_header(text.replace("＠", "@"), number, source))
            elif not scan.plots:
                raise BoundaryTxtError(
                    f"point line {text[:40]!r} comes before any plot header; each plot starts "
                    "with a header line such as '5,2.0000,1,name,面,,,,@'",
                    path=source,
                    line=number,
                )
            else:
                scan.plots[-1].points.append(_parse_point(text, number, source))
    if not seen_plots:
        raise BoundaryTxtError(
            f"no [{_SECTION_PLOTS}] section: the file holds no boundary coordinates", path=source
        )
    if not scan.plots:
        raise BoundaryTxtError(
            f"the [{_SECTION_PLOTS}] section holds no plot (a header line ending with @ "
            "followed by point lines)",
            path=source,
        )
    for plot in scan.plots:
        if not plot.points:
            raise BoundaryTxtError(
                "this plot header is followed by no point lines", path=source, line=plot.line
            )
    return scan


def _store_info(scan: _Scan, key: str, value: str, line: int) -> None:
    if not key:
        scan.warnings.append(f"line {line}: a value without a key ignored")
        return
    if key in scan.values and scan.values[key] != value:
        scan.warnings.append(
            f"line {line}: {key} given twice (lines {scan.lines[key]} and {line}) with "
            f"different values; using {value!r}"
        )
    scan.values[key] = value
    scan.lines[key] = line


# --------------------------------------------------------------------------- CRS of the file


@dataclass
class _Declared:
    datum: str  # "cgcs2000", "xian1980" or "beijing1954"
    datum_line: int | None
    width: int | None
    zone: int | None
    helmert: tuple[float, ...] | None
    helmert_origin: str = "the file's 转换参数"


def _datum_of(value: str) -> str | None:
    text = re.sub(r"[\s_\-]", "", value).upper()
    if "西安" in text or "XIAN" in text or "XI'AN" in text or text in ("80", "1980"):
        return "xian1980"
    if "北京" in text or "BEIJING" in text or text in ("54", "1954"):
        return "beijing1954"
    if "2000" in text and (
        "CGCS" in text
        or "国家" in text
        or "大地" in text
        or "中国" in text
        or text in ("2000", "2000坐标系")
    ):
        return "cgcs2000"
    return None


def _declared_int(scan: _Scan, key: str, pattern: re.Pattern[str], source: str) -> int | None:
    value = scan.values.get(key, "")
    if not value:
        return None
    match = pattern.fullmatch(value)
    if match is None:
        raise BoundaryTxtError(
            f"{key}={value!r} is not a whole number", path=source, line=scan.lines[key]
        )
    digit = match.group(1)
    return {"三": 3, "六": 6}.get(digit) or int(digit)


def _declared_width(scan: _Scan, source: str) -> int | None:
    """The zone width of 几度分带 or 分带 (3 or 6), or None when the file gives neither."""
    widths = {}
    for key in _WIDTH_KEYS:
        width = _declared_int(scan, key, _WIDTH_VALUE, source)
        if width is None:
            continue
        if width not in (3, 6):
            raise BoundaryTxtCRSError(
                f"{key}={scan.values[key]!r}: Gauss-Kruger zones are 3 or 6 degrees wide",
                path=source,
                line=scan.lines[key],
            )
        widths[key] = width
    if len(set(widths.values())) > 1:
        first, second = _WIDTH_KEYS
        raise BoundaryTxtCRSError(
            f"{first}={scan.values[first]!r} (line {scan.lines[first]}) and "
            f"{second}={scan.values[second]!r} give different zone widths; keep the right one",
            path=source,
            line=scan.lines[second],
        )
    return next(iter(widths.values()), None)


def _helmert_parameters(scan: _Scan, source: str) -> tuple[float, ...] | None:
    value = scan.values.get("转换参数", "")
    items = [item.strip() for item in re.split(r"[,，;；\s]+", value) if item.strip()]
    if not items:
        return None
    if len(items) != 7 or not all(_SIGNED_NUMBER.fullmatch(item) for item in items):
        raise BoundaryTxtError(
            f"转换参数={value!r} must hold 7 numbers dx,dy,dz (m),rx,ry,rz (arc-seconds),"
            "s (ppm), or be left empty (,,,,,,)",
            path=source,
            line=scan.lines["转换参数"],
        )
    params = tuple(float(item) for item in items)
    if not all(math.isfinite(p) for p in params):
        raise BoundaryTxtError(
            f"转换参数={value!r} holds a number too large", path=source, line=scan.lines["转换参数"]
        )
    return params


def _check_units_and_projection(scan: _Scan, source: str) -> None:
    unit = scan.values.get("计量单位", "")
    if unit and unit.lower() not in ("米", "m", "metre", "meter", "公尺"):
        raise BoundaryTxtError(
            f"计量单位={unit!r}: landcheck reads coordinates in metres (计量单位=米)",
            path=source,
            line=scan.lines["计量单位"],
        )
    projection = scan.values.get("投影类型", "")
    known = ("高斯", "克吕格", "GAUSS", "KRUGER", "KRÜGER", "横轴墨卡托", "TRANSVERSE MERCATOR")
    upper = projection.upper()
    if projection and upper != "TM" and not any(k in upper for k in known):
        raise BoundaryTxtCRSError(
            f"投影类型={projection!r}: landcheck reads Gauss-Kruger coordinates "
            "(投影类型=高斯克吕格) only",
            path=source,
            line=scan.lines["投影类型"],
        )


def _declared_crs(
    scan: _Scan, source: str, warnings: list[str], datum_shift: DatumShift | None = None
) -> _Declared:
    _check_units_and_projection(scan, source)
    name = scan.values.get("坐标系", "")
    line = scan.lines.get("坐标系")
    if not name:
        datum = "cgcs2000"
        warnings.append(f"the file does not give 坐标系; assumed {_CGCS2000_NAME} (CGCS2000)")
    else:
        found = _datum_of(name)
        if found is None:
            raise BoundaryTxtCRSError(
                f"unknown datum 坐标系={name!r}; landcheck reads {_CGCS2000_NAME} (CGCS2000), "
                "and 西安80 (Xian 1980) or 北京54 (Beijing 1954) with 7 转换参数",
                path=source,
                line=line,
            )
        datum = found
    width = _declared_width(scan, source)
    helmert = None
    if datum == "cgcs2000":
        if re.sub(r"[\s,，0.+-]", "", scan.values.get("转换参数", "")):
            warnings.append(
                f"line {scan.lines['转换参数']}: 转换参数 ignored: the "
                "coordinates are already CGCS2000"
            )
    else:
        helmert = _helmert_parameters(scan, source)
        label = _LEGACY[datum][0]
        origin = "the file's 转换参数"
        if datum_shift is not None:
            given = datum_shift.as_tuple()
            if helmert is not None and any(helmert) and helmert != given:
                raise BoundaryTxtCRSError(
                    f"the file's 转换参数 ({','.join(f'{p:g}' for p in helmert)}) differ from "
                    f"the datum shift given ({datum_shift.describe()}); landcheck will not "
                    "choose between them: remove one",
                    path=source,
                    line=scan.lines.get("转换参数"),
                )
            if helmert is None or not any(helmert):
                warnings.append(
                    f"坐标系={name!r} is {label} and the file's 转换参数 are empty; using the "
                    f"datum shift given ({datum_shift.describe()})"
                )
            helmert = given
            origin = "the datum shift given"
        if helmert is None or not any(helmert):
            given = "all zero" if helmert is not None else "missing"
            raise BoundaryTxtCRSError(
                f"坐标系={name!r} is {label}, and its 转换参数 are {given}. PROJ has no real "
                f"{label} → CGCS2000 transformation (only a ballpark null shift), so landcheck "
                "needs 7-parameter transformation parameters: give them as 转换参数=dx,dy,dz,"
                "rx,ry,rz,s (m, arc-seconds, ppm; Bursa-Wolf, position-vector convention) from "
                "your surveying authority (or with --datum-shift), or convert the file to "
                "CGCS2000 first",
                path=source,
                line=line,
            )
    zone = _declared_int(scan, "带号", _ZONE_VALUE, source)
    if helmert is None:
        return _Declared(datum, line, width, zone, None)
    return _Declared(datum, line, width, zone, helmert, origin)


# --------------------------------------------------------------------------- coordinates


def _is_northing(value: float) -> bool:
    return _ZONE_FACTOR <= value < 10 * _ZONE_FACTOR


def _is_easting(value: float) -> bool:
    if 0 < value < _ZONE_FACTOR:
        return True
    return 13 <= value // _ZONE_FACTOR <= 45 and value % _ZONE_FACTOR > 0


def _axis_order(point: _Point, source: str) -> bool:
    """Return True when the point's columns are swapped (Y east first)."""
    if _is_northing(point.first) and _is_easting(point.second):
        return False
    if _is_easting(point.first) and _is_northing(point.second):
        return True
    raise BoundaryTxtError(
        f"X={point.first:.3f}, Y={point.second:.3f} is not a CGCS2000 Gauss-Kruger point: "
        "X (north) should lie between 1,000,000 and 10,000,000 m and Y (east) below "
        "1,000,000 m or zone-prefixed (zone × 1,000,000 + 0…999,999 m, zones 13–45)",
        path=source,
        line=point.line,
    )


def _oriented(plot: _Plot, source: str) -> tuple[np.ndarray, bool]:
    """Return the plot's points as ``(east, north)`` rows and whether X/Y were swapped."""
    swapped = _axis_order(plot.points[0], source)
    for point in plot.points[1:]:
        if _axis_order(point, source) != swapped:
            raise BoundaryTxtError(
                "X and Y are in the other order than on the plot's first point "
                f"(line {plot.points[0].line}); a plot must keep one column order",
                path=source,
                line=point.line,
            )
    raw = np.array([(p.first, p.second) for p in plot.points], dtype=float)
    return (raw, True) if swapped else (raw[:, ::-1].copy(), False)


def _swap_warning(plots: list[_Plot]) -> str:
    first = plots[0].points[0]
    lines = ", ".join(str(p.line) for p in plots[:5]) + (", …" if len(plots) > 5 else "")
    return (
        f"X/Y columns swapped in {len(plots)} plot(s) (headers on line(s) {lines}): X held "
        f"eastings (e.g. {first.first:.3f} on line {first.line}) and Y northings "
        f"({first.second:.3f}); read them as X = north, Y = east"
    )


def _prefix_zone(
    coords: list[np.ndarray],
    plots: list[_Plot],
    declared: int | None,
    scan: _Scan,
    source: str,
    warnings: list[str],
) -> int:
    """Check the zone prefixes, add the missing ones; return the zone number."""
    zone: int | None = None
    zone_line = 0
    for xy, plot in zip(coords, plots, strict=True):
        prefixed = xy[:, 0] >= _ZONE_FACTOR
        for i in np.flatnonzero(prefixed):
            found = int(xy[i, 0] // _ZONE_FACTOR)
            line = plot.points[i].line
            if declared is not None and found != declared:
                raise BoundaryTxtCRSError(
                    f"Y={xy[i, 0]:.3f} carries zone prefix {found} but 带号={declared} "
                    f"(line {scan.lines['带号']}); fix 带号 or the coordinates",
                    path=source,
                    line=line,
                )
            if zone is None:
                zone, zone_line = found, line
            elif found != zone:
                raise BoundaryTxtCRSError(
                    f"Y={xy[i, 0]:.3f} carries zone prefix {found} but line {zone_line} "
                    f"carries {zone}; a file holds one zone",
                    path=source,
                    line=line,
                )
    if zone is None:
        zone = declared
    missing = sum(int((xy[:, 0] < _ZONE_FACTOR).sum()) for xy in coords)
    if missing:
        if zone is None:
            raise BoundaryTxtCRSError(
                "Y (east) has no zone prefix and the file gives no 带号, so the Gauss-Kruger "
                "zone is unknown; add 带号=NN to [属性描述]",
                path=source,
                line=plots[0].points[0].line,
            )
        origin = (
            f"带号={zone} (line {scan.lines['带号']})"
            if declared is not None
            else "the zone prefix of the other points"
        )
        warnings.append(
            f"Y (east) had no zone prefix on {missing} point(s); added zone {zone} from {origin}"
        )
        for xy in coords:
            xy[xy[:, 0] < _ZONE_FACTOR, 0] += zone * _ZONE_FACTOR
    assert zone is not None  # set by a prefix, or by 带号 when every Y lacked one
    return zone


def _zone(number: int, width: int | None, scan: _Scan, source: str, warnings: list[str]) -> GKZone:
    if width is None:
        width = 6 if number <= 23 else 3
        warnings.append(
            f"the file does not give 几度分带; zone {number} implies {width}-degree zones"
        )
    try:
        return GKZone(number, width)
    except AnalysisCRSError as ex:
        raise BoundaryTxtCRSError(str(ex), path=source, line=scan.lines.get("带号")) from ex


def _helmert_pipeline(datum: str, zone: GKZone, params: tuple[float, ...]) -> tuple[str, CRS]:
    """PROJ pipeline from legacy-datum GK (east, north) to CGCS2000 GK of the same zone.

    Built by :func:`landcheck.datum.helmert_pipeline`, so the TXT's 转换参数 and
    ``--datum-shift`` follow one convention.
    """
    source_crs = gk_family_crs(datum, zone, prefixed=True)
    pipeline, _ = helmert_pipeline(source_crs, DatumShift(*params))
    return pipeline, source_crs


def _transform_legacy(
    coords: list[np.ndarray],
    declared: _Declared,
    zone: GKZone,
    metadata: dict[str, str],
    source: str,
    warnings: list[str],
) -> None:
    assert declared.helmert is not None  # _declared_crs refuses legacy data without them
    pipeline, source_crs = _helmert_pipeline(declared.datum, zone, declared.helmert)
    label = legacy_datum(source_crs) or _LEGACY[declared.datum][0]
    try:
        transformer = Transformer.from_pipeline(pipeline)
    except ProjError as ex:
        raise BoundaryTxtCRSError(
            f"cannot build the {label} → CGCS2000 transformation: {ex}",
            path=source,
            line=declared.datum_line,
        ) from ex
    for xy in coords:
        east, north = transformer.transform(xy[:, 0], xy[:, 1])
        xy[:, 0], xy[:, 1] = east, north
        if not np.isfinite(xy).all():
            raise BoundaryTxtCRSError(
                f"the {label} → CGCS2000 transformation gave no result; check 转换参数",
                path=source,
                line=declared.datum_line,
            )
    names = ("dx", "dy", "dz", "rx", "ry", "rz", "s")
    values = ", ".join(f"{n}={v:g}" for n, v in zip(names, declared.helmert, strict=True))
    method = (
        "Helmert 7-parameter transformation (Bursa-Wolf, position-vector convention, "
        f"EPSG method 1033, geocentric) {label} → CGCS2000 with {declared.helmert_origin} "
        f"({values}; m, arc-seconds, ppm)"
    )
    metadata[_METADATA_PREFIX + "source_crs"] = crs_label(source_crs)
    metadata[_METADATA_PREFIX + "transformation"] = method
    metadata[_METADATA_PREFIX + "transformation_pipeline"] = pipeline
    warnings.append(f"coordinates transformed: {method}")


# --------------------------------------------------------------------------- rings and sites


@dataclass
class _Ring:
    number: int
    line: int
    points: list[tuple[float, float]] = field(default_factory=list)
    closed: bool = False


def _rings(plot: _Plot, xy: np.ndarray, repeated: list[int]) -> tuple[list[_Ring], int]:
    """Split a plot's points into rings; return them and the number of closing points.

    The lines of points that repeat the previous point (dropped) are added to ``repeated``.
    """
    rings: list[_Ring] = []
    closing = 0
    for point, (east, north) in zip(plot.points, xy.tolist(), strict=True):
        ring = rings[-1] if rings else None
        if ring is None or ring.number != point.ring or ring.closed:
            rings.append(_Ring(point.ring, point.line, [(east, north)]))
            continue
        if _same(ring.points[-1], (east, north)):
            repeated.append(point.line)
        elif len(ring.points) >= 2 and _same(ring.points[0], (east, north)):
            ring.closed = True
            closing += 1
        else:
            ring.points.append((east, north))
    return rings, closing


def _repeated_warning(lines: list[int]) -> str:
    if len(lines) == 1:
        return f"line {lines[0]}: point repeats the previous point; dropped"
    shown = ", ".join(map(str, lines[:5])) + (", …" if len(lines) > 5 else "")
    return f"{len(lines):,} points repeat the previous point; dropped (lines {shown})"


def _same(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return abs(a[0] - b[0]) <= _CLOSE_TOLERANCE_M and abs(a[1] - b[1]) <= _CLOSE_TOLERANCE_M


def _plot_geometry(plot: _Plot, rings: list[_Ring], source: str) -> shapely.Geometry:
    parts: list[tuple[list[tuple[float, float]], list[list[tuple[float, float]]]]] = []
    shells: list[shapely.Polygon] = []
    for ring in rings:
        if len(ring.points) < 3:
            raise BoundaryTxtError(
                f"ring 圈号={ring.number} starting here has {len(ring.points)} distinct "
                "point(s); a ring needs at least 3",
                path=source,
                line=ring.line,
            )
        polygon = shapely.Polygon(ring.points)
        width = 2.0 * polygon.area / polygon.length
        if not width >= _MIN_RING_WIDTH_M:
            raise BoundaryTxtError(
                f"ring 圈号={ring.number} starting here encloses no area: its average width "
                f"(2 × area / perimeter) is {width:.2g} m, under 1 mm, so its points lie on a "
                "line (or nearly), or the ring crosses itself and its loops cancel out; check "
                "its coordinates",
                path=source,
                line=ring.line,
            )
        xs, ys = np.array(ring.points).T
        owner = None
        if ring.number > 1:
            owner = next(
                (i for i, shell in enumerate(shells) if shapely.intersects_xy(shell, xs, ys).all()),
                None,
            )
        if owner is None:
            parts.append((ring.points, []))
            shells.append(polygon)
        else:
            parts[owner][1].append(ring.points)
    polygons = [shapely.Polygon(shell, holes) for shell, holes in parts]
    return polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)


def _check_plot(
    plot: _Plot,
    geometry: shapely.Geometry,
    rings: list[_Ring],
    closing: int,
    tolerance: float,
    warnings: list[str],
) -> None:
    where = f"plot {plot.site_id or '(no 编号)'} (line {plot.line})"
    listed = len(plot.points)
    if plot.jzds is not None and plot.jzds not in (
        listed,
        listed - closing,
        listed + len(rings) - closing,
    ):
        warnings.append(
            f"{where}: 界址点数 (JZDS) is {plot.jzds} but the plot lists {listed} point lines "
            f"({listed - closing} without closing points)"
        )
    if plot.shape_kind and plot.shape_kind != "面":
        warnings.append(f"{where}: 记录图形属性={plot.shape_kind!r}; read as a polygon (面)")
    if not geometry.is_valid:
        warnings.append(
            f"{where}: the boundary is not a valid polygon ({shapely.is_valid_reason(geometry)});"
            " repair it before submission"
        )
    computed = geometry.area / M2_PER_HA
    declared = plot.declared_ha
    if math.isnan(declared):
        return
    if abs(declared - computed) > max(tolerance * computed, _AREA_ROUNDING_HA):
        tolerated = f"(tolerance {tolerance * 100:.2f} %)"
        if computed <= 0:  # holes that fill the outer ring
            text = (
                f"{where}: declared area {declared:.4f} ha (地块面积), but the plot encloses "
                "no area"
            )
        elif declared <= 2.0 * computed:
            share = abs(declared - computed) / computed * 100
            text = (
                f"{where}: declared area {declared:.4f} ha (地块面积) differs from the computed "
                f"planar area {computed:.4f} ha by {share:.2f} % {tolerated}"
            )
        else:  # beyond 100 % a percentage says little: say how many times as large
            ratio = declared / computed
            times = f"{ratio:,.0f}" if ratio >= 10 else f"{ratio:.1f}"
            text = (
                f"{where}: declared area {declared:.4f} ha (地块面积) is {times} times the "
                f"computed planar area {computed:.4f} ha {tolerated}"
            )
        if computed > 0 and abs(declared / geometry.area - 1) <= tolerance:
            text += "; the file seems to give m², not hectares"
        warnings.append(text)


def _site_ids(plots: list[_Plot]) -> list[str]:
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
    plots: list[_Plot],
    geometries: list[shapely.Geometry],
    counts: list[int],
    crs: CRS,
    warnings: list[str],
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
            warnings.append(
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
            warnings.append(
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
        7 Helmert parameters (:class:`landcheck.datum.DatumShift`) for a
        Xian 1980 / Beijing 1954 file whose 转换参数 are empty. A file whose
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
        The datum is unknown, or Xian 1980 / Beijing 1954 without 7 转换参数,
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
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    scan = _scan(lines, source)
    warnings = list(scan.warnings)
    metadata = dict(scan.values)
    shift = None if datum_shift is None else DatumShift.parse(datum_shift)
    declared = _declared_crs(scan, source, warnings, shift)
    oriented = [_oriented(plot, source) for plot in scan.plots]
    coords = [xy for xy, _ in oriented]
    swapped = [plot for plot, (_, swap) in zip(scan.plots, oriented, strict=True) if swap]
    if swapped:
        warnings.append(_swap_warning(swapped))
    number = _prefix_zone(coords, scan.plots, declared.zone, scan, source, warnings)
    zone = _zone(number, declared.width, scan, source, warnings)
    if declared.datum != "cgcs2000":
        _transform_legacy(coords, declared, zone, metadata, source, warnings)
    crs = gk_crs(zone, prefixed=True)
    geometries, counts = [], []
    repeated: list[int] = []
    for plot, xy in zip(scan.plots, coords, strict=True):
        rings, closing = _rings(plot, xy, repeated)
        geometry = _plot_geometry(plot, rings, source)
        _check_plot(plot, geometry, rings, closing, area_tolerance, warnings)
        geometries.append(geometry)
        counts.append(sum(len(r.points) for r in rings))
    if repeated:
        warnings.append(_repeated_warning(repeated))
    sites = _sites_frame(scan.plots, geometries, counts, crs, warnings)
    logger.debug("%s: %d plots, %d sites, %s", source, len(scan.plots), len(sites), crs_label(crs))
    return BoundaryTxt(
        sites=sites, crs=crs, metadata=metadata, encoding=None, warnings=summarise(warnings)
    )


# --------------------------------------------------------------------------- reading files


def _decode(data: bytes, encoding: str | None, path: str) -> tuple[str, str]:
    if encoding is not None:
        try:
            return data.decode(encoding), encoding
        except LookupError as ex:
            raise ValueError(f"unknown text encoding {encoding!r}") from ex
        except UnicodeDecodeError as ex:
            raise BoundaryTxtError(
                f"cannot decode the file as {encoding}: {ex}; try encoding='gbk' or "
                "'utf-8', or leave encoding=None to detect it",
                path=path,
            ) from ex
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gbk", "gb18030"]
    for candidate in candidates:
        try:
            return data.decode(candidate), candidate
        except UnicodeDecodeError:
            continue
    raise BoundaryTxtError(
        f"the file cannot be decoded as {' or '.join(candidates)}; give its encoding with "
        "encoding=",
        path=path,
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
    text, used = _decode(data, encoding, name)
    result = parse_boundary_txt(
        text, source=name, area_tolerance=area_tolerance, datum_shift=datum_shift
    )
    result.encoding = used
    return result


# --------------------------------------------------------------------------- writing


def _gk_sites(sites: gpd.GeoDataFrame, crs: Any) -> tuple[gpd.GeoDataFrame, GKZone, bool]:
    """Return the sites in a CGCS2000 Gauss-Kruger CRS, its zone and whether it is prefixed."""
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
    low = zone.number * _ZONE_FACTOR
    if not (low < west + shift and east + shift < low + _ZONE_FACTOR):
        raise AnalysisCRSError(
            f"the eastings ({west:.3f} … {east:.3f}) do not fit {crs_label(frame.crs)} "
            f"(zone {zone.number}, {'plain' if shift else 'zone-prefixed'} eastings); set the "
            "CRS the coordinates are really in"
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


def _check_value(value: str, what: str, site: str) -> None:
    if any(ch in value for ch in ",\r\n"):
        raise InputDataError(
            f"site {site}: {what} {value!r} contains a comma or a line break, which the boundary "
            "TXT cannot hold; replace it (e.g. by a full-width '，')"
        )


def _ring_lines(coords: np.ndarray, ring: int, first_number: int, offset: float) -> list[str]:
    """Point lines of one closed ring, numbered from ``first_number``."""
    rows: list[tuple[str, str]] = []
    for east, north in coords[:-1]:
        row = (f"{north:.3f}", f"{east + offset:.3f}")
        if not rows or rows[-1] != row:
            rows.append(row)
    while len(rows) > 1 and rows[-1] == rows[0]:
        rows.pop()
    if len(rows) < 3:
        raise GeometryError("a ring has fewer than 3 distinct points at 0.001 m precision")
    lines = [f"J{first_number + i},{ring},{x},{y}" for i, (x, y) in enumerate(rows)]
    lines.append(f"J{first_number},{ring},{rows[0][0]},{rows[0][1]}")
    return lines


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
    for part in getattr(geometry, "geoms", [geometry]):
        part = shapely.orient_polygons(part, exterior_cw=True)
        points: list[str] = []
        rings = [part.exterior, *part.interiors]
        for number, ring in enumerate(rings, 1):
            try:
                # every ring adds its distinct points plus one closing line
                points += _ring_lines(
                    np.asarray(ring.coords)[:, :2], number, len(points) + 2 - number, offset
                )
            except GeometryError as ex:
                raise GeometryError(f"site {site}: {ex}") from ex
        area = f"{part.area / M2_PER_HA:.4f}"
        out.append(",".join([str(len(points)), area, *header, "@"]))
        out += points
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
        A site is empty, not polygonal or invalid.
    InputDataError
        No sites, duplicate 编号, a named column is missing, or a value holds a comma.

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
    frame, zone, prefixed = _gk_sites(sites, crs)
    shift = 0.0 if prefixed else zone.number * _ZONE_FACTOR
    _check_zone_fit(frame, zone, shift)
    offset = shift if zone_prefix else shift - zone.number * _ZONE_FACTOR
    ids = _column(frame, id_field, "site_id")
    names = _column(frame, name_field, "name")
    uses = _column(frame, land_use_field, "land_use")
    classes = _column(frame, land_class_field, "land_class")
    ids = [value or str(row) for row, value in enumerate(ids, 1)]
    duplicated = sorted({value for value in ids if ids.count(value) > 1})
    if duplicated:
        raise InputDataError(
            "site ids (地块编号) must be unique, but these repeat: "
            + ", ".join(duplicated)
            + "; a multi-part site is one row with a MultiPolygon"
        )
    meta = {str(k).strip(): _text_value(v) for k, v in (metadata or {}).items()}
    for key, value in meta.items():
        if not key or "=" in key or "\n" in key or "\r" in value or "\n" in value:
            raise InputDataError(
                f"metadata {key!r}={value!r} cannot be written: keys hold no '=' and "
                "neither keys nor values hold line breaks"
            )
    project = {
        k: v
        for k, v in meta.items()
        if k not in (*_ATTRIBUTE_KEYS, *_WIDTH_KEYS) and not k.startswith(_METADATA_PREFIX)
    }
    lines: list[str] = []
    if project:
        lines.append(f"[{_SECTION_PROJECT[0]}]")
        lines += [f"{k}={v}" for k, v in project.items()]
    derived = {
        "坐标系": _CGCS2000_NAME,
        "几度分带": str(zone.width),
        "投影类型": "高斯克吕格",
        "计量单位": "米",
        "带号": str(zone.number),
        "精度": "0.001",
        "转换参数": ",,,,,,",
    }
    lines.append(f"[{_SECTION_ATTRIBUTES}]")
    lines += [f"{k}={derived.get(k, meta.get(k, ''))}" for k in _ATTRIBUTE_KEYS]
    lines.append(f"[{_SECTION_PLOTS}]")
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


_OUTPUT_ENCODINGS = ("utf-8", "utf-8-sig", "gbk", "gb18030")


def write_boundary_txt(
    sites: gpd.GeoDataFrame,
    path: str | os.PathLike[str],
    *,
    encoding: str = "utf-8",
    overwrite: bool = False,
    **format_kwargs: Any,
) -> None:
    """Write sites as a boundary coordinate TXT file, with CRLF line endings.

    The file is written to a temporary file beside ``path`` and renamed, so
    a failed write leaves no partial file.

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
    OutputExistsError
        ``path`` exists and ``overwrite`` is False.
    InputDataError
        A value cannot be encoded in ``encoding``.
    DataSourceError
        The file cannot be written.

    Examples
    --------
    A 100 m × 200 m plot written in GBK and read back:

    >>> import os, tempfile
    >>> import geopandas as gpd
    >>> from shapely import box
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
    name = os.fspath(path)
    if os.path.exists(name) and not overwrite:
        raise OutputExistsError(f"{name!r} exists; use --overwrite (overwrite=True) to replace it")
    text = format_boundary_txt(sites, **format_kwargs).replace("\n", "\r\n")
    try:
        data = text.encode(codec)
    except UnicodeEncodeError as ex:
        bad = ex.object[ex.start : ex.end]
        raise InputDataError(
            f"{bad!r} cannot be written in {encoding}; write the file as utf-8"
        ) from ex
    directory = os.path.dirname(os.path.abspath(name))
    try:
        mode = os.stat(name).st_mode & 0o777 if os.path.exists(name) else 0o644
        handle, temporary = tempfile.mkstemp(prefix=".boundary-", suffix=".txt.tmp", dir=directory)
    except OSError as ex:
        raise DataSourceError(f"cannot write {name!r}: {ex}") from ex
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, name)
    except OSError as ex:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise DataSourceError(f"cannot write {name!r}: {ex}") from ex
