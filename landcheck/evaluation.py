"""Evaluation: a prepared run's sites against its layers, to a :class:`CheckResult`.

:func:`evaluate` takes a :class:`~landcheck.run.Run` and, layer by layer,
reads only the features near the sites (once per run, :meth:`Run.read_layer`),
overlays them (:mod:`landcheck.engine`: here, in local processes or on dask),
measures each site's share (:mod:`landcheck.measure`), finds the area the
layers describe (:mod:`landcheck.coverage`) and applies the profile's rules
to every site (:mod:`landcheck.rules`). :func:`check` — what ``landcheck
check`` and the notebooks call — is :func:`~landcheck.run.prepare` and
:func:`evaluate` in a row. Nothing here writes files; :mod:`landcheck.report`
does.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from functools import partial
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landcheck.areas import ellipsoidal_areas
from landcheck.classify.decide import AmbiguousClassificationError
from landcheck.coverage import (
    COVERAGE_KINDS,
    Band,
    Coverage,
    layer_bands,
    outside_of,
    proximity_distances,
)
from landcheck.crs.datum import DatumShift
from landcheck.crs.measuring import SiteMeasuring
from landcheck.cut import parts_in_boxes
from landcheck.engine import Engine, FeaturesSent, PendingOverlay, make_engine
from landcheck.errors import DataSourceError, InputDataError, shown
from landcheck.facts import ProjectFacts
from landcheck.gcpause import collector_paused
from landcheck.geometry import column_array, geo_frame, geometry_values, name_some
from landcheck.inputs import LayerInput, layer_extent, warn_far_sites
from landcheck.io import InputRecord, LayerSource
from landcheck.io.filtered import kept_already, not_kept
from landcheck.io.postgis import connections_kept
from landcheck.layers import REVIEW_COLUMNS, LayerFeatures, without_area_reason
from landcheck.measure import LayerMeasure, SiteLayer, measure_layer, unavailable_layer
from landcheck.memory import arrow_pool_on_c_heap, release_free_memory
from landcheck.messages import collecting, summarise, warn
from landcheck.overlay import LayerOverlay, measured_in_site_crs
from landcheck.packed import PackedFrame, PackedFrames
from landcheck.polygonal import parts_near_sites
from landcheck.profile import STAGES, CoverageSpec, LayerSpec, Profile, Text
from landcheck.result import CheckResult
from landcheck.review.precedence import ORDERED_KINDS
from landcheck.rules import (
    ProfileRules,
    ProjectTotals,
    SiteInfo,
    project_totals,
    search_distance,
)
from landcheck.rules.land import pv_arrays
from landcheck.run import Run, prepare
from landcheck.units import Area, AreaMethod

__all__ = ["ProgressCallback", "check", "evaluate"]

_SHARED_NOTED_M2 = 0.005
"""Overlap of a layer's features with each other worth a warning (it prints as 0.01 m²)."""

ProgressCallback = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: called as layers and sites are processed."""


@dataclass
class _LayerOutcome:
    """One layer's outcome in an evaluation: measured, or unavailable with a reason.

    A measured layer may still be unavailable at some sites: ``unknown_at`` holds
    the reason by site position (lines or points of a layer of areas near them).
    """

    spec: LayerSpec
    record: InputRecord
    measure: LayerMeasure | None = None
    pieces: gpd.GeoDataFrame | PackedFrame | None = None
    context: gpd.GeoDataFrame | PackedFrame | None = None
    reason: str = ""
    unknown_at: dict[int, str] = field(default_factory=dict)


@dataclass
class _LayerStarted:
    """A layer read for the run's sites, its overlay under way (:meth:`Engine.overlay`)."""

    spec: LayerSpec
    layer: LayerFeatures
    site_geoms: np.ndarray
    overlay: PendingOverlay
    search_m: float
    outlines: np.ndarray
    context: PackedFrame | None = None
    unknown_at: dict[int, str] = field(default_factory=dict)


def _start_layer(
    run: Run,
    spec: LayerSpec,
    engine: Engine,
    keep_reads: bool = True,
    keep_geometry: bool = True,
) -> _LayerStarted | _LayerOutcome:
    """Read one layer for the run's sites and start its overlay.

    A layer with no source, or one that cannot be read, is its outcome at once
    (unavailable, with the reason); without ``keep_reads`` the run does not
    keep the read, so the features are freed when the layer is measured. The
    features sent to the workers are packed for the maps here, from the WKB
    made to send them (:func:`_packed_context`). Lines or points of a layer of
    areas make its checks unknown at the sites they are near alone
    (:func:`_unknown_at`).
    """
    source = run.sources.get(spec.key)
    sites, measuring = run.sites, run.measuring
    record = InputRecord(role="layer", key=spec.key)
    if source is None:
        record.status = "missing"
        record.detail = "no source given"
        return _LayerOutcome(spec, record, reason="未提供图层 / layer not supplied")
    search_m = search_distance(run.profile, spec.key)
    reach = _analysis_reach(search_m, measuring)
    try:
        layer = run.read_layer(
            spec, sites.geometry, max(1.0, reach), keep=keep_reads, per_site=True
        )
    except (DataSourceError, InputDataError, OSError) as ex:  # OSError: permission denied…
        record.path = source.path if isinstance(source, LayerSource) else None
        record.status = "unreadable"
        record.detail = str(ex)
        if isinstance(ex, AmbiguousClassificationError):
            record.extra["classification"] = ex.decision.to_dict()
        warn(f"layer {spec.key!r} could not be used: {ex}")
        return _LayerOutcome(spec, record, reason=str(ex))
    site_geoms = np.asarray(geometry_values(sites), dtype=object)
    # a dissolved layer's multipolygon by its parts the read would have found as features:
    # what is cut and what the maps are given (not the county's farmland whole)
    outlines = parts_near_sites(
        np.asarray(geometry_values(layer.features), dtype=object), site_geoms, max(1.0, reach)
    )
    overlay = engine.overlay(
        site_geoms,
        layer.features,
        run.crs,
        attributes=layer.attribute_columns,
        search_m=reach,
        # measured in the analysis CRS from these very geometries (sites.prepare_sites): a
        # piece that is a whole site (inside a township, a zone) takes its site's area
        site_m2=np.asarray(column_array(sites, "ellipsoidal_m2"), dtype=float),
        outlines=outlines,
    )
    started = _LayerStarted(spec, layer, site_geoms, overlay, search_m, outlines)
    started.unknown_at = _unknown_at(spec.key, layer.without_area, sites["site_id"].to_numpy())
    sent = overlay.features_sent()
    if keep_geometry and not keep_reads and sent is not None:
        context = _maps_context(started, run.crs, keep_reads, sent)
        if isinstance(context, PackedFrame):  # else the process keeps the read: decided later
            started.context = context
    return started


