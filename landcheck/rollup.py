"""The land-use roll-up: a site's land-use classes summed the way a reviewer reads them.

The classes of the land-use survey (三调) roll up into the three categories of
the Land Administration Law (三大类: 农用地, 建设用地, 未利用地), each category
into its level-1 classes (耕地, 林地…) and those into their classes. Field
ridges (田坎, code 1203), which :mod:`landcheck.measure` splits off every
parcel by its deduction coefficient, stand apart beside the level-1 classes
of their category. Cultivated land (耕地, level 1 ``01``) is also given by
kind: 水田 0101, 水浇地 0102, 旱地 0103; where part of it is coded at level 1
only (用地用海 2023 ``01``), the kinds are not known (NaN, null in findings.json).

findings.json (``categories``, ``cultivated`` and ``tiankan`` of a land-use
layer) and the land-class tables of :mod:`landcheck.tables` read the same
:class:`LandUseRollup`, so no area is added up two ways.

Examples
--------
Paddy 9,000 m² and dry land 4,000 m² net of 2,000 m² of field ridges, and a
homestead of 3,000 m²:

>>> classes = pd.DataFrame(
...     {
...         "planar_m2": [9_000.0, 4_000.0, 2_000.0, 3_000.0],
...         "ellipsoidal_m2": [9_001.0, 4_000.5, 2_000.2, 3_000.3],
...         "category": ["农用地", "农用地", "农用地", "建设用地"],
...         "level1": ["01", "01", "12", "07"],
...         "table_code": ["0101", "0103", "1203", "0702"],
...     },
...     index=["0101", "0103", "1203", "0702"],
... )
>>> rollup = LandUseRollup(classes)
>>> rollup.category("农用地").planar_m2, rollup.cultivated.planar_m2
(15000.0, 13000.0)
>>> rollup.kind("0101").planar_m2, rollup.ridges.planar_m2
(9000.0, 2000.0)
>>> [(line.key, line.total.planar_m2) for line in rollup.lines]
[('category:农用地', 15000.0), ('category:建设用地', 3000.0)]
>>> [(line.key, line.total.planar_m2) for line in rollup.lines[0].lines]
[('level1:01', 13000.0), ('ridges', 2000.0)]
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple, cast

import numpy as np
import pandas as pd

from landcheck.groupsums import RowGroups, text_ranks
from landcheck.measure import TIANKAN_CODE, Rows, SiteRows
from landcheck.units import Area, AreaMethod

__all__ = [
    "CATEGORIES",
    "CULTIVATED",
    "CULTIVATED_KINDS",
    "NO_LINES",
    "SUMMARY_LINES",
    "ClassSum",
    "LandUseRollup",
    "RollupLine",
    "SiteLines",
    "line_mask",
    "ridge_mask",
    "site_lines",
    "summary_sums",
]

CATEGORIES = ("农用地", "建设用地", "未利用地")
"""三大类, the three land categories of the Land Administration Law, in report order."""

CULTIVATED = "01"
"""The level-1 code of cultivated land (耕地)."""

CULTIVATED_KINDS = ("0101", "0102", "0103")
"""The kinds of cultivated land: 水田 (paddy), 水浇地 (irrigated), 旱地 (dry)."""

_GROUPING = ("category", "level1", "table_code")
"""Code-table columns the roll-up groups by (missing ones read as empty)."""

_AREAS = ("planar_m2", "ellipsoidal_m2", "survey_m2")

_Known = tuple[np.ndarray, np.ndarray]
"""An area column as (known, filled): where it is known, and its values with unknown ones 0."""


@dataclass(frozen=True)
class ClassSum:
    """The summed areas of some land-use classes, in m².

    Attributes
    ----------
    planar_m2, ellipsoidal_m2 : float
        Areas in the analysis CRS and on its ellipsoid (0 for no classes).
    survey_m2 : float
        The classes' shares of the official parcel areas (TBMJ); NaN when
        none of them has one.
    """

    planar_m2: float
    ellipsoidal_m2: float
    survey_m2: float

    def area(self, method: AreaMethod) -> Area:
        """The two areas as an :class:`~landcheck.units.Area` driven by ``method``."""
        return Area(self.planar_m2, self.ellipsoidal_m2, method)


_UNKNOWN_KIND = ClassSum(float("nan"), float("nan"), float("nan"))
"""A kind of cultivated land the codes do not give (:meth:`LandUseRollup.kind`)."""


@dataclass(frozen=True, eq=False)
class RollupLine:
    """One line of the roll-up, with the lines it is made of.

    Attributes
    ----------
    key : str
        A stable name: ``category:农用地``, ``category:`` (the classes of no
        known category), ``level1:01``, ``class:0101`` or ``ridges``.
    kind : str
        ``category``, ``unclassified``, ``level1``, ``class`` or ``ridges``.
    code : str
        The level-1 code, the class code, or the code of field ridges; empty
        for a category.
    positions : numpy.ndarray
        The positions of the classes the line sums among the roll-up's
        classes, in the classes' order.
    total : ClassSum
        Their areas.
    lines : tuple of RollupLine
        A category's level-1 classes then its field ridges; a level-1 class's
        classes; the classes of no known category, by level-1 code and code.
    rollup : LandUseRollup, optional
        The roll-up the line belongs to, which :attr:`rows` and :meth:`first`
        read the classes from.
    """

    key: str
    kind: str
    code: str
    positions: np.ndarray
    total: ClassSum
    lines: tuple[RollupLine, ...] = ()
    rollup: LandUseRollup | None = field(default=None, repr=False)

    @property
    def rows(self) -> pd.DataFrame:
        """The classes the line sums (index: class code), as a DataFrame built when asked."""
        if self.rollup is None:
            return pd.DataFrame()
        return self.rollup.classes.iloc[self.positions]

    def first(self, column: str) -> object:
        """The value of ``column`` for the line's first class, None when the classes lack it.

        What naming a line needs (its category, level-1 name, class name),
        read from the classes' columns without building a DataFrame: the
        code table's ``category``, ``level1`` and ``table_code`` as strings
        (missing ones empty), every other column as given.
        """
        if self.rollup is None or not len(self.positions):
            return None
        return self.rollup.value(column, int(self.positions[0]))


def _strings(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A label column as strings, missing values (None, NaN, NA) and a missing column empty."""
    if column not in frame:
        return np.full(len(frame), "", dtype=object)
    return _string_array(frame[column].to_numpy())


