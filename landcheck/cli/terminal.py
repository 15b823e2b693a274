r"""What reaches the terminal: text from the inputs with its control characters shown, not obeyed.

Site ids, names, field names and values, paths and the profile's words reach
the terminal in the closing table, the warnings, the errors and ``inspect``.
A terminal obeys the control characters among them: ``ESC [2J`` clears the
screen, ``CR`` goes back to the start of the line to write over it, ``ESC ]8``
makes a hyperlink, and the bidirectional overrides (``U+202E``…) reorder what
follows. A site file could so make a prohibited site read ``not_involved`` on
a reviewer's screen. :func:`terminal_text` writes each such character as its
escape (``\x1b``, ``\r``, ``\u202e``); tabs and line breaks stay.
"""

from __future__ import annotations

import logging
import re

__all__ = ["TerminalFormatter", "terminal_text"]

_OBEYED = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
"""C0 and C1 control characters but the tab and the line feed, DEL, and the characters that
reorder or break the text they stand in (bidirectional marks, embeddings, overrides and
isolates; the line and paragraph separators)."""


def terminal_text(text: str) -> str:
    r"""``text`` with every character a terminal would obey written as its escape.

    Examples
    --------
    >>> terminal_text("S1\x1b[2J\rnot_involved\tok\n")
    'S1\\x1b[2J\\rnot_involved\tok\n'
    >>> terminal_text("工业园\u202egnp.exe")
    '工业园\\u202egnp.exe'
    """
    return _OBEYED.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


class TerminalFormatter(logging.Formatter):
    """A log formatter whose records reach the terminal through :func:`terminal_text`."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as :class:`logging.Formatter` formats it, through :func:`terminal_text`."""
        return terminal_text(super().format(record))
