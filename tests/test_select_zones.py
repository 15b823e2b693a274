"""The selection tools over polygons in two Gauss-Kruger zones: what they make is measured as
a check of it would be, each piece in the zone it lies in.

Every shape is drawn exact in its own 3-degree zone (CGCS2000, EPSG:4543 at 102°E and
EPSG:4544 at 105°E), its edges cut every metre, and given in degrees (EPSG:4490). The batch's
analysis CRS is the first zone's; the second place lies 3° from its meridian, where its plane
makes areas 0.23 % larger than the ground's. Planar areas are asked for, so that the zone an
area is measured in shows.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Transformer

import landcheck
from landcheck.io import read_boundary_txt
from landcheck.report.selection import write_search

WEST, EAST = (100.6, 4543), (105.0, 4544)
LAT = 24.4
PLANAR = {"area_method": "planar"}
COUNTY = gpd.GeoDataFrame(geometry=[shapely.box(100.0, 24.0, 106.0, 25.0)], crs=4490)
BUILD = {**PLANAR, "coverage": COUNTY}
"""Buildable land and search: the layers describe both places (else each layer's extent, its
squares, would be all they describe)."""


def drawn(place, x0, y0, width, height):
    """A rectangle ``x0, y0`` metres from the place's origin, exact in its zone, in degrees."""
    lon, epsg = place
    x, y = Transformer.from_crs(4490, epsg, always_xy=True).transform(lon, LAT)
    box = shapely.segmentize(shapely.box(x + x0, y + y0, x + x0 + width, y + y0 + height), 1.0)
    back = Transformer.from_crs(epsg, 4490, always_xy=True)
    return shapely.transform(box, lambda xy: np.column_stack(back.transform(xy[:, 0], xy[:, 1])))


def in_degrees(ids, geoms, column="site_id"):
    return gpd.GeoDataFrame({column: ids}, geometry=list(geoms), crs=4490)


def far_corners():
    """Two 1 m squares 1.5 km south-west and 2.5 km east of each place's origin.

    Added to a layer, they make its extent (the area it describes, without a survey or a
    coverage polygon) hold the ground within 1,000 m of the candidates, so that their
    distances are known.
    """
    return [drawn(p, x, y, 1, 1) for p in (WEST, EAST) for x, y in ((-1500, -1500), (2500, 1500))]


def two_places():
    """A 300 m square at each place, a 100 m redline square in its south-west corner."""
    squares = in_degrees(["W", "E"], [drawn(p, 0, 0, 300, 300) for p in (WEST, EAST)])
    redline = in_degrees(["RW", "RE"], [drawn(p, 0, 0, 100, 100) for p in (WEST, EAST)], "BSM")
    return squares, redline


def test_the_batch_is_analysed_in_the_first_places_zone():
    squares, redline = two_places()
    result = landcheck.check(squares, layers={"eco_redline": redline}, **PLANAR)
    assert result.analysis_crs.name == "CGCS2000 / 3-degree Gauss-Kruger zone 34"  # 102°E
    assert result.summary["planar_m2"].tolist() == pytest.approx([90_000.0] * 2, abs=1e-3)


def test_avoid_measures_what_each_site_loses_in_its_own_zone():
    # a 10 m strip of redline 270 m north of each origin leaves a 20 m strip (6,000 m²) below
    # the minimum area: lost 1 ha + 0.3 ha to the redline, 0.6 ha dropped, 7.1 ha kept; the
    # far site's pieces read 1.302978 and 0.601375 ha in the analysis zone
    squares, redline = two_places()
    strips = [drawn(p, -10, 270, 320, 10) for p in (WEST, EAST)]
    redline = in_degrees(["RW", "RE", "SW", "SE"], [*redline.geometry, *strips], "BSM")
    result = landcheck.avoid(squares, layers={"eco_redline": redline}, min_area_m2=7_000, **PLANAR)
    kept = result.kept.set_index("site_id")
    for column, expected in [
        ("site_ha", 9.0),
        ("kept_ha", 7.1),
        ("constraints_ha", 1.3),
        ("dropped_ha", 0.6),
    ]:
        assert kept[column].tolist() == pytest.approx([expected] * 2, abs=1e-7), column
    lost = result.lost.groupby("site_id")["planar_m2"].sum()
    assert lost.tolist() == pytest.approx([13_000.0, 13_000.0], abs=1e-3)
    assert result.dropped["planar_m2"].tolist() == pytest.approx([6_000.0] * 2, abs=1e-3)


