"""Exceptions and warnings raised by landcheck.

Every error derives from :class:`LandcheckError` and also from the builtin that
fits it, so ``except ValueError`` or ``except OSError`` keep working. Messages
say what was received, where, and how to fix it; the CLI prints them as they
are and exits with code 1.
"""

from __future__ import annotations

import reprlib
from collections.abc import Collection, Iterable, Mapping
from typing import Any

__all__ = [
    "SHOWN_CHARS",
    "AnalysisCRSError",
    "BoundaryTxtError",
    "DataSourceError",
    "GeometryError",
    "InputDataError",
    "LandcheckError",
    "LandcheckWarning",
    "OutputError",
    "OutputExistsError",
    "ProfileError",
    "key_name",
    "shown",
    "unknown_keys",
]

SHOWN_CHARS = 120
"""Longest value quoted in a message (:func:`shown`), in characters."""

_SHOWN = reprlib.Repr()
_SHOWN.maxlevel = 2
_SHOWN.maxstring = _SHOWN.maxother = 80
_SHOWN.maxlong = 40
_SHOWN.maxlist = _SHOWN.maxtuple = _SHOWN.maxset = _SHOWN.maxfrozenset = _SHOWN.maxdict = 4


def shown(value: Any) -> str:
    """Return ``repr(value)`` for a message, never longer than :data:`SHOWN_CHARS`.

    Long texts and long or deep containers are cut with ``...`` before they
    are turned into text, so a value of any size costs little to show.

    Examples
    --------
    >>> shown("EPSG:4523")
    "'EPSG:4523'"
    >>> shown("x" * 1000)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'"
    >>> len(shown([["lol"] * 9] * 9)), shown([["lol"] * 9] * 9)[:40]
    (120, "[['lol', 'lol', 'lol', 'lol', ...], ['lo")
    """
    text = _SHOWN.repr(value)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 3] + "..."


def key_name(value: Any) -> str:
    """A key or id as it appears in a message's location (``layers.farmland``), cut to 60.

    Examples
    --------
    >>> key_name("farmland"), key_name(3), len(key_name("k" * 500))
    ('farmland', '3', 60)
    """
    text = value if isinstance(value, str) else shown(value)
    return text if len(text) <= 60 else text[:57] + "..."


def unknown_keys(given: Mapping[Any, Any], allowed: Collection[str], where: str) -> list[str]:
    """One problem per key of ``given`` outside ``allowed``, naming where it is.

    Examples
    --------
    >>> unknown_keys({"kind": 1, "knid": 2}, {"kind", "title"}, "layers.farmland")
    ['layers.farmland.knid: unknown key; allowed: kind, title']
    """
    listed = ", ".join(sorted(allowed))
    return [
        f"{where}.{key_name(key)}: unknown key; allowed: {listed}"
        for key in sorted(set(given) - set(allowed), key=str)
    ]


class LandcheckError(Exception):
    """Root of every error landcheck raises on purpose."""


class DataSourceError(LandcheckError, OSError):
    """A file or layer cannot be opened or read."""


class InputDataError(LandcheckError, ValueError):
    """Input data was read but cannot be used as it is (fields, values, CRS)."""


class AnalysisCRSError(InputDataError):
    """A coordinate reference system is missing, unusable or implausible."""


class GeometryError(InputDataError):
    """A geometry cannot be used even after repair."""


class BoundaryTxtError(InputDataError):
    """A boundary coordinate TXT file is malformed.

    Parameters
    ----------
    message : str
        What is wrong and how to fix it.
    path : str, optional
        The file, for the message.
    line : int, optional
        1-based line number where the problem was found.
    """

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        self.path = path
        self.line = line
        where = ""
        if path is not None:
            where = f"{path}"
            if line is not None:
                where += f", line {line}"
            where += ": "
        elif line is not None:
            where = f"line {line}: "
        super().__init__(where + message)


class ProfileError(LandcheckError, ValueError):
    """A profile is invalid; :attr:`problems` lists every problem found.

    Parameters
    ----------
    source : str
        The profile's name or path, for the message.
    problems : iterable of str
        Each problem, as a sentence that names the key concerned.
    """

    def __init__(self, source: str, problems: Iterable[str]):
        self.source = source
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"profile {source!r} has {count} {noun}:\n{lines}")


class OutputError(LandcheckError, OSError):
    """The output cannot be written where asked (no folder, read-only, full, or unsafe)."""


class OutputExistsError(OutputError, FileExistsError):
    """The output exists and may not be replaced (not asked for, or not landcheck's)."""


class LandcheckWarning(UserWarning):
    """Something in the input was repaired or looks suspicious; the run went on."""
