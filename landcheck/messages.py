"""Warnings for people: one way to raise them, one way to collect them.

Any module that has something to tell the user calls :func:`warn` with one
sentence. A tool call — :func:`landcheck.check` and its two halves
:func:`landcheck.prepare` and :func:`landcheck.evaluate`, the selection tools,
:func:`landcheck.io.convert.convert` — collects what is said while it runs
(:func:`collecting`) and hands it over in its result, where repeats are
summarised (:func:`summarise`): findings.json's ``warnings`` come from here.
Outside any tool call (a computing function called on its own) a warning is
a :class:`~landcheck.errors.LandcheckWarning` through Python's
:mod:`warnings` module, so it is shown, filtered or turned into an error like
any other.

The collector of the current call is a context variable: calls in two
threads keep their warnings apart. Engine worker processes compute
geometry only; everything that warns runs in the calling process.

A run over a big input can say the same thing thousands of times (a
1.3-million-point boundary TXT, a batch of sites with the same problem).
:func:`summarise` keeps each distinct warning once, in the order first seen:
identical warnings get ``(×N)``, and warnings that differ only in their
numbers (``line 12: …``, ``line 15: …``) keep the first few, the last of them
saying how many more there were.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from landcheck.errors import LandcheckWarning

__all__ = ["Collector", "collecting", "deferred", "summarise", "warn"]


class Collector:
    """The warnings of one tool call, in the order they were said.

    Examples
    --------
    >>> with collecting() as notes:
    ...     warn("layer 'a': no features")
    ...     warn("layer 'a': no features")
    >>> notes.messages, notes.summary()
    (["layer 'a': no features", "layer 'a': no features"], ["layer 'a': no features (×2)"])
    """

    def __init__(self) -> None:
        self.messages: list[str] = []

    def summary(self) -> list[str]:
        """The messages with repeats summarised (see :func:`summarise`)."""
        return summarise(self.messages)


_CURRENT: ContextVar[Collector | None] = ContextVar("landcheck_warnings", default=None)


def warn(message: str) -> None:
    """Tell the user something: to the current tool call, else as a LandcheckWarning.

    Parameters
    ----------
    message : str
        One sentence saying what was found, where, and what it means or how to fix it.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn("site S1 has no area after repair")
    >>> caught[0].category.__name__, str(caught[0].message)
    ('LandcheckWarning', 'site S1 has no area after repair')
    """
    collector = _CURRENT.get()
    if collector is None:
        warnings.warn(message, LandcheckWarning, stacklevel=2)
    else:
        collector.messages.append(message)


@contextmanager
def collecting() -> Iterator[Collector]:
    """Collect the warnings said inside the block (and not those of an enclosing block).

    A tool call opens one around its work; a call nested in it (a selection
    tool evaluating its candidates) collects its own, and the outer one
    decides what of the inner result's warnings it reports.
    """
    collector = Collector()
    token = _CURRENT.set(collector)
    try:
        yield collector
    finally:
        _CURRENT.reset(token)


@contextmanager
def deferred() -> Iterator[None]:
    """Say the warnings of the block once it completes; drop them if it raises.

    For a step whose notes mean something only when it succeeds: a layer that
    cannot be read is reported as unreadable, not with the notes of its
    half-done read.

    Examples
    --------
    >>> with collecting() as notes:
    ...     with deferred():
    ...         warn("layer 'a': 2 invalid geometries repaired")
    ...     try:
    ...         with deferred():
    ...             warn("layer 'b': declares no CRS")
    ...             raise ValueError("unreadable")
    ...     except ValueError:
    ...         pass
    >>> notes.messages
    ["layer 'a': 2 invalid geometries repaired"]
    """
    with collecting() as notes:
        yield
    for message in notes.messages:
        warn(message)


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")

KEEP = 3
"""Warnings kept of a group that differs only in numbers."""


def _shape(message: str) -> str:
    """The message with every number replaced by ``#``."""
    return _NUMBER.sub("#", message)


def summarise(messages: Iterable[str], *, keep: int = KEEP) -> list[str]:
    """Summarise repeated warnings, keeping the order in which they first appear.

    Parameters
    ----------
    messages : iterable of str
        The warnings, in order.
    keep : int
        How many warnings of a group that differs only in numbers to keep.

    Returns
    -------
    list of str
        Each identical warning once, with ``(×N)`` when it came N times; of
        warnings that differ only in their numbers, the first ``keep``, the
        last of them ending ``(and N more like this)``.

    Examples
    --------
    >>> summarise(["layer 'a': no features", "layer 'a': no features", "done"])
    ["layer 'a': no features (×2)", 'done']
    >>> for line in summarise([f"line {n}: point dropped" for n in range(10, 20)]):
    ...     print(line)
    line 10: point dropped
    line 11: point dropped
    line 12: point dropped (and 7 more like this)
    """
    groups: dict[str, dict[str, int]] = {}
    for message in messages:
        variants = groups.setdefault(_shape(message), {})
        variants[message] = variants.get(message, 0) + 1
    out: list[str] = []
    for variants in groups.values():
        shown = list(variants.items())[: max(1, keep)]
        lines = [text if count == 1 else f"{text} (×{count:,})" for text, count in shown]
        rest = sum(variants.values()) - sum(count for _, count in shown)
        if rest:
            lines[-1] += f" (and {rest:,} more like this)"
        out.extend(lines)
    return out
