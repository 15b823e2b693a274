"""The bundled CJK font: for matplotlib maps (reports and notebooks), and as a web font for HTML.

No CJK system font is assumed. The package ships a subset of Noto Sans CJK SC
(SIL OFL 1.1; see ``fonts/README.md``): :func:`font_families` registers it with
matplotlib and returns the family list maps draw with, and
:func:`font_face_css` subsets it again to the characters a page uses and
returns an ``@font-face`` rule with the font inline (WOFF, base64), so the page
needs neither the network nor installed fonts.
"""

from __future__ import annotations

import base64
import io
import os
from functools import lru_cache

import numpy as np

__all__ = [
    "FONT_FAMILY",
    "FONT_PATH",
    "cut_characters",
    "font_face_css",
    "font_families",
    "whole_font",
    "whole_font_face_css",
    "woff_subset",
]

FONT_PATH = os.path.join(os.path.dirname(__file__), "fonts", "NotoSansCJKsc-Regular-subset.otf")
"""The bundled font file."""

FONT_FAMILY = "Noto Sans CJK SC"
"""Its family name."""

WEB_FAMILY = "Landcheck Sans"
"""The family name the embedded web font is declared under."""

# CJK families a system may have, used after the bundled one for characters it lacks.
_SYSTEM_CJK = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
    "Microsoft YaHei",
    "SimHei",
    "SimSun",
    "PingFang SC",
    "Hiragino Sans GB",
    "AR PL UMing CN",
)


@lru_cache(maxsize=1)
def font_families() -> tuple[str, ...]:
    """Register the bundled font with matplotlib; return the families to draw with.

    The bundled font comes first, then DejaVu Sans (matplotlib's own) and any
    CJK font the system has, as fallbacks for characters outside the subset.
    """
    from matplotlib import font_manager

    manager = font_manager.fontManager
    if not any(f.fname == FONT_PATH for f in manager.ttflist):
        manager.addfont(FONT_PATH)
    present = {f.name for f in manager.ttflist}
    fallbacks = [name for name in _SYSTEM_CJK if name in present and name != FONT_FAMILY]
    return (FONT_FAMILY, "DejaVu Sans", *fallbacks)


_PRINTABLE = frozenset(map(chr, range(0x20, 0x7F)))


def cut_characters(text: str) -> set[str]:
    r"""The characters of ``text`` a cut of the font depends on: all but printable ASCII.

    :func:`woff_subset` keeps printable ASCII whatever the text, so leaving it
    out changes no cut. Found by counting the text's UTF-16 code units, twice
    as fast as ``set(text)`` on a site page; text beyond the Basic
    Multilingual Plane falls back to ``set(text)``.

    Examples
    --------
    >>> sorted(cut_characters("<b>审查 12</b>\n审"))
    ['\n', '审', '查']
    >>> sorted(cut_characters("𠀀a"))
    ['𠀀']
    """
    units = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    codes = np.flatnonzero(np.bincount(units))
    if ((codes >= 0xD800) & (codes <= 0xDFFF)).any():  # surrogates: beyond the BMP
        return set(text) - _PRINTABLE
    return set(map(chr, codes[(codes < 0x20) | (codes > 0x7E)].tolist()))


@lru_cache(maxsize=8)
def woff_subset(text: str) -> bytes:
    """The bundled font cut down to the characters of ``text``, as WOFF bytes.

    WOFF 1.0 (zlib), which every browser reads and fontTools writes without
    brotli. Printable ASCII is always kept. The bundled font has no hints (they
    were dropped when it was built, ``fonts/_build_subset.py``), so the cut
    does not look for hints to drop: that pass took a fifth of its time.

    Examples
    --------
    >>> data = woff_subset("永久基本农田")
    >>> data[:4], len(data) < 20_000
    (b'wOFF', True)
    """
    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = ["kern"]
    options.hinting = True  # none to keep: the cut is the same, without the dehinting pass
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    with open(FONT_PATH, "rb") as handle:
        source = io.BytesIO(handle.read())
    font = subset.load_font(source, options)
    try:
        subsetter = subset.Subsetter(options)
        chars = {ord(c) for c in text} | set(range(0x20, 0x7F))
        subsetter.populate(unicodes=sorted(chars))
        subsetter.subset(font)
        buffer = io.BytesIO()
        subset.save_font(font, buffer, options)
    finally:
        font.close()
    return buffer.getvalue()


@lru_cache(maxsize=1)
def whole_font() -> bytes:
    """The bundled font file's bytes, read once a process (OpenType, 1.59 MB).

    Embedded as it is, it costs nothing to make, where a cut to the
    characters of many pages takes half a second and can only start once
    the last page is known; as WOFF it would weigh a seventh less, for a
    tenth of a second of compressing.
    """
    with open(FONT_PATH, "rb") as handle:
        return handle.read()


def font_face_css(text: str, family: str = WEB_FAMILY) -> str:
    """An ``@font-face`` rule embedding the font for ``text`` (base64 WOFF data URL).

    Examples
    --------
    >>> css = font_face_css("审查")
    >>> css.startswith("@font-face{font-family:'Landcheck Sans';src:url(data:font/woff;base64,")
    True
    """
    return _font_face(woff_subset("".join(sorted(cut_characters(text)))), family, "woff")


def whole_font_face_css(family: str = WEB_FAMILY) -> str:
    """An ``@font-face`` rule embedding the whole bundled font (:func:`whole_font`).

    For pages whose characters are not all known when the rule is written:
    a batch's site pages share it, drawn while it is written.

    Examples
    --------
    >>> whole_font_face_css().count("data:font/otf;base64,T1RUTw")  # OTTO: OpenType, CFF
    1
    """
    return _font_face(whole_font(), family, "otf")


_FORMATS = {"woff": "woff", "otf": "opentype"}


def _font_face(data: bytes, family: str, kind: str) -> str:
    """The ``@font-face`` rule of ``family`` with ``data`` (``kind``: woff or otf) inline."""
    text = base64.b64encode(data).decode("ascii")
    return (
        f"@font-face{{font-family:'{family}';src:url(data:font/{kind};base64,{text}) "
        f"format('{_FORMATS[kind]}');font-weight:normal;font-style:normal;font-display:block}}"
    )
