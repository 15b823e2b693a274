"""field_texts gives exactly what pandas' string methods give, whatever the values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from landcheck.text import PYTHON_TEXTS, field_texts

CASES = [
    pd.Series([" 0101", None, np.nan, pd.NA, "水田\u3000", "\x1c a \x1f"], dtype=object),
    pd.Series(["x ", None], dtype="str"),
    pd.Series(["x", None], dtype="string"),
    pd.Series([1.5, np.nan]),
    pd.Series([1, 2]),
    pd.Series([True, None], dtype=object),
    pd.Series([], dtype=object),
    pd.Series(["a", 3, None], dtype=object),
    pd.Series([" 水田 ", None] * (PYTHON_TEXTS // 2 + 1), dtype=object),  # pandas reads these
]


@pytest.mark.parametrize("values", CASES)
@pytest.mark.parametrize("strip", [True, False])
@pytest.mark.parametrize("given", ["series", "array", "numpy"])  # a column's array: no Series
def test_field_texts_are_pandas_string_methods_value_for_value(values, strip, given):
    text = values.astype("string").fillna("")
    expected = (text.str.strip() if strip else text).astype(str).to_numpy()
    given = {"series": values, "array": values.array, "numpy": values.to_numpy()}[given]
    got = field_texts(given, strip=strip)
    assert got.dtype == expected.dtype == object
    assert got.tolist() == expected.tolist()
    assert [type(v) for v in got] == [type(v) for v in expected]


def test_every_character_python_strips_is_one_arrow_strips():
    characters = [chr(c) for c in range(0x3100) if not 0xD800 <= c <= 0xDFFF]
    values = pd.Series([f"{c}a{c}" for c in characters], dtype=object)
    assert field_texts(values).tolist() == values.astype("string").str.strip().tolist()


@pytest.mark.parametrize("dtype", ["str", "string[pyarrow]"])
def test_arrow_text_is_read_from_arrow_not_through_pandas_object_values(monkeypatch, dtype):
    values = pd.Series([" 0101", None, "水田 "], dtype=dtype)
    monkeypatch.setattr(
        pd.Series, "tolist", lambda self: pytest.fail("Arrow text converted by pandas")
    )
    monkeypatch.setattr(
        type(values.array), "tolist", lambda self: pytest.fail("Arrow text converted by pandas")
    )
    assert field_texts(values).tolist() == ["0101", "", "水田"]
    assert field_texts(values.array).tolist() == ["0101", "", "水田"]


@pytest.mark.parametrize("dtype", [object, "str", float])
def test_no_values_are_no_texts_without_pandas_string_methods(monkeypatch, dtype):
    values = pd.Series([], dtype=dtype)
    expected = values.astype("string").fillna("").str.strip().astype(str).to_numpy()
    monkeypatch.setattr(
        pd.Series, "astype", lambda *a, **k: pytest.fail("pandas' string methods for no values")
    )
    got = field_texts(values)
    assert got.dtype == expected.dtype == object and got.tolist() == expected.tolist() == []
