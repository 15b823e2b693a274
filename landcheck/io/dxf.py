"""Survey drawings (DXF): closed polylines become site polygons.

GDAL's DXF driver returns a closed LWPOLYLINE / POLYLINE as a closed
LineString (or as a Polygon when ``DXF_CLOSED_LINE_AS_POLYGON=TRUE``), a
HATCH as a Polygon, TEXT/MTEXT as points with a ``Text`` field, and open
lines as LineStrings. landcheck takes every closed ring, drops exact
duplicates (a HATCH drawn over its boundary), nests the rings of each CAD
layer even-odd (a ring inside a ring is a hole, a ring inside a hole an
island), and names a polygon after the one text lying inside it. Open lines,
points and other texts are ignored, with a note.

A DXF carries no CRS: the caller must supply one (``--crs``).
"""

from __future__ import annotations

import contextlib
import math
from collections import Counter
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS

from landcheck.errors import InputDataError
from landcheck.io.gdal_options import FINE_ARCS, gdal_options
from landcheck.io.vector import LayerSource, read_frame

__all__ = ["DxfSites", "curved_edges", "polygons_from_drawing", "read_dxf"]

_CLOSE_TOLERANCE_M = 0.001
"""Ends of a polyline closer than this (the 0.001 m survey precision) close it."""

_OGR_LAYER = "entities"


@dataclass
class DxfSites:
    """Site polygons taken from a drawing.

    Attributes
    ----------
    sites : GeoDataFrame
        ``site_id`` (1, 2, … in drawing order), ``name`` (the text inside,
        or blank), ``cad_layer`` and the Polygon geometry.
    counts : dict
        What the drawing held: ``closed_rings``, ``polygons``, ``holes``,
        ``duplicates``, ``open_lines``, ``points``, ``texts``, ``texts_used``,
        ``degenerate``, and ``curved_edges`` (:func:`curved_edges`; absent for a
        binary DXF).
    notes : list of str
        Sentences saying what was read and what was ignored.
    """

    sites: gpd.GeoDataFrame
    counts: dict[str, int]
    notes: list[str] = field(default_factory=list)


_CURVED_ENTITIES = frozenset({b"ARC", b"CIRCLE", b"ELLIPSE"})
_BULGED_ENTITIES = frozenset({b"LWPOLYLINE", b"VERTEX"})


def curved_edges(path: str) -> int | None:
    r"""The drawing's curved edges: polylines' bulged segments, ARC, CIRCLE and ELLIPSE entities.

    GDAL hands them over as chords and leaves no sign they were curves
    (:func:`~landcheck.io.gdal_options.fine_arcs` makes the chords fine); this
    counts them from the file's group codes, so the reader can be told. None
    for a binary DXF, whose groups are not lines of text.

    Examples
    --------
    >>> import os, tempfile
    >>> groups = ["0", "LWPOLYLINE", "10", "0", "20", "0", "42", "-1.0", "10", "9", "20", "0",
    ...           "42", "0.0", "0", "CIRCLE", "10", "5", "20", "5", "40", "2", "0", "EOF"]
    >>> path = os.path.join(tempfile.mkdtemp(), "bend.dxf")
    >>> with open(path, "w") as handle:
    ...     _ = handle.write("\n".join(groups))
    >>> curved_edges(path)
    2
    """
    with open(path, "rb") as handle:
        if handle.read(18) == b"AutoCAD Binary DXF":
            return None
        handle.seek(0)
        lines = handle.read().splitlines()
    count, entity = 0, b""
    for code, value in zip(lines[0::2], lines[1::2], strict=False):
        code = code.strip()
        if code == b"0":
            entity = value.strip().upper()
            count += entity in _CURVED_ENTITIES
        elif code == b"42" and entity in _BULGED_ENTITIES:
            with contextlib.suppress(ValueError):
                count += float(value) != 0.0
    return count


