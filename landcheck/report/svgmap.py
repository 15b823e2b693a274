"""Site maps as inline SVG for report.html, drawn straight from the geometry.

:func:`site_svg` draws the map :func:`landcheck.report.maps.site_map` draws —
the same panels (constraints, land use, planning), window, colours, edges,
legend entries, scale bar, north arrow, titles and labels — as an SVG
string, without matplotlib and without encoding an image: a few
milliseconds a site where a PNG costs a quarter of a second of CPU. The
PNGs stay for report.docx, ``CheckResult.plot`` and the notebooks.

The geometry of a panel goes into a handful of ``<path>`` elements, one per
style: every polygon's rings (exteriors counter-clockwise, holes clockwise,
so the nonzero fill leaves holes empty and overlapping features filled) are
moved to pixels by one affine transform in numpy and written to 0.1 px.
The features around the site are clipped to the panel and simplified to
half a pixel first (the picture only: no number is read from it); the
site's outline and its own pieces are drawn exactly.

Every text in the SVG (site ids and names, layer titles, class names) is
escaped; the SVG holds no script, no event attribute, no ``<foreignObject>``
and no reference but to its own patterns and clip paths (``url(#…)``), and
it is styled by presentation attributes only, so it needs nothing a page's
Content-Security-Policy would have to allow. Text takes the page's font.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from markupsafe import escape

from landcheck.labels import label, status_label
from landcheck.report.mapcache import kept_geometries, site_name
from landcheck.report.mapview import (
    CONSTRAINT_KINDS,
    LEGEND_SWATCH,
    LEGEND_TEXT_MIDDLE,
    PANEL_TITLES,
    Furniture,
    Rows,
    chosen_panels,
    class_lookup,
    clipped_to_view,
    convergence,
    furniture,
    is_thin,
    land_use_label,
    layer_keys,
    legend_lines,
    map_crs_label,
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
from landcheck.result import CheckResult
from landcheck.text import shown_reordering

__all__ = ["DPI", "prepare_maps", "site_svg", "site_svgs"]

DPI = 110
"""Pixels an inch, as the PNG maps of report.html were drawn: the same sizes in pixels."""

_PT = DPI / 72
"""Pixels a typographic point."""

# site_map's figure in pixels: panels 4.2 in wide, square axes inside a 0.1 in margin, 0.62 in
# for the titles above, a 0.12 in gap and 0.19 in a legend entry below
_PANEL = 4.2 * DPI
_MARGIN = 0.1 * DPI
_TITLE = 0.62 * DPI
_GAP = 0.12 * DPI
_ENTRY = 0.19 * DPI
_SIDE = _PANEL - 2 * _MARGIN
_FONT = 7.5 * _PT
_OTHER_SITES = "#566573"
_ADMIN = "#34495e"
_PIECE_EDGE = "#7b7d7d"
_DASHED = (3.7, 1.6)  # matplotlib's "--" and ":", in line widths
_DOTTED = (1.0, 1.65)
_PREFIX = re.compile(r"^[A-Za-z][\w-]*$")


@dataclass(frozen=True)
class _Entry:
    """One line of a panel's legend: its swatch and its text.

    ``fill`` is a colour or ``"none"``; ``hatch`` a matplotlib hatch
    (``"///"``, ``"xx"``, ``".."``…) drawn in the ``edge`` colour; ``dash``
    ``"--"``, ``":"`` or ``""``; ``width`` the edge's width in points.
    """

    text: str
    fill: str
    edge: str
    hatch: str = ""
    alpha: float = 1.0
    dash: str = ""
    width: float = 1.0


@dataclass(frozen=True)
class _Frame:
    """A panel's square axes in pixels and the map window it shows."""

    left: float
    top: float
    window: tuple[float, float, float, float]

    @property
    def scale(self) -> float:
        """Pixels a metre."""
        return _SIDE / (self.window[2] - self.window[0])

    def pixels(self, coordinates: np.ndarray) -> np.ndarray:
        """Map coordinates (n × 2) → pixels, y down."""
        return _to_pixels(
            coordinates, self.left, self.top, self.window[0], self.window[3], self.scale
        )

    def point(self, x: float, y: float) -> tuple[float, float]:
        """One map point → pixels (the same numbers as :meth:`pixels`)."""
        scale = self.scale
        return (
            float(self.left + (x - self.window[0]) * scale),
            float(self.top + (self.window[3] - y) * scale),
        )


@dataclass(frozen=True)
class _Path:
    """A ``<path>`` element whose data its panel computes later (:func:`_paths_data`).

    ``number`` is the panel's request of that data; the element is left out
    when the data are empty. ``hatch`` (hatch, colour): the path is filled
    with that pattern, made when the element is written, after ``before``
    and the data.
    """

    number: int
    before: str
    after: str
    hatch: tuple[str, str] | None = None


_Markup = list[str | _Path]


