"""Freed heap memory handed back to the operating system between a batch's layers.

Reading, normalising and cutting a layer allocates and frees hundreds of
megabytes of small blocks (GDAL's rows, GEOS geometries, numpy and pandas
buffers). glibc's allocator keeps most of what is freed inside its heap,
ready for reuse, so a process's resident memory stays at its high-water mark
even once the layer is measured and its features dropped; the views and
findings made afterwards are then added on top of it. ``malloc_trim(0)``
returns the free pages of every arena to the system (the heap's top and the
unused pages inside it), so the next layer and the per-site results start
from what is really in use.

The ``landcheck`` command also has pyarrow allocate from the C heap rather than
from its bundled mimalloc (:func:`use_system_arrow_pool`): mimalloc keeps the
pages its threads' heaps once held, 40-50 MB at the peak of a 10,000-site
batch, where glibc's are trimmed with the rest.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from functools import cache
from typing import Any

__all__ = [
    "ARROW_POOL_VARIABLE",
    "HEAP_THRESHOLDS",
    "arrow_pool_on_c_heap",
    "keep_freed_heap",
    "release_free_memory",
    "return_freed_heap_early",
    "use_system_arrow_pool",
]

ARROW_POOL_VARIABLE = "ARROW_DEFAULT_MEMORY_POOL"
"""pyarrow's environment variable naming its default allocator (system, mimalloc, jemalloc)."""


@cache
def _c_library() -> Any:
    """The C library already loaded in the process (the symbols of the executable).

    Looked up once: a check trims after each of its profile's layers, and ``CDLL``
    costs more than the trim of a small layer.
    """
    return ctypes.CDLL(None)


