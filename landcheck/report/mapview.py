"""What a site map shows, whoever draws it: its panels, window, scale, north and legend texts.

The PNG maps (:mod:`landcheck.report.maps`, matplotlib) and the SVG maps of
report.html (:mod:`landcheck.report.svgmap`) draw the same picture from these;
nothing here needs matplotlib, so report.html is written without importing it.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from landcheck.crs import crs_label
from landcheck.labels import CONFORMITY, LEVEL1_EN, label
from landcheck.report.mapcache import (
    code_lookup,
    in_window,
    kept_column,
    kept_geometries,
    parts_in_window,
    site_rows,
)
from landcheck.result import CheckResult

__all__ = [
    "ARROW_CORNERS",
    "CLEARANCE",
    "CONSTRAINT_KINDS",
    "LEGEND_SWATCH",
    "LEGEND_TEXT_MIDDLE",
    "OTHER_SITES_DRAWN",
    "PANELS",
    "PANEL_TITLES",
    "SCALE_CORNERS",
    "Furniture",
    "OtherSites",
    "Rows",
    "chosen_panels",
    "class_lookup",
    "clipped_to_view",
    "convergence",
    "furniture",
    "is_thin",
    "land_use_label",
    "layer_keys",
    "legend_lines",
    "map_crs_label",
    "nice_length",
    "other_sites",
    "other_sites_label",
    "panel_layer",
    "piece_codes",
    "piece_edges",
    "planning_label",
    "site_pieces",
    "text_width",
    "view_bounds",
    "view_window",
    "window_boxes",
]

PANELS = ("constraints", "land_use", "planning")
"""Panels :func:`site_map` can draw, in order."""


CONSTRAINT_KINDS = ("permanent_farmland", "eco_redline", "urban_boundary", "generic")
"""Layer kinds the ``constraints`` panel draws, each in its own colour."""


PANEL_TITLES = {
    "constraints": ("叠加分析图", "control lines"),
    "land_use": ("土地利用现状", "land use"),
    "planning": ("规划分区", "planning zones"),
}
"""Panel → its title (Chinese, English)."""


def layer_keys(result: CheckResult, kinds: Sequence[str]) -> list[str]:
    """The profile's layer keys of these kinds, in profile order."""
    return [k for k, s in result.profile.layers.items() if s.kind in kinds]


@dataclass(frozen=True)
class Rows:
    """Some rows of a layer's frame (pieces or features around), read as kept arrays.

    With a ``window`` (the features around a site), a dissolved feature's
    geometry is its parts that meet it (:func:`~landcheck.report.mapcache.parts_in_window`).
    """

    frame: Any
    positions: np.ndarray
    window: Any = None

    def __len__(self) -> int:
        return len(self.positions)

    @property
    def geometries(self) -> np.ndarray:
        """The rows' geometries."""
        if self.window is None:
            return kept_geometries(self.frame)[self.positions]
        return parts_in_window(self.frame, self.positions, self.window)

    @property
    def codes(self) -> list[str]:
        """The class code of each row ('' when the layer has none)."""
        return kept_column(self.frame, "codes", piece_codes)[self.positions].tolist()

    @property
    def names(self) -> list[Any]:
        """The name of each row (its feature id when the layer has no name)."""
        column = kept_column(self.frame, "names", lambda f: f.get("_name", f["feature"]))
        return column[self.positions].tolist()


def site_pieces(
    result: CheckResult, key: str, position: int, window: tuple[float, float, float, float]
) -> tuple[Rows | None, Rows | None]:
    """Return a site's pieces of a layer, and the layer's features around it in view.

    What both kinds of map draw: the features around are those read near the
    sites (the result's context, e.g. farmland within a proximity distance);
    without them, the other sites' pieces. Each in frame order, found through
    the indexes kept for the batch (:mod:`landcheck.report.mapcache`), not by
    filtering frames: the rows ``frame[frame["site"] == position]`` and
    ``frame[frame.intersects(window)]`` would give.
    """
    pieces = result.pieces.get(key)
    mine = None if pieces is None else Rows(pieces, site_rows(pieces, position))
    around = result.context.get(key)
    box, view = window_boxes(window)
    if around is None:
        if pieces is None or not len(pieces):
            return mine, None
        others = np.flatnonzero(kept_column(pieces, "site", lambda f: f["site"]) != position)
        geometries = kept_geometries(pieces)[others]
        return mine, Rows(pieces, others[shapely.intersects(geometries, box)])
    if not len(around):
        return mine, None
    drawn = np.flatnonzero(in_window(around, box, indexed=True))
    return mine, Rows(around, drawn, view)


