"""Coordinate traps: missing .prj, zone prefix, swapped axes, lon/lat, far from the layers."""

from __future__ import annotations

import pytest
import shapely
from click.testing import CliRunner
from common import X0, Y0, frame, sites, square
from pyproj import CRS
from realworld import write_without_crs

import landcheck
from landcheck.cli.main import cli
from landcheck.crs.traps import (
    ZONE_HOWTO,
    diagnose_coordinates,
    far_site_warnings,
    missing_crs_advice,
    suggest_crs,
)
from landcheck.errors import AnalysisCRSError
from landcheck.io.sites import read_sites

PREFIXED = (35_480_000.0, 2_690_000.0, 35_530_000.0, 2_740_000.0)
PLAIN = (480_000.0, 2_690_000.0, 530_000.0, 2_740_000.0)
SWAPPED = (2_690_000.0, 35_480_000.0, 2_740_000.0, 35_530_000.0)
LONLAT = (103.5, 24.2, 104.0, 24.8)
LATLON = (24.2, 103.5, 24.8, 104.0)


def epsg(code):
    return CRS.from_epsg(code)


def unprefixed(frame):
    """The same sites with the zone prefix 35 taken off their eastings."""
    frame = frame.copy()
    frame.geometry = frame.geometry.translate(xoff=-35_000_000)
    return frame


# --------------------------------------------------------------------------- pure diagnosis


def test_suggestions():
    assert [c.to_epsg() for c, _ in suggest_crs(PREFIXED)] == [4523, 2359, 2411]
    assert [c.to_epsg() for c, _ in suggest_crs(LONLAT)] == [4490, 4326]
    six = (18_480_000.0, 2_690_000.0, 18_530_000.0, 2_740_000.0)
    assert suggest_crs(six)[0][0].to_epsg() == 4496  # 6-degree zone 18
    assert suggest_crs(PLAIN) == []
    assert suggest_crs(SWAPPED) == []


def test_missing_crs_advice():
    assert missing_crs_advice(PREFIXED).startswith(
        "its coordinates suggest EPSG:4523 (eastings carry the zone prefix 35"
    )
    assert "give --crs EPSG:4523" in missing_crs_advice(PREFIXED)
    plain = missing_crs_advice(PLAIN)
    assert plain == f"its eastings (480,000…530,000) carry no zone prefix, so {ZONE_HOWTO}"
    assert "cannot be told from coordinates alone" in plain and "EPSG:4544" in plain
    assert "--crs EPSG:4490" in missing_crs_advice(LONLAT)
    assert "latitude first" in missing_crs_advice(LATLON)
    swapped = missing_crs_advice(SWAPPED)
    assert "X/Y are swapped" in swapped and "EPSG:4523" in swapped


@pytest.mark.parametrize(
    ("crs", "bounds", "expected"),
    [
        (4523, PREFIXED, None),
        (4544, PLAIN, None),
        (4490, LONLAT, None),
        (
            4523,
            PLAIN,
            "eastings (480,000…530,000) lack the zone prefix 35 that EPSG:4523 expects: the CRS is "
            "probably EPSG:4544 (CGCS2000 / 3-degree Gauss-Kruger CM 105E)",
        ),
        (
            4544,
            PREFIXED,
            "eastings (35,480,000…35,530,000) carry the zone prefix 35 but EPSG:4544 has none: the "
            "CRS is probably EPSG:4523 (CGCS2000 / 3-degree Gauss-Kruger zone 35)",
        ),
        (
            4523,
            (36_480_000.0, 2_690_000.0, 36_530_000.0, 2_740_000.0),
            "eastings (36,480,000…36,530,000) carry the zone prefix 36 but EPSG:4523 is zone 35: "
            "the CRS is probably EPSG:4524 (CGCS2000 / 3-degree Gauss-Kruger zone 36)",
        ),
        (
            2359,
            PLAIN,  # Xian 1980 keeps its datum in the suggestion
            "eastings (480,000…530,000) lack the zone prefix 35 that EPSG:2359 expects: the CRS is "
            "probably EPSG:2380 (Xian 1980 / 3-degree Gauss-Kruger CM 105E)",
        ),
        (
            4496,
            PLAIN,  # 6-degree zone 18
            "eastings (480,000…530,000) lack the zone prefix 18 that EPSG:4496 expects: the CRS is "
            "probably EPSG:4507 (CGCS2000 / Gauss-Kruger CM 105E)",
        ),
    ],
)
def test_zone_prefix_diagnosis(crs, bounds, expected):
    assert diagnose_coordinates(epsg(crs), bounds) == expected


def test_swapped_axes():
    message = diagnose_coordinates(epsg(4523), SWAPPED)
    assert message.startswith(
        "X and Y are swapped: the first coordinate (2,690,000.000…2,740,000.000) holds northings"
    )
    assert "swap the columns" in message


