"""Hard constraints: the layers site selection must keep out of, and their buffers.

Which layers are hard is decided by their *kind* in the profile, not by their
key: the ecological protection redline (``eco_redline``) and permanent basic
farmland (``permanent_farmland``) always are. Optionally the urban
development boundary is too, the other way round: land *outside* it is
excluded (``outside_urban=True``). Any other layer (a user layer given with
``--layer KEY=PATH``, a profile layer) becomes hard when named in ``extra``.

Buffers
-------
A buffer keeps the selection ``d`` metres away from a layer. It is the
layer's union grown by ``d`` with round joins (``buffer_join="round"``, the
default: every point within ``d`` of the layer, the true distance; the
quarter circles at convex corners are drawn with :data:`QUAD_SEGS` segments
through points on the circle, so a corner's zone falls short of the true
circle by at most ``d·(1 − cos(π/(4·QUAD_SEGS)))``, 0.12 % of ``d``) or with
mitre joins (``"mitre"``: corners stay square, so the zone overshoots a
right-angled corner by up to ``d·(√2 − 1)``; conservative). For the urban
boundary, whose outside is excluded, a buffer is a setback: the usable land
is the boundary shrunk by ``d``.

Metres of a buffer are metres of the zone each feature lies in (the plane its
survey measures in, as each site's planar areas are measured in its own zone),
not of the analysis CRS: a batch whose sites span several Gauss-Kruger zones is
cut in one of them, which makes lengths 1.00114 times too long at 3° from its
meridian (24.4° N), so a 10 m buffer drawn there was 9.989 m in the feature's own
zone. :func:`grow_in_own_zone` draws each feature's buffer ``d · k`` long in the
analysis plane, ``k`` the ratio of lengths there to lengths in its own zone at
its centre (:func:`~landcheck.crs.measuring.zone_scale`; one ratio per place, as
both projections are conformal), and unions the grown features: for ``d`` > 0
the union of grown features is the grown union. A setback shrinks each polygon
of the boundary's union by its own ratio (the erosion of disjoint polygons is
that of their union). Where every ratio is 1 (the features in the analysis
zone, the usual case) the union is grown at once, as :func:`grow` does. A
feature's ratio is taken at its centre: across a feature 10 km wide within 6°
of the analysis CRS's meridian it varies by less than 10⁻⁴ (under 1 mm of a 10 m
buffer).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS

from landcheck.crs.measuring import zone_scale
from landcheck.errors import DataSourceError, InputDataError
from landcheck.io import InputRecord, LayerSource
from landcheck.messages import warn
from landcheck.polygonal import polygonal_part
from landcheck.profile import Profile, Text
from landcheck.run import Run

__all__ = [
    "BUFFER_JOINS",
    "DEFAULT_KEY",
    "HARD_KINDS",
    "METRIC_NAMES",
    "QUAD_SEGS",
    "Constraint",
    "LoadedConstraint",
    "grow",
    "grow_in_own_zone",
    "hard_constraints",
    "load_constraints",
    "union_polygons",
]

HARD_KINDS = ("eco_redline", "permanent_farmland")
"""Layer kinds that are always hard constraints."""

URBAN_KIND = "urban_boundary"

BUFFER_JOINS = ("round", "mitre")
"""Join styles a buffer may use (see the module notes)."""

QUAD_SEGS = 16
"""Segments per quarter circle in round buffers."""


@dataclass(frozen=True)
class Constraint:
    """One hard constraint.

    Attributes
    ----------
    key : str
        The layer key.
    kind : str
        The layer kind.
    title : Text
        The layer's name for reports.
    buffer_m : float
        Distance to keep from the layer (metres; a setback inside it when
        ``outside`` is True).
    outside : bool
        True when the land *outside* the layer is excluded (urban boundary).
    """

    key: str
    kind: str
    title: Text
    buffer_m: float = 0.0
    outside: bool = False

    def describe(self, lang: str = "en") -> str:
        """One phrase: what is excluded.

        Examples
        --------
        >>> Constraint("farmland", "permanent_farmland", Text("永久基本农田", "farmland"),
        ...            10.0).describe()
        'farmland (farmland) and 10 m around it'
        """
        name = self.title.get(lang)
        if lang == "zh":
            if self.outside:
                return f"{name}（{self.key}）以外" + (
                    f"及边界内 {self.buffer_m:g} 米退让带" if self.buffer_m else ""
                )
            around = f"及其周边 {self.buffer_m:g} 米" if self.buffer_m else ""
            return f"{name}（{self.key}）{around}"
        if self.outside:
            return f"outside {name} ({self.key})" + (
                f" and a {self.buffer_m:g} m setback inside it" if self.buffer_m else ""
            )
        around = f" and {self.buffer_m:g} m around it" if self.buffer_m else ""
        return f"{name} ({self.key}){around}"

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {
            "key": self.key,
            "kind": self.kind,
            "title": self.title.to_dict(),
            "buffer_m": float(self.buffer_m),
            "outside": self.outside,
        }


DEFAULT_KEY = "*"
"""In a buffer mapping, the distance for every constraint not named (but the urban boundary)."""


def _buffer_for(buffers: float | Mapping[str, float] | None, key: str, outside: bool) -> float:
    if buffers is None:
        return 0.0
    if isinstance(buffers, Mapping):
        if key in buffers:
            return float(buffers[key])
        return 0.0 if outside else float(buffers.get(DEFAULT_KEY, 0.0))
    return 0.0 if outside else float(buffers)


LAND_USE_FIGURES = (
    "cultivated",
    "paddy",
    "unsplit_cultivated",
    "paddy_at_most",
    "conversion",
    "construction",
    "unused",
)
"""The sites' measures read from the land-use layer (``<name>_ha``)."""