@dataclass
class _Drawing:
    """The SVG elements of one map or panel, drawn in z order (then in the order added).

    A panel's paths are asked for (:meth:`path`) as it is drawn and computed
    all at once when it is written (:meth:`body`; a map's panels together,
    :func:`_panel_bodies`): a map draws a few dozen paths, and computing each
    alone cost more than their data.
    """

    prefix: str
    items: list[tuple[float, int, str | _Markup]] = field(default_factory=list)
    patterns: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    frame: _Frame | None = None
    paths: list[tuple[np.ndarray, bool]] = field(default_factory=list)

    def add(self, z: float, markup: str | _Markup) -> None:
        if markup:
            self.items.append((z, len(self.items), markup))

    def path(self, geometries: np.ndarray, polygons: bool) -> int:
        """Ask for the path data of polygons (their rings, closed) or of lines; its number."""
        self.paths.append((geometries, polygons))
        return len(self.paths) - 1

    def hatch(self, hatch: str, color: str) -> str:
        """``url(#…)`` of the pattern drawing ``hatch`` in ``color`` (made once a map)."""
        if (hatch, color) not in self.patterns:
            ident = f"{self.prefix}-h{len(self.patterns)}"
            self.patterns[hatch, color] = (ident, _pattern(ident, hatch, color))
        return f"url(#{self.patterns[hatch, color][0]})"

    def body(self, data: list[str] | None = None) -> str:
        """The elements in z order; patterns are made in the order their elements were added.

        ``data``: the path data of :attr:`paths`, when computed with other panels'.
        """
        if data is None:
            frames = [self.frame] * len(self.paths) if self.frame else []
            data = _paths_data(self.paths, frames) if frames else []
        written = [
            (z, number, markup if isinstance(markup, str) else self._written(markup, data))
            for z, number, markup in self.items
        ]
        return "".join(m for _, _, m in sorted(written))

    def _written(self, markup: _Markup, data: list[str]) -> str:
        out = []
        for part in markup:
            if isinstance(part, str):
                out.append(part)
            elif data[part.number]:
                fill = "" if part.hatch is None else f'" fill="{self.hatch(*part.hatch)}"'
                out.append(part.before + data[part.number] + fill + part.after)
        return "".join(out)

    def defs(self) -> str:
        return "".join(markup for _, markup in self.patterns.values())


def _pattern(ident: str, hatch: str, color: str) -> str:
    """A ``<pattern>`` drawing a matplotlib hatch as Agg does at :data:`DPI`.

    Matplotlib's Agg draws ``n`` hatch characters as ``3·n`` lines (or rows of
    dots) an inch, 0.5 pt wide, in the edge colour (measured on its PNGs).
    """
    forward = hatch.count("/") + hatch.count("x") + hatch.count("X")
    backward = hatch.count("\\") + hatch.count("x") + hatch.count("X")
    dots = hatch.count(".")
    c = DPI / (3 * max(forward, backward, dots, 1))
    stroke = f'stroke="{color}" stroke-width="{0.5 * _PT:.2f}" fill="none"'
    shapes = []
    if forward:
        shapes.append(
            f'<path d="M{-c:.2f},{c:.2f}L{c:.2f},{-c:.2f}M0,{c:.2f}L{c:.2f},0'
            f'M0,{2 * c:.2f}L{2 * c:.2f},0" {stroke}/>'
        )
    if backward:
        shapes.append(
            f'<path d="M0,0L{c:.2f},{c:.2f}M0,{-c:.2f}L{2 * c:.2f},{c:.2f}'
            f'M{-c:.2f},0L{c:.2f},{2 * c:.2f}" {stroke}/>'
        )
    height = 2 * c if dots else c
    if dots:  # staggered rows, as matplotlib's small filled circles
        for x, y in ((c / 4, c / 2), (3 * c / 4, 3 * c / 2)):
            shapes.append(f'<circle cx="{x:.2f}" cy="{y:.2f}" r="{0.1 * c:.2f}" fill="{color}"/>')
    return (
        f'<pattern id="{ident}" patternUnits="userSpaceOnUse" width="{c:.2f}" '
        f'height="{height:.2f}">{"".join(shapes)}</pattern>'
    )


def _number(value: float) -> str:
    return f"{value:.1f}"


_TEXT_SHIFT = {"top": 0.88, "center": 0.36, "bottom": -0.14}
"""How far below ``y`` a text's baseline is for each vertical alignment, in ems of its size."""


def _text(
    x: float,
    y: float,
    text: str,
    *,
    size: float = _FONT,
    color: str = "black",
    anchor: str = "middle",
    valign: str = "center",
    opacity: float = 1.0,
    css: str = "",
) -> str:
    """A ``<text>`` placed as matplotlib aligns it (``valign``: top, center or bottom)."""
    shift = _TEXT_SHIFT[valign] * size
    extra = f' fill-opacity="{opacity:g}"' if opacity < 1 else ""
    extra += f' class="{css}"' if css else ""
    return (
        f'<text x="{_number(x)}" y="{_number(y + shift)}" font-size="{size:.2f}" '
        f'fill="{color}" text-anchor="{anchor}"{extra}>{escape(shown_reordering(text))}</text>'
    )


