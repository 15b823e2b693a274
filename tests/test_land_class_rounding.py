"""The land-class table shows 耕地, 田坎 and the 三大类 as the findings state them.

Analytic squares on the ellipsoid (the default area method), each a figure a reviewer
read twice in one draft opinion: the table rounded those rows to fit the site's total
(耕地 0.2999 beside a finding of 0.3000), the findings each on its own. Now the table
prints the finding's figure, the other rows take up the difference, and where none can,
a note under the site's rows says which total its rows do not add up to.
"""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest
from common import county, frame, sites, square

import landcheck
from landcheck.report.folder import write_report
from landcheck.report.opinion import draft_texts
from landcheck.tables import report_tables

THIRD = 100 / 3


def parcel(code: str, geometry, kcxs: float = 0.0) -> dict:
    return {
        "BSM": f"L{id(geometry)}",
        "DLBM": code,
        "KCXS": kcxs,
        "ZLDWDM": "530325100201",
        "ZLDWMC": "甲村",
        "geometry": geometry,
    }


@pytest.fixture(scope="module")
def case():
    """E1: thirds of a 100 m square, 旱地 (KCXS 0.1), 工业用地 and 裸土地;
    E2: thirds of 水田, 水浇地, 旱地 (KCXS 0.05 each); C1: 100 x 16.67 m of 旱地 (KCXS 0.07)."""
    survey = frame(
        [
            parcel("0103", square(-50, -50, 200, 50 + THIRD), 0.1),
            parcel("0601", square(-50, THIRD, 200, THIRD)),
            parcel("1206", square(-50, 2 * THIRD, 200, 50 + THIRD)),
            parcel("0101", square(250, -50, 50 + THIRD, 200), 0.05),
            parcel("0102", square(300 + THIRD, -50, THIRD, 200), 0.05),
            parcel("0103", square(300 + 2 * THIRD, -50, 50 + THIRD, 200), 0.05),
            parcel("0103", square(600, -50, 200, 200), 0.07),
        ]
    )
    site = sites(square(0, 0, 100), square(300, 0, 100), square(650, 0, 100, 50 / 3))
    site["site_id"] = ["E1", "E2", "C1"]
    return landcheck.check(site, layers={"land_use": survey}, coverage=county())


@pytest.fixture(scope="module")
def table(case):
    return report_tables(case, "zh")["land_classes"]


def stated(case, site_id: str) -> dict[str, str]:
    """The figures the cultivated-land and conversion findings print, by name."""
    messages = {f.check: f.message.zh for f in case.site_findings(site_id)}
    cultivated = re.search(
        r"占用耕地 (?P<耕地>[\d.]+) 公顷（(?P<耕地亩>[\d.]+) 亩），"
        r"其中水田 (?P<水田>[\d.]+) 公顷、水浇地 (?P<水浇地>[\d.]+) 公顷、"
        r"旱地 (?P<旱地>[\d.]+) 公顷（已扣除田坎 (?P<田坎>[\d.]+) 公顷）",
        messages["cultivated_land"],
    )
    conversion = re.search(
        r"涉及农用地 (?P<农用地>[\d.]+) 公顷（(?P<农用地亩>[\d.]+) 亩）、"
        r"建设用地 (?P<建设用地>[\d.]+) 公顷、未利用地 (?P<未利用地>[\d.]+) 公顷",
        messages["agricultural_conversion"],
    )
    return {**cultivated.groupdict(), **conversion.groupdict()}


def shown(table, site_id: str) -> dict[str, str]:
    """The table's figures of the same rows, as printed."""
    rows = table.site_rows(site_id).set_index("_key")

    def ha(key: str) -> str:
        return f"{rows.loc[key, 'ha']:.4f}" if key in rows.index else "0.0000"

    return {
        "耕地": ha("level1:01"),
        "耕地亩": f"{rows.loc['level1:01', 'mu']:.2f}",
        "水田": ha("class:0101"),
        "水浇地": ha("class:0102"),
        "旱地": ha("class:0103"),
        "田坎": ha("ridges"),
        "农用地": ha("category:农用地"),
        "农用地亩": f"{rows.loc['category:农用地', 'mu']:.2f}",
        "建设用地": ha("category:建设用地"),
        "未利用地": ha("category:未利用地"),
    }


def test_cultivated_land_of_a_site_of_thirds_reads_as_its_finding(case, table):
    # 耕地 2,999.527 m² on the ellipsoid: the finding 0.3000, the table 0.2999 (旱地 too)
    assert stated(case, "E1")["耕地"] == "0.3000"
    assert shown(table, "E1") == stated(case, "E1")
    assert shown(table, "E1")["农用地"] == "0.3333"  # 3,332.807 m²; the table read 0.3332


