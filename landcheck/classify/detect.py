"""Which land-use system a layer is coded in, from its codes, class names and field names.

Evidence for a system is what only that system explains:

* a code only its table knows (a merged code of its family included) — ``060101``
  is 2023, ``1104A`` and GB/T 21010-2017 ``0803`` are 三调;
* a code both systems know but with the layer's class name given only by
  this one — ``0601`` named 农村道路 is 2023, named 工业用地 it is 三调;
* for a layer that has names only, a name only this system uses;
* a code or name field only this system's layers use (DLBM / YDYHFLDM).

One system with evidence is the answer. Evidence for both (a mixed layer),
or for none (codes both systems know, nothing telling which), is refused
with the codes that betray each system: the layer is never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from landcheck.classify import CodeTable, load_code_table
from landcheck.classify.systems import LAND_USE_SYSTEMS, LandUseSystem

__all__ = [
    "Evidence",
    "codes_read_apart",
    "distinct_pairs",
    "evidence_of",
    "gather_evidence",
]

_SHOWN = 8
"""Items of one kind of evidence quoted in a message."""


@dataclass(frozen=True)
class Evidence:
    """What in a layer points to one land-use system.

    Attributes
    ----------
    codes : tuple of str
        Codes only this system knows.
    named : tuple of str
        ``"0601 农村道路"``: codes both systems know, named as only this one names them.
    names : tuple of str
        Class names only this system uses (layers without codes).
    fields : tuple of str
        Field names only this system's layers use.
    """

    codes: tuple[str, ...] = ()
    named: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.codes or self.named or self.names or self.fields)

    @property
    def in_data(self) -> bool:
        """Whether the codes or names themselves (not only field names) point here."""
        return bool(self.codes or self.named or self.names)

    def describe(self, *, data_only: bool = False) -> str:
        """The evidence in words, e.g. ``codes 060101, 1208 (only in it); field YDYHFLDM``.

        Examples
        --------
        >>> Evidence(codes=("060101",), named=("0601 农村道路",), fields=("YDYHFLDM",)).describe()
        'code 060101 (only in it); 0601 named 农村道路; field YDYHFLDM'
        """
        parts = []
        if self.codes:
            parts.append(f"{_plural('code', self.codes)} {_some(self.codes)} (only in it)")
        if self.named:
            parts.append("; ".join(_split_named(self.named)))
        if self.names:
            parts.append(f"{_plural('class name', self.names)} {_some(self.names)} (only in it)")
        if self.fields and not data_only:
            parts.append(f"{_plural('field', self.fields)} {_some(self.fields)}")
        return "; ".join(parts)

    def to_dict(self) -> dict[str, list[str]]:
        """The findings.json form: only the kinds of evidence found."""
        out = {
            "codes": list(self.codes),
            "named": list(self.named),
            "names": list(self.names),
            "fields": list(self.fields),
        }
        return {k: v for k, v in out.items() if v}


def _plural(word: str, items: Sequence[str]) -> str:
    return word if len(items) == 1 else f"{word}s"


def _some(items: Sequence[str]) -> str:
    shown = ", ".join(items[:_SHOWN])
    return shown + (f" and {len(items) - _SHOWN} more" if len(items) > _SHOWN else "")


def _split_named(named: Sequence[str]) -> list[str]:
    """``"0601 农村道路"`` items as ``0601 named 农村道路``, the first few."""
    parts = []
    for item in named[:_SHOWN]:
        code, _, name = item.partition(" ")
        parts.append(f"{code} named {name}")
    if len(named) > _SHOWN:
        parts.append(f"{len(named) - _SHOWN} more codes so named")
    return parts


def codes_read_apart(
    pairs: Iterable[tuple[str, str]], system: str, other: str
) -> list[tuple[str, str, str]]:
    """The layer's codes both systems know but read as different classes.

    Two readings differ when the two tables give the code no name in common
    (0101 水田 is 水田 in both; 0601 is 工业用地 in 三调, 农村道路 in 2023).

    Parameters
    ----------
    pairs : iterable of (str, str)
        The layer's distinct (code, name) pairs (:func:`distinct_pairs`).
    system, other : str
        The system the layer is read with, and the other one (table names).

    Returns
    -------
    list of (str, str, str)
        Code, its class as ``system`` reads it and as ``other`` does
        (``工业用地 (建设用地)``), in code order.

    Examples
    --------
    >>> pairs = [("0101", ""), ("0601", ""), ("1202", ""), ("9999", "")]
    >>> for apart in codes_read_apart(pairs, "sandiao-2019", "ydyh-2023"):
    ...     print(*apart)
    0601 工业用地 (建设用地) 农村道路 (农用地)
    1202 设施农用地 (农用地) 公路用地 (建设用地)
    """
    tables = [load_code_table(LAND_USE_SYSTEMS[key].table) for key in (system, other)]
    apart = []
    for code in sorted({code for code, _ in pairs if code}):
        here, there = (table.resolve(code) for table in tables)
        if here is None or there is None:
            continue
        if tables[0].names_of(here) & tables[1].names_of(there):
            continue
        apart.append((code, _reading(tables[0], here), _reading(tables[1], there)))
    return apart


def _reading(table: CodeTable, code: str) -> str:
    """``工业用地 (建设用地)``: a table code's class name and 三大类 (if it has one)."""
    name, category = table.value(code, "name"), table.value(code, "category")
    return f"{name} ({category})" if category else name


