"""Site maps: the site's red line over its overlaps, with legend, scale bar and north arrow.

:func:`site_map` draws one figure per site with up to three panels:

``constraints``
    the overlaps with the control lines (permanent farmland, ecological
    redline, urban development boundary) and any generic layer, each layer in
    its own colour, with township boundaries;
``land_use``
    the land-use survey parcels inside the site, coloured by level-1 class;
``planning``
    the planning zones inside the site, coloured by conformity.

A result keeps only what lies inside the sites, so the context drawn around
a site is what the result has near it: the other sites in view (grey dashed
outlines) and their overlaps (faded). Text uses the bundled CJK font, so maps
render the same on machines without Chinese fonts. The figure is a plain
:class:`matplotlib.figure.Figure` (no pyplot state); :func:`map_png` renders
it as a PNG for report.docx (report.html draws the same map as SVG:
:mod:`landcheck.report.svgmap`). Both find what they draw through
:mod:`landcheck.report.mapview`.
"""

from __future__ import annotations

import math
import multiprocessing
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

import numpy as np
import shapely
from matplotlib import rcParams
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle
from matplotlib.path import Path

from landcheck import forked
from landcheck.crs import crs_label
from landcheck.labels import label, status_label
from landcheck.report.aggtext import MapCanvas
from landcheck.report.mapview import (
    CONSTRAINT_KINDS,
    LEGEND_SWATCH,
    LEGEND_TEXT_MIDDLE,
    PANEL_TITLES,
    Furniture,
    OtherSites,
    chosen_panels,
    class_lookup,
    clipped_to_view,
    convergence,
    furniture,
    is_thin,
    land_use_label,
    layer_keys,
    legend_lines,
    other_sites,
    other_sites_label,
    panel_layer,
    piece_edges,
    planning_label,
    site_pieces,
    view_window,
)
from landcheck.report.palette import (
    CONFORMITY_COLORS,
    LEVEL1_COLORS,
    SITE_COLOR,
    layer_color,
)
from landcheck.report.png import rgb_png
from landcheck.result import CheckResult
from landcheck.typeface import font_families

__all__ = [
    "LEGEND_GID",
    "PARALLEL_MAPS",
    "map_png",
    "map_pngs",
    "prepare_map_pngs",
    "site_map",
]


LEGEND_GID = "legend"
"""The ``gid`` of a map's legend swatches and texts (each panel's, among its axes' patches and
texts, top to bottom)."""


@contextmanager
def _settings(changed: Mapping[str, Any]) -> Iterator[None]:
    """Set matplotlib's ``changed`` settings for a block, as ``rc_context(changed)`` would.

    ``rc_context`` copies and validates all of matplotlib's settings to restore
    them (about three hundred, twice a map: some 7 % of a map's CPU); this
    keeps and restores only the ones it sets, so it serves only blocks that
    change no other setting (a map's making and drawing).
    """
    kept = {key: rcParams[key] for key in changed}
    try:
        for key, value in changed.items():
            rcParams[key] = value
        yield
    finally:
        for key, value in kept.items():
            dict.__setitem__(rcParams, key, value)  # as rc_context restores them