def _parts(geometries: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The polygons, lines and points among ``geometries`` (multi-parts and collections split)."""
    values = np.asarray(geometries, dtype=object)
    kinds = shapely.get_type_id(values)
    # polygons only, as most are (empty ones draw nothing); asked of the few kinds as a set,
    # which for a panel's handful of features costs a fifth of numpy's comparison and `all`
    if set(kinds.tolist()) <= {3}:
        return values, values[:0], values[:0]
    parts = values[~(shapely.is_missing(values) | shapely.is_empty(values))]
    kinds = shapely.get_type_id(parts)
    while (kinds >= 4).any():  # multi-parts and collections, nested ones too
        parts = shapely.get_parts(parts)
        kinds = shapely.get_type_id(parts)
    return parts[kinds == 3], parts[(kinds == 1) | (kinds == 2)], parts[kinds == 0]


def _panel_bodies(drawings: Sequence[_Drawing]) -> list[str]:
    """Each panel's :meth:`_Drawing.body`, the path data of all of them computed in one pass."""
    requests = [request for drawing in drawings for request in drawing.paths]
    frames = [drawing.frame for drawing in drawings for _ in drawing.paths]
    data = _paths_data(requests, frames) if requests else []
    bodies, start = [], 0
    for drawing in drawings:
        bodies.append(drawing.body(data[start : start + len(drawing.paths)]))
        start += len(drawing.paths)
    return bodies


def _paths_data(requests: Sequence[tuple[np.ndarray, bool]], frames: Sequence[_Frame]) -> list[str]:
    """SVG path data of each request, in pixels to 0.1 px of its frame, all computed in one pass.

    A request is polygons (``True``: their rings, exteriors counter-clockwise
    and holes clockwise, each ending with ``Z``) or linestrings (``False``).
    Vertices that round to the previous one are dropped, so are rings left
    with fewer than three vertices (lines: two).
    """
    pieces, owners, closed = [], [], []
    for polygons in (True, False):
        chosen = [(n, g) for n, (g, p) in enumerate(requests) if p == polygons and len(g)]
        if not chosen:
            continue
        values = np.concatenate([g for _, g in chosen])
        owner = np.repeat([n for n, _ in chosen], [len(g) for _, g in chosen])
        if polygons:
            values, index = shapely.get_rings(shapely.orient_polygons(values), return_index=True)
            owner = owner[index]
        pieces.append(values)
        owners.append(owner)
        closed.append(np.full(len(values), polygons))
    out = [""] * len(requests)
    if not pieces:
        return out
    order = np.argsort(np.concatenate(owners), kind="stable")  # each request's lines together
    lines = np.concatenate(pieces)[order]
    owner = np.concatenate(owners)[order]
    shut = np.concatenate(closed)[order]
    coordinates, index = shapely.get_coordinates(lines, return_index=True)
    if not len(coordinates):
        return out
    numbers: dict[_Frame, int] = {}
    which = np.array([numbers.setdefault(frame, len(numbers)) for frame in frames])
    distinct = list(numbers)  # in the order first met; ``which``: each request's
    pixels = np.round(_pixels(coordinates, which[owner[index]], distinct), 1)
    new = np.ones(len(index), dtype=bool)
    new[1:] = index[1:] != index[:-1]
    keep = new.copy()
    keep[1:] |= (pixels[1:] != pixels[:-1]).any(axis=1)
    last = np.flatnonzero(np.append(new[1:], True))
    keep[last[shut[index[last]]]] = False  # a ring's closing vertex repeats its first: Z draws it
    pixels, index = pixels[keep], index[keep]
    if not len(index):
        return out
    first = np.ones(len(index), dtype=bool)
    first[1:] = index[1:] != index[:-1]
    starts = np.flatnonzero(first)
    counts = np.empty(len(starts), dtype=np.intp)
    counts[:-1] = starts[1:] - starts[:-1]
    counts[-1] = len(index) - starts[-1]
    line = index[starts]
    enough = counts >= np.where(shut[line], 3, 2)
    pixels, counts, line = pixels[np.repeat(enough, counts)], counts[enough], line[enough]
    template = []
    previous = -1
    for k, who, end in zip(counts.tolist(), owner[line].tolist(), shut[line].tolist(), strict=True):
        if who != previous:
            template.append(f"\x00{who}\x01")
            previous = who
        template.append("M%.1f,%.1f" + " %.1f,%.1f" * (k - 1) + ("Z" if end else ""))
    text = "".join(template) % tuple(pixels.ravel().tolist())
    for part in text.split("\x00")[1:]:
        who, data = part.split("\x01")
        out[int(who)] = data
    return out


def _pixels(coordinates: np.ndarray, which: np.ndarray, frames: list[_Frame]) -> np.ndarray:
    """Map coordinates (n × 2) → pixels, each by its frame ``frames[which[i]]``.

    Each frame's numbers are gathered per coordinate and used as :meth:`_Frame.pixels`
    uses them, in the same order: the same pixels, in one pass whatever the frames.
    """
    if len(frames) == 1:
        return frames[0].pixels(coordinates)
    left, top, west, north, scale = (
        np.array(values)[which]
        for values in zip(
            *((f.left, f.top, f.window[0], f.window[3], f.scale) for f in frames), strict=True
        )
    )
    return _to_pixels(coordinates, left, top, west, north, scale)


def _to_pixels(
    coordinates: np.ndarray, left: Any, top: Any, west: Any, north: Any, scale: Any
) -> np.ndarray:
    """Map coordinates (n × 2) → pixels, y down: a frame's numbers, or each coordinate's."""
    out = np.empty((len(coordinates), 2))
    out[:, 0] = left + (coordinates[:, 0] - west) * scale
    out[:, 1] = top + (north - coordinates[:, 1]) * scale
    return out


def _picture(geometries: Any, frame: _Frame) -> np.ndarray:
    """Features around the site as drawn: clipped to the panel, simplified to half a pixel.

    Features smaller than half a pixel either way are left out (simplified,
    they are nothing). For the picture only: nothing is measured on it.
    """
    values, shown = _pictured(geometries, frame)
    return values[shown]


def _pictured(geometries: Any, frame: _Frame) -> tuple[np.ndarray, np.ndarray]:
    """Each feature as :func:`_picture` draws it, and whether it is drawn (not too small).

    Feature by feature: the same shapes whichever features are pictured together.
    """
    values = np.asarray(geometries, dtype=object)
    if not len(values):
        return values, np.ones(0, dtype=bool)
    values = clipped_to_view(values, frame.window)
    pixel = 1 / frame.scale
    # Douglas-Peucker, as map renderers draw: keeping the topology cost the maps of 500 sites
    # 0.04 s more, for differences within half a pixel
    values = shapely.simplify(values, 0.5 * pixel, preserve_topology=False)
    bounds = shapely.bounds(values)
    small = (bounds[:, 2] - bounds[:, 0] < 0.5 * pixel) & (
        bounds[:, 3] - bounds[:, 1] < 0.5 * pixel
    )
    return values, ~(small | shapely.is_empty(values))  # a speck simplifies to nothing


def _dash(dash: str, width: float) -> str:
    """``stroke-dasharray`` of a matplotlib line style, scaled by the width as matplotlib does."""
    pattern = {"--": _DASHED, ":": _DOTTED}.get(dash)
    if pattern is None:
        return ""
    return ' stroke-dasharray="' + ",".join(f"{p * width * _PT:.2f}" for p in pattern) + '"'


def _shapes(
    drawing: _Drawing,
    geometries: Any,
    frame: _Frame,
    *,
    fill: str,
    edge: str,
    width: float,
    alpha: float = 1.0,
    hatch: str = "",
    dash: str = "",
    exact: bool = False,
    css: str = "",
) -> _Markup:
    """The geometries as SVG: one path for all polygons, one for all lines, a circle a point.

    A hatch is a second path over the polygons. ``exact`` draws the geometries
    as they are, otherwise as :func:`_picture` makes them.
    """
    values = geometries if exact else _picture(geometries, frame)
    polygons, lines, points = _parts(values)
    opacity = f' fill-opacity="{alpha:g}" stroke-opacity="{alpha:g}"' if alpha < 1 else ""
    stroke = (
        f'stroke="{edge}" stroke-width="{width * _PT:.2f}" stroke-linejoin="round"'
        f"{_dash(dash, width)}"
    )
    extra = f' class="{css}"' if css else ""
    out: _Markup = []
    if len(polygons):
        number = drawing.path(polygons, True)
        out.append(_Path(number, f'<path{extra} d="', f'" fill="{fill}" {stroke}{opacity}/>'))
        if hatch:
            hatched = f' fill-opacity="{alpha:g}"' if alpha < 1 else ""
            out.append(_Path(number, '<path d="', f' stroke="none"{hatched}/>', (hatch, edge)))
    if len(lines):
        number = drawing.path(lines, False)
        out.append(_Path(number, f'<path{extra} d="', f'" fill="none" {stroke}{opacity}/>'))
    if len(points):
        color = edge if fill == "none" else fill
        for x, y in frame.pixels(shapely.get_coordinates(points)).tolist():
            out.append(
                f'<circle cx="{_number(x)}" cy="{_number(y)}" r="{3 * _PT:.1f}" fill="{color}" '
                f"{stroke}{opacity}/>"
            )
    return out


def _edges(edge: str, color: str, thin: bool, width: float, z: float) -> tuple[str, float, float]:
    """Edge colour, width (points) and z of a site's pieces, as :func:`piece_edges` gives them."""
    style = piece_edges(edge, color, thin, width, int(z))
    return style["edgecolor"], style["linewidth"], style["zorder"]


def _labels(
    drawing: _Drawing,
    frame: _Frame,
    names: Sequence[Any],
    points: np.ndarray,
    *,
    color: str,
    z: float,
    opacity: float = 1.0,
) -> None:
    for name, point in zip(names, points, strict=True):
        if point is None or shapely.is_empty(point):
            continue
        x, y = frame.point(*shapely.get_coordinates(point)[0])
        drawing.add(z, _text(x, y, str(name), color=color, opacity=opacity))


@dataclass(frozen=True)
class _OtherSites:
    """The other sites in a map's window, as each of its panels draws them (dashed, with ids)."""

    pictures: np.ndarray
    ids: np.ndarray
    points: np.ndarray
    legend: str


def _other_sites(
    result: CheckResult, position: int, window: tuple[float, float, float, float], lang: str
) -> _OtherSites | None:
    """The other sites in ``window`` (:func:`~.mapview.other_sites`), pictured once for a map."""
    others = other_sites(result, position, window)
    if others is None:
        return None
    pictures = _picture(others.geometries, _Frame(0.0, 0.0, window))  # the window alone sets it
    return _OtherSites(pictures, others.ids, others.points, other_sites_label(others, lang))


def _context(drawing: _Drawing, frame: _Frame, others: _OtherSites | None) -> None:
    """Draw the other sites in view (dashed, with their ids)."""
    if others is None:
        return
    drawing.add(
        9,
        _shapes(
            drawing,
            others.pictures,
            frame,
            fill="none",
            edge=_OTHER_SITES,
            width=1.0,
            dash="--",
            exact=True,
        ),
    )
    _labels(drawing, frame, others.ids, others.points, color=_OTHER_SITES, z=11)


def _unavailable_entry(text: str) -> _Entry:
    return _Entry(text, "white", "#999999", "xx")


def _constraints(
    drawing: _Drawing,
    frame: _Frame,
    result: CheckResult,
    position: int,
    site_id: str,
    lang: str,
    thin: bool,
) -> list[_Entry]:
    entries = []
    for key in layer_keys(result, CONSTRAINT_KINDS):
        style = layer_color(result, key)
        view = result.layer(site_id, key)
        title = result.profile.layers[key].title.get(lang)
        if not view.available:
            entries.append(
                _unavailable_entry(
                    f"{title}：{label('unavailable', lang)}"
                    if lang == "zh"
                    else f"{title}: not checked"
                )
            )
            continue
        mine, others = site_pieces(result, key, position, frame.window)
        if others is not None and len(others):
            drawing.add(
                3,
                _shapes(
                    drawing,
                    others.geometries,
                    frame,
                    fill=style["color"],
                    edge=style["edge"],
                    width=0.4,
                    alpha=0.25,
                ),
            )
        if mine is not None and len(mine):
            edge, width, z = _edges(style["edge"], style["color"], thin, 0.8, 4)
            drawing.add(
                z,
                _shapes(
                    drawing,
                    mine.geometries,
                    frame,
                    fill=style["color"],
                    edge=edge,
                    width=width,
                    alpha=0.75,
                    hatch=style["hatch"],
                    exact=True,
                ),
            )
        area = view.overlap.ha
        text = f"{title} {area:.4f} 公顷" if lang == "zh" else f"{title} {area:.4f} ha"
        entries.append(_Entry(text, style["color"], style["edge"], style["hatch"], 0.75))
    for key in layer_keys(result, ("admin",)):
        mine, _ = site_pieces(result, key, position, frame.window)
        if mine is None or not len(mine):
            continue
        geometries = mine.geometries
        drawing.add(
            6,
            _shapes(
                drawing,
                shapely.boundary(geometries),
                frame,
                fill="none",
                edge=_ADMIN,
                width=0.8,
                dash=":",
                exact=True,
            ),
        )
        points = shapely.point_on_surface(geometries)
        _labels(drawing, frame, mine.names, points, color=_ADMIN, z=12, opacity=0.9)
        entries.append(_Entry(result.profile.layers[key].title.get(lang), "none", _ADMIN, dash=":"))
    return entries


def _by_class(
    drawing: _Drawing,
    frame: _Frame,
    frames: Sequence[tuple[Rows | None, float, float, bool]],
    classes: Any,
    colors: dict[str, str],
    default: str,
    hatched: Any,
    thin: bool,
) -> list[tuple[Any, list[str], list[str]]]:
    """Draw pieces grouped by class (``classes(codes)``: a class a code).

    Returns each frame drawn as (it is the site's own, its codes, their classes).
    """
    drawn = []
    for rows, alpha, z, mine in frames:
        if rows is None or not len(rows):
            continue
        codes = rows.codes
        groups = classes(codes)
        geometries, shown = (rows.geometries, True) if mine else _pictured(rows.geometries, frame)
        for group in sorted(set(groups)):
            chosen = (np.asarray(groups) == group) & shown  # pictured once for every class
            color = colors.get(group, default)
            edge, width, order = _edges(_PIECE_EDGE, color, thin and mine, 0.4, z)
            drawing.add(
                order,
                _shapes(
                    drawing,
                    geometries[chosen],
                    frame,
                    fill=color,
                    edge=edge,
                    width=width,
                    alpha=alpha,
                    hatch=hatched(group),
                    exact=True,
                ),
            )
        drawn.append((mine, codes, groups))
    return drawn


def _land_use(
    drawing: _Drawing,
    frame: _Frame,
    result: CheckResult,
    position: int,
    site_id: str,
    lang: str,
    thin: bool,
) -> list[_Entry]:
    key, available = panel_layer(result, "land_use", site_id)
    if key is None:
        return []
    if not available:
        return [_unavailable_entry(label("unavailable", lang))]
    level1 = class_lookup(result, key, "level1")
    names = class_lookup(result, key, "level1_name")
    names_en = class_lookup(result, key, "level1_name_en")
    mine, others = site_pieces(result, key, position, frame.window)
    drawn = _by_class(
        drawing,
        frame,
        [(others, 0.3, 2, False), (mine, 0.9, 3, True)],
        lambda codes: [level1.get(c, "") for c in codes],
        LEVEL1_COLORS,
        "#ffffff",
        lambda group: "" if group else "xx",
        thin,
    )
    seen: dict[str, str] = {}
    for is_mine, codes, groups in drawn:
        if not is_mine:
            continue
        for group in sorted(set(groups)):
            seen[group] = land_use_label(group, codes, groups, names, names_en, lang)
    return [
        _Entry(seen[group], LEVEL1_COLORS.get(group, "#ffffff"), _PIECE_EDGE, "" if group else "xx")
        for group in sorted(seen)
    ]


def _planning(
    drawing: _Drawing,
    frame: _Frame,
    result: CheckResult,
    position: int,
    site_id: str,
    lang: str,
    thin: bool,
) -> list[_Entry]:
    key, available = panel_layer(result, "planning_zone", site_id)
    if key is None:
        return []
    if not available:
        return [_unavailable_entry(label("unavailable", lang))]
    conformity = class_lookup(result, key, "conformity")
    names = class_lookup(result, key, "name")
    names_en = class_lookup(result, key, "name_en")
    mine, others = site_pieces(result, key, position, frame.window)
    drawn = _by_class(
        drawing,
        frame,
        [(others, 0.3, 2, False), (mine, 0.85, 3, True)],
        lambda codes: [conformity.get(c, "") for c in codes],
        CONFORMITY_COLORS,
        "#d5d8dc",
        lambda value: "xx" if value == "conflict" else "",
        thin,
    )
    entries: dict[str, tuple[str, str]] = {}
    for is_mine, codes, values in drawn:
        if not is_mine:
            continue
        for code, value in zip(codes, values, strict=True):
            entries[code] = (value, planning_label(code, value, names, names_en, lang))
    return [
        _Entry(
            text,
            CONFORMITY_COLORS.get(value, "#d5d8dc"),
            _PIECE_EDGE,
            "xx" if value == "conflict" else "",
        )
        for _, (value, text) in sorted(entries.items())
    ]


def _scale_bar(drawing: _Drawing, frame: _Frame, placed: Furniture) -> None:
    """A two-part bar of a round length where ``placed`` puts it, as the PNG's."""
    xmin, _, xmax, _ = frame.window
    length = placed.metres
    height = (xmax - xmin) * 0.012
    x0, y0 = placed.scale
    parts = []
    for i, color in enumerate(("black", "white")):
        left, top = frame.point(x0 + i * length / 2, y0 + height)
        parts.append(
            f'<rect x="{left:.2f}" y="{top:.2f}" width="{length / 2 * frame.scale:.2f}" '
            f'height="{height * frame.scale:.2f}" fill="{color}" stroke="black" '
            f'stroke-width="{0.6 * _PT:.2f}"/>'
        )
    drawing.add(20, f'<g class="scale-bar" data-metres="{length:g}">{"".join(parts)}</g>')
    text = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    for x, words in ((x0, "0"), (x0 + length, text)):
        px, py = frame.point(x, y0 + height * 1.6)
        drawing.add(3, _text(px, py, words, valign="bottom"))


def _north_arrow(
    drawing: _Drawing, frame: _Frame, placed: Furniture, angle: float, lang: str
) -> None:
    """An arrow to true north (``angle``: clockwise from grid north), as the PNG's.

    In plain floats, each product taken in the order a pair of coordinates in
    an array would take it: the same numbers, without numpy's cost per call.
    """
    xmin, _, xmax, _ = frame.window
    span = xmax - xmin
    length = span * 0.09
    bx, by = frame.point(*placed.arrow)
    ax, ay = math.sin(angle), -math.cos(angle)  # along the arrow, in pixels: y down
    cx, cy = -ay, ax  # across it
    tx, ty = bx + ax * length * frame.scale, by + ay * length * frame.scale
    shaft, head = 2.5 * _PT / 2, 9 * _PT / 2
    nx, ny = tx - ax * 9 * _PT, ty - ay * 9 * _PT
    outline = [
        (bx + cx * shaft, by + cy * shaft),
        (nx + cx * shaft, ny + cy * shaft),
        (nx + cx * head, ny + cy * head),
        (tx, ty),
        (nx - cx * head, ny - cy * head),
        (nx - cx * shaft, ny - cy * shaft),
        (bx - cx * shaft, by - cy * shaft),
    ]
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in outline)
    drawing.add(
        21,
        f'<polygon class="north-arrow" data-angle="{math.degrees(angle):.3f}" points="{points}" '
        f'fill="black" stroke="black" stroke-width="{_PT:.2f}"/>',
    )
    label_x = tx + ax * span * 0.02 * frame.scale
    label_y = ty + ay * span * 0.02 * frame.scale
    drawing.add(21, _text(label_x, label_y, "北" if lang == "zh" else "N", valign="bottom"))