def test_buildable_measures_each_patch_and_total_in_its_own_zone():
    # each place: 9 ha less the 1 ha corner is one 8 ha patch; the far one read 8.0183 ha
    squares, redline = two_places()
    result = landcheck.buildable(squares, layers={"eco_redline": redline}, **BUILD)
    assert result.patches["planar_m2"].tolist() == pytest.approx([80_000.0] * 2, abs=1e-3)
    assert result.patches["ha"].tolist() == pytest.approx([8.0, 8.0], abs=1e-7)
    totals = result.totals
    assert totals["aoi"].planar_m2 == pytest.approx(180_000.0, abs=1e-3)
    assert totals["excluded"].planar_m2 == pytest.approx(20_000.0, abs=1e-3)
    assert totals["free"].planar_m2 == pytest.approx(160_000.0, abs=1e-3)
    assert totals["buildable"].planar_m2 == pytest.approx(160_000.0, abs=1e-3)
    assert result.excluded["planar_m2"].sum() == pytest.approx(20_000.0, abs=1e-3)


def test_search_sizes_each_proposal_for_the_zone_it_lies_in():
    # the far place's proposal was sized in the analysis zone's plane: 2.993138 ha of 3 ha
    squares, redline = two_places()
    result = landcheck.search(
        squares, 3.0, layers={"eco_redline": redline}, count=2, max_aspect=1.0, **BUILD
    )
    assert len(result.proposals) == 2
    assert result.proposals["area_ha"].tolist() == pytest.approx([3.0, 3.0], abs=1e-7)
    assert result.patches["planar_m2"].tolist() == pytest.approx([80_000.0] * 2, abs=1e-3)


def test_compare_gives_distances_in_each_sites_own_zone():
    # each candidate 100 m square lies 200 m east of its place's redline square; in the
    # analysis zone the far one is 199.77 m away
    candidates = in_degrees(["W", "E"], [drawn(p, 300, 0, 100, 100) for p in (WEST, EAST)])
    squares = [drawn(p, 0, 0, 100, 100) for p in (WEST, EAST)]
    redline = in_degrees(["RW", "RE", *"abcd"], [*squares, *far_corners()], "BSM")
    result = landcheck.compare(candidates, layers={"eco_redline": redline}, **PLANAR)
    nearest = result.table.set_index("site_id")["nearest_hard_m"]
    assert nearest.loc[["W", "E"]].tolist() == pytest.approx([200.0, 200.0], abs=1e-3)


def test_buildable_minimum_width_is_metres_of_the_zone_a_patch_lies_in():
    # at the far place two 100 m squares joined by a corridor 49.9 m wide, 200 m long: a 50 m
    # minimum width removes it (9,980 m²); in the analysis zone's plane it is 49.957 m wide
    # and was kept, one patch of 29,980 m² for two of 10,000
    far = shapely.union_all(
        [
            drawn(EAST, 0, 0, 100, 100),
            drawn(EAST, 300, 0, 100, 100),
            drawn(EAST, 100, 20, 200, 49.9),
        ]
    )
    aoi = in_degrees(["W", "E"], [drawn(WEST, 0, 0, 300, 300), far])
    redline = in_degrees(["RW"], [drawn(WEST, 0, 0, 100, 100)], "BSM")
    result = landcheck.buildable(aoi, layers={"eco_redline": redline}, min_width_m=50, **BUILD)
    assert sorted(result.patches["planar_m2"]) == pytest.approx(
        [10_000.0, 10_000.0, 80_000.0], abs=1e-2
    )
    narrow = result.removed[result.removed["reason"].str.startswith("narrower")]
    assert narrow["planar_m2"].sum() == pytest.approx(9_980.0, abs=1e-2)


