"""An Agg canvas that lays out and renders each text's glyphs once per process.

A batch's PNG site maps repeat their texts: the panel titles, the legends'
labels, the scale bar's and the north arrow's, the CRS. matplotlib (3.11)
shapes every text again at each draw (HarfBuzz through FreeType, ~30 µs a
character), loads and rasterises every glyph again, and measures a text
again whenever the figure's size changes (a map's height follows its legend):
a third of a docx map's time went to its thirty texts.

:class:`MapCanvas` is :class:`~matplotlib.backends.backend_agg.FigureCanvasAgg`
with a renderer that keeps, for the process,

* each text's metrics and its glyphs' layout, by text, font properties,
  resolution and the text settings (hinting, kerning, font features, language),
  and each font's line heights (its ascent, descent and line gap at a size and
  resolution, which matplotlib looked up in the font's tables for every text);
* each glyph's coverage bitmap, by font, size, resolution, glyph, hinting,
  antialiasing and its position's fraction of a pixel (FreeType places a glyph
  to 1/64 px: a glyph moved by whole pixels is the same bitmap moved).

A forked process starts without the layouts and glyphs its parent kept
(:func:`_forget_fonts`, run after every fork): they hold the parent's FreeType
fonts, whose file position a forked process shares with its parent and every
other child. Two processes reading glyphs through one such font moved each
other's reads: a map drawn by a forked worker wrote 白水镇 as 白镇镇, or
failed (``FT_Load_Glyph … broken file``). matplotlib forgets its own fonts
after a fork for that reason (``font_manager.get_font``); the metrics and line
heights, numbers, are kept.

It then blends the same bitmaps at the same pixels, in the same order, as
matplotlib's renderer: the picture is the same to the bit (tested against
``FigureCanvasAgg`` on maps in both languages and sizes). Rotated text,
mathtext, a text of more than :data:`LONGEST_KEPT` characters and a matplotlib
whose Agg text drawing is not the one described
(before 3.11) are drawn by matplotlib itself. The fonts a family resolves to
are those of the first time a text is drawn in the process.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from matplotlib import rcParams
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, fontManager, get_font
from matplotlib.ft2font import FT2Font

__all__ = ["CACHED", "MapCanvas", "clear"]

try:
    from matplotlib.ft2font import RenderMode
except ImportError:  # matplotlib < 3.10
    RenderMode = None

CACHED = RenderMode is not None and all(
    hasattr(FT2Font, name) for name in ("_layout", "_render_glyph", "_set_transform")
)
"""Whether this matplotlib draws text glyph by glyph as the cache repeats it (3.11 on)."""

MOST_GLYPHS = 20_000
"""Glyph bitmaps kept (a few hundred bytes each); all are dropped when there are more."""

MOST_TEXTS = 10_000
"""Texts whose layout and metrics are kept; all are dropped when there are more."""

LONGEST_KEPT = 200
"""Characters of the longest text kept: a longer one (a site named with a whole file's text)
is measured and drawn by matplotlib itself, so the texts kept stay a few megabytes."""

_UPRIGHT = np.array([[0x10000, 0], [0, 0x10000]])
"""FreeType's transform of an unrotated glyph (16.16 fixed point)."""

_NO_HEIGHTS = (None, None, None)
"""Line heights left to matplotlib to find (the font has neither table it reads them from)."""

_LAYOUTS: dict[tuple, list[tuple[Any, int, float, float]]] = {}
_METRICS: dict[tuple, tuple[float, float, float]] = {}
_HEIGHTS: dict[tuple, tuple[float | None, float | None, float | None]] = {}
_GLYPHS: dict[tuple, tuple[np.ndarray, int, int]] = {}


def clear() -> None:
    """Forget the texts and glyphs kept (the next maps lay them out and render them again)."""
    for cache in (_LAYOUTS, _METRICS, _HEIGHTS, _GLYPHS):
        cache.clear()


def _forget_fonts() -> None:
    """Forget what holds a FreeType font: a forked process must open its own (module notes)."""
    _LAYOUTS.clear()
    _GLYPHS.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_fonts)


def _text_key(text: str, prop: FontProperties, dpi: float) -> tuple:
    """What a text's layout and metrics depend on, besides the features and language."""
    return (text, *_font_key(prop, dpi))


def _font_key(prop: FontProperties, dpi: float) -> tuple:
    """What the font of ``prop`` at ``dpi`` draws depends on: properties and text settings."""
    return (
        tuple(prop.get_family()),
        prop.get_style(),
        prop.get_variant(),
        prop.get_weight(),
        prop.get_stretch(),
        prop.get_size_in_points(),
        prop.get_file(),
        dpi,
        get_hinting_flag(),
        rcParams["text.hinting_factor"],
        rcParams["text.kerning_factor"],
    )


def _kept(cache: dict, key: tuple, value: Any, most: int) -> Any:
    """``value`` kept in ``cache`` under ``key``; the cache emptied first when it holds ``most``."""
    if len(cache) >= most:
        cache.clear()
    cache[key] = value
    return value


