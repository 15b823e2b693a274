"""Reading a land-use standard index table (CSV) and handing it to the profile's rule.

The file's columns are documented in docs/profile.md ("Land-use standard index table");
:mod:`landcheck.review.index_table` says what its rows mean. A table is named by the
``land_use_standard`` rule's ``standards_table`` parameter (a path relative to the profile
file) or given for a run (``--standards-table``, ``check(..., standards_table=...)``), which
wins. Everything in the file is checked before a row is used: a problem stops the run with
the file, line and column and how to fix it, and nothing is written.
"""

from __future__ import annotations

import csv
import io
import math
import os
from dataclasses import replace
from typing import Any

from landcheck.errors import DataSourceError, InputDataError, shown
from landcheck.io.records import InputRecord
from landcheck.profile import Profile
from landcheck.review.index_table import INDICATORS, IndexRow, IndexTable, land_grade

__all__ = [
    "COLUMNS",
    "MAX_TABLE_BYTES",
    "MAX_TABLE_ROWS",
    "TABLE_PARAM",
    "attach_standards_table",
    "read_standards_table",
]

COLUMNS = ("table", "key", "grade", "indicator", "min", "max", "unit", "source")
"""The columns a table may have; ``unit`` and ``source`` may be left out."""

_REQUIRED = ("table", "key", "grade", "indicator", "min", "max")

TABLE_PARAM = "standards_table"
"""The parameter of a ``land_use_standard`` rule naming its table."""

MAX_TABLE_BYTES = 10 * 1024 * 1024
"""Largest table file read (a national table by 4-digit code and 15 grades is ~1 MB)."""

MAX_TABLE_ROWS = 100_000
"""Most rows a table may hold."""

_MAX_CELL = 500
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_CHECK = "land_use_standard"


class _Problem(Exception):
    """One problem of one cell: the column and what to say."""

    def __init__(self, column: str | None, text: str):
        super().__init__(text)
        self.column = column
        self.text = text


def _text(row: dict[str, str], column: str) -> str:
    """A text cell, refused when it is too long or reads as a spreadsheet formula."""
    value = row.get(column) or ""
    if len(value) > _MAX_CELL:
        raise _Problem(column, f"holds {len(value):,} characters (at most {_MAX_CELL})")
    text = value.strip()
    if value.startswith(_FORMULA) or text.startswith(_FORMULA):
        first = value[0] if value.startswith(_FORMULA) else text[0]
        raise _Problem(
            column,
            f"{shown(value)} starts like a spreadsheet formula ({first!r}); "
            "write the plain value (a number, a code or a name)",
        )
    return text


def _bound(row: dict[str, str], column: str) -> float | None:
    """A ``min``/``max`` cell: blank, or a finite number of at least 0."""
    raw = (row.get(column) or "").strip()
    if not raw:
        return None
    try:
        number = float(raw.replace(",", ""))
    except ValueError:
        _text(row, column)  # too long or formula-like: say that first
        raise _Problem(
            column, f"{shown(raw)} is not a number; write it with digits, e.g. 1200 or 1.5"
        ) from None
    if not math.isfinite(number):
        raise _Problem(column, f"{shown(raw)} is not a finite number; write a bound such as 1200")
    if number < 0:
        raise _Problem(
            column,
            f"{shown(raw)} is negative; bounds are numbers of at least 0, write it without -",
        )
    return number


def _grades(table: str, text: str) -> tuple[int, int] | None:
    """The land grades an ``industry`` row covers (``3``, ``2-3``, ``二等``…; blank: all)."""
    if table != "industry" or not text:
        return None
    parts = text.replace("～", "-").replace("~", "-").replace("—", "-").split("-")
    grades = [land_grade(p) for p in parts]
    if len(parts) > 2 or None in grades or grades[0] > grades[-1]:  # type: ignore[operator]
        raise _Problem(
            "grade",
            f"{shown(text)} is not a 土地等别: write a grade from 1 to 15 (3 or 三等), a range "
            "of grades (2-3), or leave it blank for every grade",
        )
    return grades[0], grades[-1]  # type: ignore[return-value]


