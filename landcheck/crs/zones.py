"""Gauss-Kruger zones and their EPSG families.

Chinese land data lives in Gauss-Kruger projections, 3-degree or 6-degree
zones, with or without the zone number prefixed to the easting, on the
CGCS2000 datum or the legacy Xian 1980, Beijing 1954 and New Beijing ones. Each
combination has its EPSG code; :class:`GKFamily` names them all.
Each site is measured in its own zone of the same family
(:mod:`landcheck.crs.measuring`).

EPSG codes of the CGCS2000 families: 3-degree zones 25-45 prefixed
EPSG:4513-4533 and plain EPSG:4534-4554 (central meridians 75°E-135°E);
6-degree zones 13-23 prefixed EPSG:4491-4501 and plain EPSG:4502-4512.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from pyproj import CRS

from landcheck.crs.memo import per_crs
from landcheck.errors import AnalysisCRSError

__all__ = [
    "CGCS2000_GEOGRAPHIC",
    "GKFamily",
    "GKZone",
    "gk_crs",
    "gk_family",
    "gk_family_crs",
    "gk_zone_of_crs",
    "utm_central_meridian",
    "zone_for_longitude",
]

CGCS2000_GEOGRAPHIC = 4490
"""EPSG code of CGCS2000 geographic coordinates (longitude/latitude)."""


# EPSG code ranges of the CGCS2000 Gauss-Kruger families.
_CGCS2000_3DEG_PREFIXED = (4513, 25)  # first code, first zone; zones 25-45
_CGCS2000_3DEG_PLAIN = 4534  # CM 75E ... 135E by 3 degrees
_CGCS2000_6DEG_PREFIXED = (4491, 13)  # zones 13-23
_CGCS2000_6DEG_PLAIN = (4502, 13)


@dataclass(frozen=True)
class GKZone:
    """A CGCS2000 Gauss-Kruger zone.

    Parameters
    ----------
    number : int
        The zone number (3-degree: CM = 3·n; 6-degree: CM = 6·n − 3).
    width : int
        Zone width in degrees, 3 or 6.

    Examples
    --------
    >>> GKZone(35, 3).central_meridian
    105
    >>> GKZone(35, 3).epsg(prefixed=True), GKZone(35, 3).epsg(prefixed=False)
    (4523, 4544)
    """

    number: int
    width: int = 3

    def __post_init__(self) -> None:
        if self.width not in (3, 6):
            raise AnalysisCRSError(f"Gauss-Kruger zone width must be 3 or 6, got {self.width}")
        low, high = (25, 45) if self.width == 3 else (13, 23)
        if not low <= self.number <= high:
            raise AnalysisCRSError(
                f"{self.width}-degree zone {self.number} is outside China's range "
                f"{low}-{high}; check the zone number (带号)"
            )

    @property
    def central_meridian(self) -> int:
        """Longitude of the zone's central meridian, in degrees east."""
        return 3 * self.number if self.width == 3 else 6 * self.number - 3

    def epsg(self, *, prefixed: bool = True) -> int:
        """EPSG code of the CGCS2000 projection of this zone.

        Parameters
        ----------
        prefixed : bool
            True when eastings carry the zone number (false easting
            ``zone·10⁶ + 500000``), False for plain 500 km false easting.
        """
        if self.width == 3:
            first, first_zone = _CGCS2000_3DEG_PREFIXED
            if prefixed:
                return first + self.number - first_zone
            return _CGCS2000_3DEG_PLAIN + (self.central_meridian - 75) // 3
        first, first_zone = _CGCS2000_6DEG_PREFIXED if prefixed else _CGCS2000_6DEG_PLAIN
        return first + self.number - first_zone


def zone_for_longitude(lon: float, width: int = 3) -> GKZone:
    """Return the Gauss-Kruger zone containing a longitude.

    Examples
    --------
    >>> zone_for_longitude(103.8)
    GKZone(number=35, width=3)
    >>> zone_for_longitude(103.8, width=6)
    GKZone(number=18, width=6)
    """
    if width == 3:
        return GKZone(int(np.floor((lon + 1.5) / 3.0)), 3)
    return GKZone(int(np.floor(lon / 6.0)) + 1, 6)


def gk_crs(zone: GKZone, *, prefixed: bool = True) -> CRS:
    """Return the CGCS2000 Gauss-Kruger CRS of a zone.

    Examples
    --------
    >>> gk_crs(GKZone(35, 3)).to_epsg(), gk_crs(GKZone(35, 3), prefixed=False).to_epsg()
    (4523, 4544)
    """
    return CRS.from_epsg(zone.epsg(prefixed=prefixed))


@lru_cache(maxsize=64)
def _gk_lookup() -> dict[int, tuple[GKZone, bool]]:
    table: dict[int, tuple[GKZone, bool]] = {}
    for n in range(25, 46):
        zone = GKZone(n, 3)
        table[zone.epsg(prefixed=True)] = (zone, True)
        table[zone.epsg(prefixed=False)] = (zone, False)
    for n in range(13, 24):
        zone = GKZone(n, 6)
        table[zone.epsg(prefixed=True)] = (zone, True)
        table[zone.epsg(prefixed=False)] = (zone, False)
    return table


