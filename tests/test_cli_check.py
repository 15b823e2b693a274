"""CLI tests of `landcheck check`: exit codes, refused overwrite, no partial output."""

from __future__ import annotations

import hashlib
import json
import os

import pytest
from click.testing import CliRunner
from common import frame, sites, square

from landcheck.cli.main import cli


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def data(write_gpkg):
    farmland = frame([{"BSM": "F1", "DLBM": "0101", "geometry": square(700, 0, 1300, 1000)}])
    site = sites(square(0, 0, 1000, 500), square(3000, 0, 100), name=["压占项目", "无压占项目"])
    return write_gpkg(sites=site, farmland=farmland)


def digest(path):
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def test_check_writes_the_report_folder(runner, data, tmp_path):
    out = tmp_path / "report"
    before = digest(data)
    result = runner.invoke(
        cli,
        [
            "check",
            f"{data}:sites",
            "--layer",
            f"farmland={data}:farmland",
            "--area-method",
            "planar",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert sorted(os.listdir(out)) == [
        ".landcheck",
        "findings.json",
        "landcheck.gpkg",
        "report.html",
        "report.xlsx",
    ]
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert findings["sites"][0]["layers"]["farmland"]["overlap"]["planar_m2"] == pytest.approx(
        150_000.0
    )
    assert "S1" in result.output and "prohibited" in result.output
    assert "Report written to" in result.output
    assert digest(data) == before  # inputs are never modified


def test_fail_on_gives_exit_code_3(runner, data, tmp_path):
    args = ["-q", "check", f"{data}:sites", "--layer", f"farmland={data}:farmland"]
    result = runner.invoke(cli, [*args, "-o", str(tmp_path / "a"), "--fail-on", "prohibited"])
    assert result.exit_code == 3
    # S2 is on no farmland, but its other layers are missing: unknown, worse than conditional
    result = runner.invoke(cli, [*args, "-o", str(tmp_path / "b"), "--fail-on", "unknown"])
    assert result.exit_code == 3
    assert os.path.isdir(tmp_path / "b")  # the report is still written


def test_fail_on_not_reached_gives_exit_code_0(runner, write_gpkg, tmp_path):
    layers = {
        key: frame([{"BSM": "X", "geometry": square(5000, 5000, 10)}])
        for key in ("farmland", "eco_redline")
    }
    path = write_gpkg(sites=sites(square(0, 0, 10)), **layers)
    args = ["check", f"{path}:sites", "-o", str(tmp_path / "r"), "--fail-on", "prohibited"]
    args += [f"--layer={k}={path}:{k}" for k in layers]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output


def test_refused_overwrite_is_exit_1_and_keeps_the_old_folder(runner, data, tmp_path):
    out = tmp_path / "report"
    out.mkdir()
    (out / "keep.txt").write_text("old")
    result = runner.invoke(cli, ["check", f"{data}:sites", "-o", str(out)])
    assert result.exit_code == 1
    assert "already exists" in result.output and "--overwrite" in result.output
    assert os.listdir(out) == ["keep.txt"]
    # --overwrite replaces only a folder landcheck wrote (tests/test_reliability_files.py)
    result = runner.invoke(cli, ["-q", "check", f"{data}:sites", "-o", str(out), "--overwrite"])
    assert result.exit_code == 1
    assert "not written by landcheck" in result.output
    assert os.listdir(out) == ["keep.txt"]
    (out / "keep.txt").unlink()
    out.rmdir()
    assert runner.invoke(cli, ["-q", "check", f"{data}:sites", "-o", str(out)]).exit_code == 0
    result = runner.invoke(cli, ["-q", "check", f"{data}:sites", "-o", str(out), "--overwrite"])
    assert result.exit_code == 0
    assert sorted(os.listdir(out)) == [
        ".landcheck",
        "findings.json",
        "landcheck.gpkg",
        "report.html",
        "report.xlsx",
    ]


def test_bad_input_is_exit_1_without_traceback_and_no_report(runner, tmp_path):
    out = tmp_path / "report"
    result = runner.invoke(cli, ["check", str(tmp_path / "missing.gpkg"), "-o", str(out)])
    assert result.exit_code == 1
    assert "no such file" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    assert [p for p in os.listdir(tmp_path) if p.startswith(".report")] == []


def test_verbose_shows_the_traceback(runner, tmp_path):
    result = runner.invoke(
        cli, ["-v", "check", str(tmp_path / "missing.gpkg"), "-o", str(tmp_path / "r")]
    )
    assert result.exit_code == 1
    assert "Traceback" in result.output


def test_failed_run_leaves_no_report_folder(runner, data, tmp_path, monkeypatch):
    from landcheck.report import folder

    def broken(result, directory, options):
        with open(os.path.join(directory, "landcheck.gpkg"), "w") as handle:
            handle.write("partial")
        raise OSError("disk full")

    monkeypatch.setitem(folder.WRITERS, "gpkg", broken)
    out = tmp_path / "report"
    result = runner.invoke(cli, ["check", f"{data}:sites", "-o", str(out)])
    assert result.exit_code == 1
    assert not out.exists()
    assert [p for p in os.listdir(tmp_path) if p.startswith(".")] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--layer", "farmland"], "KEY=PATH"),
        (["--format", "pdf"], "unknown format"),
        (["--fail-on", "bad"], "--fail-on"),
        (["--width", "-5"], "--width"),
    ],
)
def test_usage_errors_are_exit_2(runner, data, tmp_path, args, message):
    result = runner.invoke(cli, ["check", f"{data}:sites", "-o", str(tmp_path / "r"), *args])
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "r").exists()


