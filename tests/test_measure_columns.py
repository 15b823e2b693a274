"""measure's numpy shortcuts give what the pandas calls they replace give, value and type."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from landcheck.measure import _site_totals, _text, aggregate


@pytest.mark.parametrize(
    "values",
    [
        np.array(["0101", "旱地", ""], dtype=object),  # text: used as it is
        pd.Series(["0101", "0102"], dtype="str"),
        np.array([3, 1, 2]),
        np.array([1.5, np.nan]),
        np.array(["0101", None, 7], dtype=object),  # not all text: pandas converts
    ],
)
def test_text_is_astype_str(values):
    expected = pd.Series(values).astype(str).to_numpy()
    got = _text(values)
    assert got.dtype == expected.dtype
    assert [type(v) for v in got] == [type(v) for v in expected]
    assert pd.Series(got).equals(pd.Series(expected))


def _pieces(sites, planar, widths):
    return {
        "site": np.array(sites, dtype=np.int64),
        "counted_planar_m2": np.array(planar, dtype=float),
        "counted_ellipsoidal_m2": np.array(planar, dtype=float) * 1.001,
        "width_m": np.array(widths, dtype=float),
    }


@pytest.mark.parametrize(
    "pieces",
    [_pieces([2, 0, 2], [150_000.0, 10.0, 50_000.0], [3.0, 1.0, 7.0]), _pieces([], [], [])],
)
def test_site_totals_are_the_grouped_sums_indexed_by_site(pieces):
    expected = aggregate(
        {"site": pieces["site"]},
        sums={
            "planar_m2": pieces["counted_planar_m2"],
            "ellipsoidal_m2": pieces["counted_ellipsoidal_m2"],
        },
        maxima={"max_width_m": pieces["width_m"]},
    ).set_index("site")
    got = _site_totals(pieces)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    if len(pieces["site"]):
        assert got.loc[2, "planar_m2"] == 200_000.0 and got.loc[2, "max_width_m"] == 7.0