def _swatch(drawing: _Drawing, entry: _Entry, x: float, y: float) -> str:
    width, height = LEGEND_SWATCH[0] * _FONT, LEGEND_SWATCH[1] * _FONT
    opacity = f' fill-opacity="{entry.alpha:g}" stroke-opacity="{entry.alpha:g}"'
    opacity = opacity if entry.alpha < 1 else ""
    box = f'x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}"'
    stroke = f'stroke="{entry.edge}" stroke-width="{entry.width * _PT:.2f}"'
    out = f'<rect {box} fill="{entry.fill}" {stroke}{_dash(entry.dash, entry.width)}{opacity}/>'
    if entry.hatch:
        hatched = f' fill-opacity="{entry.alpha:g}"' if entry.alpha < 1 else ""
        out += f'<rect {box} fill="{drawing.hatch(entry.hatch, entry.edge)}"{hatched}/>'
    return out


def _legend(
    drawing: _Drawing, entries: Sequence[_Entry], centre: float, top: float, panel: str
) -> str:
    """The legend under a panel: one entry a line, the block centred on the panel."""
    left, text_left, tops = legend_lines([e.text for e in entries], centre, top, _FONT)
    rows = []
    for entry, y in zip(entries, tops, strict=True):
        rows.append(_swatch(drawing, entry, left, y))
        rows.append(
            _text(
                text_left,
                y + LEGEND_TEXT_MIDDLE * _FONT,
                entry.text,
                anchor="start",
                css="legend-text",
            )
        )
    return f'<g class="legend" data-panel="{panel}">{"".join(rows)}</g>'


