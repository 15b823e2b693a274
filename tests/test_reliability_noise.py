"""Reliability, noise and wording (issue 10, item 23).

分带=3度带 is read as the zone width; a shared overlap that prints as 0.00 m² is no warning;
warnings of the libraries underneath are shown only with -v; repeated warnings are summarised
with a count; English messages put the right article before a project class.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest
from common import frame, sites, square

import landcheck
from landcheck.io.boundary_txt import (
    BoundaryTxtCRSError,
    format_boundary_txt,
    parse_boundary_txt,
)
from landcheck.io.convert import convert
from landcheck.messages import summarise

N0, E0 = 2_700_000.0, 35_500_000.0


def plot(site_id="A", north=0.0, size=100.0, declared=""):
    corners = [(N0 + north, E0), (N0 + north + size, E0), (N0 + north + size, E0 + size)]
    corners.append((N0 + north, E0 + size))
    lines = [f"J{i + 1},1,{n:.3f},{e:.3f}" for i, (n, e) in enumerate(corners)]
    lines.append(lines[0])
    return [f"5,{declared},{site_id},,面,,,,@", *lines]


def txt(attributes, *plots):
    body = [line for p in (plots or (plot(),)) for line in p]
    return "[属性描述]\n" + attributes + "[地块坐标]\n" + "\n".join(body) + "\n"


# --------------------------------------------------------------------------- 分带


def test_fendai_is_read_as_the_zone_width():
    parsed = parse_boundary_txt(txt("坐标系=2000国家大地坐标系\n分带=3度带\n带号=35\n"))
    assert parsed.crs.to_epsg() == 4523
    assert parsed.warnings == []
    without = parse_boundary_txt(txt("坐标系=2000国家大地坐标系\n带号=35\n"))
    assert without.warnings == ["the file does not give 几度分带; zone 35 implies 3-degree zones"]


def test_fendai_is_checked_like_jidufendai():
    with pytest.raises(BoundaryTxtCRSError) as caught:
        parse_boundary_txt(txt("坐标系=2000国家大地坐标系\n分带=6度带\n带号=35\n"))
    assert "zone 35" in str(caught.value) and caught.value.line == 4
    with pytest.raises(BoundaryTxtCRSError, match="give different zone widths") as caught:
        parse_boundary_txt(txt("坐标系=2000国家大地坐标系\n几度分带=3\n分带=6度带\n带号=35\n"))
    assert caught.value.line == 4


def test_fendai_is_not_written_back_beside_the_derived_zone_width():
    parsed = parse_boundary_txt(txt("坐标系=2000国家大地坐标系\n分带=3度带\n带号=35\n"))
    written = format_boundary_txt(parsed.sites, metadata=parsed.metadata)
    assert "几度分带=3\n" in written and "分带=3度带" not in written


# --------------------------------------------------------------------------- shared overlaps


@pytest.mark.parametrize(("overlap_m", "warned"), [(0.00001, False), (1.0, True)])
def test_a_shared_overlap_is_a_warning_only_when_it_shows(overlap_m, warned):
    # two farmland features 100 m tall share a strip overlap_m wide inside the site
    farmland = frame(
        [
            {"BSM": "F1", "geometry": square(0, 0, 100)},
            {"BSM": "F2", "geometry": square(100 - overlap_m, 0, 100)},
        ]
    )
    result = landcheck.check(
        sites(square(0, 0, 300, 100)), layers={"farmland": farmland}, area_method="planar"
    )
    assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(
        20_000.0 - 100 * overlap_m, abs=1e-6
    )
    shared = [w for w in result.warnings if "overlap each other" in w]
    if warned:
        assert shared == [
            "layer 'farmland': features overlap each other inside site(s) S1 (100.00 m² in "
            "all, planar); the shared area is counted once, under the earlier feature"
        ]
    else:
        assert shared == []


# --------------------------------------------------------------------------- library warnings


def gpkg_with_a_bad_date(path):
    """Two sites with a DATETIME field; the second holds a date GDAL warns about."""
    import pandas as pd

    data = sites(square(0, 0, 100), square(200, 0, 100))
    data["surveyed"] = pd.to_datetime(["2024-01-05", "2024-02-06"])
    data.to_file(path, layer="sites")
    with sqlite3.connect(path) as db:  # the GeoPackage's triggers need SpatiaLite functions
        triggers = db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'sites'"
        ).fetchall()
        for name, _ in triggers:
            db.execute(f'DROP TRIGGER "{name}"')
        db.execute("UPDATE sites SET surveyed = '2024-13-45T99:00:00Z' WHERE site_id = 'S2'")
        for _, sql in triggers:
            db.execute(sql)
    return str(path)


def run_cli(*args, cwd):
    executable = os.path.join(os.path.dirname(sys.executable), "landcheck")
    return subprocess.run([executable, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_library_warnings_are_shown_only_with_verbose(tmp_path):
    path = gpkg_with_a_bad_date(tmp_path / "sites.gpkg")
    quiet = run_cli("check", path, "-o", "plain", cwd=tmp_path)
    assert quiet.returncode == 0, quiet.stderr
    assert "RuntimeWarning" not in quiet.stderr and "site-packages" not in quiet.stderr
    verbose = run_cli("check", path, "-o", "verbose", "-v", cwd=tmp_path)
    assert verbose.returncode == 0, verbose.stderr
    assert "RuntimeWarning: Invalid content for record 2 in column surveyed" in verbose.stderr


# --------------------------------------------------------------------------- repeated warnings


def test_identical_and_numbered_warnings_are_summarised():
    assert summarise(["a", "b", "a", "a"]) == ["a (×3)", "b"]
    numbered = [f"line {n}: odd" for n in range(1, 101)] + ["line 1: odd"]
    assert summarise(numbered) == [
        "line 1: odd (×2)",
        "line 2: odd",
        "line 3: odd (and 97 more like this)",
    ]
    assert summarise(summarise(numbered)) == summarise(numbered)


def test_repeated_txt_points_give_one_warning_with_a_count():
    corners = plot()[1:5]
    doubled = [line for corner in corners for line in (corner,) * 5000]
    text = txt("坐标系=2000国家大地坐标系\n几度分带=3\n带号=35\n", [",,A,,面,,,,@", *doubled])
    parsed = parse_boundary_txt(text)
    assert parsed.warnings == [
        "19,996 points repeat the previous point; dropped (lines 8, 9, 10, 11, 12, …)"
    ]
    assert parsed.sites.geometry.iloc[0].area == pytest.approx(10_000.0)


def fifty_plots_declared_wrong(tmp_path):
    plots = [plot(f"D{i}", north=200.0 * i, declared="2.0000") for i in range(1, 51)]
    path = tmp_path / "plots.txt"
    path.write_text(txt("坐标系=2000国家大地坐标系\n几度分带=3\n带号=35\n", *plots), "utf-8")
    return str(path)


def test_fifty_similar_warnings_become_three_and_a_count(tmp_path):
    path = fifty_plots_declared_wrong(tmp_path)
    result = landcheck.check(path, area_method="planar")
    declared = [w for w in result.warnings if "declared area" in w]
    assert len(declared) == 3
    assert declared[0].startswith(f"{path}: plot D1 (line 6): declared area 2.0000 ha")
    assert declared[2].endswith("(and 47 more like this)")
    assert result.to_dict()["warnings"] == result.warnings
    done = convert(path, tmp_path / "plots.gpkg")
    assert len([w for w in done.warnings if "declared area" in w]) == 3


def test_the_cli_prints_the_summary(tmp_path):
    path = fifty_plots_declared_wrong(tmp_path)
    done = run_cli("check", path, "-o", "report", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("declared area") == 3
    assert "(and 47 more like this)" in done.stderr
    with open(tmp_path / "report" / "findings.json", encoding="utf-8") as handle:
        assert len(json.load(handle)["warnings"]) == len(done.stderr.strip().splitlines())


# --------------------------------------------------------------------------- articles


@pytest.mark.parametrize(
    ("project_class", "expected"),
    [
        ("industrial", "The project is an industrial project, not shown to be on the list"),
        ("other", "The project is another project, not shown to be on the list"),
        (None, "The project is a project of no stated class, not shown to be on the list"),
        ("mining", "The project is a mining project, not shown to be on the list"),
    ],
)
def test_english_messages_put_the_right_article_before_a_class(project_class, expected):
    farmland = frame([{"BSM": "F1", "geometry": square(0, 0, 100)}])
    site = sites(square(0, 0, 100), project_class=[project_class])
    result = landcheck.check(site, layers={"farmland": farmland})
    (finding,) = [f for f in result.site_findings("S1") if f.check == "permanent_farmland"]
    assert finding.outcome == "relocate"
    assert expected in finding.message.en
    assert " A industrial" not in finding.message.en and " a other" not in finding.message.en
    if project_class == "industrial":
        assert "。项目为工业项目，未申报其属于可占用永久基本农田" in finding.message.zh
