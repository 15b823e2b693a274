"""report.html: the page a reviewer opens offline.

Up to :data:`SINGLE_PAGE_SITES` sites it is one self-contained file.
Everything is inline: the styles, the site maps (SVG drawn from the
geometry, :mod:`landcheck.report.svgmap`) and the font (the bundled Noto
Sans CJK SC cut to the characters the page uses, its maps' labels too, as a
base64 WOFF ``@font-face``), so the page needs no network and no installed
Chinese font. The page is rendered from ``templates/report.html.j2`` with
autoescaping on; the tables come from :mod:`landcheck.tables`.

Beyond that report.html is an index (run facts, status counts, the summary
table linking every site, provenance) and each site has its own page
``sites/<name>.html`` (``templates/site.html.j2``: the same section as the
single page, its map inline); the pages and the index share ``sites/font.css``,
the whole bundled font (no cut that waits for the last page). The folder
still needs no network.
The PNG maps (:mod:`landcheck.report.maps`) are for report.docx.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from markupsafe import Markup, escape

from landcheck._version import __version__
from landcheck.labels import status_label
from landcheck.profile import STATUSES
from landcheck.report.content import SITE_TABLES, format_value, format_values, report_texts
from landcheck.report.mapcache import site_name
from landcheck.report.pager import pager_context
from landcheck.report.palette import STATUS_COLORS
from landcheck.report.sitefiles import (
    SITES_FOLDER,
    site_file_names,
    sites_folder,
    write_in_jobs,
)
from landcheck.report.svgmap import prepare_maps, site_svg, site_svgs
from landcheck.result import CheckResult
from landcheck.tables import Column, ReportTable, report_tables, run_facts
from landcheck.text import shown_reordering
from landcheck.typeface import WEB_FAMILY, font_face_css, whole_font_face_css

if TYPE_CHECKING:
    from landcheck.report.options import ReportOptions

__all__ = [
    "FILENAME",
    "INDEX_FONT_CSS",
    "SINGLE_PAGE_SITES",
    "render_html",
    "render_index",
    "write_html",
    "write_site_pages",
]

FILENAME = "report.html"

SINGLE_PAGE_SITES = 50
"""Up to this many sites report.html is one self-contained page with every site's map inline;
beyond, it is an index linking to one page per site in :data:`SITES_FOLDER` (a page of every
site would take a browser long to lay out; with PNG maps, 500 sites weighed 97 MB)."""

FONT_CSS = "font.css"
"""The shared stylesheet of the site pages and the index (in :data:`SITES_FOLDER`): the font."""

INDEX_FONT_CSS = f"{SITES_FOLDER}/{FONT_CSS}"
"""The index's link to :data:`FONT_CSS` (``render_index(font_css=…)``)."""

_FONT_MARK = "/*@font-face*/"


def _special(text: str) -> bool:
    """Whether ``text`` holds any of ``<>&'"``: five scans of it in C, each faster than a regex's.

    >>> _special("耕地 1.5 ha"), _special("A&B")
    (False, True)
    """
    return "<" in text or ">" in text or "&" in text or "'" in text or '"' in text


def _escaped(text: str) -> str:
    """``text`` escaped as :func:`markupsafe.escape` escapes it; text with none of ``<>&'"`` as is.

    Most cells are numbers or plain names: they skip making a ``Markup``, which
    took more time than the escaping. A character that would reorder what follows
    it (a site id's U+202E) is shown as its escape (:func:`~landcheck.text.shown_reordering`).
    """
    return shown_reordering(str(escape(text)) if _special(text) else text)