_DRAW_PANEL = {"constraints": _constraints, "land_use": _land_use, "planning": _planning}


def site_svg(
    result: CheckResult,
    site_id: str,
    *,
    lang: str = "zh",
    panels: Sequence[str] | None = None,
    prefix: str = "map",
) -> str:
    """Draw a site's map as an SVG element: the picture of :func:`~.maps.site_map`.

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
    prefix : str
        Prefix of the SVG's ids (its hatch patterns and clip paths), unique on a
        page holding several maps: a letter, then letters, digits, ``_`` or ``-``.

    Returns
    -------
    str
        ``<svg …>…</svg>``, sized in pixels at :data:`DPI` (the PNG's size),
        scaled down by its page when narrower; every text escaped.
    """
    return site_svgs(result, [site_id], lang=lang, panels=panels, prefixes=[prefix])[0]


def site_svgs(
    result: CheckResult,
    site_ids: Sequence[str],
    *,
    lang: str = "zh",
    panels: Sequence[str] | None = None,
    prefixes: Sequence[str],
) -> list[str]:
    """Draw several sites' maps: each :func:`site_svg`'s, their paths' data computed in one pass.

    A map's path data cost about as much again in numpy's steps as in its
    numbers; a few maps' at once cost half as much a map.

    Parameters
    ----------
    result : CheckResult
        The result holding the sites.
    site_ids : sequence of str
        The sites to draw.
    lang : {"zh", "en"}
        Language of titles and legends.
    panels : sequence of str, optional
        As for :func:`site_svg`.
    prefixes : sequence of str
        Each map's prefix of its SVG ids (see :func:`site_svg`).

    Returns
    -------
    list of str
        Each site's ``<svg …>…</svg>``, in the order of ``site_ids``.
    """
    for prefix in prefixes:
        if not _PREFIX.match(prefix):
            raise ValueError(
                f"SVG id prefix {prefix!r}: use a letter, then letters, digits, _ or -"
            )
    drafts = [
        _draft(result, site_id, lang, panels, prefix)
        for site_id, prefix in zip(site_ids, prefixes, strict=True)
    ]
    bodies = _panel_bodies([panel for draft in drafts for _, _, panel in draft.drawn])
    out, start = [], 0
    for draft in drafts:
        out.append(_finished(draft, bodies[start : start + len(draft.drawn)]))
        start += len(draft.drawn)
    return out


