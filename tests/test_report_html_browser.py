"""The index and a site page of a paged report.html, opened in headless Chromium offline."""

from __future__ import annotations

import base64
import hashlib
import re

import numpy as np
import pytest
from matplotlib.image import imread
from report_case import layers, result, site_frame
from test_report_browser import chromium, page_requests

import landcheck
from landcheck.report import write_report
from landcheck.report.html import render_html
from landcheck.report.maps import map_png
from landcheck.report.sitefiles import site_file_names

pytestmark = pytest.mark.browser

# Reports the loaded fonts and the map's laid-out width into the DOM (added to a copy only).
PROBE = (
    "<script>window.addEventListener('load',function(){document.fonts.ready.then(function(){"
    "var s=[];document.fonts.forEach(function(f){s.push(f.family.replace(/['\"]/g,'')+':'+"
    "f.status)});var i=document.querySelector('figure.map svg');document.body.setAttribute("
    "'data-probe',s.join(',')+';map:'+(i?Math.round(i.getBoundingClientRect().width):-1))})});"
    "</script>"
)


def indexed_report(tmp_path_factory, name: str, patches: dict[str, int] | None = None):
    """The two-site report case written as an index and site pages, ``patches`` applied."""
    patch = pytest.MonkeyPatch()
    for target, value in {"landcheck.report.html.SINGLE_PAGE_SITES": 1, **(patches or {})}.items():
        patch.setattr(target, value)
    try:
        folder = tmp_path_factory.mktemp(name) / "report"
        write_report(result(), folder, formats="html")
    finally:
        patch.undo()
    return folder


@pytest.fixture(scope="module")
def paged(tmp_path_factory):
    """The two-site report case with the index threshold lowered to one site."""
    return indexed_report(tmp_path_factory, "paged")


def test_index_opens_offline_and_links_every_site(paged, tmp_path):
    netlog = tmp_path / "index.json"
    dom = chromium(tmp_path, (paged / "report.html").as_uri(), "--dump-dom", netlog=netlog)
    assert page_requests(netlog) == []
    assert '<a href="sites/S1.html">S1</a>' in dom and '<a href="sites/S2.html">S2</a>' in dom
    assert "数据来源与运行参数" in dom and "data-site-id" not in dom


@pytest.fixture(scope="module")
def paged_report(tmp_path_factory):
    """The two-site report case as an index paged one row a page, under its own policy."""
    return indexed_report(tmp_path_factory, "paged-report", {"landcheck.report.pager.PAGE_ROWS": 1})


def with_probe(page: str) -> str:
    """``page`` with the probe script, its hash added to the page's policy if it has one."""
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    if policy is not None:
        script = PROBE.removeprefix("<script>").removesuffix("</script>")
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
        allowed = policy.group(0).replace("script-src ", f"script-src &#39;sha256-{digest}&#39; ")
        page = page.replace(policy.group(0), allowed)
    return page.replace("</body>", PROBE + "</body>")


@pytest.mark.parametrize("report", ["paged", "paged_report"])
def test_index_loads_the_pages_font_under_its_policy(report, request, tmp_path):
    folder = request.getfixturevalue(report)
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert '<link rel="stylesheet" href="sites/font.css">' in page and "base64," not in page
    assert ("Content-Security-Policy" in page) == (report == "paged_report")
    probe = folder / "probe.html"  # beside the index, so its link resolves
    probe.write_text(with_probe(page), encoding="utf-8")
    try:
        dom = chromium(tmp_path, probe.as_uri(), "--dump-dom")
    finally:
        probe.unlink()
    assert "Landcheck Sans:loaded" in dom


def test_site_page_opens_with_its_map_and_font(paged, tmp_path):
    page = paged / "sites" / "S1.html"
    probe = paged / "sites" / "probe.html"  # beside the page, so its relative links resolve
    probe.write_text(
        page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8"
    )
    try:
        netlog = tmp_path / "site.json"
        dom = chromium(
            tmp_path, probe.as_uri(), "--dump-dom", "--window-size=1600,1000", netlog=netlog
        )
    finally:
        probe.unlink()
    assert page_requests(netlog) == []  # font.css comes from the folder, the map is inline
    assert 'data-site-id="S1"' in dom and "占用地类面积统计表" in dom
    assert "Landcheck Sans:loaded" in dom
    width = int(dom.split(";map:")[1].split('"')[0])
    assert width == 1264  # the 1386 px SVG scaled to the page's 1320 px less its padding


