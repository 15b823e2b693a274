"""The maps' Agg canvas draws texts from the process's caches: the same pixels as matplotlib's.

Every figure is drawn by :class:`MapCanvas` and by matplotlib's ``FigureCanvasAgg`` and
the two pictures compared bit for bit, after the caches were filled by earlier draws (the
texts moved by fractions of a pixel, resized, recoloured).
"""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from landcheck.report import aggtext
from landcheck.typeface import font_families


@pytest.fixture(autouse=True)
def empty_caches():
    aggtext.clear()
    yield
    aggtext.clear()


def _font(size: float = 7.5) -> FontProperties:
    return FontProperties(family=list(font_families()), size=size)


def _texts_figure(shift: float = 0.0, height: float = 2.0) -> Figure:
    """Texts as the maps write them, and some they do not, placed ``shift`` pixels over."""
    figure = Figure(figsize=(4.0, height), dpi=110)
    step = shift / (4.0 * 110)
    lines = [
        ("永久基本农田 0.0000 公顷", {}),
        ("0502 一般农业区（需调整规划）", {"color": "#34495e", "alpha": 0.9}),
        ("EPSG:4523", {"color": "#7b7d7d", "ha": "right"}),
        ("100 m", {"ha": "center", "va": "bottom"}),
        ("北", {"ha": "center", "va": "bottom", "fontsize": 11}),
        ("合成镇1\n第二行 two lines", {"va": "center"}),
        ("no antialiasing 无", {"antialiased": False}),
        ("rotated 旋转", {"rotation": 30}),  # drawn by matplotlib itself
        (r"$x^2$ mathtext", {"parse_math": True}),  # likewise
        ("→ ≈ ∑ outside the subset", {}),  # from a fallback font
    ]
    for i, (text, style) in enumerate(lines):
        options = {"fontproperties": _font(), **style}
        if "fontsize" in options:
            options["fontproperties"] = _font(options.pop("fontsize"))
        figure.text(0.05 + step + (i % 3) * 0.31, 0.9 - i * 0.085, text, **options)
    return figure


def _pixels(figure: Figure, canvas_class: type) -> np.ndarray:
    canvas = canvas_class(figure)
    with rc_context({"text.parse_math": False}):
        canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


@pytest.mark.parametrize("dpi", [110, 200])
def test_texts_are_the_pixels_matplotlib_draws(dpi):
    # fractions of a pixel and whole pixels over: glyph bitmaps found again at new places
    for shift in (0.0, 0.25, 0.5, 1.0, 3.0, 3.4):
        figure = _texts_figure(shift)
        figure.set_dpi(dpi)
        cached = _pixels(figure, aggtext.MapCanvas)
        figure = _texts_figure(shift)
        figure.set_dpi(dpi)
        plain = _pixels(figure, FigureCanvasAgg)
        assert np.array_equal(cached, plain), shift
    if aggtext.CACHED:
        assert aggtext._GLYPHS and aggtext._LAYOUTS and aggtext._METRICS


def test_a_figure_resized_keeps_its_pixels():
    """A map's height follows its legend: a new renderer, the same texts measured before."""
    for height in (2.0, 2.4, 2.0, 3.1):
        cached = _pixels(_texts_figure(height=height), aggtext.MapCanvas)
        plain = _pixels(_texts_figure(height=height), FigureCanvasAgg)
        assert np.array_equal(cached, plain), height


@pytest.mark.skipif(not aggtext.CACHED, reason="this matplotlib's text is drawn by itself")
def test_texts_drawn_again_are_laid_out_and_rendered_once():
    _pixels(_texts_figure(), aggtext.MapCanvas)
    layouts, glyphs = len(aggtext._LAYOUTS), len(aggtext._GLYPHS)
    _pixels(_texts_figure(), aggtext.MapCanvas)  # the same texts at the same places
    assert (len(aggtext._LAYOUTS), len(aggtext._GLYPHS)) == (layouts, glyphs)
    # eight unrotated plain texts (nine lines) are laid out; rotated and mathtext are not
    assert layouts == 9


