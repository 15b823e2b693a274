"""report.docx: read back with python-docx; the draft opinions; LibreOffice converts it to PDF."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile

import docx
import numpy as np
import pytest
from click.testing import CliRunner
from common import frame, sites, square
from docx.oxml.ns import qn
from libreoffice import SOFFICE, convert
from PIL import Image
from report_case import result as report_case

import landcheck
from landcheck.cli.main import cli
from landcheck.labels import status_label
from landcheck.report.docx import FILENAME, build_document
from landcheck.report.folder import FORMATS, parse_formats, write_report
from landcheck.report.opinion import DRAFT_MARK, draft_texts
from landcheck.report.wordstyle import xml_text

GLYPH_WARNING = "ignore:Glyph .* missing from font"


def paragraphs(document) -> list:
    """Every paragraph of the body in order, table cells included, as (style, text)."""
    out = []
    for p in document.element.body.iter(qn("w:p")):
        style = p.pPr.pStyle.val if p.pPr is not None and p.pPr.pStyle is not None else ""
        text = "".join(
            "\n" if node.tag == qn("w:br") else "\t" if node.tag == qn("w:tab") else node.text
            for node in p.iter(qn("w:t"), qn("w:br"), qn("w:tab"))
        )
        out.append((style, text))
    return out


def texts(document) -> list[str]:
    return [text for _, text in paragraphs(document)]


def draft_part(document, lang="zh") -> list[tuple[str, str]]:
    """The paragraphs of the appendix (the drafts)."""
    items = paragraphs(document)
    title = draft_texts(lang)["appendix"]
    start = next(i for i, (style, text) in enumerate(items) if (style, text) == ("Heading1", title))
    return items[start:]


def written(result, folder, lang="zh"):
    paths = write_report(result, folder, formats="docx", lang=lang)
    assert set(paths) == {"docx"} and os.path.basename(paths["docx"]) == FILENAME
    return docx.Document(paths["docx"])


@pytest.fixture(scope="module")
def report_zh(tmp_path_factory):
    return written(report_case(), tmp_path_factory.mktemp("zh") / "report", "zh")


@pytest.fixture(scope="module")
def report_en(tmp_path_factory):
    return written(report_case(), tmp_path_factory.mktemp("en") / "report", "en")


# ------------------------------------------------------------- read back
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_site_and_every_finding_is_in_the_document(lang, report_zh, report_en):
    document = report_zh if lang == "zh" else report_en
    result = report_case()
    headings = [text for style, text in paragraphs(document) if style == "Heading2"]
    lines = texts(document)
    for site_id in result.site_ids:
        # the site's part and its draft
        assert sum(h.startswith(f"{site_id} ") for h in headings) == 2, headings
        for finding in result.site_findings(site_id):
            message = finding.message.get(lang)
            assert message in lines, message
            assert any(line.endswith(message) for _, line in draft_part(document, lang))
            for document_name in finding.documents:
                assert document_name.get(lang) in lines


def test_one_picture_per_site_in_its_part(report_zh):
    result = report_case()
    assert len(report_zh.inline_shapes) == len(result.site_ids)
    pictures: dict[str, int] = {}
    current = None
    for element in report_zh.element.body.iter(qn("w:p")):
        style = (
            element.pPr.pStyle.val
            if element.pPr is not None and element.pPr.pStyle is not None
            else ""
        )
        text = "".join(t.text for t in element.iter(qn("w:t")))
        if style == "Heading2":
            current = text.split(" ")[0]
        pictures[current] = pictures.get(current, 0) + len(list(element.iter(qn("w:drawing"))))
    assert {k: v for k, v in pictures.items() if v} == dict.fromkeys(result.site_ids, 1)
    blobs = {
        shape._inline.graphic.graphicData.pic.blipFill.blip.embed
        for shape in report_zh.inline_shapes
    }
    assert len(blobs) == len(result.site_ids)
    for rid in blobs:
        assert report_zh.part.related_parts[rid].blob.startswith(b"\x89PNG")


def test_tables_repeat_their_header_row(report_zh):
    flagged = 0
    for table in report_zh.tables:
        rows = table._tbl.tr_lst
        marks = [tr.trPr is not None and tr.trPr.find(qn("w:tblHeader")) is not None for tr in rows]
        assert not any(marks[1:])  # only a first row is a header
        flagged += marks[0]
        assert all(tr.trPr.find(qn("w:cantSplit")) is not None for tr in rows)
    assert flagged >= 10
    summary = next(t for t in report_zh.tables if t.rows[0].cells[0].text == "用地编号")
    assert summary.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert [row.cells[0].text for row in summary.rows[1:]] == ["S1", "S2", "合计"]
    classes = next(t for t in report_zh.tables if t.rows[0].cells[0].text == "地类")
    assert classes.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert classes.rows[1].cells[0].text == "合计（项目用地面积）"
    assert classes.rows[1].cells[3].text == "2.0000"


def test_headings_use_word_heading_styles(report_zh):
    styles = [style for style, _ in paragraphs(report_zh)]
    for level in (1, 2, 3):
        assert f"Heading{level}" in styles
        style = report_zh.styles[f"Heading {level}"]
        assert style.element.pPr.find(qn("w:outlineLvl")).get(qn("w:val")) == str(level - 1)
    level1 = [text for style, text in paragraphs(report_zh) if style == "Heading1"]
    assert level1 == [
        "审查汇总",
        "项目用地",
        "数据来源与运行参数",
        "附录　用地预审与选址意见书（草稿）",
    ]


def test_pages_are_a4(report_zh):
    sizes = {(round(s.page_width.mm), round(s.page_height.mm)) for s in report_zh.sections}
    assert sizes == {(210, 297), (297, 210)}  # portrait, and landscape for the wide tables
    for section in report_zh.sections:
        width = section.page_width - section.left_margin - section.right_margin
        assert 150 < width / 36000 < 250


def test_fonts_are_named_for_latin_and_chinese_script(report_zh):
    def fonts(element):
        return element.find(qn("w:rFonts"))

    defaults = report_zh.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    cases = [
        (fonts(defaults.find(qn("w:rPr"))), "Times New Roman", "宋体"),
        (fonts(report_zh.styles["Normal"].element.rPr), "Times New Roman", "宋体"),
        (fonts(report_zh.styles["Heading 1"].element.rPr), "Arial", "黑体"),
        (fonts(report_zh.styles["Title"].element.rPr), "Arial", "黑体"),
    ]
    for element, latin, chinese in cases:
        assert element.get(qn("w:ascii")) == latin and element.get(qn("w:hAnsi")) == latin
        assert element.get(qn("w:eastAsia")) == chinese
        assert not [name for name in element.attrib if name.endswith("Theme")]
    language = defaults.find(qn("w:rPr")).find(qn("w:lang"))
    assert language.get(qn("w:eastAsia")) == "zh-CN"


def test_english_report(report_en):
    lines = texts(report_en)
    assert "Land pre-examination and site selection report" in lines
    assert "Summary of sites" in lines and "Land-use classes taken" in lines
    assert DRAFT_MARK["en"] in lines
    assert not any("审查汇总" in line for line in lines)


@pytest.mark.parametrize(
    ("lang", "taken", "none"),
    [
        (
            "zh",
            "永久基本农田  禁止  涉及面积 1.0000 公顷（15.00 亩）",
            "林地  无法判定  涉及面积 —",
        ),
        ("en", "  prohibited  area 1.0000 ha (15.00 mu)", "  unknown  area —"),
    ],
)
def test_a_finding_without_an_area_reads_a_dash_as_the_draft_does(
    lang, taken, none, report_zh, report_en
):
    # the finding cards printed "涉及面积 — 公顷（— 亩）" where the draft prints "涉及面积 —"
    lines = texts(report_zh if lang == "zh" else report_en)
    assert any(line.endswith(taken) for line in lines)
    assert any(line.endswith(none) for line in lines)
    assert not [line for line in lines if "— 公顷" in line or "— ha" in line]


# ------------------------------------------------------------- the drafts
def test_drafts_are_marked_on_every_page_and_at_the_top(report_zh):
    sections = report_zh.sections
    assert DRAFT_MARK["zh"] not in sections[0].header.paragraphs[0].text
    draft = sections[len(sections) - 1]
    assert not draft.header.is_linked_to_previous
    assert draft.header.paragraphs[0].text == DRAFT_MARK["zh"]
    part = draft_part(report_zh)
    titles = [i for i, (style, _) in enumerate(part) if style == "Heading2"]
    assert len(titles) == len(report_case().site_ids)
    for index in titles:
        assert part[index + 1][1] == DRAFT_MARK["zh"]


@pytest.fixture(scope="module")
def farmland_case(tmp_path_factory):
    """A site of 1000 x 500 m overlapping farmland by exactly 300 x 500 m = 150,000 m²."""
    site = sites(square(0, 0, 1000, 500), name=["压占项目"], project_class=["industrial"])
    farmland = frame([{"BSM": "F1", "DLBM": "0103", "geometry": square(700, 0, 1300, 1000)}])
    land_use = frame(
        [
            {
                "BSM": "a",
                "DLBM": "0702",
                "DLMC": "农村宅基地",
                "KCXS": 0.0,
                "geometry": square(0, 0, 700, 500),
            },
            {
                "BSM": "b",
                "DLBM": "0103",
                "DLMC": "旱地",
                "KCXS": 0.0,
                "geometry": square(700, 0, 300, 500),
            },
        ]
    )
    result = landcheck.check(
        site, layers={"farmland": farmland, "land_use": land_use}, area_method="planar"
    )
    return result, written(result, tmp_path_factory.mktemp("farm") / "report")


def test_draft_states_the_farmland_overlap_and_its_conclusion(farmland_case):
    result, document = farmland_case
    finding = next(f for f in result.site_findings("S1") if f.check == "permanent_farmland")
    assert finding.area.m2 == pytest.approx(150_000.0)
    assert finding.status == "prohibited"
    part = [text for _, text in draft_part(document)]
    at = part.index("（一）永久基本农田")
    assert part[at + 1] == "结论：禁止；涉及面积 15.0000 公顷（225.00 亩）。"
    assert part[at + 2] == "意见：" + finding.message.zh
    assert "15.0000 公顷" in finding.message.zh
    assert part[at + 3].startswith("依据：《中华人民共和国土地管理法》")
    # area by class: 旱地 300 x 500 m, 农村宅基地 700 x 500 m
    classes = next(t for t in document.tables[::-1] if t.rows[0].cells[0].text == "地类")
    rows = {row.cells[0].text: [c.text for c in row.cells[1:]] for row in classes.rows[1:]}
    assert rows["合计（项目用地面积）"] == ["", "50.0000", "750.00"]
    assert rows["旱地"] == ["0103", "15.0000", "225.00"]
    assert rows["农村宅基地"] == ["0702", "35.0000", "525.00"]
    # the documents still to submit, from CheckResult.documents
    start = part.index("四、尚须提交的材料")
    listed = [d.zh for d in result.documents("S1")]
    listed += [d.zh + "（后续报批时提交）" for d in result.documents_later("S1")]
    expected = [f"{n}. {d}" for n, d in enumerate(listed, 1)]
    assert part[start + 1 : start + 1 + len(expected)] == expected
    # then, apart, what the checks that could not be made (no redline layer…) may need
    rest = part[start + 1 + len(expected) : part.index("五、综合意见")]
    assert rest[0] == "以下审查项无法判定，可能另需（括注可能需要该材料的审查项）："
    possible = result.documents_possible("S1")
    assert len(rest) == 1 + len(possible) and rest[-1].startswith(f"{len(possible)}. ")
    assert "综合审查结论（各审查事项中最不利的结论）：禁止" in part


def test_draft_has_visible_blanks_for_the_reviewer(farmland_case):
    _, document = farmland_case
    labels = {"文号：", "审查机关：", "审查机关（盖章）：", "审查人："}
    found = set()
    for paragraph in document.paragraphs:
        runs = paragraph.runs
        if runs and runs[0].text in labels:
            blank = runs[-1]
            assert blank.underline and blank.text and not blank.text.strip()
            found.add(runs[0].text)
    assert found == labels


def test_conditional_finding_gives_its_conditions(report_zh):
    result = report_case()
    conditional = [f for f in result.site_findings("S2") if f.status == "conditional"]
    assert conditional
    part = [text for _, text in draft_part(report_zh)]
    for finding in conditional:
        assert "意见及条件：" + finding.message.zh in part
        assert f"结论：{status_label('conditional', 'zh')}；涉及面积 " in "".join(part)


# ------------------------------------------------------------- hostile text
@pytest.mark.filterwarnings(GLYPH_WARNING)
def test_control_characters_and_markup_in_names_stay_plain_text(tmp_path):
    name = "坏\x01名<w:t>&amp;\x1f尾"
    site = sites(square(0, 0, 100), name=[name])
    site["site_id"] = ["S\x02<&>"]
    result = landcheck.check(site, layers={"farmland": site.assign(BSM="F1")})
    document = written(result, tmp_path / "report")
    heading = xml_text("S\x02<&> " + name + "（禁止）")
    assert heading == "S\ufffd<&> 坏\ufffd名<w:t>&amp;\ufffd尾（禁止）"
    assert heading in texts(document)
    assert not any("\x01" in line or "\x02" in line for line in texts(document))


# ------------------------------------------------------------- formats and CLI
def test_docx_is_written_only_when_asked():
    assert "docx" not in FORMATS and "docx" not in parse_formats(None)
    assert parse_formats("docx, json") == ["json", "docx"]


def test_cli_writes_report_docx(tmp_path, write_gpkg):
    site = sites(square(0, 0, 1000, 500), name=["压占项目"])
    farmland = frame([{"BSM": "F1", "DLBM": "0101", "geometry": square(700, 0, 1300, 1000)}])
    data = write_gpkg(sites=site, farmland=farmland)
    out = tmp_path / "report"
    run = CliRunner().invoke(
        cli,
        [
            "check",
            f"{data}:sites",
            "--layer",
            f"farmland={data}:farmland",
            "--area-method",
            "planar",
            "-f",
            "json,docx",
            "--lang",
            "en",
            "-o",
            str(out),
        ],
    )
    assert run.exit_code == 0, run.output
    assert sorted(os.listdir(out)) == [".landcheck", "findings.json", "report.docx"]
    lines = texts(docx.Document(out / "report.docx"))
    assert any(
        line.startswith("The site takes 15.0000 ha (225.00 mu) of permanent basic farmland")
        for line in lines
    )
    assert DRAFT_MARK["en"] in lines


def test_build_without_maps_or_drafts():
    document = build_document(report_case(), lang="zh", maps=False, drafts=False)
    assert len(document.inline_shapes) == 0
    assert DRAFT_MARK["zh"] not in texts(document)


# ------------------------------------------------------------- LibreOffice
ALIASES = {"宋体": "Noto Serif CJK SC", "黑体": "Noto Sans CJK SC"}
"""What Word shows in 宋体 and 黑体, LibreOffice is to show in Noto CJK (fonts-noto-cjk)."""


def fontconfig() -> str:
    aliases = "".join(
        f'<alias binding="same"><family>{name}</family><prefer><family>{font}</family>'
        "</prefer></alias>"
        for name, font in ALIASES.items()
    )
    return (
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"{aliases}</fontconfig>"
    )


@pytest.fixture(scope="module")
def pdf(tmp_path_factory, report_zh):
    if SOFFICE is None:
        pytest.skip(
            "LibreOffice (soffice) is not installed: `make libreoffice` installs "
            "Debian's libreoffice-writer-nogui when run as root"
        )
    folder = tmp_path_factory.mktemp("pdf")
    source = folder / FILENAME
    report_zh.save(source)
    (folder / "fonts.conf").write_text(fontconfig(), encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(folder / "fonts.conf"), "HOME": str(folder)}
    path = convert(source, "pdf", folder, folder, env=env)
    return path


def _tool(name):
    if shutil.which(name) is None:
        pytest.skip(
            f"{name} is not installed (Debian's poppler-utils, installed by `make libreoffice`)"
        )
    return name


def test_libreoffice_converts_report_docx_to_pdf(pdf):
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    info = subprocess.run([_tool("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))
    # cover, summary, two site parts of several pages, provenance, two drafts
    assert pages >= 10
    text = subprocess.run(
        [_tool("pdftotext"), str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for site_id in report_case().site_ids:
        assert f"{site_id} 工业园" in text or f"{site_id} 三分地" in text
    assert "草稿（由 landcheck 根据数据生成，须经审查人员核实、修改）" in text
    assert "项目用地占用永久基本农田 1.0000 公顷" in text
    fonts = subprocess.run(
        [_tool("pdffonts"), str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert "CJK" in fonts  # the Chinese text is drawn with a CJK font, not boxes


def test_a_rendered_page_is_not_blank(pdf, tmp_path):
    subprocess.run(
        [
            _tool("pdftoppm"),
            "-r",
            "50",
            "-png",
            "-f",
            "3",
            "-l",
            "3",
            str(pdf),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    (image,) = tmp_path.glob("page*.png")
    pixels = np.asarray(Image.open(image).convert("L"))
    assert pixels.shape[0] > pixels.shape[1]  # a portrait page
    assert (pixels < 128).mean() > 0.005


def test_libreoffice_lays_out_every_site_map_at_its_full_size(pdf):
    """The maps' PNG files (written by landcheck, rows unfiltered) are read by LibreOffice:
    the PDF holds each one at the size it has in the document."""
    with zipfile.ZipFile(pdf.parent / FILENAME) as package:
        media = [n for n in package.namelist() if n.startswith("word/media/")]
        sizes = sorted(Image.open(io.BytesIO(package.read(n))).size for n in media)
    assert len(sizes) == len(report_case().site_ids) and all(w == 1680 for w, _ in sizes)
    listing = subprocess.run(
        [_tool("pdfimages"), "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]  # after the two heading lines
    laid_out = sorted((int(row.split()[3]), int(row.split()[4])) for row in listing)
    assert laid_out == sizes
