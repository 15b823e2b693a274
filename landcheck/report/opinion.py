"""Draft 用地预审与选址意见书, one per site, as the appendix of report.docx.

At the approval stage (``--stage approval``) the drafts are 用地报批审查意见 instead
(:func:`draft_texts`): the 预审与选址意见书 is what the pre-examination issues.

Each draft is an editable starting point a reviewer completes and signs, not
an opinion: every page of the appendix is headed
"草稿（由 landcheck 根据数据生成，须经审查人员核实、修改）" (in English: "DRAFT
generated from data — to be verified and completed by the reviewer"), and so
is the top of every draft. What the data says is filled in, with the wording
of the findings unchanged:

一、项目基本情况 — site id, project, class, area, location;
二、拟用地面积及地类 — the land-class table (class, code, hectares, 亩);
三、审查意见 — per review point (finding): its conclusion, the area concerned,
    the opinion with its conditions, and the legal basis;
四、尚须提交的材料 — :meth:`CheckResult.documents` of the site, then those of 报批, then
    apart what the checks that could not be made may need
    (:meth:`CheckResult.documents_possible`);
五、综合意见 — the site's overall status, then blank lines for the reviewer.

What only the reviewer can give — 文号, 审查机关, 日期, the reviewer's own
opinion, seal and signature — are visible underlined blanks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from landcheck.labels import status_label
from landcheck.report.content import format_value, report_texts
from landcheck.report.palette import STATUS_COLORS
from landcheck.report.wordstyle import Flow, add_text, blank
from landcheck.report.wordtables import add_pairs, add_report_table, site_name, table_pairs
from landcheck.result import CheckResult
from landcheck.tables import ReportTable
from landcheck.tables.findings import LATER, TAKEN, possible_name

__all__ = ["DRAFT_MARK", "add_opinion_drafts", "chinese_number", "draft_texts"]

DRAFT_MARK = {
    "zh": "草稿（由 landcheck 根据数据生成，须经审查人员核实、修改）",
    "en": "DRAFT generated from data — to be verified and completed by the reviewer",
}
"""The mark heading every page of the drafts, per language."""

_BASIC_KEYS = ("site_id", "name", "project_class", "ha", "mu", "area_method", "location")
_CLASS_KEYS = ("label", "code", "ha", "mu")
_DIGITS = "零一二三四五六七八九"
_SIGNATURE_INDENT = Mm(72)
"""Where the seal, signature and date lines start (the right half of the page)."""


def chinese_number(number: int) -> str:
    """A number from 1 to 99 in Chinese numerals, for headings like （十二）.

    Examples
    --------
    >>> [chinese_number(n) for n in (1, 10, 12, 20, 35)]
    ['一', '十', '十二', '二十', '三十五']
    """
    if not 1 <= number <= 99:
        raise ValueError(f"{number} is outside 1–99")
    tens, units = divmod(number, 10)
    text = (("" if tens == 1 else _DIGITS[tens]) + "十") if tens else ""
    return text + (_DIGITS[units] if units else "")


_DRAFT_NAMES = {
    "preexam": {
        "zh": "用地预审与选址意见书",
        "en": "land pre-examination and site opinion",
        "intro_en": "land pre-examination and site selection opinion (用地预审与选址意见书)",
        "appendix_en": "draft site opinions",
    },
    "approval": {
        "zh": "用地报批审查意见",
        "en": "land approval review opinion",
        "intro_en": "land approval (用地报批) review opinion",
        "appendix_en": "draft land approval review opinions",
    },
}
"""What a draft is called at each stage: the 预审 issues the 用地预审与选址意见书; at 报批 the
draft is the review's opinion on the application (用地报批), not a 预审与选址意见书."""


