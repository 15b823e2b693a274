"""违法用地图斑 (卫片执法): land flagged as built on without approval, and how it was dealt with.

The yearly satellite enforcement (土地卫片执法) compares the imagery with the approvals:
land newly built on without one becomes a 图斑 the county must deal with (查处). The
sample's 图斑 lie on construction land outside the urban boundaries, where no land is
approved (:mod:`~landcheck.sample.approvals`): village houses (0702), works, warehouses and
shops (0601, 0508, 05H1). Each is a parcel clipped to a rectangle of 40-100 × 25-60 m, a
building and its yard, about a point of it: :data:`_VILLAGE_COUNT` in villages and
:data:`_OTHER_COUNT` on the other classes, kept :data:`_CLEAR_M` clear of the sites and
the candidates, one parcel each, so no two overlap.

Two lie on sites on purpose (:data:`_ON_SITES`): one under S11, found in 2024 and 未查处
(the ``illegal_land`` check's ``flagged``), one under S08, found in 2020 and 已查处到位
(``dealt_with``). Each is the construction land (roads aside) under a 70 × 50 m rectangle
about a point of the site's, so part of it may lie outside the site. S08 lies on
construction land for every seed; S11, searched across a township boundary, on village
land for the default seed but on none for some others, and there its 图斑 is the rectangle
on the site's land as the survey shows it (a 图斑 of 2024 the survey does not record yet).

The others are found in 2019-2024 (发现年份), and the older a 图斑 the likelier it was dealt
with (:data:`_DEALT_SHARE`); the rest are 未查处 or 正在查处, even odds. The 违法类型 of a
village house is 农村村民未经批准占地建住宅, of the others 未经批准占用土地. 监测编号
``WP<year>-<nnnn>`` numbers them per year in year order. Years, statuses, sizes and angles
come from the review generator.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from landcheck.sample.frames import areas
from landcheck.sample.review import Review, polygonal
from landcheck.sample.shapes import rectangle

__all__ = ["illegal_land"]

_VILLAGE = "0702"
_ROADS = ("1003", "1004")
_OTHERS = ("0601", "0508", "05H1")
_VILLAGE_COUNT = 24
_OTHER_COUNT = 10
_CLEAR_M = 50.0
_MIN_M2 = 300.0  # a clipped piece smaller than this is no building
_SITE_PIECE = (70.0, 50.0)
_SITE_OVERLAP_M2 = 1000.0
_YEARS = (2019, 2025)  # found in [first, last)
_DEALT_SHARE = {2019: 0.9, 2020: 0.85, 2021: 0.75, 2022: 0.6, 2023: 0.4, 2024: 0.2}
"""Chance that a 图斑 found in the year was dealt with (已查处到位) by the survey of 2024."""

_KIND = {
    "0702": ("农村村民未经批准占地建住宅", "村民建房"),
    "0601": ("未经批准占用土地", "厂房"),
    "0508": ("未经批准占用土地", "仓储用房"),
    "05H1": ("未经批准占用土地", "商铺"),
}
"""违法类型 and what was built (项目名称 after the village's name), by survey class."""
_OTHER_KIND = ("未经批准占用土地", "建设项目")
"""违法类型 and what was built on any other class (the pieces on S08 and S11 may lie there)."""


@dataclass(frozen=True)
class _Piece:
    """A 图斑: its geometry, the parcel it names its village and class by, year and status."""

    geometry: shapely.Geometry
    parcel: int
    year: int
    status: str


_ON_SITES = (("S11", 2024, "未查处"), ("S08", 2020, "已查处到位"))
"""The 图斑 placed on sites on purpose: the site, the year found, the status."""


def illegal_land(review: Review) -> tuple[dict[str, object], list[shapely.Geometry]]:
    """违法用地图斑: the pieces on S11 and S08, then the others (see the module docstring)."""
    on_sites = [_on_site(review, *spec) for spec in _ON_SITES]
    used = np.zeros(len(review.survey.code), dtype=bool)
    for piece in on_sites:
        used[review.tree.query(piece.geometry, predicate="intersects")] = True
    pieces = [*on_sites, *_others(review, used)]
    pieces.sort(key=lambda p: p.year)  # stable: in drawing order within a year
    numbers = _numbers([p.year for p in pieces])
    geometry = [p.geometry for p in pieces]
    code = review.survey.code
    village = review.survey.village_name
    columns = {
        "JCBH": numbers,
        "FXNF": [p.year for p in pieces],
        "WFLX": [_kind(code[p.parcel])[0] for p in pieces],
        "XMMC": [f"{village[p.parcel]}{_kind(code[p.parcel])[1]}" for p in pieces],
        "CCZT": [p.status for p in pieces],
        "MJ": areas(geometry),
    }
    return columns, geometry


def _on_site(review: Review, site_id: str, year: int, status: str) -> _Piece:
    """The 图斑 on a site: the built land under a rectangle about a point of the site's.

    Built land is construction land outside the towns, roads aside. A site on none (S11
    for some seeds) gets the rectangle about its own point, on whatever land it lies: a
    图斑 of the year's imagery that the survey does not show yet.
    """
    site = review.site(site_id)
    built = review.construction & ~review.in_boundary & ~np.isin(review.survey.code, _ROADS)
    hit = review.tree.query(site, predicate="intersects")
    parts = shapely.get_parts(shapely.intersection(review.union(_mask(built, hit)), site))
    parts = parts[shapely.area(parts) >= _SITE_OVERLAP_M2]
    base = parts[int(np.argmax(shapely.area(parts)))] if len(parts) else site
    centre = shapely.get_coordinates(shapely.point_on_surface(base))[0]
    block = rectangle(centre, *_SITE_PIECE, review.rng.uniform(0.0, np.pi))
    under = review.tree.query(block, predicate="intersects")
    land = review.union(_mask(built, under)) if len(parts) else site
    piece = polygonal(shapely.intersection(block, land))
    if shapely.area(shapely.intersection(piece, site)) < _SITE_OVERLAP_M2:
        raise RuntimeError(f"the 图斑 on {site_id} barely touches it; try another seed")
    most = shapely.area(shapely.intersection(review.survey.geometry[under], piece))
    return _Piece(piece, int(under[int(np.argmax(most))]), year, status)


def _mask(among: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """The parcels of ``chosen`` that ``among`` (a mask) holds, as a mask."""
    mask = np.zeros(len(among), dtype=bool)
    mask[chosen] = True
    return mask & among


def _others(review: Review, used: np.ndarray) -> list[_Piece]:
    """The 图斑 away from the sites: in villages, then on the other classes."""
    code = review.survey.code
    free = ~review.in_boundary & ~used
    sites = shapely.union_all(
        [*review.sites.geometry.to_numpy(), *review.candidates.geometry.to_numpy()]
    )
    shapely.prepare(sites)
    pieces = []
    for codes, count in (((_VILLAGE,), _VILLAGE_COUNT), (_OTHERS, _OTHER_COUNT)):
        chosen = np.flatnonzero(free & np.isin(code, codes))
        pieces += _draw(review, review.rng.permutation(chosen), count, sites)
    return pieces


def _draw(review: Review, parcels: np.ndarray, count: int, sites: shapely.Geometry) -> list[_Piece]:
    """Up to ``count`` 图斑 on ``parcels`` in turn, each a piece of one, clear of the sites."""
    rng = review.rng
    pieces: list[_Piece] = []
    for parcel in parcels:
        if len(pieces) == count:
            break
        length, width = rng.uniform(40.0, 100.0), rng.uniform(25.0, 60.0)
        block = rectangle(review.rep[parcel], length, width, rng.uniform(0.0, np.pi))
        piece = polygonal(shapely.intersection(block, review.survey.geometry[parcel]))
        if shapely.area(piece) < _MIN_M2 or shapely.dwithin(piece, sites, _CLEAR_M):
            continue
        year = int(rng.integers(*_YEARS))
        pieces.append(_Piece(piece, int(parcel), year, _status(rng, year)))
    if len(pieces) < count:
        raise RuntimeError("too few construction parcels outside the towns for the 图斑")
    return pieces


def _kind(code: str) -> tuple[str, str]:
    """违法类型 and what was built on a parcel of survey class ``code``."""
    return _KIND.get(str(code), _OTHER_KIND)


def _status(rng: np.random.Generator, year: int) -> str:
    """查处状态 of a 图斑 found in ``year``: dealt with by the year's share, else open."""
    if rng.uniform() < _DEALT_SHARE[year]:
        return "已查处到位"
    return "未查处" if rng.uniform() < 0.5 else "正在查处"


def _numbers(years: list[int]) -> list[str]:
    """监测编号 ``WP<year>-<nnnn>``, numbered per year in the order given."""
    count: dict[int, int] = {}
    out = []
    for year in years:
        count[year] = count.get(year, 0) + 1
        out.append(f"WP{year}-{count[year]:04d}")
    return out