@lru_cache(maxsize=8)
def window_boxes(window: tuple[float, float, float, float]) -> tuple[Any, Any]:
    """The window and the view around it (:func:`view_bounds`) as polygons.

    Made once a map: each of its panels asks for every layer's rows in them.

    Examples
    --------
    >>> box, view = window_boxes((0.0, 0.0, 100.0, 100.0))
    >>> box.bounds, view.bounds, window_boxes((0.0, 0.0, 100.0, 100.0))[0] is box
    ((0.0, 0.0, 100.0, 100.0), (-2.0, -2.0, 102.0, 102.0), True)
    """
    return shapely.box(*window), shapely.box(*view_bounds(window))


OTHER_SITES_DRAWN = 40
"""At most this many other sites are drawn on a site's map: those nearest it.

A batch of variants of one site (shifted candidates of a site search) puts
every site in every other's window: drawing them all made each map's time and
size grow with the batch (1,200 such sites: a map page of 0.5 MB, 1,800 ids
stacked on one spot, report.html 67 s) and showed nothing more. The legend
says how many were left out (:func:`other_sites_label`).
"""


@dataclass(frozen=True)
class OtherSites:
    """The other sites in a map's window: their outlines, and each drawn one's id and label point.

    ``geometries`` are the other sites drawn (missing and empty ones included:
    the drawers skip them); ``ids`` and ``points`` are those with a geometry,
    in the same order; ``left_out`` counts the sites in the window beyond
    :data:`OTHER_SITES_DRAWN`, not drawn.
    """

    geometries: np.ndarray
    ids: np.ndarray
    points: np.ndarray
    left_out: int = 0


def other_sites(
    result: CheckResult, position: int, window: tuple[float, float, float, float]
) -> OtherSites | None:
    """The other sites in ``window``, for each of a map's panels; None if there are none.

    Beyond :data:`OTHER_SITES_DRAWN` of them, those whose boxes' centres lie
    nearest the site's (:func:`_nearest_sites`). Each label is placed on the
    part of the site outside the drawn site when that is more than a twentieth
    of what the window shows of it.
    """
    sites = result.sites
    box = window_boxes(window)[0]
    near = in_window(sites, box, indexed=True)
    near[position] = False
    drawn = np.flatnonzero(near)
    if not len(drawn):
        return None
    left_out = max(0, len(drawn) - OTHER_SITES_DRAWN)
    if left_out:
        centres = kept_column(sites, "centre", _box_centres)
        drawn = _nearest_sites(centres, position, drawn, OTHER_SITES_DRAWN)
    geometries = kept_geometries(sites)[drawn]
    present = ~(shapely.is_missing(geometries) | shapely.is_empty(geometries))
    visible = shapely.intersection(geometries[present], box)
    outside = shapely.difference(visible, kept_geometries(sites)[position])
    chosen = np.where(shapely.area(outside) > 0.05 * shapely.area(visible), outside, visible)
    ids = kept_column(sites, "site_id", lambda f: f["site_id"])[drawn][present]
    return OtherSites(geometries, ids, shapely.point_on_surface(chosen), left_out)


def _box_centres(sites: Any) -> np.ndarray:
    """Each site's bounding box centre, ``(n, 2)`` (NaN for a missing or empty geometry)."""
    bounds = shapely.bounds(kept_geometries(sites))
    return (bounds[:, :2] + bounds[:, 2:]) / 2


def _nearest_sites(
    centres: np.ndarray, position: int, candidates: np.ndarray, count: int
) -> np.ndarray:
    """The ``count`` candidates whose centres lie nearest the site's; ties to the earlier site.

    In site order. A linear pass (a partition, not a sort): a map of a batch
    of thousands of variants on one spot has thousands of candidates.

    Examples
    --------
    >>> centres = np.array([[0, 0], [5, 0], [1, 0], [1, 0], [3, 0]], dtype=float)
    >>> _nearest_sites(centres, 0, np.array([1, 2, 3, 4]), 2).tolist()
    [2, 3]
    >>> _nearest_sites(centres, 0, np.array([1, 2, 3, 4]), 3).tolist()
    [2, 3, 4]
    """
    offsets = centres[candidates] - centres[position]
    distance = np.nan_to_num(np.hypot(offsets[:, 0], offsets[:, 1]), nan=np.inf)
    limit = np.partition(distance, count - 1)[count - 1]
    nearer = distance < limit
    tied = np.flatnonzero(distance == limit)[: count - int(nearer.sum())]
    nearer[tied] = True
    return candidates[nearer]


