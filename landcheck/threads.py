"""Array calls that release the GIL, run in chunks on threads of this process.

shapely's predicates, validity test and tree queries let go of Python's GIL
while GEOS works, so a large array cut into one chunk a core is tested on
every core the process may use. A check reads the land-use survey while its
worker processes still wait for their first sites: the second core is idle
then, and the survey's tests are the longest of the read.

Only what gives the same answer in chunks is split: an elementwise result,
or a tree query's hits, their positions shifted back by the chunk's start.
A process forked from this one (a report writer) makes its own threads.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

__all__ = ["CHUNKED_FROM", "chunked", "usable_cores"]

T = TypeVar("T")

CHUNKED_FROM = 4_096
"""Fewest items worth splitting: below this, one call (a thread's hand-off costs more)."""

_THREAD_NAME = "landcheck-chunk"
_POOL: list[ThreadPoolExecutor] = []
_POOL_LOCK = threading.Lock()


def usable_cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _pool(threads: int) -> ThreadPoolExecutor:
    with _POOL_LOCK:
        if not _POOL:
            _POOL.append(ThreadPoolExecutor(threads, thread_name_prefix=_THREAD_NAME))
        return _POOL[0]


def _forget_pool() -> None:
    """In a forked child: the parent's threads are not there, so neither is its pool."""
    global _POOL_LOCK
    _POOL_LOCK = threading.Lock()  # a parent's thread may have held it at the fork
    _POOL.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


def chunked(call: Callable[[slice], T], count: int, *, at_least: int | None = None) -> list[T]:
    """``call`` of consecutive slices covering ``range(count)``, one a core, in order.

    The calling thread computes the first slice while threads compute the
    others; ``call`` must release the GIL to gain anything and must be safe
    to run on different slices at once (shapely's array functions and tree
    queries are). Fewer than ``at_least`` items (default
    :data:`CHUNKED_FROM`), one core, or a call from one of the threads
    (it would wait for its own pool): one call of the whole range.

    Parameters
    ----------
    call : callable
        Takes a ``slice`` of positions and returns its part of the answer.
    count : int
        The number of positions.
    at_least : int, optional
        Split only from this many positions on, into slices of at least
        half of it (default :data:`CHUNKED_FROM`).

    Returns
    -------
    list
        The slices' results, in position order (one item when not split).

    Examples
    --------
    >>> import numpy as np
    >>> values = np.arange(10)
    >>> parts = chunked(lambda part: values[part] * 2, len(values), at_least=4)
    >>> np.concatenate(parts).tolist()
    [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]
    """
    at_least = CHUNKED_FROM if at_least is None else at_least
    cores = usable_cores()
    if count < at_least or cores < 2 or threading.current_thread().name.startswith(_THREAD_NAME):
        return [call(slice(0, count))]
    parts = min(cores, max(1, count // max(1, at_least // 2)))
    bounds = [count * k // parts for k in range(parts + 1)]
    slices = [slice(start, stop) for start, stop in itertools.pairwise(bounds)]
    pool = _pool(cores - 1)
    futures = [pool.submit(call, part) for part in slices[1:]]
    try:
        first = call(slices[0])
    finally:  # a failure here must not leave the others running on the caller's arrays
        rest = [future.result() for future in futures]
    return [first, *rest]
