"""Subdivision of huge features and the nearest feature: same answers, less work."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely
from common import GK35, X0, Y0, frame, sites, square
from pyproj import CRS

import landcheck
from landcheck.overlay import (
    PIECE_VERTICES,
    nearest_features,
    overlay_layer,
    subdivide_near,
)
from landcheck.prepared import prepared_copies


def huge_polygon(n=40_000, seed=3):
    """A star-shaped polygon with a rough edge of n vertices and a hole."""
    rng = np.random.default_rng(seed)
    theta = np.linspace(0, 2 * np.pi, n, endpoint=False)
    r = 5000 * (1 + 0.2 * np.sin(7 * theta) + 0.01 * rng.standard_normal(n))
    shell = np.column_stack([X0 + 6000 + r * np.cos(theta), Y0 + 6000 + r * np.sin(theta)])
    hole = shapely.Point(X0 + 6000, Y0 + 6000).buffer(500, quad_segs=200)
    return shapely.Polygon(shell, [hole.exterior.coords])


def corridor():
    line = shapely.LineString([(X0, Y0 + 3000), (X0 + 12000, Y0 + 9000)])
    return line.buffer(30, cap_style="flat")


def test_subdivided_pieces_are_small_disjoint_and_keep_the_area_near_the_sites():
    polygon = huge_polygon()
    road = corridor()
    pieces, owner = subdivide_near(np.array([polygon]), np.array([road]))
    assert (owner == 0).all()
    assert shapely.get_num_coordinates(pieces).max() <= PIECE_VERTICES
    assert shapely.is_valid(pieces).all()
    # disjoint: their areas add up to the area of their union
    assert shapely.area(pieces).sum() == pytest.approx(shapely.union_all(pieces).area, rel=1e-9)
    # only pieces near the corridor were made, and they hold all of the corridor's overlap
    assert shapely.get_num_coordinates(pieces).sum() < 0.5 * shapely.get_num_coordinates(polygon)
    exact = shapely.intersection(road, polygon).area
    assert shapely.area(shapely.intersection(road, pieces)).sum() == pytest.approx(exact, rel=1e-9)


def test_overlay_of_a_huge_feature_matches_the_unsplit_intersection():
    polygon = huge_polygon()
    layer = frame([{"BSM": "R1", "geometry": polygon}, {"BSM": "R2", "geometry": square(0, 0, 50)}])
    site_geoms = np.array([corridor(), square(5800, 5800, 600), square(10, 10, 100)])
    result = overlay_layer(site_geoms, layer, CRS(GK35), attributes=["BSM"])
    pieces = result.pieces
    # one row per (site, original feature), never one per subdivided piece
    assert not pieces.duplicated(["site", "feature"]).any()
    for row in pieces.itertuples():
        exact = shapely.intersection(site_geoms[row.site], layer.geometry.iloc[row.feature]).area
        assert row.planar_m2 == pytest.approx(exact, rel=1e-9)
    assert sorted(pieces["BSM"]) == ["R1", "R1", "R2"]


def test_check_lists_a_huge_feature_once_per_site():
    layer = frame([{"BSM": "R1", "geometry": huge_polygon()}])
    result = landcheck.check(
        sites(corridor(), crs=GK35), layers={"eco_redline": layer}, area_method="planar"
    )
    view = result.layer("S1", "eco_redline")
    assert view.features["feature_id"].tolist() == ["R1"]
    exact = shapely.intersection(corridor(), huge_polygon()).area
    assert view.overlap.planar_m2 == pytest.approx(exact, rel=1e-9)


def test_nearest_feature_ties_go_to_the_first_in_layer_order():
    site = np.array([square(100, 100, 100)])
    # four features touch the site; the tree's shape must not decide which is "nearest"
    features = np.array(
        [
            square(200, 100, 50),
            square(0, 100, 100),
            square(100, 200, 100),
            square(100, 0, 100),
            square(400, 400, 10),
        ]
    )
    for order in ([0, 1, 2, 3, 4], [3, 2, 1, 0, 4], [4, 2, 0, 3, 1]):
        near = nearest_features(site, features[order], 500.0)
        assert near.loc[0, "distance_m"] == 0.0
        assert near.loc[0, "feature"] == 0 if order[0] != 4 else near.loc[0, "feature"] == 1


def test_nearest_distance_to_a_huge_feature_is_unchanged_by_subdivision():
    polygon = huge_polygon()
    site = np.array([square(12_000, 6_000, 100)])
    near = nearest_features(site, np.array([polygon]), 2000.0)
    assert near.loc[0, "distance_m"] == pytest.approx(shapely.distance(site[0], polygon), abs=1e-6)


@pytest.mark.parametrize("search_m", [0.0, 1.0, 250.0, 3000.0])
def test_overlay_and_nearest_at_once_are_the_two_calls_exactly(search_m):
    from landcheck.overlay import overlay_and_nearest, overlay_arrays

    features = np.array(
        [
            huge_polygon(),
            square(0, 0, 50),
            huge_polygon(n=9_000, seed=5),
            shapely.Polygon(),
            shapely.affinity.translate(huge_polygon(n=5_000, seed=7), 7000, -2000),
        ],
        dtype=object,
    )
    site_geoms = np.array(
        [corridor(), square(5800, 5800, 600), square(10, 10, 100), shapely.Polygon()],
        dtype=object,
    )
    site_geoms = np.concatenate([site_geoms, [square(2000 + 700 * i, 900, 40) for i in range(9)]])
    crs = CRS(GK35)
    arrays, nearest = overlay_and_nearest(site_geoms, features, crs, search_m)
    expected = overlay_arrays(site_geoms, features, crs)
    assert list(arrays) == list(expected)
    for key, values in expected.items():
        if key == "geometry":
            assert shapely.equals_exact(arrays[key], values, tolerance=0.0).all()
        else:
            np.testing.assert_array_equal(arrays[key], values)
            assert arrays[key].dtype == values.dtype
    separate = nearest_features(site_geoms, features, search_m)
    assert nearest.equals(separate) and nearest.index.equals(separate.index)
    assert len(arrays["site"]) > 5 and (search_m == 0 or len(nearest) > 5)


def _parcels_and_sites(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A grid of 20 m parcels sharing their edges (a few missing), and sites on it and beside it.

    Sites whose edges lie on parcel edges, touch parcels at a corner only, cover
    several parcels, sit in a gap, or lie away from every parcel within reach.
    """
    rng = np.random.default_rng(seed)
    cells = [square(20 * i, 20 * j, 20) for i in range(12) for j in range(12)]
    parcels = np.array([c for c in cells if rng.random() > 0.15], dtype=object)
    rng.shuffle(parcels)
    sites_ = [
        square(20 * rng.integers(0, 12), 20 * rng.integers(0, 12), 20 * rng.integers(1, 4))
        for _ in range(25)
    ]
    sites_ += [square(240, 240, 10), square(250, 100, 5), square(-15, -15, 15)]  # corner, beside
    sites_ += [square(20 * rng.uniform(0, 12), 20 * rng.uniform(0, 12), 7) for _ in range(25)]
    return np.array(sites_, dtype=object), parcels