def _text(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def _scale_bar(ax: Any, span: float, placed: Furniture, font: FontProperties) -> None:
    length = placed.metres
    height = span * 0.012
    x0, y0 = placed.scale
    for i in range(2):
        ax.add_artist(
            _rectangle(x0 + i * length / 2, y0, length / 2, height, "black" if i == 0 else "white")
        )
    text = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    ax.text(x0, y0 + height * 1.6, "0", fontproperties=font, ha="center", va="bottom")
    ax.text(x0 + length, y0 + height * 1.6, text, fontproperties=font, ha="center", va="bottom")


def _rectangle(x: float, y: float, w: float, h: float, color: str) -> Any:
    return Rectangle((x, y), w, h, facecolor=color, edgecolor="black", linewidth=0.6, zorder=20)


def _north_arrow(
    ax: Any,
    span: float,
    placed: Furniture,
    angle: float,
    font: FontProperties,
    lang: str,
) -> None:
    length = span * 0.09
    bx, by = placed.arrow
    tip = (bx + math.sin(angle) * length, by + math.cos(angle) * length)
    ax.annotate(
        "",
        xy=tip,
        xytext=(bx, by),
        zorder=21,
        arrowprops={
            "facecolor": "black",
            "edgecolor": "black",
            "width": 2.5,
            "headwidth": 9,
            "headlength": 9,
        },
    )
    ax.text(
        tip[0] + math.sin(angle) * span * 0.02,
        tip[1] + math.cos(angle) * span * 0.02,
        _text(lang, "北", "N"),
        fontproperties=font,
        ha="center",
        va="bottom",
        zorder=21,
    )


class _PolygonPaths(PatchCollection):
    """geopandas' polygon collection, given each polygon's path rather than a patch holding it.

    A patch not yet drawn holds its path untransformed, so the paths are the
    ones :class:`~matplotlib.collections.PatchCollection` would take from
    patches; no patch (an artist each) is made.
    """

    def set_paths(self, paths: Sequence[Path]) -> None:
        self._paths = list(paths)
        self.stale = True


_POLYGONAL = (shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON)
_LINEAR = (
    shapely.GeometryType.LINESTRING,
    shapely.GeometryType.LINEARRING,
    shapely.GeometryType.MULTILINESTRING,
)


def _split_by(owner: np.ndarray, rows: np.ndarray) -> list[np.ndarray]:
    """``rows`` cut into the runs of equal, ascending ``owner``."""
    return np.split(rows, np.flatnonzero(np.diff(owner)) + 1)


def _polygon_paths(polygons: np.ndarray) -> list[Path]:
    """One compound path per (multi)polygon: each ring closed, its shell and holes together."""
    parts, part_owner = shapely.get_parts(polygons, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    vertices, ring_of = shapely.get_coordinates(rings, return_index=True)
    codes = np.full(len(vertices), Path.LINETO, dtype=Path.code_type)
    starts = np.flatnonzero(np.diff(ring_of, prepend=-1))
    codes[starts] = Path.MOVETO
    codes[np.append(starts[1:], len(vertices)) - 1] = Path.CLOSEPOLY
    owner = part_owner[ring_part][ring_of]
    return [
        Path(v, c) for v, c in zip(_split_by(owner, vertices), _split_by(owner, codes), strict=True)
    ]


def _line_segments(lines: np.ndarray) -> list[np.ndarray]:
    """The vertices of every single line, multi-lines taken apart."""
    vertices, part = shapely.get_coordinates(shapely.get_parts(lines), return_index=True)
    return _split_by(part, vertices)


def _plot(
    ax: Any,
    geometries: Any,
    *,
    window: tuple[float, float, float, float] | None = None,
    **style: Any,
) -> None:
    """Draw polygons and lines as geopandas' ``GeoSeries.plot`` draws them.

    The same collections with the same paths and style: every geometry
    normalised (so holes wind against their shell), geometry collections taken
    apart, the polygons in one collection, then the lines in another; empty
    and missing geometries skipped. Without a GeoSeries or a collection class
    made per call (geopandas makes one each time), which cost a site's map
    about a fifth of its time. The maps draw no points.

    With a ``window``, what reaches beyond it is clipped first
    (:func:`~landcheck.report.mapview.clipped_to_view`): the panel shows the same
    shapes, and Agg is not given the vertices of a province's zone it would
    only clip away.
    """
    geoms = np.asarray(list(geometries), dtype=object)
    geoms = geoms[~shapely.is_missing(geoms)]
    geoms = geoms[~shapely.is_empty(geoms)]
    if window is not None and len(geoms):
        geoms = clipped_to_view(geoms, window)
        geoms = geoms[~shapely.is_empty(geoms)]
    geoms = shapely.normalize(geoms)
    kinds = shapely.get_type_id(geoms)
    collections = kinds == shapely.GeometryType.GEOMETRYCOLLECTION
    if collections.any():  # their members in their place
        parts = zip(geoms, collections, strict=True)
        geoms = np.concatenate([shapely.get_parts(g) if c else [g] for g, c in parts])
        kinds = shapely.get_type_id(geoms)
    polygons, lines = geoms[np.isin(kinds, _POLYGONAL)], geoms[np.isin(kinds, _LINEAR)]
    color = style.pop("color", None)
    if len(polygons):
        facecolor = style.pop("facecolor", None)
        facecolor = facecolor if color is None else color
        shapes = _PolygonPaths(_polygon_paths(polygons), facecolor=facecolor, **style)
        ax.add_collection(shapes, autolim=False)
    if len(lines):
        colored = style if color is None else {**style, "color": color}
        ax.add_collection(LineCollection(_line_segments(lines), **colored), autolim=False)


def _context(
    ax: Any,
    others: OtherSites | None,
    window: tuple[float, float, float, float],
    font: FontProperties,
) -> bool:
    """Draw the other sites in view; return True if there were any.

    ``others`` is :func:`~landcheck.report.mapview.other_sites`, found once for a map's panels.
    """
    if others is None:
        return False
    _plot(
        ax,
        others.geometries,
        window=window,
        facecolor="none",
        edgecolor="#566573",
        linewidth=1.0,
        linestyle="--",
        zorder=9,
    )
    for site_id, point in zip(others.ids, others.points, strict=True):
        if not point.is_empty:
            ax.text(
                point.x,
                point.y,
                str(site_id),
                fontproperties=font,
                color="#566573",
                ha="center",
                va="center",
                zorder=11,
            )
    return True


def _constraints(
    ax: Any,
    result: CheckResult,
    position: int,
    site_id: str,
    window: tuple[float, float, float, float],
    lang: str,
    font: FontProperties,
    thin: bool = False,
) -> list[Any]:
    handles = []
    for key in layer_keys(result, CONSTRAINT_KINDS):
        style = layer_color(result, key)
        view = result.layer(site_id, key)
        title = result.profile.layers[key].title.get(lang)
        if not view.available:
            unavailable = label("unavailable", lang)
            handles.append(
                _unavailable(f"{title}：{unavailable}" if lang == "zh" else f"{title}: not checked")
            )
            continue
        mine, others = site_pieces(result, key, position, window)
        if others is not None and len(others):
            _plot(
                ax,
                others.geometries,
                window=window,
                facecolor=style["color"],
                edgecolor=style["edge"],
                alpha=0.25,
                linewidth=0.4,
                zorder=3,
            )
        if mine is not None and len(mine):
            _plot(
                ax,
                mine.geometries,
                facecolor=style["color"],
                hatch=style["hatch"],
                alpha=0.75,
                **piece_edges(style["edge"], style["color"], thin, 0.8, 4),
            )
        area = view.overlap.ha
        text = f"{title} {area:.4f} 公顷" if lang == "zh" else f"{title} {area:.4f} ha"
        handles.append(
            _entry(
                facecolor=style["color"],
                edgecolor=style["edge"],
                hatch=style["hatch"],
                alpha=0.75,
                label=text,
            )
        )
    for key in layer_keys(result, ("admin",)):
        mine, _ = site_pieces(result, key, position, window)
        if mine is None or not len(mine):
            continue
        geometries = mine.geometries
        _plot(
            ax,
            shapely.boundary(geometries),
            color="#34495e",
            linewidth=0.8,
            linestyle=":",
            zorder=6,
        )
        for name, geometry in zip(mine.names, geometries, strict=True):
            point = geometry.representative_point()
            ax.text(
                point.x,
                point.y,
                str(name),
                fontproperties=font,
                color="#34495e",
                ha="center",
                va="center",
                zorder=12,
                alpha=0.9,
            )
        handles.append(
            _entry(
                facecolor="none",
                edgecolor="#34495e",
                linestyle=":",
                label=result.profile.layers[key].title.get(lang),
            )
        )
    return handles


def _entry(**style: Any) -> Rectangle:
    """A legend entry: its swatch, styled, labelled and placed by :func:`_legend`.

    The swatch is the entry itself (no handle copied into a swatch), so an
    entry makes one artist.
    """
    return Rectangle((0.0, 0.0), 1.0, 1.0, **style)


def _unavailable(text: str) -> Rectangle:
    """The legend entry, labelled ``text``, of a layer that could not be used."""
    return _entry(facecolor="white", edgecolor="#999999", hatch="xx", label=text)


def _land_use(
    ax: Any,
    result: CheckResult,
    position: int,
    site_id: str,
    window: tuple[float, float, float, float],
    lang: str,
    thin: bool = False,
) -> list[Any]:
    handles: list[Any] = []
    key, available = panel_layer(result, "land_use", site_id)
    if key is None:
        return handles
    if not available:
        return [_unavailable(label("unavailable", lang))]
    level1 = class_lookup(result, key, "level1")
    names = class_lookup(result, key, "level1_name")
    names_en = class_lookup(result, key, "level1_name_en")
    mine, others = site_pieces(result, key, position, window)
    seen: dict[str, str] = {}
    for frame, alpha, zorder in ((others, 0.3, 2), (mine, 0.9, 3)):
        if frame is None or not len(frame):
            continue
        codes = frame.codes
        groups = [level1.get(c, "") for c in codes]
        for group in sorted(set(groups)):
            chosen = np.asarray(groups) == group
            color = LEVEL1_COLORS.get(group, "#ffffff")
            _plot(
                ax,
                frame.geometries[chosen],
                window=window,
                facecolor=color,
                alpha=alpha,
                hatch="" if group else "xx",
                **piece_edges("#7b7d7d", color, thin and frame is mine, 0.4, zorder),
            )
            if frame is mine:
                seen[group] = land_use_label(group, codes, groups, names, names_en, lang)
    for group in sorted(seen):
        handles.append(
            _entry(
                facecolor=LEVEL1_COLORS.get(group, "#ffffff"),
                edgecolor="#7b7d7d",
                hatch="" if group else "xx",
                label=seen[group],
            )
        )
    return handles


def _planning(
    ax: Any,
    result: CheckResult,
    position: int,
    site_id: str,
    window: tuple[float, float, float, float],
    lang: str,
    thin: bool = False,
) -> list[Any]:
    key, available = panel_layer(result, "planning_zone", site_id)
    if key is None:
        return []
    if not available:
        return [_unavailable(label("unavailable", lang))]
    conformity = class_lookup(result, key, "conformity")
    names = class_lookup(result, key, "name")
    names_en = class_lookup(result, key, "name_en")
    mine, others = site_pieces(result, key, position, window)
    entries: dict[str, tuple[str, str]] = {}
    for frame, alpha, zorder in ((others, 0.3, 2), (mine, 0.85, 3)):
        if frame is None or not len(frame):
            continue
        codes = frame.codes
        values = [conformity.get(c, "") for c in codes]
        for value in sorted(set(values)):
            chosen = np.asarray(values) == value
            color = CONFORMITY_COLORS.get(value, "#d5d8dc")
            _plot(
                ax,
                frame.geometries[chosen],
                window=window,
                facecolor=color,
                alpha=alpha,
                hatch="xx" if value == "conflict" else "",
                **piece_edges("#7b7d7d", color, thin and frame is mine, 0.4, zorder),
            )
        if frame is mine:
            for code, value in zip(codes, values, strict=True):
                entries[code] = (value, planning_label(code, value, names, names_en, lang))
    return [
        _entry(
            facecolor=CONFORMITY_COLORS.get(value, "#d5d8dc"),
            edgecolor="#7b7d7d",
            hatch="xx" if value == "conflict" else "",
            label=text,
        )
        for _, (value, text) in sorted(entries.items())
    ]


def site_map(
    result: CheckResult,
    site_id: str,
    *,
    lang: str = "zh",
    panels: Sequence[str] | None = None,
    panel_size: float = 4.2,
) -> Figure:
    """Draw a site's map.

    Each panel shows a window around the site (:func:`~landcheck.report.mapview.view_window`);
    the features around the site are drawn as far as a fiftieth of the window beyond it
    (:func:`~landcheck.report.mapview.clipped_to_view`), as report.html's maps draw them:
    widening a panel's limits afterwards shows them cut there (``result.context`` holds them
    whole).

    Parameters
    ----------
    result : CheckResult
        The result holding the site.
    site_id : str
        The site to draw.
    lang : {"zh", "en"}
        Language of titles and legends.
    panels : sequence of str, optional
        Any of :data:`~landcheck.report.mapview.PANELS`; default: all the profile has layers for.
    panel_size : float
        Width of one panel in inches.

    Returns
    -------
    matplotlib.figure.Figure
        A new figure.
    """
    return _site_map(result, site_id, lang=lang, panels=panels, panel_size=panel_size)


class _Background(Rectangle):
    """A map panel's background, the unit square of its axes: its patch transform made once.

    Every artist added to the panel is clipped to it, and matplotlib builds its
    transform anew each time it is asked (a tenth of making a map's
    artists); the square never moves in its axes.
    """

    _fixed: Any = None

    def get_patch_transform(self) -> Any:
        if self._fixed is None:
            self._fixed = super().get_patch_transform()
        return self._fixed


class _MapAxes(Axes):
    """A kept figure's map panel: a :class:`_Background`, and no axes laid out (the same picture).

    A map has no ticks, tick labels or axis labels: its x and y axes draw
    nothing but were laid out at every draw (its frame is the spines), so
    :func:`_new_figure` hides them. Only the figures :func:`map_png` keeps
    are made of these; :func:`site_map`'s are plain matplotlib axes a
    notebook may add ticks or a grid to.
    """

    def _gen_axes_patch(self) -> Rectangle:
        return _Background((0.0, 0.0), 1.0, 1.0)


def _new_figure(panels: int, panel_size: float, *, kept: bool = False) -> tuple[Figure, list[Any]]:
    """A figure with a map panel for each of ``panels`` (call under the maps' rc settings).

    ``kept``: a figure :func:`map_png` keeps, of :class:`_MapAxes`.
    """
    figure = Figure(figsize=(panel_size * panels, panel_size * 1.3))
    kind = _MapAxes if kept else Axes
    axes = [figure.add_axes((0.0, 0.0, 1.0, 1.0), axes_class=kind) for _ in range(panels)]
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_facecolor("#fbfcfc")
        if kept:
            ax.xaxis.set_visible(False)
            ax.yaxis.set_visible(False)
    return figure, axes


_KEPT: dict[tuple[int, float], tuple[Figure, list[Any]]] = {}
"""The figures :func:`map_png` draws on in this process, by panel count and size."""

_KEPT_LOCK = threading.Lock()


def _kept_figure(panels: int, panel_size: float) -> tuple[Figure, list[Any]]:
    """The process's figure for maps of ``panels`` panels, emptied of the last map drawn on it.

    Making a figure's axes is about a sixth of a map's time; a batch's maps
    are drawn on one figure a process instead, each map's artists (shapes,
    texts, patches, legend) taken off before the next. Only maps whose panels
    are all given their limits and aspect come here (an empty site's map takes
    a new figure), so the data limits left do not count: the picture is a new
    figure's (tested). Call with :data:`_KEPT_LOCK` held.
    """
    key = (panels, panel_size)
    if key not in _KEPT:
        _KEPT[key] = _new_figure(panels, panel_size, kept=True)
        return _KEPT[key]
    figure, axes = _KEPT[key]
    for ax in axes:
        for artist in [*ax.collections, *ax.patches, *ax.texts, *ax.lines]:
            artist.remove()
    return figure, axes


def _site_map(
    result: CheckResult,
    site_id: str,
    *,
    lang: str,
    panels: Sequence[str] | None,
    panel_size: float,
    kept: bool = False,
) -> Figure:
    """:func:`site_map`; ``kept``: drawn on this process's kept figure (:func:`_kept_figure`)."""
    position = result._position(site_id)
    site = result.sites.iloc[position]
    geometry = site.geometry
    chosen = chosen_panels(result, panels)
    families = list(font_families())
    with _settings(
        {
            "font.family": families,
            "font.size": 8,
            # every text is drawn as written: a name holding "$…$" is not mathtext (which would
            # set it as a formula, or fail on one it cannot parse and take the report down)
            "text.parse_math": False,
            "hatch.linewidth": 0.5,
            "axes.titlesize": 10,
            # the panels' titles sit on the axes' top edge: a map's axes have no tick labels
            # or axis label above them, which matplotlib would otherwise look for at every draw
            "axes.titley": 1.0,
        }
    ):
        font = FontProperties(family=families, size=7.5)
        empty = geometry is None or geometry.is_empty
        if kept and not empty:
            figure, axes = _kept_figure(len(chosen), panel_size)
        else:
            figure, axes = _new_figure(len(chosen), panel_size)
        name = str(site["name"]) if site["name"] else ""
        status = status_label(result.status(site_id), lang)
        figure.suptitle(
            f"{site_id} {name}（{status}）" if lang == "zh" else f"{site_id} {name} ({status})",
            fontsize=11,
            y=0.99,
            va="top",
        )
        window = view_window(geometry) if not empty else (0.0, 0.0, 1.0, 1.0)
        angle = 0.0 if empty else convergence(result.analysis_crs, *geometry.centroid.coords[0])
        thin = not empty and is_thin(geometry, window)
        others = None if empty else other_sites(result, position, window)
        placed = furniture(geometry, window)
        legends: list[list[Rectangle]] = []
        for ax, panel in zip(axes, chosen, strict=True):
            ax.set_title(_text(lang, *PANEL_TITLES[panel]))
            if empty:
                ax.text(
                    0.5,
                    0.5,
                    _text(lang, "无有效几何图形", "no geometry"),
                    transform=ax.transAxes,
                    ha="center",
                )
                legends.append([])
                continue
            had_context = _context(ax, others, window, font)
            if panel == "constraints":
                handles = _constraints(ax, result, position, site_id, window, lang, font, thin)
            elif panel == "land_use":
                handles = _land_use(ax, result, position, site_id, window, lang, thin)
            else:
                handles = _planning(ax, result, position, site_id, window, lang, thin)
            # a thin site's red line is a broad halo under its pieces' strokes
            _plot(
                ax,
                [geometry],
                facecolor="none",
                edgecolor=SITE_COLOR,
                linewidth=6.0 if thin else 2.0,
                zorder=10,
            )
            handles.insert(
                0,
                _entry(
                    facecolor="none",
                    edgecolor=SITE_COLOR,
                    linewidth=2.0,
                    label=f"{label('site', lang)} {site_id}",
                ),
            )
            if had_context:
                handles.append(
                    _entry(
                        facecolor="none",
                        edgecolor="#566573",
                        linestyle="--",
                        label=other_sites_label(others, lang),
                    )
                )
            ax.set_aspect("equal", adjustable="box")
            ax.set_xlim(window[0], window[2])
            ax.set_ylim(window[1], window[3])
            _scale_bar(ax, window[2] - window[0], placed, font)
            _north_arrow(ax, window[2] - window[0], placed, angle, font, lang)
            ax.text(
                0.99,
                0.01,
                crs_label(result.analysis_crs),
                transform=ax.transAxes,
                ha="right",
                va="bottom",
                fontproperties=font,
                color="#7b7d7d",
            )
            legends.append(handles)
        _layout(figure, axes, panel_size, max(map(len, legends), default=0))
        for ax, handles in zip(axes, legends, strict=True):
            _legend(ax, handles, font)
    return figure


def _legend(ax: Any, handles: Sequence[Rectangle], font: FontProperties) -> None:
    """Draw a panel's legend under it, as the SVG map lays it out (:func:`legend_lines`).

    Each line is the entry's swatch (:func:`_entry`: a rectangle with the
    entry's colours, hatch and line) and its label, placed in inches on the
    figure: no matplotlib legend, whose packers measure every label two or
    three times a draw (two fifths of a map's time).
    """
    figure = ax.figure
    width, height = figure.get_size_inches()
    box = ax.get_position()
    size = font.get_size_in_points() / 72.0
    top = (1.0 - box.y0) * height + 0.015 * box.height * height  # inches below the figure's top
    centre = (box.x0 + box.width / 2) * width
    texts = [handle.get_label() for handle in handles]
    left, text_left, tops = legend_lines(texts, centre, top, size)
    swatch_width, swatch_height = LEGEND_SWATCH[0] * size, LEGEND_SWATCH[1] * size
    inches = figure.dpi_scale_trans
    for swatch, text, line_top in zip(handles, texts, tops, strict=True):
        swatch.set_bounds(left, height - line_top - swatch_height, swatch_width, swatch_height)
        swatch.set(transform=inches, gid=LEGEND_GID)
        ax.add_artist(swatch)
        swatch.set_clip_on(False)
        ax.text(
            text_left,
            height - line_top - LEGEND_TEXT_MIDDLE * size,
            text,
            transform=inches,
            fontproperties=font,
            va="center",
            gid=LEGEND_GID,
        )


def _layout(figure: Figure, axes: Sequence[Any], panel: float, entries: int) -> None:
    """Place square map panels side by side, the title above, legends below."""
    margin, title, gap = 0.1, 0.62, 0.12
    side = panel - 2 * margin
    legend = entries * 0.19 + 0.1 if entries else 0.0
    height = title + side + gap + legend
    figure.set_size_inches(panel * len(axes), height)
    width = panel * len(axes)
    for i, ax in enumerate(axes):
        ax.set_position(
            (
                (i * panel + margin) / width,
                (gap + legend) / height,
                side / width,
                side / height,
            )
        )


def map_png(
    result: CheckResult,
    site_id: str,
    *,
    lang: str = "zh",
    dpi: int = 110,
    panel_size: float | None = None,
) -> bytes:
    """Render :func:`site_map` as PNG bytes (``panel_size``: inches a panel, as it takes).

    The map is drawn on a figure this process keeps for its maps
    (:func:`_kept_figure`): the same picture as a new figure's, without
    making one each time.
    """
    size = 4.2 if panel_size is None else panel_size
    with _KEPT_LOCK:
        figure = _site_map(result, site_id, lang=lang, panels=None, panel_size=size, kept=True)
        return _png(figure, dpi)


def prepare_map_pngs(
    result: CheckResult, *, lang: str = "zh", dpi: int = 110, panel_size: float | None = None
) -> None:
    """Build in this process what every PNG map of ``result`` looks up, by drawing its first site's.

    The layers' R-trees, the columns kept for the batch, the class lookups
    (:mod:`landcheck.report.mapcache`), the kept figure and the texts'
    metrics: made once here, before map workers are forked, instead of once
    in every worker (for 10,653 sites 0.6 s of CPU and 140 MB a worker). The
    texts' layouts and glyphs are not shared: each worker makes its own with
    fonts of its own (:mod:`landcheck.report.aggtext`). The same arguments as
    the workers' :func:`map_png` calls.
    """
    if result.site_ids:
        map_png(result, result.site_ids[0], lang=lang, dpi=dpi, panel_size=panel_size)


def _png(figure: Figure, dpi: int) -> bytes:
    """``figure`` drawn at ``dpi`` as an RGB PNG: ``savefig``'s picture without its alpha channel.

    The maps are opaque (a white figure, panels of one opaque colour), so
    the alpha channel matplotlib draws is 255 throughout: the PNG holds the
    three colour channels (:func:`~landcheck.report.png.rgb_png`, tested: the
    same pixels as ``savefig``'s). Drawn by the figure's own Agg canvas, which
    keeps its renderer for the next map of the same size and draws the texts
    from what the process's maps have laid out and rendered before
    (:class:`~landcheck.report.aggtext.MapCanvas`: the same pixels).
    """
    canvas = figure.canvas
    if not isinstance(canvas, MapCanvas):
        canvas = MapCanvas(figure)
    figure.dpi = dpi
    with _settings({"hatch.linewidth": 0.5}):
        canvas.draw()
    return rgb_png(np.asarray(canvas.buffer_rgba()), dpi)


PARALLEL_MAPS = 12
"""From this many sites on, :func:`map_pngs` draws the maps in worker processes."""

_CHUNK = 4
"""Maps a worker draws per task: few, so results come back in order without long waits."""

_DRAWING: dict[str, Any] = {}
"""What forked workers draw from: the result and how to draw (set only while they start)."""

_DRAWING_LOCK = threading.Lock()


def _map_workers(sites: int, workers: int | None) -> int:
    """Worker processes for ``sites`` maps: 0 draws them here.

    Workers are forked (:func:`landcheck.forked.worker_count`), so they
    share the result with this process without copying or pickling it, and
    matplotlib (not thread-safe) runs once per process.
    """
    return 0 if sites < PARALLEL_MAPS else forked.worker_count(sites, workers)


def _draw_chunk(site_ids: list[str]) -> list[bytes]:
    drawing = _DRAWING
    return [
        map_png(
            drawing["result"],
            site_id,
            lang=drawing["lang"],
            dpi=drawing["dpi"],
            panel_size=drawing["panel_size"],
        )
        for site_id in site_ids
    ]


def map_pngs(
    result: CheckResult,
    site_ids: Sequence[str] | None = None,
    *,
    lang: str = "zh",
    dpi: int = 110,
    panel_size: float | None = None,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> Iterator[bytes]:
    """Yield the sites' maps as PNG bytes, in order, drawn in parallel for many sites.

    The same images as :func:`map_png` site by site. From :data:`PARALLEL_MAPS`
    sites on (Linux), they are drawn by forked worker processes, one per core
    (``workers`` to choose), a few sites a task; the images come back in order
    and only a few tasks ahead of the one being read are kept.

    Parameters
    ----------
    result : CheckResult
        The result holding the sites.
    site_ids : sequence of str, optional
        The sites to draw (default: all, in order).
    lang, dpi, panel_size
        As :func:`map_png` takes them.
    progress : callable, optional
        ``progress(done, total)`` after each map.
    workers : int, optional
        Worker processes (default: the cores this process may use; 1 draws here).
    """
    site_ids = list(result.site_ids if site_ids is None else site_ids)
    total = len(site_ids)
    count = _map_workers(total, workers)
    if not count:
        for done, site_id in enumerate(site_ids, start=1):
            yield map_png(result, site_id, lang=lang, dpi=dpi, panel_size=panel_size)
            if progress is not None:
                progress(done, total)
        return
    prepare_map_pngs(result, lang=lang, dpi=dpi, panel_size=panel_size)
    chunks = [site_ids[i : i + _CHUNK] for i in range(0, total, _CHUNK)]
    context = multiprocessing.get_context("fork")
    with _DRAWING_LOCK:
        _DRAWING.update(result=result, lang=lang, dpi=dpi, panel_size=panel_size)
        try:
            pool = ProcessPoolExecutor(
                max_workers=min(count, len(chunks)),
                mp_context=context,
                initializer=forked.start_worker,
            )
            # the workers are forked when the first tasks are submitted, holding _DRAWING
            ahead = 4 * count
            pending = [pool.submit(_draw_chunk, chunk) for chunk in chunks[:ahead]]
        finally:
            _DRAWING.clear()
    done = 0
    try:
        for index in range(len(chunks)):
            images = forked.job_result(pending[index])
            pending[index] = None  # type: ignore[call-overload]
            if index + ahead < len(chunks):
                pending.append(pool.submit(_draw_chunk, chunks[index + ahead]))
            for image in images:
                done += 1
                yield image
                if progress is not None:
                    progress(done, total)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
