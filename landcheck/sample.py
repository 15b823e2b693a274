"""Deterministic synthetic sample county inside the outline of Luxi County (泸西县).

:func:`make_sample` builds, from a seed, every layer a pre-examination reads:
the land-use survey (三调地类图斑), permanent basic farmland, the ecological
protection redline, the urban development boundary, planning zones,
townships, roads, a dozen project sites and the alternative sites of one
project. Everything but the county outline is invented and labelled
``合成数据 synthetic``; nothing here describes the real county.

Generation model
----------------
1. **Terrain.** Smooth random fields are sums of plane waves with random
   directions and phases (unit variance, wavelengths chosen per field).
   Elevation is three octaves of such noise plus karst knolls; it is
   flattened in a basin (坝子) around each town seat and lowered along the
   rivers, so slope (from the analytic gradient) is near zero in the basins
   and valley floors. Wetness falls off with the distance to the rivers and is
   high in the basins; a karst field drives bare rock, shrubs and grass.
2. **Features.** Eight town seats (the real township names, synthetic
   positions and boundaries) with built-up land in rings (commerce and
   offices in the core, housing, then industry and storage; an industrial
   sector east of the county seat). Rivers and tributaries are smooth curves
   (midpoint displacement, then Chaikin corner cutting); two reservoirs sit
   on tributaries; irrigation ditches run along the rivers in the basins.
   An expressway, a national road, a provincial road and county roads link
   the seats; rural roads link each natural village to the network; a
   street grid fills each town. About 390 natural villages are placed by
   dart throwing, preferring low, flat, wet ground.
3. **Parcels.** Generator points on a jittered lattice, denser in towns,
   villages and the lowlands, give Voronoi cells. The cell edges, the
   county outline and the boundaries of the corridors (roads, rivers,
   ditches, streets) and reservoirs are noded together by snap rounding on
   a 1 cm grid and polygonised, so the parcels form an exact polygonal
   coverage of the outline (no gaps, no overlaps, shared vertices). A face
   inside a corridor takes the corridor's class; any other face takes its
   cell's class. Faces under 150 m² are merged into the neighbour sharing
   the longest edge (of the same class when there is one), and the corridor
   pieces of one class are joined within each village, so a road or river
   parcel runs on to the village boundary.
4. **Classes.** Town rings, villages, mines, special land and independent
   industry come first; the rest is split by an area-weighted ranking of
   an upland score (elevation, slope, dryness): the upland part becomes
   forest (arbor on high ground, shrub on karst), grass and bare land; the
   lowland part becomes paddy (wettest flat land), irrigated and dry land,
   gardens, ponds and facility land. Slope grade, field-ridge coefficient
   (KCXS) and terrace/slope type (GDLX) follow from the slope.
5. **Control lines.** The urban development boundary takes the parcels
   near the county seat and three towns (sub-zones 0401/0402/0403 by
   distance and class). The ecological redline takes the forest, grass and
   bare parcels on the highest ground and karst, the reservoirs with their
   wooded surroundings and the main river, outside the boundary, keeping
   only patches of 30 ha and more. Permanent farmland takes good cultivated
   parcels (slope grade 1-2, some 3-4) outside both and off a fringe just
   outside the boundary, chosen in blocks by a smooth field and dissolved
   per village, class and slope grade into contiguous blocks. Planning
   zones follow: 01 = redline, 03 = farmland, 04xx = boundary sub-zones,
   the rest by land use. Townships are unions of parcels (detached bits go
   to the neighbour around them), so every parcel's ZLDWDM lies in its
   township.
6. **Sites** are placed by deterministic searches over the generated layers
   so that each shows one situation of the pre-examination:

   S01 绿色铝产业园（一期）, industrial
       Clean: inside the county seat's concentrated construction zone
       (0401), wholly on existing construction land, 50 m clear of farmland
       and redline.
   S02 建材加工厂, industrial
       On permanent farmland (paddy and dry land): a class not allowed to
       take it, so prohibited.
   S03 500千伏输变电工程变电站, energy
       On permanent farmland, outside the boundary: State Council approval
       and 补划; single site.
   S04 生态旅游度假酒店, commercial
       A block site (not linear) wholly inside the redline: prohibited.
   S05 县道改扩建工程, transport, linear, 24 m
       A 3.4 km road corridor crossing the redline (its ends outside it),
       avoiding farmland: linear infrastructure, provincial recognition.
   S06 集中式光伏电站, energy
       Outside the boundary on grass or bare land, clear of farmland and
       redline: a single-site (单独选址) project, conditional.
   S07 再生铝加工项目, industrial
       35-65 % inside an urban boundary, no farmland or redline: prohibited.
   S08 农村饮水安全工程净水厂, water
       A construction parcel next to farmland plus a strip 0.05 m wide along
       their straight 60-160 m shared edge: a 5-8 m² boundary-precision
       sliver on farmland. Farmland is kept off the urban boundary, so the
       site lies outside it, as a single-site water project.
   S09 城中村改造安置小区（保留古树广场）, residential
       A construction parcel in a town's concentrated construction zone, set back
       3 m, around a retained square (a hole), within 45 m of permanent farmland:
       its only finding is the farmland proximity note (status info).
   S10 城乡供水工程（水厂及加压泵站）, water
       Multi-part: a water works and two pumping stations 0.7 and 1.4 km away.
   S11 生活垃圾焚烧发电厂, infrastructure
       Across a township boundary, a quarter or more in each township.
   S12 石灰石矿山扩界, mining
       40-70 % inside the county: outside it the land-use survey gives no
       class, so the land checks are unknown.

   The candidates (比选方案) A-D for the green aluminium park's second phase
   have the same 30 ha footprint: A inside the boundary and clean, B on
   permanent farmland, C outside the boundary, D partly in the redline.

Every random draw comes from one :class:`numpy.random.Generator` in a fixed
order, and no step depends on dict or set order or on the clock, so a seed
always gives the same layers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from landcheck.classify import load_code_table
from landcheck.crs import ellipsoidal_areas
from landcheck.errors import InputDataError
from landcheck.geometry import polygonal_part

__all__ = [
    "COUNTY_CODE",
    "COUNTY_NAME",
    "DEFAULT_SEED",
    "SAMPLE_CRS",
    "SAMPLE_LAYERS",
    "SYNTHETIC_NOTE",
    "make_sample",
]

SAMPLE_CRS = "EPSG:4523"
"""CGCS2000 / 3-degree Gauss-Kruger zone 35, zone-prefixed eastings."""

SYNTHETIC_NOTE = "合成数据 synthetic"
"""The label every sample feature carries (``BZ`` field)."""

COUNTY_CODE = "532527"
"""Administrative code of Luxi County."""

COUNTY_NAME = "泸西县"
"""Name of the county."""

DEFAULT_SEED = 2026
"""The seed of the committed sample."""

SAMPLE_LAYERS = (
    "land_use",
    "farmland",
    "eco_redline",
    "urban_boundary",
    "planning_zones",
    "townships",
    "roads",
    "sites",
    "candidates",
)
"""The sample's layers, in the order :func:`make_sample` returns them."""

_GRID = 0.01  # metres; every coordinate is snapped to this grid
_LATTICE = 500.0  # side of the base cell of the generator lattice, m
_TARGET_CELLS = 15_600  # Voronoi cells; corridors add the rest of the parcels
_MIN_FACE_M2 = 150.0  # faces smaller than this are merged into a neighbour
_SURVEY_YEAR = 2024

_CONSTRUCTION = "建设用地"  # the 三大类 category of construction land
_CULTIVATED = ("0101", "0102", "0103")
_FOREST = ("0301", "0305", "0307")
_ECO_CLASSES = ("0301", "0305", "0307", "0404", "1206", "1207", "1101", "1103")
_GREEN_IN_TOWN = ("0301", "0305", "0307", "0404", "1206", "1207", "1101", "1103", "1104", "1107")

# Field-ridge deduction coefficient by slope grade and field type (TT terrace, PD slope).
_KCXS = {
    (1, ""): 0.03,
    (2, "TT"): 0.06,
    (2, "PD"): 0.05,
    (3, "TT"): 0.11,
    (3, "PD"): 0.08,
    (4, "TT"): 0.17,
    (4, "PD"): 0.12,
    (5, "TT"): 0.24,
    (5, "PD"): 0.16,
}
_SLOPE_GRADE_DEGREES = (2.0, 6.0, 15.0, 25.0)


@dataclass(frozen=True)
class _Town:
    """A township seat: name, code and the sizes that shape it."""

    name: str
    code: str  # three digits after the county code
    lon: float
    lat: float
    radius: float  # built-up radius, m
    basin: float  # radius of the flat basin, m
    boundary: float  # urban-boundary radius as a multiple of ``radius``; 0: none
    weight: float  # additive weight in the township partition, m


_TOWNS = (
    _Town("中枢镇", "100", 103.770, 24.530, 2300.0, 7000.0, 1.35, 2500.0),
    _Town("金马镇", "101", 103.720, 24.640, 850.0, 3200.0, 1.7, 600.0),
    _Town("旧城镇", "102", 103.840, 24.665, 650.0, 2800.0, 0.0, 300.0),
    _Town("午街铺镇", "103", 103.620, 24.550, 800.0, 3000.0, 1.7, 500.0),
    _Town("白水镇", "104", 103.690, 24.420, 750.0, 3000.0, 1.7, 500.0),
    _Town("向阳乡", "200", 103.950, 24.545, 450.0, 2000.0, 0.0, 0.0),
    _Town("三塘乡", "201", 103.880, 24.440, 450.0, 2200.0, 0.0, 0.0),
    _Town("永宁乡", "202", 103.770, 24.340, 450.0, 2000.0, 0.0, 0.0),
)
_SEAT = 0  # the county seat, 中枢镇