def test_search_writes_each_proposal_in_the_zone_it_is_measured_in(tmp_path):
    # the far place's 3 ha proposal went into proposals.txt in the analysis zone (带号=34), its
    # 地块面积 3.0069 ha; now proposals_EPSG4523.txt holds it in its own zone 35, 3.0000 ha
    squares, redline = two_places()
    result = landcheck.search(
        squares, 3.0, layers={"eco_redline": redline}, count=2, max_aspect=1.0, **BUILD
    )
    paths = write_search(result, tmp_path / "search")
    assert sorted(p for p in paths if p.endswith(".txt")) == [
        "proposals.txt",
        "proposals_EPSG4523.txt",
    ]
    near = read_boundary_txt(paths["proposals.txt"])
    far = read_boundary_txt(paths["proposals_EPSG4523.txt"])
    assert near.crs.to_epsg() == 4522 and far.crs.to_epsg() == 4523
    for txt in (near, far):
        assert len(txt.sites) == 1
        # coordinates to the millimetre: the area to a few dm²
        assert txt.sites.geometry.iloc[0].area == pytest.approx(30_000.0, abs=0.5)
    text = Path(paths["proposals_EPSG4523.txt"]).read_text(encoding="utf-8")
    assert "带号=35" in text and ",3.0000," in text
    data = json.loads(Path(paths["search.json"]).read_text(encoding="utf-8"))
    assert any("proposals_EPSG4523.txt holds EPSG:4523" in w for w in data["warnings"])


def test_the_search_distance_is_metres_of_each_sites_own_zone():
    # a redline square 999.5 m east of the far candidate in its own zone is 1000.64 m away in
    # the analysis plane: beyond a 1000 m search, it was missed (NaN) and the id decided
    candidates = in_degrees(["W", "E"], [drawn(p, 0, 0, 100, 100) for p in (WEST, EAST)])
    redline = in_degrees(["RE", *"abcd"], [drawn(EAST, 1099.5, 0, 50, 50), *far_corners()], "BSM")
    result = landcheck.compare(candidates, layers={"eco_redline": redline}, **PLANAR)
    table = result.table.set_index("site_id")
    assert table.loc["E", "nearest_hard_m"] == pytest.approx(999.5, abs=0.01)
    assert table.loc["E", "nearest_hard_id"] == "RE"
    assert np.isnan(table.loc["W", "nearest_hard_m"])
    assert result.order == ["W", "E"]
    assert "1000.00 m is farther than 999.50 m" in table.loc["W", "reason"]


def test_a_distance_beyond_the_search_in_the_sites_own_zone_is_none():
    # 1000.5 m in the far candidate's zone is 999.36 m of the analysis plane: no nearer than
    # the search distance allows, so none (NaN), not 1000.5 m
    candidates = in_degrees(["E"], [drawn(EAST, 0, 0, 100, 100)])
    redline = in_degrees(["RE", *"abcd"], [drawn(EAST, 1100.5, 0, 50, 50), *far_corners()], "BSM")
    both = in_degrees(["W", "E"], [drawn(WEST, 0, 0, 100, 100), *candidates.geometry])
    result = landcheck.compare(both, layers={"eco_redline": redline}, **PLANAR)
    assert result.table["nearest_hard_m"].isna().all()
    assert (result.table["nearest_hard_unknown"] == "").all()  # none within 1000 m, known


def test_buildable_urban_distance_within_the_search_in_the_patchs_own_zone():
    # the far place's patch lies 999.5 m west of an urban boundary square in its own zone
    squares, redline = two_places()
    urban = in_degrees(["U1"], [drawn(EAST, 1299.5, 0, 100, 100)], "BSM")
    result = landcheck.buildable(
        squares, layers={"eco_redline": redline, "urban_boundary": urban}, **BUILD
    )
    patches = result.patches.sort_values("urban_distance_m")
    assert patches["urban_distance_m"].iloc[0] == pytest.approx(999.5, abs=0.01)
    assert np.isnan(patches["urban_distance_m"].iloc[1])


