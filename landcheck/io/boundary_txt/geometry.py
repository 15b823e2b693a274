"""From a plot's points to its geometry: axis order, zone prefix, rings, holes, checks.

The coordinates of a plot are read as ``(east, north)`` rows: :func:`oriented`
detects X/Y columns written the other way round (by the size of the
numbers), :func:`prefix_zone` checks the zone prefix of eastings against
带号 and adds the missing ones, :func:`split_rings` cuts the points into
rings by 圈号 (closing points and repeated points recognised),
:func:`plot_geometry` makes the polygon (a ring inside an earlier one is its
hole, another ring a further part) and :func:`check_plot` warns of what looks
wrong: a 界址点数 that counts no known way, an invalid polygon, a declared
area (地块面积) off the computed one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import shapely

from landcheck.errors import BoundaryTxtError
from landcheck.io.boundary_txt.scan import Plot, Point, Scan
from landcheck.io.boundary_txt.spec import ZONE_FACTOR, BoundaryTxtCRSError
from landcheck.messages import warn
from landcheck.units import M2_PER_HA

__all__ = [
    "Ring",
    "check_plot",
    "oriented",
    "plot_geometry",
    "prefix_zone",
    "repeated_warning",
    "split_rings",
    "swap_warning",
]

_CLOSE_TOLERANCE_M = 0.0005
"""Two points closer than this (half the 0.001 m precision) are the same point."""

_MIN_RING_WIDTH_M = 0.001
"""A ring thinner on average (2 × area / perimeter) encloses no area worth the name."""

_AREA_ROUNDING_HA = 0.00005
"""Half a unit of the 4-decimal hectares in plot headers; smaller differences are rounding."""

_TOLERANCE_ROUNDING = 1e-9
"""Relative slack of the tolerance for the rounding of its arithmetic: 2.0200 ha declared for
2.0000 ha computed is 1 % off (0.020000000000000018 ha in floats), within 1 %."""


def _beyond_tolerance(declared: float, computed: float, tolerance: float) -> bool:
    """Whether a declared area is further off the computed one than the tolerance allows.

    Examples
    --------
    >>> _beyond_tolerance(2.02, 2.0, 0.01), _beyond_tolerance(2.0201, 2.0, 0.01)
    (False, True)
    """
    allowed = max(tolerance * computed, _AREA_ROUNDING_HA)
    return abs(declared - computed) > allowed * (1.0 + _TOLERANCE_ROUNDING)


def _share_text(share_pct: float, tolerance_pct: float) -> str:
    """A difference in per cent, with the decimals that show it beyond the tolerance.

    Examples
    --------
    >>> _share_text(1.5, 1.0), _share_text(1.005, 1.0)
    ('1.50', '1.005')
    """
    for decimals in range(2, 7):
        text = f"{share_pct:.{decimals}f}"
        if float(text) > tolerance_pct:
            return text
    return f"{share_pct:.6f}"


def _is_northing(value: float) -> bool:
    return ZONE_FACTOR <= value < 10 * ZONE_FACTOR


def _is_easting(value: float) -> bool:
    if 0 < value < ZONE_FACTOR:
        return True
    return 13 <= value // ZONE_FACTOR <= 45 and value % ZONE_FACTOR > 0


def _axis_order(point: Point, source: str) -> bool:
    """Return True when the point's columns are swapped (Y east first)."""
    if _is_northing(point.first) and _is_easting(point.second):
        return False
    if _is_easting(point.first) and _is_northing(point.second):
        return True
    raise BoundaryTxtError(
        f"X={point.first:.3f}, Y={point.second:.3f} is not a CGCS2000 Gauss-Kruger point: "
        "X (north) should lie between 1,000,000 and 10,000,000 m and Y (east) below "
        "1,000,000 m or zone-prefixed (zone × 1,000,000 + 0…999,999 m, zones 13–45)",
        path=source,
        line=point.line,
    )


def oriented(plot: Plot, source: str) -> tuple[np.ndarray, bool]:
    """Return the plot's points as ``(east, north)`` rows and whether X/Y were swapped."""
    swapped = _axis_order(plot.points[0], source)
    for point in plot.points[1:]:
        if _axis_order(point, source) != swapped:
            raise BoundaryTxtError(
                "X and Y are in the other order than on the plot's first point "
                f"(line {plot.points[0].line}); a plot must keep one column order",
                path=source,
                line=point.line,
            )
    raw = np.array([(p.first, p.second) for p in plot.points], dtype=float)
    return (raw, True) if swapped else (raw[:, ::-1].copy(), False)


