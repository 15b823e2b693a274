"""Which of a review layer's overlapping features counts where they overlap: the strictest.

Within a layer, ground two features share is counted once, under the earlier
feature (:mod:`landcheck.overlay`). A review layer often draws its zones nested:
a 建设控制地带 as a full polygon around its 保护范围, a grade Ⅲ forest compartment
holding a grade Ⅰ patch. In file order the broad zone could take the strict
one's ground, and a site 3,000 m² inside a 保护范围 read "保护范围 0.0000 公顷" and
a conditional. So a review layer's features are put in order of strictness
before the overlay (:func:`strictest_first`): the shared ground is the strictest
class's, a class the check does not recognise right after the strictest (it may
be as strict, so it is not hidden under a lenient one), ties in file order.

Planning zones overlap the same way (a 0401 城镇集中建设区 drawn over a 0502 一般农业区),
and their order decided the verdict: their features are put in order by their code
table (:func:`zone_rank`): a conflict, then a zone needing adjustment, then one whose
conformity is not known (a code the table does not know, a level-1 zone), then one
that conforms; among those alike, a zone that is not planned construction land before
one whose status is not known, before one that is. Shared ground so counts as the
stricter zone, for conformity and for 单独选址.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np
import pandas as pd

import landcheck.rules  # noqa: F401  (first: the rules' registry loads the review modules)
from landcheck.classify import CodeTable
from landcheck.review.common import matches
from landcheck.review.forest import forest_grade, is_national_public
from landcheck.review.geohazard import HIGH, SUSCEPTIBLE, UNSUSCEPTIBLE
from landcheck.review.grassland import NO as GRASS_NO
from landcheck.review.grassland import YES as GRASS_YES
from landcheck.review.heritage import BURIAL_ZONES, CONTROL_ZONES, PROTECTION_ZONES
from landcheck.review.illegal_land import dealt_with
from landcheck.review.minerals import is_strategic
from landcheck.review.protected_areas import GENERAL_ZONES, TRIAL_ZONES
from landcheck.review.wetland import NATIONAL, OTHER_LEVELS

__all__ = ["ORDERED_KINDS", "strictest_first", "zone_rank"]

_UNKNOWN = 1
"""The rank of a class not recognised: after the strictest, before the rest."""


def _forest(grade: str, level: str) -> tuple[int, int]:
    number = forest_grade(grade)
    first = 0 if number == 1 else _UNKNOWN if number is None else number
    return first, 0 if is_national_public(level) else 1


def _wetland(level: str) -> int:
    return 0 if matches(level, NATIONAL) else 2 if matches(level, OTHER_LEVELS) else _UNKNOWN


def _grassland(flag: str) -> int:
    return 0 if matches(flag, GRASS_YES) else 2 if matches(flag, GRASS_NO) else _UNKNOWN


def _minerals(flag: str, mineral: str) -> int:
    strategic = is_strategic(flag, mineral)
    return 0 if strategic else _UNKNOWN if strategic is None else 2


def _heritage(zone: str) -> int:
    for rank, zones in ((0, PROTECTION_ZONES), (2, CONTROL_ZONES), (3, BURIAL_ZONES)):
        if matches(zone, zones):
            return rank
    return _UNKNOWN


def _protected_area(zone: str) -> int:
    # core zones are the rule's parameter: every zone not known to be lenient comes first
    return 2 if matches(zone, (*GENERAL_ZONES, *TRIAL_ZONES)) else 0


def _illegal_land(status: str) -> int:
    # a status not plainly dealt with is taken as not dealt with: it comes first
    return 2 if dealt_with(status) else 0


def _geohazard(grade: str) -> int:
    if matches(grade, HIGH):
        return 0
    if matches(grade, UNSUSCEPTIBLE):
        return 4
    if matches(grade, SUSCEPTIBLE):
        return 2 if "中" in grade else 3
    return _UNKNOWN


_RANKS: dict[str, tuple[tuple[str, ...], Callable[..., int | tuple[int, int]]]] = {
    "forest": (("_grade", "_level"), _forest),
    "wetland": (("_grade",), _wetland),
    "grassland": (("_flag",), _grassland),
    "mineral_rights": (("_flag", "_mineral"), _minerals),
    "heritage": (("_zone",), _heritage),
    "protected_area": (("_zone",), _protected_area),
    "geohazard_zone": (("_grade",), _geohazard),
    "illegal_land": (("_status",), _illegal_land),
}
"""Layer kind → the review columns its strictness reads, and the rank of their values."""

_CONFORMITY_RANKS = {"conflict": 0, "needs_adjustment": 1, "conforms": 3}
"""A planning zone's conformity → its rank; any other value (not known) ranks 2."""

