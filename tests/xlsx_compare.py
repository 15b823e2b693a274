"""Two workbooks read back with openpyxl, compared cell for cell: what report.xlsx shows."""

from __future__ import annotations

import openpyxl


def _color(color) -> str | None:
    return color.rgb if color is not None and color.type == "rgb" else None


def cell_facts(cell) -> tuple:
    """What a reader sees of a cell: value, type, number format, font, fill, alignment, quote."""
    font, fill, align = cell.font, cell.fill, cell.alignment
    return (
        cell.data_type,
        cell.number_format,
        bool(font.b),
        bool(font.i),
        font.sz if font.b or font.i else None,  # sizes of the titles, notes and headers
        _color(font.color) if font.i else None,
        fill.fill_type,
        _color(fill.fgColor) if fill.fill_type else None,
        align.indent,
        bool(align.wrap_text),
        align.vertical,
        bool(cell.quotePrefix),
    )


def same_number(old: float, new: float) -> bool:
    """Equal, or equal once the new value is written with 16 significant digits as before."""
    return new == old or float(f"{new:.16g}") == old


def workbook_differences(old_path, new_path, limit: int = 20) -> list[str]:
    """Every difference a reader of the two workbooks would see (the first ``limit``)."""
    old_book = openpyxl.load_workbook(old_path)
    new_book = openpyxl.load_workbook(new_path)
    out: list[str] = []
    try:
        if old_book.sheetnames != new_book.sheetnames:
            return [f"sheets {old_book.sheetnames} != {new_book.sheetnames}"]
        for name in old_book.sheetnames:
            old, new = old_book[name], new_book[name]
            facts = [
                ("freeze panes", old.freeze_panes, new.freeze_panes),
                ("autofilter", old.auto_filter.ref, new.auto_filter.ref),
                ("size", (old.max_row, old.max_column), (new.max_row, new.max_column)),
                (
                    "widths",
                    {k: d.width for k, d in old.column_dimensions.items()},
                    {k: d.width for k, d in new.column_dimensions.items()},
                ),
            ]
            out += [f"{name}: {what} {a!r} != {b!r}" for what, a, b in facts if a != b]
            for old_row, new_row in zip(old.iter_rows(), new.iter_rows(), strict=True):
                for a, b in zip(old_row, new_row, strict=True):
                    numbers = isinstance(a.value, int | float) and isinstance(b.value, int | float)
                    if numbers:  # openpyxl reads "0" as 0 and "0.0" as 0.0: both numbers
                        equal = same_number(float(a.value), float(b.value))
                    else:
                        equal = a.value == b.value and type(a.value) is type(b.value)
                    if not equal:
                        out.append(f"{name}!{a.coordinate}: {a.value!r} != {b.value!r}")
                    elif cell_facts(a) != cell_facts(b):
                        out.append(f"{name}!{a.coordinate}: {cell_facts(a)} != {cell_facts(b)}")
                    if len(out) >= limit:
                        return out
        for what in ("creator", "title"):
            a, b = getattr(old_book.properties, what), getattr(new_book.properties, what)
            if a != b:
                out.append(f"{what} {a!r} != {b!r}")
    finally:
        old_book.close()
        new_book.close()
    return out
