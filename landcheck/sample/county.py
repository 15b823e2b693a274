"""Fixed facts of the sample county: public constants, towns, rivers, roads, the 1 cm grid.

Nothing here is random: the seed changes how the rivers and roads wiggle
between their waypoints, never the waypoints themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from pyproj import CRS, Transformer

__all__ = [
    "COUNTY_CODE",
    "COUNTY_NAME",
    "GRID",
    "RIVERS",
    "ROADS",
    "SAMPLE_CRS",
    "SEAT",
    "SYNTHETIC_NOTE",
    "TOWNS",
    "VILLAGE_FIRST",
    "VILLAGE_SECOND",
    "Town",
    "project",
]

SAMPLE_CRS = "EPSG:4523"
"""CGCS2000 / 3-degree Gauss-Kruger zone 35, zone-prefixed eastings."""

SYNTHETIC_NOTE = "合成数据 synthetic"
"""The label every sample feature carries (``BZ`` field)."""

COUNTY_CODE = "532527"
"""Administrative code of Luxi County."""

COUNTY_NAME = "泸西县"
"""Name of the county."""

GRID = 0.01
"""Metres; every generated coordinate is snapped to this grid."""


@dataclass(frozen=True)
class Town:
    """A township seat: name, code and the sizes that shape it."""

    name: str
    code: str  # three digits after the county code
    lon: float
    lat: float
    radius: float  # built-up radius, m
    basin: float  # radius of the flat basin, m
    boundary: float  # urban-boundary radius as a multiple of ``radius``; 0: none
    weight: float  # additive weight in the township partition, m


TOWNS = (
    Town("中枢镇", "100", 103.770, 24.530, 2300.0, 7000.0, 1.35, 2500.0),
    Town("金马镇", "101", 103.720, 24.640, 850.0, 3200.0, 1.7, 600.0),
    Town("旧城镇", "102", 103.840, 24.665, 650.0, 2800.0, 0.0, 300.0),
    Town("午街铺镇", "103", 103.620, 24.550, 800.0, 3000.0, 1.7, 500.0),
    Town("白水镇", "104", 103.690, 24.420, 750.0, 3000.0, 1.7, 500.0),
    Town("向阳乡", "200", 103.950, 24.545, 450.0, 2000.0, 0.0, 0.0),
    Town("三塘乡", "201", 103.880, 24.440, 450.0, 2200.0, 0.0, 0.0),
    Town("永宁乡", "202", 103.770, 24.340, 450.0, 2000.0, 0.0, 0.0),
)
"""The eight township seats: real names, synthetic positions and sizes."""

SEAT = 0
"""Index of the county seat, 中枢镇, in :data:`TOWNS`."""

RIVERS: tuple[tuple[tuple[tuple[float, float], ...], float, int | None, tuple | None], ...] = (
    (
        (
            (103.555, 24.665),
            (103.615, 24.578),
            (103.700, 24.553),
            (103.768, 24.512),
            (103.840, 24.470),
            (103.905, 24.425),
            (103.960, 24.360),
        ),
        32.0,
        None,
        None,
    ),
    (
        (
            (103.690, 24.735),
            (103.708, 24.692),
            (103.726, 24.648),
            (103.748, 24.585),
            (103.768, 24.512),
        ),
        18.0,
        0,
        (1, 2200.0, 900.0),
    ),
    (
        (
            (103.600, 24.345),
            (103.652, 24.383),
            (103.694, 24.425),
            (103.732, 24.482),
            (103.768, 24.512),
        ),
        18.0,
        0,
        (1, 1800.0, 800.0),
    ),
    (((104.010, 24.570), (103.952, 24.540), (103.900, 24.500), (103.840, 24.470)), 15.0, 0, None),
    (((103.870, 24.715), (103.842, 24.662), (103.800, 24.610), (103.748, 24.585)), 14.0, 1, None),
    (((103.735, 24.280), (103.770, 24.338), (103.805, 24.405), (103.840, 24.470)), 14.0, 0, None),
)
"""Rivers: waypoints (lon, lat), width (m), index of the river they flow into,
reservoir (waypoint index, length m, width m) or None. Tributaries end on their
parent, which comes before them; the first river is the main river."""

ROADS: tuple[tuple[str, str, float, tuple], ...] = (
    (
        "S1 高速公路",
        "expressway",
        32.0,
        (
            (103.500, 24.492),
            (103.620, 24.515),
            (103.745, 24.503),
            (103.860, 24.515),
            (103.955, 24.523),
            (104.060, 24.525),
        ),
    ),
    ("G1 国道", "national", 20.0, ((103.700, 24.780), 1, 0, 7, (103.765, 24.250))),
    ("S2 省道", "provincial", 16.0, ((103.530, 24.570), 3, 0, 6, (103.960, 24.340))),
    ("X01 县道", "county", 10.0, (0, 2)),
    ("X02 县道", "county", 10.0, (0, 5)),
    ("X03 县道", "county", 10.0, (0, 4)),
    ("X04 县道", "county", 10.0, (1, 2)),
    ("X05 县道", "county", 10.0, (6, 5)),
    ("X06 县道", "county", 10.0, (4, 7)),
    ("X07 县道", "county", 10.0, (3, 4)),
)
"""Roads: name, class, corridor width (m), waypoints as town indices or (lon, lat).
The first road is the expressway."""

VILLAGE_FIRST = "大小新老上下中东西南北前后白黑红黄青龙马凤牛羊石水山河田花松柏竹杨柳李张王陈赵海"
"""First characters of the administrative village names."""

VILLAGE_SECOND = "庄寨营冲哨坡铺塘沟箐坝湾河村屯堡"
"""Second characters of the administrative village names (``村`` follows)."""


def project(lonlat: Sequence[tuple[float, float]]) -> np.ndarray:
    """Project CGCS2000 (lon, lat) pairs to EPSG:4523."""
    transformer = Transformer.from_crs(
        CRS.from_epsg(4490), CRS.from_user_input(SAMPLE_CRS), always_xy=True
    )
    lon, lat = np.asarray(lonlat, dtype=float).T
    x, y = transformer.transform(lon, lat)
    return np.column_stack([x, y])