def _unknown_at(
    key: str, without_area: Mapping[int, list[str]], site_ids: np.ndarray
) -> dict[int, str]:
    """The reason a layer is unknown at each site its lines or points are near, said once.

    ``without_area`` is :attr:`LayerFeatures.without_area`: site position → the ids
    of the features without area near it (the nearness that read them).

    Examples
    --------
    >>> from landcheck.messages import collecting
    >>> with collecting() as notes:
    ...     reasons = _unknown_at("farmland", {1: ["L1"]}, np.array(["A", "B"]))
    >>> list(reasons), reasons[1][:57]
    ([1], "layer 'farmland': feature L1 near the site is a line or a")
    >>> notes.messages[0][-50:]
    '(its checks are unknown at the sites near them: B)'
    """
    if not without_area:
        return {}
    positions = sorted(without_area)
    ids = list(dict.fromkeys(i for at in positions for i in without_area[at]))
    warn(
        f"{without_area_reason(ids, key)} (its checks are unknown at the sites near them: "
        f"{name_some(site_ids[positions])})"
    )
    return {at: without_area_reason(without_area[at], key, "the site") for at in positions}


def _warn_self_overlap(
    spec: LayerSpec, sites: gpd.GeoDataFrame, overlay: LayerOverlay, method: AreaMethod
) -> None:
    """Say that the layer's features overlap inside sites, by how much in the run's method."""
    shared = Area(overlay.self_overlap_m2, overlay.self_overlap_ellipsoidal_m2, method)
    if shared.m2 < _SHARED_NOTED_M2:
        return
    ids = sites["site_id"].to_numpy()[overlay.self_overlap_sites]
    under = (
        "stricter feature (the earlier of two alike)"
        if spec.kind in ORDERED_KINDS
        else "earlier feature"
    )
    warn(
        f"layer {spec.key!r}: features overlap each other inside site(s) "
        f"{', '.join(map(str, ids[:5]))} ({shared.m2:.2f} m² in all, {method.value}); the "
        f"shared area is counted once, under the {under}"
    )


def _maps_context(
    started: _LayerStarted, crs: Any, keep_reads: bool, sent: FeaturesSent | None = None
) -> gpd.GeoDataFrame | PackedFrame:
    """The features read as the maps draw them, packed unless something else keeps them.

    Something else keeps those very geometries when the run keeps its reads
    (``keep_reads``) or the process does
    (:func:`~landcheck.io.filtered.kept_already`): packing would hold them
    twice. Packed, the WKB made to send them to the workers (``sent``) is the
    WKB packed: at 10,000 sites the calling process encoded the survey's
    53,000 parcels near the sites twice.
    """
    context = _context(started.layer.features, started.outlines, crs)
    if keep_reads or kept_already(geometry_values(context)):
        return context
    return PackedFrame.of(context, wkb=None if sent is None else sent.wkb_of(started.outlines))


def _finish_layer(
    run: Run, started: _LayerStarted, keep_geometry: bool = True, keep_reads: bool = True
) -> _LayerOutcome:
    """Wait for a layer's overlay and measure it for the run's sites.

    Without ``keep_geometry`` the outcome holds the pieces' measures and
    attributes but not their geometry, nor the features read (the context of
    the maps); with it, the pieces are packed once measured
    (:mod:`landcheck.packed`), and so are the features unless something else
    keeps them: the run (``keep_reads``) or the process's kept reads
    (:func:`~landcheck.io.filtered.kept_already`). The context is then those
    very geometries, which packing would hold twice (a redline's 10⁵-vertex
    polygon read for one site cost a fifth of that check to pack).
    """
    spec, layer, site_geoms = started.spec, started.layer, started.site_geoms
    sites, crs, measuring = run.sites, run.crs, run.measuring
    overlay, nearest = started.overlay.result(as_wkb=True)  # the pieces read back only if asked
    overlay = measured_in_site_crs(overlay, layer.features, site_geoms, measuring)
    nearest = _nearest_in_site_crs(
        nearest, measuring, started.search_m, site_geoms, geometry_values(layer.features)
    )
    _warn_self_overlap(spec, sites, overlay, run.method)
    table = layer.classification.code_table if layer.classification else None
    has_codes = "code" in layer.mapping
    if len(nearest):  # no feature within the search: measure_layer reads no nearest feature
        ids = layer.features["_id"].to_numpy()
        nearest["feature_id"] = ids[nearest["feature"].to_numpy(dtype=int)]
    record = layer.record
    context: gpd.GeoDataFrame | PackedFrame | None = started.context
    if context is None and keep_geometry:
        context = _maps_context(started, crs, keep_reads)
    # the features read are not needed to measure the pieces: unless the read is kept, the
    # packed context is all that is left of them, and a province's land-use parcels near ten
    # thousand sites would otherwise stay in memory while the layer's tables are built (what
    # packing and reading freed handed back too: at 10,000 sites the peak was there)
    del layer, started.layer, started.outlines
    release_free_memory()
    measure = measure_layer(
        overlay,
        spec,
        run.method,
        table=table,
        has_codes=has_codes,
        nearest=nearest,
        search_m=started.search_m,
        site_geoms=site_geoms,
        measuring=measuring,
        site_m2=np.asarray(column_array(sites, "ellipsoidal_m2"), dtype=float),
    )
    unknown_at = started.unknown_at
    if not keep_geometry:
        pieces = _without_geometry(overlay)
        return _LayerOutcome(spec, record, measure=measure, pieces=pieces, unknown_at=unknown_at)
    pieces = PackedFrame.of(overlay.pieces, wkb=overlay.wkb)
    return _LayerOutcome(
        spec, record, measure=measure, pieces=pieces, context=context, unknown_at=unknown_at
    )


