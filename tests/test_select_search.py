"""Search: proposals of the required area inside the buildable land, ranked by the rule."""

from __future__ import annotations

import importlib

import pytest
import shapely
from common import county, frame, square

import landcheck
from landcheck.errors import InputDataError

PLANAR = {"area_method": "planar"}


def described(rows: list[dict], key: str = "F") -> list[dict]:
    """A layer's features and two 1 m squares 1.5 km beyond the area of interest's corners.

    Without a land-use survey or a coverage polygon a layer describes its extent: the
    squares make it hold the area of interest and the 1,000 m around it, where the
    distances are measured (else they are not known).
    """
    return [
        *rows,
        {"BSM": f"{key}-far1", "geometry": square(-1500, -1500, 1)},
        {"BSM": f"{key}-far2", "geometry": square(1800, 1800, 1)},
    ]


def half_redline():
    aoi = frame([{"geometry": square(0, 0, 300)}])
    redline = frame(described([{"BSM": "R1", "geometry": square(0, 0, 150, 300)}], "R"))
    return aoi, {"eco_redline": redline}


def test_squares_of_the_required_area_in_the_free_half():
    aoi, layers = half_redline()
    result = landcheck.search(aoi, 2.0, layers=layers, count=3, max_aspect=1.0, **PLANAR)
    proposals = result.proposals
    # a 141.42 m square fits twice in the 150 x 300 m free half, once above the other
    assert len(proposals) == 2
    assert any("only 2 non-overlapping" in w for w in result.warnings)
    assert proposals["area_ha"].tolist() == pytest.approx([2.0, 2.0], rel=1e-9)
    assert proposals["width_m"].tolist() == pytest.approx([20_000**0.5] * 2)
    free = square(150, 0, 150, 300)
    for geom in proposals.geometry:
        assert free.buffer(1e-6).covers(geom)
    a, b = proposals.geometry
    assert shapely.intersection(a, b).area < 1e-3
    assert proposals["rank"].tolist() == [1, 2]
    assert result.comparison.order == proposals["site_id"].tolist()


def test_rectangles_may_be_chosen_to_keep_away_from_constraints():
    aoi, layers = half_redline()
    result = landcheck.search(aoi, 2.0, layers=layers, count=1, **PLANAR)
    best = result.proposals.iloc[0]
    # a 100 x 200 m rectangle stands 50 m from the redline, farther than any square can
    assert best["width_m"] == pytest.approx(100.0)
    assert best["length_m"] == pytest.approx(200.0)
    assert best["nearest_hard_m"] == pytest.approx(50.0, abs=1e-6)
    assert best["area_ha"] == pytest.approx(2.0, rel=1e-9)


def test_land_classes_decide_where_to_search():
    aoi = frame([{"geometry": square(0, 0, 600, 200)}])
    land_use = frame(
        [
            {"BSM": "L1", "DLBM": "0101", "geometry": square(0, 0, 300, 200)},
            {"BSM": "L2", "DLBM": "0404", "geometry": square(300, 0, 300, 200)},
        ]
    )
    layers = {
        "land_use": land_use,
        "farmland": frame([{"BSM": "F", "geometry": square(0, 500, 10)}]),
        "eco_redline": frame([{"BSM": "R", "geometry": square(0, 600, 10)}]),
    }
    result = landcheck.search(aoi, 1.0, layers=layers, count=2, max_aspect=1.0, **PLANAR)
    for geom in result.proposals.geometry:
        assert square(300, 0, 300, 200).buffer(1e-6).covers(geom)  # the grassland, not paddy
    assert (result.proposals["paddy_ha"] == 0).all()
    assert (result.proposals["score"] == 0).all()


def test_same_inputs_same_proposals():
    aoi, layers = half_redline()
    one = landcheck.search(aoi, 1.5, layers=layers, count=3, **PLANAR)
    two = landcheck.search(aoi, 1.5, layers=layers, count=3, **PLANAR)
    assert [g.wkb for g in one.proposals.geometry] == [g.wkb for g in two.proposals.geometry]


