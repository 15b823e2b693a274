"""Geometry and data builders shared by the tests: everything is built in code."""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
from PIL import Image
from shapely import Polygon, box

from landcheck.demo import SAMPLE_LAYERS

# A point in Luxi County, CGCS2000 / 3-degree GK zone 35 (EPSG:4523), zone-prefixed.
X0 = 35_420_000.0
Y0 = 2_700_000.0
GK35 = "EPSG:4523"

SAMPLE_LAYER_KEYS = SAMPLE_LAYERS
"""The layers of the committed sample county (data/luxi_sample.gpkg.zip), as the demo reads them."""


def square(x: float, y: float, size: float, height: float | None = None) -> Polygon:
    """An axis-aligned rectangle with its lower-left corner at (X0 + x, Y0 + y)."""
    return box(X0 + x, Y0 + y, X0 + x + size, Y0 + y + (size if height is None else height))


def arc_polygon_wkb(x0: float, y0: float, x1: float, top: float) -> bytes:
    """The ISO WKB of a ``CURVEPOLYGON``, as ArcGIS stores a true curve: a circular arc.

    The arc runs from (x0, y0) through ((x0 + x1) / 2, top) to (x1, y0), and a
    straight line closes it (a ``COMPOUNDCURVE`` ring).
    """
    arc = struct.pack("<BII6d", 1, 8, 3, x0, y0, (x0 + x1) / 2, top, x1, y0)
    closing = struct.pack("<BII4d", 1, 2, 2, x1, y0, x0, y0)
    return struct.pack("<BII", 1, 10, 1) + struct.pack("<BII", 1, 9, 2) + arc + closing


def frame(rows: list[dict], crs: str = GK35) -> gpd.GeoDataFrame:
    """A GeoDataFrame from rows that each hold a 'geometry' key."""
    geometry = [r.pop("geometry") for r in rows]
    return gpd.GeoDataFrame(rows, geometry=geometry, crs=crs)


def sites(*geoms: Polygon, crs: str = GK35, **columns: list) -> gpd.GeoDataFrame:
    """Sites S1, S2, … with optional extra columns."""
    data = {"site_id": [f"S{i + 1}" for i in range(len(geoms))], **columns}
    return gpd.GeoDataFrame(data, geometry=list(geoms), crs=crs)


def write_without_crs(data: gpd.GeoDataFrame, path) -> None:
    """Write a file that declares no CRS (like a shapefile without .prj)."""
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "'crs' was not provided", UserWarning)
        data.set_crs(None, allow_override=True).to_file(path)


def county(crs: str = GK35) -> gpd.GeoDataFrame:
    """The area the test layers describe: 20 km x 20 km around (X0, Y0).

    Pass it as ``coverage=`` when a test's layers hold only the few features
    it needs: without it, a site outside those features' extent is outside
    the area the layers describe, and its checks are unknown.
    """
    return gpd.GeoDataFrame(
        {"name": ["county"]}, geometry=[square(-10_000, -10_000, 20_000)], crs=GK35
    ).to_crs(crs)


def fresh_python(*lines: str, env: dict[str, str] | None = None) -> list[str]:
    """What a fresh interpreter prints running ``lines`` (one statement a line), line by line.

    ``env`` is its environment (default: this process's).
    """
    script = "\n".join(lines) + "\n"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env
    )
    return done.stdout.splitlines()


def qgis_env(config: Path) -> dict[str, str]:
    """The environment of a QGIS run: headless, its settings in ``config``, Qt's folders there.

    Qt's temporary and runtime folders under ``config`` too: otherwise each run
    leaves a ``qt_temp-*`` and a ``runtime-<user>`` folder in /tmp.
    """
    temporary, runtime = config / "tmp", config / "runtime"
    temporary.mkdir(exist_ok=True)
    runtime.mkdir(mode=0o700, exist_ok=True)
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        QGIS_CUSTOM_CONFIG_PATH=str(config),
        TMPDIR=str(temporary),
        XDG_RUNTIME_DIR=str(runtime),
    )
    return env


def png_differences(got: list[bytes], expected: list[bytes]) -> list[str]:
    """Where PNG images differ, image by image: empty when ``got == expected``.

    Each difference names the image's position and, when both decode to the same
    size, how many pixels differ and the box around them (left, top, right, bottom),
    so that a rare difference in a CI log says whether a glyph or the layout moved.
    """
    if len(got) != len(expected):
        return [f"{len(got)} images, {len(expected)} expected"]
    found = []
    for position, (a, b) in enumerate(zip(got, expected, strict=True)):
        if a == b:
            continue
        first, second = (np.asarray(Image.open(io.BytesIO(data))) for data in (a, b))
        if first.shape != second.shape:
            found.append(f"image {position}: {first.shape} pixels, {second.shape} expected")
            continue
        rows, columns = np.nonzero((first != second).any(axis=-1))
        if not len(rows):
            found.append(f"image {position}: the same pixels, other bytes")
            continue
        box = (columns.min(), rows.min(), columns.max() + 1, rows.max() + 1)
        found.append(f"image {position}: {len(rows)} pixels differ within {tuple(map(int, box))}")
    return found


def live_forkservers() -> list[int]:
    """This process's live multiprocessing forkservers, from Linux's /proc (none elsewhere)."""
    import landcheck.engine as engine_module

    return engine_module._forkservers(engine_module._children_by_parent() or {})
