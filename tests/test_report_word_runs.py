"""report.docx's runs and paragraphs, written as text, are what python-docx's objects build."""

from __future__ import annotations

import gc
import io
import zipfile

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from lxml import etree
from PIL import Image

from landcheck.report.wordstyle import Cell, Flow, add_text, blank, new_document, xml_text

_TEXTS = [
    "",
    "site",
    " lead and trail ",
    "a\tb\nc\rd",
    "<&>\"'",
    "S\x001\x07",
    None,
    1.5,
    "工业园区",
]


def _paragraph(document):
    element = OxmlElement("w:p")
    document.element.body.append(element)
    return Paragraph(element, document)


@pytest.mark.parametrize("text", _TEXTS)
@pytest.mark.parametrize(
    ("bold", "color"), [(False, ""), (True, ""), (False, "#c0392b"), (True, "#1E8449")]
)
def test_a_run_is_what_python_docx_builds(text, bold, color):
    document = new_document("zh", title="t")
    mine, theirs = _paragraph(document), _paragraph(document)
    run = add_text(mine, text, bold=bold, color=color)
    built = theirs.add_run(xml_text(text))
    if bold:
        built.font.bold = True
    if color:
        built.font.color.rgb = RGBColor.from_string(color.lstrip("#").upper())
    assert etree.tostring(mine._p) == etree.tostring(theirs._p)
    assert run.text == built.text and run.bold == built.bold


def test_a_blank_is_an_underlined_run_of_full_width_spaces():
    document = new_document("zh", title="t")
    mine, theirs = _paragraph(document), _paragraph(document)
    blank(mine, 4)
    theirs.add_run("\u3000" * 4).font.underline = True
    assert etree.tostring(mine._p) == etree.tostring(theirs._p)
    assert mine.runs[0].underline is True and mine.text == "\u3000" * 4


@pytest.mark.parametrize("text", _TEXTS)
@pytest.mark.parametrize("style", [None, "Caption", "Heading 2", "List Bullet"])
def test_a_paragraph_is_what_python_docx_builds(text, style):
    document = new_document("en", title="t")
    flow = Flow(document)
    paragraph = flow.paragraph(text, style)
    expected = OxmlElement("w:p")
    if style is not None:
        expected.style = document.styles[style].style_id
    if text != "":
        Paragraph(expected, document).add_run(xml_text(text))
    assert paragraph._p.getnext() is document.element.body[-1]  # before the final section
    document.element.body.append(expected)  # serialised in the same document
    assert etree.tostring(paragraph._p) == etree.tostring(expected)
    assert (paragraph.style.name if style else "Normal") == (style or "Normal")


_FORMATS = [
    {"keep_with_next": True},
    {"keep_with_next": False, "space_before": Pt(6)},
    {"page_break_before": True},
    {"page_break_before": False, "keep_with_next": True},
    {"space_after": Pt(0)},
    {"space_before": Pt(12), "space_after": Pt(3), "keep_with_next": True},
]


@pytest.mark.parametrize("style", [None, "Caption", "Heading 2"])
@pytest.mark.parametrize("formats", _FORMATS)
def test_a_paragraphs_format_is_what_python_docx_sets(style, formats):
    document = new_document("zh", title="t")
    paragraph = Flow(document).paragraph("正文", style, **formats)
    expected = OxmlElement("w:p")
    document.element.body.append(expected)
    if style is not None:
        expected.style = document.styles[style].style_id
    made = Paragraph(expected, document)
    for name, value in formats.items():
        setattr(made.paragraph_format, name, value)
    made.add_run("正文")
    assert etree.tostring(paragraph._p) == etree.tostring(expected)
    for name, value in formats.items():
        assert getattr(paragraph.paragraph_format, name) == value


def test_a_tables_last_row_can_keep_with_its_note():
    document = new_document("en", title="t")
    flow = Flow(document)
    rows = [[Cell("a"), Cell("1", numeric=True)], [Cell("b", indent=1), Cell("2", numeric=True)]]
    flow.table([Cell("x"), Cell("n", numeric=True)], rows, width=Mm(100), keep_last_row=True)
    flow.table([Cell("x"), Cell("n", numeric=True)], rows, width=Mm(100))
    saved = io.BytesIO()
    document.save(saved)
    kept, plain = docx.Document(saved).tables
    for row in kept.rows[:-1]:
        assert [c.paragraphs[0].paragraph_format.keep_with_next for c in row.cells] == [None] * 2
    assert [c.paragraphs[0].paragraph_format.keep_with_next for c in kept.rows[-1].cells] == [
        True
    ] * 2
    for cell in plain.rows[-1].cells:
        cell.paragraphs[0].paragraph_format.keep_with_next = True  # as python-docx sets it
    assert etree.tostring(kept._tbl) == etree.tostring(plain._tbl)


def _png(width: int, shade: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, 20), (shade, 80, 120)).save(buffer, format="PNG", dpi=(200, 200))
    return buffer.getvalue()


