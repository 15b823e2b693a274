"""report.docx: the report as a Word document reviewers edit, plus a draft opinion per site.

The content is report.html's — the same tables from
:mod:`landcheck.tables`, the same site maps from
:mod:`landcheck.report.maps`, the same headings — laid out for Word: A4,
Chinese fonts named as Word expects them (see :mod:`landcheck.report.wordstyle`),
``Heading 1``–``3`` for the navigation pane, and tables whose header row
repeats on every page. In order:

1. a cover: title, run, the status counts;
2. the summary table, on landscape pages;
3. one part per site, each on a new page: basic facts, the map, the findings
   with their numbers, legal basis and documents, the land-class and other
   tables, the documents to submit;
4. provenance (run parameters, inputs), on landscape pages;
5. an appendix with a draft 用地预审与选址意见书 per site
   (:mod:`landcheck.report.opinion`), every page headed as a draft.

Beyond :data:`SINGLE_DOCUMENT_SITES` sites, as report.html does, report.docx
is the batch's index — the cover, the summary table, a link to each site's
document, provenance — and each site has a document of its own,
``sites/<name>.docx`` (:func:`build_site_document`): the title, the site's
part, provenance and its draft opinion, the file a reviewer completes and
signs. The site documents are written by forked workers, a few sites a job,
the index beside them; each worker holds one document at a time.

Everything taken from the inputs (site ids, names, attribute values) is
written as plain text runs, with XML-invalid characters replaced.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from landcheck._version import __version__
from landcheck.labels import status_label
from landcheck.profile import STATUSES
from landcheck.report.content import SITE_TABLES, format_value, report_texts
from landcheck.report.maps import map_png, map_pngs, prepare_map_pngs
from landcheck.report.opinion import add_opinion_drafts
from landcheck.report.palette import STATUS_COLORS
from landcheck.report.sitefiles import (
    SITES_FOLDER,
    forks_workers,
    site_file_names,
    sites_folder,
    write_in_jobs,
)
from landcheck.report.wordsave import save_document
from landcheck.report.wordstyle import (
    Flow,
    add_page_number,
    add_text,
    new_document,
    text_width,
)
from landcheck.report.wordtables import add_pairs, add_report_table, site_name, table_pairs
from landcheck.result import CheckResult
from landcheck.tables import ReportTable, report_tables, run_facts

if TYPE_CHECKING:
    from landcheck.report.options import ReportOptions

__all__ = [
    "FILENAME",
    "SINGLE_DOCUMENT_SITES",
    "build_document",
    "build_index_document",
    "build_site_document",
    "write_docx",
]

FILENAME = "report.docx"
SINGLE_DOCUMENT_SITES = 50
"""Up to this many sites report.docx holds every site's part and draft; beyond, it is an index
linking to one document per site in ``sites/``, as report.html links to its pages (one document
of a batch grows without bound; each site's is the file its reviewer completes and signs)."""
MAP_DPI = 200
"""Resolution of the site maps (they are printed)."""
MAP_PANEL_INCHES = 2.8
"""Width of one map panel: three fill the A4 text width with legible legends."""


def _status_run(paragraph: Any, status: str, lang: str, *, brackets: bool = True) -> None:
    text = status_label(status, lang)
    if brackets:
        text = f"（{text}）" if lang == "zh" else f" ({text})"
    add_text(paragraph, text, color=STATUS_COLORS[status])


def _label_paragraph(flow: Flow, text: str) -> None:
    flow.paragraph(text, "Caption", keep_with_next=True, space_after=Pt(0))


def _area(record: dict[str, Any], t: dict[str, str], lang: str) -> str:
    """A finding's area in 公顷 and 亩; a dash alone where it has none, as the draft opinion.

    >>> texts = {"ha": "公顷", "mu": "亩"}
    >>> _area({"ha": 0.25, "mu": 3.75}, texts, "zh"), _area({"ha": None, "mu": None}, texts, "zh")
    ('0.2500 公顷（3.75 亩）', '—')
    """
    ha, mu = format_value(record["ha"], "ha"), format_value(record["mu"], "mu")
    if ha == format_value(None, "ha"):
        return ha
    unit, mu_unit = t["ha"], t["mu"]
    return f"{ha} {unit}（{mu} {mu_unit}）" if lang == "zh" else f"{ha} {unit} ({mu} {mu_unit})"


def _add_findings(flow: Flow, table: ReportTable, site_id: str, t: dict[str, str]) -> None:
    lang = table.lang
    for record in table.site_records(site_id):
        head = flow.paragraph(keep_with_next=True, space_before=Pt(6))
        add_text(head, record["check"], bold=True)
        head.add_run("  ")
        _status_run(head, str(record["_status"]), lang, brackets=False)
        add_text(head, f"  {t['area']} {_area(record, t, lang)}", color="#5D6D7E")
        flow.paragraph(record["message"])
        for key, heading in (("basis", t["basis"]), ("documents", t["documents"])):
            items = [item for item in str(record[key]).split("\n") if item]
            if items:
                _label_paragraph(flow, heading)
                for item in items:
                    flow.paragraph(item, "List Bullet")


def _add_site(
    flow: Flow,
    result: CheckResult,
    tables: dict[str, ReportTable],
    position: int,
    site_id: str,
    lang: str,
    *,
    image: bytes | None,
    new_page: bool,
) -> None:
    t = report_texts(lang)
    name = site_name(result.sites.iloc[position]["name"])
    heading = flow.heading(f"{site_id} {name}".strip(), 2, page_break_before=new_page)
    _status_run(heading, result.status(site_id), lang)
    flow.heading(tables["basic"].title, 3)
    add_pairs(flow, table_pairs(tables["basic"], site_id))
    if image is not None:
        flow.heading(t["map"], 3)
        flow.picture(io.BytesIO(image), text_width())
        flow.paragraph(t["legend_note"], "Caption")
    flow.heading(t["findings"], 3)
    _add_findings(flow, tables["findings"], site_id, t)
    for key in SITE_TABLES:
        if key in tables:
            add_report_table(flow, tables[key], site_id=site_id)
    flow.heading(t["documents"], 3)
    records = tables["documents"].site_records(site_id)
    _numbered(flow, [r["document"] for r in records if not r["_possible"]])
    possible = [r["document"] for r in records if r["_possible"]]
    if possible:
        _label_paragraph(flow, t["documents_possible"])
        _numbered(flow, possible)


def _numbered(flow: Flow, items: list[str]) -> None:
    """``items`` as a numbered list, kept together on a page where it fits."""
    for number, item in enumerate(items, 1):
        paragraph = flow.paragraph(f"{number}.\t{item}", keep_with_next=number < len(items))
        paragraph.paragraph_format.left_indent = Mm(7)
        paragraph.paragraph_format.first_line_indent = Mm(-7)


def _add_title(flow: Flow, result: CheckResult, lang: str) -> None:
    """The report's title and, under it, the profile, the run's time and landcheck's version."""
    flow.heading(report_texts(lang, result.stage)["heading"], 0)
    subtitle = flow.paragraph(
        f"{result.profile.title.get(lang)} · {result.created.isoformat(timespec='seconds')} · "
        f"landcheck {__version__}",
        "Caption",
    )
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _add_cover(flow: Flow, result: CheckResult, lang: str) -> None:
    """Title, run, the status counts and the disclaimer, on the first page."""
    t = report_texts(lang)
    _add_title(flow, result, lang)
    flow.heading(t["summary"], 1)
    counts = result.statuses.value_counts()
    paragraph = flow.paragraph()
    for index, status in enumerate(STATUSES):
        if index:
            paragraph.add_run("　" if lang == "zh" else "   ")
        add_text(paragraph, status_label(status, lang), bold=True, color=STATUS_COLORS[status])
        paragraph.add_run(f" {int(counts.get(status, 0))}")
    flow.paragraph(t["disclaimer"], "Caption")


def _add_provenance(
    flow: Flow, result: CheckResult, tables: dict[str, ReportTable], lang: str
) -> None:
    t = report_texts(lang)
    flow.heading(t["provenance"], 1)
    flow.heading(t["run"], 3)
    add_pairs(flow, run_facts(result, lang), landscape=True)
    add_report_table(flow, tables["inputs"], landscape=True)
    created = result.created.isoformat(timespec="seconds")
    note = flow.paragraph(
        f"{t['generated']} {__version__} · {created}\n{t['disclaimer']}", "Caption"
    )
    note.paragraph_format.space_before = Pt(12)


def _new_report(result: CheckResult, lang: str) -> Flow:
    """The flow of a new document whose pages are headed with the report's title and numbered."""
    t = report_texts(lang, result.stage)
    document = new_document(lang, title=t["heading"], subject=result.profile.title.get(lang))
    section = document.sections[0]
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    add_text(header, f"{t['heading']} · {t['generated']} {__version__}")
    add_page_number(section, lang)
    return Flow(document)


def _add_summary(
    flow: Flow, result: CheckResult, tables: dict[str, ReportTable], lang: str
) -> None:
    """The cover, the summary table on landscape pages, then the sites' heading."""
    _add_cover(flow, result, lang)
    flow.section(landscape=True)
    add_report_table(flow, tables["summary"], landscape=True)
    flow.section(landscape=False)
    flow.heading(report_texts(lang)["sites"], 1)


def build_document(
    result: CheckResult,
    *,
    lang: str = "zh",
    maps: bool = True,
    drafts: bool = True,
    progress: Callable[[int, int], None] | None = None,
    tables: dict[str, ReportTable] | None = None,
) -> Any:
    """Build report.docx as a :class:`docx.document.Document` without saving it.

    Parameters
    ----------
    result : CheckResult
        What to report.
    lang : {"zh", "en"}
        The report's language.
    maps : bool
        Draw the site maps (the slow part).
    drafts : bool
        Append the draft opinion of every site.
    progress : callable, optional
        ``progress(done, total)`` after each site's pages (its map drawn).
    tables : dict, optional
        The result's :func:`~landcheck.tables.report_tables` in ``lang``, when
        already built.

    Returns
    -------
    docx.document.Document
    """
    flow = _new_report(result, lang)
    tables = tables if tables is not None else report_tables(result, lang)
    _add_summary(flow, result, tables, lang)
    total = len(result.site_ids)
    if progress is not None:
        progress(0, total)
    images = map_pngs(result, lang=lang, dpi=MAP_DPI, panel_size=MAP_PANEL_INCHES) if maps else None
    for position, site_id in enumerate(result.site_ids):
        image = next(images) if images is not None else None
        # the first site follows its part's heading on the same page
        _add_site(flow, result, tables, position, site_id, lang, image=image, new_page=position > 0)
        flow.set_aside()
        if progress is not None:
            progress(position + 1, total)
    flow.section(landscape=True)
    _add_provenance(flow, result, tables, lang)
    if drafts:
        add_opinion_drafts(flow, result, tables, lang)
    return flow.document


def build_index_document(
    result: CheckResult,
    names: list[str],
    *,
    lang: str = "zh",
    tables: dict[str, ReportTable] | None = None,
) -> Any:
    """Build report.docx as the index of a batch, without saving it.

    The cover, the summary table, each site (its id and name a link to
    ``sites/<name>.docx``, then its overall status) and provenance; no site
    part and no draft: those are in the sites' documents
    (:func:`build_site_document`).

    Parameters
    ----------
    result : CheckResult
        What to report.
    names : list of str
        The sites' file stems, in site order
        (:func:`~landcheck.report.sitefiles.site_file_names`).
    lang : {"zh", "en"}
        The report's language.
    tables : dict, optional
        The result's :func:`~landcheck.tables.report_tables` in ``lang``, when
        already built.

    Returns
    -------
    docx.document.Document
    """
    flow = _new_report(result, lang)
    tables = tables if tables is not None else report_tables(result, lang)
    _add_summary(flow, result, tables, lang)
    flow.paragraph(report_texts(lang, result.stage)["site_documents"], "Caption")
    site_names = result.sites["name"].tolist()
    for site_id, site, name in zip(result.site_ids, site_names, names, strict=True):
        paragraph = flow.paragraph()
        flow.link(paragraph, f"{site_id} {site_name(site)}".strip(), _site_href(name))
        _status_run(paragraph, result.status(site_id), lang)
    flow.section(landscape=True)
    _add_provenance(flow, result, tables, lang)
    return flow.document


def _site_href(name: str) -> str:
    """The index's link to a site's document (a relative URL)."""
    return f"{SITES_FOLDER}/{quote(name)}.docx"


def build_site_document(
    result: CheckResult,
    position: int,
    *,
    lang: str = "zh",
    image: bytes | None = None,
    drafts: bool = True,
    tables: dict[str, ReportTable] | None = None,
) -> Any:
    """Build one site's document of a batch (``sites/<name>.docx``), without saving it.

    The title, a link back to the index, the site's part as report.docx has
    it (its map ``image``), provenance and the site's draft opinion.

    Parameters
    ----------
    result : CheckResult
        What to report.
    position : int
        The site's position in ``result.site_ids``.
    lang : {"zh", "en"}
        The report's language.
    image : bytes, optional
        The site's map as PNG (:func:`~landcheck.report.maps.map_png` at
        :data:`MAP_DPI` and :data:`MAP_PANEL_INCHES`); None for none.
    drafts : bool
        Append the site's draft opinion.
    tables : dict, optional
        The result's :func:`~landcheck.tables.report_tables` in ``lang``, when
        already built.

    Returns
    -------
    docx.document.Document
    """
    return _site_document(
        result, position, lang=lang, image=image, drafts=drafts, tables=tables, provenance=None
    )


def _site_document(
    result: CheckResult,
    position: int,
    *,
    lang: str,
    image: bytes | None,
    drafts: bool,
    tables: dict[str, ReportTable] | None,
    provenance: bytes | None,
) -> Any:
    """:func:`build_site_document`, its provenance the batch's (:func:`_provenance_part`)."""
    t = report_texts(lang)
    flow = _new_report(result, lang)
    tables = tables if tables is not None else report_tables(result, lang)
    _add_title(flow, result, lang)
    flow.link(flow.paragraph(), t["back"], f"../{FILENAME}")
    site_id = result.site_ids[position]
    _add_site(flow, result, tables, position, site_id, lang, image=image, new_page=False)
    flow.section(landscape=True)
    if provenance is None:
        _add_provenance(flow, result, tables, lang)
    else:
        flow.add_set_aside(provenance)
    if drafts:
        add_opinion_drafts(flow, result, tables, lang, positions=[position])
    return flow.document


def _provenance_part(result: CheckResult, tables: dict[str, ReportTable], lang: str) -> bytes:
    """The provenance every site document of a batch ends with, made once (the same text)."""
    flow = _new_report(result, lang)
    _add_provenance(flow, result, tables, lang)
    return flow.part_set_aside()


def _write_site_documents(
    result: CheckResult,
    directory: str,
    *,
    lang: str,
    progress: Callable[[int, int], None] | None,
    tables: dict[str, ReportTable],
) -> None:
    """Write the index report.docx and every site's document into ``directory``'s ``sites/``."""
    total = len(result.site_ids)
    if progress is not None:
        progress(0, total)
    names = site_file_names(result.site_ids)
    for table in tables.values():
        table.site_records(
            ""
        )  # every site's rows grouped here, once, before the workers share them
    folder = sites_folder(directory)
    provenance = _provenance_part(result, tables, lang)  # before the workers share it
    if forks_workers(total):  # else the first job's map builds the same, and is not drawn twice
        prepare_map_pngs(result, lang=lang, dpi=MAP_DPI, panel_size=MAP_PANEL_INCHES)

    def write(positions: range) -> None:
        for position in positions:
            site_id = result.site_ids[position]
            image = map_png(result, site_id, lang=lang, dpi=MAP_DPI, panel_size=MAP_PANEL_INCHES)
            document = _site_document(
                result,
                position,
                lang=lang,
                image=image,
                drafts=True,
                tables=tables,
                provenance=provenance,
            )
            save_document(document, os.path.join(folder, f"{names[position]}.docx"))

    def write_index() -> None:
        index = build_index_document(result, names, lang=lang, tables=tables)
        save_document(index, os.path.join(directory, FILENAME))

    write_in_jobs(total, write, first=write_index, progress=progress)


def write_docx(result: CheckResult, directory: str, options: ReportOptions | None = None) -> str:
    """Write report.docx into ``directory`` and return its path.

    Up to :data:`SINGLE_DOCUMENT_SITES` sites, report.docx is the whole report;
    beyond, it is the batch's index (:func:`build_index_document`) and each
    site has its own document in ``sites/`` (:func:`build_site_document`).
    """
    lang = options.lang if options is not None else "zh"
    path = os.path.join(directory, FILENAME)
    progress = options.step("docx") if options is not None else None
    tables = options.tables(result) if options is not None else None
    if len(result.site_ids) <= SINGLE_DOCUMENT_SITES:
        save_document(build_document(result, lang=lang, progress=progress, tables=tables), path)
        return path
    tables = tables if tables is not None else report_tables(result, lang)
    _write_site_documents(result, directory, lang=lang, progress=progress, tables=tables)
    return path
