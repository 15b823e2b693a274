"""Buildable land: the parts of an area of interest free of the hard constraints.

:func:`buildable` removes from the area of interest every hard constraint
(ecological redline, permanent farmland; optionally the land outside the
urban development boundary and user layers), each grown by its buffer; then
removes what is narrower than the minimum width (a morphological opening,
see :mod:`landcheck.select.shapes`) and the patches smaller than the minimum
area. Each remaining patch is pre-examined on the area's run
(:func:`landcheck.evaluate`), so its land classes (cultivated land, land to
convert…) and status are exactly what a site drawn on it would get, and
measured for its distance to the urban development boundary, to roads and to
the nearest hard constraint.

Land that a hard layer does not describe (beyond the county its data covers,
outside the land-use survey: :mod:`landcheck.coverage`) is not buildable land
free of it: it is cut out too and reported apart (``undescribed``), with a
warning.

Areas are planar (analysis CRS) and ellipsoidal; thresholds and hectares use
the run's area method. The buffer joins are described in
:mod:`landcheck.select.constraints`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from landcheck._version import __version__
from landcheck.crs import crs_label
from landcheck.errors import DataSourceError, InputDataError
from landcheck.evaluation import evaluate
from landcheck.inputs import LayerInput
from landcheck.messages import collecting, warn
from landcheck.overlay import nearest_features
from landcheck.polygonal import polygonal_part
from landcheck.profile import Profile
from landcheck.result import CheckResult
from landcheck.run import Run, prepare
from landcheck.select._common import (
    PolygonInput,
    aoi_union,
    area_by_method,
    check_limits,
    check_one_type,
    load_lines,
    made_area,
    made_areas,
    project_class_key,
    require_true_lengths,
    sites_frame,
    undescribed,
    undescribed_frame,
    warn_undescribed_area,
)
from landcheck.select._display import (
    LAYER_STYLE,
    finish,
    html_block,
    json_safe,
    label,
    legend,
    new_axes,
    plot_layer,
)
from landcheck.select.constraints import (
    Constraint,
    LoadedConstraint,
    hard_constraints,
    load_constraints,
    union_polygons,
)
from landcheck.select.metrics import (
    first_layer_of_kind,
    nearest_hard,
    plane_reach,
    site_metrics,
)
from landcheck.select.shapes import open_by_width, split_parts
from landcheck.units import Area

__all__ = [
    "BUILDABLE_SCHEMA",
    "CRUMB_WIDTH_M",
    "SMALLER_THAN",
    "BuildableResult",
    "Carved",
    "buildable",
    "carve",
]

BUILDABLE_SCHEMA = "landcheck/buildable@1"


SMALLER_THAN = "smaller than"
"""How :attr:`Carved.removed` names a part removed for its area (wide enough, too small)."""

CRUMB_WIDTH_M = 1e-3
"""Removed pieces thinner than this on average (2 × area / perimeter, metres) are not listed.

