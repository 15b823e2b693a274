"""The pre-examination tool: from sites and layers to a :class:`CheckResult`.

:func:`check` is what ``landcheck check`` and the notebooks call. It reads the
sites, chooses the analysis CRS, reads from each constraint layer only the
features near the sites, overlays, measures, applies the profile's rules and
returns the result. It never writes files; :mod:`landcheck.report` does.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS

from landcheck.classify import CodeTable, load_code_table
from landcheck.datum import DatumShift
from landcheck.engine import Engine, make_engine
from landcheck.errors import DataSourceError, InputDataError
from landcheck.inputs import (
    LayerInput,
    Source,
    coverage_warnings,
    load_layer,
    prepare_run,
)
from landcheck.io import InputRecord, LayerSource
from landcheck.measure import LayerMeasure, SiteLayer, measure_layer, unavailable_layer
from landcheck.messages import summarise
from landcheck.profile import LayerSpec, Profile
from landcheck.result import CheckResult
from landcheck.rules import SiteInfo, evaluate_site, search_distance
from landcheck.units import Area

__all__ = ["ProgressCallback", "check"]

logger = logging.getLogger(__name__)

_SHARED_NOTED_M2 = 0.005
"""Overlap of a layer's features with each other worth a warning (it prints as 0.01 m²)."""

ProgressCallback = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: called as layers and sites are processed."""


@dataclass
class _LayerRun:
    """One layer's outcome in a run: measured, or unavailable with a reason."""

    spec: LayerSpec
    record: InputRecord
    measure: LayerMeasure | None = None
    pieces: gpd.GeoDataFrame | None = None
    context: gpd.GeoDataFrame | None = None
    reason: str = ""


