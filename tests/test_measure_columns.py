"""measure's numpy shortcuts give what the pandas calls they replace give, value and type."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from landcheck.geometry import geo_frame
from landcheck.measure import (
    _FEW_ROWS,
    Rows,
    SiteLayer,
    _piece_columns,
    _shared,
    _site_totals,
    _sorted_codes,
    _text,
    aggregate,
)
from landcheck.units import AreaMethod


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
def test_site_totals_are_the_grouped_sums_by_site(pieces):
    expected = aggregate(
        {"site": pieces["site"]},
        sums={
            "planar_m2": pieces["counted_planar_m2"],
            "ellipsoidal_m2": pieces["counted_ellipsoidal_m2"],
        },
        maxima={"max_width_m": pieces["width_m"]},
    )
    got = _site_totals(pieces)
    pd.testing.assert_frame_equal(pd.DataFrame(got), expected, check_exact=True)
    if len(pieces["site"]):
        assert got["site"].tolist() == [0, 2] and got["planar_m2"][1] == 200_000.0
        assert got["max_width_m"][1] == 7.0


def test_piece_columns_are_the_columns_to_numpy_and_leave_the_pieces_unchanged():
    columns = {
        "site": np.array([0, 1, 1], dtype=np.int64),
        "planar_m2": np.array([1.5, np.nan, 2.0]),
        "_code": pd.array(["0101", None, "1107A"], dtype="str"),
        "_name": np.array(["旱地", "", "干渠"], dtype=object),
    }
    pieces = geo_frame(columns, [shapely.box(0, 0, 1, 1)] * 3, "EPSG:4523")
    got = _piece_columns(pieces)
    assert list(got) == ["site", "planar_m2", "_code", "_name"]
    for name, values in got.items():
        expected = pieces[name].to_numpy()
        assert type(values) is np.ndarray and values.dtype == expected.dtype
        assert pd.Series(values).equals(pd.Series(expected))
    for name in ("site", "planar_m2"):  # the frame's own numbers, which must stay its own
        with pytest.raises(ValueError, match="read-only"):
            got[name][0] = 7
    assert pieces["site"].tolist() == [0, 1, 1]


def _rows_table():
    return {
        "site": np.array([2, 0, 2, 1], dtype=np.int64),
        "code": np.array(["0101", "0201", "0102", "0101"], dtype=object),
        "planar_m2": np.array([1.0, 2.0, np.nan, 4.0]),
    }


def test_rows_of_columns_are_the_rows_of_their_frame():
    """A table given as numpy columns is read as the DataFrame of those columns is."""
    from_columns, from_frame = (
        Rows(_rows_table(), "code"),
        Rows(pd.DataFrame(_rows_table()), "code"),
    )
    for rows in (from_columns, from_frame):
        assert rows.sites.tolist() == [0, 1, 2]
        assert [rows.span(p) for p in range(-1, 4)] == [(0, 0), (0, 1), (1, 2), (2, 4), (0, 0)]
        assert [rows.has_rows(p) for p in range(-1, 4)] == [False, True, True, True, False]
    for name in ("code", "planar_m2"):
        np.testing.assert_array_equal(from_columns.columns[name], from_frame.columns[name])
    # each site's rows keep their order: site 2's are 0101 then 0102
    assert from_columns.view(2).column("code").tolist() == ["0101", "0102"]
    assert from_columns.view(2).total("planar_m2", np.array([True, True])) == 1.0
    assert len(Rows({"site": np.array([], dtype=int)}, None).view(0)) == 0


def test_rows_sorted_already_hold_a_copy_of_their_own():
    """Rows of a table sorted by site are not views of the arrays given (nor keep them alive)."""
    table = {name: values[[1, 3, 0, 2]] for name, values in _rows_table().items()}
    rows = Rows(table, None)
    assert rows.view(2).column("code").tolist() == ["0101", "0102"]
    table["planar_m2"][:] = -1.0
    assert rows.columns["planar_m2"].tolist()[:2] == [2.0, 4.0]
    assert not np.shares_memory(rows.columns["planar_m2"], table["planar_m2"])


def test_a_finding_dict_cites_its_basis_and_lists_of_its_own():
    from landcheck.profile import Text
    from landcheck.rules import Finding
    from landcheck.units import Area

    basis = (Text("法一", "Law one"), Text("法二", "Law two"))
    finding = Finding(
        site_id="S1", check="c", layer="l", status="info", area=Area(1.0, 1.0),
        templates=Text("甲", "A"), values=(), basis=basis, basis_dates=("2019-08-26", "2021-01-01"),
        documents=(), outcome="ok", title=Text("题", "Title"), basis_marks=("V", ""),
    )  # fmt: skip
    first = finding.to_dict()
    assert first["basis"] == ["法一（2019-08-26）〔V〕", "法二（2021-01-01）"]
    assert first["basis_en"] == ["Law one (2019-08-26) [V]", "Law two (2021-01-01)"]
    assert first["basis_marks"] == ["V", ""]
    assert first["basis"] == [c.cite("zh") for c in finding.citations]
    first["basis"].append("changed")
    assert finding.to_dict()["basis"] == ["法一（2019-08-26）〔V〕", "法二（2021-01-01）"]


def test_ownership_codes_in_python_are_those_pandas_string_methods_give(monkeypatch):
    from landcheck import measure

    values = np.array(
        [" 30 ", "20.00", "31.5", "10", "3.0.0", "\u300030\u3000", "30.0\n", "x.0y", "", ".0"],
        dtype=object,
    )
    mine = measure._ownership_codes(values).tolist()
    assert mine[:3] == ["30", "20", "31.5"]
    monkeypatch.setattr(measure, "PYTHON_TEXTS", 0)
    assert measure._ownership_codes(values).tolist() == mine


@pytest.mark.parametrize(
    "values",
    [
        np.array(["0101", "旱地", ""], dtype=object),
        np.array(["0101", None, np.nan], dtype=object),
        np.array([None, None], dtype=object),
        np.array(["0101", 3, None], dtype=object),
        np.array([], dtype=object),
        np.array([1.5, np.nan]),
        np.array([3, 1], dtype=np.int64),
    ],
)
def test_class_columns_are_those_a_frame_of_them_gives(values):
    from landcheck.measure import _as_frame_column

    mine = _as_frame_column(values)
    expected = np.asarray(pd.DataFrame({"a": values})["a"])
    assert mine.dtype == expected.dtype
    assert [repr(v) for v in mine.tolist()] == [repr(v) for v in expected.tolist()]


@pytest.mark.parametrize(
    "values",
    [
        pd.Series([5.0, np.nan, 2.5], index=pd.Index([2, 0, 7], name="site")),  # 7: not a site
        pd.Series([], dtype=float, index=pd.Index([], name="site")),
        pd.Series([1.0], index=pd.Index([0], dtype=np.int64, name="site")),
    ],
)
def test_values_per_position_are_the_reindexed_values(values):
    from landcheck.measure import _per_position

    expected = values.reindex(range(4), fill_value=0.0).to_numpy()
    got = _per_position(values.index.to_numpy(), values.to_numpy(), 4)
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)


def _class_view(rows: Rows, position: int) -> SiteLayer:
    return SiteLayer(key="lu", kind="land_use", position=position, tables=(rows, rows, rows))


def test_class_sums_from_the_table_wide_masks_are_the_per_site_sums_bit_for_bit():
    rng = np.random.default_rng(14)
    sites = np.repeat(np.arange(60), rng.integers(0, 25, 60))  # up to 24 rows a site
    size = len(sites)
    levels = np.array(["01", "02", "03", None], dtype=object)[rng.integers(0, 4, size)]
    planar = rng.random(size) * 10.0 ** rng.integers(-3, 7, size)
    planar[rng.random(size) < 0.05] = np.nan
    rows = Rows(
        {
            "site": sites,
            "code": np.array([f"{i:04d}" for i in range(size)], dtype=object),
            "level1": levels,
            "planar_m2": planar,
            "ellipsoidal_m2": planar * 1.0001,
            "max_width_m": rng.random(size) * 50.0,
        },
        "code",
    )
    for position in range(61):
        view = _class_view(rows, position)
        start, stop = rows.span(position)
        wanted = np.array([key in ("01", "03") for key in levels[start:stop]], dtype=bool)
        for invert in (False, True):
            got = view.classes_where("level1", ("01", "03"), AreaMethod.PLANAR, invert=invert)
            chosen = ~wanted if invert else wanted
            for name, value in (
                ("planar_m2", got.planar_m2),
                ("ellipsoidal_m2", got.ellipsoidal_m2),
            ):
                expected = np.nan_to_num(rows.columns[name][start:stop], nan=0.0)[chosen].sum()
                assert value == float(expected)
            assert got.method is AreaMethod.PLANAR
            again = _class_view(rows, position).classes_where(
                "level1", ("01", "03"), AreaMethod.PLANAR, invert=invert
            )
            assert again is got  # every site's areas made once per table and question
        ridges = view.classes_where("level1", ("01", "03"), AreaMethod.PLANAR, ridges=True)
        assert ridges.planar_m2 == 0.0 and ridges.ellipsoidal_m2 == 0.0  # no ridge columns
        assert view.classes_where("no such column", ("01",), AreaMethod.PLANAR).planar_m2 == 0.0
        widths = rows.columns["max_width_m"][start:stop][wanted]
        assert view.width_where("level1", ("01", "03")) == (max(widths) if len(widths) else 0.0)
    assert rows.isin("level1", ("01", "03")) is rows.isin("level1", ("01", "03"))  # made once


def test_the_sites_with_none_of_a_question_s_classes_share_one_zero_area():
    rows = Rows(
        {
            "site": np.array([0, 1, 1, 2]),
            "code": np.array(["0101", "0101", "0301", "0301"], dtype=object),
            "level1": np.array(["01", "01", "03", "03"], dtype=object),
            "planar_m2": np.array([5.0, 7.0, 11.0, 13.0]),
            "ellipsoidal_m2": np.array([5.5, 7.5, 11.5, 13.5]),
        },
        "code",
    )
    got = [
        _class_view(rows, p).classes_where("level1", ("01",), AreaMethod.PLANAR) for p in range(4)
    ]
    assert [(a.planar_m2, a.ellipsoidal_m2) for a in got] == [(5, 5.5), (7, 7.5), (0, 0), (0, 0)]
    assert got[2] is got[3]  # site 2 has rows, site 3 none: the same zero


@pytest.mark.parametrize("share", [0.3, 0.7, 1.0])
def test_group_sums_are_numpys_own_sums_bit_for_bit(share):
    from landcheck.groupsums import group_sums

    rng = np.random.default_rng(int(share * 10))
    counts = np.tile(np.arange(41), 40)  # every group size from none to 40 rows, 40 times
    stops = np.cumsum(counts)
    starts = stops - counts
    values = rng.random(stops[-1]) * 10.0 ** rng.integers(-4, 8, stops[-1])
    mask = rng.random(stops[-1]) < share
    got = group_sums(values, mask, starts, stops)
    expected = [values[a:b][mask[a:b]].sum() for a, b in zip(starts, stops, strict=True)]
    assert got.tolist() == [float(e) for e in expected]  # ==, not approximately


def test_group_maxima_are_the_groups_maxima():
    from landcheck.groupsums import group_maxima

    values = np.array([3.0, np.nan, 1.0, 2.0, 8.0, 5.0])
    mask = np.array([True, True, True, False, True, True])
    got = group_maxima(values, mask, np.array([0, 2, 3, 4]))
    np.testing.assert_array_equal(got, [np.nan, 1.0, 0.0, 8.0])


def test_class_sums_are_made_once_per_table_for_every_site():
    rows = Rows(
        {
            "site": np.array([0, 0, 1]),
            "code": np.array(["0101", "0201", "0101"], dtype=object),
            "planar_m2": np.array([1.0, 2.0, 4.0]),
        },
        "code",
    )
    first = rows.sums_where("planar_m2", "code", ("0101",))
    assert rows.sums_where("planar_m2", "code", ("0101",)) is first
    assert first.tolist() == [1.0, 4.0]
    by_position = rows.by_position(
        ("paddy",), lambda: rows.sums_where("planar_m2", "code", ("0101",))
    )
    assert [by_position.get(p, "none") for p in range(4)] == [1.0, 4.0, "none", "none"]
    assert by_position[1] == 4.0  # site 2 has no rows
    assert by_position.get(-1, "none") == "none"  # a view of no site, not the last one
    assert rows.by_position(("paddy",), lambda: pytest.fail("made twice")) is by_position


def test_site_texts_are_the_columns_astype_str_from_one_list_per_table():
    rows = Rows(
        {
            "site": np.array([0, 0, 1]),
            "grade": np.array(["2", 3.0, None], dtype=object),
            "planar_m2": np.array([1.0, 2.0, 4.0]),
        },
        None,
    )
    for position in (0, 1, 2):
        view = rows.view(position)
        assert view.texts("grade") == view.column("grade").astype(str).tolist()
    assert rows.texts("grade") is rows.texts("grade")
    assert rows.view(0).texts("no such column") == []


_MANY = _FEW_ROWS + 1


@pytest.mark.parametrize(
    "values",
    [
        np.array([3, 1, 3, 2]),
        np.array([], dtype=np.int64),
        np.array([True, False, True]),
        np.array([7] * _MANY, dtype=np.uint16),
        np.array(["b", "a", "旱地", "b", ""], dtype=object),
        np.array([], dtype=object),
        np.array(["0101", "0102"] * _MANY, dtype=object),
        np.array([np.str_("b"), "a", "b"], dtype=object),  # a subclass of str: pandas
        np.array(["b", None, "a"], dtype=object),  # missing values: pandas
        np.array([2.5, 1.0, 2.5]),
    ],
)
def test_sorted_codes_are_pandas_factorize_sorted(values):
    codes, unique = _sorted_codes(values)
    expected_codes, expected_unique = pd.factorize(values, sort=True)
    expected_unique = np.asarray(expected_unique)
    assert codes.dtype == expected_codes.dtype and codes.tolist() == expected_codes.tolist()
    assert unique.dtype == expected_unique.dtype
    assert [type(v) for v in unique] == [type(v) for v in expected_unique]
    assert unique.tolist() == expected_unique.tolist()


@pytest.mark.parametrize("count", [3, _MANY])
def test_shared_text_is_one_object_per_distinct_value(count):
    values = np.array(["".join(["01", str(i % 2)]) for i in range(count)], dtype=object)
    shared = _shared(values)
    assert shared.dtype == object and shared.tolist() == values.tolist()
    assert len({id(v) for v in shared}) == 2 < len({id(v) for v in values})


@pytest.mark.parametrize(
    "values",
    [np.array(["a", None], dtype=object), np.array([], dtype=object), np.array([1.5, 2.5])],
)
def test_shared_leaves_columns_not_all_text_as_they_are(values):
    assert _shared(values) is values
