"""已批建设用地: land already approved for construction, inside the urban boundaries.

Existing construction land inside the urban boundaries is approved where a
smooth field (``block``) is above -0.6 (about three quarters of it), except
in the county seat's old core (within 0.3 of its built-up radius: land older
than the approval records). Cultivated land inside a boundary is approved but
not yet built where the field is above 1.0. The approved parcels are grouped
into batches (批次) by 600 m squares, built and unbuilt apart: the unbuilt
batches are recent (2023-2025), so the survey still shows 耕地 there. The
parcels under S01 are always approved; of those under candidate A, the ones
on its half nearer the seat are approved (whatever their class: land not yet
built is a recent batch) and the others not, so A is partly approved. Years,
dates and document numbers come from the review generator.
"""

from __future__ import annotations

import numpy as np
import shapely

from landcheck.sample.county import SEAT, TOWNS
from landcheck.sample.frames import areas, dissolve
from landcheck.sample.landuse import CULTIVATED
from landcheck.sample.review import Review

__all__ = ["approved_land"]

_SQUARE_M = 600.0
_EXISTING_FIELD = -0.6
_NEW_FIELD = 1.0
_OLD_CORE = 0.3  # of the seat's built-up radius

_USES = {
    "0601": "工业用地",
    "0508": "物流仓储用地",
    "0701": "城镇住宅用地",
    "05H1": "商业服务业设施用地",
    "08H1": "机关团体新闻出版用地",
    "08H2": "科教文卫用地",
    "0809": "公用设施用地",
    "0810": "公园与绿地",
    "0810A": "广场用地",
    "1004": "城镇村道路用地",
    "1005": "交通服务场站用地",
    "1003": "公路用地",
    "0702": "城镇住宅用地",
    "1201": "城镇住宅用地",
}
"""批准用途 of approved existing construction land by its survey class (the classes in towns)."""


def approved_land(review: Review) -> tuple[dict[str, object], list[shapely.Geometry]]:
    """已批建设用地: one polygon per batch, use and connected part (see the module docstring)."""
    survey = review.survey
    rep, seat = review.rep, review.seat
    inside = review.in_boundary
    field = survey.fields["block"]
    existing = inside & review.construction
    core = np.hypot(*(rep - seat).T) < _OLD_CORE * TOWNS[SEAT].radius
    approved = (existing & (field > _EXISTING_FIELD) & ~core) | (
        inside & np.isin(survey.code, CULTIVATED) & (field > _NEW_FIELD)
    )
    approved[_under(review, "A", nearer=True)] = True
    approved[_under(review, "A", nearer=False)] = False
    approved[review.tree.query(review.site("S01"), predicate="intersects")] = True
    approved &= inside
    _check_partly(review, approved, "A")

    chosen = np.flatnonzero(approved)
    square = np.floor((rep[chosen] - seat) / _SQUARE_M).astype(int)
    new = ~review.construction[chosen]
    use = [
        _new_use(review, i) if n else _USES.get(str(survey.code[i]), "城镇建设用地")
        for i, n in zip(chosen, new, strict=True)
    ]
    keys = [(int(a), int(b), bool(n), u) for (a, b), n, u in zip(square, new, use, strict=True)]
    part_keys, geometry = dissolve(survey.geometry[chosen], keys, explode=True)
    batches = sorted({k[:3] for k in part_keys})
    batch = _batches(review, batches)
    columns = {
        "PZWH": [batch[k[:3]][0] for k in part_keys],
        "PZRQ": [batch[k[:3]][1] for k in part_keys],
        "PZYT": [k[3] for k in part_keys],
        "PZMJ": areas(geometry),
        "PCMC": [batch[k[:3]][2] for k in part_keys],
    }
    return columns, geometry


def _check_partly(review: Review, approved: np.ndarray, site_id: str) -> None:
    """Raise unless the approved parcels cover part, not all, of a site."""
    site = review.site(site_id)
    hit = review.tree.query(site, predicate="intersects")
    covered = shapely.area(shapely.intersection(review.survey.geometry[hit[approved[hit]]], site))
    if not 0.0 < covered.sum() < site.area - 1.0:
        raise RuntimeError(f"the approved land does not cover part of {site_id}; try another seed")


def _under(review: Review, site_id: str, *, nearer: bool) -> np.ndarray:
    """Parcels under a site, their representative point on its half nearer (farther) the seat."""
    site = review.site(site_id)
    hit = review.tree.query(site, predicate="intersects")
    centre = shapely.get_coordinates(shapely.centroid(site))[0]
    toward = review.seat - centre
    side = (review.rep[hit] - centre) @ toward > 0
    return hit[side if nearer else ~side]


def _new_use(review: Review, parcel: int) -> str:
    """批准用途 of approved unbuilt land: industry in the seat's industrial sector, else housing."""
    x, y = review.rep[parcel] - review.seat
    sector = abs(np.angle(np.exp(1j * (np.arctan2(y, x) - np.radians(-15.0))))) < 0.6
    return "工业用地" if sector else "城镇住宅用地"


def _batches(
    review: Review, batches: list[tuple[int, int, bool]]
) -> dict[tuple, tuple[str, str, str]]:
    """Document number, date and name of each batch (square, new); numbered per year by date."""
    rng = review.rng
    dated = []
    for key in batches:
        year = int(rng.integers(2023, 2026)) if key[2] else int(rng.integers(2004, 2023))
        day = int(rng.integers(0, 365))
        dated.append((year, day, key))
    out: dict[tuple, tuple[str, str, str]] = {}
    count: dict[int, int] = {}
    for year, day, key in sorted(dated):
        count[year] = count.get(year, 0) + 1
        date = np.datetime64(f"{year}-01-01") + np.timedelta64(min(day, 364), "D")
        number = 20 + 7 * count[year] + int(rng.integers(0, 7))
        out[key] = (
            f"滇政土〔{year}〕{number}号",
            str(date),
            f"泸西县{year}年度第{count[year]}批次城镇建设用地",
        )
    return out
