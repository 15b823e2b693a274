"""Land-use classes of the sample: class groups and mixes, and the class of each cell.

:func:`classify_cells` works in three steps, each overriding the one before:
:func:`_natural_land` splits the county by terrain, :func:`_rural_construction`
adds villages, mines, special land and independent industry, and
:func:`_town_construction` adds the towns. Codes are those of
``landcheck/classify/sandiao_2019.csv``.
"""

from __future__ import annotations

import numpy as np
import shapely

from landcheck.classify import load_code_table
from landcheck.sample.county import SEAT
from landcheck.sample.plan import Plan
from landcheck.sample.shapes import point_along
from landcheck.sample.terrain import standardise, upland_score

__all__ = [
    "CORRIDORS",
    "CULTIVATED",
    "ECOLOGICAL",
    "FOREST",
    "GRASS_AND_BARE",
    "GREEN_IN_TOWN",
    "KCXS",
    "OPEN_WATER",
    "WATER",
    "WILD",
    "classify_cells",
    "construction_codes",
    "quality_grade",
    "weighted_threshold",
]

CULTIVATED = ("0101", "0102", "0103")
"""Cultivated land: paddy, irrigated land, dry land."""

FOREST = ("0301", "0305", "0307")
"""Forest: arbor, shrub, other forest."""

GRASS_AND_BARE = ("0404", "1206", "1207")
"""Other grassland, bare soil, bare rock."""

WILD = (*FOREST, *GRASS_AND_BARE)
"""The upland classes: forest, grass and bare land."""

OPEN_WATER = ("1101", "1103")
"""Rivers and reservoirs."""

ECOLOGICAL = (*WILD, *OPEN_WATER)
"""Classes the ecological redline may take."""

WATER = (*OPEN_WATER, "1104", "1107")
"""Water: rivers, reservoirs, ponds, ditches."""

GREEN_IN_TOWN = (*WILD, *WATER)
"""Classes that make the special-use sub-zone (0403) inside an urban boundary."""

CORRIDORS = ("1103", "1101", "1003", "1004", "1006", "1107")
"""Classes of the corridor parcels: reservoirs, rivers, roads, streets, rural roads, ditches."""

