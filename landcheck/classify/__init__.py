"""Classification tables: land-use codes (三调) and planning zones, kept as data.

The tables are versioned CSV files shipped in this package. A profile names
the table a layer uses (``classification: sandiao-2019``); users may point to
their own CSV with the same columns. Codes are resolved exactly first, then
by stripping trailing suffix letters (``0201K`` → ``0201``, ``1104A`` is listed
itself), so that survey variants land in their parent class.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import pandas as pd

from landcheck.errors import InputDataError

__all__ = [
    "BUILTIN_TABLES",
    "CodeTable",
    "load_code_table",
]

BUILTIN_TABLES = {
    "sandiao-2019": "sandiao_2019.csv",
    "planning-zones-2020": "planning_zones_2020.csv",
}
"""Built-in classification tables: name → CSV file in this package."""

_REQUIRED_COLUMNS = ("code", "name")


@dataclass(frozen=True)
class CodeTable:
    """A classification table indexed by code.

    Parameters
    ----------
    name : str
        The table's name (``sandiao-2019``) or path.
    frame : pandas.DataFrame
        One row per code, indexed by code (strings), with at least ``name``.
    """

    name: str
    frame: pd.DataFrame
    _lookups: dict[str, dict[str, str]] = field(default_factory=dict, repr=False, compare=False)

    def resolve(self, code: Any) -> str | None:
        """Return the table code a data code belongs to, or None if unknown.

        Examples
        --------
        >>> table = load_code_table("sandiao-2019")
        >>> table.resolve("0201K"), table.resolve("1104A"), table.resolve("9999")
        ('0201', '1104A', None)
        """
        if code is None or (isinstance(code, float) and pd.isna(code)):
            return None
        text = str(code).strip().upper()
        while text:
            if text in self.frame.index:
                return text
            if not text[-1].isalpha():
                return None
            text = text[:-1]
        return None

    def value(self, code: str, column: str, default: str = "") -> str:
        """Return a column's value for a resolved code (``default`` if absent)."""
        if column not in self.frame.columns or code not in self.frame.index:
            return default
        value = self.frame.at[code, column]
        return default if pd.isna(value) else str(value)

    def lookup(self, column: str) -> dict[str, str]:
        """``{code: value}`` of one column, built once per table and column.

        Examples
        --------
        >>> load_code_table("sandiao-2019").lookup("category")["0301"]
        '农用地'
        """
        lookup = self._lookups.get(column)
        if lookup is None:
            values = self.frame[column].fillna("").astype(str)
            lookup = self._lookups[column] = dict(zip(values.index, values, strict=True))
        return lookup


def _read_table(name: str, text_source: Any) -> CodeTable:
    frame = pd.read_csv(text_source, dtype=str, keep_default_na=False)
    missing = [c for c in _REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise InputDataError(
            f"classification table {name!r} lacks column(s) {', '.join(missing)}; "
            "a table needs at least 'code' and 'name'"
        )
    frame["code"] = frame["code"].str.strip().str.upper()
    duplicated = frame["code"][frame["code"].duplicated()].tolist()
    if duplicated:
        raise InputDataError(
            f"classification table {name!r} lists code(s) {', '.join(duplicated)} twice; "
            "keep one row per code"
        )
    return CodeTable(name, frame.set_index("code"))


@lru_cache(maxsize=16)
def load_code_table(name: str) -> CodeTable:
    """Load a built-in classification table by name.

    Parameters
    ----------
    name : str
        One of :data:`BUILTIN_TABLES`.

    Examples
    --------
    >>> load_code_table("sandiao-2019").value("0101", "category")
    '农用地'
    """
    if name not in BUILTIN_TABLES:
        valid = ", ".join(sorted(BUILTIN_TABLES))
        raise InputDataError(f"unknown classification table {name!r}; built-in tables: {valid}")
    path = resources.files(__package__).joinpath(BUILTIN_TABLES[name])
    with path.open(encoding="utf-8") as handle:
        return _read_table(name, handle)
