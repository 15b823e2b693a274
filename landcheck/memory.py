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
"""

from __future__ import annotations

import ctypes
import sys
from functools import cache
from typing import Any

__all__ = ["release_free_memory"]


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
