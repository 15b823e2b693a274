"""Classification tables: land-use codes (三调) and planning zones, kept as data.

The tables are versioned CSV files shipped in this package. A profile names
the table a layer uses (``classification: sandiao-2019``); users may point to
their own CSV with the same columns. Codes are resolved exactly first, then
by stripping trailing suffix letters (``0201K`` → ``0201``, ``1104A`` is listed
itself), so that survey variants land in their parent class. A code the
table's system merged into one of its classes is read as that class: in
``sandiao-2019`` the GB/T 21010-2017 codes the third survey merged (0803 教育用地
→ 08H2 科教文卫用地, 0604 仓储用地 → 0508, 0901 军事设施用地 → 09…), each merged
into exactly one class (:data:`landcheck.classify.systems.LAND_USE_SYSTEMS`).

A layer that carries only class names (DLMC: 旱地, 水田…) is read by name
(:meth:`CodeTable.by_name`): the table's own names, and the names in its
optional ``aliases`` column (``;``-separated) — in ``sandiao-2019`` the names
of the second land survey (二调, GB/T 21010-2007) and the GB/T 21010-2017
classes the third survey merged (有林地 → 0301, 街巷用地 → 1004, 仓储用地 →
0508, 教育用地 → 08H2…). Aliases stay out of the table's columns, so class
tables never show them.

Two land-use classifications are built in, each with its own codes and
三大类 roll-up: ``sandiao-2019`` (the 三调 work classification, GB/T
21010-2017) and ``ydyh-2023`` (国土空间调查、规划、用途管制用地用海分类,
自然资发〔2023〕234号). Their codes collide (0601 is 工业用地 in one and
农村道路 in the other), so a land-use layer's system is declared or detected
(:mod:`landcheck.classify.decide`), never assumed. Disputed 三大类 entries
carry their alternatives (``category_alt``, ``alt_source``) and a profile may
choose among them (:mod:`landcheck.classify.choices`).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from landcheck.classify.systems import LAND_USE_SYSTEMS
from landcheck.errors import InputDataError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "BUILTIN_TABLES",
    "CodeTable",
    "load_code_table",
]

BUILTIN_TABLES = {
    "sandiao-2019": "sandiao_2019.csv",
    "ydyh-2023": "ydyh_2023.csv",
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
    codes : tuple of str
        The codes, one per row, in the table's order.
    columns : dict of str to tuple of str
        Each column but ``code`` and ``aliases`` (at least ``name``): its values, one per
        code. :attr:`frame` holds them as a frame, built on first use.
    aliases : tuple of (name, code)
        Other names of classes (old or merged class names) and their codes.
    suffixes : bool
        Whether trailing letters are variants of the class they follow
        (三调: ``0201K`` 可调整果园 is 0201); the 2023 codes have none.
    ridge_code : str or None
        The class field ridges (田坎) deducted by KCXS are reported under
        (三调 1203, 2023 2303); None for tables without one.
    merged : mapping of str to str
        Codes the table does not list because its system merged them → the
        table code of the class they were merged into (三调: 0803 → 08H2).
    """

    name: str
    codes: tuple[str, ...]
    columns: dict[str, tuple[str, ...]] = field(repr=False)
    aliases: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    suffixes: bool = True
    ridge_code: str | None = None
    merged: dict[str, str] = field(default_factory=dict, repr=False)
    _lookups: dict[str, dict[str, str]] = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def frame(self) -> pd.DataFrame:
        """The table as a frame: one row per code, indexed by code, every value text.

        Built on first use: a check reads the table through :meth:`resolve` and
        :meth:`lookup`, which need no frame (nor pandas: the command's start imports this
        module before it starts hashing its inputs).
        """
        import pandas as pd

        index = pd.Index(self.codes, dtype=str, name="code")
        return pd.DataFrame(dict(self.columns), index=index, dtype=str)

    def resolve(self, code: Any) -> str | None:
        """Return the table code a data code belongs to, or None if unknown.

        The code itself if listed, else the class it was merged into, else (with
        suffixes) the code without its trailing letters, tried the same way.

        Examples
        --------
        >>> table = load_code_table("sandiao-2019")
        >>> table.resolve("0201K"), table.resolve("1104A"), table.resolve("9999")
        ('0201', '1104A', None)
        >>> table.resolve("0803"), table.resolve("0604"), table.resolve("0901")
        ('08H2', '0508', '09')
        """
        if code is None or (isinstance(code, float) and math.isnan(code)):
            return None
        text = str(code).strip().upper()
        codes = self.lookup("name")
        while text:
            if text in codes:
                return text
            if text in self.merged:
                return self.merged[text]
            if not self.suffixes or not text[-1].isalpha():
                return None
            text = text[:-1]
        return None

    def by_name(self, name: Any) -> str | None:
        """Return the code of a class name (the table's, or an alias), or None if unknown.

        Names that two codes share are unknown (they do not tell the class).

        Examples
        --------
        >>> table = load_code_table("sandiao-2019")
        >>> table.by_name("旱地"), table.by_name("有林地"), table.by_name("城市")
        ('0103', '0301', None)
        """
        if name is None or (isinstance(name, float) and math.isnan(name)):
            return None
        names = self._lookups.get("by name")
        if names is None:
            names = self._lookups["by name"] = _names_to_codes(self)
        return names.get(str(name).strip())

    def names_of(self, code: str) -> frozenset[str]:
        """The names a table code goes by: its own and its aliases.

        Examples
        --------
        >>> sorted(load_code_table("sandiao-2019").names_of("0301"))
        ['乔木林地', '有林地']
        """
        names = self._lookups.get("names of")
        if names is None:
            names = self._lookups["names of"] = _code_names(self)
        return names.get(code, frozenset())

    def value(self, code: str, column: str, default: str = "") -> str:
        """Return a column's value for a resolved code (``default`` if absent)."""
        if column not in self.columns:
            return default
        return self.lookup(column).get(code, default)

    def lookup(self, column: str) -> dict[str, str]:
        """``{code: value}`` of one column, built once per table and column.

        Examples
        --------
        >>> load_code_table("sandiao-2019").lookup("category")["0301"]
        '农用地'
        """
        lookup = self._lookups.get(column)
        if lookup is None:
            values = self.columns[column]
            lookup = self._lookups[column] = dict(zip(self.codes, values, strict=True))
        return lookup


