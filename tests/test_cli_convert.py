"""`landcheck convert`: TXT ↔ GeoPackage / shapefile / GeoJSON / KML, report sites → TXT."""

from __future__ import annotations

import os

import geopandas as gpd
import pyogrio
import pytest
import shapely
from click.testing import CliRunner
from common import fresh_python
from realworld import HOLED_AREA, REFERENCE_TXT, digest, holed_plot

from landcheck.cli.main import cli
from landcheck.io.boundary_txt import format_boundary_txt, parse_boundary_txt
from landcheck.io.convert import convert as convert_sites


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def txt(tmp_path):
    path = tmp_path / "boundary.txt"
    path.write_bytes(REFERENCE_TXT.replace("\n", "\r\n").encode("gbk"))  # as submitted: GBK, CRLF
    return path


ATTRIBUTES_35 = (
    "[属性描述]\n坐标系=2000国家大地坐标系\n几度分带=3\n投影类型=高斯克吕格\n计量单位=米\n带号=35\n"
)
PLOT_35 = (  # a 100 m square of zone 35: 1 ha
    "[地块坐标]\n5,1.0000,A,泵站,面,,,,@\nJ1,1,2700000.000,35500100.000\n"
    "J2,1,2700000.000,35500000.000\nJ3,1,2700100.000,35500000.000\n"
    "J4,1,2700100.000,35500100.000\nJ1,1,2700000.000,35500100.000\n"
)


def convert(runner, *args):
    return runner.invoke(cli, ["convert", *map(str, args)])


def written_text(path):
    return path.read_bytes().decode("utf-8").replace("\r\n", "\n")


def canonical():
    """What the writer makes of the reference file (its strict dialect)."""
    return format_boundary_txt(parse_boundary_txt(REFERENCE_TXT).sites)


@pytest.mark.parametrize("middle", ["sites.gpkg", "sites.shp", "sites.geojson", "sites.kml"])
def test_txt_to_vector_and_back_gives_the_same_text(runner, txt, tmp_path, middle):
    before = digest(txt)
    vector, back = tmp_path / middle, tmp_path / "back.txt"
    result = convert(runner, txt, vector)
    assert result.exit_code == 0, result.output
    assert f"Wrote 1 site(s) from {txt} to {vector}" in result.output
    result = convert(runner, vector, back)
    assert result.exit_code == 0, result.output
    assert written_text(back) == canonical()
    assert digest(txt) == before


def test_txt_to_geopackage_keeps_areas_and_attributes(runner, txt, tmp_path):
    out = tmp_path / "sites.gpkg"
    assert convert(runner, txt, out).exit_code == 0
    frame = gpd.read_file(out, layer="sites")
    assert frame.crs.to_epsg() == 4523
    assert frame.geometry.area.tolist() == [HOLED_AREA]
    assert frame.geometry.iloc[0].equals(holed_plot())
    row = frame.drop(columns="geometry").iloc[0].to_dict()
    assert {k: row[k] for k in ("site_id", "name", "land_use", "land_class")} == {
        "site_id": "A-1",
        "name": "厂区",
        "land_use": "工业",
        "land_class": "0601",
    }
    assert row["declared_ha"] == pytest.approx(1.99) and row["computed_ha"] == pytest.approx(1.99)


def test_shapefile_output_fits_field_names_and_writes_a_cpg(runner, txt, tmp_path, caplog):
    out = tmp_path / "sites.shp"
    result = convert(runner, txt, out, "--out-encoding", "GBK")
    assert result.exit_code == 0, result.output
    assert "renamed declared_ha → decl_ha, computed_ha → comp_ha, point_count → n_points" in (
        caplog.text
    )
    assert (tmp_path / "sites.cpg").read_text().strip().upper() in ("GBK", "CP936")
    frame = pyogrio.read_dataframe(out)
    assert frame["name"].tolist() == ["厂区"]
    assert set(frame.columns) >= {"site_id", "decl_ha", "comp_ha", "n_points"}


def test_kml_is_wgs84_lonlat(runner, txt, tmp_path):
    out = tmp_path / "sites.kml"
    assert convert(runner, txt, out).exit_code == 0
    frame = pyogrio.read_dataframe(out)
    assert frame.crs.to_epsg() == 4326
    west, south, east, north = frame.total_bounds
    assert 104.99 < west < east < 105.01 and 24.3 < south < north < 24.5
    assert frame["Name"].tolist() == ["厂区"]


