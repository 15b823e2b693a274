r"""User text: field values read as text, and text that cannot be written.

:func:`field_texts` reads a field's values as stripped text exactly as pandas'
string methods do (``astype("string").fillna("").str.strip()``), in plain
Python when the values are already text: pandas' Arrow-backed string methods
cost a millisecond or two a call (the first one far more), which a check of a
few features calls dozens of times.

A Python string can hold a lone surrogate (``"\ud800"``): half of a UTF-16
pair, not a character. It comes from text decoded with ``surrogateescape``
(a file name or a command-line argument holding bytes that are not UTF-8,
such as a GBK name on a UTF-8 system) or written as an escape. UTF-8 cannot
encode it, so every output (findings.json, the GeoPackage, Arrow columns)
would fail on it far from where it came in. It is refused where it enters,
naming where it is and how to fix it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionArray

from landcheck.errors import InputDataError
from landcheck.messages import warn

__all__ = [
    "FIX",
    "FORMULA_START",
    "PYTHON_TEXTS",
    "field_texts",
    "fields_set_apart",
    "lone_surrogate",
    "nested_surrogates",
    "object_array",
    "only_str",
    "refuse_lone_surrogates",
    "refuse_text",
    "shown_reordering",
    "spreadsheet_text",
    "xml_text",
]

FIX = (
    "text must be Unicode characters (a file name or argument in GBK on a UTF-8 system "
    "reads so: rename it or give it in UTF-8)"
)
"""How to fix a value holding a lone surrogate, for the messages."""


_REORDERING = re.compile("[\u202a-\u202e\u2066-\u2069]")
"""The explicit bidirectional formatting characters: embeddings, overrides, isolates and
their ends."""


def shown_reordering(text: str) -> str:
    r"""``text`` with each character that reorders what follows it written as its escape.

    A site id holding U+202E (right-to-left override) reverses the rest of the line
    it stands in: in a message, "永久基本农田 0.3000 公顷" after it reads "0003.0".
    A message is one line of text with the user's in it, so each embedding,
    override or isolate in it is shown (``\u202e``), not obeyed, as the terminal
    shows it (:func:`landcheck.cli.terminal.terminal_text`).

    Examples
    --------
    >>> shown_reordering("项目（A\u202e-1）0.3000 公顷")
    '项目（A\\u202e-1）0.3000 公顷'
    >>> shown_reordering("耕地 1.0 公顷")
    '耕地 1.0 公顷'
    """
    if _REORDERING.search(text) is None:
        return text
    return _REORDERING.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make spreadsheet programs read typed text as a formula."""


def only_str(values: Iterable[Any]) -> bool:
    """Whether every value is a ``str`` itself, not a subclass nor anything else (True for none).

    The types are gathered in one pass in C (``set(map(type, values))``):
    about half the time of ``all(type(v) is str for v in values)`` when they
    all are (700,000 values: 48 → 26 ms; a 10,000-site check asks it of its
    text columns several times), though it never stops early.

    Examples
    --------
    >>> only_str(["0101", "旱地"]), only_str(["0101", None]), only_str([])
    (True, False, True)
    """
    return set(map(type, values)) <= {str}


