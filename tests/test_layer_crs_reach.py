"""A layer in another CRS is read as far around the sites as the rules look, wherever they are.

A layer is filtered in its own CRS. The reach used to be the distance itself, or
distance / 100,000 in degrees: at 50° N a degree of longitude is 71.6 km, so 100 m became
0.001° = 72 m east-west, and in Web Mercator 100 units are 64 m of ground there. A redline
80 m east of a site was not read and the 100 m proximity check said "clear".
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import CRS

import landcheck
import landcheck.cut
from landcheck.crs.transform import move

LOCAL = CRS.from_epsg(4530)
"""CGCS2000 3-degree Gauss-Kruger zone 42 (126° E), where the case is drawn on its meridian."""


def _case(latitude: float) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """A 200 m square site; a redline square 80 m east of it, and one 5 km west (the layer's
    extent then covers the site); both in CGCS2000 longitude and latitude."""
    x, y = move(np.array([shapely.Point(126.0, latitude)]), CRS.from_epsg(4490), LOCAL)[0].coords[0]

    def geographic(*boxes):
        return move(np.array([shapely.box(*b) for b in boxes]), LOCAL, CRS.from_epsg(4490))

    site = gpd.GeoDataFrame(
        {"site_id": ["S1"]}, geometry=geographic((x, y, x + 200, y + 200)), crs=4490
    )
    redline = gpd.GeoDataFrame(
        {"BSM": ["R1", "R2"]},
        geometry=geographic(
            (x + 280, y, x + 480, y + 200), (x - 5000, y - 5000, x - 4000, y + 5000)
        ),
        crs=4490,
    )
    return site, redline


def _proximity(result):
    (finding,) = [f for f in result.site_findings("S1") if f.check == "eco_redline_proximity"]
    return finding


@pytest.mark.parametrize("latitude", [25.0, 40.0, 50.0, 53.0])
@pytest.mark.parametrize(
    ("form", "crs"), [("gpkg", 4490), ("gpkg", 3857), ("shp", 4490), ("parquet", 4490)]
)
def test_a_redline_80_m_east_of_a_site_is_found_in_any_crs_and_file(tmp_path, latitude, form, crs):
    site, redline = _case(latitude)
    path = tmp_path / f"redline.{form}"
    if form == "parquet":
        redline.to_crs(crs).to_parquet(path)
    else:
        redline.to_crs(crs).to_file(path)
    result = landcheck.check(site, layers={"eco_redline": str(path)})
    finding = _proximity(result)
    assert finding.outcome == "near"
    view = result.layer("S1", "eco_redline")
    assert view.nearest_id == "R1"
    assert view.nearest_m == pytest.approx(80.0, abs=0.1)


@pytest.mark.parametrize("latitude", [40.0, 53.0])
def test_a_layer_given_in_memory_in_degrees_is_read_as_far(latitude):
    site, redline = _case(latitude)
    result = landcheck.check(site, layers={"eco_redline": redline})
    assert _proximity(result).outcome == "near"
    assert result.layer("S1", "eco_redline").nearest_m == pytest.approx(80.0, abs=0.1)


def test_a_redline_beyond_the_distance_is_still_clear(tmp_path):
    """The reach reads more, never decides: a redline 130 m away stays outside 100 m."""
    site, redline = _case(50.0)
    shifted = redline.copy()
    local = shifted.to_crs(LOCAL)
    local.loc[0, "geometry"] = shapely.affinity.translate(local.geometry.iloc[0], 50.0, 0.0)
    local.to_crs(4490).to_file(tmp_path / "redline.gpkg")
    result = landcheck.check(site, layers={"eco_redline": str(tmp_path / "redline.gpkg")})
    assert _proximity(result).outcome == "clear"
    assert result.layer("S1", "eco_redline").nearest_m is None


@pytest.mark.parametrize("latitude", [25.0, 40.0])
@pytest.mark.parametrize("given", [None, "EPSG:3857"])
def test_sites_drawn_in_web_mercator_are_measured_on_the_ground(latitude, given):
    """Web Mercator stretches lengths by 1 / cos(latitude): a 200 m square drawn in it is
    40,000 / cos²(40°) = 68,200 of its square units. Chosen automatically, the analysis CRS is
    the sites' Gauss-Kruger zone instead (the reason says why not theirs); given, each site is
    measured in its zone, with a warning. Either way the site is 40,000 m², the farmland over
    its east half 20,000 m², the redline 80 m away."""
    site, redline = _case(latitude)
    local = site.to_crs(LOCAL).geometry.iloc[0]
    xmin, ymin, xmax, ymax = local.bounds
    farmland = gpd.GeoDataFrame(
        {"BSM": ["F1"]},
        geometry=[shapely.box(xmin + 100, ymin - 50, xmax + 50, ymax + 50)],
        crs=LOCAL,
    ).to_crs(3857)
    result = landcheck.check(
        site.to_crs(3857),
        layers={"farmland": farmland, "eco_redline": redline.to_crs(3857)},
        crs=given,
    )
    row = result.sites.iloc[0]
    assert row["planar_m2"] == pytest.approx(40_000.0, abs=1.0)
    assert row["ellipsoidal_m2"] == pytest.approx(40_000.0, rel=2e-3)
    assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(20_000.0, abs=1.0)
    assert result.layer("S1", "eco_redline").nearest_m == pytest.approx(80.0, abs=0.1)
    reason = result.to_dict()["analysis_crs_reason"]
    if given is None:
        assert result.analysis_crs.to_epsg() == LOCAL.to_epsg()
        assert "not the sites' CRS EPSG:3857, which makes lengths at the sites' centre" in reason
    else:
        assert result.analysis_crs.to_epsg() == 3857
        (warning,) = [w for w in result.warnings if "EPSG:3857" in w and "own zone" in w]
        assert "more than 0.1% longer or shorter than on the ground" in warning


@pytest.mark.parametrize("tool", ["buildable", "search", "compare", "avoid"])
def test_site_selection_refuses_an_analysis_crs_that_makes_lengths_untrue(tool):
    """Buffers, widths and patches are cut in the analysis CRS itself: given as Web Mercator,
    at 40° N a 100 m buffer would be 77 m on the ground. Each tool refuses it, saying how much
    lengths are off and what to give instead; with --crs auto it works."""
    from landcheck.errors import AnalysisCRSError

    site, redline = _case(40.0)
    mercator = site.to_crs(3857)
    layers = {"eco_redline": redline}
    call = {
        "buildable": lambda crs: landcheck.buildable(mercator, layers=layers, crs=crs),
        "search": lambda crs: landcheck.search(mercator, 0.5, layers=layers, crs=crs),
        "compare": lambda crs: landcheck.compare(mercator, layers=layers, crs=crs),
        "avoid": lambda crs: landcheck.avoid(mercator, layers=layers, crs=crs),
    }[tool]
    with pytest.raises(
        AnalysisCRSError, match=r"EPSG:3857 .* 30\.5% longer or shorter.* --crs EPSG:4530"
    ):
        call("EPSG:3857")
    call(None)


def test_site_selection_takes_a_zone_within_its_reach():
    """A county 3° from the meridian of its 6-degree Gauss-Kruger zone (lengths 0.11 % long
    there, as the zone's own maps have them) is selected in that zone, not refused."""
    site, redline = _case(25.0)
    six_degree = CRS.from_epsg(4510)  # CGCS2000 / Gauss-Kruger CM 123E
    result = landcheck.buildable(site.to_crs(six_degree), layers={"eco_redline": redline})
    assert result.area.planar_m2 == pytest.approx(40_000.0 * 1.0011**2, rel=2e-4)


def test_a_distance_moved_into_another_crs_covers_it_in_every_direction():
    """100 m east, north, west and south of a site at 50° N, moved into degrees, Web Mercator
    and a Gauss-Kruger zone 15° away, each lie within the distance distance_in gives there;
    with no geometry, or the same CRS, the distance is as given."""
    from landcheck.crs.transform import distance_in

    site, _ = _case(50.0)
    local = site.to_crs(LOCAL).geometry.iloc[0]
    probes = [
        shapely.Point(x, y)
        for x, y in (
            (local.bounds[2] + 100, local.centroid.y),
            (local.centroid.x, local.bounds[3] + 100),
            (local.bounds[0] - 100, local.centroid.y),
            (local.centroid.x, local.bounds[1] - 100),
        )
    ]
    for target in (CRS.from_epsg(4490), CRS.from_epsg(3857), CRS.from_epsg(4525)):
        reach = distance_in(np.array([local]), 100.0, LOCAL, target)
        moved_site = move(np.array([local]), LOCAL, target)[0]
        moved = move(np.array(probes), LOCAL, target)
        distances = shapely.distance(moved, moved_site)
        assert (distances <= reach).all() and distances.max() > reach / 1.1, target
    assert distance_in(np.array([shapely.Polygon()]), 100.0, LOCAL, CRS.from_epsg(4490)) == 100.0
    assert distance_in(np.array([local]), 100.0, LOCAL, LOCAL) == 100.0


@pytest.mark.parametrize("given", [None, "EPSG:3857"])
def test_a_road_drawn_in_web_mercator_is_as_wide_as_its_width_on_the_ground(given):
    """A 1,000 m road line along 40° N drawn in Web Mercator, width 20 m: 20,000 m² whether
    the analysis CRS is its zone (auto) or Web Mercator itself, where 20 of its units would
    be 15.3 m of ground (15,300 m²)."""
    x, y = move(np.array([shapely.Point(126.0, 40.0)]), CRS.from_epsg(4490), LOCAL)[0].coords[0]
    line = gpd.GeoDataFrame(
        {"site_id": ["R1"]}, geometry=[shapely.LineString([(x, y), (x + 1000, y)])], crs=LOCAL
    )
    result = landcheck.check(line.to_crs(3857), width=20.0, crs=given)
    assert result.sites.iloc[0]["planar_m2"] == pytest.approx(20_000.0, rel=1e-3)


def _plot_in_zone_35() -> gpd.GeoDataFrame:
    """A 100 m plot in zone 35 (EPSG:4523): checked with it, sites of zone 40 are measured there."""
    return gpd.GeoDataFrame(
        {"site_id": ["GZ"]},
        geometry=[shapely.box(35_500_000, 2_900_000, 35_500_100, 2_900_100)],
        crs=CRS.from_epsg(4523),
    )


def test_a_road_far_from_the_analysis_meridian_is_as_wide_as_its_width():
    """Checked with a site of zone 35 (the analysis CRS), a road of zone 40 (declared there,
    15° from zone 35's meridian, where lengths are 3.4 % longer) is buffered in its own zone:
    1,000 m x 20 m = 20,000 m² in zone 40, not 19,340."""
    zone40 = CRS.from_epsg(4528)
    plot = _plot_in_zone_35()
    road = gpd.GeoDataFrame(
        {"site_id": ["HZ"]},
        geometry=[shapely.LineString([(40_500_000, 3_300_000), (40_501_000, 3_300_000)])],
        crs=zone40,
    )
    result = landcheck.check([plot, road], width=20.0)
    assert result.analysis_crs.to_epsg() == 4523
    areas = result.sites.set_index("site_id")["planar_m2"]
    assert areas["GZ"] == pytest.approx(10_000.0, abs=1e-6)
    assert areas["HZ"] == pytest.approx(20_000.0, rel=1e-4)
    assert result.measuring_crs("HZ") == "EPSG:4528"


def test_sites_without_geometry_in_a_zone_are_unknown_not_refused():
    """The analysis CRS of sites in a Gauss-Kruger zone needs no centre of theirs: sites that all
    lack a geometry are each `unknown` (no area), as before the centre was asked for Web
    Mercator's test."""
    empty = gpd.GeoDataFrame(
        {"site_id": ["S1", "S2"]}, geometry=[shapely.Polygon(), None], crs="EPSG:4523"
    )
    result = landcheck.check(empty)
    assert result.analysis_crs.to_epsg() == 4523
    assert [result.status(s) for s in ("S1", "S2")] == ["unknown", "unknown"]


def test_a_site_measured_in_its_own_zone_finds_a_huge_redline_as_far_as_a_small_one(monkeypatch):
    """A site of zone 40 checked with one of zone 35 (the analysis CRS) has its nearest
    redline measured again in zone 40: a redline 80 m east of it, of 12,000 vertices, is cut
    into pieces around the site (not intersected whole with the site's box, once per site),
    and found as far as intersecting it whole finds it, 80 m away as a four-vertex one is."""
    zone40 = CRS.from_epsg(4528)
    plot = _plot_in_zone_35()
    x, y = 40_500_000, 3_300_000
    site = gpd.GeoDataFrame({"site_id": ["HZ"]}, geometry=[shapely.box(x, y, x + 200, y + 200)])
    site = site.set_crs(zone40)
    square = shapely.box(x + 280, y - 100, x + 480, y + 300)
    dense = shapely.segmentize(square, 0.1)
    assert shapely.get_num_coordinates(dense) > 5 * landcheck.cut.SUBDIVIDE_ABOVE

    def nearest(redline) -> float:
        layer = gpd.GeoDataFrame({"BSM": ["R1"]}, geometry=[redline], crs=zone40)
        result = landcheck.check([plot, site], layers={"eco_redline": layer})
        assert result.measuring_crs("HZ") == "EPSG:4528"
        return result.layer("HZ", "eco_redline").nearest_m

    small, huge = nearest(square), nearest(dense)
    monkeypatch.setattr(landcheck.cut, "SUBDIVIDE_ABOVE", 10**9)
    whole = nearest(dense)
    # the straight sides moved from zone 35 bend by less than a millimetre in zone 40
    assert small == pytest.approx(80.0, abs=1e-3) and huge == pytest.approx(80.0, abs=1e-3)
    assert huge == pytest.approx(whole, abs=1e-9)


def test_each_piece_of_a_site_in_its_own_zone_has_its_whole_feature_measured_there():
    """Three sites of zone 40, checked with one of zone 35, lie on two parcels drawn in zone
    40: each piece's whole feature (for the official-area share) is measured there (1,000,000
    and 250,000 m²), each feature moved there once, not once a piece."""
    zone40 = CRS.from_epsg(4528)
    plot = _plot_in_zone_35()
    x, y = 40_500_000, 3_300_000
    ours = gpd.GeoDataFrame(
        {"site_id": ["H1", "H2", "H3"]},
        geometry=[shapely.box(x + 300 * k, y, x + 300 * k + 100, y + 100) for k in range(3)],
        crs=zone40,
    )
    parcels = gpd.GeoDataFrame(
        {"BSM": ["P1", "P2"], "DLBM": ["0101", "0103"], "TBMJ": [1_000_000.0, 250_000.0]},
        geometry=[
            shapely.box(x - 100, y - 100, x + 500, y + 1_566.666_666_666_666_7),
            shapely.box(x + 550, y - 100, x + 1_050, y + 400),  # under H3 alone
        ],
        crs=zone40,
    )
    result = landcheck.check([plot, ours], layers={"land_use": parcels})
    pieces = result.pieces["land_use"].sort_values("feature")
    assert pieces["feature"].tolist() == [0, 0, 1]
    whole = [1_000_000.0, 1_000_000.0, 250_000.0]
    assert pieces["_feature_m2"].to_numpy() == pytest.approx(whole, abs=1e-4)
    for site in ("H1", "H2", "H3"):
        assert result.measuring_crs(site) == "EPSG:4528"
        assert result.layer_area(site, "land_use").planar_m2 == pytest.approx(10_000.0, abs=1e-4)


def test_site_selection_refuses_a_crs_that_cannot_place_the_polygons(monkeypatch):
    """Where the analysis CRS gives the polygons' centre no longitude and latitude, how true
    its lengths are there cannot be told: refused, naming what to give, never a zone of NaN."""
    from landcheck.errors import AnalysisCRSError
    from landcheck.select import _common

    class Nowhere:
        def transform(self, x, y):
            return float("inf"), float("inf")

    monkeypatch.setattr(_common, "to_geodetic", lambda crs: Nowhere())
    site, redline = _case(40.0)
    with pytest.raises(AnalysisCRSError, match=r"no longitude and latitude.* --crs the Gauss"):
        landcheck.buildable(site.to_crs(3857), layers={"eco_redline": redline}, crs="EPSG:3857")


def test_a_site_given_in_degrees_is_measured_in_its_own_zone_whatever_the_batch():
    # measured in the zone the batch's centre chose while within its reach: a far site added
    # to the batch moved the analysis zone from 35 to 34, this site's planar area by 0.11 %,
    # and a farmland sliver of 0.994 m² ("0.99") past the 1 m² threshold as printed
    # (0.9951 m², "1.00": unknown → prohibited)
    from common import GK35, X0, Y0, frame, sites, square

    farmland = frame([{"BSM": "a", "DLBM": "0101", "geometry": square(0, 0, 1000).segmentize(2)}])
    site = square(500, 500, 1000, 300).segmentize(2.0)  # 104.22°E: zone 35
    corner = shapely.box(X0 + 999.006, Y0 + 10, X0 + 1001, Y0 + 11)  # 0.994 m² on farmland
    far = (  # 101.6°E, in zone 34
        gpd.GeoSeries([shapely.box(34_500_200, Y0 + 200, 34_500_700, Y0 + 500)], crs=4522)
        .to_crs(GK35)
        .iloc[0]
    )

    def measured(*geometries):
        result = landcheck.check(
            sites(*geometries).to_crs(4490),
            layers={"farmland": farmland.to_crs(4490)},
            area_method="planar",
        )
        entries = {e["site_id"]: e for e in result.to_dict()["sites"]}
        return [
            (
                entries[s]["measuring_crs"],
                round(entries[s]["area"]["planar_m2"], 3),
                round(entries[s]["layers"]["farmland"]["overlap"]["planar_m2"], 6),
            )
            for s in ("S1", "S2")
        ], result

    alone, first = measured(site, corner)
    batch, second = measured(site, corner, far)
    assert "zone 34" in second.to_dict()["analysis_crs_reason"]
    assert alone[0] == batch[0] == ("EPSG:4523", 300_000.0, 150_000.0)
    # the sliver: cut in another analysis CRS, to a millimetre's rounding, not 0.11 %
    assert alone[1][0] == batch[1][0] == "EPSG:4523"
    assert alone[1][1:] == pytest.approx(batch[1][1:], abs=1e-3)
    assert first.status("S2") == second.status("S2") == "unknown"