_CUT_AT_ONCE = 4
"""Layers whose overlay may be under way while the next one is read."""


def _reading_order(layers: Mapping[str, LayerSpec]) -> list[LayerSpec]:
    """The layers in the order they are read: the land-use survey first, then profile order.

    The survey is the densest layer near any site (a province's 三调 parcels),
    so its overlay is the longest: started first, it is cut while the other
    layers are read, instead of being waited for at the end.
    """
    specs = list(layers.values())
    return [s for s in specs if s.kind == "land_use"] + [s for s in specs if s.kind != "land_use"]


def _evaluate_layers(
    run: Run,
    engine: Engine,
    notify: ProgressCallback,
    keep_geometry: bool = True,
    keep_reads: bool = True,
) -> dict[str, _LayerOutcome]:
    """Read, overlay and measure each layer; the outcomes in the profile's order.

    A layer is read while the workers cut the sites by the ones before it
    (:meth:`Engine.overlay` returns before they are done): up to
    :data:`_CUT_AT_ONCE` overlays are under way, and a layer is measured once
    its overlay is done or more are waiting (:func:`_reading_order`). What
    reading and measuring a layer say is said at the end, layer after layer in
    the profile's order, as one layer after the other would say it.
    """
    layers = run.profile.layers
    outcomes: dict[str, _LayerOutcome] = {}
    said: dict[str, list[str]] = {key: [] for key in layers}

    def done_with(outcome: _LayerOutcome) -> None:
        outcomes[outcome.spec.key] = outcome
        # what reading and cutting the layer freed goes back to the system, so the
        # next layer and the sites' views do not stack on the allocator's high-water mark
        release_free_memory()

    def finish(started: _LayerStarted) -> None:
        with collecting() as notes:
            outcome = _finish_layer(run, started, keep_geometry, keep_reads)
        said[started.spec.key].extend(notes.messages)
        done_with(outcome)

    pending: deque[_LayerStarted] = deque()
    for done, spec in enumerate(_reading_order(layers)):
        notify("layers", done, len(layers))
        with collecting() as read_notes:
            started = _start_layer(run, spec, engine, keep_reads, keep_geometry)
        said[spec.key].extend(read_notes.messages)
        if isinstance(started, _LayerStarted):
            pending.append(started)
        else:
            done_with(started)
        while pending and (len(pending) > _CUT_AT_ONCE or pending[0].overlay.done()):
            finish(pending.popleft())
    while pending:
        finish(pending.popleft())
    for key in layers:
        for message in said[key]:
            warn(message)
    notify("layers", len(layers), len(layers))
    return {key: outcomes[key] for key in layers}


def _context(features: gpd.GeoDataFrame, outlines: np.ndarray, crs: Any) -> gpd.GeoDataFrame:
    """The features read, as the maps draw them: ids, codes, names and ``outlines``.

    ``outlines`` are the features' geometries, a dissolved multipolygon's cut
    down to its parts near the sites (:func:`_start_layer`).
    """
    # copies: the frame's columns are its own (geo_frame does not copy), the features' stay
    # theirs; the frame is what selecting the columns and the constructor build, in a tenth
    # of their time (a one-site check builds one per layer)
    names = ("_id", "_code", "_name")
    if "_code" not in features:  # a review layer: the class its check reads (grade, zone…)
        names += REVIEW_COLUMNS
    columns = {c: column_array(features, c).copy() for c in names if c in features}
    return geo_frame(columns, np.array(outlines, dtype=object), crs, index=features.index)


def _without_geometry(overlay: LayerOverlay) -> gpd.GeoDataFrame:
    """The overlay's pieces with their measures and attributes, their geometry left out.

    The frame keeps its columns (the geometry column is empty), so the tables
    built from the pieces' attributes read it as they read the whole one.
    """
    pieces = overlay.pieces
    columns = pd.DataFrame(pieces.drop(columns=pieces.geometry.name))
    return gpd.GeoDataFrame(
        columns, geometry=gpd.GeoSeries([None] * len(columns), index=columns.index), crs=pieces.crs
    )


