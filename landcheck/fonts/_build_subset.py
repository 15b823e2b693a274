"""Rebuild the bundled CJK font subset (a maintainer's tool, not used at run time).

Usage (from the repository root, with the full Noto Sans CJK SC Regular OTF at hand)::

    python landcheck/fonts/_build_subset.py NotoSansCJKsc-Regular.otf

It keeps ASCII, Latin-1, common punctuation and symbols, every GB2312 character
(its 682 symbols and 6,763 hanzi) and every character used in landcheck's own
texts (profiles, code tables, templates, Python sources), drops vertical
metrics and layout tables a map label does not need, and writes
``NotoSansCJKsc-Regular-subset.otf`` beside this file. See README.md here for
the provenance of the source font.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = os.path.dirname(HERE)
OUTPUT = os.path.join(HERE, "NotoSansCJKsc-Regular-subset.otf")

_RANGES = (
    (0x20, 0x7E),  # ASCII
    (0xA0, 0xFF),  # Latin-1 supplement
    (0x2010, 0x2027),  # dashes, quotes, ellipsis
    (0x2030, 0x203B),  # per mille, primes, ※
    (0x2190, 0x2199),  # arrows
    (0x2460, 0x2473),  # circled numbers
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0xFF01, 0xFF5E),  # full-width ASCII
    (0xFFE0, 0xFFE5),  # full-width signs
)
_EXTRA = "±×÷≈≠≤≥∑√∞°℃№㎡²³·•…—–‘’“”、。《》「」【】〔〕（）：；，！？"
_TEXT_SUFFIXES = (".py", ".yaml", ".yml", ".csv", ".j2", ".md", ".txt")


def gb2312_characters() -> str:
    """Every character of GB2312: symbol rows 1–9 and hanzi rows 16–87."""
    out = []
    for row in [*range(1, 10), *range(16, 88)]:
        for cell in range(1, 95):
            try:
                out.append(bytes([0xA0 + row, 0xA0 + cell]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(out)


def package_characters(root: str = PACKAGE) -> str:
    """Every non-ASCII character in landcheck's own text files."""
    seen: set[str] = set()
    for directory, _, files in os.walk(root):
        if "__pycache__" in directory:
            continue
        for name in files:
            if name.endswith(_TEXT_SUFFIXES):
                with open(os.path.join(directory, name), encoding="utf-8", errors="ignore") as f:
                    seen.update(c for c in f.read() if ord(c) > 0x7F)
    return "".join(sorted(seen))


def subset_characters(extra: Iterable[str] = ()) -> str:
    """The characters the bundled subset keeps."""
    chars = {chr(c) for lo, hi in _RANGES for c in range(lo, hi + 1)}
    chars.update(_EXTRA, gb2312_characters(), package_characters(), *extra)
    return "".join(sorted(chars))


def build(source: str, output: str = OUTPUT, extra: Iterable[str] = ()) -> int:
    """Subset ``source`` into ``output``; return the number of characters kept."""
    from fontTools import subset

    options = subset.Options()
    options.layout_features = ["kern"]
    options.drop_tables += ["VORG", "vhea", "vmtx", "BASE", "DSIG"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    options.hinting = False
    font = subset.load_font(source, options)
    chars = subset_characters(extra)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in chars])
    subsetter.subset(font)
    subset.save_font(font, output, options)
    return len(chars)


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", help="NotoSansCJKsc-Regular.otf (full font)")
    parser.add_argument("-o", "--output", default=OUTPUT)
    args = parser.parse_args()
    count = build(args.source, args.output)
    print(f"{args.output}: {count} characters, {os.path.getsize(args.output):,} bytes")


if __name__ == "__main__":
    main()
