"""The exact filter of every read: the geometries within a distance of any outline."""

from __future__ import annotations

import numpy as np
import shapely

from landcheck.geometry import near_positions


def test_near_positions_are_those_within_the_distance_of_some_outline():
    rng = np.random.default_rng(5)
    corner = rng.uniform(0, 5_000, (3_000, 2))
    features = shapely.box(*np.column_stack([corner, corner + rng.uniform(1, 120, (3_000, 2))]).T)
    features[::50] = None  # features without geometry are never near
    features[7] = shapely.Polygon()
    star = shapely.Point(2_500, 2_500).buffer(2_000, quad_segs=600)  # 2,401 vertices: huge
    features[11] = shapely.difference(star, star.buffer(-30))  # a thin ring around the middle
    # huge, its box holding every site's, and none near it: each site's distance is asked
    wide = shapely.Point(2_500, 2_500).buffer(4_010, quad_segs=600)
    features[13] = shapely.difference(wide, wide.buffer(-10))
    spot = rng.uniform(500, 4_500, (200, 2))
    sites = shapely.box(*np.column_stack([spot, spot + rng.uniform(5, 60, (200, 2))]).T)
    for distance in (0.0, 1.0, 25.0):
        expected = [
            i
            for i, f in enumerate(features)
            if f is not None and shapely.dwithin(f, sites, distance).any()
        ]
        assert near_positions(features, sites, distance).tolist() == expected
        assert 50 < len(expected) < 3_000 and 11 in expected and 13 not in expected