def _curved_note(curved: int) -> str:
    """What the reader is told of a drawing's ``curved`` edges: GDAL's chords, and how fine."""
    said = f"DXF: {curved} curved edge(s) (polyline bulges, arcs, circles, ellipses) came from GDAL"
    try:  # the options in force (:func:`fine_arcs`; the user's, set in GDAL's way, if any)
        step, gap = (float(pyogrio.get_gdal_config_option(k)) for k in FINE_ARCS)
    except (TypeError, ValueError):  # an option set to what GDAL takes for its default
        return f"{said} as chords (docs/inputs.md §3)"
    return (
        f"{said} as chords of at most {step:g}° of arc and {gap:g} drawing units; a half circle "
        f"of 100 m loses {_half_circle_loss_m2(100.0, step, gap):.2g} m² so (docs/inputs.md §3)"
    )


def _half_circle_loss_m2(radius: float, step_degrees: float, longest_chord: float) -> float:
    """The area chords of at most ``step_degrees`` and ``longest_chord`` leave out of a half circle.

    A chord of angle θ cuts about r²·θ³/12 off its arc, so a half circle loses
    r²·π·θ²/12 (:data:`~landcheck.io.gdal_options.FINE_ARCS`).

    Examples
    --------
    >>> round(_half_circle_loss_m2(100.0, 0.1, 0.5), 4)  # FINE_ARCS
    0.008
    >>> round(_half_circle_loss_m2(100.0, 4, 99), 1)  # GDAL's default: 4°, no longest chord
    12.8
    """
    theta = min(math.radians(step_degrees), 2 * math.asin(min(1.0, longest_chord / (2 * radius))))
    return radius**2 * math.pi * theta**2 / 12


def _dxf_encoding(encoding: str | None) -> contextlib.AbstractContextManager[None]:
    """Tell GDAL the drawing's text encoding (DXF_ENCODING), then restore the old setting."""
    if encoding is None:
        return contextlib.nullcontext()
    return gdal_options({"DXF_ENCODING": encoding.upper()})


def _closed(coords: np.ndarray) -> bool:
    return len(coords) >= 4 and bool(
        np.all(np.abs(coords[0, :2] - coords[-1, :2]) <= _CLOSE_TOLERANCE_M)
    )


def _rings_of(geom: shapely.Geometry) -> list[np.ndarray]:
    if geom.geom_type == "Polygon":
        return [np.asarray(r.coords)[:, :2] for r in (geom.exterior, *geom.interiors)]
    return [np.asarray(geom.coords)[:, :2]]


def _enclosed(ring: shapely.Polygon) -> list[shapely.Polygon]:
    """The rings of the area a closed polyline that crosses or touches itself encloses.

    Each polygon of :func:`shapely.make_valid`'s reading, as its outer ring and
    its holes' rings, for :func:`_nest` to nest with the drawing's other rings: a
    keyhole (a cut-out drawn in one polyline) keeps its cut-out out, a figure of
    eight is both its loops. Largest first; empty when it encloses no area.

    Examples
    --------
    >>> keyhole = shapely.Polygon([(0, 0), (10, 0), (10, 10), (0, 10), (0, 5), (4, 5), (4, 7),
    ...                            (6, 7), (6, 3), (4, 3), (4, 5), (0, 5)])
    >>> [r.area for r in _enclosed(keyhole)]
    [100.0, 8.0]
    """
    parts = np.asarray([shapely.make_valid(ring)], dtype=object)
    while (shapely.get_type_id(parts) >= 4).any():
        parts = shapely.get_parts(parts)
    polygons = [p for p in parts.tolist() if p.geom_type == "Polygon" and p.area > 0]
    rings = [shapely.Polygon(r) for p in polygons for r in (p.exterior, *p.interiors)]
    return sorted(rings, key=lambda r: -r.area)