def _analysis_reach(search_m: float, measuring: SiteMeasuring) -> float:
    """The distance in the analysis CRS that covers ``search_m`` around every site.

    A site measured in its own zone has its distances measured there too; in
    the analysis CRS, far from its meridian, the same distance is longer.
    """
    if measuring.uniform or search_m <= 0:
        return search_m
    return search_m / min(1.0, float(measuring.scale.min()))


def _nearest_in_site_crs(
    nearest: pd.DataFrame,
    measuring: SiteMeasuring,
    search_m: float,
    site_geoms: np.ndarray,
    feature_geoms: np.ndarray,
) -> pd.DataFrame:
    """Nearest-feature distances in each site's measuring CRS, within ``search_m``.

    A site measured in another CRS has its distance measured again there:
    the site and the part of its nearest feature within the distance found
    (a box around the site), both moved. Not scaled by the site's length
    ratio: a projection that is not conformal (Web Mercator on the
    ellipsoid) stretches east-west and north-south lengths differently.
    """
    if measuring.uniform or nearest.empty:
        return nearest
    sites = nearest.index.to_numpy()
    moved = np.flatnonzero(measuring.elsewhere(sites))
    if not len(moved):
        return nearest
    nearest = nearest.copy()
    found = nearest["distance_m"].to_numpy(dtype=float).copy()
    mine = sites[moved]
    grown = (1.01 * found[moved] + 1.0)[:, None] * np.array([-1.0, -1.0, 1.0, 1.0])
    boxes = shapely.bounds(site_geoms[mine]) + grown
    which = nearest["feature"].to_numpy(dtype=int)[moved]
    rows, parts = parts_in_boxes(feature_geoms, which, shapely.box(*boxes.T))
    owners = mine[rows]
    distances = shapely.distance(
        measuring.to_own_crs(site_geoms[owners], owners), measuring.to_own_crs(parts, owners)
    )
    # the nearest of a site's parts (an empty one has no distance)
    shortest = np.full(len(moved), np.inf)
    np.fmin.at(shortest, rows, distances)
    found[moved] = shortest
    nearest["distance_m"] = found
    return nearest[found <= search_m]


def _coverage(
    run: Run, outcomes: Mapping[str, _LayerOutcome], keep_reads: bool = True
) -> tuple[Coverage, InputRecord | None]:
    """The area the layers describe (:mod:`landcheck.coverage`) for this run's layers.

    For the layers a proximity rule reads, also the part of each site's band within
    the rule's distance beyond it: the coverage polygon (read that far around the
    sites), else the land-use survey's bounding box, else the layer's extent box.
    """
    frame, source = run.sites, run.coverage
    site_geoms = np.asarray(frame.geometry.values, dtype=object)
    keys = [
        key
        for key, r in outcomes.items()
        if r.spec.kind not in COVERAGE_KINDS and r.measure is not None
    ]
    distances = proximity_distances(run.profile, keys)
    reach = max((d for ds in distances.values() for d in ds), default=0.0)

    def bands(
        region: shapely.Geometry | None, described: Text, layers: list[str]
    ) -> dict[str, Band]:
        wanted = {key: distances[key] for key in layers if key in distances}
        return layer_bands(site_geoms, wanted, region, described, run.crs, run.measuring)

    if source is not None:
        title = (run.profile.coverage or CoverageSpec("")).title
        spec = LayerSpec(key="coverage", kind="generic", title=title)
        named = source.path if isinstance(source, LayerSource) else "GeoDataFrame"
        described = Text(f"{title.zh}（{named}）", f"{title.en} ({named})")
        margin = max(1.0, _analysis_reach(reach, run.measuring))
        try:
            loaded = run.read_layer(spec, frame.geometry, margin, source, keep=keep_reads)
        except (DataSourceError, InputDataError, OSError) as ex:  # OSError: permission denied…
            record = InputRecord(role="coverage", key="coverage", status="unreadable")
            record.path = source.path if isinstance(source, LayerSource) else None
            record.detail = str(ex)
            warn(f"the coverage polygon could not be used: {ex}")
            described = Text(f"{title.zh}（无法读取）", f"{title.en}, which could not be read")
            region = None
        else:
            record = loaded.record
            record.role = "coverage"
            region = shapely.union_all(loaded.features.geometry.values)
        outside = outside_of(site_geoms, region, run.crs, run.measuring)
        coverage = Coverage(
            "profile",
            dict.fromkeys(keys, described),
            dict.fromkeys(keys, outside),
            bands=bands(region, described, keys),
            regions=dict.fromkeys(keys, region),
        )
        return coverage, record
    land_use = next(
        (k for k, r in outcomes.items() if r.spec.kind == "land_use" and r.measure is not None),
        None,
    )
    if land_use is not None:
        described = Text(
            f"土地利用现状调查（图层 {land_use}）的范围", f"the land-use survey ({land_use!r})"
        )
        extent = layer_extent(run.sources[land_use], run.crs) if keys else None
        survey_box = Text(
            f"土地利用现状调查（图层 {land_use}）范围的外接矩形",
            f"the bounding box of the land-use survey ({land_use!r})",
        )
        if extent is None:  # no box to measure the bands against: nothing beyond a site is known
            survey_box = Text(
                f"{survey_box.zh}（无法读取）", f"{survey_box.en}, which could not be read"
            )
        region = shapely.box(*extent) if extent is not None else None
        return Coverage(
            "land_use",
            dict.fromkeys(keys, described),
            land_use=land_use,
            bands=bands(region, survey_box, keys),
            regions=dict.fromkeys(keys, region),
        ), None
    described_by = {k: Text(f"图层 {k} 的范围", f"the extent of layer {k!r}") for k in keys}
    outside, by_layer, regions = {}, {}, {}
    for key in keys:
        extent = layer_extent(run.sources[key], run.crs)
        region = regions[key] = shapely.box(*extent) if extent is not None else None
        outside[key] = outside_of(site_geoms, region, run.crs, run.measuring)
        by_layer.update(bands(region, described_by[key], [key]))
    return Coverage("extent", described_by, outside, bands=by_layer, regions=regions), None


