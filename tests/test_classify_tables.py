"""The land-use code tables: 三调 2019 corrections and the 2023 用地用海 table."""

from __future__ import annotations

from importlib import resources

import pandas as pd
import pytest

from landcheck.classify import BUILTIN_TABLES, _read_table, load_code_table
from landcheck.classify.choices import apply_category_choices, disputed_categories
from landcheck.classify.systems import LAND_USE_SYSTEMS
from landcheck.errors import InputDataError

CATEGORIES = {"农用地", "建设用地", "未利用地"}
SEA_LEVEL1 = {"18", "19", "20", "21", "22", "24"}


@pytest.fixture(scope="module")
def sandiao():
    return load_code_table("sandiao-2019")


@pytest.fixture(scope="module")
def ydyh():
    return load_code_table("ydyh-2023")


def test_builtin_tables_are_registered():
    assert set(BUILTIN_TABLES) == {"sandiao-2019", "ydyh-2023", "planning-zones-2020"}
    assert set(LAND_USE_SYSTEMS) == {"sandiao-2019", "ydyh-2023"}


# ------------------------------------------------------------------- 三调 corrections


def test_salt_pan_is_industrial_and_mining_land_not_wetland(sandiao):
    assert sandiao.value("0603", "level1") == "06"
    assert sandiao.value("0603", "level1_name") == "工矿用地"
    assert sandiao.value("0603", "category") == "建设用地"


def test_the_wetland_class_holds_exactly_seven_codes(sandiao):
    wetland = sandiao.frame.index[sandiao.frame["level1"] == "00"]
    assert sorted(wetland) == ["0303", "0304", "0306", "0402", "1105", "1106", "1108"]
    assert set(sandiao.frame.loc[wetland, "level1_name"]) == {"湿地"}


def test_commercial_level1_is_named_as_the_work_classification_names_it(sandiao):
    for code in ("05H1", "0508"):
        assert sandiao.value(code, "level1_name") == "商业服务业用地"


def test_level1_names_are_one_per_level1_code(sandiao, ydyh):
    for table in (sandiao, ydyh):
        names = table.frame.groupby("level1")["level1_name"].nunique()
        assert (names == 1).all(), names[names > 1]


def test_disputed_sandiao_entries_carry_their_alternatives_and_sources(sandiao):
    disputes = disputed_categories(sandiao)
    assert disputes == {
        "0404": ("未利用地", "农用地"),
        "1103": ("农用地", "建设用地"),
        "1107A": ("农用地", "建设用地"),
        "1208": ("农用地", "未利用地"),
    }
    for code in disputes:
        assert sandiao.value(code, "alt_source"), code
        assert "[" in sandiao.value(code, "alt_source"), code  # a [P]/[U] mark


def test_every_listed_category_is_one_of_the_three(sandiao, ydyh):
    for table in (sandiao, ydyh):
        for options in disputed_categories(table).values():
            assert set(options) <= CATEGORIES


# ------------------------------------------------------------------- 2023 用地用海 table


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("0601", "农村道路"),
        ("060101", "村道用地"),
        ("060102", "田间道"),
        ("0701", "城镇住宅用地"),
        ("0702", "城镇社区服务设施用地"),
        ("0703", "农村宅基地"),
        ("0801", "机关团体用地"),
        ("1003", "盐田"),
        ("1201", "铁路用地"),
        ("1202", "公路用地"),
        ("1203", "机场用地"),
        ("1209", "其他交通设施用地"),
        ("1301", "供水用地"),
        ("1311", "水工设施用地"),
        ("1312", "其他公用设施用地"),
        ("16", "留白用地"),
        ("2301", "空闲地"),
        ("2302", "后备耕地"),
        ("2303", "田坎"),
        ("2307", "裸岩石砾地"),
        ("2005", "其他交通运输用海"),
        ("24", "其他海域"),
    ],
)
def test_2023_codes_and_names(ydyh, code, name):
    assert ydyh.value(code, "name") == name


