"""What a land-use layer's codes need said beyond its table: merged codes, lost leading zeros.

* A GB/T 21010-2017 code the 三调 work classification merged (0803 教育用地) is
  read as the class it was merged into (08H2 科教文卫用地) by the table itself
  (:meth:`landcheck.classify.CodeTable.resolve`); :func:`merged_codes_note`
  says which, since the class tables list the parcels under their own code.
* A code stored in a number field loses its leading zero (0101 → 101) or gains
  a decimal (1001 → 1001.0). Every code of the built-in land-use tables that
  is all digits has an even number of them (09, 0101, 060101), so the code a
  number was is certain: :func:`zero_restored`. Codes are restored only when
  the field is numeric and every code that needs it resolves once restored
  (:func:`restore_lost_zeros`); otherwise the codes stay unread and the
  warning says what they look like — never a guess.
"""

from __future__ import annotations

import re

import numpy as np

from landcheck.classify import CodeTable
from landcheck.classify.systems import LAND_USE_SYSTEMS

__all__ = [
    "codes_from_numbers",
    "merged_codes_note",
    "restore_lost_zeros",
    "zero_restored",
]

_NUMBER = re.compile(r"(\d+)(?:\.0+)?")
"""A code as a number field gives it: digits, perhaps with a zero decimal (``1001.0``)."""

_SHOWN = 8
"""Codes quoted in one warning."""


def zero_restored(code: str) -> str | None:
    """The code a number field's value was: ``.0`` dropped, a lost leading zero restored.

    None when the value is not a number or needs nothing restored.

    Examples
    --------
    >>> zero_restored("101"), zero_restored("1001.0"), zero_restored("9"), zero_restored("60101")
    ('0101', '1001', '09', '060101')
    >>> zero_restored("0101") is None, zero_restored("1104A") is None
    (True, True)
    """
    match = _NUMBER.fullmatch(code)
    if match is None:
        return None
    digits = match.group(1)
    restored = digits.zfill(len(digits) + len(digits) % 2)
    return None if restored == code else restored


def codes_from_numbers(codes: np.ndarray) -> np.ndarray:
    """A number field's codes as text codes, every value restored (:func:`zero_restored`).

    Examples
    --------
    >>> codes_from_numbers(np.array(["101", "1006", "601.0", ""], dtype=object)).tolist()
    ['0101', '1006', '0601', '']
    """
    restored = {code: zero_restored(code) or code for code in set(codes.tolist())}
    return np.array([restored[code] for code in codes.tolist()], dtype=object)


def _some(items: list[str]) -> str:
    shown = ", ".join(items[:_SHOWN])
    return shown + (f" and {len(items) - _SHOWN} more" if len(items) > _SHOWN else "")


def _looks_like(code: str, restored: str) -> str:
    """``101 looks like 0101 with its leading zero lost`` (or ``stored as a number``)."""
    if "." in code:
        return f"{code} looks like {restored} stored as a number"
    return f"{code} looks like {restored} with its leading zero lost"


def restore_lost_zeros(
    codes: np.ndarray, table: CodeTable, *, key: str, field: str, numeric: bool
) -> tuple[np.ndarray, str | None]:
    """A layer's codes, those that lost a leading zero restored if certain, and the warning.

    Parameters
    ----------
    codes : numpy.ndarray
        The layer's class codes as text.
    table : CodeTable
        The table they are read with.
    key, field : str
        The layer key and its code field, for the warning.
    numeric : bool
        Whether the code field is a number field.

    Returns
    -------
    (numpy.ndarray, str or None)
        The codes: restored when the field is numeric and every code the table
        does not know but whose restored form it might (``101``, ``1001.0``)
        resolves once restored; else as given. The warning: what was restored,
        or which unknown codes look like codes that lost their leading zero.

    Examples
    --------
    >>> from landcheck.classify import load_code_table
    >>> table = load_code_table("sandiao-2019")
    >>> codes = np.array(["101", "103", "1006"], dtype=object)
    >>> read, said = restore_lost_zeros(codes, table, key="lu", field="DLBM", numeric=True)
    >>> read.tolist()
    ['0101', '0103', '1006']
    >>> read, said = restore_lost_zeros(codes, table, key="lu", field="DLBM", numeric=False)
    >>> read.tolist()
    ['101', '103', '1006']
    >>> print(said)  # doctest: +NORMALIZE_WHITESPACE
    layer 'lu': class codes 101, 103 are unknown to the code table sandiao-2019, and left
    unread: 101 looks like 0101 with its leading zero lost; 103 looks like 0103 with its
    leading zero lost. Store DLBM as text, with the codes' leading zeros
    """
    unknown = [c for c in sorted(set(codes.tolist())) if table.resolve(c) is None]
    candidates = {c: r for c in unknown if (r := zero_restored(c)) is not None}
    resolving = {c: r for c, r in candidates.items() if table.resolve(r) is not None}
    if not resolving:
        return codes, None
    if numeric and len(resolving) == len(candidates):
        read = np.array([resolving.get(c, c) for c in codes.tolist()], dtype=object)
        shown = _some([f"{c} → {r}" for c, r in resolving.items()])
        return read, (
            f"layer {key!r}: its class code field {field} is a number field, which drops the "
            f"leading zeros of codes: codes read with theirs restored ({shown}). Store {field} "
            "as text, with the codes' leading zeros"
        )
    listed = list(resolving)
    said = (
        f"layer {key!r}: class codes {_some(listed)} are unknown to the code table "
        f"{table.name}, and left unread: "
        + "; ".join(_looks_like(c, r) for c, r in list(resolving.items())[:_SHOWN])
    )
    stray = [c for c in candidates if c not in resolving]
    if numeric and stray:
        said += (
            f" (not restored: {_some(stray)} in the same number field would not be a code even so)"
        )
    return codes, said + f". Store {field} as text, with the codes' leading zeros"


def merged_codes_note(codes: np.ndarray, table: CodeTable, *, key: str) -> str | None:
    """The warning that a layer's merged codes are read as the class they were merged into.

    Examples
    --------
    >>> from landcheck.classify import load_code_table
    >>> codes = np.array(["0803", "0103", "0604", "0803"], dtype=object)
    >>> print(merged_codes_note(codes, load_code_table("sandiao-2019"), key="lu"))
    ... # doctest: +NORMALIZE_WHITESPACE
    layer 'lu': GB/T 21010-2017 codes that 三调 2019 (sandiao-2019) merged are read as the
    class they were merged into, for the 三大类 and the checks: 0604 仓储用地 → 0508 物流仓储用地;
    0803 教育用地 → 08H2 科教文卫用地. The class tables list the parcels under their own codes
    """
    merged = sorted(set(codes.tolist()) & set(table.merged))
    system = LAND_USE_SYSTEMS.get(table.name)
    if not merged or system is None:
        return None
    names = table.lookup("name")
    shown = "; ".join(
        f"{code} {system.merged_codes[code][0]} → {table.merged[code]} {names[table.merged[code]]}"
        for code in merged
    )
    return (
        f"layer {key!r}: {system.merged_from} codes that {system.title} merged are read as the "
        f"class they were merged into, for the 三大类 and the checks: {shown}. The class "
        "tables list the parcels under their own codes"
    )