KCXS = {
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
"""Field-ridge deduction coefficient by slope grade and field type (TT terrace, PD slope)."""

_SLOPE_GRADE_DEGREES = (2.0, 6.0, 15.0, 25.0)  # upper limits of slope grades 1-4

_WATER_PENALTY = {"0101": 0.0, "0102": 0.7, "0103": 1.7}  # quality grades lost without water

# Built-up land of a town by ring: (upper town ratio, class mix); the core first.
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


def construction_codes() -> tuple[str, ...]:
    """三调 codes whose 三大类 category is construction land (建设用地)."""
    frame = load_code_table("sandiao-2019").frame
    return tuple(frame.index[frame["category"] == "建设用地"])


def quality_grade(code: np.ndarray, grade: np.ndarray, fields: dict[str, np.ndarray]) -> np.ndarray:
    """耕地等别 (GDDB, 1 best to 15 worst) of cultivated parcels, 0 elsewhere.

    It rises by about one grade per slope grade, by 0.7 on irrigated and 1.7
    on dry land (paddy 0), on dry ground and on karst (thin soil), and varies
    with a smooth field (``patch_b``); clipped to 5-13, so most cultivated
    land is of grades 6-12, as on the Yunnan plateau. ``grade`` is the slope
    grade, ``fields`` the terrain fields of each parcel.
    """
    water = np.array([_WATER_PENALTY.get(str(c), 0.0) for c in code])
    score = (
        6.3
        + 1.05 * (grade - 1)
        + water
        - 1.5 * (fields["wetness"] - 0.5)
        + 0.9 * (fields["karst"] - 0.5)
        + 0.55 * fields["patch_b"]
    )
    return np.where(np.isin(code, CULTIVATED), np.clip(np.rint(score), 5, 13), 0).astype(int)


def weighted_threshold(score: np.ndarray, weight: np.ndarray, share: float) -> float:
    """Return the score at or above which lies ``share`` of the total weight."""
    if not len(score):
        return float(np.inf)
    order = np.argsort(-score, kind="stable")
    cumulative = np.cumsum(weight[order])
    position = int(np.searchsorted(cumulative, share * cumulative[-1]))
    return float(score[order[min(position, len(order) - 1)]])


def classify_cells(
    plan: Plan,
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
    village_gap = np.full(len(w), np.inf)  # distance to a village over its radius
    if len(plan.villages):
        near, gap = shapely.STRtree(shapely.points(plan.villages)).query_nearest(
            shapely.points(xy), return_distance=True, all_matches=False
        )
        village_gap[near[0]] = gap / plan.village_radius[near[1]]
    code, grade = _natural_land(w, f, village_gap)
    state = np.zeros(len(w), dtype=bool)
    _rural_construction(plan, xy, f, ratio, village_gap, rng, code, state)
    _town_construction(plan, xy, ratio, rng, code, state)
    return code, grade, state


def _natural_land(
    w: np.ndarray, f: dict[str, np.ndarray], village_gap: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Split the county by terrain into upland and lowland classes; return codes and grades.

    The 55 % of the area (by weight ``w``) with the highest upland score is
    upland: bare land, grass, then forest (arbor high, shrub on karst). The
    rest is lowland: gardens, ponds and facility land, then cultivated land,
    with paddy on the wettest flat land.
    """
    code = np.full(len(w), "", dtype=object)
    z_elevation = standardise(f["elevation"], w)
    z_slope = standardise(f["slope"], w)
    near_village = np.exp(-np.maximum(village_gap - 1.0, 0.0) * 2.0)
    upland, lowland = _top_share(np.arange(len(w)), upland_score(f, w), w, 0.55)
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
    return code, grade


def _rural_construction(
    plan: Plan,
    xy: np.ndarray,
    f: dict[str, np.ndarray],
    ratio: np.ndarray,
    village_gap: np.ndarray,
    rng: np.random.Generator,
    code: np.ndarray,
    state: np.ndarray,
) -> None:
    """Write villages, mines, special land and independent industry into ``code`` and ``state``.

    Up to eight places at least 5 km apart on the most karstic wild land far
    from towns and villages become mines (the first six) and special land;
    three estates of independent industry sit beside the expressway.
    """
    in_village = np.flatnonzero(village_gap < 1.0)
    code[in_village] = _draw(rng, len(in_village), _VILLAGE_MIX)
    town_gap = ratio.min(axis=1)
    wild = np.isin(code, WILD)
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
    expressway = plan.road_lines[0]
    for fraction in (0.22, 0.58, 0.84):
        centre = point_along(expressway, fraction * expressway.length)
        centre = centre + np.array([0.0, 350.0])
        hit = np.flatnonzero(np.hypot(*(xy - centre).T) < 320.0)
        code[hit] = _draw(rng, len(hit), _INDUSTRY_MIX)
        state[hit] = True


def _town_construction(
    plan: Plan,
    xy: np.ndarray,
    ratio: np.ndarray,
    rng: np.random.Generator,
    code: np.ndarray,
    state: np.ndarray,
) -> None:
    """Write the towns into ``code`` and ``state``: rings of built-up land, and industry.

    Each cell within its nearest town's built-up radius takes its ring's mix;
    a sector east of the county seat becomes industry.
    """
    nearest = np.argmin(ratio, axis=1)
    ring_ratio = ratio[np.arange(len(ratio)), nearest]
    lower = 0.0
    for upper, mix in _TOWN_RINGS:
        hit = np.flatnonzero((ring_ratio >= lower) & (ring_ratio < upper))
        code[hit] = _draw(rng, len(hit), mix)
        state[hit] = True
        lower = upper
    seat = plan.seats[SEAT]
    bearing = np.arctan2(xy[:, 1] - seat[1], xy[:, 0] - seat[0])
    sector = np.abs(np.angle(np.exp(1j * (bearing - np.radians(-15.0))))) < 0.6
    industry = np.flatnonzero(sector & (ratio[:, SEAT] >= 0.45) & (ratio[:, SEAT] < 1.15))
    code[industry] = _draw(rng, len(industry), _INDUSTRY_MIX)
    state[industry] = True


def _top_share(
    index: np.ndarray, score: np.ndarray, weight: np.ndarray, share: float
) -> tuple[np.ndarray, np.ndarray]:
    """Split ``index`` into the part holding the top ``share`` of weight by score, and the rest."""
    if not len(index) or share <= 0:
        return index[:0], index
    threshold = weighted_threshold(score[index], weight[index], share)
    top = score[index] >= threshold
    return index[top], index[~top]


def _draw(rng: np.random.Generator, count: int, mix: tuple[tuple[str, float], ...]) -> np.ndarray:
    """Draw ``count`` codes from a (code, probability) mix."""
    codes = np.array([code for code, _ in mix], dtype=object)
    weights = np.array([weight for _, weight in mix])
    return codes[rng.choice(len(codes), size=count, p=weights / weights.sum())]
