"""Buffers, setbacks and minimum widths are metres of the zone each feature lies in.

A batch whose sites span two Gauss-Kruger zones is cut in one of them (here zone 34, central
meridian 102°E); a site at 105°E is measured in its own zone 35, where a length of zone 34 is
1.00114 times too long. Every square below is exact in its own zone: drawn there, segmentized to
1 m and moved to longitudes and latitudes (EPSG:4490), as a survey's outline given in degrees.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import CRS, Transformer

import landcheck
from landcheck.areas import ellipsoidal_areas
from landcheck.crs.measuring import zone_scale, zone_system
from landcheck.select.constraints import QUAD_SEGS, grow, grow_in_own_zone
from landcheck.select.shapes import open_by_width

PLANAR = {"area_method": "planar"}
LAT = 24.4
WEST, EAST = (100.6, 4543), (105.0, 4544)  # (longitude, CGCS2000 zone of CM 102°E / 105°E)


def corner_of(place: tuple[float, int]) -> tuple[float, float]:
    """The point (place's longitude, LAT) in the place's own zone."""
    lon, epsg = place
    return Transformer.from_crs(4490, epsg, always_xy=True).transform(lon, LAT)


def own_box(place, x0: float, y0: float, x1: float, y1: float) -> shapely.Polygon:
    """A rectangle of the place's own zone, offsets from its corner, in metres."""
    x, y = corner_of(place)
    return shapely.box(x + x0, y + y0, x + x1, y + y1)


def in_degrees(place, geometry: shapely.Geometry) -> shapely.Geometry:
    """A geometry of the place's own zone, segmentized to 1 m, in EPSG:4490."""
    back = Transformer.from_crs(place[1], 4490, always_xy=True)
    return shapely.transform(
        shapely.segmentize(geometry, 1.0),
        lambda xy: np.column_stack(back.transform(xy[:, 0], xy[:, 1])),
    )


def frame(place_rects: list[tuple[tuple[float, int], tuple[float, float, float, float]]], **cols):
    geoms = [in_degrees(place, own_box(place, *rect)) for place, rect in place_rects]
    return gpd.GeoDataFrame(cols, geometry=geoms, crs=4490)


SITE = (0.0, 0.0, 300.0, 300.0)
REDLINE = (0.0, 0.0, 100.0, 100.0)  # in the site's corner


def batch_sites() -> gpd.GeoDataFrame:
    return frame([(WEST, SITE), (EAST, SITE)], site_id=["W", "E"])


def batch_redline() -> gpd.GeoDataFrame:
    return frame([(WEST, REDLINE), (EAST, REDLINE)], BSM=["RW", "RE"])


def kept_with_round_buffer(side: float, block: float, d: float) -> float:
    """A side² site less a block² square in its corner grown by d with round joins, as GEOS
    draws them: inside the site the grown block is (block + d)² less the corner square d² and
    plus QUAD_SEGS triangles of the quarter circle."""
    triangles = QUAD_SEGS * 0.5 * d * d * math.sin(math.pi / (2 * QUAD_SEGS))
    return side**2 - ((block + d) ** 2 - d * d + triangles)


def exact_kept(place, d: float, join: str = "round") -> shapely.Geometry:
    """The kept land computed in the place's own zone, the way grow() draws it there
    (segmentized to 1 m, as the sites are: an edge is measured on the ellipsoid as a geodesic)."""
    zone = grow(own_box(place, *REDLINE), d, join)
    return shapely.segmentize(shapely.difference(own_box(place, *SITE), zone), 1.0)


def test_the_batch_is_cut_in_zone_34():
    result = landcheck.avoid(batch_sites(), layers={"eco_redline": batch_redline()}, **PLANAR)
    assert zone_system(result.analysis_crs).central_meridian == 102


@pytest.mark.parametrize("d", [10.0, 50.0])
def test_avoid_buffer_is_metres_of_the_sites_own_zone(d):
    result = landcheck.avoid(
        batch_sites(), layers={"eco_redline": batch_redline()}, buffers=d, **PLANAR
    )
    kept = result.kept.set_index("site_id")["kept_planar_m2"]
    expected = kept_with_round_buffer(300.0, 100.0, d)
    assert exact_kept(EAST, d).area == pytest.approx(expected, abs=1e-6)
    # at 105°E a 10 m buffer drawn in zone 34 was 9.989 m of zone 35: 77,924.052 m² kept
    assert kept["E"] == pytest.approx(expected, abs=0.01)
    assert kept["W"] == pytest.approx(expected, abs=1e-6)  # in zone 34 itself: as before


def test_avoid_mitre_buffer_far_from_the_analysis_meridian():
    result = landcheck.avoid(
        batch_sites(),
        layers={"eco_redline": batch_redline()},
        buffers=10,
        buffer_join="mitre",
        **PLANAR,
    )
    kept = result.kept.set_index("site_id")["kept_planar_m2"]
    assert kept["E"] == pytest.approx(300**2 - 110**2, abs=0.01)  # was 300² − 110.0126²
    assert kept["W"] == pytest.approx(300**2 - 110**2, abs=1e-6)


def test_buildable_patch_is_cut_by_a_buffer_of_its_own_zone():
    aoi = batch_sites()
    described = gpd.GeoDataFrame(geometry=[shapely.box(100.0, 24.0, 106.0, 25.0)], crs=4490)
    layers = {"eco_redline": batch_redline()}
    result = landcheck.buildable(aoi, layers=layers, buffers=10, coverage=described)
    assert zone_system(result.analysis_crs).central_meridian == 102
    patches = result.patches.set_crs(result.analysis_crs, allow_override=True)
    east = patches.geometry.centroid.x.idxmax()
    exact = ellipsoidal_areas([exact_kept(EAST, 10.0)], CRS.from_epsg(EAST[1]))[0]
    assert patches.loc[east, "ellipsoidal_m2"] == pytest.approx(exact, abs=0.01)
    west = patches.geometry.centroid.x.idxmin()
    exact_west = ellipsoidal_areas([exact_kept(WEST, 10.0)], CRS.from_epsg(WEST[1]))[0]
    assert patches.loc[west, "ellipsoidal_m2"] == pytest.approx(exact_west, abs=1e-3)


def test_urban_setback_is_metres_of_the_own_zone():
    # the boundary covers the east 200 m of each site; a 10 m setback leaves 190 m of width
    udb = frame([(WEST, (100.0, -100.0, 400.0, 400.0)), (EAST, (100.0, -100.0, 400.0, 400.0))])
    result = landcheck.avoid(
        batch_sites(),
        layers={"urban_boundary": udb, "eco_redline": batch_redline()},
        outside_urban=True,
        buffers={"urban_boundary": 10},
        **PLANAR,
    )
    kept = result.kept.set_index("site_id")["kept_planar_m2"]
    assert kept["E"] == pytest.approx(190 * 300, abs=0.01)  # was 190.0114 × 300
    assert kept["W"] == pytest.approx(190 * 300, abs=1e-6)


def test_within_the_analysis_zone_nothing_changes():
    zone34 = CRS.from_epsg(4543)
    x, y = corner_of((102.5, 4543))
    blocks = [shapely.box(x, y, x + 100, y + 100), shapely.box(x + 90, y, x + 300, y + 50)]
    assert zone_scale(zone34, np.array(blocks)).tolist() == [1.0, 1.0]
    union = shapely.union_all(blocks)
    for d, join in [(10.0, "round"), (10.0, "mitre"), (-10.0, "round"), (0.0, "round")]:
        mine = grow_in_own_zone(blocks, d, join, zone34)
        assert shapely.equals_exact(mine, grow(union, d, join), tolerance=0.0), (d, join)


def test_growing_features_one_by_one_is_growing_their_union():
    # two overlapping blocks and one apart, at 105°E in zone 34: grown one by one and united
    # they are their union grown, in zone 35
    zone34, zone35 = CRS.from_epsg(4543), CRS.from_epsg(4544)
    own = [
        own_box(EAST, 0, 0, 100, 100),
        own_box(EAST, 50, 50, 200, 120),
        own_box(EAST, 400, 0, 450, 50),
    ]
    own = list(shapely.segmentize(own, 1.0))
    there = gpd.GeoSeries(own, crs=zone35).to_crs(zone34).values
    grown = grow_in_own_zone(np.asarray(there), 10.0, "mitre", zone34)
    back = gpd.GeoSeries([grown], crs=zone34).to_crs(zone35).iloc[0]
    assert back.area == pytest.approx(grow(shapely.union_all(own), 10.0, "mitre").area, abs=0.01)


def test_minimum_width_is_metres_of_the_own_zone():
    # two 100 m squares joined by a corridor 49.9 m wide in zone 35: narrower than 50 m (less
    # the 10⁻³ tolerance), but 49.957 m in zone 34's plane; a corridor exactly 50 m wide stays
    zone34, zone35 = CRS.from_epsg(4543), CRS.from_epsg(4544)
    for corridor, kept in [(49.9, 20_000.0), (50.0, 30_000.0)]:
        parts = [
            own_box(EAST, 0, 0, 100, 100),
            own_box(EAST, 300, 0, 400, 100),
            own_box(EAST, 100, 20, 300, 20 + corridor),
        ]
        own = shapely.segmentize(shapely.union_all(parts), 1.0)
        there = gpd.GeoSeries([own], crs=zone35).to_crs(zone34).iloc[0]
        opened = open_by_width(there, 50.0, zone34)
        back = gpd.GeoSeries([opened], crs=zone34).to_crs(zone35).iloc[0]
        assert back.area == pytest.approx(kept, abs=0.01), corridor


def test_minimum_width_within_the_analysis_zone_is_unchanged():
    # a square with a 60 m wide arm (kept) and a 30 m strip apart (removed), in zone 34 itself
    zone34 = CRS.from_epsg(4543)
    x, y = corner_of((102.5, 4543))
    geometry = shapely.union_all(
        [
            shapely.box(x, y, x + 100, y + 100),
            shapely.box(x + 100, y + 20, x + 300, y + 80),
            shapely.box(x + 500, y, x + 600, y + 30),
        ]
    )
    opened = open_by_width(geometry, 50.0, zone34)
    assert shapely.equals_exact(opened, open_by_width(geometry, 50.0), tolerance=0.0)
    assert opened.area == pytest.approx(10_000.0 + 200 * 60, abs=1e-6)
