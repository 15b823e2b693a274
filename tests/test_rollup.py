"""The land-use roll-up: one set of sums for findings.json and the land-class tables.

Numbers from the report case (tests/report_case.py), known by construction:
S1 has paddy 0101 100 x 100 m (KCXS 0.1), dry land 0103 50 x 100 m (KCXS 0.2)
and homestead 0702 30 x 100 m, so 水田 9,000 m², 旱地 4,000 m², 田坎 2,000 m²,
农村宅基地 3,000 m² (planar areas).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from report_case import result

from landcheck.rollup import CATEGORIES, LandUseRollup
from landcheck.tables import report_tables
from landcheck.units import AreaMethod


@pytest.fixture(scope="module")
def checked():
    return result()


def s1_rollup(checked):
    return LandUseRollup(checked.layer("S1", "land_use").classes)


def test_sums_of_the_case_known_by_construction(checked):
    rollup = s1_rollup(checked)
    assert rollup.category("农用地").planar_m2 == pytest.approx(15_000.0)
    assert rollup.category("建设用地").planar_m2 == pytest.approx(3_000.0)
    assert rollup.category("未利用地").planar_m2 == 0.0
    assert rollup.cultivated.planar_m2 == pytest.approx(13_000.0)
    assert rollup.kind("0101").planar_m2 == pytest.approx(9_000.0)
    assert rollup.kind("0102").planar_m2 == 0.0
    assert rollup.kind("0103").planar_m2 == pytest.approx(4_000.0)
    assert rollup.ridges.planar_m2 == pytest.approx(2_000.0)
    assert rollup.total.planar_m2 == pytest.approx(18_000.0)
    # the survey areas (TBMJ) of whole parcels inside the site, shared out net of ridges
    assert rollup.kind("0101").survey_m2 == pytest.approx(9_000.0)


def test_lines_category_then_level1_then_class_with_ridges_apart(checked):
    lines = s1_rollup(checked).lines
    assert [line.key for line in lines] == ["category:农用地", "category:建设用地"]
    agricultural = lines[0]
    assert [line.key for line in agricultural.lines] == ["level1:01", "ridges"]
    cultivated, ridges = agricultural.lines
    assert [line.key for line in cultivated.lines] == ["class:0101", "class:0103"]
    assert ridges.code == "1203" and ridges.total.planar_m2 == pytest.approx(2_000.0)
    assert cultivated.total.planar_m2 == pytest.approx(13_000.0)
    assert [line.key for line in lines[1].lines] == ["level1:07"]
    assert [line.key for line in lines[1].lines[0].lines] == ["class:0702"]


def test_findings_json_and_the_tables_read_the_same_sums(checked):
    data = checked.to_dict()
    s1 = next(site for site in data["sites"] if site["site_id"] == "S1")["layers"]["land_use"]
    table = report_tables(checked, "zh")["land_classes"].frame
    lines = table[table["site_id"] == "S1"].set_index("_key")
    for name in ("农用地", "建设用地"):
        for column in ("planar_m2", "ellipsoidal_m2"):
            assert s1["categories"][name][column] == lines.loc[f"category:{name}", column]
    assert s1["categories"]["未利用地"]["planar_m2"] == 0.0
    assert "category:未利用地" not in lines.index
    for column in ("planar_m2", "ellipsoidal_m2"):
        assert s1["cultivated"]["total"][column] == lines.loc["level1:01", column]
        assert s1["cultivated"]["0101"][column] == lines.loc["class:0101", column]
        assert s1["tiankan"][column] == lines.loc["ridges", column]
    summary = report_tables(checked, "zh")["summary"].frame.set_index("site_id")
    assert summary.loc["S1", "cultivated_ha"] == s1["cultivated"]["total"]["planar_m2"] / 10_000


def test_villages_roll_up_as_the_site_does(checked):
    units = report_tables(checked, "zh")["land_by_unit"].site_rows("S1").set_index("unit_name")
    # 甲村: the paddy, 10,000 m² gross of which 1,000 m² ridges
    assert units.loc["甲村", "total_ha"] == pytest.approx(1.0)
    assert units.loc["甲村", "agri_ha"] == pytest.approx(1.0)
    assert units.loc["甲村", "cultivated_ha"] == pytest.approx(0.9)
    assert units.loc["甲村", "ridge_ha"] == pytest.approx(0.1)
    # 乙村: the dry land, 5,000 m² gross of which 1,000 m² ridges, and the homestead
    assert units.loc["乙村", "total_ha"] == pytest.approx(0.8)
    assert units.loc["乙村", "agri_ha"] == pytest.approx(0.5)
    assert units.loc["乙村", "cultivated_ha"] == pytest.approx(0.4)
    assert units.loc["乙村", "ridge_ha"] == pytest.approx(0.1)
    assert units.loc["乙村", "construction_ha"] == pytest.approx(0.3)
    assert units.loc["合计", "agri_ha"] == pytest.approx(1.5)


def classes(**columns):
    index = columns.pop("index")
    return pd.DataFrame(columns, index=index)


def test_codes_no_table_knows_are_unclassified_and_in_no_category():
    rollup = LandUseRollup(
        classes(
            index=["0301", "9999", "8888"],
            planar_m2=[100.0, 20.0, 5.0],
            ellipsoidal_m2=[101.0, 20.5, 5.5],
            category=["农用地", None, None],
            level1=["03", None, None],
            table_code=["0301", None, None],
        )
    )
    assert [line.key for line in rollup.lines] == ["category:农用地", "category:"]
    other = rollup.lines[1]
    assert other.kind == "unclassified"
    assert [line.key for line in other.lines] == ["class:8888", "class:9999"]
    assert other.total.planar_m2 == 25.0 and other.total.ellipsoidal_m2 == 26.0
    assert sum(rollup.category(name).planar_m2 for name in CATEGORIES) == 100.0


def test_field_ridges_are_known_by_their_code_without_a_code_table():
    rollup = LandUseRollup(
        classes(index=["0101", "1203"], planar_m2=[900.0, 100.0], ellipsoidal_m2=[901.0, 100.1])
    )
    assert rollup.ridges.planar_m2 == 100.0
    assert rollup.cultivated.planar_m2 == 0.0  # no level-1 codes to say what is cultivated
    (other,) = rollup.lines
    assert [line.key for line in other.lines] == ["class:0101", "ridges"]


def test_no_classes_is_nothing_and_the_survey_share_unknown():
    rollup = LandUseRollup(pd.DataFrame())
    assert rollup.lines == ()
    assert rollup.total.planar_m2 == 0.0 and rollup.total.ellipsoidal_m2 == 0.0
    assert math.isnan(rollup.total.survey_m2)
    assert rollup.category("农用地").area(AreaMethod.PLANAR).ha == 0.0


def test_survey_shares_sum_only_when_every_class_has_one():
    rollup = LandUseRollup(
        classes(
            index=["0101", "0103"],
            planar_m2=[10.0, 20.0],
            ellipsoidal_m2=[10.0, 20.0],
            survey_m2=[12.0, float("nan")],
            level1=["01", "01"],
            table_code=["0101", "0103"],
        )
    )
    # the 12 m² of 0101 alone is not the cultivated land's share: 0103 has none
    assert math.isnan(rollup.cultivated.survey_m2)
    assert math.isnan(rollup.kind("0103").survey_m2)
    assert rollup.kind("0101").survey_m2 == 12.0


def test_the_driving_method_picks_the_area():
    rollup = LandUseRollup(
        classes(index=["0101"], planar_m2=[10_000.0], ellipsoidal_m2=[10_010.0], level1=["01"])
    )
    assert rollup.cultivated.area(AreaMethod.PLANAR).ha == 1.0
    assert rollup.cultivated.area(AreaMethod.ELLIPSOIDAL).m2 == 10_010.0


def test_the_ridge_code_is_the_classifications():
    given = classes(
        index=["0103", "2303", "1203"],
        planar_m2=[800.0, 200.0, 50.0],
        ellipsoidal_m2=[800.0, 200.0, 50.0],
        category=["农用地", "农用地", "农用地"],
        level1=["01", "23", "12"],
    )
    rollup = LandUseRollup(given, ridge_code="2303")
    assert rollup.ridges.planar_m2 == 200.0
    (agricultural,) = rollup.lines
    assert [(line.key, line.code) for line in agricultural.lines] == [
        ("level1:01", "01"),
        ("level1:12", "12"),
        ("ridges", "2303"),
    ]
    assert LandUseRollup(given).ridges.planar_m2 == 50.0  # 三调's 1203 by default


def _same(a, b):
    """Two sums equal, an unknown survey share (NaN) equal to another."""
    return (a.planar_m2, a.ellipsoidal_m2) == (b.planar_m2, b.ellipsoidal_m2) and (
        a.survey_m2 == b.survey_m2 or (math.isnan(a.survey_m2) and math.isnan(b.survey_m2))
    )


def _walk(lines):
    for line in lines:
        yield line
        yield from _walk(line.lines)


def test_lines_of_the_rows_name_and_sum_the_classes_of_the_frame(checked):
    view = checked.layer("S1", "land_use")
    of_rows = list(_walk(LandUseRollup(view.class_rows, ridge_code=view.ridge_code).lines))
    of_frame = list(_walk(LandUseRollup(view.classes, ridge_code=view.ridge_code).lines))
    assert [line.key for line in of_rows] == [line.key for line in of_frame]
    assert len(of_rows) == 8  # 2 categories, 2 level-1 classes, 3 classes, ridges
    for a, b in zip(of_rows, of_frame, strict=True):
        assert _same(a.total, b.total)
        assert a.positions.tolist() == b.positions.tolist()
        pd.testing.assert_frame_equal(a.rows, b.rows)
        for column in ("category", "level1", "table_code", "name", "level1_name", "absent"):
            first = b.rows[column].iat[0] if column in b.rows else None
            assert a.first(column) == b.first(column) == first
    paddy = next(line for line in of_rows if line.key == "class:0101")
    assert (paddy.first("table_code"), paddy.rows.index.tolist()) == ("0101", ["0101"])


def _random_class_table(seed: int, sites: int = 80):
    """A class table of ``sites`` sites (the last few without rows): 0 to 13 classes a site,
    codes repeated, unknown categories, unknown areas and survey shares."""
    import numpy as np

    from landcheck.measure import Rows

    rng = np.random.default_rng(seed)
    site = np.repeat(np.arange(sites), rng.integers(0, 14, sites))
    size = len(site)
    pick = rng.integers(0, 7, size)
    codes = np.array(["0101", "0102", "0103", "0201", "0702", "1203", "9999"], dtype=object)[pick]
    category = np.array(["农用地"] * 4 + ["建设用地", None, ""], dtype=object)[pick]
    level1 = np.array(["01", "01", "01", "02", "07", "12", "99"], dtype=object)[pick]
    planar = rng.random(size) * 10.0 ** rng.integers(-2, 6, size)
    planar[rng.random(size) < 0.1] = np.nan  # unknown areas are left out
    survey = planar * 0.9997
    survey[rng.random(size) < 0.5] = np.nan
    columns = {
        "site": site,
        "code": codes,
        "category": category,
        "level1": level1,
        "table_code": codes,
        "level1_name": level1,
        "planar_m2": planar,
        "ellipsoidal_m2": planar * 1.0003,
        "survey_m2": survey,
    }
    return Rows(columns, "code")


def _same_sum(a, b):
    return all(
        (x == y or (math.isnan(x) and math.isnan(y))) and math.copysign(1, x) == math.copysign(1, y)
        for x, y in zip(
            (a.planar_m2, a.ellipsoidal_m2, a.survey_m2),
            (b.planar_m2, b.ellipsoidal_m2, b.survey_m2),
            strict=True,
        )
    )


def _same_lines(table_lines, site_lines_, start):
    assert [line.key for line in table_lines] == [line.key for line in site_lines_]
    for got, expected in zip(table_lines, site_lines_, strict=True):
        assert (got.kind, got.code) == (expected.kind, expected.code)
        assert _same_sum(got.total, expected.total), got.key  # the same floats
        assert got.positions.tolist() == (expected.positions + start).tolist()
        for column in ("category", "level1", "level1_name", "table_code", "absent"):
            assert got.first(column) == expected.first(column)
        _same_lines(got.lines, expected.lines, start)


def test_every_sites_lines_are_its_rollups_lines_bit_for_bit():
    from landcheck.rollup import NO_LINES, site_lines

    rows = _random_class_table(11)
    made = site_lines(rows, "1203")
    large = 0
    for position in range(81):  # the last has no rows
        view = rows.view(position)
        rollup = LandUseRollup(view, ridge_code="1203")
        total, lines = made.get(position, NO_LINES)
        assert _same_sum(total, rollup.total)
        _same_lines(lines, rollup.lines, view.start)
        large += len(view) >= 8  # numpy's own pairwise sums too
        assert (position in made) == (len(view) > 0)
    assert large > 5
    assert {line.kind for lines in made.values() for line in lines[1]} == {
        "category",
        "unclassified",
    }
    assert site_lines(_random_class_table(3, sites=0), "1203") == {}


def test_cultivated_land_coded_at_level_1_only_leaves_its_kinds_unknown():
    # 耕地 coded "01" (用地用海 2023) beside 0101: the kinds summed 0101 4,500 m², 0102 and
    # 0103 0 beside 9,000 m² of 耕地, read as "no irrigated or dry land"
    classes = pd.DataFrame(
        {
            "planar_m2": [4_500.0, 4_500.0, 1_000.0],
            "ellipsoidal_m2": [4_500.5, 4_500.5, 1_000.1],
            "category": ["农用地", "农用地", "农用地"],
            "level1": ["01", "01", "23"],
            "table_code": ["0101", "01", "2303"],
        },
        index=["0101", "01", "2303"],
    )
    rollup = LandUseRollup(classes, ridge_code="2303")
    assert rollup.cultivated.planar_m2 == pytest.approx(9_000.0)
    assert rollup.unsplit.planar_m2 == pytest.approx(4_500.0)
    for code in ("0101", "0102", "0103"):
        kind = rollup.kind(code)
        assert math.isnan(kind.planar_m2) and math.isnan(kind.ellipsoidal_m2), code
    split = LandUseRollup(classes.drop(index="01"), ridge_code="2303")
    assert split.unsplit.planar_m2 == 0.0
    assert [split.kind(code).planar_m2 for code in ("0101", "0102", "0103")] == [4_500.0, 0, 0]


def test_every_sites_summary_sums_are_its_rollups_bit_for_bit():
    import numpy as np

    from landcheck.measure import Rows
    from landcheck.rollup import CULTIVATED_KINDS, summary_sums

    rng = np.random.default_rng(7)
    sites = np.repeat(np.arange(80), rng.integers(0, 14, 80))  # 0 to 13 classes a site
    size = len(sites)
    pick = rng.integers(0, 7, size)
    pick[(pick == 6) & (rng.random(size) < 0.8)] = 0  # a few sites with 耕地 coded "01" alone
    codes = np.array(["0101", "0102", "0103", "0201", "0702", "1203", "01"], dtype=object)[pick]
    category = np.array(["农用地"] * 4 + ["建设用地", None, "农用地"], dtype=object)[pick]
    level1 = np.array(["01", "01", "01", "02", "07", "12", "01"], dtype=object)[pick]
    planar = rng.random(size) * 10.0 ** rng.integers(-2, 6, size)
    planar[rng.random(size) < 0.1] = np.nan  # unknown areas are left out
    rows = Rows(
        {
            "site": sites,
            "code": codes,
            "category": category,
            "level1": level1,
            "table_code": codes,
            "planar_m2": planar,
            "ellipsoidal_m2": planar * 1.0003,
        },
        "code",
    )
    checked = unsplit = 0
    for position in range(81):  # the last has no rows
        rollup = LandUseRollup(rows.view(position), ridge_code="1203")
        lines = [
            *(rollup.category(name) for name in CATEGORIES),
            rollup.cultivated,
            *(rollup.kind(code) for code in CULTIVATED_KINDS),
            rollup.ridges,
        ]
        expected = tuple(v for line in lines for v in (line.planar_m2, line.ellipsoidal_m2))
        got = summary_sums(rows, "1203", position)
        assert np.array_equal(got, expected, equal_nan=True)  # the same floats, or both NaN
        assert all(type(v) is float for v in got)
        checked += len(rows.view(position)) >= 8  # numpy's own pairwise sums too
        unsplit += math.isnan(got[8])  # 0101 not known: part of the 耕地 coded "01" alone
    assert checked > 5 and 5 < unsplit < 75
    assert summary_sums(None, "1203", 0) == (0.0,) * 16