def test_lonlat_declared_as_projected():
    assert diagnose_coordinates(epsg(4523), LONLAT) == (
        "coordinates look like longitude/latitude (x 103.5000…104.0000, y 24.2000…24.8000) but "
        "EPSG:4523 (CGCS2000 / 3-degree Gauss-Kruger zone 35) is projected (metres): the CRS is "
        "probably EPSG:4490 (CGCS2000 longitude/latitude) or EPSG:4326 (WGS 84)"
    )
    assert "latitude first" in diagnose_coordinates(epsg(4523), LATLON)
    assert "latitude first" in diagnose_coordinates(epsg(4490), LATLON)


def test_metres_declared_as_geographic():
    message = diagnose_coordinates(epsg(4326), PREFIXED)
    assert message.startswith("coordinates are metres-sized (x 35,480,000…35,530,000")
    assert message.endswith("so the CRS is probably EPSG:4523")
    assert "cannot be told" in diagnose_coordinates(epsg(4490), PLAIN)


def test_outside_the_area_of_use_of_another_crs():
    message = diagnose_coordinates(epsg(32633), (500_000, 2_700_000, 500_100, 2_700_100))
    assert message is None  # plausible for UTM 33N: only the coordinates can be checked
    message = diagnose_coordinates(epsg(4523), (35_480_000, 9_690_000, 35_530_000, 9_740_000))
    assert "outside the area of use of EPSG:4523" in message


def test_far_site_hints():
    county = {"land_use": (X0 - 10_000, Y0 - 10_000, X0 + 10_000, Y0 + 10_000)}
    near = square(0, 0, 100)
    assert far_site_warnings([near], ["S1"], county) == []
    unprefixed = shapely.box(X0 - 35e6, Y0, X0 - 35e6 + 100, Y0 + 100)
    (message,) = far_site_warnings([unprefixed], ["S2"], county)
    assert message.startswith("site S2 lies 34,989.9 km from the extent of every full-coverage")
    assert "off by +35 × 1,000,000 m: a missing or wrong zone prefix" in message
    elsewhere = square(100_000, 0, 100)  # another county, 90 km east
    (message,) = far_site_warnings([elsewhere], ["S3"], county, distance=5_000)
    assert "90.0 km" in message and "check the site's coordinates and CRS" in message


# --------------------------------------------------------------------------- through the readers


def test_missing_prj_suggests_the_zone(tmp_path):
    path = write_without_crs(sites(square(0, 0, 100)), tmp_path / "a.shp")
    with pytest.raises(AnalysisCRSError) as caught:
        read_sites(path)
    message = str(caught.value)
    assert "declares no coordinate reference system (a shapefile without .prj)" in message
    assert "give --crs EPSG:4523" in message and "(or add the .prj)" in message
    frame, record = read_sites(path, assume_crs=epsg(4523))
    assert frame.crs.to_epsg() == 4523 and record.extra["crs_assumed"]


def test_missing_prj_with_unprefixed_eastings(tmp_path):
    plain = unprefixed(sites(square(0, 0, 100)))
    path = write_without_crs(plain, tmp_path / "a.shp")
    with pytest.raises(AnalysisCRSError, match="cannot be told from coordinates alone"):
        read_sites(path)
    with pytest.raises(
        AnalysisCRSError,
        match=r"--crs EPSG:4523 does not fit its coordinates: "
        r"eastings .* lack the zone prefix 35 .* probably EPSG:4544",
    ):
        read_sites(path, assume_crs=epsg(4523))
    frame, _ = read_sites(path, assume_crs=epsg(4544))
    assert frame.crs.to_epsg() == 4544


def test_declared_prefixed_crs_with_plain_eastings(tmp_path):
    plain = unprefixed(sites(square(0, 0, 100)))
    path = tmp_path / "a.gpkg"
    plain.to_file(path)  # declared EPSG:4523
    with pytest.raises(AnalysisCRSError, match=r"lack the zone prefix 35 .* probably EPSG:4544"):
        read_sites(str(path))
    # --crs with the right CRS replaces the wrong declaration, and says so
    frame, record = read_sites(str(path), assume_crs=epsg(4544))
    assert frame.crs.to_epsg() == 4544
    assert record.extra["crs_replaced"].startswith("declared EPSG:4523: eastings")


def test_swapped_columns_in_a_file(tmp_path):
    swapped = sites(shapely.box(Y0, X0, Y0 + 100, X0 + 100))
    path = tmp_path / "a.gpkg"
    swapped.to_file(path)
    with pytest.raises(AnalysisCRSError, match="X and Y are swapped"):
        read_sites(str(path))