def test_search_spacing_and_sides_are_metres_of_each_proposals_zone():
    # two 100.02 m squares 99.9 m apart in the far place's zone (100.03 m of the analysis
    # plane): 1 ha squares kept 100 m apart fit in one of them only; two were proposed, and
    # a side of 100 m read 100.114 m
    far = [drawn(EAST, 0, 0, 100.02, 100.02), drawn(EAST, 199.92, 0, 100.02, 100.02)]
    aoi = in_degrees(["W", "E1", "E2"], [drawn(WEST, 0, 0, 50, 50), *far], "name")
    redline = in_degrees(["RW"], [drawn(WEST, 3000, 0, 10, 10)], "BSM")
    result = landcheck.search(
        aoi,
        1.0,
        layers={"eco_redline": redline},
        count=3,
        max_aspect=1.0,
        spacing_m=100,
        **BUILD,
    )
    proposals = result.proposals
    assert len(proposals) == 1
    assert proposals["area_ha"].iloc[0] == pytest.approx(1.0, abs=1e-7)
    assert proposals["width_m"].iloc[0] == pytest.approx(100.0, abs=1e-6)
    assert proposals["length_m"].iloc[0] == pytest.approx(100.0, abs=1e-6)


def test_search_gives_each_proposals_sides_in_its_own_zone():
    squares, redline = two_places()
    result = landcheck.search(
        squares, 3.0, layers={"eco_redline": redline}, count=2, max_aspect=1.0, **BUILD
    )
    side = np.sqrt(30_000.0)
    assert result.proposals["width_m"].tolist() == pytest.approx([side, side], abs=1e-6)
    assert result.proposals["length_m"].tolist() == pytest.approx([side, side], abs=1e-6)


def dumbbell(place):
    """Two 100 m squares joined by a 200 × 50 m corridor: 30,000 m², nothing under 50 m wide."""
    return shapely.union_all(
        [
            drawn(place, 0, 0, 100, 100),
            drawn(place, 300, 0, 100, 100),
            drawn(place, 100, 25, 200, 50),
        ]
    )


def test_minimum_width_lists_no_floating_point_crumbs():
    # opened part by part in each place's zone scale, the dumbbells left 329 "narrower than
    # 50 m" crumbs of 6e-6 m² in all (each under 1e-6 m thick)
    aoi = in_degrees(["W", "E"], [dumbbell(WEST), dumbbell(EAST)])
    redline = in_degrees(["RE"], [drawn(EAST, 5000, 0, 10, 10)], "BSM")
    result = landcheck.buildable(aoi, layers={"eco_redline": redline}, min_width_m=50, **BUILD)
    assert result.patches["planar_m2"].tolist() == pytest.approx([30_000.0] * 2, abs=1e-3)
    assert result.removed.empty
    assert result.to_dict()["removed"] == []
    kept = landcheck.avoid(aoi, layers={"eco_redline": redline}, min_width_m=50, **PLANAR)
    assert kept.dropped.empty
    assert kept.kept["kept_ha"].tolist() == pytest.approx([3.0, 3.0], abs=1e-7)


def test_a_real_narrow_piece_is_still_listed_once():
    # the corridor 49.9 m wide at the far place: one "narrower than 50 m" piece of 9,980 m²
    far = shapely.union_all(
        [
            drawn(EAST, 0, 0, 100, 100),
            drawn(EAST, 300, 0, 100, 100),
            drawn(EAST, 100, 20, 200, 49.9),
        ]
    )
    aoi = in_degrees(["W", "E"], [drawn(WEST, 0, 0, 300, 300), far])
    redline = in_degrees(["RW"], [drawn(WEST, 0, 0, 100, 100)], "BSM")
    result = landcheck.buildable(aoi, layers={"eco_redline": redline}, min_width_m=50, **BUILD)
    narrow = result.removed[result.removed["reason"] == "narrower than 50 m"]
    assert len(narrow) == 1
    assert narrow["planar_m2"].iloc[0] == pytest.approx(9_980.0, abs=1e-2)