def _tree_nearest(site_geoms: np.ndarray, features: np.ndarray, search_m: float) -> pd.DataFrame:
    """Every site asked of the tree: the nearest features, the first in layer order of ties."""
    (site_idx, feature_idx), distance = shapely.STRtree(features).query_nearest(
        site_geoms, max_distance=search_m, return_distance=True, all_matches=True
    )
    frame = pd.DataFrame({"site": site_idx, "feature": feature_idx, "distance_m": distance})
    first = frame.sort_values(["site", "distance_m", "feature"]).groupby("site").head(1)
    return first.set_index("site").sort_index()


@pytest.mark.parametrize("seed", range(6))
def test_nearest_of_sites_meeting_features_is_the_first_they_meet(seed):
    """Sites that meet a feature are not looked up in the tree: the same answer, ties and all."""
    from landcheck.overlay import overlay_and_nearest

    site_geoms, parcels = _parcels_and_sites(seed)
    crs = CRS(GK35)
    site_geoms = np.array([shapely.affinity.translate(g, X0, Y0) for g in site_geoms])
    parcels = np.array([shapely.affinity.translate(g, X0, Y0) for g in parcels])
    for search_m in (0.5, 30.0):
        expected = _tree_nearest(site_geoms, parcels, search_m)
        _, nearest = overlay_and_nearest(site_geoms, parcels, crs, search_m)
        for found in (nearest, nearest_features(site_geoms, parcels, search_m)):
            assert found.index.tolist() == expected.index.tolist()
            assert found["feature"].tolist() == expected["feature"].tolist()
            assert found["distance_m"].tolist() == expected["distance_m"].tolist()
        assert (nearest["distance_m"] == 0.0).sum() > 20
    assert (nearest["distance_m"] > 0).any()  # within 30 m: the sites beside the grid


