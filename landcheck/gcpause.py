"""Python's cyclic garbage collector paused around a batch's per-site loops.

A batch of 10,000 sites builds hundreds of thousands of small objects (layer
views, findings, findings.json entries) that live as long as the result. Each
collection of the oldest generation walks all of them again, and the
collector runs the more often the more is allocated: at 10,000 sites it took
a third of the time of the rules. Those loops make no reference cycles worth
collecting on the way, so the collector is paused while they run and
restored afterwards, as it was, even when the loop fails.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector inside the block; restore its state after.

    Reference counting still frees everything that is not in a cycle; what
    is in one is collected once the collector runs again. Nested blocks and a
    collector the caller had already disabled are left as they were.

    Examples
    --------
    >>> import gc
    >>> with collector_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
