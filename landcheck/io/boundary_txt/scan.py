"""Scanning a boundary TXT: bytes to text, lines to sections, key=value pairs and plots.

:func:`decode` finds the text encoding (a UTF-8 BOM, UTF-8, GBK, GB18030, or
the one given); :func:`scan_lines` reads the decoded lines into the
[属性描述] / [项目信息] values (with the line each came from) and the plots of
[地块坐标] with their header fields and points, as written: no coordinate is
interpreted here. Malformed lines raise a
:class:`~landcheck.errors.BoundaryTxtError` naming the line; what is merely
odd (an unknown section, a key given twice) becomes a warning.
"""

from __future__ import annotations

import codecs
import math
import re
from dataclasses import dataclass, field

from landcheck.errors import BoundaryTxtError
from landcheck.io.boundary_txt.spec import SECTION_ATTRIBUTES, SECTION_PLOTS, SECTION_PROJECT
from landcheck.messages import warn

__all__ = ["Plot", "Point", "Scan", "clean_field", "decode", "info_pairs", "scan_lines"]

_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_INTEGER = re.compile(r"[0-9]+")
_SECTION = re.compile(r"[\[【]\s*(.*?)\s*[\]】]")
_PAIR = re.compile(r"([^\s=]+)\s*=\s*(.*?)(?=\s+[^\s=]+\s*=|\s*$)")


@dataclass
class Point:
    """One point line ``点号,圈号,X,Y`` as written: its line number, 圈号 and two numbers."""

    line: int
    ring: int
    first: float  # third column: X (north) by the format
    second: float  # fourth column: Y (east) by the format


@dataclass
class Plot:
    """One plot: the fields of its header line (``JZDS,DKMJ,DKBH,DKMC,…,@``) and its points.

    ``declared_ha`` is NaN when the header gives no 地块面积; ``jzds`` is None
    when it gives no 界址点数.
    """

    line: int
    jzds: int | None
    declared_ha: float
    site_id: str
    name: str
    shape_kind: str
    land_use: str
    land_class: str
    points: list[Point] = field(default_factory=list)


@dataclass
class Scan:
    """A scanned file: the ``key=value`` pairs, the line of each key, the plots.

    What the scan ignores (unknown sections, lines that are not ``key=value``…)
    is said with :func:`~landcheck.messages.warn`.
    """

    values: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    plots: list[Plot] = field(default_factory=list)


def clean_field(text: str) -> str:
    """A field as the reader takes it: stray spaces and the ``{}`` some tools wrap it in gone.

    The writer refuses a value this would change (:func:`~.writer.format_boundary_txt`).

    Examples
    --------
    >>> clean_field(" {A-1} "), clean_field("地块{1}")
    ('A-1', '地块{1')
    """
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


def _parse_point(text: str, line: int, source: str) -> Point:
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
    return Point(
        line,
        int(ring),
        _parse_number(first, "X", source, line),
        _parse_number(second, "Y", source, line),
    )


def _parse_plot_header(text: str, line: int, source: str) -> Plot:
    fields = [clean_field(f) for f in text.rstrip(" \t{}").split(",")]
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
    return Plot(
        line=line,
        jzds=int(jzds_text) if jzds_text else None,
        declared_ha=declared,
        site_id=fields[2],
        name=fields[3],
        shape_kind=fields[4],
        land_use=fields[6],
        land_class=fields[7],
    )


def info_pairs(text: str) -> list[tuple[str, str]]:
    """The ``key=value`` pairs of an information line, keys and values as the reader takes them.

    A line with one ``=`` is one pair; with more, every ``key=`` after a space
    starts a new pair (several pairs on one line). The writer refuses a pair
    that would not read back as itself (:func:`~.writer.format_boundary_txt`).

    Examples
    --------
    >>> info_pairs("带号=35"), info_pairs("项目名称=某项目 容积率=1.5")
    ([('带号', '35')], [('项目名称', '某项目'), ('容积率', '1.5')])
    """
    if text.count("=") == 1:
        key, _, value = text.partition("=")
        pairs = [(key, value)]
    else:
        pairs = [(m.group(1), m.group(2)) for m in _PAIR.finditer(text)]
    return [(clean_field(key), clean_field(value)) for key, value in pairs]