def _row(row: dict[str, str], line: int) -> IndexRow:
    """One row of the file, checked."""
    table = _text(row, "table").lower()
    if table not in INDICATORS:
        raise _Problem("table", f"{shown(table)} is not a table; write industry or sector")
    key = _text(row, "key")
    if table == "industry" and not (key.isdigit() and 2 <= len(key) <= 4):
        raise _Problem(
            "key",
            f"{shown(key)} is not a GB/T 4754 industry code; write its 2-digit 大类 (e.g. 32) "
            "or a 3- or 4-digit code, digits only",
        )
    if table == "sector" and not key:
        raise _Problem("key", "is blank; write the project type key (e.g. county_road)")
    grade = _text(row, "grade")
    grades = _grades(table, grade)
    indicator = _text(row, "indicator")
    if indicator not in INDICATORS[table]:
        raise _Problem(
            "indicator",
            f"{shown(indicator)} is not an indicator of the {table} table; write one of "
            + ", ".join(INDICATORS[table]),
        )
    low, high = _bound(row, "min"), _bound(row, "max")
    if low is None and high is None:
        raise _Problem("min", "min and max are both blank; give at least one bound")
    if low is not None and high is not None and low > high:
        raise _Problem("max", f"max {high:g} is below min {low:g}; swap them or correct one")
    unit = _text(row, "unit")
    if indicator == "land_ha_per_unit" and not unit:
        raise _Problem("unit", "is blank; name the unit of scale (e.g. MW, 万立方米)")
    return IndexRow(
        table, key, grade, grades, indicator, low, high, unit, _text(row, "source"), line
    )


def _overlaps(a: IndexRow, b: IndexRow) -> bool:
    """Whether two rows of the same key and indicator claim the same grade."""
    if not a.grade or not b.grade:
        return not a.grade and not b.grade
    if a.grades is not None and b.grades is not None:
        return a.grades[0] <= b.grades[1] and b.grades[0] <= a.grades[1]
    return b.covers(a.grade)