def _string_array(values: np.ndarray) -> np.ndarray:
    return np.array([_string(value) for value in values], dtype=object)


def _string(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


def _known(values: np.ndarray) -> _Known:
    known = ~np.isnan(values)
    return known, np.where(known, values, 0.0)


def _sum(
    values: _Known | None, positions: np.ndarray | list[int], missing: float, whole: bool = False
) -> float:
    """Sum of ``values`` at ``positions``, unknown ones left out; ``missing`` when none is known.

    With ``whole``, ``missing`` as soon as one is unknown: a survey share (TBMJ) summed
    over the parcels that have one would read as the whole's (a site whose housing parcel
    has no TBMJ showed the farmland's share as the site's).
    """
    if values is None:
        return missing
    known, filled = values
    if not len(positions):
        return missing
    if len(positions) == 1:  # a class line: the class's own value, as the sum of one gives it
        return float(filled[positions[0]]) if known[positions[0]] else missing
    if not (known[positions].all() if whole else known[positions].any()):
        return missing
    return float(filled[positions].sum())


@dataclass(frozen=True)
class _TableColumns:
    """A whole class table's codes and labels as strings, its areas as (known, filled)."""

    codes: np.ndarray
    labels: dict[str, np.ndarray]
    known: dict[str, _Known | None]
    ridge: np.ndarray


_TABLES: weakref.WeakKeyDictionary[Rows, dict[str, _TableColumns]] = weakref.WeakKeyDictionary()
"""The columns of the class tables rolled up so far, by table and ridge code: findings.json
rolls up every site of a layer from one table."""


def _table_columns(rows: Rows, ridge_code: str) -> _TableColumns:
    """:class:`_TableColumns` of a class table, made once per table and ridge code."""
    made = _TABLES.setdefault(rows, {})
    found = made.get(ridge_code)
    if found is None:
        columns, size = rows.columns, len(next(iter(rows.columns.values())))
        codes = np.array([str(code) for code in columns[rows.index]], dtype=object)  # type: ignore[index]
        labels = {
            column: _string_array(columns[column])
            if column in columns
            else np.full(size, "", dtype=object)
            for column in _GROUPING
        }
        known = {
            column: _known(columns[column].astype(float)) if column in columns else None
            for column in _AREAS
        }
        ridge = ridge_mask(codes, labels, ridge_code)
        found = made[ridge_code] = _TableColumns(codes, labels, known, ridge)
    return found


SUMMARY_LINES = (
    *(("category", name) for name in CATEGORIES),
    ("cultivated", CULTIVATED),
    *(("kind", code) for code in CULTIVATED_KINDS),
    ("ridges", ""),
)
"""The roll-up lines findings.json gives every land-use layer of a site, in its order:
:meth:`LandUseRollup.category` of each category, :attr:`~LandUseRollup.cultivated`,
:meth:`~LandUseRollup.kind` of each kind of cultivated land (NaN, written null, where part
of it is coded at level 1 only), :attr:`~LandUseRollup.ridges`."""


def summary_sums(rows: Rows | None, ridge_code: str, position: int) -> tuple[float, ...]:
    """A site's planar and ellipsoidal areas of each of :data:`SUMMARY_LINES`, in turn.

    The sums :class:`LandUseRollup` gives of the site's rows, bit for bit, made
    for every site of the table at once (:meth:`~landcheck.measure.Rows.site_sums`)
    the first time a site's are asked for: 10,000 sites' roll-ups in findings.json
    cost a few table-wide sums, not 90,000 small ones. Zeros for a site without rows
    (``rows`` None: the layer has no tables).
    """
    if rows is None or not rows.has_rows(position):
        return (0.0,) * (2 * len(SUMMARY_LINES))
    made = rows.by_position(("summary_sums", ridge_code), lambda: _summary_sums(rows, ridge_code))
    return made[position]


def _summary_sums(rows: Rows, ridge_code: str) -> list[tuple[float, ...]]:
    """:func:`summary_sums` of every site of a class table, in the table's order of sites."""
    whole = _table_columns(rows, ridge_code)
    unsplit = _site_areas(rows, whole, whole.labels["table_code"] == CULTIVATED)
    kinds_unknown = (unsplit[0] > 0) | (unsplit[1] > 0)  # as LandUseRollup.kind says
    columns = []
    for line, value in SUMMARY_LINES:
        sums = _site_areas(rows, whole, line_mask(whole.labels, whole.ridge, line, value))
        columns += [np.where(kinds_unknown, np.nan, s) if line == "kind" else s for s in sums]
    return list(zip(*(column.tolist() for column in columns), strict=True))


def _site_areas(rows: Rows, whole: _TableColumns, mask: np.ndarray) -> tuple[np.ndarray, ...]:
    """Each site's planar and ellipsoidal sums over the classes in ``mask`` (0 where unknown)."""
    sums = []
    for area in ("planar_m2", "ellipsoidal_m2"):
        known = whole.known[area]
        if known is None:
            sums.append(np.zeros(len(rows.sites)))
        else:  # unknown areas are 0 in ``filled``: they add nothing, as ``_sum`` leaves them
            sums.append(rows.site_sums(known[1], mask))
    return tuple(sums)


def line_mask(
    labels: dict[str, np.ndarray], ridge: np.ndarray, line: str, value: str
) -> np.ndarray:
    """The classes one line sums, as :class:`LandUseRollup` picks them.

    Parameters
    ----------
    labels : dict
        ``category``, ``level1`` and ``table_code`` of each class, as strings.
    ridge : numpy.ndarray of bool
        Which classes hold field ridges (:func:`ridge_mask`).
    line, value : str
        ``("total", "")`` (:attr:`~LandUseRollup.total`), ``("category", name)``,
        ``("cultivated", "01")``, ``("kind", code)`` or ``("ridges", "")``: one of
        :data:`SUMMARY_LINES` or the total.

    Examples
    --------
    >>> labels = {"category": np.array(["农用地", "农用地"], dtype=object),
    ...           "level1": np.array(["01", "12"], dtype=object),
    ...           "table_code": np.array(["0101", "1203"], dtype=object)}
    >>> ridge = ridge_mask(np.array(["0101", "1203"], dtype=object), labels, "1203")
    >>> line_mask(labels, ridge, "cultivated", CULTIVATED).tolist(), ridge.tolist()
    ([True, False], [False, True])
    """
    if line == "total":
        return np.ones(len(ridge), dtype=bool)
    if line == "category":
        return labels["category"] == value
    if line == "cultivated":
        return (labels["level1"] == value) & ~ridge
    if line == "kind":
        return labels["table_code"] == value
    return ridge


def ridge_mask(
    codes: np.ndarray, labels: dict[str, np.ndarray], ridge_code: str | np.ndarray
) -> np.ndarray:
    """Which classes hold field ridges: their code or their code table's code is ``ridge_code``.

    ``ridge_code`` is one code, or one per class.
    """
    return (codes == ridge_code) | (labels["table_code"] == ridge_code)


class LandUseRollup:
    """A site's land-use classes rolled up by category, level-1 class, kind and field ridges.

    Parameters
    ----------
    classes : pandas.DataFrame or landcheck.measure.SiteRows
        One row per class code (index), as :attr:`landcheck.measure.SiteLayer.classes`
        gives them: ``planar_m2``, ``ellipsoidal_m2``, optionally ``survey_m2``
        and the code table's ``category``, ``level1`` and ``table_code``; or the
        same rows as numpy columns (:attr:`~landcheck.measure.SiteLayer.class_rows`),
        which findings.json and the tables read without building a DataFrame per site.
    ridge_code : str
        The class code of field ridges in the layer's classification (三调:
        1203); the row whose code or table code it is holds them.
    """

    def __init__(self, classes: pd.DataFrame | SiteRows, *, ridge_code: str = TIANKAN_CODE):
        if isinstance(classes, SiteRows):
            self._rows: SiteRows | None = classes
            self._given: pd.DataFrame | None = None
            if classes.rows is not None and len(classes):
                self._of_rows(classes.rows, slice(classes.start, classes.stop), ridge_code)
                return
            codes = np.empty(0, dtype=object)
            labels = {column: np.empty(0, dtype=object) for column in _GROUPING}
            areas = {column: np.empty(0) if classes.has(column) else None for column in _AREAS}
        else:
            self._rows = None
            self._given = classes
            codes = classes.index
            labels = {column: _strings(classes, column) for column in _GROUPING}
            areas = {
                column: classes[column].to_numpy(dtype=float) if column in classes else None
                for column in _AREAS
            }
        strings = np.array([str(code) for code in codes], dtype=object)
        self._setup(strings, labels, areas, ridge_code)

    def _of_rows(self, rows: Rows, span: slice, ridge_code: str) -> None:
        """Set up on one site's slice of a table, its labels and areas read once per table."""
        whole = _table_columns(rows, ridge_code)
        self.ridge_code = ridge_code
        self._codes = whole.codes[span]
        self._labels = {column: values[span] for column, values in whole.labels.items()}
        self._known = {
            column: None if known is None else (known[0][span], known[1][span])
            for column, known in whole.known.items()
        }
        self._ridge = whole.ridge[span]

    def _setup(
        self,
        codes: np.ndarray,
        labels: dict[str, np.ndarray],
        areas: dict[str, np.ndarray | None],
        ridge_code: str,
    ) -> None:
        self.ridge_code = ridge_code
        """The class code of field ridges."""
        self._codes = codes
        self._labels = labels
        self._known = {
            column: None if values is None else _known(values) for column, values in areas.items()
        }
        self._ridge = ridge_mask(codes, labels, ridge_code)

    @cached_property
    def classes(self) -> pd.DataFrame:
        """The classes, codes and code-table labels as strings (missing ones empty)."""
        given = self._rows.frame() if self._rows is not None else cast(pd.DataFrame, self._given)
        frame = given.copy()
        frame.index = pd.Index(self._codes, name=given.index.name)
        for column, values in self._labels.items():
            frame[column] = values
        return frame

    def value(self, column: str, position: int) -> object:
        """The value of ``column`` for the class at ``position``; None when the classes lack it.

        The code table's ``category``, ``level1`` and ``table_code`` read as
        strings (missing ones empty), as :attr:`classes` holds them.
        """
        if column in self._labels:
            return self._labels[column][position]
        if self._rows is not None:
            return self._rows.column(column)[position] if self._rows.has(column) else None
        if self._given is not None and column in self._given:
            return self._given[column].iat[position]
        return None

    def _where(self, mask: np.ndarray) -> ClassSum:
        return self._at(np.flatnonzero(mask))

    def _at(self, positions: np.ndarray | list[int]) -> ClassSum:
        return ClassSum(
            _sum(self._known["planar_m2"], positions, 0.0),
            _sum(self._known["ellipsoidal_m2"], positions, 0.0),
            _sum(self._known["survey_m2"], positions, float("nan"), whole=True),
        )

    @cached_property
    def _lists(self) -> dict[str, list[Any]]:
        """The labels and the field-ridge flags as lists.

        A site has a few classes: a comprehension over a few items is quicker
        than numpy's comparisons.
        """
        return {
            **{column: values.tolist() for column, values in self._labels.items()},
            "ridge": self._ridge.tolist(),
        }

    def _labelled_at(self, column: str, value: str, ridges: bool | None = None) -> list[int]:
        """Positions of the classes labelled ``value`` (only field ridges, or none, if asked)."""
        lists = self._lists
        labels = lists[column]
        if ridges is None:
            return [i for i, label in enumerate(labels) if label == value]
        flags = lists["ridge"]
        return [i for i, label in enumerate(labels) if label == value and flags[i] == ridges]

    @property
    def total(self) -> ClassSum:
        """All the classes (field ridges included)."""
        return self._where(np.ones(len(self._codes), dtype=bool))

    def category(self, name: str) -> ClassSum:
        """One of :data:`CATEGORIES`: its classes and field ridges."""
        return self._at(self._labelled_at("category", name))

    @property
    def cultivated(self) -> ClassSum:
        """Cultivated land (耕地, level 1 ``01``), net of its field ridges."""
        return self._at(self._labelled_at("level1", CULTIVATED, ridges=False))

    @property
    def unsplit(self) -> ClassSum:
        """Cultivated land coded at level 1 only (用地用海 2023 ``01``): its kind is not given."""
        return self._at(self._labelled_at("table_code", CULTIVATED))

    def kind(self, code: str) -> ClassSum:
        """One kind of cultivated land: the classes whose code-table code is ``code`` (``0101``).

        Not known (NaN areas) when part of the cultivated land is coded at level 1 only
        (:attr:`unsplit`): that part may be of any kind, and a 0 would read as none of it.
        """
        unsplit = self.unsplit
        if unsplit.planar_m2 > 0 or unsplit.ellipsoidal_m2 > 0:
            return _UNKNOWN_KIND
        return self._at(self._labelled_at("table_code", code))

    @property
    def ridges(self) -> ClassSum:
        """The field ridges (田坎) deducted from every class."""
        return self._at([i for i, flag in enumerate(self._lists["ridge"]) if flag])

    def _line(
        self, key: str, kind: str, code: str, mask: np.ndarray, lines: tuple = ()
    ) -> RollupLine:
        positions = np.flatnonzero(mask)
        return RollupLine(key, kind, code, positions, self._at(positions), lines, self)

    def _class_lines(self, mask: np.ndarray) -> tuple[RollupLine, ...]:
        codes = self._codes
        return tuple(
            self._line(f"class:{code}", "class", str(code), mask & (codes == code))
            for code in sorted(set(codes[mask].tolist()))
        )

    @cached_property
    def lines(self) -> tuple[RollupLine, ...]:
        """The categories present, in the order of :data:`CATEGORIES`, then the unclassified.

        Each category holds its level-1 classes (by code), each of those its
        classes (by code), then the category's field ridges. The classes of no
        known category (a code the table lacks) come last, without level-1 lines.
        """
        category = self._labels["category"]
        level1 = self._labels["level1"]
        known = np.isin(category, CATEGORIES)
        out = []
        for name in [*CATEGORIES, ""]:
            members = category == name if name else ~known
            if not members.any():
                continue
            plain = members & ~self._ridge
            groups = sorted(set(level1[plain].tolist()))
            if name:
                lines = [
                    self._line(
                        f"level1:{code}",
                        "level1",
                        code,
                        plain & (level1 == code),
                        self._class_lines(plain & (level1 == code)),
                    )
                    for code in groups
                ]
            else:
                lines = [
                    line for code in groups for line in self._class_lines(plain & (level1 == code))
                ]
            ridges = members & self._ridge
            if ridges.any():
                lines.append(self._line("ridges", "ridges", self.ridge_code, ridges))
            kind = "category" if name else "unclassified"
            out.append(self._line(f"category:{name}", kind, "", members, tuple(lines)))
        return tuple(out)


SiteLines = tuple[ClassSum, tuple[RollupLine, ...]]
"""A site's :attr:`LandUseRollup.total` and :attr:`LandUseRollup.lines`."""

NO_LINES: SiteLines = (ClassSum(0.0, 0.0, float("nan")), ())
"""What a site without classes has: no area and no lines."""


def site_lines(rows: Rows, ridge_code: str) -> dict[int, SiteLines]:
    """Every site's total and lines in a class table, made for the whole table at once.

    What the land-class table of every site needs: 10,000 sites' lines cost a
    few sorts and table-wide sums (:class:`~landcheck.groupsums.RowGroups`), not
    a roll-up per site. Each site's lines are those of its own
    :class:`LandUseRollup`, in the same order and with the same sums bit for
    bit; only their :attr:`RollupLine.positions` are rows of the whole table
    and their :attr:`RollupLine.rollup` the table's, so :meth:`RollupLine.first`
    and :attr:`RollupLine.rows` read the table.

    Parameters
    ----------
    rows : landcheck.measure.Rows
        A layer's per-class table of every site.
    ridge_code : str
        The class code of field ridges in the layer's classification.

    Returns
    -------
    dict
        Site position → :data:`SiteLines`; a site without classes is absent
        (its lines are :data:`NO_LINES`).

    Examples
    --------
    >>> rows = Rows({
    ...     "site": np.array([0, 0, 0, 1]),
    ...     "code": np.array(["0103", "1203", "0101", "0702"], dtype=object),
    ...     "planar_m2": np.array([4_000.0, 2_000.0, 9_000.0, 3_000.0]),
    ...     "ellipsoidal_m2": np.array([4_000.5, 2_000.2, 9_001.0, 3_000.3]),
    ...     "category": np.array(["农用地", "农用地", "农用地", "建设用地"], dtype=object),
    ...     "level1": np.array(["01", "12", "01", "07"], dtype=object),
    ...     "table_code": np.array(["0103", "1203", "0101", "0702"], dtype=object),
    ... }, "code")
    >>> total, lines = site_lines(rows, "1203")[0]
    >>> total.planar_m2, [(line.key, line.total.planar_m2) for line in lines[0].lines]
    (15000.0, [('level1:01', 13000.0), ('ridges', 2000.0)])
    >>> [line.key for line in lines[0].lines[0].lines], lines[0].lines[0].first("level1")
    (['class:0101', 'class:0103'], '01')
    """
    if not len(rows.sites):
        return {}
    whole = _table_columns(rows, ridge_code)
    site = np.repeat(rows.sites, rows.site_lengths())
    unclassified = len(CATEGORIES)
    ranks = {name: rank for rank, name in enumerate(CATEGORIES)}
    labels = whole.labels["category"].tolist()
    category = np.array([ranks.get(name, unclassified) for name in labels], dtype=np.intp)
    level1 = text_ranks(whole.labels["level1"])
    code = text_ranks(whole.codes)
    plain = ~whole.ridge
    lines = _LineMaker(whole, LandUseRollup(SiteRows(rows, 0, len(site)), ridge_code=ridge_code))
    # classes, by level-1 class (a level-1 line's, or in turn an unclassified category's)
    in_level1: dict[tuple[int, ...], list[RollupLine]] = defaultdict(list)
    classes = RowGroups([site, category, level1, code], plain)
    for group in lines.groups(classes, [site, category, level1], whole.codes):
        in_level1[group.key].append(lines.make(group, f"class:{group.name}", "class"))
    in_category: dict[tuple[int, ...], list[RollupLine]] = defaultdict(list)
    named = RowGroups([site, category, level1], plain & (category < unclassified))
    for group in lines.groups(named, [site, category, level1], whole.labels["level1"]):
        members = tuple(in_level1[group.key])
        line = lines.make(group, f"level1:{group.name}", "level1", members)
        in_category[group.key[:2]].append(line)
    for (at, rank, _), members in in_level1.items():
        if rank == unclassified:
            in_category[(at, rank)].extend(members)
    ridges = RowGroups([site, category], whole.ridge)
    for group in lines.groups(ridges, [site, category]):
        in_category[group.key].append(lines.make(group, "ridges", "ridges", code=ridge_code))
    by_site: dict[int, list[RollupLine]] = defaultdict(list)
    for group in lines.groups(RowGroups([site, category]), [site, category]):
        at, rank = group.key
        name = CATEGORIES[rank] if rank < unclassified else ""
        kind = "category" if name else "unclassified"
        members = tuple(in_category[group.key])
        by_site[at].append(lines.make(group, f"category:{name}", kind, members))
    return {
        group.key[0]: (group.total, tuple(by_site[group.key[0]]))
        for group in lines.groups(RowGroups([site]), [site])
    }


class _Group(NamedTuple):
    """One group of :func:`site_lines`: its rows, its keys' values, its name and its areas."""

    members: np.ndarray
    key: tuple[int, ...]
    name: str
    total: ClassSum


class _LineMaker:
    """Makes the lines of :func:`site_lines` from groups of a class table's rows."""

    def __init__(self, whole: _TableColumns, table: LandUseRollup):
        self.whole = whole
        self.table = table

    def groups(
        self, groups: RowGroups, keys: list[np.ndarray], names: np.ndarray | None = None
    ) -> list[_Group]:
        """Each group's rows, values of ``keys``, value of ``names`` (or none) and areas."""
        values = zip(*(groups.key(key).tolist() for key in keys), strict=True)
        found = groups.key(names).tolist() if names is not None else [""] * len(groups)
        return [
            _Group(groups.members(number), key, name, total)
            for number, (key, name, total) in enumerate(
                zip(values, found, self._sums(groups), strict=True)
            )
        ]

    def _sums(self, groups: RowGroups) -> list[ClassSum]:
        """Each group's areas, added as :meth:`LandUseRollup._at` adds a site's classes."""
        columns = []
        for area, missing in (("planar_m2", 0.0), ("ellipsoidal_m2", 0.0), ("survey_m2", np.nan)):
            values = self.whole.known[area]
            if values is None:
                columns.append(np.full(len(groups), missing))
                continue
            sums = groups.sums(values[1], known=values[0], missing=missing)
            if area == "survey_m2":  # a group with a parcel of no share has none, as in _sum
                unknown = groups.sums((~values[0]).astype(float), missing=0.0)
                sums = np.where(unknown > 0, missing, sums)
            columns.append(sums)
        return [ClassSum(*sums) for sums in zip(*(c.tolist() for c in columns), strict=True)]

    def make(
        self,
        group: _Group,
        key: str,
        kind: str,
        lines: tuple[RollupLine, ...] = (),
        *,
        code: str | None = None,
    ) -> RollupLine:
        """The line of one group, its code the group's name unless given."""
        code = group.name if code is None else code
        return RollupLine(key, kind, code, group.members, group.total, lines, self.table)
