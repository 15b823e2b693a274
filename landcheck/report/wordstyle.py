"""Word building blocks shared by report.docx and its opinion drafts.

A document from :func:`new_document` is A4 with sensible margins; its styles
name the fonts the way Word expects for Chinese text — ``w:ascii``/``w:hAnsi``
for Latin script and ``w:eastAsia`` for Chinese, with the theme-font
attributes removed so the names are used — body text in 宋体 with Times New
Roman, headings in 黑体 with Arial, and the built-in ``Heading 1``–``3``
styles so Word's navigation pane lists the sections.

:class:`Flow` appends to the document: paragraphs, headings, pictures, new
sections (portrait or landscape) and tables whose header row repeats on every
page (``w:tblHeader``) and whose rows stay whole. It inserts each element
directly before the document's final section properties and sets styles by
id, because python-docx's own ``add_paragraph`` and style lookups scan the
whole document and every style each time, which makes a report of a hundred
sites take minutes instead of seconds.

Every text from the data goes through :func:`xml_text`, which replaces the
characters XML cannot hold, so a hostile site name cannot make the file
unreadable.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.image.image import Image
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import serialize_part_xml
from docx.opc.packuri import PackURI
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.shape import CT_Inline
from docx.oxml.table import CT_Tbl
from docx.parts.document import DocumentPart
from docx.parts.image import ImagePart
from docx.shared import Emu, Length, Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

from landcheck.text import xml_text

__all__ = [
    "BODY_FONTS",
    "HEADING_FONTS",
    "TABLE_STYLE",
    "Cell",
    "Flow",
    "add_page_number",
    "add_text",
    "blank",
    "column_widths",
    "new_document",
    "text_width",
    "xml_text",
]

BODY_FONTS = ("Times New Roman", "宋体")
"""(Latin, Chinese) fonts of body text and tables."""
HEADING_FONTS = ("Arial", "黑体")
"""(Latin, Chinese) fonts of titles and headings."""
TABLE_STYLE = "Landcheck Table Text"
"""Paragraph style of table cells (9 pt, no spacing)."""

A4 = (Mm(210), Mm(297))
MARGINS = {"top": Mm(25), "bottom": Mm(25), "left": Mm(28), "right": Mm(26)}
"""Page margins (the left one wider, for binding)."""

_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
_HEADINGS = {"Title": 22, "Heading 1": 16, "Heading 2": 14, "Heading 3": 12}
"""Heading style → size in points (二号, 三号, 四号, 小四)."""
_HEADER_FILL = "D6EAF8"
_LINK_FONT = '<w:color w:val="0563C1"/><w:u w:val="single"/>'
"""A hyperlink's run: Word's own Hyperlink style (which python-docx's template lacks)."""
_TABLE_FONT_PT = 9
_INDENT_MM = 3
_INDENT_EM = _INDENT_MM / (_TABLE_FONT_PT * 25.4 / 72)
_CELL_PADDING_EM = 1.3
"""Word's default cell margins (1.9 mm each side) and a little air, in ems."""
_MAX_WANTED_EM = 40.0
_MAX_NARROW_EM = 12.0
_UNBROKEN_EM = 4.0


def _set_fonts(rpr: Any, latin: str, east_asian: str) -> None:
    """Name the fonts of a run-properties element for Latin and Chinese script."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for script, name in (("ascii", latin), ("hAnsi", latin), ("eastAsia", east_asian)):
        fonts.set(qn(f"w:{script}"), name)
    fonts.set(qn("w:cs"), latin)


def _style_fonts(style: Any, fonts: tuple[str, str], size: float) -> None:
    style.font.name = fonts[0]
    style.font.size = Pt(size)
    _set_fonts(style.element.get_or_add_rPr(), *fonts)


def _set_language(rpr: Any, lang: str) -> None:
    language = rpr.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        rpr.append(language)
    language.set(qn("w:val"), "zh-CN" if lang == "zh" else "en-GB")
    language.set(qn("w:eastAsia"), "zh-CN")


def _setup_styles(document: Any, lang: str) -> None:
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, *BODY_FONTS)
    _set_language(rpr, lang)
    normal = styles["Normal"]
    _style_fonts(normal, BODY_FONTS, 10.5)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.25
    for name, size in _HEADINGS.items():
        style = styles[name]
        _style_fonts(style, HEADING_FONTS, size)
        style.font.bold = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.space_before = Pt(14 if name != "Heading 3" else 8)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True
    title = styles["Title"]
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    border = title.element.get_or_add_pPr().find(qn("w:pBdr"))
    if border is not None:
        border.getparent().remove(border)
    for name in ("Header", "Footer", "Caption"):
        _style_fonts(styles[name], BODY_FONTS, 9)
        styles[name].font.color.rgb = RGBColor(0x5D, 0x6D, 0x7E)
    styles["Caption"].font.bold = False
    table_text = styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = normal
    _style_fonts(table_text, BODY_FONTS, _TABLE_FONT_PT)
    table_text.paragraph_format.space_after = Pt(0)
    table_text.paragraph_format.line_spacing = 1.0


def _page(section: Any, *, landscape: bool) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    width, height = A4
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    for side, length in MARGINS.items():
        setattr(section, f"{side}_margin", length)
    section.header_distance = Mm(12)
    section.footer_distance = Mm(12)


def text_width(*, landscape: bool = False) -> int:
    """The width between the margins of an A4 page, in EMU.

    Examples
    --------
    >>> round(Emu(text_width()).mm), round(Emu(text_width(landscape=True)).mm)
    (156, 243)
    """
    paper = A4[1] if landscape else A4[0]
    return int(paper - MARGINS["left"] - MARGINS["right"])


_KEPT_TABLE_STYLES = ("TableNormal", "TableGrid")
"""The table styles the reports use (and Word's default one); python-docx's template has 100."""

_LEFT_OUT = (RT.THUMBNAIL, _STYLES_WITH_EFFECTS, RT.CUSTOM_XML)
"""Parts of python-docx's template left out of the reports, by relationship type (below)."""


def _slim(document: Any) -> None:
    """Leave out of a new document what its template holds for nothing.

    python-docx's template carries 100 table styles (310 KB of XML; Word offers
    its built-in table styles all the same), Word 2010's copy of the styles
    with effects (440 KB, read by no later Word), a thumbnail of an empty page
    and an empty custom-XML item: a batch's every site document would parse,
    write and compress them again.
    """
    styles = document.styles.element
    for style in styles.findall(qn("w:style")):
        kept = style.get(qn("w:styleId")) in _KEPT_TABLE_STYLES
        if style.get(qn("w:type")) == "table" and not kept:
            styles.remove(style)
    for rels in (document.part.package.rels, document.part.rels):
        for relation in [r for r in rels.values() if r.reltype in _LEFT_OUT]:
            rels.pop(relation.rId)


@lru_cache(maxsize=2)
def _template(lang: str) -> bytes:
    """The reports' empty document in ``lang`` (A4, styles set up), saved once a process."""
    document = Document()
    _slim(document)
    _page(document.sections[0], landscape=False)
    _setup_styles(document, lang)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def new_document(lang: str, *, title: str, subject: str = "") -> Any:
    """An empty A4 document with the report styles.

    Parameters
    ----------
    lang : {"zh", "en"}
        Proofing language of Latin text (Chinese text is always zh-CN).
    title, subject : str
        Core properties shown by Word's File ▸ Info.

    Returns
    -------
    docx.document.Document

    Examples
    --------
    >>> document = new_document("zh", title="审查报告")
    >>> section = document.sections[0]
    >>> round(section.page_width.mm), round(section.page_height.mm)
    (210, 297)
    >>> document.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia"))
    '宋体'
    """
    document = Document(io.BytesIO(_template(lang)))
    properties = document.core_properties
    properties.author = "landcheck"
    properties.title = xml_text(title)
    properties.subject = xml_text(subject)
    properties.language = "zh-CN" if lang == "zh" else "en"
    return document


def add_text(paragraph: Any, text: Any, *, bold: bool = False, color: str = "") -> Run:
    """Append a run of plain text (XML-safe) to a paragraph, bold and in ``color`` (``#RRGGBB``).

    The run is what python-docx's ``add_run`` and font properties build, written
    as text and parsed once: a report of many sites makes tens of thousands.
    """
    font = "<w:b/>" if bold else ""
    if color:
        font += f'<w:color w:val="{escape(str(_rgb(color)), _QUOTE)}"/>'
    return _append_run(paragraph, font, xml_text(text))


def blank(paragraph: Any, width: int = 12) -> Run:
    """Append an underlined blank of ``width`` full-width spaces: a field to fill in."""
    return _append_run(paragraph, '<w:u w:val="single"/>', "\u3000" * width)


def _append_run(paragraph: Any, font: str, text: str) -> Run:
    """Append a run with properties ``font`` (XML) and ``text`` (XML-safe) to a paragraph."""
    run = parse_xml(_run_xml(text, font, namespace=_W))
    paragraph._p.append(run)
    return Run(run, paragraph)


def _run_xml(text: str, font: str = "", *, namespace: str = "") -> str:
    """A run as python-docx builds it: its properties (``font``, XML) only when it has some."""
    properties = f"<w:rPr>{font}</w:rPr>" if font else ""
    declared = f" {namespace}" if namespace else ""
    return f"<w:r{declared}>{properties}{_run_content(text)}</w:r>"


def add_page_number(section: Any, lang: str) -> None:
    """Put the page number (a PAGE field Word and LibreOffice update) in the footer."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("第 " if lang == "zh" else "Page ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    number = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    number.append(text)
    field.append(number)
    paragraph._p.append(field)
    if lang == "zh":
        paragraph.add_run(" 页")


@dataclass(frozen=True)
class Cell:
    """One table cell: its text and how it looks.

    Attributes
    ----------
    text : str
        Plain text (made XML-safe when written).
    numeric : bool
        Right-aligned.
    bold : bool
        Bold text (totals).
    fill : str
        Background colour as hex ``RRGGBB``, or empty.
    color : str
        Text colour as ``#RRGGBB``, or empty.
    indent : int
        Indentation level of the text (row tree depth).
    wide : bool
        The cell's column holds long texts (messages, lists) and may take
        more of the table's width than the others.
    """

    text: str
    numeric: bool = False
    bold: bool = False
    fill: str = ""
    color: str = ""
    indent: int = 0
    wide: bool = False


_QUOTE = {'"': "&quot;"}
_W = nsdecls("w")

_RUN_BREAKS = re.compile(r"(\t|\r|\n)")


def _twips(length: int) -> str:
    return str(Emu(length).twips)


def _on_off(tag: str, value: bool | None) -> str:
    """A paragraph's on/off property as python-docx writes it (None: absent)."""
    if value is None:
        return ""
    return f"<w:{tag}/>" if value else f'<w:{tag} w:val="0"/>'


def _rgb(color: str) -> RGBColor:
    return RGBColor.from_string(color.lstrip("#").upper())


def _run_content(text: str) -> str:
    r"""A run's content as python-docx writes a text: ``\t`` a tab, ``\r`` or ``\n`` a break.

    Examples
    --------
    >>> _run_content("a\tb\n c<")
    '<w:t>a</w:t><w:tab/><w:t>b</w:t><w:br/><w:t xml:space="preserve"> c&lt;</w:t>'
    """
    parts = []
    for piece in _RUN_BREAKS.split(text):
        if piece == "\t":
            parts.append("<w:tab/>")
        elif piece in ("\r", "\n"):
            parts.append("<w:br/>")
        elif piece:
            space = ' xml:space="preserve"' if len(piece.strip()) < len(piece) else ""
            parts.append(f"<w:t{space}>{escape(piece)}</w:t>")
    return "".join(parts)


def _widths_em(text: str, indent: int) -> tuple[float, float]:
    """(whole text on one line, longest piece that cannot wrap) in ems of the table font.

    Chinese characters are a full em and may wrap between any two; other
    characters count as 0.55 em and wrap only at spaces. Short texts (up to
    4 em, such as 三大类 or 面积（亩）) are not wrapped at all.
    """
    full = longest = 0.0
    for line in text.split("\n"):
        width = token = 0.0
        for char in line:
            if unicodedata.east_asian_width(char) in "WF":
                width += 1.0
                longest = max(longest, token, 1.0)
                token = 0.0
            elif char.isspace():
                width += 0.3
                longest = max(longest, token)
                token = 0.0
            else:
                width += 0.55
                token += 0.55
        full = max(full, width)
        longest = max(longest, token, min(width, _UNBROKEN_EM))
    extra = _INDENT_EM * indent
    return full + extra, longest + extra


def column_widths(
    columns: Sequence[Sequence[Cell]], width: int, *, header: bool = False
) -> list[int]:
    """Column widths that fit the content, like a browser's automatic table layout.

    Every column first gets the width of its longest piece that cannot wrap
    (a number, a word, a short text); what is left of ``width`` is shared in
    proportion to how much wider each column would like to be (its longest
    text on one line, at most 40 em for a column of long texts, 12 em for
    the others). A header may wrap freely: it asks for its unbreakable
    pieces only, not for one line. When every column fits on one line, the
    columns grow in proportion to that width, so a table always spans
    ``width``.

    Parameters
    ----------
    columns : sequence of sequences of Cell
        Each column's cells, header included.
    width : int
        The table's width in EMU.
    header : bool
        The first cell of each column is its header.

    Returns
    -------
    list of int
        Widths in EMU, adding up to ``width`` (give or take rounding).

    Examples
    --------
    >>> message = "项目用地占用永久基本农田 1.0000 公顷，须调整选址避让。"
    >>> narrow, wide = column_widths([[Cell("1.0000")], [Cell(message, wide=True)]], Mm(150))
    >>> narrow > Mm(14), wide > 5 * narrow, abs(narrow + wide - Mm(150)) < 10
    (True, True, True)
    """
    em = _TABLE_FONT_PT * 12700
    padding = _CELL_PADDING_EM * em
    needs = []
    for cells in columns:
        measured = [_widths_em(cell.text, cell.indent) for cell in cells]
        least = max((m[1] for m in measured), default=1.0)
        if header and measured:
            measured[0] = (measured[0][1], measured[0][1])
        limit = _MAX_WANTED_EM if any(cell.wide for cell in cells) else _MAX_NARROW_EM
        wanted = min(max((m[0] for m in measured), default=1.0), limit)
        needs.append((least, max(wanted, least)))
    available = width / em - _CELL_PADDING_EM * len(columns)
    least_total = sum(least for least, _ in needs)
    growth = [wanted - least for least, wanted in needs]
    if least_total >= available:
        ems = [available * least / least_total for least, _ in needs]
    elif sum(growth) >= available - least_total:
        share = (available - least_total) / sum(growth)
        ems = [least + share * grow for (least, _), grow in zip(needs, growth, strict=True)]
    else:
        # every column fits on one line: the rest is shared by how wide they are
        stretch = available / sum(wanted for _, wanted in needs)
        ems = [wanted * stretch for _, wanted in needs]
    return [int(e * em + padding) for e in ems]


_ROWS_MARK = re.compile(rb"<!--landcheck-rows:(\d+)-->")
"""Where a table's rows go in its serialised XML (a comment: no text serialises as one)."""


def _rows_put_in(xml: bytes, rows: dict[int, bytes], *, forget: bool = False) -> bytes:
    """``xml`` with each table's rows (kept compressed) in place of its mark.

    ``forget``: the rows put in are dropped (their tables are serialised for good).
    """
    take = rows.pop if forget else rows.__getitem__
    return _ROWS_MARK.sub(lambda found: zlib.decompress(take(int(found[1]))), xml)


class _BodySetAside(DocumentPart):
    """The main document part of a :class:`Flow`: its tables' rows and set-aside text kept apart.

    :meth:`Flow.table` and :meth:`Flow.set_aside` give a document's part this
    class (python-docx's own with two properties more): saved, its XML is
    python-docx's, the text set aside (kept compressed) put back at the start of
    the body, where its elements were, and each table's rows in the table.
    """

    set_aside: list[bytes]
    rows: dict[int, bytes]

    @property
    def blob(self) -> bytes:
        xml = _rows_put_in(serialize_part_xml(self._element), self.rows)
        head, tail = xml.split(b"<w:body>", 1)
        return b"".join([head, b"<w:body>", *map(zlib.decompress, self.set_aside), tail])


class Flow:
    """Appends content at the end of a document in constant time per element.

    Parameters
    ----------
    document : docx.document.Document
        A document from :func:`new_document`.

    Examples
    --------
    >>> flow = Flow(new_document("en", title="report"))
    >>> flow.heading("Sites", 1).style.name
    'Heading 1'
    >>> flow.table([Cell("site")], [[Cell("S1")], [Cell("S2")]], width=Mm(100))
    >>> saved = io.BytesIO()
    >>> flow.document.save(saved)
    >>> table = Document(saved).tables[0]
    >>> [row.cells[0].text for row in table.rows], table.rows[0]._tr.trPr.xml.count("tblHeader")
    (['site', 'S1', 'S2'], 1)
    >>> round(flow.section(landscape=True).page_width.mm)
    297
    """

    def __init__(self, document: Any) -> None:
        self.document = document
        self._styles = {style.name: style.style_id for style in document.styles}
        self._next_shape_id: int | None = None
        self._images: dict[str, ImagePart] | None = None
        self._taken: set[int] = set()
        self._numbers = {"image": 1, "rId": 1}
        self._set_aside: list[bytes] = []
        self._rows: dict[int, bytes] = {}
        self._tables = 0

    def _append(self, element: Any) -> None:
        # the body's last child is the final w:sectPr; content goes before it
        self.document.element.body[-1].addprevious(element)

    def set_aside(self) -> None:
        """Serialise the content appended so far and take its elements out of the document.

        A batch's report would otherwise hold every paragraph, run and cell as
        an XML element until it is saved: 3.4 million elements and 840 MB for
        500 sites, where their text is 96 MB, kept compressed. The document
        saves the same XML (the text set aside, then the rest of the body).
        What is set aside can no longer be changed: call this between parts of
        the document (a site, a draft), never with a part half written.
        """
        body = self.document.element.body
        if len(body) < 2:  # only the final section's properties
            return
        # the document as it would be saved, its body's content cut out (up to the final
        # w:sectPr, the last one in the text); no element leaves the document but to be freed:
        # moving a batch's summary table to another one takes lxml minutes
        xml = etree.tostring(self.document.element, encoding="UTF-8")
        xml = _rows_put_in(xml, self._rows, forget=True)  # their tables leave the document
        start = xml.index(b"<w:body>") + len(b"<w:body>")
        self._set_aside.append(zlib.compress(xml[start : xml.rindex(b"<w:sectPr")], 1))
        del body[:-1]
        self._own_part()

    def part_set_aside(self) -> bytes:
        """Set aside the content appended so far and return it, for :meth:`add_set_aside`.

        What the documents of a batch share (their provenance) is appended once
        to a flow of the same template and put into each with :meth:`add_set_aside`.
        """
        count = len(self._set_aside)
        self.set_aside()
        return b"".join(map(zlib.decompress, self._set_aside[count:]))

    def add_set_aside(self, text: bytes) -> None:
        """Append content another flow of the same template set aside (:meth:`part_set_aside`).

        Its paragraphs and tables come after what was appended so far, as if
        appended here: the document saves the same XML.
        """
        self.set_aside()
        self._set_aside.append(zlib.compress(text, 1))
        self._own_part()

    def _own_part(self) -> None:
        """Give the document's part the class that saves what this flow keeps apart."""
        part = self.document.part
        if not isinstance(part, _BodySetAside):
            part.__class__ = _BodySetAside
            part.set_aside = self._set_aside
            part.rows = self._rows

    def paragraph(
        self,
        text: Any = "",
        style: str | None = None,
        *,
        keep_with_next: bool | None = None,
        page_break_before: bool | None = None,
        space_before: Length | None = None,
        space_after: Length | None = None,
    ) -> Paragraph:
        """Append a paragraph (``text`` made XML-safe) in a style given by name.

        The keywords are python-docx's ``paragraph_format`` properties of the
        same names (None: not set). Written as text and parsed once, as
        python-docx would build it: the properties in the schema's order, the
        text in one run.
        """
        properties = ""
        if style is not None:
            properties = f'<w:pStyle w:val="{escape(self._styles[style], _QUOTE)}"/>'
        properties += _on_off("keepNext", keep_with_next)
        properties += _on_off("pageBreakBefore", page_break_before)
        if space_before is not None or space_after is not None:
            before = "" if space_before is None else f' w:before="{_twips(space_before)}"'
            after = "" if space_after is None else f' w:after="{_twips(space_after)}"'
            properties += f"<w:spacing{before}{after}/>"
        if properties:
            properties = f"<w:pPr>{properties}</w:pPr>"
        run = _run_xml(xml_text(text)) if text != "" else ""
        element = parse_xml(f"<w:p {_W}>{properties}{run}</w:p>")
        self._append(element)
        return Paragraph(element, self.document)

    def heading(self, text: Any, level: int, *, page_break_before: bool | None = None) -> Paragraph:
        """Append a heading: ``Title`` for level 0, else ``Heading 1``–``3``."""
        style = "Title" if level == 0 else f"Heading {level}"
        return self.paragraph(text, style, page_break_before=page_break_before)

    def picture(self, image: Any, width: int) -> Paragraph:
        """Append a centred picture (a PNG file or file-like object) ``width`` wide.

        What python-docx's ``add_picture`` makes, with what it finds again for
        every picture kept here, where its cost grows with the square of the
        pictures (a batch's maps): the picture's id (one more than the largest
        in the document: python-docx reads every id of the document, 62 s of
        77 for 500 sites; only pictures add such ids to a document's body), the
        image parts by their SHA-1 (python-docx hashes every image added so
        far), their names and relationship ids (the first numbers free).
        """
        paragraph = self.paragraph(keep_with_next=True)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        part = self.document.part
        relation, picture = self._image_part(image)
        cx, cy = picture.scaled_dimensions(Emu(int(width)), None)
        if self._next_shape_id is None:
            self._next_shape_id = part.next_id
        shape = CT_Inline.new_pic_inline(self._next_shape_id, relation, picture.filename, cx, cy)
        self._next_shape_id += 1
        paragraph.add_run()._r.add_drawing(shape)
        return paragraph

    def _image_part(self, image: Any) -> tuple[str, Image]:
        """The relationship id and image of ``image``'s part, added once per distinct image."""
        picture = Image.from_file(image)
        part = self.document.part
        package = part.package
        if self._images is None:  # the images already in the package, if any: hashed once
            self._images = {known.sha1: known for known in package.image_parts}
            self._taken = {known.partname.idx for known in self._images.values()}
        image_part = self._images.get(picture.sha1)
        if image_part is not None:
            return part.relate_to(image_part, RT.IMAGE), image_part.image
        number = self._first_free("image", self._taken.__contains__)
        name = PackURI(f"/word/media/image{number}.{picture.ext}")
        image_part = ImagePart.from_image(picture, name)
        package.image_parts.append(image_part)
        relation = f"rId{self._first_free('rId', lambda n: f'rId{n}' in part.rels)}"
        part.rels.add_relationship(RT.IMAGE, image_part, relation)
        self._images[picture.sha1] = image_part
        return relation, image_part.image

    def link(self, paragraph: Paragraph, text: Any, target: str) -> None:
        """Append a hyperlink to ``target`` (a URL, or a path relative to the document).

        ``text`` (made XML-safe) is shown as Word shows a link: blue, underlined.
        The relationship id is the first free one, as python-docx gives it, from
        a counter (a batch's index links to thousands of documents).
        """
        part = self.document.part
        relation = f"rId{self._first_free('rId', lambda n: f'rId{n}' in part.rels)}"
        part.rels.add_relationship(RT.HYPERLINK, target, relation, is_external=True)
        run = _run_xml(xml_text(text), _LINK_FONT)
        paragraph._p.append(
            parse_xml(f'<w:hyperlink {_W} {nsdecls("r")} r:id="{relation}">{run}</w:hyperlink>')
        )

    def _first_free(self, kind: str, used: Callable[[int], bool]) -> int:
        """The first number of ``kind`` from the last one given that is not ``used``.

        python-docx gives the first free number from 1; nothing here is ever
        removed, so the numbers below the last one given stay taken.
        """
        number = self._numbers[kind]
        while used(number):
            number += 1
        self._numbers[kind] = number + 1
        return number

    def section(self, *, landscape: bool) -> Any:
        """Start a new page in a new A4 section, portrait or landscape (for wide tables).

        The section keeps the previous one's header and footer.
        """
        section = self.document.add_section(WD_SECTION.NEW_PAGE)
        _page(section, landscape=landscape)
        return section

    def _row_xml(
        self, values: Sequence[Cell], widths: Sequence[str], *, header: bool, keep: bool = False
    ) -> str:
        """One table row as WordprocessingML text: what python-docx would build cell by cell.

        Rows are written as text, byte for byte as lxml would serialise them, and
        never parsed (:meth:`table`): building them through python-docx's objects
        cost about 0.2 s a site in report.docx, parsing them a fifth of a site's
        document. ``keep``: each cell's paragraph keeps with the next
        (``keep_with_next``).
        """
        style = escape(self._styles[TABLE_STYLE], _QUOTE)
        flags = "<w:tblHeader/><w:cantSplit/>" if header else "<w:cantSplit/>"
        parts = [f"<w:tr><w:trPr>{flags}</w:trPr>"]
        for value, width in zip(values, widths, strict=True):
            shading = (
                f'<w:shd w:val="clear" w:color="auto" w:fill="{escape(value.fill, _QUOTE)}"/>'
                if value.fill
                else ""
            )
            paragraph = f'<w:pStyle w:val="{style}"/>' + _on_off("keepNext", keep or None)
            if value.indent:
                paragraph += f'<w:ind w:left="{_twips(Mm(_INDENT_MM * value.indent))}"/>'
            if value.numeric:
                paragraph += '<w:jc w:val="right"/>'
            font = "<w:b/>" if value.bold else ""
            if value.color:
                font += f'<w:color w:val="{escape(str(_rgb(value.color)), _QUOTE)}"/>'
            properties = f"<w:rPr>{font}</w:rPr>" if font else "<w:rPr/>"  # as lxml writes it
            parts.append(
                f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/>{shading}</w:tcPr>'
                f"<w:p><w:pPr>{paragraph}</w:pPr><w:r>{properties}"
                f"{_run_content(xml_text(value.text))}</w:r></w:p></w:tc>"
            )
        parts.append("</w:tr>")
        return "".join(parts)

    def table(
        self,
        headers: Sequence[Cell] | None,
        rows: Sequence[Sequence[Cell]],
        *,
        width: int,
        keep_last_row: bool = False,
    ) -> None:
        """Append a grid table whose header row repeats on every page.

        The rows are kept as text, compressed, and put in the table when the
        document is serialised (:meth:`set_aside`, saving): the document holds
        the table without its rows until then.

        Parameters
        ----------
        headers : sequence of Cell, or None
            The header row (shaded, bold, repeated across pages); None for a
            table without one (label/value pairs).
        rows : sequence of sequences of Cell
            The body rows, all of one length.
        width : int
            Total width of the table (EMU, e.g. ``docx.shared.Mm(150)``); the
            columns share it by :func:`column_widths`.
        keep_last_row : bool
            The last row keeps with the paragraph after the table (its note).
        """
        body = [list(row) for row in rows]
        head = list(headers) if headers is not None else None
        every = ([head] if head is not None else []) + body
        count = len(every[0]) if every else 0
        widths = column_widths(
            [[row[i] for row in every] for i in range(count)], int(width), header=head is not None
        )
        element = CT_Tbl.new_tbl(0, count, Emu(int(width)))
        self._append(element)
        table = Table(element, self.document)
        element.tblStyle_val = self._styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        # each column's width on its w:gridCol, as python-docx's column.width sets it: its
        # `table.columns` would tie the table to its columns, alive until the collector runs
        # (and lxml takes minutes to take a batch's summary out of the document while it is)
        grid = element.tblGrid.gridCol_lst
        for column, length in zip(grid, widths, strict=True):
            column.w = Emu(length)
        cells = [column.get(qn("w:w")) for column in grid]
        rows_xml = []
        if head is not None:
            bold = [Cell(v.text, v.numeric, bold=True, fill=_HEADER_FILL) for v in head]
            rows_xml.append(self._row_xml(bold, cells, header=True))
        last = len(body) - 1
        rows_xml += [
            self._row_xml(values, cells, header=False, keep=keep_last_row and row == last)
            for row, values in enumerate(body)
        ]
        if rows_xml:  # put in when the document is serialised: the same XML, never parsed
            self._rows[self._tables] = zlib.compress("".join(rows_xml).encode("utf-8"), 1)
            element.append(etree.Comment(f"landcheck-rows:{self._tables}"))
            self._tables += 1
            self._own_part()