def _run_layer(
    spec: LayerSpec,
    source: Source,
    sites: gpd.GeoDataFrame,
    profile: Profile,
    crs: CRS,
    warnings: list[str],
    datum_shift: DatumShift | None = None,
    engine: Engine | None = None,
    assume_crs: CRS | None = None,
) -> _LayerRun:
    record = InputRecord(role="layer", key=spec.key)
    if source is None:
        record.status = "missing"
        record.detail = "no source given"
        return _LayerRun(spec, record, reason="未提供图层 / layer not supplied")
    search_m = search_distance(profile, spec.key)
    try:
        loaded = load_layer(
            spec,
            source,
            sites.geometry,
            crs,
            margin=max(1.0, search_m),
            datum_shift=datum_shift,
            assume_crs=assume_crs,
        )
    except (DataSourceError, InputDataError, OSError) as ex:  # OSError: permission denied…
        record.path = source.path if isinstance(source, LayerSource) else None
        record.status = "unreadable"
        record.detail = str(ex)
        warnings.append(f"layer {spec.key!r} could not be used: {ex}")
        return _LayerRun(spec, record, reason=str(ex))
    warnings.extend(loaded.warnings)
    layer = loaded.layer
    overlay, nearest = (engine or Engine()).overlay(
        np.asarray(sites.geometry.values, dtype=object),
        layer.features,
        crs,
        attributes=layer.attribute_columns,
        search_m=search_m,
    )
    if overlay.self_overlap_m2 >= _SHARED_NOTED_M2:
        ids = sites["site_id"].to_numpy()[overlay.self_overlap_sites]
        warnings.append(
            f"layer {spec.key!r}: features overlap each other inside site(s) "
            f"{', '.join(map(str, ids[:5]))} ({overlay.self_overlap_m2:.2f} m² in all); the "
            "shared area is counted once, under the earlier feature"
        )
    table: CodeTable | None = load_code_table(spec.classification) if spec.classification else None
    nearest["feature_id"] = layer.features["_id"].to_numpy()[nearest["feature"].to_numpy(dtype=int)]
    measure = measure_layer(
        overlay,
        spec,
        profile.analysis.area_method,
        table=table,
        has_codes="code" in layer.mapping,
        nearest=nearest,
        search_m=search_m,
        site_geoms=np.asarray(sites.geometry.values, dtype=object),
    )
    context = layer.features[[c for c in ("_id", "_code", "_name") if c in layer.features]]
    context = gpd.GeoDataFrame(context, geometry=layer.features.geometry.values, crs=crs)
    return _LayerRun(spec, loaded.record, measure=measure, pieces=overlay.pieces, context=context)


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
    progress: ProgressCallback | None = None,
    engine: str = "local",
    client: Any = None,
    workers: int | None = None,
) -> CheckResult:
    """Pre-examine project sites against the profile's constraint layers.

    Parameters
    ----------
    sites : path, ``"PATH:LAYER"``, GeoDataFrame, or a list of them
        The project sites (polygons; lines with a width for linear projects).
        Several sources are read into one set of sites; their ids must differ.
    profile : str, path or Profile
        A built-in profile name (``"china-preexam"``), a YAML file, or a Profile.
    layers : mapping, optional
        Layer key → ``"PATH[:LAYER]"``, GeoDataFrame, or None; overrides or
        supplies the profile's layer sources. Keys the profile does not know
        become generic layers (overlap areas, no rules).
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
        position-vector convention, see :mod:`landcheck.datum`) moving Xian
        1980 / Beijing 1954 inputs to CGCS2000. Without them such inputs are
        refused; with them the shift is applied and recorded in the inputs
        and warnings.
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
        The sites' ids or geometries cannot be used.
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
    started = datetime.now(timezone.utc)
    notify = progress or (lambda stage, done, total: None)
    runner = make_engine(engine, client=client, workers=workers)
    run = prepare_run(
        sites,
        profile=profile,
        layers=layers,
        crs=crs,
        area_method=area_method,
        encoding=encoding,
        datum_shift=datum_shift,
        id_field=id_field,
        width=width,
    )
    warnings = run.warnings
    frame = run.sites.frame
    notify("sites", 0, len(frame))
    warnings.extend(coverage_warnings(run.profile, run.sources, frame, run.crs))
    layer_runs = {}
    with runner:
        for done, (key, spec) in enumerate(run.profile.layers.items()):
            notify("layers", done, len(run.profile.layers))
            layer_runs[key] = _run_layer(
                spec,
                run.sources.get(key),
                frame,
                run.profile,
                run.crs,
                warnings,
                run.datum_shift,
                runner,
                run.assume_crs,
            )
    notify("layers", len(run.profile.layers), len(run.profile.layers))
    site_layers, findings = _evaluate(run.profile, frame, layer_runs, notify)
    return CheckResult(
        profile=run.profile,
        analysis_crs=run.crs,
        crs_reason=run.crs_reason,
        created=started,
        sites=frame,
        site_layers=site_layers,
        findings=findings,
        pieces={k: r.pieces for k, r in layer_runs.items() if r.pieces is not None},
        context={k: r.context for k, r in layer_runs.items() if r.context is not None},
        inputs=[*run.records, *(r.record for r in layer_runs.values())],
        warnings=summarise(warnings),
    )


def _evaluate(
    profile: Profile,
    frame: gpd.GeoDataFrame,
    runs: Mapping[str, _LayerRun],
    notify: ProgressCallback,
) -> tuple[list[dict[str, SiteLayer]], list[list[Any]]]:
    method = profile.analysis.area_method
    empty = shapely.is_empty(np.asarray(frame.geometry.values, dtype=object))
    site_layers, findings = [], []
    total = len(frame)
    for position, row in enumerate(frame.itertuples(index=False)):
        area = Area(row.planar_m2, row.ellipsoidal_m2, method)
        views = {}
        for key, run in runs.items():
            if empty[position]:
                views[key] = unavailable_layer(
                    key, run.spec.kind, "用地无面积 / site has no area", area
                )
            elif run.measure is None:
                views[key] = unavailable_layer(key, run.spec.kind, run.reason, area)
            else:
                views[key] = run.measure.site(position, area)
        info = SiteInfo(
            site_id=row.site_id,
            name=row.name,
            project_class=row.project_class,
            linear=bool(row.linear),
            area=area,
        )
        site_layers.append(views)
        findings.append(evaluate_site(profile, info, views))
        if position % 200 == 0:
            notify("sites", position, total)
    notify("sites", total, total)
    return site_layers, findings
