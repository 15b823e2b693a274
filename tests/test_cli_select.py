"""CLI tests of `landcheck select`: outputs, exit codes, and the same numbers as the library."""

from __future__ import annotations

import json
import os

import pandas as pd
import pytest
import select_scenario as scenario
from click.testing import CliRunner
from common import county, frame, square

import landcheck
from landcheck.cli.main import cli


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def gpkg(write_gpkg):
    aoi = frame([{"name": "AOI", "geometry": square(0, 0, 1000)}])
    return scenario.write_all(write_gpkg, aoi=aoi)


def read_json(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def test_buildable_command_matches_the_library(runner, gpkg, tmp_path):
    out = tmp_path / "b"
    args = [
        "select",
        "buildable",
        f"{gpkg}:aoi",
        *scenario.layer_options(gpkg),
        "--buffer",
        "10",
        "--min-width",
        "20",
        "--area-method",
        "planar",
        "-o",
        str(out),
    ]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert sorted(os.listdir(out)) == [
        ".landcheck",
        "buildable.csv",
        "buildable.gpkg",
        "buildable.json",
        "buildable.png",
    ]
    assert "Buildable patches" in result.output and "P001" in result.output
    data = read_json(out / "buildable.json")
    library = landcheck.buildable(
        f"{gpkg}:aoi",
        layers={k: f"{gpkg}:{k}" for k in scenario.layers()},
        buffers=10,
        min_width_m=20,
        area_method="planar",
    )
    assert data["totals"]["buildable"]["planar_m2"] == pytest.approx(
        library.area.planar_m2, rel=1e-12
    )
    # the farmland strip x 0-400 grown by 10 m leaves x 410-1000
    assert library.area.planar_m2 == pytest.approx(590 * 1000, rel=1e-12)
    csv = pd.read_csv(out / "buildable.csv", encoding="utf-8-sig")
    assert csv["planar_m2"].tolist() == pytest.approx(library.patches["planar_m2"].tolist())


def test_compare_command_ranks_and_explains(runner, gpkg, tmp_path):
    out = tmp_path / "c"
    args = [
        "select",
        "compare",
        f"{gpkg}:candidates",
        *scenario.layer_options(gpkg),
        "--area-method",
        "planar",
        "-o",
        str(out),
    ]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "排序规则" in result.output  # --lang zh, the default of every command
    assert "1. C6" in result.output
    data = read_json(out / "comparison.json")
    assert [r["site_id"] for r in data["ranking"]] == ["C6", "C3", "C2", "C4", "C1"]
    library = landcheck.compare(
        scenario.candidates(), layers=scenario.layers(), area_method="planar"
    )
    assert [r["score"] for r in data["ranking"]] == pytest.approx(library.table["score"].tolist())
    findings = read_json(out / "findings.json")
    assert findings["schema"] == "landcheck/findings@1"
    assert {"comparison.gpkg", "comparison.csv", "comparison.png"} <= set(os.listdir(out))
    result = runner.invoke(
        cli,
        [*args[:-2], "-o", str(tmp_path / "w"), "--weight", "outside_urban=100", "--lang", "en"],
    )
    assert result.exit_code == 0, result.output
    assert "Ranked by, in order" in result.output
    ranking = read_json(tmp_path / "w" / "comparison.json")["ranking"]
    assert [r["site_id"] for r in ranking] == ["C6", "C3", "C2", "C1", "C4"]


def far_redline() -> object:
    """A redline far from the sites: every hard layer is checked (else no site is ready)."""
    return frame([{"BSM": "R1", "geometry": square(5000, 5000, 10)}])


def test_avoid_command_writes_the_trimmed_boundary(runner, write_gpkg, tmp_path):
    site = frame([{"site_id": "S1", "name": "厂房", "geometry": square(0, 0, 100)}])
    farmland = frame([{"BSM": "F1", "geometry": square(50, -50, 150, 200)}])
    path = write_gpkg(site=site, farmland=farmland, eco_redline=far_redline(), county=county())
    out = tmp_path / "a"
    args = [
        "select",
        "avoid",
        f"{path}:site",
        "--layer",
        f"farmland={path}:farmland",
        "--layer",
        f"eco_redline={path}:eco_redline",
        "--coverage",
        f"{path}:county",
        "--area-method",
        "planar",
        "-o",
        str(out),
    ]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "avoided_boundary.txt" in os.listdir(out)
    data = read_json(out / "avoidance.json")
    assert data["sites"][0]["kept_planar_m2"] == pytest.approx(5_000.0)
    assert data["sites"][0]["status_before"] == "prohibited"
    # the written TXT is a site file landcheck reads back
    again = landcheck.avoid(
        str(out / "avoided_boundary.txt"), layers={"farmland": farmland}, area_method="planar"
    )
    assert again.kept["kept_planar_m2"].iloc[0] == pytest.approx(5_000.0, rel=1e-9)
    assert again.lost.empty
    # refused overwrite: exit 1, folder untouched
    before = sorted(os.listdir(out))
    result = runner.invoke(cli, args)
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert sorted(os.listdir(out)) == before


def test_avoid_command_writes_the_folder_when_a_name_has_a_comma(runner, write_gpkg, tmp_path):
    """A site named "Industrial park, phase 2": the TXT cannot hold the comma, so it is
    skipped (avoidance.json says why) and the rest is written, exit 0 (it was exit 1 and no
    folder). The square's east half is on farmland: 0.5 ha kept."""
    name = "Industrial park, phase 2"
    site = frame([{"site_id": "S1", "name": name, "geometry": square(0, 0, 100)}])
    farmland = frame([{"BSM": "F1", "geometry": square(50, -50, 150, 200)}])
    path = write_gpkg(site=site, farmland=farmland, eco_redline=far_redline(), county=county())
    out = tmp_path / "a"
    args = ["select", "avoid", f"{path}:site", "--layer", f"farmland={path}:farmland"]
    args += ["--layer", f"eco_redline={path}:eco_redline", "--coverage", f"{path}:county"]
    result = runner.invoke(cli, [*args, "--area-method", "planar", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "avoided_boundary.txt" not in os.listdir(out)
    data = read_json(out / "avoidance.json")
    assert f"名称 {name!r} contains a comma or a line break" in data["txt_skipped"]
    assert data["sites"][0]["kept_planar_m2"] == pytest.approx(5_000.0)
    assert data["sites"][0]["status_before"] == "prohibited"


def test_search_command(runner, gpkg, tmp_path):
    out = tmp_path / "s"
    args = [
        "select",
        "search",
        f"{gpkg}:aoi",
        "--area",
        "4",
        "--count",
        "2",
        "--max-candidates",
        "150",
        *scenario.layer_options(gpkg),
        "--area-method",
        "planar",
        "-o",
        str(out),
    ]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert {"search.gpkg", "search.csv", "search.json", "search.png", "proposals.txt"} <= set(
        os.listdir(out)
    )
    data = read_json(out / "search.json")
    assert len(data["proposals"]) == 2
    assert [p["area_ha"] for p in data["proposals"]] == pytest.approx([4.0, 4.0], rel=1e-9)
    library = landcheck.search(
        f"{gpkg}:aoi",
        4,
        count=2,
        area_method="planar",
        max_candidates=150,
        layers={k: f"{gpkg}:{k}" for k in scenario.layers()},
    )
    assert [p["site_id"] for p in data["proposals"]] == library.proposals["site_id"].tolist()
    assert [p["score"] for p in data["proposals"]] == pytest.approx(
        library.proposals["score"].tolist()
    )
    # proposals avoid the farmland strip (x < 400): none takes farmland
    assert all(p["farmland_ha"] == 0 for p in data["proposals"])


@pytest.mark.parametrize(
    "extra, hint",
    [
        (["--buffer", "abc"], "--buffer"),
        (["--buffer", "land_use=5"], "--buffer"),
        (["--constraint", "quarry"], "--constraint"),
        (["--min-width", "-1"], "--min-width"),
    ],
)
def test_usage_errors_exit_2(runner, gpkg, tmp_path, extra, hint):
    args = ["select", "buildable", f"{gpkg}:aoi", "-o", str(tmp_path / "x"), *extra]
    result = runner.invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert hint in result.output
    assert not os.path.exists(tmp_path / "x")


def test_search_without_its_required_area_is_a_usage_error(runner, gpkg, tmp_path):
    # click took the option's explicit default=None for a default: "internal error:
    # TypeError: unsupported format string passed to NoneType.__format__", exit 1
    result = runner.invoke(cli, ["select", "search", f"{gpkg}:aoi", "-o", str(tmp_path / "x")])
    assert result.exit_code == 2, result.output
    assert "Missing option '--area'" in result.output
    assert not os.path.exists(tmp_path / "x")


def test_bad_weight_is_a_usage_error(runner, gpkg, tmp_path):
    result = runner.invoke(
        cli,
        [
            "select",
            "compare",
            f"{gpkg}:candidates",
            "--weight",
            "forest=2",
            "-o",
            str(tmp_path / "x"),
        ],
    )
    assert result.exit_code == 2
    assert "unknown weight" in result.output


def test_missing_file_exits_1_without_output(runner, tmp_path):
    result = runner.invoke(
        cli,
        ["select", "search", str(tmp_path / "none.gpkg"), "--area", "1", "-o", str(tmp_path / "x")],
    )
    assert result.exit_code == 1
    assert "no such file" in result.output
    assert not os.path.exists(tmp_path / "x")