def swap_warning(plots: list[Plot]) -> str:
    """The warning that says which plots had their X/Y columns swapped."""
    first = plots[0].points[0]
    lines = ", ".join(str(p.line) for p in plots[:5]) + (", …" if len(plots) > 5 else "")
    return (
        f"X/Y columns swapped in {len(plots)} plot(s) (headers on line(s) {lines}): X held "
        f"eastings (e.g. {first.first:.3f} on line {first.line}) and Y northings "
        f"({first.second:.3f}); read them as X = north, Y = east"
    )


def prefix_zone(
    coords: list[np.ndarray],
    plots: list[Plot],
    declared: int | None,
    scan: Scan,
    source: str,
) -> int:
    """Check the zone prefixes, add the missing ones (saying so); return the zone number."""
    zone: int | None = None
    zone_line = 0
    for xy, plot in zip(coords, plots, strict=True):
        prefixed = xy[:, 0] >= ZONE_FACTOR
        for i in np.flatnonzero(prefixed):
            found = int(xy[i, 0] // ZONE_FACTOR)
            line = plot.points[i].line
            if declared is not None and found != declared:
                raise BoundaryTxtCRSError(
                    f"Y={xy[i, 0]:.3f} carries zone prefix {found} but 带号={declared} "
                    f"(line {scan.lines['带号']}); fix 带号 or the coordinates",
                    path=source,
                    line=line,
                )
            if zone is None:
                zone, zone_line = found, line
            elif found != zone:
                raise BoundaryTxtCRSError(
                    f"Y={xy[i, 0]:.3f} carries zone prefix {found} but line {zone_line} "
                    f"carries {zone}; a file holds one zone",
                    path=source,
                    line=line,
                )
    if zone is None:
        zone = declared
    missing = sum(int((xy[:, 0] < ZONE_FACTOR).sum()) for xy in coords)
    if missing:
        if zone is None:
            raise BoundaryTxtCRSError(
                "Y (east) has no zone prefix and the file gives no 带号, so the Gauss-Kruger "
                "zone is unknown; add 带号=NN to [属性描述]",
                path=source,
                line=plots[0].points[0].line,
            )
        origin = (
            f"带号={zone} (line {scan.lines['带号']})"
            if declared is not None
            else "the zone prefix of the other points"
        )
        warn(f"Y (east) had no zone prefix on {missing} point(s); added zone {zone} from {origin}")
        for xy in coords:
            xy[xy[:, 0] < ZONE_FACTOR, 0] += zone * ZONE_FACTOR
    assert zone is not None  # set by a prefix, or by 带号 when every Y lacked one
    return zone


@dataclass
class Ring:
    """One ring of a plot: its 圈号, the line it starts on, its distinct points, closed or not."""

    number: int
    line: int
    points: list[tuple[float, float]] = field(default_factory=list)
    closed: bool = False


def split_rings(plot: Plot, xy: np.ndarray, repeated: list[int]) -> tuple[list[Ring], int]:
    """Split a plot's points into rings; return them and the number of closing points.

    The lines of points that repeat the previous point (dropped) are added to ``repeated``.
    """
    rings: list[Ring] = []
    closing = 0
    for point, (east, north) in zip(plot.points, xy.tolist(), strict=True):
        ring = rings[-1] if rings else None
        if ring is None or ring.number != point.ring or ring.closed:
            rings.append(Ring(point.ring, point.line, [(east, north)]))
            continue
        if _same(ring.points[-1], (east, north)):
            repeated.append(point.line)
        elif len(ring.points) >= 2 and _same(ring.points[0], (east, north)):
            ring.closed = True
            closing += 1
        else:
            ring.points.append((east, north))
    return rings, closing


def repeated_warning(lines: list[int]) -> str:
    """The warning for points dropped because they repeat the previous point (their lines)."""
    if len(lines) == 1:
        return f"line {lines[0]}: point repeats the previous point; dropped"
    shown = ", ".join(map(str, lines[:5])) + (", …" if len(lines) > 5 else "")
    return f"{len(lines):,} points repeat the previous point; dropped (lines {shown})"


def _same(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return abs(a[0] - b[0]) <= _CLOSE_TOLERANCE_M and abs(a[1] - b[1]) <= _CLOSE_TOLERANCE_M


def plot_geometry(plot: Plot, rings: list[Ring], source: str) -> shapely.Geometry:
    """The plot's Polygon or MultiPolygon: holes go into the outer ring that holds them.

    A ring with 圈号 > 1 whose points all lie in a ring of 圈号 1 (listed before
    or after it), or in an earlier ring that is not a hole, is a hole of it;
    any other ring is a part of its own, the parts in the order listed.

    Raises
    ------
    BoundaryTxtError
        A ring has fewer than 3 distinct points, or encloses no area (its
        average width is under 1 mm); the message names its first line.
    """
    polygons = [_ring_polygon(ring, source) for ring in rings]
    outer = [i for i, ring in enumerate(rings) if ring.number <= 1]
    owners: dict[int, int] = {}  # a hole's ring → the ring it is a hole of
    for i, ring in enumerate(rings):
        if ring.number <= 1:
            continue
        xs, ys = np.array(ring.points).T
        earlier = [j for j in range(i) if rings[j].number > 1 and j not in owners]
        owner = next(
            (j for j in (*outer, *earlier) if shapely.intersects_xy(polygons[j], xs, ys).all()),
            None,
        )
        if owner is not None:
            owners[i] = owner
    parts = [
        shapely.Polygon(ring.points, [rings[h].points for h, o in owners.items() if o == i])
        for i, ring in enumerate(rings)
        if i not in owners
    ]
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def _ring_polygon(ring: Ring, source: str) -> shapely.Polygon:
    """The ring as a polygon; a ring of fewer than 3 points, or without area, is refused."""
    if len(ring.points) < 3:
        raise BoundaryTxtError(
            f"ring 圈号={ring.number} starting here has {len(ring.points)} distinct "
            "point(s); a ring needs at least 3",
            path=source,
            line=ring.line,
        )
    polygon = shapely.Polygon(ring.points)
    width = 2.0 * polygon.area / polygon.length
    if not width >= _MIN_RING_WIDTH_M:
        raise BoundaryTxtError(
            f"ring 圈号={ring.number} starting here encloses no area: its average width "
            f"(2 × area / perimeter) is {width:.2g} m, under 1 mm, so its points lie on a "
            "line (or nearly), or the ring crosses itself and its loops cancel out; check "
            "its coordinates",
            path=source,
            line=ring.line,
        )
    return polygon


def check_plot(
    plot: Plot,
    geometry: shapely.Geometry,
    rings: list[Ring],
    closing: int,
    tolerance: float,
) -> None:
    """Say what looks wrong with a plot (:func:`~landcheck.messages.warn`); nothing is changed.

    One sentence per problem: a 界址点数 that fits no way of counting, a
    记录图形属性 other than 面, an invalid polygon, a declared area off the
    computed one (and whether it seems to be given in m²).

    Parameters
    ----------
    plot : Plot
        The scanned plot.
    geometry : shapely.Geometry
        Its geometry (:func:`plot_geometry`).
    rings : list of Ring
        Its rings (:func:`split_rings`).
    closing : int
        How many of its points close a ring.
    tolerance : float
        Relative difference between the declared 地块面积 and the computed
        planar area above which a warning is given (0.01 = 1 %; exactly 1 % is
        within it); differences within the 0.0001 ha rounding of the header never
        count.
    """
    where = f"plot {plot.site_id or '(no 编号)'} (line {plot.line})"
    listed = len(plot.points)
    if plot.jzds is not None and plot.jzds not in (
        listed,
        listed - closing,
        listed + len(rings) - closing,
    ):
        warn(
            f"{where}: 界址点数 (JZDS) is {plot.jzds} but the plot lists {listed} point lines "
            f"({listed - closing} without closing points)"
        )
    if plot.shape_kind and plot.shape_kind != "面":
        warn(f"{where}: 记录图形属性={plot.shape_kind!r}; read as a polygon (面)")
    if not geometry.is_valid:
        warn(
            f"{where}: the boundary is not a valid polygon ({shapely.is_valid_reason(geometry)});"
            " repair it before submission"
        )
    computed = geometry.area / M2_PER_HA
    declared = plot.declared_ha
    if math.isnan(declared):
        return
    if _beyond_tolerance(declared, computed, tolerance):
        tolerated = f"(tolerance {tolerance * 100:.2f} %)"
        if computed <= 0:  # holes that fill the outer ring
            text = (
                f"{where}: declared area {declared:.4f} ha (地块面积), but the plot encloses "
                "no area"
            )
        elif declared <= 2.0 * computed:
            share = abs(declared - computed) / computed * 100
            text = (
                f"{where}: declared area {declared:.4f} ha (地块面积) differs from the computed "
                f"planar area {computed:.4f} ha by {_share_text(share, tolerance * 100)} % "
                f"{tolerated}"
            )
        else:  # beyond 100 % a percentage says little: say how many times as large
            ratio = declared / computed
            times = f"{ratio:,.0f}" if ratio >= 10 else f"{ratio:.1f}"
            text = (
                f"{where}: declared area {declared:.4f} ha (地块面积) is {times} times the "
                f"computed planar area {computed:.4f} ha {tolerated}"
            )
        if computed > 0 and abs(declared / geometry.area - 1) <= tolerance:
            text += "; the file seems to give m², not hectares"
        warn(text)
