"""report.html for many sites: an index page and one page per site, with safe file names."""

from __future__ import annotations

import base64
import contextlib
import gc
import io
import json
import multiprocessing
import os
import re
import sqlite3
import zipfile
from functools import partial
from html import escape
from urllib.parse import unquote

import jinja2
import pytest
from common import county, sites, square
from report_case import layers, result

import landcheck
from landcheck import forked
from landcheck.errors import InputDataError, OutputError, OutputExistsError
from landcheck.io.output import atomic_folder
from landcheck.report import html, write_report
from landcheck.report.folder import SIDE_BY_SIDE_SITES
from landcheck.report.html import FONT_CSS, SINGLE_PAGE_SITES, render_index, write_site_pages
from landcheck.report.sitefiles import (
    NAME_BYTES,
    NAME_CHARS,
    NAME_TAIL,
    SITES_FOLDER,
    site_file_names,
)
from landcheck.typeface import FONT_PATH

MAP = '<svg xmlns="http://www.w3.org/2000/svg" class="site-map"'
SAFE = re.compile(r"^[\w.~-]+$")
HOSTILE = ["../x", "CON", "con.txt", "L" * 300, "a/b", "a_b", "A_B", "工业园 甲", "<b>x</b>", ".."]
COUNT = 60


def many_sites() -> landcheck.CheckResult:
    """60 squares of 20 x 20 m (0.04 ha) in a 12 x 5 grid over the report case's layers."""
    frame = sites(*(square((i % 12) * 90, (i // 12) * 30, 20) for i in range(COUNT)))
    frame["site_id"] = HOSTILE + [f"P{i:02d}" for i in range(len(HOSTILE), COUNT)]
    return landcheck.check(frame, layers=layers(), area_method="planar", coverage=county())


@pytest.fixture(scope="module")
def case():
    return many_sites()


@pytest.fixture(scope="module")
def folder(case, tmp_path_factory):
    events = []
    target = tmp_path_factory.mktemp("pages") / "report"
    write_report(case, target, formats="html", progress=lambda *e: events.append(e))
    return target, events


def links(index: str) -> list[str]:
    return [unquote(h) for h in re.findall(r'<a href="(sites/[^"]+)">', index)]


def test_more_sites_than_the_threshold_make_an_index_and_a_page_each(case, folder):
    target, _ = folder
    assert COUNT > SINGLE_PAGE_SITES == 50
    index = (target / "report.html").read_text(encoding="utf-8")
    hrefs = links(index)
    names = site_file_names(case.site_ids)
    assert hrefs == [f"{SITES_FOLDER}/{name}.html" for name in names]
    assert len(set(hrefs)) == COUNT
    assert "data-site-id" not in index and "data:image/png" not in index
    assert "数据来源与运行参数" in index  # run facts and inputs stay on the index
    for item in ("禁止", "无法判定"):
        assert item in index
    counts = re.findall(r'<div class="count edge-(\w+)"><b>(\d+)</b>', index)
    assert dict(counts)["prohibited"] == "11" and dict(counts)["unknown"] == "49"


def test_each_site_page_has_its_map_findings_and_tables(case, folder):
    target, _ = folder
    pages = target / SITES_FOLDER
    for site_id, name in zip(case.site_ids, site_file_names(case.site_ids), strict=True):
        page = (pages / f"{name}.html").read_text(encoding="utf-8")
        assert f'data-site-id="{escape(site_id)}"' in page
        assert page.count(MAP) == 1  # its map, inline
        assert f'aria-label="项目用地 {escape(site_id)}"' in page
        assert "审查意见" in page and "占用地类面积统计表" in page and "须提交材料" in page
        assert f'<link rel="stylesheet" href="{FONT_CSS}">' in page
        assert '<a class="back" href="../report.html">' in page
    first = (pages / "x.html").read_text(encoding="utf-8")  # site "../x" at (0, 0): paddy
    assert "永久基本农田" in first and "0.0400" in first  # 20 x 20 m = 0.0400 ha
    css = (pages / FONT_CSS).read_text(encoding="utf-8")
    assert css.startswith("@font-face{font-family:'Landcheck Sans';src:url(data:font/otf;base64,")


def test_hostile_site_ids_give_safe_unique_names_inside_the_folder(case, folder):
    target, _ = folder
    names = site_file_names(case.site_ids)
    assert names[: len(HOSTILE)] == [
        "x",
        "_CON",
        "_con.txt",
        "L" * (NAME_CHARS - NAME_TAIL - 2) + "__" + "L" * NAME_TAIL,
        "a_b",
        "a_b~2",
        "A_B~3",
        "工业园_甲",
        "b_x_b",
        "site",
    ]
    assert len({n.casefold() for n in names}) == COUNT
    pages = os.path.realpath(target / SITES_FOLDER)
    for name in names:
        assert SAFE.match(name) and not name.startswith(".")
        path = os.path.realpath(os.path.join(pages, f"{name}.html"))
        assert os.path.dirname(path) == pages
    written = set(os.listdir(pages))
    expected = {f"{n}.html" for n in names}  # the maps are inside the pages
    assert written == expected | {FONT_CSS, ".landcheck"}
    page = (target / SITES_FOLDER / "b_x_b.html").read_text(encoding="utf-8")
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page


def test_long_ids_that_differ_at_their_end_keep_it_in_their_names():
    """A batch's ids often share a long beginning (the county, the project, the batch): cut to
    NAME_CHARS characters and NAME_BYTES bytes, each name keeps the id's last NAME_TAIL
    characters, so 3,000 such ids give 3,000 names that end with their own number, none with
    ~N; ids that are all alike get ~2…~3000 in site order."""
    prefix = "某某县某某镇某某村高标准农田建设与土地整治项目二〇二六年度第一批次实施地块编号" * 2
    ids = [f"{prefix}{i:05d}" for i in range(3000)]
    names = site_file_names(ids)
    # 74 letters of 3 bytes and 5 digits (227 bytes): 49 letters, "__", the last 20 characters
    assert {(len(n), len(n.encode())) for n in names} == {(49 + 2 + 20, 147 + 2 + 50)}
    assert all(n.startswith(prefix[:49] + "__") for n in names)
    assert [n[-5:] for n in names] == [f"{i:05d}" for i in range(3000)]
    assert all("__" in n and "~" not in n for n in names)
    assert len({n.casefold() for n in names}) == 3000
    alike = site_file_names(["同一地块"] * 3000)
    assert alike[:3] == ["同一地块", "同一地块~2", "同一地块~3"] and alike[-1] == "同一地块~3000"


def test_names_of_four_byte_letters_fit_the_file_systems_255_bytes(tmp_path):
    """Ids of 100 letters of CJK Extension B (4 UTF-8 bytes each, 400 bytes): cut by characters
    alone, the name took 80 of them, 320 bytes, and writing it failed ("File name too long").
    Each name is now at most NAME_BYTES bytes, cut between letters, with its own end, and the
    files are written: 29 letters, "__", the last 20 letters (198 bytes); ids alike but for
    their last letter stay apart, and ids all alike get ~N within 255 bytes with .docx."""
    ids = ["𠀀" * 99 + "𠀁", "𠀀" * 99 + "𠀂", *(["𠀃" * 100] * 3)]
    names = site_file_names(ids)
    assert [len(n.encode()) for n in names] == [198] * 2 + [198, 200, 200]
    assert names[0] == "𠀀" * 29 + "__" + "𠀀" * 19 + "𠀁"
    assert names[2:] == ["𠀃" * 29 + "__" + "𠀃" * 20 + suffix for suffix in ("", "~2", "~3")]
    assert len({n.casefold() for n in names}) == len(names) and NAME_BYTES + 13 <= 255
    for name in names:
        for suffix in (".html", ".docx"):
            (tmp_path / f"{name}{suffix}").write_text("ok", encoding="utf-8")
    assert len(os.listdir(tmp_path)) == 2 * len(names)


def test_index_size_does_not_depend_on_the_maps(case, folder):
    target, _ = folder
    index = (target / "report.html").read_text(encoding="utf-8")
    assert index == render_index(case, font_css="sites/font.css")  # built without any map
    pages = target / SITES_FOLDER
    sizes = [os.path.getsize(pages / n) for n in os.listdir(pages) if n.endswith(".html")]
    assert len(sizes) == COUNT and len(index.encode()) < 1_000_000
    assert max(sizes) < 200_000  # a page with its map (as a PNG beside it, a map was 0.14 MB)


def test_progress_per_site(folder):
    _, events = folder
    html = [e for e in events if e[0] == "write:html"]
    assert html[0] == ("write:html", 0, COUNT) and html[-1] == ("write:html", COUNT, COUNT)
    assert [e[1] for e in html] == list(range(COUNT + 1))


def test_the_pages_are_listed_in_a_marker_of_their_own(folder):
    target, _ = folder
    marker = json.loads((target / SITES_FOLDER / ".landcheck").read_text(encoding="utf-8"))
    assert len(marker["entries"]) == COUNT + 1 and FONT_CSS in marker["entries"]
    assert marker["kind"] == "report"
    top = json.loads((target / ".landcheck").read_text(encoding="utf-8"))
    assert top["entries"] == ["report.html", SITES_FOLDER]


def test_overwrite_replaces_the_pages_but_not_a_stray_file(tmp_path, monkeypatch):
    monkeypatch.setattr("landcheck.report.html.SINGLE_PAGE_SITES", 1)
    small = result()
    target = tmp_path / "report"
    write_report(small, target, formats="html")
    assert sorted(os.listdir(target / SITES_FOLDER)) == [
        ".landcheck",
        "S1.html",
        "S2.html",
        FONT_CSS,
    ]
    write_report(small, target, formats="html", overwrite=True)  # its own pages: replaced
    (target / SITES_FOLDER / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputExistsError, match=r"notes\.txt"):
        write_report(small, target, formats="html", overwrite=True)
    assert (target / SITES_FOLDER / "notes.txt").read_text(encoding="utf-8") == "mine"
    os.remove(target / SITES_FOLDER / "notes.txt")
    monkeypatch.undo()  # two sites, the default threshold: back to one page
    write_report(small, target, formats="html", overwrite=True)
    assert sorted(os.listdir(target)) == [".landcheck", "report.html"]


def test_a_folder_inside_gets_a_marker_unless_it_has_its_own(tmp_path):
    target = tmp_path / "outer"
    with atomic_folder(target, kind="outer") as staging:
        with atomic_folder(os.path.join(staging, "inner"), kind="inner") as inner:
            open(os.path.join(inner, "a.txt"), "w").close()
        os.mkdir(os.path.join(staging, "plain"))
        open(os.path.join(staging, "plain", "b.txt"), "w").close()
    inner = json.loads((target / "inner" / ".landcheck").read_text(encoding="utf-8"))
    plain = json.loads((target / "plain" / ".landcheck").read_text(encoding="utf-8"))
    assert (inner["kind"], inner["entries"]) == ("inner", ["a.txt"])
    assert (plain["kind"], plain["entries"]) == ("outer", ["b.txt"])


def folder_files(target) -> dict[str, bytes]:
    """Every file under ``target`` but the markers (they say when they were written)."""
    return {
        str(path.relative_to(target)): path.read_bytes()
        for path in target.rglob("*")
        if path.is_file() and path.name != ".landcheck"
    }


@pytest.mark.skipif(forked.worker_count(2, 2) == 0, reason="no forked workers on this system")
def test_pages_written_by_workers_are_those_written_here(case, folder, tmp_path, monkeypatch):
    target, _ = folder
    monkeypatch.setattr(forked, "worker_count", lambda jobs, workers=None: 0)
    write_report(case, tmp_path / "here", formats="html")
    here, there = folder_files(tmp_path / "here"), folder_files(target)
    assert len(here) == COUNT + 2  # the pages, font.css and report.html
    assert here == there


def test_the_stylesheet_is_rendered_once_for_all_the_pages(case, folder, tmp_path, monkeypatch):
    target, _ = folder
    monkeypatch.setattr(forked, "worker_count", lambda jobs, workers=None: 0)
    rendered = []
    render = jinja2.Template.render

    def counted(template, *args, **kwargs):
        rendered.append(template.name)
        return render(template, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "render", counted)
    (tmp_path / "sites").mkdir()
    write_site_pages(case, str(tmp_path / "sites"))
    assert rendered.count("_style.css.j2") == 1 and rendered.count("site.html.j2") == COUNT
    page = (target / SITES_FOLDER / "x.html").read_text(encoding="utf-8")
    assert "<style>\n\n:root {" in page and ".edge-prohibited {" in page and "}\n</style>" in page


def test_the_font_and_the_index_are_the_first_job_beside_the_pages(case, tmp_path, monkeypatch):
    monkeypatch.setattr(forked, "worker_count", lambda jobs, workers=None: 0)  # jobs in order
    done = []
    write_font_css, render, view = html._write_font_css, html.render_index, html._site_view
    monkeypatch.setattr(
        html, "_write_font_css", lambda *a: done.append("font.css") or write_font_css(*a)
    )
    monkeypatch.setattr(
        html, "render_index", lambda *a, **k: done.append("index") or render(*a, **k)
    )
    monkeypatch.setattr(html, "_site_view", lambda *a: done.append("page") or view(*a))
    write_report(case, tmp_path / "report", formats="html")
    assert done == ["font.css", "index"] + ["page"] * COUNT  # no cut waits for the last page


def embedded_fonts(text: str) -> list[bytes]:
    """The fonts a page or stylesheet embeds (base64 data URLs), decoded."""
    found = re.findall(r"url\(data:font/\w+;base64,([A-Za-z0-9+/=]+)\)", text)
    return [base64.b64decode(data) for data in found]


def test_the_pages_and_the_index_share_the_whole_bundled_font(case, folder):
    target, _ = folder
    with open(FONT_PATH, "rb") as handle:
        bundled = handle.read()
    css = (target / SITES_FOLDER / FONT_CSS).read_text(encoding="utf-8")
    index = (target / "report.html").read_text(encoding="utf-8")
    assert embedded_fonts(css) == [bundled] and "format('opentype')" in css
    assert (
        embedded_fonts(index) == []
        and f'<link rel="stylesheet" href="{SITES_FOLDER}/{FONT_CSS}">' in index
    )
    assert embedded_fonts(render_index(case)) == [bundled]  # on its own, the index holds it


@pytest.mark.skipif(forked.worker_count(2, 2) == 0, reason="no forked workers on this system")
def test_jobs_run_in_other_processes_and_come_back_in_order():
    before = set(multiprocessing.active_children())  # other tests' pools may live on
    events = []
    pids = forked.run_jobs(
        [partial(lambda i: (i, os.getpid()), i) for i in range(9)],
        done=lambda number, got: events.append((number, got[0])),
        workers=2,
    )
    assert [i for i, _ in pids] == list(range(9)) and events == [(i, i) for i in range(9)]
    assert os.getpid() not in {pid for _, pid in pids}
    assert set(multiprocessing.active_children()) <= before  # the workers are gone


@pytest.mark.skipif(forked.worker_count(2, 2) == 0, reason="no forked workers on this system")
def test_forked_processes_leave_the_callers_objects_out_of_the_collector():
    assert forked.run_jobs([gc.get_freeze_count] * 2, workers=2)[0] > 0  # frozen before the fork
    with forked.beside(gc.get_freeze_count) as frozen:
        assert frozen() > 0
        with forked.beside(gc.get_freeze_count) as inner:
            assert inner() > 0
        assert gc.get_freeze_count() > 0  # until the outermost block ends
    assert gc.get_freeze_count() == 0


def test_an_error_in_a_page_leaves_nothing_behind(case, tmp_path, monkeypatch):
    from landcheck.report import html

    drawn = html.site_svgs

    def broken(result, site_ids, **kwargs):
        if "P30" in site_ids:
            raise InputDataError("site P30: cannot draw")
        return drawn(result, site_ids, **kwargs)

    monkeypatch.setattr(html, "site_svgs", broken)  # before the workers fork: they see it
    before = set(multiprocessing.active_children())
    with pytest.raises(InputDataError, match="site P30: cannot draw"):
        write_report(case, tmp_path / "report", formats="json,html")
    assert os.listdir(tmp_path) == []  # no report, no staging folder
    assert set(multiprocessing.active_children()) <= before


@pytest.mark.skipif(forked.worker_count(2, 2) == 0, reason="no forked workers on this system")
def test_a_worker_killed_while_writing_pages_is_a_clear_error(case, tmp_path, monkeypatch):
    from landcheck.report import html

    drawn, writer = html.site_svgs, os.getpid()

    def killed(result, site_ids, **kwargs):
        if "P30" in site_ids and os.getpid() != writer:
            os._exit(9)  # as the kernel's out-of-memory killer would end it
        return drawn(result, site_ids, **kwargs)

    monkeypatch.setattr(html, "site_svgs", killed)
    before = set(multiprocessing.active_children())
    with pytest.raises(OutputError, match="worker process writing the report stopped"):
        write_report(case, tmp_path / "report", formats="json,html")
    assert os.listdir(tmp_path) == []
    assert set(multiprocessing.active_children()) <= before


def test_an_interrupt_while_the_pages_are_written_leaves_nothing_behind(case, tmp_path):
    def interrupt(stage, done, total):
        if stage == "write:html" and done == 20:
            raise KeyboardInterrupt

    before = set(multiprocessing.active_children())
    with pytest.raises(KeyboardInterrupt):
        write_report(case, tmp_path / "report", formats="html", progress=interrupt)
    assert os.listdir(tmp_path) == []
    assert set(multiprocessing.active_children()) <= before


def every_format(case, target, **kwargs):
    return write_report(case, target, formats="json,html,xlsx,gpkg", **kwargs)


def report_files(target) -> dict[str, bytes]:
    """The folder's files, report.xlsx as its parts and landcheck.gpkg as its tables' rows,
    without what records the moment of writing (markers, the workbook's and project's time)."""
    files = folder_files(target)
    with zipfile.ZipFile(io.BytesIO(files.pop("report.xlsx"))) as book:
        for name in book.namelist():
            if name != "docProps/core.xml":
                files[f"report.xlsx/{name}"] = book.read(name)
    with contextlib.closing(sqlite3.connect(target / "landcheck.gpkg")) as db:
        names = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for name in set(names) - {"gpkg_contents", "layer_styles", "qgis_projects"}:
            files[f"landcheck.gpkg/{name}"] = repr(db.execute(f'SELECT * FROM "{name}"').fetchall())
    del files["landcheck.gpkg"]
    return files


@pytest.mark.skipif(forked.worker_count(2, 2) == 0, reason="no forked workers on this system")
def test_formats_written_side_by_side_are_those_written_one_after_another(
    case, tmp_path, monkeypatch
):
    assert len(case.site_ids) >= SIDE_BY_SIDE_SITES
    events = []
    before = set(multiprocessing.active_children())
    every_format(case, tmp_path / "beside", progress=lambda *event: events.append(event))
    assert set(multiprocessing.active_children()) <= before
    monkeypatch.setattr(forked, "worker_count", lambda jobs, workers=None: 0)
    every_format(case, tmp_path / "here")
    beside, here = report_files(tmp_path / "beside"), report_files(tmp_path / "here")
    assert "report.xlsx/xl/worksheets/sheet1.xml" in here and "landcheck.gpkg/sites" in here
    assert beside == here
    for stage in ("write:json", "write:tables", "write:html", "write:xlsx", "write:gpkg"):
        done = [e[1:] for e in events if e[0] == stage]  # relayed from the forked writers too
        assert done[0][0] == 0 and done[-1][0] == done[-1][1] > 0, stage
        assert [d for d, _ in done] == sorted(d for d, _ in done), stage


def test_an_error_in_a_writer_beside_leaves_nothing_behind(case, tmp_path, monkeypatch):
    def broken(result, directory, options):
        with open(os.path.join(directory, "landcheck.gpkg"), "w") as handle:
            handle.write("half")
        raise InputDataError("layer farmland: cannot write")

    monkeypatch.setitem(landcheck.report.WRITERS, "gpkg", broken)  # forked: they see it
    before = set(multiprocessing.active_children())
    with pytest.raises(InputDataError, match="layer farmland: cannot write"):
        every_format(case, tmp_path / "report")
    assert os.listdir(tmp_path) == []
    assert set(multiprocessing.active_children()) <= before


@pytest.mark.skipif(forked.worker_count(2, 2) == 0, reason="no forked workers on this system")
def test_a_writer_beside_killed_while_writing_is_a_clear_error(case, tmp_path, monkeypatch):
    writer = os.getpid()
    xlsx = landcheck.report.WRITERS["xlsx"]

    def killed(result, directory, options):
        if os.getpid() != writer:
            os._exit(9)  # as the kernel's out-of-memory killer would end it
        return xlsx(result, directory, options)

    monkeypatch.setitem(landcheck.report.WRITERS, "xlsx", killed)
    before = set(multiprocessing.active_children())
    with pytest.raises(OutputError, match="worker process writing the report stopped"):
        every_format(case, tmp_path / "report")
    assert os.listdir(tmp_path) == []
    assert set(multiprocessing.active_children()) <= before


def test_an_interrupt_while_writers_run_beside_leaves_nothing_behind(case, tmp_path):
    def interrupt(stage, done, total):
        if stage == "write:tables" and 0 < done < total:  # json and gpkg are written beside
            raise KeyboardInterrupt

    before = set(multiprocessing.active_children())
    with pytest.raises(KeyboardInterrupt):
        every_format(case, tmp_path / "report", progress=interrupt)
    assert os.listdir(tmp_path) == []
    assert set(multiprocessing.active_children()) <= before