def _nest(rings: list[shapely.Polygon]) -> tuple[list[shapely.Polygon], int]:
    """Build polygons from rings nested even-odd; return them and the number of holes."""
    order = np.argsort([-r.area for r in rings], kind="stable")
    rings = [rings[i] for i in order]
    tree = shapely.STRtree(rings)
    depth = [0] * len(rings)
    parent: list[int | None] = [None] * len(rings)
    for i, ring in enumerate(rings):
        containers = [j for j in tree.query(ring, predicate="within").tolist() if j < i]
        if containers:
            j = max(containers)  # the smallest earlier (larger or equal) ring holding it
            parent[i], depth[i] = j, depth[j] + 1
    shells: dict[int, list[shapely.LinearRing]] = {}
    holes = 0
    for i, ring in enumerate(rings):
        if depth[i] % 2 == 0:
            shells.setdefault(i, [])
        else:
            owner = parent[i]
            assert owner is not None
            shells.setdefault(owner, []).append(ring.exterior)
            holes += 1
    polygons = [shapely.Polygon(rings[i].exterior, shells[i]) for i in sorted(shells)]
    return polygons, holes


def polygons_from_drawing(drawing: gpd.GeoDataFrame) -> DxfSites:
    """Turn the features GDAL read from a DXF into site polygons (pure).

    Parameters
    ----------
    drawing : GeoDataFrame
        As read by GDAL's DXF driver: a ``Layer`` field (the CAD layer) and
        ``Text`` for text entities.

    Returns
    -------
    DxfSites

    Raises
    ------
    InputDataError
        The drawing holds no closed polyline or polygon.

    Examples
    --------
    A 100 m × 200 m closed polyline with a 10 m × 10 m one inside, as GDAL
    reads them (closed LineStrings):

    >>> outer = shapely.box(0, 0, 200, 100).exterior
    >>> inner = shapely.box(90, 40, 100, 50).exterior
    >>> drawing = gpd.GeoDataFrame({"Layer": ["红线", "红线"], "Text": [None, None]},
    ...                            geometry=[outer, inner])
    >>> found = polygons_from_drawing(drawing)
    >>> found.sites.geometry.area.tolist(), found.counts["holes"]
    ([19900.0], 1)
    """
    layers = (
        drawing["Layer"].astype("string").fillna("").astype(str).to_numpy()
        if "Layer" in drawing.columns
        else np.full(len(drawing), "", dtype=object)
    )
    texts = (
        drawing["Text"].astype("string").to_numpy(dtype=object, na_value=None)
        if "Text" in drawing.columns
        else np.full(len(drawing), None, dtype=object)
    )
    counts: Counter[str] = Counter()
    open_layers: Counter[str] = Counter()
    crossing_layers: Counter[str] = Counter()
    rings_by_layer: dict[str, list[shapely.Polygon]] = {}
    labels: list[tuple[shapely.Point, str]] = []
    parts, owner = shapely.get_parts(
        np.asarray(drawing.geometry.values, dtype=object), return_index=True
    )
    for part, row in zip(parts, owner.tolist(), strict=True):
        if part is None or part.is_empty:
            continue
        kind = part.geom_type
        if kind == "Point":
            text = texts[row]
            if text is not None and str(text).strip():
                labels.append((part, str(text).strip()))
                counts["texts"] += 1
            else:
                counts["points"] += 1
            continue
        if kind not in ("Polygon", "LineString", "LinearRing"):
            counts["other"] += 1
            continue
        for coords in _rings_of(part):
            if kind != "Polygon" and not _closed(coords):
                counts["open_lines"] += 1
                open_layers[layers[row]] += 1
                continue
            counts["closed_rings"] += 1
            ring = shapely.Polygon(coords)
            found = [ring] if ring.is_valid else _enclosed(ring)
            if not found or found[0].area <= 0:
                counts["degenerate"] += 1
                continue
            if not ring.is_valid:
                counts["self_crossing"] += 1
                crossing_layers[layers[row]] += 1
            rings_by_layer.setdefault(layers[row], []).extend(found)
    rows = []
    for cad_layer, rings in rings_by_layer.items():
        unique: list[shapely.Polygon] = []
        for ring in rings:
            if any(abs(u.area - ring.area) <= 1e-6 * ring.area and u.equals(ring) for u in unique):
                counts["duplicates"] += 1
                continue
            unique.append(ring)
        polygons, holes = _nest(unique)
        counts["holes"] += holes
        for polygon in polygons:
            rows.append((cad_layer, polygon))
    if not rows:
        found = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in sorted(counts.items()))
        raise InputDataError(
            f"the drawing holds no closed polyline or polygon to read as a site (found: "
            f"{found or 'nothing'}); "
            "draw each site boundary as a closed polyline"
        )
    names = []
    for _, polygon in rows:
        inside = sorted({text for point, text in labels if polygon.contains(point)})
        names.append(inside[0] if len(inside) == 1 else "")
        counts["texts_used"] += len(inside) == 1
    counts["polygons"] = len(rows)
    sites = gpd.GeoDataFrame(
        {
            "site_id": [str(i) for i in range(1, len(rows) + 1)],
            "name": names,
            "cad_layer": [layer for layer, _ in rows],
        },
        geometry=[polygon for _, polygon in rows],
    )
    notes = [
        f"DXF: {counts['closed_rings']} closed polyline(s)/polygon ring(s) read as "
        f"{counts['polygons']} site polygon(s) ({counts['holes']} as holes)"
    ]
    ignored = []
    if counts["open_lines"]:
        where = ", ".join(f"{name or '0'}: {n}" for name, n in open_layers.most_common(5))
        ignored.append(f"{counts['open_lines']} open line(s) (CAD layers {where})")
    if counts["points"]:
        ignored.append(f"{counts['points']} point(s)")
    if counts["texts"] - counts["texts_used"]:
        ignored.append(f"{counts['texts'] - counts['texts_used']} text(s)")
    if counts["duplicates"]:
        ignored.append(f"{counts['duplicates']} duplicate ring(s)")
    if counts["degenerate"]:
        ignored.append(f"{counts['degenerate']} ring(s) without area")
    if counts["other"]:
        ignored.append(f"{counts['other']} other entit(ies)")
    if ignored:
        notes.append("DXF: ignored " + "; ".join(ignored))
    if counts["self_crossing"]:
        where = ", ".join(f"{name or '0'}: {n}" for name, n in crossing_layers.most_common(5))
        notes.append(
            f"DXF: {counts['self_crossing']} closed polyline(s) cross or touch themselves (CAD "
            f"layers {where}): each was read as all the area it encloses, its loops as polygons "
            "and holes (a keyhole's cut-out stays out); check those boundaries in the drawing"
        )
    if counts["texts_used"]:
        notes.append(f"DXF: {counts['texts_used']} site(s) named after the text inside them")
    return DxfSites(sites, dict(counts), notes)


