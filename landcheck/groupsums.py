"""Sums by group of rows, each the very float numpy gives that group's own sum.

The reviewer's tables and findings.json add up many small groups of rows (a
site's classes, a village's share of a site). Summing every group of a table
at once is faster than one small numpy sum per group, and it must not change a
single bit: a reviewer compares the tables with findings.json and the
GeoPackage. :func:`group_sums` does it for contiguous groups, :class:`RowGroups`
for groups spread over a table.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["SEQUENTIAL_SUM", "RowGroups", "group_maxima", "group_sums", "text_ranks"]

SEQUENTIAL_SUM = 8
"""numpy sums fewer values than this one after another from 0.0; from this many on, its
pairwise summation groups them (``np.add.reduce``)."""


def group_sums(
    values: np.ndarray, mask: np.ndarray, starts: np.ndarray, stops: np.ndarray
) -> np.ndarray:
    """Each group's ``values[start:stop][mask[start:stop]].sum()``, all groups at once.

    A group of fewer than :data:`SEQUENTIAL_SUM` selected values is summed the way
    numpy sums it, one value after another from 0.0: the groups' first values are
    added together, then their second ones, and so on. Larger groups are left to
    numpy itself. Every sum is the very float the group's own ``sum()`` gives.

    Examples
    --------
    >>> values = np.array([0.1, 0.2, 0.3, 5.0, 7.0])
    >>> mask = np.array([True, True, True, False, True])
    >>> group_sums(values, mask, np.array([0, 3]), np.array([3, 5])).tolist()
    [0.6000000000000001, 7.0]
    """
    sums = np.zeros(len(starts))
    selected = np.flatnonzero(mask)
    group = np.searchsorted(starts, selected, side="right") - 1
    counts = np.bincount(group, minlength=len(starts))
    rank = np.arange(len(selected)) - np.searchsorted(group, group)
    small = counts[group] < SEQUENTIAL_SUM
    for place in range(SEQUENTIAL_SUM - 1):
        pick = small & (rank == place)
        sums[group[pick]] += values[selected[pick]]
    for index in np.flatnonzero(counts >= SEQUENTIAL_SUM).tolist():
        start, stop = starts[index], stops[index]
        sums[index] = values[start:stop][mask[start:stop]].sum()
    return sums


def group_maxima(values: np.ndarray, mask: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Each group's largest selected value (NaN if one is NaN), 0.0 for a group with none.

    Examples
    --------
    >>> values = np.array([3.0, 9.0, 4.0, 5.0])
    >>> mask = np.array([True, False, True, False])
    >>> group_maxima(values, mask, np.array([0, 2, 3])).tolist()
    [3.0, 4.0, 0.0]
    """
    maxima = np.full(len(starts), -np.inf)
    selected = np.flatnonzero(mask)
    group = np.searchsorted(starts, selected, side="right") - 1
    with np.errstate(invalid="ignore"):  # a NaN is the maximum, as ``max()`` gives it
        np.maximum.at(maxima, group, values[selected])
    return np.where(np.bincount(group, minlength=len(starts)) > 0, maxima, 0.0)


class RowGroups:
    """A table's rows grouped by integer keys, each group's rows in table order.

    The groups come in the order of their keys (the first key first); a
    group's :meth:`sums` add its rows in the order they have in the table,
    which is how a group picked out of the table by itself sums them.

    Parameters
    ----------
    keys : sequence of numpy.ndarray
        Integer keys, one value per row of the table, the most significant first.
    mask : numpy.ndarray of bool, optional
        The rows to group; all rows by default.

    Examples
    --------
    >>> site = np.array([1, 0, 1, 0])
    >>> groups = RowGroups([site])
    >>> groups.key(site).tolist(), groups.members(0).tolist()
    ([0, 1], [1, 3])
    >>> groups.sums(np.array([0.5, 1.0, 2.0, 4.0])).tolist()
    [5.0, 2.5]
    """

    def __init__(self, keys: Sequence[np.ndarray], mask: np.ndarray | None = None):
        size = len(keys[0])
        selected = np.arange(size) if mask is None else np.flatnonzero(mask)
        order = np.lexsort((selected, *(key[selected] for key in reversed(keys))))
        self.rows = selected[order]
        """The grouped rows' positions in the table, group after group."""
        change = np.zeros(len(self.rows), dtype=bool)
        change[:1] = True
        for key in keys:
            ordered = key[self.rows]
            change[1:] |= ordered[1:] != ordered[:-1]
        self.starts = np.flatnonzero(change)
        """Where each group begins in :attr:`rows`."""
        self.stops = np.r_[self.starts[1:], len(self.rows)].astype(np.intp)
        """Where each group ends in :attr:`rows`."""

    def __len__(self) -> int:
        return len(self.starts)

    def key(self, values: np.ndarray) -> np.ndarray:
        """Each group's value of a per-row array: its first row's."""
        return values[self.rows[self.starts]]

    def members(self, group: int) -> np.ndarray:
        """The positions of a group's rows in the table, in table order."""
        return self.rows[self.starts[group] : self.stops[group]]

    def sums(
        self,
        values: np.ndarray,
        *,
        known: np.ndarray | None = None,
        mask: np.ndarray | None = None,
        missing: float = 0.0,
    ) -> np.ndarray:
        """Each group's sum of ``values`` over its rows in ``mask``, in table order.

        A group's sum is ``values[rows].sum()`` over those rows, bit for bit,
        except that a group of one such row gives that row's value itself and a
        group with none gives ``missing``.

        Parameters
        ----------
        values : numpy.ndarray of float
            One value per row of the table, unknown ones 0.
        known : numpy.ndarray of bool, optional
            Which values are known: a group with none known gives ``missing``.
        mask : numpy.ndarray of bool, optional
            The rows to add; all of each group's by default.
        missing : float
            The sum of a group with no row to add (or none known).

        Examples
        --------
        >>> groups = RowGroups([np.array([0, 0, 1])])
        >>> values = np.array([2.0, 3.0, 0.0])
        >>> groups.sums(values, known=np.array([True, True, False]), missing=np.nan).tolist()
        [5.0, nan]
        >>> groups.sums(values, mask=np.array([False, True, True]), missing=-1.0).tolist()
        [3.0, 0.0]
        """
        if not len(self.starts):
            return np.empty(0)
        picked = np.ones(len(self.rows), dtype=bool) if mask is None else mask[self.rows]
        ordered = values[self.rows]
        sums = group_sums(ordered, picked, self.starts, self.stops)
        count = np.add.reduceat(picked.astype(np.intp), self.starts)
        one = count == 1  # the row's own value, as a sum of one picked out by itself
        if one.any():
            last = np.maximum.reduceat(np.where(picked, np.arange(len(picked)), -1), self.starts)
            sums[one] = ordered[last[one]]
        if known is not None:
            count = np.add.reduceat((picked & known[self.rows]).astype(np.intp), self.starts)
        sums[count == 0] = missing
        return sums


def text_ranks(texts: np.ndarray) -> np.ndarray:
    """Texts as integer keys for :class:`RowGroups`: each text's rank in sorted order.

    Equal texts get equal ranks, and the ranks order the texts as ``sorted()`` does.

    Examples
    --------
    >>> text_ranks(np.array(["07", "01", "07", "12"], dtype=object)).tolist()
    [1, 0, 1, 2]
    """
    return np.unique(texts, return_inverse=True)[1].reshape(-1)