def test_report_sites_back_to_txt(runner, txt, tmp_path):
    report = tmp_path / "report"
    result = runner.invoke(cli, ["-q", "check", str(txt), "-o", str(report), "-f", "json,gpkg"])
    assert result.exit_code == 0, result.output
    for source in (report, report / "landcheck.gpkg"):
        out = tmp_path / f"from-{source.name}.txt"
        result = convert(runner, source, out)
        assert result.exit_code == 0, result.output
        back = parse_boundary_txt(written_text(out))
        assert back.sites.site_id.tolist() == ["A-1"] and back.sites.name.tolist() == ["厂区"]
        assert back.sites.geometry.iloc[0].area == pytest.approx(HOLED_AREA)
        assert shapely.equals_exact(
            shapely.normalize(back.sites.geometry.iloc[0]), shapely.normalize(holed_plot()), 1e-3
        )


def test_txt_output_in_gbk_without_zone_prefix(runner, txt, tmp_path):
    out = tmp_path / "out.txt"
    result = convert(runner, txt, out, "--out-encoding", "gbk", "--no-zone-prefix")
    assert result.exit_code == 0, result.output
    text = out.read_bytes().decode("gbk")
    assert "J1,1,2700000.000,500000.000" in text and "厂区" in text


def test_refuses_to_overwrite(runner, txt, tmp_path):
    out = tmp_path / "sites.gpkg"
    assert convert(runner, txt, out).exit_code == 0
    before = digest(out)
    result = convert(runner, txt, out)
    assert result.exit_code == 1
    assert "exists; use --overwrite" in result.output
    assert digest(out) == before
    assert convert(runner, txt, out, "--overwrite").exit_code == 0


def test_unknown_output_format(runner, txt, tmp_path):
    result = convert(runner, txt, tmp_path / "sites.xyz")
    assert result.exit_code == 2  # a usage error
    assert "cannot tell the format from" in result.output and ".gpkg" in result.output
    assert not (tmp_path / "sites.xyz").exists()


def test_lines_cannot_become_a_boundary_txt(runner, tmp_path):
    road = gpd.GeoDataFrame(
        {"site_id": ["R1"]},
        geometry=[shapely.LineString([(35_500_000, 2_700_000), (35_501_000, 2_700_000)])],
        crs="EPSG:4523",
    )
    source = tmp_path / "road.gpkg"
    road.to_file(source)
    out = tmp_path / "road.txt"
    result = convert(runner, source, out)
    assert result.exit_code == 1
    assert "site R1 has a LineString; a boundary TXT holds polygons only" in result.output
    assert not out.exists()


def test_a_txt_whose_pairs_would_not_read_back_is_refused_not_written(runner, tmp_path):
    # '项目名称=甲 \ufeff带号=36' reads as 项目名称 and a key '\ufeff带号'; written at a line's
    # start, that key read back as 带号=36 against 带号=35: convert exited 0 and `landcheck
    # inspect` refused the file landcheck had written (exit 1)
    source = tmp_path / "in.txt"
    source.write_text(
        "[项目信息]\n项目名称=甲 \ufeff带号=36\n" + ATTRIBUTES_35 + PLOT_35, encoding="utf-8"
    )
    assert runner.invoke(cli, ["inspect", str(source)]).exit_code == 0
    out = tmp_path / "out.txt"
    result = convert(runner, source, out)
    assert result.exit_code == 1
    assert "metadata '\\ufeff带号'='36' cannot be written" in result.output
    assert "would take the line as 带号='36'" in result.output
    assert not out.exists()


def zone_36_square(x=36_450_000):
    """A 100 m square of zone 36 (centre 107.51°E), in zone 35's CRS."""
    square = gpd.GeoSeries([shapely.box(x, 2_700_000, x + 100, 2_700_100)], crs=4524)
    return square.to_crs(4523).iloc[0]