def test_nothing_fits_is_an_answer_not_an_error():
    aoi, layers = half_redline()
    result = landcheck.search(aoi, 5.0, layers=layers, **PLANAR)
    assert result.proposals.empty and result.comparison is None
    assert any("no site of 5 ha fits" in w for w in result.warnings)
    assert "no proposal fits" in result.explain()


def test_minimum_width_wider_than_the_site_is_refused():
    aoi, layers = half_redline()
    with pytest.raises(InputDataError, match="minimum width"):
        landcheck.search(aoi, 1.0, layers=layers, min_width_m=150, **PLANAR)


def test_candidates_are_thinned_to_the_limit():
    aoi, layers = half_redline()
    result = landcheck.search(aoi, 0.25, layers=layers, count=2, max_candidates=20, **PLANAR)
    assert result.stats["candidates"] == 20
    assert result.stats["rectangles_fit"] > 20
    assert len(result.proposals) == 2
    assert result.to_dict()["stats"]["candidates"] == 20


def test_spacing_keeps_proposals_apart():
    aoi, layers = half_redline()
    # two 141.42 m squares stacked in 300 m leave 17.2 m to spare: a 20 m spacing allows one
    result = landcheck.search(
        aoi, 2.0, layers=layers, count=3, max_aspect=1.0, spacing_m=20, **PLANAR
    )
    assert len(result.proposals) == 1
    # on a 5 m grid the squares at y = 0 and y = 155 stand 13.6 m apart
    result = landcheck.search(
        aoi, 2.0, layers=layers, count=3, max_aspect=1.0, spacing_m=10, step_m=5, **PLANAR
    )
    assert len(result.proposals) == 2
    a, b = result.proposals.geometry
    assert a.distance(b) == pytest.approx(155 - 20_000**0.5)


def test_project_class_gives_the_real_status():
    import select_scenario as scenario

    # grassland outside the urban boundary (x 3000-3800 of the scenario strip)
    aoi = frame([{"geometry": square(3000, 0, 700, 1000)}])
    statuses = {}
    for klass in ("industrial", "energy"):
        result = landcheck.search(
            aoi,
            4.0,
            layers=scenario.layers(),
            count=1,
            project_class=klass,
            max_candidates=50,
            **PLANAR,
        )
        statuses[klass] = result.proposals["status"].iloc[0]
    # outside the boundary an industrial project is not permitted; an energy one may be
    # there (2026 measures), and on unused grassland it converts no agricultural land
    assert statuses == {"industrial": "prohibited", "energy": "info"}
    with pytest.raises(InputDataError, match="unknown project class"):
        landcheck.search(aoi, 4.0, layers=scenario.layers(), project_class="casino")


@pytest.mark.parametrize("degrees", [7, 15, 20])
def test_a_site_that_fits_a_turned_patch_with_less_room_than_a_step_is_found(degrees):
    # a 200 m square fits a 250 m square patch at any angle, 25 m to spare all round; the grid
    # of positions began flush with the turned patch's bounds, a third of a side apart, and
    # tried none in the middle: "no site of 4 ha fits (largest patch 6.2490 ha)"
    import shapely.affinity

    patch = shapely.affinity.rotate(square(0, 0, 250), degrees, origin="centroid")
    far = {"eco_redline": frame([{"BSM": "R1", "geometry": square(5000, 5000, 10)}])}
    aoi = frame([{"geometry": patch}])
    result = landcheck.search(aoi, 4.0, layers=far, count=1, coverage=county(), **PLANAR)
    (proposal,) = result.proposals.geometry
    assert proposal.area == pytest.approx(40_000.0, rel=1e-9)
    assert patch.buffer(1e-6).covers(proposal)
    assert not any(w.startswith("no site") for w in result.warnings)


