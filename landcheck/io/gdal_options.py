"""GDAL configuration options set for a block of work, then put back as they were.

GDAL's options are the process's: what one reader or writer needs (a DXF's text
encoding, a GeoPackage written without waiting for the disk) must not stay set
for the next file the caller opens.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping

import pyogrio

__all__ = ["FINE_ARCS", "RINGS_BY_PLACE", "fine_arcs", "gdal_options", "rings_by_place"]

FINE_ARCS = {"OGR_ARC_STEPSIZE": "0.1", "OGR_ARC_MAX_GAP": "0.5"}
"""How GDAL turns a circular arc into chords when it hands a feature over straight-edged: at most
0.1° of arc a chord (GDAL's default: 4°) and, where the driver also honours a longest chord (a
DXF's), at most 0.5 m (the drawing's unit). An arc of radius r and angle φ in chords of angle θ
loses about r²·φ·θ²/12 of its area: at 0.1°, a half circle of 100 m loses 0.008 m² and one of
1 km 0.8 m² (at 4°, 12.8 m² and 1,280 m²), for 1,800 vertices a half circle; a chord of 0.5 m
cuts at most φ·0.5²/12 off any arc, 0.065 m² a half circle whatever its radius."""


RINGS_BY_PLACE = {"OGR_ORGANIZE_POLYGONS": "DEFAULT"}
"""How GDAL makes polygons of a shapefile's rings: outer rings and holes told apart by where
they lie, not by their winding alone. The specification winds outer rings clockwise; files
written the other way round are common, and GDAL's shapefile default (``ONLY_CCW``) then made a
feature's hole its outer ring: an invalid polygon of negative area, which a site with a 20 m
hole read as nothing, and a farmland feature as the wrong land. About 10-30 % more time to
read a layer of polygons with holes; none for those without."""


@contextlib.contextmanager
def gdal_options(options: Mapping[str, str]) -> Iterator[None]:
    """Set GDAL configuration ``options`` inside the block; each is then what it was before.

    Examples
    --------
    >>> with gdal_options({"OGR_SQLITE_SYNCHRONOUS": "OFF"}):
    ...     pyogrio.get_gdal_config_option("OGR_SQLITE_SYNCHRONOUS")
    False
    >>> pyogrio.get_gdal_config_option("OGR_SQLITE_SYNCHRONOUS") is None
    True
    """
    previous = {name: pyogrio.get_gdal_config_option(name) for name in options}
    pyogrio.set_gdal_config_options(dict(options))
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options(previous)


def fine_arcs() -> None:
    """Have GDAL turn arcs into chords as :data:`FINE_ARCS` says, from now on in this process.

    For the formats whose arcs GDAL itself turns into chords, with no sign left
    that they were arcs (a DXF's bulges, arcs and circles; a File Geodatabase's
    true curves, read feature by feature). Set for good, not for a block: GDAL's
    options are the process's, and another thread's read restoring them while
    this one reads would give it the coarse default. An option the user has set
    is left as it is.

    Examples
    --------
    >>> fine_arcs()
    >>> pyogrio.get_gdal_config_option("OGR_ARC_MAX_GAP")
    '0.5'
    """
    _set_where_unset(FINE_ARCS)


def rings_by_place() -> None:
    """Have GDAL build polygons from rings as :data:`RINGS_BY_PLACE` says, from now on.

    Set for good, as :func:`fine_arcs` is, and only where the user has not set it.

    Examples
    --------
    >>> rings_by_place()
    >>> pyogrio.get_gdal_config_option("OGR_ORGANIZE_POLYGONS")
    'DEFAULT'
    """
    _set_where_unset(RINGS_BY_PLACE)


def _set_where_unset(options: Mapping[str, str]) -> None:
    unset = {k: v for k, v in options.items() if pyogrio.get_gdal_config_option(k) is None}
    if unset:
        pyogrio.set_gdal_config_options(unset)