def test_sites_of_two_zones_are_written_a_file_per_zone(runner, tmp_path, caplog):
    # site B lies in zone 36 (107.51°E); stored with site A in a zone-35 GeoPackage, it was
    # written into the one zone-35 TXT, 带号=35, with its zone-35 area 1.0015 ha and no word
    source = tmp_path / "sites.gpkg"
    a = shapely.box(35_500_000, 2_700_000, 35_500_100, 2_700_100)
    gpd.GeoDataFrame(
        {"site_id": ["A", "B"]}, geometry=[a, zone_36_square()], crs="EPSG:4523"
    ).to_file(source, layer="sites")
    out = tmp_path / "out.txt"
    result = convert(runner, f"{source}:sites", out)
    assert result.exit_code == 0, result.output
    assert f"to {out}, {tmp_path / 'out_EPSG4524.txt'} " in result.output  # both files named
    first, second = (
        parse_boundary_txt(written_text(p)) for p in (out, tmp_path / "out_EPSG4524.txt")
    )
    assert (first.metadata["带号"], first.sites.site_id.tolist()) == ("35", ["A"])
    assert (second.metadata["带号"], second.sites.site_id.tolist()) == ("36", ["B"])
    assert first.sites.declared_ha.tolist() == second.sites.declared_ha.tolist() == [1.0]
    assert first.warnings == second.warnings == []
    assert (
        "out.txt holds EPSG:4523 (zone 35): A; out_EPSG4524.txt holds EPSG:4524 (zone 36): B"
        in caplog.text
    )
    # the second file is an output too: there, it is not replaced without --overwrite
    out.unlink()
    again = convert(runner, f"{source}:sites", out)
    assert again.exit_code == 1 and "out_EPSG4524.txt" in again.output and not out.exists()
    assert convert(runner, f"{source}:sites", out, "--overwrite").exit_code == 0
    done = convert_sites(f"{source}:sites", out, overwrite=True)
    assert done.files == [str(out), str(tmp_path / "out_EPSG4524.txt")]
    assert (done.output, done.crs, done.features) == (str(out), "EPSG:4523", 2)


def test_a_site_of_another_zone_alone_is_written_in_its_zone(runner, tmp_path, caplog):
    source = tmp_path / "sites.gpkg"
    gpd.GeoDataFrame({"site_id": ["B"]}, geometry=[zone_36_square()], crs="EPSG:4523").to_file(
        source, layer="sites"
    )
    out = tmp_path / "out.txt"
    result = convert(runner, f"{source}:sites", out)
    assert result.exit_code == 0, result.output
    assert sorted(os.listdir(tmp_path)) == ["out.txt", "sites.gpkg"]
    txt = parse_boundary_txt(written_text(out))
    assert txt.metadata["带号"] == "36" and txt.sites.declared_ha.tolist() == [1.0]
    assert "(boundary TXT, EPSG:4524)" in result.output
    assert "another zone than the output CRS EPSG:4523" in caplog.text
    assert "out.txt holds EPSG:4524 (zone 36): B" in caplog.text


