"""A long slanting site (a road, a railway: 线性工程) is read and cut near itself only.

Its bounding box is mostly empty ground: a 100 km road running north-east has
a box of 70 km × 70 km. The read asks the layer's index with boxes that hug
the road (:mod:`landcheck.boxcover`), the exact filter asks a tree of the
features with the road prepared once, and the road is cut by parts, as huge
features are. The answers are those of the road taken whole.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
import shapely.affinity
from common import GK35, X0, Y0, frame, sites
from pyproj import CRS

import landcheck
import landcheck.io.filtered as filtered
from landcheck import cut
from landcheck.boxcover import COVER_ABOVE, covering_boxes
from landcheck.cut import PIECE_VERTICES, SUBDIVIDE_ABOVE, overlay_arrays, subdivide_near
from landcheck.geometry import LOCAL_CHECK_ABOVE, near_positions

PLANAR = {"area_method": "planar"}
CELL = 250.0
CELLS = 48  # a 12 km square of parcels


def road(length: float = 16_000.0, half_width: float = 40.0) -> shapely.Polygon:
    """A road running north-east from the grid's corner, wiggling 150 m either side."""
    along = np.linspace(0.0, length, int(length / 8))
    off = 150.0 * np.sin(along / 700.0)
    xs = X0 + 300 + (along - off) / np.sqrt(2)
    ys = Y0 + 200 + (along + off) / np.sqrt(2)
    return shapely.LineString(np.column_stack([xs, ys])).buffer(half_width, quad_segs=2)


def parcels() -> np.ndarray:
    i, j = np.meshgrid(np.arange(CELLS), np.arange(CELLS))
    x, y = X0 + i.ravel() * CELL, Y0 + j.ravel() * CELL
    return shapely.box(x, y, x + CELL, y + CELL)


def survey_layer():
    cells = parcels()
    codes = ["0101", "0301", "0702", "1003"]
    return frame(
        [{"BSM": f"P{n}", "DLBM": codes[n % 4], "geometry": cell} for n, cell in enumerate(cells)]
    )


def test_a_huge_slanting_geometry_is_covered_by_boxes_that_hug_it():
    site = road()
    assert shapely.get_num_coordinates(site) > COVER_ABOVE
    compact = shapely.box(X0, Y0, X0 + 10, Y0 + 10)
    boxes = covering_boxes(np.array([compact, site, compact]), 5.0)
    # the small geometries keep their own box grown by the distance, in order
    assert boxes[0].tolist() == boxes[-1].tolist() == [X0 - 5, Y0 - 5, X0 + 15, Y0 + 15]
    mine = shapely.box(*boxes[1:-1].T)
    # every point within 5 m of the road is in a box: the road grown by 4.99 m is covered
    assert shapely.union_all(mine).covers(site.buffer(4.99))
    x0, y0, x1, y1 = site.bounds
    own = shapely.box(x0 - 5, y0 - 5, x1 + 5, y1 + 5)
    assert shapely.area(mine).sum() < 0.2 * own.area  # four fifths of its box are far from it


def test_a_compact_huge_geometry_is_covered_by_its_box_or_less():
    disc = shapely.Point(X0, Y0).buffer(3_000, quad_segs=800)  # 3,201 vertices
    boxes = covering_boxes(np.array([disc]), 1.0)
    assert shapely.union_all(shapely.box(*boxes.T)).covers(disc.buffer(0.99))
    assert shapely.area(shapely.box(*boxes.T)).sum() <= (6_002.0**2) * (1 + 1e-12)


def test_the_exact_filter_with_a_huge_outline_finds_what_a_brute_force_finds():
    site = road()
    features = parcels()
    features[5] = None
    # two huge features (3,201 vertices), one crossing the road, one beside it
    across = shapely.Point(X0 + 4_000, Y0 + 4_000).buffer(300, quad_segs=800)
    beside = shapely.Point(*shapely.get_coordinates(site)[0]).buffer(1, quad_segs=800)
    beside = shapely.affinity.translate(beside, -50 - 40 * np.sqrt(2), 0)
    features = np.concatenate([features, [across, beside]])
    assert shapely.get_num_coordinates(features[-2:]).min() > LOCAL_CHECK_ABOVE
    assert shapely.intersects(site, across) and 1.0 < shapely.distance(site, beside) < 120.0
    for distance in (0.0, 1.0, 120.0):
        expected = [
            n
            for n, f in enumerate(features)
            if f is not None and shapely.dwithin(f, site, distance)
        ]
        small = np.array([shapely.box(X0 + 6000, Y0, X0 + 6010, Y0 + 10)])
        got = near_positions(features, np.concatenate([small, [site]]), distance).tolist()
        near_small = {n for n, f in enumerate(features) if f is not None and f.intersects(small[0])}
        assert got == sorted(set(expected) | near_small)
        assert 0 < len(expected) < len(features) / 4


