"""Legacy datums: Xian 1980, Beijing 1954 and New Beijing, refused or shifted to CGCS2000.

PROJ knows no real transformation from the legacy Chinese datums to CGCS2000,
only a "Ballpark geographic offset" (EPSG:4610, EPSG:4214 and EPSG:4555 to
EPSG:4490: a null shift of unknown accuracy, wrong by tens of metres), so landcheck never
lets PROJ move legacy data: every input (site files, site frames, layers, road
lines) goes through :func:`apply_datum_shift` once, which refuses it unless the
user gives the 7 parameters their surveying authority publishes, and then
applies them. This module holds the one convention landcheck uses for them,
in the boundary TXT's ``转换参数`` and in ``--datum-shift`` alike:

- ``dx, dy, dz`` in metres, ``rx, ry, rz`` in arc-seconds, ``s`` in ppm;
- Bursa-Wolf, **position-vector** convention (EPSG method 1033), geocentric;
- from the legacy datum to CGCS2000.

Parameters published in the coordinate-frame convention (EPSG method 1032)
have rotations of the opposite sign: negate rx, ry and rz.

A CRS may carry its own transformation to WGS 84 (a PROJ string's ``+towgs84=``, a
WKT's ``TOWGS84[…]``: a bound CRS). landcheck does not take it on trust (GIS software
has written generic parameters into CRSs): it shifts such data only with the same
parameters given as ``--datum-shift``, and refuses it without them or with others
(:func:`crs_towgs84`). A ``+towgs84`` of zeros is PROJ's null shift, not a
transformation, and is set aside.

Everything here is pure: frames in, frames out.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.crs import ProjectedCRS
from pyproj.exceptions import ProjError

from landcheck.crs.choice import crs_label
from landcheck.crs.memo import per_crs
from landcheck.crs.zones import CGCS2000_GEOGRAPHIC, gk_family, gk_family_crs
from landcheck.errors import AnalysisCRSError, InputDataError
from landcheck.geometry import geometry_values

__all__ = [
    "DATUM_SHIFT_FORMAT",
    "DatumShift",
    "apply_datum_shift",
    "cgcs2000_counterpart",
    "crs_towgs84",
    "helmert_pipeline",
    "legacy_datum",
    "legacy_ellipsoid",
    "legacy_refusal",
    "legacy_source",
    "refuse_mixed_datums",
]

_LEGACY_DATUMS = {
    "Xian 1980": "Xian 1980 (西安80)",
    "Beijing 1954": "Beijing 1954 (北京54)",
    "New Beijing": "New Beijing (新北京54)",
}
"""Legacy datums by (part of) their name. New Beijing (EPSG:4555, its Gauss-Kruger CRSs
EPSG:4568-4589, 4652-4656, 4766-4800, 4812, 4822) holds Xian 1980's adjustment put back on
Beijing 1954's Krassowsky ellipsoid: neither of them, nor CGCS2000."""

_LEGACY_ELLIPSOIDS = {
    (6378140.0, 298.257): "Xian 1980",  # IAG 1975 (PROJ's IAU76): Xian 1980's
    (6378245.0, 298.3): "Beijing 1954",  # Krassowsky 1940: Beijing 1954's
}
"""An unnamed datum on one of these ellipsoids (semi-major axis in metres, inverse
flattening) is taken for the legacy datum built on it: how MapGIS-era data and PROJ
strings (``+ellps=IAU76``, ``+ellps=krass``) carry Xian 1980 and Beijing 1954."""

_UNNAMED_DATUMS = ("", "unknown", "unnamed", "notspecified", "undefined")


def _own_crs(crs: CRS) -> CRS:
    """The CRS the coordinates are in: a bound CRS's own, its ``+towgs84`` set apart."""
    return crs.source_crs if crs.is_bound and crs.source_crs is not None else crs


