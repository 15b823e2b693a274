"""report.xlsx: the reviewer's tables as a workbook, one sheet per table.

Every sheet has its title in row 1, the headers (with units) in row 2, frozen
with the title, an autofilter, and the rows below. Numbers are stored as
numbers with a number format: hectares (4 dp), 亩 (2 dp), square metres
(2 dp) and shares (percent) hold the *display* values, rounded after summing
with the largest-remainder method so the rows add up to the totals shown;
every square-metre column is repeated at the right of the sheet unrounded.

Text is always a text cell, never a formula: a site name such as
``=HYPERLINK(…)`` is stored as that text (and marked with Excel's quote prefix
when it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, so
editing the cell keeps it text). Characters XML cannot carry unchanged are
escaped as Excel escapes them (``_x000D_`` for a carriage return).

The workbook's XML is written here, not through a spreadsheet library: each
sheet is streamed into the ZIP package row by row, texts as inline strings,
with the few styles the sheets use (title, headers, totals, groups, status
tints, number formats, indents) registered once in ``xl/styles.xml``. A cell
object per value cost twenty times the rest of the writing for a batch.
"""

from __future__ import annotations

import functools
import math
import os
import re
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from landcheck.report.content import report_texts
from landcheck.report.palette import STATUS_COLORS
from landcheck.result import CheckResult
from landcheck.tables import Column, ReportTable, report_tables
from landcheck.text import FORMULA_START

if TYPE_CHECKING:
    from landcheck.report.options import ReportOptions

__all__ = [
    "FILENAME",
    "NUMBER_FORMATS",
    "SHEET_NAMES",
    "write_workbook",
    "write_xlsx",
    "xlsx_text",
]

FILENAME = "report.xlsx"

SHEET_NAMES = {
    "summary": ("汇总", "Summary"),
    "basic": ("项目用地基本情况", "Sites"),
    "land_classes": ("占用地类面积", "Land classes"),
    "land_by_unit": ("地类面积按权属单位", "Land by village"),
    "farmland": ("永久基本农田", "Farmland"),
    "eco_redline": ("生态保护红线", "Ecological redline"),
    "urban_boundary": ("城镇开发边界内外", "Urban boundary"),
    "planning": ("规划分区符合性", "Planning zones"),
    "layers": ("图层叠加面积", "Layers"),
    "findings": ("审查意见", "Findings"),
    "documents": ("须提交材料", "Documents"),
    "inputs": ("输入数据", "Inputs"),
    "run": ("运行参数", "Run"),
}
"""Table key → sheet name (Chinese, English)."""

NUMBER_FORMATS = {
    "ha": "0.0000",
    "mu": "0.00",
    "m2": "#,##0.00",
    "m2_exact": "#,##0.000000",
    "share": "0.00%",
    "int": "0",
}
"""Number format per column kind."""