def test_geojson_with_gauss_kruger_numbers(tmp_path):
    path = write_without_crs(sites(square(0, 0, 100)), tmp_path / "a.geojson", driver="GeoJSON")
    with pytest.raises(AnalysisCRSError) as caught:
        read_sites(path)
    message = str(caught.value)
    assert "so the CRS is probably EPSG:4523" in message
    assert "GeoJSON is read as WGS 84" in message


def test_geodataframe_sites_are_diagnosed_too():
    wrong = unprefixed(sites(square(0, 0, 100)))
    with pytest.raises(AnalysisCRSError, match="the site GeoDataFrame: eastings"):
        landcheck.check(wrong)


def _farmland_status(layer: object, **options: object) -> tuple[str, list[str]]:
    from common import county

    result = landcheck.check(
        sites(square(0, 0, 1000)),
        layers={"farmland": layer},
        coverage=county(),
        area_method="planar",
        **options,
    )
    found = next(f for f in result.site_findings("S1") if f.check == "permanent_farmland")
    return found.status, result.warnings


@pytest.mark.parametrize(
    ("crs", "swap", "said"),
    [
        (4523, True, "X and Y are swapped"),
        (4490, False, "coordinates are metres"),
    ],
)
def test_geodataframe_layers_are_diagnosed_as_layer_files_are(crs, swap, said):
    # half the 100 ha site is farmland; a frame whose coordinates do not fit its CRS met no
    # site and gave a confident not_involved (a file of the same layer: unknown)
    farm = square(500, 0, 1000)
    if swap:
        farm = shapely.transform(farm, lambda xy: xy[:, ::-1])
    layer = frame([{"BSM": "F1", "geometry": farm}], crs=f"EPSG:{crs}")
    status, warnings = _farmland_status(layer)
    assert status == "unknown"
    assert any(f"layer 'farmland': the GeoDataFrame: {said}" in w for w in warnings)


def test_a_geodataframe_layer_without_crs_is_taken_to_be_in_crs():
    layer = frame([{"BSM": "F1", "geometry": square(0, 0, 100, 30)}])
    layer = layer.set_crs(None, allow_override=True)
    assert _farmland_status(layer)[0] == "unknown"  # no crs=: refused, said
    status, warnings = _farmland_status(layer, crs="EPSG:4523")
    assert status == "prohibited"  # 3,000 m² of farmland
    assert (
        "layer 'farmland': the GeoDataFrame declares no CRS; taken to be EPSG:4523" in warnings[0]
    )


def test_check_warns_about_sites_far_from_the_layers():
    land_use = frame([{"DLBM": "0101", "geometry": square(-5000, -5000, 10_000)}])
    far = sites(square(0, 0, 100), square(200_000, 0, 100))
    result = landcheck.check(far, layers={"land_use": land_use}, area_method="planar")
    (warning,) = [w for w in result.warnings if "full-coverage" in w]
    assert warning.startswith("site S2 lies 195.0 km from the extent of every full-coverage layer")


def test_cli_missing_prj_is_exit_1_with_the_suggestion(tmp_path):
    path = write_without_crs(sites(square(0, 0, 100)), tmp_path / "a.shp")
    out = tmp_path / "report"
    result = CliRunner().invoke(cli, ["check", path, "-o", str(out)])
    assert result.exit_code == 1
    assert "give --crs EPSG:4523" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    result = CliRunner().invoke(cli, ["-q", "check", path, "--crs", "EPSG:4523", "-o", str(out)])
    assert result.exit_code == 0, result.output


def test_a_layer_extent_is_its_bounds_in_its_own_crs_and_the_densified_box_elsewhere(tmp_path):
    import geopandas as gpd
    from shapely import box

    from landcheck.inputs import layer_extent
    from landcheck.io.vector import LayerSource

    path = str(tmp_path / "layers.gpkg")
    x, y = 35_500_000.0, 2_700_000.0
    layer = gpd.GeoDataFrame(
        {"BSM": ["A", "B"]},
        geometry=[box(x, y, x + 1000.5, y + 700.25), box(x + 5000, y - 3000, x + 9000, y + 10)],
        crs=4523,
    )
    layer.to_file(path, layer="land_use")
    source = LayerSource(path, "land_use")
    assert layer_extent(source, CRS.from_epsg(4523)) == tuple(layer.total_bounds.tolist())
    bounds = layer.total_bounds
    densified = gpd.GeoSeries([box(*bounds)], crs=4523).segmentize(
        max(bounds[2] - bounds[0], bounds[3] - bounds[1]) / 20
    )
    assert layer_extent(source, CRS.from_epsg(4490)) == tuple(
        densified.to_crs(4490).total_bounds.tolist()
    )
    assert layer_extent(layer, CRS.from_epsg(4523)) == tuple(bounds.tolist())
