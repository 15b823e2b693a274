"""Disputed 三大类 entries and the profile's choice among their alternatives.

Some classes are filed under different categories by different sources (三调
1107A 干渠: 农用地 or 建设用地; 0404 其他草地: 未利用地 or 农用地). A table lists
such a class with its default ``category``, the alternatives in
``category_alt`` (``;``-separated) and where they come from in ``alt_source``.
A profile may choose, per layer, among the listed alternatives only::

    layers:
      land_use:
        classification: auto
        category_choices: {1107A: 建设用地, 0404: 农用地}
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from landcheck.classify import CodeTable, load_code_table
from landcheck.classify.systems import AUTO, LAND_USE_SYSTEMS

__all__ = [
    "apply_category_choices",
    "category_choice_problems",
    "disputed_categories",
]


def disputed_categories(table: CodeTable) -> dict[str, tuple[str, ...]]:
    """Disputed codes of a table → the categories it may take (its default first).

    Examples
    --------
    >>> disputed_categories(load_code_table("sandiao-2019"))["1107A"]
    ('农用地', '建设用地')
    """
    if "category_alt" not in table.columns:
        return {}
    out = {}
    for code, default, listed in zip(
        table.codes, table.columns["category"], table.columns["category_alt"], strict=True
    ):
        alternatives = [a.strip() for a in listed.split(";") if a.strip()]
        if alternatives:
            out[code] = (default, *[a for a in alternatives if a != default])
    return out


def _candidate_tables(classification: str) -> list[str]:
    return list(LAND_USE_SYSTEMS) if classification == AUTO else [classification]


def category_choice_problems(
    classification: str | None, choices: Any, where: str
) -> tuple[dict[str, str], list[str]]:
    """Validate a layer's ``category_choices`` against the disputed entries of its table(s).

    Only disputed codes may be chosen, and only among their listed
    categories; with ``auto`` a code must be disputed in a system it may be
    detected as, and the choice allowed wherever it is disputed.

    Parameters
    ----------
    classification : str or None
        The layer's table name, ``auto``, or None.
    choices : object
        The profile's value (a mapping of code → category is expected).
    where : str
        The profile key, for messages.

    Returns
    -------
    (dict, list of str)
        The valid choices (code → category) and every problem found.

    Examples
    --------
    >>> valid, problems = category_choice_problems(
    ...     "sandiao-2019", {"1107A": "建设用地", "0101": "建设用地"}, "layers.land_use"
    ... )
    >>> valid
    {'1107A': '建设用地'}
    >>> for part in problems[0].split("; "):
    ...     print(part)
    layers.land_use.category_choices.0101: not a disputed class of sandiao-2019
    disputed: 0404, 1103, 1107A, 1208
    """
    if choices is None:
        return {}, []
    if not isinstance(choices, Mapping):
        return {}, [f"{where}.category_choices: expected a mapping of class code to category"]
    if classification is None or (
        classification != AUTO and classification not in LAND_USE_SYSTEMS
    ):
        return {}, [
            f"{where}.category_choices: only a land-use layer (classification: "
            f"{', '.join([AUTO, *LAND_USE_SYSTEMS])}) has 三大类 entries to choose"
        ]
    disputes = {
        name: disputed_categories(load_code_table(name))
        for name in _candidate_tables(classification)
    }
    valid, problems = {}, []
    for raw_code, category in choices.items():
        code = str(raw_code).strip().upper()
        allowed = {name: found[code] for name, found in disputes.items() if code in found}
        if not allowed:
            listed = sorted({c for found in disputes.values() for c in found})
            problems.append(
                f"{where}.category_choices.{code}: not a disputed class of "
                f"{' or '.join(disputes)}; disputed: {', '.join(listed)}"
            )
            continue
        refused = [name for name, options in allowed.items() if category not in options]
        if refused:
            options = sorted({o for name in refused for o in allowed[name]})
            problems.append(
                f"{where}.category_choices.{code}: {category!r} is not one of its listed "
                f"categories ({', '.join(options)})"
            )
            continue
        valid[code] = str(category)
    return valid, problems


def apply_category_choices(
    table: CodeTable, choices: Mapping[str, str]
) -> tuple[CodeTable, dict[str, str]]:
    """The table with the chosen categories of its disputed classes, and the choices applied.

    Choices for codes the table does not dispute (a code of the other system,
    under ``auto``) are left out. The table given is never changed.

    Examples
    --------
    >>> table, applied = apply_category_choices(
    ...     load_code_table("sandiao-2019"), {"1107A": "建设用地", "060101": "建设用地"}
    ... )
    >>> table.lookup("category")["1107A"], applied
    ('建设用地', {'1107A': '建设用地'})
    >>> load_code_table("sandiao-2019").lookup("category")["1107A"]
    '农用地'
    """
    disputes = disputed_categories(table)
    applied = {
        code: category
        for code, category in choices.items()
        if code in disputes and category in disputes[code]
    }
    if not applied:
        return table, {}
    categories = tuple(
        applied.get(code, category)
        for code, category in zip(table.codes, table.columns["category"], strict=True)
    )
    columns = {**table.columns, "category": categories}
    return dataclasses.replace(table, columns=columns, _lookups={}), applied