_HEADER_ROW = 2
MAX_CELL_CHARACTERS = 32_767
"""Most characters (UTF-16 code units) a spreadsheet cell holds in Excel; longer texts are cut."""
_NOT_XML_SAFE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)|[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_FILLS = {"total": "EAF2F8", "sum": "EAF2F8", "group": "F8F9F9"}
_BUILTIN_FORMATS = {"0": 1, "0.00": 2, "#,##0.00": 4, "0.00%": 10}
"""Number formats every spreadsheet program knows by id (ECMA-376 §18.8.30)."""
_ROWS_PER_WRITE = 500
"""Rows of a sheet encoded and handed to the ZIP stream at once."""

_DEFLATE_LEVEL = 1
"""zlib's level for the workbook's parts: its fastest. The sheets' XML is mostly repeated
markup: at 500 sites level 1 deflated 21 MB in 0.07 s to 2.8 MB, the default (6) in 0.20 s to
1.9 MB; the time is the reviewer's, the megabyte nobody's."""

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006"
_TYPES = "application/vnd.openxmlformats-officedocument"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _status_fill(status: str) -> str:
    """A light tint of a status colour, for a cell background."""
    color = STATUS_COLORS.get(status, "#ffffff").lstrip("#")
    rgb = [int(color[i : i + 2], 16) for i in (0, 2, 4)]
    return "".join(f"{int(c + (255 - c) * 0.75):02X}" for c in rgb)


def _display_width(text: str) -> int:
    """Column width of a text: East Asian wide characters count twice.

    Examples
    --------
    >>> _display_width("S01"), _display_width("耕地 01")
    (3, 7)
    """
    if text.isascii():
        return len(text)
    return sum(map(_character_width, text))


@functools.lru_cache(maxsize=65_536)
def _character_width(character: str) -> int:
    """2 for an East Asian wide or full-width character, else 1."""
    return 2 if unicodedata.east_asian_width(character) in "WF" else 1


def xlsx_text(text: str) -> str:
    r"""Return text as a workbook stores it (OOXML ``ST_Xstring``).

    Control characters and the carriage return, which XML cannot carry
    unchanged, become ``_xHHHH_``; an underscore that would otherwise start
    such an escape becomes ``_x005F_``. Excel and LibreOffice read it back as
    the original text.

    Examples
    --------
    >>> xlsx_text("line 1\r\nline 2"), xlsx_text("_x0041_")
    ('line 1_x000D_\nline 2', '_x005F_x0041_')
    """
    return _NOT_XML_SAFE.sub(lambda match: f"_x{ord(match[0]):04X}_", text)


def _escape(text: str) -> str:
    """Text as XML character data or a double-quoted attribute value.

    Examples
    --------
    >>> _escape('a < b & "c" ]]>')
    'a &lt; b &amp; &quot;c&quot; ]]&gt;'
    """
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if '"' in text:
        text = text.replace('"', "&quot;")
    return text


def _column_letter(index: int) -> str:
    """The letters of a 1-based column index.

    Examples
    --------
    >>> _column_letter(1), _column_letter(26), _column_letter(27), _column_letter(703)
    ('A', 'Z', 'AA', 'AAA')
    """
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell_value(value: Any, column: Column) -> str | float | int | None:
    """A table value as the cell holds it: text as a string, numbers as numbers, or empty."""
    if column.kind == "text":
        return "" if value is None else str(value)
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    if column.kind == "int":
        return round(float(value))
    number = float(value)
    return number if math.isfinite(number) else None


def _cell_values(values: pd.Series, column: Column) -> list[str | float | int | None]:
    """A table column as its cells hold it (:func:`_cell_value`), a float column at once."""
    if column.kind == "text":
        return [v if type(v) is str else _cell_value(v, column) for v in values.tolist()]
    if values.dtype.kind != "f":
        return [_cell_value(v, column) for v in values.tolist()]
    numbers = values.to_numpy(dtype=float)
    finite = np.isfinite(numbers).tolist()
    if column.kind == "int":
        listed = [int(v) for v in np.rint(np.where(np.isfinite(numbers), numbers, 0.0)).tolist()]
    else:
        listed = numbers.tolist()
    return [v if known else None for v, known in zip(listed, finite, strict=True)]


class _StyleSheet:
    """The cell formats of the workbook (``xl/styles.xml``), each registered once.

    A cell's format is a font, a fill, a number format, an alignment and the
    quote prefix; :meth:`cell` gives its index in ``cellXfs`` (0: the default).
    """

    TITLE = '<font><b val="1"/><sz val="13"/></font>'
    BOLD = '<font><b val="1"/></font>'
    NOTE = '<font><i val="1"/><color rgb="005D6D7E"/></font>'
    HEADER_FILL = "D6EAF8"
    HEADER = '<alignment vertical="center" wrapText="1"/>'
    WIDE = '<alignment vertical="top" wrapText="1"/>'

    def __init__(self) -> None:
        self.fonts = ['<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>']
        self.fills = [
            "<fill><patternFill/></fill>",
            '<fill><patternFill patternType="gray125"/></fill>',
        ]
        self.formats: dict[str, int] = {}
        self.cells: dict[tuple[int, int, int, str, bool], int] = {(0, 0, 0, "", False): 0}

    def _font(self, xml: str) -> int:
        if xml not in self.fonts:
            self.fonts.append(xml)
        return self.fonts.index(xml)

    def _fill(self, rgb: str) -> int:
        xml = (
            f'<fill><patternFill patternType="solid"><fgColor rgb="00{rgb}"/></patternFill></fill>'
        )
        if xml not in self.fills:
            self.fills.append(xml)
        return self.fills.index(xml)

    def _format(self, code: str) -> int:
        if code in _BUILTIN_FORMATS:
            return _BUILTIN_FORMATS[code]
        return self.formats.setdefault(code, 164 + len(self.formats))

    def cell(
        self,
        *,
        font: str = "",
        fill: str = "",
        number_format: str = "",
        alignment: str = "",
        quote: bool = False,
    ) -> int:
        """The index of a cell format (fonts and alignments as their XML, a fill as its RGB)."""
        key = (
            self._font(font) if font else 0,
            self._fill(fill) if fill else 0,
            self._format(number_format) if number_format else 0,
            alignment,
            quote,
        )
        return self.cells.setdefault(key, len(self.cells))

    def xml(self) -> str:
        """``xl/styles.xml``."""
        formats = "".join(
            f'<numFmt numFmtId="{number}" formatCode="{_escape(code)}"/>'
            for code, number in self.formats.items()
        )
        cells = []
        for font, fill, number, alignment, quote in self.cells:
            applied = (
                (' applyFont="1"' if font else "")
                + (' applyFill="1"' if fill else "")
                + (' applyNumberFormat="1"' if number else "")
                + (' applyAlignment="1"' if alignment else "")
                + (' quotePrefix="1"' if quote else "")
            )
            head = f'<xf numFmtId="{number}" fontId="{font}" fillId="{fill}" borderId="0" xfId="0"'
            cells.append(f"{head}{applied}>{alignment}</xf>" if alignment else f"{head}{applied}/>")
        return (
            f'{_XML}<styleSheet xmlns="{_MAIN}">'
            + (f'<numFmts count="{len(self.formats)}">{formats}</numFmts>' if formats else "")
            + f'<fonts count="{len(self.fonts)}">{"".join(self.fonts)}</fonts>'
            + f'<fills count="{len(self.fills)}">{"".join(self.fills)}</fills>'
            + '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
            + "</borders>"
            + '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            + "</cellStyleXfs>"
            + f'<cellXfs count="{len(cells)}">{"".join(cells)}</cellXfs>'
            + '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            + "</styleSheet>"
        )


def cell_text(text: str) -> str:
    """Return ``text`` as it fits in one cell: cut at Excel's limit, saying so.

    Excel refuses a workbook holding a cell of more than
    :data:`MAX_CELL_CHARACTERS` UTF-16 code units; such a text keeps its start
    and ends with a note of its full length and where to read it whole.

    Examples
    --------
    >>> cell_text("短")
    '短'
    >>> long = cell_text("长" * 40_000)
    >>> len(long), long.endswith("…（全文 40,000 字，见 findings.json / full text: findings.json）")
    (32767, True)
    """
    units = len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2
    if units <= MAX_CELL_CHARACTERS:
        return text
    note = f"…（全文 {units:,} 字，见 findings.json / full text: findings.json）"
    kept = (MAX_CELL_CHARACTERS - len(note)) * 2
    return text.encode("utf-16-le")[:kept].decode("utf-16-le", errors="ignore") + note


def _inline(text: str) -> str:
    """The inline string of a text cell's content (empty for an empty text).

    Examples
    --------
    >>> _inline("a & b"), _inline(" padded"), _inline("")
    ('<is><t>a &amp; b</t></is>', '<is><t xml:space="preserve"> padded</t></is>', '')
    """
    stored = xlsx_text(cell_text(text))
    if not stored:
        return ""
    space = ' xml:space="preserve"' if stored != stored.strip() else ""
    return f"<is><t{space}>{_escape(stored)}</t></is>"


def _text_cell(reference: str, text: str, style: int) -> str:
    """A text cell (an inline string), never a formula, whatever ``text`` starts with."""
    styled = f' s="{style}"' if style else ""
    inline = _inline(text)
    if not inline:
        return f'<c r="{reference}"{styled} t="inlineStr"/>'
    return f'<c r="{reference}"{styled} t="inlineStr">{inline}</c>'


def _widest(column: Column) -> int:
    """The most characters a column is shown wide."""
    return 60 if column.wide else 40


class _Sheet:
    """One table laid out as a sheet: its columns, rows and widths, then its XML."""

    def __init__(self, table: ReportTable, styles: _StyleSheet):
        self.table = table
        self.styles = styles
        exact = [
            Column(f"__exact_{c.key}", c.zh, c.en, "m2_exact")
            for c in table.columns
            if c.kind == "m2"
        ]
        self.columns = [*table.columns, *exact]
        self.letters = [_column_letter(index) for index in range(1, len(self.columns) + 1)]
        self.headers = [column.header(table.lang) for column in self.columns]
        rounded, raw = table.rounded, table.frame
        self.values = [
            _cell_values(
                raw[column.key.removeprefix("__exact_")]
                if column.key.startswith("__exact_")
                else rounded[column.key],
                column,
            )
            for column in self.columns
        ]
        self.roles = [str(role) for role in rounded["_role"].tolist()]
        self.levels = [int(level) for level in rounded["_level"].tolist()]
        self.statuses = (
            [str(status) if status else "" for status in rounded["_status"].tolist()]
            if "_status" in rounded
            else [""] * len(rounded)
        )
        looks: dict[tuple[str, int, str], int] = {}
        self.looks = [
            looks.setdefault(look, len(looks))
            for look in zip(self.roles, self.levels, self.statuses, strict=True)
        ]
        """Per row, its look: the number of its (role, level, status), which its cells' formats
        follow."""
        self._shown_looks: set[int] = set()
        self._formats: dict[tuple[int, str, int, str, bool], int] = {}
        self._texts: dict[str, tuple[str, bool]] = {}

    def widths(self) -> list[int]:
        """Each column's width: its header's or widest value's, within the column's limit."""
        widths = [min(_display_width(header), 24) for header in self.headers]
        for index, (column, values) in enumerate(zip(self.columns, self.values, strict=True)):
            if column.numeric:
                widest = _display_width(NUMBER_FORMATS.get(column.kind, "") or " ") if values else 0
                widths[index] = max(widths[index], widest)
                continue
            indent = self.levels if index == 1 else [0] * len(values)
            widest = _widest(column) - 2  # no text widens the column beyond this
            # a column repeats its texts (classes, statuses): each text and indent once
            for value, level in dict.fromkeys(zip(values, indent, strict=True)):
                if widths[index] >= widest:
                    break
                stored = xlsx_text(value if isinstance(value, str) else str(value or "")) or " "
                if 2 * len(stored) + level * 2 <= widths[index]:
                    continue  # a character is at most two wide: it cannot widen the column
                width = max(_display_width(line) for line in stored.split("\n"))
                widths[index] = max(widths[index], width + level * 2)
        return [
            max(8, min(width + 2, _widest(column)))
            for column, width in zip(self.columns, widths, strict=True)
        ]

    def _format(self, index: int, role: str, level: int, status: str, quote: bool) -> int:
        """The cell format of a data cell (cached: a sheet has a few dozen)."""
        key = (index, role, level, status, quote)
        found = self._formats.get(key)
        if found is not None:
            return found
        column = self.columns[index]
        alignment = ""
        if column.wide and not column.numeric:
            alignment = _StyleSheet.WIDE
        if index == 1 and level and not column.numeric and not column.wide:
            alignment = f'<alignment indent="{level}"/>'
        fill = _FILLS.get(role, "")
        if column.key == "status" and status:
            fill = _status_fill(status)
        found = self._formats[key] = self.styles.cell(
            font=_StyleSheet.BOLD if role in ("total", "sum") else "",
            fill=fill,
            number_format=NUMBER_FORMATS[column.kind] if column.numeric else "",
            alignment=alignment,
            quote=quote,
        )
        return found

    def _rows(self, start: int, stop: int) -> str:
        """The XML of the rows at positions ``start`` to ``stop``, built a column at a time."""
        texts = {
            index: self._text_cells(values[start:stop])
            for index, values in enumerate(self.values)
            if not self.columns[index].numeric
        }
        self._register(start, stop, texts)
        columns = [
            self._cells(index, start, stop, texts.get(index)) for index in range(len(self.columns))
        ]
        first = _HEADER_ROW + 1
        return "".join(
            f'<row r="{first + position}">{"".join(cells)}</row>'
            for position, cells in zip(range(start, stop), zip(*columns, strict=True), strict=True)
        )

    def _text_cells(self, values: list[str]) -> list[tuple[str, bool]]:
        """Texts as (inline string, quote prefix), each distinct text made once a sheet."""
        known = self._texts
        out = []
        for value in values:
            found = known.get(value)
            if found is None:  # a sheet repeats its texts (ids, levels, statuses)
                found = known[value] = (_inline(value), value.startswith(FORMULA_START))
            out.append(found)
        return out

    def _register(self, start: int, stop: int, texts: dict[int, list[tuple[str, bool]]]) -> None:
        """Register the rows' cell formats in the order the rows and their cells read.

        Only a row of a look not seen before, or with a quoted text, can bring a
        format no earlier cell had; those rows are visited cell by cell.
        """
        quoted = {start + p for cells in texts.values() for p, cell in enumerate(cells) if cell[1]}
        for position in range(start, stop):
            look = self.looks[position]
            if look in self._shown_looks and position not in quoted:
                continue
            self._shown_looks.add(look)
            for index in range(len(self.columns)):
                quote = index in texts and texts[index][position - start][1]
                self._format(
                    index,
                    self.roles[position],
                    self.levels[position],
                    self.statuses[position],
                    quote,
                )

    def _cells(
        self, index: int, start: int, stop: int, texts: list[tuple[str, bool]] | None
    ) -> list[str]:
        """One column's cells in the rows at positions ``start`` to ``stop``, in one pass."""
        attributes = self._attributes(index, start, stop, texts)
        cell = f'<c r="{self.letters[index]}'
        rows = range(_HEADER_ROW + 1 + start, _HEADER_ROW + 1 + stop)
        if texts is not None:
            return [
                f'{cell}{row}"{attribute} t="inlineStr">{inline}</c>'
                if inline
                else f'{cell}{row}"{attribute} t="inlineStr"/>'
                for row, attribute, (inline, _) in zip(rows, attributes, texts, strict=True)
            ]
        return [
            f'{cell}{row}"{attribute} t="n"/>'
            if value is None
            else f'{cell}{row}"{attribute} t="n"><v>{value!r}</v></c>'
            for row, attribute, value in zip(
                rows, attributes, self.values[index][start:stop], strict=True
            )
        ]

    def _attributes(
        self, index: int, start: int, stop: int, texts: list[tuple[str, bool]] | None
    ) -> list[str]:
        """The style attribute of one column's cells, each (look, quote) looked up once."""
        quotes = [cell[1] for cell in texts] if texts is not None else [False] * (stop - start)
        keys = list(zip(self.looks[start:stop], quotes, strict=True))
        styled = {}
        for position, key in zip(range(start, stop), keys, strict=True):
            if key not in styled:
                style = self._format(
                    index,
                    self.roles[position],
                    self.levels[position],
                    self.statuses[position],
                    key[1],
                )
                styled[key] = f' s="{style}"' if style else ""
        return [styled[key] for key in keys]

    def _single(self, number: int, text: str, font: str) -> str:
        quote = text.startswith(FORMULA_START)
        style = self.styles.cell(font=font, quote=quote)
        return f'<row r="{number}">{_text_cell(f"A{number}", text, style)}</row>'

    def xml(self) -> Iterator[str]:
        """The sheet's XML in pieces: the frame, then the rows a few hundred at a time."""
        count = len(self.roles)
        last = _HEADER_ROW + count
        columns = "".join(
            f'<col min="{index}" max="{index}" width="{width}" customWidth="1"/>'
            for index, width in enumerate(self.widths(), start=1)
        )
        yield (
            f'{_XML}<worksheet xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}">'
            '<sheetPr><outlinePr summaryBelow="1" summaryRight="1"/><pageSetUpPr/></sheetPr>'
            '<sheetViews><sheetView workbookViewId="0">'
            f'<pane ySplit="{_HEADER_ROW}" topLeftCell="A{_HEADER_ROW + 1}" activePane="bottomLeft"'
            ' state="frozen"/><selection pane="bottomLeft" activeCell="A1" sqref="A1"/>'
            '</sheetView></sheetViews><sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
            f"<cols>{columns}</cols><sheetData>"
        )
        yield self._single(1, self.table.title, _StyleSheet.TITLE)
        header = []
        for letter, text in zip(self.letters, self.headers, strict=True):
            style = self.styles.cell(
                font=_StyleSheet.BOLD,
                fill=_StyleSheet.HEADER_FILL,
                alignment=_StyleSheet.HEADER,
                quote=text.startswith(FORMULA_START),
            )
            header.append(_text_cell(f"{letter}{_HEADER_ROW}", text, style))
        yield f'<row r="{_HEADER_ROW}">{"".join(header)}</row>'
        for start in range(0, count, _ROWS_PER_WRITE):
            stop = min(start + _ROWS_PER_WRITE, count)
            yield self._rows(start, stop)
        notes = self.table.notes()
        if notes:
            yield f'<row r="{last + 1}"/>'
        for number, note in enumerate(notes, start=last + 2):
            yield self._single(number, note, _StyleSheet.NOTE)
        yield "</sheetData>"
        if count:
            yield f'<autoFilter ref="{self.filter_range()}"/>'
        yield (
            '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
            "</worksheet>"
        )

    def filter_range(self) -> str:
        """The autofilter's cells: the header row and the table's rows."""
        return f"A{_HEADER_ROW}:{self.letters[-1]}{_HEADER_ROW + len(self.roles)}"


def _package(names: list[str], filters: list[str | None], title: str) -> dict[str, str]:
    """The package's parts besides the sheets and styles: content types, relations, workbook."""
    sheets = range(1, len(names) + 1)
    worksheet = f"{_TYPES}.spreadsheetml.worksheet+xml"
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{worksheet}"/>'
        for n in sheets
    )
    types = (
        f'{_XML}<Types xmlns="{_PACKAGE}/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        f'ContentType="{_TYPES}.spreadsheetml.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_TYPES}.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        f'<Override PartName="/docProps/app.xml" ContentType="{_TYPES}.extended-properties+xml"/>'
        f"{overrides}</Types>"
    )
    root = (
        f'{_XML}<Relationships xmlns="{_PACKAGE}/relationships">'
        f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
        f'<Relationship Id="rId2" Type="{_PACKAGE}/relationships/metadata/core-properties" '
        'Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{_RELATIONSHIPS}/extended-properties" '
        'Target="docProps/app.xml"/></Relationships>'
    )
    relations = "".join(
        f'<Relationship Id="rId{n}" Type="{_RELATIONSHIPS}/worksheet" '
        f'Target="worksheets/sheet{n}.xml"/>'
        for n in sheets
    )
    workbook_rels = (
        f'{_XML}<Relationships xmlns="{_PACKAGE}/relationships">{relations}'
        f'<Relationship Id="rId{len(names) + 1}" Type="{_RELATIONSHIPS}/styles" '
        'Target="styles.xml"/></Relationships>'
    )
    listed = "".join(
        f'<sheet name="{_escape(name)}" sheetId="{n}" r:id="rId{n}"/>'
        for n, name in zip(sheets, names, strict=True)
    )
    defined = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n - 1}" hidden="1">'
        f"{_escape(_absolute(name, ref))}</definedName>"
        for n, name, ref in zip(sheets, names, filters, strict=True)
        if ref
    )
    workbook = (
        f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}"><workbookPr/>'
        '<bookViews><workbookView activeTab="0"/></bookViews>'
        f"<sheets>{listed}</sheets>"
        + (f"<definedNames>{defined}</definedNames>" if defined else "")
        + '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
    )
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    core = (
        f'{_XML}<cp:coreProperties xmlns:cp="{_PACKAGE}/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:creator>landcheck</dc:creator><dc:title>{_escape(title)}</dc:title>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified>'
        "</cp:coreProperties>"
    )
    app = (
        f'{_XML}<Properties xmlns="{_TYPES}/extended-properties">'
        "<Application>landcheck</Application></Properties>"
    )
    return {
        "[Content_Types].xml": types,
        "_rels/.rels": root,
        "docProps/core.xml": core,
        "docProps/app.xml": app,
        "xl/workbook.xml": workbook,
        "xl/_rels/workbook.xml.rels": workbook_rels,
    }