def draft_texts(lang: str, stage: str = "preexam") -> dict[str, str]:
    """The fixed wording of a draft in ``lang``.

    Parameters
    ----------
    lang : {"zh", "en"}
        The drafts' language.
    stage : {"preexam", "approval"}
        The stage of the application (:attr:`CheckResult.stage`), which names the
        draft: a 用地预审与选址意见书 at 预审, a 用地报批审查意见 at 报批.

    Returns
    -------
    dict of str to str
        Each fixed text by key.
    """
    zh = lang == "zh"
    name = _DRAFT_NAMES[stage]
    pairs = {
        "appendix": (f"附录　{name['zh']}（草稿）", f"Appendix: {name['appendix_en']}"),
        "intro": (
            f"以下按项目用地逐一列出{name['zh']}草稿。草稿中的面积、地类、审查结论、"
            "条件和材料清单取自本报告的审查结果；文号、审查机关、日期和审查人员意见须由审查人员"
            "填写，全文须经审查人员核实、修改后方可使用。",
            f"One draft {name['intro_en']} "
            "per site follows. Areas, land classes, conclusions, conditions and documents are "
            "taken from this report's findings; the reference number, authority, date and the "
            "reviewer's opinion are for the reviewer to fill in, and the whole text must be "
            "verified and edited by the reviewer before use.",
        ),
        "title": (f"{name['zh']}（草稿）", f"{name['en']} (draft)"),
        "number": ("文号：", "Reference no.: "),
        "authority": ("审查机关：", "Reviewing authority: "),
        "date": ("日期：", "Date: "),
        "year": ("年", "-"),
        "month": ("月", "-"),
        "day": ("日", ""),
        "basic": ("一、项目基本情况", "1. The project"),
        "classes": ("二、拟用地面积及地类", "2. Area and land classes"),
        "findings": ("三、审查意见", "3. Review points"),
        "documents": ("四、尚须提交的材料", "4. Documents still to submit"),
        "overall": ("五、综合意见", "5. Overall opinion"),
        "conclusion": ("结论：", "Conclusion: "),
        "area": ("涉及面积 ", "area concerned "),
        "opinion": ("意见：", "Opinion: "),
        "opinion_conditions": ("意见及条件：", "Opinion and conditions: "),
        "basis": ("依据：", "Basis: "),
        "none": ("无。", "None."),
        "worst": (
            "综合审查结论（各审查事项中最不利的结论）：",
            "Overall conclusion (the least favourable of the review points): ",
        ),
        "reviewer": ("审查人员意见：", "Reviewer's opinion:"),
        "seal": ("审查机关（盖章）：", "Reviewing authority (seal): "),
        "signature": ("审查人：", "Reviewer: "),
    }
    return {key: pair[0] if zh else pair[1] for key, pair in pairs.items()}


def _mark(flow: Flow, lang: str) -> None:
    paragraph = flow.paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_text(paragraph, DRAFT_MARK[lang], bold=True, color=STATUS_COLORS["prohibited"])


def _date(paragraph: Any, texts: dict[str, str]) -> None:
    add_text(paragraph, texts["date"])
    blank(paragraph, 4)
    add_text(paragraph, texts["year"])
    blank(paragraph, 2)
    add_text(paragraph, texts["month"])
    blank(paragraph, 2)
    add_text(paragraph, texts["day"])


def _fields(flow: Flow, texts: dict[str, str]) -> None:
    for key, width in (("number", 14), ("authority", 18)):
        paragraph = flow.paragraph(texts[key])
        blank(paragraph, width)
    _date(flow.paragraph(), texts)


def _area(record: dict[str, Any], lang: str) -> str:
    """The area a review point concerns; a dash unless the site is involved.

    An unknown, info or not-involved finding carries the site's area, or a
    sliver's: "涉及面积" would read as land taken, so it shows "—" as the summary
    table does.
    """
    if record["_status"] not in TAKEN:
        return format_value(None, "ha")
    ha, mu = format_value(record["ha"], "ha"), format_value(record["mu"], "mu")
    return f"{ha} 公顷（{mu} 亩）" if lang == "zh" else f"{ha} ha ({mu} mu)"


def _review_points(flow: Flow, findings: ReportTable, site_id: str, texts: dict[str, str]) -> None:
    lang = findings.lang
    records = findings.site_records(site_id)
    for number, record in enumerate(records, 1):
        status = str(record["_status"])
        prefix = f"（{chinese_number(number)}）" if lang == "zh" else f"3.{number} "
        head = flow.paragraph(keep_with_next=True, space_before=Pt(6))
        add_text(head, f"{prefix}{record['check']}", bold=True)
        conclusion = flow.paragraph()
        add_text(conclusion, texts["conclusion"], bold=True)
        add_text(conclusion, status_label(status, lang), color=STATUS_COLORS[status], bold=True)
        add_text(conclusion, ("；" if lang == "zh" else "; ") + texts["area"])
        add_text(conclusion, _area(record, lang) + ("。" if lang == "zh" else "."))
        opinion = flow.paragraph()
        key = "opinion_conditions" if status == "conditional" else "opinion"
        add_text(opinion, texts[key], bold=True)
        add_text(opinion, record["message"])
        basis = [item for item in str(record["basis"]).split("\n") if item]
        if basis:
            paragraph = flow.paragraph()
            add_text(paragraph, texts["basis"], bold=True)
            add_text(paragraph, ("；" if lang == "zh" else "; ").join(basis))


