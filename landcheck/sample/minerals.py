"""Mineral rights (矿业权): two mining rights and one exploration right, as licence blocks.

- The limestone quarry whose extension is site S12 holds a licence block
  beside it: the block shares (a part of) S12's side that lies deepest in the
  county and reaches up to 300 m further in, wholly in the county.
- A manganese mine on the highest of the survey's mine parcels (0602) more
  than 3 km from S12: its block is their bounding box, 150 m wider all round,
  corners on whole metres.
- A bauxite exploration right over farmland: a 2.2 × 1.6 km block, corners on
  whole 10 m, covering 30-70 % of candidate B (on permanent farmland), in the
  county, clear of the urban boundaries and the redline; its offset is drawn
  from the review generator.

Bauxite (铝土矿, for 铝) is on the 24 strategic minerals of the 全国矿产资源规划
(2016—2020年); limestone and manganese are not (``data/README.md``).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import shapely

from landcheck.sample.county import COUNTY_CODE, GRID
from landcheck.sample.frames import areas
from landcheck.sample.review import Review, union_parts_of

__all__ = ["RIGHTS", "Right", "mineral_rights"]


@dataclass(frozen=True)
class Right:
    """A mineral right's attributes: type, mineral, strategic flag, holder, first year, term."""

    kind: str  # QLLX
    mineral: str  # KZ
    strategic: str  # ZLXKC
    holder: str  # QLR
    year: int  # year the licence was issued
    years: int  # its term


RIGHTS = (
    Right("采矿权", "石灰岩", "否", "泸西合成建材有限公司", 2016, 15),
    Right("采矿权", "锰矿", "否", "红河合成锰业有限公司", 2019, 10),
    Right("探矿权", "铝土矿", "是", "云南合成地质勘查有限公司", 2024, 5),
)
"""The three rights in output order: the quarry beside S12, the manganese mine, the exploration."""

_QUARRY_DEPTH_M = 300.0
_MINE_MARGIN_M = 150.0
_MINE_GAP_M = 3000.0
_EXPLORATION_M = (2200.0, 1600.0)
_EXPLORATION_SHARE = (0.3, 0.7)


def mineral_rights(review: Review) -> tuple[dict[str, object], list[shapely.Geometry]]:
    """矿业权: the three licence blocks of :data:`RIGHTS` (see the module docstring)."""
    geometry = [_quarry(review), _mine(review), _exploration(review)]
    rng = review.rng
    months = rng.integers(1, 13, len(RIGHTS))
    days = rng.integers(1, 29, len(RIGHTS))
    serial = rng.integers(1, 10**7, len(RIGHTS))
    numbers = [
        f"{'C' if right.kind == '采矿权' else 'T'}{COUNTY_CODE}{right.year}{m:02d}"
        f"{11 if right.kind == '采矿权' else 21}{s:07d}"
        for right, m, s in zip(RIGHTS, months, serial, strict=True)
    ]
    columns = {
        "QLLX": [r.kind for r in RIGHTS],
        "XKZH": numbers,
        "KZ": [r.mineral for r in RIGHTS],
        "ZLXKC": [r.strategic for r in RIGHTS],
        "QLR": [r.holder for r in RIGHTS],
        "YXQZ": [
            f"{r.year + r.years}-{m:02d}-{d:02d}"
            for r, m, d in zip(RIGHTS, months, days, strict=True)
        ],
        "MJ": areas(geometry),
    }
    return columns, geometry


def _quarry(review: Review) -> shapely.Geometry:
    """The quarry's block: beside S12, on the part of a side of S12 inside the county.

    Sides deepest in the county first; on each, the part inside the county,
    trimmed at both ends by 0-100 m, extruded 300 m away from S12, or less in
    50 m steps (at least 100 m): the first block wholly in the county, sharing
    at least 100 m of S12's side.
    """
    outline = review.survey.plan.outline
    site = review.site("S12")
    ring = shapely.get_coordinates(shapely.get_exterior_ring(site))
    sides = []
    for a, b in itertools.pairwise(ring):
        middle = (a + b) / 2.0
        if shapely.contains_xy(outline, *middle):
            sides.append((shapely.distance(shapely.Point(middle), outline.boundary), a, b))
    for _, a, b in sorted(sides, key=lambda side: -side[0]):
        length = float(np.hypot(*(b - a)))
        ahead = (b - a) / length
        normal = np.array([-ahead[1], ahead[0]])
        if shapely.contains_xy(site, *((a + b) / 2.0 + normal)):
            normal = -normal  # away from the site
        inside = shapely.intersection(shapely.LineString([a, b]), outline)
        part = max(shapely.get_parts(inside), key=shapely.length)
        start, stop = sorted(
            float((shapely.get_coordinates(p)[0] - a) @ ahead) for p in shapely.boundary(part).geoms
        )
        for depth in np.arange(_QUARRY_DEPTH_M, 99.0, -50.0):
            for trim in np.arange(0.0, 101.0, 25.0):
                first, last = start + trim, stop - trim
                if last - first < 100.0:
                    break
                p, q = a + first * ahead, a + last * ahead
                block = shapely.set_precision(
                    shapely.Polygon([p, q, q + depth * normal, p + depth * normal]), GRID
                )
                if outline.contains(block):
                    return block
    raise RuntimeError("no room in the county for the quarry's licence block beside S12")


def _mine(review: Review) -> shapely.Geometry:
    """The manganese mine's block: the highest group of mine parcels away from S12."""
    survey = review.survey
    group, _ = union_parts_of(review, survey.code == "0602")
    far = shapely.distance(review.site("S12"), shapely.points(review.rep)) > _MINE_GAP_M
    elevation = survey.fields["elevation"]
    best, best_height = None, -np.inf
    for g in range(group.max() + 1):
        members = group == g
        if not far[members].all():
            continue
        height = float(np.average(elevation[members], weights=review.area[members]))
        if height > best_height:
            best, best_height = members, height
    if best is None:
        raise RuntimeError("no mine parcels away from site S12 for the manganese mine")
    x0, y0, x1, y1 = shapely.bounds(review.union(best))
    margin = _MINE_MARGIN_M
    block = shapely.box(
        np.floor(x0 - margin), np.floor(y0 - margin), np.ceil(x1 + margin), np.ceil(y1 + margin)
    )
    if not review.survey.plan.outline.contains(block):
        raise RuntimeError("the manganese mine's licence block reaches outside the county")
    return block


def _exploration(review: Review) -> shapely.Geometry:
    """The exploration block: over 30-70 % of candidate B, clear of towns and redline."""
    target = review.site("B")
    outline = review.survey.plan.outline
    town = review.union(review.in_boundary)
    red = review.union(review.in_redline)
    width, height = _EXPLORATION_M
    cx, cy = shapely.get_coordinates(shapely.centroid(target))[0]
    for _ in range(500):
        dx, dy = review.rng.uniform(-0.5, 0.5, 2) * (width, height) * 1.3
        x0 = np.round((cx + dx - width / 2.0) / 10.0) * 10.0
        y0 = np.round((cy + dy - height / 2.0) / 10.0) * 10.0
        block = shapely.box(x0, y0, x0 + width, y0 + height)
        share = shapely.area(shapely.intersection(block, target)) / target.area
        if not _EXPLORATION_SHARE[0] <= share <= _EXPLORATION_SHARE[1]:
            continue
        if outline.contains(block) and not block.intersects(town) and not block.intersects(red):
            return block
    raise RuntimeError("no place for the exploration right over candidate B")
