"""The ground a project's sites share, and a layer's features share, measured as the sites are.

Sites of zone 36 (declared in EPSG:4524, on its central meridian) checked in zone 35 are
measured in zone 36: the ground they share must be measured there too (and on the
ellipsoid), not planar in the analysis CRS 3° away.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod, Transformer
from shapely import box

import landcheck
import landcheck.evaluation as evaluation

GEOD = Geod(a=6378137.0, rf=298.257222101)  # CGCS2000


class Place:
    """Rectangles whose lower-left corner is (x, y) metres from a point given in degrees."""

    def __init__(self, lon: float, lat: float, crs: str) -> None:
        x, y = Transformer.from_crs("EPSG:4490", crs, always_xy=True).transform(lon, lat)
        self.crs, self.x0, self.y0 = crs, round(x), round(y)
        self.to_degrees = Transformer.from_crs(crs, "EPSG:4490", always_xy=True)

    def box(self, x: float, y: float, width: float, height: float) -> shapely.Polygon:
        return box(self.x0 + x, self.y0 + y, self.x0 + x + width, self.y0 + y + height)

    def frame(self, rows: list[dict]) -> gpd.GeoDataFrame:
        geometry = [r.pop("geometry") for r in rows]
        return gpd.GeoDataFrame(rows, geometry=geometry, crs=self.crs)

    def sites(self, *geoms: shapely.Polygon, **columns: list) -> gpd.GeoDataFrame:
        ids = {"site_id": [f"S{i + 1}" for i in range(len(geoms))]}
        return gpd.GeoDataFrame({**ids, **columns}, geometry=list(geoms), crs=self.crs)

    def coverage(self) -> gpd.GeoDataFrame:
        return self.frame([{"name": "c", "geometry": self.box(-30_000, -30_000, 60_000, 60_000)}])

    def geodesic_m2(self, polygon: shapely.Polygon) -> float:
        """pyproj's geodesic area of the polygon's exterior, its vertices as given."""
        lon, lat = self.to_degrees.transform(*np.asarray(polygon.exterior.coords).T)
        return abs(GEOD.polygon_area_perimeter(lon, lat)[0])


def _project_areas(monkeypatch) -> list:
    """Collects the project totals :func:`evaluation._with_areas` gives, run after run."""
    seen: list = []
    real = evaluation._with_areas

    def with_areas(*args, **kwargs):
        out = real(*args, **kwargs)
        seen.append(out)
        return out

    monkeypatch.setattr(evaluation, "_with_areas", with_areas)
    return seen


def _survey(place: Place, **fields) -> gpd.GeoDataFrame:
    row = {"BSM": "A", "DLBM": "0301", "KCXS": 0.0, **fields}
    return place.frame([{**row, "geometry": place.box(-10, -10, 1_000, 400)}])


ZONE36 = Place(108.0, 25.0, "EPSG:4524")


@pytest.mark.parametrize("method", ["planar", "ellipsoidal"])
def test_a_projects_area_is_its_union_measured_in_its_sites_zone(monkeypatch, method):
    # two 100 m x 300 m rectangles of zone 36 sharing exactly 100 m x 100 m: the project is
    # 50,000 m² in zone 36; its shared ground was measured planar in zone 35 (10,045 m²)
    # and taken off the sums of zone 36, so the project read 49,955 m²
    a, b = ZONE36.box(0, 0, 300, 100), ZONE36.box(200, 0, 300, 100)
    union = a.union(b)
    assert union.area == 50_000.0
    seen = _project_areas(monkeypatch)
    landcheck.check(
        ZONE36.sites(a, b, project_id=["P1", "P1"]),
        layers={"land_use": _survey(ZONE36)},
        coverage=ZONE36.coverage(),
        crs="EPSG:4523",
        area_method=method,
    )
    (projects,) = seen
    assert projects[0] is projects[1]
    area = projects[0].area
    assert area.planar_m2 == pytest.approx(50_000.0, abs=1e-6)
    assert area.ellipsoidal_m2 == pytest.approx(ZONE36.geodesic_m2(union), rel=1e-6)
    # the shared ground the 征收 check prints: m² by the run's method
    geodesic = ZONE36.geodesic_m2(a) + ZONE36.geodesic_m2(b) - ZONE36.geodesic_m2(union)
    expected = 10_000.0 if method == "planar" else geodesic
    assert projects[0].overlap_m2 == pytest.approx(expected, rel=1e-6)


def test_a_project_of_five_hectares_in_its_own_zone_is_large():
    # 4.0000 ha and 4.9040 ha sharing 3.9000 ha: 5.0040 ha in zone 36 (at least 5 ha: the
    # large-project note); measured off zone 35 it read 4.99xx ha and was not involved
    a, b = ZONE36.box(0, 0, 200, 200), ZONE36.box(5, 0, 245.2, 200)
    heritage = ZONE36.frame(
        [{"BSM": "H", "FWLX": "建设控制地带", "geometry": ZONE36.box(5_000, 5_000, 10, 10)}]
    )
    for method in ("planar", "ellipsoidal"):
        result = landcheck.check(
            ZONE36.sites(a, b, project_id=["P1", "P1"]),
            layers={"land_use": _survey(ZONE36), "heritage": heritage},
            coverage=ZONE36.coverage(),
            crs="EPSG:4523",
            area_method=method,
        )
        found = next(f for f in result.site_findings("S1") if f.check == "heritage")
        assert (found.outcome, found.status) == ("large_project", "info")
        assert "所属项目 P1 用地合计 5.0040 公顷" in found.message.zh


EAST35 = Place(107.2, 25.0, "EPSG:4523")  # 2.2° east of zone 35's meridian, measured there


@pytest.mark.parametrize("method", ["planar", "ellipsoidal"])
def test_the_ground_a_projects_sites_share_is_printed_in_the_runs_method(method):
    # 200 m squares sharing 100 m x 200 m: 20,000 m² planar, 19,975.62 m² on the ellipsoid;
    # an ellipsoidal run printed the planar figure among its ellipsoidal ones
    a, b = EAST35.box(0, 0, 200, 200), EAST35.box(100, 0, 200, 200)
    shared = EAST35.geodesic_m2(a.intersection(b))
    assert shared == pytest.approx(19_975.62, abs=0.005)
    farmland = EAST35.frame([{"BSM": "F1", "geometry": EAST35.box(2_000, 2_000, 10, 10)}])
    result = landcheck.check(
        EAST35.sites(a, b, project_id=["P1", "P1"]),
        layers={"land_use": _survey(EAST35, QSXZ="30"), "farmland": farmland},
        coverage=EAST35.coverage(),
        area_method=method,
    )
    for site_id in ("S1", "S2"):
        found = next(f for f in result.site_findings(site_id) if f.check == "expropriation")
        # 6-8 ha however the shared ground is counted: the province, the overlap in its note
        assert (found.outcome, found.status) == ("province", "info")
        printed = "20000.00" if method == "planar" else f"{shared:.2f}"
        assert f"{printed} m²" in found.message.en
        assert f"相互重叠 {printed} 平方米" in found.message.zh


def test_sites_of_one_project_in_two_zones_share_their_ellipsoidal_ground_and_say_so(
    monkeypatch,
):
    # sites given in degrees either side of 106.5°E (zones 35 and 36), sharing 0.002° of
    # longitude: each is measured in its own zone, no one plane holds their union, so the
    # shared ground is the ellipsoidal figure for the planar sum too, and a warning says so
    a, b = box(106.40, 25.0, 106.501, 25.002), box(106.499, 25.0, 106.60, 25.002)
    degrees = "EPSG:4490"
    sites = gpd.GeoDataFrame(
        {"site_id": ["S1", "S2"], "project_id": ["P1", "P1"]}, geometry=[a, b], crs=degrees
    )
    survey = gpd.GeoDataFrame(
        {"BSM": ["A"], "DLBM": ["0301"], "KCXS": [0.0]},
        geometry=[box(106.3, 24.99, 106.7, 25.01)],
        crs=degrees,
    )
    seen = _project_areas(monkeypatch)
    result = landcheck.check(
        sites, layers={"land_use": survey}, coverage=survey[["geometry"]], crs="EPSG:4523"
    )
    assert [result.measuring_crs(s) for s in ("S1", "S2")] == ["EPSG:4523", "EPSG:4524"]
    ((project, _),) = seen
    # the sites as the run holds them (their corners moved into zone 35): the ground they
    # share is 0.002° x 0.002° less where the chords of their edges part, 44,722.33 m² (their
    # areas less their union's: 44,722.54 m², their 10 km edges' geodesics not quite
    # through the points where the chords cross, 5 parts in a million)
    in35 = Place(105.0, 25.0, "EPSG:4523")
    to35 = Transformer.from_crs(degrees, "EPSG:4523", always_xy=True)
    a35, b35 = (
        shapely.transform(g, lambda xy: np.column_stack(to35.transform(*xy.T))) for g in (a, b)
    )
    geodesic = in35.geodesic_m2(a35.intersection(b35))
    assert geodesic == pytest.approx(44_722.33, abs=0.005)
    assert project.overlap_m2 == pytest.approx(geodesic, rel=1e-5)
    sums = result.sites[["planar_m2", "ellipsoidal_m2"]].sum()
    assert project.area.planar_m2 == pytest.approx(sums["planar_m2"] - project.overlap_m2, abs=1e-6)
    assert project.area.ellipsoidal_m2 == pytest.approx(
        sums["ellipsoidal_m2"] - project.overlap_m2, abs=1e-6
    )
    said = [w for w in result.warnings if "different zones" in w]
    assert said == [
        "sites S1, S2 of one project are measured in different zones (EPSG:4523, EPSG:4524): "
        f"the {project.overlap_m2:.2f} m² they share is taken off their planar sum as "
        "measured on the ellipsoid (no one plane holds their union)"
    ]


@pytest.mark.parametrize("method", ["planar", "ellipsoidal"])
def test_features_overlapping_inside_a_site_are_said_in_the_runs_method(method):
    # farmland squares of 100 m sharing 50 m x 100 m: 5,000 m² planar, 4,993.91 m² on the
    # ellipsoid; an ellipsoidal run's warning gave the planar figure, unlabelled
    shared = EAST35.box(50, 0, 50, 100)
    farmland = EAST35.frame(
        [
            {"BSM": "F1", "DLBM": "0103", "geometry": EAST35.box(0, 0, 100, 100)},
            {"BSM": "F2", "DLBM": "0103", "geometry": EAST35.box(50, 0, 100, 100)},
        ]
    )
    result = landcheck.check(
        EAST35.sites(EAST35.box(0, 0, 200, 200)),
        layers={"farmland": farmland},
        coverage=EAST35.coverage(),
        area_method=method,
    )
    m2 = 5_000.0 if method == "planar" else EAST35.geodesic_m2(shared)
    assert m2 == pytest.approx(5_000.0 if method == "planar" else 4_993.91, abs=0.005)
    said = [w for w in result.warnings if "overlap each other" in w]
    assert said == [
        f"layer 'farmland': features overlap each other inside site(s) S1 ({m2:.2f} m² in "
        f"all, {method}); the shared area is counted once, under the earlier feature"
    ]