# Rivers: waypoints (lon, lat), width (m), index of the river they flow into, reservoir
# (waypoint index, length m, width m) or None. Tributaries end on their parent.
_RIVERS: tuple[tuple[tuple[tuple[float, float], ...], float, int | None, tuple | None], ...] = (
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

# Roads: name, class, corridor width (m), waypoints as town indices or (lon, lat).
_ROADS: tuple[tuple[str, str, float, tuple], ...] = (
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

_VILLAGE_FIRST = "大小新老上下中东西南北前后白黑红黄青龙马凤牛羊石水山河田花松柏竹杨柳李张王陈赵海"
_VILLAGE_SECOND = "庄寨营冲哨坡铺塘沟箐坝湾河村屯堡"


# ----------------------------------------------------------------------------- fields


class _Noise:
    """A smooth random field with unit variance: a sum of random plane waves.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of the wave directions, wavelengths and phases.
    wavelengths : tuple of float
        Range (m) the wavelengths are drawn from, uniformly.
    origin : numpy.ndarray
        Coordinates subtracted before evaluation, to keep the phases precise.
    waves : int
        Number of plane waves.
    """

    def __init__(
        self,
        rng: np.random.Generator,
        wavelengths: tuple[float, float],
        origin: np.ndarray,
        waves: int = 40,
    ):
        number = 2.0 * np.pi / rng.uniform(wavelengths[0], wavelengths[1], waves)
        angle = rng.uniform(0.0, 2.0 * np.pi, waves)
        self._kx = number * np.cos(angle)
        self._ky = number * np.sin(angle)
        self._phase = rng.uniform(0.0, 2.0 * np.pi, waves)
        self._scale = np.sqrt(2.0 / waves)
        self._origin = origin

    def __call__(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Evaluate the field at points ``x``, ``y`` (m, EPSG:4523)."""
        return self.evaluate(x, y, gradient=False)[0]

    def evaluate(
        self, x: np.ndarray, y: np.ndarray, *, gradient: bool = True
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return the field and its derivatives along x and y (zeros without ``gradient``)."""
        x = np.asarray(x, dtype=float) - self._origin[0]
        y = np.asarray(y, dtype=float) - self._origin[1]
        value, dx, dy = np.empty(len(x)), np.zeros(len(x)), np.zeros(len(x))
        for start in range(0, len(x), 8192):
            part = slice(start, start + 8192)
            arg = np.outer(x[part], self._kx) + np.outer(y[part], self._ky) + self._phase
            value[part] = np.cos(arg).sum(axis=1)
            if gradient:
                sine = np.sin(arg)
                dx[part] = -(sine @ self._kx)
                dy[part] = -(sine @ self._ky)
        return value * self._scale, dx * self._scale, dy * self._scale


def _weighted_threshold(score: np.ndarray, weight: np.ndarray, share: float) -> float:
    """Return the score at or above which lies ``share`` of the total weight."""
    if not len(score):
        return float(np.inf)
    order = np.argsort(-score, kind="stable")
    cumulative = np.cumsum(weight[order])
    position = int(np.searchsorted(cumulative, share * cumulative[-1]))
    return float(score[order[min(position, len(order) - 1)]])


def _top_share(
    index: np.ndarray, score: np.ndarray, weight: np.ndarray, share: float
) -> tuple[np.ndarray, np.ndarray]:
    """Split ``index`` into the part holding the top ``share`` of weight by score, and the rest."""
    if not len(index) or share <= 0:
        return index[:0], index
    threshold = _weighted_threshold(score[index], weight[index], share)
    top = score[index] >= threshold
    return index[top], index[~top]


def _standardise(values: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Centre and scale values by their weighted mean and standard deviation."""
    mean = np.average(values, weights=weight)
    spread = np.sqrt(np.average((values - mean) ** 2, weights=weight))
    return (values - mean) / (spread if spread > 0 else 1.0)


def _draw(rng: np.random.Generator, count: int, mix: tuple[tuple[str, float], ...]) -> np.ndarray:
    """Draw ``count`` codes from a (code, probability) mix."""
    codes = np.array([code for code, _ in mix], dtype=object)
    weights = np.array([weight for _, weight in mix])
    return codes[rng.choice(len(codes), size=count, p=weights / weights.sum())]


class _LineDistance:
    """Distance from many points to a set of lines, through an STRtree of segments."""

    def __init__(self, lines: Sequence[shapely.Geometry]):
        parts = shapely.get_parts(np.asarray(lines, dtype=object))
        coords, owner = shapely.get_coordinates(parts, return_index=True)
        same = owner[1:] == owner[:-1]
        segments = shapely.linestrings(np.stack([coords[:-1][same], coords[1:][same]], axis=1))
        self._tree = shapely.STRtree(segments)

    def __call__(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Distance (m) from each point to the nearest line."""
        _, distance = self._tree.query_nearest(
            shapely.points(x, y), return_distance=True, all_matches=False
        )
        return distance


@dataclass
class _Terrain:
    """The smooth fields of the sample county (coordinates in EPSG:4523)."""

    seats: np.ndarray  # (towns, 2)
    warp: tuple[_Noise, _Noise]
    relief: tuple[_Noise, _Noise, _Noise, _Noise]
    karst: _Noise
    patch: tuple[_Noise, _Noise, _Noise]
    rivers: _LineDistance | None = None

    def warped(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Coordinates displaced by a smooth field (irregular towns and townships)."""
        return x + 650.0 * self.warp[0](x, y), y + 650.0 * self.warp[1](x, y)

    def town_ratio(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Warped distance to each seat over the town's built-up radius, shape (n, towns)."""
        wx, wy = self.warped(x, y)
        sx, sy = self.warped(self.seats[:, 0], self.seats[:, 1])
        distance = np.hypot(wx[:, None] - sx[None, :], wy[:, None] - sy[None, :])
        return distance / np.array([town.radius for town in _TOWNS])[None, :]

    def township(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Index of the township each point falls in (additively weighted, warped)."""
        radius = np.array([town.radius for town in _TOWNS])
        weight = np.array([town.weight for town in _TOWNS])
        distance = self.town_ratio(x, y) * radius[None, :]
        return np.argmin(distance - weight[None, :], axis=1)

    def basin(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """1 on the flat basin floor around each seat, falling to 0 on its rim.

        Returns the basin level and its gradient, taking the warp as a local
        translation.
        """
        wx, wy = self.warped(x, y)
        sx, sy = self.warped(self.seats[:, 0], self.seats[:, 1])
        dx = wx[:, None] - sx[None, :]
        dy = wy[:, None] - sy[None, :]
        distance = np.maximum(np.hypot(dx, dy), 1.0)
        size = np.array([town.basin for town in _TOWNS])[None, :]
        level = np.clip((1.25 - distance / size) / 0.5, 0.0, 1.0)
        value = level * level * (3.0 - 2.0 * level)
        best = np.argmax(value, axis=1)
        rows = np.arange(len(x))
        slope = -12.0 * level * (1.0 - level) / size / distance
        return (
            value[rows, best],
            (slope * dx)[rows, best],
            (slope * dy)[rows, best],
        )

    def sample(self, x: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
        """Evaluate every field at points ``x``, ``y``.

        Elevation is three octaves of noise plus karst knolls, blended into
        a flat floor in the basins; slope comes from its analytic gradient
        and is damped, like elevation, along the rivers.

        Returns
        -------
        dict
            ``elevation`` (m, relative), ``slope`` (degrees), ``wetness`` (0-1),
            ``karst`` (0-1), ``basin`` (0-1), ``patch_a``, ``patch_b`` and
            ``block`` (unit-variance noise).
        """
        big, mid, small, knolls = self.relief
        height, gx, gy = np.zeros(len(x)), np.zeros(len(x)), np.zeros(len(x))
        for amplitude, noise in ((150.0, big), (210.0, mid), (85.0, small)):
            value, dx, dy = noise.evaluate(x, y)
            height += amplitude * value
            gx += amplitude * dx
            gy += amplitude * dy
        k, kx, ky = self.karst.evaluate(x, y)
        karst = 1.0 / (1.0 + np.exp(-1.6 * k))
        dkarst = 1.6 * karst * (1.0 - karst)
        knoll, nx, ny = knolls.evaluate(x, y)
        height += 55.0 * karst * knoll
        gx += 55.0 * (dkarst * kx * knoll + karst * nx)
        gy += 55.0 * (dkarst * ky * knoll + karst * ny)
        basin, bx, by = self.basin(x, y)
        gx = gx * (1.0 - basin) - (height + 200.0) * bx
        gy = gy * (1.0 - basin) - (height + 200.0) * by
        height = height * (1.0 - basin) - 200.0 * basin
        river = self.rivers(x, y) if self.rivers is not None else np.full(len(x), np.inf)
        valley = np.exp(-((river / 450.0) ** 2))
        return {
            "elevation": height - 90.0 * valley,
            "slope": np.degrees(np.arctan(np.hypot(gx, gy))) * (1.0 - 0.65 * valley),
            "wetness": np.maximum(np.exp(-river / 650.0), 0.75 * basin),
            "karst": karst,
            "basin": basin,
            "patch_a": self.patch[0](x, y),
            "patch_b": self.patch[1](x, y),
            "block": self.patch[2](x, y),
        }


def _upland_score(fields: dict[str, np.ndarray], weight: np.ndarray) -> np.ndarray:
    """High on high, steep, dry ground; low in basins and valleys."""
    return (
        _standardise(fields["elevation"], weight)
        + 0.8 * _standardise(fields["slope"], weight)
        - 0.6 * fields["wetness"]
        + 0.35 * fields["patch_a"]
        - 0.8 * fields["basin"]
    )


# ----------------------------------------------------------------------------- lines


def _wiggle(
    points: np.ndarray,
    rng: np.random.Generator,
    *,
    roughness: float,
    levels: int = 4,
    tolerance: float = 1.0,
) -> shapely.LineString:
    """Return a smooth, natural-looking line through ``points``.

    Midpoint displacement (offsets proportional to the segment length) adds
    detail at ``levels`` scales, then three rounds of Chaikin corner cutting
    smooth it, and vertices closer than ``tolerance`` metres to the line
    are dropped. The end points are kept.
    """
    pts = np.asarray(points, dtype=float)
    for _ in range(levels):
        seg = np.diff(pts, axis=0)
        length = np.hypot(seg[:, 0], seg[:, 1])
        normal = np.column_stack([-seg[:, 1], seg[:, 0]]) / np.maximum(length, 1e-9)[:, None]
        offset = rng.uniform(-1.0, 1.0, len(seg)) * roughness * length
        mids = (pts[:-1] + pts[1:]) / 2.0 + normal * offset[:, None]
        out = np.empty((len(pts) + len(mids), 2))
        out[0::2] = pts
        out[1::2] = mids
        pts = out
    for _ in range(3):
        cut = np.empty((2 * (len(pts) - 1), 2))
        cut[0::2] = 0.75 * pts[:-1] + 0.25 * pts[1:]
        cut[1::2] = 0.25 * pts[:-1] + 0.75 * pts[1:]
        pts = np.vstack([pts[:1], cut, pts[-1:]])
    return shapely.simplify(shapely.LineString(pts), tolerance)


def _blob(
    centre: np.ndarray, angle: float, length: float, width: float, rng: np.random.Generator
) -> shapely.Polygon:
    """Return a smooth lobed oval (a reservoir) around ``centre``."""
    phi = np.linspace(0.0, 2.0 * np.pi, 64, endpoint=False)
    radius = np.ones_like(phi)
    for harmonic in (2, 3, 4, 5):
        radius += rng.uniform(0.0, 0.12) * np.cos(harmonic * phi + rng.uniform(0.0, 2 * np.pi))
    u = 0.5 * length * radius * np.cos(phi)
    v = 0.5 * width * radius * np.sin(phi)
    x = centre[0] + u * np.cos(angle) - v * np.sin(angle)
    y = centre[1] + u * np.sin(angle) + v * np.cos(angle)
    return shapely.Polygon(np.column_stack([x, y]))


def _corridor(
    lines: Sequence[shapely.Geometry], widths: Sequence[float] | float
) -> shapely.Geometry:
    """Union of flat-ended buffers of ``lines`` (``widths`` in metres)."""
    half = np.broadcast_to(np.asarray(widths, dtype=float) / 2.0, (len(lines),))
    return shapely.union_all(
        shapely.buffer(
            np.asarray(lines, dtype=object),
            half,
            cap_style="flat",
            join_style="mitre",
            mitre_limit=2.0,
        )
    )


def _project(lonlat: Sequence[tuple[float, float]]) -> np.ndarray:
    """Project CGCS2000 (lon, lat) pairs to EPSG:4523."""
    transformer = Transformer.from_crs(
        CRS.from_epsg(4490), CRS.from_user_input(SAMPLE_CRS), always_xy=True
    )
    lon, lat = np.asarray(lonlat, dtype=float).T
    x, y = transformer.transform(lon, lat)
    return np.column_stack([x, y])


def _point_along(line: shapely.LineString, distance: float) -> np.ndarray:
    """Coordinates of the point ``distance`` metres along ``line`` (clamped)."""
    distance = min(max(distance, 0.0), line.length)
    return shapely.get_coordinates(shapely.line_interpolate_point(line, distance))[0]


# ----------------------------------------------------------------------------- plan


@dataclass
class _Plan:
    """The county before it is cut into parcels: fields, lines and places."""

    outline: shapely.Geometry
    terrain: _Terrain
    seats: np.ndarray
    river_lines: list[shapely.LineString]
    river_widths: list[float]
    reservoirs: list[shapely.Polygon]
    ditches: list[shapely.Geometry]
    road_lines: list[shapely.LineString]
    road_info: list[tuple[str, str, float]]
    rural_roads: list[shapely.LineString]
    streets: list[shapely.Geometry]
    villages: np.ndarray  # (n, 2) centres of natural villages
    village_radius: np.ndarray


def _make_rivers(
    rng: np.random.Generator,
) -> tuple[list[shapely.LineString], list[float], list[shapely.Polygon]]:
    """Draw the rivers (parents first) and the reservoirs on them."""
    lines: list[shapely.LineString] = []
    widths: list[float] = []
    reservoirs: list[shapely.Polygon] = []
    for waypoints, width, parent, reservoir in _RIVERS:
        pts = _project(waypoints)
        if parent is not None:
            parent_line = lines[parent]
            pts[-1] = _point_along(
                parent_line, shapely.line_locate_point(parent_line, shapely.Point(pts[-1]))
            )
        line = _wiggle(pts, rng, roughness=0.16, tolerance=2.0)
        lines.append(line)
        widths.append(width)
        if reservoir is not None:
            index, length, breadth = reservoir
            at = shapely.line_locate_point(line, shapely.Point(pts[index]))
            ahead, behind = _point_along(line, at + 300.0), _point_along(line, at - 300.0)
            angle = float(np.arctan2(ahead[1] - behind[1], ahead[0] - behind[0]))
            reservoirs.append(_blob(_point_along(line, at), angle, length, breadth, rng))
    return lines, widths, reservoirs


def _make_roads(
    rng: np.random.Generator, seats: np.ndarray
) -> tuple[list[shapely.LineString], list[tuple[str, str, float]]]:
    """Draw the road centre lines through their waypoints and town seats."""
    lines = []
    info = []
    for name, road_class, width, waypoints in _ROADS:
        pts = np.array([seats[w] if isinstance(w, int) else _project([w])[0] for w in waypoints])
        lines.append(_wiggle(pts, rng, roughness=0.07, levels=3, tolerance=2.0))
        info.append((name, road_class, width))
    return lines, info


def _place_villages(
    rng: np.random.Generator, outline: shapely.Geometry, terrain: _Terrain
) -> tuple[np.ndarray, np.ndarray]:
    """Place natural villages by dart throwing, preferring low, flat, wet ground."""
    count, spacing, tries = 390, 620.0, 9000
    x0, y0, x1, y1 = outline.bounds
    xy = np.column_stack([rng.uniform(x0, x1, tries), rng.uniform(y0, y1, tries)])
    accept_draw = rng.uniform(0.0, 1.0, tries)
    radius = rng.uniform(140.0, 280.0, tries)
    inside = shapely.contains_xy(shapely.buffer(outline, -300.0), xy[:, 0], xy[:, 1])
    xy, accept_draw, radius = xy[inside], accept_draw[inside], radius[inside]
    fields = terrain.sample(xy[:, 0], xy[:, 1])
    weight = np.ones(len(xy))
    lowland = (
        -_standardise(fields["elevation"], weight)
        - 0.7 * _standardise(fields["slope"], weight)
        + 0.8 * fields["wetness"]
    )
    chance = 1.0 / (1.0 + np.exp(-1.4 * lowland))
    near_town = (terrain.town_ratio(xy[:, 0], xy[:, 1]) < 1.6).any(axis=1)
    chosen: list[int] = []
    for i in range(len(xy)):
        if accept_draw[i] > chance[i] or near_town[i]:
            continue
        if chosen and np.hypot(*(xy[chosen] - xy[i]).T).min() < spacing:
            continue
        chosen.append(i)
        if len(chosen) == count:
            break
    return xy[chosen], radius[chosen]


def _make_rural_roads(
    rng: np.random.Generator,
    villages: np.ndarray,
    terrain: _Terrain,
    network: shapely.Geometry,
) -> list[shapely.LineString]:
    """Link each village to the road network or to a village nearer a town seat."""
    points = shapely.points(villages)
    to_road = shapely.shortest_line(points, network)
    road_end = shapely.get_coordinates(shapely.get_point(to_road, 1))
    road_gap = shapely.length(to_road)
    seat_gap = terrain.town_ratio(villages[:, 0], villages[:, 1]).min(axis=1)
    lines = []
    for i in range(len(villages)):
        target, gap = road_end[i], road_gap[i]
        nearer = np.flatnonzero(seat_gap < seat_gap[i])
        if len(nearer):
            distance = np.hypot(*(villages[nearer] - villages[i]).T)
            j = int(np.argmin(distance))
            if distance[j] < gap:
                target = villages[nearer[j]]
        lines.append(
            _wiggle(np.array([villages[i], target]), rng, roughness=0.12, levels=3, tolerance=3.0)
        )
    return lines


def _make_ditches(
    seats: np.ndarray, river_lines: list[shapely.LineString]
) -> list[shapely.Geometry]:
    """Irrigation ditches running beside the main rivers across the basins."""
    centres = shapely.points(seats)
    basins = shapely.union_all(shapely.buffer(centres, [0.85 * t.basin for t in _TOWNS]))
    towns = shapely.union_all(shapely.buffer(centres, [1.15 * t.radius for t in _TOWNS]))
    ditches = []
    for line in river_lines[:3]:
        for offset in (-420.0, 420.0):
            curve = shapely.simplify(shapely.offset_curve(line, offset, quad_segs=2), 3.0)
            clipped = shapely.difference(shapely.intersection(curve, basins), towns)
            ditches.extend(p for p in shapely.get_parts(clipped) if p.length > 300.0)
    return ditches


def _town_shape(terrain: _Terrain, index: int, level: float) -> shapely.Polygon:
    """The region around a seat where its town ratio is below ``level`` (star-shaped)."""
    seat = terrain.seats[index]
    angle = np.linspace(0.0, 2.0 * np.pi, 90, endpoint=False)
    steps = np.linspace(0.0, 3.0 * level * _TOWNS[index].radius, 150)
    px = seat[0] + np.outer(np.cos(angle), steps)
    py = seat[1] + np.outer(np.sin(angle), steps)
    ratio = terrain.town_ratio(px.ravel(), py.ravel())[:, index].reshape(px.shape)
    reach = steps[np.argmax(ratio >= level, axis=1)]
    return shapely.Polygon(
        np.column_stack([seat[0] + reach * np.cos(angle), seat[1] + reach * np.sin(angle)])
    )


def _make_streets(rng: np.random.Generator, terrain: _Terrain) -> list[shapely.Geometry]:
    """A rotated street grid inside each town."""
    streets = []
    for index, (seat, town) in enumerate(zip(terrain.seats, _TOWNS, strict=True)):
        spacing = 300.0 if index == _SEAT else 260.0
        angle = rng.uniform(0.0, np.pi / 2.0)
        built = _town_shape(terrain, index, 0.9)
        offsets = np.arange(-3.0 * town.radius, 3.0 * town.radius, spacing) + rng.uniform(-60, 60)
        for direction in (angle, angle + np.pi / 2.0):
            along = np.array([np.cos(direction), np.sin(direction)])
            across = np.array([-along[1], along[0]])
            for offset in offsets:
                centre = seat + across * offset
                line = shapely.LineString(
                    [centre - along * town.radius * 3.0, centre + along * town.radius * 3.0]
                )
                piece = shapely.intersection(line, built)
                streets.extend(p for p in shapely.get_parts(piece) if p.length > 100.0)
    return streets


def _make_plan(outline: shapely.Geometry, rng: np.random.Generator) -> _Plan:
    """Draw the terrain and every linear and point feature of the county."""
    x0, y0, x1, y1 = outline.bounds
    origin = np.array([(x0 + x1) / 2.0, (y0 + y1) / 2.0])
    seats = _project([(town.lon, town.lat) for town in _TOWNS])
    if not shapely.contains_xy(outline, seats[:, 0], seats[:, 1]).all():
        raise InputDataError(
            "the outline does not contain the Luxi township seats; make_sample builds the "
            "Luxi County sample and needs the county outline in EPSG:4523 "
            "(landcheck.io.sample_files.read_county_outline)"
        )
    terrain = _Terrain(
        seats=seats,
        warp=(_Noise(rng, (8000.0, 20000.0), origin), _Noise(rng, (8000.0, 20000.0), origin)),
        relief=(
            _Noise(rng, (20000.0, 50000.0), origin),
            _Noise(rng, (5000.0, 12000.0), origin),
            _Noise(rng, (1200.0, 3000.0), origin),
            _Noise(rng, (500.0, 1200.0), origin),
        ),
        karst=_Noise(rng, (4000.0, 10000.0), origin),
        patch=(
            _Noise(rng, (1000.0, 3000.0), origin),
            _Noise(rng, (500.0, 1500.0), origin),
            _Noise(rng, (2000.0, 5000.0), origin),
        ),
    )
    river_lines, river_widths, reservoirs = _make_rivers(rng)
    terrain.rivers = _LineDistance(river_lines)
    road_lines, road_info = _make_roads(rng, seats)
    villages, village_radius = _place_villages(rng, outline, terrain)
    streets = _make_streets(rng, terrain)
    rural = _make_rural_roads(rng, villages, terrain, shapely.union_all(road_lines))
    return _Plan(
        outline=outline,
        terrain=terrain,
        seats=seats,
        river_lines=river_lines,
        river_widths=river_widths,
        reservoirs=reservoirs,
        ditches=_make_ditches(seats, river_lines),
        road_lines=road_lines,
        road_info=road_info,
        rural_roads=rural,
        streets=streets,
        villages=villages,
        village_radius=village_radius,
    )


# ----------------------------------------------------------------------------- cells

_TOWN_RINGS = (
    (
        0.30,
        (
            ("05H1", 0.34),
            ("08H1", 0.12),
            ("08H2", 0.15),
            ("0701", 0.31),
            ("0810", 0.04),
            ("0810A", 0.04),
        ),
    ),
    (
        0.75,
        (
            ("0701", 0.58),
            ("05H1", 0.12),
            ("08H2", 0.10),
            ("0809", 0.05),
            ("0810", 0.06),
            ("1005", 0.03),
            ("0508", 0.03),
            ("08H1", 0.03),
        ),
    ),
    (
        1.00,
        (
            ("0701", 0.45),
            ("0601", 0.15),
            ("0508", 0.10),
            ("05H1", 0.08),
            ("08H2", 0.06),
            ("0809", 0.05),
            ("1201", 0.05),
            ("0810", 0.03),
            ("1005", 0.03),
        ),
    ),
)
_INDUSTRY_MIX = (("0601", 0.75), ("0508", 0.15), ("0809", 0.10))
_VILLAGE_MIX = (("0702", 0.90), ("08H2", 0.03), ("05H1", 0.02), ("0809", 0.02), ("1202", 0.03))


@dataclass
class _Cells:
    """The Voronoi generator points and what each cell is."""

    xy: np.ndarray
    weight: np.ndarray  # approximate cell area, m²
    fields: dict[str, np.ndarray]
    ratio: np.ndarray  # (n, towns) warped distance over built-up radius
    township: np.ndarray
    village: np.ndarray  # index into the administrative villages
    code: np.ndarray
    grade: np.ndarray  # slope grade 1-5
    state: np.ndarray  # state-owned land (towns, mines, special land)
    boundary: np.ndarray  # town whose urban development boundary holds the cell, or -1


def _generator_points(plan: _Plan, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Jittered lattice points, denser in towns, villages and lowlands.

    Each 500 m base cell holds k×k jittered points, k from 1 to 6 chosen
    from a target spacing; one scale factor (found by bisection) brings the
    number of cells inside the outline to the target.
    """
    x0, y0, x1, y1 = plan.outline.bounds
    gx = np.arange(x0 - _LATTICE, x1 + _LATTICE, _LATTICE) + _LATTICE / 2.0
    gy = np.arange(y0 - _LATTICE, y1 + _LATTICE, _LATTICE) + _LATTICE / 2.0
    cx, cy = (a.ravel() for a in np.meshgrid(gx, gy))
    near = shapely.contains_xy(shapely.buffer(plan.outline, _LATTICE), cx, cy)
    cx, cy = cx[near], cy[near]
    inside = shapely.contains_xy(plan.outline, cx, cy)
    fields = plan.terrain.sample(cx, cy)
    weight = np.ones(len(cx))
    upland = _upland_score(fields, weight)
    spacing = np.clip(300.0 * np.exp(0.5 * upland), 180.0, 650.0)
    village_gap = shapely.STRtree(shapely.points(plan.villages)).query_nearest(
        shapely.points(cx, cy), return_distance=True, all_matches=False
    )[1]
    spacing = np.where(village_gap < 450.0, np.minimum(spacing, 150.0), spacing)
    spacing = np.where(plan.terrain.town_ratio(cx, cy).min(axis=1) < 1.25, 105.0, spacing)

    dither = rng.uniform(0.0, 1.0, len(cx))

    def levels(scale: float) -> np.ndarray:
        return np.clip(np.floor(_LATTICE / (spacing * scale) + dither), 1, 6).astype(int)

    low, high = 0.3, 3.0
    for _ in range(40):
        middle = (low + high) / 2.0
        if (levels(middle)[inside] ** 2).sum() > _TARGET_CELLS:
            low = middle
        else:
            high = middle
    k = levels(high)
    points, sizes = [], []
    for level in range(1, 7):
        chosen = np.flatnonzero(k == level)
        if not len(chosen):
            continue
        step = _LATTICE / level
        offsets = (np.arange(level) + 0.5) * step - _LATTICE / 2.0
        ox, oy = (a.ravel() for a in np.meshgrid(offsets, offsets))
        px = (cx[chosen][:, None] + ox[None, :]).ravel()
        py = (cy[chosen][:, None] + oy[None, :]).ravel()
        jitter = rng.uniform(-0.38, 0.38, (len(px), 2)) * step
        points.append(np.column_stack([px, py]) + jitter)
        sizes.append(np.full(len(px), step * step))
    xy = np.vstack(points)
    area = np.concatenate(sizes)
    keep = shapely.contains_xy(shapely.buffer(plan.outline, 200.0), xy[:, 0], xy[:, 1])
    return xy[keep], area[keep]


def _admin_villages(
    plan: _Plan,
    rng: np.random.Generator,
    cells_xy: np.ndarray,
    township: np.ndarray,
    ratio: np.ndarray,
) -> tuple[np.ndarray, pd.DataFrame]:
    """Group the natural villages into administrative villages and assign the cells.

    Returns
    -------
    village : numpy.ndarray
        Index of each cell's administrative village.
    table : pandas.DataFrame
        One row per administrative village: ``township`` (index), ``code``
        (12 digits), ``name``.
    """
    names = [a + b + "村" for a in _VILLAGE_FIRST for b in _VILLAGE_SECOND if a != b]
    names = [names[i] for i in rng.permutation(len(names))]
    natural_township = plan.terrain.township(plan.villages[:, 0], plan.villages[:, 1])
    rows = []
    village = np.zeros(len(cells_xy), dtype=int)
    for t, town in enumerate(_TOWNS):
        seat = plan.seats[t]
        members = plan.villages[natural_township == t]
        count = max(3, round(len(members) / 3.2))
        chosen: list[int] = []
        if len(members):
            gap = np.hypot(*(members - seat).T)
            for _ in range(min(count, len(members))):
                pick = int(np.argmax(gap))
                chosen.append(pick)
                gap = np.minimum(gap, np.hypot(*(members - members[pick]).T))
        centres = members[chosen]
        centres = centres[np.lexsort((centres[:, 0], -centres[:, 1]))] if len(centres) else centres
        first = len(rows)
        short = town.name[:-1]
        rows.append((t, f"{COUNTY_CODE}{town.code}001", f"{short}社区"))
        for j in range(len(centres)):
            rows.append((t, f"{COUNTY_CODE}{town.code}{201 + j:03d}", names.pop(0)))
        mine = np.flatnonzero(township == t)
        if len(centres):
            distance = np.hypot(
                cells_xy[mine, 0][:, None] - centres[None, :, 0],
                cells_xy[mine, 1][:, None] - centres[None, :, 1],
            )
            village[mine] = first + 1 + np.argmin(distance, axis=1)
        village[mine[ratio[mine, t] < 1.3]] = first
        if not len(centres):
            village[mine] = first
    table = pd.DataFrame(rows, columns=["township", "code", "name"])
    return village, table


def _classify_cells(
    plan: _Plan,
    xy: np.ndarray,
    w: np.ndarray,
    f: dict[str, np.ndarray],
    ratio: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return each cell's land-use class, slope grade and state-ownership flag.

    ``xy`` are the generator points, ``w`` their approximate cell areas,
    ``f`` their fields and ``ratio`` their town ratios.
    """
    n = len(w)
    code = np.full(n, "", dtype=object)
    z_elevation = _standardise(f["elevation"], w)
    z_slope = _standardise(f["slope"], w)
    village_gap = np.full(n, np.inf)
    if len(plan.villages):
        near, gap = shapely.STRtree(shapely.points(plan.villages)).query_nearest(
            shapely.points(xy), return_distance=True, all_matches=False
        )
        village_gap[near[0]] = gap / plan.village_radius[near[1]]
    near_village = np.exp(-np.maximum(village_gap - 1.0, 0.0) * 2.0)

    upland_score = _upland_score(f, w)
    everything = np.arange(n)
    upland, lowland = _top_share(everything, upland_score, w, 0.55)
    # upland: bare land, grass, then forest (arbor high, shrub on karst)
    bare, rest = _top_share(upland, f["karst"] + 0.25 * f["patch_b"] + 0.2 * z_slope, w, 0.07)
    code[bare] = np.where(f["karst"][bare] >= np.median(f["karst"][bare]), "1207", "1206")
    grass, forest = _top_share(
        rest, 0.6 * f["karst"] - 0.4 * z_elevation + 0.5 * f["patch_b"], w, 0.20
    )
    code[grass] = "0404"
    arbor, rest = _top_share(forest, z_elevation - f["karst"] + 0.4 * f["patch_a"], w, 0.55)
    code[arbor] = "0301"
    shrub, other = _top_share(rest, f["karst"], w, 0.65)
    code[shrub] = "0305"
    code[other] = "0307"
    # lowland: gardens, ponds, facility land, then cultivated land
    garden, rest = _top_share(
        lowland, 0.5 * z_slope + 1.2 * f["patch_a"] - f["wetness"] + 0.3 * near_village, w, 0.10
    )
    code[garden] = np.where(f["patch_b"][garden] > -0.3, "0201", "0204")
    pond, rest = _top_share(rest, f["wetness"] + 0.8 * near_village + 0.3 * f["patch_b"], w, 0.018)
    code[pond] = "1104"
    facility, cultivated = _top_share(rest, near_village + 0.5 * f["patch_a"], w, 0.012)
    code[facility] = "1202"
    grade = np.digitize(f["slope"], _SLOPE_GRADE_DEGREES) + 1
    flat = cultivated[grade[cultivated] <= 2]
    share = min(1.0, 0.24 * w[cultivated].sum() / max(w[flat].sum(), 1.0))
    paddy, flat_rest = _top_share(flat, f["wetness"] + 0.5 * f["patch_b"], w, share)
    share = min(1.0, 0.04 * w[cultivated].sum() / max(w[flat_rest].sum(), 1.0))
    irrigated, _ = _top_share(flat_rest, f["wetness"] + f["patch_b"], w, share)
    code[cultivated] = "0103"
    code[paddy] = "0101"
    code[irrigated] = "0102"

    state = np.zeros(n, dtype=bool)
    # natural villages
    in_village = np.flatnonzero(village_gap < 1.0)
    code[in_village] = _draw(rng, len(in_village), _VILLAGE_MIX)
    # mines and special land on karst uplands away from towns and villages
    town_gap = ratio.min(axis=1)
    wild = np.isin(code, (*_FOREST, "0404", "1206", "1207"))
    remote = np.flatnonzero((town_gap > 4.0) & (village_gap > 3.0) & wild)
    rank = f["karst"][remote] + 0.3 * rng.uniform(0.0, 1.0, len(remote))
    order = remote[np.argsort(-rank, kind="stable")]
    centres: list[np.ndarray] = []
    for i in order:
        if all(np.hypot(*(xy[i] - c)) > 5000.0 for c in centres):
            centres.append(xy[i])
        if len(centres) == 8:
            break
    for j, centre in enumerate(centres):
        radius = rng.uniform(280.0, 460.0) if j < 6 else rng.uniform(150.0, 220.0)
        hit = np.flatnonzero(np.hypot(*(xy - centre).T) < radius)
        code[hit] = "0602" if j < 6 else "09"
        state[hit] = True
    # independent industry along the expressway
    expressway = plan.road_lines[0]
    for fraction in (0.22, 0.58, 0.84):
        centre = _point_along(expressway, fraction * expressway.length)
        centre = centre + np.array([0.0, 350.0])
        hit = np.flatnonzero(np.hypot(*(xy - centre).T) < 320.0)
        code[hit] = _draw(rng, len(hit), _INDUSTRY_MIX)
        state[hit] = True
    # towns: rings of built-up land, and an industrial sector east of the county seat
    nearest = np.argmin(ratio, axis=1)
    ring_ratio = ratio[everything, nearest]
    lower = 0.0
    for upper, mix in _TOWN_RINGS:
        hit = np.flatnonzero((ring_ratio >= lower) & (ring_ratio < upper))
        code[hit] = _draw(rng, len(hit), mix)
        state[hit] = True
        lower = upper
    seat = plan.seats[_SEAT]
    bearing = np.arctan2(xy[:, 1] - seat[1], xy[:, 0] - seat[0])
    sector = np.abs(np.angle(np.exp(1j * (bearing - np.radians(-15.0))))) < 0.6
    industry = np.flatnonzero(sector & (ratio[:, _SEAT] >= 0.45) & (ratio[:, _SEAT] < 1.15))
    code[industry] = _draw(rng, len(industry), _INDUSTRY_MIX)
    state[industry] = True
    return code, grade, state


def _boundary_town(ratio: np.ndarray) -> np.ndarray:
    """Town whose urban development boundary holds each point, or -1."""
    factor = np.array([town.boundary for town in _TOWNS])
    reach = np.where(factor > 0, ratio / np.where(factor > 0, factor, 1.0)[None, :], np.inf)
    town = np.argmin(reach, axis=1)
    return np.where(reach[np.arange(len(ratio)), town] < 1.0, town, -1)


def _make_cells(plan: _Plan, rng: np.random.Generator) -> tuple[_Cells, pd.DataFrame]:
    """Generator points with their fields, township, village and class."""
    xy, weight = _generator_points(plan, rng)
    fields = plan.terrain.sample(xy[:, 0], xy[:, 1])
    ratio = plan.terrain.town_ratio(xy[:, 0], xy[:, 1])
    township = plan.terrain.township(xy[:, 0], xy[:, 1])
    village, villages = _admin_villages(plan, rng, xy, township, ratio)
    code, grade, state = _classify_cells(plan, xy, weight, fields, ratio, rng)
    cells = _Cells(
        xy=xy,
        weight=weight,
        fields=fields,
        ratio=ratio,
        township=township,
        village=village,
        code=code,
        grade=grade,
        state=state,
        boundary=_boundary_town(ratio),
    )
    return cells, villages


# ----------------------------------------------------------------------------- parcels


@dataclass
class _Parcels:
    """The land-use parcels: an exact coverage of the outline, with their cells."""

    geometry: np.ndarray
    cell: np.ndarray  # generator index of each parcel
    code: np.ndarray
    corridor: np.ndarray  # parcel cut out of a road, river or ditch corridor


def _corridors(plan: _Plan) -> list[tuple[str, shapely.Geometry]]:
    """Corridor and reservoir polygons by class, highest priority first."""
    widths = [info[2] for info in plan.road_info]
    corridors = [
        ("1103", shapely.union_all(plan.reservoirs)),
        ("1101", _corridor(plan.river_lines, plan.river_widths)),
        ("1003", _corridor(plan.road_lines, widths)),
        ("1004", _corridor(plan.streets, 14.0)),
        ("1006", _corridor(plan.rural_roads, 5.0)),
        ("1107", _corridor(plan.ditches, 4.0)),
    ]
    return corridors


def _merge_small_faces(
    faces: np.ndarray, code: np.ndarray, minimum: float
) -> tuple[np.ndarray, np.ndarray]:
    """Merge faces under ``minimum`` m² into the neighbour they share most edge with.

    A neighbour of the same class is preferred. Returns the merged faces and,
    for each, the index of the input face whose attributes it keeps (the
    largest of the group).
    """
    area = shapely.area(faces)
    small = np.flatnonzero(area < minimum)
    parent = np.arange(len(faces))
    if len(small):
        tree = shapely.STRtree(faces)
        left, right = tree.query(faces[small], predicate="intersects")
        source = small[left]
        keep = right != source
        source, right = source[keep], right[keep]
        shared = shapely.length(
            shapely.intersection(shapely.boundary(faces[source]), shapely.boundary(faces[right]))
        )
        same = np.where(code[source] == code[right], 4.0, 1.0)
        score = shared * same * (1.0 + (area[right] >= minimum))
        valid = shared > 0.0
        order = np.lexsort((-score[valid], source[valid]))
        pairs_source, pairs_target = source[valid][order], right[valid][order]
        first = np.ones(len(pairs_source), dtype=bool)
        first[1:] = pairs_source[1:] != pairs_source[:-1]

        def root(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for s, t in zip(pairs_source[first], pairs_target[first], strict=True):
            a, b = root(int(s)), root(int(t))
            if a != b:
                parent[a] = b
        roots = np.array([root(i) for i in range(len(faces))])
    else:
        roots = parent
    order = np.lexsort((-area, roots))
    sorted_roots = roots[order]
    starts = np.flatnonzero(np.r_[True, sorted_roots[1:] != sorted_roots[:-1]])
    ends = np.r_[starts[1:], len(order)]
    merged = np.empty(len(starts), dtype=object)
    keeper = order[starts]
    for g, (a, b) in enumerate(zip(starts, ends, strict=True)):
        members = order[a:b]
        merged[g] = faces[members[0]] if b - a == 1 else shapely.coverage_union_all(faces[members])
    position = np.argsort(keeper, kind="stable")
    return merged[position], keeper[position]


def _make_parcels(plan: _Plan, cells: _Cells) -> _Parcels:
    """Cut the outline into parcels along cell edges and corridor boundaries."""
    outline = plan.outline
    x0, y0, x1, y1 = outline.bounds
    frame = shapely.box(x0 - 3000.0, y0 - 3000.0, x1 + 3000.0, y1 + 3000.0)
    edges = shapely.voronoi_polygons(
        shapely.multipoints(cells.xy), extend_to=frame, only_edges=True
    )
    corridors = _corridors(plan)
    lakes = corridors[0][1]
    lines = [shapely.difference(edges, lakes), shapely.boundary(outline), shapely.boundary(lakes)]
    lines += [shapely.difference(shapely.boundary(g), lakes) for _, g in corridors[1:]]
    noded = shapely.union_all(lines, grid_size=_GRID)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    rep = shapely.point_on_surface(faces)
    rx, ry = shapely.get_coordinates(rep).T
    inside = shapely.contains_xy(outline, rx, ry)
    faces, rep, rx, ry = faces[inside], rep[inside], rx[inside], ry[inside]
    cell = shapely.STRtree(shapely.points(cells.xy)).query_nearest(rep, all_matches=False)[1]
    code = cells.code[cell].copy()
    corridor = np.zeros(len(faces), dtype=bool)
    for corridor_code, geometry in reversed(corridors):
        shapely.prepare(geometry)
        hit = shapely.contains_xy(geometry, rx, ry)
        code[hit] = corridor_code
        corridor |= hit
    town = cells.ratio[cell].min(axis=1) < 1.0
    code[corridor & town & (code == "1006")] = "1004"
    faces, keeper = _merge_small_faces(faces, code, _MIN_FACE_M2)
    return _join_corridor_faces(
        faces, cell[keeper], code[keeper], corridor[keeper], cells.village, cells.boundary
    )


def _join_corridor_faces(
    faces: np.ndarray,
    cell: np.ndarray,
    code: np.ndarray,
    corridor: np.ndarray,
    village: np.ndarray,
    boundary: np.ndarray,
) -> _Parcels:
    """Join the corridor pieces of one class within one village into continuous parcels.

    The cell edges cut every road, river and ditch into short pieces; a
    survey parcel runs on to the next village boundary instead. Pieces
    inside and outside an urban development boundary stay apart.
    """
    keep = np.flatnonzero(~corridor)
    pieces = np.flatnonzero(corridor)
    key = np.array([f"{code[i]}|{village[cell[i]]:05d}|{boundary[cell[i]]}" for i in pieces])
    order = pieces[np.argsort(key, kind="stable")]
    sorted_key = np.sort(key, kind="stable")
    starts = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
    ends = np.r_[starts[1:], len(order)]
    area = shapely.area(faces)
    rep = shapely.point_on_surface(faces)
    out_geometry, out_cell, out_code = [], [], []
    for a, b in zip(starts, ends, strict=True):
        members = order[a:b]
        members = members[np.argsort(-area[members], kind="stable")]
        joined = faces[members[0]] if b - a == 1 else shapely.coverage_union_all(faces[members])
        for part in shapely.get_parts(joined):
            shapely.prepare(part)
            inside = shapely.contains(part, rep[members])
            owner = members[np.argmax(inside)]
            out_geometry.append(part)
            out_cell.append(cell[owner])
            out_code.append(code[owner])
    return _Parcels(
        geometry=np.concatenate([faces[keep], np.array(out_geometry, dtype=object)]),
        cell=np.concatenate([cell[keep], np.array(out_cell, dtype=int)]),
        code=np.concatenate([code[keep], np.array(out_code, dtype=object)]),
        corridor=np.r_[np.zeros(len(keep), dtype=bool), np.ones(len(out_geometry), dtype=bool)],
    )


# ----------------------------------------------------------------------------- control lines


@dataclass
class _Lines:
    """The three control lines and the planning zone of every parcel."""

    boundary: np.ndarray  # town index of the urban development boundary, or -1
    boundary_zone: np.ndarray  # 0401 / 0402 / 0403, or ""
    redline: np.ndarray  # LHLX (main function) of the redline, or ""
    farmland: np.ndarray  # permanent basic farmland
    zone: np.ndarray  # planning zone code


def _rural_zone(code: np.ndarray, construction: np.ndarray) -> np.ndarray:
    """Planning zone of land outside the three control lines, by land-use class."""
    zone = np.full(len(code), "0502", dtype=object)
    zone[construction] = "0501"
    zone[np.isin(code, _FOREST)] = "0503"
    zone[np.isin(code, ("0404", "1206", "1207", "1101", "1103"))] = "02"
    zone[code == "0602"] = "07"
    return zone


def _union_parts(geometries: np.ndarray) -> np.ndarray:
    """Connected parts of the union of coverage polygons."""
    if not len(geometries):
        return np.empty(0, dtype=object)
    return shapely.get_parts(shapely.coverage_union_all(geometries))


def _control_lines(
    plan: _Plan, cells: _Cells, parcels: _Parcels, construction: np.ndarray
) -> _Lines:
    """Draw the urban boundary, the redline, the farmland and the planning zones."""
    cell = parcels.cell
    code = parcels.code
    area = shapely.area(parcels.geometry)
    rep = shapely.point_on_surface(parcels.geometry)
    rx, ry = shapely.get_coordinates(rep).T
    fields = {name: values[cell] for name, values in cells.fields.items()}

    boundary = cells.boundary[cell]
    in_boundary = boundary >= 0
    boundary_zone = np.full(len(code), "", dtype=object)
    own_ratio = cells.ratio[cell, np.maximum(boundary, 0)]
    boundary_zone[in_boundary] = "0402"
    boundary_zone[in_boundary & ((own_ratio < 1.08) | construction)] = "0401"
    boundary_zone[in_boundary & np.isin(code, _GREEN_IN_TOWN)] = "0403"

    eligible = ~in_boundary & np.isin(code, _ECO_CLASSES)
    upland = np.isin(code, (*_FOREST, "0404", "1206", "1207"))
    high = fields["elevation"] >= _weighted_threshold(fields["elevation"], area, 0.11)
    hill = eligible & upland & high
    karst = (
        eligible
        & np.isin(code, ("0305", "0404", "1206", "1207"))
        & (fields["karst"] >= 0.8)
        & (fields["slope"] >= 14.0)
    )
    lakes = shapely.union_all(plan.reservoirs)
    near_lake = shapely.dwithin(rep, lakes, 1800.0)
    main_river = shapely.dwithin(rep, plan.river_lines[0], 40.0)
    water = eligible & (
        (code == "1103")
        | (np.isin(code, (*_FOREST, "0404")) & near_lake)
        | ((code == "1101") & main_river)
    )
    redline = np.full(len(code), "", dtype=object)
    redline[hill] = "生物多样性维护"
    redline[karst] = "水土保持"
    redline[water] = "水源涵养"
    candidate = np.flatnonzero(redline != "")
    patches = _union_parts(parcels.geometry[candidate])
    large = patches[shapely.area(patches) >= 30e4]
    kept = shapely.union_all(large) if len(large) else shapely.Polygon()
    shapely.prepare(kept)
    redline[candidate[~shapely.contains_xy(kept, rx[candidate], ry[candidate])]] = ""

    grade = cells.grade[cell]
    block = fields["block"]
    fringe = _boundary_town(cells.ratio[cell] / 1.12) >= 0  # general farmland by the boundary
    cultivated = (
        np.isin(code, _CULTIVATED) & ~parcels.corridor & ~in_boundary & ~fringe & (redline == "")
    )
    farmland = cultivated & (
        ((grade <= 2) & (block > -1.5))
        | ((grade == 3) & (block > -0.8))
        | ((grade == 4) & (block > 0.4))
    )

    base = _rural_zone(cells.code[cell], np.isin(cells.code[cell], _construction_codes()))
    zone = _rural_zone(code, construction)
    linear = parcels.corridor & np.isin(code, ("1003", "1004", "1006", "1107"))
    zone[linear] = base[linear]
    zone[in_boundary] = boundary_zone[in_boundary]
    zone[farmland] = "03"
    zone[redline != ""] = "01"
    return _Lines(
        boundary=boundary,
        boundary_zone=boundary_zone,
        redline=redline,
        farmland=farmland,
        zone=zone,
    )


def _construction_codes() -> tuple[str, ...]:
    """三调 codes whose 三大类 category is construction land (建设用地)."""
    frame = load_code_table("sandiao-2019").frame
    return tuple(frame.index[frame["category"] == _CONSTRUCTION])


# ----------------------------------------------------------------------------- frames


def _bsm(layer: int, count: int) -> list[str]:
    """Unique identifiers (标识码) for ``count`` features of one layer."""
    return [f"{COUNTY_CODE}{layer:02d}{i:08d}" for i in range(1, count + 1)]


def _frame(columns: dict[str, object], geometry: Sequence[shapely.Geometry]) -> gpd.GeoDataFrame:
    """A GeoDataFrame in the sample CRS with the synthetic label."""
    data = dict(columns)
    data["BZ"] = SYNTHETIC_NOTE
    return gpd.GeoDataFrame(data, geometry=list(geometry), crs=SAMPLE_CRS)


def _survey_order(geometry: np.ndarray, village_code: np.ndarray) -> np.ndarray:
    """Survey order: by village code, then north to south in 200 m bands, then west to east."""
    rx, ry = shapely.get_coordinates(shapely.point_on_surface(geometry)).T
    return np.lexsort((rx, -np.floor(ry / 200.0), village_code))


def _dissolve(
    geometry: np.ndarray, keys: list[tuple], *, explode: bool
) -> tuple[list[tuple], list[shapely.Geometry]]:
    """Union coverage polygons by key (sorted); optionally split into connected parts."""
    out_keys, out_geometry = [], []
    order = sorted(range(len(keys)), key=lambda i: keys[i])
    start = 0
    while start < len(order):
        stop = start
        while stop < len(order) and keys[order[stop]] == keys[order[start]]:
            stop += 1
        members = geometry[np.array(order[start:stop])]
        union = shapely.coverage_union_all(members)
        parts = shapely.get_parts(union) if explode else [union]
        if explode:
            parts = parts[
                np.lexsort(
                    (
                        shapely.get_coordinates(shapely.centroid(parts))[:, 0],
                        -shapely.get_coordinates(shapely.centroid(parts))[:, 1],
                    )
                )
            ]
        for part in parts:
            out_keys.append(keys[order[start]])
            out_geometry.append(part)
        start = stop
    return out_keys, out_geometry


def _absorb_exclaves(
    geometry: np.ndarray, township: np.ndarray, village: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Give the parcels of a township's detached parts to the neighbour around them.

    Each detached part goes to the township (and village) of the outside
    parcel sharing the longest edge with it, so every township is one piece.
    """
    township, village = township.copy(), village.copy()
    tree = shapely.STRtree(geometry)
    rx, ry = shapely.get_coordinates(shapely.point_on_surface(geometry)).T
    for _ in range(len(_TOWNS)):
        moved = False
        for t in np.unique(township):
            mine = np.flatnonzero(township == t)
            parts = _union_parts(geometry[mine])
            if len(parts) < 2:
                continue
            for part in parts[np.argsort(-shapely.area(parts), kind="stable")][1:]:
                shapely.prepare(part)
                members = mine[shapely.contains_xy(part, rx[mine], ry[mine])]
                around = tree.query(part, predicate="intersects")
                around = around[township[around] != t]
                shared = shapely.length(shapely.intersection(part.boundary, geometry[around]))
                best = around[np.argmax(shared)]
                township[members] = township[best]
                village[members] = village[best]
                moved = True
        if not moved:
            break
    return township, village


def _layers(
    plan: _Plan, cells: _Cells, parcels: _Parcels, villages: pd.DataFrame
) -> dict[str, gpd.GeoDataFrame]:
    """Build the land-use, control-line, zone, township and road frames."""
    class_names = load_code_table("sandiao-2019").frame["name"].to_dict()
    zone_names = load_code_table("planning-zones-2020").frame["name"].to_dict()
    crs = CRS.from_user_input(SAMPLE_CRS)
    township, village = _absorb_exclaves(
        parcels.geometry, cells.township[parcels.cell], cells.village[parcels.cell]
    )
    order = _survey_order(parcels.geometry, villages["code"].to_numpy()[village])
    township, village = township[order], village[order]
    parcels = _Parcels(
        geometry=parcels.geometry[order],
        cell=parcels.cell[order],
        code=parcels.code[order],
        corridor=parcels.corridor[order],
    )
    construction = np.isin(parcels.code, _construction_codes())
    lines = _control_lines(plan, cells, parcels, construction)
    geometry = parcels.geometry
    code = parcels.code
    count = len(code)
    zldwdm = villages["code"].to_numpy()[village]
    zldwmc = villages["name"].to_numpy()[village]
    tbbh = pd.Series(np.ones(count, dtype=int)).groupby(village).cumsum().astype(str).to_numpy()
    state = cells.state[parcels.cell] | np.isin(code, ("1003", "1101", "1103"))
    cultivated = np.isin(code, _CULTIVATED)
    grade = np.where(cultivated, cells.grade[parcels.cell], 0)
    terrace = (code == "0101") | (cells.fields["patch_a"][parcels.cell] > 0.3)
    gdlx = np.where(cultivated & (grade >= 2), np.where(terrace, "TT", "PD"), "")
    kcxs = np.array([_KCXS.get((int(g), str(t)), 0.0) for g, t in zip(grade, gdlx, strict=True)])
    tbmj = np.round(ellipsoidal_areas(geometry, crs), 2)
    kcmj = np.round(tbmj * kcxs, 2)
    land_use = _frame(
        {
            "BSM": _bsm(1, count),
            "TBBH": tbbh,
            "DLBM": code.astype(str),
            "DLMC": [class_names[c] for c in code],
            "QSXZ": np.where(state, "10", "30"),
            "QSDWDM": [f"{z}0000000" for z in zldwdm],
            "QSDWMC": np.where(state, "国有土地", np.char.add(zldwmc.astype(str), "农民集体")),
            "ZLDWDM": zldwdm.astype(str),
            "ZLDWMC": zldwmc.astype(str),
            "TBMJ": tbmj,
            "KCDLBM": np.where(kcxs > 0, "1203", ""),
            "KCXS": kcxs,
            "KCMJ": kcmj,
            "TBDLMJ": np.round(tbmj - kcmj, 2),
            "GDLX": gdlx,
            "GDPDJB": np.where(cultivated, grade.astype(str), ""),
            "SJNF": np.full(count, _SURVEY_YEAR),
        },
        geometry,
    )

    chosen = np.flatnonzero(lines.farmland)
    keys = [(str(zldwdm[i]), str(code[i]), int(grade[i])) for i in chosen]
    farm_keys, farm_geometry = _dissolve(geometry[chosen], keys, explode=True)
    farm_village = [k[0] for k in farm_keys]
    names = dict(zip(zldwdm, zldwmc, strict=True))
    farmland = _frame(
        {
            "BSM": _bsm(2, len(farm_keys)),
            "YJJBNTTBBH": pd.Series(np.ones(len(farm_keys), dtype=int))
            .groupby(farm_village)
            .cumsum()
            .astype(str)
            .to_numpy(),
            "DLBM": [k[1] for k in farm_keys],
            "DLMC": [class_names[k[1]] for k in farm_keys],
            "ZLDWDM": farm_village,
            "ZLDWMC": [names[k[0]] for k in farm_keys],
            "YJJBNTTBMJ": np.round(ellipsoidal_areas(farm_geometry, crs), 2),
            "GDPDJB": [str(k[2]) for k in farm_keys],
        },
        farm_geometry,
    )

    seat_x = plan.seats[_SEAT][0]
    red = np.flatnonzero(lines.redline != "")
    rx = shapely.get_coordinates(shapely.point_on_surface(geometry[red]))[:, 0]
    keys = [
        (str(lines.redline[i]), "西" if x < seat_x else "东") for i, x in zip(red, rx, strict=True)
    ]
    red_keys, red_geometry = _dissolve(geometry[red], keys, explode=False)
    redline = _frame(
        {
            "BSM": _bsm(3, len(red_keys)),
            "YSDM": "STBHHX",
            "XJXZQDM": COUNTY_CODE,
            "XJXZQMC": COUNTY_NAME,
            "LHLX": [k[0] for k in red_keys],
            "MJ": np.round(ellipsoidal_areas(red_geometry, crs), 2),
        },
        red_geometry,
    )

    inside = np.flatnonzero(lines.boundary >= 0)
    keys = [(int(lines.boundary[i]), str(lines.boundary_zone[i])) for i in inside]
    ub_keys, ub_geometry = _dissolve(geometry[inside], keys, explode=False)
    urban = _frame(
        {
            "BSM": _bsm(4, len(ub_keys)),
            "XZQDM": [COUNTY_CODE + _TOWNS[t].code for t, _ in ub_keys],
            "XZQMC": [_TOWNS[t].name for t, _ in ub_keys],
            "GHFQDM": [z for _, z in ub_keys],
            "GHFQMC": [zone_names[z] for _, z in ub_keys],
            "MJ": np.round(ellipsoidal_areas(ub_geometry, crs), 2),
        },
        ub_geometry,
    )

    zone_keys, zone_geometry = _dissolve(geometry, [(str(z),) for z in lines.zone], explode=True)
    zones = _frame(
        {
            "BSM": _bsm(5, len(zone_keys)),
            "GHFQDM": [k[0] for k in zone_keys],
            "GHFQMC": [zone_names[k[0]] for k in zone_keys],
        },
        zone_geometry,
    )

    town_keys, town_geometry = _dissolve(geometry, [(int(t),) for t in township], explode=False)
    townships = _frame(
        {
            "XZQDM": [COUNTY_CODE + _TOWNS[k[0]].code for k in town_keys],
            "XZQMC": [_TOWNS[k[0]].name for k in town_keys],
        },
        town_geometry,
    )

    road_rows, road_geometry = [], []
    for line, (name, road_class, _) in zip(plan.road_lines, plan.road_info, strict=True):
        for part in shapely.get_parts(shapely.intersection(line, plan.outline)):
            if part.geom_type == "LineString" and part.length > 0:
                road_rows.append((name, road_class))
                road_geometry.append(shapely.set_precision(part, _GRID))
    roads = _frame(
        {"name": [r[0] for r in road_rows], "road_class": [r[1] for r in road_rows]},
        road_geometry,
    )
    return {
        "land_use": land_use,
        "farmland": farmland,
        "eco_redline": redline,
        "urban_boundary": urban,
        "planning_zones": zones,
        "townships": townships,
        "roads": roads,
    }


# ----------------------------------------------------------------------------- sites


class _Measure:
    """Polygons in an STRtree, to measure how much of a shape falls in them."""

    def __init__(self, geometry: Sequence[shapely.Geometry]):
        self.geometry = shapely.get_parts(np.asarray(geometry, dtype=object))
        self.tree = shapely.STRtree(self.geometry)

    def area(self, shape: shapely.Geometry) -> float:
        """Area (m², planar) of ``shape`` inside the polygons."""
        hit = self.tree.query(shape, predicate="intersects")
        if not len(hit):
            return 0.0
        return float(shapely.area(shapely.intersection(self.geometry[hit], shape)).sum())

    def outside(self, shape: shapely.Geometry) -> shapely.Geometry:
        """The part of ``shape`` outside the polygons."""
        hit = self.tree.query(shape, predicate="intersects")
        return shapely.difference(shape, shapely.union_all(self.geometry[hit]))

    def near(self, shape: shapely.Geometry, distance: float) -> bool:
        """Whether any polygon lies within ``distance`` metres of ``shape``."""
        return len(self.tree.query(shape, predicate="dwithin", distance=distance)) > 0

    def holding(self, points: np.ndarray) -> np.ndarray:
        """Mask of the points that lie inside one of the polygons."""
        hit, _ = self.tree.query(points, predicate="within")
        mask = np.zeros(len(points), dtype=bool)
        mask[hit] = True
        return mask


def _rectangle(centre: np.ndarray, width: float, height: float, angle: float) -> shapely.Polygon:
    """A ``width`` × ``height`` rectangle turned by ``angle`` (radians) about ``centre``."""
    corners = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]]) * [width / 2.0, height / 2.0]
    turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    return shapely.set_precision(shapely.Polygon(corners @ turn.T + centre), _GRID)


def _along(geometry: shapely.Geometry, step: float) -> np.ndarray:
    """Points every ``step`` metres along the lines of ``geometry``."""
    points = []
    for line in shapely.get_parts(shapely.line_merge(geometry)):
        distances = np.arange(step / 2.0, line.length, step)
        points.append(shapely.get_coordinates(shapely.line_interpolate_point(line, distances)))
    return np.vstack(points) if points else np.empty((0, 2))


@dataclass(frozen=True)
class _SiteSpec:
    """What a sample site is and what it is meant to show."""

    site_id: str
    name: str
    project_class: str
    situation: str
    width_m: float = float("nan")


_SITES = (
    _SiteSpec(
        "S01",
        "绿色铝产业园（一期）",
        "industrial",
        "clean: inside the urban boundary on construction land / 边界内现状建设用地，无冲突",
    ),
    _SiteSpec(
        "S02",
        "建材加工厂",
        "industrial",
        "industrial site on permanent farmland (prohibited) / 工业项目占用永久基本农田",
    ),
    _SiteSpec(
        "S03",
        "500千伏输变电工程变电站",
        "energy",
        "energy site on farmland (State Council, 补划) / 能源项目占用永久基本农田",
    ),
    _SiteSpec(
        "S04",
        "生态旅游度假酒店",
        "commercial",
        "block site inside the redline (prohibited) / 非线性项目位于生态保护红线内",
    ),
    _SiteSpec(
        "S05",
        "县道改扩建工程",
        "transport",
        "linear road crossing the redline (conditional) / 线性交通工程穿越生态保护红线",
        24.0,
    ),
    _SiteSpec(
        "S06",
        "集中式光伏电站",
        "energy",
        "outside the urban boundary, single-site class (conditional) / 单独选址能源项目",
    ),
    _SiteSpec(
        "S07",
        "再生铝加工项目",
        "industrial",
        "industrial site partly outside the urban boundary (prohibited) / 工业项目部分位于边界外",
    ),
    _SiteSpec(
        "S08",
        "农村饮水安全工程净水厂",
        "water",
        "0.05 m boundary sliver on farmland (note) / 与永久基本农田边界细小重叠",
    ),
    _SiteSpec(
        "S09",
        "城中村改造安置小区（保留古树广场）",
        "residential",
        "a site with a hole, beside farmland (a proximity note) / "
        "带内环（保留地块）的用地，邻近永久基本农田",
    ),
    _SiteSpec(
        "S10",
        "城乡供水工程（水厂及加压泵站）",
        "water",
        "multi-part site / 多部件用地（水厂及两座泵站）",
    ),
    _SiteSpec(
        "S11", "生活垃圾焚烧发电厂", "infrastructure", "straddles two townships / 跨两个乡镇"
    ),
    _SiteSpec(
        "S12",
        "石灰石矿山扩界",
        "mining",
        "partly outside the county, land use unknown there / 部分位于县域外",
    ),
)
_CANDIDATES = (
    _SiteSpec(
        "A",
        "绿色铝产业园（二期）比选方案A",
        "industrial",
        "inside the urban boundary, no conflict / 城镇开发边界内，无冲突",
    ),
    _SiteSpec(
        "B",
        "绿色铝产业园（二期）比选方案B",
        "industrial",
        "on permanent farmland / 占用永久基本农田",
    ),
    _SiteSpec(
        "C",
        "绿色铝产业园（二期）比选方案C",
        "industrial",
        "outside the urban boundary / 城镇开发边界外",
    ),
    _SiteSpec(
        "D",
        "绿色铝产业园（二期）比选方案D",
        "industrial",
        "partly in the ecological redline / 部分位于生态保护红线内",
    ),
)


class _SiteFinder:
    """Deterministic searches over the generated layers for each kind of site."""

    def __init__(self, layers: dict[str, gpd.GeoDataFrame], plan: _Plan, rng: np.random.Generator):
        land_use = layers["land_use"]
        urban = layers["urban_boundary"]
        seat = urban["XZQMC"] == _TOWNS[_SEAT].name
        self.rng = rng
        self.plan = plan
        self.outline = plan.outline
        shapely.prepare(self.outline)
        self.parcels = land_use.geometry.to_numpy()
        self.codes = land_use["DLBM"].to_numpy()
        self.rep = shapely.point_on_surface(self.parcels)
        self.farmland = _Measure(layers["farmland"].geometry.to_numpy())
        self.redline = _Measure(layers["eco_redline"].geometry.to_numpy())
        self.boundary = _Measure(urban.geometry.to_numpy())
        self.seat_boundary = _Measure(urban.geometry[seat].to_numpy())
        self.core = _Measure(urban.geometry[seat & (urban["GHFQDM"] == "0401")].to_numpy())
        self.concentrated = _Measure(urban.geometry[urban["GHFQDM"] == "0401"].to_numpy())
        self.construction = np.isin(self.codes, _construction_codes())
        self.built = _Measure(self.parcels[self.construction])
        self.land = _Measure(self.parcels)
        self.townships = layers["townships"].geometry.to_numpy()
        self.in_farmland = self.farmland.holding(self.rep)
        self.in_redline = self.redline.holding(self.rep)
        self.in_boundary = self.boundary.holding(self.rep)
        self.placed: list[shapely.Geometry] = []

    # -- measures
    def class_area(self, shape: shapely.Geometry, codes: tuple[str, ...]) -> float:
        """Area of ``shape`` on parcels of the given classes."""
        hit = self.land.tree.query(shape, predicate="intersects")
        hit = hit[np.isin(self.codes[hit], codes)]
        return float(shapely.area(shapely.intersection(self.parcels[hit], shape)).sum())

    def clear_of(self, shape: shapely.Geometry, gap: float) -> bool:
        """Far enough from the sites already placed."""
        return all(shapely.distance(shape, other) >= gap for other in self.placed)

    def inside(self, shape: shapely.Geometry) -> bool:
        """Wholly inside the county."""
        return bool(self.outline.contains(shape))

    def free(self, shape: shapely.Geometry, gap: float = 30.0) -> bool:
        """Clear of farmland and redline by ``gap`` metres."""
        return not self.farmland.near(shape, gap) and not self.redline.near(shape, gap)

    # -- search
    def centres(self, mask: np.ndarray, limit: int = 600) -> np.ndarray:
        """Representative points of the parcels in ``mask``, in a seeded random order."""
        points = shapely.get_coordinates(self.rep[mask])
        return points[self.rng.permutation(len(points))[:limit]]

    def search(
        self,
        centres: np.ndarray,
        make: Callable[[np.ndarray, float], shapely.Geometry],
        score: Callable[[shapely.Geometry], float | None],
        *,
        enough: int = 1,
    ) -> shapely.Geometry:
        """Try shapes at ``centres`` (four turns each); keep the best of the first ``enough``."""
        base = self.rng.uniform(0.0, np.pi / 4.0)
        best, best_score, found = None, -np.inf, 0
        for centre in centres:
            for turn in range(4):
                shape = make(centre, base + turn * np.pi / 4.0)
                value = score(shape)
                if value is None:
                    continue
                found += 1
                if value > best_score:
                    best, best_score = shape, value
                break
            if found >= enough:
                break
        if best is None:
            raise RuntimeError("no place found for a sample site; try another seed")
        return best

    def accept(self, shape: shapely.Geometry, gap: float) -> bool:
        """Common conditions: inside the county, away from the other sites."""
        return self.inside(shape) and self.clear_of(shape, gap)

    def cultivated_mix(self, shape: shapely.Geometry) -> float:
        """1 when the shape takes both paddy and dry land (≥ 0.1 ha each), else 0."""
        paddy = self.class_area(shape, ("0101",))
        dry = self.class_area(shape, ("0103",))
        return float(paddy >= 1000.0 and dry >= 1000.0)


def _clean_site(finder: _SiteFinder) -> shapely.Geometry:
    """S01: inside the county seat's concentrated construction zone, on construction land."""
    centres = finder.centres(
        finder.construction
        & finder.core.holding(finder.rep)
        & np.isin(finder.codes, ("0601", "0508"))
    )

    def score(shape: shapely.Geometry) -> float | None:
        full = shape.area - 1.0
        if finder.core.area(shape) < full or finder.built.area(shape) < full:
            return None
        return 1.0 if finder.free(shape, 50.0) and finder.accept(shape, 300.0) else None

    for width, height in ((280.0, 220.0), (220.0, 180.0), (160.0, 130.0)):
        try:
            return finder.search(
                centres, lambda c, a, w=width, h=height: _rectangle(c, w, h, a), score
            )
        except RuntimeError:
            continue
    raise RuntimeError("no place found for the clean sample site")


def _farmland_site(finder: _SiteFinder, *, outside: bool, gap: float) -> shapely.Geometry:
    """S02/S03: mostly permanent farmland, with paddy and dry land when possible."""
    centres = finder.centres(finder.in_farmland)

    def score(shape: shapely.Geometry) -> float | None:
        share = finder.farmland.area(shape) / shape.area
        if share < 0.6 or finder.redline.near(shape, 20.0) or not finder.accept(shape, gap):
            return None
        if outside and finder.boundary.near(shape, 100.0):
            return None
        return share + finder.cultivated_mix(shape)

    size = (240.0, 200.0) if not outside else (260.0, 220.0)
    return finder.search(centres, lambda c, a: _rectangle(c, *size, a), score, enough=40)


def _redline_block(finder: _SiteFinder) -> shapely.Geometry:
    """S04: a block site wholly inside the redline."""
    centres = finder.centres(finder.in_redline)

    def score(shape: shapely.Geometry) -> float | None:
        if finder.redline.area(shape) < 0.98 * shape.area or finder.farmland.near(shape, 30.0):
            return None
        if finder.boundary.near(shape, 50.0):
            return None
        return 1.0 if finder.accept(shape, 800.0) else None

    return finder.search(centres, lambda c, a: _rectangle(c, 220.0, 160.0, a), score)


def _redline_road(finder: _SiteFinder, width: float) -> shapely.Geometry:
    """S05: a 3.4 km road corridor crossing the redline, avoiding farmland as far as it can.

    Crossing: the corridor is 15-70 % in the redline and its part outside
    the redline has at least two pieces (it enters and leaves).
    """
    centres = finder.centres(finder.in_redline)
    bend = finder.rng.uniform(-150.0, 150.0)

    def make(centre: np.ndarray, angle: float) -> shapely.Geometry:
        along = np.array([np.cos(angle), np.sin(angle)])
        across = np.array([-along[1], along[0]])
        line = _wiggle(
            np.array([centre - 1700.0 * along, centre + bend * across, centre + 1700.0 * along]),
            finder.rng,
            roughness=0.03,
            levels=2,
        )
        return shapely.set_precision(
            shapely.buffer(line, width / 2.0, cap_style="flat", quad_segs=2), _GRID
        )

    def score(shape: shapely.Geometry) -> float | None:
        share = finder.redline.area(shape) / shape.area
        if not 0.15 <= share <= 0.7 or not finder.accept(shape, 500.0):
            return None
        if shapely.get_num_geometries(finder.redline.outside(shape)) < 2:
            return None  # it must enter and leave the redline
        conflict = finder.farmland.area(shape) + 0.2 * finder.boundary.area(shape)
        return -conflict / shape.area

    return finder.search(centres, make, score, enough=40)


def _single_site(finder: _SiteFinder) -> shapely.Geometry:
    """S06: outside the boundary on grass or bare land, clear of farmland and redline."""
    centres = finder.centres(~finder.in_boundary & np.isin(finder.codes, ("0404", "1206", "1207")))

    def score(shape: shapely.Geometry) -> float | None:
        if not finder.free(shape) or finder.boundary.near(shape, 200.0):
            return None
        if not finder.accept(shape, 1000.0):
            return None
        return finder.class_area(shape, ("0404", "1206", "1207")) / shape.area

    return finder.search(centres, lambda c, a: _rectangle(c, 450.0, 300.0, a), score, enough=20)


def _straddling_boundary(finder: _SiteFinder) -> shapely.Geometry:
    """S07: half in, half out of an urban boundary, on no farmland or redline."""
    seat = shapely.coverage_union_all(finder.seat_boundary.geometry)
    towns = shapely.coverage_union_all(finder.boundary.geometry)
    edges = [_along(shapely.boundary(g), 150.0) for g in (seat, towns)]
    centres = np.vstack([e[finder.rng.permutation(len(e))] for e in edges])

    def score(shape: shapely.Geometry) -> float | None:
        share = finder.boundary.area(shape) / shape.area
        if not 0.35 <= share <= 0.65 or finder.farmland.area(shape) > 0.0:
            return None
        if finder.redline.area(shape) > 0.0 or not finder.accept(shape, 600.0):
            return None
        return 1.0

    for width, height in ((300.0, 240.0), (240.0, 180.0), (180.0, 140.0)):
        try:
            return finder.search(
                centres, lambda c, a, w=width, h=height: _rectangle(c, w, h, a), score
            )
        except RuntimeError:
            continue
    raise RuntimeError("no place found for the sample site across the urban boundary")


def _sliver_site(finder: _SiteFinder) -> shapely.Geometry:
    """S08: a parcel beside farmland, plus a 0.05 m strip along one straight shared edge.

    The parcel shares an edge of 60-160 m with a farmland parcel; the strip
    reaches 0.05 m over that edge, so the site overlaps farmland by 5-8 m².
    Construction parcels of about 1.5 ha are preferred.
    """
    farm = np.flatnonzero(finder.in_farmland)
    tree = finder.land.tree
    left, right = tree.query(finder.parcels[farm], predicate="touches")
    f, p = farm[left], right
    ordinary = ~np.isin(finder.codes[p], ("1003", "1004", "1006", "1101", "1107", "1103"))
    keep = ~finder.in_farmland[p] & ~finder.in_redline[p] & ordinary
    f, p = f[keep], p[keep]
    edges = shapely.boundary(finder.parcels)
    shared = shapely.line_merge(shapely.intersection(edges[f], edges[p]))
    straight = (shapely.get_type_id(shared) == 1) & (shapely.get_num_coordinates(shared) == 2)
    length = shapely.length(shared)
    good = np.flatnonzero(straight & (length >= 60.0) & (length <= 160.0))
    if not len(good):
        raise RuntimeError("no straight farmland edge found for the sliver site")
    area = shapely.area(finder.parcels[p[good]])
    in_town = np.array(
        [
            finder.core.area(parcel) >= shapely.area(parcel) - 1.0
            for parcel in finder.parcels[p[good]]
        ]
    )
    # best: a construction parcel inside the urban boundary, so the sliver is its only finding
    score = 2.0 * (in_town & finder.construction[p[good]]) + finder.construction[p[good]]
    score = score - np.abs(area - 15000.0) / 15000.0
    for g in good[np.argsort(-score, kind="stable")]:
        a, b = shapely.get_coordinates(shared[g])
        along = (b - a) / np.hypot(*(b - a))
        normal = np.array([-along[1], along[0]])
        if not shapely.contains_xy(finder.parcels[f[g]], *((a + b) / 2.0 + 0.5 * normal)):
            normal = -normal
        strip = shapely.Polygon([a, b, b + 0.05 * normal, a + 0.05 * normal])
        site = shapely.union(finder.parcels[p[g]], strip, grid_size=_GRID)
        if (
            site.geom_type == "Polygon"
            and finder.accept(site, 300.0)
            and not (finder.redline.near(site, 30.0))
        ):
            return site
    raise RuntimeError("no place found for the sliver sample site")


def _holed_beside_farmland(finder: _SiteFinder) -> shapely.Geometry | None:
    """A construction parcel in a town's concentrated zone within 45 m of farmland, holed.

    Its only finding is then the farmland proximity note: a site whose status is ``info``.
    """
    parcels = np.flatnonzero(finder.construction)
    near, _ = finder.farmland.tree.query(
        finder.parcels[parcels], predicate="dwithin", distance=45.0
    )
    for index in sorted(set(parcels[near].tolist()), key=lambda i: -finder.parcels[i].area):
        parcel = finder.parcels[index]
        if parcel.area < 8000.0 or finder.concentrated.area(parcel) < parcel.area - 1.0:
            continue
        body = polygonal_part([shapely.buffer(parcel, -3.0, join_style="mitre")])[0]
        if body.geom_type != "Polygon":
            continue
        side = 0.3 * np.sqrt(body.area)
        hole = _rectangle(
            shapely.get_coordinates(shapely.point_on_surface(body))[0], side, side, 0.0
        )
        if not shapely.contains(shapely.buffer(body, -5.0), hole):
            continue
        shape = shapely.set_precision(shapely.Polygon(body.exterior, [hole.exterior]), _GRID)
        if shape.is_valid and finder.free(shape, 1.0) and finder.accept(shape, 500.0):
            return shape
    return None


def _holed_site(finder: _SiteFinder) -> shapely.Geometry:
    """S09: a site around a retained square park, inside an urban boundary.

    Preferably beside farmland (:func:`_holed_beside_farmland`); otherwise a 320 m square
    with a 90 m hole on construction land away from farmland and redline.
    """
    beside = _holed_beside_farmland(finder)
    if beside is not None:
        return beside
    centres = finder.centres(finder.construction & finder.core.holding(finder.rep))

    def make(centre: np.ndarray, angle: float) -> shapely.Geometry:
        outer = _rectangle(centre, 320.0, 320.0, angle)
        hole = _rectangle(centre, 90.0, 90.0, angle)
        return shapely.Polygon(outer.exterior, [hole.exterior])

    def score(shape: shapely.Geometry) -> float | None:
        if finder.boundary.area(shape) < shape.area - 1.0 or not finder.free(shape):
            return None
        return 1.0 if finder.accept(shape, 500.0) else None

    return finder.search(centres, make, score)


def _multipart_site(finder: _SiteFinder) -> shapely.Geometry:
    """S10: a water works near a reservoir and two pumping stations 0.7 and 1.4 km away."""
    lakes = shapely.union_all(finder.plan.reservoirs)
    near = shapely.dwithin(finder.rep, lakes, 3000.0) & ~finder.in_boundary
    centres = np.vstack([finder.centres(near), finder.centres(~finder.in_boundary)])

    def make(centre: np.ndarray, angle: float) -> shapely.Geometry:
        along = np.array([np.cos(angle), np.sin(angle)])
        parts = [_rectangle(centre, 200.0, 150.0, angle)]
        parts += [_rectangle(centre + d * along, 60.0, 50.0, angle) for d in (700.0, 1400.0)]
        return shapely.MultiPolygon(parts)

    def score(shape: shapely.Geometry) -> float | None:
        if not finder.free(shape, 10.0) or finder.boundary.near(shape, 50.0):
            return None
        if finder.class_area(shape, ("1101", "1103", "1104", "1107")) > 0.0:
            return None
        return 1.0 if finder.accept(shape, 800.0) else None

    return finder.search(centres, make, score)


def _two_township_site(finder: _SiteFinder) -> shapely.Geometry:
    """S11: across the boundary between two townships, with at least a quarter in each."""
    edges = shapely.difference(
        shapely.union_all(shapely.boundary(finder.townships)),
        shapely.buffer(shapely.boundary(finder.outline), 300.0),
    )
    points = _along(edges, 200.0)
    centres = points[finder.rng.permutation(len(points))]

    def score(shape: shapely.Geometry) -> float | None:
        shares = shapely.area(shapely.intersection(finder.townships, shape)) / shape.area
        if np.sort(shares)[-2] < 0.25 or finder.farmland.area(shape) > 0.0:
            return None
        if finder.redline.area(shape) > 0.0 or finder.boundary.near(shape, 50.0):
            return None
        return 1.0 if finder.accept(shape, 800.0) else None

    return finder.search(centres, lambda c, a: _rectangle(c, 260.0, 220.0, a), score)


def _county_edge_site(finder: _SiteFinder) -> shapely.Geometry:
    """S12: a mine extension reaching outside the county."""
    points = _along(shapely.boundary(finder.outline), 200.0)
    centres = points[finder.rng.permutation(len(points))]

    def score(shape: shapely.Geometry) -> float | None:
        share = shapely.area(shapely.intersection(shape, finder.outline)) / shape.area
        if not 0.4 <= share <= 0.7 or finder.farmland.area(shape) > 0.0:
            return None
        if finder.redline.area(shape) > 0.0 or finder.boundary.near(shape, 50.0):
            return None
        return 1.0 if finder.clear_of(shape, 1500.0) else None

    return finder.search(centres, lambda c, a: _rectangle(c, 400.0, 300.0, a), score)


def _candidate_sites(finder: _SiteFinder) -> list[shapely.Geometry]:
    """Four 30 ha alternatives for the green aluminium park's second phase."""
    size = (600.0, 500.0)

    def make(centre: np.ndarray, angle: float) -> shapely.Geometry:
        return _rectangle(centre, *size, angle)

    def inside(shape: shapely.Geometry) -> float | None:
        if finder.seat_boundary.area(shape) < shape.area - 1.0 or not finder.free(shape, 20.0):
            return None
        return 1.0 if finder.clear_of(shape, 100.0) else None

    def on_farmland(shape: shapely.Geometry) -> float | None:
        if finder.farmland.area(shape) < 0.5 * shape.area or finder.redline.area(shape) > 0.0:
            return None
        if finder.boundary.area(shape) > 0.0 or not finder.inside(shape):
            return None
        return 1.0 if finder.clear_of(shape, 300.0) else None

    def outside(shape: shapely.Geometry) -> float | None:
        if finder.boundary.near(shape, 100.0) or not finder.free(shape, 20.0):
            return None
        return 1.0 if finder.inside(shape) and finder.clear_of(shape, 300.0) else None

    def in_redline(shape: shapely.Geometry) -> float | None:
        share = finder.redline.area(shape) / shape.area
        if not 0.2 <= share <= 0.6 or finder.farmland.area(shape) > 0.0:
            return None
        if finder.boundary.area(shape) > 0.0 or not finder.inside(shape):
            return None
        return 1.0 if finder.clear_of(shape, 300.0) else None

    upland = ~finder.in_boundary & np.isin(finder.codes, (*_FOREST, "0404", "1206", "1207"))
    plans = (
        (finder.centres(finder.seat_boundary.holding(finder.rep)), inside),
        (finder.centres(finder.in_farmland), on_farmland),
        (finder.centres(upland), outside),
        (finder.centres(finder.in_redline), in_redline),
    )
    shapes = []
    for centres, score in plans:
        shape = finder.search(centres, make, score)
        finder.placed.append(shape)
        shapes.append(shape)
    return shapes


def _site_frame(specs: Sequence[_SiteSpec], shapes: Sequence[shapely.Geometry]) -> gpd.GeoDataFrame:
    """The sites (or candidates) layer."""
    return _frame(
        {
            "site_id": [s.site_id for s in specs],
            "name": [s.name for s in specs],
            "project_class": [s.project_class for s in specs],
            "linear": [not np.isnan(s.width_m) for s in specs],
            "width_m": [s.width_m for s in specs],
            "situation": [s.situation for s in specs],
        },
        shapes,
    )


def _place_sites(
    layers: dict[str, gpd.GeoDataFrame], plan: _Plan, rng: np.random.Generator
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Place the twelve sample sites and the four candidates."""
    finder = _SiteFinder(layers, plan, rng)
    steps: list[Callable[[], shapely.Geometry]] = [
        lambda: _clean_site(finder),
        lambda: _farmland_site(finder, outside=False, gap=1000.0),
        lambda: _farmland_site(finder, outside=True, gap=3000.0),
        lambda: _redline_block(finder),
        lambda: _redline_road(finder, _SITES[4].width_m),
        lambda: _single_site(finder),
        lambda: _straddling_boundary(finder),
        lambda: _sliver_site(finder),
        lambda: _holed_site(finder),
        lambda: _multipart_site(finder),
        lambda: _two_township_site(finder),
        lambda: _county_edge_site(finder),
    ]
    shapes = []
    for step in steps:
        shape = step()
        finder.placed.append(shape)
        shapes.append(shape)
    candidates = _candidate_sites(finder)
    return _site_frame(_SITES, shapes), _site_frame(_CANDIDATES, candidates)


# ----------------------------------------------------------------------------- entry point


def make_sample(
    outline: shapely.Geometry, *, seed: int = DEFAULT_SEED
) -> dict[str, gpd.GeoDataFrame]:
    """Build the synthetic sample county inside ``outline``.

    Parameters
    ----------
    outline : shapely Polygon or MultiPolygon
        The outline of Luxi County in EPSG:4523 (see
        :func:`landcheck.io.sample_files.read_county_outline`). Its
        coordinates are snapped to a 1 cm grid, like every generated one.
    seed : int
        Seed of the random generator; the same seed gives the same layers.

    Returns
    -------
    dict of str to geopandas.GeoDataFrame
        The layers named in :data:`SAMPLE_LAYERS`, in that order, all in
        EPSG:4523 and labelled ``合成数据 synthetic`` in their ``BZ`` field.

    Raises
    ------
    InputDataError
        When ``outline`` is not polygonal or does not hold the township seats.

    Notes
    -----
    The generation model is described in the module docstring. It takes
    about ten seconds.
    """
    if not isinstance(outline, shapely.Polygon | shapely.MultiPolygon) or outline.is_empty:
        raise InputDataError(
            f"the county outline must be a non-empty Polygon or MultiPolygon, got "
            f"{getattr(outline, 'geom_type', type(outline).__name__)}"
        )
    outline = shapely.set_precision(outline, _GRID)
    rng = np.random.default_rng(seed)
    plan = _make_plan(outline, rng)
    cells, villages = _make_cells(plan, rng)
    parcels = _make_parcels(plan, cells)
    layers = _layers(plan, cells, parcels, villages)
    layers["sites"], layers["candidates"] = _place_sites(layers, plan, rng)
    return {name: layers[name] for name in SAMPLE_LAYERS}
