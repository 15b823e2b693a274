"""Voronoi generator points of the parcels, with their fields, township, village and class."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from landcheck.sample.county import COUNTY_CODE, TOWNS, VILLAGE_FIRST, VILLAGE_SECOND
from landcheck.sample.landuse import classify_cells
from landcheck.sample.plan import Plan
from landcheck.sample.terrain import upland_score

__all__ = ["Cells", "boundary_town", "make_cells"]

_LATTICE = 500.0  # side of the base cell of the generator lattice, m
_TARGET_CELLS = 15_600  # Voronoi cells; corridors add the rest of the parcels


@dataclass
class Cells:
    """The Voronoi generator points and what each cell is."""

    xy: np.ndarray
    fields: dict[str, np.ndarray]
    ratio: np.ndarray  # (n, towns) warped distance over built-up radius
    township: np.ndarray
    village: np.ndarray  # index into the administrative villages
    code: np.ndarray
    grade: np.ndarray  # slope grade 1-5
    state: np.ndarray  # state-owned land (towns, mines, special land)
    boundary: np.ndarray  # town whose urban development boundary holds the cell, or -1


def make_cells(plan: Plan, rng: np.random.Generator) -> tuple[Cells, pd.DataFrame]:
    """Generator points with their fields, township, village and class.

    Returns the cells and the administrative villages (see :func:`_admin_villages`).
    """
    xy, weight = _generator_points(plan, rng)
    fields = plan.terrain.sample(xy[:, 0], xy[:, 1])
    ratio = plan.terrain.town_ratio(xy[:, 0], xy[:, 1])
    township = plan.terrain.township(xy[:, 0], xy[:, 1])
    village, villages = _admin_villages(plan, rng, xy, township, ratio)
    code, grade, state = classify_cells(plan, xy, weight, fields, ratio, rng)
    cells = Cells(
        xy=xy,
        fields=fields,
        ratio=ratio,
        township=township,
        village=village,
        code=code,
        grade=grade,
        state=state,
        boundary=boundary_town(ratio),
    )
    return cells, villages


def boundary_town(ratio: np.ndarray) -> np.ndarray:
    """Town whose urban development boundary holds each point, or -1.

    ``ratio`` are the points' town ratios, shape (n, towns).
    """
    factor = np.array([town.boundary for town in TOWNS])
    reach = np.where(factor > 0, ratio / np.where(factor > 0, factor, 1.0)[None, :], np.inf)
    town = np.argmin(reach, axis=1)
    return np.where(reach[np.arange(len(ratio)), town] < 1.0, town, -1)


def _generator_points(plan: Plan, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Jittered lattice points, denser in towns, villages and lowlands, and their cell areas.

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
    upland = upland_score(fields, weight)
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
    plan: Plan,
    rng: np.random.Generator,
    cells_xy: np.ndarray,
    township: np.ndarray,
    ratio: np.ndarray,
) -> tuple[np.ndarray, pd.DataFrame]:
    """Group the natural villages into administrative villages and assign the cells.

    Each township gets a 社区 (code ``001``) and about one administrative
    village (``201``, ``202``, …) per 3.2 of its natural villages, at least
    three where there are as many: their centres are natural villages picked
    farthest first from the seat and from each other. A cell joins the
    nearest centre, or the 社区 when it is near the seat (town ratio under 1.3).

    Returns
    -------
    village : numpy.ndarray
        Index of each cell's administrative village.
    table : pandas.DataFrame
        One row per administrative village: ``township`` (index), ``code``
        (12 digits), ``name``.
    """
    names = [a + b + "村" for a in VILLAGE_FIRST for b in VILLAGE_SECOND if a != b]
    names = [names[i] for i in rng.permutation(len(names))]
    natural_township = plan.terrain.township(plan.villages[:, 0], plan.villages[:, 1])
    rows = []
    village = np.zeros(len(cells_xy), dtype=int)
    for t, town in enumerate(TOWNS):
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
