"""The selection folders' CSV tables: one record a row, whatever line breaks the texts hold.

A text holding a carriage return or a line feed is quoted, so neither Python's
csv module nor LibreOffice Calc ends the record there (a bare ``\\r`` written
unquoted ended it, and the text after it, ``=1+1``, opened the next row as a formula).
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from common import county, frame, sites, square
from libreoffice import calc_missing, convert

import landcheck
from landcheck.report.selection import write_buildable, write_comparison

PLANAR = {"area_method": "planar"}

BROKEN = ["方案A\r=1+1", "方案B\n+2+2", "方案C\r\n@SUM(1)"]
"""Names whose text after a line break would start a formula in a row of its own."""


def _rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    """Three 100 m squares, 300 m apart; farmland ``F\\r=2+2`` takes the west half of the first.

    Site ids hold line breaks too: ``A\\r=HYPERLINK(…)``. Two 1 m farmland squares 1.5 km
    beyond the sites make the layer's extent (the area it describes) hold them.
    """
    candidates = sites(*(square(300 * i, 0, 100) for i in range(3)), name=BROKEN)
    candidates["site_id"] = ['A\r=HYPERLINK("http://evil.example")', "B", "C"]
    farmland = frame(
        [
            {"BSM": "F\r=2+2", "DLBM": "0101", "geometry": square(0, 0, 50, 100)},
            {"BSM": "F-far1", "DLBM": "0101", "geometry": square(-1500, -1500, 1)},
            {"BSM": "F-far2", "DLBM": "0101", "geometry": square(2200, 1600, 1)},
        ]
    )
    result = landcheck.compare(candidates, layers={"farmland": farmland}, **PLANAR)
    folder = tmp_path_factory.mktemp("csv") / "cmp"
    write_comparison(result, folder)
    return result, folder / "comparison.csv"


def test_comparison_csv_holds_one_row_per_alternative(comparison):
    result, path = comparison
    rows = _rows(path)
    assert len(rows) == 1 + 3  # the header and the three alternatives, nothing more
    header, body = rows[0], rows[1:]
    assert {len(row) for row in body} == {len(header)}
    by_id = {row[header.index("site_id")]: dict(zip(header, row, strict=True)) for row in body}
    assert set(by_id) == {'A\r=HYPERLINK("http://evil.example")', "B", "C"}
    assert by_id["B"]["name"] == "方案B\n+2+2" and by_id["C"]["name"] == "方案C\r\n@SUM(1)"
    first = by_id['A\r=HYPERLINK("http://evil.example")']
    assert first["name"] == "方案A\r=1+1"
    assert float(first["farmland_ha"]) == 0.5  # 50 m x 100 m of the first square
    assert first["status"] == "prohibited" and first["rank"] == "3"
    assert float(by_id["B"]["farmland_ha"]) == 0.0
    assert result.table["farmland_ha"].sum() == pytest.approx(0.5)


def test_every_text_with_a_line_break_is_quoted(comparison):
    _, path = comparison
    raw = path.read_bytes().decode("utf-8-sig")
    for text in ("方案A\r=1+1", "方案B\n+2+2", "方案C\r\n@SUM(1)"):
        assert f'"{text}"' in raw
    assert raw.endswith("\r\n") and raw.count("\r\n") >= 4


def test_buildable_csv_quotes_a_feature_id_holding_a_carriage_return(tmp_path):
    """A 1 km square; farmland F\\r=3+3 (100 m) in it, far from the edges: one patch of 99 ha."""
    aoi = sites(square(0, 0, 1000))
    farmland = frame([{"BSM": "F\r=3+3", "DLBM": "0101", "geometry": square(400, 400, 100)}])
    result = landcheck.buildable(aoi, layers={"farmland": farmland}, coverage=county(), **PLANAR)
    write_buildable(result, tmp_path / "b")
    rows = _rows(tmp_path / "b" / "buildable.csv")
    assert len(rows) == 1 + 1
    record = dict(zip(rows[0], rows[1], strict=True))
    assert float(record["planar_m2"]) == pytest.approx(1_000_000 - 10_000)
    assert not any(cell.startswith("=") for row in rows for cell in row)


@pytest.mark.skipif(calc_missing(), reason="LibreOffice Calc is not installed")
def test_libreoffice_reads_one_row_per_alternative_and_no_formula(comparison, tmp_path):
    """Calc opens comparison.csv (UTF-8, comma, double quote) as 4 rows of plain cells: a line
    break inside a quoted cell stays in the cell, and what follows it is no formula."""
    _, path = comparison
    converted = convert(path, "xlsx", tmp_path / "calc", tmp_path, infilter="CSV:44,34,76,1")
    book = openpyxl.load_workbook(converted)
    cells = [c for row in book.active.iter_rows() for c in row if c.value is not None]
    assert book.active.max_row == 4
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    names = [row[0].value for row in book.active.iter_rows(min_row=2)]
    assert len(names) == 3
    texts = {c.value for c in cells if isinstance(c.value, str)}
    # Calc reads a carriage return inside a quoted cell as a line feed
    assert {"方案A\n=1+1", "方案B\n+2+2"} <= texts
    book.close()