@dataclass
class _Draft:
    """A map drawn but for its panels' bodies: what :func:`_finished` writes it from.

    ``panels``: how many; ``drawn``: each drawn panel's name, clip path and
    drawing; ``legends``: each one's name, centre and entries.
    """

    title: str
    heading: str
    panels: int
    drawing: _Drawing
    drawn: list[tuple[str, str, _Drawing]] = field(default_factory=list)
    legends: list[tuple[str, float, list[_Entry]]] = field(default_factory=list)
    clips: list[str] = field(default_factory=list)


def _draft(
    result: CheckResult,
    site_id: str,
    lang: str,
    panels: Sequence[str] | None,
    prefix: str,
) -> _Draft:
    """Draw a site's map, its panels' paths asked for and not yet computed."""
    position = result._position(site_id)
    geometry = kept_geometries(result.sites)[position]
    chosen = chosen_panels(result, panels)
    drawing = _Drawing(prefix)
    empty = geometry is None or geometry.is_empty
    window = view_window(geometry) if not empty else (0.0, 0.0, 1.0, 1.0)
    angle = 0.0 if empty else convergence(result.analysis_crs, *geometry.centroid.coords[0])
    thin = not empty and is_thin(geometry, window)
    crs = map_crs_label(result.analysis_crs)
    name = site_name(result, position)
    status = status_label(result.status(site_id), lang)
    title = f"{site_id} {name}（{status}）" if lang == "zh" else f"{site_id} {name} ({status})"
    draft = _Draft(title, f"{label('site', lang)} {site_id}", len(chosen), drawing)
    others = None if empty else _other_sites(result, position, window, lang)
    placed = furniture(geometry, window)
    for i, panel in enumerate(chosen):
        frame = _Frame(i * _PANEL + _MARGIN, _TITLE, window)
        centre = frame.left + _SIDE / 2
        zh, en = PANEL_TITLES[panel]
        drawing.add(
            0,
            _text(
                centre, _TITLE - 6 * _PT, en if lang == "en" else zh, size=10 * _PT, valign="bottom"
            ),
        )
        box = f'x="{frame.left:.1f}" y="{frame.top:.1f}" width="{_SIDE:.1f}" height="{_SIDE:.1f}"'
        drawing.add(0, f'<rect class="frame" {box} fill="#fbfcfc" stroke="none"/>')
        drawing.add(30, f'<rect {box} fill="none" stroke="black" stroke-width="{0.8 * _PT:.2f}"/>')
        if empty:
            drawing.add(
                3,
                _text(
                    centre,
                    frame.top + _SIDE / 2,
                    "no geometry" if lang == "en" else "无有效几何图形",
                ),
            )
            continue
        clip = f"{prefix}-c{i}"
        draft.clips.append(f'<clipPath id="{clip}"><rect {box}/></clipPath>')
        panel_drawing = _Drawing(prefix, patterns=drawing.patterns, frame=frame)
        _context(panel_drawing, frame, others)
        entries = _DRAW_PANEL[panel](panel_drawing, frame, result, position, site_id, lang, thin)
        panel_drawing.add(
            10,
            _shapes(
                panel_drawing,
                [geometry],
                frame,
                fill="none",
                edge=SITE_COLOR,
                width=6.0 if thin else 2.0,
                exact=True,
                css="site",
            ),
        )
        entries.insert(0, _Entry(f"{label('site', lang)} {site_id}", "none", SITE_COLOR, width=2.0))
        if others is not None:
            entries.append(_Entry(others.legend, "none", _OTHER_SITES, dash="--"))
        _scale_bar(panel_drawing, frame, placed)
        _north_arrow(panel_drawing, frame, placed, angle, lang)
        panel_drawing.add(
            3,
            _text(
                frame.left + 0.99 * _SIDE,
                frame.top + 0.99 * _SIDE,
                crs,
                color=_PIECE_EDGE,
                anchor="end",
                valign="bottom",
            ),
        )
        draft.drawn.append((panel, clip, panel_drawing))
        draft.legends.append((panel, centre, entries))
    return draft


