"""report.docx of a batch: an index linking to one Word document per site in sites/."""

from __future__ import annotations

import io
import os
import zipfile
from urllib.parse import unquote

import docx
import pytest
from common import frame, sites, square
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from report_case import result as report_case
from test_report_docx import paragraphs

import landcheck
from landcheck.report import docx as report_docx
from landcheck.report.content import report_texts
from landcheck.report.folder import write_report
from landcheck.report.opinion import DRAFT_MARK, draft_texts
from landcheck.report.sitefiles import SITES_FOLDER
from landcheck.report.wordstyle import new_document
from landcheck.tables import report_tables


@pytest.fixture
def batch(monkeypatch):
    """Every report.docx below is written as a batch's: index and site documents."""
    monkeypatch.setattr(report_docx, "SINGLE_DOCUMENT_SITES", 0)


def links(document) -> list[tuple[str, str]]:
    """Each hyperlink of the body as (target, text), in order; all are external."""
    found = []
    for element in document.element.body.iter(qn("w:hyperlink")):
        relation = document.part.rels[element.get(qn("r:id"))]
        assert relation.is_external and relation.reltype == RT.HYPERLINK
        text = "".join(t.text for t in element.iter(qn("w:t")))
        found.append((relation.target_ref, text))
    return found


def part_from(items: list, heading: str) -> list:
    """The paragraphs from a Heading 2 reading ``heading`` to the next Heading 1 or 2."""
    start = items.index(("Heading2", heading))
    end = next(
        (i for i in range(start + 1, len(items)) if items[i][0] in ("Heading1", "Heading2")),
        len(items),
    )
    return without_section_end(items[start:end])


def between(items: list, first: str, last: str | None) -> list:
    """The paragraphs from the Heading 1 ``first`` up to the Heading 1 ``last`` (or the end)."""
    start = items.index(("Heading1", first))
    end = items.index(("Heading1", last)) if last is not None else len(items)
    return without_section_end(items[start:end])


def without_section_end(part: list) -> list:
    """``part`` without the empty paragraph that ends a section, if it is the last of one."""
    return part[:-1] if part and part[-1] == ("", "") else part