METRIC_NAMES = ("area", *LAND_USE_FIGURES, "inside_urban", "outside_urban")
"""The sites' own measures a comparison lists as ``<name>_ha``: no constraint takes their names
(a layer keyed ``paddy`` overwrote the paddy field column, and the ranking lost its overlap)."""


def hard_constraints(
    profile: Profile,
    *,
    buffers: float | Mapping[str, float] | None = None,
    outside_urban: bool = False,
    extra: Iterable[str] = (),
) -> tuple[Constraint, ...]:
    """List the hard constraints of a profile, with their buffers.

    Parameters
    ----------
    profile : Profile
        The profile (with any user layers added).
    buffers : float or mapping, optional
        One distance in metres for every constraint except the urban
        boundary, or layer key → distance (the urban boundary's is a
        setback); in a mapping, key ``"*"`` gives the distance of every
        constraint not named (but the urban boundary).
    outside_urban : bool
        Also exclude the land outside the urban development boundary.
    extra : iterable of str
        More layer keys to treat as hard (user layers, other profile layers).

    Returns
    -------
    tuple of Constraint
        In profile order, the extra ones after.

    Raises
    ------
    InputDataError
        An unknown layer key, one named as a site's own measure
        (:data:`METRIC_NAMES`), a negative or non-finite buffer, or a buffer
        for a layer that is not a constraint.

    Examples
    --------
    >>> from landcheck.io.profiles import load_profile
    >>> [(c.key, c.buffer_m) for c in hard_constraints(load_profile(), buffers={"farmland": 5})]
    [('farmland', 5.0), ('eco_redline', 0.0)]
    """
    extra = list(dict.fromkeys(extra))
    unknown = [k for k in extra if k not in profile.layers]
    if unknown:
        raise InputDataError(
            f"no layer {', '.join(map(repr, unknown))} to use as a constraint; give a layer of "
            "your own with --layer +KEY=PATH (or layers={'+KEY': ...}), or use a layer key: "
            + ", ".join(profile.layers)
        )
    chosen: list[Constraint] = []
    for key, spec in profile.layers.items():
        outside = spec.kind == URBAN_KIND and outside_urban and key not in extra
        if spec.kind in HARD_KINDS or outside or key in extra:
            buffer_m = _buffer_for(buffers, key, outside)
            chosen.append(Constraint(key, spec.kind, spec.title, buffer_m, outside))
    taken = [c.key for c in chosen if c.key in METRIC_NAMES]
    if taken:
        raise InputDataError(
            f"a constraint cannot be keyed {', '.join(map(repr, taken))}: its <key>_ha column "
            "would be one of the sites' own measures ("
            + ", ".join(f"{name}_ha" for name in METRIC_NAMES)
            + "); give the layer another key (--layer +KEY=PATH, or in the profile)"
        )
    if outside_urban and not any(c.outside for c in chosen):
        raise InputDataError(
            "outside_urban was asked for but the profile has no urban_boundary layer"
        )
    keys = {c.key for c in chosen}
    if isinstance(buffers, Mapping):
        stray = [k for k in buffers if k not in keys and k != DEFAULT_KEY]
        if stray:
            raise InputDataError(
                f"buffer given for {', '.join(map(repr, stray))}, which is not a constraint "
                f"here; constraints: {', '.join(sorted(keys))}"
            )
    for c in chosen:
        if not np.isfinite(c.buffer_m) or c.buffer_m < 0:
            raise InputDataError(
                f"buffer for {c.key!r} must be a distance in metres ≥ 0, got {c.buffer_m!r}"
            )
    return tuple(chosen)


