"""report.html: one self-contained file a reviewer opens offline.

Everything is inline: the styles, the site maps (PNG, base64) and the font
(the bundled Noto Sans CJK SC cut to the characters the page uses, as a
base64 WOFF ``@font-face``), so the page needs no network and no installed
Chinese font. The page is rendered from ``templates/report.html.j2`` with
autoescaping on; the tables come from :mod:`landcheck.tables`.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import jinja2

from landcheck._version import __version__
from landcheck.labels import label, status_label
from landcheck.profile import STATUSES
from landcheck.report.content import SITE_TABLES, format_value, report_texts
from landcheck.report.maps import map_pngs
from landcheck.report.palette import STATUS_COLORS
from landcheck.result import CheckResult
from landcheck.tables import Column, ReportTable, report_tables, run_facts
from landcheck.typeface import WEB_FAMILY, font_face_css

if TYPE_CHECKING:
    from landcheck.report.options import ReportOptions

__all__ = ["FILENAME", "render_html", "write_html"]

FILENAME = "report.html"
_FONT_MARK = "/*@font-face*/"


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("landcheck.report", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    return environment


def _table_view(
    table: ReportTable,
    site_id: str | None = None,
    drop: tuple[str, ...] = ("site_id",),
    anchors: dict[str, str] | None = None,
) -> dict[str, Any]:
    """What the template needs to draw a table: headers and formatted cells."""
    frame = table.site_rows(site_id) if site_id is not None else table.rounded
    columns: list[Column] = [c for c in table.columns if site_id is None or c.key not in drop]
    rows = []
    for record in frame.to_dict("records"):
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


def _finding_cards(table: ReportTable, site_id: str) -> list[dict[str, Any]]:
    cards = []
    for record in table.site_rows(site_id).to_dict("records"):
        cards.append(
            {
                "check": record["check"],
                "status": record["_status"],
                "status_text": record["status"],
                "ha": format_value(record["ha"], "ha"),
                "mu": format_value(record["mu"], "mu"),
                "message": record["message"],
                "basis": [b for b in str(record["basis"]).split("\n") if b],
                "documents": [d for d in str(record["documents"]).split("\n") if d],
            }
        )
    return cards


def _basic_pairs(table: ReportTable, site_id: str) -> list[tuple[str, str]]:
    rows = table.site_rows(site_id).to_dict("records")
    if not rows:
        return []
    return [
        (c.header(table.lang), format_value(rows[0][c.key], c.kind))
        for c in table.columns
        if c.key != "site_id"
    ]


def render_html(
    result: CheckResult,
    *,
    lang: str = "zh",
    maps: bool = True,
    progress: Callable[[int, int], None] | None = None,
    tables: dict[str, ReportTable] | None = None,
) -> str:
    """Render report.html as a string.

    Parameters
    ----------
    result : CheckResult
        What to report.
    lang : {"zh", "en"}
        The report's language.
    maps : bool
        Draw the site maps (the slow part); without them the page still has
        every table.
    progress : callable, optional
        ``progress(done, total)`` after each site (its map drawn).
    tables : dict, optional
        The result's :func:`~landcheck.tables.report_tables` in ``lang``, when
        already built.
    """
    tables = tables if tables is not None else report_tables(result, lang)
    sites = []
    if progress is not None:
        progress(0, len(result.site_ids))
    images = map_pngs(result, lang=lang) if maps else None
    for index, site_id in enumerate(result.site_ids):
        row = result.sites.iloc[index]
        image = ""
        if images is not None:
            image = base64.b64encode(next(images)).decode("ascii")
        status = result.status(site_id)
        sites.append(
            {
                "anchor": f"site-{index + 1}",
                "site_id": site_id,
                "name": str(row["name"] or ""),
                "status": status,
                "status_text": status_label(status, lang),
                "map": image,
                "basic_title": tables["basic"].title,
                "basic": _basic_pairs(tables["basic"], site_id),
                "findings": _finding_cards(tables["findings"], site_id),
                "documents": [
                    d["document"] for d in tables["documents"].site_rows(site_id).to_dict("records")
                ],
                "tables": [
                    _table_view(tables[key], site_id) for key in SITE_TABLES if key in tables
                ],
            }
        )
        if progress is not None:
            progress(index + 1, len(result.site_ids))
    anchors = {s["site_id"]: s["anchor"] for s in sites}
    summary = _table_view(tables["summary"], anchors=anchors)
    counts = result.statuses.value_counts()
    context = {
        "lang": lang,
        "html_lang": "zh-CN" if lang == "zh" else "en",
        "t": report_texts(lang),
        "profile_title": result.profile.title.get(lang),
        "created": result.created.isoformat(timespec="seconds"),
        "summary": summary,
        "status_counts": [
            {"status": s, "text": status_label(s, lang), "count": int(counts.get(s, 0))}
            for s in STATUSES
        ],
        "sites": sites,
        "inputs": _table_view(tables["inputs"]),
        "run": run_facts(result, lang),
        "status_colors": STATUS_COLORS,
        "font_family": WEB_FAMILY,
        "font_mark": _FONT_MARK,
        "version": __version__,
        "map_alt": label("site", lang),
    }
    page = _environment().get_template("report.html.j2").render(**context)
    return page.replace(_FONT_MARK, font_face_css(page), 1)


def write_html(result: CheckResult, directory: str, options: ReportOptions | None = None) -> str:
    """Write report.html into ``directory`` and return its path."""
    lang = options.lang if options is not None else "zh"
    path = os.path.join(directory, FILENAME)
    with open(path, "w", encoding="utf-8") as handle:
        progress = options.step("html") if options is not None else None
        tables = options.tables(result) if options is not None else None
        handle.write(render_html(result, lang=lang, progress=progress, tables=tables))
    return path