def _compact(name: str) -> str:
    """A name in lower-case letters and digits only (``D_IAG_1975`` → ``diag1975``)."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


def _unnamed(datum: str, ellipsoid: str) -> bool:
    """Whether a datum has no name of its own: unknown, not specified, or its ellipsoid's.

    PROJ names the datum of ``+ellps=IAU76`` "Unknown based on IAU 1976 ellipsoid", of an
    ESRI ``D_Krasovsky_1940`` "Not specified (based on Krassowsky 1940 ellipsoid)"; an
    ESRI datum may also be named after its ellipsoid (``D_IAG_1975``).
    """
    name = _compact(datum.removeprefix("D_"))
    return (
        name in _UNNAMED_DATUMS
        or name.startswith(("unknownbasedon", "notspecifiedbasedon"))
        or name == _compact(ellipsoid)
    )


def _datum_of_ellipsoid(crs: CRS) -> str | None:
    """The legacy datum an unnamed datum is taken for by its ellipsoid, else None."""
    geodetic, ellipsoid = crs.geodetic_crs, crs.ellipsoid
    if geodetic is None or ellipsoid is None or not _unnamed(geodetic.datum.name, ellipsoid.name):
        return None
    for (a, rf), datum in _LEGACY_ELLIPSOIDS.items():
        if (
            abs(ellipsoid.semi_major_metre - a) < 0.01
            and abs(ellipsoid.inverse_flattening - rf) < 1e-6
        ):
            return datum
    return None


def legacy_ellipsoid(crs: CRS) -> str | None:
    """The name of the ellipsoid a CRS is told to be in a legacy datum by, else None.

    Only a CRS whose datum has no name of its own is told by its ellipsoid: a
    named datum on Krassowsky 1940 (Pulkovo 1942) is not Beijing 1954.

    Examples
    --------
    >>> legacy_ellipsoid(CRS.from_proj4("+proj=longlat +ellps=IAU76"))
    'IAU 1976'
    >>> legacy_ellipsoid(CRS.from_epsg(4284)) is None  # Pulkovo 1942, named
    True
    >>> legacy_ellipsoid(CRS.from_epsg(2359)) is None  # named Xian 1980
    True
    """
    return None if _datum_of_ellipsoid(crs) is None else crs.ellipsoid.name


@per_crs
def legacy_datum(crs: CRS) -> str | None:
    """Return the name of a legacy Chinese datum (Xian 1980, Beijing 1954, New Beijing), else None.

    PROJ can only shift these to CGCS2000 by a "ballpark" null offset, so data
    in them must be transformed with user-supplied parameters (:class:`DatumShift`).
    A datum is known by its name, or, when it has none of its own (a PROJ string,
    an ESRI datum named after its ellipsoid), by its ellipsoid: IAG 1975 (PROJ's
    IAU76) is Xian 1980's, Krassowsky 1940 Beijing 1954's
    (:func:`legacy_ellipsoid`). The CGCS2000 and WGS 84 ellipsoids are neither.

    Examples
    --------
    >>> legacy_datum(CRS.from_epsg(2360))
    'Xian 1980 (西安80)'
    >>> legacy_datum(CRS.from_epsg(4771))
    'New Beijing (新北京54)'
    >>> legacy_datum(CRS.from_epsg(4523)) is None
    True
    >>> legacy_datum(CRS.from_proj4("+proj=tmerc +lon_0=105 +x_0=35500000 +ellps=krass"))
    'Beijing 1954 (北京54)'
    """
    geodetic = crs.geodetic_crs
    name = geodetic.datum.name if geodetic is not None else ""
    for key, label in _LEGACY_DATUMS.items():
        if key.lower() in name.lower():
            return label
    by_ellipsoid = _datum_of_ellipsoid(crs)
    return None if by_ellipsoid is None else _LEGACY_DATUMS[by_ellipsoid]


def cgcs2000_counterpart(crs: CRS) -> CRS | None:
    """The CGCS2000 CRS with the same projection as a legacy-datum CRS (:func:`legacy_datum`).

    A Gauss-Kruger zone's is the CGCS2000 CRS of the same zone and easting
    convention, longitude/latitude's EPSG:4490; another Transverse Mercator
    projection (a ``.prj`` or PROJ string without an EPSG code) keeps its
    projection on CGCS2000. Returns None for a CRS in no legacy datum, or in a
    legacy datum but another projection.

    Examples
    --------
    >>> cgcs2000_counterpart(CRS.from_epsg(2359)).to_epsg()
    4523
    >>> cgcs2000_counterpart(CRS.from_epsg(4214)).to_epsg()
    4490
    >>> cgcs2000_counterpart(CRS.from_epsg(4584)).to_epsg()  # New Beijing, CM 105E
    4507
    >>> cgcs2000_counterpart(CRS.from_epsg(4523)) is None
    True
    >>> custom = CRS.from_proj4("+proj=tmerc +lon_0=105 +x_0=35500000 +ellps=IAU76")
    >>> cgcs2000_counterpart(custom).geodetic_crs.to_epsg()
    4490
    """
    if legacy_datum(crs) is None:
        return None
    crs = _own_crs(crs)
    family = gk_family(crs)
    if family is not None:
        return gk_family_crs("cgcs2000", family.zone, prefixed=family.prefixed)
    if crs.is_geographic:
        return CRS.from_epsg(CGCS2000_GEOGRAPHIC)
    operation = crs.coordinate_operation if crs.is_projected else None
    if operation is None or "transverse mercator" not in operation.method_name.lower():
        return None
    return ProjectedCRS(
        conversion=operation,
        geodetic_crs=CRS.from_epsg(CGCS2000_GEOGRAPHIC),
        name=f"CGCS2000 / {operation.name}",
    )


DATUM_SHIFT_FORMAT = (
    "dx,dy,dz,rx,ry,rz,s (metres ×3, arc-seconds ×3, ppm; Bursa-Wolf, position-vector convention)"
)
"""How the 7 parameters are written, for messages and help texts."""

_NAMES = ("dx", "dy", "dz", "rx", "ry", "rz", "s")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


@dataclass(frozen=True)
class DatumShift:
    """Seven Helmert parameters from a legacy datum to CGCS2000.

    Attributes
    ----------
    dx, dy, dz : float
        Translations in metres.
    rx, ry, rz : float
        Rotations in arc-seconds (position-vector convention).
    s : float
        Scale difference in ppm.

    Examples
    --------
    >>> shift = DatumShift.parse("-15.8, 102.4, 48.3, 0.35, -1.12, 2.41, 3.6")
    >>> shift.rz, shift.describe()
    (2.41, 'dx=-15.8, dy=102.4, dz=48.3, rx=0.35, ry=-1.12, rz=2.41, s=3.6')
    """

    dx: float
    dy: float
    dz: float
    rx: float
    ry: float
    rz: float
    s: float

    @classmethod
    def parse(cls, value: Any) -> DatumShift:
        """Parse ``"dx,dy,dz,rx,ry,rz,s"`` (commas, semicolons or spaces) or a sequence.

        Raises
        ------
        InputDataError
            Not 7 finite numbers, or all zero (a null shift is what PROJ's
            ballpark does; landcheck does not pretend it is a transformation).
        """
        if isinstance(value, DatumShift):
            return value
        if isinstance(value, str):
            items = [i for i in re.split(r"[,，;；\s]+", value.strip()) if i]
        else:
            items = [str(v).strip() for v in value]
        if len(items) != 7 or not all(_NUMBER.fullmatch(i) for i in items):
            raise InputDataError(
                f"datum shift {value!r} must be 7 numbers {DATUM_SHIFT_FORMAT}, e.g. "
                '--datum-shift "-15.8,102.4,48.3,0.35,-1.12,2.41,3.6"'
            )
        numbers = [float(i) for i in items]
        if not all(math.isfinite(n) for n in numbers):
            raise InputDataError(f"datum shift {value!r} holds a number too large")
        if not any(numbers):
            raise InputDataError(
                "datum shift parameters are all zero: that is PROJ's ballpark null shift, not "
                "a transformation; give the 7 parameters your surveying authority publishes"
            )
        return cls(*numbers)

    def as_tuple(self) -> tuple[float, ...]:
        """The parameters in the order dx, dy, dz, rx, ry, rz, s."""
        return (self.dx, self.dy, self.dz, self.rx, self.ry, self.rz, self.s)

    def describe(self) -> str:
        """``dx=…, dy=…, …`` with the values as given."""
        return ", ".join(f"{n}={v:g}" for n, v in zip(_NAMES, self.as_tuple(), strict=True))

    def to_dict(self) -> dict[str, float]:
        """The parameters by name, for findings.json."""
        return dict(zip(_NAMES, self.as_tuple(), strict=True))


_TOWGS84_METHODS = ("position vector", "coordinate frame", "geocentric translations")
_TOWGS84_TARGETS = ("World Geodetic System 1984", "China 2000")
_HELMERT_CODES = ("8605", "8606", "8607", "8608", "8609", "8610", "8611")
"""EPSG codes of the parameters dx, dy, dz, rx, ry, rz and s, in that order."""

_ARC_SECOND = math.pi / 648_000
"""An arc-second in radians."""


def crs_towgs84(crs: CRS) -> DatumShift | None:
    """The parameters a CRS carries to WGS 84 (``+towgs84``, ``TOWGS84[…]``), else None.

    In landcheck's convention (m, arc-seconds, ppm, position vector): rotations
    of the coordinate-frame convention are negated, 3 translations get zero
    rotations and scale. WGS 84 is taken for CGCS2000, as ``+towgs84`` always is.
    None also for parameters all zero: PROJ's null shift, not a transformation.

    Raises
    ------
    AnalysisCRSError
        The CRS carries a transformation that is not 3 or 7 Helmert parameters
        to WGS 84 or CGCS2000.

    Examples
    --------
    >>> crs_towgs84(CRS.from_proj4("+proj=longlat +ellps=krass +towgs84=15.8,-154.4,-82.3"))
    DatumShift(dx=15.8, dy=-154.4, dz=-82.3, rx=0.0, ry=0.0, rz=0.0, s=0.0)
    >>> crs_towgs84(CRS.from_proj4("+proj=longlat +ellps=krass +towgs84=0,0,0")) is None
    True
    >>> crs_towgs84(CRS.from_epsg(2359)) is None
    True
    """
    if not crs.is_bound:
        return None
    operation, target = crs.coordinate_operation, crs.target_crs
    method = operation.method_name.lower() if operation is not None else ""
    datum = target.datum.name if target is not None and target.datum is not None else ""
    if not method.startswith(_TOWGS84_METHODS) or not datum.startswith(_TOWGS84_TARGETS):
        raise AnalysisCRSError(
            f"{crs_label(crs)} ({crs.name}) carries a transformation landcheck does not read "
            f"({method or 'none'} to {datum or 'an unknown datum'}); give the CRS without it "
            "(its .prj or PROJ string without TOWGS84 / +towgs84) and the 7 parameters with "
            "--datum-shift, or transform the data to CGCS2000 first"
        )
    values = {p.code: p.value * p.unit_conversion_factor for p in operation.params}
    dx, dy, dz, rx, ry, rz, scale = (values.get(code, 0.0) for code in _HELMERT_CODES)
    sign = -1.0 if method.startswith("coordinate frame") else 1.0
    rotations = (sign * r / _ARC_SECOND for r in (rx, ry, rz))
    numbers = (dx, dy, dz, *rotations, scale * 1e6)
    return DatumShift(*numbers) if any(numbers) else None


def _same_parameters(first: DatumShift, second: DatumShift) -> bool:
    """Whether two sets of parameters are one (to 1e-9 of their units: read from degrees)."""
    pairs = zip(first.as_tuple(), second.as_tuple(), strict=True)
    return all(math.isclose(a, b, abs_tol=1e-9) for a, b in pairs)


def _ellipsoid(crs: CRS) -> str:
    ellipsoid = crs.ellipsoid
    if ellipsoid is None:
        raise AnalysisCRSError(f"{crs_label(crs)} has no ellipsoid; cannot shift its datum")
    return f"+a={ellipsoid.semi_major_metre!r} +rf={ellipsoid.inverse_flattening!r}"


def _tmerc(crs: CRS) -> str:
    """The Transverse Mercator projection step of a projected CRS (without ellipsoid)."""
    operation = crs.coordinate_operation
    method = operation.method_name.lower() if operation is not None else ""
    if operation is None or "transverse mercator" not in method:
        raise AnalysisCRSError(
            f"{crs_label(crs)} ({crs.name}) is not a Gauss-Kruger (Transverse Mercator) "
            "projection; landcheck applies --datum-shift to Gauss-Kruger or longitude/latitude "
            "legacy-datum data only: convert the data to CGCS2000 first"
        )
    params = {p.name.lower(): p.value for p in operation.params}
    return (
        f"+proj=tmerc +lat_0={params.get('latitude of natural origin', 0.0)!r} "
        f"+lon_0={params['longitude of natural origin']!r} "
        f"+k={params.get('scale factor at natural origin', 1.0)!r} "
        f"+x_0={params.get('false easting', 0.0)!r} +y_0={params.get('false northing', 0.0)!r}"
    )


def _target_crs(source: CRS) -> CRS:
    target = cgcs2000_counterpart(source)
    if target is not None:
        return target
    if source.is_projected:
        _tmerc(source)  # refuses other projections, saying why
    raise AnalysisCRSError(
        f"{crs_label(source)} ({source.name}) cannot be shifted to CGCS2000 by landcheck"
    )


def helmert_pipeline(source: CRS, shift: DatumShift) -> tuple[str, CRS]:
    """The PROJ pipeline from a legacy CRS to its CGCS2000 counterpart.

    Coordinates go in and out in x = easting/longitude, y = northing/latitude
    order. For a projected source: inverse projection on the legacy
    ellipsoid, geocentric, Helmert (position vector), geocentric on CGCS2000,
    the same projection on the CGCS2000 ellipsoid. Heights are taken as 0.

    Parameters
    ----------
    source : CRS
        A legacy-datum CRS (Xian 1980, Beijing 1954, New Beijing) (Gauss-Kruger or geographic).
    shift : DatumShift
        The 7 parameters.

    Returns
    -------
    tuple of (str, CRS)
        The pipeline and the CGCS2000 CRS the coordinates end in.

    Examples
    --------
    >>> pipeline, target = helmert_pipeline(CRS.from_epsg(2359), DatumShift(1, 2, 3, 0, 0, 0, 0))
    >>> target.to_epsg(), "+convention=position_vector" in pipeline
    (4523, True)
    """
    source = _own_crs(source)
    target = _target_crs(source)
    src_ell, dst_ell = _ellipsoid(source), _ellipsoid(target)
    dx, dy, dz, rx, ry, rz, s = shift.as_tuple()
    helmert = (
        f"+step +proj=helmert +x={dx!r} +y={dy!r} +z={dz!r} +rx={rx!r} +ry={ry!r} "
        f"+rz={rz!r} +s={s!r} +convention=position_vector"
    )
    if source.is_geographic:
        first = "+step +proj=unitconvert +xy_in=deg +xy_out=rad"
        last = "+step +proj=unitconvert +xy_in=rad +xy_out=deg"
    else:
        first = f"+step +inv {_tmerc(source)} {src_ell}"
        last = f"+step {_tmerc(target)} {dst_ell}"
    steps = (
        "+proj=pipeline",
        first,
        f"+step +proj=cart {src_ell}",
        helmert,
        f"+step +inv +proj=cart {dst_ell}",
        last,
    )
    return " ".join(steps), target


def legacy_source(crs: CRS) -> str:
    """A legacy CRS as messages name it: its label, and the ellipsoid it was told by.

    Examples
    --------
    >>> legacy_source(CRS.from_epsg(2359))
    'EPSG:2359'
    >>> named = legacy_source(CRS.from_proj4("+proj=tmerc +lon_0=105 +x_0=35500000 +ellps=IAU76"))
    >>> named.split(" +k=")[0]
    '+proj=tmerc +lat_0=0 +lon_0=105'
    >>> named.split(": ")[1]
    'no datum named, taken for Xian 1980 (西安80) by its IAU 1976 ellipsoid'
    """
    ellipsoid = legacy_ellipsoid(crs)
    if ellipsoid is None:
        return crs_label(crs)
    return (
        f"{crs_label(crs)}: no datum named, taken for {legacy_datum(crs)} by its {ellipsoid} "
        "ellipsoid"
    )


def legacy_refusal(crs: CRS, what: str) -> AnalysisCRSError:
    """The error for legacy-datum data without transformation parameters."""
    datum = legacy_datum(crs)
    own = crs_towgs84(crs)
    if own is not None:
        return AnalysisCRSError(
            f"{what} is in {datum} ({legacy_source(crs)}), and its CRS carries its own "
            f"transformation to WGS 84 (+towgs84: {own.describe()}), which landcheck does not "
            "take on trust: GIS software writes regional or generic ones into CRSs. "
            "If these are your surveying authority's, give the same with --datum-shift "
            f"{DATUM_SHIFT_FORMAT} (datum_shift= in Python); if not, remove the +towgs84 "
            "(TOWGS84) from the CRS and give theirs, or transform the data to CGCS2000 first"
        )
    return AnalysisCRSError(
        f"{what} is in {datum} ({legacy_source(crs)}). PROJ has no real transformation from it "
        "to CGCS2000 (only a 'ballpark' null shift), so landcheck will not guess: give the "
        f"7 parameters your surveying authority publishes with --datum-shift "
        f"{DATUM_SHIFT_FORMAT} (datum_shift= in Python), or transform the data to CGCS2000 first"
    )


def apply_datum_shift(
    frame: gpd.GeoDataFrame, shift: DatumShift | None, what: str
) -> tuple[gpd.GeoDataFrame, dict[str, Any] | None]:
    """Move a legacy-datum frame (:func:`legacy_datum`) to CGCS2000, or refuse it.

    Frames in any other datum (or without a CRS) come back unchanged with no note.

    Parameters
    ----------
    frame : GeoDataFrame
        The data, in its own CRS.
    shift : DatumShift or None
        The parameters; None refuses legacy data.
    what : str
        What the data is (``"the site file x.shp"``), for messages.

    Returns
    -------
    frame : GeoDataFrame
        A new frame in the CGCS2000 counterpart CRS (same zone and easting
        convention), or the input itself.
    note : dict or None
        ``source_crs``, ``datum`` (the legacy datum's name, as
        :func:`legacy_datum` gives it), ``target_crs``, ``method``,
        ``parameters``, ``pipeline`` and ``message`` (a sentence for the run's
        warnings).

    Raises
    ------
    AnalysisCRSError
        Legacy data without parameters, or in a projection landcheck cannot shift.

    Examples
    --------
    >>> square = shapely.box(35_500_000, 2_700_000, 35_500_100, 2_700_100)
    >>> old = gpd.GeoDataFrame(geometry=[square], crs="EPSG:2359")
    >>> new, note = apply_datum_shift(old, DatumShift(-15.8, 102.4, 48.3, 0, 0, 0, 0), "sites")
    >>> note["source_crs"], note["target_crs"]
    ('EPSG:2359', 'EPSG:4523')
    >>> round(new.geometry.area.iloc[0]) == round(square.area)
    True
    """
    crs = geometry_values(frame).crs
    if crs is None or legacy_datum(crs) is None:
        return frame, None
    if shift is None:
        raise legacy_refusal(crs, what)
    carried = _carried(crs, shift, what)
    pipeline, target = helmert_pipeline(crs, shift)
    try:
        transformer = Transformer.from_pipeline(pipeline)
    except ProjError as ex:  # pragma: no cover - the pipeline is built from valid parts
        raise AnalysisCRSError(f"{what}: cannot build the datum shift: {ex}") from ex

    def move(xy: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    geoms = shapely.transform(np.asarray(frame.geometry.values, dtype=object), move)
    absent = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    coords = shapely.get_coordinates(geoms[~absent])
    if not np.isfinite(coords).all():
        raise AnalysisCRSError(
            f"{what}: the datum shift gave no result for some coordinates; check the "
            f"coordinates and the --datum-shift parameters ({shift.describe()})"
        )
    moved = frame.copy()
    moved[frame.geometry.name] = gpd.GeoSeries(geoms, index=frame.index, crs=crs)
    moved = moved.set_crs(target, allow_override=True)
    datum = legacy_datum(crs)
    method = (
        "Helmert 7-parameter transformation (Bursa-Wolf, position-vector convention, EPSG "
        f"method 1033, geocentric) {datum} → CGCS2000 with the given parameters "
        f"({shift.describe()}; m, arc-seconds, ppm){carried}"
    )
    note = {
        "source_crs": legacy_source(crs),
        "datum": datum,
        "target_crs": crs_label(target),
        "method": method,
        "parameters": shift.to_dict(),
        "pipeline": pipeline,
        "message": (
            f"{what}: coordinates transformed from {legacy_source(crs)} to {crs_label(target)} "
            f"by {method}"
        ),
    }
    return moved, note


def _carried(crs: CRS, shift: DatumShift, what: str) -> str:
    """What the method says of the CRS's own ``+towgs84`` (nothing without one).

    Raises
    ------
    AnalysisCRSError
        The CRS's own parameters differ from ``shift``.
    """
    if not crs.is_bound:
        return ""
    own = crs_towgs84(crs)
    if own is None:
        return ", its CRS's +towgs84 of zeros (a null shift, not a transformation) set aside"
    if not _same_parameters(own, shift):
        raise AnalysisCRSError(
            f"{what} is in {legacy_datum(crs)} ({legacy_source(crs)}), and its CRS carries its "
            f"own transformation to WGS 84 (+towgs84: {own.describe()}), which differs from "
            f"the datum shift given ({shift.describe()}); landcheck will not choose between "
            "them: remove the +towgs84 (TOWGS84) from the CRS, or give the same parameters"
        )
    return ", the same as its CRS's own +towgs84"


def refuse_mixed_datums(legacy: Iterable[CRS | str | None], shift: DatumShift | None) -> None:
    """Refuse one datum shift for inputs in two legacy datums (:func:`legacy_datum`).

    Their parameters differ, so one set of 7 cannot serve both.

    Parameters
    ----------
    legacy : iterable of CRS, str or None
        The CRSs the inputs declare, or the names of the legacy datums inputs
        were shifted from (the ``datum`` of :func:`apply_datum_shift`'s note);
        CRSs in other datums and None are ignored.
    shift : DatumShift or None
        The parameters given; without them nothing is shifted and nothing refused here.

    Raises
    ------
    AnalysisCRSError
        The inputs are in both legacy datums.

    Examples
    --------
    >>> shift = DatumShift(1, 2, 3, 0, 0, 0, 0)
    >>> refuse_mixed_datums([CRS.from_epsg(2359), CRS.from_epsg(4523)], shift)
    >>> refuse_mixed_datums([CRS.from_epsg(2359), "Xian 1980 (西安80)"], shift)
    >>> refuse_mixed_datums([CRS.from_epsg(2359), CRS.from_epsg(2411)], shift)
    Traceback (most recent call last):
    ...
    landcheck.errors.AnalysisCRSError: the inputs are in Beijing 1954 (北京54) and Xian 1980 ...
    """
    if shift is None:
        return
    found = {d if isinstance(d, str) else legacy_datum(d) for d in legacy if d is not None}
    found.discard(None)
    if len(found) > 1:
        raise AnalysisCRSError(
            f"the inputs are in {' and '.join(sorted(str(d) for d in found))}: one --datum-shift "
            "cannot serve both datums (their parameters differ); transform the inputs of one "
            "datum to CGCS2000 first"
        )