def other_sites_label(others: OtherSites, lang: str) -> str:
    """The legend's entry for the other sites, saying how many were left out, if any.

    Examples
    --------
    >>> others = OtherSites(np.array([]), np.array([]), np.array([]), left_out=1160)
    >>> other_sites_label(others, "zh"), other_sites_label(others, "en")
    ('其他项目用地（另 1,160 处未绘出）', 'other sites (1,160 more not drawn)')
    """
    text = label("other_sites", lang)
    if not others.left_out:
        return text
    if lang == "en":
        return f"{text} ({others.left_out:,} more not drawn)"
    return f"{text}（另 {others.left_out:,} 处未绘出）"


def chosen_panels(result: CheckResult, panels: Sequence[str] | None) -> list[str]:
    """The panels to draw: those given (checked), or every panel the profile has layers for."""
    if panels is None:
        panels = [
            p
            for p in PANELS
            if p == "constraints"
            or layer_keys(result, ("land_use",) if p == "land_use" else ("planning_zone",))
        ]
    unknown = [p for p in panels if p not in PANELS]
    if unknown:
        raise ValueError(f"unknown map panel(s) {', '.join(unknown)}; use {', '.join(PANELS)}")
    return list(panels)


def view_window(geometry: Any) -> tuple[float, float, float, float]:
    """A square window ``(xmin, ymin, xmax, ymax)`` around a site, with a margin."""
    xmin, ymin, xmax, ymax = geometry.bounds
    size = max(xmax - xmin, ymax - ymin, 1.0)
    half = size * 0.62 + 10.0
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    return cx - half, cy - half, cx + half, cy + half


@dataclass(frozen=True)
class Furniture:
    """Where a panel's north arrow and scale bar stand, in map coordinates.

    Attributes
    ----------
    arrow : tuple of float
        The arrow's foot (it points up from there, to true north).
    scale : tuple of float
        The scale bar's lower left corner.
    metres : float
        The scale bar's length (:func:`nice_length` of the window).
    """

    arrow: tuple[float, float]
    scale: tuple[float, float]
    metres: float


ARROW_CORNERS = ("upper right", "upper left", "lower right", "lower left")
"""Where the north arrow may stand, in the order it is tried."""

SCALE_CORNERS = ("lower left", "lower right", "upper left", "upper right")
"""Where the scale bar may stand, in the order it is tried."""

CLEARANCE = 0.02
"""How far (a share of the window's side) the site's red line must keep from the arrow and the
bar for a corner to be clear: a thin site's red line is 6 points wide, 0.015 of a panel."""