def test_the_kinds_of_cultivated_land_read_as_the_finding_gives_them(case, table):
    # 耕地 9,498.512 m² in three equal kinds: the finding 0.9499 (旱地 0.3167), the table
    # 0.9498 with 0.3166 three times
    figures = stated(case, "E2")
    assert (figures["耕地"], figures["旱地"], figures["田坎"]) == ("0.9499", "0.3167", "0.0500")
    assert shown(table, "E2") == figures


def test_field_ridges_read_as_the_finding_deducts_them(case, table):
    # 田坎 116.649 m²: the finding 已扣除田坎 0.0117, the table 0.0116
    figures = stated(case, "C1")
    assert (figures["耕地"], figures["田坎"], figures["农用地"]) == ("0.1550", "0.0117", "0.1666")
    assert shown(table, "C1") == figures


def test_totals_whose_rows_do_not_add_up_are_named_in_their_sites_note(table):
    rows = table.rounded
    for position, row in rows.iterrows():  # every total adds up, or its site's note says not
        parts = rows[rows["_parent"] == position]
        for column, unit, decimals in (("ha", "公顷", 4), ("mu", "亩", 2)):
            added = round(parts[column].sum(), decimals)
            if len(parts) and added != row[column]:
                note = table.site_notes[row["site_id"]]
                total, rows_added = f"{row[column]:.{decimals}f}", f"{added:.{decimals}f}"
                assert f"{row['label']} " in note
                assert f"{total} {unit}（各行之和 {rows_added} {unit}）" in note
    assert table.site_notes == {
        # 农用地, 建设用地, 未利用地 0.3333 each, as the conversion finding states them
        "E1": "E1：各自修约的各行之和与其合计不等，"
        "合计（项目用地面积） 0.9998 公顷（各行之和 0.9999 公顷）。",
        # 耕地 0.9499 + 田坎 0.0500, as the cultivated-land finding states them
        "E2": "E2：各自修约的各行之和与其合计不等，农用地 0.9998 公顷（各行之和 0.9999 公顷）。",
        "C1": "C1：各自修约的各行之和与其合计不等，农用地 0.1666 公顷（各行之和 0.1667 公顷）、"
        "2.50 亩（各行之和 2.49 亩）。",
    }
    assert "修约后各项之和等于合计。" not in table.note  # said of every total before


def test_the_village_table_totals_the_survey_as_the_site_reads(table, case):
    # the village table's 合计 was the categories shown summed: 0.9999 for a site of 0.9998
    units = report_tables(case, "zh")["land_by_unit"]
    e1 = units.site_rows("E1")
    total = e1[e1["_role"] == "total"].iloc[0]
    classes = table.site_rows("E1").set_index("_key")
    assert total["total_ha"] == classes.loc["total", "ha"] == 0.9998
    assert total["agri_ha"] == classes.loc["category:农用地", "ha"] == 0.3333
    assert total["cultivated_ha"] == classes.loc["level1:01", "ha"] == 0.3


def test_field_ridges_are_a_level_2_class_counted_in_agricultural_land(case, table):
    rows = table.site_rows("C1").set_index("_key")
    assert (rows.loc["ridges", "level"], rows.loc["ridges", "code"]) == ("二级类", "1203")
    assert "田坎（1203）为 12 其他土地的二级类，计入农用地，单列于农用地之下" in table.note
    english = report_tables(case, "en")["land_classes"]
    assert english.site_rows("C1").set_index("_key").loc["ridges", "level"] == "level 2"
    assert "Field ridges (1203) are a level-2 class of 12 other land, counted in " in english.note


def test_a_sites_note_is_under_its_own_rows_in_the_report_and_its_draft(case, table, tmp_path):
    paths = write_report(case, tmp_path / "report", formats="html,docx", lang="zh")
    html = Path(paths["html"]).read_text(encoding="utf-8")
    e1, c1 = table.site_notes["E1"], table.site_notes["C1"]
    assert html.count(e1) == 1 and html.count(c1) == 1
    assert html.index(e1) < html.index(c1)  # each under its own site's rows
    body = [p.text for p in docx.Document(paths["docx"]).paragraphs]
    appendix = body.index(draft_texts("zh")["appendix"])
    report, drafts = body[:appendix], body[appendix:]
    assert report.count(e1) == 1 and report.count(c1) == 1
    c1_draft = next(i for i, text in enumerate(drafts) if text.startswith("C1 "))
    assert drafts[:c1_draft].count(e1) == 1 and c1 not in drafts[:c1_draft]
    assert c1 in drafts[c1_draft:] and e1 not in drafts[c1_draft:]