def union_polygons(geoms: Any) -> shapely.Geometry:
    """Union polygons that may overlap, as one (Multi)Polygon (empty when none).

    Uses GEOS's disjoint-subset union: polygons are grouped into clusters that
    touch, and each cluster is unioned on its own (much faster than one
    cascaded union over a layer of scattered parcels).

    Examples
    --------
    >>> union_polygons([shapely.box(0, 0, 2, 1), shapely.box(1, 0, 3, 1)]).area
    3.0
    >>> union_polygons([]).is_empty
    True
    """
    geoms = np.asarray(geoms, dtype=object)
    if len(geoms):
        geoms = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    if not len(geoms):
        return shapely.MultiPolygon()
    if len(geoms) == 1:
        return geoms[0]
    merged = shapely.disjoint_subset_union_all(geoms)
    return polygonal_part([merged])[0]


def grow(geometry: shapely.Geometry, distance: float, join: str = "round") -> shapely.Geometry:
    """Grow (``distance`` > 0) or shrink (< 0) polygons with the given join style.

    Examples
    --------
    >>> grow(shapely.box(0, 0, 10, 10), 1.0, "mitre").area
    144.0
    >>> grow(shapely.box(0, 0, 10, 10), -1.0, "mitre").area
    64.0
    """
    _check_join(join)
    if distance == 0 or geometry.is_empty:
        return geometry
    return _buffered(np.array([geometry]), np.array([distance]), join)[0]


def _check_join(join: str) -> None:
    if join not in BUFFER_JOINS:
        raise InputDataError(f"unknown buffer join {join!r}; use one of {', '.join(BUFFER_JOINS)}")


def _buffered(geometries: np.ndarray, distances: np.ndarray, join: str) -> np.ndarray:
    grown = shapely.buffer(
        geometries, distances, quad_segs=QUAD_SEGS, join_style=join, mitre_limit=10.0
    )
    return polygonal_part(grown)


def grow_in_own_zone(geometries: Any, distance: float, join: str, crs: CRS) -> shapely.Geometry:
    """The union of polygons grown (``distance`` > 0) or shrunk (< 0) by metres of their zone.

    Each feature (for a setback, each polygon of the union) is buffered by
    ``distance`` times its :func:`~landcheck.crs.measuring.zone_scale`, so
    that the distance is metres of the zone it lies in whatever zone ``crs``
    is (see the module notes); where every scale is 1 this is
    ``grow(union_polygons(geometries), distance, join)``.

    Parameters
    ----------
    geometries : array-like of shapely geometries
        The features, in ``crs`` (their non-polygonal parts are ignored).
    distance : float
        Metres; negative to shrink.
    join : {"round", "mitre"}
        Buffer join style.
    crs : CRS
        The CRS of the geometries (the analysis CRS).

    Returns
    -------
    Polygon or MultiPolygon

    Examples
    --------
    A square at 105°E, 24.4°N, cut in zone 34 (central meridian 102°E), grown by
    10 m of its own zone 35 with mitre joins: 10.011 m of zone 34 on each side.

    >>> from pyproj import Transformer
    >>> zone34 = CRS.from_epsg(4543)
    >>> x, y = Transformer.from_crs(4490, zone34, always_xy=True).transform(105.0, 24.4)
    >>> square = shapely.box(x, y, x + 100, y + 100)
    >>> grown = grow_in_own_zone([square], 10.0, "mitre", zone34)
    >>> round(grown.bounds[2] - grown.bounds[0], 3)
    120.023
    """
    _check_join(join)
    polygons = polygonal_part(np.asarray(geometries, dtype=object))
    union = union_polygons(polygons)
    if distance == 0 or union.is_empty:
        return union
    pieces = polygons if distance > 0 else shapely.get_parts(union)
    scale = zone_scale(crs, pieces)
    if np.all(scale == 1.0):
        return grow(union, distance, join)
    return union_polygons(_buffered(pieces, distance * scale, join))