def furniture(geometry: Any, window: tuple[float, float, float, float]) -> Furniture:
    """Put the north arrow and the scale bar in corners the site's red line keeps clear of.

    A compact site fills the middle of its window and leaves the margins to
    them: the arrow at the upper right, the bar at the lower left. A road or a
    pipeline crosses its window from corner to corner; there each goes to the
    first corner of :data:`ARROW_CORNERS` and :data:`SCALE_CORNERS` whose
    ground (the arrow with its label, the bar with its lengths, grown by
    :data:`CLEARANCE`) the site does not meet, the two never in one corner.
    Where no corner is clear (or the site is empty) they keep the compact site's
    places.

    Examples
    --------
    >>> road = shapely.LineString([(0, 0), (1000, 1000)]).buffer(10)
    >>> placed = furniture(road, view_window(road))
    >>> [round(v) for v in (*placed.arrow, *placed.scale, placed.metres)]
    [-40, 885, 878, -78, 200]
    >>> square = shapely.box(0, 0, 1000, 1000)
    >>> placed = furniture(square, view_window(square))
    >>> [round(v) for v in (*placed.arrow, *placed.scale)]
    [1029, 878, -67, -67]
    """
    xmin, ymin, xmax, ymax = window
    span = xmax - xmin
    metres = nice_length(span)

    def arrow_at(corner: str) -> tuple[float, float]:
        x = xmax - span * 0.08 if corner.endswith("right") else xmin + span * 0.08
        return x, (ymax - span * 0.2 if corner.startswith("upper") else ymin + span * 0.06)

    def scale_at(corner: str) -> tuple[float, float]:
        x = xmin + span * 0.05 if corner.endswith("left") else xmax - span * 0.05 - metres
        return x, (ymin + span * 0.05 if corner.startswith("lower") else ymax - span * 0.11)

    grown = span * CLEARANCE
    grounds = [
        (x - span * 0.04 - grown, y - grown, x + span * 0.04 + grown, y + span * 0.16 + grown)
        for x, y in map(arrow_at, ARROW_CORNERS)
    ] + [
        (
            x - span * 0.02 - grown,
            y - grown,
            x + metres + span * 0.04 + grown,
            y + span * 0.07 + grown,
        )
        for x, y in map(scale_at, SCALE_CORNERS)
    ]
    met = shapely.intersects(geometry, shapely.box(*np.array(grounds).T)).tolist()
    clear = [c for c, m in zip(ARROW_CORNERS, met[:4], strict=True) if not m]
    arrow = clear[0] if clear else ARROW_CORNERS[0]
    free = [c for c, m in zip(SCALE_CORNERS, met[4:], strict=True) if not m and c != arrow]
    scale = free[0] if free else next(c for c in SCALE_CORNERS if c != arrow)
    return Furniture(arrow_at(arrow), scale_at(scale), metres)