def _decoded(path: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as ex:
        line = data[: ex.start].count(b"\n") + 1
        raise InputDataError(
            f"standards table {path!r}, line {line}: not UTF-8 text (byte {ex.start + 1}); "
            "save the file as UTF-8 CSV"
        ) from None


def _header(path: str, names: list[str]) -> list[str]:
    header = [n.strip().lower() for n in names]
    for i, name in enumerate(header, start=1):
        if name not in COLUMNS:
            raise InputDataError(
                f"standards table {path!r}, line 1, column {i}: unknown column "
                f"{shown(names[i - 1])}; the columns are {', '.join(COLUMNS)} "
                "(unit and source optional): rename or remove it"
            )
        if header.index(name) != i - 1:
            raise InputDataError(
                f"standards table {path!r}, line 1, column {i}: column {name!r} appears "
                "twice; keep one"
            )
    missing = [c for c in _REQUIRED if c not in header]
    if missing:
        raise InputDataError(
            f"standards table {path!r}, line 1: no column {', '.join(missing)}; the header "
            f"needs {', '.join(_REQUIRED)} (unit and source optional)"
        )
    return header


def read_standards_table(path: str | os.PathLike[str]) -> IndexTable:
    r"""Read and check a land-use standard index table (UTF-8 CSV).

    Parameters
    ----------
    path : path
        The CSV file (columns: :data:`COLUMNS`).

    Returns
    -------
    IndexTable

    Raises
    ------
    DataSourceError
        The file does not exist or cannot be read.
    InputDataError
        The file is too big, not UTF-8, or a cell is wrong: the message names the
        line and column and how to fix it.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "standards.csv")
    >>> with open(path, "w", encoding="utf-8") as handle:
    ...     _ = handle.write("table,key,grade,indicator,min,max\n"
    ...                      "industry,32,1-3,investment_wan_per_ha,3000,\n")
    >>> table = read_standards_table(path)
    >>> table.name, table.rows[0].grades, table.rows[0].low, table.rows[0].line
    ('standards.csv', (1, 3), 3000.0, 2)
    >>> with open(path, "a", encoding="utf-8") as handle:
    ...     _ = handle.write("industry,32,3,investment_wan_per_ha,=1+2,\n")
    >>> read_standards_table(path)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    landcheck.errors.InputDataError: standards table '...', line 3, column 'min': '=1+2' starts ...
    """
    path = os.fspath(path)
    try:
        size = os.path.getsize(path)
        if size > MAX_TABLE_BYTES:
            raise InputDataError(
                f"standards table {path!r}: {size:,} bytes, more than {MAX_TABLE_BYTES:,}; "
                "an index table holds a few thousand rows: keep only the rows of your region"
            )
        with open(path, "rb") as handle:
            data = handle.read(MAX_TABLE_BYTES + 1)
    except FileNotFoundError as ex:
        raise DataSourceError(
            f"no standards table file {path!r}; check the path given with --standards-table "
            f"or the {TABLE_PARAM} parameter of the profile's land_use_standard rule"
        ) from ex
    except IsADirectoryError as ex:
        raise DataSourceError(f"standards table {path!r} is a folder; give a CSV file") from ex
    except OSError as ex:
        raise DataSourceError(f"cannot read standards table {path!r}: {ex}") from ex
    reader = csv.reader(io.StringIO(_decoded(path, data), newline=""))
    try:
        header = _header(path, next(reader, []))
        rows: list[IndexRow] = []
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if len(rows) >= MAX_TABLE_ROWS:
                raise InputDataError(
                    f"standards table {path!r}, line {reader.line_num}: more than "
                    f"{MAX_TABLE_ROWS:,} rows; keep only the rows of your region"
                )
            if len(cells) != len(header):
                raise InputDataError(
                    f"standards table {path!r}, line {reader.line_num}: {len(cells)} cells "
                    f"for {len(header)} columns; quote a value that holds a comma"
                )
            try:
                row = _row(dict(zip(header, cells, strict=True)), reader.line_num)
            except _Problem as ex:
                raise InputDataError(
                    f"standards table {path!r}, line {reader.line_num}, column "
                    f"{ex.column!r}: {ex.text}"
                ) from None
            _refuse_duplicate(path, row, rows)
            rows.append(row)
    except csv.Error as ex:
        raise InputDataError(
            f"standards table {path!r}, line {reader.line_num}: not valid CSV ({ex}); "
            "check its quotes"
        ) from None
    if not rows:
        raise InputDataError(
            f"standards table {path!r}: no rows under the header; add the indicators' bounds"
        )
    return IndexTable(os.path.basename(path), path, tuple(rows))


def _refuse_duplicate(path: str, row: IndexRow, rows: list[IndexRow]) -> None:
    """Two rows bounding one indicator for one key and grade: which one holds is unclear."""
    for other in rows:
        same = (other.table, other.key, other.indicator) == (row.table, row.key, row.indicator)
        if same and _overlaps(other, row):
            grade = f"grade {row.grade}" if row.grade else "every grade (blank grade)"
            raise InputDataError(
                f"standards table {path!r}, line {row.line}, column 'grade': {row.table} "
                f"{row.key} {row.indicator} for {grade} is already given on line {other.line}; "
                "keep one row per key, grade and indicator"
            )


def _table_path(value: str, profile: Profile) -> str:
    """A profile's table path: relative to the profile file (to the current folder otherwise)."""
    if os.path.isabs(value) or not profile.origin or not os.path.isfile(profile.origin):
        return value
    return os.path.join(os.path.dirname(profile.origin), value)


def attach_standards_table(
    profile: Profile, given: str | os.PathLike[str] | None = None
) -> tuple[Profile, list[InputRecord]]:
    """Read the land-use standard's index tables and put them into the profile's rules.

    Parameters
    ----------
    profile : Profile
        A profile whose ``land_use_standard`` rules may name a table
        (``params.standards_table``, relative to the profile file).
    given : path, optional
        A table for the run (``--standards-table``): it replaces the profile's.

    Returns
    -------
    profile : Profile
        The profile with each table read in place of its path.
    records : list of InputRecord
        One per table read (role ``standards_table``): findings.json lists it with its
        SHA-256.

    Raises
    ------
    DataSourceError, InputDataError
        As :func:`read_standards_table`; a table given to a profile without a
        ``land_use_standard`` rule; a sector row naming a project type the profile
        does not define.
    """
    rules = [r for r in profile.rules if r.check == _CHECK]
    if given is not None and not rules:
        raise InputDataError(
            f"a standards table was given ({os.fspath(given)!r}) but profile {profile.name!r} "
            "has no land_use_standard rule to use it; drop the table or use a profile with "
            "the rule"
        )
    tables: dict[str, IndexTable] = {}
    changed = []
    for rule in profile.rules:
        value: Any = rule.params.get(TABLE_PARAM) if rule.check == _CHECK else None
        if given is not None and rule.check == _CHECK:
            value = os.fspath(given)
        elif isinstance(value, str):
            value = _table_path(value, profile)
        if isinstance(value, str):
            if value not in tables:
                tables[value] = read_standards_table(value)
                _refuse_unknown_types(tables[value], profile)
            value = tables[value]
        if isinstance(value, IndexTable):
            tables.setdefault(value.path, value)
            rule = replace(rule, params={**rule.params, TABLE_PARAM: value})
        changed.append(rule)
    records = [
        InputRecord(
            role="standards_table",
            key=_CHECK,
            path=table.path,
            features_read=len(table.rows),
            extra={"rows": len(table.rows)},
        )
        for table in {t.path: t for t in tables.values()}.values()
    ]
    return (replace(profile, rules=tuple(changed)) if tables else profile), records


def _refuse_unknown_types(table: IndexTable, profile: Profile) -> None:
    for row in table.rows:
        if row.table == "sector" and row.key not in profile.project_types:
            raise InputDataError(
                f"standards table {table.path!r}, line {row.line}, column 'key': "
                f"{shown(row.key)} is not a project type of profile {profile.name!r}; write one "
                "of its project_types keys (landcheck profile show lists them)"
            )
