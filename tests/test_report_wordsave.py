"""report.docx saved with its pictures stored: python-docx's package, part for part."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from report_case import result as report_case

from landcheck.report import wordsave
from landcheck.report.docx import build_document
from landcheck.report.wordsave import save_document


@pytest.fixture(scope="module")
def document():
    """The report case's Word report in Chinese: tables, drafts and a PNG map a site."""
    return build_document(report_case(), lang="zh")


def _saved(save, document) -> zipfile.ZipFile:
    buffer = io.BytesIO()
    save(document, buffer)
    return zipfile.ZipFile(io.BytesIO(buffer.getvalue()))


def test_the_parts_are_python_docxs_in_its_order_the_pictures_stored(document):
    assert wordsave.OWN_WRITER  # the path taken here is landcheck's own
    ours = _saved(save_document, document)
    theirs = _saved(lambda d, target: d.save(target), document)
    assert ours.namelist() == theirs.namelist()
    for name in theirs.namelist():
        assert ours.read(name) == theirs.read(name), name
    pictures = [i for i in ours.infolist() if i.filename.endswith(".png")]
    assert pictures and all(i.compress_type == zipfile.ZIP_STORED for i in pictures)
    xml = [i for i in ours.infolist() if i.filename.endswith((".xml", ".rels"))]
    assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in xml)
    assert ours.testzip() is None


def test_the_document_reads_back_as_python_docx_saved_it(document, tmp_path):
    ours, theirs = tmp_path / "ours.docx", tmp_path / "theirs.docx"
    save_document(document, ours)
    document.save(str(theirs))
    again, expected = docx.Document(str(ours)), docx.Document(str(theirs))
    assert [p.text for p in again.paragraphs] == [p.text for p in expected.paragraphs]
    assert len(again.paragraphs) > 20 and "建设项目用地预审" in again.paragraphs[0].text
    assert len(again.inline_shapes) == len(expected.inline_shapes) > 0


def test_without_python_docxs_writer_steps_python_docx_saves_it(document, monkeypatch):
    monkeypatch.setattr(wordsave, "OWN_WRITER", False)
    saved = _saved(save_document, document)
    pictures = [i for i in saved.infolist() if i.filename.endswith(".png")]
    assert pictures and all(i.compress_type == zipfile.ZIP_DEFLATED for i in pictures)
