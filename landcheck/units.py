"""Area units and the two area methods (planar and ellipsoidal).

Areas are carried unrounded in square metres; hectares and 亩 are derived
from the area that drives findings (the profile's ``area_method``). Rounding
happens only for display, after summing (see :func:`largest_remainder_round`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

import numpy as np

from landcheck.errors import InputDataError, shown
from landcheck.frozen import maker

__all__ = [
    "M2_PER_HA",
    "M2_PER_MU",
    "Area",
    "AreaMethod",
    "area_dict",
    "largest_remainder_round",
    "new_area",
    "rest_shown",
    "round_alone",
]

M2_PER_HA = 10_000.0
"""Square metres per hectare (公顷)."""

M2_PER_MU = 2000.0 / 3.0
"""Square metres per 亩 (1 亩 = 2000/3 m², 15 亩 = 1 ha)."""


class AreaMethod(str, Enum):
    """How the area that drives findings is measured.

    ``planar`` is the area in the projected analysis CRS (Gauss-Kruger for
    Chinese data); ``ellipsoidal`` is the area on the CRS's ellipsoid, as the
    land survey (三调) measures parcels.
    """

    PLANAR = "planar"
    ELLIPSOIDAL = "ellipsoidal"

    @classmethod
    def parse(cls, value: str | AreaMethod) -> AreaMethod:
        """Return the method named by ``value``, listing valid names if unknown.

        Raises
        ------
        InputDataError
            ``value`` names no method (it is also a ValueError).

        Examples
        --------
        >>> AreaMethod.parse("planar")
        <AreaMethod.PLANAR: 'planar'>
        """
        if isinstance(value, cls):
            return value
        try:
            return cls(str(value).lower())
        except ValueError:
            valid = ", ".join(m.value for m in cls)
            raise InputDataError(
                f"unknown area method {shown(value)}; use one of: {valid}"
            ) from None


_PLANAR = AreaMethod.PLANAR
"""Read as a module constant: an Enum member looked up on its class costs three times as much,
and a batch asks for its areas in m² 700,000 times."""


@dataclass(frozen=True, slots=True)
class Area:
    """One area measured both ways, in square metres.

    Parameters
    ----------
    planar_m2 : float
        Area in the analysis CRS.
    ellipsoidal_m2 : float
        Area on the analysis CRS's ellipsoid.
    method : AreaMethod
        Which of the two the derived units (ha, 亩) and findings use.

    Examples
    --------
    >>> a = Area(15_000.0, 14_999.0, AreaMethod.PLANAR)
    >>> a.ha, a.mu
    (1.5, 22.5)
    """

    planar_m2: float
    ellipsoidal_m2: float
    method: AreaMethod = AreaMethod.ELLIPSOIDAL

    @property
    def m2(self) -> float:
        """The area in m² by the driving method."""
        return self.planar_m2 if self.method is _PLANAR else self.ellipsoidal_m2

    @property
    def ha(self) -> float:
        """The driving area in hectares."""
        return self.m2 / M2_PER_HA

    @property
    def mu(self) -> float:
        """The driving area in 亩."""
        return self.m2 / M2_PER_MU

    def to_dict(self) -> dict[str, float]:
        """Return the JSON form ``{planar_m2, ellipsoidal_m2, ha, mu}``."""
        return area_dict(self.planar_m2, self.ellipsoidal_m2, self.method)

    def __add__(self, other: Area) -> Area:
        return Area(
            self.planar_m2 + other.planar_m2,
            self.ellipsoidal_m2 + other.ellipsoidal_m2,
            self.method,
        )


new_area = maker(Area)
"""``Area(planar_m2, ellipsoidal_m2, method)`` made at a mutable class's speed
(:func:`~landcheck.frozen.maker`): a batch's views and findings make hundreds of thousands."""


def area_dict(planar_m2: float, ellipsoidal_m2: float, method: AreaMethod) -> dict[str, float]:
    """:meth:`Area.to_dict` of the area the two values and the method make, without making it.

    findings.json writes a dozen areas a site that no finding holds (the site's,
    the land-use categories'…).

    Examples
    --------
    >>> area_dict(15_000.0, 14_999.0, AreaMethod.PLANAR)
    {'planar_m2': 15000.0, 'ellipsoidal_m2': 14999.0, 'ha': 1.5, 'mu': 22.5}
    """
    m2 = planar_m2 if method is _PLANAR else ellipsoidal_m2
    return {
        "planar_m2": float(planar_m2),
        "ellipsoidal_m2": float(ellipsoidal_m2),
        "ha": float(m2 / M2_PER_HA),
        "mu": float(m2 / M2_PER_MU),
    }


def round_alone(value: float, decimals: int) -> float:
    """A value rounded for display on its own, as a report table rounds a total.

    Half to even on the scaled value, with a nanometre of slack for float
    noise below a whole unit (``2.99999999999`` of a unit is three).

    Examples
    --------
    >>> round_alone(2.938842, 4), round_alone(0.0599999999999, 4)
    (2.9388, 0.06)
    """
    if not math.isfinite(value):
        return value
    scale = 10**decimals
    scaled = value * scale
    floor = math.floor(scaled + 1e-9)
    return round((floor + 1 if round(scaled) > floor else floor) / scale, decimals)


def rest_shown(whole: float, part: float, decimals: int) -> float:
    """What a part leaves of a whole, as shown: the whole shown less the part shown.

    How the rest of a site beyond a layer (outside the urban boundary, not
    covered by the survey) is shown wherever the layer's overlap is shown
    rounded on its own, so that the two always add up to the site as shown.
    Rounding the rest on its own could miss by a unit.

    Examples
    --------
    >>> whole, part = 2.998768, 2.938842
    >>> round_alone(whole - part, 4), rest_shown(whole, part, 4)  # 2.9988 − 2.9388
    (0.0599, 0.06)
    """
    return round(round_alone(whole, decimals) - round_alone(part, decimals), decimals)


def largest_remainder_round(
    values: Sequence[float], decimals: int, total: float | None = None
) -> list[float]:
    """Round values so that the rounded values add up to the rounded total.

    Each value is floored at the given precision; the units still missing to
    reach the rounded total go to the values with the largest remainders
    (ties to the earlier value). This is how report tables keep rows adding
    up to their totals.

    Parameters
    ----------
    values : sequence of float
        Non-negative values, unrounded.
    decimals : int
        Decimal places to keep.
    total : float, optional
        The total to match; defaults to ``sum(values)``.

    Returns
    -------
    list of float
        Rounded values whose sum equals ``round(total, decimals)``.

    Examples
    --------
    >>> largest_remainder_round([0.33333, 0.33333, 0.33334], 2)
    [0.33, 0.33, 0.34]
    >>> sum(largest_remainder_round([1.005, 2.005, 3.005], 2))
    6.02
    """
    if not len(values):
        return []
    # in Python's numbers: a message's few parts, a site at a time, for thousands of sites
    scale = 10**decimals
    scaled = [float(v) * scale for v in values]
    target = round((float(np.sum(values)) if total is None else total) * scale)
    floors = [math.floor(v + 1e-9) for v in scaled]
    missing = target - sum(floors)
    remainders = [v - f for v, f in zip(scaled, floors, strict=True)]
    if missing > 0:
        for i in sorted(range(len(floors)), key=lambda i: -remainders[i])[:missing]:
            floors[i] += 1
    elif missing < 0:
        order = sorted(range(len(floors)), key=remainders.__getitem__)
        for i in [i for i in order if floors[i] > 0][:-missing]:
            floors[i] -= 1
    return [round(v / scale, decimals) for v in floors]
