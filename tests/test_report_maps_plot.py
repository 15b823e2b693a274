"""Site maps draw shapes as geopandas' ``GeoSeries.plot`` does, pixel for pixel, without it."""

from __future__ import annotations

import io

import numpy as np
import pytest
import shapely
from geopandas import GeoSeries
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from PIL import Image
from shapely import GeometryCollection, LineString, MultiLineString, MultiPolygon, Polygon, box

from landcheck.report import maps

_HOLED = Polygon(
    [(0, 0), (0, 40), (40, 40), (40, 0)], [[(10, 10), (20, 10), (20, 20), (10, 20)]]
)  # shell drawn counter-clockwise first, hole clockwise: normalising turns both
_SHAPES = [
    _HOLED,
    MultiPolygon([box(50, 0, 60, 10), Polygon([(65, 0), (80, 0), (72, 14)])]),
    None,
    Polygon(),
    box(30, 30, 70, 70),  # overlaps the others: the order of drawing shows
    GeometryCollection([box(0, 60, 15, 75), LineString([(0, 80), (30, 95)])]),
]
_LINES = [
    _HOLED.boundary,
    MultiLineString([[(0, 50), (50, 52), (90, 48)], [(5, 90), (95, 5)]]),
    LineString([(95, 95), (60, 80), (90, 60)]),
    LineString(),
]
_STYLES = [
    ({"facecolor": "#c0392b", "edgecolor": "#1f618d", "alpha": 0.6, "linewidth": 1.2}, _SHAPES),
    ({"facecolor": "#f4d03f", "hatch": "//", "edgecolor": "#7d6608", "zorder": 4}, _SHAPES),
    ({"facecolor": "none", "edgecolor": "#566573", "linestyle": "--", "linewidth": 1.0}, _SHAPES),
    ({"color": "#34495e", "linewidth": 0.8, "linestyle": ":", "zorder": 6}, _LINES),
    ({"color": "#27ae60", "edgecolor": "#000000", "linewidth": 2.0}, _SHAPES),
]


def _pixels(draw) -> np.ndarray:
    figure = Figure(figsize=(3, 3))
    ax = figure.add_axes((0.05, 0.05, 0.9, 0.9))
    draw(ax)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlim(-5, 100)
    ax.set_ylim(-5, 100)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, facecolor="white")
    return np.asarray(Image.open(io.BytesIO(buffer.getvalue())))


@pytest.mark.parametrize(("style", "shapes"), _STYLES)
def test_shapes_are_drawn_as_geopandas_draws_them(style, shapes):
    def by_geopandas(ax):
        GeoSeries([s for s in shapes if s is not None and not s.is_empty]).plot(ax=ax, **style)

    mine = _pixels(lambda ax: maps._plot(ax, shapes, **style))
    theirs = _pixels(by_geopandas)
    assert mine.shape == theirs.shape
    assert np.array_equal(mine, theirs)
    assert (mine[..., :3] < 250).any()  # something was drawn


def test_the_paths_hold_every_ring_closed_and_the_lines_their_parts():
    (path,) = maps._polygon_paths(np.array([shapely.normalize(_HOLED)]))
    assert len(path.vertices) == 10  # two rings of five vertices, each closed
    codes = path.codes.tolist()
    assert codes == [1, 2, 2, 2, 79] * 2  # MOVETO, LINETO…, CLOSEPOLY per ring
    assert shapely.Polygon(path.vertices[:5]).area == 1600.0
    assert shapely.Polygon(path.vertices[5:]).area == 100.0
    segments = maps._line_segments(np.array(_LINES[1:3], dtype=object))
    assert [len(s) for s in segments] == [3, 2, 3]


def test_nothing_to_draw_adds_nothing():
    figure = Figure()
    ax = figure.add_axes((0, 0, 1, 1))
    maps._plot(ax, [None, Polygon(), LineString()], facecolor="red")
    assert not ax.collections
    maps._plot(ax, [_LINES[2]], color="blue")
    assert [type(c) for c in ax.collections] == [LineCollection]


def test_a_window_clips_what_reaches_beyond_it_and_the_panel_shows_the_same():
    # a zone of a province: 20,000 vertices, a corner of it in the view (-5 … 100)
    zone = shapely.Point(-1_000.0, -1_000.0).buffer(1_460.0, quad_segs=5_000)
    beyond = box(-3_000.0, 60.0, 3_000.0, 70.0)  # a band across the view and far beyond
    inside = box(10.0, 10.0, 20.0, 20.0)
    shapes = [zone, beyond, inside]
    style = {"facecolor": "#f4d03f", "hatch": "//", "edgecolor": "#7d6608", "alpha": 0.3}

    def drawn(ax, window):
        maps._plot(ax, shapes, window=window, **style)
        (collection,) = ax.collections
        vertices.append(sum(len(path.vertices) for path in collection.get_paths()))

    vertices: list[int] = []
    whole = _pixels(lambda ax: drawn(ax, None))
    clipped = _pixels(lambda ax: drawn(ax, (-5.0, -5.0, 100.0, 100.0)))
    assert vertices[0] == shapely.get_num_coordinates(shapes).sum() == 20_011
    assert vertices[1] < 300  # the zone's arc across the view and the clipped band
    assert (whole[..., :3] < 250).any()
    assert np.array_equal(whole, clipped)