def _documents(
    flow: Flow, result: CheckResult, site_id: str, lang: str, texts: dict[str, str]
) -> None:
    """四、尚须提交的材料: those needed now and later, then apart those unknown checks may need."""
    documents = [d.get(lang) for d in result.documents(site_id)]
    documents += [d.get(lang) + LATER[lang] for d in result.documents_later(site_id)]
    if not documents:
        flow.paragraph(texts["none"])
    _numbered(flow, documents)
    possible = [possible_name(d, lang) for d in result.documents_possible(site_id)]
    if possible:
        flow.paragraph(report_texts(lang)["documents_possible"], keep_with_next=True)
        _numbered(flow, possible)


def _numbered(flow: Flow, items: list[str]) -> None:
    for number, item in enumerate(items, 1):
        flow.paragraph(f"{number}. {item}", keep_with_next=number < len(items))


def _overall(
    flow: Flow, result: CheckResult, site_id: str, lang: str, texts: dict[str, str]
) -> None:
    """The overall conclusion, the reviewer's lines and the signature block, on one page."""
    status = result.status(site_id)
    paragraph = flow.paragraph()
    add_text(paragraph, texts["worst"], bold=True)
    add_text(paragraph, status_label(status, lang), bold=True, color=STATUS_COLORS[status])
    paragraph.paragraph_format.keep_with_next = True
    block = [flow.paragraph()]
    add_text(block[0], texts["reviewer"], bold=True)
    for _ in range(4):
        block.append(flow.paragraph())
        blank(block[-1], 36)
    for key in ("seal", "signature"):
        block.append(flow.paragraph(texts[key]))
        block[-1].paragraph_format.space_before = Pt(12)
        blank(block[-1], 10)
    block.append(flow.paragraph())
    _date(block[-1], texts)
    for line in block[-3:]:
        line.paragraph_format.left_indent = _SIGNATURE_INDENT
    for line in block[:-1]:
        line.paragraph_format.keep_with_next = True


def add_opinion_drafts(
    flow: Flow,
    result: CheckResult,
    tables: dict[str, ReportTable],
    lang: str,
    *,
    positions: Sequence[int] | None = None,
) -> None:
    """Append the drafts, in a section of their own whose page header marks them as drafts.

    Parameters
    ----------
    flow : Flow
        report.docx being written (see :func:`landcheck.report.docx.build_document`).
    result : CheckResult
        The result the drafts are about.
    tables : dict of str to ReportTable
        ``report_tables(result, lang)``, shared with the report so every number
        is rounded once.
    lang : {"zh", "en"}
        The drafts' language.
    positions : sequence of int, optional
        The positions in ``result.site_ids`` of the sites to draft (default:
        every site).
    """
    texts = draft_texts(lang, result.stage)
    section = flow.section(landscape=False)
    header = section.header
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_text(paragraph, DRAFT_MARK[lang], bold=True, color=STATUS_COLORS["prohibited"])
    flow.heading(texts["appendix"], 1)
    flow.paragraph(texts["intro"], "Caption")
    chosen = range(len(result.site_ids)) if positions is None else positions
    for number, position in enumerate(chosen):
        site_id = result.site_ids[position]
        name = site_name(result.sites.iloc[position]["name"])
        title = " ".join(part for part in (site_id, name, texts["title"]) if part)
        # the first draft follows the appendix heading on the same page
        flow.heading(title, 2, page_break_before=number > 0)
        _mark(flow, lang)
        _fields(flow, texts)
        flow.heading(texts["basic"], 3)
        add_pairs(flow, table_pairs(tables["basic"], site_id, _BASIC_KEYS))
        flow.heading(texts["classes"], 3)
        add_report_table(
            flow, tables["land_classes"], site_id=site_id, keys=_CLASS_KEYS, title=False
        )
        flow.heading(texts["findings"], 3)
        _review_points(flow, tables["findings"], site_id, texts)
        flow.heading(texts["documents"], 3)
        _documents(flow, result, site_id, lang, texts)
        flow.heading(texts["overall"], 3)
        _overall(flow, result, site_id, lang, texts)
        flow.set_aside()
