"""Report tables (:class:`~landcheck.tables.ReportTable`) as Word tables.

The rows, their rounding and their tree (totals, groups, indentation) are the
report tables' own; this module only lays them out with
:meth:`landcheck.report.wordstyle.Flow.table`, formatting cells as report.html
does (:func:`landcheck.report.content.format_value`).
"""

from __future__ import annotations

import math
from typing import Any

from landcheck.report.content import format_value
from landcheck.report.palette import STATUS_COLORS
from landcheck.report.wordstyle import Cell, Flow, text_width
from landcheck.tables import Column, ReportTable

__all__ = ["add_pairs", "add_report_table", "cell_text", "site_name", "table_pairs"]

_ROW_FILLS = {"total": "EAF2F8", "sum": "EAF2F8", "group": "F8F9F9"}
_LABEL_FILL = "F4F6F7"


def site_name(value: Any) -> str:
    """A site's name as text: empty when it has none.

    Examples
    --------
    >>> site_name("工业园"), site_name(None), site_name(float("nan"))
    ('工业园', '', '')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def cell_text(value: Any, column: Column) -> str:
    """A cell's text as report.html shows it (a missing text is empty).

    Examples
    --------
    >>> cell_text(float("nan"), Column("name", "名称", "name"))
    ''
    >>> cell_text(0.5, Column("area", "面积", "area", "ha"))
    '0.5000'
    """
    if column.kind == "text" and isinstance(value, float) and math.isnan(value):
        return ""
    return format_value(value, column.kind)


def add_report_table(
    flow: Flow,
    table: ReportTable,
    *,
    site_id: str | None = None,
    keys: tuple[str, ...] | None = None,
    title: bool = True,
    landscape: bool = False,
) -> None:
    """Add a report table: its title, the table and its notes (:meth:`ReportTable.notes`).

    Parameters
    ----------
    flow : Flow
        The document being written.
    table : ReportTable
        A table from :func:`landcheck.tables.report_tables`.
    site_id : str, optional
        Only this site's rows, without the site column.
    keys : tuple of str, optional
        Only these columns (in the table's order).
    title : bool
        Add the table's title as a ``Heading 3`` above it.
    landscape : bool
        The table is on a landscape page (it may be wider).
    """
    columns = [
        c
        for c in table.columns
        if (site_id is None or c.key != "site_id") and (keys is None or c.key in keys)
    ]
    records = table.site_records(site_id) if site_id is not None else table.records
    rows = []
    for record in records:
        role = str(record["_role"])
        level = int(record["_level"])
        cells = []
        for index, column in enumerate(columns):
            status = str(record.get("_status") or "") if column.key == "status" else ""
            cells.append(
                Cell(
                    cell_text(record.get(column.key), column),
                    numeric=column.numeric,
                    bold=role in ("total", "sum"),
                    fill=_ROW_FILLS.get(role, ""),
                    color=STATUS_COLORS.get(status, ""),
                    indent=level if index == 0 and not column.numeric else 0,
                )
            )
        rows.append(cells)
    if title:
        flow.heading(table.title, 3)
    headers = [Cell(c.header(table.lang), numeric=c.numeric, wide=c.wide) for c in columns]
    # a note stays on the page of the table's last row
    width = text_width(landscape=landscape)
    notes = table.notes(site_id)
    flow.table(headers, rows, width=width, keep_last_row=bool(notes))
    for note in notes:
        flow.paragraph(note, "Caption")


def add_pairs(flow: Flow, pairs: list[tuple[str, str]], *, landscape: bool = False) -> None:
    """Add a two-column table of (label, value) pairs, labels shaded."""
    rows = [[Cell(name, fill=_LABEL_FILL), Cell(value, wide=True)] for name, value in pairs]
    flow.table(None, rows, width=text_width(landscape=landscape))


def table_pairs(
    table: ReportTable, site_id: str, keys: tuple[str, ...] | None = None
) -> list[tuple[str, str]]:
    """A site's row of a one-row-per-site table as (header, value) pairs.

    ``keys`` chooses the columns (default: all but the site id); they come in
    the table's order.
    """
    rows = table.site_records(site_id)
    if not rows:
        return []
    wanted = keys if keys is not None else [c.key for c in table.columns if c.key != "site_id"]
    return [
        (c.header(table.lang), cell_text(rows[0][c.key], c))
        for c in table.columns
        if c.key in wanted
    ]