@pytest.fixture(scope="module")
def paged_index(tmp_path_factory):
    """An index of 45 sites (one with a hostile id, one a hostile name), 20 rows a page."""
    from test_report_html_pager import PAGE, hostile_sites

    from landcheck.report import pager
    from landcheck.report.html import render_index

    patch = pytest.MonkeyPatch()
    patch.setattr(pager, "PAGE_ROWS", PAGE)
    try:
        case = hostile_sites()
        page = render_index(case)
    finally:
        patch.undo()
    path = tmp_path_factory.mktemp("pager") / "report.html"
    path.write_text(page, encoding="utf-8")
    return case, path


def test_a_standalone_index_loads_its_embedded_font_under_its_policy(paged_index, tmp_path):
    _, path = paged_index
    page = path.read_text(encoding="utf-8")
    assert "Content-Security-Policy" in page and "data:font/otf;base64," in page
    probe = tmp_path / "probe.html"
    probe.write_text(with_probe(page), encoding="utf-8")
    assert "Landcheck Sans:loaded" in chromium(tmp_path, probe.as_uri(), "--dump-dom")


def shown_rows(dom):
    body = dom.split('<tbody id="summary-rows"')[1].split("</tbody>")[0]
    return re.findall(r'<tr class="row">\s*<td class="first ">\s*<a href="([^"]+)">', body)


def test_the_script_runs_under_the_page_policy_and_draws_the_page_asked(paged_index, tmp_path):
    case, path = paged_index
    netlog = tmp_path / "pager.json"
    dom = chromium(tmp_path, path.as_uri() + "#page=3", "--dump-dom", netlog=netlog)
    assert page_requests(netlog) == []
    assert '<div id="summary-pager" class="pager">' in dom  # shown by the script, so it ran
    assert 'data-page="3"' in dom and "第 3 / 3 页，共 45 个项目" in dom
    names = site_file_names(case.site_ids)
    assert shown_rows(dom) == [f"sites/{n}.html" for n in names[40:]]


def test_the_first_page_keeps_hostile_texts_as_text(paged_index, tmp_path):
    _, path = paged_index
    dom = chromium(tmp_path, path.as_uri(), "--dump-dom")
    assert '<div id="summary-pager" class="pager">' in dom
    assert len(shown_rows(dom)) == 20
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert "&lt;img src=x onerror=alert(2)&gt;" in dom and "<img" not in dom


def test_hostile_texts_in_the_maps_run_nothing_and_fetch_nothing(tmp_path):
    """Ids, names and a class name written to end the SVG, add a script or an event handler."""
    run = "document.body.setAttribute('data-pwned','{}')"
    site = site_frame()
    site.loc[0, "site_id"] = f"</svg><script>{run.format(1)}</script>"
    site.loc[1, "name"] = f'" onload="{run.format(2)}'
    case = layers()
    case["townships"].loc[0, "XZQMC"] = f']]></text><img src=x onerror="{run.format(3)}">'
    case["townships"].loc[1, "XZQMC"] = "<svg onload=alert(1)>"
    checked = landcheck.check(site, layers=case, area_method="planar")
    page = tmp_path / "report.html"
    page.write_text(render_html(checked), encoding="utf-8")
    netlog = tmp_path / "hostile.json"
    dom = chromium(tmp_path, page.as_uri(), "--dump-dom", netlog=netlog)
    assert page_requests(netlog) == []
    assert "data-pwned" not in dom.split("<body", 1)[1].split(">", 1)[0]  # nothing ran
    assert "<script" not in dom and "<img" not in dom and dom.count("<svg ") == 2
    assert "&lt;/svg&gt;&lt;script&gt;" in dom and "&lt;svg onload=alert(1)&gt;" in dom


def test_a_map_renders_like_its_png(tmp_path):
    """The constraints panel of S1 in Chromium against the PNG: the same colours in the same
    places (the site's farmland half, the red line), within a few per cent of the pixels."""
    page = tmp_path / "map.html"
    body = render_html(result()).split('<figure class="map">', 1)[1].split("<figcaption>")[0]
    page.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><style>body{margin:0}"
        "svg{display:block}</style></head><body>" + body + "</body></html>",
        encoding="utf-8",
    )
    shot = tmp_path / "shot.png"
    chromium(tmp_path, page.as_uri(), f"--screenshot={shot}", "--window-size=1386,640")
    drawn = _rgb(imread(shot))
    png = tmp_path / "map.png"
    png.write_bytes(map_png(result(), "S1"))
    expected = _rgb(imread(png))
    rows = min(len(drawn), len(expected), 508)  # the panels; the legends' spacing may differ
    a, b = drawn[70:rows, 11:451], expected[70:rows, 11:451]
    differs = np.abs(a.astype(int) - b.astype(int)).max(axis=2) > 40
    assert differs.mean() < 0.05, differs.mean()


def _rgb(image):
    image = np.asarray(image)
    if image.dtype != np.uint8:
        image = (image * 255).round().astype(np.uint8)
    return image[..., :3]
