"""Report tables: columns with units, unrounded values, a row tree, rounding that adds up.

A :class:`ReportTable` holds the unrounded values, one row per line of the
table, and a row tree (``_parent``): totals are parents of their parts.
:attr:`ReportTable.rounded` rounds for display only, after summing, from the
top of each tree down with the largest-remainder method, so that the parts
shown add up to the total shown; a total over sites, each rounded on its own
(a site's area reads the same in every table), is its exact sum rounded once
(:func:`round_tree`'s ``sums``). The builders of
:mod:`landcheck.tables` collect their rows with :class:`Rows`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from landcheck.text import only_str

__all__ = [
    "DECIMALS",
    "ROW_KEYS",
    "UNITS",
    "Column",
    "ReportTable",
    "Rows",
    "as_text",
    "round_tree",
    "site_positions",
    "totals_apart",
]

DECIMALS = {"ha": 4, "mu": 2, "m2": 2, "share": 4}
"""Display decimals per column kind (``share`` is a fraction: 4 dp = 0.01 %)."""


UNITS = {
    "ha": ("公顷", "ha"),
    "mu": ("亩", "mu"),
    "m2": ("平方米", "m²"),
    "share": ("%", "%"),
}
"""Column kind → its unit (Chinese, English), shown in headers."""


ROW_KEYS = ("_parent", "_level", "_role")
"""Columns of :attr:`ReportTable.frame` that hold the row tree."""

_NO_ROWS = np.empty(0, dtype=int)


@dataclass(frozen=True)
class Column:
    """One column of a report table.

    Attributes
    ----------
    key : str
        The column in :attr:`ReportTable.frame`.
    zh, en : str
        The header in each language, without the unit.
    kind : str
        ``text``, ``int``, ``ha``, ``mu``, ``m2`` (rounded for display and
        summed down the row tree), ``m2_exact`` (never rounded: the raw
        square metres), or ``share`` (a fraction, shown as a percentage).
    wide : bool
        A long text (messages, legal basis): wrapped in reports.
    """

    key: str
    zh: str
    en: str
    kind: str = "text"
    wide: bool = False

    def header(self, lang: str) -> str:
        """The header with its unit, e.g. ``面积（公顷）`` or ``area (ha)``.

        Examples
        --------
        >>> Column("a", "面积", "area", "ha").header("zh")
        '面积（公顷）'
        >>> Column("a", "面积", "area", "m2_exact").header("en")
        'area (m², unrounded)'
        """
        unit = UNITS.get(self.kind.replace("_exact", ""))
        name = self.en if lang == "en" else self.zh
        if unit is None:
            return name
        text = unit[1] if lang == "en" else unit[0]
        if self.kind.endswith("_exact"):
            text += ", unrounded" if lang == "en" else "，未修约"
        return f"{name} ({text})" if lang == "en" else f"{name}（{text}）"

    @property
    def numeric(self) -> bool:
        """True for number columns."""
        return self.kind != "text"


@dataclass
class ReportTable:
    """A report table: columns, unrounded values and the row tree.

    Attributes
    ----------
    key : str
        Stable name (``summary``, ``land_classes``…), used as the XLSX sheet key.
    title : str
        The table's title in the report language.
    lang : str
        ``"zh"`` or ``"en"``.
    columns : list of Column
        The visible columns, in order.
    frame : pandas.DataFrame
        One row per table line: the columns' keys, plus ``_parent`` (row
        position of the total a line is part of, −1 for none), ``_level``
        (indentation) and ``_role`` (``total``, ``group`` or ``row``).
    note : str
        A sentence under the table (method, units).
    fixed : dict
        Column → {row position → displayed value}: rows whose display is
        taken from elsewhere (another table, a finding's message), so that
        one area never reads two ways.
    site_notes : dict
        Site id → sentences about that site's rows, shown under its rows
        (:meth:`notes`): where they do not add up to their total.
    """

    key: str
    title: str
    lang: str
    columns: list[Column]
    frame: pd.DataFrame
    note: str = ""
    fixed: dict[str, dict[int, float]] = field(default_factory=dict)
    site_notes: dict[str, str] = field(default_factory=dict)

    @cached_property
    def rounded(self) -> pd.DataFrame:
        """The frame with every area rounded for display (see :func:`round_tree`)."""
        out = self.frame.copy()
        parents = self.frame["_parent"].to_numpy(dtype=int) if len(self.frame) else np.array([])
        sums = self.frame["_role"].to_numpy() == "sum" if len(self.frame) else np.array([])
        for column in self.columns:
            if column.kind in ("ha", "mu", "m2"):
                fixed = np.full(len(self.frame), np.nan)
                for row, value in self.fixed.get(column.key, {}).items():
                    fixed[row] = value
                out[column.key] = round_tree(
                    self.frame[column.key].to_numpy(dtype=float),
                    parents,
                    DECIMALS[column.kind],
                    fixed=fixed,
                    sums=sums,
                )
            elif column.kind == "share":
                out[column.key] = self.frame[column.key].astype(float).round(DECIMALS["share"])
        return out

    @cached_property
    def records(self) -> list[dict[str, Any]]:
        """The rounded rows as dicts, the values of ``rounded.to_dict("records")``.

        Built a column at a time (``Series.tolist``, which gives Python's own
        numbers as ``to_dict`` does): a quarter of ``to_dict``'s time, which
        boxes every value on its own.
        """
        frame = self.rounded
        keys = list(frame.columns)
        values = [frame.iloc[:, i].tolist() for i in range(len(keys))]
        return [dict(zip(keys, row, strict=True)) for row in zip(*values, strict=True)]

    def notes(self, site_id: str | None = None) -> list[str]:
        """The paragraphs under the table: its note, then every site's own (or one site's).

        ``site_id`` is the site whose rows alone are shown (a site's page, a
        draft opinion); None for the whole table.
        """
        if site_id is None:
            own = list(self.site_notes.values())
        else:
            own = [self.site_notes[site_id]] if site_id in self.site_notes else []
        return [text for text in (self.note, *own) if text]

    def parts_apart(self) -> list[tuple[int, Column, float]]:
        """The totals whose parts, as shown, do not add up to them, in the ha and 亩 columns.

        Each as (the total's row, the column, its parts shown summed). Where
        :func:`round_tree` rounds parts to their total they add up; parts shown
        as given (``fixed``) or rounded on their own (``sums``) may not, and a
        table's note says so.
        """
        shown = self.rounded
        parents = shown["_parent"].to_numpy(dtype=np.int64) if len(shown) else _NO_ROWS
        found = []
        for column in self.columns:
            if column.kind not in ("ha", "mu"):
                continue
            values = shown[column.key].to_numpy(dtype=float)
            rows, added = totals_apart(values, parents, DECIMALS[column.kind])
            found += [(int(r), column, float(a)) for r, a in zip(rows, added, strict=True)]
        return sorted(found, key=lambda item: item[0])  # by row, columns in table order

    def headers(self) -> list[str]:
        """The column headers with units, in the table's language."""
        return [c.header(self.lang) for c in self.columns]

    def display(self, site_id: str | None = None) -> pd.DataFrame:
        """The rounded table with headers (optionally one site's rows), for notebooks."""
        frame = self.rounded
        if site_id is not None and "site_id" in frame:
            frame = frame[frame["site_id"] == site_id]
        shown = frame[[c.key for c in self.columns]].copy()
        for column in self.columns:
            if column.kind == "share":
                shown[column.key] = (shown[column.key] * 100).round(2)
            elif column.kind == "int":
                shown[column.key] = shown[column.key].astype("Int64")
        shown.columns = self.headers()
        return shown.reset_index(drop=True)

    def site_rows(self, site_id: str) -> pd.DataFrame:
        """One site's rounded rows (all rows when the table has no ``site_id``)."""
        frame = self.rounded
        if "site_id" not in frame:
            return frame
        return frame.iloc[self._site_positions.get(site_id, _NO_ROWS)]

    def site_records(self, site_id: str) -> list[dict[str, Any]]:
        """One site's rounded rows as ``site_rows(site_id).to_dict("records")`` gives them.

        The site's own of :attr:`records`, made once for the whole table (shared
        between calls: read them, do not change them); a writer asking for every
        site's rows does not convert a frame a site.
        """
        if "site_id" not in self.rounded:
            return list(self.records)
        return [self.records[i] for i in self._site_positions.get(site_id, _NO_ROWS)]

    @cached_property
    def _site_positions(self) -> dict[str, np.ndarray]:
        """Site id → the positions of its rows, found once for all sites (in row order)."""
        return site_positions(self.frame)


def round_tree(
    values: Sequence[float],
    parents: Sequence[int],
    decimals: int,
    *,
    fixed: Sequence[float] | None = None,
    sums: Sequence[bool] | None = None,
) -> np.ndarray:
    """Round a column of a table whose rows form totals and their parts.

    Rows without a parent are rounded on their own (or take their ``fixed``
    value); the parts of a total are then rounded with
    :func:`~landcheck.units.largest_remainder_round` to the total's
    *rounded* value, level by level, so every total shown is the sum of its
    parts shown. A part with a ``fixed`` value keeps it, and its siblings
    share what is left of the total (a layer's overlap shown as every other
    table shows it, the rest of the site taking the difference). The parts
    of a row marked in ``sums`` are rounded on their own instead (a total
    over several sites, whose own areas must read the same as everywhere
    else), and it shows its own value, the exact sum, rounded once: its
    parts shown may then not add up to it, and the table's note says so
    (:func:`landcheck.tables.sites.summary_table`). Missing values (NaN)
    stay missing.

    Every total's parts of one level are rounded at once, as arrays (see
    :func:`_round_parts`): the numbers are those of the largest-remainder
    rounding of each total's parts on its own.

    Parameters
    ----------
    values : sequence of float
        Unrounded values, one per row.
    parents : sequence of int
        Per row, the position of its total, or −1.
    decimals : int
        Decimal places to keep.
    fixed : sequence of float, optional
        Per row, a displayed value to use instead of rounding (NaN: none),
        for a total or a part.
    sums : sequence of bool, optional
        Per row, True when its parts are rounded on their own, not to it.

    Examples
    --------
    Three parts of 1/3 each: naive rounding shows 0.33 three times under a
    total of 1.00; here the parts add up.

    >>> round_tree([1.0, 1 / 3, 1 / 3, 1 / 3], [-1, 0, 0, 0], 2).tolist()
    [1.0, 0.34, 0.33, 0.33]

    A total over sites is the exact total rounded; each site is rounded on its own:

    >>> round_tree([2.01, 1.005, 1.005], [-1, 0, 0], 2, sums=[True, False, False]).tolist()
    [2.01, 1.0, 1.0]

    A part shown as it is elsewhere: the other parts take the rest.

    >>> nan = float("nan")
    >>> round_tree([1.0, 0.666, 0.334], [-1, 0, 0], 2, fixed=[nan, 0.66, nan]).tolist()
    [1.0, 0.66, 0.34]
    """
    values = np.asarray(values, dtype=float)
    size = len(values)
    parents = np.asarray(parents, dtype=np.int64).reshape(size)
    fixed = np.full(size, np.nan) if fixed is None else np.asarray(fixed, dtype=float)
    apart = np.zeros(size, bool) if sums is None else np.asarray(sums, dtype=bool)
    scale = 10**decimals
    out = np.full(size, np.nan)
    linked = parents >= 0
    under = np.zeros(size, bool)
    under[linked] = ~apart[parents[linked]]  # rounded to their total
    given = ~np.isnan(fixed)
    out[given] = fixed[given]
    kept = np.flatnonzero(under & given)  # parts shown as given: their totals' share taken
    left = out.copy()
    own = ~under & np.isnan(fixed) & ~np.isnan(values)
    scaled = values[own] * scale
    # one value's largest remainder: its floor, or one more when it rounds up
    floors = np.floor(scaled + 1e-9)
    out[own] = np.where(np.rint(scaled) > floors, floors + 1, floors) / scale
    depth = np.where(under, -1, 0)
    level = 0
    while True:
        level += 1
        reached = under & (depth < 0)
        reached[reached] = depth[parents[reached]] == level - 1
        if not reached.any():
            break
        depth[reached] = level
        parts = np.flatnonzero(reached & ~np.isnan(values) & ~given)
        if len(parts):
            left[:] = out
            np.subtract.at(left, parents[kept], out[kept])
            out[parts] = _round_parts(values[parts], parents[parts], left, decimals)
    return out


def totals_apart(
    shown: np.ndarray, parents: np.ndarray, decimals: int
) -> tuple[np.ndarray, np.ndarray]:
    """The rows whose parts shown add up to other than they show, and those sums.

    ``shown`` are a column's values as shown, ``parents`` each row's total
    (−1: none). Missing values are left out; a total with no known part, or
    none shown itself, is not compared.

    Examples
    --------
    >>> rows, added = totals_apart(np.array([0.9998, 0.3333, 0.3333, 0.3333]),
    ...                            np.array([-1, 0, 0, 0]), 4)
    >>> rows.tolist(), added.tolist()
    ([0], [0.9999])
    """
    size = len(shown)
    scale = 10**decimals
    parts = np.flatnonzero((parents >= 0) & ~np.isnan(shown))
    units = np.bincount(parents[parts], weights=np.rint(shown[parts] * scale), minlength=size)
    counted = np.bincount(parents[parts], minlength=size) > 0
    apart = counted & ~np.isnan(shown) & (units != np.rint(shown * scale))
    rows = np.flatnonzero(apart)
    return rows, units[rows] / scale


def _round_parts(
    values: np.ndarray, parents: np.ndarray, out: np.ndarray, decimals: int
) -> np.ndarray:
    """The parts of many totals rounded to their total's shown value, all at once.

    ``values`` (in row order) are the known parts, ``parents`` their totals'
    rows and ``out`` the totals' shown values. For each total this is
    :func:`~landcheck.units.largest_remainder_round` of its parts (negative
    ones as 0) to its shown value, or to their sum when it shows none: the
    floors, then one unit more for the largest remainders (ties to the
    earlier part) or one less for the smallest among the parts above zero.
    """
    scale = 10**decimals
    scaled = np.maximum(values, 0.0) * scale
    floors = np.floor(scaled + 1e-9)
    remainders = scaled - floors
    totals, group = np.unique(parents, return_inverse=True)
    shown = out[totals]
    target = np.rint(shown * scale)
    for index in np.flatnonzero(np.isnan(shown)):  # no total shown: the parts' own sum
        parts = np.maximum(values[group == index], 0.0).tolist()
        target[index] = round(float(np.sum(parts)) * scale)
    missing = (target - np.bincount(group, weights=floors, minlength=len(totals)))[group]
    rank = np.arange(len(values))
    up = _rank_in_group(group, -remainders, rank)
    floors[(missing > 0) & (up < missing)] += 1
    down = np.flatnonzero((missing < 0) & (floors > 0))
    if len(down):
        lowest = _rank_in_group(group[down], remainders[down], rank[down])
        floors[down[lowest < -missing[down]]] -= 1
    return floors / scale


def _rank_in_group(group: np.ndarray, key: np.ndarray, tie: np.ndarray) -> np.ndarray:
    """Each element's rank within its group by ``key`` ascending, ties by ``tie``."""
    order = np.lexsort((tie, key, group))
    ordered = group[order]
    starts = np.searchsorted(ordered, ordered)
    rank = np.empty(len(group), dtype=np.int64)
    rank[order] = np.arange(len(group)) - starts
    return rank


class Rows:
    """Collects a table's rows with their tree links, then makes its frame."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(self, parent: int, depth: int, role: str, /, **values: Any) -> int:
        """Add a row under ``parent`` (−1: none); return its position."""
        self.rows.append({**values, "_parent": parent, "_level": depth, "_role": role})
        return len(self.rows) - 1

    def frame(self, columns: Iterable[Column], extra: Iterable[str] = ()) -> pd.DataFrame:
        """The rows as :attr:`ReportTable.frame`: numbers as floats, texts as strings.

        Built a column at a time, a text column of strings as it is, without the
        string dtype's round trip a frame of the rows as records would make: the
        same frame as ``pd.DataFrame(rows)`` with each column converted.
        """
        columns = list(columns)
        keys = [c.key for c in columns]
        keys += [k for k in extra if k not in keys]
        numeric = {c.key: c.numeric for c in columns}
        data = {}
        for key in [*keys, *ROW_KEYS]:
            try:  # a column every row has, read by subscript: half the time of get()
                values = [row[key] for row in self.rows]
            except KeyError:  # missing: NaN, as records
                values = [row.get(key, np.nan) for row in self.rows]
            kind = numeric.get(key)
            if kind is None:
                data[key] = pd.Series(values)
            elif kind:
                data[key] = pd.to_numeric(pd.Series(values), errors="coerce").astype(float)
            else:
                data[key] = _texts(values)
        return pd.DataFrame(data, columns=[*keys, *ROW_KEYS])


def _texts(values: list[Any]) -> pd.Series:
    """A text column: its values as :func:`as_text` gives them, of the object dtype."""
    if only_str(values):
        return pd.Series(values, dtype=object)
    return pd.Series(values).map(as_text).astype(object)


def as_text(value: Any) -> str:
    """A cell's text: missing values (None, NaN, NA) are empty."""
    if type(value) is str:
        return value
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    return str(value)


def site_positions(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """Site id → the positions of its rows in ``frame``, in row order, found in one pass.

    What a builder uses instead of filtering the whole frame once per site.

    Examples
    --------
    >>> rows = pd.DataFrame({"site_id": ["S2", "S1", "S2"]})
    >>> {k: v.tolist() for k, v in site_positions(rows).items()}
    {'S1': [1], 'S2': [0, 2]}
    """
    ids = frame["site_id"].to_numpy()
    if not len(ids):
        return {}
    order = np.argsort(ids, kind="stable")
    ordered = ids[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    stops = np.r_[starts[1:], len(ordered)]
    return {ordered[a]: order[a:b] for a, b in zip(starts, stops, strict=True)}