def _describe(views: dict[str, SiteLayer], coverage: Coverage, position: int, method: Any) -> None:
    """Set on each view the part of the site and of its proximity bands beyond what is described."""
    for key, view in views.items():
        if not view.available or not coverage.applies_to(key):
            continue
        view.described_by = coverage.described_by[key]
        band = coverage.bands.get(key)
        if band is not None:
            view.band_outside = band.at(position, method)
        if coverage.land_use is not None:
            survey = views[coverage.land_use]
            view.outside, view.outside_width_m = survey.uncovered, survey.uncovered_width_m
        else:
            outside = coverage.outside[key]
            view.outside = outside.area(position, method)
            view.outside_width_m = float(outside.width_m[position])


def check(
    sites: str | os.PathLike[str] | gpd.GeoDataFrame | list[Any],
    *,
    profile: str | os.PathLike[str] | Profile = "china-preexam",
    layers: Mapping[str, LayerInput] | None = None,
    id_field: str | None = None,
    crs: Any = None,
    area_method: str | None = None,
    width: float | None = None,
    encoding: str | None = None,
    datum_shift: DatumShift | str | None = None,
    coverage: LayerInput = None,
    progress: ProgressCallback | None = None,
    engine: str = "local",
    client: Any = None,
    workers: int | None = None,
    facts: Mapping[str, Any] | None = None,
    stage: str = "preexam",
    standards_table: str | os.PathLike[str] | None = None,
    keep_geometry: bool = True,
) -> CheckResult:
    """Pre-examine project sites against the profile's constraint layers.

    :func:`~landcheck.run.prepare` then :func:`evaluate`: to evaluate
    several variants of the sites on one set of inputs, call them yourself.

    Parameters
    ----------
    sites : path, ``"PATH:LAYER"``, GeoDataFrame, or a list of them
        The project sites (polygons; lines with a width for linear projects).
        Several sources are read into one set of sites; their ids must differ.
    profile : str, path or Profile
        A built-in profile name (``"china-preexam"``), a YAML file, or a Profile.
    layers : mapping, optional
        Layer key → ``"PATH[:LAYER]"``, GeoDataFrame, or None; overrides or
        supplies the profile's layer sources. A layer of your own, one the
        profile does not define, is given with its key marked ``+``
        (``{"+hazard": "hazard.gpkg"}``): a generic layer whose overlaps are
        measured and reported, without rules. Other unknown keys are refused.
    id_field : str, optional
        Site field holding the site id (default: the first of ``site_id``,
        ``XMDM``, ``DKBH``, ``BSM``… present, else the feature number).
    crs : CRS-like, optional
        The analysis CRS (default: the profile's, usually ``"auto"``). Inputs
        that declare no CRS are taken to be in it.
    area_method : {"ellipsoidal", "planar"}, optional
        The area that drives findings (default: the profile's).
    width : float, optional
        Corridor width in metres for line sites without a width field.
    encoding : str, optional
        Attribute encoding of the input files (e.g. ``"gbk"``); by default
        detected for shapefiles without .cpg.
    datum_shift : DatumShift or str, optional
        7 Helmert parameters ``"dx,dy,dz,rx,ry,rz,s"`` (m, arc-seconds, ppm;
        position-vector convention, see :mod:`landcheck.crs.datum`) moving Xian
        1980 / Beijing 1954 inputs to CGCS2000. Without them such inputs are
        refused; with them the shift is applied and recorded in the inputs
        and warnings.
    coverage : path, ``"PATH:LAYER"`` or GeoDataFrame, optional
        Polygons of the area the layers describe (the county boundary);
        overrides the profile's ``coverage.source``. A site outside it gets
        ``unknown`` for checks that rest on the absence of features
        (:mod:`landcheck.coverage`); without it, the land-use survey's extent
        is used, else each layer's own extent.
    progress : callable, optional
        ``progress(stage, done, total)`` for progress bars.
    engine : {"local", "dask"}
        Where the per-site geometry runs (:mod:`landcheck.engine`): here, or
        in local processes for big batches (``"local"``), or on a
        dask.distributed cluster (``"dask"``; ``pip install landcheck[dask]``).
        The findings are the same either way.
    client : dask.distributed.Client, optional
        The cluster to use (implies ``engine="dask"``; default: a LocalCluster
        started for the call).
    workers : int, optional
        Processes to use (default: all cores; 1 keeps everything in this process).
    facts : mapping, optional
        Project facts for every site that does not declare them in its own
        fields (``{"project_type": "county_road", "plan_level": "county",
        "plan_ref": "…"}``; :mod:`landcheck.facts` lists them). A site's own
        field wins.
    stage : {"preexam", "approval"}
        The stage of the application: at ``preexam`` (用地预审) the documents
        of 报批 are listed apart as ``documents_later``.
    standards_table : path, optional
        A land-use standard index table (UTF-8 CSV, docs/profile.md): bounds
        by industry code and land grade, and sector tables by project type;
        it replaces the table the profile's ``land_use_standard`` rule names.
        findings.json lists it among the inputs with its SHA-256.
    keep_geometry : bool
        Keep the geometry maps and the GeoPackage need: each overlap piece's
        outline and the features read near the sites (default). With False
        the result holds every number, finding and table but no piece
        outlines nor features (``result.geometry_kept`` is False: it writes
        findings.json and the boundary TXT only), and nothing read is kept for later calls; a
        batch then needs far less memory. The findings are the same.

    Returns
    -------
    CheckResult
        Tables, findings and the findings.json dict.

    Raises
    ------
    DataSourceError
        A file does not exist or the sites cannot be read.
    AnalysisCRSError
        The sites have no CRS, or the analysis CRS is unusable.
    InputDataError
        An argument is of the wrong type or value (the message lists the
        valid ones: layer keys, area methods…), there are no sites, or the
        sites' ids or geometries cannot be used.
    ProfileError
        The profile is invalid.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> site = gpd.GeoDataFrame({"site_id": ["S1"]},
    ...     geometry=[box(35_500_000, 2_700_000, 35_501_000, 2_700_500)], crs=4523)
    >>> farmland = gpd.GeoDataFrame({"BSM": ["F1"]},
    ...     geometry=[box(35_500_700, 2_700_000, 35_502_000, 2_701_000)], crs=4523)
    >>> result = check(site, layers={"farmland": farmland}, area_method="planar")
    >>> result.layer_area("S1", "farmland").planar_m2
    150000.0
    >>> result.status("S1")
    'prohibited'
    """
    _check_stage(stage)
    runner = make_engine(engine, client=client, workers=workers)
    with collector_paused():  # see _evaluate_with
        run = prepare(
            sites,
            profile=profile,
            layers=layers,
            id_field=id_field,
            crs=crs,
            area_method=area_method,
            width=width,
            encoding=encoding,
            datum_shift=datum_shift,
            coverage=coverage,
            facts=facts,
            standards_table=standards_table,
        )
        # the run is this call's alone: what it reads serves no later evaluation
        return _evaluate_with(run, runner, progress, stage, keep_geometry, keep_reads=False)


