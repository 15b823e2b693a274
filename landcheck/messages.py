"""Warnings for people: repeated ones summarised with a count.

A run over a big input can say the same thing thousands of times (a
1.3-million-point boundary TXT, a batch of sites with the same problem).
:func:`summarise` keeps each distinct warning once, in the order first seen:
identical warnings get ``(×N)``, and warnings that differ only in their
numbers (``line 12: …``, ``line 15: …``) keep the first few, the last of them
saying how many more there were.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["summarise"]

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