def _line_heights(prop: FontProperties, dpi: float) -> tuple[float | None, ...]:
    """The font's ascent, descent and line gap in pixels, as matplotlib's text layout reads them.

    From the font's OS/2 table (its typographic values), else its hhea table,
    scaled from font units to the size at ``dpi`` in matplotlib's order of
    operations (so the same floats); :data:`_NO_HEIGHTS` without either table.
    """
    font = get_font(fontManager._find_fonts_by_props(prop))
    for table_name, gap, ascent, descent in (
        ("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
        ("hhea", "lineGap", "ascent", "descent"),
    ):
        table = font.get_sfnt_table(table_name)
        if table is None:
            continue
        scale = 1 / font.get_sfnt_table("head")["unitsPerEm"] * prop.get_size_in_points() * dpi / 72
        return table[ascent] * scale, -table[descent] * scale, table[gap] * scale
    return _NO_HEIGHTS


class _Renderer(RendererAgg):
    """:class:`RendererAgg` drawing unrotated plain text from the process's caches."""

    def __init__(self, width: int, height: int, figure: Figure) -> None:
        super().__init__(width, height, figure.dpi)
        self._figure = figure

    def _get_font_height_metrics(
        self, prop: FontProperties
    ) -> tuple[float | None, float | None, float | None]:
        """A font's line heights for matplotlib's text layout (its hook; 3.11)."""
        # the layout scales them by the figure's resolution, which is this renderer's
        # but while a text's extent is asked for at another one: then matplotlib reads them
        if not CACHED or self._figure.dpi != self.dpi:
            return _NO_HEIGHTS
        key = _font_key(prop, self.dpi)
        found = _HEIGHTS.get(key)
        if found is None:
            found = _kept(_HEIGHTS, key, _line_heights(prop, self.dpi), MOST_TEXTS)
        return found

    def get_text_width_height_descent(
        self, s: str, prop: FontProperties, ismath: Any
    ) -> tuple[float, float, float]:
        if ismath or not CACHED or len(s) > LONGEST_KEPT:
            return super().get_text_width_height_descent(s, prop, ismath)
        key = _text_key(s, prop, self.dpi)
        found = _METRICS.get(key)
        if found is None:
            measured = super().get_text_width_height_descent(s, prop, ismath)
            found = _kept(_METRICS, key, measured, MOST_TEXTS)
        return found

    def draw_text(
        self,
        gc: Any,
        x: float,
        y: float,
        s: str,
        prop: FontProperties,
        angle: float,
        ismath: Any = False,
        mtext: Any = None,
    ) -> None:
        if ismath or angle != 0 or not CACHED or len(s) > LONGEST_KEPT:
            super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
            return
        features = mtext.get_fontfeatures() if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        flags = get_hinting_flag()
        settings = (None if features is None else tuple(features), language)
        key = (*_text_key(s, prop, self.dpi), *settings)
        glyphs = _LAYOUTS.get(key)
        if glyphs is None:
            items = self._prepare_font(prop)._layout(
                s, flags=flags, features=features, language=language
            )
            laid = [(item.ft_object, item.glyph_index, item.x, item.y) for item in items]
            glyphs = _kept(_LAYOUTS, key, laid, MOST_TEXTS)
        size, dpi, height = prop.get_size_in_points(), self.dpi, self.height
        antialiased = gc.get_antialiased()
        blend = self._renderer.draw_text_image
        for font, index, dx, dy in glyphs:
            # where FreeType puts the glyph, in 1/64 px (FreeType's y is upwards), as
            # matplotlib computes it for an unrotated text
            at_x = round(0x40 * (x + dx))
            at_y = round(0x40 * (height - y + dy))
            bitmap, left, top = self._glyph(font, size, dpi, index, at_x, at_y, flags, antialiased)
            # draw_text_image's y is downwards and the bitmap's bottom side
            bottom = int(height) - top - (at_y >> 6) + bitmap.shape[0]
            blend(bitmap, left + (at_x >> 6), bottom, 0, gc)

    @staticmethod
    def _glyph(
        font: Any,
        size: float,
        dpi: float,
        index: int,
        at_x: int,
        at_y: int,
        flags: Any,
        antialiased: bool,
    ) -> tuple[np.ndarray, int, int]:
        """A glyph's bitmap and its left and top edges, less the whole pixels of its position."""
        key = (font, size, dpi, index, at_x & 63, at_y & 63, flags, antialiased)
        found = _GLYPHS.get(key)
        if found is None:
            font.set_size(size, dpi)
            font._set_transform(_UPRIGHT, [at_x, at_y])
            mode = RenderMode.NORMAL if antialiased else RenderMode.MONO
            rendered = font._render_glyph(index, flags, mode)
            bitmap = rendered.buffer
            if not antialiased:
                bitmap *= 0xFF
            edges = (bitmap, rendered.left - (at_x >> 6), rendered.top - (at_y >> 6))
            found = _kept(_GLYPHS, key, edges, MOST_GLYPHS)
        return found


class MapCanvas(FigureCanvasAgg):
    """:class:`FigureCanvasAgg` whose renderer draws texts from the process's caches.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> figure = Figure(figsize=(2, 1))
    >>> _ = figure.text(0.1, 0.5, "permanent farmland")
    >>> canvas = MapCanvas(figure)
    >>> canvas.draw()
    >>> np.asarray(canvas.buffer_rgba()).shape
    (100, 200, 4)
    """

    def get_renderer(self) -> RendererAgg:
        """The renderer for the figure's size and resolution (kept while they stay)."""
        width, height = self.get_width_height(physical=True)
        key = width, height, self.figure.dpi
        if self._lastKey != key:
            self.renderer = _Renderer(width, height, self.figure)
            self._lastKey = key
        return self.renderer
