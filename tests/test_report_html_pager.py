"""The summary table of a large report.html index, paged in the browser from a JSON block."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html import unescape

import pytest
from common import county, sites, square
from report_case import layers

import landcheck
from landcheck.report import pager
from landcheck.report.html import render_index
from landcheck.report.sitefiles import SITES_FOLDER, site_file_names

COUNT = 45
PAGE = 20
HOSTILE_NAME = "</script><script>alert(1)</script><!-- &amp;\u2028x"
HOSTILE_ID = '"><img src=x onerror=alert(2)>'


def hostile_sites() -> landcheck.CheckResult:
    """45 squares of 20 x 20 m; the third has an id and the fifth a name that are markup."""
    frame = sites(*(square((i % 12) * 90, (i // 12) * 30, 20) for i in range(COUNT)))
    frame["site_id"] = [f"P{i:02d}" for i in range(COUNT)]
    frame.loc[2, "site_id"] = HOSTILE_ID
    frame["name"] = [f"项目{i}" for i in range(COUNT)]
    frame.loc[4, "name"] = HOSTILE_NAME
    return landcheck.check(frame, layers=layers(), area_method="planar", coverage=county())


@pytest.fixture(scope="module")
def case():
    return hostile_sites()


@pytest.fixture(scope="module")
def index(case):
    patch = pytest.MonkeyPatch()
    patch.setattr(pager, "PAGE_ROWS", PAGE)
    try:
        return render_index(case)
    finally:
        patch.undo()


def data_block(page: str) -> dict:
    text = re.search(
        r'<script type="application/json" id="summary-data">(.*?)</script>', page, re.S
    )
    return json.loads(text.group(1))


def first_page(page: str) -> str:
    return re.search(r'<tbody id="summary-rows">(.*?)</tbody>', page, re.S).group(1)


def test_the_first_page_is_html_and_every_row_is_in_the_data(case, index):
    rows = re.findall(r'<tr class="row">', first_page(index))
    assert len(rows) == PAGE
    data = data_block(index)
    assert data["page_rows"] == PAGE and len(data["rows"]) == COUNT
    names = site_file_names(case.site_ids)
    assert [row[0] for row in data["rows"]] == [f"{SITES_FOLDER}/{n}.html" for n in names]
    assert [row[2] for row in data["rows"]] == case.site_ids
    assert [row[1] for row in data["rows"]] == [case.status(s) for s in case.site_ids]
    assert len(data["columns"]) == len(data["rows"][0]) - 2
    assert [c["status"] for c in data["columns"]].count(True) == 1
    # the total row stays under the page, outside the paged rows
    assert index.count('<tr class="sum">') == 1
    assert "第 1 / 3 页，共 45 个项目" in index


def test_the_data_block_holds_hostile_texts_as_text(case, index):
    block = re.search(r'id="summary-data">(.*?)</script>', index, re.S).group(1)
    for raw in ("<", ">", "&", "\u2028"):
        assert raw not in block
    data = data_block(index)
    assert data["rows"][4][3] == HOSTILE_NAME and data["rows"][2][2] == HOSTILE_ID
    # outside the JSON block the hostile texts appear escaped only
    rest = index.replace(block, "")
    assert "alert(1)</script>" not in rest and "<img src=x" not in rest
    assert "&lt;img src=x onerror=alert(2)&gt;" in rest


def test_only_the_pager_script_runs_and_nothing_is_fetched(index):
    scripts = re.findall(r"<script>(.*?)</script>", index, re.S)
    assert scripts == [pager.pager_script()]
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', index).group(1)
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in unescape(policy)
    assert "default-src 'none'" in unescape(policy)
    script = pager.pager_script()
    assert "innerHTML" not in script and "eval(" not in script and "textContent" in script


def test_a_short_index_is_not_paged(case):
    page = render_index(case)  # 45 sites, under the default page of 200
    assert COUNT <= pager.PAGE_ROWS
    assert "<script" not in page and "Content-Security-Policy" not in page
    assert len(re.findall(r'<tr class="row">', page)) == COUNT


def test_a_long_name_is_cut_in_the_index_and_whole_on_the_sites_page(tmp_path):
    """A name field holding a pasted description (5,000 characters) is cut to INDEX_CELL_CHARS
    in the index's first page and its data, with "…"; the site's own page holds it whole."""
    from landcheck.report.html import INDEX_CELL_CHARS, SINGLE_PAGE_SITES

    count = SINGLE_PAGE_SITES + 1  # an index, and a page a site
    frame = sites(*(square((i % 10) * 90, (i // 10) * 30, 20) for i in range(count)))
    frame["site_id"] = [f"P{i:02d}" for i in range(count)]
    description = "".join(f"第{i}段：本项目位于某镇某村。" for i in range(400))[:5000]
    frame["name"] = [f"{description}{i}" for i in range(count)]
    case = landcheck.check(frame, layers=layers(), area_method="planar", coverage=county())
    patch = pytest.MonkeyPatch()
    patch.setattr(pager, "PAGE_ROWS", PAGE)
    try:
        page = render_index(case)
    finally:
        patch.undo()
    shown = description[: INDEX_CELL_CHARS - 1] + "…"
    assert [row[3] for row in data_block(page)["rows"]] == [shown] * count
    assert unescape(first_page(page)).count(shown) == PAGE
    assert description[:INDEX_CELL_CHARS] not in unescape(page)
    case.to_report(tmp_path / "out", formats="html")
    own = (tmp_path / "out" / SITES_FOLDER / "P07.html").read_text(encoding="utf-8")
    assert f"{description}7" in unescape(own)
