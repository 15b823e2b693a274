"""Vectorised geodesic polygon areas against pyproj.Geod, on random and real polygons.

Tolerance, stated once: 1e-9 relative, plus pyproj's own rounding. pyproj sums
edge terms of about 10⁸ m² each (for 100 m edges at these latitudes) and is off
the exact area by about 3e-5 m² per edge, randomly: measured against a 40-digit
evaluation of the same integrals (``benchmarks/geodesic_precision.py``), a
737-vertex piece of 11 ha is 8.2e-4 m² off in pyproj (7e-9 relative) and
7.5e-9 m² off here. So the comparison allows ``1e-4 m² × sqrt(vertices)``
besides 1e-9 relative: that term is what decides for rings of a few m²
(where 1e-9 relative is a few nm²), and it is three times pyproj's rounding.
Where pyproj is not involved (reversal, reflection, splitting a ring), the
tolerance is this module's own rounding of the edge terms, far tighter.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pyproj import CRS, Geod

from landcheck import geodesic
from landcheck.areas import _to_geodetic, ellipsoidal_areas
from landcheck.crs import measuring, transform, traps
from landcheck.geodesic import geodesic_ring_areas

CGCS2000 = Geod(a=6378137.0, rf=298.257222101)
RTOL = 1e-9
PYPROJ_ROUNDING = 1e-4  # m² per sqrt(vertex): three times what pyproj's rounding reaches


def tolerance(reference, vertices):
    return RTOL * np.abs(reference) + PYPROJ_ROUNDING * np.sqrt(vertices)


def pyproj_ring(lon, lat, geod=CGCS2000) -> float:
    return geod.polygon_area_perimeter(lon, lat)[0]


def star_ring(rng, lon0, lat0, radius_deg, n):
    """A simple star-shaped ring around (lon0, lat0), anticlockwise, not closed."""
    theta = np.sort(rng.uniform(0.0, 2.0 * np.pi, n))
    r = radius_deg * rng.uniform(0.4, 1.0, n)
    return lon0 + r * np.cos(theta) / np.cos(np.radians(lat0)), lat0 + r * np.sin(theta)


def pyproj_areas(geometries, crs) -> np.ndarray:
    """The former method: inverse-project, pyproj.Geod ring by ring, holes subtracted."""
    transformer, geod = _to_geodetic(crs.to_wkt())
    out = []
    for geom in geometries:
        total = 0.0
        polygons = [geom] if geom.geom_type == "Polygon" else list(geom.geoms)
        for polygon in polygons:
            for k, ring in enumerate([polygon.exterior, *polygon.interiors]):
                xy = np.asarray(ring.coords)
                lon, lat = transformer.transform(xy[:, 0], xy[:, 1])
                area = abs(pyproj_ring(lon, lat, geod))
                total += area if k == 0 else -area
        out.append(total)
    return np.array(out)


# --- random polygons ------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    lon0=st.floats(73.0, 135.0),
    lat0=st.floats(-60.0, 60.0),
    log_radius=st.floats(-5.0, 0.5),  # 1e-5° (a metre) to 3° (300 km)
    n=st.integers(3, 60),
    seed=st.integers(0, 2**32 - 1),
)
def test_random_rings_match_pyproj(lon0, lat0, log_radius, n, seed):
    lon, lat = star_ring(np.random.default_rng(seed), lon0, lat0, 10.0**log_radius, n)
    reference = pyproj_ring(lon, lat)
    area = geodesic_ring_areas(lon, lat, [0, n], CGCS2000)[0]
    assert abs(area - reference) <= tolerance(reference, n)


def test_many_rings_at_once_each_match_pyproj():
    rng = np.random.default_rng(7)
    rings = [
        star_ring(rng, rng.uniform(73, 135), rng.uniform(18, 54), 10.0 ** rng.uniform(-4, 0), n)
        for n in rng.integers(3, 200, 400)
    ]
    lon = np.concatenate([r[0] for r in rings])
    lat = np.concatenate([r[1] for r in rings])
    offsets = np.concatenate([[0], np.cumsum([len(r[0]) for r in rings])])
    areas = geodesic_ring_areas(lon, lat, offsets, CGCS2000)
    for area, (x, y) in zip(areas, rings, strict=True):
        reference = pyproj_ring(x, y)
        assert abs(area - reference) <= tolerance(reference, len(x))


@pytest.mark.parametrize("side_m", [1.0, 2.0, 5.0])
def test_tiny_squares_of_a_few_square_metres(side_m):
    # a square of side_m metres at 30°N (degree sizes rounded), against pyproj's absolute rounding
    dlat = side_m / 110_852.0
    dlon = side_m / 96_486.0
    lon = np.array([110.0, 110.0 + dlon, 110.0 + dlon, 110.0, 110.0])
    lat = np.array([30.0, 30.0, 30.0 + dlat, 30.0 + dlat, 30.0])
    area = geodesic_ring_areas(lon, lat, [0, 5], CGCS2000)[0]
    assert area == pytest.approx(side_m**2, rel=2e-3)
    assert abs(area - pyproj_ring(lon, lat)) <= tolerance(area, 5)


def test_large_rings_with_long_edges():
    # 4 edges of about 100 km: the geodesics bow away from the parallels by about 80 m
    lon = np.array([104.0, 105.06, 105.06, 104.0])
    lat = np.array([30.0, 30.0, 30.9, 30.9])
    area = geodesic_ring_areas(lon, lat, [0, 4], CGCS2000)[0]
    reference = pyproj_ring(lon, lat)
    assert 1.0e10 < area < 1.02e10
    assert abs(area - reference) <= 1e-12 * reference
    # edges of 1,700-2,000 km: the longest class, eight nodes and a few iterations
    lon = np.array([80.0, 100.0, 100.0, 80.0])
    lat = np.array([20.0, 20.0, 35.0, 35.0])
    reference = pyproj_ring(lon, lat)
    assert abs(geodesic_ring_areas(lon, lat, [0, 4], CGCS2000)[0] - reference) < 1e-12 * reference


def test_reversal_and_reflection_change_only_the_sign():
    rng = np.random.default_rng(11)
    lon, lat = star_ring(rng, 105.0, 33.0, 0.002, 40)
    area = geodesic_ring_areas(lon, lat, [0, 40], CGCS2000)[0]
    reversed_area = geodesic_ring_areas(lon[::-1], lat[::-1], [0, 40], CGCS2000)[0]
    mirrored = geodesic_ring_areas(lon, -lat, [0, 40], CGCS2000)[0]
    assert area > 0
    assert abs(area + reversed_area) <= 1e-12 * area + 1e-6
    assert abs(area + mirrored) <= 1e-12 * area + 1e-6
    # starting the ring at another vertex, or closing it, changes nothing
    rolled = geodesic_ring_areas(np.roll(lon, 7), np.roll(lat, 7), [0, 40], CGCS2000)[0]
    closed = geodesic_ring_areas(np.append(lon, lon[0]), np.append(lat, lat[0]), [0, 41], CGCS2000)
    assert abs(rolled - area) <= 1e-12 * area + 1e-6
    assert abs(closed[0] - area) <= 1e-12 * area + 1e-6


@settings(max_examples=100, deadline=None)
@given(
    lat0=st.floats(-70.0, 70.0),
    log_radius=st.floats(-5.0, 0.0),
    n=st.integers(4, 30),
    seed=st.integers(0, 2**32 - 1),
)
@example(lat0=66.0, log_radius=-1.5, n=4, seed=68)  # 7.6e-6 m² apart: 1e-6 m² an edge was too tight
def test_a_ring_is_the_sum_of_its_fan_of_triangles(lat0, log_radius, n, seed):
    # the diagonals are geodesics shared by two triangles in opposite directions: they cancel.
    # A test of this module's own precision, far below pyproj's rounding.
    lon, lat = star_ring(np.random.default_rng(seed), 100.0, lat0, 10.0**log_radius, n)
    whole = geodesic_ring_areas(lon, lat, [0, n], CGCS2000)[0]
    tri_lon = np.column_stack([np.full(n - 2, lon[0]), lon[1:-1], lon[2:]]).ravel()
    tri_lat = np.column_stack([np.full(n - 2, lat[0]), lat[1:-1], lat[2:]]).ravel()
    triangles = geodesic_ring_areas(tri_lon, tri_lat, np.arange(0, 3 * (n - 2) + 1, 3), CGCS2000)
    # each edge's term is an area between the edge and the equator, rounded at that area's
    # scale (about 5e10 m² for a 7 km ring at 66°N), not at the ring's
    strip = np.radians(np.ptp(lon)) * 6.4e6 * np.radians(np.abs(lat).max()) * 6.4e6
    assert abs(triangles.sum() - whole) <= 1e-12 * abs(whole) + n * (1e-6 + np.spacing(strip))


def test_on_a_sphere_the_area_is_the_spherical_excess():
    # f = 0: the right triangle (0°, 0°), (10°E, 0°), (0°, 60°N), legs of 10° and 60°
    radius = 6_371_000.0
    sphere = Geod(a=radius, f=0.0)
    lon, lat = np.array([0.0, 10.0, 0.0]), np.array([0.0, 0.0, 60.0])
    legs = np.radians([10.0, 60.0])
    hypotenuse = np.arccos(np.cos(legs[0]) * np.cos(legs[1]))
    others = np.arcsin(np.sin(legs) / np.sin(hypotenuse))  # each opposite its leg, both acute
    excess = np.pi / 2 + others.sum() - np.pi
    area = geodesic_ring_areas(lon, lat, [0, 3], sphere)[0]
    assert area == pytest.approx(excess * radius**2, rel=1e-12)
    assert area == pytest.approx(pyproj_ring(lon, lat, sphere), rel=1e-12)


# --- the rings left to pyproj, and bad input ------------------------------------------------


def test_a_ring_through_the_pole_is_an_eighth_of_the_ellipsoid():
    # equator from 0° to 90°E, meridians to the pole: one eighth of the ellipsoid's area 4πc²
    a, f = CGCS2000.a, CGCS2000.f
    e = np.sqrt(f * (2 - f))
    c2 = a**2 / 2 + (a * (1 - f)) ** 2 / 2 * np.arctanh(e) / e
    area = geodesic_ring_areas([0.0, 90.0, 0.0], [0.0, 0.0, 90.0], [0, 3], CGCS2000)[0]
    assert area == pytest.approx(np.pi * c2 / 2, rel=1e-12)


def test_rings_encircling_a_pole_or_with_very_long_edges_match_pyproj():
    cap_lon = np.arange(0.0, 360.0, 30.0)
    cap_lat = np.full(12, 80.0)
    long_lon = np.array([0.0, 60.0, 60.0])
    long_lat = np.array([0.0, 0.0, 30.0])  # an edge of 6,700 km
    lon = np.concatenate([cap_lon, long_lon])
    lat = np.concatenate([cap_lat, long_lat])
    areas = geodesic_ring_areas(lon, lat, [0, 12, 15], CGCS2000)
    assert areas[0] == pytest.approx(pyproj_ring(cap_lon, cap_lat), rel=1e-12)
    assert areas[1] == pytest.approx(pyproj_ring(long_lon, long_lat), rel=1e-12)


def test_a_ring_across_the_antimeridian():
    rng = np.random.default_rng(5)
    lon, lat = star_ring(rng, 179.9995, -17.0, 0.001, 30)
    lon = np.where(lon > 180.0, lon - 360.0, lon)
    assert (lon < 0).any() and (lon > 0).any()
    area = geodesic_ring_areas(lon, lat, [0, 30], CGCS2000)[0]
    reference = pyproj_ring(lon, lat)
    assert abs(area - reference) <= tolerance(reference, 30)


def test_non_finite_rings_are_nan_and_others_are_unaffected():
    lon = np.array([110.0, 110.01, 110.01, 110.0, 110.0, 110.01, np.inf])
    lat = np.array([30.0, 30.0, 30.01, 30.01, 30.0, 30.0, 30.01])
    areas = geodesic_ring_areas(lon, lat, [0, 4, 7], CGCS2000)
    assert areas[0] == pytest.approx(pyproj_ring(lon[:4], lat[:4]), rel=1e-12)
    assert np.isnan(areas[1])
    assert len(geodesic_ring_areas([], [], [0], CGCS2000)) == 0
    assert geodesic_ring_areas([], [], [0, 0], CGCS2000).tolist() == [0.0]


def test_batches_give_the_same_areas(monkeypatch):
    rng = np.random.default_rng(3)
    rings = [star_ring(rng, 105.0 + i * 0.01, 30.0, 0.003, n) for i, n in enumerate([5, 700, 9])]
    lon = np.concatenate([r[0] for r in rings])
    lat = np.concatenate([r[1] for r in rings])
    offsets = [0, 5, 705, 714]
    whole = geodesic_ring_areas(lon, lat, offsets, CGCS2000)
    monkeypatch.setattr(geodesic, "_BATCH", 8)  # one batch per ring, the big one alone
    assert geodesic_ring_areas(lon, lat, offsets, CGCS2000).tolist() == whole.tolist()


# --- real polygons through areas.ellipsoidal_areas -------------------------------------------


@pytest.mark.parametrize("layer", ["land_use", "farmland", "eco_redline", "townships"])
def test_sample_county_polygons_match_the_ring_by_ring_method(sample_gpkg, layer):
    frame = gpd.read_file(sample_gpkg, layer=layer)
    geoms = frame.geometry.values
    areas = ellipsoidal_areas(geoms, frame.crs)
    reference = pyproj_areas(geoms, CRS(frame.crs))
    vertices = shapely.get_num_coordinates(geoms)
    assert (areas > 0).all()
    assert (np.abs(areas - reference) <= tolerance(reference, vertices)).all()


def test_province_sized_multipolygon_with_a_hole_across_a_zone_edge():
    # zone 35 (105°E) ends at 106.5°E, about 150 km east of its central meridian: a polygon
    # 110 km across, centred 150 km east, crosses it; a second tiny part and a hole besides
    crs = CRS.from_epsg(4523)
    rng = np.random.default_rng(2)
    theta = np.linspace(0, 2 * np.pi, 2000, endpoint=False)
    radius = 55_000 * (1 + 0.05 * np.sin(9 * theta) + 0.002 * rng.standard_normal(2000))
    cx, cy = 35_650_000.0, 2_800_000.0
    shell = np.column_stack([cx + radius * np.cos(theta), cy + radius * np.sin(theta)])
    hole = shapely.Point(cx, cy).buffer(8_000, quad_segs=64).exterior.coords
    big = shapely.Polygon(shell, [hole])
    small = shapely.box(35_400_000, 2_700_000, 35_400_003, 2_700_002)  # 6 m²
    multi = shapely.MultiPolygon([big, small])
    areas = ellipsoidal_areas([multi, small, shapely.Point(0, 0), shapely.Polygon()], crs)
    reference = pyproj_areas([multi, small], crs)
    assert 9.0e9 < areas[0] < 1.0e10
    assert abs(areas[0] - reference[0]) <= 1e-12 * reference[0]
    assert abs(areas[1] - reference[1]) <= tolerance(reference[1], 5)
    assert areas[1] == pytest.approx(6.0, rel=1e-3)
    assert areas[2] == 0.0 and areas[3] == 0.0


def test_areas_zones_and_coordinate_checks_share_one_transformation(monkeypatch):
    built = []
    original = transform.Transformer.from_crs

    def counted(*args, **kwargs):
        built.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(transform.Transformer, "from_crs", counted)
    transform._to_own_geodetic.cache_clear()
    _to_geodetic.cache_clear()
    crs = CRS.from_epsg(4523)  # its geodetic CRS's WKT is not its WKT copy's
    square = shapely.box(35_500_000, 2_700_000, 35_501_000, 2_701_000)
    ellipsoidal_areas([square], CRS.from_wkt(crs.to_wkt()))
    assert traps.crs_plausibility(crs, square.bounds) == "ok"
    measuring.centres_lonlat(np.array([square]), crs)
    assert len(built) == 1
