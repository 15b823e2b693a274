"""The web font cut from the bundled font: the characters asked for, quickly."""

from __future__ import annotations

import io

from fontTools import subset
from fontTools.ttLib import TTFont

from landcheck.typeface import FONT_PATH, cut_characters, font_face_css, woff_subset

TEXT = "永久基本农田生态保护红线城镇开发边界 ㎡（）·—…"


def dehinted_cut(text: str) -> bytes:
    """The cut as made with fontTools' dehinting pass (``hinting = False``)."""
    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = ["kern"]
    options.hinting = False
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    with subset.load_font(FONT_PATH, options) as font:
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted({ord(c) for c in text} | set(range(0x20, 0x7F))))
        subsetter.subset(font)
        buffer = io.BytesIO()
        subset.save_font(font, buffer, options)
    return buffer.getvalue()


def test_the_bundled_font_has_no_hints_so_the_cut_skips_dropping_them():
    with TTFont(FONT_PATH) as font:
        top = font["CFF "].cff.topDictIndex[0]
        kept = {key for fd in top.FDArray for key in fd.Private.rawDict}
    assert kept <= {"Subrs", "defaultWidthX", "nominalWidthX"}  # no blue zones, no stems
    assert woff_subset(TEXT) == dehinted_cut(TEXT)


def test_the_cut_maps_every_character_asked_for():
    with TTFont(io.BytesIO(woff_subset(TEXT))) as font:
        cmap = font.getBestCmap()
    assert {ord(c) for c in TEXT if c != " "} <= set(cmap)
    assert set(range(0x21, 0x7F)) <= set(cmap)


def test_a_cut_depends_on_the_characters_found_beside_printable_ascii():
    """cut_characters is set(text) less printable ASCII, beyond the BMP and lone surrogates
    too; a page's font is the same cut from those characters as from the whole page."""
    printable = {chr(c) for c in range(0x20, 0x7F)}
    texts = [
        "",
        "abc",
        TEXT + "\n\t<svg>1.5</svg>\x7f\x00",
        "𠀀𝄞 " + TEXT,  # beyond the BMP: surrogate pairs in UTF-16
        "x\ud800y",  # a lone surrogate
        "".join(map(chr, range(0, 0x3000, 7))),
    ]
    for text in texts:
        assert cut_characters(text) == set(text) - printable, text
    page = f"<p>{TEXT}</p>\n<svg>M1.0,2.0 3.5,4.5Z</svg>"
    assert font_face_css(page) == font_face_css("".join(sorted(set(page))))
    assert woff_subset("".join(sorted(cut_characters(page)))) == woff_subset(
        "".join(sorted(set(page)))
    )