def test_only_sites_meeting_no_feature_are_looked_up_for_their_nearest(monkeypatch):
    from landcheck.overlay import overlay_and_nearest

    asked = []
    real = shapely.STRtree.query_nearest

    def query_nearest(self, geometry, *args, **kwargs):
        asked.append(len(geometry))
        return real(self, geometry, *args, **kwargs)

    monkeypatch.setattr(shapely.STRtree, "query_nearest", query_nearest)
    parcels = np.array([square(0, 0, 100), square(100, 0, 100)], dtype=object)
    site_geoms = np.array(
        [square(50, 50, 10), square(95, 10, 10), square(300, 0, 10), shapely.Polygon()],
        dtype=object,
    )
    expected = {
        0: {"feature": 0, "distance_m": 0.0},
        1: {"feature": 0, "distance_m": 0.0},
        2: {"feature": 1, "distance_m": 100.0},
    }
    _, nearest = overlay_and_nearest(site_geoms, parcels, CRS(GK35), 500.0)
    assert asked == [1]  # the site 100 m away; not the two inside, nor the empty one
    assert nearest.to_dict("index") == expected
    assert nearest_features(site_geoms, parcels, 500.0).to_dict("index") == expected
    assert asked == [1, 1]


@pytest.mark.parametrize(
    "values",
    [
        pd.Series(["a", None, "c", "d"], dtype="str"),
        pd.Series([None, None, None, None], dtype="str"),
        pd.Series(["a", "b", "c", "d"], dtype="string"),
        pd.Series(["a", "b", 3, None], dtype=object),
        pd.Series([1.5, np.nan, 3.0, 4.0]),
        pd.Series([1, 2, 3, 4]),
        pd.Series([1, None, 3, 4], dtype="Int64"),
        pd.Series(pd.to_datetime(["2026-01-01", None, "2026-03-01", "2026-04-01"])),
    ],
)
@pytest.mark.parametrize("positions", [[2, 0, 0], [1], []])
def test_attribute_columns_of_the_pieces_are_those_the_values_taken_make(values, positions):
    from landcheck.geometry import column_array
    from landcheck.overlay import _taken

    positions = np.asarray(positions, dtype=np.intp)
    held = column_array(pd.DataFrame({"a": values}, copy=False), "a")  # as overlay_frame reads it
    mine = pd.DataFrame({"a": _taken(held, positions)}, copy=False)
    expected = pd.DataFrame({"a": values.to_numpy()[positions]})
    pd.testing.assert_frame_equal(mine, expected)


def test_no_nearest_features_are_a_frame_of_each_callers_own():
    from landcheck.overlay import nearest_features

    site = np.array([shapely.box(0, 0, 10, 10)])
    first = nearest_features(site, np.array([], dtype=object), 100.0)
    expected = pd.DataFrame({"feature": [], "distance_m": []}, index=pd.Index([], name="site"))
    pd.testing.assert_frame_equal(first, expected)
    first["feature_id"] = np.array([], dtype=object)  # as a layer's evaluation names them
    second = nearest_features(site, np.array([], dtype=object), 100.0)
    assert second is not first
    pd.testing.assert_frame_equal(second, expected)


def _township() -> shapely.Polygon:
    """A 1 km square whose edges hold 1,000 vertices: a feature prepared for its sites."""
    return shapely.segmentize(square(0, 0, 1000), 4.0)


def test_a_big_feature_meets_and_cuts_its_sites_as_a_small_one_would():
    from landcheck.cut import PREPARED_ABOVE, _candidate_pairs, overlay_arrays

    township = _township()
    assert shapely.get_num_coordinates(township) > PREPARED_ABOVE
    features = np.array([township, square(150, 150, 10)])
    site_geoms = np.array(
        [
            square(100, 100, 200),  # inside the township: the piece is the site, 40,000 m²
            square(900, 400, 200),  # across its east edge: 100 m × 200 m inside
            square(1000, 0, 100),  # touching its east edge only: a pair, no area
            square(2000, 2000, 50),  # away from both
        ]
    )
    site_idx, feature_idx = _candidate_pairs(site_geoms, features)
    every = [
        (s, f)
        for s in range(len(site_geoms))
        for f in range(len(features))
        if shapely.intersects(site_geoms[s], features[f])
    ]
    assert list(zip(site_idx.tolist(), feature_idx.tolist(), strict=True)) == every
    assert every == [(0, 0), (0, 1), (1, 0), (2, 0)]
    arrays = overlay_arrays(site_geoms, features, CRS(GK35))
    assert arrays["site"].tolist() == [0, 0, 1]
    assert arrays["feature"].tolist() == [0, 1, 0]
    assert arrays["planar_m2"].tolist() == [40_000.0, 100.0, 20_000.0]
    assert arrays["geometry"][0] is site_geoms[0]
    assert not shapely.is_prepared(features).any()


