"""The notebook face of CheckResult, and the report folder's formats (txt included)."""

from __future__ import annotations

import json
import os
import sys

import pytest
from click.testing import CliRunner
from matplotlib.figure import Figure
from report_case import layers, result, site_frame

from landcheck.cli.main import cli
from landcheck.io.boundary_txt import read_boundary_txt
from landcheck.report import FORMATS, WRITERS, parse_formats, write_report
from landcheck.report.formats import NAMES


def test_repr_html_is_a_compact_summary():
    html = result()._repr_html_()
    assert html.startswith('<div class="landcheck-result">')
    assert "S1" in html and "S2" in html and "工业园" in html
    assert "禁止" in html and "2.0000" in html
    assert "EPSG:4523" in html and "china-preexam" in html
    assert len(html) < 5_000


def test_plot_draws_the_report_map():
    figure = result().plot("S1")
    assert isinstance(figure, Figure)
    assert [ax.get_title() for ax in figure.axes] == ["叠加分析图", "土地利用现状", "规划分区"]
    with pytest.raises(KeyError, match="no site 'S9'"):
        result().plot("S9")
    with pytest.raises(ValueError, match="unknown map panel"):
        result().plot("S1", panels=["roads"])


def test_tables_are_dataframes():
    tables = result().tables
    assert {"sites", "layers", "classes", "findings", "pieces", "inputs"} <= set(tables)


def test_explore_without_folium_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "folium", None)
    with pytest.raises(ImportError, match=r"pip install landcheck\[maps\]"):
        result().explore()


def test_explore_with_folium():
    folium = pytest.importorskip("folium")
    fmap = result().explore("S1", tiles=None)
    assert isinstance(fmap, folium.Map)
    html = fmap.get_root().render()
    for text in ("永久基本农田", "工业园", "S1"):  # folium writes JSON with \\u escapes
        assert text in html or json.dumps(text)[1:-1] in html, text


def test_formats_registry():
    assert list(WRITERS) == ["json", "html", "xlsx", "gpkg", "txt", "docx"]
    assert tuple(WRITERS) == NAMES  # the names parsing accepts are the writers', in their order
    assert FORMATS == ("json", "html", "xlsx", "gpkg")
    assert parse_formats("txt,html") == ["html", "txt"]


def test_default_report_folder(tmp_path):
    paths = write_report(result(), tmp_path / "report")
    assert sorted(os.listdir(tmp_path / "report")) == [
        ".landcheck",
        "findings.json",
        "landcheck.gpkg",
        "report.html",
        "report.xlsx",
    ]
    assert set(paths) == set(FORMATS)


def test_txt_format_writes_every_site_as_a_plot(tmp_path):
    paths = write_report(result(), tmp_path / "report", formats="txt")
    assert os.path.basename(paths["txt"]) == "sites.txt"
    with open(paths["txt"], "rb") as handle:
        data = handle.read()
    data.decode("utf-8")
    assert b"\r\n" in data
    parsed = read_boundary_txt(paths["txt"])
    assert list(parsed.sites["site_id"]) == ["S1", "S2"]
    assert list(parsed.sites["name"]) == ["工业园", "三分地"]
    assert parsed.sites.geometry.area.tolist() == pytest.approx([20_000.0, 10_000.0])


def test_cli_format_and_lang(tmp_path, write_gpkg):
    data = write_gpkg(sites=site_frame(), **layers())
    out = tmp_path / "out"
    arguments = [
        "check",
        f"{data}:sites",
        "--area-method",
        "planar",
        "-o",
        str(out),
        "--format",
        "html,txt",
        "--lang",
        "en",
    ]
    for key in layers():
        arguments += ["--layer", f"{key}={data}:{key}"]
    outcome = CliRunner().invoke(cli, arguments)
    assert outcome.exit_code == 0, outcome.output
    assert sorted(os.listdir(out)) == [".landcheck", "report.html", "sites.txt"]
    assert '<html lang="en">' in (out / "report.html").read_text(encoding="utf-8")