def _finished(draft: _Draft, bodies: list[str]) -> str:
    """The map's SVG from its draft and its panels' bodies (:func:`_panel_bodies`)."""
    drawing = draft.drawing
    for (panel, clip, _), body in zip(draft.drawn, bodies, strict=True):
        drawing.add(5, f'<g clip-path="url(#{clip})" data-panel="{panel}">{body}</g>')
    rows = max((len(e) for _, _, e in draft.legends), default=0)
    legend_height = rows * _ENTRY + 0.1 * DPI if rows else 0.0
    for panel, centre, entries in draft.legends:
        drawing.add(40, _legend(drawing, entries, centre, _TITLE + _SIDE + 0.015 * _SIDE, panel))
    width = _PANEL * draft.panels
    height = _TITLE + _SIDE + _GAP + legend_height
    drawing.add(0, _text(width / 2, 0.01 * height, draft.title, size=11 * _PT, valign="top"))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="site-map" role="img" '
        f'aria-label="{escape(shown_reordering(draft.heading))}" '
        f'width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.1f} {height:.1f}">'
        f"<title>{escape(shown_reordering(draft.title))}</title>"
        f"<defs>{''.join(draft.clips)}{drawing.defs()}</defs>"
        f'<rect width="100%" height="100%" fill="white"/>'
        f"{drawing.body()}</svg>"
    )


def prepare_maps(result: CheckResult) -> None:
    """Build in this process what every map of ``result`` looks up, by drawing its first site's.

    The class table and code lookups, the R-trees and the columns kept for the
    batch (:mod:`landcheck.report.mapcache`): made once here, before page
    workers are forked, instead of once in every worker.
    """
    if result.site_ids:
        site_svg(result, result.site_ids[0])
