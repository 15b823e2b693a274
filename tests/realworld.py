"""Builders for real-world input fixtures (boundary TXT, GBK shapefiles, DXF drawings), in code.

Every fixture has its expected area by construction: the reference plot is
100 m × 200 m with a 10 m × 10 m hole, 19,900 m².
"""

from __future__ import annotations

import hashlib
import os
import warnings

import geopandas as gpd
import shapely

E0 = 35_500_000.0  # zone-prefixed easting, CGCS2000 3-degree GK zone 35 (EPSG:4523)
N0 = 2_700_000.0
GK35 = "EPSG:4523"
HOLED_AREA = 19_900.0

REFERENCE_TXT = """[属性描述]
坐标系=2000国家大地坐标系
几度分带=3
投影类型=高斯克吕格
计量单位=米
带号=35
[地块坐标]
10,1.9900,A-1,厂区,面,,工业,0601,@
J1,1,2700000.000,35500000.000
J2,1,2700100.000,35500000.000
J3,1,2700100.000,35500200.000
J4,1,2700000.000,35500200.000
J1,1,2700000.000,35500000.000
J5,2,2700040.000,35500090.000
J6,2,2700040.000,35500100.000
J7,2,2700050.000,35500100.000
J8,2,2700050.000,35500090.000
J5,2,2700040.000,35500090.000
"""
"""The docs/boundary-txt.md example: 19,900 m² (1.9900 ha)."""


def holed_plot(x: float = 0.0, y: float = 0.0) -> shapely.Polygon:
    """The 100 m × 200 m plot with a 10 m × 10 m hole, lower-left at (E0 + x, N0 + y)."""
    outer = shapely.box(E0 + x, N0 + y, E0 + x + 200, N0 + y + 100)
    hole = shapely.box(E0 + x + 90, N0 + y + 40, E0 + x + 100, N0 + y + 50)
    return shapely.Polygon(outer.exterior, [hole.exterior])


def digest(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file, to show inputs are never modified."""
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def write_shapefile(frame: gpd.GeoDataFrame, path, *, encoding: str, cpg: bool = False) -> str:
    """Write a shapefile in ``encoding``; without ``cpg`` the .cpg is deleted (as in the wild)."""
    frame.to_file(path, encoding=encoding)
    stem = os.path.splitext(str(path))[0]
    if not cpg and os.path.exists(stem + ".cpg"):
        os.remove(stem + ".cpg")
    return str(path)


def without_prj(path: str) -> str:
    """Delete a shapefile's .prj."""
    os.remove(os.path.splitext(path)[0] + ".prj")
    return path


def write_without_crs(frame: gpd.GeoDataFrame, path, **kwargs) -> str:
    """Write a file that declares no CRS."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "'crs' was not provided", UserWarning)
        frame.set_crs(None, allow_override=True).to_file(path, **kwargs)
    return str(path)


# --------------------------------------------------------------------------- DXF


def lwpolyline(layer: str, points, *, closed: bool) -> list[str]:
    """A LWPOLYLINE entity (closed by its flag, the first point not repeated)."""
    out = ["0", "LWPOLYLINE", "8", layer, "90", str(len(points)), "70", "1" if closed else "0"]
    for x, y in points:
        out += ["10", f"{x:.3f}", "20", f"{y:.3f}"]
    return out


def polyline(layer: str, points, *, closed: bool) -> list[str]:
    """An old-style (R12) POLYLINE with VERTEX entities."""
    out = ["0", "POLYLINE", "8", layer, "66", "1", "70", "1" if closed else "0"]
    for x, y in points:
        out += ["0", "VERTEX", "8", layer, "10", f"{x:.3f}", "20", f"{y:.3f}"]
    return [*out, "0", "SEQEND"]


def text(layer: str, x: float, y: float, value: str) -> list[str]:
    """A TEXT entity."""
    return ["0", "TEXT", "8", layer, "10", f"{x:.3f}", "20", f"{y:.3f}", "40", "2.5", "1", value]


def point(layer: str, x: float, y: float) -> list[str]:
    """A POINT entity."""
    return ["0", "POINT", "8", layer, "10", f"{x:.3f}", "20", f"{y:.3f}"]


def write_dxf(
    path, entities: list[str], *, codepage: str = "ANSI_936", encoding: str = "gbk"
) -> str:
    """A minimal DXF (AutoCAD 2000) in GBK, as Chinese survey software writes them.

    ``codepage`` is what the header declares, ``encoding`` what the bytes are.
    """
    lines = [
        "0",
        "SECTION",
        "2",
        "HEADER",
        "9",
        "$ACADVER",
        "1",
        "AC1015",
        "9",
        "$DWGCODEPAGE",
        "3",
        codepage,
        "0",
        "ENDSEC",
        "0",
        "SECTION",
        "2",
        "ENTITIES",
        *entities,
        "0",
        "ENDSEC",
        "0",
        "EOF",
    ]
    with open(path, "wb") as handle:
        handle.write(("\r\n".join(lines) + "\r\n").encode(encoding))
    return str(path)


def survey_drawing(path) -> str:
    """A survey drawing: the holed plot (closed LWPOLYLINEs, named by a text inside), a
    50 m × 100 m triangle (closed R12 POLYLINE), an open road line, a point."""
    outer = [(E0, N0), (E0 + 200, N0), (E0 + 200, N0 + 100), (E0, N0 + 100)]
    hole = [
        (E0 + 90, N0 + 40),
        (E0 + 100, N0 + 40),
        (E0 + 100, N0 + 50),
        (E0 + 90, N0 + 50),
        (E0 + 90, N0 + 40),
    ]  # closed by repeating the first point, flag not set
    triangle = [(E0 + 500, N0), (E0 + 600, N0), (E0 + 600, N0 + 100)]
    entities = [
        *lwpolyline("红线", outer, closed=True),
        *lwpolyline("红线", hole, closed=False),
        *polyline("红线", triangle, closed=True),
        *lwpolyline("道路", [(E0, N0 - 50), (E0 + 300, N0 - 50)], closed=False),
        *text("注记", E0 + 50, N0 + 50, "一号地块"),
        *point("界址点", E0, N0),
    ]
    return write_dxf(path, entities)
