"""The CRS a boundary TXT declares: its [属性描述] read into a CGCS2000 Gauss-Kruger zone.

:func:`declared_crs` reads the datum (坐标系), the zone width (几度分带, or 分带
as two real tools write it), the zone (带号), the projection (投影类型), the
units (计量单位) and the Helmert parameters (转换参数), refusing what landcheck
cannot read: another datum, projection or unit, and Xian 1980 / Beijing 1954 / New
Beijing data without 7 parameters (PROJ only knows a ballpark null shift for them).
:func:`declared_zone` makes the Gauss-Kruger zone of a zone number, and
:func:`transform_legacy` moves legacy-datum coordinates to
CGCS2000 with the parameters (Bursa-Wolf, position-vector convention)
through a PROJ pipeline.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
from pyproj import CRS, Transformer
from pyproj.exceptions import ProjError

from landcheck.crs import GKZone, crs_label, gk_family_crs, legacy_datum
from landcheck.crs.datum import DatumShift, helmert_pipeline
from landcheck.errors import AnalysisCRSError, BoundaryTxtError
from landcheck.io.boundary_txt.scan import Scan
from landcheck.io.boundary_txt.spec import (
    CGCS2000_NAME,
    METADATA_PREFIX,
    WIDTH_KEYS,
    BoundaryTxtCRSError,
)
from landcheck.messages import warn

__all__ = ["Declared", "declared_crs", "declared_zone", "transform_legacy"]

_SIGNED_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_ZONE_VALUE = re.compile(r"([0-9]+)\s*(?:带|度带|°)?")
_WIDTH_VALUE = re.compile(r"([0-9]+|三|六)\s*(?:度|°)?\s*(?:分?带)?")

_LEGACY_LABELS = {
    "xian1980": "Xian 1980 (西安80)",
    "beijing1954": "Beijing 1954 (北京54)",
    "newbeijing": "New Beijing (新北京54)",
}
_NEW_BEIJING = re.compile(r"新(?:1954年?)?北京|新(?:19)?54|NEWBEIJING")
"""How 坐标系 names New Beijing (新1954北京坐标系, 新北京54, 新54): before Beijing 1954."""


@dataclass
class Declared:
    """What a file's [属性描述] declares about its coordinates.

    ``datum`` is ``"cgcs2000"``, ``"xian1980"``, ``"beijing1954"`` or ``"newbeijing"`` (on line
    ``datum_line``, None when 坐标系 is not given); ``width`` and ``zone`` are
    the zone width and 带号 when given; ``helmert`` holds the 7 parameters
    moving a legacy datum to CGCS2000 (None for CGCS2000), taken from
    ``helmert_origin``.
    """

    datum: str
    datum_line: int | None
    width: int | None
    zone: int | None
    helmert: tuple[float, ...] | None
    helmert_origin: str = "the file's 转换参数"


def _datum_of(value: str) -> str | None:
    text = re.sub(r"[\s_\-]", "", value).upper()
    if _NEW_BEIJING.search(text):
        return "newbeijing"
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


def _declared_int(scan: Scan, key: str, pattern: re.Pattern[str], source: str) -> int | None:
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


def _declared_width(scan: Scan, source: str) -> int | None:
    """The zone width of 几度分带 or 分带 (3 or 6), or None when the file gives neither."""
    widths = {}
    for key in WIDTH_KEYS:
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
        first, second = WIDTH_KEYS
        raise BoundaryTxtCRSError(
            f"{first}={scan.values[first]!r} (line {scan.lines[first]}) and "
            f"{second}={scan.values[second]!r} give different zone widths; keep the right one",
            path=source,
            line=scan.lines[second],
        )
    return next(iter(widths.values()), None)


def _helmert_parameters(scan: Scan, source: str) -> tuple[float, ...] | None:
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


def _check_units_and_projection(scan: Scan, source: str) -> None:
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


def declared_crs(scan: Scan, source: str, datum_shift: DatumShift | None = None) -> Declared:
    """Read the CRS a scanned file declares; refuse what landcheck cannot read.

    Parameters
    ----------
    scan : Scan
        The scanned file.
    source : str
        The file name, for messages.
    datum_shift : DatumShift, optional
        7 Helmert parameters for a legacy-datum file whose
        转换参数 are empty.

    Returns
    -------
    Declared
        What the file declares. Said with :func:`~landcheck.messages.warn`: a
        missing 坐标系 (CGCS2000 assumed), ignored 转换参数 of CGCS2000 data, a
        datum shift used because the file's are empty.

    Raises
    ------
    BoundaryTxtError
        Units other than metres, unreadable 转换参数, 带号 or 几度分带.
    BoundaryTxtCRSError
        An unknown datum or projection, a zone width other than 3 or 6 or
        two that disagree, legacy-datum without 7 parameters, or
        the file's parameters differ from ``datum_shift``.

    Examples
    --------
    >>> from landcheck.io.boundary_txt.scan import Scan
    >>> scan = Scan(values={"坐标系": "西安80", "转换参数": "1,2,3,0,0,0,0", "带号": "35"},
    ...             lines={"坐标系": 2, "转换参数": 3, "带号": 4})
    >>> found = declared_crs(scan, "plot.txt")
    >>> found.datum, found.zone, found.width, found.helmert
    ('xian1980', 35, None, (1.0, 2.0, 3.0, 0.0, 0.0, 0.0, 0.0))
    """
    _check_units_and_projection(scan, source)
    name = scan.values.get("坐标系", "")
    line = scan.lines.get("坐标系")
    if not name:
        datum = "cgcs2000"
        warn(f"the file does not give 坐标系; assumed {CGCS2000_NAME} (CGCS2000)")
    else:
        found = _datum_of(name)
        if found is None:
            raise BoundaryTxtCRSError(
                f"unknown datum 坐标系={name!r}; landcheck reads {CGCS2000_NAME} (CGCS2000), "
                "and 西安80 (Xian 1980), 北京54 (Beijing 1954) or 新北京54 (New Beijing) with 7 "
                "转换参数",
                path=source,
                line=line,
            )
        datum = found
    width = _declared_width(scan, source)
    helmert = None
    if datum == "cgcs2000":
        if re.sub(r"[\s,，0.+-]", "", scan.values.get("转换参数", "")):
            warn(
                f"line {scan.lines['转换参数']}: 转换参数 ignored: the "
                "coordinates are already CGCS2000"
            )
    else:
        helmert = _helmert_parameters(scan, source)
        label = _LEGACY_LABELS[datum]
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
                warn(
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
        return Declared(datum, line, width, zone, None)
    return Declared(datum, line, width, zone, helmert, origin)


def declared_zone(number: int, width: int | None, scan: Scan, source: str) -> GKZone:
    """The Gauss-Kruger zone ``number`` of ``width`` degrees (implied by the number if None).

    Without a declared width, zones up to 23 are taken as 6-degree zones and
    the others as 3-degree zones, with a warning. A
    zone outside China's raises a :class:`BoundaryTxtCRSError` naming 带号's line.
    """
    if width is None:
        width = 6 if number <= 23 else 3
        warn(f"the file does not give 几度分带; zone {number} implies {width}-degree zones")
    try:
        return GKZone(number, width)
    except AnalysisCRSError as ex:
        raise BoundaryTxtCRSError(str(ex), path=source, line=scan.lines.get("带号")) from ex


def _helmert_pipeline(datum: str, zone: GKZone, params: tuple[float, ...]) -> tuple[str, CRS]:
    """PROJ pipeline from legacy-datum GK (east, north) to CGCS2000 GK of the same zone.

    Built by :func:`landcheck.crs.datum.helmert_pipeline`, so the TXT's 转换参数 and
    ``--datum-shift`` follow one convention.
    """
    source_crs = gk_family_crs(datum, zone, prefixed=True)
    pipeline, _ = helmert_pipeline(source_crs, DatumShift(*params))
    return pipeline, source_crs


def transform_legacy(
    coords: list[np.ndarray],
    declared: Declared,
    zone: GKZone,
    metadata: dict[str, str],
    source: str,
) -> None:
    """Move legacy-datum coordinates to CGCS2000 in place (Xian 1980, Beijing 1954, New Beijing).

    The transformation and its parameters are also said in one sentence
    (:func:`~landcheck.messages.warn`).

    Parameters
    ----------
    coords : list of numpy.ndarray
        Per plot, ``(east, north)`` rows with zone-prefixed eastings; changed in place.
    declared : Declared
        A legacy datum with its 7 Helmert parameters.
    zone : GKZone
        The coordinates' Gauss-Kruger zone (kept: the result is in the same zone).
    metadata : dict
        Gets ``landcheck.source_crs``, ``landcheck.transformation`` and
        ``landcheck.transformation_pipeline``.
    source : str
        The file name, for messages.

    Raises
    ------
    BoundaryTxtCRSError
        PROJ cannot build the transformation, or it gives no finite result.
    """
    assert declared.helmert is not None  # declared_crs refuses legacy data without them
    pipeline, source_crs = _helmert_pipeline(declared.datum, zone, declared.helmert)
    label = legacy_datum(source_crs) or _LEGACY_LABELS[declared.datum]
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
    metadata[METADATA_PREFIX + "source_crs"] = crs_label(source_crs)
    metadata[METADATA_PREFIX + "transformation"] = method
    metadata[METADATA_PREFIX + "transformation_pipeline"] = pipeline
    warn(f"coordinates transformed: {method}")