def view_bounds(window: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """The window and a fiftieth of it more: how far the features around a site are drawn.

    Examples
    --------
    >>> view_bounds((0.0, 0.0, 100.0, 100.0))
    (-2.0, -2.0, 102.0, 102.0)
    """
    xmin, ymin, xmax, ymax = window
    pad = (xmax - xmin) * 0.02
    return xmin - pad, ymin - pad, xmax + pad, ymax + pad


def clipped_to_view(values: np.ndarray, window: tuple[float, float, float, float]) -> np.ndarray:
    """``values`` clipped to the window and a fiftieth of it more (clipped edges fall outside).

    What both kinds of map draw of the features around a site: a redline or
    zone polygon of a province reaches far beyond a site's window, and its
    vertices there cost a picture its time and show nothing. Only the features
    reaching beyond the window are clipped: GEOS hands back one that lies
    inside as it is, vertex for vertex, and most of a map's do. For the
    picture only: nothing is measured on it.

    Examples
    --------
    >>> far = np.array([shapely.box(-1000, 0, 50, 50), shapely.box(10, 10, 20, 20)])
    >>> clipped = clipped_to_view(far, (0.0, 0.0, 100.0, 100.0))
    >>> shapely.bounds(clipped).tolist(), clipped[1] is far[1]
    ([[-2.0, 0.0, 50.0, 50.0], [10.0, 10.0, 20.0, 20.0]], True)
    """
    west, south, east, north = view_bounds(window)
    bounds = shapely.bounds(values)
    inside = (
        (bounds[:, 0] > west)
        & (bounds[:, 1] > south)
        & (bounds[:, 2] < east)
        & (bounds[:, 3] < north)
    )  # False for an empty feature (its bounds are NaN): clipped, as GEOS would
    if inside.all():
        return values
    out = values.copy()  # ``values`` may be a batch's kept array
    crossing = np.flatnonzero(~inside)
    around = _around_view(values[crossing], (west, south, east, north))
    if around.any():
        out[crossing[around]] = shapely.box(west, south, east, north, ccw=False)
        crossing = crossing[~around]
    out[crossing] = shapely.clip_by_rect(values[crossing], west, south, east, north)
    return out


AROUND_ASKED_ABOVE = 2_000
"""Features of more vertices than this are asked whether the view lies inside them before they
are clipped (:func:`clipped_to_view`)."""


def _around_view(values: np.ndarray, view: tuple[float, float, float, float]) -> np.ndarray:
    """Which of ``values`` hold the ``view`` box in their interior: clipped, they are the box.

    GEOS's rectangle clipping walks every edge of a polygon, and finds the
    view inside a redline polygon of 100,000 vertices only after testing a
    corner against all of its ring (168 of the benchmark county's 236 clips
    of its redline polygons were such). A big polygon
    (:data:`AROUND_ASKED_ABOVE`) is asked instead, prepared (its edges
    indexed once for the batch), whether the box lies in its interior; if so
    GEOS would give the box itself, clockwise from its lower left, which is
    what is returned for it. Only flat polygons without an SRID are asked:
    GEOS gives the box of another feature a Z or an SRID, which it keeps.

    Examples
    --------
    >>> disc = shapely.Point(0, 0).buffer(100, quad_segs=800)  # 3,201 vertices
    >>> view = (10.0, 10.0, 20.0, 20.0)
    >>> _around_view(np.array([disc, shapely.box(0, 0, 100, 100)]), view).tolist()
    [True, False]
    >>> shapely.clip_by_rect(disc, *view).equals_exact(shapely.box(*view, ccw=False), 0)
    True
    """
    around = np.zeros(len(values), dtype=bool)
    asked = np.flatnonzero(shapely.get_num_coordinates(values) > AROUND_ASKED_ABOVE)
    if not len(asked):
        return around
    big = values[asked]
    flat = (
        np.isin(
            shapely.get_type_id(big),
            (shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON),
        )
        & ~shapely.has_z(big)
        & (shapely.get_srid(big) == 0)
    )
    asked, big = asked[flat], big[flat]
    shapely.prepare(big)  # kept on the features for the batch's next maps
    around[asked] = shapely.contains_properly(big, shapely.box(*view))
    return around


def nice_length(span: float) -> float:
    """A round scale-bar length (1, 2 or 5 × 10ⁿ m) of about a quarter of the span."""
    target = span / 4
    power = 10 ** math.floor(math.log10(target))
    for step in (5, 2, 1):
        if step * power <= target:
            return step * power
    return power


LEGEND_SWATCH = (1.6, 0.95)
"""A legend line's swatch: width and height in ems of the legend's font (matplotlib's handle)."""

LEGEND_TEXT_MIDDLE = 0.475
"""How far below a legend line's top its text is centred, in ems (the swatch's middle)."""


def text_width(text: str, size: float) -> float:
    """About how wide ``text`` is set in the CJK sans (full-width characters one em).

    Examples
    --------
    >>> round(text_width("农田 2 ha", 10.0), 6)  # two wide characters, five narrow
    47.5
    """
    wide = 0 if text.isascii() else sum(map(_is_wide, text))
    return (wide + 0.55 * (len(text) - wide)) * size


@lru_cache(maxsize=4096)
def _is_wide(character: str) -> bool:
    """Whether a character is set full width (East Asian width W or F); asked once a character."""
    return unicodedata.east_asian_width(character) in "WF"


def legend_lines(
    texts: Sequence[str], centre: float, top: float, size: float
) -> tuple[float, float, list[float]]:
    """Where a panel's legend goes: one line a text, the block centred on ``centre``.

    The layout of matplotlib's legend as the maps once asked it for (one
    column, no frame, handles 1.6 em long, rows 1.535 em apart), with the
    texts' widths estimated (:func:`text_width`) rather than measured, so
    neither map measures a text to place it.

    Parameters
    ----------
    texts : sequence of str
        The lines' texts, top to bottom.
    centre : float
        The horizontal middle of the panel.
    top : float
        The legend's top, measured down from the picture's top.
    size : float
        The legend's font size, in the units of ``centre`` and ``top``.

    Returns
    -------
    tuple
        The swatches' left edge, the texts' left edge, and each line's top
        (measured down, as ``top``).

    Examples
    --------
    The widest text is 47.5 wide, so the block is 79.5 wide (pads of 4, a swatch of 16, a
    gap of 8): it starts 39.75 left of the centre, its swatches a pad further right.

    >>> swatch, text, tops = legend_lines(["农田", "林地 2 ha"], 100.0, 50.0, 10.0)
    >>> round(swatch, 2), round(text, 2), [round(t, 2) for t in tops]
    (64.25, 88.25, [54.0, 69.35])
    """
    pad, handle, gap = 0.4 * size, LEGEND_SWATCH[0] * size, 0.8 * size
    pitch = 1.535 * size  # matplotlib's rows: handle height and label spacing
    widest = max((text_width(text, size) for text in texts), default=0.0)
    left = centre - (2 * pad + handle + gap + widest) / 2 + pad
    return left, left + handle + gap, [top + pad + i * pitch for i in range(len(texts))]


_PER_CRS: list[tuple[CRS, dict[str, Any]]] = []
"""What the last few CRSs' maps share, found by identity: hashing a CRS writes its WKT."""


def _kept_for(crs: CRS, name: str, build: Callable[[], Any]) -> Any:
    """``build()`` for ``crs``, made once while it is among the last few CRSs drawn in."""
    kept = next((k for known, k in _PER_CRS if known is crs), None)
    if kept is None:
        kept = {}
        _PER_CRS[:] = [(crs, kept), *_PER_CRS[:3]]
    if name not in kept:
        kept[name] = build()
    return kept[name]


def _geodetic_transformers(crs: CRS) -> tuple[Transformer, Transformer]:
    """Map → longitude and latitude, and back (made once a CRS: a batch's maps share them)."""

    def build() -> tuple[Transformer, Transformer]:
        to_geo = Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True)
        return to_geo, Transformer.from_crs(crs.geodetic_crs, crs, always_xy=True)

    return _kept_for(crs, "transformers", build)


