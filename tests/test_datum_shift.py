"""Xian 1980 / Beijing 1954 inputs: refused, or shifted with user-supplied 7 parameters."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
import shapely
from click.testing import CliRunner
from common import frame, sites, square
from pyproj import CRS, Transformer
from realworld import REFERENCE_TXT, digest

import landcheck
from landcheck.cli.main import cli
from landcheck.crs.datum import DatumShift, apply_datum_shift, helmert_pipeline
from landcheck.errors import AnalysisCRSError, BoundaryTxtError, InputDataError
from landcheck.io.boundary_txt import parse_boundary_txt
from landcheck.io.convert import convert

PARAMS = (-15.8, 102.4, 48.3, 0.35, -1.12, 2.41, 3.6)  # m, arc-seconds, ppm (made up)
TEXT = ",".join(map(str, PARAMS))
SHIFT = DatumShift(*PARAMS)


def independent(ellps: str, cm: float, false_easting: float) -> Transformer:
    """The same transformation written out by hand (position vector, heights 0)."""
    dx, dy, dz, rx, ry, rz, s = PARAMS
    tmerc = f"+proj=tmerc +lat_0=0 +lon_0={cm} +k=1 +x_0={false_easting} +y_0=0"
    return Transformer.from_pipeline(
        f"+proj=pipeline +step +inv {tmerc} +ellps={ellps} +step +proj=cart +ellps={ellps} "
        f"+step +proj=helmert +x={dx} +y={dy} +z={dz} +rx={rx} +ry={ry} +rz={rz} +s={s} "
        "+convention=position_vector +step +inv +proj=cart +ellps=GRS80 "
        f"+step {tmerc} +ellps=GRS80"
    )


def to_legacy(cgcs2000: gpd.GeoDataFrame, legacy_epsg: int) -> gpd.GeoDataFrame:
    """Invert the shift: the coordinates a Xian 1980 file would hold for these CGCS2000 ones."""
    pipeline, _ = helmert_pipeline(CRS.from_epsg(legacy_epsg), SHIFT)
    back = Transformer.from_pipeline(pipeline)

    def move(xy):
        x, y = back.transform(xy[:, 0], xy[:, 1], direction="INVERSE")
        return np.column_stack([x, y])

    out = cgcs2000.copy()
    out.geometry = shapely.transform(np.asarray(cgcs2000.geometry.values, dtype=object), move)
    return out.set_crs(legacy_epsg, allow_override=True)


# --------------------------------------------------------------------------- parameters


@pytest.mark.parametrize("value", [TEXT, " ; ".join(map(str, PARAMS)), list(PARAMS), SHIFT])
def test_parse(value):
    assert DatumShift.parse(value) == SHIFT


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1,2,3,4,5,6", "must be 7 numbers dx,dy,dz,rx,ry,rz,s"),
        ("1,2,3,4,5,6,x", "must be 7 numbers"),
        ("0,0,0,0,0,0,0", "all zero: that is PROJ's ballpark null shift"),
    ],
)
def test_parse_errors(value, message):
    with pytest.raises(InputDataError, match=message):
        DatumShift.parse(value)


@pytest.mark.parametrize(
    ("epsg", "ellps", "cm", "false_easting", "target"),
    [
        (2359, "IAU76", 105, 35_500_000, 4523),  # Xian 1980, 3-degree zone 35
        (2380, "IAU76", 105, 500_000, 4544),  # Xian 1980, 3-degree CM 105E, no prefix
        (21418, "krass", 105, 18_500_000, 4496),  # Beijing 1954, 6-degree zone 18
    ],
)
def test_shift_matches_an_independent_pipeline(epsg, ellps, cm, false_easting, target):
    east, north = false_easting + 12_345.6, 2_700_000.0
    old = gpd.GeoDataFrame(geometry=[shapely.Point(east, north)], crs=epsg)
    new, note = apply_datum_shift(old, SHIFT, "test")
    expected = independent(ellps, cm, false_easting).transform(east, north)
    assert (new.geometry.iloc[0].x, new.geometry.iloc[0].y) == pytest.approx(expected, abs=1e-6)
    assert np.hypot(expected[0] - east, expected[1] - north) > 10  # a real shift
    assert new.crs.to_epsg() == target
    assert note["source_crs"] == f"EPSG:{epsg}" and note["target_crs"] == f"EPSG:{target}"
    assert note["parameters"] == dict(
        zip(("dx", "dy", "dz", "rx", "ry", "rz", "s"), PARAMS, strict=True)
    )
    assert "+convention=position_vector" in note["pipeline"]


def test_geographic_legacy_data():
    old = gpd.GeoDataFrame(geometry=[shapely.Point(105.1, 24.4)], crs=4610)
    new, _ = apply_datum_shift(old, SHIFT, "test")
    assert new.crs.to_epsg() == 4490
    moved = new.geometry.iloc[0]
    assert 1e-5 < abs(moved.x - 105.1) + abs(moved.y - 24.4) < 1e-2


def test_modern_data_is_left_alone_and_legacy_without_shift_refused():
    modern = sites(square(0, 0, 10))
    same, note = apply_datum_shift(modern, SHIFT, "test")
    assert same is modern and note is None
    with pytest.raises(AnalysisCRSError, match=r"--datum-shift dx,dy,dz,rx,ry,rz,s \(metres"):
        apply_datum_shift(modern.to_crs(2359), None, "the sites")


# --------------------------------------------------------------------------- check()


def test_check_refuses_legacy_sites_without_parameters(tmp_path):
    path = tmp_path / "xian80.gpkg"
    to_legacy(sites(square(0, 0, 100)), 2359).to_file(path)
    with pytest.raises(AnalysisCRSError) as caught:
        landcheck.check(str(path))
    message = str(caught.value)
    assert "Xian 1980 (西安80) (EPSG:2359)" in message and "only a 'ballpark' null shift" in message
    assert "--datum-shift" in message


def test_check_shifts_legacy_sites_and_records_it(tmp_path):
    path = tmp_path / "xian80.gpkg"
    target = sites(square(0, 0, 1000, 500))
    to_legacy(target, 2359).to_file(path)
    farmland = frame([{"BSM": "F1", "geometry": square(700, 0, 1300, 1000)}])
    result = landcheck.check(
        str(path), layers={"farmland": farmland}, area_method="planar", datum_shift=TEXT
    )
    assert result.analysis_crs.to_epsg() == 4523
    assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(150_000.0, rel=1e-6)
    data = result.to_dict()
    (record,) = [i for i in data["inputs"] if i["role"] == "sites"]
    assert record["crs"] == "EPSG:2359"
    shift = record["extra"]["datum_shift"]
    assert shift["target_crs"] == "EPSG:4523" and shift["parameters"]["rz"] == 2.41
    assert any(
        "coordinates transformed from EPSG:2359 to EPSG:4523 by Helmert 7-parameter" in w
        for w in data["warnings"]
    )


def test_check_shifts_a_legacy_layer(tmp_path):
    path = tmp_path / "farmland.gpkg"
    farmland = frame([{"BSM": "F1", "geometry": square(700, 0, 1300, 1000)}])
    to_legacy(farmland, 2359).to_file(path, layer="yjjbnt")
    site = sites(square(0, 0, 1000, 500))
    refused = landcheck.check(site, layers={"farmland": f"{path}:yjjbnt"}, area_method="planar")
    assert refused.status("S1") == "unknown"
    assert any(
        "layer 'farmland' could not be used" in w and "--datum-shift" in w for w in refused.warnings
    )
    result = landcheck.check(
        site, layers={"farmland": f"{path}:yjjbnt"}, area_method="planar", datum_shift=SHIFT
    )
    assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(150_000.0, rel=1e-6)
    record = next(r for r in result.inputs if r.key == "farmland")
    assert record.extra["datum_shift"]["source_crs"] == "EPSG:2359"
    assert any(w.startswith("layer 'farmland': coordinates transformed") for w in result.warnings)


def test_one_shift_cannot_serve_two_legacy_datums(tmp_path):
    path = tmp_path / "xian80.gpkg"
    to_legacy(sites(square(0, 0, 100)), 2359).to_file(path)
    beijing = sites(square(0, 0, 100)).to_crs(2411)  # PROJ's ballpark: fine for this test
    with pytest.raises(AnalysisCRSError, match=r"Beijing 1954 .* and Xian 1980 .*one --datum"):
        landcheck.check(str(path), layers={"farmland": beijing}, datum_shift=SHIFT)


# --------------------------------------------------------------------------- TXT and CLI


def legacy_txt(params=",,,,,,"):
    return REFERENCE_TXT.replace("坐标系=2000国家大地坐标系", "坐标系=1980西安坐标系").replace(
        "带号=35", f"带号=35\n转换参数={params}"
    )


def test_txt_without_parameters_takes_the_given_shift():
    with pytest.raises(BoundaryTxtError, match="--datum-shift"):
        parse_boundary_txt(legacy_txt())
    txt = parse_boundary_txt(legacy_txt(), datum_shift=TEXT)
    assert txt.crs.to_epsg() == 4523
    assert "the given parameters" not in txt.metadata["landcheck.transformation"]
    assert "with the datum shift given" in txt.metadata["landcheck.transformation"]
    from_file = parse_boundary_txt(legacy_txt(TEXT))
    assert shapely.equals_exact(txt.sites.geometry.iloc[0], from_file.sites.geometry.iloc[0], 1e-9)


def test_txt_with_other_parameters_is_not_guessed_between():
    with pytest.raises(BoundaryTxtError, match=r"line 7: the file's 转换参数 .* differ from"):
        parse_boundary_txt(legacy_txt("1,2,3,0,0,0,0"), datum_shift=TEXT)


def test_cli_datum_shift(tmp_path):
    path = tmp_path / "xian80.gpkg"
    to_legacy(sites(square(0, 0, 100)), 2359).to_file(path)
    before = digest(path)
    runner = CliRunner()
    out = tmp_path / "report"
    result = runner.invoke(cli, ["check", str(path), "-o", str(out)])
    assert result.exit_code == 1 and "--datum-shift" in result.output
    assert not out.exists()
    result = runner.invoke(cli, ["check", str(path), "-o", str(out), "--datum-shift", "1,2,3"])
    assert result.exit_code == 2 and "must be 7 numbers" in result.output
    result = runner.invoke(
        cli, ["-q", "check", str(path), "-o", str(out), "-f", "json", "--datum-shift", TEXT]
    )
    assert result.exit_code == 0, result.output
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert findings["analysis_crs"] == "EPSG:4523"
    (record,) = [i for i in findings["inputs"] if i["role"] == "sites"]
    assert record["extra"]["datum_shift"]["parameters"]["dx"] == -15.8
    assert digest(path) == before


def test_convert_needs_the_shift_for_txt_output(tmp_path):
    path = tmp_path / "xian80.gpkg"
    to_legacy(sites(square(0, 0, 100)), 2359).to_file(path)
    with pytest.raises(AnalysisCRSError, match="--datum-shift"):
        convert(str(path), tmp_path / "a.txt")
    kept = convert(str(path), tmp_path / "a.shp")  # same datum: nothing to shift
    assert kept.crs == "EPSG:2359"
    done = convert(str(path), tmp_path / "a.txt", datum_shift=TEXT)
    assert done.crs == "EPSG:4523"
    area = parse_boundary_txt((tmp_path / "a.txt").read_text(encoding="utf-8")).sites.area
    assert area.iloc[0] == pytest.approx(10_000.0, rel=1e-6)