def test_2023_level2_series_are_complete(ydyh):
    codes = set(ydyh.frame.index)
    assert {f"12{i:02d}" for i in range(1, 10)} <= codes
    assert {f"13{i:02d}" for i in range(1, 13)} <= codes
    assert {f"23{i:02d}" for i in range(1, 8)} <= codes
    assert {f"05{i:02d}" for i in range(1, 8)} <= codes
    assert {"18", "19", "20", "21", "22", "24"} <= codes
    assert len(codes) == 170


def test_2023_rows_name_their_level1_and_source(ydyh):
    frame = ydyh.frame
    assert (frame["level1"] == frame.index.str[:2]).all()
    assert frame["source"].str.startswith("234号 [P: S17").all()
    only_s17 = frame.index[~frame["source"].str.startswith("234号 [P: S17, CCT]")]
    assert sorted(only_s17) == ["0601", "10", "12", "13"]
    assert (frame["name_en"] != "").all() and (frame["level1_name_en"] != "").all()


def test_2023_land_has_a_category_and_sea_has_none(ydyh):
    frame = ydyh.frame
    sea = frame["level1"].isin(SEA_LEVEL1)
    assert set(frame.loc[~sea, "category"]) == CATEGORIES
    assert set(frame.loc[sea, "category"]) == {""}
    assert frame.loc[sea, "note"].str.contains("divide land, not sea").all()


def test_2023_level1_rows_only_where_all_their_classes_share_a_category(ydyh):
    frame = ydyh.frame
    for level1, members in frame.groupby("level1"):
        children = members[members.index != level1]
        categories = set(children["category"])
        disputed = any(children["category_alt"] != "")
        if level1 in frame.index:
            assert categories <= {frame.at[level1, "category"]}, level1
            assert not disputed, level1
        else:
            assert len(categories) > 1 or disputed, level1
    assert not {"04", "05", "06", "17", "23"} & set(frame.index)


def test_2023_three_categories_of_the_classes_the_issue_names(ydyh):
    assert ydyh.value("0601", "category") == "农用地"
    assert ydyh.value("060101", "category") == "农用地"
    assert ydyh.value("060102", "category") == "农用地"
    assert ydyh.value("0602", "category") == "农用地"
    assert ydyh.value("1202", "category") == "建设用地"
    assert ydyh.value("1203", "category") == "建设用地"
    assert ydyh.value("1003", "category") == "建设用地"
    assert ydyh.value("2303", "category") == "农用地"
    assert ydyh.value("2306", "category") == "未利用地"
    assert disputed_categories(ydyh) == {
        "0403": ("未利用地", "农用地"),
        "0601": ("农用地", "建设用地"),
        "060101": ("农用地", "建设用地"),
        "1703": ("农用地", "建设用地"),
        "2302": ("农用地", "未利用地"),
    }


def test_cultivated_land_is_level1_01_in_both_systems(sandiao, ydyh):
    for table in (sandiao, ydyh):
        for code, name in (("0101", "水田"), ("0102", "水浇地"), ("0103", "旱地")):
            assert (table.value(code, "name"), table.value(code, "level1")) == (name, "01")


@pytest.mark.parametrize(
    ("code", "as_sandiao", "as_2023"),
    [
        ("0601", "工业用地", "农村道路"),
        ("0602", "采矿用地", "设施农用地"),
        ("1101", "河流水面", "物流仓储用地"),
        ("1202", "设施农用地", "公路用地"),
        ("1203", "田坎", "机场用地"),
        ("0303", "红树林地", "灌木林地"),
    ],
)
def test_codes_collide_between_the_systems(sandiao, ydyh, code, as_sandiao, as_2023):
    assert sandiao.value(code, "name") == as_sandiao
    assert ydyh.value(code, "name") == as_2023


def test_field_ridges_have_their_own_code_in_each_system(sandiao, ydyh):
    assert (sandiao.ridge_code, sandiao.value("1203", "name")) == ("1203", "田坎")
    assert (ydyh.ridge_code, ydyh.value("2303", "name")) == ("2303", "田坎")


