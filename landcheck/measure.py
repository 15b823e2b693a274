"""Aggregate overlay pieces into per-site totals, classes and administrative units.

Input is a :class:`~landcheck.overlay.LayerOverlay` whose counted pieces are
disjoint within each site, so every aggregate here is a plain sum. For the
land-use layer each piece is split by its deduction coefficient (KCXS):
``land class area = area × (1 − KCXS)`` and ``田坎 = area × KCXS``; the field
ridges of all parcels are reported under the ridge class of the layer's
classification (三调 1203, 用地用海 2023 2303) and also per class they were
deducted from. Where the layer carries the official parcel area (TBMJ),
each piece also gets its proportional share of it (``survey_m2`` = TBMJ × piece
area / parcel area), as practitioners allocate it so that the pieces of a parcel
add up to its official area (docs/areas.md).
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely

from landcheck.areas import ellipsoidal_areas
from landcheck.classify import CodeTable
from landcheck.crs.measuring import SiteMeasuring
from landcheck.frozen import maker
from landcheck.geometry import column_array
from landcheck.groupsums import group_maxima, group_sums
from landcheck.layers import REVIEW_COLUMNS, cultivated_mask
from landcheck.overlay import LayerOverlay
from landcheck.polygonal import polygonal_part
from landcheck.profile import LayerSpec, Text
from landcheck.text import PYTHON_TEXTS, object_array, only_str
from landcheck.units import Area, AreaMethod, new_area

if TYPE_CHECKING:
    from landcheck.coverage import BandGap

__all__ = [
    "TIANKAN_CODE",
    "ByPosition",
    "LayerMeasure",
    "Rows",
    "SiteLayer",
    "SiteRows",
    "UncoveredRests",
    "aggregate",
    "attribute_table",
    "measure_layer",
    "ridge_code",
    "shared_out",
    "unavailable_layer",
    "uncovered_rests",
]

TIANKAN_CODE = "1203"
"""三调 code of field ridges (田坎), the class KCXS deductions go to when the layer's
code table names none (the 2023 table names 2303: :attr:`CodeTable.ridge_code`)."""

_CLASS_SUMS = [
    "planar_m2",
    "ellipsoidal_m2",
    "survey_m2",
    "tiankan_planar_m2",
    "tiankan_ellipsoidal_m2",
    "tiankan_survey_m2",
]

COLLECTIVE_CODES = ("30", "31", "32", "33", "34", "40")
"""三调 QSXZ (权属性质) codes of collectively owned land (30 集体, 31–34 village and group
collectives, 40 other collective forms); 10 and 20 are state-owned."""

STATE_CODES = ("10", "20")
"""三调 QSXZ codes of state-owned land (10 国有土地所有权, 20 国有土地使用权)."""

_OWNERSHIP_SUMS = [
    "collective_planar_m2",
    "collective_ellipsoidal_m2",
    "unowned_planar_m2",
    "unowned_ellipsoidal_m2",
]
"""Net class area on collective land (LAL art. 46 counts the land expropriated), and on land
whose ownership code is neither collective nor state (blank, a name, another number: who owns
it cannot be told), when the layer maps an ``ownership`` field."""


@cache
def _no_area(method: AreaMethod) -> Area:
    """The zero area of a method, one object shared by every view that has it.

    Areas are frozen; a batch of 10,000 sites × 15 layers would otherwise hold
    hundreds of thousands of equal zeros.
    """
    return Area(0.0, 0.0, method)


_NO_ELLIPSOIDAL_AREA = _no_area(AreaMethod.ELLIPSOIDAL)
"""A view's zero areas by default: the shared zero itself (no call per view)."""


def _finite_or_zero(values: np.ndarray) -> np.ndarray:
    """``np.nan_to_num(values, nan=0.0)``, without a copy when every value is finite."""
    return values if np.isfinite(values).all() else np.nan_to_num(values, nan=0.0)


def _shared(values: np.ndarray) -> np.ndarray:
    """Text columns with one object per distinct value, the same values.

    A column of strings read out of pandas (Arrow-backed) is one new ``str``
    per row; a batch's class tables repeat a few hundred codes and names over
    150,000 rows. Only columns of strings alone are shared; up to
    :data:`_FEW_ROWS` rows in Python, without pandas.
    """
    if values.dtype != object:
        return values
    if len(values) <= _FEW_ROWS:
        items = values.tolist()
        if not items or not only_str(items):
            return values
        first: dict[str, str] = {}
        return object_array([first.setdefault(value, value) for value in items])
    if pd.api.types.infer_dtype(values, skipna=False) != "string":
        return values
    codes, uniques = pd.factorize(values)
    return np.asarray(uniques, dtype=object)[codes]


_FEW_ROWS = 256
"""Rows up to which a column is shared or grouped in Python and numpy, not pandas: its
first calls in a process cost ~0.3 ms each (a one-site check makes a few dozen), and
Python's dictionaries are faster than them on a few hundred values, slower on more."""


def _sorted_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize(values, sort=True)``: each value's position among the sorted distinct ones.

    Up to :data:`_FEW_ROWS` integers or strings alone are factorized without
    pandas, with the same codes and distinct values.

    Examples
    --------
    >>> codes, unique = _sorted_codes(np.array(["b", "a", "b"], dtype=object))
    >>> codes.tolist(), unique.tolist()
    ([1, 0, 1], ['a', 'b'])
    """
    if len(values) <= _FEW_ROWS:
        if values.dtype.kind in "biu":
            unique, codes = np.unique(values, return_inverse=True)
            return codes, unique
        items = values.tolist() if values.dtype == object else None
        if items is not None and only_str(items):
            distinct = sorted(set(items))
            position = {value: i for i, value in enumerate(distinct)}
            codes = np.array([position[value] for value in items], dtype=np.intp)
            return codes, object_array(distinct)
    codes, unique = pd.factorize(values, sort=True)
    return codes, np.asarray(unique)


class ByPosition(list):
    """One value per site position, ``None`` where a site has none: a table's answer to a question.

    A list as long as the last site with rows, so a value is found by indexing
    it (a dict of 10,000 sites held an int key and an entry per site: 60 bytes
    against 8).
    """

    __slots__ = ()

    def __init__(self, sites: np.ndarray, values: Sequence[Any]) -> None:
        super().__init__([None] * (int(sites.max()) + 1 if len(sites) else 0))
        for position, value in zip(sites.tolist(), values, strict=True):
            self[position] = value

    def get(self, position: int, default: Any = None) -> Any:
        """The site's value, or ``default`` when it has none (or is no site: ``-1``)."""
        found = self[position] if 0 <= position < len(self) else None
        return default if found is None else found