@pytest.mark.skipif(not aggtext.CACHED, reason="this matplotlib's text is drawn by itself")
def test_the_caches_stay_bounded(monkeypatch):
    monkeypatch.setattr(aggtext, "MOST_GLYPHS", 25)
    monkeypatch.setattr(aggtext, "MOST_TEXTS", 4)
    for shift in (0.0, 0.3, 0.6):
        cached = _pixels(_texts_figure(shift), aggtext.MapCanvas)
        assert np.array_equal(cached, _pixels(_texts_figure(shift), FigureCanvasAgg))
        assert 0 < len(aggtext._GLYPHS) <= 25
        assert 0 < len(aggtext._LAYOUTS) <= 4 and 0 < len(aggtext._METRICS) <= 4


@pytest.mark.parametrize("dpi", [None, 200])
def test_texts_are_laid_out_to_the_float(dpi):
    """Each text's extent, and its lines' places, as matplotlib computes them (at the figure's
    resolution and at another, where the line heights are left to matplotlib)."""
    drawn = []
    for canvas_class in (aggtext.MapCanvas, FigureCanvasAgg):
        figure = _texts_figure(0.3)
        renderer = canvas_class(figure).get_renderer()
        _pixels(figure, canvas_class)
        places = []
        for text in figure.texts:
            bounds = tuple(text.get_window_extent(dpi=dpi).bounds)
            places.append((bounds, repr(text._get_layout(renderer)[1:])))
        drawn.append(places)
    cached, plain = drawn
    assert cached == plain
    if aggtext.CACHED:
        assert aggtext._HEIGHTS


@pytest.mark.skipif(not aggtext.CACHED, reason="this matplotlib's text is drawn by itself")
def test_a_text_too_long_to_keep_is_drawn_by_matplotlib():
    """A site name holding a whole file's text is drawn as matplotlib draws it, and not kept."""
    hostile = "项目" * aggtext.LONGEST_KEPT + " =HYPERLINK(\"x\") % # 'quoted'"

    def figure() -> Figure:
        page = Figure(figsize=(4.0, 1.0), dpi=110)
        page.text(0.0, 0.5, hostile, fontproperties=_font())
        page.text(0.0, 0.2, "永久基本农田", fontproperties=_font())
        return page

    cached = _pixels(figure(), aggtext.MapCanvas)
    assert np.array_equal(cached, _pixels(figure(), FigureCanvasAgg))
    assert all(key[0] != hostile for key in (*aggtext._LAYOUTS, *aggtext._METRICS))
    assert any(key[0] == "永久基本农田" for key in aggtext._LAYOUTS)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here")
@pytest.mark.skipif(not aggtext.CACHED, reason="this matplotlib's text is drawn by itself")
def test_a_forked_process_starts_without_the_fonts_its_parent_kept():
    """Layouts and glyphs hold FreeType fonts, whose file position a fork shares: a forked
    process lays out and renders with fonts of its own (metrics, numbers, are kept)."""
    _pixels(_texts_figure(), aggtext.MapCanvas)
    kept = len(aggtext._LAYOUTS), len(aggtext._GLYPHS), len(aggtext._METRICS)
    assert all(kept)
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: what it starts with, then the same picture drawn again
        try:
            counts = [len(aggtext._LAYOUTS), len(aggtext._GLYPHS), len(aggtext._METRICS)]
            same = np.array_equal(
                _pixels(_texts_figure(), aggtext.MapCanvas),
                _pixels(_texts_figure(), FigureCanvasAgg),
            )
            os.write(writing, json.dumps([*counts, same]).encode())
        finally:
            os._exit(0)
    os.close(writing)
    with os.fdopen(reading) as pipe:
        layouts, glyphs, metrics, same = json.loads(pipe.read())
    os.waitpid(pid, 0)
    assert (layouts, glyphs, metrics) == (0, 0, kept[2])
    assert same
    assert (len(aggtext._LAYOUTS), len(aggtext._GLYPHS)) == kept[:2]  # the parent's own stay
