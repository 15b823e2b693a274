"""DXF survey drawings: closed polylines are sites, the rest is ignored with a note."""

from __future__ import annotations

import json

import geopandas as gpd
import pyogrio
import pytest
import shapely
from click.testing import CliRunner
from pyproj import CRS
from realworld import E0, HOLED_AREA, N0, digest, lwpolyline, survey_drawing, text, write_dxf

from landcheck.cli.main import cli
from landcheck.errors import AnalysisCRSError, InputDataError
from landcheck.io.dxf import polygons_from_drawing, read_dxf
from landcheck.io.sites import read_sites
from landcheck.io.vector import LayerSource
from landcheck.messages import collecting

GK35 = CRS.from_epsg(4523)


@pytest.fixture
def drawing(tmp_path):
    return survey_drawing(tmp_path / "survey.dxf")


def test_closed_polylines_become_sites(drawing):
    found = read_dxf(LayerSource(drawing), crs=GK35)
    sites = found.sites
    assert sites.site_id.tolist() == ["1", "2"]
    assert sites.geometry.area.tolist() == [HOLED_AREA, 5_000.0]
    assert sites.name.tolist() == ["一号地块", ""]  # named by the text inside
    assert sites.cad_layer.tolist() == ["红线", "红线"]
    assert sites.crs.equals(GK35)
    assert found.counts == {
        "closed_rings": 3,
        "holes": 1,
        "open_lines": 1,
        "points": 1,
        "texts": 1,
        "texts_used": 1,
        "polygons": 2,
        "curved_edges": 0,
    }
    assert found.notes == [
        "DXF: 3 closed polyline(s)/polygon ring(s) read as 2 site polygon(s) (1 as holes)",
        "DXF: ignored 1 open line(s) (CAD layers 道路: 1); 1 point(s)",
        "DXF: 1 site(s) named after the text inside them",
    ]


def test_closed_line_as_polygon_setting_gives_the_same_sites(drawing):
    pyogrio.set_gdal_config_options({"DXF_CLOSED_LINE_AS_POLYGON": "TRUE"})
    try:
        raw = pyogrio.read_dataframe(drawing)
        assert "Polygon" in raw.geometry.geom_type.tolist()
        found = read_dxf(LayerSource(drawing), crs=GK35)
    finally:
        pyogrio.set_gdal_config_options({"DXF_CLOSED_LINE_AS_POLYGON": None})
    assert found.sites.geometry.area.tolist() == [HOLED_AREA, 5_000.0]


def test_hatch_over_its_boundary_counts_once():
    ring = shapely.box(0, 0, 200, 100)
    drawing = gpd.GeoDataFrame(
        {"Layer": ["红线", "红线"], "Text": [None, None]}, geometry=[ring, ring.exterior]
    )
    found = polygons_from_drawing(drawing)
    assert found.sites.geometry.area.tolist() == [20_000.0]
    assert found.counts["duplicates"] == 1
    assert "1 duplicate ring(s)" in found.notes[1]


def test_island_inside_a_hole_is_a_site_again():
    rings = [shapely.box(0, 0, 100, 100), shapely.box(10, 10, 90, 90), shapely.box(40, 40, 60, 60)]
    drawing = gpd.GeoDataFrame(geometry=[r.exterior for r in rings])
    found = polygons_from_drawing(drawing)
    assert sorted(found.sites.geometry.area.tolist()) == [400.0, 10_000.0 - 6_400.0]


@pytest.mark.parametrize(
    ("outline", "areas"),
    [
        # a keyhole: two 20 x 20 cut-outs drawn in the one polyline (lost: 10,000 m²)
        (
            [
                (0, 0),
                (100, 0),
                (100, 100),
                (0, 100),
                (0, 50),
                (40, 50),
                (40, 70),
                (60, 70),
                (60, 50),
                (40, 50),
                (40, 30),
                (60, 30),
                (60, 50),
                (40, 50),
                (0, 50),
            ],
            [10_000.0 - 800.0],
        ),
        # two squares meeting at a corner, one polyline (one was lost: 10,000 m²)
        (
            [
                (0, 0),
                (100, 0),
                (100, 100),
                (200, 100),
                (200, 200),
                (100, 200),
                (100, 100),
                (0, 100),
            ],
            [10_000.0, 10_000.0],
        ),
        # a bow tie crossing itself (one triangle was lost: 2,500 m²)
        ([(0, 0), (100, 100), (100, 0), (0, 100)], [2_500.0, 2_500.0]),
    ],
    ids=["keyhole", "figure of eight", "bow tie"],
)
def test_a_polyline_crossing_or_touching_itself_keeps_all_it_encloses(outline, areas):
    # only the largest part of such a ring, without its holes, was kept, and nothing said
    drawing = gpd.GeoDataFrame(
        {"Layer": ["红线"], "Text": [None]}, geometry=[shapely.LinearRing(outline)]
    )
    found = polygons_from_drawing(drawing)
    assert sorted(found.sites.geometry.area.tolist()) == sorted(areas)
    assert found.counts["self_crossing"] == 1
    assert any(
        "1 closed polyline(s) cross or touch themselves (CAD layers 红线: 1)" in note
        for note in found.notes
    )