def test_a_big_feature_is_asked_through_one_prepared_copy_of_it(monkeypatch):
    import landcheck.cut as cut

    township, small = _township(), square(150, 150, 10)
    copied = []

    def counted(geoms):
        copied.append(len(geoms))
        return prepared_copies(geoms)

    monkeypatch.setattr(cut, "prepared_copies", counted)
    site_geoms = np.array([square(100, 100, 200), square(400, 400, 100), square(100, 100, 200)])
    pieces = cut._cut(site_geoms, np.array([township, township, small]))
    assert shapely.area(pieces).tolist() == [40_000.0, 10_000.0, 100.0]
    assert pieces[0] is site_geoms[0] and pieces[1] is site_geoms[1] and pieces[2] is small
    assert copied == [1]  # the township given twice is copied once; the small square never
    assert not shapely.is_prepared(township)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_big_and_small_features_give_the_pairs_and_areas_of_every_pair_tested(seed):
    from landcheck.cut import PREPARED_ABOVE, _candidate_pairs, _cut

    rng = np.random.default_rng(seed)
    centres = rng.uniform(0, 3000, size=(12, 2))
    big = [
        shapely.Point(X0 + x, Y0 + y).buffer(r, quad_segs=100)
        for (x, y), r in zip(centres[:6], rng.uniform(200, 600, 6), strict=True)
    ]
    sizes = rng.uniform(50, 300, 6)
    small = [square(x, y, s) for (x, y), s in zip(centres[6:], sizes, strict=True)]
    features = np.array(big + small, dtype=object)
    assert (shapely.get_num_coordinates(features[:6]) > PREPARED_ABOVE).all()
    corners = rng.uniform(0, 3000, size=(60, 2))
    site_geoms = np.array([square(x, y, 120, 80) for x, y in corners], dtype=object)
    site_idx, feature_idx = _candidate_pairs(site_geoms, features)
    hits = shapely.intersects(site_geoms[:, None], features[None, :])
    assert list(zip(site_idx.tolist(), feature_idx.tolist(), strict=True)) == [
        (s, f) for s, f in zip(*np.nonzero(hits), strict=True)
    ]
    assert len(site_idx) > 20
    pieces = _cut(site_geoms[site_idx], features[feature_idx])
    exact = shapely.area(shapely.intersection(site_geoms[site_idx], features[feature_idx]))
    np.testing.assert_allclose(shapely.area(pieces), exact, rtol=1e-12, atol=1e-9)
    assert not shapely.is_prepared(features).any()