def test_nothing_fits_names_the_largest_patch_there_is():
    # the largest patch was measured after those smaller than the site were dropped: "largest
    # patch 0.0000 ha" beside a free half of 4.5 ha
    aoi, layers = half_redline()
    result = landcheck.search(aoi, 5.0, layers=layers, count=1, **PLANAR)
    assert len(result.proposals) == 0
    (said,) = [w for w in result.warnings if w.startswith("no site of 5 ha fits")]
    assert "(largest patch 4.5000 ha with the minimum width" in said


def test_a_patchs_own_orientation_is_found_at_gauss_kruger_coordinates():
    # GEOS's rotated rectangle at eastings of 3.5e7 m was off by 0.012°: a 400 m x 200 m
    # site in a 400.05 m x 200.05 m patch turned 138.3° was "no site fits"
    from shapely import affinity

    from landcheck.select.search import _patch_angle

    patch = affinity.rotate(square(0, 0, 400.05, 200.05), 138.3, origin="centroid")
    assert _patch_angle(patch) == pytest.approx(138.3, abs=1e-6)


def test_a_proposal_never_falls_short_of_the_area_by_more_than_the_tolerance():
    # ellipsoidal sizes: one planar-to-ellipsoidal ratio for an area from the central
    # meridian to 2° east is 10⁻³ off at its far end, where a "4 ha" proposal held 3.996 ha
    import geopandas as gpd
    from pyproj import Transformer

    from landcheck.areas import ellipsoidal_areas

    to_gk = Transformer.from_crs(4490, 4523, always_xy=True)
    x_near, y = to_gk.transform(105.0, 24.4)
    x_far, _ = to_gk.transform(107.0, 24.4)
    side = 200.0 * 1.0005  # a 4 ha square of the ellipsoid is about 200.3 m of the plane there
    aoi = gpd.GeoDataFrame(
        {"name": ["near", "far"]},
        geometry=[
            shapely.box(x_near, y, x_near + 400, y + 400),
            shapely.box(x_far, y, x_far + 1.01 * side, y + 0.9997 * side),
        ],
        crs="EPSG:4523",
    )
    far_line = gpd.GeoDataFrame(
        {"BSM": ["R"]},
        geometry=[shapely.box(x_near, y - 5000, x_near + 1, y - 4999)],
        crs="EPSG:4523",
    )
    # the layer is said to describe the area (its coverage polygon): else nothing is searched
    result = landcheck.search(aoi, 4.0, layers={"eco_redline": far_line}, count=50, coverage=aoi)
    areas = ellipsoidal_areas(result.proposals.geometry.values, result.proposals.crs)
    assert len(areas) and all(abs(a / 40_000.0 - 1.0) <= 1e-4 for a in areas)


def corners_only():
    """A 1200 × 400 m area of interest whose layers describe only x 0–400 (their extents).

    Farmland and redline are 10 m squares in the corners of x 0–400, y 0–400; east of it
    nothing is known. Every 1 ha candidate there took "0 ha" and stood farther from them than
    any candidate among them: a search proposed only land without data.
    """
    aoi = frame([{"geometry": square(0, 0, 1200, 400)}])
    farmland = frame(
        [
            {"BSM": f"F{i}", "geometry": square(x, y, 10)}
            for i, (x, y) in enumerate([(0, 0), (390, 390)])
        ]
    )
    redline = frame(
        [
            {"BSM": f"R{i}", "geometry": square(x, y, 10)}
            for i, (x, y) in enumerate([(0, 390), (390, 0)])
        ]
    )
    return aoi, {"farmland": farmland, "eco_redline": redline}


def test_search_proposes_described_land_before_land_without_data():
    aoi, layers = corners_only()
    result = landcheck.search(aoi, 1.0, layers=layers, count=3, max_aspect=1.0, **PLANAR)
    proposals = result.proposals
    assert len(proposals) == 3
    described_land = square(0, 0, 400, 400).buffer(1e-6)
    assert all(described_land.covers(g) for g in proposals.geometry)
    assert proposals["farmland_ha"].tolist() == [0.0] * 3
    assert proposals["score"].tolist() == [0.0] * 3
    assert not any("beyond the area" in w for w in result.warnings)