def map_crs_label(crs: CRS) -> str:
    """:func:`~landcheck.crs.crs_label` of a map's CRS, found once for a batch's maps."""
    return _kept_for(crs, "label", lambda: crs_label(crs))


def convergence(crs: CRS, x: float, y: float) -> float:
    """Angle (radians, clockwise) from grid north to true north at a point."""
    try:
        to_geo, to_map = _geodetic_transformers(crs)
        lon, lat = to_geo.transform(x, y)
        nx, ny = to_map.transform(lon, min(lat + 0.01, 89.9))
    except Exception:  # a map without a rotated arrow is still a map
        return 0.0
    if not (np.isfinite(nx) and np.isfinite(ny)):
        return 0.0
    return math.atan2(nx - x, ny - y)


def piece_edges(edge: str, color: str, thin: bool, width: float, zorder: int) -> dict[str, Any]:
    """Outline of a site's pieces; on a thin (linear) site, a broad stroke over the red line.

    Returns matplotlib's ``edgecolor``, ``linewidth`` (points) and ``zorder``.
    """
    if thin:
        return {"edgecolor": color, "linewidth": 3.0, "zorder": 11}
    return {"edgecolor": edge, "linewidth": width, "zorder": zorder}


def is_thin(geometry: Any, window: tuple[float, float, float, float]) -> bool:
    """True when a site is too narrow at this scale for fills to show (a road, a pipeline)."""
    width = 2 * geometry.area / max(geometry.length, 1e-9)
    return width < (window[2] - window[0]) * 0.015


def class_lookup(result: CheckResult, key: str, column: str) -> dict[str, str]:
    """Code → ``column`` in the layer's classes (the same for every map: kept for the batch)."""
    table = result.class_table
    if table.empty or column not in table:
        return {}
    return code_lookup(table, key, column)


def piece_codes(frame: pd.DataFrame) -> pd.Series:
    """The class code of each piece ('' when the layer has none)."""
    if "_code" not in frame:
        return pd.Series([""] * len(frame))
    return frame["_code"].astype("string").fillna("").astype(str)


def panel_layer(result: CheckResult, kind: str, site_id: str) -> tuple[str | None, bool]:
    """The first layer of ``kind`` a class panel draws (None: none) and whether the site has it."""
    keys = layer_keys(result, (kind,))
    if not keys:
        return None, False
    return keys[0], result.layer(site_id, keys[0]).available


def land_use_label(
    group: str,
    codes: Sequence[str],
    groups: Sequence[str],
    names: dict[str, str],
    names_en: dict[str, str],
    lang: str,
) -> str:
    """The legend text of a level-1 land-use group, named after its first piece's class."""
    if not group:
        return label("unclassified", lang)
    first = next((c for c, g in zip(codes, groups, strict=True) if g == group), "")
    name = names.get(first, "")
    if lang == "en":
        name = names_en.get(first, "") or LEVEL1_EN.get(group, name)
    return f"{group} {name}".strip()


def planning_label(
    code: str, value: str, names: dict[str, str], names_en: dict[str, str], lang: str
) -> str:
    """The legend text of a planning zone: code, name and its conformity."""
    name = (names_en.get(code) if lang == "en" else None) or names.get(code) or code
    if lang == "zh":
        return f"{code} {name}（{CONFORMITY[value][0]}）"
    return f"{code} {name} ({CONFORMITY[value][1]})"
