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
from collections.abc import Callable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

__all__ = ["BLAS_THREADS_VARIABLE", "CHUNKED_FROM", "chunked", "one_blas_thread", "usable_cores"]

T = TypeVar("T")

CHUNKED_FROM = 4_096
"""Fewest items worth splitting: below this, one call (a thread's hand-off costs more)."""

_THREAD_NAME = "landcheck-chunk"
_POOL: list[ThreadPoolExecutor] = []
_POOL_LOCK = threading.Lock()


BLAS_THREADS_VARIABLE = "OPENBLAS_NUM_THREADS"
"""The variable OpenBLAS (numpy's and scipy's wheels) reads its thread count from when it loads."""


def one_blas_thread(environ: MutableMapping[str, str] = os.environ) -> str:
    """Have OpenBLAS load with one thread, unless its thread count was chosen already.

    numpy's wheels bring OpenBLAS, which starts a thread a core when it loads;
    the threads then wait for work by spinning, about a tenth of a second of
    CPU each before they sleep. landcheck never hands it work worth a
    thread (a few small products in the ellipsoidal areas); its parallelism is
    its processes. So every process that loads numpy spent that time for
    nothing: the command's at its start, and its workers' forkserver while
    the first layers are read, both when the second core has work of its own.
    Measured with ``perf record`` on the quick county's 500 sites (``-f
    json``): 0.15 s of CPU in ``blas_thread_server``, none with one thread.

    Meant for a program's start, before numpy is imported (the ``landcheck``
    command's package calls it first); processes started later, the
    forkserver among them, inherit the variable. A value already set is the
    user's choice and is kept.

    Parameters
    ----------
    environ : MutableMapping of str to str, default ``os.environ``
        The environment to set :data:`BLAS_THREADS_VARIABLE` in.

    Returns
    -------
    str
        The variable's value afterwards.

    Examples
    --------
    >>> one_blas_thread({})
    '1'
    >>> one_blas_thread({"OPENBLAS_NUM_THREADS": "4"})
    '4'
    """
    return environ.setdefault(BLAS_THREADS_VARIABLE, "1")


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