def spreadsheet_text(text: str) -> str:
    r"""``text`` as a spreadsheet program must read it from a CSV file: as text, never a formula.

    A text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
    is read as a formula when a CSV file is opened in Excel, LibreOffice or WPS
    (``=HYPERLINK(…)`` a link, ``=cmd|…`` a command); it gets a leading
    apostrophe, the mark those programs show and read as "this is text". Any
    other text is returned as it is.

    Examples
    --------
    >>> spreadsheet_text('=HYPERLINK("http://example.org")'), spreadsheet_text("方案 C1")
    ('\'=HYPERLINK("http://example.org")', '方案 C1')
    """
    return "'" + text if text.startswith(FORMULA_START) else text


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""A character XML 1.0 cannot hold (its ``Char`` production)."""


def xml_text(value: Any) -> str:
    r"""The text of a value, with every character XML cannot hold replaced by U+FFFD.

    Control characters (``\x00``–``\x08``, ``\x0b``, ``\x0c``,
    ``\x0e``–``\x1f``), lone surrogates and U+FFFE/U+FFFF would make the
    document invalid (report.docx, landcheck.gpkg's QGIS styles and project);
    the replacement character shows the reader that something was there.

    Examples
    --------
    >>> xml_text("S\x001\x07 site") == "S\ufffd1\ufffd site"
    True
    >>> xml_text(None), xml_text(1.5)
    ('', '1.5')
    """
    if value is None:
        return ""
    return _NOT_XML.sub("\ufffd", str(value))


PYTHON_TEXTS = 5_000
"""Most values :func:`field_texts` reads in Python: beyond about 10,000, pandas' Arrow
string methods (a millisecond or two a call, then little a value) beat a Python loop."""


def _is_missing(value: Any) -> bool:
    return value is None or value is pd.NA or (type(value) is float and value != value)


def object_array(values: list) -> np.ndarray:
    """``values`` as a 1-D array of objects, each as it is (tuples stay items, not rows).

    Examples
    --------
    >>> object_array(["a", ("b", 1)]).shape
    (2,)
    """
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _python_values(values: pd.Series | np.ndarray | ExtensionArray) -> list:
    """``values.tolist()``, Arrow text straight from Arrow (a missing value None, not NaN).

    pandas converts Arrow text to an object array first (~0.1 ms a column of a few rows).
    """
    array = values.array if isinstance(values, pd.Series) else values
    if isinstance(array, pd.arrays.ArrowStringArray):
        return array.__arrow_array__().to_pylist()
    return values.tolist()


def field_texts(
    values: pd.Series | np.ndarray | ExtensionArray, *, strip: bool = True
) -> np.ndarray:
    """A field's values as text: missing values blank, stripped unless ``strip`` is False.

    The same strings, in an object array, as
    ``values.astype("string").fillna("").str.strip().astype(str).to_numpy()``
    (without ``.str.strip()`` when ``strip`` is False): up to
    :data:`PYTHON_TEXTS` values that are all ``str`` or missing are read in
    Python (``str.strip`` strips exactly the characters Arrow's
    ``utf8_trim_whitespace`` does), more values or any others by pandas.
    ``values`` may be a column's array (:func:`landcheck.geometry.column_array`):
    no Series is made for it unless pandas reads it.

    Examples
    --------
    >>> field_texts(pd.Series([" 0101 ", None, float("nan")], dtype=object)).tolist()
    ['0101', '', '']
    >>> field_texts(pd.Series([1, 2])).tolist()
    ['1', '2']
    """
    items = _python_values(values) if len(values) <= PYTHON_TEXTS else None
    # no values at all are read here too (pandas' first string method costs ~1 ms)
    if items is not None and all(type(v) is str or _is_missing(v) for v in items):
        if strip:
            texts = [v.strip() if type(v) is str else "" for v in items]
        else:
            texts = [v if type(v) is str else "" for v in items]
        return object_array(texts)
    series = values if isinstance(values, pd.Series) else pd.Series(values, copy=False)
    text = series.astype("string").fillna("")
    return (text.str.strip() if strip else text).astype(str).to_numpy()


def fields_set_apart(
    frame: pd.DataFrame, reserved: Iterable[str], whose: str, what: str
) -> pd.DataFrame:
    """``frame`` with each field named like a column landcheck makes kept under a free name.

    A field of the input named like one of ``reserved`` (a site's ``planar_m2``,
    a layer's ``_code``) is the user's attribute, not the column landcheck
    makes: two columns of one name would mix them up (the file's value read as
    the measured area, or an unmapped field read as a role's values). It is
    renamed ``<name>_1``, the first number no other field or reserved name
    takes, and a warning names both.

    Parameters
    ----------
    frame : DataFrame
        The input's fields (a GeoDataFrame keeps its geometry).
    reserved : iterable of str
        The names landcheck gives its own columns.
    whose, what : str
        For the warning: whose fields (``"the sites'"``) and what the reserved
        names stand for.

    Examples
    --------
    >>> import warnings
    >>> fields = pd.DataFrame({"planar_m2": [1.0], "planar_m2_1": ["x"], "BSM": ["A"]})
    >>> with warnings.catch_warnings(record=True) as said:
    ...     warnings.simplefilter("always")
    ...     renamed = fields_set_apart(fields, ["planar_m2"], "the sites'", "an area measured")
    >>> list(renamed.columns)
    ['planar_m2_2', 'planar_m2_1', 'BSM']
    >>> "'planar_m2' is named like an area measured: kept as 'planar_m2_2'" in str(said[0].message)
    True
    """
    reserved = set(reserved)
    clashing = [name for name in dict.fromkeys(frame.columns) if name in reserved]
    if not clashing:
        return frame
    taken = {str(name) for name in frame.columns} | reserved
    renamed = {}
    for name in clashing:
        number = 1
        while f"{name}_{number}" in taken:
            number += 1
        renamed[name] = f"{name}_{number}"
        taken.add(renamed[name])
    names, kept = ", ".join(map(repr, renamed)), ", ".join(map(repr, renamed.values()))
    field, verb = ("field", "is") if len(renamed) == 1 else ("fields", "are")
    warn(
        f"{whose} {field} {names} {verb} named like {what}: kept as {kept}, and {names} "
        f"{verb} landcheck's own"
    )
    return frame.rename(columns=renamed)


def lone_surrogate(text: str) -> str | None:
    r"""Where ``text`` holds a lone surrogate (``"U+D800 at character 2"``), or None.

    Examples
    --------
    >>> lone_surrogate("水田")
    >>> lone_surrogate("a\ud800b")
    'U+D800 at character 2'
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as ex:
        return f"U+{ord(text[ex.start]):04X} at character {ex.start + 1}"
    return None


def refuse_text(value: Any, where: str) -> None:
    r"""Raise :class:`InputDataError` when ``value`` is a string holding a lone surrogate.

    Examples
    --------
    >>> refuse_text("ok", "facts.project")
    >>> refuse_text("p\udcff", "facts.project")
    Traceback (most recent call last):
    ...
    landcheck.errors.InputDataError: facts.project: 'p\udcff' holds a lone surrogate ...
    """
    found = lone_surrogate(value) if isinstance(value, str) else None
    if found is not None:
        raise InputDataError(
            f"{where}: {value!r} holds a lone surrogate ({found}), not a character; {FIX}"
        )


def nested_surrogates(data: Any, where: str = "") -> list[str]:
    r"""Problems naming each key or text in nested mappings and lists that holds a lone surrogate.

    ``where`` is the path of ``data`` (``rules[0].outcomes``); keys are joined
    with dots, list items numbered from 0.

    Examples
    --------
    >>> nested_surrogates({"rules": [{"title": "ok"}, {"title": "x\udcff"}]})
    ['rules[1].title: a lone surrogate (U+DCFF at character 2) is not a character; text must ...']
    """
    problems: list[str] = []
    if isinstance(data, str):
        found = lone_surrogate(data)
        if found is not None:
            problems.append(
                f"{where or 'the profile'}: a lone surrogate ({found}) is not a character; {FIX}"
            )
    elif isinstance(data, Mapping):
        for key, value in data.items():
            inner = f"{where}.{key}" if where else str(key)
            found = lone_surrogate(key) if isinstance(key, str) else None
            if found is not None:
                problems.append(f"{inner}: the key holds a lone surrogate ({found}); {FIX}")
                continue
            problems += nested_surrogates(value, inner)
    elif isinstance(data, (list, tuple)):
        for i, value in enumerate(data):
            problems += nested_surrogates(value, f"{where}[{i}]")
    return problems


def _first_bad(values: Iterable[Any]) -> int | None:
    """Position of the first string in ``values`` holding a lone surrogate, or None."""
    values = list(values)
    texts = [v for v in values if type(v) is str]
    try:
        "".join(texts).encode("utf-8")  # one C call for the usual case: all of them fine
        return None
    except UnicodeEncodeError:
        pass
    for position, value in enumerate(values):
        if isinstance(value, str) and lone_surrogate(value) is not None:
            return position
    return None


def refuse_lone_surrogates(frame: pd.DataFrame, what: str) -> None:
    r"""Refuse a frame whose field names or text values hold a lone surrogate.

    Only columns of Python objects can hold one (pandas' string columns are
    UTF-8 already); the geometry column is not text.

    Parameters
    ----------
    frame : DataFrame
        The rows as given.
    what : str
        What a row is, for the message (``"site feature"``: ``"site feature 2"``).

    Raises
    ------
    InputDataError
        Naming the row (1-based) and the field, or the field name, and how to fix it.

    Examples
    --------
    >>> frame = pd.DataFrame({"name": pd.Series(["a", "b\ud800"], dtype=object)})
    >>> refuse_lone_surrogates(frame, "site feature")
    Traceback (most recent call last):
    ...
    landcheck.errors.InputDataError: site feature 2: field 'name' holds 'b\ud800', with a lone ...
    """
    bad_name = _first_bad(str(c) for c in frame.columns)
    if bad_name is not None:
        name = str(frame.columns[bad_name])
        raise InputDataError(
            f"{what}s: field name {name!r} holds a lone surrogate ({lone_surrogate(name)}), "
            f"not a character; {FIX}"
        )
    # a column's type from the frame's types: a Series only for the columns of objects
    for position, (column, kind) in enumerate(zip(frame.columns, frame.dtypes, strict=True)):
        if kind != np.dtype(object):
            continue
        series = frame.iloc[:, position]
        row = _first_bad(series.tolist())
        if row is not None:
            value = series.iloc[row]
            raise InputDataError(
                f"{what} {row + 1}: field {str(column)!r} holds {value!r}, with a lone "
                f"surrogate ({lone_surrogate(value)}) that is not a character; {FIX}"
            )