def scan_lines(lines: list[str], source: str) -> Scan:
    """Read the lines of a boundary TXT into its pairs and plots.

    Parameters
    ----------
    lines : list of str
        The decoded text split into lines (line 1 first).
    source : str
        The file name, for messages.

    Returns
    -------
    Scan

    Raises
    ------
    BoundaryTxtError
        A line before any section, a point before any plot header, a
        malformed point or header, no [地块坐标] section, no plot, or a plot
        without points; the message names the line.

    Examples
    --------
    >>> scan = scan_lines(["[属性描述]", "带号=35", "[地块坐标]", "3,,A,,面,,,,@",
    ...                    "J1,1,2700000,35500000", "J2,1,2700010,35500000",
    ...                    "J3,1,2700010,35500010"], "plot.txt")
    >>> scan.values, scan.lines, scan.plots[0].site_id, len(scan.plots[0].points)
    ({'带号': '35'}, {'带号': 2}, 'A', 3)
    """
    scan = Scan()
    section: str | None = None
    seen_plots = False
    for number, raw in enumerate(lines, 1):
        text = raw.strip().lstrip("\ufeff").strip()
        if not text:
            continue
        header = _SECTION.fullmatch(text)
        if header is not None:
            name = header.group(1)
            if name == SECTION_PLOTS:
                section, seen_plots = "plots", True
            elif name == SECTION_ATTRIBUTES or name in SECTION_PROJECT:
                section = "info"
            else:
                section = "unknown"
                warn(f"line {number}: unknown section [{name}] ignored")
            continue
        if section is None:
            raise BoundaryTxtError(
                f"{text[:40]!r} comes before any section; a boundary TXT starts with "
                f"[{SECTION_ATTRIBUTES}] (or [{SECTION_PROJECT[0]}]) and has [{SECTION_PLOTS}]",
                path=source,
                line=number,
            )
        if section == "info":
            pairs = info_pairs(text)
            if not pairs:
                warn(f"line {number}: {text[:40]!r} is not key=value; ignored")
            for key, value in pairs:
                _store_info(scan, key, value, number, source)
        elif section == "plots":
            ending = text.rstrip(" \t{}")
            if ending.endswith(("@", "＠")):
                # only the terminator: a ＠ inside a name is the name's
                scan.plots.append(_parse_plot_header(ending[:-1] + "@", number, source))
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
            f"no [{SECTION_PLOTS}] section: the file holds no boundary coordinates", path=source
        )
    if not scan.plots:
        raise BoundaryTxtError(
            f"the [{SECTION_PLOTS}] section holds no plot (a header line ending with @ "
            "followed by point lines)",
            path=source,
        )
    for plot in scan.plots:
        if not plot.points:
            raise BoundaryTxtError(
                "this plot header is followed by no point lines", path=source, line=plot.line
            )
    return scan


_PLACING_KEYS = ("坐标系", "几度分带", "带号", "投影类型", "计量单位", "转换参数")
"""The keys that place the points on the ground: given twice with different values, which of
them holds is for the surveyor to say (带号 35 or 36 puts the plot 300 km apart)."""


def _store_info(scan: Scan, key: str, value: str, line: int, source: str) -> None:
    if not key:
        warn(f"line {line}: a value without a key ignored")
        return
    if key in scan.values and scan.values[key] != value:
        if key in _PLACING_KEYS:
            raise BoundaryTxtError(
                f"{key} is given twice with different values ({scan.values[key]!r} on line "
                f"{scan.lines[key]}, {value!r} here), and it places the points on the ground; "
                "keep the right one",
                path=source,
                line=line,
            )
        warn(
            f"line {line}: {key} given twice (lines {scan.lines[key]} and {line}) with "
            f"different values; using {value!r}"
        )
    scan.values[key] = value
    scan.lines[key] = line


def decode(data: bytes, encoding: str | None, path: str) -> tuple[str, str]:
    """Decode a file's bytes; return the text and the encoding used.

    Parameters
    ----------
    data : bytes
        The file content.
    encoding : str or None
        The encoding to use; None detects it: a UTF-8 BOM means
        ``utf-8-sig``, a UTF-16 BOM ``utf-16``, valid UTF-8 ``utf-8``, else
        GBK, then GB18030.
    path : str
        The file name, for messages.

    Returns
    -------
    tuple of (str, str)

    Raises
    ------
    ValueError
        ``encoding`` names no codec.
    BoundaryTxtError
        The bytes cannot be decoded.

    Examples
    --------
    >>> decode("带号=35".encode("gbk"), None, "plot.txt")
    ('带号=35', 'gbk')
    """
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
