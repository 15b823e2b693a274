"""Huge features are validity-checked in the windows of the sites that meet them.

A feature of more than 2,048 vertices is checked only inside the box around each
site (grown by the read margin), not inside the box around all the sites: a
twist between two distant sites is never cut, so it is neither repaired nor
counted; a twist inside any site's window repairs the whole feature.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from common import X0, Y0, frame, sites, square
from shapely import Polygon

import landcheck
from landcheck.geometry import LOCAL_CHECK_ABOVE, clean_polygons

PLANAR = {"area_method": "planar"}


def twisted_strip(twist_at: int | None, n: int = 2000) -> Polygon:
    """A 10 km × 100 m strip of 2n vertices; its top edge doubles back at vertex ``twist_at``
    (about ``10_000 * twist_at / (n - 1)`` metres from its west end), making a bow-tie there."""
    xs = np.linspace(0, 10_000, n)
    top = [(X0 + x, Y0 + 100.0) for x in xs]
    bottom = [(X0 + x, Y0) for x in xs[::-1]]
    if twist_at is not None:
        top[twist_at], top[twist_at + 1] = top[twist_at + 1], top[twist_at]
    return Polygon(top + bottom)


def farmland(geom: Polygon):
    return frame([{"BSM": "F1", "DLBM": "0101", "geometry": geom}])


TWO_SITES = (square(0, 0, 1000, 100), square(9000, 0, 1000, 100))
"""Two sites at the strip's ends: their common box spans the whole strip."""


def farmland_record(result):
    return next(r for r in result.inputs if r.key == "farmland")


def test_a_twist_between_two_sites_is_neither_repaired_nor_counted():
    middle = twisted_strip(1000)  # x ≈ 5 km: 4 km from either site, inside their common box
    assert shapely.get_num_coordinates(middle) > LOCAL_CHECK_ABOVE and not middle.is_valid
    result = landcheck.check(sites(*TWO_SITES), layers={"farmland": farmland(middle)}, **PLANAR)
    record = farmland_record(result)
    assert (record.geometry["invalid"], record.geometry["repaired"]) == (0, 0)
    for site in ("S1", "S2"):
        assert result.layer_area(site, "farmland").planar_m2 == pytest.approx(100_000.0)


def test_a_twist_inside_one_site_window_repairs_the_whole_feature():
    east = twisted_strip(1900)  # x ≈ 9.5 km: inside the second site
    result = landcheck.check(sites(*TWO_SITES), layers={"farmland": farmland(east)}, **PLANAR)
    record = farmland_record(result)
    assert (record.geometry["invalid"], record.geometry["repaired"]) == (1, 1)
    # the repaired strip still covers both sites whole; the twist's sliver is 100 m² at most
    assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(100_000.0)
    assert result.layer_area("S2", "farmland").planar_m2 == pytest.approx(100_000.0, abs=100.0)


def test_clean_polygons_checks_a_huge_geometry_only_in_the_windows_given():
    strip = twisted_strip(1000)
    west, middle = [X0 - 10, Y0 - 10, X0 + 1010, Y0 + 110], [X0 + 4900, Y0 - 5, X0 + 5100, Y0 + 105]
    east = [X0 + 8990, Y0 - 10, X0 + 10010, Y0 + 110]
    _, report, usable = clean_polygons([strip], ["F1"], near=np.array([west, east]))
    assert (report.invalid, report.repaired, bool(usable[0])) == (0, 0, True)
    repaired, report, _ = clean_polygons([strip], ["F1"], near=np.array([west, middle, east]))
    assert (report.invalid, report.repaired, report.examples) == (1, 1, ["F1 repaired"])
    assert repaired[0].is_valid
    # one box (the former form of ``near``): the box around all the sites sees the twist
    _, report, _ = clean_polygons([strip], ["F1"], near=(X0 - 10, Y0 - 10, X0 + 10010, Y0 + 110))
    assert report.invalid == 1


def test_a_valid_huge_geometry_is_never_counted_whatever_the_windows():
    strip = twisted_strip(None, n=20_000)  # 40,000 vertices: halved several times over
    windows = np.array([[X0 + x, Y0 - 5, X0 + x + 37, Y0 + 105] for x in range(0, 10_000, 250)])
    geoms, report, _ = clean_polygons([strip], near=windows)
    assert (report.invalid, report.repaired) == (0, 0)
    assert geoms[0] is strip or geoms[0].equals_exact(strip, 0.0)


def few_windows_part(n: int = 1100) -> tuple[np.ndarray, list[float]]:
    """Ten 37 m windows along the first kilometre of a strip of ``2n`` vertices (a huge
    geometry), and the box of the five westmost: their part has a few hundred vertices."""
    starts = range(100, 1100, 100)
    windows = np.array([[X0 + x, Y0 - 5, X0 + x + 37, Y0 + 105] for x in starts])
    return windows, [X0 + 100, Y0 - 5, X0 + 537, Y0 + 105]


def test_a_valid_part_serving_several_windows_is_not_clipped_window_by_window(monkeypatch):
    strip = twisted_strip(None, n=1100)
    windows, _ = few_windows_part()
    assert shapely.get_num_coordinates(strip) > LOCAL_CHECK_ABOVE
    clip, boxes = shapely.clip_by_rect, []

    def counted(geom, *box):
        boxes.append(box)
        return clip(geom, *box)

    monkeypatch.setattr(shapely, "clip_by_rect", counted)
    geoms, report, _ = clean_polygons([strip], near=windows)
    assert (report.invalid, report.repaired) == (0, 0) and geoms[0].equals_exact(strip, 0.0)
    # the strip is halved once across the ten windows (two parts of five), and each part,
    # valid, stands for its five windows: no window's own box is clipped
    assert len(boxes) == 2
    assert not {tuple(map(float, w)) for w in windows} & {tuple(map(float, b)) for b in boxes}


@pytest.mark.parametrize(
    ("twist_at", "repaired"),
    [(18, 0), (44, 1)],  # x ≈ 164-173 m: between two windows of a part; x ≈ 400-410 m: in one
)
def test_an_invalid_part_is_tested_window_by_window(twist_at, repaired):
    strip = twisted_strip(twist_at, n=1100)
    windows, part_box = few_windows_part()
    assert not shapely.is_valid(shapely.clip_by_rect(strip, *part_box))
    _, report, _ = clean_polygons([strip], ["F1"], near=windows)
    assert (report.invalid, report.repaired) == (repaired, repaired)
