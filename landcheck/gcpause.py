"""Python's cyclic garbage collector paused around a batch's per-site work.

A batch of 10,000 sites builds millions of small objects (the layers' texts,
layer views, findings, findings.json entries, the reviewer's tables' rows) that
live as long as the result. Each collection of the oldest generation walks all
of them again, and the collector runs the more often the more is allocated: at
10,000 sites it took a third of the time of the rules, and 0.8 s of the
land-class table's 2 s. A check, findings.json's entries and the tables make no
reference cycles worth collecting on the way (none is left to collect after a
10,000-site check), so the collector is paused while they run and restored
afterwards, as it was, even when they fail.

What was made while it was paused is then in the youngest generation, and
the first collections after it would walk all of it twice (the youngest
generation, then the middle one: 0.2 and 0.3 s after a 10,000-site check)
only to find it alive. It is moved to the oldest generation instead, where
the full collections look at it as they look at everything else
(:func:`_promote_young`).

Processes forked to write a report share the caller's objects; the
collector's pass over the oldest generation there would walk all of them
again, in each process, and write to every page it walks (copying it).
While they run, the objects made before they fork are frozen
(:func:`collector_frozen`): left out of every pass, until the outermost
block ends.
"""

from __future__ import annotations

import atexit
import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = [
    "collector_frozen",
    "collector_paused",
    "left_to_the_system",
    "no_collections_at_exit",
    "results_left_to_the_system",
]

_LOCK = threading.Lock()
_OPEN = [0, False]
"""How many :func:`collector_frozen` blocks are open, and whether they froze (the
outermost one decides, and unfreezes)."""

_LEAVING = [False]
"""Whether :func:`left_to_the_system` leaves what it is given (inside
:func:`results_left_to_the_system`)."""


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector inside the block; restore its state after.

    Reference counting still frees everything that is not in a cycle; what
    is in one is collected once the collector runs again. When the collector
    is turned back on, the objects it tracks are moved to its oldest
    generation (:func:`_promote_young`), unless some are frozen. Nested
    blocks and a collector the caller had already disabled are left as they
    were.

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
            _promote_young()
            gc.enable()


def _promote_young() -> None:
    """Move every object the collector tracks to its oldest generation, without a pass.

    ``gc.freeze()`` moves the objects of every generation to the permanent
    one and ``gc.unfreeze()`` moves them all to the oldest: two list splices,
    no object visited. Nothing is collected or kept alive by it; a cycle
    made in the block is collected by the next full collection instead of a
    young one. Objects frozen by the caller or by :func:`collector_frozen`
    must stay frozen, so nothing is moved while any are.
    """
    with _LOCK:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()


@contextmanager
def collector_frozen() -> Iterator[None]:
    """Leave the objects made so far out of the cyclic collector's passes inside the block.

    :func:`gc.freeze` on entering (again in a nested block, for the objects
    made since); the outermost block's end returns them all to the oldest
    generation (:func:`gc.unfreeze`), where a cycle among them is collected as
    before. Processes forked inside the block inherit the frozen objects. A
    caller that froze objects itself keeps them frozen: then nothing is
    frozen or unfrozen here.

    Examples
    --------
    >>> import gc
    >>> with collector_frozen():
    ...     gc.get_freeze_count() > 0
    True
    >>> gc.get_freeze_count()
    0
    """
    with _LOCK:
        if not _OPEN[0]:
            # objects the caller froze itself stay as it left them: unfreezing ours would
            # unfreeze them too, so nothing is frozen here then
            _OPEN[1] = gc.get_freeze_count() == 0
        _OPEN[0] += 1
        if _OPEN[1]:
            gc.freeze()
    try:
        yield
    finally:
        with _LOCK:
            _OPEN[0] -= 1
            if not _OPEN[0] and _OPEN[1]:
                gc.unfreeze()


def no_collections_at_exit() -> None:
    """Leave what the process still holds out of the collections that end the interpreter.

    A program's start calls it (the ``landcheck`` command does); a library
    call leaves the collector alone. When the process exits, after every
    other exit handler registered since (``atexit`` runs them last-in,
    first-out), everything tracked is frozen (``gc.freeze``): the
    interpreter's closing collections, each a walk over every object still
    alive (the libraries' modules, a batch's caches), find nothing to walk,
    and the operating system takes the memory back as it does anyway. Objects
    are still freed as their modules are cleared; only a finalizer of
    something caught in a reference cycle at exit is not run, and the
    command has closed every file it wrote before then. The exit of a
    500-site command took 0.21 s after its last report file, 0.06 s so.
    """
    atexit.register(gc.freeze)


@contextmanager
def results_left_to_the_system() -> Iterator[None]:
    """Inside the block, :func:`left_to_the_system` leaves its value to the operating system.

    A program's entry point wraps its whole run in it (the ``landcheck``
    command's ``main`` does): outside it, a command run in a library's process
    (a test's runner, a notebook) frees its result as usual.
    """
    _LEAVING[0] = True
    try:
        yield
    finally:
        _LEAVING[0] = False


def left_to_the_system(value: object) -> None:
    """Never free ``value``: the operating system takes its memory back when the process ends.

    For a program's last result, once its files are written and closed (a
    command's, :func:`landcheck.cli.run.finish`): with a 10,000-site result
    freed object by object, 0.22–0.24 s passed between the command's last line
    and its end; 0.10–0.12 s so.
    It is then held by a reference cycle of its own, and every object tracked
    is frozen (``gc.freeze``): no collection frees it either. Nothing it holds
    is finalized, so only what needs nothing done at its end may be left so.
    Outside :func:`results_left_to_the_system`, nothing is done.
    """
    if not _LEAVING[0]:
        return
    holder: list[object] = [value]
    holder.append(holder)
    gc.freeze()
