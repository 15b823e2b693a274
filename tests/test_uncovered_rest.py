"""The uncovered rest of a site on the ellipsoid: none where the layer covers it, its own area else.

A site's ellipsoidal area and its pieces' are each the polygon with geodesic
edges of their own vertices; the pieces have more vertices on the site's long
edges, so on an 80 m × 40 km corridor they add up to about 10 m² less than the
site. That difference is no ground the layer leaves uncovered.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from common import GK35, frame, sites, square
from pyproj import CRS, Geod, Transformer

import landcheck
from landcheck.areas import ellipsoidal_areas

GEOD = Geod(a=6_378_137.0, rf=298.257222101)  # CGCS2000
TO_DEGREES = Transformer.from_crs(GK35, "EPSG:4490", always_xy=True)

WIDTH, LENGTH, PARCELS = 80.0, 40_000.0, 40


def geodesic_m2(polygon: shapely.Polygon) -> float:
    """pyproj's geodesic area of a polygon's exterior ring, its vertices inverse-projected."""
    x, y = np.asarray(polygon.exterior.coords).T
    lon, lat = TO_DEGREES.transform(x, y)
    return abs(GEOD.polygon_area_perimeter(lon, lat)[0])


def parcels(gap_m: float = 0.0) -> list[dict]:
    """40 dry-land parcels of 1 km across the corridor; the 21st starts ``gap_m`` further on."""
    rows = []
    for i in range(PARCELS):
        start = i * 1000.0 + (gap_m if i == 20 else 0.0)
        bottom = -50.0 if i == 0 else start
        top = LENGTH + 50.0 if i == PARCELS - 1 else (i + 1) * 1000.0
        rows.append(
            {
                "BSM": f"P{i}",
                "DLBM": "0103",
                "KCXS": 0.0,
                "QSXZ": "30",
                "geometry": square(-50.0, bottom, WIDTH + 100.0, top - bottom),
            }
        )
    return rows


def corridor(gap_m: float = 0.0, **method: str) -> landcheck.CheckResult:
    return landcheck.check(
        sites(square(0.0, 0.0, WIDTH, LENGTH)),
        layers={"land_use": frame(parcels(gap_m))},
        **method,
    )


def cultivated(result: landcheck.CheckResult):
    return next(f for f in result.site_findings("S1") if f.check == "cultivated_land")


def test_a_corridor_wholly_covered_by_parcels_is_covered_on_the_ellipsoid():
    result = corridor()
    site_m2 = result.sites.loc[0, "ellipsoidal_m2"]
    # the pieces' own geodesic areas add up to ~10 m² less than the corridor's
    pieces = [
        shapely.intersection(square(0.0, 0.0, WIDTH, LENGTH), p["geometry"]) for p in parcels()
    ]
    assert site_m2 - sum(map(geodesic_m2, pieces)) == pytest.approx(10.52, abs=0.05)
    view = result.layer("S1", "land_use")
    assert (view.uncovered.planar_m2, view.uncovered.ellipsoidal_m2) == (0.0, 0.0)
    assert view.overlap.ellipsoidal_m2 == pytest.approx(site_m2, rel=1e-12)
    assert view.classes["ellipsoidal_m2"].sum() == pytest.approx(site_m2, rel=1e-12)
    # the pieces listed add up to it too
    listed = result.pieces["land_use"]["counted_ellipsoidal_m2"].sum()
    assert listed == pytest.approx(site_m2, rel=1e-12)
    found = cultivated(result)
    assert (found.status, found.outcome) == ("conditional", "compensate")
    assert found.area.ellipsoidal_m2 == pytest.approx(site_m2, rel=1e-12)
    planar = cultivated(corridor(area_method="planar"))
    assert (planar.status, planar.outcome) == ("conditional", "compensate")
    assert planar.area.planar_m2 == pytest.approx(WIDTH * LENGTH, rel=1e-12)


def test_a_gap_in_the_parcels_of_a_corridor_keeps_its_own_ellipsoidal_area():
    # a 50 m gap across the corridor: 4,000 m², not 4,000 m² + the edges' 10.5 m²
    result = corridor(gap_m=50.0)
    view = result.layer("S1", "land_use")
    gap = square(0.0, 20_000.0, WIDTH, 50.0)
    assert view.uncovered.planar_m2 == pytest.approx(4_000.0, rel=1e-9)
    # its own geodesic area, with its share of the corridor's closing difference (3.3e-6)
    assert view.uncovered.ellipsoidal_m2 == pytest.approx(geodesic_m2(gap), rel=1e-5)
    assert view.uncovered_width_m == pytest.approx(2 * 4_000.0 / 260.0, rel=1e-9)
    site_m2 = result.sites.loc[0, "ellipsoidal_m2"]
    total = view.classes["ellipsoidal_m2"].sum() + view.uncovered.ellipsoidal_m2
    assert total == pytest.approx(site_m2, rel=1e-12)
    found = cultivated(result)
    assert (found.status, found.outcome) == ("unknown", "incomplete")
    assert f"{view.uncovered.ellipsoidal_m2:.2f} m² of the site not covered" in found.message.en


def test_a_half_covered_site_keeps_its_uncovered_half():
    site = square(0.0, 0.0, 100.0)
    survey = frame(
        [{"BSM": "a", "DLBM": "0103", "KCXS": 0.0, "geometry": square(-10, -10, 60, 120)}]
    )
    result = landcheck.check(sites(site), layers={"land_use": survey})
    view = result.layer("S1", "land_use")
    east = square(50.0, 0.0, 50.0, 100.0)
    assert view.uncovered.planar_m2 == pytest.approx(5_000.0, rel=1e-12)
    assert view.uncovered.ellipsoidal_m2 == pytest.approx(geodesic_m2(east), rel=1e-6)
    site_m2 = result.sites.loc[0, "ellipsoidal_m2"]
    total = view.classes["ellipsoidal_m2"].sum() + view.uncovered.ellipsoidal_m2
    assert total == pytest.approx(site_m2, rel=1e-12)
    assert view.overlap.ellipsoidal_m2 == pytest.approx(
        geodesic_m2(square(0, 0, 50, 100)), rel=1e-6
    )


def test_a_small_overlap_keeps_its_own_ellipsoidal_area():
    # the site's closing difference is shared out in proportion: none of it lands on 1 m²
    corner = square(99.0, 99.0, 1.0)
    farmland = frame([{"BSM": "F", "geometry": square(99.0, 99.0, 10.0)}])
    result = landcheck.check(sites(square(0.0, 0.0, 100.0)), layers={"farmland": farmland})
    view = result.layer("S1", "farmland")
    own = ellipsoidal_areas([corner], CRS.from_user_input(GK35))[0]
    assert view.overlap.ellipsoidal_m2 == pytest.approx(own, rel=1e-9)
    assert own == pytest.approx(geodesic_m2(corner), abs=1e-5)  # landcheck.geodesic's precision
    site_m2 = result.sites.loc[0, "ellipsoidal_m2"]
    assert view.uncovered.ellipsoidal_m2 == pytest.approx(site_m2 - own, rel=1e-12)
