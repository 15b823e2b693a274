"""A site map's north arrow and scale bar stand in corners the site's red line keeps clear of.

A compact site fills the middle of its window: the arrow stays at the upper
right and the bar at the lower left, as they always stood. A road crossing its
window from corner to corner ran under both; they now move to the corners it
leaves free, the same in the PNG (Word) and the SVG (report.html) maps.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from common import X0, Y0, county, frame, sites, square
from lxml import etree
from matplotlib.text import Annotation

import landcheck
from landcheck.report.maps import site_map
from landcheck.report.mapview import furniture, nice_length, view_window
from landcheck.report.svgmap import site_svg

SVG = "{http://www.w3.org/2000/svg}"


def road(*corners: tuple[float, float], width: float = 20.0) -> shapely.Polygon:
    """A road of ``width`` metres along the corners, placed from (X0, Y0)."""
    line = shapely.LineString([(X0 + x, Y0 + y) for x, y in corners])
    return line.buffer(width / 2, cap_style="flat")


def quarter(point: tuple[float, float], window: tuple[float, float, float, float]) -> str:
    """Which quarter of the window a point lies in: "upper left" … "lower right"."""
    xmin, ymin, xmax, ymax = window
    vertical = "upper" if point[1] > (ymin + ymax) / 2 else "lower"
    return f"{vertical} {'right' if point[0] > (xmin + xmax) / 2 else 'left'}"


def test_a_compact_site_keeps_the_arrow_upper_right_and_the_bar_lower_left():
    for site in (square(0, 0, 1000), square(0, 0, 300, 120), shapely.Point(X0, Y0).buffer(400)):
        window = view_window(site)
        span = window[2] - window[0]
        placed = furniture(site, window)
        assert placed.arrow == pytest.approx((window[2] - 0.08 * span, window[3] - 0.2 * span))
        assert placed.scale == pytest.approx((window[0] + 0.05 * span, window[1] + 0.05 * span))
        assert placed.metres == nice_length(span)


@pytest.mark.parametrize(
    ("corners", "arrow", "scale"),
    [
        # running north-east: through the upper right and lower left corners
        (((0, 0), (10_000, 10_000)), "upper left", "lower right"),
        # running south-east: the usual corners are free
        (((0, 10_000), (10_000, 0)), "upper right", "lower left"),
        # a bend from the upper left to the lower right and up to the upper right: only
        # the lower left is free, and the arrow takes it first; the bar has no clear corner
        # and takes the first of its own the arrow does not hold
        (((0, 10_000), (10_000, 0), (10_000, 10_000)), "lower left", "lower right"),
    ],
)
def test_a_road_leaves_the_arrow_and_the_bar_in_the_corners_it_does_not_cross(
    corners, arrow, scale
):
    site = road(*corners)
    window = view_window(site)
    span = window[2] - window[0]
    placed = furniture(site, window)
    assert quarter(placed.arrow, window) == arrow
    assert quarter(placed.scale, window) == scale
    # the arrow (up to its label, 0.16 of the side above its foot) and the bar stay clear
    arrow_ground = shapely.box(
        placed.arrow[0] - 0.04 * span,
        placed.arrow[1],
        placed.arrow[0] + 0.04 * span,
        placed.arrow[1] + 0.16 * span,
    )
    bar_ground = shapely.box(
        placed.scale[0], placed.scale[1], placed.scale[0] + placed.metres, placed.scale[1]
    )
    assert site.distance(arrow_ground) > 0.02 * span
    if len(corners) == 2:  # the bar found a clear corner
        assert site.distance(bar_ground) > 0.02 * span


def test_where_every_corner_is_crossed_the_usual_places_stay():
    # an X: both diagonals cross every corner
    site = road((0, 0), (10_000, 10_000)).union(road((0, 10_000), (10_000, 0)))
    window = view_window(site)
    span = window[2] - window[0]
    placed = furniture(site, window)
    assert placed.arrow == pytest.approx((window[2] - 0.08 * span, window[3] - 0.2 * span))
    assert placed.scale == pytest.approx((window[0] + 0.05 * span, window[1] + 0.05 * span))


@pytest.fixture(scope="module")
def north_east():
    """A 14 km road running north-east beside a compact site far from it, checked planar."""
    sites_ = sites(road((0, 0), (10_000, 10_000)), square(-9_000, 9_000, 200))
    layers = {
        "farmland": frame(
            [{"BSM": "F1", "DLBM": "0101", "DLMC": "水田", "geometry": square(0, 0, 2000)}]
        )
    }
    return landcheck.check(sites_, layers=layers, area_method="planar", coverage=county())


def test_the_png_map_draws_them_where_they_were_placed(north_east):
    site = north_east.sites.geometry.iloc[0]
    window = view_window(site)
    placed = furniture(site, window)
    figure = site_map(north_east, "S1", lang="en")
    for ax in figure.axes:
        arrows = [a for a in ax.texts if isinstance(a, Annotation) and a.arrow_patch is not None]
        assert len(arrows) == 1
        assert arrows[0].xyann == pytest.approx(placed.arrow)
        assert quarter(arrows[0].xyann, window) == "upper left"
        bar = [p for p in ax.patches if p.get_width() == pytest.approx(placed.metres / 2)]
        corners = np.array([p.get_xy() for p in bar])
        expected = [placed.scale, (placed.scale[0] + placed.metres / 2, placed.scale[1])]
        np.testing.assert_allclose(corners, expected, rtol=0, atol=1e-6)
    compact = site_map(north_east, "S2", lang="en", panels=["constraints"])
    (arrow,) = [a for a in compact.axes[0].texts if isinstance(a, Annotation)]
    assert quarter(arrow.xyann, view_window(north_east.sites.geometry.iloc[1])) == "upper right"


def test_the_svg_map_draws_them_in_the_same_corners(north_east):
    root = etree.fromstring(site_svg(north_east, "S1", lang="en").encode())
    frames = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "frame"]
    arrows = [p for p in root.iter(f"{SVG}polygon") if p.get("class") == "north-arrow"]
    bars = [g for g in root.iter(f"{SVG}g") if g.get("class") == "scale-bar"]
    assert len(frames) == len(arrows) == len(bars) >= 1
    for box, arrow, bar in zip(frames, arrows, bars, strict=True):
        left, top = float(box.get("x")), float(box.get("y"))
        side = float(box.get("width"))
        points = np.array(
            [[float(v) for v in pair.split(",")] for pair in arrow.get("points").split()]
        )
        # pixels: y grows downwards
        assert (points[:, 0] < left + side / 2).all() and (points[:, 1] < top + side / 2).all()
        for rect in bar.iter(f"{SVG}rect"):
            assert float(rect.get("x")) > left + side / 2
            assert float(rect.get("y")) > top + side / 2
