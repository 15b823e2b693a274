"""What landcheck asks of a CRS object, answered once per object.

PROJ answers each question (its WKT, its EPSG code, its geodetic CRS) in about
0.1 ms, and hashing a CRS writes its WKT again; a one-site check asks the same
few CRS objects the same questions some sixty times, a tenth of its time. A CRS
is immutable, so :func:`per_crs` remembers a function's answer for each object
it was asked about (by identity, the object kept alive with its answer: its
``id`` cannot be reused meanwhile), and :func:`crs_key` is the key to use in
caches instead of the CRS itself. :func:`same_crs` does not ask PROJ whether
a CRS equals itself (the objects compared are most often one).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from pyproj import CRS

__all__ = ["crs_key", "per_crs", "same_crs"]

_T = TypeVar("_T")

_REMEMBERED: OrderedDict[tuple[int, str], tuple[CRS, Any]] = OrderedDict()
"""``(id(crs), function) → (crs, answer)``, the most recently asked last."""

_MOST = 256
"""Answers kept; the least recently asked is forgotten first."""

_LOCK = threading.Lock()


def per_crs(function: Callable[[CRS], _T]) -> Callable[[CRS], _T]:
    """``function(crs)`` remembered for each CRS object; anything else is passed on as is.

    Examples
    --------
    >>> asked = []
    >>> @per_crs
    ... def code(crs):
    ...     asked.append(crs)
    ...     return crs.to_epsg()
    >>> gk35 = CRS.from_epsg(4523)
    >>> code(gk35), code(gk35), len(asked)
    (4523, 4523, 1)
    """
    name = f"{function.__module__}.{function.__qualname__}"

    @wraps(function)
    def remembered(crs: CRS) -> _T:
        if not isinstance(crs, CRS):
            return function(crs)
        key = (id(crs), name)
        with _LOCK:
            found = _REMEMBERED.get(key)
            if found is not None:
                _REMEMBERED.move_to_end(key)
                return found[1]
        answer = function(crs)
        with _LOCK:
            _REMEMBERED[key] = (crs, answer)
            while len(_REMEMBERED) > _MOST:
                _REMEMBERED.popitem(last=False)
        return answer

    return remembered


@per_crs
def crs_key(crs: CRS) -> str:
    """The CRS's WKT: what identifies it in a cache, written once per CRS object.

    Examples
    --------
    >>> crs_key(CRS.from_epsg(4523)).startswith("PROJCRS")
    True
    """
    return crs.to_wkt()


def same_crs(crs: CRS, other: Any) -> bool:
    """``crs.equals(other)``: True at once when they are one object, else as PROJ says.

    Examples
    --------
    >>> gk35 = CRS.from_epsg(4523)
    >>> same_crs(gk35, gk35), same_crs(gk35, "EPSG:4523"), same_crs(gk35, CRS.from_epsg(4544))
    (True, True, False)
    """
    return crs is other or crs.equals(other)