def _check_stage(stage: Any) -> None:
    """Refuse a stage that is not one (the message lists them)."""
    if stage not in STAGES:
        raise InputDataError(f"stage: {shown(stage)} is not a stage; use {' or '.join(STAGES)}")


def evaluate(
    run: Run,
    sites: gpd.GeoDataFrame | None = None,
    *,
    progress: ProgressCallback | None = None,
    engine: str = "local",
    client: Any = None,
    workers: int | None = None,
    stage: str = "preexam",
    keep_geometry: bool = True,
) -> CheckResult:
    """Evaluate a prepared run: its sites (or ``sites``) against its layers.

    Parameters
    ----------
    run : Run
        From :func:`~landcheck.run.prepare`.
    sites : GeoDataFrame, optional
        Other sites to evaluate on the run (polygons in the run's CRS with a
        ``site_id``; see :meth:`Run.with_sites`); default: the run's own.
    progress, engine, client, workers, stage, keep_geometry
        As for :func:`check`; without ``keep_geometry`` the layers read now
        are not kept for the run's later evaluations either.

    Returns
    -------
    CheckResult
        As :func:`check` returns it; its warnings are the run's notes, then
        the evaluation's own.

    Examples
    --------
    One run, two variants of a site: the layer is read once.

    >>> import geopandas as gpd
    >>> from shapely import box
    >>> from landcheck.run import prepare
    >>> x, y = 35_500_000, 2_700_000
    >>> site = gpd.GeoDataFrame({"site_id": ["S1"]}, geometry=[box(x, y, x + 1000, y + 500)],
    ...                         crs=4523)
    >>> farmland = gpd.GeoDataFrame({"BSM": ["F1"]}, crs=4523,
    ...                             geometry=[box(x + 700, y, x + 2000, y + 1000)])
    >>> run = prepare(site, layers={"farmland": farmland}, area_method="planar")
    >>> evaluate(run).layer_area("S1", "farmland").planar_m2
    150000.0
    >>> smaller = gpd.GeoDataFrame({"site_id": ["S1b"]}, geometry=[box(x, y, x + 800, y + 500)],
    ...                            crs=4523)
    >>> evaluate(run, smaller).layer_area("S1b", "farmland").planar_m2
    50000.0
    """
    _check_stage(stage)
    runner = make_engine(engine, client=client, workers=workers)
    if sites is not None:
        run = run.with_sites(sites)
    return _evaluate_with(run, runner, progress, stage, keep_geometry, keep_reads=keep_geometry)


def _evaluate_with(
    run: Run,
    engine: Engine,
    progress: ProgressCallback | None,
    stage: str = "preexam",
    keep_geometry: bool = True,
    *,
    keep_reads: bool = True,
) -> CheckResult:
    started = datetime.now(timezone.utc)
    notify = progress or (lambda stage, done, total: None)
    frame = run.sites
    # The collector is paused throughout: a batch makes millions of objects (the layers'
    # texts, the sites' views and findings, held by the result) and no cycles among them
    # (none left to collect after a 10,000-site check), and each collection of the oldest
    # generation walked them all again.
    with (
        collecting() as notes,
        nullcontext() if keep_geometry else not_kept(),
        collector_paused(),
        arrow_pool_on_c_heap(),
    ):
        notify("sites", 0, len(frame))
        # one connection a PostGIS server for every question the layers' reads ask, closed
        # before the rules' processes fork
        with connections_kept():
            warn_far_sites(run.profile, run.sources, frame, run.crs)
            engine.start(len(frame))
            with engine:
                outcomes = _evaluate_layers(run, engine, notify, keep_geometry, keep_reads)
            coverage, coverage_record = _coverage(run, outcomes, keep_reads)
        site_layers, findings = _evaluate_sites(
            run.profile,
            frame,
            run.measuring,
            outcomes,
            notify,
            coverage,
            list(run.facts),
            stage,
            engine.workers,
        )
    return CheckResult(
        profile=run.profile,
        analysis_crs=run.crs,
        crs_reason=run.crs_reason,
        created=started,
        sites=frame,
        site_layers=site_layers,
        findings=findings,
        pieces=_pieces(outcomes, keep_geometry),
        context=PackedFrames({k: r.context for k, r in outcomes.items() if r.context is not None}),
        inputs=[
            *run.records,
            *(r.record for r in outcomes.values()),
            *([coverage_record] if coverage_record is not None else []),
        ],
        warnings=summarise([*run.notes, *notes.messages]),
        coverage=coverage,
        facts=list(run.facts),
        stage=stage,
        geometry_kept=keep_geometry,
    )