def test_missing_argument_is_exit_2(runner):
    assert runner.invoke(cli, ["check"]).exit_code == 2


def test_format_selects_files(runner, data, tmp_path):
    out = tmp_path / "r"
    result = runner.invoke(cli, ["-q", "check", f"{data}:sites", "-o", str(out), "-f", "json"])
    assert result.exit_code == 0
    assert sorted(os.listdir(out)) == [".landcheck", "findings.json"]
    assert result.output == ""


def test_invalid_profile_lists_every_problem(runner, data, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "schema: landcheck/profile@1\nname: bad\nversion: '1'\n"
        "analysis: {area_method: round, sliver: {area_m2: 0.5}}\n"
        "layers:\n  farmland: {kind: farm}\n"
        "rules:\n  - {id: r1, check: nothing, layer: farmland}\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        cli, ["check", f"{data}:sites", "--profile", str(bad), "-o", str(tmp_path / "r")]
    )
    assert result.exit_code == 1
    assert "5 problems" in result.output
    for text in (
        "analysis.area_method",
        "sliver.area_m2",
        "layers.farmland.kind",
        "basis",
        "'nothing'",
    ):
        assert text in result.output


def test_check_reads_a_boundary_txt_directly(runner, tmp_path, write_gpkg):
    from landcheck.io.boundary_txt import write_boundary_txt

    site = sites(square(0, 0, 100, 200), name=["用地一"])
    txt = tmp_path / "site.txt"
    write_boundary_txt(site, txt, encoding="gbk")
    layer = write_gpkg(farmland=frame([{"BSM": "F1", "geometry": square(50, 0, 100, 200)}]))
    out = tmp_path / "r"
    result = runner.invoke(
        cli,
        [
            "check",
            str(txt),
            "--layer",
            f"farmland={layer}:farmland",
            "--area-method",
            "planar",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    site_json = data["sites"][0]
    assert site_json["name"] == "用地一"
    assert site_json["area"]["planar_m2"] == pytest.approx(20_000.0)
    assert site_json["layers"]["farmland"]["overlap"]["planar_m2"] == pytest.approx(10_000.0)
    assert data["inputs"][0]["extra"]["format"] == "boundary TXT"
    assert data["inputs"][0]["crs"] == "EPSG:4523"


def test_quiet_and_verbose_may_follow_the_command(runner, data, tmp_path):
    result = runner.invoke(cli, ["check", f"{data}:sites", "-o", str(tmp_path / "r"), "-q"])
    assert result.exit_code == 0 and result.output == ""
    result = runner.invoke(cli, ["check", str(tmp_path / "missing.gpkg"), "-v"])
    assert result.exit_code == 1 and "Traceback" in result.output


def test_a_batch_lists_its_most_severe_sites_and_counts_the_rest(runner, write_gpkg, tmp_path):
    from landcheck.cli.summary import SUMMARY_ROWS

    # 60 sites in a row; the farmland lies under the last two only, so the two most
    # severe sites come last in input order and must be listed first
    count = SUMMARY_ROWS + 10
    site = sites(*(square(200 * i, 0, 100) for i in range(count)))
    farmland = frame(
        [{"BSM": "F1", "DLBM": "0101", "geometry": square(200 * (count - 2), 0, 400, 100)}]
    )
    data = write_gpkg(sites=site, farmland=farmland)
    result = runner.invoke(
        cli,
        [
            "check",
            f"{data}:sites",
            "--layer",
            f"farmland={data}:farmland",
            "-f",
            "json",
            "-o",
            str(tmp_path / "report"),
        ],
        terminal_width=200,
    )
    assert result.exit_code == 0, result.output
    listed = [line.split("│")[1].strip() for line in result.output.splitlines() if "│ S" in line]
    assert len(listed) == SUMMARY_ROWS
    assert listed[:2] == [f"S{count - 1}", f"S{count}"]  # prohibited first, in input order
    assert listed[2:] == [f"S{i}" for i in range(1, SUMMARY_ROWS - 1)]
    assert f"{count} site(s)" in result.output and "the 50 most severe shown" in result.output
    assert "prohibited 2 · " in result.output
    assert "10 more site(s) in the report" in result.output


def test_site_text_that_looks_like_terminal_markup_is_printed_as_it_is(
    runner, write_gpkg, tmp_path
):
    # rich reads "[...]" as markup: "[/b]" alone raised MarkupError after the report was
    # written, and "[link=…]" would have made a hyperlink
    names = ["[/b] 工业园", "[link=x]y[/link]"]
    site = sites(square(0, 0, 100), square(300, 0, 100), name=names)
    data = write_gpkg(sites=site)
    result = runner.invoke(
        cli,
        ["check", f"{data}:sites", "-f", "json", "-o", str(tmp_path / "report")],
        terminal_width=200,
    )
    assert result.exit_code == 0, result.output
    for name in names:
        assert name in result.output
    assert "Report written to" in result.output


def test_selection_tables_print_their_text_as_it_is():
    import pandas as pd
    from rich.console import Console

    from landcheck.cli.summary import print_table

    console = Console(width=200, record=True)
    table = pd.DataFrame({"site_id": ["[/b]"], "name": ["[bold]乙[/bold]"], "status": ["[/]"]})
    print_table("candidates", table, ["site_id", "name", "status"], console=console)
    text = console.export_text()
    assert "[/b]" in text and "[bold]乙[/bold]" in text and "[/]" in text
