"""The land-use standard's index table from the command line: `profile validate` reads the
profile's table, and the selection commands take `--standards-table` as `check` does."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from common import frame, sites, square

from landcheck.cli.main import cli
from landcheck.io.profiles import builtin_profile_text

HEADER = "table,key,grade,indicator,min,max,unit,source\n"
TABLE = HEADER + "industry,32,,plot_ratio,1.5,,,省定指标表2\n"
"""Industry 32: 容积率 ≥ 1.5 for every grade; the sites below have 1.2, so they fail it."""
BAD = TABLE + "industry,32,4,investment_wan_per_ha,12x,,,\n"

INDUSTRIAL = {
    "project_type": "industrial",
    "footprint_m2": 40_000.0,  # 40 % of 10 ha
    "office_area_m2": 2_000.0,  # 2 %
    "floor_area_m2": 120_000.0,  # 容积率 1.2
    "industry_code": "3216",
}


def _profile(folder, table_line):
    text = (
        builtin_profile_text("china-preexam")
        .replace("name: china-preexam", "name: my-county")
        .replace("      # standards_table: standards.csv", table_line)
    )
    path = folder / "my.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_profile_validate_reads_the_profiles_table(tmp_path):
    (tmp_path / "indices.csv").write_text(TABLE, encoding="utf-8")
    path = _profile(tmp_path, "      standards_table: indices.csv")
    done = CliRunner().invoke(cli, ["profile", "validate", str(path)])
    assert done.exit_code == 0, done.output
    assert "profile 'my-county'" in done.output and "is valid" in done.output
    assert f"standards table {str(tmp_path / 'indices.csv')!r}: 1 row, valid" in done.output


def test_profile_validate_reports_a_bad_table_as_a_run_would(tmp_path):
    (tmp_path / "indices.csv").write_text(BAD, encoding="utf-8")
    path = _profile(tmp_path, "      standards_table: indices.csv")
    done = CliRunner().invoke(cli, ["profile", "validate", str(path)])
    assert done.exit_code == 1
    assert "indices.csv', line 3, column 'min': '12x' is not a number" in done.output
    assert "write it with digits" in done.output  # how to fix it
    assert "is valid" not in done.output and "Traceback" not in done.output


def test_profile_validate_reports_a_missing_table(tmp_path):
    path = _profile(tmp_path, "      standards_table: nowhere.csv")
    done = CliRunner().invoke(cli, ["profile", "validate", str(path)])
    assert done.exit_code == 1
    assert "no standards table file" in done.output and "nowhere.csv" in done.output
    assert "Traceback" not in done.output


def test_profile_validate_without_a_table_says_nothing_of_one():
    done = CliRunner().invoke(cli, ["profile", "validate", "china-preexam"])
    assert done.exit_code == 0 and "standards table" not in done.output


@pytest.fixture
def county_files(tmp_path):
    """Two 10 ha industrial candidates on industrial land, and the land-use layer."""
    shapes = (square(0, 0, 500, 200), square(1000, 0, 500, 200))
    candidates = sites(*shapes, **{k: [v, v] for k, v in INDUSTRIAL.items()})
    candidates.to_file(tmp_path / "candidates.gpkg")
    land_use = frame([{"BSM": "T1", "DLBM": "0601", "geometry": square(-100, -100, 1700, 400)}])
    land_use.to_file(tmp_path / "land_use.gpkg")
    (tmp_path / "standards.csv").write_text(TABLE, encoding="utf-8")
    (tmp_path / "bad.csv").write_text(BAD, encoding="utf-8")
    return tmp_path


def _common(folder, out):
    return ["--layer", f"land_use={folder / 'land_use.gpkg'}", "--area-method", "planar",
            "-o", str(out)]  # fmt: skip


def test_select_compare_checks_the_candidates_against_the_given_table(county_files):
    folder = county_files
    out = folder / "compare"
    before = (folder / "standards.csv").read_bytes()
    args = ["select", "compare", str(folder / "candidates.gpkg"), *_common(folder, out),
            "--standards-table", str(folder / "standards.csv")]  # fmt: skip
    done = CliRunner().invoke(cli, args)
    assert done.exit_code == 0, done.output
    data = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    for site in data["sites"]:
        f = next(x for x in site["findings"] if x["check"] == "land_use_standard")
        assert f["outcome"] == "over"
        assert "不符合控制指标：容积率 1.20" in f["message"]["zh"]
        assert "容积率 ≥ 1.50（standards.csv 第2行，省定指标表2）" in f["message"]["zh"]
    record = next(r for r in data["inputs"] if r["role"] == "standards_table")
    assert record["features_read"] == 1
    assert (folder / "standards.csv").read_bytes() == before


@pytest.mark.parametrize(
    ("command", "extra"),
    [
        ("compare", []),
        ("avoid", []),
        ("buildable", []),
        ("search", ["--area", "1"]),
    ],
)
def test_every_select_command_refuses_a_bad_table_before_writing(county_files, command, extra):
    folder = county_files
    out = folder / f"{command}-out"
    args = ["select", command, str(folder / "candidates.gpkg"), *extra, *_common(folder, out),
            "--standards-table", str(folder / "bad.csv")]  # fmt: skip
    done = CliRunner().invoke(cli, args)
    assert done.exit_code == 1, done.output
    assert "bad.csv', line 3, column 'min': '12x' is not a number" in done.output
    assert "Traceback" not in done.output
    assert not out.exists()


def test_a_select_command_help_lists_the_option():
    for command in ("compare", "avoid", "buildable", "search"):
        done = CliRunner().invoke(cli, ["select", command, "--help"])
        assert done.exit_code == 0 and "--standards-table PATH" in done.output
