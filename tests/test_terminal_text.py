"""Text from the inputs reaches the terminal with its control characters shown, not obeyed.

A site file's ids and names, a field's name, a layer's warnings: a terminal obeys
the escape sequences, carriage returns and bidirectional overrides among them
(clearing the screen, writing over a line, reordering it). The closing table,
the warnings, the errors and ``inspect`` write them as escapes instead.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner
from common import sites, square

from landcheck.cli.main import cli
from landcheck.cli.terminal import terminal_text
from landcheck.errors import InputDataError

OBEYED = ("\x1b", "\r", "\x07", "\x9b", "\u202e", "\u2066")
"""Characters a terminal obeys, none of which may reach it raw."""

HOSTILE_ID = "S1\x1b[2J\rX"
HOSTILE_NAME = "工业园\x1b]8;;http://example.com\x1b\\click\x1b]8;;\x1b\\\u202eexe.gnp"


def _raw(text: str) -> list[str]:
    return [c for c in OBEYED if c in text]


def test_control_characters_are_written_as_escapes():
    text = "a\x00\x1b[31m\r\x07\x7f\x85\x9b\u200f\u202e\u2066\u2028b\tc\nd"
    shown = terminal_text(text)
    assert shown == ("a\\x00\\x1b[31m\\r\\x07\\x7f\\x85\\x9b\\u200f\\u202e\\u2066\\u2028b\tc\nd")
    assert terminal_text("工业园 S1 [/b]") == "工业园 S1 [/b]"  # nothing else changes


@pytest.fixture
def hostile_sites(write_gpkg):
    site = sites(square(0, 0, 100), square(300, 0, 100), name=[HOSTILE_NAME, "乙"])
    site["site_id"] = [HOSTILE_ID, "S2"]
    site["project_class"] = ["industrial", "industrial"]  # a warning that names the sites
    return write_gpkg(sites=site)


def test_the_closing_table_shows_hostile_ids_and_names_as_escapes(hostile_sites, tmp_path):
    result = CliRunner().invoke(
        cli, ["check", f"{hostile_sites}:sites", "-f", "json", "-o", str(tmp_path / "r")]
    )
    assert result.exit_code == 0, result.output
    assert _raw(result.output) == []
    assert "S1\\x1b[2J\\rX" in result.output
    assert "工业园\\x1b]8;;http://exam" in result.output.replace("\n", "").replace("│", "")


def test_warnings_show_hostile_ids_as_escapes(hostile_sites, tmp_path):
    executable = os.path.join(os.path.dirname(sys.executable), "landcheck")
    done = subprocess.run(
        [executable, "check", f"{hostile_sites}:sites", "-f", "json", "-o", "r"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "old project class" in done.stderr  # the warning naming the sites
    assert "S1\\x1b[2J\\rX" in done.stderr
    assert _raw(done.stderr) == [] and _raw(done.stdout) == []


def test_errors_show_control_characters_as_escapes(hostile_sites, tmp_path, monkeypatch):
    import landcheck.evaluation

    def failing(*args, **kwargs):
        raise InputDataError("field value 'x\x1b[2J\ry' cannot be read")

    monkeypatch.setattr(landcheck.evaluation, "check", failing)
    result = CliRunner().invoke(cli, ["check", f"{hostile_sites}:sites", "-o", str(tmp_path / "r")])
    assert result.exit_code == 1
    assert "Error: field value 'x\\x1b[2J\\ry' cannot be read" in result.output
    assert _raw(result.output) == []


def test_inspect_shows_hostile_field_names_as_escapes(write_gpkg):
    site = sites(square(0, 0, 100))
    site["名称\x1b[8m"] = ["x"]
    path = write_gpkg(sites=site)
    result = CliRunner().invoke(cli, ["inspect", f"{path}:sites"])
    assert result.exit_code == 0, result.output
    assert "名称\\x1b[8m" in result.output and _raw(result.output) == []


def test_a_profiles_titles_show_control_characters_as_escapes(tmp_path):
    text = CliRunner().invoke(cli, ["profile", "show"]).stdout
    hostile = text.replace(  # the layer's title and its rule's
        "title: {zh: 永久基本农田,", 'title: {zh: "永久基本农田\\e[2J\\r\\u202e",'
    )
    assert hostile != text
    custom = tmp_path / "custom.yaml"
    custom.write_text(hostile, encoding="utf-8")
    for command in (["layers"], ["docs"]):
        result = CliRunner().invoke(cli, ["profile", *command, str(custom)])
        assert result.exit_code == 0, result.output
        assert "永久基本农田\\x1b[2J\\r\\u202e" in result.output
        assert _raw(result.output) == []