def _pieces(
    outcomes: Mapping[str, _LayerOutcome], keep_geometry: bool
) -> Mapping[str, gpd.GeoDataFrame]:
    """The layers' pieces: packed with their outlines, or as they are without them."""
    pieces = {k: r.pieces for k, r in outcomes.items() if r.pieces is not None}
    return PackedFrames(pieces) if keep_geometry else pieces


def _site_records(frame: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Each site's fields but its geometry, as ``to_dict("records")`` of the frame without it.

    The frame's records with the geometry taken out: the same values (each column
    is converted alone), without dropping the column first (a copy of the frame).
    """
    geometry = frame.active_geometry_name
    records = frame.to_dict("records")
    for record in records:
        del record[geometry]
    return records


def _evaluate_sites(
    profile: Profile,
    frame: gpd.GeoDataFrame,
    measuring: SiteMeasuring,
    outcomes: Mapping[str, _LayerOutcome],
    notify: ProgressCallback,
    coverage: Coverage | None = None,
    facts: list[ProjectFacts] | None = None,
    stage: str = "preexam",
    workers: int | None = None,
) -> tuple[list[dict[str, SiteLayer]], list[list[Any]]]:
    """Each site's layer views, then one project-level pass (征收 totals), then the rules.

    ``measuring`` is each site's measuring CRS: the ground a project's sites share is
    measured as their areas are (:class:`_SharedGround`).

    ``workers`` caps the processes the rules of a big batch use (1: this one only).
    """
    method = profile.analysis.area_method
    empty = shapely.is_empty(np.asarray(geometry_values(frame), dtype=object))
    facts = facts or [ProjectFacts() for _ in range(len(frame))]
    site_layers, areas = [], []
    total = len(frame)
    own_fields = _site_records(frame)
    for position, row in enumerate(own_fields):
        area = Area(row["planar_m2"], row["ellipsoidal_m2"], method)
        views = {}
        for key, outcome in outcomes.items():
            if empty[position]:
                views[key] = unavailable_layer(
                    key, outcome.spec.kind, "用地无面积 / site has no area", area
                )
            elif outcome.measure is None:
                views[key] = unavailable_layer(key, outcome.spec.kind, outcome.reason, area)
            elif position in outcome.unknown_at:
                reason = outcome.unknown_at[position]
                views[key] = unavailable_layer(key, outcome.spec.kind, reason, area)
            else:
                views[key] = outcome.measure.site(position, area)
        if coverage is not None:
            _describe(views, coverage, position, method)
        site_layers.append(views)
        areas.append(area)
    site_ids = frame["site_id"].astype(str).tolist()
    is_sliver = profile.analysis.is_sliver
    shared = _SharedGround(
        np.asarray(geometry_values(frame), dtype=object),
        frame["site_id"].to_numpy(),
        measuring,
        is_sliver,
        method,
    )
    projects = project_totals(
        site_ids,
        [f.project_id for f in facts],
        site_layers,
        method,
        is_sliver,
        shared,
        pv_arrays(profile, facts),
    )
    projects = _with_areas(projects, areas, shared.measured)
    infos = [
        SiteInfo(
            site_id=row["site_id"],
            name=row["name"],
            # a batch's class column is text: a site without a class holds NaN there
            project_class=row["project_class"] if isinstance(row["project_class"], str) else None,
            linear=bool(row["linear"]),
            area=areas[position],
            facts=facts[position],
            project=projects[position],
            attributes=row,
        )
        for position, row in enumerate(own_fields)
    ]
    rules = ProfileRules(profile, stage)
    findings = rules.evaluate_all(
        infos, site_layers, lambda done, _: notify("sites", done, total), workers=workers
    )
    return site_layers, findings


def _with_areas(
    projects: list[ProjectTotals], areas: list[Area], shared: Mapping[tuple[int, ...], Area]
) -> list[ProjectTotals]:
    """Each site's project totals with the project's area (:attr:`ProjectTotals.area`).

    The sites' areas summed, less the ground they share (``shared``: by the positions of
    a project's sites, as :class:`_SharedGround` measured it, planar and ellipsoidal as
    the sites' areas are). A project of one site keeps its totals as they are: its area
    is the site's (:meth:`~landcheck.rules.core.RuleInput.project_area`), and a batch of
    10,000 sites standing alone made 10,000 copies for nothing.

    Examples
    --------
    >>> from landcheck.units import AreaMethod
    >>> p = ProjectTotals("P1", ("S1", "S2"), overlap_m2=500.0)
    >>> a = Area(1_000.0, 1_002.0, AreaMethod.PLANAR)
    >>> common = {(0, 1): Area(500.0, 501.0, AreaMethod.PLANAR)}
    >>> [t.area.ellipsoidal_m2 for t in _with_areas([p, p], [a, a], common)]
    [1503.0, 1503.0]
    """
    positions: dict[int, list[int]] = {}
    for position, totals in enumerate(projects):
        if len(totals.site_ids) > 1:
            positions.setdefault(id(totals), []).append(position)
    measured: dict[int, ProjectTotals] = {}
    for key, at in positions.items():
        totals, common = projects[at[0]], shared[tuple(at)]
        summed = sum((areas[p] for p in at[1:]), areas[at[0]])
        area = Area(
            summed.planar_m2 - common.planar_m2,
            summed.ellipsoidal_m2 - common.ellipsoidal_m2,
            summed.method,
        )
        measured[key] = replace(totals, area=area)
    return [measured.get(id(totals), totals) for totals in projects]


@dataclass
class _SharedGround:
    """The ground each project's sites share, measured as the sites' areas are.

    Called by :func:`~landcheck.rules.project_totals` with the positions of a
    project's sites, it answers the shared ground in m² by the run's area method
    (:attr:`ProjectTotals.overlap_m2`, which the 征收 check prints) and keeps it
    both ways, by those positions, for :func:`_with_areas`.
    """

    geometries: np.ndarray
    site_ids: np.ndarray
    measuring: SiteMeasuring
    is_sliver: Callable[[float, float | None], bool]
    method: AreaMethod
    measured: dict[tuple[int, ...], Area] = field(default_factory=dict)

    def __call__(self, positions: list[int]) -> float:
        at = np.asarray(positions, dtype=np.intp)
        at = at[~shapely.is_missing(self.geometries[at])]
        zones = np.unique(self.measuring.labels[at].astype(str))
        area = _shared_ground(self.geometries[at], at, self.measuring, self.is_sliver, self.method)
        if len(zones) > 1 and area.ellipsoidal_m2 > 0.0:
            warn(
                f"sites {', '.join(map(str, self.site_ids[at][:5]))} of one project are "
                f"measured in different zones ({', '.join(zones)}): the "
                f"{area.ellipsoidal_m2:.2f} m² they share is taken off their planar sum as "
                "measured on the ellipsoid (no one plane holds their union)"
            )
        self.measured[tuple(positions)] = area
        return area.m2


def _shared_ground(
    chosen: np.ndarray,
    at: np.ndarray,
    measuring: SiteMeasuring,
    is_sliver: Callable[[float, float | None], bool],
    method: AreaMethod,
) -> Area:
    """The ground the sites ``chosen`` (at positions ``at``) share; 0 for a sliver of it.

    Their areas less the area of their union: what summing them would count twice.
    Ellipsoidal on the analysis CRS's ellipsoid, and planar in the sites' measuring CRS,
    as the sites' own areas are measured (:mod:`landcheck.crs.measuring`); sites
    measured in several zones share their ellipsoidal figure, no one plane holding their
    union. Where they overlap by a sliver (``is_sliver(area_m2, mean_width_m)``:
    adjacent plots whose common boundary was drawn twice, a few centimetres apart),
    nothing is shared.

    Examples
    --------
    >>> from pyproj import CRS
    >>> from shapely import box
    >>> from landcheck.crs.measuring import site_measuring
    >>> from landcheck.units import AreaMethod
    >>> sites = np.array([box(35_500_000, 2_700_000, 35_500_100, 2_700_100),
    ...                   box(35_500_050, 2_700_000, 35_500_150, 2_700_100),
    ...                   box(35_500_099.95, 2_700_000, 35_500_200, 2_700_100)])
    >>> measuring = site_measuring(CRS.from_epsg(4523), sites)
    >>> thin = lambda area, width: area < 1.0 or width < 0.1
    >>> at = np.array([0, 1])
    >>> round(_shared_ground(sites[at], at, measuring, thin, AreaMethod.PLANAR).m2, 6)
    5000.0
    >>> at = np.array([0, 2])
    >>> _shared_ground(sites[at], at, measuring, thin, AreaMethod.PLANAR).m2
    0.0
    """
    if not _shows(chosen, is_sliver):
        return Area(0.0, 0.0, method)
    ellipsoidal = _excess(chosen, partial(ellipsoidal_areas, crs=measuring.analysis))
    if len(np.unique(measuring.labels[at].astype(str))) > 1:
        return Area(ellipsoidal, ellipsoidal, method)
    return Area(_excess(measuring.to_own_crs(chosen, at), shapely.area), ellipsoidal, method)


def _shows(chosen: np.ndarray, is_sliver: Callable[[float, float | None], bool]) -> bool:
    """Whether the geometries overlap by more than a sliver (measured as they are)."""
    left, right = shapely.STRtree(chosen).query(chosen, predicate="intersects")
    pairs = left < right
    parts = shapely.get_parts(shapely.intersection(chosen[left[pairs]], chosen[right[pairs]]))
    while (shapely.get_type_id(parts) == 7).any():  # a touch comes as a collection with lines
        parts = shapely.get_parts(parts)
    common = shapely.union_all(parts[np.isin(shapely.get_type_id(parts), (3, 6))])
    area, length = shapely.area(common), shapely.length(common)
    return area > 0.0 and not is_sliver(area, 2.0 * area / length if length > 0 else None)


def _excess(geometries: np.ndarray, measure: Callable[[np.ndarray], np.ndarray]) -> float:
    """The geometries' areas summed less the area of their union, by ``measure``."""
    union = np.array([shapely.union_all(geometries)], dtype=object)
    return float(measure(geometries).sum() - measure(union)[0])