BAD = {
    "truncated line": ("J3,1,2700100.000,35500200.000", "J3,1,2700100.000", "line 11"),
    "letters in coordinates": (
        "J2,1,2700100.000,35500000.000",
        "J2,1,27OO100.000,35500000.000",
        "line 10",
    ),
    "ring with two points": (
        "J7,2,2700050.000,35500100.000\nJ8,2,2700050.000,35500090.000\n",
        "",
        "line 14",
    ),
    "unknown datum": ("坐标系=2000国家大地坐标系", "坐标系=地方独立坐标系", "line 2"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_malformed_txt_is_exit_1_naming_the_line(runner, tmp_path, case):
    old, new, line = BAD[case]
    assert old in REFERENCE_TXT
    source = tmp_path / "bad.txt"
    source.write_text(REFERENCE_TXT.replace(old, new), encoding="utf-8")
    out = tmp_path / "out.gpkg"
    result = convert(runner, source, out)
    assert result.exit_code == 1
    assert f"{source}, {line}:" in result.output
    assert "Traceback" not in result.output
    assert not os.path.exists(out)
    assert [p for p in os.listdir(tmp_path) if p != "bad.txt"] == []  # nothing left behind


def test_a_shapefile_output_loses_nothing_silently(tmp_path):
    # GBK dropped the characters it lacks, a DBF field cut text at 254 bytes, an unknown or
    # lossy --out-encoding failed inside (or emptied every field), and OLD.SHP was written over
    # without --overwrite, as OLD.shp beside it
    import geopandas as gpd
    import shapely

    from landcheck.cli.main import cli

    square = shapely.box(35_420_000, 2_700_000, 35_420_100, 2_700_100)
    source = tmp_path / "sites.gpkg"

    def sites_named(name: str) -> None:
        frame = gpd.GeoDataFrame({"site_id": ["S1"], "name": [name]}, geometry=[square], crs=4523)
        frame.to_file(source, layer="sites")

    runner = CliRunner()
    sites_named("𠀀字😀")
    done = runner.invoke(
        cli, ["convert", str(source), str(tmp_path / "a.shp"), "--out-encoding", "gbk"]
    )
    assert done.exit_code == 1 and "holds characters GBK cannot write" in done.output
    frame = gpd.GeoDataFrame({"site_id": ["S1"], "名称😀": ["a"]}, geometry=[square], crs=4523)
    frame.to_file(source, layer="sites")
    done = runner.invoke(
        cli, ["convert", str(source), str(tmp_path / "n.shp"), "--out-encoding", "gbk"]
    )
    assert done.exit_code == 1 and "the field name '名称😀' holds characters GBK" in done.output
    sites_named("地" * 100)  # 300 bytes in UTF-8
    done = runner.invoke(cli, ["convert", str(source), str(tmp_path / "b.shp")])
    assert done.exit_code == 1 and "holds 300 bytes in UTF-8, more than the 254" in done.output
    for encoding in ("latin1", "UTF-16", "foo"):
        done = runner.invoke(
            cli, ["convert", str(source), str(tmp_path / "c.shp"), "--out-encoding", encoding]
        )
        assert done.exit_code == 2 and "use one of utf-8, gbk, gb18030" in done.output
    assert not list(tmp_path.glob("[abc].*"))
    sites_named("厂区")
    assert runner.invoke(cli, ["convert", str(source), str(tmp_path / "old.shp")]).exit_code == 0
    for part in tmp_path.glob("old.*"):
        part.rename(part.with_name("OLD" + part.suffix.upper()))
    before = (tmp_path / "OLD.DBF").read_bytes()
    done = runner.invoke(cli, ["convert", str(source), str(tmp_path / "OLD.SHP")])
    assert done.exit_code == 1 and "exists; use --overwrite" in done.output
    assert sorted(p.name for p in tmp_path.glob("OLD.*")) == [
        "OLD.CPG",
        "OLD.DBF",
        "OLD.PRJ",
        "OLD.SHP",
        "OLD.SHX",
    ]
    assert (tmp_path / "OLD.DBF").read_bytes() == before


def test_converting_into_xian_1980_from_cgcs2000_is_refused_not_ballparked(tmp_path):
    # PROJ's only way from CGCS2000 to Xian 1980 is a 'ballpark' null shift: --to-crs
    # EPSG:2359 wrote coordinates metres off without a word (and ignored --datum-shift)
    import geopandas as gpd
    import shapely

    from landcheck.cli.main import cli

    source = tmp_path / "sites.gpkg"
    square = shapely.box(35_420_000, 2_700_000, 35_420_100, 2_700_100)
    gpd.GeoDataFrame({"site_id": ["S1"]}, geometry=[square], crs=4523).to_file(source)
    out = tmp_path / "x80.shp"
    done = CliRunner().invoke(cli, ["convert", str(source), str(out), "--to-crs", "EPSG:2359"])
    assert done.exit_code == 1 and "only by a 'ballpark' null shift" in done.output
    assert not out.exists()


def test_the_io_layer_imports_no_report_module():
    # convert took the boundary TXT's zone files from landcheck.report.txt: the I/O layer
    # reached up into the report writers (DESIGN.md: imports go one way)
    lines = fresh_python(
        "import importlib, pkgutil, sys, landcheck.io",
        "names = [m.name for m in pkgutil.walk_packages(landcheck.io.__path__, 'landcheck.io.')]",
        "done = [importlib.import_module(name) for name in names]",
        "print('landcheck.io.convert' in sys.modules, len(names) > 30)",
        "print(sorted(m for m in sys.modules if m.startswith('landcheck.report')))",
    )
    assert lines == ["True True", "[]"]


def test_a_project_code_repeated_across_zones_is_refused_as_within_one(runner, tmp_path):
    # two plots of one project, their 项目代码 (XMDM) the only id: at 114.9°E and 117.1°E
    # (one zone's reach) the repeated 地块编号 was refused; at 114.6°E, beyond it, each zone's
    # file held one P1 and both were written
    for west in (114.9, 114.6):
        source = tmp_path / f"p{west}.gpkg"
        plots = [shapely.box(lon, 30.0, lon + 0.001, 30.001) for lon in (west, 117.1)]
        gpd.GeoDataFrame({"XMDM": ["P1", "P1"]}, geometry=plots, crs=4490).to_file(source)
        out = tmp_path / f"p{west}.txt"
        done = convert(runner, source, out)
        assert done.exit_code == 1, done.output
        assert "must be unique, but these repeat: P1" in done.output
        assert sorted(p.suffix for p in tmp_path.glob(f"p{west}*")) == [".gpkg"]