The opening of a polygon whose edges are not straight in the plane (given in degrees, or
opened part by part in another zone's scale) grows back edges that differ from the input's by
about 10⁻⁶ m, and clipping leaves hundreds of such crumbs (329, 6·10⁻⁶ m² in all, for two
dumbbells at 100.6°E and 105°E): floating-point residue, not land. A real piece narrower than a
millimetre is not land a reviewer would weigh either.
"""


@dataclass
class Carved:
    """The geometry of buildable land, before classification.

    Attributes
    ----------
    aoi : shapely geometry
        The area of interest.
    excluded : list of (LoadedConstraint, geometry)
        What each constraint excludes from the area (they may overlap).
    free : shapely geometry
        The area minus every constraint.
    patches : numpy.ndarray of Polygon
        The buildable patches, largest first.
    removed : list of (geometry, reason)
        Land free of constraints but too narrow or too small (pieces thinner than
        :data:`CRUMB_WIDTH_M`, floating-point residue, left out).
    undescribed : list of geometry
        For each land the layers do not describe that was given, the part of it
        outside every constraint: not free, not a patch (they may overlap).
    """

    aoi: shapely.Geometry
    excluded: list[tuple[LoadedConstraint, shapely.Geometry]]
    free: shapely.Geometry
    patches: np.ndarray
    removed: list[tuple[shapely.Geometry, str]]
    undescribed: list[shapely.Geometry] = field(default_factory=list)


def carve(
    aoi: shapely.Geometry,
    loaded: list[LoadedConstraint],
    crs: CRS,
    area: Callable[[np.ndarray], np.ndarray],
    *,
    min_width_m: float = 0.0,
    min_area_m2: float = 0.0,
    undescribed: Sequence[shapely.Geometry] = (),
) -> Carved:
    """Cut the constraints out of an area, then apply the minimum width and area.

    Pure geometry (no reading): :func:`buildable` and the search call it.

    Parameters
    ----------
    aoi : Polygon or MultiPolygon
        The area of interest in the analysis CRS.
    loaded : list of LoadedConstraint
        The constraints with their zones.
    crs : CRS
        The analysis CRS: the minimum width is metres of the zone each part
        lies in (:func:`~landcheck.select.shapes.open_by_width`).
    area : callable
        The area (m²) by the run's area method of each of an array of parts
        (:func:`~landcheck.select._common.area_by_method`), which the minimum
        area is compared with and the patches are ordered by.
    min_width_m : float
        Remove parts narrower than this (metres).
    min_area_m2 : float
        Remove patches smaller than this (m², by the run's area method).
    undescribed : sequence of geometry
        Land some hard layers do not describe (:func:`~landcheck.select._common.undescribed`):
        what of it no constraint excludes is cut out too, and not free.

    Returns
    -------
    Carved
    """
    excluded = [(item, item.excluded_from(aoi)) for item in loaded if item.available]
    inside = [
        item.zone
        for item in loaded
        if item.available and not item.constraint.outside and item.zone is not None
    ]
    free = aoi
    if inside:
        free = shapely.difference(free, union_polygons(inside))
    for item in loaded:
        if item.available and item.constraint.outside and item.zone is not None:
            free = shapely.intersection(free, item.zone)
    free = polygonal_part([free])[0]
    blank = [polygonal_part([shapely.intersection(free, g)])[0] for g in undescribed]
    if any(not g.is_empty for g in blank):
        free = polygonal_part([shapely.difference(free, union_polygons(blank))])[0]
    removed: list[tuple[shapely.Geometry, str]] = []
    opened = free
    if min_width_m > 0:
        opened = open_by_width(free, min_width_m, crs)
        narrow = polygonal_part([shapely.difference(free, opened)])[0]
        for part in _not_crumbs(split_parts([narrow])[0]):
            removed.append((part, f"narrower than {min_width_m:g} m"))
    parts, _ = split_parts([opened])
    if len(parts):
        driving = area(parts)
        small = driving < min_area_m2
        for part in _not_crumbs(parts[small]):
            removed.append((part, f"{SMALLER_THAN} {min_area_m2:g} m²"))
        parts, driving = parts[~small], driving[~small]
        centres = shapely.centroid(parts)
        # largest first by the run's area method, as the patches' hectares are given
        order = np.lexsort((shapely.get_y(centres), shapely.get_x(centres), -np.round(driving, 6)))
        parts = parts[order]
    return Carved(aoi, excluded, free, parts, removed, blank)


def _not_crumbs(parts: np.ndarray) -> np.ndarray:
    """The parts at least :data:`CRUMB_WIDTH_M` thick on average (2 × area / perimeter).

    Examples
    --------
    >>> from shapely import box
    >>> _not_crumbs(np.array([box(0, 0, 10, 5), box(0, 0, 10, 1e-6)])).tolist()
    [<POLYGON ((10 0, 10 5, 0 5, 0 0, 10 0))>]
    """
    if not len(parts):
        return parts
    return parts[2.0 * shapely.area(parts) >= CRUMB_WIDTH_M * shapely.length(parts)]


@dataclass
class BuildableResult:
    """Buildable land in an area of interest (the result of :func:`buildable`).

    Attributes
    ----------
    patches : GeoDataFrame
        One row per patch, largest first: ``patch_id``, ``planar_m2``,
        ``ellipsoidal_m2``, ``ha``, ``mu``, ``status`` and ``main_finding``
        (the pre-examination of the patch as a site), ``cultivated_ha``,
        ``paddy_ha``, ``conversion_ha``, ``construction_ha``, ``unused_ha``,
        ``inside_urban_ha``, ``outside_urban_ha``, ``urban``,
        ``urban_distance_m`` and ``road_distance_m`` (NaN when none within
        ``search_m``; roads only when a road layer is given),
        ``nearest_hard_m`` and ``nearest_hard_layer``, and ``unknown_checks``:
        the checks whose finding is ``unknown`` (comma-separated, "" when none),
        which a worse status (``prohibited``) would otherwise hide.
    excluded : GeoDataFrame
        One row per constraint: what it excludes from the area (``key``,
        ``kind``, ``buffer_m``, ``outside``, ``available``, areas). Rows may
        overlap each other; ``totals`` counts their union once.
    removed : GeoDataFrame
        Land free of constraints but narrower than the minimum width or in
        patches smaller than the minimum area (``reason``, areas).
    undescribed : GeoDataFrame
        Land outside every constraint that some hard layers do not describe, so
        not known to be free of them: one row per described area (``layers``,
        ``described_by``, ``described_by_zh``, ``reason``, ``reason_zh``, areas). Rows may
        overlap; ``totals`` counts their union once.
    aoi : GeoDataFrame
        The area of interest (one row).
    constraints : tuple of Constraint
    unchecked : list of str
        Constraint keys that could not be used: the patches are NOT known to
        be free of them (their statuses say ``unknown``).
    totals : dict of Area
        ``aoi``, ``excluded`` (union), ``undescribed`` (union), ``free``,
        ``removed``, ``buildable``: ``aoi`` = ``excluded`` + ``undescribed`` +
        ``free`` and ``free`` = ``removed`` + ``buildable``.
    parameters : dict
    check : CheckResult or None
        The pre-examination of the patches.
    analysis_crs : CRS
    created : datetime
    warnings : list of str
    """

    patches: gpd.GeoDataFrame
    excluded: gpd.GeoDataFrame
    removed: gpd.GeoDataFrame
    undescribed: gpd.GeoDataFrame
    aoi: gpd.GeoDataFrame
    constraints: tuple[Constraint, ...]
    unchecked: list[str]
    totals: dict[str, Area]
    parameters: dict[str, Any]
    check: CheckResult | None
    analysis_crs: CRS
    created: datetime
    warnings: list[str] = field(default_factory=list)

    @property
    def area(self) -> Area:
        """The total buildable area."""
        return self.totals["buildable"]

    @property
    def table(self) -> pd.DataFrame:
        """The patches without geometry."""
        return pd.DataFrame(self.patches.drop(columns="geometry"))

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (schema ``landcheck/buildable@1``)."""
        excluded = pd.DataFrame(self.excluded.drop(columns="geometry")).to_dict("records")
        removed = pd.DataFrame(self.removed.drop(columns="geometry")).to_dict("records")
        blank = pd.DataFrame(self.undescribed.drop(columns="geometry")).to_dict("records")
        return json_safe(
            {
                "schema": BUILDABLE_SCHEMA,
                "landcheck_version": __version__,
                "created": self.created.isoformat(timespec="seconds"),
                "analysis_crs": crs_label(self.analysis_crs),
                "area_method": self.totals["aoi"].method.value,
                "parameters": self.parameters,
                "constraints": [c.to_dict() for c in self.constraints],
                "unchecked": list(self.unchecked),
                "totals": {k: v.to_dict() for k, v in self.totals.items()},
                "excluded": excluded,
                "removed": removed,
                "undescribed": blank,
                "patches": self.table.to_dict("records"),
                "warnings": list(self.warnings),
            }
        )

    def _facts(self) -> list[tuple[str, str]]:
        t = self.totals
        facts = [
            ("area of interest", f"{t['aoi'].ha:,.4f} ha"),
            ("excluded by constraints", f"{t['excluded'].ha:,.4f} ha"),
            *(
                (row.reason, f"{row.ha:,.4f} ha, not known to be free of them")
                for row in self.undescribed.itertuples(index=False)
            ),
            ("removed (too narrow or small)", f"{t['removed'].ha:,.4f} ha"),
            ("buildable", f"{t['buildable'].ha:,.4f} ha in {len(self.patches)} patch(es)"),
            ("constraints", "; ".join(c.describe() for c in self.constraints)),
        ]
        if self.unchecked:
            facts.append(("NOT checked against", ", ".join(self.unchecked)))
        return facts

    def _repr_html_(self) -> str:
        columns = [
            c
            for c in (
                "patch_id",
                "ha",
                "status",
                "cultivated_ha",
                "paddy_ha",
                "conversion_ha",
                "urban",
                "urban_distance_m",
                "road_distance_m",
                "nearest_hard_m",
                "unknown_checks",
            )
            if c in self.patches.columns
        ]
        return html_block(
            "Buildable land (可建设用地)",
            self._facts(),
            self.table[columns],
            warnings=self.warnings,
        )

    def __repr__(self) -> str:
        return (
            f"<BuildableResult {self.area.ha:,.4f} ha buildable in {len(self.patches)} "
            f"patch(es) of {self.totals['aoi'].ha:,.4f} ha>"
        )

    def plot(self, ax: Any = None, *, labels: bool = True) -> Any:
        """Map: the area, what each constraint excludes, what was removed, the patches.

        Returns
        -------
        matplotlib.axes.Axes
        """
        ax = new_axes(ax)
        entries = []
        for row in self.excluded.itertuples(index=False):
            style = dict(LAYER_STYLE.get(row.kind, LAYER_STYLE["generic"]))
            if row.outside:
                style = {"facecolor": "#d7bde2", "edgecolor": "none", "alpha": 0.5}
            part = self.excluded[self.excluded["key"] == row.key]
            plot_layer(ax, part, **style)
            if not part.geometry.iloc[0].is_empty:
                what = f"outside {row.key}" if row.outside else row.key
                entries.append(
                    (
                        f"excluded: {what}" + (f" (+{row.buffer_m:g} m)" if row.buffer_m else ""),
                        style,
                    )
                )
        removed = {"facecolor": "#bfc9ca", "edgecolor": "#7f8c8d", "alpha": 0.8}
        usable = {"facecolor": "#5dade2", "edgecolor": "#1b4f72", "alpha": 0.7}
        blank = {"facecolor": "#fcf3cf", "edgecolor": "#b7950b", "alpha": 0.8}
        plot_layer(ax, self.undescribed, **blank)
        plot_layer(ax, self.removed, **removed)
        plot_layer(ax, self.patches, **usable)
        self.aoi.boundary.plot(ax=ax, color="black", linewidth=1.2)
        if labels and 0 < len(self.patches) <= 40:
            for row in self.patches.itertuples(index=False):
                label(ax, row.geometry, f"{row.patch_id} {row.ha:,.1f} ha", above=False, size=7)
        if not self.undescribed.empty:
            entries.append(("not described by the layers", blank))
        if not self.removed.empty:
            entries.append(("too narrow or small", removed))
        legend(ax, [*entries, ("buildable", usable)])
        finish(ax, f"Buildable land: {self.area.ha:,.2f} ha in {len(self.patches)} patch(es)")
        return ax


def _frame(
    rows: list[dict[str, Any]], geoms: list[Any], crs: CRS, columns: list[str]
) -> gpd.GeoDataFrame:
    data = pd.DataFrame(rows, columns=columns)
    return gpd.GeoDataFrame(data, geometry=list(geoms), crs=crs)


def _distances_to(
    geoms: np.ndarray, targets: np.ndarray | None, search_m: float, scale: np.ndarray
) -> np.ndarray:
    """Distance (metres of each geometry's zone, ``scale``) to the nearest target; NaN beyond.

    ``search_m`` is metres of each geometry's zone: looked for in the plane as far as
    :func:`~landcheck.select.metrics.plane_reach`, scaled, then kept up to ``search_m``.
    """
    out = np.full(len(geoms), np.nan)
    if targets is None or not len(targets) or not len(geoms):
        return out
    found = nearest_features(geoms, targets, plane_reach(search_m, scale))
    out[found.index.to_numpy()] = found["distance_m"].to_numpy(dtype=float)
    out = out * scale
    out[out > search_m] = np.nan
    return out


def _urban_features(
    run: Run,
    loaded: list[LoadedConstraint],
    near: gpd.GeoSeries,
    margin_m: float,
) -> np.ndarray | None:
    """The urban boundary's features within ``margin_m`` of ``near`` (plane metres), or None."""
    key = first_layer_of_kind(run.profile, "urban_boundary")
    if key is None:
        return None
    for item in loaded:
        if item.constraint.key == key and item.available and item.features is not None:
            return np.asarray(item.features.geometry.values, dtype=object)
    if run.sources.get(key) is None:
        return None
    try:
        with collecting():  # read for a distance only: its notes are the check's to give
            layer = run.read_layer(run.profile.layers[key], near, margin_m)
    except (DataSourceError, InputDataError) as ex:
        warn(f"distance to {key!r} not measured: {ex}")
        return None
    return np.asarray(layer.features.geometry.values, dtype=object)


def describe_patches(
    run: Run,
    geoms: np.ndarray,
    ids: list[str],
    constraints: tuple[Constraint, ...],
    loaded: list[LoadedConstraint],
    *,
    roads: LayerInput = None,
    search_m: float,
    project_class: str | None = None,
) -> tuple[pd.DataFrame, CheckResult | None]:
    """Pre-examine polygons as sites on the run and measure their distances (patches)."""
    table = pd.DataFrame({"patch_id": ids, **made_areas(run, geoms)})
    if not len(geoms):
        return table, None
    result = evaluate(run, sites_frame(run, ids, geoms, project_class))
    unknown = [
        ", ".join(f.check for f in found if f.status == "unknown") for found in result.findings
    ]
    scale = run.measuring_of(geoms).scale
    distances = nearest_hard(geoms, loaded, search_m, scale)
    metrics = site_metrics(result, constraints, distances)
    metrics = metrics.drop(columns=["site_id", "name", "area_ha"])
    table = pd.concat([table, metrics], axis=1)
    table["unknown_checks"] = unknown
    near = gpd.GeoSeries([union_polygons(geoms)], crs=run.crs)
    reach = plane_reach(search_m, scale)
    urban = _urban_features(run, loaded, near, reach)
    table["urban_distance_m"] = _distances_to(geoms, urban, search_m, scale)
    road_geoms = None
    if roads is not None:
        road_geoms, _ = load_lines(run, roads, near.iloc[0], margin=reach)
    table["road_distance_m"] = _distances_to(geoms, road_geoms, search_m, scale)
    return table, result


def buildable(
    area_of_interest: PolygonInput,
    *,
    profile: str | os.PathLike[str] | Profile = "china-preexam",
    layers: Mapping[str, LayerInput] | None = None,
    buffers: float | Mapping[str, float] | None = None,
    outside_urban: bool = False,
    constraints: tuple[str, ...] | list[str] = (),
    min_width_m: float = 0.0,
    min_area_m2: float | None = None,
    buffer_join: str = "round",
    roads: LayerInput = None,
    search_m: float = 1000.0,
    project_class: str | None = None,
    facts: Mapping[str, Any] | None = None,
    coverage: LayerInput = None,
    crs: Any = None,
    area_method: str | None = None,
    encoding: str | None = None,
    datum_shift: Any = None,
    standards_table: str | os.PathLike[str] | None = None,
) -> BuildableResult:
    """Find the land in an area of interest free of the hard constraints.

    Parameters
    ----------
    area_of_interest : path, ``"PATH:LAYER"``, GeoDataFrame or list of them
        The area to search; several polygons are joined into one.
    profile, layers, crs, area_method, encoding, datum_shift
        As for :func:`landcheck.check`.
    standards_table : path, optional
        The land-use standard's index table (CSV), as for :func:`landcheck.check`;
        the profile's by default.
    buffers : float or mapping, optional
        Distance to keep from the constraints (metres): one number for all
        but the urban boundary, or layer key → distance (for the urban
        boundary, a setback inside it).
    outside_urban : bool
        Also exclude land outside the urban development boundary.
    constraints : sequence of str
        Extra layer keys to treat as hard constraints.
    min_width_m : float
        Remove land narrower than this (no slivers or corridors).
    min_area_m2 : float, optional
        Drop patches smaller than this (default: the profile's sliver area, 1 m²).
    buffer_join : {"round", "mitre"}
        Join style of the buffers (see :mod:`landcheck.select.constraints`).
    roads : path, ``"PATH:LAYER"`` or GeoDataFrame, optional
        A road layer (lines) to measure each patch's distance to.
    search_m : float
        How far to look for the urban boundary, roads and constraints (metres;
        1000 by default, as for :func:`landcheck.compare` and :func:`landcheck.search`).
    project_class : str, optional
        The project's type (a key or name of the profile's ``project_types``, e.g.
        ``"pv_array"``) or old class (``"industrial"``), so that each patch's status is
        the one a site of that project would get there.
    facts : mapping, optional
        Project facts of every patch, as for :func:`landcheck.check` (``{"project_type":
        "county_road", "plan_level": "county", "plan_ref": "…"}``); its
        ``project_type`` is not given with ``project_class``.
    coverage : path, ``"PATH:LAYER"`` or GeoDataFrame, optional
        Polygons of the area the layers describe, as for :func:`landcheck.check`.
        Land of the area of interest a hard layer does not describe (outside this
        polygon; without it, outside the land-use survey, else outside the layer's
        extent) is not buildable: it is reported apart (``undescribed``).

    Returns
    -------
    BuildableResult

    Examples
    --------
    A 1 km square with a 200 m redline strip along its west side:

    >>> import geopandas as gpd
    >>> from shapely import box
    >>> x, y = 35_500_000, 2_700_000
    >>> aoi = gpd.GeoDataFrame(geometry=[box(x, y, x + 1000, y + 1000)], crs=4523)
    >>> redline = gpd.GeoDataFrame({"BSM": ["R1"]}, geometry=[box(x, y, x + 200, y + 1000)],
    ...                            crs=4523)
    >>> result = buildable(aoi, layers={"eco_redline": redline}, area_method="planar",
    ...                    coverage=aoi)
    >>> result.area.planar_m2, result.unchecked
    (800000.0, ['farmland'])

    Without the coverage polygon, the redline layer describes its own extent alone: the
    rest of the square is not known to be free of it.

    >>> result = buildable(aoi, layers={"eco_redline": redline}, area_method="planar")
    >>> result.area.planar_m2, result.totals["undescribed"].planar_m2
    (0.0, 800000.0)
    """
    check_limits(min_width_m=min_width_m, min_area_m2=min_area_m2, search_m=search_m)
    check_one_type(project_class, facts)
    with collecting() as notes:
        created = datetime.now(timezone.utc)
        run = prepare(
            area_of_interest,
            profile=profile,
            layers=layers,
            crs=crs,
            area_method=area_method,
            encoding=encoding,
            datum_shift=datum_shift,
            coverage=coverage,
            facts=facts,
            standards_table=standards_table,
            what="area of interest",
        )
        require_true_lengths(run)
        hard = hard_constraints(
            run.profile, buffers=buffers, outside_urban=outside_urban, extra=constraints
        )
        klass = project_class_key(run, project_class)
        min_area = (
            run.profile.analysis.sliver_area_m2 if min_area_m2 is None else float(min_area_m2)
        )
        aoi = aoi_union(run)
        near = gpd.GeoSeries([aoi], crs=run.crs)
        loaded = load_constraints(run, hard, near, join=buffer_join, search_m=search_m)
        blank = undescribed(run, [i.constraint.key for i in loaded if i.available], aoi)
        carved = carve(
            aoi,
            loaded,
            run.crs,
            area_by_method(run),
            min_width_m=min_width_m,
            min_area_m2=min_area,
            undescribed=[item.geometry for item in blank],
        )
        blank_frame = undescribed_frame(run, blank, carved.undescribed)
        warn_undescribed_area(blank_frame)
        ids = [f"P{i + 1:03d}" for i in range(len(carved.patches))]
        table, result = describe_patches(
            run,
            carved.patches,
            ids,
            hard,
            loaded,
            roads=roads,
            search_m=search_m,
            project_class=klass,
        )
        checked = result.warnings if result is not None else []
        patches = gpd.GeoDataFrame(table, geometry=list(carved.patches), crs=run.crs)
        return BuildableResult(
            patches=patches,
            excluded=_excluded_frame(carved, loaded, run),
            removed=_removed_frame(carved, run),
            undescribed=blank_frame,
            aoi=gpd.GeoDataFrame({"name": ["area of interest"]}, geometry=[aoi], crs=run.crs),
            constraints=hard,
            unchecked=[item.constraint.key for item in loaded if not item.available],
            totals=_totals(carved, run),
            parameters={
                "buffers": {c.key: c.buffer_m for c in hard},
                "buffer_join": buffer_join,
                "outside_urban": outside_urban,
                "min_width_m": float(min_width_m),
                "min_area_m2": min_area,
                "search_m": float(search_m),
                "project_class": klass,
                "facts": dict(run.given_facts),
                "coverage": None
                if coverage is None
                else (
                    "<GeoDataFrame>" if isinstance(coverage, gpd.GeoDataFrame) else str(coverage)
                ),
                "roads": None
                if roads is None
                else ("<GeoDataFrame>" if isinstance(roads, gpd.GeoDataFrame) else str(roads)),
            },
            check=result,
            analysis_crs=run.crs,
            created=created,
            warnings=list(dict.fromkeys([*run.notes, *notes.messages, *checked])),
        )


def _excluded_frame(carved: Carved, loaded: list[LoadedConstraint], run: Run) -> gpd.GeoDataFrame:
    rows, geoms = [], []
    parts = {item.constraint.key: geom for item, geom in carved.excluded}
    for item in loaded:
        c = item.constraint
        geom = parts.get(c.key, shapely.Polygon())
        area = made_area(run, geom)
        rows.append(
            {
                "key": c.key,
                "kind": c.kind,
                "title": c.title.zh,
                "buffer_m": c.buffer_m,
                "outside": c.outside,
                "available": item.available,
                "planar_m2": area.planar_m2,
                "ellipsoidal_m2": area.ellipsoidal_m2,
                "ha": area.ha,
            }
        )
        geoms.append(geom)
    columns = [
        "key",
        "kind",
        "title",
        "buffer_m",
        "outside",
        "available",
        "planar_m2",
        "ellipsoidal_m2",
        "ha",
    ]
    return _frame(rows, geoms, run.crs, columns)


def _removed_frame(carved: Carved, run: Run) -> gpd.GeoDataFrame:
    geoms = np.asarray([g for g, _ in carved.removed], dtype=object)
    areas = made_areas(run, geoms)
    rows = [
        {
            "reason": reason,
            "planar_m2": areas["planar_m2"][i],
            "ellipsoidal_m2": areas["ellipsoidal_m2"][i],
            "ha": areas["ha"][i],
        }
        for i, (_, reason) in enumerate(carved.removed)
    ]
    return _frame(rows, list(geoms), run.crs, ["reason", "planar_m2", "ellipsoidal_m2", "ha"])


def _totals(carved: Carved, run: Run) -> dict[str, Area]:
    excluded = union_polygons([g for _, g in carved.excluded])
    removed = union_polygons([g for g, _ in carved.removed])
    patches = made_areas(run, carved.patches)
    return {
        "aoi": made_area(run, carved.aoi),
        "excluded": made_area(run, excluded),
        "undescribed": made_area(run, union_polygons(carved.undescribed)),
        "free": made_area(run, carved.free),
        "removed": made_area(run, removed),
        "buildable": Area(
            float(patches["planar_m2"].sum()), float(patches["ellipsoidal_m2"].sum()), run.method
        ),
    }