def test_cad_layer_can_be_chosen(tmp_path):
    entities = [
        *lwpolyline("红线", [(E0, N0), (E0 + 100, N0), (E0 + 100, N0 + 100)], closed=True),
        *lwpolyline("地形", [(E0, N0), (E0 + 900, N0), (E0 + 900, N0 + 900)], closed=True),
        *text("注记", E0 + 80, N0 + 10, "泵站"),
    ]
    path = write_dxf(tmp_path / "a.dxf", entities)
    found = read_dxf(LayerSource(path, "红线"), crs=GK35)
    assert found.sites.geometry.area.tolist() == [5_000.0]
    assert found.sites.name.tolist() == ["泵站"]  # texts on other CAD layers still name it
    with pytest.raises(InputDataError, match="has no CAD layer '建筑'; its CAD layers are: "):
        read_dxf(LayerSource(path, "建筑"))


def test_encoding_overrides_a_wrong_codepage(tmp_path):
    entities = [
        *lwpolyline("红线", [(E0, N0), (E0 + 100, N0), (E0 + 100, N0 + 100)], closed=True),
        *text("注记", E0 + 80, N0 + 10, "泵站"),
    ]
    path = write_dxf(tmp_path / "a.dxf", entities, codepage="ANSI_1252")  # but GBK bytes
    assert read_dxf(LayerSource(path)).sites.name.tolist() != ["泵站"]
    found = read_dxf(LayerSource(path, encoding="gbk"))
    assert found.sites.name.tolist() == ["泵站"] and found.sites.cad_layer.tolist() == ["红线"]
    assert pyogrio.get_gdal_config_option("DXF_ENCODING") is None  # restored


def test_drawing_without_closed_polylines(tmp_path):
    path = write_dxf(
        tmp_path / "a.dxf", lwpolyline("道路", [(E0, N0), (E0 + 300, N0)], closed=False)
    )
    with pytest.raises(InputDataError, match=r"no closed polyline .* \(found: 1 open lines\)"):
        read_dxf(LayerSource(path))


def test_dxf_needs_a_crs_and_gets_a_suggestion(drawing):
    with pytest.raises(AnalysisCRSError) as caught:
        read_sites(drawing)
    message = str(caught.value)
    assert "declares no coordinate reference system (DXF drawings never do)" in message
    assert "give --crs EPSG:4523" in message
    with collecting() as notes:
        frame, record = read_sites(drawing, assume_crs=GK35)
    assert frame.geometry.area.sum() == HOLED_AREA + 5_000.0
    assert record.extra["format"] == "DXF"
    assert record.extra["dxf"]["polygons"] == 2
    assert any("ignored 1 open line" in w for w in notes.messages)


def test_check_a_drawing_through_the_cli(drawing, tmp_path):
    before = digest(drawing)
    out = tmp_path / "report"
    runner = CliRunner()
    result = runner.invoke(cli, ["check", drawing, "-o", str(out), "-f", "json"])
    assert result.exit_code == 1
    assert "DXF drawings never do" in result.output and "--crs EPSG:4523" in result.output
    assert not out.exists()
    result = runner.invoke(
        cli,
        [
            "-q",
            "check",
            drawing,
            "--crs",
            "EPSG:4523",
            "-o",
            str(out),
            "-f",
            "json",
            "--area-method",
            "planar",
        ],
    )
    assert result.exit_code == 0, result.output
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    areas = {s["site_id"]: s["area"]["planar_m2"] for s in findings["sites"]}
    assert areas == {"1": pytest.approx(HOLED_AREA), "2": pytest.approx(5_000.0)}
    assert [s["name"] for s in findings["sites"]] == ["一号地块", ""]
    assert any("ignored 1 open line" in w for w in findings["warnings"])
    assert digest(drawing) == before


def test_an_arc_in_a_boundary_comes_as_fine_chords(tmp_path):
    """A polyline's bulge (an arc of a road bend) is turned into chords by GDAL's DXF driver.

    By default 4° of arc a chord: this plot, a 200 m × 100 m rectangle with a half disc of
    100 m on its north side, came out 12.76 m² short. With ``FINE_ARCS`` it is its exact
    area to a hundredth of a square metre.
    """
    import math

    # the bulge of -1 on the first vertex: a half circle from (E0, N0) to (E0 + 200, N0),
    # through (E0 + 100, N0 + 100)
    entities = ["0", "LWPOLYLINE", "8", "红线", "90", "4", "70", "1"]
    for x, y, bulge in ((0, 0, -1.0), (200, 0, None), (200, -100, None), (0, -100, None)):
        entities += ["10", f"{E0 + x:.3f}", "20", f"{N0 + y:.3f}"]
        entities += ["42", f"{bulge}"] if bulge is not None else []
    path = write_dxf(tmp_path / "bend.dxf", entities)
    found = read_dxf(LayerSource(path))
    site = found.sites.geometry.iloc[0]
    exact = 200 * 100 + math.pi * 100**2 / 2
    assert site.area == pytest.approx(exact, abs=0.01)
    assert site.area < exact  # chords, inside their arc
    # GDAL leaves no sign of the arc: the drawing's group codes tell, and the reader is told
    assert found.counts["curved_edges"] == 1
    assert any("1 curved edge(s)" in note and "0.1° of arc" in note for note in found.notes)
    with collecting() as notes:
        _, record = read_sites(path, assume_crs=CRS.from_epsg(4523))
    assert record.extra["dxf"]["curved_edges"] == 1
    assert any("curved edge(s)" in message for message in notes.messages)
