"""The summary's 合计 is the sites' unrounded areas summed, then rounded once.

Six sites of exactly 1/6 ha of collective 耕地, one project: the 征收 finding says 耕地 1.0000 公顷
and the 亩 column 15.00, while the 合计 row added the rounded rows, 6 × 0.1667 = 1.0002 公顷 of site
area and of 耕地, with no word why (domain.md: round after summing).
"""

from __future__ import annotations

import openpyxl
import pytest
from common import county, frame, sites, square

import landcheck
from landcheck.tables import report_tables, round_tree

PLANAR = {"area_method": "planar", "coverage": county()}
SIXTH = 100 / 6  # a 100 m x 16.67 m site: 1/6 ha


@pytest.fixture(scope="module")
def six_sixths():
    survey = frame(
        [
            {
                "BSM": "L1",
                "DLBM": "0103",
                "QSXZ": "30",
                "KCXS": 0.0,
                "geometry": square(-100, -100, 9000, 1000),
            }
        ]
    )
    farmland = frame([{"BSM": "F1", "DLBM": "0101", "geometry": square(9500, 9500, 10)}])
    plots = sites(*[square(1000 * i, 0, 100, SIXTH) for i in range(6)], project_id=["P1"] * 6)
    return landcheck.check(plots, layers={"land_use": survey, "farmland": farmland}, **PLANAR)


def test_the_summary_total_is_the_exact_total_rounded_once(six_sixths):
    for lang in ("zh", "en"):
        summary = report_tables(six_sixths, lang)["summary"]
        shown = summary.rounded.set_index("site_id")
        total = "合计" if lang == "zh" else "Total"
        assert shown.loc["S1", "ha"] == 0.1667 and shown.loc["S6", "ha"] == 0.1667
        assert shown.loc[total, "ha"] == shown.loc[total, "cultivated_ha"] == 1.0
        assert shown.loc[total, "mu"] == 15.0
    assert (
        "耕地 1.0000 公顷"
        in next(f for f in six_sixths.site_findings("S1") if f.check == "expropriation").message.zh
    )


def test_the_summary_note_says_when_the_rows_do_not_add_up_to_the_total(six_sixths, tmp_path):
    zh = report_tables(six_sixths, "zh")["summary"].note
    assert "合计为未修约面积之和修约所得，各行分别修约，其和与合计不等：" in zh
    assert "用地面积（公顷）各行之和 1.0002" in zh and "占用耕地（公顷）各行之和 1.0002" in zh
    assert "亩" not in zh.split("不等：")[1]  # 6 x 2.50 = 15.00: that column adds up
    en = report_tables(six_sixths, "en")["summary"].note
    assert "the rows add up to site area (ha) 1.0002, cultivated land taken (ha) 1.0002" in en
    six_sixths.to_report(tmp_path / "rep", formats=["xlsx"])
    sheet = openpyxl.load_workbook(tmp_path / "rep" / "report.xlsx")["汇总"]
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert 1.0002 not in cells and any(isinstance(c, str) and "各行之和 1.0002" in c for c in cells)


def test_a_summary_whose_rows_add_up_says_nothing_of_it():
    plots = sites(square(0, 0, 100), square(1000, 0, 100, 50))
    summary = report_tables(landcheck.check(plots, layers={}, **PLANAR), "zh")["summary"]
    assert summary.rounded["ha"].tolist() == [1.0, 0.5, 1.5]
    assert "不等" not in summary.note


def test_a_total_over_rows_rounded_on_their_own_is_its_own_value_rounded():
    shown = round_tree([2.01, 1.005, 1.005], [-1, 0, 0], 2, sums=[True, False, False])
    assert shown.tolist() == [2.01, 1.0, 1.0]


def test_the_site_tables_label_the_site_id_as_such_and_list_the_project(six_sixths):
    # the site-id column was headed 项目编号, the Chinese name of the project_id field
    tables = report_tables(six_sixths, "zh")
    for key in ("summary", "basic"):
        headers = tables[key].headers()
        assert headers[:2] == ["用地编号", "项目编号"]
        shown = tables[key].rounded
        assert shown["project_id"].tolist()[:6] == ["P1"] * 6
    assert report_tables(six_sixths, "en")["summary"].headers()[:2] == ["site", "project"]
    alone = landcheck.check(sites(square(0, 0, 100)), layers={}, **PLANAR)
    assert report_tables(alone, "zh")["summary"].headers()[:2] == ["用地编号", "项目名称"]