def test_a_huge_site_is_cut_by_parts_into_the_pieces_the_whole_site_gives(monkeypatch):
    site = road()
    assert shapely.get_num_coordinates(site) > SUBDIVIDE_ABOVE
    cells = parcels()
    made = []

    def parts_of(geoms, near, *args, **kwargs):
        pieces, owner = subdivide_near(geoms, near, *args, **kwargs)
        made.append((geoms, pieces))
        return pieces, owner

    monkeypatch.setattr(cut, "subdivide_near", parts_of)
    small = shapely.box(X0, Y0, X0 + 100, Y0 + 100)
    arrays = overlay_arrays(np.array([site, small]), cells, CRS(GK35))
    # the layer's features were looked at once (none is huge), then the road, and it alone,
    # was cut into parts of at most PIECE_VERTICES vertices
    assert [len(geoms) for geoms, _ in made] == [len(cells), 1] and made[1][0][0] is site
    assert shapely.get_num_coordinates(made[1][1]).max() <= PIECE_VERTICES
    exact = shapely.area(shapely.intersection(site, cells))
    mine = arrays["site"] == 0
    assert arrays["feature"][mine].tolist() == np.flatnonzero(exact > 0).tolist()
    assert arrays["planar_m2"][mine] == pytest.approx(exact[exact > 0], rel=1e-12, abs=1e-6)
    assert arrays["planar_m2"][mine].sum() == pytest.approx(site.area, rel=1e-12)
    # neighbouring parcels' pieces meet where the parcels do: none overlaps another
    assert not arrays["changed"].any()
    pieces = arrays["geometry"][mine]
    a, b = shapely.STRtree(pieces).query(pieces)
    a, b = a[a < b], b[a < b]
    assert not shapely.relate_pattern(pieces[a], pieces[b], "T********").any()
    # the small site is cut as before: one parcel, whole
    assert arrays["planar_m2"][~mine].tolist() == [10_000.0]


@pytest.mark.parametrize("storage", ["gpkg", "parquet"])
def test_a_road_site_reads_only_the_parcels_near_it_and_measures_them(
    storage, tmp_path, monkeypatch
):
    asked: list[int] = []
    if storage == "gpkg":
        source = f"{tmp_path / 'survey.gpkg'}:land_use"
        survey_layer().to_file(tmp_path / "survey.gpkg", layer="land_use", driver="GPKG")
        ask, name = filtered._rtree_candidates, "_rtree_candidates"
    else:
        source = str(tmp_path / "survey.parquet")
        survey_layer().to_parquet(source, write_covering_bbox=True, row_group_size=500)
        ask, name = filtered.boxes_meeting, "boxes_meeting"

    def counted(*args):
        found = ask(*args)
        asked.append(len(found))
        return found

    monkeypatch.setattr(filtered, name, counted)
    site = road()
    result = landcheck.check(sites(site), layers={"land_use": source}, **PLANAR)
    record = next(r for r in result.inputs if r.key == "land_use")
    cells = parcels()
    margin = 1.0  # the read's margin: the exact filter keeps the parcels within it
    near = shapely.dwithin(cells, site, margin)
    assert record.features_read == int(near.sum())
    in_box = shapely.intersects(cells, shapely.box(*site.bounds))
    # the index (the features' boxes) was asked with boxes hugging the road: a third of the
    # parcels in its box
    assert len(asked) == 1 and asked[0] < 0.35 * in_box.sum()
    assert asked[0] >= near.sum()
    # the classes add up to the road, each the area of its parcels' overlaps
    overlap = shapely.area(shapely.intersection(site, cells))
    codes = np.array(["0101", "0301", "0702", "1003"])[np.arange(len(cells)) % 4]
    classes = result.class_table
    by_code = dict(zip(classes["code"], classes["planar_m2"], strict=True))
    for code in codes[overlap > 0]:
        assert by_code[code] == pytest.approx(overlap[codes == code].sum(), rel=1e-12)
    assert sum(by_code.values()) == pytest.approx(site.area, rel=1e-12)
    assert result.layer_area("S1", "land_use").planar_m2 == pytest.approx(site.area, rel=1e-12)


def test_a_rest_below_the_rounding_of_a_big_site_area_is_not_measured():
    # each site has a 1 cm² corner left out of the boundary: ground beside a 1 ha site,
    # rounding beside a 49 km² one (1e-11 of it is 4.9 cm²), whose rest is not cut out
    notch = 0.01 * np.sqrt(2.0)  # the legs of a right triangle of 1e-4 m²
    small, big = square_at(0, 100.0), square_at(20_000, 7_000.0)
    boundary = frame(
        [
            {"BSM": f"U{n}", "GHFQDM": "0401", "geometry": shapely.difference(s, corner(s, notch))}
            for n, s in enumerate((small, big))
        ]
    )
    result = landcheck.check(sites(small, big), layers={"urban_boundary": boundary}, **PLANAR)
    for site_id in ("S1", "S2"):
        rest = result.layer(site_id, "urban_boundary").uncovered.planar_m2
        assert rest == pytest.approx(1e-4, rel=1e-3)
    # the small site's rest is measured: a triangle's mean width 2A/P
    width = 2e-4 / (2 * notch + 0.02)
    assert result.layer("S1", "urban_boundary").uncovered_width_m == pytest.approx(width, rel=1e-3)
    assert result.layer("S2", "urban_boundary").uncovered_width_m == 0.0


def square_at(x: float, size: float) -> shapely.Polygon:
    return shapely.box(X0 + x, Y0, X0 + x + size, Y0 + size)


def corner(site: shapely.Polygon, legs: float) -> shapely.Polygon:
    x, y = site.bounds[:2]
    return shapely.Polygon([(x, y), (x + legs, y), (x, y + legs)])
