"""The summary table of a large report.html index, paged in the browser.

A browser lays out a table of 10,000 rows for seconds before it shows the
page, so beyond :data:`PAGE_ROWS` sites the index writes only the first
page of rows as HTML. Every row is in a JSON data block
(``<script type="application/json">``, never executed) that a small inline
script draws a page at a time, with a filter on the site id and name; the
page number is kept in the address (``#page=3``), so a reviewer coming back
from a site's page finds the same page.

Nothing in the data is ever markup: the script makes each cell with
``textContent``, takes links only inside ``sites/`` and badges only of the
known statuses, and the JSON escapes ``<``, ``>`` and ``&`` so no text can
end the data block. The page's Content-Security-Policy allows that one
script (by its SHA-256) and nothing from outside.
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import lru_cache
from importlib import resources
from typing import Any

from landcheck.profile import STATUSES

__all__ = ["PAGE_ROWS", "content_security_policy", "pager_context", "pager_script"]

PAGE_ROWS = 200
"""Rows of the summary table shown at a time; an index of this many sites or fewer is not
paged."""

_LINK_PREFIX = "sites/"
"""The only links the script makes: the sites' pages beside the index."""

_TEXTS = {
    "zh": {
        "previous": "上一页",
        "next": "下一页",
        "page": "第 {page} / {pages} 页，共 {rows} 个项目",
        "find": "查找用地编号或名称",
        "none": "无匹配项目",
        "noscript": "未启用脚本：此处仅列出前 {rows} 个项目；每个项目的页面在 sites 文件夹中。",
    },
    "en": {
        "previous": "previous",
        "next": "next",
        "page": "page {page} of {pages}, {rows} sites",
        "find": "find a site by id or name",
        "none": "no site matches",
        "noscript": "Scripts are off: only the first {rows} sites are listed here; every site "
        "has its page in the sites folder.",
    },
}
"""The pager's words."""


@lru_cache(maxsize=1)
def pager_script() -> str:
    """The inline script that pages the summary table (the same text on every index)."""
    return resources.files("landcheck.report").joinpath("templates/pager.js").read_text("utf-8")


def content_security_policy() -> str:
    """The paged index's policy: its own styles, fonts and one script, nothing fetched.

    Stylesheets may come from the report's own folder (``'self'`` where it is
    served, ``file:`` where it is opened from disk): the index links the site
    pages' ``sites/font.css``.
    """
    digest = base64.b64encode(hashlib.sha256(pager_script().encode("utf-8")).digest())
    return (
        "default-src 'none'; style-src 'self' file: 'unsafe-inline'; font-src data:; "
        f"img-src data:; script-src 'sha256-{digest.decode('ascii')}'"
    )


def _json_block(data: Any) -> str:
    """JSON that cannot end the ``<script>`` holding it, nor open markup or a comment."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for character, escaped in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(character, escaped)
    return text


def pager_context(
    summary: dict[str, Any], columns: list[dict[str, bool]], lang: str
) -> dict[str, Any] | None:
    """What the index template needs to page the summary table, or None when it is short.

    Parameters
    ----------
    summary : dict
        The summary table's view (headers and rows, the total last) as drawn
        in full; its ``rows`` become the first page plus the total.
    columns : list of dict
        Per column, ``numeric``, ``wide`` and ``status`` (the status column).
    lang : {"zh", "en"}
        The language of the controls.

    Returns
    -------
    dict or None
        ``rows`` (the first page's rows), ``totals`` (rows drawn under every
        page), ``data`` (the JSON block's text), ``script``, ``policy`` and
        ``texts`` (the controls' words); None when every row fits one page.
    """
    rows = [row for row in summary["rows"] if row["role"] == "row"]
    if len(rows) <= PAGE_ROWS:
        return None
    data = {
        "page_rows": PAGE_ROWS,
        "link_prefix": _LINK_PREFIX,
        "statuses": list(STATUSES),
        "columns": columns,
        "texts": _TEXTS[lang],
        "rows": [
            [
                row["anchor"] if row["anchor"].startswith(_LINK_PREFIX) else "",
                next((c["status"] for c in row["cells"] if c["status"]), ""),
                *(c["text"] for c in row["cells"]),
            ]
            for row in rows
        ],
    }
    texts = dict(_TEXTS[lang], noscript=_TEXTS[lang]["noscript"].format(rows=PAGE_ROWS))
    return {
        "rows": rows[:PAGE_ROWS],
        "totals": [row for row in summary["rows"] if row["role"] != "row"],
        "data": _json_block(data),
        "script": pager_script(),
        "policy": content_security_policy(),
        "texts": texts,
        "first_page": _TEXTS[lang]["page"].format(
            page=1, pages=-(-len(rows) // PAGE_ROWS), rows=len(rows)
        ),
    }
