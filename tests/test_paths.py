"""Odd paths: landcheck reads and writes the very file named, or says why it cannot.

pyogrio and fiona take a '!' for an archive's separator and hand GDAL only what
follows the last one: ``…/2024!survey/land.gpkg`` was read as ``survey/land.gpkg``
in the working folder. They (and pyarrow) read a relative ``file:2024/…`` as a
URI, and ``os.path.abspath`` made ``link/../land.gpkg`` another file for SQLite.
Each test puts a decoy where the misread path would lead, with other sites and
other areas, so reading it cannot go unnoticed.
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import closing

import pytest
from click.testing import CliRunner
from common import county, frame, sites, square

import landcheck
from landcheck.cli.main import cli
from landcheck.errors import DataSourceError, InputDataError
from landcheck.io.paths import gdal_path
from landcheck.io.vector import LayerSource, read_frame
from landcheck.report import write_report

DESCRIBED = {"coverage": county(), "area_method": "planar"}


def farmland(*geoms):
    return frame([{"BSM": f"F{i + 1}", "DLBM": "0101", "geometry": g} for i, g in enumerate(geoms)])


def write_county(folder, site_id, farmland_x):
    """A site of 1,000 × 1,000 m and a farmland square from ``farmland_x`` east, in ``folder``.

    The site is a GeoPackage layer; the farmland a shapefile, which only GDAL reads.
    Written in a folder named without '!' (geopandas would misplace them too), then renamed.
    """
    written = folder.replace("!", "_") + ".writing"
    os.makedirs(written)
    sites(square(0, 0, 1000), site_id=[site_id]).to_file(
        os.path.join(written, "land.gpkg"), layer="sites"
    )
    farmland(square(farmland_x, 0, 1000)).to_file(os.path.join(written, "farmland.shp"))
    os.rename(written, folder)


@pytest.fixture
def named(tmp_path, monkeypatch):
    """The county in ``2024!survey``, and a decoy where a '!' would lead: ``survey/`` here."""
    folder = str(tmp_path / "2024!survey")
    write_county(folder, "S1", 850)  # overlap 150 × 1,000 m
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    write_county(str(work / "survey"), "DECOY", 600)  # overlap 400 × 1,000 m
    return folder


def listing(root):
    return sorted(
        os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs
    )


def test_a_folder_with_a_bang_is_read_as_named_not_the_decoy(named):
    result = landcheck.check(
        os.path.join(named, "land.gpkg") + ":sites",
        layers={"farmland": os.path.join(named, "farmland.shp")},
        **DESCRIBED,
    )
    assert list(result.site_ids) == ["S1"]
    assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(150_000.0, rel=1e-12)
    assert result.site_findings("S1")[0].status == "prohibited"
    recorded = {record.path for record in result.inputs if record.path}
    assert recorded == {os.path.join(named, "land.gpkg"), os.path.join(named, "farmland.shp")}


def test_a_report_is_written_into_a_folder_with_a_bang_and_nowhere_else(named, tmp_path):
    result = landcheck.check(
        os.path.join(named, "land.gpkg") + ":sites",
        layers={"farmland": os.path.join(named, "farmland.shp")},
        **DESCRIBED,
    )
    parent = tmp_path / "out!dir"
    parent.mkdir()
    before = listing(tmp_path / "work")
    written = write_report(result, parent / "report", formats="json,gpkg")
    assert listing(parent) == [
        "report/.landcheck",  # the mark of a folder landcheck wrote
        "report/findings.json",
        "report/landcheck.gpkg",
    ]
    assert listing(tmp_path / "work") == before
    with closing(sqlite3.connect(written["gpkg"])) as db:
        tables = {name for (name,) in db.execute("SELECT table_name FROM gpkg_contents")}
        styled = {name for (name,) in db.execute("SELECT f_table_name FROM layer_styles")}
        (overlap,) = db.execute("SELECT sum(counted_planar_m2) FROM overlaps").fetchone()
    assert {"sites", "findings", "overlaps", "layer_styles"} <= tables
    assert {"sites", "findings", "overlaps"} <= styled
    assert overlap == pytest.approx(150_000.0, rel=1e-12)


def test_the_command_reads_and_writes_through_folders_with_a_bang(named, tmp_path):
    out = tmp_path / "out!dir" / "report"
    out.parent.mkdir()
    result = CliRunner().invoke(
        cli,
        [
            "-q",
            "check",
            os.path.join(named, "land.gpkg") + ":sites",
            "--layer",
            f"farmland={os.path.join(named, 'farmland.shp')}",
            "-o",
            str(out),
            "-f",
            "json,gpkg",
        ],
    )
    assert result.exit_code == 0, result.output
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert [site["site_id"] for site in findings["sites"]] == ["S1"]
    overlap = findings["sites"][0]["layers"]["farmland"]["overlap"]["planar_m2"]
    assert overlap == pytest.approx(150_000.0, rel=1e-12)


def rename_shapefile(folder, stem, new_stem):
    for extension in ("shp", "shx", "dbf", "prj", "cpg"):
        os.rename(
            os.path.join(folder, f"{stem}.{extension}"),
            os.path.join(folder, f"{new_stem}.{extension}"),
        )
    return os.path.join(folder, f"{new_stem}.shp")


def test_a_bang_in_a_layer_file_s_own_name_makes_its_checks_unknown_saying_why(named):
    renamed = rename_shapefile(named, "farmland", "farm!land")
    result = landcheck.check(
        os.path.join(named, "land.gpkg") + ":sites", layers={"farmland": renamed}, **DESCRIBED
    )
    view = result.layer("S1", "farmland")
    assert not view.available
    assert "farm!land.shp" in view.reason and "Rename it" in view.reason
    assert result.site_findings("S1")[0].status == "unknown"


def test_a_bang_in_a_site_file_s_own_name_is_refused_with_the_fix(named, tmp_path):
    plots = sites(square(0, 0, 1000), site_id=["S1"])
    plots.to_file(tmp_path / "plots.shp")
    renamed = rename_shapefile(str(tmp_path), "plots", "plots!2024")
    with pytest.raises(InputDataError, match=r"plots!2024\.shp.*Rename it"):
        landcheck.check(renamed, **DESCRIBED)
    out = tmp_path / "report"
    result = CliRunner().invoke(cli, ["check", renamed, "-o", str(out), "-f", "json"])
    assert result.exit_code == 1
    assert "'!' in its name" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_a_geopackage_with_a_bang_in_its_name_is_read_as_named(named):
    renamed = os.path.join(named, "land!2024.gpkg")  # read with sqlite3, which takes it as named
    os.rename(os.path.join(named, "land.gpkg"), renamed)
    result = landcheck.check(
        renamed + ":sites", layers={"farmland": os.path.join(named, "farmland.shp")}, **DESCRIBED
    )
    assert list(result.site_ids) == ["S1"]
    assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(150_000.0, rel=1e-12)


def test_gdal_s_errors_name_the_path_given_not_the_folder_s_handle(named):
    source = LayerSource(os.path.join(named, "land.gpkg"))
    with pytest.raises(DataSourceError) as raised:
        read_frame(source, "no_such_layer")
    message = str(raised.value)
    assert os.path.join(named, "land.gpkg") in message
    assert "/proc/self/fd" not in message


def test_a_path_without_a_bang_is_handed_on_as_it_is(tmp_path):
    path = str(tmp_path / "plain" / "land.gpkg")
    with gdal_path(path) as given:
        assert given == path


def test_the_folder_stays_open_only_inside_the_block(named):
    with gdal_path(os.path.join(named, "land.gpkg")) as given:
        handle = int(given.split("/")[-2])
        assert os.path.samefile(given, os.path.join(named, "land.gpkg"))
    # closed: its number, if used again meanwhile, names something else
    assert os.path.realpath(f"/proc/self/fd/{handle}") != os.path.realpath(named)


def test_a_folder_that_cannot_be_entered_is_a_clear_error(tmp_path):
    missing = str(tmp_path / "gone!away" / "land.gpkg")
    with pytest.raises(DataSourceError, match="cannot open the folder of the file"):
        with gdal_path(missing):
            pass


def test_convert_writes_into_a_folder_with_a_bang_and_refuses_a_name_with_one(tmp_path):
    from realworld import REFERENCE_TXT

    txt = tmp_path / "boundary.txt"
    txt.write_bytes(REFERENCE_TXT.encode("gbk"))
    folder = tmp_path / "2024!out"
    folder.mkdir()
    runner = CliRunner()
    result = runner.invoke(cli, ["convert", str(txt), str(folder / "sites.gpkg")])
    assert result.exit_code == 0, result.output
    assert sorted(os.listdir(folder)) == ["sites.gpkg"]
    with closing(sqlite3.connect(folder / "sites.gpkg")) as db:
        assert db.execute("SELECT count(*) FROM sites").fetchone() == (1,)
    result = runner.invoke(cli, ["convert", str(txt), str(tmp_path / "sites!2024.gpkg")])
    assert result.exit_code == 1
    assert "'!' in its name" in result.output and "Traceback" not in result.output
    assert sorted(os.listdir(tmp_path)) == ["2024!out", "boundary.txt"]  # nothing left behind


def test_a_relative_folder_named_like_a_uri_is_read_as_named(tmp_path, monkeypatch):
    # pyogrio reads "file:2024/…" as the URI of "2024/…": the decoy, 400 × 1,000 m of farmland
    monkeypatch.chdir(tmp_path)
    write_county(str(tmp_path / "file:2024"), "S1", 850)
    write_county(str(tmp_path / "2024"), "DECOY", 600)
    result = landcheck.check(
        "file:2024/land.gpkg:sites", layers={"farmland": "file:2024/farmland.shp"}, **DESCRIBED
    )
    assert list(result.site_ids) == ["S1"]
    assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(150_000.0, rel=1e-12)
    with gdal_path("file:2024/farmland.shp") as given:
        assert given == str(tmp_path / "file:2024" / "farmland.shp")


def test_a_symbolic_link_then_dot_dot_reads_where_the_system_goes(tmp_path):
    # link → real/sub, so link/.. is real: os.path.abspath would make it tmp_path, the decoy's
    write_county(str(tmp_path / "real"), "S1", 850)
    (tmp_path / "real" / "sub").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real" / "sub")
    write_county(str(tmp_path / "decoy"), "DECOY", 600)
    for name in os.listdir(tmp_path / "decoy"):
        os.rename(tmp_path / "decoy" / name, tmp_path / name)
    through = str(tmp_path / "link" / "..")
    farmland(square(850, 0, 1000)).to_file(os.path.join(str(tmp_path / "real"), "farm.gpkg"))
    farmland(square(600, 0, 1000)).to_file(str(tmp_path / "farm.gpkg"))
    for layer in ("farmland.shp", "farm.gpkg"):  # GDAL's read, and SQLite's
        result = landcheck.check(
            os.path.join(through, "land.gpkg") + ":sites",
            layers={"farmland": os.path.join(through, layer)},
            **DESCRIBED,
        )
        assert list(result.site_ids) == ["S1"]
        area = result.layer_area("S1", "farmland").planar_m2
        assert area == pytest.approx(150_000.0, rel=1e-12), layer


def test_a_relative_geoparquet_path_named_like_a_uri_is_read_as_named(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for folder, x in (("file:2024", 850), ("2024", 600)):
        (tmp_path / folder).mkdir()
        farmland(square(x, 0, 1000)).to_parquet(tmp_path / folder / "farmland.parquet")
    result = landcheck.check(
        sites(square(0, 0, 1000)), layers={"farmland": "file:2024/farmland.parquet"}, **DESCRIBED
    )
    assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(150_000.0, rel=1e-12)


def test_an_error_naming_a_sidecar_names_its_folder_not_the_link(named):
    with pytest.raises(RuntimeError) as raised:
        with gdal_path(os.path.join(named, "farmland.shp")) as given:
            raise RuntimeError(f"{given[: -len('shp')]}dbf: truncated")
    assert str(raised.value) == f"{os.path.join(named, 'farmland.dbf')}: truncated"