def test_proposals_beyond_the_urban_boundarys_data_come_last_and_are_named():
    # the hard layers describe the whole area of interest (their extents); the urban
    # boundary's data ends at x 250. Land a hard layer does not describe is not searched
    # (test_select_undescribed), but the urban boundary is no hard constraint here: its
    # share of a proposal beyond x 250 is not known, and so is the score
    aoi = frame([{"geometry": square(0, 0, 1200, 400)}])
    layers = {
        "farmland": frame(described([{"BSM": "F0", "geometry": square(390, 390, 10)}])),
        "eco_redline": frame(described([{"BSM": "R0", "geometry": square(390, 0, 10)}], "R")),
        "urban_boundary": frame([{"BSM": "U1", "geometry": square(0, 0, 250, 400)}]),
    }
    result = landcheck.search(aoi, 1.0, layers=layers, count=12, max_aspect=1.0, **PLANAR)
    table = result.table
    beyond = table["score"].isna().to_numpy()
    assert 0 < beyond.sum() < len(table)
    assert not beyond[: (~beyond).sum()].any()  # the known scores first
    assert (table.loc[beyond, "score_unknown"] == "outside_urban_ha").all()
    assert (table.loc[beyond, "urban"] == "unknown").all()
    inside = square(0, 0, 250, 400).buffer(1e-6)
    assert [inside.covers(g) for g in result.proposals.geometry] == list(~beyond)
    (said,) = [w for w in result.warnings if "beyond the area those layers describe" in w]
    named = [f"{sid} (urban_boundary)" for sid in table.loc[beyond, "site_id"]]
    assert said.startswith(f"proposal(s) {'; '.join(named)} lie partly beyond")


def test_a_grid_that_would_try_too_many_placements_is_widened_or_refused(monkeypatch):
    module = importlib.import_module("landcheck.select.search")  # the package names the function

    # a 50 m square (0.25 ha) and its rectangles, turned every 15°, in the 150 x 300 m free
    # half: the default grid of 16.67 m tries 7,967 positions; at most 2,000 are allowed here
    monkeypatch.setattr(module, "MAX_PLACEMENTS", 2000)
    aoi, layers = half_redline()
    result = landcheck.search(aoi, 0.25, layers=layers, count=2, **PLANAR)
    assert 0 < result.stats["placements_tried"] <= 2000
    assert result.stats["rectangles_fit"] <= result.stats["placements_tried"]
    assert result.parameters["step_m"] > 50.0 / 3.0
    (said,) = [w for w in result.warnings if "the grid was widened" in w]
    assert said.startswith("a grid of 16.7 m (a third of the site's side) would try 7,967")
    assert len(result.proposals) == 2
    with pytest.raises(InputDataError, match=r"a grid of 5 m would try [\d,]+ placements"):
        landcheck.search(aoi, 0.25, layers=layers, count=2, step_m=5, **PLANAR)


def test_fewer_proposals_than_asked_among_thinned_candidates_is_said_as_such():
    # 20 of the placements that fit are pre-examined: "only N fit" was said of those 20
    aoi, layers = half_redline()
    result = landcheck.search(aoi, 0.25, layers=layers, count=50, max_candidates=20, **PLANAR)
    fit, found = result.stats["rectangles_fit"], len(result.proposals)
    assert fit > 20 and found < 50
    (said,) = [w for w in result.warnings if w.startswith("only")]
    assert said == (
        f"only {found} non-overlapping site(s) of 0.25 ha were found among the 20 placements "
        f"pre-examined of {fit:,} that fit; more may fit: raise max_candidates "
        "(--max-candidates) to examine more"
    )