def release_free_memory() -> bool:
    """Give the C heap's free pages back to the operating system.

    Calls glibc's ``malloc_trim(0)`` on Linux. Elsewhere (macOS, Windows) or
    with a C library that has no ``malloc_trim`` (musl) nothing is done: those
    allocators return memory on their own terms, and the call is only worth
    making where the allocator would otherwise keep it. Nothing in use is
    moved or freed; only pages no block occupies are released, so the cost
    is a walk over the free lists (milliseconds after a large layer).

    Returns
    -------
    bool
        Whether memory was given back (``False`` also where there is no
        ``malloc_trim`` to call).

    Examples
    --------
    >>> isinstance(release_free_memory(), bool)
    True
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        trim = _c_library().malloc_trim
    except (OSError, AttributeError):  # no C library to load, or not glibc
        return False
    return bool(trim(ctypes.c_size_t(0)))  # int malloc_trim(size_t pad)


HEAP_THRESHOLDS = {"MALLOC_MMAP_THRESHOLD_": 4 << 20, "MALLOC_TRIM_THRESHOLD_": 2 << 20}
"""glibc's thresholds as :func:`return_freed_heap_early` sets them, by the variables naming them:
a block of 4 MiB or more is mapped on its own, and a heap gives its free top back from 2 MiB."""

KEPT_HEAP_THRESHOLDS = {"MALLOC_MMAP_THRESHOLD_": 32 << 20, "MALLOC_TRIM_THRESHOLD_": 256 << 20}
"""glibc's thresholds as :func:`keep_freed_heap` sets them: a block is mapped on its own only
from 32 MiB (the most ``mallopt`` takes, and where glibc's own adjustment stops), and a heap
keeps up to 256 MiB free at its top."""

_MALLOPT_PARAMETERS = {"MALLOC_TRIM_THRESHOLD_": -1, "MALLOC_MMAP_THRESHOLD_": -3}
"""glibc's ``mallopt`` numbers for the thresholds (``M_TRIM_THRESHOLD``, ``M_MMAP_THRESHOLD``)."""


_RETURNED_EARLY = [False]
"""Whether :func:`return_freed_heap_early` set this process's thresholds."""


def return_freed_heap_early(environ: Mapping[str, str] = os.environ) -> bool:
    """Have glibc give freed heap memory back as it is freed, not keep it for later.

    By default glibc raises its thresholds as a process frees large blocks: a
    block up to 32 MiB then comes from the heap rather than a mapping of its
    own, and a heap keeps up to twice that free at its top. A batch's layers
    and per-site results are made of such blocks, freed in another order than
    made; the heaps of the threads that made them keep their free tops
    (:func:`release_free_memory` trims only the main heap's), and the forked
    processes that follow touch and copy those pages. Fixed thresholds
    (:data:`HEAP_THRESHOLDS`) hand them back at once. Measured on a
    10,000-site batch against the province benchmark (``landcheck check …
    -f json``, three pairs): the peak of the command and its processes
    641-648 MB instead of 708-717 MB, at the same speed.

    Meant for a program's start (the ``landcheck`` command calls it): the
    thresholds are the whole process's, so a library call leaves them
    alone. A threshold named in the environment (``MALLOC_MMAP_THRESHOLD_``,
    ``MALLOC_TRIM_THRESHOLD_``, or ``glibc.malloc.mmap_threshold`` or
    ``glibc.malloc.trim_threshold`` in ``GLIBC_TUNABLES``) is the user's
    choice: then nothing is set.

    Parameters
    ----------
    environ : Mapping of str to str, default ``os.environ``
        The environment to look for a threshold chosen already.

    Returns
    -------
    bool
        Whether the thresholds were set (``False`` without glibc, off Linux, or
        when the environment chose them).

    Examples
    --------
    >>> return_freed_heap_early({"MALLOC_TRIM_THRESHOLD_": "131072"})  # the user's choice
    False
    """
    if not sys.platform.startswith("linux") or _thresholds_chosen(environ):
        return False
    _RETURNED_EARLY[0] = _set_thresholds(HEAP_THRESHOLDS)
    return _RETURNED_EARLY[0]


def keep_freed_heap() -> bool:
    """Undo :func:`return_freed_heap_early` in a short-lived forked process: keep what it frees.

    A forked worker that writes report files (the site pages and their maps,
    a whole writer beside the others) makes and frees the same few megabytes
    again and again. With the thresholds of :func:`return_freed_heap_early`,
    each time the freed top of its heap goes back to the system (from 2 MiB)
    and each block of 4 MiB or more is a mapping of its own, unmapped when
    freed, so the next ones fault their pages in afresh. Measured on the maps
    of 250 of the quick county's sites in a forked process: 29,600 page
    faults instead of 9,600, and 21,000 instead of 8 when drawn again. Such a
    process lives for seconds and hands everything back when it ends, so it
    takes :data:`KEPT_HEAP_THRESHOLDS` instead.

    Nothing is done where :func:`return_freed_heap_early` did nothing (a library call, the
    user's own thresholds, no glibc): glibc's own thresholds already adapt.

    Returns
    -------
    bool
        Whether the thresholds were set.

    Examples
    --------
    >>> keep_freed_heap()  # nothing to undo in a process that did not return heap early
    False
    """
    if not _RETURNED_EARLY[0]:
        return False
    _RETURNED_EARLY[0] = False
    return _set_thresholds(KEPT_HEAP_THRESHOLDS)


def _set_thresholds(thresholds: Mapping[str, int]) -> bool:
    """Set glibc's thresholds named by their variables (``mallopt``); whether glibc took them."""
    try:
        mallopt = _c_library().mallopt
    except (OSError, AttributeError):  # no C library to load, or not glibc
        return False
    return all(
        mallopt(ctypes.c_int(_MALLOPT_PARAMETERS[name]), ctypes.c_int(value)) == 1
        for name, value in thresholds.items()
    )


_TUNABLES = ("glibc.malloc.mmap_threshold", "glibc.malloc.trim_threshold")
"""The names of the thresholds among ``GLIBC_TUNABLES``' ``name=value`` pairs."""


def _thresholds_chosen(environ: Mapping[str, str]) -> bool:
    """Whether the environment names either threshold (its own variable, or a tunable)."""
    if any(name in environ for name in HEAP_THRESHOLDS):
        return True
    tunables = environ.get("GLIBC_TUNABLES", "")
    return any(pair.split("=", 1)[0].strip() in _TUNABLES for pair in tunables.split(":"))


def use_system_arrow_pool(environ: MutableMapping[str, str] = os.environ) -> str:
    """Have pyarrow allocate from the C heap, unless its allocator was chosen already.

    pyarrow's wheels allocate from their own mimalloc by default. Its thread
    heaps keep the pages they once held after the buffers are freed, out of
    reach of :func:`release_free_memory`; the C heap's are trimmed with the
    rest. Measured on a 10,000-site batch against the province benchmark
    (``landcheck check … -f json``, three pairs): a peak of 562-571 MB instead
    of 613-618 MB, at the same speed.

    Meant for a program's start (the ``landcheck`` command calls it): the pool
    is pyarrow's global default, so a library call leaves it alone. A choice
    made in ``ARROW_DEFAULT_MEMORY_POOL`` is kept: pyarrow already follows it.
    Before pyarrow is imported the choice is made by setting that variable in
    ``environ``, which pyarrow reads at its first allocation: the command's start
    does not import pyarrow (a tenth of a second) before it has parsed its options
    and started hashing its inputs.

    Parameters
    ----------
    environ : MutableMapping of str to str, default ``os.environ``
        The environment to look for ``ARROW_DEFAULT_MEMORY_POOL`` in, and to set
        it in when pyarrow is not imported yet.

    Returns
    -------
    str
        The backend of pyarrow's default pool afterwards, or the one it will take
        (``"system"`` unless the variable named another).

    Examples
    --------
    >>> import pyarrow as pa
    >>> before = pa.default_memory_pool()
    >>> use_system_arrow_pool({})
    'system'
    >>> pa.set_memory_pool(before)
    """
    if "pyarrow" not in sys.modules:
        return environ.setdefault(ARROW_POOL_VARIABLE, "system")
    import pyarrow

    if ARROW_POOL_VARIABLE not in environ:
        pyarrow.set_memory_pool(pyarrow.system_memory_pool())
    return pyarrow.default_memory_pool().backend_name


class _PoolSwitch:
    """The calls inside :func:`arrow_pool_on_c_heap`, and the pool to restore after the last."""

    lock = threading.Lock()
    inside = 0
    before: Any = None


@contextmanager
def arrow_pool_on_c_heap(environ: MutableMapping[str, str] = os.environ) -> Iterator[None]:
    """Within the block, pyarrow allocates from the C heap; after it, as before.

    A check makes and frees pandas' text columns (Arrow arrays since pandas 3)
    by the hundred thousand; from mimalloc, pyarrow's default, the pages they
    freed stay with the process (about 26 MB at the end of a 10,000-site check
    against the province benchmark: 675 against 649 MB). Each evaluation runs
    inside this block, so a notebook gets the command's allocator for a
    check's own work and keeps its own outside it. Nothing changes when
    ``ARROW_DEFAULT_MEMORY_POOL`` names an allocator, or when the pool is the C
    heap's already. Buffers made inside the block are freed by their own pool
    wherever that happens. Calls may overlap (threads): the pool before the
    first is restored when the last ends.

    Parameters
    ----------
    environ : MutableMapping of str to str, default ``os.environ``
        The environment to look for ``ARROW_DEFAULT_MEMORY_POOL`` in.

    Examples
    --------
    >>> import pyarrow as pa
    >>> before = pa.default_memory_pool().backend_name
    >>> with arrow_pool_on_c_heap({}):
    ...     pa.default_memory_pool().backend_name
    'system'
    >>> pa.default_memory_pool().backend_name == before
    True
    """
    if ARROW_POOL_VARIABLE in environ:
        yield
        return
    import pyarrow

    with _PoolSwitch.lock:
        if _PoolSwitch.inside == 0:
            before = pyarrow.default_memory_pool()
            _PoolSwitch.before = None if before.backend_name == "system" else before
            if _PoolSwitch.before is not None:
                pyarrow.set_memory_pool(pyarrow.system_memory_pool())
        _PoolSwitch.inside += 1
    try:
        yield
    finally:
        with _PoolSwitch.lock:
            _PoolSwitch.inside -= 1
            if _PoolSwitch.inside == 0 and _PoolSwitch.before is not None:
                pyarrow.set_memory_pool(_PoolSwitch.before)
                _PoolSwitch.before = None