class Rows:
    """A per-site table (classes, admin units, features) as numpy columns sorted by site.

    Rules read a site's rows thousands of times per batch; pandas indexing
    costs about a millisecond a call, numpy slices a microsecond. DataFrames
    are built only when a report asks for them (:meth:`frame`). The ``site``
    column holds positions in a batch (0, 1, …); :attr:`sites` are those with
    rows, ascending, and :meth:`span` a position's rows.
    """

    def __init__(self, frame: pd.DataFrame | Mapping[str, np.ndarray], index: str | None):
        self.index = index
        self.columns: dict[str, np.ndarray] = {}
        self.filled: dict[str, np.ndarray] = {}
        self.sites = np.empty(0, dtype=np.intp)
        self._span_starts = self._span_stops = array("q")
        self._masks: dict[tuple[str, tuple[str, ...]], np.ndarray] = {}
        self._sums: dict[tuple[str, str, tuple[str, ...], bool], np.ndarray] = {}
        self._maxima: dict[tuple[str, str, tuple[str, ...]], np.ndarray] = {}
        self._texts: dict[str, list[str]] = {}
        self._distinct: dict[tuple[str, str, tuple[str, ...]], tuple[str, ...]] = {}
        self._by_position: dict[tuple[Any, ...], ByPosition] = {}
        self._starts = self._stops = np.empty(0, dtype=np.intp)
        columns = {str(name): np.asarray(values) for name, values in frame.items()}
        if not columns or not len(columns.get("site", ())):
            return
        sites = columns.pop("site")
        if len(sites) > 1 and (sites[1:] < sites[:-1]).any():
            order = np.argsort(sites, kind="stable")
            sites = sites[order]
            columns = {name: values[order] for name, values in columns.items()}
        else:  # sorted already (aggregates, pieces): a copy of its own, not the source's view
            columns = {name: values.copy() for name, values in columns.items()}
        for name, values in columns.items():
            self.columns[name] = _shared(values)
        # the numbers with missing values as 0, for sums; a column with none is its own
        self.filled = {
            name: _finite_or_zero(values.astype(float, copy=False))
            for name, values in self.columns.items()
            if values.dtype.kind == "f"
        }
        starts = np.flatnonzero(np.r_[True, sites[1:] != sites[:-1]])
        stops = np.r_[starts[1:], len(sites)]
        self.sites = sites[starts].astype(np.intp)
        if self.sites[0] < 0:
            raise ValueError(f"a table's sites are positions in a batch, got {self.sites[0]}")
        self._starts, self._stops = starts, stops
        # each position's first row and the row after its last: two machine integers a site
        # (a dict of tuples held 180 bytes a site and table, 18 MB at 10,000 sites)
        dense = np.zeros((2, int(self.sites[-1]) + 1), dtype=np.int64)
        dense[0, self.sites], dense[1, self.sites] = starts, stops
        self._span_starts = array("q", dense[0].tobytes())
        self._span_stops = array("q", dense[1].tobytes())

    def span(self, position: int) -> tuple[int, int]:
        """The first row of the site at ``position`` and the row after its last (0, 0: none)."""
        if 0 <= position < len(self._span_starts):
            return self._span_starts[position], self._span_stops[position]
        return 0, 0

    def has_rows(self, position: int) -> bool:
        """Whether the site at ``position`` has rows."""
        start, stop = self.span(position)
        return stop > start

    def site_lengths(self) -> np.ndarray:
        """How many rows each site of :attr:`sites` has, in its order."""
        return self._stops - self._starts

    def view(self, position: int) -> SiteRows:
        """The rows of the site at ``position`` (possibly none)."""
        if 0 <= position < len(self._span_starts):  # :meth:`span`, inline: 600,000 calls a batch
            return _new_site_rows(self, self._span_starts[position], self._span_stops[position])
        return _new_site_rows(self, 0, 0)

    def isin(self, column: str, values: tuple[str, ...]) -> np.ndarray:
        """Which rows of all sites have ``column`` in ``values``: made once per table.

        The rules ask the same few questions of every site (耕地, 农用地…);
        one pass over the whole column answers them for the batch, a site's
        answer is its slice (:meth:`SiteRows.isin`).

        Examples
        --------
        >>> rows = Rows({"site": np.array([0, 1]), "code": np.array(["01", "02"], dtype=object)},
        ...             "code")
        >>> rows.isin("code", ("02", "03")).tolist()
        [False, True]
        """
        key = (column, values)
        mask = self._masks.get(key)
        if mask is None:
            keys = self.columns[column]
            mask = np.fromiter((k in values for k in keys.tolist()), dtype=bool, count=len(keys))
            self._masks[key] = mask
        return mask

    def sums_where(
        self, name: str, column: str, values: tuple[str, ...], *, invert: bool = False
    ) -> np.ndarray:
        """Each site's sum of ``name`` over its rows with ``column`` in ``values``: made once.

        By group of rows (a site), in the order of :attr:`sites`; each is the float
        ``filled[name][start:stop][mask].sum()`` gives (:func:`group_sums`). With
        ``invert=True`` over the rows whose ``column`` is not in ``values``.
        """
        key = (name, column, values, invert)
        sums = self._sums.get(key)
        if sums is None:
            mask = self.isin(column, values)
            mask = ~mask if invert else mask
            sums = self._sums[key] = self.site_sums(self.filled[name], mask)
        return sums

    def site_sums(self, values: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Each site's sum of ``values`` (one per row) over its rows in ``mask``.

        In the order of :attr:`sites`, what ``values[start:stop][mask[start:stop]].sum()``
        gives for each site (:func:`group_sums` by the table's groups of rows).
        """
        return group_sums(values, mask, self._starts, self._stops)

    def maxima_where(self, name: str, column: str, values: tuple[str, ...]) -> np.ndarray:
        """Each site's largest ``name`` among its rows with ``column`` in ``values`` (0 if none).

        By group of rows, as :meth:`sums_where`; made once per table.
        """
        key = (name, column, values)
        maxima = self._maxima.get(key)
        if maxima is None:
            mask = self.isin(column, values)
            maxima = group_maxima(self.columns[name], mask, self._starts)
            self._maxima[key] = maxima
        return maxima

    def site_groups(self) -> Iterator[range]:
        """Each site's rows, in the order of :attr:`sites`.

        For a per-site answer that is no sum (a text, a breakdown), made in one
        pass over the table and kept by :meth:`by_position`.

        Examples
        --------
        >>> rows = Rows({"site": np.array([3, 3, 5]), "m2": np.array([1.0, 2.0, 4.0])}, None)
        >>> [list(group) for group in rows.site_groups()]
        [[0, 1], [2]]
        """
        return map(range, self._starts.tolist(), self._stops.tolist())

    def by_position(self, key: tuple[Any, ...], values: Callable[[], Sequence[Any]]) -> ByPosition:
        """Site position → its value of a per-site array: made once per key.

        ``values()`` gives the array, one value per site with rows in the order of
        :attr:`sites` (what :meth:`sums_where` and :meth:`maxima_where` give), the
        first time ``key`` is asked for; the key names the question (its first item
        the asker). A site's view looks its value up in what this returns
        (:class:`ByPosition`: sites without rows have none) instead of finding its
        group and indexing the array.

        Examples
        --------
        >>> rows = Rows({"site": np.array([3, 3, 5]), "m2": np.array([1.0, 2.0, 4.0])}, None)
        >>> found = rows.by_position(("m2",), lambda: rows.sums_where("m2", "m2", (), invert=True))
        >>> found[3], found.get(4, 0.0), found.get(5, 0.0), found.get(9, 0.0)
        (3.0, 0.0, 4.0, 0.0)
        """
        found = self._by_position.get(key)
        if found is None:
            made = values()
            made = made.tolist() if isinstance(made, np.ndarray) else made
            found = self._by_position[key] = ByPosition(self.sites, made)
        return found

    def answered(self, key: tuple[Any, ...]) -> ByPosition | None:
        """What :meth:`by_position` made for ``key``, or None when it has not been asked."""
        return self._by_position.get(key)

    def texts(self, column: str) -> list[str]:
        """The column's values as ``astype(str)`` gives them, one list for all sites: made once."""
        texts = self._texts.get(column)
        if texts is None:
            texts = self._texts[column] = self.columns[column].astype(str).tolist()
        return texts

    def distinct_where(self, column: str, where: str, values: tuple[str, ...]) -> tuple[str, ...]:
        """All sites' distinct texts of ``column`` on the rows with ``where`` in ``values``.

        Sorted, made once per table: a selector built from them is the same for
        every site, so the answers a site's selector asks for are made once for
        the batch (a selector of a site's own values is a new question, and a
        pass over the whole table, for each site).

        Examples
        --------
        >>> rows = Rows({"site": np.array([0, 1, 1]), "code": np.array(["07", "04", "0401"]),
        ...              "conformity": np.array(["unknown", "unknown", "conforms"])}, None)
        >>> rows.distinct_where("code", "conformity", ("unknown",))
        ('04', '07')
        """
        key = (column, where, values)
        found = self._distinct.get(key)
        if found is None:
            if column not in self.columns or where not in self.columns:
                found = ()
            else:
                hits = self.isin(where, values).tolist()
                texts = self.texts(column)
                found = tuple(sorted({t for t, hit in zip(texts, hits, strict=True) if hit}))
            self._distinct[key] = found
        return found


@dataclass(frozen=True, slots=True)
class SiteRows:
    """One site's slice of a :class:`Rows` table.

    findings.json reads four of each site's layers (600,000 at 10,000 sites):
    :meth:`Rows.view` makes them with :func:`~landcheck.frozen.maker`, and a
    site without rows shares :data:`NO_ROWS`.
    """

    rows: Rows | None = None
    start: int = 0
    stop: int = 0

    def __len__(self) -> int:
        return self.stop - self.start

    def has(self, column: str) -> bool:
        """Whether the table has ``column``."""
        return self.rows is not None and column in self.rows.columns

    def column(self, name: str) -> np.ndarray:
        """The site's values of one column (empty when the table lacks it)."""
        if not self.has(name):
            return np.empty(0)
        return self.rows.columns[name][self.start : self.stop]  # type: ignore[union-attr]

    def texts(self, column: str) -> list[str]:
        """The site's values of one column as texts (``column(name).astype(str)``'s)."""
        if not self.has(column):
            return []
        return self.rows.texts(column)[self.start : self.stop]  # type: ignore[union-attr]

    def keys_where(self, column: str, values: tuple[str, ...]) -> list[str]:
        """The site's index values (as text) of the rows with ``column`` in ``values``, in order.

        What ``frame()``'s index gives for those rows, without a frame per site.
        """
        if self.rows is None or not self.rows.index or not self.has(column):
            return []
        keys = self.texts(self.rows.index)
        return [key for key, hit in zip(keys, self.isin(column, values), strict=True) if hit]

    def isin(self, column: str, values: tuple[str, ...]) -> np.ndarray:
        """Which of the site's rows have ``column`` in ``values`` (:meth:`Rows.isin`).

        None of them when the table lacks the column (as :meth:`column` gives none).
        """
        if not self.has(column):
            return np.empty(0, dtype=bool)
        return self.rows.isin(column, values)[self.start : self.stop]  # type: ignore[union-attr]

    def total(self, name: str, mask: np.ndarray) -> float:
        """Sum of a numeric column over the rows selected by ``mask`` (missing values as 0)."""
        if self.rows is None or name not in self.rows.filled:
            return 0.0
        return float(self.rows.filled[name][self.start : self.stop][mask].sum())

    def frame(self) -> pd.DataFrame:
        """The site's rows as a DataFrame, indexed by the table's index column."""
        if self.rows is None or not self.rows.columns or not len(self):
            return pd.DataFrame()
        index = self.rows.index
        data = {
            name: values[self.start : self.stop]
            for name, values in self.rows.columns.items()
            if name != index
        }
        if not index:
            return pd.DataFrame(data)
        # the index given to the constructor: set_index after it costs as much again
        labels = pd.Index(self.rows.columns[index][self.start : self.stop], name=index)
        return pd.DataFrame(data, index=labels)


NO_ROWS = SiteRows()
"""The rows of a site a table has none of (a frozen value, shared)."""


class ListedRows:
    """A table's rows of a run of sites, each column read into a Python list once for the run.

    findings.json writes a site's rows of each table as numbers and texts: read
    site by site, every column of every table was a numpy slice and a
    ``tolist()`` a site (660,000 of them at 10,000 sites). A run's rows are
    contiguous (a table is sorted by site), so each column is read once for the
    run and each site takes its part of the list (:meth:`span`): the same values.

    Examples
    --------
    >>> rows = Rows({"site": np.array([0, 2, 2, 5]), "m2": np.array([1.0, 2.0, 3.0, 4.0])}, None)
    >>> listed = ListedRows(rows, range(1, 4))
    >>> listed.column("m2"), listed.span(2), listed.span(3), listed.column("none")
    ([2.0, 3.0], (0, 2), (0, 0), [])
    """

    __slots__ = ("_first", "_lists", "_stop", "table")

    def __init__(self, table: Rows, positions: range) -> None:
        self.table = table
        sites = table.sites
        first, last = (positions[0], positions[-1]) if len(positions) else (0, -1)
        if positions.step < 0:
            first, last = last, first
        begin, end = np.searchsorted(sites, [first, last + 1]).tolist()
        self._first = int(table._starts[begin]) if begin < end else 0
        self._stop = int(table._stops[end - 1]) if begin < end else 0
        self._lists: dict[str, list[Any]] = {}

    def column(self, name: str) -> list[Any]:
        """The run's values of one column (none when the table lacks it)."""
        values = self._lists.get(name)
        if values is None:
            column = self.table.columns.get(name)
            values = [] if column is None else column[self._first : self._stop].tolist()
            self._lists[name] = values
        return values

    def span(self, position: int) -> tuple[int, int]:
        """The site's rows in the run's lists: the first and the one after its last."""
        start, stop = self.table.span(position)
        if stop <= start:
            return 0, 0
        return start - self._first, stop - self._first


_new_site_rows = maker(SiteRows)


@dataclass(slots=True)
class SiteLayer:
    """What one layer means for one site: the view rules and reports read.

    Attributes
    ----------
    key, kind : str
        The layer key and kind.
    available : bool
        False when the layer has no usable source (then ``reason`` says why).
    overlap : Area
        The layer's dissolved overlap with the site (overlaps within the
        layer counted once).
    share : float
        ``overlap`` as a fraction of the site's area (driving method).
    max_width_m : float
        Largest mean width (2·area/perimeter) among the overlap's pieces.
    uncovered : Area
        Site area the layer does not cover (site − overlap).
    has_classes : bool
        True when the layer has a class code field.
    unresolved_codes : sequence of str
        Codes not found in the layer's code table (``""``: parcels without a code).
    blank_code_parcels : int
        How many of the layer's parcels the site meets have no class code.
    uncovered_width_m : float
        Largest mean width (2·area/perimeter) among the parts of the
        uncovered rest, when it is small enough to be a sliver (else 0).
    outside : Area
        Site area outside the area the layers describe (:mod:`landcheck.coverage`).
    outside_width_m : float
        Largest mean width (2·area/perimeter) of that outside part.
    described_by : Text or None
        What describes the layer's land (the coverage polygon, the land-use
        survey, the layer's extent); None when coverage does not apply.
    band_outside : mapping of float to BandGap, or None
        For a layer a proximity rule reads, per rule distance, the part of the
        ground within it around the site (the site left out) beyond the described
        area (:func:`landcheck.coverage.band_outside`); None when coverage does
        not apply or no proximity rule reads the layer.
    search_m : float
        How far around the site features were looked for (0: not at all).
    nearest_m, nearest_id : float and str, or None
        Distance to the nearest feature within ``search_m`` (0 when the site
        touches one) and its id; None when there is none within reach.
    attribute_table : Rows or None
        The layer's areas by the review attributes (grade, zone, level…;
        :data:`landcheck.layers.REVIEW_COLUMNS`) per site; :attr:`attribute_rows`
        is the site's slice.
    tables, position : tuple of Rows, int
        The layer's per-class, per-administrative-unit and per-feature tables
        and the site's position in them; :attr:`class_rows` (etc.) are the
        site's slices and :attr:`classes`, :attr:`admin`, :attr:`features`
        their DataFrames, built on first use.
    classification : str or None
        The code table the layer's classes were read with.
    ridge_code : str
        The class of field ridges (田坎) in that table.
    """

    key: str
    kind: str
    available: bool = True
    reason: str = ""
    overlap: Area = _NO_ELLIPSOIDAL_AREA
    share: float = 0.0
    max_width_m: float = 0.0
    uncovered: Area = _NO_ELLIPSOIDAL_AREA
    has_classes: bool = False
    unresolved_codes: Sequence[str] = ()
    blank_code_parcels: int = 0
    search_m: float = 0.0
    nearest_m: float | None = None
    nearest_id: str | None = None
    uncovered_width_m: float = 0.0
    outside: Area = _NO_ELLIPSOIDAL_AREA
    outside_width_m: float = 0.0
    described_by: Text | None = None
    band_outside: Mapping[float, BandGap] | None = None
    tables: tuple[Rows, Rows, Rows] | None = field(default=None, repr=False)
    position: int = -1
    classification: str | None = None
    ridge_code: str = TIANKAN_CODE
    attribute_table: Rows | None = field(default=None, repr=False)
    _made: dict[str, Any] | None = field(default=None, init=False, repr=False, compare=False)
    """The site's rows and frames made so far (a batch holds 150,000 views: slots, and a
    dict only for the views something was asked of)."""

    def _once(self, name: str, make: Callable[[], Any]) -> Any:
        """``make()`` the first time ``name`` is asked for, then the same object."""
        made = self._made
        if made is None:
            made = self._made = {}
        value = made.get(name)
        if value is None:
            value = made[name] = make()
        return value

    def _rows(self, which: int) -> SiteRows:
        return NO_ROWS if self.tables is None else self.tables[which].view(self.position)

    @property
    def class_table(self) -> Rows | None:
        """The layer's per-class table of every site (None: the layer has no tables)."""
        return None if self.tables is None else self.tables[0]

    @property
    def feature_table(self) -> Rows | None:
        """The layer's per-feature table of every site (None: the layer has no tables)."""
        return None if self.tables is None else self.tables[2]

    @property
    def class_rows(self) -> SiteRows:
        """The site's per-class rows."""
        return self._once("class_rows", lambda: self._rows(0))

    @property
    def admin_rows(self) -> SiteRows:
        """The site's per-administrative-unit rows."""
        return self._once("admin_rows", lambda: self._rows(1))

    @property
    def feature_rows(self) -> SiteRows:
        """The site's per-feature rows."""
        return self._once("feature_rows", lambda: self._rows(2))

    @property
    def attribute_rows(self) -> SiteRows:
        """The site's areas by review attribute (``grade``, ``zone``…, ``planar_m2``…)."""
        if self.attribute_table is None:
            return NO_ROWS
        return self._once("attribute_rows", lambda: self.attribute_table.view(self.position))  # type: ignore[union-attr]

    @property
    def classes(self) -> pd.DataFrame:
        """Per class code (index): names, areas, field ridges, widths, code-table columns.

        The code table's columns are ``category`` (三大类), ``level1``,
        ``conformity`` and so on; the frame is built on first use.
        """
        return self._once("classes", lambda: self.class_rows.frame())

    @property
    def admin(self) -> pd.DataFrame:
        """Per administrative unit code (index): ``name`` and areas."""
        return self._once("admin", lambda: self.admin_rows.frame())

    @property
    def features(self) -> pd.DataFrame:
        """The per-feature pieces: ``feature_id`` and their areas."""
        return self._once("features", lambda: self.feature_rows.frame())

    def classes_where(
        self,
        column: str,
        values: tuple[str, ...],
        method: AreaMethod,
        *,
        ridges: bool = False,
        invert: bool = False,
    ) -> Area:
        """Sum the classes whose ``column`` is one of ``values`` (``invert=True``: is not).

        With ``ridges=True`` sum the field ridges (田坎) deducted from those
        classes instead of their net areas.
        """
        table = self.class_table
        key = ("classes_where", column, values, method, ridges, invert)
        found = None if table is None else table.answered(key)
        if found is not None:  # the rules ask a few questions of every site: answered at once
            return found.get(self.position, _no_area(method))
        prefix = "tiankan_" if ridges else ""
        planar, ellipsoidal = f"{prefix}planar_m2", f"{prefix}ellipsoidal_m2"
        if table is None or column not in table.columns or planar not in table.columns:
            return _no_area(method)

        def areas() -> list[Area]:  # every site's, once per table and question
            sums = [
                table.sums_where(name, column, values, invert=invert).tolist()
                if name in table.filled
                else [0.0] * len(table.sites)
                for name in (planar, ellipsoidal)
            ]
            zero = _no_area(method)  # most sites have none of a question's classes
            return [Area(p, e, method) if p or e else zero for p, e in zip(*sums, strict=True)]

        return table.by_position(key, areas).get(self.position, _no_area(method))

    def attributes_where(self, role: str, values: tuple[str, ...], method: AreaMethod) -> Area:
        """Sum the pieces whose review attribute ``role`` (``zone``, ``grade``…) is in ``values``.

        Values are compared with spaces and case ignored.

        Examples
        --------
        >>> rows = pd.DataFrame({"site": [0, 0], "zone": ["核心区", "实验区"],
        ...                      "planar_m2": [30.0, 70.0], "ellipsoidal_m2": [31.0, 71.0]})
        >>> layer = SiteLayer(key="pa", kind="protected_area", position=0,
        ...                   attribute_table=Rows(rows, None))
        >>> layer.attributes_where("zone", ("核心区", "缓冲区"), AreaMethod.PLANAR).m2
        30.0
        """
        rows = self.attribute_rows
        if not len(rows) or not rows.has(role):
            return Area(0.0, 0.0, method)
        wanted = {"".join(str(v).split()).lower() for v in values}
        keys = rows.column(role)
        mask = np.fromiter(
            ("".join(str(k).split()).lower() in wanted for k in keys), dtype=bool, count=len(keys)
        )
        return Area(rows.total("planar_m2", mask), rows.total("ellipsoidal_m2", mask), method)

    def width_where(self, column: str, values: tuple[str, ...]) -> float:
        """Largest piece width (2·area/perimeter) of the classes with ``column`` in ``values``."""
        table = self.class_table
        if table is None or column not in table.columns or "max_width_m" not in table.columns:
            return 0.0
        widths = table.by_position(
            ("width_where", column, values),
            lambda: table.maxima_where("max_width_m", column, values),
        )
        return widths.get(self.position, 0.0)


def unavailable_layer(key: str, kind: str, reason: str, site_area: Area) -> SiteLayer:
    """A layer that could not be checked: nothing is known inside the site."""
    return SiteLayer(
        key=key,
        kind=kind,
        available=False,
        reason=reason,
        overlap=_no_area(site_area.method),
        uncovered=site_area,
    )


@dataclass
class LayerMeasure:
    """Aggregates of one layer for all sites; :meth:`site` gives one site's view.

    Attributes
    ----------
    spec : LayerSpec
        The layer's profile entry.
    method : AreaMethod
        The area that drives findings.
    tables : tuple of Rows
        Per site: classes (indexed by ``code``), administrative units (by
        ``admin_code``) and feature pieces, as numpy columns; held once here, read by
        every site's view.
    has_classes : bool
        The layer has a class code field.
    unresolved : dict
        Site position → codes the code table does not know.
    blank_parcels : dict
        Site position → how many parcels without a class code the site meets.
    totals : dict
        Site position → counted planar and ellipsoidal overlap and the largest
        piece width (sites without pieces are absent).
    nearest : dict
        Site position → distance to and id of the nearest feature within ``search_m``.
    search_m : float
        How far features were looked for.
    uncovered_widths : dict
        Site position → mean width of a small uncovered rest.
    uncovered_ellipsoidal : numpy.ndarray
        By site position, the ellipsoidal area of the uncovered rest where it was
        measured on its own (:class:`UncoveredRests`), else NaN: there it is the
        site less the overlap.
    classification : str or None
        The code table the classes were read with.
    ridge_code : str
        The class of field ridges (田坎) in that table.
    attributes : Rows or None
        Areas by review attribute per site (None when the layer maps none).
    """

    spec: LayerSpec
    method: AreaMethod
    tables: tuple[Rows, Rows, Rows]
    has_classes: bool
    unresolved: dict[int, list[str]]
    blank_parcels: dict[int, int] = field(default_factory=dict)
    totals: dict[int, tuple[float, float, float]] = field(default_factory=dict)
    nearest: dict[int, tuple[float, str]] = field(default_factory=dict)
    search_m: float = 0.0
    uncovered_widths: dict[int, float] = field(default_factory=dict)
    uncovered_ellipsoidal: np.ndarray = field(default_factory=lambda: np.zeros(0))
    classification: str | None = None
    ridge_code: str = TIANKAN_CODE
    attributes: Rows | None = None

    def site(self, position: int, site_area: Area) -> SiteLayer:
        """The view of this layer for the site at ``position``."""
        method = self.method
        totals = self.totals.get(position)
        if totals is None and site_area.method == method:  # the site is all uncovered
            max_width, overlap, uncovered = 0.0, _no_area(method), site_area
        else:
            planar, ellipsoidal, max_width = totals or (0.0, 0.0, 0.0)
            overlap = new_area(planar, ellipsoidal, method)
            rests = self.uncovered_ellipsoidal
            rest = float(rests[position]) if 0 <= position < len(rests) else np.nan
            uncovered = new_area(
                _nonnegative(site_area.planar_m2 - planar),
                _nonnegative(site_area.ellipsoidal_m2 - ellipsoidal) if np.isnan(rest) else rest,
                method,
            )
        nearest_m, nearest_id = self.nearest.get(position, (None, None))
        return SiteLayer(
            key=self.spec.key,
            kind=self.spec.kind,
            overlap=overlap,
            # a fraction 0–1: an overlap the whole site's is 1, not 1 + its last digits' noise
            share=min(overlap.m2 / site_area.m2, 1.0) if site_area.m2 > 0 else 0.0,
            max_width_m=max_width,
            uncovered=uncovered,
            has_classes=self.has_classes,
            unresolved_codes=self.unresolved.get(position, ()),
            blank_code_parcels=self.blank_parcels.get(position, 0),
            search_m=self.search_m,
            uncovered_width_m=self.uncovered_widths.get(position, 0.0),
            nearest_m=nearest_m,
            nearest_id=nearest_id,
            tables=self.tables,
            position=position,
            classification=self.classification,
            ridge_code=self.ridge_code,
            attribute_table=self.attributes,
        )


def _nonnegative(value: float) -> float:
    """Differences of equal sums can come out as −1e-9; they are zero."""
    return 0.0 if value < 0.0 and value > -1e-6 else value


def aggregate(
    keys: dict[str, np.ndarray],
    *,
    sums: dict[str, np.ndarray] | None = None,
    firsts: dict[str, np.ndarray] | None = None,
    maxima: dict[str, np.ndarray] | None = None,
) -> pd.DataFrame:
    """Group rows by key columns (in sorted key order) with numpy: sums, first values, maxima.

    What ``DataFrame.groupby(keys, sort=True).agg(...)`` does, without its fixed
    cost of ~10 ms a call (a check aggregates every layer three ways). A sum
    of only missing values is missing, as with ``sum(min_count=1)``.

    Examples
    --------
    >>> aggregate({"site": np.array([1, 0, 1])}, sums={"m2": np.array([1.0, 2.0, 3.0])})
       site   m2
    0     0  2.0
    1     1  4.0
    """
    columns = _aggregated(keys, sums=sums, firsts=firsts, maxima=maxima)
    if not columns:
        names = [*keys, *(sums or {}), *(firsts or {}), *(maxima or {})]
        return pd.DataFrame({name: [] for name in names})
    return pd.DataFrame(columns)


def _aggregated(
    keys: dict[str, np.ndarray],
    *,
    sums: dict[str, np.ndarray] | None = None,
    firsts: dict[str, np.ndarray] | None = None,
    maxima: dict[str, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """:func:`aggregate`'s columns as numpy arrays, in its order (none when there are no rows)."""
    sums, firsts, maxima = sums or {}, firsts or {}, maxima or {}
    codes, uniques = [], []
    for values in keys.values():
        code, unique = _sorted_codes(np.asarray(values))
        codes.append(code)
        uniques.append(unique)
    if not len(codes[0]):
        return {}
    shape = tuple(max(len(u), 1) for u in uniques)
    group = np.ravel_multi_index(codes, shape)
    ids, first, inverse = np.unique(group, return_index=True, return_inverse=True)
    out: dict[str, np.ndarray] = {}
    for name, unique, index in zip(keys, uniques, np.unravel_index(ids, shape), strict=True):
        out[name] = unique[index]
    for name, values in sums.items():
        values = np.asarray(values, dtype=float)
        present = ~np.isnan(values)
        total = np.bincount(inverse, weights=np.where(present, values, 0.0), minlength=len(ids))
        count = np.bincount(inverse, weights=present.astype(float), minlength=len(ids))
        out[name] = np.where(count > 0, total, np.nan)
    for name, values in firsts.items():
        out[name] = np.asarray(values)[first]
    for name, values in maxima.items():
        largest = np.full(len(ids), -np.inf)
        np.maximum.at(largest, inverse, np.asarray(values, dtype=float))
        out[name] = largest
    return out


Columns = Mapping[str, np.ndarray]
"""A layer's pieces as numpy columns by name (their geometry left out)."""


def _piece_columns(pieces: pd.DataFrame) -> dict[str, np.ndarray]:
    """The pieces' columns but the geometry, each as ``Series.to_numpy()`` gives it.

    Rows are read by name a few dozen times per layer: a dict of arrays, not a
    DataFrame (dropping the geometry of a GeoDataFrame alone costs ~2 ms). The
    frame's own arrays are read without a Series per column (a GeoDataFrame's
    column lookup costs ~0.1 ms): numbers as read-only views, as pandas gives
    them, so the pieces cannot be changed through them.
    """
    columns = {}
    for name in pieces.columns:
        if name == "geometry":
            continue
        values = column_array(pieces, name)
        if isinstance(values, np.ndarray):
            values = values.view()
            values.flags.writeable = False
        else:
            values = values.to_numpy()
        columns[str(name)] = values
    return columns


def _set_column(frame: pd.DataFrame, name: str, values: np.ndarray) -> None:
    """Set a float column of ``frame`` to ``values``: in its own array where it can be.

    Assigning a column of a frame whose numbers share one block makes pandas copy
    the block's other columns (a few MB a layer at 10,000 sites); writing into the
    column's own array does not.
    """
    held = column_array(frame, name)
    if isinstance(held, np.ndarray) and held.dtype == values.dtype and held.flags.writeable:
        held[:] = values
    else:
        frame[name] = values


def _site_totals(pieces: Columns) -> dict[str, np.ndarray]:
    """Per ``site`` (ascending): counted ``planar_m2``, ``ellipsoidal_m2`` and ``max_width_m``.

    The columns of ``aggregate(...)`` as numpy arrays: they are read as lists
    and arrays only, and a frame of them costs ~0.3 ms a layer in a fresh
    process.
    """
    keys = {"site": pieces["site"]}
    sums = {
        "planar_m2": pieces["counted_planar_m2"],
        "ellipsoidal_m2": pieces["counted_ellipsoidal_m2"],
    }
    maxima = {"max_width_m": pieces["width_m"]}
    columns = _aggregated(keys, sums=sums, maxima=maxima)
    if not columns:  # the columns of no rows aggregate gives (empty columns are float)
        columns = {name: np.array([], dtype=float) for name in ("site", *sums, *maxima)}
    return columns


def _cultivated_grades(pieces: Columns, table: CodeTable | None) -> np.ndarray:
    """Each piece's quality grade (GDDB) where its parcel is cultivated land, else blank.

    A grade on a forest or housing parcel (a shapefile's blank integer reads 0) is no
    cultivated-land grade; without codes or a code table that tells level 1, no piece
    is known to be cultivated land.
    """
    grades = _text(pieces["_grade"])
    codes = np.asarray(pieces["_code"]) if "_code" in pieces else None
    cultivated = cultivated_mask(codes, table)
    if cultivated is None:
        return np.full(len(grades), "", dtype=object)
    return np.where(cultivated, grades, "")


def _text(values: pd.Series | np.ndarray) -> np.ndarray:
    """``Series.astype(str).to_numpy()`` of a column given as a Series or its values.

    Text columns hold only ``str`` (normalising fills missing text with ``""``):
    their values are returned as they are, without pandas' ~0.3 ms a call.
    """
    array = np.asarray(values)
    if array.dtype == object and only_str(array):
        return array
    return pd.Series(values, copy=False).astype(str).to_numpy()


_DECIMAL_ZEROS = re.compile(r"\.0+\Z")
"""A number's decimal zeros at the end of a text (``30.0``: an ownership code read as a number)."""


def _ownership_codes(values: np.ndarray) -> np.ndarray:
    r"""Ownership codes as text: stripped, decimal zeros at the end dropped (``30.0`` is ``30``).

    ``Series.str.strip().str.replace(r"\.0+$", "", regex=True)`` of the values
    as text; up to :data:`~landcheck.text.PYTHON_TEXTS` values in Python
    (``str.strip`` strips what Arrow's ``utf8_trim_whitespace`` does, ``\Z`` is
    RE2's ``$``): pandas' string methods cost ~10 ms the first time in a process.

    Examples
    --------
    >>> _ownership_codes(np.array([" 30 ", "20.00", "31.5"], dtype=object)).tolist()
    ['30', '20', '31.5']
    """
    texts = _text(values)
    if len(texts) > PYTHON_TEXTS:
        codes = pd.Series(texts).str.strip().str.replace(r"\.0+$", "", regex=True)
        return codes.to_numpy()
    return object_array([_DECIMAL_ZEROS.sub("", text.strip()) for text in texts.tolist()])


def _split_deduction(pieces: Columns) -> dict[str, np.ndarray]:
    """Split each piece into land-class area and field ridges by its deduction coefficient."""
    size = len(pieces["site"])
    out = {"site": pieces["site"], "code": pieces["_code"]}
    deduction = (
        np.asarray(pieces["_deduction"], dtype=float) if "_deduction" in pieces else np.zeros(size)
    )
    deduction = np.nan_to_num(deduction, nan=0.0)
    survey = np.full(size, np.nan)
    if "_survey_area" in pieces and "_feature_m2" in pieces:
        whole = np.asarray(pieces["_feature_m2"], dtype=float)
        survey = np.divide(
            np.asarray(pieces["_survey_area"], dtype=float) * pieces["counted_planar_m2"],
            whole,
            out=np.full(size, np.nan),
            where=whole > 0,
        )
    for name, gross in (
        ("planar_m2", pieces["counted_planar_m2"]),
        ("ellipsoidal_m2", pieces["counted_ellipsoidal_m2"]),
        ("survey_m2", survey),
    ):
        tiankan = gross * deduction
        out[name] = gross - tiankan
        out[f"tiankan_{name}"] = tiankan
    if "_ownership" in pieces:
        codes = _ownership_codes(pieces["_ownership"])
        collective = np.isin(codes, COLLECTIVE_CODES)
        unowned = ~collective & ~np.isin(codes, STATE_CODES)
        for name in ("planar_m2", "ellipsoidal_m2"):
            for kind, where in (("collective", collective), ("unowned", unowned)):
                out[f"{kind}_{name}"] = np.where(where, out[name], 0.0)
                out[f"ridge_{kind}_{name}"] = np.where(where, out[f"tiankan_{name}"], 0.0)
    out["name"] = pieces["_name"] if "_name" in pieces else np.full(size, "", dtype=object)
    out["width_m"] = pieces["width_m"]
    return out


def ridge_code(table: CodeTable | None) -> str:
    """The class code field ridges (KCXS deductions) are reported under for a code table."""
    return table.ridge_code if table is not None and table.ridge_code else TIANKAN_CODE


def _class_table(
    pieces: Columns, table: CodeTable | None, with_tiankan: bool, land_use: bool = False
) -> tuple[dict[str, np.ndarray], dict[int, list[str]]]:
    """Per site and class code: the class areas, names and table columns, and unknown codes.

    The columns are those a DataFrame of them would give :class:`Rows`
    (:func:`_as_frame_column`), without the frame. Of a land-use layer, a 可调整地类 is
    named as one (:func:`_marked_names`) and the class of blank codes
    :data:`BLANK_CODE_NAME`.
    """
    both = _split_deduction(pieces)
    if with_tiankan:
        ridges = both["tiankan_planar_m2"] > 0
        count = int(ridges.sum())
        added = {
            "site": both["site"][ridges],
            "code": np.full(count, ridge_code(table), dtype=object),
            "name": np.full(count, "田坎", dtype=object),
            "width_m": both["width_m"][ridges],
            **{
                c: both[f"tiankan_{c}"][ridges]
                for c in ("planar_m2", "ellipsoidal_m2", "survey_m2")
            },
            **{
                f"tiankan_{c}": np.zeros(count)
                for c in ("planar_m2", "ellipsoidal_m2", "survey_m2")
            },
            **{c: both[f"ridge_{c}"][ridges] for c in _OWNERSHIP_SUMS if f"ridge_{c}" in both},
        }
        both = {name: np.concatenate([both[name], added[name]]) for name in added}
    sums = _CLASS_SUMS if with_tiankan else _CLASS_SUMS[:3]
    sums = [*sums, *(c for c in _OWNERSHIP_SUMS if c in both)]
    classes = _aggregated(
        {"site": both["site"], "code": _text(both["code"])},
        sums={c: both[c] for c in sums},
        firsts={"name": both["name"]},
        maxima={"max_width_m": both["width_m"]},
    )
    unresolved: dict[int, list[str]] = {}
    if table is not None:
        codes = _text(classes["code"])
        # each distinct code resolved and looked up once (a survey near 10,000 sites: 45,000
        # class rows of about a hundred codes), then spread to its rows
        rows, distinct = pd.factorize(codes)
        resolved_once = np.array([table.resolve(code) for code in distinct], dtype=object)
        resolved = resolved_once[rows]
        known = np.array([code is not None for code in resolved_once], dtype=bool)[rows]
        classes["table_code"] = np.where(known, resolved, None)
        table_names = np.full(len(codes), "", dtype=object)
        for column in table.columns:
            lookup = table.lookup(column)
            values = np.array(
                [lookup.get(code, "") if code is not None else "" for code in resolved_once],
                dtype=object,
            )[rows]
            if column == "name":
                table_names = values
            else:
                classes[column] = values
        unresolved = _codes_by_site(classes["site"][~known], codes[~known])
        names = np.array(
            ["" if n is None or n != n else str(n) for n in classes["name"]], dtype=object
        )
        use_table = ((codes == resolved) | (names == "")) & (table_names != "")
        classes["name"] = np.where(use_table, table_names, names)
        if land_use:
            classes["name"] = _marked_names(codes, resolved, classes["name"])
    classes["code"] = _text(classes["code"])
    if land_use:
        classes["name"] = np.where(classes["code"] == "", BLANK_CODE_NAME, classes["name"])
    return {name: _as_frame_column(values) for name, values in classes.items()}, unresolved


BLANK_CODE_NAME = "无地类编码"
"""The name of the class of parcels whose code is blank (its code, the class key, is ``""``)."""

ADJUSTABLE = "（可调整）"
"""What the name of a 可调整地类 (code suffix K: 0201K) adds to its class's name."""


def _marked_names(codes: np.ndarray, resolved: np.ndarray, names: np.ndarray) -> np.ndarray:
    """Class names, those of 可调整地类 (a table code and the suffix K) marked as such.

    0201K is 可调整果园: cultivated land of the second survey (二调) that the third
    classes as the orchard it is now, counted in 农用地 under 0201, not in 耕地. Its
    name says so, so that a reader does not take it for the orchard 0201 itself.

    Examples
    --------
    >>> codes = np.array(["0201K", "0201", "1104A", "0301K"], dtype=object)
    >>> resolved = np.array(["0201", "0201", "1104A", "0301"], dtype=object)
    >>> names = np.array(["果园", "果园", "养殖坑塘", "可调整乔木林地"], dtype=object)
    >>> _marked_names(codes, resolved, names).tolist()
    ['果园（可调整）', '果园', '养殖坑塘', '可调整乔木林地']
    """
    marked = np.array(names, dtype=object)  # a copy
    for at in np.flatnonzero(codes != resolved).tolist():  # suffixed codes only: a few rows
        code, table_code, name = codes[at], resolved[at], str(names[at])
        if table_code is not None and "K" in code[len(table_code) :] and "可调整" not in name:
            marked[at] = name + ADJUSTABLE
    return marked


def _codes_by_site(sites: np.ndarray, codes: np.ndarray) -> dict[int, list[str]]:
    """Each site's distinct codes, sorted: one sort of all the rows, not a pass a site.

    Examples
    --------
    >>> _codes_by_site(np.array([3, 1, 3, 3]), np.array(["0188", "9", "0105", "0188"]))
    {1: ['9'], 3: ['0105', '0188']}
    """
    if not len(sites):
        return {}
    order = np.argsort(sites, kind="stable")
    sites, codes = sites[order], codes[order]
    starts = np.flatnonzero(np.diff(sites, prepend=sites[0] - 1) != 0)
    ends = np.append(starts[1:], len(sites))
    return {
        int(sites[start]): sorted(set(codes[start:end].tolist()))
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True)
    }


def _blank_parcels(pieces: Columns) -> dict[int, int]:
    """Site position → how many parcels without a class code it meets (its pieces' features).

    Examples
    --------
    >>> _blank_parcels({"site": np.array([0, 0, 0, 1]), "feature": np.array([4, 4, 5, 4]),
    ...                 "_code": np.array(["", "", "", "0103"], dtype=object)})
    {0: 2}
    """
    blank = _text(pieces["_code"]) == ""
    pairs = set(zip(pieces["site"][blank].tolist(), pieces["feature"][blank].tolist(), strict=True))
    counts: dict[int, int] = {}
    for site, _ in pairs:
        counts[int(site)] = counts.get(int(site), 0) + 1
    return counts


def _as_frame_column(values: np.ndarray) -> np.ndarray:
    """``np.asarray`` of the column a DataFrame makes of ``values``.

    Numbers and objects that are all ``str`` are as they are; other objects go
    through pandas' inference (text with missing values: NaN for each of them).

    Examples
    --------
    >>> _as_frame_column(np.array(["0101", None], dtype=object)).tolist()
    ['0101', nan]
    """
    if values.dtype != object or only_str(values):
        return values
    return np.asarray(pd.Series(values, copy=False))


def measure_layer(
    overlay: LayerOverlay,
    spec: LayerSpec,
    method: AreaMethod,
    *,
    table: CodeTable | None = None,
    has_codes: bool = False,
    nearest: pd.DataFrame | None = None,
    search_m: float = 0.0,
    site_geoms: np.ndarray | None = None,
    measuring: SiteMeasuring | None = None,
    site_m2: np.ndarray | None = None,
) -> LayerMeasure:
    """Aggregate a layer's pieces per site, per class and per administrative unit.

    Parameters
    ----------
    overlay : LayerOverlay
        Pieces with the normalised attribute columns of
        :func:`landcheck.layers.normalise_features` the layer has.
    spec : LayerSpec
        The layer's profile entry.
    method : AreaMethod
        The area that drives findings.
    table : CodeTable, optional
        Code table to resolve class codes with.
    has_codes : bool
        True when the layer has a class code field (a class layer).
    nearest : pandas.DataFrame, optional
        Per site position: ``feature_id`` and ``distance_m`` of the nearest
        feature within ``search_m``.
    search_m : float
        The search distance used for ``nearest``.
    site_geoms : numpy.ndarray, optional
        The site geometries, to measure the uncovered rests (:func:`uncovered_rests`):
        how thin a small one is (a strip outside the urban boundary, a gap in the
        land-use layer) and its ellipsoidal area. With them, the pieces' counted
        ellipsoidal areas are shared out so that each site's pieces and rest add up
        to its area (:func:`shared_out`), in ``overlay.pieces`` too.
    measuring : SiteMeasuring, optional
        Each site's measuring CRS, in which the pieces' planar areas were
        measured (:func:`landcheck.overlay.measured_in_site_crs`); the
        uncovered rests are measured there too.
    site_m2 : numpy.ndarray, optional
        The sites' ellipsoidal areas, as the sites were measured (measured again
        from ``site_geoms`` when not given).
    """
    pieces = _piece_columns(overlay.pieces)
    site = pieces["site"]
    totals = _site_totals(pieces)
    rests = None
    if site_geoms is not None:
        rests = uncovered_rests(site_geoms, overlay, totals, measuring, site_m2)
        if len(rests.sites) and len(site):
            counted = shared_out(site, pieces["counted_ellipsoidal_m2"], rests)
            _set_column(overlay.pieces, "counted_ellipsoidal_m2", counted)
            pieces["counted_ellipsoidal_m2"] = counted
            totals = _site_totals(pieces)
    classes: dict[str, np.ndarray] = {}
    unresolved: dict[int, list[str]] = {}
    if has_codes and len(site):
        land_use = spec.kind == "land_use"
        classes, unresolved = _class_table(
            pieces, table, with_tiankan=land_use and "_deduction" in pieces, land_use=land_use
        )
    admin: Columns = {}
    if "_admin_code" in pieces or "_admin" in pieces:
        key = "_admin_code" if "_admin_code" in pieces else "_admin"
        names = pieces["_admin"] if "_admin" in pieces else pieces[key]
        admin = _aggregated(
            {"site": site, "admin_code": _text(pieces[key])},
            firsts={"name": _text(names)},
            sums={
                "planar_m2": pieces["counted_planar_m2"],
                "ellipsoidal_m2": pieces["counted_ellipsoidal_m2"],
            },
        )
    features = {
        "site": site,
        "feature_id": _text(pieces["_id"] if "_id" in pieces else pieces["feature"]),
        "planar_m2": pieces["planar_m2"],
        "ellipsoidal_m2": pieces["ellipsoidal_m2"],
    }
    if "_grade" in pieces:  # cultivated-land quality grade, by parcel (net of field ridges)
        features["grade"] = _cultivated_grades(pieces, table)
        deduction = (
            np.asarray(pieces["_deduction"], dtype=float)
            if "_deduction" in pieces
            else np.zeros(len(site))
        )
        features["net_share"] = 1.0 - np.nan_to_num(deduction, nan=0.0)
    attributes = _attribute_columns(pieces)
    return LayerMeasure(
        spec=spec,
        method=method,
        tables=(Rows(classes, "code"), Rows(admin, "admin_code"), Rows(features, None)),
        has_classes=has_codes,
        unresolved=unresolved,
        blank_parcels=(
            _blank_parcels(pieces) if any("" in codes for codes in unresolved.values()) else {}
        ),
        totals=_by_site(
            totals["site"].tolist(),
            [totals[name].tolist() for name in ("planar_m2", "ellipsoidal_m2", "max_width_m")],
            lambda planar, ellipsoidal, width: (float(planar), float(ellipsoidal), float(width)),
        ),
        nearest=(
            {}
            if nearest is None or nearest.empty
            else _by_site(
                nearest.index.tolist(),
                [column_array(nearest, name).tolist() for name in ("distance_m", "feature_id")],
                lambda m, feature: (float(m), str(feature)),
            )
        ),
        search_m=search_m,
        uncovered_widths={} if rests is None else rests.widths,
        uncovered_ellipsoidal=np.zeros(0) if rests is None else rests.by_position(),
        classification=table.name if table is not None else None,
        ridge_code=ridge_code(table),
        attributes=Rows(attributes, None) if attributes else None,
    )


def _by_site(sites: list, columns: list[list], convert: Callable[..., Any]) -> dict:
    """Site position → ``convert(*values)`` of its values in ``columns``, aligned with ``sites``."""
    return {int(site): convert(*row) for site, *row in zip(sites, *columns, strict=True)}


def attribute_table(pieces: pd.DataFrame | Columns) -> pd.DataFrame:
    """Counted areas per site and combination of review attributes (empty when none).

    The review checks (:mod:`landcheck.review`) sum a layer's area by the
    attributes its profile maps (grade, zone, level, flag, type, mineral,
    holder, status, and the feature name with them); counted pieces are disjoint, so
    the rows of a site add up to its overlap with the layer.

    Examples
    --------
    >>> pieces = pd.DataFrame({"site": [0, 0, 0], "_grade": ["Ⅰ", "Ⅱ", "Ⅰ"],
    ...     "counted_planar_m2": [10.0, 20.0, 5.0], "counted_ellipsoidal_m2": [9.0, 19.0, 4.0],
    ...     "width_m": [1.0, 2.0, 3.0]})
    >>> attribute_table(pieces)[["grade", "planar_m2", "max_width_m"]].to_dict("list")
    {'grade': ['Ⅰ', 'Ⅱ'], 'planar_m2': [15.0, 20.0], 'max_width_m': [3.0, 2.0]}
    """
    columns = _attribute_columns(pieces)
    return pd.DataFrame(columns) if columns else pd.DataFrame()


def _attribute_columns(pieces: pd.DataFrame | Columns) -> Columns:
    """:func:`attribute_table`'s columns as numpy arrays (none when it is empty)."""
    columns = [c for c in REVIEW_COLUMNS if c in pieces]
    if not columns or not len(pieces["site"]):
        return {}
    if "_name" in pieces:
        columns.append("_name")
    keys = {"site": np.asarray(pieces["site"])}
    keys |= {c.lstrip("_"): _text(pieces[c]) for c in columns}
    return _aggregated(
        keys,
        sums={
            "planar_m2": np.asarray(pieces["counted_planar_m2"]),
            "ellipsoidal_m2": np.asarray(pieces["counted_ellipsoidal_m2"]),
        },
        maxima={"max_width_m": np.asarray(pieces["width_m"])},
    )


THIN_AREA_LIMIT_M2 = 10_000.0
"""Uncovered rests larger than this are never thin slivers (0.1 m wide would be 100 km long)."""

ROUNDING_SHARE = 1e-11
"""An uncovered rest below this share of its site's area is the areas' rounding, not ground.

A site's area and the sum of its pieces' areas differ by rounding alone in
about the twelfth significant figure: 6e-5 m² for a 300 km road of 31 km²
fully covered by the land-use survey. Up to 10 ha this is below 1e-6 m²."""


def _mean_width(geometry: shapely.Geometry) -> float:
    """Largest 2·area/perimeter among a geometry's polygons (0 when empty)."""
    parts = shapely.get_parts(geometry)
    if not len(parts):
        return 0.0
    perimeter = shapely.length(parts)
    area = shapely.area(parts)
    return float(
        np.max(np.divide(2.0 * area, perimeter, out=np.zeros_like(area), where=perimeter > 0))
    )


def _per_position(sites: np.ndarray, values: np.ndarray, count: int) -> np.ndarray:
    """``values`` by site position ``0 … count - 1`` (0.0 for a site not in ``sites``).

    ``pd.Series(values, index=sites).reindex(range(count), fill_value=0.0)``
    with numpy: ``sites`` are distinct (a grouping's keys); pandas' reindex
    costs ~3 ms the first time in a process.
    """
    out = np.zeros(count)
    positions = np.asarray(sites, dtype=np.int64)
    inside = (positions >= 0) & (positions < count)
    out[positions[inside]] = np.asarray(values, dtype=float)[inside]
    return out


@dataclass(frozen=True)
class UncoveredRests:
    """The uncovered rest (site − counted pieces) of each site, where it was measured.

    Attributes
    ----------
    widths : dict
        Site position → mean width of a small rest (its largest part's 2·area/perimeter).
    sites : numpy.ndarray of int
        Positions of the sites with pieces whose rest is nothing or small: their
        rest's ellipsoidal area is measured on its own, not taken as the site less
        the pieces.
    ellipsoidal : numpy.ndarray
        Those sites' rests, ellipsoidal m², shared out (:attr:`factors`).
    factors : numpy.ndarray
        For those sites, the site's ellipsoidal area over the sum of its pieces' and
        its rest's: what both are multiplied by (:func:`shared_out`) so that they
        add up to the site's.
    """

    widths: dict[int, float]
    sites: np.ndarray
    ellipsoidal: np.ndarray
    factors: np.ndarray

    def by_position(self) -> np.ndarray:
        """The rests' ellipsoidal areas by site position, NaN where not measured.

        Examples
        --------
        >>> rests = UncoveredRests({}, np.array([1]), np.array([2.0]), np.array([1.0]))
        >>> rests.by_position().tolist()
        [nan, 2.0]
        """
        out = np.full(int(self.sites.max(initial=-1)) + 1, np.nan)
        out[self.sites] = self.ellipsoidal
        return out


def uncovered_rests(
    site_geoms: np.ndarray,
    overlay: LayerOverlay,
    totals: Columns,
    measuring: SiteMeasuring | None = None,
    site_m2: np.ndarray | None = None,
) -> UncoveredRests:
    """Whether each site has an uncovered rest, how thin it is and its ellipsoidal area.

    Whether there is a rest is decided in the plane, where the pieces' areas add
    up to the site's exactly: rests up to 1e-6 m² (or :data:`ROUNDING_SHARE` of
    the site's area, when more) are nothing; those up to
    :data:`THIN_AREA_LIMIT_M2` are cut out (the site less its pieces) and their
    mean width measured; larger ones cannot be slivers. Ellipsoidal areas of a
    site and of its pieces do not add up so: each is the polygon with geodesic
    edges of its own vertices, and the pieces have more of them on the site's
    long edges (an 80 m × 40 km corridor's 40 pieces add up to 10.5 m² less than
    the corridor). So a site whose planar rest is nothing has none on the
    ellipsoid either (its planar rest at the site's ellipsoidal/planar ratio),
    and a small rest has the ellipsoidal area of its own geometry; then the
    difference between the site and its pieces and rest is shared out between
    them in proportion to their areas (:attr:`UncoveredRests.factors`), as a
    survey distributes its closing difference. A larger rest is the site less
    its pieces.

    Parameters
    ----------
    site_geoms : numpy.ndarray
        The sites, in the analysis CRS.
    overlay : LayerOverlay
        The layer's pieces.
    totals : mapping of str to numpy.ndarray
        The counted areas per site (:func:`_site_totals`).
    measuring : SiteMeasuring, optional
        Each site's measuring CRS: planar areas and widths are measured there.
    site_m2 : numpy.ndarray, optional
        The sites' ellipsoidal areas (measured when not given).

    Returns
    -------
    UncoveredRests
    """
    site_geoms = np.asarray(site_geoms, dtype=object)
    count = len(site_geoms)
    positions = np.arange(count)
    covered = _per_position(totals["site"], totals["planar_m2"], count)
    site_planar = (
        shapely.area(site_geoms)
        if measuring is None
        else measuring.planar_areas(site_geoms, positions)
    )
    rest = site_planar - covered
    nothing = rest <= np.maximum(1e-6, ROUNDING_SHARE * site_planar)
    small = np.flatnonzero(~nothing & (rest < THIN_AREA_LIMIT_M2))
    remainders = _remainders(site_geoms, overlay, small)
    moved = remainders if measuring is None else measuring.to_own_crs(remainders, small)
    widths = {int(p): _mean_width(g) for p, g in zip(small.tolist(), moved, strict=True)}
    with_pieces = _per_position(totals["site"], np.ones(len(totals["site"])), count) > 0
    measured = np.flatnonzero(with_pieces & (nothing | np.isin(positions, small)))
    if not len(measured):
        return UncoveredRests(widths, measured, np.zeros(0), np.zeros(0))
    crs = measuring.analysis if measuring is not None else overlay.pieces.crs
    whole = ellipsoidal_areas(site_geoms[measured], crs) if site_m2 is None else site_m2[measured]
    ellipsoidal = np.maximum(rest[measured], 0.0) * _ratio(whole, site_planar[measured])
    cut = np.isin(measured, small)
    ellipsoidal[cut] = ellipsoidal_areas(remainders[np.isin(small, measured)], crs)
    parts = _per_position(totals["site"], totals["ellipsoidal_m2"], count)[measured] + ellipsoidal
    factors = np.where(parts > 0, _ratio(whole, parts), 1.0)
    return UncoveredRests(widths, measured, ellipsoidal * factors, factors)


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """``numerator / denominator``, 0 where the denominator is not positive."""
    out = np.zeros(len(numerator))
    return np.divide(numerator, denominator, out=out, where=denominator > 0)


def _remainders(site_geoms: np.ndarray, overlay: LayerOverlay, wanted: np.ndarray) -> np.ndarray:
    """The polygonal part of each wanted site less its counted pieces, in the analysis CRS."""
    if not len(wanted):
        return np.empty(0, dtype=object)
    pieces = overlay.pieces
    by_site = pieces.groupby("site").indices if len(pieces) else {}
    out = []
    for position in wanted.tolist():
        mine = by_site.get(position)
        cover = (
            shapely.union_all(overlay.geometries(mine)) if mine is not None else shapely.Polygon()
        )
        out.append(shapely.difference(site_geoms[position], cover))
    return polygonal_part(out)


def shared_out(sites: np.ndarray, counted: np.ndarray, rests: UncoveredRests) -> np.ndarray:
    """The pieces' counted ellipsoidal areas, shared out so that each site's and its rest add up.

    The pieces of each site of ``rests.sites`` are multiplied by its factor
    (:attr:`UncoveredRests.factors`), as its rest was: 1 up to the few millionths
    by which geodesic edges of the pieces' vertices and of the site's part ways
    (3.3e-6 on an 80 m × 40 km corridor, about 1e-10 on a 1 km site). Then
    classes + uncovered = site holds on the ellipsoid exactly (up to float
    addition), and a site wholly covered is covered on the ellipsoid too.

    Parameters
    ----------
    sites : numpy.ndarray of int
        Each piece's site position.
    counted : numpy.ndarray
        Each piece's counted ellipsoidal area.
    rests : UncoveredRests
        The sites' measured rests (:func:`uncovered_rests`).

    Examples
    --------
    >>> rests = UncoveredRests({}, np.array([1]), np.array([0.0]), np.array([1.25]))
    >>> shared_out(np.array([0, 1, 1]), np.array([3.0, 4.0, 4.8]), rests).tolist()
    [3.0, 5.0, 6.0]
    """
    sites = np.asarray(sites, dtype=np.int64)
    size = int(max(sites.max(initial=-1), rests.sites.max(initial=-1))) + 1
    factors = np.ones(size)
    factors[rests.sites] = rests.factors
    return np.asarray(counted, dtype=float) * factors[sites]
