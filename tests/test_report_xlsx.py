"""report.xlsx read back: units in headers, numbers as numbers, totals as findings.json says."""

from __future__ import annotations

import json

import openpyxl
import pytest
from report_case import result

from landcheck.report import write_report


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("xlsx") / "report"
    paths = write_report(result(), folder, formats="json,xlsx")
    workbook = openpyxl.load_workbook(paths["xlsx"])
    with open(paths["json"], encoding="utf-8") as handle:
        findings = json.load(handle)
    yield workbook, findings
    workbook.close()


def sheet_rows(sheet):
    """Header row (2) and the data rows as dicts, up to the first empty row."""
    headers = [c.value for c in sheet[2]]
    out = []
    for cells in sheet.iter_rows(min_row=3):
        if all(c.value is None for c in cells):
            break
        out.append(dict(zip(headers, cells, strict=True)))
    return headers, out


def test_sheets_and_frozen_headers(report):
    workbook, _ = report
    assert workbook.sheetnames[:3] == ["汇总", "项目用地基本情况", "占用地类面积"]
    for name in (
        "永久基本农田",
        "生态保护红线",
        "城镇开发边界内外",
        "规划分区符合性",
        "审查意见",
        "输入数据",
        "运行参数",
    ):
        assert name in workbook.sheetnames
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A3", sheet.title
        assert sheet["A1"].value  # the table's title


def test_land_class_hectares_add_up_to_the_site_area_in_findings_json(report):
    workbook, findings = report
    headers, rows = sheet_rows(workbook["占用地类面积"])
    assert "面积（公顷）" in headers and "面积（亩）" in headers
    assert "平面面积（平方米，未修约）" in headers
    for site in findings["sites"]:
        mine = [r for r in rows if r["用地编号"].value == site["site_id"]]
        total = next(r for r in mine if r["层级"].value == "合计")
        expected = round(site["area"]["ha"], 4)
        assert total["面积（公顷）"].value == pytest.approx(expected, abs=1e-12)
        assert total["面积（公顷）"].data_type == "n"
        assert total["面积（公顷）"].number_format == "0.0000"
        # the categories and what the survey does not cover add up to the total shown, or
        # a note under the table says by how much (the categories read as the findings')
        parts = [r["面积（公顷）"].value for r in mine if r["层级"].value in ("三大类", "其他")]
        mu = [r["面积（亩）"].value for r in mine if r["层级"].value in ("三大类", "其他")]
        total_mu = round(site["area"]["mu"], 2)
        if round(sum(parts), 4) != expected or round(sum(mu), 2) != total_mu:
            said = f"{site['site_id']}：各自修约的各行之和与其合计不等，合计（项目用地面积） "
            assert any(note.startswith(said) for note in notes(workbook["占用地类面积"]))
        # unrounded square metres kept beside the rounded ones
        exact = total["平面面积（平方米，未修约）"].value
        assert exact == pytest.approx(site["area"]["planar_m2"], rel=1e-12)


def test_thirds_show_as_the_findings_state_them_and_the_note_says_they_do_not_add_up(report):
    workbook, findings = report
    _, rows = sheet_rows(workbook["占用地类面积"])
    s2 = [
        r["面积（公顷）"].value
        for r in rows
        if r["用地编号"].value == "S2" and r["层级"].value == "三大类"
    ]
    assert s2 == [0.3333, 0.3333, 0.3333]
    categories = findings["sites"][1]["layers"]["land_use"]["categories"]
    assert [round(c["ha"], 4) for c in categories.values()] == s2
    said = (
        "S2：各自修约的各行之和与其合计不等，"
        "合计（项目用地面积） 1.0000 公顷（各行之和 0.9999 公顷）。"
    )
    assert said in notes(workbook["占用地类面积"])


def notes(sheet) -> list[str]:
    """The texts under a sheet's table: column A after its first empty row."""
    rows = [cells[0].value for cells in sheet.iter_rows(min_row=3)]
    return [text for text in rows[rows.index(None) + 1 :] if text]


def test_summary_sheet_matches_findings_json(report):
    workbook, findings = report
    headers, rows = sheet_rows(workbook["汇总"])
    assert "占用永久基本农田（公顷）" in headers
    by_site = {r["用地编号"].value: r for r in rows}
    for site in findings["sites"]:
        row = by_site[site["site_id"]]
        assert row["用地面积（公顷）"].value == pytest.approx(round(site["area"]["ha"], 4))
        farmland = site["layers"]["farmland"]["overlap"]["ha"]
        assert row["占用永久基本农田（公顷）"].value == pytest.approx(round(farmland, 4))
        # 无法判定: S2's review layers (forest, wetland…) are not given, so it cannot be cleared
        assert row["审查结论"].value in ("禁止", "有条件", "无法判定")
    total = by_site["合计"]
    assert total["用地面积（公顷）"].value == pytest.approx(
        sum(round(s["area"]["ha"], 4) for s in findings["sites"])
    )


def test_farmland_sheet_and_shares_as_percent(report):
    workbook, findings = report
    _, rows = sheet_rows(workbook["永久基本农田"])
    total = next(r for r in rows if r["用地编号"].value == "S1" and r["图斑编号"].value == "合计")
    assert total["平面面积（公顷）"].value == pytest.approx(
        round(findings["sites"][0]["layers"]["farmland"]["overlap"]["ha"], 4)
    )
    share = total["占项目用地比例（%）"]
    assert share.value == pytest.approx(0.5) and share.number_format == "0.00%"


def test_findings_sheet_has_basis_and_documents(report):
    workbook, findings = report
    _, rows = sheet_rows(workbook["审查意见"])
    assert len(rows) == sum(len(s["findings"]) for s in findings["sites"])
    first = rows[0]
    assert "土地管理法" in first["依据"].value
    assert first["须提交材料"].value == findings["sites"][0]["findings"][0]["documents"][0]
    assert workbook["审查意见"].column_dimensions["F"].width >= 30


def test_english_workbook(tmp_path):
    paths = write_report(result(), tmp_path / "en", formats="xlsx", lang="en")
    workbook = openpyxl.load_workbook(paths["xlsx"])
    assert workbook.sheetnames[0] == "Summary"
    headers = [c.value for c in workbook["Land classes"][2]]
    assert "area (ha)" in headers and "planar area (m², unrounded)" in headers
    workbook.close()