def test_letter_suffixes_are_variants_in_sandiao_only(sandiao, ydyh):
    assert sandiao.resolve("0201K") == "0201"
    assert ydyh.resolve("0201K") is None
    assert ydyh.resolve("0201") == "0201"


# ------------------------------------------------------------------- reading the CSV files


def _read_with_pandas(path):
    """A table read as it was before the csv module did it: pandas, every value text."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame["code"] = frame["code"].str.strip().str.upper()
    aliases = frame.pop("aliases") if "aliases" in frame else None
    return frame.set_index("code"), aliases


@pytest.mark.parametrize("name", sorted(BUILTIN_TABLES))
def test_a_table_read_with_csv_equals_pandas_reading_it(name):
    table = load_code_table(name)
    path = resources.files("landcheck.classify").joinpath(BUILTIN_TABLES[name])
    expected, aliases = _read_with_pandas(path)
    # column by column, value and dtype, and the index
    pd.testing.assert_frame_equal(table.frame, expected, check_dtype=True, check_exact=True)
    assert list(table.frame.dtypes) == list(expected.dtypes)
    assert table.frame.index.dtype == expected.index.dtype
    for column in expected.columns:  # the lookups, built from the columns, are the frame's
        assert table.lookup(column) == dict(
            zip(expected.index, expected[column].astype(str), strict=True)
        )
    listed = (
        []
        if aliases is None
        else [
            (a.strip(), code)
            for code, text in zip(expected.index, aliases, strict=True)
            for a in text.split(";")
            if a.strip()
        ]
    )
    assert list(table.aliases) == listed
    if name == "sandiao-2019":
        assert ("有林地", "0301") in listed


def test_reading_a_table_and_its_lookups_build_no_frame():
    path = resources.files("landcheck.classify").joinpath(BUILTIN_TABLES["sandiao-2019"])
    with path.open(encoding="utf-8", newline="") as handle:
        table = _read_table("sandiao-2019", handle)
    assert table.resolve("0201K") == "0201"
    assert table.by_name("有林地") == "0301"
    assert table.names_of("0301") == {"乔木林地", "有林地"}
    assert table.value("0603", "category") == "建设用地"
    assert table.value("0603", "no such column", "-") == "-"
    assert disputed_categories(table)["1107A"] == ("农用地", "建设用地")
    chosen, _ = apply_category_choices(table, {"1107A": "建设用地"})
    assert chosen.lookup("category")["1107A"] == "建设用地"
    assert "frame" not in vars(table) and "frame" not in vars(chosen)


def test_a_chosen_category_is_in_the_new_tables_frame_only():
    table = load_code_table("sandiao-2019")
    chosen, applied = apply_category_choices(table, {"1107A": "建设用地", "0404": "农用地"})
    assert applied == {"1107A": "建设用地", "0404": "农用地"}
    expected = table.frame.copy()
    expected.loc[["1107A", "0404"], "category"] = ["建设用地", "农用地"]
    pd.testing.assert_frame_equal(chosen.frame, expected, check_exact=True)
    assert table.frame.at["1107A", "category"] == "农用地"
    assert chosen.value("0404", "category") == "农用地"


def test_a_row_with_a_missing_field_is_refused_with_its_line():
    lines = ["code,name,category\n", "0101,水田,农用地\n", "\n", "0102,水浇地\n"]
    with pytest.raises(InputDataError, match=r"'mine', line 4: 2 field\(s\) where the header"):
        _read_table("mine", lines)


def test_a_code_listed_twice_after_normalising_is_refused():
    lines = ["code,name\n", "0201k,果园\n", " 0201K ,可调整果园\n"]
    with pytest.raises(InputDataError, match=r"lists code\(s\) 0201K twice"):
        _read_table("mine", lines)
    assert _read_table("mine", lines[:2]).resolve("0201K") == "0201K"