def gk_zone_of_crs(crs: CRS) -> tuple[GKZone, bool] | None:
    """Return ``(zone, prefixed)`` when ``crs`` is a CGCS2000 Gauss-Kruger EPSG CRS.

    Examples
    --------
    >>> gk_zone_of_crs(CRS.from_epsg(4523))
    (GKZone(number=35, width=3), True)
    >>> gk_zone_of_crs(CRS.from_epsg(3857)) is None
    True
    """
    code = crs.to_epsg(min_confidence=90)
    if code is None:
        return None
    return _gk_lookup().get(code)


# First EPSG codes of each datum's Gauss-Kruger families:
# (3-degree prefixed from zone 25, 3-degree plain from CM 75E, 6-degree prefixed
# from zone 13, 6-degree plain from CM 75E).
_GK_FAMILY_CODES = {
    "cgcs2000": (4513, 4534, 4491, 4502),
    "xian1980": (2349, 2370, 2327, 2338),
    "beijing1954": (2401, 2422, 21413, 21453),
    "newbeijing": (4652, 4782, 4568, 4579),
}

_GK_CODE_BREAKS = {
    ("newbeijing", True): {n: 4766 + n - 30 for n in range(30, 46)},
    ("newbeijing", False): {44: 4812, 45: 4822},
}
"""3-degree zones whose code does not follow from the first (datum, prefixed → zone → code):
New Beijing's prefixed zones 30-45 are EPSG:4766-4781, CM 132E and 135E EPSG:4812 and 4822."""


@dataclass(frozen=True)
class GKFamily:
    """A Chinese Gauss-Kruger CRS: its datum, zone and easting convention.

    Attributes
    ----------
    datum : str
        ``"cgcs2000"``, ``"xian1980"``, ``"beijing1954"`` or ``"newbeijing"``.
    zone : GKZone
        The zone (3- or 6-degree).
    prefixed : bool
        True when eastings carry the zone number.
    """

    datum: str
    zone: GKZone
    prefixed: bool

    def epsg(self) -> int:
        """EPSG code of this CRS.

        Examples
        --------
        >>> GKFamily("xian1980", GKZone(35, 3), True).epsg()
        2359
        >>> GKFamily("newbeijing", GKZone(35, 3), True).epsg()
        4771
        """
        three_prefixed, three_plain, six_prefixed, six_plain = _GK_FAMILY_CODES[self.datum]
        cm = self.zone.central_meridian
        if self.zone.width == 3:
            breaks = _GK_CODE_BREAKS.get((self.datum, self.prefixed), {})
            if self.zone.number in breaks:
                return breaks[self.zone.number]
            if self.prefixed:
                return three_prefixed + self.zone.number - 25
            return three_plain + (cm - 75) // 3
        if self.prefixed:
            return six_prefixed + self.zone.number - 13
        return six_plain + (cm - 75) // 6


@lru_cache(maxsize=1)
def _family_lookup() -> dict[int, GKFamily]:
    table: dict[int, GKFamily] = {}
    for datum in _GK_FAMILY_CODES:
        for width, zones in ((3, range(25, 46)), (6, range(13, 24))):
            for number in zones:
                for prefixed in (True, False):
                    family = GKFamily(datum, GKZone(number, width), prefixed)
                    table[family.epsg()] = family
    return table


@per_crs
def gk_family(crs: CRS) -> GKFamily | None:
    """Return the datum, zone and easting convention of a Chinese Gauss-Kruger EPSG CRS.

    Covers CGCS2000, Xian 1980, Beijing 1954 and New Beijing, 3- and 6-degree zones, with
    and without the zone prefix.

    Examples
    --------
    >>> gk_family(CRS.from_epsg(2359))
    GKFamily(datum='xian1980', zone=GKZone(number=35, width=3), prefixed=True)
    >>> gk_family(CRS.from_epsg(4544)).prefixed
    False
    >>> gk_family(CRS.from_epsg(32648)) is None
    True
    """
    code = crs.to_epsg(min_confidence=90)
    return None if code is None else _family_lookup().get(code)


def utm_central_meridian(crs: CRS) -> int | None:
    """The central meridian of a WGS 84 UTM EPSG CRS (north or south), else None.

    Examples
    --------
    >>> utm_central_meridian(CRS.from_epsg(32618)), utm_central_meridian(CRS.from_epsg(4523))
    (-75, None)
    """
    code = crs.to_epsg(min_confidence=90)
    if code is None or not (32601 <= code <= 32660 or 32701 <= code <= 32760):
        return None
    return 6 * (code % 100) - 183


def gk_family_crs(datum: str, zone: GKZone, *, prefixed: bool = True) -> CRS:
    """Return the Gauss-Kruger CRS of a datum and zone.

    Examples
    --------
    >>> gk_family_crs("beijing1954", GKZone(18, 6)).to_epsg()
    21418
    """
    return CRS.from_epsg(GKFamily(datum, zone, prefixed).epsg())