def _names_to_codes(table: CodeTable) -> dict[str, str]:
    """Class name → code from the names and aliases; names given to two codes are left out."""
    pairs = [(n.strip(), c) for c, n in table.lookup("name").items()]
    pairs += list(table.aliases)
    codes: dict[str, set[str]] = {}
    for label, code in pairs:
        if label:
            codes.setdefault(label, set()).add(code)
    return {label: next(iter(found)) for label, found in codes.items() if len(found) == 1}


def _code_names(table: CodeTable) -> dict[str, frozenset[str]]:
    """Code → its name and aliases."""
    names: dict[str, set[str]] = {c: {n.strip()} for c, n in table.lookup("name").items()}
    for label, code in table.aliases:
        names.setdefault(code, set()).add(label)
    return {code: frozenset(n for n in found if n) for code, found in names.items()}


def _read_table(name: str, lines: Iterable[str]) -> CodeTable:
    """Parse a code table's CSV text (one string per line) into a :class:`CodeTable`.

    Every value is text, an empty field an empty string (as
    ``pandas.read_csv(dtype=str, keep_default_na=False)`` reads it, in a
    twentieth of its time on first use); blank lines are skipped.
    """
    reader = csv.reader(lines)
    header = next(reader, [])
    body = []
    for row in reader:
        if not row:
            continue
        if len(row) != len(header):
            raise InputDataError(
                f"classification table {name!r}, line {reader.line_num}: {len(row)} field(s) "
                f"where the header names {len(header)}; give every row one value per column"
            )
        body.append(row)
    columns = {column: tuple(row[i] for row in body) for i, column in enumerate(header)}
    missing = [c for c in _REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise InputDataError(
            f"classification table {name!r} lacks column(s) {', '.join(missing)}; "
            "a table needs at least 'code' and 'name'"
        )
    codes = tuple(code.strip().upper() for code in columns.pop("code"))
    seen: set[str] = set()
    duplicated = []
    for code in codes:
        if code in seen:
            duplicated.append(code)
        seen.add(code)
    if duplicated:
        raise InputDataError(
            f"classification table {name!r} lists code(s) {', '.join(duplicated)} twice; "
            "keep one row per code"
        )
    aliases = []
    if "aliases" in columns:
        for code, listed in zip(codes, columns.pop("aliases"), strict=True):
            aliases += [(a.strip(), code) for a in listed.split(";") if a.strip()]
    system = LAND_USE_SYSTEMS.get(name)
    return CodeTable(
        name,
        codes,
        columns,
        tuple(aliases),
        suffixes=system.suffixes if system else True,
        ridge_code=system.ridge_code if system else None,
        merged={code: into for code, (_, into) in system.merged_codes.items()} if system else {},
    )


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
    with path.open(encoding="utf-8", newline="") as handle:
        return _read_table(name, handle)
