"""What the report tables' headers and figures say: the area method, slivers, areas concerned.

All numbers by construction: a 100 m square site at (0, 0) near the zone's central
meridian (its ellipsoidal area a little under its planar 10,000 m²), and layers of
known rectangles.
"""

from __future__ import annotations

import re
from pathlib import Path

import docx
import openpyxl
import pytest
from common import county, frame, sites, square

import landcheck
from landcheck.report import write_report
from landcheck.tables import report_tables

_TABLES = ("farmland", "eco_redline", "urban_boundary", "planning", "layers")
"""The tables whose area columns hold the run's method's figure without naming it."""


def _layers() -> dict:
    return {
        "land_use": frame([{"BSM": "L", "DLBM": "0301", "geometry": square(-10, -10, 120)}]),
        "farmland": frame([{"BSM": "F", "DLBM": "0103", "geometry": square(0, 0, 30, 100)}]),
        "eco_redline": frame([{"BSM": "E", "geometry": square(70, 0, 30, 100)}]),
        "urban_boundary": frame([{"BSM": "U", "geometry": square(0, 0, 50, 100)}]),
        "planning_zones": frame([{"GHFQDM": "010100", "geometry": square(-10, -10, 120)}]),
    }


@pytest.mark.parametrize(
    ("method", "zh", "en"),
    [("ellipsoidal", "椭球面积", "ellipsoidal area"), ("planar", "平面面积", "planar area")],
)
def test_the_layer_tables_name_the_area_method_their_figures_are(method, zh, en):
    # the farmland table headed "面积（平方米）" / "area (m²)" over the ellipsoidal figure of an
    # ellipsoidal run, where the land-class table heads 平面面积 and 椭球面积 apart
    result = landcheck.check(
        sites(square(0, 0, 100)), layers=_layers(), coverage=county(), area_method=method
    )
    tables = {lang: report_tables(result, lang) for lang in ("zh", "en")}
    for key in _TABLES:
        zh_headers, en_headers = tables["zh"][key].headers(), tables["en"][key].headers()
        name = "叠加" + zh if key == "layers" else zh
        assert [f"{name}（{u}）" for u in ("公顷", "亩", "平方米")] == [
            h for h in zh_headers if h.startswith(name)
        ], key
        assert "面积（平方米）" not in zh_headers and "area (m²)" not in en_headers, key
        noun = en.replace("area", "overlap") if key == "layers" else en
        assert f"{noun} (m²)" in en_headers and f"{noun} (ha)" in en_headers, key
    run = tables["zh"]["run"].frame.set_index("item")["value"]  # the sliver tolerance as compared
    assert run["细小重叠容差"].startswith("面积（按两位小数的平方米数）< 1 平方米，")
    # the farmland column holds that method's figure: 30 m x 100 m
    farmland = tables["zh"]["farmland"].frame
    m2 = farmland.loc[farmland["_role"] == "total", "m2"].iloc[0]
    piece = result.site_findings("S1")
    taken = next(f for f in piece if f.check == "permanent_farmland").area
    assert m2 == pytest.approx(getattr(taken, f"{method}_m2"), rel=1e-12)
    assert m2 == pytest.approx(3_000.0, rel=1e-3)


def test_the_findings_table_gives_an_area_only_where_the_site_takes_the_layer():
    # a 6 ha site (300 m x 200 m) with no heritage zone near: heritage `large_project` (info)
    # carries the site's area, and the findings table showed it as 涉及面积 6.0000 公顷 while
    # the draft opinion printed "涉及面积 —"; so did the unknown eco_redline check (no layer)
    heritage = frame([{"BSM": "C1", "FWLX": "保护范围", "geometry": square(8000, 8000, 10)}])
    layers = {**_layers(), "heritage": heritage}
    del layers["eco_redline"]
    site = sites(square(0, 0, 300, 200), project_type=["expressway"])
    result = landcheck.check(site, layers=layers, coverage=county(), area_method="planar")
    findings = {f.check: f for f in result.site_findings("S1")}
    assert (findings["heritage"].outcome, findings["heritage"].status) == ("large_project", "info")
    assert findings["heritage"].area.m2 == pytest.approx(60_000.0, rel=1e-9)
    assert findings["eco_redline"].status == "unknown"
    assert findings["eco_redline"].area.m2 == pytest.approx(60_000.0, rel=1e-9)
    assert findings["permanent_farmland"].status == "prohibited"
    for lang in ("zh", "en"):
        table = report_tables(result, lang)["findings"].frame
        rows = dict(zip(findings, table.to_dict("records"), strict=True))  # in finding order
        assert all(rows[check]["_status"] == f.status for check, f in findings.items())
        for check in ("heritage", "eco_redline"):
            assert rows[check]["ha"] != rows[check]["ha"], (check, lang)  # NaN: shown "—"
            assert rows[check]["mu"] != rows[check]["mu"], (check, lang)
        # the farmland the site takes: 30 m x 100 m
        assert rows["permanent_farmland"]["ha"] == pytest.approx(0.3, rel=1e-9)
        assert rows["permanent_farmland"]["mu"] == pytest.approx(4.5, rel=1e-9)


