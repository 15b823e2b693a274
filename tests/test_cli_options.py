"""The CLI options: one definition and one default each, the table listing them, their types."""

from __future__ import annotations

import inspect
import json
import os
import re

import click
import pytest
import select_scenario as scenario
from click.testing import CliRunner
from common import county, frame, square

import landcheck
from landcheck.cli import options
from landcheck.cli.main import cli


def commands(group: click.Group = cli, prefix: str = "") -> dict[str, click.Command]:
    """Every command that runs, by its path (``check``, ``select search``…)."""
    found = {}
    for name, command in group.commands.items():
        path = f"{prefix}{name}"
        if isinstance(command, click.Group):
            found.update(commands(command, f"{path} "))
        else:
            found[path] = command
    return found


def options_of(command: click.Command) -> list[click.Option]:
    return [p for p in command.params if isinstance(p, click.Option) and p.name != "help"]


def test_each_option_is_defined_once_with_one_default():
    seen: dict[str, tuple] = {}
    for path, command in commands().items():
        for option in options_of(command):
            # -o names each command's own folder (default and help); the rest is one definition
            own = option.name == "output"
            definition = (
                tuple(option.opts),
                None if own else option.default,
                None if own else option.help,
                type(option.type),
                getattr(option.type, "must", None),
                getattr(option.type, "choices", None),
                option.multiple,
                option.is_flag,
            )
            first = seen.setdefault(option.name, (path, definition))
            assert definition == first[1], f"{option.name}: {path} differs from {first[0]}"
    assert {"search_distance", "lang", "id_field", "crs", "datum_shift"} <= set(seen)


def test_the_unified_defaults_are_the_library_defaults():
    found = commands()
    for path, function in (
        ("select buildable", landcheck.buildable),
        ("select compare", landcheck.compare),
        ("select search", landcheck.search),
    ):
        (option,) = [o for o in options_of(found[path]) if o.name == "search_distance"]
        library = inspect.signature(function).parameters["search_m"].default
        assert option.default == library == 1000.0, path
    for path in ("check", "demo", "select compare", "select search"):
        (option,) = [o for o in options_of(found[path]) if o.name == "lang"]
        assert option.default == "zh", path


def documented() -> dict[str, set[str]]:
    """The options table of landcheck/cli/options.py: flag column → commands column."""
    table = re.search(
        r"\n(=+ +=+ +=+)\n.*?\n=+ +=+ +=+\n(.*?)\n=+ +=+ +=+\n", options.__doc__, re.S
    )
    first, second, _ = (len(column) for column in table.group(1).split())
    select = [p.removeprefix("select ") for p in commands() if p.startswith("select ")]
    rows: dict[str, set[str]] = {}
    for line in table.group(2).splitlines():
        flags = line[:first].strip()
        listed, where, in_select = set(), line[first + 2 : first + 2 + second].strip(), False
        for item in where.split(", "):
            if item == "select *":
                listed |= {f"select {name}" for name in select}
            elif item.startswith("select ") or in_select:
                in_select = True
                listed.add(f"select {item.removeprefix('select ')}")
            elif item.startswith("all "):
                listed |= set(commands())
            else:
                listed.add(item)
        rows[flags] = listed
    return rows


def test_the_options_table_lists_every_option_and_the_commands_that_take_it():
    actual: dict[str, set[str]] = {}
    flags: dict[str, str] = {}
    for path, command in commands().items():
        for option in options_of(command):
            actual.setdefault(option.name, set()).add(path)
            for flag in option.opts:
                flags[flag] = option.name
    table: dict[str, set[str]] = {}
    for cell, listed in documented().items():
        names = {flags[flag] for flag in re.findall(r"``(-[-\w]+)", cell) if flag in flags}
        assert names, f"the table names an option no command has: {cell}"
        for name in names:
            table[name] = listed
    assert table == actual


@pytest.fixture
def gpkg(write_gpkg):
    return scenario.write_all(write_gpkg, aoi=frame([{"geometry": square(0, 0, 1000)}]))


@pytest.mark.parametrize(
    ("command", "extra", "message"),
    [
        ("search", ["--max-aspect", "inf"], "Invalid value for '--max-aspect': must be ≥ 1"),
        ("search", ["--count", "0"], "Invalid value for '--count': must be at least 1"),
        ("search", ["--angle-step", "0"], "Invalid value for '--angle-step': must be in (0, 90]"),
        ("search", ["--step", "-3"], "Invalid value for '--step': must be a number > 0"),
        ("search", ["--spacing", "nan"], "Invalid value for '--spacing': must be a number ≥ 0"),
        ("search", ["--max-candidates", "1.5"], "'1.5' is not a valid integer"),
        ("buildable", ["--search-distance", "0"], "must be a number > 0"),
        ("buildable", ["--min-area", "-1"], "Invalid value for '--min-area': must be a number ≥ 0"),
        ("buildable", ["--min-width", "wide"], "'wide' is not a valid float"),
        ("buildable", ["--buffer", "farmland=-5"], "a buffer must be a number ≥ 0, got '-5'"),
        ("buildable", ["--buffer", "5", "--buffer", "7"], "a value without KEY= is given twice"),
        ("search", ["--weight", "paddy=inf"], "a weight must be a number ≥ 0, got 'inf'"),
        ("buildable", ["--datum-shift", "1,2,3"], "must be 7 numbers"),
    ],
)
def test_bad_values_are_usage_errors_before_any_work(gpkg, tmp_path, command, extra, message):
    out = tmp_path / "out"
    args = ["select", command, f"{gpkg}:aoi", *(["--area", "4"] if command == "search" else [])]
    result = CliRunner().invoke(cli, [*args, *extra, "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not out.exists()


def test_a_bad_report_format_is_a_usage_error_for_the_demo_too(tmp_path):
    out = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", "-o", str(out), "-f", "pdf"])
    assert result.exit_code == 2, result.output
    assert "unknown format(s) pdf; choose from json, html, xlsx, gpkg, txt, docx" in result.output
    assert os.listdir(tmp_path) == []  # refused before the sample was written


def test_the_buildable_command_looks_as_far_as_the_library(write_gpkg, tmp_path):
    # the urban boundary ends at x = 3000: this area of interest lies 1100 m beyond it
    far = frame([{"geometry": square(4100, 0, 200)}])
    path = scenario.write_all(write_gpkg, aoi=far, county=county())
    base = ["select", "buildable", f"{path}:aoi", *scenario.layer_options(path), "-q"]
    base += ["--area-method", "planar", "--coverage", f"{path}:county"]  # beyond the survey
    library = landcheck.buildable(
        far, layers=scenario.layers(), area_method="planar", coverage=county()
    )
    assert library.table["urban_distance_m"].isna().all()  # beyond the default 1000 m
    for extra, expected in (([], None), (["--search-distance", "2000"], pytest.approx(1100.0))):
        out = tmp_path / f"b{len(extra)}"
        result = CliRunner().invoke(cli, [*base, *extra, "-o", str(out)])
        assert result.exit_code == 0, result.output
        written = json.loads((out / "buildable.json").read_text(encoding="utf-8"))
        assert [p["urban_distance_m"] for p in written["patches"]] == [expected]
