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
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from landcheck.report.palette import STATUS_COLORS
from landcheck.result import CheckResult
from landcheck.tables import Column, ReportTable, report_tables

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

    from landcheck.report.options import ReportOptions

__all__ = [
    "FILENAME",
    "NUMBER_FORMATS",
    "SHEET_NAMES",
    "build_workbook",
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
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make spreadsheet programs read typed text as a formula."""
_NOT_XML_SAFE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)|[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_FILLS = {"total": "EAF2F8", "sum": "EAF2F8", "group": "F8F9F9"}


def _status_fill(status: str) -> str:
    """A light tint of a status colour, for a cell background."""
    color = STATUS_COLORS.get(status, "#ffffff").lstrip("#")
    rgb = [int(color[i : i + 2], 16) for i in (0, 2, 4)]
    return "".join(f"{int(c + (255 - c) * 0.75):02X}" for c in rgb)


def _display_width(text: str) -> int:
    """Column width of a text: East Asian wide characters count twice."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


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


def _text_cell(sheet: Worksheet, text: str) -> Cell:
    """A text cell, never a formula, whatever ``text`` starts with."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=xlsx_text(text))
    cell.data_type = "s"  # openpyxl makes any text starting with "=" a formula
    if text.startswith(_FORMULA_START):
        cell.quotePrefix = True
    return cell


def _cell_value(value: Any, column: Column) -> Any:
    if column.kind == "text":
        return "" if value is None else str(value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if column.kind == "int":
        return round(float(value))
    return float(value)


class _Styles:
    """The few styles every sheet uses, made once (openpyxl registers each one it sees)."""

    def __init__(self) -> None:
        from openpyxl.styles import Alignment, Font, PatternFill

        self.title = Font(size=13, bold=True)
        self.bold = Font(bold=True)
        self.note = Font(italic=True, color="5D6D7E")
        self.header_fill = PatternFill("solid", fgColor="D6EAF8")
        self.header = Alignment(wrap_text=True, vertical="center")
        self.wide = Alignment(wrap_text=True, vertical="top")
        self.fills = {role: PatternFill("solid", fgColor=color) for role, color in _FILLS.items()}
        self._indents: dict[int, Any] = {}
        self._statuses: dict[str, Any] = {}
        self._alignment = Alignment
        self._fill = PatternFill

    def indent(self, level: int) -> Any:
        if level not in self._indents:
            self._indents[level] = self._alignment(indent=level)
        return self._indents[level]

    def status(self, status: str) -> Any:
        if status not in self._statuses:
            self._statuses[status] = self._fill("solid", fgColor=_status_fill(status))
        return self._statuses[status]


def _sheet_rows(table: ReportTable, columns: list[Column]) -> list[tuple[str, int, str, list[Any]]]:
    """Each row's role, level, status and cell values (texts as the workbook stores them)."""
    rounded = table.rounded
    raw = table.frame
    exact = {
        column.key: raw.loc[rounded.index, column.key.removeprefix("__exact_")].to_numpy()
        for column in columns
        if column.key.startswith("__exact_")
    }
    rows = []
    for offset, record in enumerate(rounded.to_dict("records")):
        values = [
            _cell_value(
                exact[column.key][offset] if column.key in exact else record[column.key], column
            )
            for column in columns
        ]
        status = str(record["_status"]) if record.get("_status") else ""
        rows.append((str(record["_role"]), int(record["_level"]), status, values))
    return rows


def _write_sheet(sheet: Worksheet, table: ReportTable, styles: _Styles) -> None:
    """Write one table into a write-only sheet: widths first, then the rows in order."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    exact = [
        Column(f"__exact_{c.key}", c.zh, c.en, "m2_exact") for c in table.columns if c.kind == "m2"
    ]
    columns = [*table.columns, *exact]
    rows = _sheet_rows(table, columns)
    headers = [column.header(table.lang) for column in columns]
    widths = [min(_display_width(header), 24) for header in headers]
    for _role, level, _status, values in rows:
        for index, (column, value) in enumerate(zip(columns, values, strict=True)):
            if column.numeric:
                text = NUMBER_FORMATS.get(column.kind, "")
            else:
                text = str(xlsx_text(value) if isinstance(value, str) else value or "")
            width = max(_display_width(line) for line in (text or " ").split("\n"))
            widths[index] = max(widths[index], width + (level * 2 if index == 1 else 0))
    for index, (column, width) in enumerate(zip(columns, widths, strict=True), 1):
        limit = 60 if column.wide else 40
        sheet.column_dimensions[get_column_letter(index)].width = max(8, min(width + 2, limit))
    sheet.freeze_panes = f"A{_HEADER_ROW + 1}"
    last = _HEADER_ROW + len(rows)
    if rows:
        sheet.auto_filter.ref = f"A{_HEADER_ROW}:{get_column_letter(len(columns))}{last}"
    title = _text_cell(sheet, table.title)
    title.font = styles.title
    sheet.append([title])
    header_cells = []
    for header in headers:
        cell = _text_cell(sheet, header)
        cell.font = styles.bold
        cell.fill = styles.header_fill
        cell.alignment = styles.header
        header_cells.append(cell)
    sheet.append(header_cells)
    for role, level, status, values in rows:
        cells = []
        for index, (column, value) in enumerate(zip(columns, values, strict=True), 1):
            if isinstance(value, str):
                cell = _text_cell(sheet, value)
            else:
                cell = WriteOnlyCell(sheet, value=value)
            if column.numeric:
                cell.number_format = NUMBER_FORMATS[column.kind]
            elif column.wide:
                cell.alignment = styles.wide
            if index == 2 and level and not column.numeric and not column.wide:
                cell.alignment = styles.indent(level)
            if role in styles.fills:
                cell.fill = styles.fills[role]
                if role in ("total", "sum"):
                    cell.font = styles.bold
            if column.key == "status" and status:
                cell.fill = styles.status(status)
            cells.append(cell)
        sheet.append(cells)
    if table.note:
        note = _text_cell(sheet, table.note)
        note.font = styles.note
        sheet.append([])
        sheet.append([note])


def build_workbook(
    result: CheckResult,
    *,
    lang: str = "zh",
    progress: Callable[[int, int], None] | None = None,
    tables: dict[str, ReportTable] | None = None,
) -> Any:
    """Build the workbook (a write-only :class:`openpyxl.Workbook`) without saving it.

    The sheets are written as they are built (openpyxl's write-only mode: no
    cell objects kept), so a workbook of ten thousand sites fits in memory.

    ``progress(done, total)`` is called after each sheet; ``tables`` are the
    result's :func:`~landcheck.tables.report_tables` in ``lang`` when already built.
    """
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    workbook.properties.creator = "landcheck"
    workbook.properties.title = (
        "建设项目用地预审与选址审查报告" if lang == "zh" else "Land pre-examination report"
    )
    tables = tables if tables is not None else report_tables(result, lang)
    styles = _Styles()
    if progress is not None:
        progress(0, len(tables))
    for done, (key, table) in enumerate(tables.items(), start=1):
        names = SHEET_NAMES.get(key, (key, key))
        sheet = workbook.create_sheet(title=(names[1] if lang == "en" else names[0])[:31])
        _write_sheet(sheet, table, styles)
        if progress is not None:
            progress(done, len(tables))
    return workbook


def write_xlsx(result: CheckResult, directory: str, options: ReportOptions | None = None) -> str:
    """Write report.xlsx into ``directory`` and return its path."""
    lang = options.lang if options is not None else "zh"
    path = os.path.join(directory, FILENAME)
    progress = options.step("xlsx") if options is not None else None
    tables = options.tables(result) if options is not None else None
    build_workbook(result, lang=lang, progress=progress, tables=tables).save(path)
    return path