@dataclass
class LoadedConstraint:
    """A constraint with its features near the work area and its zone.

    Attributes
    ----------
    constraint : Constraint
    available : bool
        False when the layer has no source or could not be read (then
        ``reason`` says why and nothing is excluded for it: the result says so).
    features : GeoDataFrame or None
        The layer's features read near the work area (analysis CRS).
    zone : shapely geometry or None
        For an ordinary constraint the excluded zone (features' union grown
        by the buffer); for an ``outside`` one the usable zone (the layer's
        union shrunk by the setback).
    record : InputRecord
        Provenance of the read.
    """

    constraint: Constraint
    available: bool
    features: gpd.GeoDataFrame | None = None
    zone: shapely.Geometry | None = None
    record: InputRecord | None = None
    reason: str = ""

    def excluded_from(self, geometry: shapely.Geometry) -> shapely.Geometry:
        """The part of ``geometry`` this constraint excludes (empty when unavailable)."""
        if not self.available or self.zone is None or geometry.is_empty:
            return shapely.Polygon()
        if self.constraint.outside:
            part = shapely.difference(geometry, self.zone)
        else:
            part = shapely.intersection(geometry, self.zone)
        return polygonal_part([part])[0]


def load_constraints(
    run: Run,
    constraints: Iterable[Constraint],
    near: gpd.GeoSeries,
    *,
    join: str = "round",
    search_m: float = 0.0,
) -> list[LoadedConstraint]:
    """Read each constraint's features near ``near`` and build its zone.

    A constraint that cannot be used (no source, unreadable) is said with
    :func:`landcheck.messages.warn` — the result is NOT checked against it
    (fail closed: the result reports it) — as are the layers' own read notes.

    Parameters
    ----------
    run : Run
        The run: its profile (the layers' fields), sources and analysis CRS.
    constraints : iterable of Constraint
    near : GeoSeries
        The work area in the analysis CRS.
    join : {"round", "mitre"}
        Buffer join style.
    search_m : float
        Also read features this far away (for distances; metres of the zone each place
        lies in, as far as ``search_m`` times the largest zone scale in the plane).

    Returns
    -------
    list of LoadedConstraint
    """
    loaded = []
    reach = float(zone_scale(run.crs, np.asarray(near.values, dtype=object)).max(initial=1.0))
    for c in constraints:
        spec = run.profile.layers[c.key]
        source = run.sources.get(c.key)
        if source is None:
            reason = "no source given"
            warn(
                f"constraint {c.key!r} has no source, so the result is NOT checked against "
                f"{c.title.en}; give it with --layer {c.key}=PATH (or layers={{{c.key!r}: ...}})"
            )
            loaded.append(LoadedConstraint(c, False, reason=reason))
            continue
        margin = max(1.0, c.buffer_m * reach + 1.0, search_m * reach)
        try:
            layer = run.read_layer(spec, near, margin)
        except (DataSourceError, InputDataError) as ex:
            warn(
                f"constraint {c.key!r} could not be read, so the result is NOT checked against "
                f"{c.title.en}: {ex}"
            )
            record = InputRecord(
                role="layer",
                key=c.key,
                status="unreadable",
                detail=str(ex),
                path=source.path if isinstance(source, LayerSource) else None,
            )
            loaded.append(LoadedConstraint(c, False, record=record, reason=str(ex)))
            continue
        features = layer.features
        distance = -c.buffer_m if c.outside else c.buffer_m
        zone = grow_in_own_zone(features.geometry.values, distance, join, run.crs)
        loaded.append(LoadedConstraint(c, True, features, zone, layer.record))
    return loaded
