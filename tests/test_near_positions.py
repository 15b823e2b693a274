"""The exact filter of every read: the geometries within a distance of any outline."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

import landcheck.geometry
from landcheck.geometry import LOCAL_CHECK_ABOVE, near_positions
from landcheck.layers import select_near


def _band(radius: float, width: float) -> shapely.Polygon:
    """A ring of 2,401-vertex circles around the middle, ``width`` wide inside ``radius``."""
    disc = shapely.Point(2_500, 2_500).buffer(radius, quad_segs=600)
    return shapely.difference(disc, disc.buffer(-width))


def _features_and_sites() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(5)
    corner = rng.uniform(0, 5_000, (3_000, 2))
    features = shapely.box(*np.column_stack([corner, corner + rng.uniform(1, 120, (3_000, 2))]).T)
    features[::50] = None  # features without geometry are never near
    features[7] = shapely.Polygon()
    features[11] = _band(2_000, 30)  # huge: a thin ring around the middle
    # huge, their boxes holding every site's: none near the first, one site 20 m inside
    # the second (found whether or not among the sites its distance is first asked of)
    features[13] = _band(4_010, 10)
    features[17] = _band(4_100, 10)
    spot = rng.uniform(500, 4_500, (200, 2))
    sites = shapely.box(*np.column_stack([spot, spot + rng.uniform(5, 60, (200, 2))]).T)
    sites = np.append(sites, shapely.box(6_560, 2_495, 6_570, 2_505))  # 20 m from 17, 50 from 13
    return features, sites


def _within(features: np.ndarray, sites: np.ndarray, distance: float) -> list[int]:
    """The definition: each feature's distance to every site."""
    return [
        i
        for i, f in enumerate(features)
        if f is not None and shapely.dwithin(f, sites, distance).any()
    ]


@pytest.mark.parametrize("tried", [0, 1, 8, 10_000])
def test_near_positions_are_those_within_the_distance_of_some_outline(monkeypatch, tried):
    monkeypatch.setattr(landcheck.geometry, "TRIED_UNPREPARED", tried)
    features, sites = _features_and_sites()
    assert shapely.get_num_coordinates(features[[11, 13, 17]]).min() > LOCAL_CHECK_ABOVE
    for distance in (0.0, 1.0, 25.0):
        expected = _within(features, sites, distance)
        assert near_positions(features, sites, distance).tolist() == expected
        assert 50 < len(expected) < 3_000 and 11 in expected and 13 not in expected
        assert (17 in expected) == (distance == 25.0)


def test_an_in_memory_layer_keeps_what_the_definition_keeps_with_huge_sites_and_features():
    features, sites = _features_and_sites()
    kept = [f is not None for f in features]
    layer = gpd.GeoDataFrame(
        {"BSM": [f"F{i}" for i in range(len(features))]}, geometry=list(features), crs=4523
    )[kept]
    huge_site = _band(1_200, 5)  # and a huge site
    for with_huge_site in (False, True):
        asked = np.append(sites, huge_site) if with_huge_site else sites
        for distance in (0.0, 1.0, 25.0):
            expected = [f"F{i}" for i in _within(features, asked, distance)]
            got = select_near(layer, gpd.GeoSeries(asked, crs=4523), distance)["BSM"].tolist()
            assert got == expected
            assert ("F17" in got) == (distance == 25.0) and "F13" not in got