_PLANNED_RANKS = {"no": 0, "yes": 2}
"""A planning zone's ``planned_construction`` → its rank; any other value (not known) ranks 1."""

ORDERED_KINDS = frozenset({*_RANKS, "planning_zone"})
"""The layer kinds whose features are put strictest first."""


def zone_rank(code: object, table: CodeTable) -> tuple[int, int]:
    """The strictness of a planning zone's code: lower is stricter.

    Parameters
    ----------
    code : object
        The feature's zone code as read.
    table : CodeTable
        The layer's code table (``conformity``, ``planned_construction``).

    Returns
    -------
    tuple of int
        The rank of its conformity (conflict 0, needs adjustment 1, not known 2,
        conforms 3), then of its planned construction land (no 0, not known 1, yes 2).

    Examples
    --------
    >>> from landcheck.classify import load_code_table
    >>> table = load_code_table("planning-zones-2020")
    >>> [zone_rank(c, table) for c in ("01", "0502", "04", "9999", "07", "0401")]
    [(0, 0), (1, 0), (2, 1), (2, 1), (2, 0), (3, 2)]
    """
    resolved = table.resolve(code)
    if resolved is None:
        return 2, 1
    conformity = table.value(resolved, "conformity", "conforms")
    planned = table.value(resolved, "planned_construction", "no")
    return _CONFORMITY_RANKS.get(conformity, 2), _PLANNED_RANKS.get(planned, 1)


def _ranks_of(
    kind: str, table: CodeTable | None
) -> tuple[tuple[str, ...], Callable[..., int | tuple[int, int]]] | None:
    """The columns a layer kind's order reads and the rank of their values (None: no order)."""
    if kind == "planning_zone":
        return None if table is None else (("_code",), partial(zone_rank, table=table))
    return _RANKS.get(kind)


def strictest_first(
    kind: str, features: pd.DataFrame, table: CodeTable | None = None
) -> np.ndarray | None:
    """The order that puts a layer's strictest features first, ties in file order.

    Parameters
    ----------
    kind : str
        The layer's kind.
    features : DataFrame
        Its normalised features (review columns ``_grade``, ``_zone``…; a planning
        zone's ``_code``).
    table : CodeTable, optional
        A planning-zone layer's code table (:func:`zone_rank`); without it such a
        layer has no order.

    Returns
    -------
    ndarray of int or None
        Row positions in their new order; None when the kind has no order, the
        layer maps none of the columns its order reads, or the rows are in order.

    Examples
    --------
    >>> rows = pd.DataFrame({"_zone": ["建设控制地带", "保护范围", "地下文物埋藏区", "保护范围"]})
    >>> strictest_first("heritage", rows).tolist()
    [1, 3, 0, 2]
    >>> strictest_first("heritage", rows.iloc[[1, 0]]) is None  # already in order
    True
    """
    known = _ranks_of(kind, table)
    if known is None or len(features) < 2:
        return None
    columns, rank = known
    if not any(column in features for column in columns):
        return None
    values = [
        features[c].to_numpy(dtype=object) if c in features else np.full(len(features), "")
        for c in columns
    ]
    ranks: dict[tuple[str, ...], int | tuple[int, int]] = {}
    keys = []
    for row in zip(*(v.tolist() for v in values), strict=True):
        texts = tuple("" if value is None else str(value) for value in row)
        if texts not in ranks:
            ranks[texts] = rank(*texts)
        keys.append(ranks[texts])
    order = np.array(sorted(range(len(keys)), key=keys.__getitem__), dtype=np.int64)
    if (order == np.arange(len(order))).all():
        return None
    return order