def pictures(document) -> list[bytes]:
    return [
        document.part.related_parts[shape._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
        for shape in document.inline_shapes
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_site_document_is_its_part_of_the_whole_report(batch, tmp_path, lang):
    result = report_case()
    events = []
    paths = write_report(
        result,
        tmp_path / "report",
        formats="docx",
        lang=lang,
        progress=lambda *event: events.append(event),
    )
    folder = tmp_path / "report"
    assert sorted(os.listdir(folder)) == [".landcheck", "report.docx", SITES_FOLDER]
    assert sorted(os.listdir(folder / SITES_FOLDER)) == [".landcheck", "S1.docx", "S2.docx"]
    assert [e for e in events if e[0] == "write:docx"] == [
        ("write:docx", 0, 2),
        ("write:docx", 1, 2),
        ("write:docx", 2, 2),
    ]
    whole = build_whole(result, lang)
    whole_items = paragraphs(whole)
    texts = draft_texts(lang)
    provenance = report_texts(lang)["provenance"]
    names = result.sites["name"].tolist()
    for position, site_id in enumerate(result.site_ids):
        document = docx.Document(folder / SITES_FOLDER / f"{site_id}.docx")
        items = paragraphs(document)
        heading = next(text for style, text in items if style == "Heading2")
        assert heading.startswith(f"{site_id} {names[position]}")
        # the site's part, provenance and the draft: the whole report's, paragraph for paragraph
        assert part_from(items, heading) == part_from(whole_items, heading)
        assert between(items, provenance, texts["appendix"]) == between(
            whole_items, provenance, texts["appendix"]
        )
        title = f"{site_id} {names[position]} {texts['title']}"
        assert part_from(items, title) == part_from(whole_items, title)
        assert [h for s, h in items if s == "Heading2"] == [heading, title]
        # its map, the same picture as in the whole report; a link back to the index
        assert pictures(document) == [pictures(whole)[position]]
        assert links(document) == [("../report.docx", report_texts(lang)["back"])]
        assert document.sections[-1].header.paragraphs[0].text == DRAFT_MARK[lang]
    index = docx.Document(paths["docx"])
    index_items = paragraphs(index)
    assert not [s for s, _ in index_items if s == "Heading2"]  # no site part, no draft
    assert DRAFT_MARK[lang] not in [text for _, text in index_items]
    assert len(index.inline_shapes) == 0
    assert links(index) == [("sites/S1.docx", "S1 工业园"), ("sites/S2.docx", "S2 三分地")]
    summary = next(
        t for t in index.tables if t.rows[0].cells[0].text == whole.tables[0].rows[0].cells[0].text
    )
    assert [row.cells[0].text for row in summary.rows] == [
        row.cells[0].text for row in whole.tables[0].rows
    ]
    assert between(index_items, provenance, None) == between(
        whole_items, provenance, texts["appendix"]
    )


def build_whole(result, lang):
    """The single report.docx of the same result, read back as a file would be."""
    buffer = io.BytesIO()
    report_docx.build_document(result, lang=lang).save(buffer)
    return docx.Document(buffer)


def test_site_document_states_the_farmland_overlap(batch, tmp_path):
    """A site of 1000 x 500 m over farmland by exactly 300 x 500 m = 150,000 m²: 15 ha."""
    site = sites(square(0, 0, 1000, 500), name=["压占项目"])
    farmland = frame([{"BSM": "F1", "DLBM": "0103", "geometry": square(700, 0, 1300, 1000)}])
    result = landcheck.check(site, layers={"farmland": farmland}, area_method="planar")
    write_report(result, tmp_path / "report", formats="docx")
    document = docx.Document(tmp_path / "report" / SITES_FOLDER / "S1.docx")
    lines = [text for _, text in paragraphs(document)]
    assert "结论：禁止；涉及面积 15.0000 公顷（225.00 亩）。" in lines
    index = docx.Document(tmp_path / "report" / "report.docx")
    assert links(index) == [("sites/S1.docx", "S1 压占项目")]
    linked = next(p for p in index.paragraphs if p._p.find(qn("w:hyperlink")) is not None)
    assert linked.text == "S1 压占项目（禁止）"  # the link, then the site's status


def test_site_documents_are_named_safely_and_linked(batch, tmp_path):
    ids = ["../a", "CON", "A", "工业园 A", "<&>"]
    site = sites(*[square(i * 2000, 0, 100, 100) for i in range(len(ids))])
    site["site_id"] = ids
    result = landcheck.check(site, layers={"farmland": site.assign(BSM="F1")})
    write_report(result, tmp_path / "report", formats="docx")
    folder = tmp_path / "report"
    files = sorted(os.listdir(folder / SITES_FOLDER))
    assert files == sorted(
        [".landcheck", "a.docx", "_CON.docx", "A~2.docx", "工业园_A.docx", "site.docx"]
    )
    index = docx.Document(folder / "report.docx")
    targets = [target for target, _ in links(index)]
    assert [text.split(" ")[0] for _, text in links(index)] == ["../a", "CON", "A", "工业园", "<&>"]
    assert targets[3] == "sites/%E5%B7%A5%E4%B8%9A%E5%9B%AD_A.docx"
    for target, site_id in zip(targets, ids, strict=True):
        document = docx.Document(folder / unquote(target))
        assert next(t for s, t in paragraphs(document) if s == "Heading2").startswith(site_id)


def test_a_new_document_leaves_out_what_the_template_holds_for_nothing():
    document = new_document("zh", title="审查报告", subject="标准")
    styles = document.styles.element.findall(qn("w:style"))
    tables = [s.get(qn("w:styleId")) for s in styles if s.get(qn("w:type")) == "table"]
    assert sorted(tables) == ["TableGrid", "TableNormal"]
    buffer = io.BytesIO()
    document.save(buffer)
    names = zipfile.ZipFile(buffer).namelist()
    assert "word/styles.xml" in names
    assert not [
        n for n in names if "stylesWithEffects" in n or "thumbnail" in n or "customXml" in n
    ]
    assert len(buffer.getvalue()) < 20_000
    assert (document.core_properties.title, document.core_properties.subject) == (
        "审查报告",
        "标准",
    )
    # each call is a document of its own
    other = new_document("zh", title="other")
    other.add_paragraph("x")
    assert document.core_properties.title == "审查报告" and not document.paragraphs


def test_the_index_links_every_site_of_a_large_batch_in_order(tmp_path):
    """Beyond SINGLE_DOCUMENT_SITES the index is written without patching anything."""
    count = report_docx.SINGLE_DOCUMENT_SITES + 1
    site = sites(*[square(i * 300, 0, 100, 100) for i in range(count)])
    result = landcheck.check(site, layers={"farmland": site.iloc[:1].assign(BSM="F1")})
    tables = report_tables(result, "en")
    index = report_docx.build_index_document(
        result, [f"n{i}" for i in range(count)], lang="en", tables=tables
    )
    assert [target for target, _ in links(index)] == [f"sites/n{i}.docx" for i in range(count)]
    assert [text for _, text in links(index)] == list(result.site_ids)
    assert (
        len({element.get(qn("r:id")) for element in index.element.body.iter(qn("w:hyperlink"))})
        == count
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_site_document_with_the_batch_s_provenance_is_the_one_built_alone(batch, lang):
    """The provenance every site document ends with is made once a batch: the same bytes."""
    from landcheck.report.wordsave import save_document

    result = report_case()
    tables = report_tables(result, lang)
    provenance = report_docx._provenance_part(result, tables, lang)
    assert report_texts(lang)["provenance"].encode() in provenance
    for position in range(len(result.site_ids)):
        alone, shared = io.BytesIO(), io.BytesIO()
        save_document(
            report_docx.build_site_document(result, position, lang=lang, tables=tables), alone
        )
        made = report_docx._site_document(
            result,
            position,
            lang=lang,
            image=None,
            drafts=True,
            tables=tables,
            provenance=provenance,
        )
        save_document(made, shared)
        alone_zip, shared_zip = zipfile.ZipFile(alone), zipfile.ZipFile(shared)
        assert alone_zip.namelist() == shared_zip.namelist()
        for name in alone_zip.namelist():
            assert alone_zip.read(name) == shared_zip.read(name), name


def test_the_maps_are_prepared_once_before_the_site_documents_workers_fork(
    batch, two_forked_workers, tmp_path, monkeypatch
):
    """What every map looks up is built in the writer's process, then the workers share it."""
    calls = []
    prepare, jobs = report_docx.prepare_map_pngs, report_docx.write_in_jobs

    def prepared(result, **options):
        calls.append(("prepare", options))
        prepare(result, **options)

    def in_jobs(*args, **kwargs):
        calls.append(("jobs", {}))
        jobs(*args, **kwargs)

    monkeypatch.setattr(report_docx, "prepare_map_pngs", prepared)
    monkeypatch.setattr(report_docx, "write_in_jobs", in_jobs)
    write_report(report_case(), tmp_path / "report", formats="docx", lang="en")
    size = {"dpi": report_docx.MAP_DPI, "panel_size": report_docx.MAP_PANEL_INCHES}
    assert calls == [("prepare", {"lang": "en", **size}), ("jobs", {})]


def test_site_documents_written_here_draw_each_map_once(batch, tmp_path, monkeypatch):
    """With no worker to fork (one core, a daemonic process), nothing is prepared for them:
    the first site's map is not drawn once more before the jobs."""
    import landcheck.forked as forked
    from landcheck.report import maps

    drawn = []
    real = maps.map_png

    def counted(result, site_id, **options):
        drawn.append(site_id)
        return real(result, site_id, **options)

    monkeypatch.setattr(forked, "worker_count", lambda jobs, workers=None: 0)
    monkeypatch.setattr(maps, "map_png", counted)
    monkeypatch.setattr(report_docx, "map_png", counted)
    case = report_case()
    write_report(case, tmp_path / "report", formats="docx", lang="en")
    assert sorted(drawn) == sorted(case.site_ids)