def test_a_piece_that_is_its_whole_site_takes_the_site_s_area():
    from landcheck.areas import ellipsoidal_areas
    from landcheck.cut import cut_and_nearest, overlay_arrays

    crs = CRS(GK35)
    features = np.array([_township()])
    site_geoms = np.array([square(100, 100, 200), square(900, 400, 200), square(300, 600, 50)])
    measured = overlay_arrays(site_geoms, features, crs)
    assert measured["planar_m2"].tolist() == [40_000.0, 20_000.0, 2_500.0]
    # the areas given are taken for the two whole sites (and only for them)
    given = overlay_arrays(site_geoms, features, crs, site_m2=np.array([7.0, 8.0, 9.0]))
    assert given["counted_ellipsoidal_m2"].tolist() == [
        7.0,
        measured["counted_ellipsoidal_m2"][1],
        9.0,
    ]
    assert given["ellipsoidal_m2"].tolist() == [7.0, measured["ellipsoidal_m2"][1], 9.0]
    # the sites' own areas: every number as measured, to the last bit
    own = ellipsoidal_areas(site_geoms, crs)
    for arrays in (
        overlay_arrays(site_geoms, features, crs, site_m2=own),
        cut_and_nearest(site_geoms, features, crs, 50.0, site_m2=own)[0],
    ):
        for key, values in measured.items():
            if key != "geometry":
                assert np.array_equal(arrays[key], values), key


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_each_piece_loses_what_earlier_pieces_of_its_site_cover_as_the_definition_says(seed):
    """Random rectangles, some stacked on their neighbour, 60 sites: each counted piece is, bit
    for bit, the piece minus the union of the earlier pieces of its site whose interiors meet
    it; pieces of other sites never count."""
    from landcheck.cut import _resolve_self_overlaps

    rng = np.random.default_rng(seed)
    n = 600
    site_of = np.sort(rng.integers(0, 60, n))
    x, y = rng.uniform(0, 300, n), rng.uniform(0, 300, n)
    pieces = shapely.box(x, y, x + rng.uniform(5, 60, n), y + rng.uniform(5, 60, n))
    pieces[::9] = pieces[np.maximum(np.arange(0, n, 9) - 1, 0)]
    counted, changed = _resolve_self_overlaps(site_of, pieces)
    expected = pieces.copy()
    for j in range(n):
        earlier = [
            i
            for i in range(j)
            if site_of[i] == site_of[j]
            and shapely.relate_pattern(pieces[i], pieces[j], "T********")
        ]
        assert changed[j] == bool(earlier)
        if earlier:
            left = shapely.difference(pieces[j], shapely.union_all(pieces[earlier]))
            expected[j] = landcheck.polygonal.polygonal_part(np.array([left]))[0]
    assert changed.sum() > 50
    assert [g.wkb for g in counted] == [g.wkb for g in expected]


def test_a_layer_whose_neighbours_overlap_by_slivers_counts_each_shared_strip_once():
    """Five parcels 41 m x 40 m every 40 m, each overlapping the next by a 1 m strip: a site
    200 m x 40 m over them all takes 200 x 40 = 8,000 m², each parcel what the earlier one left
    it: the first 41 m, the next three 40 m, the last 39 m (its last metre is past the site)."""
    parcels = frame(
        [
            {"BSM": f"L{i + 1}", "DLBM": "0101", "geometry": square(40 * i, 0, 41, 40)}
            for i in range(5)
        ]
    )
    result = landcheck.check(
        sites(square(0, 0, 200, 40)), layers={"land_use": parcels}, area_method="planar"
    )
    assert result.layer_area("S1", "land_use").planar_m2 == pytest.approx(8_000.0)
    pieces = result.pieces["land_use"]
    assert pieces["counted_planar_m2"].tolist() == pytest.approx(
        [1_640.0, 1_600.0, 1_600.0, 1_600.0, 1_560.0]
    )
    assert any("overlap each other" in w for w in result.warnings)


def test_a_layer_stacked_thirty_times_is_resolved_from_its_first_copies_alone(monkeypatch):
    """400 parcels of 20 m, each stacked 30 times (a layer appended to itself), under one site
    of 400 m and beside a second site over the first row: the site takes 160,000 m² once, the
    29 later copies of each piece count nothing and are said to overlap (29 x 160,000 m²), and
    the overlaps are looked for among the 400 + 20 first copies, not the 12,600 pieces."""
    import landcheck.cut as cut

    cells = [square(20 * i, 20 * j, 20) for i in range(20) for j in range(20)]
    stacked = frame(
        [
            {"BSM": f"F{k}", "geometry": cell}
            for k, cell in enumerate(c for c in cells for _ in range(30))
        ]
    )
    looked_at = []
    real = cut._overlapping_pairs
    monkeypatch.setattr(
        cut,
        "_overlapping_pairs",
        lambda sites_, pieces: looked_at.append(len(pieces)) or real(sites_, pieces),
    )
    result = landcheck.check(
        sites(square(0, 0, 400, 400), square(0, 0, 400, 20)),
        layers={"farmland": stacked},
        area_method="planar",
    )
    assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(160_000.0, abs=1e-6)
    assert result.layer_area("S2", "farmland").planar_m2 == pytest.approx(8_000.0, abs=1e-6)
    pieces = result.pieces["farmland"]
    assert len(pieces) == 30 * (400 + 20)
    counted = pieces["counted_planar_m2"].to_numpy()
    assert (counted > 0).sum() == 420 and counted.sum() == pytest.approx(168_000.0)
    assert looked_at == [420]
    (said,) = [w for w in result.warnings if "overlap each other" in w]
    assert f"{29 * 168_000:.2f} m² in all" in said