def _farmland_finding(strip):
    """The permanent_farmland finding of a 100 m expressway site holding ``strip`` of farmland."""
    layers = {
        "land_use": frame([{"BSM": "L", "DLBM": "0301", "geometry": square(-10, -10, 120)}]),
        "farmland": frame([{"BSM": "F", "DLBM": "0103", "geometry": strip}]),
    }
    site = sites(square(0, 0, 100), project_type=["expressway"])
    result = landcheck.check(site, layers=layers, coverage=county(), area_method="planar")
    return next(f for f in result.site_findings("S1") if f.check == "permanent_farmland")


@pytest.mark.parametrize(
    ("height", "outcome", "shown"),
    [(0.994, "sliver", "0.99"), (0.996, "relocate", None), (1.0, "relocate", None)],
)
def test_a_sliver_reads_below_the_tolerance_as_its_message_prints_it(height, outcome, shown):
    # 1 m x 0.996 m of farmland was a sliver "存在 1.00 平方米的细小重叠" under the tolerance
    # "面积 < 1 平方米": the area is compared as printed (to 0.01 m²), so it is land taken
    finding = _farmland_finding(square(50, 50, 1.0, height))
    assert finding.area.m2 == pytest.approx(height, rel=1e-6)
    assert finding.outcome == outcome
    if shown is not None:
        assert f"存在 {shown} 平方米的细小重叠" in finding.message.zh
        assert f"by {shown} m²" in finding.message.en
    else:
        assert finding.status == "prohibited" and "细小重叠" not in finding.message.zh


def test_a_thin_strip_of_a_square_metre_is_still_a_sliver_by_its_width():
    # 19.92 m x 0.05 m = 0.996 m²: printed "1.00", but thinner than 0.1 m
    finding = _farmland_finding(square(50, 50, 19.92, 0.05))
    assert finding.area.m2 == pytest.approx(0.996, rel=1e-6)
    assert finding.outcome == "sliver" and "1.00 平方米" in finding.message.zh


def _row_cells(html: str, first: str) -> list[list[str]]:
    """The cells of the HTML rows whose first cell reads ``first``."""
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in rows]
    return [c for c in cells if c and c[0] == first]


@pytest.mark.parametrize(
    ("lang", "no", "unknown"), [("zh", "否", "无法判定"), ("en", "no", "unknown")]
)
def test_the_layers_table_says_a_layer_not_checked_was_not_checked(tmp_path, lang, no, unknown):
    # without an approved_land layer, preexam_needed takes all the land as new ("不涉及"), and the
    # layers table read approved_land 是否检查 否 … 审查结论 不涉及, as if it had been checked
    result = landcheck.check(
        sites(square(0, 0, 100)), layers=_layers(), coverage=county(), area_method="planar"
    )
    findings = {f.check: f for f in result.site_findings("S1")}
    assert (findings["preexam_needed"].layer, findings["preexam_needed"].status) == (
        "approved_land",
        "not_involved",
    )
    assert not result.layer("S1", "approved_land").available
    table = report_tables(result, lang)["layers"].frame.set_index("layer")
    said = "未检查" if lang == "zh" else "not checked"
    assert (table.loc["approved_land", "available"], table.loc["approved_land", "status"]) == (
        no,
        said,
    )
    assert table.loc["forest", "status"] == unknown  # the check that could not be made says so
    assert table.loc["farmland", "status"] == ("禁止" if lang == "zh" else "prohibited")
    assert table.loc["farmland", "m2"] == pytest.approx(3_000.0)
    paths = write_report(result, tmp_path / "report", formats="html,xlsx,docx", lang=lang)
    (html_row,) = [
        r
        for r in _row_cells(Path(paths["html"]).read_text(encoding="utf-8"), "approved_land")
        if no in r
    ]
    assert html_row[-1] == said
    sheet = openpyxl.load_workbook(paths["xlsx"])["图层叠加面积" if lang == "zh" else "Layers"]
    (xlsx_row,) = [
        r for r in sheet.iter_rows(values_only=True) if r[0] == "S1" and r[1] == "approved_land"
    ]
    assert (xlsx_row[3], [v for v in xlsx_row if v is not None][-1]) == (no, said)
    checked = "是否检查" if lang == "zh" else "checked"
    (layers,) = [
        t
        for t in docx.Document(paths["docx"]).tables
        if checked in [c.text for c in t.rows[0].cells]
    ]
    (docx_row,) = [
        [c.text for c in r.cells] for r in layers.rows if r.cells[0].text == "approved_land"
    ]
    assert docx_row[-1] == said
