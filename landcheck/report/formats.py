"""The report's formats by name: which there are, which are written by default, a choice parsed.

Light on purpose: the command parses ``--format`` before it starts hashing its inputs, and the
writers (:data:`landcheck.report.folder.WRITERS`, one per name here) import the libraries.
"""

from __future__ import annotations

from collections.abc import Iterable

from landcheck.errors import InputDataError

__all__ = ["FORMATS", "NAMES", "WITHOUT_GEOMETRY", "parse_formats"]

NAMES = ("json", "html", "xlsx", "gpkg", "txt", "docx")
"""Every format, in the order they are written (the keys of the writers' registry)."""

FORMATS = ("json", "html", "xlsx", "gpkg")
"""Formats written by default, in order (``txt``, the sites' boundary TXT, and ``docx``, the
Word report with the draft opinions, only when asked)."""


WITHOUT_GEOMETRY = frozenset({"json", "txt"})
"""Formats whose writers read neither the overlap pieces' outlines nor the features read near
the sites: findings.json and the sites' boundary TXT (the sites' own outlines). A check for
them alone keeps no such geometry (``keep_geometry=False``)."""


def parse_formats(value: str | Iterable[str] | None) -> list[str]:
    """Parse ``"json,gpkg"`` (or a list) into known format names, in a stable order.

    Examples
    --------
    >>> parse_formats("gpkg, json")
    ['json', 'gpkg']
    >>> parse_formats(None) == list(FORMATS)
    True
    """
    if value is None:
        return list(FORMATS)
    names = value.split(",") if isinstance(value, str) else list(value)
    wanted = {n.strip().lower() for n in names if n.strip()}
    unknown = sorted(wanted - set(NAMES))
    if unknown or not wanted:
        raise InputDataError(
            f"unknown format(s) {', '.join(unknown) or '(none)'}; choose from " + ", ".join(NAMES)
        )
    return [name for name in NAMES if name in wanted]