def _output_text(value: Any) -> str:
    """``value`` as an autoescaped ``{{ value }}`` writes it: the text of :func:`markupsafe.escape`.

    A page is joined into one string, so a value's text is all it needs:
    plain text without ``<>&'"`` is written as is and safe markup as its
    ``__html__()``, with no ``Markup`` made for either.
    """
    if type(value) is str:
        return _escaped(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escaped(str(value))


class _CodeGenerator(CodeGenerator):
    """Jinja's code generator, escaping an autoescaped output with :func:`_output_text`.

    Jinja wraps every ``{{ value }}`` in :func:`markupsafe.escape`, which makes
    a ``Markup`` of each: about 200,000 for 500 site pages. Where autoescaping
    may change inside a template (``volatile``), Jinja's own code is kept.
    """

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile:
            self.write("environment.output_text(")
            if finalize.src is not None:
                self.write(finalize.src)
            return
        super()._output_child_pre(node, frame, finalize)


class _Environment(jinja2.Environment):
    """Jinja's environment, reading a dict's own keys first: ``site.name`` is ``site["name"]``.

    Jinja's ``a.b`` tries the attribute first; on the pages' dicts (a site's
    view, its findings, the texts) that raised and caught an ``AttributeError``
    hundreds of times a page. A key that is also a dict method's name (none
    of the templates' dicts has one) would now be read as the key. Its
    templates escape their outputs with :func:`_output_text` (:class:`_CodeGenerator`).
    """

    code_generator_class = _CodeGenerator
    output_text = staticmethod(_output_text)

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    environment = _Environment(
        loader=jinja2.PackageLoader("landcheck.report", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    return environment


T = TypeVar("T")

_Head = tuple[list[Column], str, list[str]]
"""A table's columns drawn, its HTML up to the first row, and each column's cell class."""


class _SiteRecords:
    """The tables' rounded rows grouped by site, once: ``records(key, site_id)``.

    Filtering every table for every site would take time growing with the
    square of the sites. ``rows(key, site_id)`` are the site's rows as HTML,
    made for the whole table at once.
    """

    def __init__(self, tables: dict[str, ReportTable]) -> None:
        self._tables = tables
        self._groups: dict[str, dict[str | None, list[dict[str, Any]]]] = {}
        self._rows: dict[str, dict[str | None, list[str]]] = {}
        self._heads: dict[str, _Head] = {}
        self._items: dict[Any, Markup] = {}

    def head(self, key: str) -> _Head:
        """The site tables' :func:`_table_head` of table ``key``, made once for the pages."""
        if key not in self._heads:
            self._heads[key] = _table_head(self._tables[key], True)
        return self._heads[key]

    def __call__(self, key: str, site_id: str) -> list[dict[str, Any]]:
        groups = self._groups.get(key)
        if groups is None:
            table = self._tables[key]
            groups = self._groups[key] = _by_site(table, table.records)
        return groups.get(site_id, groups.get(None, []))

    def items(self, text: Any) -> Markup:
        """:func:`_list_items` of ``text``, made once a batch: a rule's basis is every site's."""
        found = self._items.get(text)
        if found is None:
            found = self._items[text] = _list_items(text)
        return found

    def rows(self, key: str, site_id: str) -> list[str]:
        """The site's rows of table ``key`` as HTML (:func:`_rows_html`)."""
        groups = self._rows.get(key)
        if groups is None:
            table = self._tables[key]
            rows = _rows_html(table.records, self.head(key))
            groups = self._rows[key] = _by_site(table, rows)
        return groups.get(site_id, groups.get(None, []))


def _by_site(table: ReportTable, items: list[T]) -> dict[str | None, list[T]]:
    """``items``, one a record of ``table``, grouped by its site (``None``: every site's)."""
    per_site = "site_id" in table.rounded
    groups: dict[str | None, list[T]] = {}
    for record, item in zip(table.records, items, strict=True):
        groups.setdefault(record["site_id"] if per_site else None, []).append(item)
    return groups


def _columns(table: ReportTable, site: bool, drop: tuple[str, ...] = ("site_id",)) -> list[Column]:
    """The table's columns drawn: a site's table leaves out the site's own (``drop``)."""
    return [c for c in table.columns if not site or c.key not in drop]


def _table_view(table: ReportTable, anchors: dict[str, str] | None = None) -> dict[str, Any]:
    """What the index template needs to draw the whole table: headers and formatted cells."""
    columns = _columns(table, False)
    rows = []
    for record in table.records:
        cells = []
        for column in columns:
            text = format_value(record.get(column.key), column.kind)
            status = record.get("_status") if column.key == "status" else None
            cells.append(
                {
                    "text": text,
                    "numeric": column.numeric,
                    "wide": column.wide,
                    "status": status or "",
                }
            )
        anchor = (anchors or {}).get(str(record.get("site_id", "")), "")
        rows.append(
            {
                "cells": cells,
                "role": record["_role"],
                "level": int(record["_level"]),
                "anchor": anchor,
            }
        )
    return {
        "key": table.key,
        "title": table.title,
        "note": table.note,
        "headers": [{"text": c.header(table.lang), "numeric": c.numeric} for c in columns],
        "rows": rows,
    }


def _table_head(table: ReportTable, site: bool) -> _Head:
    """A table's columns drawn, its HTML up to the first row, and each column's cell class."""
    columns = _columns(table, site)
    head = "".join(
        f'<th class="num">{escape(c.header(table.lang))}</th>'
        if c.numeric
        else f"<th>{escape(c.header(table.lang))}</th>"
        for c in columns
    )
    classes = [
        ("first " if i == 0 else "") + ("num" if c.numeric else "") + (" wide" if c.wide else "")
        for i, c in enumerate(columns)
    ]
    opening = (
        f'<div class="scroll"><table class="data" data-table="{escape(table.key)}">\n'
        f"  <thead><tr>\n{head}  </tr></thead>\n  <tbody>\n"
    )
    return columns, opening, classes


def _table_html(
    table: ReportTable,
    rows: list[str] | None = None,
    head: _Head | None = None,
    site_id: str | None = None,
) -> Markup:
    """A table as HTML: its title-less ``<div class="scroll">`` block and its notes.

    ``rows`` are the rows of the site ``site_id`` (:func:`_rows_html`, the
    site's column left out), under the note and that site's own
    (:meth:`ReportTable.notes`); without them, the whole table's. ``head``: the table's
    :func:`_table_head`, when kept for a batch's pages. Every text is escaped.
    Built as a string, not by a template macro: a batch's site pages hold
    tens of thousands of cells.
    """
    site = rows is not None
    head = head if head is not None else _table_head(table, site)
    body = rows if rows is not None else _rows_html(table.records, head)
    out = [head[1], *body, "  </tbody>\n</table></div>\n"]
    out += [f'<p class="note">{escape(note)}</p>' for note in table.notes(site_id)]
    return Markup("".join(out))


def _rows_html(records: list[dict[str, Any]], head: _Head) -> list[str]:
    """Each record's ``<tr>`` of the table drawn by ``head``, made a column at a time."""
    columns, _, classes = head
    cells = [
        _cells_html(records, column, css) for column, css in zip(columns, classes, strict=True)
    ]
    opening = [f'  <tr class="{_escaped(r["_role"])} lvl-{int(r["_level"])}">\n' for r in records]
    return ["".join(row) + "  </tr>\n" for row in zip(opening, *cells, strict=True)]


def _cells_html(records: list[dict[str, Any]], column: Column, css: str) -> list[str]:
    """The records' ``<td>`` of ``column``: its texts escaped, a status as a badge."""
    texts = _escaped_all(format_values([r.get(column.key) for r in records], column.kind))
    if column.key == "status":
        statuses = [r.get("_status") for r in records]
        texts = [
            f'<span class="badge status-{_escaped(status)}">{text}</span>' if status else text
            for text, status in zip(texts, statuses, strict=True)
        ]
    return [f'    <td class="{css}">{text}</td>\n' for text in texts]


def _escaped_all(texts: list[str]) -> list[str]:
    """Each text :func:`_escaped`; a column with none of ``<>&'"`` (one search of it all) as is."""
    if not _special("".join(texts)):
        return texts
    return [_escaped(text) for text in texts]


def _finding_cards(
    records: list[dict[str, Any]], items: Callable[[Any], Markup], texts: Mapping[str, str]
) -> Markup:
    """Each finding's card as HTML, its basis and documents as ``items(text)``; every text escaped.

    Made as strings, not by a loop of the site template: a card was thirty of
    the template's outputs, a batch's pages 10,000 cards. The same text as the
    loop wrote (tested), its texts (``texts``: :func:`report_texts`) escaped as
    the template escapes them (:func:`_output_text`).
    """
    out = _output_text
    basis_label = f'<div class="label">{out(texts["basis"])}</div><ul>'
    documents_label = f'<div class="label">{out(texts["documents"])}</div><ul>'
    area_label, ha_unit, mu_unit = out(texts["area"]), out(texts["ha"]), out(texts["mu"])
    cards = []
    for record in records:
        status = out(record["_status"])
        basis, documents = items(record["basis"]), items(record["documents"])
        hectares, mu = format_value(record["ha"], "ha"), format_value(record["mu"], "mu")
        cards.append(
            f'  <div class="finding edge-{status}">\n'
            f'    <div class="head"><span class="title">{out(record["check"])}</span>'
            f'<span class="badge status-{status}">{out(record["status"])}</span>'
            + (
                f'<span class="area">{area_label} {out(hectares)} {ha_unit}（{out(mu)} {mu_unit}）'
                "</span>"
                if hectares != "—"
                else ""
            )
            + "</div>\n"
            f"    <p>{out(record['message'])}</p>\n"
            + (f"{basis_label}{out(basis)}</ul>" if basis else "")
            + (f"{documents_label}{out(documents)}</ul>" if documents else "")
            + "  </div>\n"
        )
    return Markup("".join(cards))


def _list_items(text: Any) -> Markup:
    """A finding's list (its basis or documents: an item a line) as ``<li>`` elements, escaped.

    The same text as the template's loop over the lines wrote; empty (false) without any.
    """
    return Markup("".join(f"<li>{_escaped(item)}</li>" for item in str(text).split("\n") if item))


def _basic_pairs(table: ReportTable, rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    if not rows:
        return []
    return [
        (c.header(table.lang), format_value(rows[0][c.key], c.kind))
        for c in table.columns
        if c.key != "site_id"
    ]


def _map_prefix(index: int) -> str:
    """The SVG ids' prefix of the map of the site at ``index``: unique on a single page."""
    return f"m{index + 1}"


def _maps(result: CheckResult, indexes: range, lang: str) -> list[str]:
    """The SVG maps of the sites at ``indexes``, drawn together (:func:`site_svgs`)."""
    site_ids = [result.site_ids[index] for index in indexes]
    return site_svgs(result, site_ids, lang=lang, prefixes=[_map_prefix(i) for i in indexes])


def _documents(records: list[dict[str, Any]]) -> dict[str, list[str]]:
    """A site's documents to submit, and apart those checks not made may need, for the template."""
    return {
        "documents": [r["document"] for r in records if not r["_possible"]],
        "documents_possible": [r["document"] for r in records if r["_possible"]],
    }


@lru_cache(maxsize=2)
def _page_texts(lang: str) -> Mapping[str, str]:
    """:func:`report_texts` in ``lang``, made once and read-only: every site's page reads them."""
    return MappingProxyType(report_texts(lang))


def _site_view(
    result: CheckResult,
    tables: dict[str, ReportTable],
    records: _SiteRecords,
    index: int,
    lang: str,
    drawn: str,
) -> dict[str, Any]:
    """What the template's site section needs for one site, ``drawn`` its SVG map (or '')."""
    site_id = result.site_ids[index]
    status = result.status(site_id)
    return {
        "anchor": f"site-{index + 1}",
        "site_id": site_id,
        "name": site_name(result, index),
        "status": status,
        "status_text": status_label(status, lang),
        "map": Markup(drawn),  # escaped where drawn: every text in it
        "basic_title": tables["basic"].title,
        "basic": _basic_pairs(tables["basic"], records("basic", site_id)),
        "findings": _finding_cards(records("findings", site_id), records.items, _page_texts(lang)),
        **_documents(records("documents", site_id)),
        "tables": [
            {
                "title": tables[key].title,
                "html": _table_html(
                    tables[key], records.rows(key, site_id), records.head(key), site_id
                ),
            }
            for key in SITE_TABLES
            if key in tables
        ],
    }


def _page_context(
    result: CheckResult, lang: str, tables: dict[str, ReportTable], links: dict[str, str]
) -> dict[str, Any]:
    """What every page shares, with the summary table linking each site to ``links[site_id]``."""
    counts = result.statuses.value_counts()
    return {
        "lang": lang,
        "html_lang": "zh-CN" if lang == "zh" else "en",
        "t": report_texts(lang, result.stage),
        "profile_title": result.profile.title.get(lang),
        "created": result.created.isoformat(timespec="seconds"),
        "summary": _table_view(tables["summary"], anchors=links),
        "status_counts": [
            {"status": s, "text": status_label(s, lang), "count": int(counts.get(s, 0))}
            for s in STATUSES
        ],
        "sites": [],
        "inputs": {"title": tables["inputs"].title, "html": _table_html(tables["inputs"])},
        "run": run_facts(result, lang),
        "status_colors": STATUS_COLORS,
        "font_family": WEB_FAMILY,
        "font_mark": _FONT_MARK,
        "font_css": None,
        "version": __version__,
        "back_href": "#top",
        "pager": None,
    }


def _with_style(context: dict[str, Any]) -> dict[str, Any]:
    """``context`` with its ``style``: the pages' stylesheet, rendered once for all of them.

    ``templates/_style.css.j2`` depends only on what every page shares; a
    batch's pages reuse its text instead of rendering it a page at a time.
    """
    style = _environment().get_template("_style.css.j2").render(context)
    return {**context, "style": Markup(style)}


def _with_font(page: str, *, whole: bool = False) -> str:
    """``page`` with its ``@font-face`` rule: the font cut to its characters, or ``whole``."""
    rule = whole_font_face_css() if whole else font_face_css(page)
    return page.replace(_FONT_MARK, rule, 1)


def render_html(
    result: CheckResult,
    *,
    lang: str = "zh",
    maps: bool = True,
    progress: Callable[[int, int], None] | None = None,
    tables: dict[str, ReportTable] | None = None,
) -> str:
    """Render the single-page report.html (every site's section in it) as a string.

    Parameters
    ----------
    result : CheckResult
        What to report.
    lang : {"zh", "en"}
        The report's language.
    maps : bool
        Draw the site maps; without them the page still has every table.
    progress : callable, optional
        ``progress(done, total)`` after each site (its map drawn).
    tables : dict, optional
        The result's :func:`~landcheck.tables.report_tables` in ``lang``, when
        already built.
    """
    tables = tables if tables is not None else report_tables(result, lang)
    total = len(result.site_ids)
    if progress is not None:
        progress(0, total)
    records = _SiteRecords(tables)
    sites = []
    for index in range(total):
        site_id = result.site_ids[index]
        drawn = site_svg(result, site_id, lang=lang, prefix=_map_prefix(index)) if maps else ""
        sites.append(_site_view(result, tables, records, index, lang, drawn))
        if progress is not None:
            progress(index + 1, total)
    links = {s["site_id"]: "#" + s["anchor"] for s in sites}
    context = _with_style(_page_context(result, lang, tables, links))
    context["sites"] = sites
    return _with_font(_environment().get_template("report.html.j2").render(**context))


INDEX_CELL_CHARS = 200
"""Longest text of a cell of the index's summary table: a longer one (a name field holding a
pasted description) is cut there, with ``…``; the site's page holds it whole. 2,000 sites
named by 5,000 characters each made an index of 35 MB."""


def _cells_shortened(view: dict[str, Any], limit: int) -> None:
    """Cut every cell text of a table view (:func:`_table_view`) to ``limit`` characters."""
    for row in view["rows"]:
        for cell in row["cells"]:
            if len(cell["text"]) > limit:
                cell["text"] = cell["text"][: limit - 1] + "…"


def render_index(
    result: CheckResult,
    *,
    lang: str = "zh",
    tables: dict[str, ReportTable] | None = None,
    font_css: str | None = None,
) -> str:
    """Render report.html as the index of a large report.

    Run facts, status counts, the summary table linking each site to its page
    ``sites/<name>.html``, provenance; no site section and no map. Beyond
    :data:`~landcheck.report.pager.PAGE_ROWS` sites the summary table is paged
    in the browser (:mod:`landcheck.report.pager`).

    Parameters
    ----------
    result : CheckResult
        What to report.
    lang : {"zh", "en"}
        The report's language.
    tables : dict, optional
        The result's :func:`~landcheck.tables.report_tables` in ``lang``, when
        already built.
    font_css : str, optional
        The relative URL of a stylesheet holding the font (the site pages'
        :data:`FONT_CSS`), linked from the page; without it the whole bundled
        font is embedded (:func:`~landcheck.typeface.whole_font_face_css`).
        A browser opens the page with the link about 0.3 s sooner than with
        2 MB of font in it.
    """
    tables = tables if tables is not None else report_tables(result, lang)
    names = site_file_names(result.site_ids)
    links = {
        site_id: f"{SITES_FOLDER}/{quote(name)}.html"
        for site_id, name in zip(result.site_ids, names, strict=True)
    }
    context = _page_context(result, lang, tables, links)
    _cells_shortened(context["summary"], INDEX_CELL_CHARS)
    columns = [
        {"numeric": c.numeric, "wide": c.wide, "status": c.key == "status"}
        for c in tables["summary"].columns
    ]
    context["pager"] = pager_context(context["summary"], columns, lang)
    if font_css is not None:
        context.update(font_css=font_css, font_mark="")
    page = _environment().get_template("report.html.j2").render(**_with_style(context))
    return page if font_css is not None else _with_font(page, whole=True)


def _write_font_css(folder: str) -> None:
    """Write :data:`FONT_CSS`: the whole bundled font, for the characters of any page."""
    with open(os.path.join(folder, FONT_CSS), "w", encoding="utf-8") as handle:
        handle.write(whole_font_face_css() + "\n")


def _site_pages(
    result: CheckResult,
    folder: str,
    *,
    lang: str,
    maps: bool,
    progress: Callable[[int, int], None] | None,
    tables: dict[str, ReportTable],
    also: Callable[[], None] | None = None,
) -> list[str]:
    """Write the site pages and their :data:`FONT_CSS` (and run ``also`` beside them).

    The pages are written by forked workers, a few a job
    (:func:`landcheck.report.sitefiles.write_in_jobs`). The first job
    writes :data:`FONT_CSS`, then runs ``also``, while the other worker draws
    pages. :data:`FONT_CSS` holds the whole bundled font: a font cut to the
    pages' characters could only be cut once the last page was drawn (half a
    second at 500 sites, after everything else).
    """
    template = _environment().get_template("site.html.j2")
    context = _page_context(result, lang, tables, {})
    context.update(font_mark="", back_href=f"../{FILENAME}", font_css=FONT_CSS)
    context = _with_style(context)
    names = site_file_names(result.site_ids)
    total = len(names)
    if progress is not None:
        progress(0, total)
    records = _SiteRecords(tables)
    for key in ("basic", "findings", "documents"):
        if key in tables:
            records(key, "")  # grouped here, once, before the workers share them
    for key in SITE_TABLES:
        if key in tables:
            records.rows(key, "")  # the rows' HTML too
    if maps and total:
        prepare_maps(result)

    def write(positions: range) -> None:
        drawn = _maps(result, positions, lang) if maps else [""] * len(positions)
        for index, site_map in zip(positions, drawn, strict=True):
            site = _site_view(result, tables, records, index, lang, site_map)
            page = template.render(**context, site=site)
            path = os.path.join(folder, f"{names[index]}.html")
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(page)

    def write_shared() -> None:
        _write_font_css(folder)
        if also is not None:
            also()

    write_in_jobs(total, write, first=write_shared, progress=progress)
    return [f"{name}.html" for name in names]


def write_site_pages(
    result: CheckResult,
    folder: str,
    *,
    lang: str = "zh",
    maps: bool = True,
    progress: Callable[[int, int], None] | None = None,
    tables: dict[str, ReportTable] | None = None,
) -> list[str]:
    """Write each site's page ``<name>.html``, its map inline (SVG), into ``folder``.

    The pages share one stylesheet, :data:`FONT_CSS`, embedding the font for
    the characters of all of them (a font in every page would weigh more
    than the page). On Linux the pages are written by forked worker
    processes, one per core (:mod:`landcheck.forked`); the same pages.

    Parameters
    ----------
    result : CheckResult
        What to report.
    folder : str
        An existing, empty folder.
    lang : {"zh", "en"}
        The report's language.
    maps : bool
        Draw the site maps.
    progress : callable, optional
        ``progress(done, total)`` after each site's page.
    tables : dict, optional
        The result's :func:`~landcheck.tables.report_tables` in ``lang``.

    Returns
    -------
    list of str
        The pages' file names, in site order.
    """
    tables = tables if tables is not None else report_tables(result, lang)
    return _site_pages(result, folder, lang=lang, maps=maps, progress=progress, tables=tables)


def write_html(result: CheckResult, directory: str, options: ReportOptions | None = None) -> str:
    """Write report.html into ``directory`` and return its path.

    Up to :data:`SINGLE_PAGE_SITES` sites, report.html is one self-contained
    page; beyond, it is the index (:func:`render_index`) and each site has its
    own page in ``sites/`` (:func:`write_site_pages`).
    """
    lang = options.lang if options is not None else "zh"
    progress = options.step("html") if options is not None else None
    tables = options.tables(result) if options is not None else None
    tables = tables if tables is not None else report_tables(result, lang)
    path = os.path.join(directory, FILENAME)
    if len(result.site_ids) <= SINGLE_PAGE_SITES:
        page = render_html(result, lang=lang, progress=progress, tables=tables)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(page)
        return path

    def write_index() -> None:  # beside the pages
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(render_index(result, lang=lang, tables=tables, font_css=INDEX_FONT_CSS))

    folder = sites_folder(directory)
    _site_pages(
        result, folder, lang=lang, maps=True, progress=progress, tables=tables, also=write_index
    )
    return path
