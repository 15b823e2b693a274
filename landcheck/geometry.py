"""Geometry hygiene: repair, polygon extraction and the report of what was done.

Nothing is dropped silently: :func:`clean_polygons` returns, beside the
repaired geometries, a :class:`GeometryReport` that counts invalid, repaired,
empty and non-polygonal inputs, and the CLI and findings.json show it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import shapely
from geopandas.array import GeometryArray, from_shapely
from pandas.core.construction import sanitize_array

from landcheck.knownvalid import KnownValid
from landcheck.polygonal import many_parts, parts_near, polygonal_part
from landcheck.text import only_str
from landcheck.threads import chunked

__all__ = [
    "GeometryReport",
    "array_taken",
    "clean_polygons",
    "column_array",
    "field_names",
    "fields_frame",
    "float_precision",
    "geo_frame",
    "geometry_values",
    "kept_unmeasured",
    "name_some",
    "near_positions",
    "non_finite",
    "rows_taken",
    "shallow_copy",
    "text_array",
    "z_order",
]


@dataclass
class GeometryReport:
    """What geometry hygiene found and did for one input.

    Attributes
    ----------
    total : int
        Features looked at.
    invalid : int
        Features whose geometry was invalid (self-intersections, bad rings…).
    repaired : int
        Invalid features that were repaired into a non-empty polygonal geometry.
    empty : int
        Features with no geometry or an empty one (including repairs that
        collapsed to nothing polygonal).
    non_polygonal : int
        Features whose geometry had no area at all (points, lines).
    non_finite : list of str
        Labels of the features with NaN or infinite coordinates: never
        repaired (they have no true shape), left empty, counted as invalid.
    non_polygonal_near : numpy.ndarray
        Positions of the features without area (points, lines) that meet the
        windows the geometries will be used in (``near``; all of them without
        windows), in order: a layer of areas drawn as outlines or points there
        cannot say what it covers.
    examples : list of str
        Up to five feature labels with the reason, for the message.
    """

    total: int = 0
    invalid: int = 0
    repaired: int = 0
    empty: int = 0
    non_polygonal: int = 0
    non_finite: list[str] = field(default_factory=list)
    non_polygonal_near: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.intp))
    examples: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, int]:
        """Return the counts as a plain dict."""
        return {
            "total": self.total,
            "invalid": self.invalid,
            "repaired": self.repaired,
            "empty": self.empty,
            "non_polygonal": self.non_polygonal,
            "non_finite": len(self.non_finite),
        }

    def describe(self, what: str) -> str | None:
        """Return one sentence about the repairs and drops, or None if all was clean."""
        parts = []
        broken = len(self.non_finite)
        if self.repaired:
            parts.append(f"{self.repaired} invalid geometries repaired")
        if self.invalid - self.repaired - broken:
            parts.append(
                f"{self.invalid - self.repaired - broken} invalid geometries collapsed to nothing"
            )
        if broken:
            parts.append(f"{broken} geometries with NaN or infinite coordinates dropped")
        if self.empty:
            parts.append(f"{self.empty} empty geometries")
        if self.non_polygonal:
            parts.append(f"{self.non_polygonal} geometries without area (points or lines)")
        if not parts:
            return None
        text = f"{what}: " + "; ".join(parts)
        if self.examples:
            text += " (e.g. " + ", ".join(self.examples) + ")"
        return text


def non_finite(geometries: Any) -> np.ndarray:
    """Whether each geometry has a NaN or infinite coordinate (x, y, and z where it has one).

    Such a geometry has no true shape to measure: repair would turn a square
    with one NaN vertex into a triangle. It is found before any repair so the
    feature can be refused or its layer marked unusable.

    Examples
    --------
    >>> square = shapely.Polygon([(0, 0), (1, 0), (1, float("inf")), (0, 1)])
    >>> non_finite([square, shapely.box(0, 0, 1, 1), None]).tolist()
    [True, False, False]
    """
    geoms = np.asarray(geometries, dtype=object)
    out = np.zeros(len(geoms), dtype=bool)
    if not len(geoms):
        return out
    with_z = np.flatnonzero(shapely.has_z(geoms))
    z_finite = (
        not len(with_z) or np.isfinite(shapely.get_coordinates(geoms[with_z], include_z=True)).all()
    )
    if z_finite and np.isfinite(shapely.get_coordinates(geoms)).all():
        return out  # the common answer, without each coordinate's owner (a third of the time)
    coords, owner = shapely.get_coordinates(geoms, return_index=True)
    out[owner[~np.isfinite(coords).all(axis=1)]] = True
    if len(with_z):
        coords, owner = shapely.get_coordinates(geoms[with_z], include_z=True, return_index=True)
        out[with_z[owner[~np.isfinite(coords[:, 2])]]] = True
    return out


def name_some(names: Any, limit: int = 5) -> str:
    """The first ``limit`` names, comma-separated, and how many more there are.

    Examples
    --------
    >>> name_some(["F1", "F2"]), name_some([f"F{i}" for i in range(8)], 3)
    ('F1, F2', 'F0, F1, F2 and 5 more')
    """
    names = [str(n) for n in names]
    text = ", ".join(names[:limit])
    return text + (f" and {len(names) - limit} more" if len(names) > limit else "")


def float_precision(geometries: np.ndarray) -> np.ndarray:
    """Drop any fixed precision grid geometries carry (from ``set_precision`` or ``grid_size``).

    GEOS overlays run on the precision grid of their first argument, so a
    site snapped to 1 cm would snap every intersection with it to 1 cm and
    lose area (0.4 m² on a 1.3 ha piece); landcheck computes in full floating
    precision.

    Examples
    --------
    >>> snapped = shapely.set_precision(shapely.box(0, 0, 1, 1), 0.01)
    >>> float(shapely.get_precision(float_precision(np.array([snapped]))[0]))
    0.0
    """
    gridded = shapely.get_precision(geometries) > 0
    if not gridded.any():
        return geometries
    out = geometries.copy()
    out[gridded] = shapely.set_precision(geometries[gridded], 0.0)
    return out


LOCAL_CHECK_ABOVE = 2048
"""Geometries with more vertices than this may be validity-checked only where they are used."""


def _windows(near: Any) -> np.ndarray | None:
    """``near`` as rows ``(xmin, ymin, xmax, ymax)``: one box, or one per site; None stays None."""
    if near is None:
        return None
    return np.asarray(near, dtype=float).reshape(-1, 4)


def _invalid_in_windows(geom: Any, windows: np.ndarray) -> bool:
    """Whether ``geom`` is invalid inside any of ``windows`` (rows xmin, ymin, xmax, ymax).

    The windows meeting the geometry are split in two by their centres across the
    longer side of their box, again and again; each group's box clips the part
    its parent group kept, until a part has at most :data:`LOCAL_CHECK_ABOVE`
    vertices or serves one window, which is then clipped to each of its windows
    and tested. Every clipping edge is a side of a window's box, so a part is
    what clipping the geometry to its windows alone would give, and the work
    follows the windows: a 250,000-vertex polygon is cut about log₂ of the
    number of windows times over, not once per window. A part serving several
    windows is tested whole first: valid, it is valid inside each of them (what
    makes a geometry invalid at a point stays in any box around that point), and
    its windows are not clipped one by one; only an invalid part's windows are.
    Rectangle clipping can leave a valid geometry invalid where a window's side
    runs through it, so a window found invalid is confirmed by checking the
    whole geometry (of a multipolygon of many parts, the parts that meet a window:
    :func:`~landcheck.polygonal.parts_near`).
    """
    x0, y0, x1, y1 = shapely.bounds(geom)
    meets = (windows[:, 2] >= x0) & (windows[:, 0] <= x1) & (windows[:, 3] >= y0)
    windows = windows[meets & (windows[:, 1] <= y1)]
    if not len(windows):
        return False
    if many_parts([geom])[0]:
        # a dissolved layer's parts far from every window are left out: they clip to nothing
        geom = parts_near(geom, shapely.box(*windows.T))
    stack = [(geom, windows)]
    while stack:
        part, mine = stack.pop()
        if not len(mine):
            continue
        if len(mine) == 1 or shapely.get_num_coordinates(part) <= LOCAL_CHECK_ABOVE:
            if len(mine) > 1 and shapely.is_valid(part):
                continue  # valid around all its windows: valid inside each one
            for window in mine:
                if not shapely.is_valid(shapely.clip_by_rect(part, *window)):
                    # rectangle clipping can make a valid input invalid where a window's side
                    # runs through it: only the whole geometry tells (rare, so affordable)
                    return not shapely.is_valid(geom)
            continue
        width = mine[:, 2].max() - mine[:, 0].min()
        height = mine[:, 3].max() - mine[:, 1].min()
        axis = 0 if width >= height else 1
        order = np.argsort(mine[:, axis] + mine[:, axis + 2], kind="stable")
        for group in (mine[order[: len(order) // 2]], mine[order[len(order) // 2 :]]):
            box = (group[:, 0].min(), group[:, 1].min(), group[:, 2].max(), group[:, 3].max())
            stack.append((shapely.clip_by_rect(part, *box), group))
    return False


def _invalid(
    geoms: np.ndarray,
    empty: np.ndarray,
    near: np.ndarray | None,
    known_valid: KnownValid | None = None,
) -> np.ndarray:
    """Which geometries are invalid; huge ones are tested only inside the windows ``near``.

    Validating a 10⁵-vertex redline polygon takes longer than the rest of a one-site check;
    what lies far from the sites is never cut, so only its parts within the windows (a box
    around each site) are tested. When one of them is invalid the whole geometry is repaired.
    The others are tested whole. ``known_valid`` holds what earlier tests found valid (a
    geometry, a huge one inside a window): not tested again; what is found valid is added.
    """
    invalid = np.zeros(len(geoms), dtype=bool)
    huge = ~empty & (shapely.get_num_coordinates(geoms) > LOCAL_CHECK_ABOVE)
    if near is None or not huge.any():
        huge[:] = False
    ordinary = np.flatnonzero(~empty & ~huge)
    if known_valid is not None:
        ordinary = ordinary[~known_valid.holds(geoms[ordinary])]
    tested = geoms[ordinary]
    if len(tested):
        valid = np.concatenate(chunked(lambda part: shapely.is_valid(tested[part]), len(tested)))
        invalid[ordinary] = ~valid
        if known_valid is not None:
            known_valid.add(tested[valid])
    if huge.any():
        with np.errstate(invalid="ignore"):  # NaN vertices: found and named by the caller
            for i in np.flatnonzero(huge):
                asked = near if known_valid is None else known_valid.unknown_windows(geoms[i], near)
                invalid[i] = bool(len(asked)) and _invalid_in_windows(geoms[i], asked)
                if known_valid is not None and not invalid[i]:
                    known_valid.add_windows(geoms[i], asked)
    return invalid


def _repaired(geoms: np.ndarray) -> np.ndarray:
    """GEOS ``make_valid`` ("structure"), a collected multipolygon's union made as a coverage's.

    ``make_valid`` repairs each polygon of a multipolygon and unions them all.
    A layer collected into one multipolygon whose parts share edges (parcels
    gathered, not dissolved) is invalid for those edges alone, and that union of
    a county's parcels takes minutes (200,000 of them: 94 s). When the repaired
    parts form a valid coverage (edges shared exactly, no overlap), their
    coverage union is the same polygons, only their shared edges dropped: 18 s.
    """
    out = np.empty(len(geoms), dtype=object)
    collected = many_parts(geoms)
    out[~collected] = _structure_repair(geoms[~collected])
    for i in np.flatnonzero(collected).tolist():
        parts = shapely.get_parts(_structure_repair(shapely.get_parts(geoms[i])))
        parts = parts[shapely.get_type_id(parts) == shapely.GeometryType.POLYGON]
        if len(parts) and shapely.coverage_is_valid(parts):
            out[i] = shapely.coverage_union_all(parts)
        else:
            out[i] = _structure_repair(geoms[i])
    return out


def _structure_repair(geoms: Any) -> Any:
    """GEOS ``make_valid`` keeping the area each ring encloses, collapsed parts dropped."""
    return shapely.make_valid(geoms, method="structure", keep_collapsed=False)


def clean_polygons(
    geometries: Any,
    labels: Any | None = None,
    *,
    near: Any | None = None,
    known_valid: KnownValid | None = None,
) -> tuple[np.ndarray, GeometryReport, np.ndarray]:
    """Repair geometries and keep their polygonal parts, counting what happened.

    Invalid geometries are repaired with GEOS ``make_valid`` (the "structure"
    method, which keeps the area a ring encloses; a bow-tie becomes its two
    triangles); then only polygonal parts are kept. Geometries with NaN or
    infinite coordinates are never repaired (a square with a NaN vertex would
    become a triangle): they are left empty and listed in
    ``report.non_finite`` for the caller to refuse. GEOS finds them invalid,
    so only invalid geometries, those with infinite bounds and those with z
    are searched for them; a huge geometry checked only near the sites is
    searched only when its part there is invalid.

    Parameters
    ----------
    geometries : array-like of shapely geometries
        The input geometries (may contain None).
    labels : array-like, optional
        A label per geometry (feature id) for the examples in the report.
    near : array-like, optional
        Where the geometries will be used: one box ``(xmin, ymin, xmax, ymax)``
        or rows of them (a window around each site). Geometries of more than
        :data:`LOCAL_CHECK_ABOVE` vertices are then validity-checked only inside
        these windows; an invalid part in any of them repairs the whole geometry.
    known_valid : KnownValid, optional
        Geometries found valid before (a run's earlier evaluation of the same
        features): not tested again; the others tested whole and found valid
        are added to it (unless precision grids had to be dropped: those are
        new geometries each call).

    Returns
    -------
    geometries : numpy.ndarray
        Polygonal geometries (empty polygon where nothing polygonal remains).
    report : GeometryReport
        Counts of what was found and done.
    usable : numpy.ndarray of bool
        True where the result is a non-empty polygonal geometry.

    Examples
    --------
    >>> from shapely import Polygon
    >>> bowtie = Polygon([(0, 0), (10, 10), (10, 0), (0, 10)])
    >>> geoms, report, usable = clean_polygons([bowtie])
    >>> geoms[0].area, report.invalid, report.repaired, bool(usable[0])
    (50.0, 1, 1, True)
    """
    geoms = np.array(geometries, dtype=object)
    report = GeometryReport(total=len(geoms))
    if labels is None:
        labels = np.arange(len(geoms)).astype(str)
    labels = np.asarray(labels).astype(str)
    missing = shapely.is_missing(geoms)
    geoms[missing] = shapely.Polygon()
    given = geoms
    geoms = float_precision(geoms)
    if geoms is not given:  # new geometries, made for this call alone: nothing to remember
        known_valid = None
    empty_input = shapely.is_empty(geoms)
    unbounded = ~empty_input & ~np.isfinite(shapely.bounds(geoms)).all(axis=1)
    invalid = _invalid(geoms, empty_input | unbounded, _windows(near), known_valid)
    suspects = np.flatnonzero(unbounded | invalid | shapely.has_z(geoms))
    broken = np.zeros(len(geoms), dtype=bool)
    broken[suspects] = non_finite(geoms[suspects])
    invalid |= broken
    report.invalid = int(invalid.sum())
    report.non_finite = labels[broken].tolist()
    geoms[broken] = shapely.Polygon()
    fixable = invalid & ~broken
    if fixable.any():
        geoms[fixable] = _repaired(geoms[fixable])
    geoms = polygonal_part(geoms)
    usable = ~shapely.is_empty(geoms)
    collapsed = fixable & ~usable
    without_area = ~empty_input & ~invalid & ~usable
    report.repaired = int((fixable & usable).sum())
    report.empty = int((empty_input | collapsed).sum())
    report.non_polygonal = int(without_area.sum())
    if report.non_polygonal:
        lines = np.flatnonzero(without_area)
        windows = _windows(near)
        if windows is not None:
            boxes = shapely.box(windows[:, 0], windows[:, 1], windows[:, 2], windows[:, 3])
            lines = lines[near_positions(given[lines], boxes, 0.0)]
        report.non_polygonal_near = lines
    for label, reason in (
        *((lab, "repaired") for lab in labels[fixable & usable][:3]),
        *((lab, "empty") for lab in labels[empty_input | collapsed][:2]),
        *((lab, "no area") for lab in labels[without_area][:2]),
    ):
        if len(report.examples) < 5:
            report.examples.append(f"{label} {reason}")
    return geoms, report, usable


def z_order(bounds: np.ndarray) -> np.ndarray:
    """Positions of boxes along a Z-order curve of their centres: near boxes come together.

    Rows are ``(xmin, ymin, xmax, ymax)``; a row that is not finite (an empty
    geometry's) comes first. Ties keep their order.

    Examples
    --------
    >>> boxes = np.array([[0, 0, 1, 1], [100, 0, 101, 1], [1, 0, 2, 1], [np.nan] * 4])
    >>> z_order(boxes).tolist()
    [3, 0, 2, 1]
    """
    bounds = np.asarray(bounds, dtype=float)
    usable = np.isfinite(bounds).all(axis=1)
    code = np.zeros(len(bounds), dtype=np.uint64)
    if usable.any():
        xs = (bounds[usable, 0] + bounds[usable, 2]) / 2.0
        ys = (bounds[usable, 1] + bounds[usable, 3]) / 2.0
        span = max(float(xs.max() - xs.min()), float(ys.max() - ys.min()), 1e-9)
        xi = ((xs - xs.min()) / span * 65535).astype(np.uint64)
        yi = ((ys - ys.min()) / span * 65535).astype(np.uint64)
        interleaved = np.zeros(len(xs), dtype=np.uint64)
        for bit in range(16):
            interleaved |= ((xi >> np.uint64(bit)) & np.uint64(1)) << np.uint64(2 * bit)
            interleaved |= ((yi >> np.uint64(bit)) & np.uint64(1)) << np.uint64(2 * bit + 1)
        code[usable] = interleaved + np.uint64(1)
    return np.argsort(code, kind="stable")


def near_positions(geoms: np.ndarray, outlines: np.ndarray, distance: float) -> np.ndarray:
    """Positions of the geometries within ``distance`` of any outline, in order (exact test).

    The filter every layer read applies after its coarse one (a grown mask, a
    bounding box), whatever the source. ``distance`` is not negative, so a geometry
    meeting an outline is within it: those are found with ``intersects``, the
    distance is computed for the rest only. A huge outline (a long road's site,
    tens of thousands of vertices) is not tested once per geometry: the
    geometries are put in a tree and the outline, prepared once, asks it which
    are within ``distance`` (a 100 km road against 80,000 parcels: 48 s → 0.1 s).

    Examples
    --------
    >>> sites = np.array([shapely.box(0, 0, 10, 10)])
    >>> features = np.array([shapely.Point(15, 5), shapely.Point(30, 5), shapely.Point(5, 5)])
    >>> near_positions(features, sites, 5.0).tolist()
    [0, 2]
    """
    near = np.zeros(len(geoms), dtype=bool)
    huge = shapely.get_num_coordinates(geoms) > LOCAL_CHECK_ABOVE
    small = np.flatnonzero(~huge)
    huge_outline = shapely.get_num_coordinates(outlines) > LOCAL_CHECK_ABOVE
    tree = shapely.STRtree(outlines[~huge_outline] if huge_outline.any() else outlines)
    # most features a read finds overlap a site, and ``intersects`` costs a third of
    # ``dwithin``: only the others need the distance
    near[small[_hits(tree, geoms[small], "intersects")]] = True
    rest = small[~near[small]]
    rest = rest[~kept_unmeasured(near, rest, geoms)]
    near[rest[_hits(tree, geoms[rest], "dwithin", distance)]] = True
    if huge_outline.any():
        rest = small[~near[small]]
        features = shapely.STRtree(geoms[rest])
        _, found = features.query(outlines[huge_outline], predicate="dwithin", distance=distance)
        near[rest[found]] = True
    if huge.any():
        every = shapely.STRtree(outlines) if huge_outline.any() else tree
        small_outline = ~huge_outline
        asked = np.flatnonzero(huge)
        for position in asked[~kept_unmeasured(near, asked, geoms)]:  # a few, each near many
            near[position] = _near_any(geoms[position], outlines, small_outline, every, distance)
    return np.flatnonzero(near)


def _hits(
    tree: shapely.STRtree, geoms: np.ndarray, predicate: str, distance: float | None = None
) -> np.ndarray:
    """Positions of ``geoms`` for which ``predicate`` holds with a geometry of ``tree``.

    A position may come more than once; a large array is queried in chunks on threads
    (:func:`~landcheck.threads.chunked`: the query lets go of the GIL).
    """

    def part_hits(part: slice) -> np.ndarray:
        found, _ = tree.query(geoms[part], predicate=predicate, distance=distance)
        return found + part.start

    return np.concatenate(chunked(part_hits, len(geoms)))


def kept_unmeasured(near: np.ndarray, positions: np.ndarray, geoms: np.ndarray) -> np.ndarray:
    """Which of ``geoms[positions]`` have a NaN or infinite vertex; those are set ``near``.

    Their distance is not a number (GEOS refuses to compute it: a crash, not an
    answer); kept, the normalisation of the layer names them and refuses them
    or makes the layer's checks unknown, where dropped they would make it clear.

    Examples
    --------
    >>> bad = shapely.Polygon([(0, 0), (1, 0), (1, float("inf")), (0, 1)])
    >>> near = np.zeros(3, dtype=bool)
    >>> kept_unmeasured(near, np.array([0, 2]), np.array([shapely.box(0, 0, 1, 1), None, bad]))
    array([False,  True])
    >>> near.tolist()
    [False, False, True]
    """
    broken = non_finite(geoms[positions])
    near[positions[broken]] = True
    return broken


TRIED_UNPREPARED = 8
"""How many small outlines near a huge geometry's box are asked one at a time, unprepared,
before the geometry is prepared to ask all the others (:func:`near_positions`)."""


def _near_any(
    geom: Any, outlines: np.ndarray, small: np.ndarray, tree: shapely.STRtree, distance: float
) -> bool:
    """Whether a huge geometry is within ``distance`` of any outline of ``tree``.

    A redline polygon of 250,000 vertices spans the boxes of a province's
    thousand sites and is most often near the first asked: a distance unprepared
    walks its edges once (8 ms), preparing it costs some nine of those. So the first
    :data:`TRIED_UNPREPARED` small outlines near its box are asked one at a time; if
    none is near, the tree is asked with the geometry prepared by the query (a
    ring of that size around 1,000 sites none of which is near: 8 s → 0.16 s).
    A huge outline is never asked unprepared (two of them: 22 s).
    """
    xmin, ymin, xmax, ymax = shapely.bounds(geom)
    grown = shapely.box(xmin - distance, ymin - distance, xmax + distance, ymax + distance)
    candidates = tree.query(grown)
    tried = candidates[small[candidates]][:TRIED_UNPREPARED]
    if any(shapely.dwithin(geom, outlines[i], distance) for i in tried):
        return True
    if len(tried) == len(candidates):
        return False
    return len(tree.query(geom, predicate="dwithin", distance=distance)) > 0


def field_names(frame: gpd.GeoDataFrame) -> list[Any]:
    """The frame's column names but its geometry column's, in order.

    ``frame.columns.drop(frame.geometry.name)`` as a list, without the index
    operation (10 ms the first time in a process, half a millisecond after).

    Examples
    --------
    >>> field_names(gpd.GeoDataFrame({"BSM": ["F1"]}, geometry=[shapely.box(0, 0, 1, 1)]))
    ['BSM']
    """
    geometry = frame.active_geometry_name  # not ``frame.geometry``: no GeoSeries built
    labels = frame.columns
    names = _known(labels)[0] if labels.dtype == _LABELS else labels
    return [name for name in names if name != geometry]


def array_taken(values: Any, positions: np.ndarray) -> Any:
    """``values.take(positions)`` of a column's array (positions valid, none negative).

    Arrow text is taken by pyarrow with the array's own type: pandas' checks of
    the positions cost as much as the take itself (~0.05 ms a column).

    Examples
    --------
    >>> array_taken(text_array(["F1", None, "F3"]), np.array([2, 0])).tolist()
    ['F3', 'F1']
    """
    if isinstance(values, pd.arrays.ArrowStringArray):
        taken = values.__arrow_array__().take(pa.array(positions))
        return pd.arrays.ArrowStringArray(taken, dtype=values.dtype)
    if isinstance(values, np.ndarray):
        return values[positions]
    return values.take(positions)


def rows_taken(frame: gpd.GeoDataFrame, positions: np.ndarray) -> gpd.GeoDataFrame:
    """``frame.iloc[positions]`` (positions valid, none negative), a column's array at a time.

    For a frame as :func:`geo_frame` builds them (text labels named once, the
    geometry ``geometry`` last, no ``attrs``), the rows of each array are taken
    and the frame built by :func:`geo_frame`: ``iloc`` costs ~1 ms on a layer
    read of ten text columns. Any other frame, or one with a column of objects
    (which :func:`geo_frame` would convert), is taken by ``iloc``.

    Examples
    --------
    >>> frame = geo_frame({"BSM": ["F1", "F2"]}, [shapely.Point(0, 0)] * 2, "EPSG:4523")
    >>> rows_taken(frame, np.array([1])).equals(frame.iloc[[1]])
    True
    """
    names = field_names(frame)
    labels = frame.columns
    if (
        type(frame) is not gpd.GeoDataFrame
        or frame.attrs
        or frame.active_geometry_name != "geometry"
        or labels.dtype != _LABELS
        or len(names) + 1 != len(labels)
        or len(set(names)) < len(names)
        or labels[-1] != "geometry"
    ):
        return frame.iloc[positions]
    arrays = {name: column_array(frame, name) for name in names}
    if not all(map(_held_as_is, arrays.values())):
        return frame.iloc[positions]
    columns = {name: array_taken(values, positions) for name, values in arrays.items()}
    geometry = geometry_values(frame)
    return geo_frame(columns, geometry.take(positions), geometry.crs, frame.index.take(positions))


def shallow_copy(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``frame.copy(deep=False)``: a frame of its own on the same data, in a third of its time.

    Changes to either frame do not reach the other (pandas copies on write). A
    GeoDataFrame's copy goes through its constructor's checks of every column
    (~0.4 ms); this one is the frame of its manager's copy, as :func:`geo_frame`
    builds its frames. Frames with ``attrs``, or of another class, are copied by pandas.
    """
    if type(frame) is not gpd.GeoDataFrame or frame.attrs:
        return frame.copy(deep=False)
    copied = gpd.GeoDataFrame._from_mgr(frame._mgr.copy(deep=False), frame._mgr.axes)
    copied._geometry_column_name = frame._geometry_column_name
    return copied


def geometry_values(frame: gpd.GeoDataFrame) -> GeometryArray:
    """``frame.geometry.values``, the same array (its CRS: ``.crs``), without a GeoSeries.

    ``frame.geometry`` builds a GeoSeries each time (~0.05 ms); a one-site check
    asks for a frame's geometries or CRS about a hundred times.

    Examples
    --------
    >>> frame = gpd.GeoDataFrame({"BSM": ["F1"]}, geometry=[shapely.box(0, 0, 1, 1)], crs=4523)
    >>> geometry_values(frame) is frame.geometry.values, geometry_values(frame).crs.to_epsg()
    (True, 4523)
    """
    return column_array(frame, frame.active_geometry_name)


def column_array(frame: pd.DataFrame, name: Any) -> Any:
    """The array a frame holds a column in (numpy or extension array), without a Series.

    ``frame[name].array`` without the Series (a GeoDataFrame's column lookup
    costs ~0.05 ms): an extension array itself, numbers as the frame's numpy
    array. Read it, do not change it: the frame holds it.

    Examples
    --------
    >>> frame = pd.DataFrame({"BSM": pd.array(["F1"], dtype="str"), "N": [1.5]})
    >>> column_array(frame, "BSM") is frame["BSM"].array, column_array(frame, "N").tolist()
    (True, [1.5])
    """
    labels = frame.columns
    if labels.dtype == _LABELS and type(name) is str:
        where = _known(labels)[1].get(name)
        if where is None:
            raise KeyError(name)
    else:
        where = labels.get_loc(name)
    if not isinstance(where, int) or where < 0:  # a name of several columns: as pandas answers
        return frame[name].values
    return frame._get_column_array(where)


_KNOWN: OrderedDict[int, tuple[pd.Index, list, dict[Any, int]]] = OrderedDict()
"""``id(labels) → (labels, *what :func:`_known` found)``, the most recently asked last."""

_KNOWN_MOST = 64
"""Column labels kept with what was found; the least recently asked are forgotten first."""

_KNOWN_LOCK = threading.Lock()


def _known(labels: pd.Index) -> tuple[list, dict[Any, int]]:
    """``labels.tolist()`` and each label's position (-1: several have it), once per Index.

    pandas builds a hash table for an index's first lookup (~0.04 ms, ten
    times that the first time in a process) and reads an Arrow-backed one a
    label at a time when iterated; a one-site check looks up the columns of
    some thirty frames three hundred times. An Index cannot be changed (a
    frame given other labels holds another one), and it is kept with what
    was found, so its ``id`` is not reused meanwhile. Read the list, do not
    change it.
    """
    key = id(labels)
    with _KNOWN_LOCK:
        found = _KNOWN.get(key)
        if found is not None:
            _KNOWN.move_to_end(key)
            return found[1], found[2]
    names = labels.tolist()
    positions: dict[Any, int] = {}
    for position, label in enumerate(names):
        positions[label] = -1 if label in positions else position
    with _KNOWN_LOCK:
        _KNOWN[key] = (labels, names, positions)
        while len(_KNOWN) > _KNOWN_MOST:
            _KNOWN.popitem(last=False)
    return names, positions


def fields_frame(frame: gpd.GeoDataFrame) -> pd.DataFrame:
    """``pd.DataFrame(frame.drop(columns=<its geometry>))``: the frame's fields, a copy of them.

    Built from the fields' arrays, not by dropping the geometry (``drop`` costs
    ~2 ms the first time in a process); a frame that names two columns alike is
    dropped from as before.

    Examples
    --------
    >>> sites = gpd.GeoDataFrame({"site_id": ["A"]}, geometry=[shapely.box(0, 0, 1, 1)])
    >>> fields_frame(sites).to_dict("list")
    {'site_id': ['A']}
    """
    if frame.columns.has_duplicates:
        return pd.DataFrame(frame.drop(columns=frame.active_geometry_name))
    columns = {name: column_array(frame, name) for name in field_names(frame)}
    return pd.DataFrame(columns, index=frame.index, copy=True)


_LABELS = pd.Index(["geometry"]).dtype
"""The type pandas gives an index of text labels (``str``, or ``object`` before pandas 3)."""


def _arrow_text_type() -> pa.DataType | None:
    """The Arrow type of pandas' ``str`` arrays when they are Arrow-backed of type ``_LABELS``."""
    sample = pd.array(["geometry"], dtype="str")
    if not isinstance(sample, pd.arrays.ArrowStringArray) or sample.dtype != _LABELS:
        return None
    return sample.__arrow_array__().type


_ARROW_TEXT = _arrow_text_type()


def text_array(values: list | np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``pd.array(values, dtype="str")`` (text, None for a missing value), in a tenth of its time.

    The Arrow array is built from the values at once and handed to pandas with
    its ``str`` type (the dtype's name alone costs pandas ~0.1 ms a column to
    resolve and convert); pandas without Arrow-backed ``str`` builds it as before.

    Examples
    --------
    >>> array, before = text_array(["F1", None]), pd.array(["F1", None], dtype="str")
    >>> array.equals(before), array.dtype == before.dtype
    (True, True)
    """
    if _ARROW_TEXT is None:
        return pd.array(values, dtype="str")
    return pd.arrays.ArrowStringArray(pa.array(values, type=_ARROW_TEXT), dtype=_LABELS)


def _all_text(values: Any) -> bool:
    """Whether ``values`` is a non-empty list or 1-D object array of ``str`` only."""
    if isinstance(values, np.ndarray):
        if values.dtype != object or values.ndim != 1:
            return False
    elif not isinstance(values, list):
        return False
    return len(values) > 0 and only_str(values)


def _labels(names: list) -> pd.Index:
    """``pd.Index(names, dtype=_LABELS)``: text labels' index from their Arrow array at once."""
    if _ARROW_TEXT is not None and _all_text(names):
        return pd.Index(text_array(names), copy=False)
    return pd.Index(names, dtype=_LABELS)


def _held_as_is(values: Any) -> bool:
    """Whether a frame holds ``values`` as they are: an extension array, or 1-D numbers."""
    return isinstance(values, pd.api.extensions.ExtensionArray) or (
        isinstance(values, np.ndarray)
        and values.ndim == 1
        and values.dtype.kind in "biuf"
        and values.dtype != np.float16
    )


def _column_values(values: Any, rows: pd.Index) -> Any:
    """A column's values as a frame of ``rows`` holds them, converted only where pandas would.

    Numbers and extension arrays are held as they are; anything else (object
    arrays of text, lists) goes through the constructor's conversion of a column
    (``sanitize_array``: text becomes ``str``…). Series, dicts and ``Index`` are
    aligned by the constructor, not here: None.
    """
    if isinstance(values, (pd.Series, pd.Index, dict)):
        return None
    if _held_as_is(values):
        return values
    if _ARROW_TEXT is not None and _all_text(values):  # what the constructor makes of text
        return text_array(values)
    return sanitize_array(values, rows, copy=False)


def geo_frame(
    columns: dict[str, Any], geometry: Any, crs: Any, index: pd.Index | None = None
) -> gpd.GeoDataFrame:
    """A GeoDataFrame of ``columns`` then ``geometry`` (named ``geometry``) in ``crs``.

    The frame ``gpd.GeoDataFrame(columns, geometry=geometry, crs=crs)`` builds, in
    a tenth of its time: the constructor's fixed cost (~1 ms) dominates a read or
    a layer of a handful of features, and a one-site check builds a dozen. The
    arrays given become the frame's own, not copied (pandas' copy of a column
    costs as much as the rest of the frame): give arrays nothing else holds.

    Examples
    --------
    >>> frame = geo_frame({"BSM": ["F1"]}, [shapely.box(0, 0, 1, 1)], "EPSG:4523")
    >>> list(frame.columns), frame.crs.to_epsg(), frame.geometry.area.tolist()
    (['BSM', 'geometry'], 4523, [1.0])
    """
    if not isinstance(geometry, GeometryArray):
        geometry = from_shapely(np.asarray(geometry, dtype=object), crs=crs)
    # the frame ``pd.DataFrame(dict)`` builds, but for the column labels: the constructor
    # infers their type value by value, a quarter of its time on a few rows
    names = _labels([*columns, "geometry"])
    rows = pd.RangeIndex(len(geometry)) if index is None else index
    # each column converted as the constructor would, once, and handed over as it is (its
    # checks of every column cost as much as the rest of the frame); lengths are checked
    arrays = [_column_values(v, rows) for v in (*columns.values(), geometry)]
    given = all(a is not None for a in arrays)
    if not given:
        arrays = [*columns.values(), geometry]
    frame = pd.DataFrame._from_arrays(arrays, names, rows, verify_integrity=not given)
    if crs is not None and geometry.crs is not crs and geometry.crs != crs:
        return gpd.GeoDataFrame(frame, geometry="geometry", crs=crs)
    # the frame as GeoDataFrame: what geopandas does for a frame its operations return
    # whose only geometry column is "geometry"; the constructor would copy it and check
    # the column again (half of the cost left)
    geo = gpd.GeoDataFrame._from_mgr(frame._mgr, frame.axes)
    geo._geometry_column_name = "geometry"
    return geo