def _absolute(sheet: str, ref: str) -> str:
    """A sheet's range as an absolute reference: ``'汇总'!$A$2:$K$36``.

    Examples
    --------
    >>> _absolute("O'Hara", "A2:K36")
    "'O''Hara'!$A$2:$K$36"
    """
    corners = [re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", corner) for corner in ref.split(":")]
    return "'" + sheet.replace("'", "''") + "'!" + ":".join(corners)


def write_workbook(
    result: CheckResult,
    path: str | os.PathLike[str],
    *,
    lang: str = "zh",
    progress: Callable[[int, int], None] | None = None,
    tables: dict[str, ReportTable] | None = None,
) -> str:
    """Write the workbook: one sheet per report table, streamed into the ZIP package.

    Parameters
    ----------
    result : CheckResult
        What to report.
    path : path
        The file to write (replaced if it exists).
    lang : {"zh", "en"}
        Sheet names, titles and headers.
    progress : callable, optional
        ``progress(done, total)`` after each sheet.
    tables : dict, optional
        The result's :func:`~landcheck.tables.report_tables` in ``lang`` when
        already built.

    Returns
    -------
    str
        ``path``.
    """
    path = os.fspath(path)
    tables = tables if tables is not None else report_tables(result, lang)
    styles = _StyleSheet()
    names, filters = [], []
    if progress is not None:
        progress(0, len(tables))
    with zipfile.ZipFile(
        path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=_DEFLATE_LEVEL
    ) as archive:
        for done, (key, table) in enumerate(tables.items(), start=1):
            zh, en = SHEET_NAMES.get(key, (key, key))
            names.append((en if lang == "en" else zh)[:31])
            sheet = _Sheet(table, styles)
            filters.append(sheet.filter_range() if len(table.frame) else None)
            with archive.open(f"xl/worksheets/sheet{done}.xml", "w", force_zip64=True) as stream:
                for piece in sheet.xml():
                    stream.write(piece.encode("utf-8"))
            if progress is not None:
                progress(done, len(tables))
        title = report_texts(lang, result.stage)["heading"]
        for name, xml in _package(names, filters, title).items():
            archive.writestr(name, xml)
        archive.writestr("xl/styles.xml", styles.xml())
    return path


def write_xlsx(result: CheckResult, directory: str, options: ReportOptions | None = None) -> str:
    """Write report.xlsx into ``directory`` and return its path."""
    lang = options.lang if options is not None else "zh"
    progress = options.step("xlsx") if options is not None else None
    tables = options.tables(result) if options is not None else None
    path = os.path.join(directory, FILENAME)
    return write_workbook(result, path, lang=lang, progress=progress, tables=tables)
