"""Boundary coordinate TXT (界址点坐标 / 报盘 TXT): lenient reader, strict writer.

The format (docs/boundary-txt.md) is a small INI-like text::

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
silently. Data in Xian 1980, Beijing 1954 or New Beijing is refused unless the file's
``转换参数`` holds the 7 Helmert parameters, which are then applied
(Bursa-Wolf, position-vector convention) through a PROJ pipeline.

The writer emits one strict dialect (see :func:`format_boundary_txt`).
:func:`parse_boundary_txt` and :func:`format_boundary_txt` are pure;
:func:`read_boundary_txt` and :func:`write_boundary_txt` add the file access.

The modules, in the order a file is read:

- :mod:`.spec`: what the format fixes (section names, keys, the zone
  prefix) and :class:`BoundaryTxtCRSError`;
- :mod:`.scan`: bytes to text, lines to sections, ``key=value`` pairs and plots;
- :mod:`.declared`: the CRS [属性描述] declares, and the shift of legacy datums;
- :mod:`.geometry`: axis order, zone prefixes, rings, holes, plot checks;
- :mod:`.reader`: :func:`parse_boundary_txt` and :func:`read_boundary_txt`;
- :mod:`.writer`: :func:`format_boundary_txt` and :func:`write_boundary_txt`;
- :mod:`.zones`: a batch of sites written a file per zone they are measured
  in (:func:`~.zones.write_zone_files`), as the report and ``convert`` write them.
"""

from landcheck.io.boundary_txt.reader import BoundaryTxt, parse_boundary_txt, read_boundary_txt
from landcheck.io.boundary_txt.spec import BoundaryTxtCRSError
from landcheck.io.boundary_txt.writer import format_boundary_txt, write_boundary_txt

__all__ = [
    "BoundaryTxt",
    "BoundaryTxtCRSError",
    "format_boundary_txt",
    "parse_boundary_txt",
    "read_boundary_txt",
    "write_boundary_txt",
]