def _present(value: Any) -> str:
    """A code or name as text; '' for blanks and missing values."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value).strip()


def _objects(values: Iterable[Any]) -> np.ndarray:
    return np.asarray(values if isinstance(values, np.ndarray) else list(values), dtype=object)


def distinct_pairs(
    codes: Iterable[Any] | None, names: Iterable[Any] | None
) -> list[tuple[str, str]]:
    """The distinct (code, name) pairs of a layer's features, '' where absent or blank.

    Examples
    --------
    >>> distinct_pairs(["0103", " 0103", None, "0101"], ["旱地", "旱地", "", None])
    [('0103', '旱地'), ('', ''), ('0101', '')]
    >>> distinct_pairs(None, ["旱地", "旱地"])
    [('', '旱地')]
    """
    columns = [_objects(v) for v in (codes, names) if v is not None]
    if not columns:
        return []
    keys, uniques = [], []
    for values in columns:
        key, unique = pd.factorize(values, use_na_sentinel=False)
        keys.append(key)
        uniques.append(unique)
    combined = keys[0] if len(keys) == 1 else keys[0] * max(len(uniques[1]), 1) + keys[1]
    _, first = np.unique(combined, return_index=True)
    first.sort()
    texts = [[_present(u[k]) for k in key[first]] for key, u in zip(keys, uniques, strict=True)]
    if codes is None:
        texts.insert(0, [""] * len(first))
    elif names is None:
        texts.append([""] * len(first))
    return list(dict.fromkeys(zip(texts[0], texts[1], strict=True)))


def gather_evidence(
    codes: Iterable[Any] | None,
    names: Iterable[Any] | None,
    fields: Iterable[str],
    systems: Mapping[str, LandUseSystem] = LAND_USE_SYSTEMS,
) -> dict[str, Evidence]:
    """Collect, per system, the evidence that a layer is coded in it.

    Parameters
    ----------
    codes : iterable or None
        The class code of each feature; None for a layer that has names only.
    names : iterable or None
        The class name of each feature (aligned with ``codes``), or None.
    fields : iterable of str
        The names of the layer's class code and class name fields.
    systems : mapping
        The candidate systems, by table name.

    Returns
    -------
    dict
        Table name → :class:`Evidence` (possibly empty) for every system.

    Examples
    --------
    >>> found = gather_evidence(["0601", "060101"], ["农村道路", "村道用地"], ["YDYHFLDM"])
    >>> found["ydyh-2023"].describe()
    'code 060101 (only in it); 0601 named 农村道路; field YDYHFLDM'
    >>> bool(found["sandiao-2019"])
    False
    """
    return evidence_of(distinct_pairs(codes, names), fields, systems)


def evidence_of(
    pairs: Iterable[tuple[str, str]],
    fields: Iterable[str],
    systems: Mapping[str, LandUseSystem] = LAND_USE_SYSTEMS,
) -> dict[str, Evidence]:
    """:func:`gather_evidence` from a layer's distinct (code, name) pairs.

    Examples
    --------
    >>> evidence_of([("1104A", "养殖坑塘")], ["DLBM"])["sandiao-2019"].describe()
    'code 1104A (only in it); field DLBM'
    """
    tables = {key: load_code_table(system.table) for key, system in systems.items()}
    only: dict[str, list[str]] = {key: [] for key in systems}
    named: dict[str, list[str]] = {key: [] for key in systems}
    only_names: dict[str, list[str]] = {key: [] for key in systems}
    for code, name in pairs:
        if code:
            known = {key: tables[key].resolve(code) for key in systems}
            holders = [key for key, resolved in known.items() if resolved is not None]
            if len(holders) == 1:
                if code not in only[holders[0]]:
                    only[holders[0]].append(code)
            elif len(holders) > 1 and name:
                fits = [k for k in holders if name in tables[k].names_of(known[k])]
                if len(fits) == 1:
                    named[fits[0]].append(f"{code} {name}")
        elif name:
            users = [key for key in systems if tables[key].by_name(name) is not None]
            if len(users) == 1 and name not in only_names[users[0]]:
                only_names[users[0]].append(name)
    field_names = [str(f) for f in fields if f]
    return {
        key: Evidence(
            codes=tuple(sorted(only[key])),
            named=tuple(sorted(named[key])),
            names=tuple(sorted(only_names[key])),
            fields=tuple(f for f in field_names if f.upper() in system.fields),
        )
        for key, system in systems.items()
    }
