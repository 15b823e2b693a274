"""Protected areas (自然保护地): a nature reserve and a forest park, zoned parcel by parcel.

The nature reserve covers the largest patch of the biodiversity redline
(high forest) and the wild land around it; it is zoned in the current system
(核心保护区 / 一般控制区). The forest park lies around the reservoir with the
most water-conservation redline near it and keeps the legacy zoning (核心区 /
缓冲区 / 实验区). Both core zones are taken from redline parcels only, so they
lie inside the ecological redline; the other zones may extend beyond it.
Nothing here is random.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from landcheck.sample.frames import areas, dissolve
from landcheck.sample.landuse import WILD
from landcheck.sample.review import Review, union_parts_of

__all__ = [
    "AREAS",
    "ProtectedArea",
    "Zoning",
    "park_reservoir",
    "protected_areas",
    "protected_zoning",
]


@dataclass(frozen=True)
class ProtectedArea:
    """A protected area's name, type (BHDLX), level (BHDJB) and zone names, core first."""

    name: str
    kind: str
    level: str
    zones: tuple[str, ...]


AREAS = (
    ProtectedArea("白云山自然保护区", "自然保护区", "省级", ("核心保护区", "一般控制区")),
    ProtectedArea("龙潭湖森林公园", "森林公园", "市县级", ("核心区", "缓冲区", "实验区")),
)
"""The two protected areas: the reserve (current zoning), the forest park (legacy zoning)."""

_RESERVE_RING_M = 600.0  # the reserve's general zone reaches this far beyond its redline patch
_CORE_MIN_M2 = 100e4  # a core zone part is at least 100 ha
_PARK_CORE_M = 1000.0  # the park's zones by distance from its reservoir
_PARK_BUFFER_M = 1800.0
_PARK_OUTER_M = 2600.0
_OPEN_LAND = (*WILD, "0201", "0204", "1104")  # land a zone outside the redline may take


@dataclass
class Zoning:
    """Each parcel's protected area (index into :data:`AREAS`, -1 none) and zone."""

    area: np.ndarray
    zone: np.ndarray


def protected_zoning(review: Review) -> Zoning:
    """Zone the parcels into the reserve and the forest park (see the module docstring)."""
    return review.shared("protected_zoning", _zone_parcels)


def _zone_parcels(review: Review) -> Zoning:
    """The zoning of :func:`protected_zoning`, computed."""
    survey = review.survey
    count = len(survey.code)
    zoning = Zoning(area=np.full(count, -1), zone=np.full(count, "", dtype=object))
    open_land = np.isin(survey.code, _OPEN_LAND) & ~review.in_boundary & ~survey.lines.farmland
    _zone_reserve(review, zoning, open_land)
    _zone_park(review, zoning, open_land)
    return zoning


def _zone_reserve(review: Review, zoning: Zoning, open_land: np.ndarray) -> None:
    """The reserve: the largest biodiversity-redline patch and the open land within 600 m.

    Its core is the part of the patch above the patch's mean elevation, in
    connected pieces of 100 ha or more (the largest piece when none is).
    """
    survey = review.survey
    biodiversity = survey.lines.redline == "生物多样性维护"
    group, sizes = union_parts_of(review, biodiversity)
    patch = group == int(np.argmax(sizes))
    ring = review.within(review.union(patch), _RESERVE_RING_M) & open_land & ~patch
    elevation = survey.fields["elevation"]
    high = elevation >= np.average(elevation[patch], weights=review.area[patch])
    core_group, core_sizes = union_parts_of(review, patch & high)
    large = np.flatnonzero(core_sizes >= min(_CORE_MIN_M2, core_sizes.max()))  # or the largest
    core = np.isin(core_group, large)
    core_zone, general_zone = AREAS[0].zones
    zoning.area[patch | ring] = 0
    zoning.zone[patch | ring] = general_zone
    zoning.zone[core] = core_zone


def _zone_park(review: Review, zoning: Zoning, open_land: np.ndarray) -> None:
    """The forest park around the reservoir with the most water-conservation redline near it.

    核心区: redline parcels within 1 km of the reservoir (the water included);
    缓冲区: redline parcels within 1.8 km and open land within 1.4 km; 实验区:
    open land within 2.6 km. Parcels of the reserve stay the reserve's.
    """
    lake = review.survey.plan.reservoirs[park_reservoir(review)]
    distance = shapely.distance(lake, shapely.points(review.rep))
    free = zoning.area < 0
    red = review.in_redline & free
    core = red & (distance <= _PARK_CORE_M)
    buffer = (
        ~core
        & free
        & ((red & (distance <= _PARK_BUFFER_M)) | (open_land & (distance <= 0.78 * _PARK_BUFFER_M)))
    )
    outer = ~core & ~buffer & free & open_land & ~review.in_redline & (distance <= _PARK_OUTER_M)
    for mask, zone in zip((core, buffer, outer), AREAS[1].zones, strict=True):
        zoning.area[mask] = 1
        zoning.zone[mask] = zone


def park_reservoir(review: Review) -> int:
    """Index of the forest park's reservoir: the most water-conservation redline within 1.8 km."""
    water = review.survey.lines.redline == "水源涵养"
    near = [review.within(lake, _PARK_BUFFER_M) & water for lake in review.survey.plan.reservoirs]
    return int(np.argmax([review.area[m].sum() for m in near]))


def protected_areas(review: Review) -> tuple[dict[str, object], list[shapely.Geometry]]:
    """自然保护地: one multipolygon per protected area and zone, core zones first."""
    zoning = protected_zoning(review)
    chosen = np.flatnonzero(zoning.area >= 0)
    rank = {(a, z): (a, AREAS[a].zones.index(z)) for a in range(len(AREAS)) for z in AREAS[a].zones}
    keys = [rank[(int(zoning.area[i]), str(zoning.zone[i]))] for i in chosen]
    zone_keys, geometry = dissolve(review.survey.geometry[chosen], keys, explode=False)
    columns = {
        "BHDMC": [AREAS[a].name for a, _ in zone_keys],
        "BHDLX": [AREAS[a].kind for a, _ in zone_keys],
        "BHDJB": [AREAS[a].level for a, _ in zone_keys],
        "GNFQ": [AREAS[a].zones[z] for a, z in zone_keys],
        "MJ": areas(geometry),
    }
    return columns, geometry
