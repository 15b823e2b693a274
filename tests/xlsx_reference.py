"""The workbook report.xlsx held before it was written as XML: openpyxl's cells, as reference.

landcheck writes the sheets' XML itself (:mod:`landcheck.report.xlsx`); this is the
openpyxl write-only builder it replaced, kept only to prove that the workbook
reads back the same cell for cell (values, types, number formats, styles, widths,
freeze panes, autofilters).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet.worksheet import Worksheet

from landcheck.report.content import report_texts
from landcheck.report.palette import STATUS_COLORS
from landcheck.report.xlsx import NUMBER_FORMATS, SHEET_NAMES, xlsx_text
from landcheck.result import CheckResult
from landcheck.tables import Column, ReportTable, report_tables

Cell = WriteOnlyCell

_HEADER_ROW = 2
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make spreadsheet programs read typed text as a formula."""
_FILLS = {"total": "EAF2F8", "sum": "EAF2F8", "group": "F8F9F9"}


def _status_fill(status: str) -> str:
    """A light tint of a status colour, for a cell background."""
    color = STATUS_COLORS.get(status, "#ffffff").lstrip("#")
    rgb = [int(color[i : i + 2], 16) for i in (0, 2, 4)]
    return "".join(f"{int(c + (255 - c) * 0.75):02X}" for c in rgb)


def _display_width(text: str) -> int:
    """Column width of a text: East Asian wide characters count twice."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _cell_value(value: Any, column: Column) -> Any:
    if column.kind == "text":
        return "" if value is None else str(value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if column.kind == "int":
        return round(float(value))
    return float(value)


def _text_cell(sheet: Worksheet, text: str) -> Cell:
    """A text cell, never a formula, whatever ``text`` starts with."""
    cell = WriteOnlyCell(sheet, value=xlsx_text(text))
    cell.data_type = "s"  # openpyxl makes any text starting with "=" a formula
    if text.startswith(_FORMULA_START):
        cell.quotePrefix = True
    return cell


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
    notes = table.notes()
    if notes:
        sheet.append([])
    for text in notes:
        note = _text_cell(sheet, text)
        note.font = styles.note
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
    workbook.properties.title = report_texts(lang, result.stage)["heading"]
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