def read_dxf(source: LayerSource, *, crs: CRS | None = None) -> DxfSites:
    """Read the site polygons of a DXF survey drawing.

    Parameters
    ----------
    source : LayerSource
        The ``.dxf``. ``PATH:NAME`` keeps only the CAD layer ``NAME`` (e.g.
        ``site.dxf:红线``; texts on every layer still name the polygons).
        ``source.encoding`` overrides the drawing's
        ``$DWGCODEPAGE`` (GDAL's ``DXF_ENCODING``).
    crs : CRS, optional
        The CRS to give the polygons (a DXF declares none).

    Returns
    -------
    DxfSites

    Raises
    ------
    DataSourceError
        GDAL cannot read the file.
    InputDataError
        No closed polyline, or no entity on the CAD layer asked for.
    """
    plain = LayerSource(source.path, None, None)
    with _dxf_encoding(source.encoding):
        drawing = read_frame(plain, _OGR_LAYER)
    if source.layer is not None and source.layer != _OGR_LAYER:
        layers = drawing["Layer"].astype("string").fillna("") if "Layer" in drawing else pd.Series()
        if not (layers == source.layer).any():
            present = ", ".join(sorted(set(layers.tolist()))[:20]) or "none"
            raise InputDataError(
                f"{source.path!r} has no CAD layer {source.layer!r}; its CAD layers are: {present}"
            )
        texts = drawing["Text"].notna() if "Text" in drawing else False
        # texts on any CAD layer may still name the polygons
        drawing = drawing[((layers == source.layer) | texts).to_numpy()]
    found = polygons_from_drawing(drawing)
    curved = curved_edges(source.path)
    if curved is not None:
        found.counts["curved_edges"] = curved
    if curved:
        found.notes.append(_curved_note(curved))
    if crs is not None:
        found.sites = found.sites.set_crs(crs)
    return found