def test_pictures_are_what_python_docx_adds_each_with_the_next_id():
    images = [_png(40, 10), _png(60, 200), _png(40, 10), _png(25, 99)]  # the third is the first
    mine_document, their_document = new_document("zh", title="t"), new_document("zh", title="t")
    flow = Flow(mine_document)
    mine = [flow.picture(io.BytesIO(image), Mm(150)) for image in images]
    theirs = []
    for image in images:
        paragraph = _paragraph(their_document)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.keep_with_next = True
        paragraph.add_run().add_picture(io.BytesIO(image), width=Mm(150))
        theirs.append(paragraph)
    for a, b in zip(mine, theirs, strict=True):
        assert etree.tostring(a._p) == etree.tostring(b._p)
    ids = [int(p._p.xpath(".//wp:docPr/@id")[0]) for p in mine]
    assert ids == [1, 2, 3, 4]
    embedded = [p._p.xpath(".//a:blip/@r:embed")[0] for p in mine]
    assert embedded[0] == embedded[2] and len(set(embedded)) == 3  # one part per image
    assert mine_document.part.next_id == 5  # what python-docx would give the next one
    for document in (mine_document, their_document):  # a part python-docx relates afterwards
        document.add_section().header.is_linked_to_previous = False
    assert _relations(mine_document) == _relations(their_document)
    names = [str(p.partname) for p in mine_document.part.package.image_parts]
    assert names == [str(p.partname) for p in their_document.part.package.image_parts]
    assert names == ["/word/media/image1.png", "/word/media/image2.png", "/word/media/image3.png"]


def _relations(document) -> list[tuple[str, str, str]]:
    rels = document.part.rels.values()
    return sorted((r.rId, r.reltype, r.target_ref) for r in rels)


def _saved_parts(document) -> dict[str, bytes]:
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(buffer) as package:
        return {name: package.read(name) for name in package.namelist() if "core" not in name}


def _write_parts(flow: Flow, set_aside: bool) -> None:
    for number in range(3):
        flow.heading(f"场地 S{number}", 2, page_break_before=number > 0)
        flow.paragraph("正文 <&> \tend", "Caption", keep_with_next=True)
        flow.picture(io.BytesIO(_png(30 + number, 50 * number)), Mm(80))
        flow.table([Cell("地类")], [[Cell("耕地")], [Cell("0.5", numeric=True)]], width=Mm(90))
        if number == 1:
            section = flow.section(landscape=True)
            section.header.is_linked_to_previous = False
            add_text(section.header.paragraphs[0], "草稿", bold=True)
        if set_aside:
            flow.set_aside()
            flow.set_aside()  # nothing more: nothing happens
    flow.paragraph("the end")


def test_content_set_aside_saves_the_same_document():
    kept, set_aside = new_document("zh", title="t"), new_document("zh", title="t")
    _write_parts(Flow(kept), set_aside=False)
    flow = Flow(set_aside)
    _write_parts(flow, set_aside=True)
    body = set_aside.element.body
    assert len(body) == 2 and body[-1].tag.endswith("sectPr")  # "the end" and the section
    assert _saved_parts(set_aside) == _saved_parts(kept)
    xml = _saved_parts(set_aside)["word/document.xml"]
    assert xml.count(b"<w:body>") == 1 and xml.count(b'xmlns:w="') == 1
    assert xml.count(b"<wp:docPr") == 3 and b"\xe5\x9c\xba\xe5\x9c\xb0 S2" in xml  # 场地 S2


def test_a_table_leaves_no_cycle_behind_to_hold_its_elements():
    # an element still referenced when set aside is moved out of the document, not freed:
    # lxml took minutes to move a 2,000-row summary table that a reference cycle kept alive
    flow = Flow(new_document("en", title="t"))
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        rows = [[Cell(f"S{i}"), Cell("1", numeric=True)] for i in range(20)]
        flow.table([Cell("site"), Cell("n", numeric=True)], rows, width=Mm(100))
        gc.collect()
        left = [type(o).__name__ for o in gc.garbage]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert left == []
    flow.set_aside()
    assert len(flow.document.element.body) == 1


def _saved_xml(document) -> bytes:
    saved = io.BytesIO()
    document.save(saved)
    return zipfile.ZipFile(saved).read("word/document.xml")


def test_a_tables_rows_are_put_in_at_every_saving_and_dropped_once_set_aside():
    document = new_document("zh", title="t")
    flow = Flow(document)
    mark = "<!--landcheck-rows:0-->"  # a cell's text that reads as the rows' mark stays text
    flow.table([Cell("项目")], [[Cell(mark)], [Cell("S2")]], width=Mm(100))
    flow.paragraph("中间")
    flow.table(None, [[Cell("甲"), Cell("乙")]], width=Mm(100))
    first = _saved_xml(document)
    assert first == _saved_xml(document)  # saved twice: the rows are kept for the next saving
    tables = docx.Document(io.BytesIO(_saved_docx(document))).tables
    assert [[c.text for c in row.cells] for row in tables[0].rows] == [["项目"], [mark], ["S2"]]
    assert [[c.text for c in row.cells] for row in tables[1].rows] == [["甲", "乙"]]
    assert b"&lt;!--landcheck-rows:0--&gt;" in first and b"<!--" not in first
    assert len(flow._rows) == 2
    flow.set_aside()
    assert flow._rows == {} and _saved_xml(document) == first


def _saved_docx(document) -> bytes:
    saved = io.BytesIO()
    document.save(saved)
    return saved.getvalue()
